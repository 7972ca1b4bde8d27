;; The reactor ABI's hello: answers every request with a fixed text.
(module
  (import "valor" "respond" (func $respond (param i32 i32 i32 i32)))
  (memory (export "memory") 2)
  (data (i32.const 16) "200\ncontent-type: text/plain; charset=utf-8\n")
  (data (i32.const 128) "OK response from a plugin")
  ;; A bump allocator, reset after each request: the host allocates the request there.
  (global $heap (mut i32) (i32.const 65536))
  (func (export "valor_alloc") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))
  (func (export "valor_handle") (param i32 i32 i32 i32) (result i32)
    (call $respond (i32.const 16) (i32.const 44) (i32.const 128) (i32.const 25))
    (global.set $heap (i32.const 65536))
    (i32.const 0)))
