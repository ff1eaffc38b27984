// Many promising calls in flight at once, settled out of order
// (proposal-notes/jspi.md a.3, "Concurrency and re-entrancy").
"use strict";

function module(fn) {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [T.i32], [T.i32]);
  // f(x, n): n times, x = s(x); then x.
  b.func([T.i32, T.i32], [T.i32], [
    op.block, BLOCK_EMPTY, op.loop, BLOCK_EMPTY,
    op.local_get, 1, op.i32_eqz, op.br_if, 1,
    op.local_get, 0, op.call, s, op.local_set, 0,
    op.local_get, 1, op.i32_const, 1, op.i32_sub, op.local_set, 1,
    op.br, 0,
    op.end, op.end,
    op.local_get, 0,
  ], { export: "f" });
  return WebAssembly.promising(b.instantiate({ m: { s: new WebAssembly.Suspending(fn) } }).exports.f);
}

promiseTest("calls resolved in reverse order finish in reverse order", async () => {
  const pending = [];
  const f = module((x) => new Promise((r) => pending.push(() => r(x + 1))));
  const order = [];
  const calls = [];
  for (let i = 0; i < 10; i++) calls.push(f(i * 100, 1).then((v) => { order.push(v); return v; }));
  for (let i = pending.length - 1; i >= 0; i--) pending[i]();
  const results = await Promise.all(calls);
  assertArrayEq(results, [1, 101, 201, 301, 401, 501, 601, 701, 801, 901]);
  assertArrayEq(order, [901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
});

promiseTest("many calls, each suspending several times, settled in a shuffled order", async () => {
  const pending = [];
  const f = module((x) => new Promise((r) => pending.push(() => r(x * 2 + 1))));
  const n = 200;
  const calls = [];
  for (let i = 0; i < n; i++) calls.push(f(i, 1 + (i % 4)));
  // A deterministic shuffle: settle whatever is pending in a scrambled
  // order until every call is done.
  let seed = 12345;
  let finished = false;
  const all = Promise.all(calls).then((v) => { finished = true; return v; });
  while (!finished) {
    while (pending.length) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const k = seed % pending.length;
      pending.splice(k, 1)[0]();
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  const results = await all;
  for (let i = 0; i < n; i++) {
    let x = i;
    for (let j = 0; j < 1 + (i % 4); j++) x = x * 2 + 1;
    assertEq(results[i], x, "call " + i);
  }
});
