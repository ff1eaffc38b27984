// 100,000 promising calls suspended at once, then settled in a shuffled
// order: every result must be right. `cargo bench --bench jspi` reports
// the peak memory of this run. Prints `SUSPENDED n`, then `OK n`.
"use strict";

globalThis.testsDone = (async () => {
  const N = globalThis.MANY_CALLS || 100000;
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [T.i32], [T.i32]);
  // f(x) = s(x) + x
  b.func([T.i32], [T.i32], [op.local_get, 0, op.call, s, op.local_get, 0, op.i32_add], { export: "f" });
  const pending = [];
  const susp = new WebAssembly.Suspending((x) => new Promise((resolve) => pending.push([x, resolve])));
  const f = WebAssembly.promising(b.instantiate({ m: { s: susp } }).exports.f);
  const results = new Array(N);
  let done = 0;
  for (let i = 0; i < N; i++) f(i).then((v) => { results[i] = v; done++; });
  console.log("SUSPENDED " + pending.length);
  let seed = 42;
  for (let i = pending.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [pending[i], pending[j]] = [pending[j], pending[i]];
  }
  for (const [x, resolve] of pending) resolve(2 * x);
  await new Promise((r) => setTimeout(r, 0));
  for (let i = 0; i < N; i++) {
    if (results[i] !== 3 * i) throw new Error("call " + i + " gave " + results[i]);
  }
  console.log("OK " + done);
})();
