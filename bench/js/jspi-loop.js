// The cost of an import call through JS, and of a JSPI suspension: a wasm
// loop calls an import K times, the same in wasm-ref js and in V8.
// Runs in `wasm-ref js` and in V8 with spec-tests/js/lib/builder.js as a
// prelude; `cargo bench --bench jspi` runs it in both and prints the tables
// side by side. Prints one line per variant: `RESULT name ns`.
// With `globalThis.MEMORY_PAGES` set, the module has a memory of that many
// pages whose `buffer` JS holds (as programs built with Emscripten do), and
// only the plain import is measured: the JS API makes the buffer the
// memory's own bytes, so its size should not matter.
"use strict";

globalThis.testsDone = (async () => {
  const K = globalThis.BENCH_CALLS || 200000;
  const REPS = globalThis.BENCH_REPS || 15;
  const b = new WasmBuilder();
  const add = b.importFunc("env", "add", [T.i32, T.i32], [T.i32]);
  const pages = globalThis.MEMORY_PAGES;
  if (pages !== undefined) b.memory(pages, pages, "mem");
  // loop(k): acc = 0; k times acc = add(acc, 1); acc
  b.func([T.i32], [T.i32], [
    op.block, BLOCK_EMPTY, op.loop, BLOCK_EMPTY,
    op.local_get, 0, op.i32_eqz, op.br_if, 1,
    op.local_get, 1, op.i32_const, 1, op.call, add, op.local_set, 1,
    op.local_get, 0, op.i32_const, 1, op.i32_sub, op.local_set, 0,
    op.br, 0, op.end, op.end, op.local_get, 1,
  ], { export: "loop", locals: [T.i32] });
  const m = b.toModule();
  const held = [];
  const inst = (f) => {
    const e = new WebAssembly.Instance(m, { env: { add: f } }).exports;
    if (e.mem && held.length === 0) held.push(e.mem.buffer); // the measured one's
    return e.loop;
  };
  const variants = [
    ["plain JS import, direct call", inst((x, y) => x + y), false],
    ["plain JS import, via promising", WebAssembly.promising(inst((x, y) => x + y)), true],
    ["Suspending(() => Promise.resolve(x + y))", WebAssembly.promising(inst(new WebAssembly.Suspending((x, y) => Promise.resolve(x + y)))), true],
    ["Suspending(() => x + y), non-promise", WebAssembly.promising(inst(new WebAssembly.Suspending((x, y) => x + y))), true],
    ["Suspending(async () => x + y)", WebAssembly.promising(inst(new WebAssembly.Suspending(async (x, y) => x + y))), true],
    // The same loop in JS alone, awaiting Promise.resolve(x + y): what the
    // JS engine's promise machinery costs for one suspension's worth of
    // PromiseResolve and Await.
    ["JS only: await Promise.resolve(x + y)", async (k) => {
      let acc = 0;
      for (; k > 0; k--) acc = await Promise.resolve(acc + 1);
      return acc;
    }, true],
  ].slice(0, pages === undefined ? undefined : 1);
  const times = variants.map(() => []);
  for (const [, f, isAsync] of variants) {
    if (isAsync) await f(1000); else f(1000); // warm-up
  }
  // Round robin, so that drift in the machine's load hits every variant.
  for (let r = 0; r < REPS; r++) {
    for (let i = 0; i < variants.length; i++) {
      const [name, f, isAsync] = variants[i];
      const t0 = performance.now();
      const v = isAsync ? await f(K) : f(K);
      times[i].push(performance.now() - t0);
      if (v !== K) throw new Error(name + ": got " + v);
    }
  }
  if (held.some((buffer) => buffer.byteLength !== pages * 65536)) throw new Error("a buffer was detached");
  for (let i = 0; i < variants.length; i++) {
    const t = times[i].sort((a, b) => a - b);
    console.log("RESULT " + variants[i][0] + " " + (t[t.length >> 1] * 1e6 / K).toFixed(1));
  }
})();
