// JS String Builtins (JS API §"Builtins", §"String Builtins"): the compile
// options `builtins` and `importedStringConstants`, the import checks they
// add to compiling, reading the imports, and every `wasm:js-string`
// function called from wasm, with its traps.
"use strict";

const STRING = T.ref(HEAP.extern); // (ref extern)
const EXTERNREF = T.externref;

// Each builtin's parameter and result types; `arr` is the index of
// `(array (mut i16))` in the module being built.
function builtinType(name, arr) {
  const arrRef = T.refNull(arr);
  return {
    cast: [[EXTERNREF], [STRING]],
    test: [[EXTERNREF], [T.i32]],
    fromCharCodeArray: [[arrRef, T.i32, T.i32], [STRING]],
    intoCharCodeArray: [[EXTERNREF, arrRef, T.i32], [T.i32]],
    fromCharCode: [[T.i32], [STRING]],
    fromCodePoint: [[T.i32], [STRING]],
    charCodeAt: [[EXTERNREF, T.i32], [T.i32]],
    codePointAt: [[EXTERNREF, T.i32], [T.i32]],
    length: [[EXTERNREF], [T.i32]],
    concat: [[EXTERNREF, EXTERNREF], [STRING]],
    substring: [[EXTERNREF, T.i32, T.i32], [STRING]],
    equals: [[EXTERNREF, EXTERNREF], [T.i32]],
    compare: [[EXTERNREF, EXTERNREF], [T.i32]],
  }[name];
}
const BUILTINS = ["cast", "test", "fromCharCodeArray", "intoCharCodeArray", "fromCharCode",
  "fromCodePoint", "charCodeAt", "codePointAt", "length", "concat", "substring", "equals", "compare"];

const JS_STRING = { builtins: ["js-string"] };

// A module importing every builtin of its right type, exporting a function
// that calls each (named as the builtin) and the import itself (`imported_`
// + name), with helpers for `(array (mut i16))`: newArray(n), get(a, i),
// set(a, i, v), len(a). `safe(name)` calls a builtin inside a try_table
// that catches everything and returns -1 when it caught something.
function stringsBuilder() {
  const b = new WasmBuilder();
  const arr = b.arrayType(T.i16, true);
  const imports = {};
  for (const name of BUILTINS) {
    const [params, results] = builtinType(name, arr);
    imports[name] = b.importFunc("wasm:js-string", name, params, results);
  }
  for (const name of BUILTINS) {
    const [params, results] = builtinType(name, arr);
    b.func(params, results, [params.map((_, i) => [op.local_get, i]), op.call, imports[name]],
      { export: name });
    b.export("imported_" + name, "func", imports[name]);
  }
  b.func([T.i32], [T.refNull(arr)], [op.local_get, 0, gc.array_new_default(arr)], { export: "newArray" });
  b.func([T.refNull(arr), T.i32], [T.i32], [op.local_get, 0, op.local_get, 1, gc.array_get_u(arr)],
    { export: "get" });
  b.func([T.refNull(arr), T.i32, T.i32], [],
    [op.local_get, 0, op.local_get, 1, op.local_get, 2, gc.array_set(arr)], { export: "set" });
  b.func([T.refNull(arr)], [T.i32], [op.local_get, 0, gc.array_len], { export: "len" });
  // lengthCaught(s): length(s) inside try_table (catch_all); -1 if caught.
  b.func([EXTERNREF], [T.i32], [
    op.block, BLOCK_EMPTY,
    op.try_table, BLOCK_EMPTY, 1, CATCH.catch_all, 0,
    op.local_get, 0, op.call, imports.length, op.return,
    op.end,
    op.end,
    op.i32_const, ...s32(-1),
  ], { export: "lengthCaught" });
  return b;
}

function strings(imports) {
  return new WebAssembly.Instance(new WebAssembly.Module(stringsBuilder().toBytes(), JS_STRING),
    imports === undefined ? {} : imports).exports;
}

// A module with one import of (module, name) of function type
// [params] -> [results].
function oneImport(module, name, params, results) {
  const b = new WasmBuilder();
  b.importFunc(module, name, params, results);
  return b.toBytes();
}

test("a module importing every builtin of its type compiles with the js-string builtins", () => {
  const bytes = stringsBuilder().toBytes();
  assertEq(WebAssembly.validate(bytes, JS_STRING), true);
  new WebAssembly.Module(bytes, JS_STRING);
  assertEq(WebAssembly.validate(bytes), true, "without builtins, ordinary imports");
});

test("the builtins are found without the import object, which is not read for them", () => {
  const got = [];
  const imports = new Proxy({}, { get(t, k) { got.push(String(k)); return undefined; } });
  const e = strings(imports);
  assertEq(got.length, 0, "no Get on the import object: " + got.join(","));
  assertEq(e.length("hello"), 5);
});

