;; Declares 128 MiB at start: more than the default limit, refused at deploy.
(module
  (import "valor" "respond" (func $respond (param i32 i32 i32 i32)))
  (memory (export "memory") 2048)
  ;; A bump allocator, reset after each request: the host allocates the request there.
  (global $heap (mut i32) (i32.const 65536))
  (func (export "valor_alloc") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))
  (func (export "valor_handle") (param i32 i32 i32 i32) (result i32)
    (i32.const 0)))
