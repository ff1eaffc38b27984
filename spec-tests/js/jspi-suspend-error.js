// Every case of WebAssembly.SuspendError (proposal-notes/jspi.md a.4 step 2, a.6).
"use strict";

// Exports: `f` = s() + 1; `catching` = s() or 43 if a JS-tag exception is
// caught; `viaJs` = js() (a plain import); `start` variant below.
function make(fn, js = () => 0) {
  const b = new WasmBuilder();
  const jsTag = b.importTag("m", "jstag", [T.externref]);
  const s = b.importFunc("m", "s", [], [T.i32]);
  const j = b.importFunc("m", "js", [], [T.i32]);
  b.func([], [T.i32], [op.call, s, op.i32_const, 1, op.i32_add], { export: "f" });
  b.func([], [T.i32], [
    op.block, T.externref,
    op.try_table, BLOCK_EMPTY, 1, CATCH.catch, jsTag, 0,
    op.call, s, op.return,
    op.end,
    op.unreachable,
    op.end,
    op.drop, op.i32_const, 43,
  ], { export: "catching" });
  b.func([], [T.i32], [op.call, j], { export: "viaJs" });
  b.export("s", "func", s);
  let called = 0;
  const e = b.instantiate({ m: {
    jstag: WebAssembly.JSTag,
    s: new WebAssembly.Suspending((...a) => { called++; return fn(...a); }),
    js,
  } }).exports;
  return { e, calls: () => called };
}

test("a direct call throws SuspendError synchronously, before calling the function", () => {
  const { e, calls } = make(() => 1);
  assertThrows(WebAssembly.SuspendError, () => e.f());
  assertEq(calls(), 0, "the wrapped function was not called");
});

test("wasm can catch the SuspendError with the JS tag", () => {
  const { e, calls } = make(() => 1);
  assertEq(e.catching(), 43);
  assertEq(calls(), 0);
});

test("calling a re-exported Suspending import directly throws SuspendError", () => {
  const { e, calls } = make(() => 1);
  assertThrows(WebAssembly.SuspendError, () => e.s());
  assertEq(calls(), 0);
});

promiseTest("a re-exported Suspending import under promising suspends", async () => {
  const { e, calls } = make(() => Promise.resolve(7));
  assertEq(await WebAssembly.promising(e.s)(), 7);
  assertEq(calls(), 1);
});

promiseTest("JS frames between promising and the import: SuspendError", async () => {
  let inner;
  const { e, calls } = make(() => 1, () => inner.f());
  inner = e;
  await assertRejects(WebAssembly.SuspendError, WebAssembly.promising(e.viaJs)());
  assertEq(calls(), 0);
});

promiseTest("JS frames in between, caught in JS", async () => {
  let inner;
  let caught;
  const { e } = make(() => 1, () => {
    try {
      return inner.f();
    } catch (x) {
      caught = x;
      return 5;
    }
  });
  inner = e;
  assertEq(await WebAssembly.promising(e.viaJs)(), 5);
  assertTrue(caught instanceof WebAssembly.SuspendError);
});

promiseTest("JS frames in between, caught in the inner wasm", async () => {
  let inner;
  const { e } = make(() => 1, () => inner.catching());
  inner = e;
  assertEq(await WebAssembly.promising(e.viaJs)(), 43);
});

promiseTest("a nested promising call in between is fine, and its promise is adopted", async () => {
  let inner;
  const { e } = make(() => Promise.resolve(1), () => 7);
  inner = e;
  // viaJs calls a JS function that starts its own promising call.
  const b = new WasmBuilder();
  const j = b.importFunc("m", "js", [], [T.externref]);
  b.func([], [T.externref], [op.call, j], { export: "g" });
  const outer = b.instantiate({ m: { js: () => WebAssembly.promising(inner.f)() } }).exports;
  const seen = await WebAssembly.promising(outer.g)();
  assertEq(seen, 2, "the inner promise, returned as an externref, is adopted by the outer one");
});

test("a Suspending import in a start function fails the instantiation", () => {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [], [T.i32]);
  b.start(b.func([], [], [op.call, s, op.drop]));
  let called = false;
  assertThrows(WebAssembly.SuspendError, () => b.instantiate({ m: { s: new WebAssembly.Suspending(() => { called = true; return 1; }) } }));
  assertEq(called, false);
});