test("the import object must still be given when the module has imports (read the imports, step 1)", () => {
  const m = new WebAssembly.Module(stringsBuilder().toBytes(), JS_STRING);
  assertThrows(TypeError, () => new WebAssembly.Instance(m));
  assertThrows(TypeError, () => new WebAssembly.Instance(m, undefined));
  const strings = new WebAssembly.Module(constantModule("s", "abc", EXTERNREF, false), { importedStringConstants: "s" });
  assertThrows(TypeError, () => new WebAssembly.Instance(strings), "only string constants");
});

test("without the option, wasm:js-string imports come from the import object", () => {
  const bytes = oneImport("wasm:js-string", "length", [EXTERNREF], [T.i32]);
  const b = new WasmBuilder();
  const f = b.importFunc("wasm:js-string", "length", [EXTERNREF], [T.i32]);
  b.export("length", "func", f);
  const m = new WebAssembly.Module(b.toBytes());
  assertThrows(TypeError, () => new WebAssembly.Instance(m, {}), "no wasm:js-string object");
  const e = new WebAssembly.Instance(m, { "wasm:js-string": { length: () => 42 } }).exports;
  assertEq(e.length("abc"), 42);
  assertEq(WebAssembly.Module.imports(new WebAssembly.Module(bytes)).length, 1);
});

test("a name that is no builtin is read from the import object", () => {
  const b = new WasmBuilder();
  const f = b.importFunc("wasm:js-string", "toUpperCase", [EXTERNREF], [EXTERNREF]);
  const len = b.importFunc("wasm:js-string", "length", [EXTERNREF], [T.i32]);
  b.export("up", "func", f);
  b.export("length", "func", len);
  const m = new WebAssembly.Module(b.toBytes(), JS_STRING);
  assertEq(JSON.stringify(WebAssembly.Module.imports(m)),
    '[{"module":"wasm:js-string","name":"toUpperCase","kind":"function"}]');
  assertThrows(TypeError, () => new WebAssembly.Instance(m, {}), "then the module object is needed");
  const e = new WebAssembly.Instance(m, {
    "wasm:js-string": { toUpperCase: (s) => s.toUpperCase(), length: () => -1 },
  }).exports;
  assertEq(e.up("abc"), "ABC");
  assertEq(e.length("abc"), 3, "the builtin, not the object's length");
});

test("Module.imports leaves out builtins and imported string constants", () => {
  const b = new WasmBuilder();
  b.importGlobal("'", "a string", EXTERNREF, false);
  b.importFunc("wasm:js-string", "test", [EXTERNREF], [T.i32]);
  b.importFunc("env", "f", [], []);
  const m = new WebAssembly.Module(b.toBytes(), { builtins: ["js-string"], importedStringConstants: "'" });
  assertEq(JSON.stringify(WebAssembly.Module.imports(m)), '[{"module":"env","name":"f","kind":"function"}]');
  const plain = new WebAssembly.Module(b.toBytes());
  assertEq(WebAssembly.Module.imports(plain).length, 3);
});

// Compile-time checks of builtin imports (validate builtins and imported
// string for a WebAssembly module).
function assertRefused(bytes, options, what) {
  assertEq(WebAssembly.validate(bytes, options), false, what + ": validate");
  assertThrows(WebAssembly.CompileError, () => new WebAssembly.Module(bytes, options), what + ": new Module");
}

test("a builtin imported with another function type is a CompileError", () => {
  const wrong = [
    ["cast", [EXTERNREF], [EXTERNREF], "a nullable result"],
    ["cast", [STRING], [STRING], "a non-nullable parameter"],
    ["test", [EXTERNREF], [T.i64], "another result"],
    ["length", [T.anyref], [T.i32], "anyref"],
    ["length", [EXTERNREF], [], "no result"],
    ["concat", [EXTERNREF], [STRING], "one parameter fewer"],
    ["fromCharCode", [T.i32], [EXTERNREF], "a nullable result"],
    ["fromCodePoint", [T.i32], [EXTERNREF], "a nullable result (decision D22)"],
    ["equals", [EXTERNREF, EXTERNREF], [T.i32, T.i32], "two results"],
    ["substring", [EXTERNREF, T.i64, T.i32], [STRING], "an i64"],
  ];
  for (const [name, params, results, why] of wrong) {
    assertRefused(oneImport("wasm:js-string", name, params, results), JS_STRING, name + " with " + why);
    assertTrue(WebAssembly.validate(oneImport("wasm:js-string", name, params, results)), "valid without builtins");
  }
});

test("a builtin's type in a larger recursion group, or not final, is another type", () => {
  // The bytes of a module importing builtin `name` with its function type
  // defined by `define(builder, typeBytes)`, which returns its index.
  const importing = (name, define) => {
    const b = new WasmBuilder();
    const [params, results] = builtinType(name, b.arrayType(T.i16, true));
    b.addImport("wasm:js-string", name, "func", u32(define(b, funcTypeBytes(params, results))));
    return b.toBytes();
  };
  for (const name of BUILTINS) {
    assertRefused(importing(name, (b, f) => b.recGroup([f, structTypeBytes([])])), JS_STRING,
      name + " in a group of two");
    assertRefused(importing(name, (b, f) => b.recGroup([subType([], false, f)])), JS_STRING,
      name + " not final");
    assertTrue(WebAssembly.validate(importing(name, (b, f) => b.recGroup([subType([], true, f)])), JS_STRING),
      name + " as (sub final) is the same type");
  }
});

