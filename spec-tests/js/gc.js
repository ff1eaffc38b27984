// GC values at the boundary (JS API §"Garbage Collected Objects",
// ToJSValue and ToWebAssemblyValue for the any hierarchy).
"use strict";

// A module with a structure type $s (one mutable i32 field), an array type
// $a of i32, functions that make, read and test them, and functions that
// take and give references of each abstract type.
function gcModule() {
  const b = new WasmBuilder();
  const s = b.structType([{ type: T.i32, mutable: true }]);
  const a = b.arrayType(T.i32, true);
  const other = b.structType([{ type: T.f64, mutable: false }]);
  b.func([T.i32], [T.ref(s)], [op.local_get, 0, gc.struct_new(s)], { export: "makeStruct" });
  b.func([T.i32], [T.ref(a)], [op.local_get, 0, op.i32_const, 3, gc.array_new(a)], { export: "makeArray" });
  b.func([], [T.ref(other)], [op.f64_const, 0, 0, 0, 0, 0, 0, 0, 0, gc.struct_new(other)], { export: "makeOther" });
  b.func([T.refNull(s)], [T.i32], [op.local_get, 0, gc.struct_get(s, 0)], { export: "getField" });
  b.func([T.anyref], [T.i32], [op.local_get, 0, gc.ref_test(s)], { export: "isS" });
  b.func([T.anyref], [T.i32], [op.local_get, 0, gc.ref_test(HEAP.i31)], { export: "isI31" });
  b.func([T.anyref], [T.i32], [op.local_get, 0, gc.ref_test(HEAP.array)], { export: "isArray" });
  b.func([T.anyref], [T.anyref], [op.local_get, 0], { export: "idAny" });
  b.func([T.eqref], [T.eqref], [op.local_get, 0], { export: "idEq" });
  b.func([T.structref], [T.i32], [op.i32_const, 1], { export: "takesStruct" });
  b.func([T.ref(s)], [T.i32], [op.local_get, 0, gc.struct_get(s, 0)], { export: "takesS" });
  b.func([T.i32], [T.i31ref], [op.local_get, 0, gc.ref_i31], { export: "makeI31" });
  b.func([T.externref], [T.anyref], [op.local_get, 0, gc.any_convert_extern], { export: "internalize" });
  b.func([T.anyref], [T.externref], [op.local_get, 0, gc.extern_convert_any], { export: "externalize" });
  b.func([T.nullref], [T.i32], [op.i32_const, 1], { export: "takesNone" });
  b.global(T.refNull(s), true, [op.ref_null, ...s32(s)], "g");
  b.global(T.anyref, true, [op.ref_null, ...s32(HEAP.any)], "anyGlobal");
  b.table(T.anyref, 2, undefined, "anyTable");
  return b.instantiate().exports;
}

test("an Exported GC Object is an opaque object with no prototype and no properties", () => {
  const e = gcModule();
  const o = e.makeStruct(7);
  assertEq(typeof o, "object");
  assertEq(Object.getPrototypeOf(o), null);
  assertEq(Reflect.ownKeys(o).length, 0);
  assertEq(Object.keys(o).length, 0);
  assertEq(o.x, undefined);
  assertEq(o[0], undefined);
  assertEq("x" in o, false);
  assertEq(Object.getOwnPropertyDescriptor(o, "x"), undefined);
  assertEq(Object.isExtensible(o), false);
  assertThrows(TypeError, () => Object.preventExtensions(o), "preventExtensions");
  assertEq(Reflect.setPrototypeOf(o, null), false);
  assertThrows(TypeError, () => Object.setPrototypeOf(o, {}), "setPrototypeOf");
  assertThrows(TypeError, () => Object.defineProperty(o, "x", { value: 1 }), "defineProperty");
  assertThrows(TypeError, () => { o.x = 1; }, "set");
  assertThrows(TypeError, () => Reflect.set(o, "x", 1), "Reflect.set");
  assertThrows(TypeError, () => { delete o.x; }, "delete");
  assertThrows(TypeError, () => String(o), "no toString");
  assertThrows(TypeError, () => o + 1, "no valueOf");
  assertEq(Object.prototype.toString.call(o), "[object Object]");
  assertEq(Array.isArray(e.makeArray(1)), false, "a wasm array is no JS array");
});

test("[[PreventExtensions]] and [[DefineOwnProperty]] of an Exported GC Object return false", () => {
  const o = gcModule().makeStruct(1);
  assertEq(Reflect.preventExtensions(o), false);
  assertEq(Reflect.defineProperty(o, "x", { value: 1 }), false);
});

