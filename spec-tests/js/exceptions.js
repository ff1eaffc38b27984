// Tags, exceptions and the JS tag (JS API §"Tags", §"Runtime exceptions",
// "call an Exported Function" and "create a host function" for throws).
"use strict";

test("Tag constructor", () => {
  const t = new WebAssembly.Tag({ parameters: ["i32", "f64"] });
  assertTrue(t instanceof WebAssembly.Tag);
  new WebAssembly.Tag({ parameters: [] });
  assertThrows(TypeError, () => new WebAssembly.Tag(), "no parameters");
  assertThrows(TypeError, () => new WebAssembly.Tag({}), "no parameters member");
  assertThrows(TypeError, () => new WebAssembly.Tag({ parameters: ["x"] }), "unknown type");
  assertThrows(TypeError, () => new WebAssembly.Tag({ parameters: 1 }), "not a sequence");
});

test("Exception constructor, getArg and is", () => {
  const t = new WebAssembly.Tag({ parameters: ["i32", "i64", "externref"] });
  const o = {};
  const e = new WebAssembly.Exception(t, [42, 7n, o]);
  assertTrue(e instanceof WebAssembly.Exception);
  assertEq(Object.getPrototypeOf(e), WebAssembly.Exception.prototype);
  assertEq(e.getArg(t, 0), 42);
  assertEq(e.getArg(t, 1), 7n);
  assertEq(e.getArg(t, 2), o);
  assertEq(e.is(t), true);
  const other = new WebAssembly.Tag({ parameters: ["i32", "i64", "externref"] });
  assertEq(e.is(other), false, "tags are compared by identity");
  assertThrows(TypeError, () => e.getArg(other, 0), "another tag");
  assertThrows(RangeError, () => e.getArg(t, 3), "index out of range");
  assertThrows(TypeError, () => e.is({}), "not a tag");
  assertThrows(TypeError, () => new WebAssembly.Exception(t, [1, 2n]), "payload too short");
  assertThrows(TypeError, () => new WebAssembly.Exception(t, [1, 2, 3]), "a Number for i64");
  assertThrows(TypeError, () => new WebAssembly.Exception(t, 5), "payload not a sequence");
  assertThrows(TypeError, () => new WebAssembly.Exception({}, []), "not a tag");
  assertThrows(TypeError, () => new WebAssembly.Exception(WebAssembly.JSTag, [1]), "the JS tag");
});

// A module with a tag, a JS thrower import, and functions that throw and
// catch in different ways.
function thrower(imports) {
  const b = new WasmBuilder();
  const jsTag = b.importTag("m", "jstag", [T.externref]);
  const tag = b.importTag("m", "tag", [T.i32]);
  const call = b.importFunc("m", "call", [], []);
  // catchJs(): calls out; returns the payload of a JS-tag exception, or null.
  b.func([], [T.externref], [
    op.block, T.externref,
    op.try_table, BLOCK_EMPTY, 1, CATCH.catch, jsTag, 0,
    op.call, call,
    op.end,
    op.ref_null, T.externref, op.return,
    op.end,
  ], { export: "catchJs" });
  // catchTag(): calls out; returns the i32 of a `tag` exception, or -1.
  b.func([], [T.i32], [
    op.block, T.i32,
    op.try_table, BLOCK_EMPTY, 1, CATCH.catch, tag, 0,
    op.call, call,
    op.end,
    op.i32_const, ...s32(-1), op.return,
    op.end,
  ], { export: "catchTag" });
  // rethrow(): catches anything with catch_all_ref and throws it again.
  b.func([], [], [
    op.block, T.exnref,
    op.try_table, BLOCK_EMPTY, 1, CATCH.catch_all_ref, 0,
    op.call, call,
    op.end,
    op.return,
    op.end,
    op.throw_ref,
  ], { export: "rethrow" });
  // throwTag(x): throws `tag` with x.
  b.func([T.i32], [], [op.local_get, 0, op.throw, tag], { export: "throwTag" });
  // throwJs(v): throws the JS tag with v.
  b.func([T.externref], [], [op.local_get, 0, op.throw, jsTag], { export: "throwJs" });
  b.func([], [], [op.call, call], { export: "passThrough" });
  return b.instantiate(imports).exports;
}