test("the array of fromCharCodeArray and intoCharCodeArray is (array (mut i16)), final, alone in its group", () => {
  const arrays = [
    [(b) => b.arrayType(T.i16, false), "immutable"],
    [(b) => b.arrayType(T.i8, true), "of i8"],
    [(b) => b.arrayType(T.i32, true), "of i32"],
    [(b) => b.recGroup([subType([], false, arrayTypeBytes(T.i16, true))]), "not final"],
    [(b) => b.recGroup([arrayTypeBytes(T.i16, true), arrayTypeBytes(T.i16, true)]), "in a group of two"],
  ];
  for (const [make, why] of arrays) {
    for (const name of ["fromCharCodeArray", "intoCharCodeArray"]) {
      const b = new WasmBuilder();
      const arr = make(b);
      const [params, results] = builtinType(name, arr);
      b.importFunc("wasm:js-string", name, params, results);
      assertRefused(b.toBytes(), JS_STRING, name + " with an array " + why);
    }
  }
  // (ref $arr) instead of (ref null $arr) is another function type too.
  const b = new WasmBuilder();
  const arr = b.arrayType(T.i16, true);
  b.importFunc("wasm:js-string", "fromCharCodeArray", [T.ref(arr), T.i32, T.i32], [STRING]);
  assertRefused(b.toBytes(), JS_STRING, "a non-nullable array");
});

test("a builtin's name imported as another kind is a CompileError", () => {
  const g = new WasmBuilder();
  g.importGlobal("wasm:js-string", "length", T.i32, false);
  assertRefused(g.toBytes(), JS_STRING, "a global");
  const m = new WasmBuilder();
  m.importMemory("wasm:js-string", "concat", 1);
  assertRefused(m.toBytes(), JS_STRING, "a memory");
  const t = new WasmBuilder();
  t.importTag("wasm:js-string", "cast", [EXTERNREF]);
  assertRefused(t.toBytes(), JS_STRING, "a tag");
});

promiseTest("compile and instantiate refuse a wrong builtin type with CompileError", async () => {
  const bytes = oneImport("wasm:js-string", "cast", [EXTERNREF], [EXTERNREF]);
  await assertRejects(WebAssembly.CompileError, WebAssembly.compile(bytes, JS_STRING), "compile");
  await assertRejects(WebAssembly.CompileError, WebAssembly.instantiate(bytes, {}, JS_STRING), "instantiate");
  const m = await WebAssembly.compile(bytes);
  assertEq(WebAssembly.Module.imports(m).length, 1, "without options, an ordinary import");
});

promiseTest("compile and instantiate(bytes) take the options; instantiate(module) uses the module's", async () => {
  const bytes = stringsBuilder().toBytes();
  const m = await WebAssembly.compile(bytes, JS_STRING);
  assertEq(WebAssembly.Module.imports(m).length, 0);
  const i = await WebAssembly.instantiate(m, {}, { builtins: [] });
  assertEq(i.exports.length("four"), 4, "instantiate(module) ignores a third argument");
  const { module, instance } = await WebAssembly.instantiate(bytes, {}, JS_STRING);
  assertEq(WebAssembly.Module.imports(module).length, 0);
  assertEq(instance.exports.concat("a", "b"), "ab");
  await assertRejects(TypeError, WebAssembly.instantiate(bytes, {}), "no builtins: the import object lacks them");
});

// The options dictionary (WebIDL `WebAssemblyCompileOptions`).
test("undefined and null are empty compile options", () => {
  const bytes = stringsBuilder().toBytes();
  assertEq(WebAssembly.validate(bytes, undefined), true);
  assertEq(WebAssembly.validate(bytes, null), true);
  assertEq(WebAssembly.Module.imports(new WebAssembly.Module(bytes, null)).length, BUILTINS.length);
});

promiseTest("compile options that are another primitive are a TypeError (a WebIDL dictionary)", async () => {
  const bytes = stringsBuilder().toBytes();
  for (const bad of [1, "js-string", true, Symbol("x"), 1n]) {
    assertThrows(TypeError, () => WebAssembly.validate(bytes, bad), "validate(bytes, " + typeof bad + ")");
    assertThrows(TypeError, () => new WebAssembly.Module(bytes, bad), "new Module(bytes, " + typeof bad + ")");
  }
  await assertRejects(TypeError, WebAssembly.compile(bytes, 1), "compile");
  await assertRejects(TypeError, WebAssembly.instantiate(bytes, {}, 1), "instantiate");
});

