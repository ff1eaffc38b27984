// Instances, exports and Exported Functions (JS API §"Instances",
// §"Exported Functions", "read the imports").
"use strict";

test("exports object", () => {
  const b = new WasmBuilder();
  const f = b.func([T.i32, T.i64], [], [], { export: "f" });
  b.export("f2", "func", f);
  b.memory(1, undefined, "mem");
  b.func([], [], [], { export: "z" });
  const i = b.instantiate();
  assertTrue(i instanceof WebAssembly.Instance);
  const e = i.exports;
  assertEq(i.exports, e, "the same object each time");
  assertEq(Object.getPrototypeOf(e), null, "null prototype");
  assertTrue(Object.isFrozen(e), "frozen");
  assertArrayEq(Object.keys(e), ["f", "f2", "mem", "z"], "in export order");
  assertProps(e, "f", { writable: false, enumerable: true, configurable: false });
  assertEq(e.f, e.f2, "one object per function");
  assertTrue(e.mem instanceof WebAssembly.Memory);
});

test("Exported Function shape", () => {
  const b = new WasmBuilder();
  b.importFunc("m", "imp", [], []);
  b.func([T.i32, T.f64, T.externref], [T.i32], [op.i32_const, 3], { export: "three" });
  const e = b.instantiate({ m: { imp() {} } }).exports;
  const f = e.three;
  assertEq(typeof f, "function");
  assertEq(f.name, "1", "name is the function index");
  assertEq(f.length, 3, "length is the parameter count");
  assertEq(Object.getPrototypeOf(f), Function.prototype);
  assertThrows(TypeError, () => new f(), "not a constructor");
  assertEq(f(), 3);
  assertEq(f.call({}, 1, 2, 3, 4), 3, "extra arguments and this are ignored");
});

test("a re-exported JS function is a new Exported Function", () => {
  const b = new WasmBuilder();
  const imp = b.importFunc("m", "f", [T.i32], [T.i32]);
  b.export("f", "func", imp);
  const js = (x) => x + 100;
  const e = b.instantiate({ m: { f: js } }).exports;
  assertTrue(e.f !== js);
  assertEq(e.f.name, "0");
  assertEq(e.f.length, 1);
  assertEq(e.f(1), 101);
  // Imported again, the Exported Function's own address is reused.
  const e2 = b.instantiate({ m: { f: e.f } }).exports;
  assertEq(e2.f, e.f);
});

test("argument and result conversions", () => {
  const b = new WasmBuilder();
  b.func([T.i32], [T.i32], [op.local_get, 0], { export: "i32" });
  b.func([T.i64], [T.i64], [op.local_get, 0], { export: "i64" });
  b.func([T.f32], [T.f32], [op.local_get, 0], { export: "f32" });
  b.func([T.f64], [T.f64], [op.local_get, 0], { export: "f64" });
  b.func([T.externref], [T.externref], [op.local_get, 0], { export: "ext" });
  b.func([T.funcref], [T.funcref], [op.local_get, 0], { export: "fun" });
  b.func([], [T.i32, T.i64, T.f64], [op.i32_const, 1, op.i64_const, 2, op.f64_const, ...f64(3.5)], { export: "multi" });
  const e = b.instantiate().exports;
  assertEq(e.i32(2 ** 32 + 5), 5);
  assertEq(e.i32(-1), -1);
  assertEq(e.i32("7"), 7);
  assertEq(e.i32(3.9), 3);
  assertEq(e.i32(), 0, "missing is undefined, ToInt32 gives 0");
  assertEq(e.i64(5n), 5n);
  assertEq(e.i64(2n ** 64n + 3n), 3n, "wrapped to 64 bits");
  assertEq(e.i64(-1n), -1n);
  assertEq(e.i64("9"), 9n, "a string goes through ToBigInt");
  assertEq(e.i64(true), 1n);
  assertThrows(TypeError, () => e.i64(1), "a Number is not a BigInt");
  assertThrows(TypeError, () => e.i64(), "undefined is not a BigInt");
  assertEq(e.f32(1.1), Math.fround(1.1));
  assertEq(e.f64(0.1), 0.1);
  assertTrue(Number.isNaN(e.f64(NaN)));
  assertEq(e.f64(-0), -0);
  const o = {};
  assertEq(e.ext(o), o, "externref passes any value");
  assertEq(e.ext(undefined), undefined);
  assertEq(e.ext(null), null);
  assertEq(e.ext("s"), "s");
  assertEq(e.fun(null), null);
  assertEq(e.fun(e.i32), e.i32);
  assertThrows(TypeError, () => e.fun(() => 1), "a JS function is not a funcref");
  assertThrows(TypeError, () => e.fun({}), "an object is not a funcref");
  assertArrayEq(e.multi(), [1, 2n, 3.5], "several results are an Array");
});

