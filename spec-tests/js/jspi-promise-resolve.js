// The PromiseResolve and Await steps of a Suspending import, seen from
// JS: `constructor` reads, thenables, subclasses, and legacy try/catch
// around a suspending call (proposal-notes/jspi.md a.4 steps 8-9, a.5).
"use strict";

function make(fn) {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [], [T.i32]);
  b.func([], [T.i32], [op.call, s], { export: "f" });
  return WebAssembly.promising(b.instantiate({ m: { s: new WebAssembly.Suspending(fn) } }).exports.f);
}

async function ticks(p, n = 6) {
  const order = [];
  const done = p.then((v) => order.push("done:" + v), (e) => order.push("error:" + e));
  let chain = Promise.resolve();
  for (let i = 1; i <= n; i++) chain = chain.then(() => order.push("t" + i));
  await Promise.all([done, chain]);
  return order.join(" ");
}

promiseTest("a native promise's constructor is read twice (PromiseResolve, then Await)", async () => {
  let gets = 0;
  const p = Promise.resolve(5);
  Object.defineProperty(p, "constructor", { get() { gets++; return Promise; } });
  const f = make(() => p);
  assertEq(await f(), 5);
  assertEq(gets, 2);
});

promiseTest("a throwing constructor getter is thrown into wasm without suspending", async () => {
  const p = Promise.resolve(5);
  Object.defineProperty(p, "constructor", { get() { throw 9; } });
  const f = make(() => p);
  // Rejected before the call returns: its reaction runs before t1.
  assertEq(await ticks(f()), "error:9 t1 t2 t3 t4 t5 t6");
});

promiseTest("a thenable's then is read synchronously, and called in a job", async () => {
  const order = [];
  const thenable = {};
  Object.defineProperty(thenable, "then", {
    get() {
      order.push("get then");
      return (resolve) => { order.push("call then"); resolve(8); };
    },
  });
  const f = make(() => thenable);
  const r = f();
  order.push("after call");
  assertEq(await r, 8);
  assertArrayEq(order, ["get then", "after call", "call then"]);
});

promiseTest("a throwing then getter rejects at the call site after a tick", async () => {
  const thenable = {};
  Object.defineProperty(thenable, "then", { get() { throw new RangeError("then"); } });
  const f = make(() => thenable);
  await assertRejects(RangeError, f());
});

promiseTest("tick order: a settled Promise subclass counts as a thenable", async () => {
  class MyPromise extends Promise {}
  const f = make(() => MyPromise.resolve(4));
  assertEq(await ticks(f()), "t1 t2 t3 done:4 t4 t5 t6");
});

promiseTest("tick order: a rejected promise", async () => {
  const f = make(() => Promise.reject(3));
  assertEq(await ticks(f()), "t1 error:3 t2 t3 t4 t5 t6");
});

promiseTest("tick order: a pending promise, fulfilled or rejected a tick later", async () => {
  // The promise settles in the first microtask; the call resumes in the
  // reaction job that this queues, behind t1.
  for (const [settleWith, expect] of [["fulfill", "t1 t2 done:7 t3 t4 t5 t6"], ["reject", "t1 t2 error:8 t3 t4 t5 t6"]]) {
    let settle;
    const f = make(() => new Promise((res, rej) => { settle = settleWith === "fulfill" ? () => res(7) : () => rej(8); }));
    const r = f();
    Promise.resolve().then(() => settle());
    assertEq(await ticks(r), expect);
  }
});

promiseTest("legacy try/catch with the JS tag catches a rejection", async () => {
  const b = new WasmBuilder();
  const jsTag = b.importTag("m", "jstag", [T.externref]);
  const s = b.importFunc("m", "s", [], [T.i32]);
  // try (result i32) call s catch $jstag drop i32.const 77 end
  b.func([], [T.i32], [
    op.try, T.i32,
    op.call, s,
    op.catch, jsTag,
    op.drop, op.i32_const, ...s32(77),
    op.end,
  ], { export: "f" });
  const e = b.instantiate({ m: { jstag: WebAssembly.JSTag, s: new WebAssembly.Suspending(() => Promise.reject(new Error("x"))) } }).exports;
  assertEq(await WebAssembly.promising(e.f)(), 77);
});

promiseTest("legacy catch_all catches a SuspendError of a direct call", async () => {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [], [T.i32]);
  b.func([], [T.i32], [
    op.try, T.i32,
    op.call, s,
    op.catch_all,
    op.i32_const, ...s32(66),
    op.end,
  ], { export: "f" });
  const e = b.instantiate({ m: { s: new WebAssembly.Suspending(() => 1) } }).exports;
  assertEq(e.f(), 66);
});

promiseTest("Await reads Promise.prototype.constructor once and never @@species", async () => {
  // Await is PromiseResolve then PerformPromiseThen: the promise's
  // `constructor` is read once (here through an accessor on the
  // prototype), `%Promise%[@@species]` never (that is `then`'s
  // SpeciesConstructor), and the microtasks are those of an untouched realm.
  const baseline = await ticks(make(() => 5)());
  // Runs `run` with `target[key]` redefined by `descriptor`, then puts the
  // realm's own property back; answers what `run` answered.
  function withProperty(target, key, descriptor, run) {
    const original = Object.getOwnPropertyDescriptor(target, key);
    Object.defineProperty(target, key, { ...descriptor, configurable: true });
    try {
      return run();
    } finally {
      Object.defineProperty(target, key, original);
    }
  }
  let ctorGets = 0;
  let speciesGets = 0;
  let during;
  let p = withProperty(Promise.prototype, "constructor",
    { get() { ctorGets++; return Promise; } },
    () => { const q = make(() => 5)(); during = ctorGets; return q; });
  assertEq(during, 1);
  assertEq(await ticks(p), baseline);
  p = withProperty(Promise, Symbol.species,
    { get() { speciesGets++; return this; } },
    () => { const q = make(() => Promise.resolve(5))(); during = speciesGets; return q; });
  assertEq(during, 0);
  assertEq(await ticks(p), baseline);
  // A `constructor` that answers another constructor: Await's
  // PromiseResolve then wraps the promise in a new %Promise% and never
  // makes an `Other` while the call runs (a `then` would, through
  // SpeciesConstructor).
  let made = 0;
  class Other extends Promise {
    constructor(executor) { made++; super(executor); }
  }
  p = withProperty(Promise.prototype, "constructor",
    { get() { return Other; } },
    () => { const q = make(() => 5)(); during = made; return q; });
  assertEq(during, 0);
  assertEq(await p, 5);
});