test("builtins is a sequence (any iterable object, each value a string)", () => {
  const ok = oneImport("wasm:js-string", "cast", [EXTERNREF], [STRING]);
  const wrong = oneImport("wasm:js-string", "cast", [EXTERNREF], [EXTERNREF]);
  assertEq(WebAssembly.validate(wrong, { builtins: new Set(["js-string"]) }), false, "a Set");
  assertEq(WebAssembly.validate(wrong, { builtins: { *[Symbol.iterator]() { yield "js-string"; } } }), false,
    "a generator");
  assertEq(WebAssembly.validate(wrong, { builtins: [{ toString: () => "js-string" }] }), false, "ToString");
  assertEq(WebAssembly.validate(wrong, { builtins: [] }), true, "no set");
  assertEq(WebAssembly.validate(wrong, { builtins: ["js-strings", "JS-STRING", "wasm:js-string"] }), true,
    "unknown set names are ignored");
  assertEq(WebAssembly.validate(ok, { builtins: ["js-string", "text-encoder"] }), true);
  for (const bad of ["js-string", 1, {}, { length: 1, 0: "js-string" }]) {
    assertThrows(TypeError, () => WebAssembly.validate(ok, { builtins: bad }), "builtins: " + show(bad));
  }
  assertThrows(TypeError, () => WebAssembly.validate(ok, { builtins: [Symbol("x")] }), "a Symbol");
});

test("a builtin set named twice is a CompileError, known or not", () => {
  const bytes = stringsBuilder().toBytes();
  assertRefused(bytes, { builtins: ["js-string", "js-string"] }, "js-string twice");
  assertRefused(new WasmBuilder().toBytes(), { builtins: ["x", "y", "x"] }, "an unknown name twice");
});

test("the options are read in WebIDL order, builtins then importedStringConstants", () => {
  const log = [];
  const options = {
    get importedStringConstants() { log.push("importedStringConstants"); return undefined; },
    get builtins() { log.push("builtins"); return []; },
    get other() { log.push("other"); return 1; },
  };
  WebAssembly.validate(new WasmBuilder().toBytes(), options);
  assertEq(log.join(","), "builtins,importedStringConstants");
});

promiseTest("what an options getter throws, new Module throws and compile and instantiate reject with", async () => {
  const bytes = new WasmBuilder().toBytes();
  const options = { get builtins() { throw new RangeError("boom"); } };
  assertThrows(RangeError, () => new WebAssembly.Module(bytes, options));
  await assertRejects(RangeError, WebAssembly.compile(bytes, options));
  await assertRejects(RangeError, WebAssembly.instantiate(bytes, {}, options));
});

test("what an options getter throws, validate throws", () => {
  const bytes = new WasmBuilder().toBytes();
  assertThrows(RangeError, () => WebAssembly.validate(bytes, { get builtins() { throw new RangeError("b"); } }));
  assertThrows(RangeError,
    () => WebAssembly.validate(bytes, { get importedStringConstants() { throw new RangeError("i"); } }));
});

// Imported string constants.
function constantModule(module, name, type, mutable) {
  const b = new WasmBuilder();
  const g = b.importGlobal(module, name, type, mutable);
  b.export("g", "global", g);
  return b.toBytes();
}

test("an imported string constant is its import's name", () => {
  const names = ["", "\0", "0", "a string", "\u{1F600}", "ünïcödé", "x".repeat(10000)];
  for (const ns of ["'", "", "strings", "wasm:js-string"]) {
    for (const name of names) {
      for (const type of [EXTERNREF, STRING]) {
        const m = new WebAssembly.Module(constantModule(ns, name, type, false), { importedStringConstants: ns });
        assertEq(WebAssembly.Module.imports(m).length, 0);
        const g = new WebAssembly.Instance(m, {}).exports.g;
        assertEq(g.value, name, JSON.stringify(ns) + " " + JSON.stringify(name).slice(0, 20));
      }
    }
  }
});

test("imported string constants take no value from the import object", () => {
  const m = new WebAssembly.Module(constantModule("s", "abc", EXTERNREF, false), { importedStringConstants: "s" });
  const got = [];
  const imports = new Proxy({}, { get(t, k) { got.push(String(k)); return { abc: "other" }; } });
  assertEq(new WebAssembly.Instance(m, imports).exports.g.value, "abc");
  assertEq(got.length, 0);
});

test("an import from the string constants' module that is no immutable (ref extern) global is a CompileError", () => {
  const bad = [
    [T.anyref, false], [T.anyref, true], [T.ref(HEAP.any), false], [T.funcref, false],
    [T.ref(HEAP.func), false], [EXTERNREF, true], [STRING, true], [T.i32, false],
    [T.nullexternref, false], [T.ref(HEAP.noextern), false],
  ];
  for (const [type, mutable] of bad) {
    const bytes = constantModule("'", "x", type, mutable);
    assertRefused(bytes, { importedStringConstants: "'" }, show(type) + (mutable ? " mutable" : ""));
  }
  const f = new WasmBuilder();
  f.importFunc("'", "x", [], []);
  assertRefused(f.toBytes(), { importedStringConstants: "'" }, "a function");
  const t = new WasmBuilder();
  t.importTable("'", "x", EXTERNREF, 1);
  assertRefused(t.toBytes(), { importedStringConstants: "'" }, "a table");
});

