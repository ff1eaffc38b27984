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
;; The same swap with a `ref.is_null` condition, which wasmi treats as an
;; `eqz`, here triggered by a `global.get; drop` before it: "c" must store
;; val1 (7), since the null local makes the condition 1; wasmi stores val2
;; (0). Found by `fuzz --target exec` (seed 1, case 79163).
(module
  (global $g1 i64 (i64.const 0))
  (global $g2 i64 (i64.const 7))
  (global $g3 (mut i64) (i64.const 0))
  (global $g4 (mut i32) (i32.const 2000))
  (export "g3" (global $g3))
  (func (export "c") (local externref i64)
    global.get $g4
    drop
    global.get $g2
    local.tee 1
    global.get $g1
    local.get 0
    ref.is_null
    select
    global.set $g3))
(assert_return (invoke "c"))
(assert_return (get "g3") (i64.const 7))
