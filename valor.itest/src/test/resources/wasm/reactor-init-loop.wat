;; Never finishes starting: valor_init loops, for the deploy-time deadline.
(module
  (import "valor" "respond" (func $respond (param i32 i32 i32 i32)))
  (memory (export "memory") 2)
  (func (export "valor_alloc") (param $n i32) (result i32)
    (i32.const 65536))
  (func (export "valor_init") (param i32 i32) (result i32)
    (loop $forever (br $forever))
    (i32.const 0))
  (func (export "valor_handle") (param i32 i32 i32 i32) (result i32)
    (i32.const 0)))