test("a JS exception travels through wasm as itself", () => {
  const tag = new WebAssembly.Tag({ parameters: ["i32"] });
  let toThrow;
  const e = thrower({ m: { jstag: WebAssembly.JSTag, tag, call: () => { throw toThrow; } } });
  for (const v of [new TypeError("t"), 42, "s", null, undefined, {}]) {
    toThrow = v;
    try {
      e.passThrough();
      fail("nothing thrown");
    } catch (err) {
      assertEq(err, v, "passes through unchanged");
    }
    toThrow = v;
    try {
      e.rethrow();
      fail("nothing thrown");
    } catch (err) {
      assertEq(err, v, "caught with catch_all_ref and rethrown");
    }
  }
});

test("wasm catches a JS exception with the JS tag", () => {
  const tag = new WebAssembly.Tag({ parameters: ["i32"] });
  const err = new Error("x");
  const e = thrower({ m: { jstag: WebAssembly.JSTag, tag, call: () => { throw err; } } });
  assertEq(e.catchJs(), err);
  try {
    e.catchTag();
    fail("a JS value is not caught by another tag");
  } catch (x) {
    assertEq(x, err, "it goes on to JS");
  }
});

test("wasm catches a WebAssembly.Exception by its tag", () => {
  const tag = new WebAssembly.Tag({ parameters: ["i32"] });
  const exn = new WebAssembly.Exception(tag, [42]);
  const e = thrower({ m: { jstag: WebAssembly.JSTag, tag, call: () => { throw exn; } } });
  assertEq(e.catchTag(), 42);
  try {
    e.catchJs();
    fail("not caught by the JS tag");
  } catch (x) {
    assertEq(x, exn);
  }
  try {
    e.passThrough();
    fail("nothing thrown");
  } catch (err) {
    assertEq(err, exn, "the same Exception object comes back");
  }
  try {
    e.rethrow();
  } catch (err) {
    assertEq(err, exn, "also after catch_all_ref and throw_ref");
  }
});

test("a wasm exception reaches JS as a WebAssembly.Exception", () => {
  const tag = new WebAssembly.Tag({ parameters: ["i32"] });
  const e = thrower({ m: { jstag: WebAssembly.JSTag, tag, call() {} } });
  let first;
  try {
    e.throwTag(7);
  } catch (err) {
    first = err;
  }
  assertTrue(first instanceof WebAssembly.Exception);
  assertEq(first.is(tag), true);
  assertEq(first.getArg(tag, 0), 7);
  assertEq(first instanceof Error, false, "not an Error");
});

test("wasm throwing the JS tag throws its payload", () => {
  const tag = new WebAssembly.Tag({ parameters: ["i32"] });
  const e = thrower({ m: { jstag: WebAssembly.JSTag, tag, call() {} } });
  const o = { o: 1 };
  try {
    e.throwJs(o);
    fail("nothing thrown");
  } catch (err) {
    assertEq(err, o);
  }
});

test("an exported tag is one Tag object", () => {
  const b = new WasmBuilder();
  b.tag([T.i32], "a");
  b.export("b", "tag", 0);
  const e = b.instantiate().exports;
  assertTrue(e.a instanceof WebAssembly.Tag);
  assertEq(e.a, e.b);
});

test("a trap is a RuntimeError and is not caught by catch_all", () => {
  const tag = new WebAssembly.Tag({ parameters: ["i32"] });
  const b = new WasmBuilder();
  b.func([], [T.i32], [
    op.block, BLOCK_EMPTY,
    op.try_table, BLOCK_EMPTY, 1, CATCH.catch_all, 0,
    op.unreachable,
    op.end,
    op.end,
    op.i32_const, 1,
  ], { export: "f" });
  assertThrows(WebAssembly.RuntimeError, () => b.instantiate().exports.f());
});
