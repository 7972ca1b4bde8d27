;; A WAGI module using the key-value imports: appends its stdin to the value of "wagi:log" in the
;; store "default" (read, then put), and prints CGI headers and the value as it now is.
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "valor" "kv_get" (func $kv_get (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "valor" "kv_put" (func $kv_put (param i32 i32 i32 i32 i32 i32 i64) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 256) "content-type: text/plain\n\n")   ;; 26 bytes
  (data (i32.const 300) "default")                        ;; 7 bytes
  (data (i32.const 320) "wagi:log")                       ;; 8 bytes
  (func (export "_start")
    (local $len i32) (local $read i32)
    ;; the value so far at 65536 (absent: empty)
    (local.set $len (call $kv_get (i32.const 300) (i32.const 7) (i32.const 320) (i32.const 8)
      (i32.const 65536) (i32.const 32768)))
    (if (i32.lt_s (local.get $len) (i32.const 0)) (then (local.set $len (i32.const 0))))
    ;; stdin after it
    (i32.store (i32.const 16) (i32.add (i32.const 65536) (local.get $len)))
    (i32.store (i32.const 20) (i32.const 32768))
    (drop (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
    (local.set $len (i32.add (local.get $len) (i32.load (i32.const 24))))
    (drop (call $kv_put (i32.const 300) (i32.const 7) (i32.const 320) (i32.const 8)
      (i32.const 65536) (local.get $len) (i64.const 0)))
    ;; the head, then the value
    (i32.store (i32.const 0) (i32.const 256))
    (i32.store (i32.const 4) (i32.const 26))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (i32.store (i32.const 32) (i32.const 65536))
    (i32.store (i32.const 36) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 40)))))
