// Globals (JS API §"Globals").
"use strict";

test("constructor and value", () => {
  const g = new WebAssembly.Global({ value: "i32", mutable: true }, 42);
  assertEq(g.value, 42);
  assertEq(g.valueOf(), 42);
  g.value = 2 ** 32 + 1;
  assertEq(g.value, 1, "ToInt32");
  const d = new WebAssembly.Global({ value: "i32" });
  assertEq(d.value, 0, "default 0");
  assertThrows(TypeError, () => { d.value = 1; }, "immutable");
  assertThrows(TypeError, () => new WebAssembly.Global({}), "no value type");
  assertThrows(TypeError, () => new WebAssembly.Global({ value: "x" }), "unknown value type");
  assertThrows(TypeError, () => new WebAssembly.Global({ value: "v128" }), "v128");
});

test("i64 globals use BigInt", () => {
  const g = new WebAssembly.Global({ value: "i64", mutable: true }, 5n);
  assertEq(g.value, 5n);
  g.value = -1n;
  assertEq(g.value, -1n);
  assertEq(new WebAssembly.Global({ value: "i64" }).value, 0n, "default 0n");
  assertEq(new WebAssembly.Global({ value: "i64" }, undefined).value, 0n, "undefined is missing");
  assertThrows(TypeError, () => new WebAssembly.Global({ value: "i64" }, 1), "a Number");
  assertThrows(TypeError, () => { g.value = 1; }, "a Number on set");
});

test("floats", () => {
  const f = new WebAssembly.Global({ value: "f32", mutable: true }, 1.1);
  assertEq(f.value, Math.fround(1.1));
  const d = new WebAssembly.Global({ value: "f64" }, -0);
  assertEq(d.value, -0);
  assertTrue(Number.isNaN(new WebAssembly.Global({ value: "f64" }, NaN).value));
});

test("reference globals", () => {
  const x = new WebAssembly.Global({ value: "externref", mutable: true });
  assertEq(x.value, undefined, "externref defaults to undefined");
  const o = {};
  x.value = o;
  assertEq(x.value, o);
  x.value = null;
  assertEq(x.value, null);
  const f = new WebAssembly.Global({ value: "anyfunc", mutable: true });
  assertEq(f.value, null, "funcref defaults to null");
  const b = new WasmBuilder();
  b.func([], [], [], { export: "f" });
  const fn = b.instantiate().exports.f;
  f.value = fn;
  assertEq(f.value, fn);
  assertThrows(TypeError, () => { f.value = () => 1; });
});

test("globals shared with wasm", () => {
  const g = new WebAssembly.Global({ value: "i32", mutable: true }, 1);
  const b = new WasmBuilder();
  b.importGlobal("m", "g", T.i32, true);
  b.func([], [], [op.global_get, 0, op.i32_const, 10, op.i32_add, op.global_set, 0], { export: "add10" });
  b.export("g", "global", 0);
  const e = b.instantiate({ m: { g } }).exports;
  assertEq(e.g, g, "the Global object itself is exported");
  e.add10();
  assertEq(g.value, 11);
  g.value = 100;
  e.add10();
  assertEq(g.value, 110);
});

test("exported globals of a module", () => {
  const b = new WasmBuilder();
  b.global(T.i64, false, [op.i64_const, ...s64(-5)], "c");
  b.global(T.f64, true, [op.f64_const, ...f64(1.5)], "v");
  const e = b.instantiate().exports;
  assertTrue(e.c instanceof WebAssembly.Global);
  assertEq(e.c.value, -5n);
  assertThrows(TypeError, () => { e.c.value = 1n; });
  e.v.value = 2.5;
  assertEq(e.v.value, 2.5);
});

test("a number imported as an immutable global", () => {
  const b = new WasmBuilder();
  b.importGlobal("m", "g", T.f64, false);
  b.func([], [T.f64], [op.global_get, 0], { export: "get" });
  assertEq(b.instantiate({ m: { g: 2.25 } }).exports.get(), 2.25);
});

test("the value setter called with no argument takes undefined", () => {
  // WebIDL attribute setter: V is undefined when no argument was passed.
  const setter = Object.getOwnPropertyDescriptor(WebAssembly.Global.prototype, "value").set;
  const i32 = new WebAssembly.Global({ value: "i32", mutable: true }, 5);
  assertEq(setter.call(i32), undefined);
  assertEq(i32.value, 0, "undefined is 0 as an i32");
  const ext = new WebAssembly.Global({ value: "externref", mutable: true }, "x");
  setter.call(ext);
  assertEq(ext.value, undefined, "undefined as an externref");
  const i64 = new WebAssembly.Global({ value: "i64", mutable: true });
  assertThrows(TypeError, () => setter.call(i64), "undefined is no BigInt");
});
