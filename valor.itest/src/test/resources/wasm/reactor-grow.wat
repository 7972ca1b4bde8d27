;; Grows its memory until it may not, then traps: for the memory limit.
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
  (func (export "valor_handle") (param i32 i32 i32 i32) (result i32)
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
    unreachable))