test("importedStringConstants of null or undefined means none", () => {
  const bytes = constantModule("null", "v", EXTERNREF, false);
  for (const none of [null, undefined]) {
    const m = new WebAssembly.Module(bytes, { importedStringConstants: none });
    assertEq(WebAssembly.Module.imports(m).length, 1, show(none));
  }
});

test("importedStringConstants is a USVString (ToString of other values, lone surrogates replaced)", () => {
  const bytes = constantModule("null", "v", EXTERNREF, false);
  const m = new WebAssembly.Module(bytes, { importedStringConstants: { toString: () => "null" } });
  assertEq(new WebAssembly.Instance(m, {}).exports.g.value, "v");
  const n = new WebAssembly.Module(constantModule("1", "w", STRING, false), { importedStringConstants: 1 });
  assertEq(new WebAssembly.Instance(n, {}).exports.g.value, "w");
  // A module name is UTF-8, so U+FFFD is what "\uD800" is as a USVString.
  const r = new WebAssembly.Module(constantModule("\uFFFD", "x", STRING, false), { importedStringConstants: "\uD800" });
  assertEq(new WebAssembly.Instance(r, {}).exports.g.value, "x");
});

test("when the string constants' module is wasm:js-string, its imports are constants, not builtins", () => {
  const both = { builtins: ["js-string"], importedStringConstants: "wasm:js-string" };
  const m = new WebAssembly.Module(constantModule("wasm:js-string", "length", STRING, false), both);
  assertEq(new WebAssembly.Instance(m, {}).exports.g.value, "length");
  assertRefused(oneImport("wasm:js-string", "length", [EXTERNREF], [T.i32]), both, "a builtin's import");
});

test("string constants flow into the builtins", () => {
  const b = new WasmBuilder();
  const arr = b.arrayType(T.i16, true);
  const hello = b.importGlobal("str", "hello", STRING, false);
  const world = b.importGlobal("str", ", world", EXTERNREF, false);
  const concat = b.importFunc("wasm:js-string", "concat", ...builtinType("concat", arr));
  b.func([], [STRING], [op.global_get, hello, op.global_get, world, op.call, concat], { export: "greet" });
  const m = new WebAssembly.Module(b.toBytes(), { builtins: ["js-string"], importedStringConstants: "str" });
  assertEq(new WebAssembly.Instance(m, {}).exports.greet(), "hello, world");
});

// The builtins themselves, called from wasm.
const nonStrings = [null, undefined, true, 0, -0, 1.5, 1n, Symbol("s"), {}, [], () => 1,
  new String("boxed"), Object("x")];

test("test and cast", () => {
  const e = strings();
  for (const s of ["", "a", "\uD800", "hello", "\u{10000}"]) {
    assertEq(e.test(s), 1, "test " + JSON.stringify(s));
    assertEq(e.cast(s), s, "cast " + JSON.stringify(s));
  }
  for (const v of nonStrings) {
    assertEq(e.test(v), 0, "test " + typeof v);
    assertThrows(WebAssembly.RuntimeError, () => e.cast(v), "cast " + typeof v);
  }
});

test("every builtin that unwraps a string traps on a value that is not one", () => {
  const e = strings();
  const arr = e.newArray(4);
  for (const v of nonStrings) {
    const what = " of " + (v === null ? "null" : typeof v);
    assertThrows(WebAssembly.RuntimeError, () => e.length(v), "length" + what);
    assertThrows(WebAssembly.RuntimeError, () => e.charCodeAt(v, 0), "charCodeAt" + what);
    assertThrows(WebAssembly.RuntimeError, () => e.codePointAt(v, 0), "codePointAt" + what);
    assertThrows(WebAssembly.RuntimeError, () => e.concat(v, "a"), "concat first" + what);
    assertThrows(WebAssembly.RuntimeError, () => e.concat("a", v), "concat second" + what);
    assertThrows(WebAssembly.RuntimeError, () => e.substring(v, 0, 0), "substring" + what);
    assertThrows(WebAssembly.RuntimeError, () => e.compare(v, "a"), "compare first" + what);
    assertThrows(WebAssembly.RuntimeError, () => e.compare("a", v), "compare second" + what);
    assertThrows(WebAssembly.RuntimeError, () => e.intoCharCodeArray(v, arr, 0), "intoCharCodeArray" + what);
    if (v !== null) {
      assertThrows(WebAssembly.RuntimeError, () => e.equals(v, "a"), "equals first" + what);
      assertThrows(WebAssembly.RuntimeError, () => e.equals("a", v), "equals second" + what);
    }
  }
});

test("a builtin's trap is a trap that wasm's catch_all does not catch", () => {
  const e = strings();
  assertEq(e.lengthCaught("abc"), 3);
  assertThrows(WebAssembly.RuntimeError, () => e.lengthCaught(42));
  assertThrows(WebAssembly.RuntimeError, () => e.lengthCaught(null));
});

