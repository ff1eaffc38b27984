// META: global=window,dedicatedworker,jsshell
// META: script=/wasm/jsapi/wasm-module-builder.js
// A WPT-style test (testharness.js) of JSPI. In this repository it runs
// with spec-tests/js/lib/builder.js in place of wasm-module-builder.js.

function suspendingAdd(fn) {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [T.i32], [T.i32]);
  b.func([T.i32], [T.i32], [op.local_get, 0, op.call, s, op.i32_const, 1, op.i32_add], { export: "f" });
  return b.instantiate({ m: { s: new WebAssembly.Suspending(fn) } }).exports;
}

promise_test(async () => {
  const e = suspendingAdd((x) => Promise.resolve(x * 2));
  assert_equals(await WebAssembly.promising(e.f)(20), 41);
}, "suspend once");

promise_test(async () => {
  const e = suspendingAdd((x) => x * 3);
  assert_equals(await WebAssembly.promising(e.f)(2), 7);
}, "a non-promise result suspends and resumes");

promise_test(async (t) => {
  const e = suspendingAdd(() => Promise.reject(new TypeError("no")));
  await promise_rejects_js(t, TypeError, WebAssembly.promising(e.f)(0));
}, "a rejection reaches the promising promise");

test(() => {
  const e = suspendingAdd((x) => x);
  assert_throws_js(WebAssembly.SuspendError, () => e.f(1));
}, "a direct call throws SuspendError");

test(() => {
  assert_throws_js(TypeError, () => WebAssembly.promising(() => 1));
  assert_throws_js(TypeError, () => new WebAssembly.Suspending(1));
}, "argument checks");

promise_test(async () => {
  const log = [];
  const e = suspendingAdd((x) => { log.push("import"); return x; });
  const p = WebAssembly.promising(e.f)(1).then((v) => log.push("done " + v));
  Promise.resolve().then(() => log.push("a")).then(() => log.push("b"));
  log.push("sync");
  await p;
  assert_array_equals(log.slice(0, 4), ["import", "sync", "a", "done 2"]);
}, "tick order");
