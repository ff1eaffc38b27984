;; wasmi 2.0.0 panics ("internal error: entered unreachable code",
;; engine/translator/func/mod.rs:2583) while translating this valid module:
;; a store to a second, 64-bit memory whose address and value are the same
;; local, just loaded. Found by `fuzz --target exec` (seed 1, case 23349).
(module
  (memory 1 1)
  (memory i64 1 1)
  (data (memory 0) (i32.const 0) "\05")
  (func (export "f") (param i64)
    (local.set 0 (i64.load32_u (i32.const 0)))
    (i64.store16 1 (local.get 0) (local.get 0)))
  (func (export "get") (result i32)
    (i32.load16_u 1 (i64.const 5))))
(assert_return (invoke "f" (i64.const 0)))
(assert_return (invoke "get") (i32.const 5))
