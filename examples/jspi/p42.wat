;; p42.c from "Introducing the WebAssembly JavaScript Promise Integration
;; API" (v8.dev/blog/jspi, 2023, "Using JSPI to load code lazily"), by hand in WAT: a module that shares the main module's
;; memory (-Wl,--import-memory) and provides forty-two.
;; Rebuild: wasm-ref wat examples/jspi/p42.wat -o examples/jspi/p42.wasm
(module
  (import "env" "memory" (memory 1))
  ;; long provide42() { return 42l; }
  (func (export "provide42") (result i32) (i32.const 42)))
