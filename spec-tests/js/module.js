// WebAssembly.validate, compile, instantiate and Module (JS API §"The
// WebAssembly namespace", §"Modules").
"use strict";

const emptyBytes = new WasmBuilder().toBytes();

function sampleBuilder() {
  const b = new WasmBuilder();
  b.importFunc("env", "f", [T.i32], []);
  b.importMemory("env", "mem", 1);
  b.importTable("env", "tab", T.funcref, 1);
  b.importGlobal("env", "g", T.i32, false);
  b.importTag("env", "t", [T.i32]);
  b.func([], [], [], { export: "run" });
  b.memory(1, undefined, "memory");
  b.table(T.externref, 1, undefined, "table");
  b.global(T.i64, true, [op.i64_const, ...s64(7)], "global");
  b.tag([], "tag");
  b.custom("name-a", [1, 2, 3]);
  b.custom("name-b", [4]);
  b.custom("name-a", [5, 6]);
  return b;
}

test("validate", () => {
  assertEq(WebAssembly.validate(emptyBytes), true);
  assertEq(WebAssembly.validate(emptyBytes.buffer), true, "an ArrayBuffer");
  assertEq(WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0])), false, "bad version");
  assertEq(WebAssembly.validate(new Uint8Array([])), false, "empty");
  const invalid = new WasmBuilder();
  invalid.func([], [T.i32], []);
  assertEq(WebAssembly.validate(invalid.toBytes()), false, "a function missing its result");
  for (const bad of [undefined, null, 1, "abc", {}, [0, 97, 115, 109, 1, 0, 0, 0]]) {
    assertThrows(TypeError, () => WebAssembly.validate(bad), "validate(" + show(bad) + ")");
  }
});

test("a DataView is a BufferSource", () => {
  // WebIDL: BufferSource is (ArrayBufferView or ArrayBuffer), and a DataView
  // is an ArrayBufferView.
  assertEq(WebAssembly.validate(new DataView(emptyBytes.buffer)), true);
  assertTrue(new WebAssembly.Module(new DataView(emptyBytes.buffer)) instanceof WebAssembly.Module);
});

test("validate reads a typed array's own window", () => {
  const padded = new Uint8Array(emptyBytes.length + 4);
  padded.set(emptyBytes, 2);
  assertEq(WebAssembly.validate(padded.subarray(2, 2 + emptyBytes.length)), true);
  assertEq(WebAssembly.validate(padded), false);
});

test("new Module", () => {
  const m = new WebAssembly.Module(emptyBytes);
  assertTrue(m instanceof WebAssembly.Module);
  assertEq(Object.getPrototypeOf(m), WebAssembly.Module.prototype);
  assertThrows(TypeError, () => new WebAssembly.Module(), "no argument");
  assertThrows(TypeError, () => new WebAssembly.Module("wasm"), "a string");
  assertThrows(WebAssembly.CompileError, () => new WebAssembly.Module(new Uint8Array([1, 2, 3, 4])));
  assertThrows(WebAssembly.CompileError, () => new WebAssembly.Module(new Uint8Array(0)));
});

test("Module.imports and exports", () => {
  const m = sampleBuilder().toModule();
  const imports = WebAssembly.Module.imports(m);
  assertEq(imports.length, 5);
  const kinds = imports.map((d) => d.module + "." + d.name + ":" + d.kind);
  assertArrayEq(kinds, ["env.f:function", "env.mem:memory", "env.tab:table", "env.g:global", "env.t:tag"]);
  assertArrayEq(Object.keys(imports[0]), ["module", "name", "kind"]);
  const exports = WebAssembly.Module.exports(m);
  assertArrayEq(exports.map((d) => d.name + ":" + d.kind),
    ["run:function", "memory:memory", "table:table", "global:global", "tag:tag"]);
  assertArrayEq(Object.keys(exports[0]), ["name", "kind"]);
  assertTrue(Array.isArray(exports));
  assertThrows(TypeError, () => WebAssembly.Module.imports({}));
  assertThrows(TypeError, () => WebAssembly.Module.exports(emptyBytes));
});