test("argument conversion order and errors", () => {
  const b = new WasmBuilder();
  b.func([T.i32, T.i32], [], [], { export: "f" });
  const e = b.instantiate().exports;
  const seen = [];
  e.f({ valueOf() { seen.push(1); return 1; } }, { valueOf() { seen.push(2); return 2; } });
  assertArrayEq(seen, [1, 2], "left to right");
  assertThrows(TypeError, () => e.f(Symbol()), "a Symbol");
  const boom = new Error("boom");
  try {
    e.f({ valueOf() { throw boom; } });
    fail("should throw");
  } catch (err) {
    assertEq(err, boom, "the valueOf error itself");
  }
});

test("v128 at the boundary is a TypeError", () => {
  const b = new WasmBuilder();
  b.func([T.v128], [], [], { export: "takes" });
  let ok = true;
  try {
    const e = b.instantiate().exports;
    assertThrows(TypeError, () => e.takes());
  } catch (err) {
    // An engine without SIMD refuses the module instead.
    ok = err instanceof WebAssembly.CompileError;
  }
  assertTrue(ok);
});

test("traps are RuntimeErrors", () => {
  const b = new WasmBuilder();
  b.func([], [], [op.unreachable], { export: "unreachable" });
  b.func([T.i32], [T.i32], [op.i32_const, 1, op.local_get, 0, op.i32_div_s], { export: "div" });
  const e = b.instantiate().exports;
  assertThrows(WebAssembly.RuntimeError, () => e.unreachable());
  assertThrows(WebAssembly.RuntimeError, () => e.div(0));
  assertEq(e.div(1), 1);
});

test("call stack exhaustion is a RangeError", () => {
  const b = new WasmBuilder();
  b.func([], [], [op.call, 0], { export: "loop" });
  const e = b.instantiate().exports;
  assertThrows(RangeError, () => e.loop());
});

test("imports: errors", () => {
  const b = new WasmBuilder();
  b.importFunc("m", "f", [], []);
  const m = b.toModule();
  assertThrows(TypeError, () => new WebAssembly.Instance(m), "no import object");
  assertThrows(TypeError, () => new WebAssembly.Instance(m, {}), "no module object");
  assertThrows(TypeError, () => new WebAssembly.Instance(m, { m: 1 }), "module is a number");
  assertThrows(WebAssembly.LinkError, () => new WebAssembly.Instance(m, { m: {} }), "missing function");
  assertThrows(WebAssembly.LinkError, () => new WebAssembly.Instance(m, { m: { f: {} } }), "not callable");
  assertThrows(TypeError, () => new WebAssembly.Instance({}), "not a module");
  assertThrows(TypeError, () => new WebAssembly.Instance(m, 5), "import object is a number");
});

test("imports: kinds are checked", () => {
  const mk = (add) => { const b = new WasmBuilder(); add(b); return b.toModule(); };
  const mem = mk((b) => b.importMemory("m", "x", 1));
  const tab = mk((b) => b.importTable("m", "x", T.funcref, 1));
  const tag = mk((b) => b.importTag("m", "x", []));
  const glob = mk((b) => b.importGlobal("m", "x", T.i32, false));
  const glob64 = mk((b) => b.importGlobal("m", "x", T.i64, false));
  const mut = mk((b) => b.importGlobal("m", "x", T.i32, true));
  const memory = new WebAssembly.Memory({ initial: 1 });
  assertThrows(WebAssembly.LinkError, () => new WebAssembly.Instance(mem, { m: { x: {} } }));
  assertThrows(WebAssembly.LinkError, () => new WebAssembly.Instance(tab, { m: { x: memory } }));
  assertThrows(WebAssembly.LinkError, () => new WebAssembly.Instance(tag, { m: { x: 1 } }));
  assertThrows(WebAssembly.LinkError, () => new WebAssembly.Instance(glob, { m: { x: "1" } }), "a string for i32");
  assertThrows(WebAssembly.LinkError, () => new WebAssembly.Instance(glob64, { m: { x: 1 } }), "a Number for i64");
  assertThrows(WebAssembly.LinkError, () => new WebAssembly.Instance(mut, { m: { x: 1 } }), "a number for a mutable global");
  new WebAssembly.Instance(glob, { m: { x: 1 } });
  new WebAssembly.Instance(glob64, { m: { x: 1n } });
  new WebAssembly.Instance(mem, { m: { x: memory } });
  const small = new WebAssembly.Memory({ initial: 0 });
  new WebAssembly.Instance(mem, { m: { x: new WebAssembly.Memory({ initial: 2 }) } });
  assertThrows(WebAssembly.LinkError, () => new WebAssembly.Instance(mem, { m: { x: small } }), "too small");
});

