;; For js-string-streaming.mjs: a module that imports two JS String
;; Builtins and a string constant. `greet(s)` is "hello, " + s; `size(s)`
;; is s.length.
(module
  (type $concat (func (param externref externref) (result (ref extern))))
  (type $length (func (param externref) (result i32)))
  (import "wasm:js-string" "concat" (func $concat (type $concat)))
  (import "wasm:js-string" "length" (func $length (type $length)))
  (import "str" "hello, " (global $hello (ref extern)))
  (func (export "greet") (param $s externref) (result (ref extern))
    (call $concat (global.get $hello) (local.get $s)))
  (func (export "size") (param $s externref) (result i32)
    (call $length (local.get $s))))
