;; Answers with the request head it was given, then the request body: shows what crosses the boundary.
(module
  (import "valor" "respond" (func $respond (param i32 i32 i32 i32)))
  (import "valor" "log" (func $log (param i32 i32 i32)))
  (memory (export "memory") 2)
  (data (i32.const 16) "200\nx-echo: yes\n")
  (data (i32.const 64) "echo called")
  ;; A bump allocator, reset after each request: the host allocates the request there.
  (global $heap (mut i32) (i32.const 65536))
  (func (export "valor_alloc") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))
  (func (export "valor_handle") (param $h i32) (param $hl i32) (param $b i32) (param $bl i32) (result i32)
    (call $log (i32.const 1) (i32.const 64) (i32.const 11))
    ;; the body follows the head in the bump heap when both were allocated: copy it right after the head
    (memory.copy (i32.add (local.get $h) (local.get $hl)) (local.get $b) (local.get $bl))
    (call $respond (i32.const 16) (i32.const 16) (local.get $h) (i32.add (local.get $hl) (local.get $bl)))
    (global.set $heap (i32.const 65536))
    (i32.const 0)))
