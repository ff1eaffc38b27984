// Rejections, throws, traps and coercion errors under JSPI (proposal-notes/jspi.md
// a.3 step 5, a.4 steps 7, 8, 11, 12, a.7).
"use strict";

// A module importing JSTag and a tag [i32], and a Suspending `m.s`
// ([] -> [i32]). Exports:
//   plain()        = s()
//   catchJs()      = s(), or 100 + 1 if a JS-tag exception is caught
//   catchTag()     = s(), or the tag's payload if a `tag` exception is caught
//   trapAfter()    = s(); unreachable
//   trapBefore()   = unreachable
//   throwTag(x)    throws `tag` x
function make(fn, tag) {
  const b = new WasmBuilder();
  const jsTag = b.importTag("m", "jstag", [T.externref]);
  const t = b.importTag("m", "tag", [T.i32]);
  const s = b.importFunc("m", "s", [], [T.i32]);
  b.func([], [T.i32], [op.call, s], { export: "plain" });
  b.func([], [T.i32], [
    op.block, T.externref,
    op.try_table, BLOCK_EMPTY, 1, CATCH.catch, jsTag, 0,
    op.call, s, op.return,
    op.end,
    op.unreachable,
    op.end,
    op.drop, op.i32_const, ...s32(101),
  ], { export: "catchJs" });
  b.func([], [T.i32], [
    op.block, T.i32,
    op.try_table, BLOCK_EMPTY, 1, CATCH.catch, t, 0,
    op.call, s, op.return,
    op.end,
    op.unreachable,
    op.end,
  ], { export: "catchTag" });
  b.func([], [], [op.call, s, op.drop, op.unreachable], { export: "trapAfter" });
  b.func([], [], [op.unreachable], { export: "trapBefore" });
  b.func([T.i32], [], [op.local_get, 0, op.throw, t], { export: "throwTag" });
  b.func([T.i64], [T.i32], [op.i32_const, 1], { export: "takesI64" });
  const e = b.instantiate({ m: { jstag: WebAssembly.JSTag, tag, s: new WebAssembly.Suspending(fn) } }).exports;
  const p = {};
  for (const k of Object.keys(e)) p[k] = WebAssembly.promising(e[k]);
  return p;
}

const tag = new WebAssembly.Tag({ parameters: ["i32"] });

promiseTest("a rejection reaches the promising promise as the same value", async () => {
  for (const reason of [new Error("r"), 3.14, "s", null, undefined, { o: 1 }]) {
    const { plain } = make(() => Promise.reject(reason), tag);
    try {
      await plain();
      fail("not rejected");
    } catch (e) {
      assertEq(e, reason);
    }
  }
});

promiseTest("a synchronous throw reaches the promising promise as the same value", async () => {
  const err = new RangeError("sync");
  const { plain } = make(() => { throw err; }, tag);
  const p = plain();
  assertTrue(p instanceof Promise, "the wrapper still returns a promise");
  try {
    await p;
    fail("not rejected");
  } catch (e) {
    assertEq(e, err);
  }
});

promiseTest("wasm catches a rejection with the JS tag", async () => {
  const { catchJs } = make(() => Promise.reject(new Error("x")), tag);
  assertEq(await catchJs(), 101);
});

promiseTest("wasm catches a synchronous throw with the JS tag, without suspending", async () => {
  const { catchJs } = make(() => { throw 5; }, tag);
  assertEq(await ticksUntil(catchJs()), 0, "settled before any tick");
});

promiseTest("wasm catches a rejected WebAssembly.Exception by its own tag", async () => {
  const { catchTag, catchJs } = make(() => Promise.reject(new WebAssembly.Exception(tag, [42])), tag);
  assertEq(await catchTag(), 42);
  try {
    await catchJs();
    fail("the JS tag does not catch a WebAssembly.Exception");
  } catch (e) {
    assertTrue(e instanceof WebAssembly.Exception);
    assertEq(e.getArg(tag, 0), 42);
  }
});

promiseTest("traps reject with RuntimeError, before and after a suspension", async () => {
  const { trapAfter, trapBefore } = make(() => 1, tag);
  await assertRejects(WebAssembly.RuntimeError, trapAfter(), "after");
  await assertRejects(WebAssembly.RuntimeError, trapBefore(), "before");
});

promiseTest("an uncaught wasm exception rejects with a WebAssembly.Exception", async () => {
  const { throwTag } = make(() => 1, tag);
  try {
    await throwTag(9);
    fail("not rejected");
  } catch (e) {
    assertTrue(e instanceof WebAssembly.Exception);
    assertEq(e.getArg(tag, 0), 9);
  }
});

promiseTest("argument conversion errors reject the promise", async () => {
  const { takesI64 } = make(() => 1, tag);
  let p;
  try {
    p = takesI64(1);
  } catch (e) {
    fail("threw synchronously: " + describeError(e));
  }
  await assertRejects(TypeError, p);
  const boom = new Error("valueOf");
  try {
    await takesI64({ valueOf() { throw boom; } });
    fail("not rejected");
  } catch (e) {
    assertEq(e, boom);
  }
});

promiseTest("result coercion errors are thrown into wasm", async () => {
  const big = make(() => 10n, tag);
  await assertRejects(TypeError, big.plain(), "a BigInt for i32");
  assertEq(await big.catchJs(), 101, "and wasm can catch them");
  const conv = make(() => "abc", tag);
  assertEq(await conv.plain(), 0, "'abc' is 0 as an i32");
  const wrap = make(() => 2 ** 32 + 5, tag);
  assertEq(await wrap.plain(), 5);
});

promiseTest("instructions after a rejected call do not run", async () => {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [], [T.i32]);
  const lg = b.importFunc("m", "log", [T.i32], []);
  b.func([], [], [op.call, s, op.call, lg], { export: "f" });
  const seen = [];
  const e = b.instantiate({ m: { s: new WebAssembly.Suspending(() => Promise.reject(1)), log: (x) => seen.push(x) } }).exports;
  try {
    await WebAssembly.promising(e.f)();
  } catch (x) {
    assertEq(x, 1);
  }
  assertArrayEq(seen, []);
});

// How many microtask ticks pass before `p` settles (0: already settled).
async function ticksUntil(p) {
  let settled = false;
  p.then(() => { settled = true; }, () => { settled = true; });
  let n = 0;
  for (; n < 10; n++) {
    await null;
    if (settled) break;
  }
  return n;
}
