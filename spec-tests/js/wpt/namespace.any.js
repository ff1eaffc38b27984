// META: global=window,dedicatedworker,jsshell
// META: script=/wasm/jsapi/wasm-module-builder.js
// A WPT-style test (testharness.js) of the namespace's async operations.
// In this repository it runs with spec-tests/js/lib/builder.js in place of
// wasm-module-builder.js.

test(() => {
  assert_equals(typeof WebAssembly, "object");
  assert_equals(String(WebAssembly), "[object WebAssembly]");
}, "the namespace object");

promise_test(async () => {
  const m = await WebAssembly.compile(new WasmBuilder().toBytes());
  assert_true(m instanceof WebAssembly.Module);
}, "compile resolves with a Module");

promise_test((t) => promise_rejects_js(t, TypeError, WebAssembly.compile(1)), "compile(1) rejects with TypeError");

promise_test((t) => promise_rejects_js(t, WebAssembly.CompileError, WebAssembly.compile(new Uint8Array([1, 2, 3]))),
  "compile of bad bytes rejects with CompileError");

test(() => {
  assert_throws_js(TypeError, () => WebAssembly.Memory({ initial: 1 }));
}, "interface objects need new");

promise_test(async () => {
  const b = new WasmBuilder();
  b.importFunc("m", "f", [T.i32], [T.i32]);
  b.func([], [T.i32], [op.i32_const, 20, op.call, 0], { export: "g" });
  const { instance, module } = await WebAssembly.instantiate(b.toBytes(), { m: { f: (x) => x + 1 } });
  assert_true(module instanceof WebAssembly.Module);
  assert_equals(instance.exports.g(), 21);
}, "instantiate resolves with a module and an instance");
