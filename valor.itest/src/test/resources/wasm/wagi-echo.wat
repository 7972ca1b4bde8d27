;; A WAGI module in WAT: prints CGI headers, then what it read on stdin.
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 256) "content-type: text/plain\nstatus: 201 Created\nX-Wagi: yes\n\nstdin:")
  (func (export "_start")
    ;; iovec at 0: {ptr=256, len=64}; write the head
    (i32.store (i32.const 0) (i32.const 256))
    (i32.store (i32.const 4) (i32.const 64))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    ;; read up to 64 KiB of stdin at 65536, iovec at 16, count at 24
    (i32.store (i32.const 16) (i32.const 65536))
    (i32.store (i32.const 20) (i32.const 65536))
    (drop (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
    ;; write what was read
    (i32.store (i32.const 32) (i32.const 65536))
    (i32.store (i32.const 36) (i32.load (i32.const 24)))
    (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 40)))))