test("imports: function type mismatch of an Exported Function", () => {
  const a = new WasmBuilder();
  a.func([T.i32], [], [], { export: "f" });
  const f = a.instantiate().exports.f;
  const b = new WasmBuilder();
  b.importFunc("m", "f", [], []);
  assertThrows(WebAssembly.LinkError, () => b.instantiate({ m: { f } }));
});

test("imports are read in order, each once", () => {
  const b = new WasmBuilder();
  b.importFunc("a", "x", [], []);
  b.importFunc("b", "y", [], []);
  b.importFunc("a", "z", [], []);
  const seen = [];
  const mod = (name, fields) => new Proxy(fields, {
    get(t, k) { seen.push(name + "." + String(k)); return t[k]; },
  });
  const imports = new Proxy({ a: mod("a", { x() {}, z() {} }), b: mod("b", { y() {} }) }, {
    get(t, k) { seen.push(String(k)); return t[k]; },
  });
  b.instantiate(imports);
  assertArrayEq(seen, ["a", "a.x", "b", "b.y", "a", "a.z"]);
});

test("JS import: this is undefined, results converted", () => {
  const b = new WasmBuilder();
  b.importFunc("m", "f", [T.i32, T.i64], [T.i32]);
  b.importFunc("m", "g", [], [T.i32, T.f64]);
  b.func([], [T.i32], [op.i32_const, 7, op.i64_const, 8, op.call, 0], { export: "callF" });
  b.func([], [T.i32], [op.call, 1, op.drop], { export: "callG" });
  let thisValue = "unset";
  let args;
  const e = b.instantiate({ m: {
    f: function (x, y) { "use strict"; thisValue = this; args = [x, y]; return "12"; },
    g: () => [1, 2.5],
  } }).exports;
  assertEq(e.callF(), 12);
  assertEq(thisValue, undefined);
  assertArrayEq(args, [7, 8n]);
  assertEq(e.callG(), 1);
});

test("JS import: bad results are TypeErrors at the call", () => {
  const b = new WasmBuilder();
  b.importFunc("m", "i64", [], [T.i64]);
  b.importFunc("m", "two", [], [T.i32, T.i32]);
  b.func([], [T.i64], [op.call, 0], { export: "callI64" });
  b.func([], [T.i32], [op.call, 1, op.drop], { export: "callTwo" });
  let two;
  const e = b.instantiate({ m: { i64: () => 1, two: () => two } }).exports;
  assertThrows(TypeError, () => e.callI64(), "a Number for i64");
  two = 5;
  assertThrows(TypeError, () => e.callTwo(), "not iterable");
  two = [1];
  assertThrows(TypeError, () => e.callTwo(), "too few");
  two = [1, 2, 3];
  assertThrows(TypeError, () => e.callTwo(), "too many");
  two = new Set([4, 9]);
  assertEq(e.callTwo(), 4, "any iterable");
});

test("wasm and JS calling each other", () => {
  const b = new WasmBuilder();
  b.importFunc("m", "js", [T.i32], [T.i32]);
  // wasm(n) = n == 0 ? 0 : js(n - 1) + 1
  b.func([T.i32], [T.i32], [
    op.local_get, 0, op.i32_eqz, op.if, T.i32, op.i32_const, 0,
    op.else, op.local_get, 0, op.i32_const, 1, op.i32_sub, op.call, 0, op.i32_const, 1, op.i32_add, op.end,
  ], { export: "wasm" });
  let e;
  e = b.instantiate({ m: { js: (n) => e.wasm(n) * 2 } }).exports;
  assertEq(e.wasm(5), 31);
});

test("the start function runs during instantiation and may call JS", () => {
  const b = new WasmBuilder();
  b.importFunc("m", "f", [T.i32], []);
  b.start(b.func([], [], [op.i32_const, 9, op.call, 0]));
  const seen = [];
  b.instantiate({ m: { f: (x) => seen.push(x) } });
  assertArrayEq(seen, [9]);
  const t = new WasmBuilder();
  t.start(t.func([], [], [op.unreachable]));
  assertThrows(WebAssembly.RuntimeError, () => t.instantiate());
});

test("link errors leave earlier imports usable", () => {
  const b = new WasmBuilder();
  b.importFunc("m", "f", [], []);
  b.importMemory("m", "mem", 1);
  assertThrows(WebAssembly.LinkError, () => b.instantiate({ m: { f() {}, mem: 3 } }));
});
