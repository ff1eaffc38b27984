;; Host calls at many points of a computation: in the conformance suite's
;; suspending mode every spectest print is also a suspension point, resumed
;; with no values, so these check that locals, operands under the call,
;; labels and frames survive a suspension at every depth.

(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "spectest" "print_f64_f64" (func $print2 (param f64 f64)))
  (func $deep (param $n i32) (result i32)
    ;; An operand (n * 10) is on the stack under every host call.
    (if (result i32) (i32.eqz (local.get $n))
      (then (call $print (i32.const 0)) (i32.const 0))
      (else
        (i32.add
          (i32.mul (local.get $n) (i32.const 10))
          (block (result i32)
            (call $print (local.get $n))
            (call $deep (i32.sub (local.get $n) (i32.const 1))))))))
  (func (export "deep") (param i32) (result i32) (call $deep (local.get 0)))

  (func (export "loop") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $print2 (f64.convert_i64_u (local.get $acc)) (f64.convert_i32_u (local.get $i)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $acc))

  (func (export "multi") (result i32 i64 f32)
    (call $print (i32.const 1))
    (i32.const 7)
    (call $print (i32.const 2))
    (i64.const -8)
    (call $print (i32.const 3))
    (f32.const 1.5))
)

(assert_return (invoke "deep" (i32.const 0)) (i32.const 0))
(assert_return (invoke "deep" (i32.const 10)) (i32.const 550))
(assert_return (invoke "deep" (i32.const 1000)) (i32.const 5005000))
(assert_return (invoke "loop" (i32.const 0)) (i64.const 0))
(assert_return (invoke "loop" (i32.const 100)) (i64.const 4950))
(assert_return (invoke "multi") (i32.const 7) (i64.const -8) (f32.const 1.5))

;; A start function that calls the host: suspended and resumed during instantiation.
(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (global $g (mut i32) (i32.const 0))
  (func $start
    (call $print (i32.const 5))
    (global.set $g (i32.const 42)))
  (start $start)
  (func (export "g") (result i32) (global.get $g)))
(assert_return (invoke "g") (i32.const 42))

;; A trap after a host call, and exhaustion of the call stack.
(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (func (export "trap-after-call") (call $print (i32.const 1)) (unreachable))
  (func $runaway (export "runaway") (call $print (i32.const 2)) (call $runaway)))
(assert_trap (invoke "trap-after-call") "unreachable")
(assert_exhaustion (invoke "runaway") "call stack exhausted")
