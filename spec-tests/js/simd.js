// v128 at the JS boundary (JS API: ToJSValue and ToWebAssemblyValue throw a
// TypeError for v128; "read the imports" refuses a Number for a v128 global
// with a LinkError). Inside wasm, v128 computes as usual.
"use strict";

const v128_const = (bytes) => [0xfd, 0x0c, ...bytes];
const i32x4_splat = [0xfd, 0x11];
const i32x4_add = [0xfd, 0xae, 0x01];
const i32x4_extract_lane = (l) => [0xfd, 0x1b, l];
// i32x4 1 2 3 4, little-endian lanes.
const ONE_TO_FOUR = [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0];

test("v128 inside wasm, scalars outside", () => {
  const b = new WasmBuilder();
  b.func([T.i32], [T.i32], [
    op.local_get, 0, i32x4_splat, v128_const(ONE_TO_FOUR), i32x4_add, i32x4_extract_lane(3),
  ], { export: "f" });
  const e = b.instantiate().exports;
  assertEq(e.f(10), 14);
  assertEq(e.f(-4), 0);
});

test("an export with a v128 result throws TypeError", () => {
  const b = new WasmBuilder();
  let ran = false;
  b.importFunc("m", "seen", [], []);
  b.func([], [T.v128], [op.call, 0, v128_const(ONE_TO_FOUR)], { export: "g" });
  const e = b.instantiate({ m: { seen() { ran = true; } } }).exports;
  assertThrows(TypeError, () => e.g());
  assertTrue(!ran, "the function did not run");
});

test("a JS import with a v128 parameter is a TypeError when wasm calls it", () => {
  const b = new WasmBuilder();
  let calls = 0;
  b.importFunc("m", "f", [T.v128], []);
  b.func([], [], [v128_const(ONE_TO_FOUR), op.call, 0], { export: "call" });
  const e = b.instantiate({ m: { f() { calls++; } } }).exports;
  assertThrows(TypeError, () => e.call());
  assertEq(calls, 0, "the JS function is not called");
});

test("a JS import with a v128 result is a TypeError when wasm calls it", () => {
  const b = new WasmBuilder();
  let calls = 0;
  b.importFunc("m", "f", [], [T.v128]);
  b.func([], [], [op.call, 0, op.drop], { export: "call" });
  const e = b.instantiate({ m: { f() { calls++; return 1; } } }).exports;
  assertThrows(TypeError, () => e.call());
  assertEq(calls, 0, "the JS function is not called");
});

test("an exported v128 global is a Global whose value throws TypeError", () => {
  const b = new WasmBuilder();
  b.global(T.v128, true, v128_const(ONE_TO_FOUR), "g");
  const g = b.instantiate().exports.g;
  assertTrue(g instanceof WebAssembly.Global);
  assertThrows(TypeError, () => g.value, "get");
  assertThrows(TypeError, () => g.valueOf(), "valueOf");
  assertThrows(TypeError, () => { g.value = 1; }, "set");
});

test("a v128 global import takes a Global, not a Number", () => {
  const a = new WasmBuilder();
  a.global(T.v128, false, v128_const(ONE_TO_FOUR), "g");
  const g = a.instantiate().exports.g;
  const b = new WasmBuilder();
  b.importGlobal("m", "g", T.v128, false);
  b.func([], [T.i32], [op.global_get, 0, i32x4_extract_lane(2)], { export: "lane2" });
  assertEq(b.instantiate({ m: { g } }).exports.lane2(), 3, "through a Global object");
  assertThrows(WebAssembly.LinkError, () => b.instantiate({ m: { g: 1 } }), "a Number");
  assertThrows(WebAssembly.LinkError, () => b.instantiate({ m: { g: 1n } }), "a BigInt");
});
