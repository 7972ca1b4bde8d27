;; Recurses without end: for the stack.
(module
  (import "valor" "respond" (func $respond (param i32 i32 i32 i32)))
  (memory (export "memory") 2)
  ;; A bump allocator, reset after each request: the host allocates the request there.
  (global $heap (mut i32) (i32.const 65536))
  (func (export "valor_alloc") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))
  (func $down (param $n i32) (result i32)
    (call $down (i32.add (local.get $n) (i32.const 1))))
  (func (export "valor_handle") (param i32 i32 i32 i32) (result i32)
    (call $down (i32.const 0))))
