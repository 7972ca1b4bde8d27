;; A table without a maximum may grow to Chicory's cap of 10 million elements (76 MiB of heap):
;; over the default 64 MiB limit, under a granted 128 MiB one, which leaves linear memory the rest.
(module
  (import "valor" "respond" (func $respond (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (table 1 funcref)
  (func (export "valor_alloc") (param $n i32) (result i32)
    (i32.const 1024))
  (func (export "valor_handle") (param i32 i32 i32 i32) (result i32)
    (i32.const 0)))
