// Tables (JS API §"Tables").
"use strict";

function exported() {
  const b = new WasmBuilder();
  b.func([], [T.i32], [op.i32_const, 1], { export: "one" });
  b.func([], [T.i32], [op.i32_const, 2], { export: "two" });
  b.table(T.funcref, 3, 10, "tab");
  b.elem(1, [0, 1]);
  b.func([T.i32], [T.i32], [op.local_get, 0, op.call_indirect, ...u32(b.type([], [T.i32])), 0], { export: "callAt" });
  return b.instantiate().exports;
}

test("constructor", () => {
  const t = new WebAssembly.Table({ element: "anyfunc", initial: 2, maximum: 4 });
  assertEq(t.length, 2);
  assertEq(t.get(0), null, "funcref tables start null");
  const x = new WebAssembly.Table({ element: "externref", initial: 1 });
  assertEq(x.get(0), undefined, "externref tables start undefined (DefaultValue)");
  const y = new WebAssembly.Table({ element: "externref", initial: 2 }, "init");
  assertEq(y.get(1), "init");
  assertThrows(TypeError, () => new WebAssembly.Table({ initial: 1 }), "no element");
  assertThrows(TypeError, () => new WebAssembly.Table({ element: "i32", initial: 1 }), "not a reference type");
  assertThrows(TypeError, () => new WebAssembly.Table({ element: "anyfunc" }), "no initial");
  assertThrows(RangeError, () => new WebAssembly.Table({ element: "anyfunc", initial: 2, maximum: 1 }));
  assertThrows(TypeError, () => new WebAssembly.Table({ element: "anyfunc", initial: 1 }, {}), "not a function");
  assertThrows(RangeError, () => new WebAssembly.Table({ element: "anyfunc", initial: 10000001 }), "above the implementation limit");
});

test("get, set, grow, length", () => {
  const e = exported();
  const t = e.tab;
  assertEq(t.length, 3);
  assertEq(t.get(0), null);
  assertEq(t.get(1), e.one, "the same Exported Function");
  assertEq(t.get(2), e.two);
  assertThrows(RangeError, () => t.get(3));
  assertThrows(TypeError, () => t.get(-1));
  t.set(0, e.two);
  assertEq(e.callAt(0), 2, "wasm sees JS's set");
  t.set(0);
  assertEq(t.get(0), null, "set without a value stores the default");
  assertThrows(RangeError, () => t.set(3, null));
  assertThrows(TypeError, () => t.set(0, () => 1), "a JS function is not a funcref");
  assertEq(t.grow(2, e.one), 3);
  assertEq(t.length, 5);
  assertEq(t.get(4), e.one);
  assertEq(e.callAt(4), 1);
  assertThrows(RangeError, () => t.grow(6), "past the maximum");
  assertThrows(WebAssembly.RuntimeError, () => e.callAt(0), "null entry traps");
});

test("externref tables hold any value", () => {
  const t = new WebAssembly.Table({ element: "externref", initial: 1 });
  const o = {};
  t.set(0, o);
  assertEq(t.get(0), o);
  t.grow(1, 5);
  assertEq(t.get(1), 5);
  t.set(0, null);
  assertEq(t.get(0), null);
});

test("an imported table is shared", () => {
  const t = new WebAssembly.Table({ element: "anyfunc", initial: 2 });
  const b = new WasmBuilder();
  b.importTable("m", "t", T.funcref, 2);
  b.func([], [T.i32], [op.i32_const, 7], { export: "seven" });
  b.elem(1, [0]);
  b.export("t", "table", 0);
  const e = b.instantiate({ m: { t } }).exports;
  assertEq(e.t, t);
  assertEq(t.get(1), e.seven);
  assertEq(t.get(1)(), 7);
});