test("length, charCodeAt and codePointAt", () => {
  const e = strings();
  for (const s of ["", "a", "ab\u00e9", "\u263a\u263a", "\u{10000}\u{10001}", "\uD800", "a\uDC00b", "x".repeat(1000)]) {
    assertEq(e.length(s), s.length, "length of " + JSON.stringify(s).slice(0, 20));
    for (let i = 0; i < Math.min(s.length, 20); i++) {
      assertEq(e.charCodeAt(s, i), s.charCodeAt(i), "charCodeAt " + i);
      assertEq(e.codePointAt(s, i), s.codePointAt(i), "codePointAt " + i);
    }
    for (const i of [s.length, s.length + 1, -1, 0x7fffffff, -0x80000000]) {
      assertThrows(WebAssembly.RuntimeError, () => e.charCodeAt(s, i), "charCodeAt past the end " + i);
      assertThrows(WebAssembly.RuntimeError, () => e.codePointAt(s, i), "codePointAt past the end " + i);
    }
  }
});

test("fromCharCode and fromCodePoint", () => {
  const e = strings();
  for (const c of [0, 1, 0x41, 0xff, 0x100, 0xd800, 0xdc00, 0xfffe, 0xffff]) {
    assertEq(e.fromCharCode(c), String.fromCharCode(c), "fromCharCode " + c);
  }
  assertEq(e.fromCharCode(0x10041), "A", "ToUint16 of the number");
  assertEq(e.fromCharCode(-1), "\uffff", "ToUint16 of -1");
  for (const c of [0, 0x41, 0xd800, 0xdfff, 0xffff, 0x10000, 0x1f600, 0x10ffff]) {
    assertEq(e.fromCodePoint(c), String.fromCodePoint(c), "fromCodePoint " + c);
  }
  for (const c of [0x110000, 0x7fffffff, -1, -0x80000000]) {
    assertThrows(WebAssembly.RuntimeError, () => e.fromCodePoint(c), "fromCodePoint " + c);
  }
});

test("concat", () => {
  const e = strings();
  const parts = ["", "a", "\u263a", "\uD800", "\uDC00", "\u{10000}"];
  for (const a of parts) {
    for (const b of parts) assertEq(e.concat(a, b), a + b, JSON.stringify(a) + " + " + JSON.stringify(b));
  }
  assertEq(e.concat("x".repeat(5000), "y".repeat(5000)).length, 10000);
});

test("substring", () => {
  const e = strings();
  const s = "hello, \u263a\u{10000}";
  for (let i = -1; i <= s.length + 1; i++) {
    for (let j = -1; j <= s.length + 1; j++) {
      const [start, end] = [i >>> 0, j >>> 0];
      const expected = start > end || start > s.length ? "" : s.substring(start, end);
      assertEq(e.substring(s, i, j), expected, "substring(" + i + ", " + j + ")");
    }
  }
  assertEq(e.substring(s, 3, 0x7fffffff), "lo, \u263a\u{10000}", "end past the length");
});

test("substring with an end of 2^31 or more reads it as unsigned (decision D22)", () => {
  const e = strings();
  assertEq(e.substring("hello", 1, -1), "ello");
  assertEq(e.substring("hello", 2, -0x80000000), "llo");
  assertEq(e.substring("hello", -1, -1), "", "start 2^32-1 is past the length");
});

test("equals", () => {
  const e = strings();
  assertEq(e.equals(null, null), 1);
  assertEq(e.equals(null, ""), 0);
  assertEq(e.equals("", null), 0);
  assertEq(e.equals("a", "a"), 1);
  assertEq(e.equals("a", "b"), 0);
  assertEq(e.equals("x".repeat(100), "x".repeat(100)), 1, "equal contents");
  assertEq(e.equals("\u{10000}", "\uD800\uDC00"), 1);
  assertEq(e.equals("\u00e9", "e\u0301"), 0, "no normalisation");
  // Strings made by builtins against strings made in JS (an engine may keep
  // the two in different representations).
  assertEq(e.equals(e.fromCharCode(0xe9), "\u00e9"), 1, "a builtin's string and a JS one");
  assertEq(e.equals(e.concat("a", "\u263a"), "a\u263a"), 1);
  assertEq(e.equals(e.substring("a\u263a", 0, 1), "a"), 1);
});

test("compare orders by code units", () => {
  const e = strings();
  const cases = [["", "", 0], ["", "a", -1], ["a", "", 1], ["a", "b", -1], ["b", "a", 1], ["ab", "a", 1],
    ["a", "ab", -1], ["abc", "abd", -1], ["\u{10000}", "\uffff", -1], ["\uffff", "\u{10000}", 1],
    ["Z", "a", -1], ["\u00e9", "e", 1], ["same", "same", 0]];
  for (const [a, b, r] of cases) {
    assertEq(e.compare(a, b), r, "compare(" + JSON.stringify(a) + ", " + JSON.stringify(b) + ")");
  }
  assertEq(e.compare(e.concat("\u00e9", "\u263a"), "\u00e9\u263a"), 0, "a builtin's string and a JS one");
  assertEq(e.compare(e.fromCharCode(0xe9), "\u263a"), -1);
  assertEq(e.compare(e.fromCodePoint(0x10000), e.fromCharCode(0xe000)), -1);
});

