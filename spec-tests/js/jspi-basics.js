// JSPI suspension and resumption, with the exact microtask timing that
// ECMAScript's Await gives (proposal-notes/jspi.md a.3, a.4, a.5).
"use strict";

// A module importing `m.s` (Suspending, [] -> [i32]) and `m.log` (plain),
// exporting `once` = s() + 1, `loop(n)` = sum of n calls of s(), and
// `mark` which logs 1, calls s, logs 2 and returns s's value.
function make(fn, log = () => {}) {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [], [T.i32]);
  const lg = b.importFunc("m", "log", [T.i32], []);
  b.func([], [T.i32], [op.call, s, op.i32_const, 1, op.i32_add], { export: "once" });
  b.func([T.i32], [T.i32], [
    op.block, BLOCK_EMPTY, op.loop, BLOCK_EMPTY,
    op.local_get, 0, op.i32_eqz, op.br_if, 1,
    op.local_get, 1, op.call, s, op.i32_add, op.local_set, 1,
    op.local_get, 0, op.i32_const, 1, op.i32_sub, op.local_set, 0,
    op.br, 0,
    op.end, op.end,
    op.local_get, 1,
  ], { export: "loop", locals: [T.i32] });
  b.func([], [T.i32], [
    op.i32_const, 1, op.call, lg,
    op.call, s,
    op.i32_const, 2, op.call, lg,
  ], { export: "mark" });
  const e = b.instantiate({ m: { s: new WebAssembly.Suspending(fn), log } }).exports;
  return {
    once: WebAssembly.promising(e.once),
    loop: WebAssembly.promising(e.loop),
    mark: WebAssembly.promising(e.mark),
    raw: e,
  };
}

// Logs the order in which `p`'s consumer and a chain of `n` user
// microtasks run, starting both now.
async function ticks(p, n = 5) {
  const order = [];
  const done = p.then((v) => order.push("done:" + v));
  let chain = Promise.resolve();
  for (let i = 1; i <= n; i++) chain = chain.then(() => order.push("t" + i));
  await Promise.all([done, chain]);
  return order.join(" ");
}

promiseTest("suspend once on a resolved promise", async () => {
  const { once } = make(() => Promise.resolve(41));
  const p = once();
  assertTrue(p instanceof Promise);
  assertEq(await p, 42);
});

promiseTest("the wrapper returns a pending promise when the call suspends", async () => {
  const { once } = make(() => Promise.resolve(41));
  let settled = false;
  const p = once();
  p.then(() => { settled = true; });
  await null;
  assertEq(settled, false, "not after one tick");
  assertEq(await p, 42);
});

promiseTest("a non-promise value suspends too", async () => {
  const { once } = make(() => 5);
  assertEq(await ticks(once()), "t1 done:6 t2 t3 t4 t5");
});

promiseTest("tick order: a settled promise", async () => {
  const { once } = make(() => Promise.resolve(1));
  assertEq(await ticks(once()), "t1 done:2 t2 t3 t4 t5");
});

promiseTest("tick order: an async function", async () => {
  const { once } = make(async () => 1);
  assertEq(await ticks(once()), "t1 done:2 t2 t3 t4 t5");
});

promiseTest("tick order: a thenable", async () => {
  const { once } = make(() => ({ then(resolve) { resolve(3); } }));
  assertEq(await ticks(once()), "t1 t2 done:4 t3 t4 t5");
});

promiseTest("tick order: three suspensions", async () => {
  const { loop } = make(() => 2);
  assertEq(await ticks(loop(3)), "t1 t2 t3 done:6 t4 t5");
});

promiseTest("tick order: a call that does not suspend", async () => {
  const { loop } = make(() => 2);
  assertEq(await ticks(loop(0)), "done:0 t1 t2 t3 t4 t5");
});

promiseTest("the promise is settled at once when nothing suspends", async () => {
  const { loop } = make(() => 2);
  const order = [];
  loop(0).then(() => order.push("a"));
  Promise.resolve().then(() => order.push("b"));
  await null;
  await null;
  assertArrayEq(order, ["a", "b"]);
});

promiseTest("the import runs synchronously inside the call, the rest later", async () => {
  const order = [];
  const { mark } = make(() => { order.push("import"); return 7; }, (x) => order.push("log" + x));
  const p = mark();
  order.push("after call");
  assertEq(await p, 7);
  assertArrayEq(order, ["log1", "import", "after call", "log2"]);
});

promiseTest("a pending promise resumes one tick after it settles", async () => {
  let resolve;
  const { once } = make(() => new Promise((r) => { resolve = r; }));
  const order = [];
  const p = once().then((v) => order.push("done:" + v));
  await null;
  await null;
  order.push("resolving");
  resolve(9);
  Promise.resolve().then(() => order.push("u1")).then(() => order.push("u2")).then(() => order.push("u3"));
  await p;
  // The reaction of the awaited promise was queued by resolve() before u1;
  // the wrapper's promise is resolved in it, so its consumer runs after u1.
  assertArrayEq(order.slice(0, 4), ["resolving", "u1", "done:10", "u2"]);
});

promiseTest("a loop of many suspensions", async () => {
  let calls = 0;
  const { loop } = make(() => { calls++; return Promise.resolve(calls); });
  assertEq(await loop(100), 5050);
  assertEq(calls, 100);
});

promiseTest("arguments reach the Suspending function, this is undefined", async () => {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [T.i32, T.i64, T.f64, T.externref], [T.i32]);
  b.func([T.externref], [T.i32], [
    op.i32_const, 3, op.i64_const, ...s64(-4), op.f64_const, ...f64(0.5), op.local_get, 0, op.call, s,
  ], { export: "f" });
  let seen;
  const e = b.instantiate({ m: { s: new WebAssembly.Suspending(function (a, b, c, d) { seen = [this, a, b, c, d]; return 1; }) } }).exports;
  const o = {};
  assertEq(await WebAssembly.promising(e.f)(o), 1);
  assertEq(seen[0], undefined);
  assertArrayEq(seen.slice(1), [3, -4n, 0.5, o]);
});