promiseTest("WebAssembly.instantiate with such a start function rejects", async () => {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [], [T.i32]);
  b.start(b.func([], [], [op.call, s, op.drop]));
  await assertRejects(WebAssembly.SuspendError,
    WebAssembly.instantiate(b.toBytes(), { m: { s: new WebAssembly.Suspending(() => 1) } }));
});

promiseTest("a suspension in progress elsewhere does not allow a direct call", async () => {
  let resolve;
  const { e } = make(() => new Promise((r) => { resolve = r; }));
  const pending = WebAssembly.promising(e.f)();
  assertThrows(WebAssembly.SuspendError, () => e.f());
  resolve(1);
  assertEq(await pending, 2);
});

// A SuspendError that crosses a JS frame is an ordinary JS exception to the
// wasm below it: promising `outer` calls JS import `js`, which calls export
// `f` of the same instance, which calls a Suspending import. The
// SuspendError leaves `f` and the JS function, and `outer` catches it with
// each kind of catch clause that can see the JS tag (JS API "throw a
// JavaScript exception": any JS value goes into wasm with the JS tag).
function sandwich(clause, { suspendFirst = false, jsImport = "plain" } = {}) {
  const b = new WasmBuilder();
  const jsTag = b.importTag("m", "jstag", [T.externref]);
  const s = b.importFunc("m", "s", [], [T.i32]);
  const j = b.importFunc("m", "js", [], [T.i32]);
  b.func([], [T.i32], [op.call, s, op.i32_const, 1, op.i32_add], { export: "f" });
  // `outer` returns what the handler left: the caught externref (catch), an
  // exnref's presence as 1 (the _ref clauses), or 2 (catch_all).
  const handlerType = { catch: T.externref, catch_ref: T.externref, catch_all: BLOCK_EMPTY, catch_all_ref: T.exnref }[clause];
  const clauseBytes = clause === "catch" || clause === "catch_ref" ? [CATCH[clause], jsTag, 0] : [CATCH[clause], 0];
  const handler = {
    catch: [],
    catch_ref: [op.drop],
    catch_all: [op.ref_null, T.externref],
    catch_all_ref: [op.drop, op.ref_null, T.externref],
  }[clause];
  // catch_ref leaves [externref exnref]: a block type with two results.
  const blockType = clause === "catch_ref" ? b.type([], [T.externref, T.exnref]) : handlerType;
  b.func([], [T.externref], [
    ...(suspendFirst ? [op.call, s, op.drop] : []),
    op.block, blockType,
    op.try_table, BLOCK_EMPTY, 1, ...clauseBytes,
    op.call, j, op.drop, op.ref_null, T.externref, op.return,
    op.end,
    op.unreachable,
    op.end,
    ...handler,
  ], { export: "outer" });
  let e;
  const js = () => e.f();
  e = b.instantiate({ m: {
    jstag: WebAssembly.JSTag,
    s: new WebAssembly.Suspending(() => 1),
    js: jsImport === "suspending" ? new WebAssembly.Suspending(js) : js,
  } }).exports;
  return e;
}

for (const clause of ["catch", "catch_ref", "catch_all", "catch_all_ref"]) {
  promiseTest(`a SuspendError through a JS frame is caught by the outer wasm (${clause})`, async () => {
    const caught = await WebAssembly.promising(sandwich(clause).outer)();
    if (clause === "catch" || clause === "catch_ref") {
      assertTrue(caught instanceof WebAssembly.SuspendError, "the payload is the SuspendError");
    } else {
      assertEq(caught, null, "the handler ran");
    }
  });
}

promiseTest("a SuspendError through a JS frame is caught after the outer call has suspended once", async () => {
  const caught = await WebAssembly.promising(sandwich("catch", { suspendFirst: true }).outer)();
  assertTrue(caught instanceof WebAssembly.SuspendError);
});

promiseTest("a SuspendError through a Suspending JS import's frame is caught by the outer wasm", async () => {
  // The JS function throws synchronously, so the error goes into wasm at
  // once, without suspending (proposal-notes/jspi.md a.4 step 7).
  const caught = await WebAssembly.promising(sandwich("catch", { jsImport: "suspending" }).outer)();
  assertTrue(caught instanceof WebAssembly.SuspendError);
});
