;; The module `run --register lib=...` makes importable as "lib" (harness/tests/cli.rs).
(module
  (global (export "base") i32 (i32.const 100))
  (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))
