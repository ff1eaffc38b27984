// The badfib demo of V8's "Introducing the WebAssembly JavaScript Promise Integration API": fib(n) three
// ways, printing the average time per computation in microseconds: with a
// pure wasm add, with a JS import, and with a Suspending import returning
// Promise.resolve(x + y).
//   wasm-ref js examples/jspi/badfib.mjs
// An ES module with top-level await: it runs unchanged in a browser too
// (V8: spec-tests/tools/run-js.sh examples/jspi/badfib.mjs), fetching
// badfib.wasm next to it.
const jsAdd = (x, y) => x + y;
const promiseAdd = new WebAssembly.Suspending((x, y) => Promise.resolve(x + y));
const { instance } = await WebAssembly.instantiateStreaming(fetch("badfib.wasm"), {
  env: { jsAdd, promiseAdd },
});
const { localFib, jsFib } = instance.exports;
const promiseFib = WebAssembly.promising(instance.exports.promiseFib);

// The average time of `reps` runs of f(n), in whole microseconds.
async function time(f, n, reps) {
  let result;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) result = await f(n);
  const us = Math.round((performance.now() - t0) * 1000 / reps);
  return [result, us];
}

const N = globalThis.BADFIB_MAX ?? 15;
for (let n = 0; n <= N; n++) {
  const reps = n < 10 ? 20 : 3;
  const [a, local] = await time(localFib, n, reps);
  const [b, js] = await time(jsFib, n, reps);
  const [c, promise] = await time(promiseFib, n, reps);
  if (a !== b || b !== c) throw new Error(`fib(${n}) disagrees: ${a} ${b} ${c}`);
  console.log(`fib(${n}) = ${a}: ${local}μs ${js}μs ${promise}μs`);
}
