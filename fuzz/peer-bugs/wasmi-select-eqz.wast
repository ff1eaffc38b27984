;; wasmi 2.0.0 computes `select(a, x, i32.eqz x)` as if its operands were
;; swapped when x is a local that holds a known non-zero value: "a" returns 1
;; instead of 5. Found by `fuzz --target exec` (seed 1, cases 208, 3191, 8094,
;; 10734, 44: wasm-smith's guard against division by zero is exactly this
;; select). See README.md for why 5 is right.
(module
  (func (export "a") (result i32) (local i32)
    (local.set 0 (i32.const 5))
    (select (i32.const 1) (local.get 0) (i32.eqz (local.get 0))))
  (func (export "b") (result i32) (local i32)
    (local.set 0 (i32.const 0))
    (select (i32.const 1) (local.get 0) (i32.eqz (local.get 0)))))
(assert_return (invoke "a") (i32.const 5))
(assert_return (invoke "b") (i32.const 1))