test("JSON.stringify of an Exported GC Object is an empty object", () => {
  assertEq(JSON.stringify(gcModule().makeStruct(1)), "{}");
  assertEq(JSON.stringify([gcModule().makeArray(1)]), "[{}]");
});

test("one JS object per wasm object, and back to the same wasm object", () => {
  const e = gcModule();
  const o = e.makeStruct(41);
  assertEq(e.idAny(o), o, "the same object comes back");
  assertEq(e.idEq(o), o);
  assertEq(e.getField(o), 41);
  assertEq(e.isS(o), 1);
  assertEq(e.isS(e.makeStruct(1)), 1);
  assertTrue(e.makeStruct(1) !== e.makeStruct(1), "distinct structures, distinct objects");
  const arr = e.makeArray(5);
  assertEq(e.isArray(arr), 1);
  assertEq(e.isS(arr), 0);
  // Through an externref and back.
  assertEq(e.externalize(o), o, "ToJSValue(ref.extern r) is ToJSValue(r)");
  assertEq(e.internalize(o), o);
  assertEq(e.isS(e.internalize(o)), 1);
});

test("i31 references are Numbers both ways", () => {
  const e = gcModule();
  assertEq(e.makeI31(5), 5);
  assertEq(e.makeI31(-1), -1, "sign-extended from 31 bits");
  assertEq(e.makeI31(0x40000000), -0x40000000, "bit 30 is the sign");
  assertEq(e.makeI31(0x7fffffff), -1, "the top bit is dropped");
  for (const n of [0, 1, -1, 2 ** 30 - 1, -(2 ** 30)]) {
    assertEq(e.isI31(n), 1, "i31: " + n);
  }
  for (const n of [2 ** 30, -(2 ** 30) - 1, 1.5, NaN, Infinity, -0]) {
    assertEq(e.isI31(n), 0, "not i31: " + show(n));
  }
  assertEq(e.idAny(-0), -0, "-0 is a host value: it comes back as -0");
  assertEq(e.idAny(2 ** 30), 2 ** 30, "a larger Number is a host value, unchanged");
  assertEq(e.idAny(1.5), 1.5);
  assertEq(e.idEq(7), 7);
});

test("other JS values are host references in the any hierarchy", () => {
  const e = gcModule();
  const obj = {};
  assertEq(e.idAny(obj), obj);
  assertEq(e.idAny("str"), "str");
  assertEq(e.idAny(true), true);
  assertEq(e.idAny(undefined), undefined);
  assertEq(e.idAny(null), null);
  assertEq(e.isS(obj), 0);
  const sym = Symbol("s");
  assertEq(e.internalize(sym), sym);
  assertEq(e.externalize(obj), obj);
  const f = e.makeStruct;
  assertEq(e.idAny(f), f, "an Exported Function as anyref is a host value");
});

test("ToWebAssemblyValue checks the type", () => {
  const e = gcModule();
  assertThrows(TypeError, () => e.idEq({}), "an object is no eqref");
  assertThrows(TypeError, () => e.idEq(2 ** 31), "a Number past i31 is no eqref");
  assertThrows(TypeError, () => e.takesStruct(e.makeArray(1)), "an array is no structref");
  assertThrows(TypeError, () => e.takesStruct(3), "an i31 is no structref");
  assertEq(e.takesStruct(null), 1, "null is a structref");
  assertThrows(TypeError, () => e.takesS(null), "null is no (ref $s)");
  assertThrows(TypeError, () => e.takesS(e.makeOther()), "a struct of another type");
  assertEq(e.takesS(e.makeStruct(9)), 9);
  assertEq(e.takesNone(null), 1);
  assertThrows(TypeError, () => e.takesNone(e.makeStruct(1)), "only null is a nullref");
});

test("globals and tables of GC types", () => {
  const e = gcModule();
  assertEq(e.g.value, null);
  const o = e.makeStruct(3);
  e.g.value = o;
  assertEq(e.g.value, o);
  assertThrows(TypeError, () => { e.g.value = e.makeOther(); }, "another structure type");
  assertThrows(TypeError, () => { e.g.value = 1; }, "an i31 for (ref null $s)");
  e.anyGlobal.value = 12;
  assertEq(e.anyGlobal.value, 12);
  e.anyGlobal.value = "s";
  assertEq(e.anyGlobal.value, "s");
  e.anyTable.set(0, o);
  e.anyTable.set(1, 5);
  assertEq(e.anyTable.get(0), o);
  assertEq(e.anyTable.get(1), 5);
  assertEq(e.anyTable.grow(1, {}), 2);
  assertEq(typeof e.anyTable.get(2), "object");
  assertEq(e.anyTable.grow(1), 3);
  assertEq(e.anyTable.get(3), null, "anyref grows with null by default");
});

