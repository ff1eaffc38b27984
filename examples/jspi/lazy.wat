;; The seed's lazy-loading main program, by hand in WAT. `get42` is a
;; function pointer (a table index) that starts as `stub`; the stub calls
;; the Suspending import `resolveFun`, which fetches and instantiates
;; p42.wasm and puts its `provide42` in the shared table, then points
;; `get42` at it and calls it. So p42.wasm is loaded on the first call only.
;; Rebuild: wasm-ref wat examples/jspi/lazy.wat -o examples/jspi/lazy.wasm
(module
  (type $fooFun (func (result i32)))
  (import "env" "memory" (memory 1))
  (import "env" "__indirect_function_table" (table 2 funcref))
  ;; EM_ASYNC_JS(fooFun, resolveFun, (), {...}): returns a table index
  (import "env" "resolveFun" (func $resolveFun (result i32)))
  ;; printf("first call p42() = %ld\n", ...) and printf("second call = %ld\n", ...)
  (import "env" "printResult" (func $printResult (param i32 i32)))

  ;; fooFun get42 = stub;   (slot 1 of the table holds stub)
  (global $get42 (mut i32) (i32.const 1))
  (elem (i32.const 1) $stub)

  ;; long stub() { get42 = resolveFun(); return get42(); }
  (func $stub (result i32)
    (global.set $get42 (call $resolveFun))
    (call_indirect (type $fooFun) (global.get $get42)))

  ;; int main() { printf(... get42()); printf(... get42()); }
  (func (export "main") (result i32)
    (call $printResult (i32.const 1) (call_indirect (type $fooFun) (global.get $get42)))
    (call $printResult (i32.const 2) (call_indirect (type $fooFun) (global.get $get42)))
    (i32.const 0)))
