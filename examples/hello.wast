;; A small .wast script:  cargo run --release --bin wasm-ref -- wast examples/hello.wast
(module
  (import "spectest" "print_i32" (func $print (param i32)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "shout") (param i32) (call $print (local.get 0))))
(assert_return (invoke "add" (i32.const 2) (i32.const 40)) (i32.const 42))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(invoke "shout" (i32.const 7))
(assert_invalid (module (func (result i32) (i64.const 1))) "type mismatch")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