test("the JS tag carries an i31 payload as a Number", () => {
  const b = new WasmBuilder();
  const jsTag = b.importTag("m", "tag", [T.externref]);
  const thrower = b.importFunc("m", "thrower", [], []);
  // (block (result externref) (try_table (catch $jsTag 0) (call $thrower)) (ref.null extern))
  //   any.convert_extern; ref.test i31
  b.func([], [T.i32], [
    op.block, T.externref,
    op.try_table, BLOCK_EMPTY, 1, CATCH.catch, jsTag, 0,
    op.call, thrower,
    op.end,
    op.ref_null, T.externref,
    op.end,
    gc.any_convert_extern, gc.ref_test(HEAP.i31),
  ], { export: "caught" });
  const e = b.instantiate({ m: { tag: WebAssembly.JSTag, thrower: () => { throw 5; } } }).exports;
  assertEq(e.caught(), 1);
});

promiseTest("a promising call keeps its structures across collections while suspended", async () => {
  const b = new WasmBuilder();
  const s = b.structType([{ type: T.i64, mutable: false }, { type: T.i64, mutable: false }]);
  const wait = b.importFunc("m", "wait", [], []);
  // hold(x): a structure of x and 2x in a local, a suspension, then x + 2x.
  b.func([T.i64], [T.i64], [
    op.local_get, 0, op.local_get, 0, op.local_get, 0, op.i64_add, gc.struct_new(s), op.local_set, 1,
    op.call, wait,
    op.local_get, 1, gc.struct_get(s, 0), op.local_get, 1, gc.struct_get(s, 1), op.i64_add,
  ], { export: "hold", locals: [T.refNull(s)] });
  // churn(n): n structures made and dropped.
  b.func([T.i32], [], [
    op.block, BLOCK_EMPTY, op.loop, BLOCK_EMPTY,
    op.local_get, 0, op.i32_eqz, op.br_if, 1,
    op.i64_const, 1, op.i64_const, 2, gc.struct_new(s), op.drop,
    op.local_get, 0, op.i32_const, 1, op.i32_sub, op.local_set, 0,
    op.br, 0, op.end, op.end,
  ], { export: "churn" });
  const waiting = [];
  const e = b.instantiate({ m: { wait: new WebAssembly.Suspending(() => new Promise((r) => { waiting.push(r); })) } }).exports;
  const hold = WebAssembly.promising(e.hold);
  const results = [hold(10n), hold(20n)];
  e.churn(400000);
  waiting.shift()();
  await new Promise((r) => setTimeout(r, 0));
  e.churn(400000);
  waiting.shift()();
  assertEq(await results[0], 30n);
  assertEq(await results[1], 60n);
});

test("a JS function and a JS value imported with types that name defined types", () => {
  // The host function has the import's own type, here the first of a
  // recursion group of two (JS API "create a host function" of the
  // import's type), so it matches the import.
  const b = new WasmBuilder();
  const s = b.structType([{ type: T.i32, mutable: false }]);
  const f = b.recGroup([funcTypeBytes([T.refNull(s)], [T.i32]), structTypeBytes([])]);
  const imported = b.addImport("m", "f", "func", u32(f));
  const g = b.importGlobal("m", "g", T.refNull(s), false);
  b.func([], [T.i32], [op.global_get, g, op.call, imported], { export: "run" });
  b.func([T.i32], [T.ref(s)], [op.local_get, 0, gc.struct_new(s)], { export: "make" });
  const maker = b.instantiate({ m: { f: () => 0, g: null } }).exports;
  const made = maker.make(5);
  let seen;
  const e = b.instantiate({ m: { f: (x) => { seen = x; return 7; }, g: made } }).exports;
  assertEq(e.run(), 7);
  assertEq(seen, made, "the struct came back as the same object");
  assertThrows(WebAssembly.LinkError, () => b.instantiate({ m: { f: () => 0, g: {} } }),
    "a value not of the global's type is a LinkError");
  assertThrows(WebAssembly.LinkError, () => b.instantiate({ m: { f: () => 0, g: 5 } }), "an i31");
});
