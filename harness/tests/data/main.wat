;; A module for the `wasm-ref run` tests (harness/tests/cli.rs): imports from
;; "lib" (registered) and spectest, globals, a memory, a trap, a loop for fuel.
(module
  (import "lib" "twice" (func $twice (param i32) (result i32)))
  (import "spectest" "print_i32" (func $print (param i32)))
  (memory (export "mem") 1)
  (global $g (export "count") (mut i32) (i32.const 0))
  (global (export "pi") f64 (f64.const 3.14))
  (global (export "gnan") f32 (f32.const nan:0x200000))
  (data (i32.const 0) "hello, world\00\01\02")
  (func (export "bump") (result i32)
    (global.set $g (call $twice (i32.add (global.get $g) (i32.const 1))))
    (call $print (global.get $g))
    (global.get $g))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "loop") (loop (br 0)))
  (func (export "nan") (result f32 f64) (f32.const nan:0x200000) (f64.const nan))
  (func (export "rec") (call 6)))
