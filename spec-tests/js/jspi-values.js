// Values through JSPI: every value type as argument and result, and
// multi-value results (proposal-notes/jspi.md a.3 step 5, a.4 steps 4 and 12).
"use strict";

promiseTest("every value type through a Suspending import and promising", async () => {
  const types = [T.i32, T.i64, T.f32, T.f64, T.externref, T.funcref];
  const b = new WasmBuilder();
  const imps = types.map((t, i) => b.importFunc("m", "s" + i, [t], [t]));
  types.forEach((t, i) => {
    b.func([t], [t], [op.local_get, 0, op.call, imps[i]], { export: "f" + i });
  });
  b.func([], [], [], { export: "someFunc" });
  const seen = [];
  const m = {};
  types.forEach((t, i) => { m["s" + i] = new WebAssembly.Suspending((v) => { seen.push(v); return Promise.resolve(v); }); });
  const e = b.instantiate({ m }).exports;
  const o = { o: 1 };
  const inputs = [-7, -(2n ** 63n), 1.5, -0, o, e.someFunc];
  for (let i = 0; i < types.length; i++) {
    const r = await WebAssembly.promising(e["f" + i])(inputs[i]);
    assertEq(r, inputs[i], "type " + i);
    assertEq(seen[i], inputs[i], "argument " + i);
  }
  assertEq(await WebAssembly.promising(e.f4)(null), null, "null externref");
  assertEq(await WebAssembly.promising(e.f5)(null), null, "null funcref");
});

promiseTest("multi-value results of a promising call are a new Array", async () => {
  const b = new WasmBuilder();
  b.func([], [T.i32, T.i64, T.f64], [op.i32_const, 2, op.i64_const, 3, op.f64_const, ...f64(0.5)], { export: "f" });
  const e = b.instantiate().exports;
  const r = await WebAssembly.promising(e.f)();
  assertTrue(Array.isArray(r));
  assertArrayEq(r, [2, 3n, 0.5]);
  assertEq(await WebAssembly.promising(b.instantiate().exports.f)().then((x) => x.length), 3);
});

promiseTest("a Suspending import with several results takes an iterable", async () => {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [], [T.i32, T.i32]);
  b.func([], [T.i32], [op.call, s, op.i32_sub], { export: "f" });
  let value;
  const e = b.instantiate({ m: { s: new WebAssembly.Suspending(() => Promise.resolve(value)) } }).exports;
  const f = WebAssembly.promising(e.f);
  value = [10, 3];
  assertEq(await f(), 7);
  value = new Set([9, 4]);
  assertEq(await f(), 5);
  value = (function* () { yield 2; yield 1; })();
  assertEq(await f(), 1);
  value = [1];
  await assertRejects(TypeError, f(), "too few values");
  value = 5;
  await assertRejects(TypeError, f(), "not iterable");
});

promiseTest("an externref result takes the value as it is", async () => {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [], [T.externref]);
  b.func([], [T.externref], [op.call, s], { export: "f" });
  const arr = [1, 2, 3];
  const e = b.instantiate({ m: { s: new WebAssembly.Suspending(() => arr) } }).exports;
  assertEq(await WebAssembly.promising(e.f)(), arr);
});

promiseTest("no results: the promise resolves with undefined", async () => {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [], []);
  b.func([], [], [op.call, s], { export: "f" });
  const e = b.instantiate({ m: { s: new WebAssembly.Suspending(() => Promise.resolve(99)) } }).exports;
  assertEq(await WebAssembly.promising(e.f)(), undefined);
});
