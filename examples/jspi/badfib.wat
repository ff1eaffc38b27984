;; badfib from "Introducing the WebAssembly JavaScript Promise Integration
;; API" (v8.dev/blog/jspi, 2023, appendix A), by hand
;; in WAT: Fibonacci computed three ways, adding with a wasm function, a JS
;; import, or a Suspending import that returns a promise. C's `long` is i32
;; on wasm32.
;; Rebuild: wasm-ref wat examples/jspi/badfib.wat -o examples/jspi/badfib.wasm
(module
  (import "env" "jsAdd" (func $jsAdd (param i32 i32) (result i32)))
  (import "env" "promiseAdd" (func $promiseAdd (param i32 i32) (result i32)))

  ;; long add(long x, long y) { return x + y; }
  (func $add (param $x i32) (param $y i32) (result i32)
    (i32.add (local.get $x) (local.get $y)))

  ;; long localFib(long x): x < 2 ? x : add(localFib(x - 1), localFib(x - 2))
  (func $localFib (export "localFib") (param $x i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $x) (i32.const 2))
      (then (local.get $x))
      (else (call $add
        (call $localFib (i32.sub (local.get $x) (i32.const 1)))
        (call $localFib (i32.sub (local.get $x) (i32.const 2)))))))

  ;; long jsFib(long x): the same, adding through JS
  (func $jsFib (export "jsFib") (param $x i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $x) (i32.const 2))
      (then (local.get $x))
      (else (call $jsAdd
        (call $jsFib (i32.sub (local.get $x) (i32.const 1)))
        (call $jsFib (i32.sub (local.get $x) (i32.const 2)))))))

  ;; long promiseFib(long x): the same, adding through a promise (JSPI)
  (func $promiseFib (export "promiseFib") (param $x i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $x) (i32.const 2))
      (then (local.get $x))
      (else (call $promiseAdd
        (call $promiseFib (i32.sub (local.get $x) (i32.const 1)))
        (call $promiseFib (i32.sub (local.get $x) (i32.const 2))))))))