test("intoCharCodeArray and fromCharCodeArray", () => {
  const e = strings();
  for (const s of ["", "a", "hello, world", "\u263a\u{10000}\uD800"]) {
    const arr = e.newArray(s.length + 3);
    assertEq(e.intoCharCodeArray(s, arr, 2), s.length);
    for (let i = 0; i < s.length; i++) assertEq(e.get(arr, 2 + i), s.charCodeAt(i), "element " + (2 + i));
    assertEq(e.get(arr, 0), 0);
    assertEq(e.fromCharCodeArray(arr, 2, 2 + s.length), s);
    assertEq(e.fromCharCodeArray(arr, 0, 0), "");
    assertEq(e.fromCharCodeArray(arr, s.length + 3, s.length + 3), "", "an empty range at the end");
  }
  const arr = e.newArray(3);
  e.set(arr, 0, 0x41);
  e.set(arr, 1, 0xffff);
  e.set(arr, 2, 0xd83d);
  assertEq(e.fromCharCodeArray(arr, 0, 3), "A\uffff\ud83d");
});

test("the array builtins trap on null arrays and ranges out of bounds", () => {
  const e = strings();
  const arr = e.newArray(4);
  assertThrows(WebAssembly.RuntimeError, () => e.fromCharCodeArray(null, 0, 0), "fromCharCodeArray of null");
  assertThrows(WebAssembly.RuntimeError, () => e.intoCharCodeArray("", null, 0), "intoCharCodeArray into null");
  assertThrows(WebAssembly.RuntimeError, () => e.intoCharCodeArray(42, null, 0),
    "intoCharCodeArray: null before not-a-string");
  for (const [start, end] of [[0, 5], [3, 2], [5, 5], [-1, 2], [0, -1], [-1, -1]]) {
    assertThrows(WebAssembly.RuntimeError, () => e.fromCharCodeArray(arr, start, end),
      "fromCharCodeArray " + start + ".." + end);
  }
  assertThrows(WebAssembly.RuntimeError, () => e.intoCharCodeArray("abcde", arr, 0), "too long");
  assertThrows(WebAssembly.RuntimeError, () => e.intoCharCodeArray("ab", arr, 3), "past the end");
  assertThrows(WebAssembly.RuntimeError, () => e.intoCharCodeArray("", arr, 5), "an empty string past the end");
  assertThrows(WebAssembly.RuntimeError, () => e.intoCharCodeArray("a", arr, -1), "start 2^32-1");
  assertEq(e.intoCharCodeArray("", arr, 4), 0, "an empty string at the end");
  assertEq(e.intoCharCodeArray("wxyz", arr, 0), 4);
  assertEq(e.fromCharCodeArray(arr, 1, 3), "xy");
  assertEq(e.len(arr), 4);
});

test("a re-exported builtin is named after its import name", () => {
  const e = strings();
  for (const name of BUILTINS) assertEq(e["imported_" + name].name, name);
});

test("JS calls a re-exported builtin as an Exported Function", () => {
  const e = strings();
  const f = e.imported_concat;
  assertEq(typeof f, "function");
  assertEq(f.length, 2);
  assertEq(f("a", "b"), "ab");
  assertThrows(WebAssembly.RuntimeError, () => f("a", 1));
  assertEq(e.imported_length(String.fromCharCode(1, 2, 3)), 3);
  assertEq(e.imported_test(1), 0);
  assertThrows(TypeError, () => e.imported_fromCharCodeArray({}, 0, 0), "not an i16 array: ToWebAssemblyValue");
});

test("each instantiation has its own builtin functions", () => {
  const m = new WebAssembly.Module(stringsBuilder().toBytes(), JS_STRING);
  const a = new WebAssembly.Instance(m, {}).exports;
  const b = new WebAssembly.Instance(m, {}).exports;
  assertTrue(a.imported_length !== b.imported_length, "two instantiations");
  assertEq(a.imported_length, a.imported_length);
});

test("two imports of one builtin in one instance are one function (one builtin set per instantiation)", () => {
  const two = new WasmBuilder();
  const f = two.importFunc("wasm:js-string", "length", [EXTERNREF], [T.i32]);
  const g = two.importFunc("wasm:js-string", "length", [EXTERNREF], [T.i32]);
  two.export("f", "func", f);
  two.export("g", "func", g);
  const e = new WebAssembly.Instance(new WebAssembly.Module(two.toBytes(), JS_STRING), {}).exports;
  assertEq(e.f, e.g, "two imports of length in one instance");
});