test("Module.customSections", () => {
  const m = sampleBuilder().toModule();
  const a = WebAssembly.Module.customSections(m, "name-a");
  assertEq(a.length, 2);
  assertTrue(a[0] instanceof ArrayBuffer);
  assertArrayEq(Array.from(new Uint8Array(a[0])), [1, 2, 3]);
  assertArrayEq(Array.from(new Uint8Array(a[1])), [5, 6]);
  assertEq(WebAssembly.Module.customSections(m, "none").length, 0);
  assertTrue(WebAssembly.Module.customSections(m, "name-a")[0] !== a[0], "new buffers each time");
  assertThrows(TypeError, () => WebAssembly.Module.customSections(m), "a name is required");
  assertThrows(TypeError, () => WebAssembly.Module.customSections({}, "x"));
});

promiseTest("compile resolves with a Module", async () => {
  const p = WebAssembly.compile(emptyBytes);
  assertTrue(p instanceof Promise);
  const m = await p;
  assertTrue(m instanceof WebAssembly.Module);
});

promiseTest("compile rejects", async () => {
  await assertRejects(TypeError, WebAssembly.compile(), "no argument");
  await assertRejects(TypeError, WebAssembly.compile(42), "a number");
  await assertRejects(WebAssembly.CompileError, WebAssembly.compile(new Uint8Array([0, 1, 2])));
});

promiseTest("instantiate bytes resolves with {module, instance}", async () => {
  const b = new WasmBuilder();
  b.importFunc("m", "f", [], [T.i32]);
  b.func([], [T.i32], [op.call, 0, op.i32_const, 1, op.i32_add], { export: "g" });
  const r = await WebAssembly.instantiate(b.toBytes(), { m: { f: () => 41 } });
  assertArrayEq(Object.keys(r), ["module", "instance"]);
  assertTrue(r.module instanceof WebAssembly.Module);
  assertTrue(r.instance instanceof WebAssembly.Instance);
  assertEq(r.instance.exports.g(), 42);
});

promiseTest("instantiate a Module resolves with an Instance", async () => {
  const i = await WebAssembly.instantiate(new WebAssembly.Module(emptyBytes));
  assertTrue(i instanceof WebAssembly.Instance);
});

promiseTest("instantiate rejects", async () => {
  const b = new WasmBuilder();
  b.importFunc("m", "f", [], []);
  const bytes = b.toBytes();
  await assertRejects(TypeError, WebAssembly.instantiate(bytes), "imports but no import object");
  await assertRejects(TypeError, WebAssembly.instantiate(bytes, 1), "a number as import object");
  await assertRejects(TypeError, WebAssembly.instantiate(bytes, {}), "no module object");
  await assertRejects(WebAssembly.LinkError, WebAssembly.instantiate(bytes, { m: { f: 1 } }), "not callable");
  await assertRejects(WebAssembly.CompileError, WebAssembly.instantiate(new Uint8Array([9])));
  await assertRejects(TypeError, WebAssembly.instantiate({}));
});

promiseTest("instantiate runs the start function", async () => {
  const b = new WasmBuilder();
  b.importFunc("m", "f", [T.i32], []);
  b.start(b.func([], [], [op.i32_const, 5, op.call, 0]));
  let seen;
  await WebAssembly.instantiate(b.toBytes(), { m: { f: (x) => { seen = x; } } });
  assertEq(seen, 5);
});

promiseTest("compile settles after the microtasks queued before it", async () => {
  const order = [];
  const p = WebAssembly.compile(emptyBytes).then(() => order.push("compiled"));
  Promise.resolve().then(() => order.push("microtask"));
  await p;
  assertArrayEq(order, ["microtask", "compiled"]);
});