test("a builtin passed as an import to another module is that function", () => {
  const e = strings();
  const b = new WasmBuilder();
  const len = b.importFunc("m", "len", [EXTERNREF], [T.i32]);
  b.func([EXTERNREF], [T.i32], [op.local_get, 0, op.call, len], { export: "len" });
  const other = b.instantiate({ m: { len: e.imported_length } }).exports;
  assertEq(other.len("12345"), 5);
  assertThrows(WebAssembly.RuntimeError, () => other.len({}));
});

test("strings made in wasm loops stay right, and a long loop finishes", () => {
  const b = new WasmBuilder();
  const arr = b.arrayType(T.i16, true);
  const concat = b.importFunc("wasm:js-string", "concat", ...builtinType("concat", arr));
  const fromCharCode = b.importFunc("wasm:js-string", "fromCharCode", ...builtinType("fromCharCode", arr));
  const length = b.importFunc("wasm:js-string", "length", ...builtinType("length", arr));
  // build(n): the string of char codes 0x41 + (i % 26) for i < n (n > 0),
  // one concat per character.
  b.func([T.i32], [EXTERNREF], [
    op.i32_const, ...s32(0x41), op.call, fromCharCode, op.local_set, 1,
    op.block, BLOCK_EMPTY, op.loop, BLOCK_EMPTY,
    op.local_get, 1, op.call, length, op.local_get, 0, op.i32_ge_s, op.br_if, 1,
    op.local_get, 1,
    op.local_get, 1, op.call, length, op.i32_const, 26, op.i32_rem_s, op.i32_const, ...s32(0x41), op.i32_add,
    op.call, fromCharCode, op.call, concat, op.local_set, 1,
    op.br, 0,
    op.end, op.end,
    op.local_get, 1,
  ], { export: "build", locals: [EXTERNREF] });
  const e = new WebAssembly.Instance(new WebAssembly.Module(b.toBytes(), JS_STRING), {}).exports;
  const s = e.build(20000);
  assertEq(s.length, 20000);
  assertEq(s.slice(0, 28), "ABCDEFGHIJKLMNOPQRSTUVWXYZAB");
  assertEq(s.charCodeAt(19999), 0x41 + (19999 % 26));
});

promiseTest("a builtin's Exported Function goes where functions go: tables, globals, promising", async () => {
  const e = strings();
  const t = new WebAssembly.Table({ element: "anyfunc", initial: 1 });
  t.set(0, e.imported_length);
  assertEq(t.get(0), e.imported_length, "a table");
  const g = new WebAssembly.Global({ value: "anyfunc" }, e.imported_length);
  assertEq(g.value, e.imported_length, "a global");
  const p = WebAssembly.promising(e.imported_length);
  assertEq(await p("abcd"), 4, "promising");
  await assertRejects(WebAssembly.RuntimeError, p(5), "promising: a trap rejects");
});

promiseTest("strings a suspended promising call holds survive the collections builtins run meanwhile", async () => {
  const b = new WasmBuilder();
  const arr = b.arrayType(T.i16, true);
  const concat = b.importFunc("wasm:js-string", "concat", ...builtinType("concat", arr));
  const fromCharCode = b.importFunc("wasm:js-string", "fromCharCode", ...builtinType("fromCharCode", arr));
  const wait = b.importFunc("m", "wait", [], []);
  // hold(c): the string of char code c and c + 1, made by builtins and kept
  // in a local across a suspension, then made once more with churn in
  // between (each builtin call here may collect).
  // churn(n): n strings made and dropped.
  const churn = b.func([T.i32], [], [
    op.block, BLOCK_EMPTY, op.loop, BLOCK_EMPTY,
    op.local_get, 0, op.i32_eqz, op.br_if, 1,
    op.local_get, 0, op.call, fromCharCode, op.drop,
    op.local_get, 0, op.i32_const, 1, op.i32_sub, op.local_set, 0,
    op.br, 0, op.end, op.end,
  ], { export: "churn" });
  b.func([T.i32], [EXTERNREF], [
    op.local_get, 0, op.call, fromCharCode,
    op.local_get, 0, op.i32_const, 1, op.i32_add, op.call, fromCharCode,
    op.call, concat, op.local_set, 1,
    op.call, wait,
    op.i32_const, ...s32(5000), op.call, churn,
    op.local_get, 1, op.local_get, 1, op.call, concat,
  ], { export: "hold", locals: [EXTERNREF] });
  const waiting = [];
  const m = new WebAssembly.Module(b.toBytes(), JS_STRING);
  const e = new WebAssembly.Instance(m, {
    m: { wait: new WebAssembly.Suspending(() => new Promise((r) => { waiting.push(r); })) },
  }).exports;
  const hold = WebAssembly.promising(e.hold);
  const results = [hold(0x41), hold(0x61)];
  e.churn(20000);
  waiting.shift()();
  await new Promise((r) => setTimeout(r, 0));
  e.churn(20000);
  waiting.shift()();
  assertEq(await results[0], "ABAB");
  assertEq(await results[1], "abab");
});
