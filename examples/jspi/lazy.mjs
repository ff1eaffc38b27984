// The lazy-loading demo of V8's "Introducing the WebAssembly JavaScript Promise Integration API": the main
// module calls get42() twice; the first call goes through a stub whose
// Suspending import fetches and instantiates p42.wasm (sharing the memory)
// and installs provide42 in the table; the second call goes straight to it.
//   wasm-ref js examples/jspi/lazy.mjs
// Prints: loading promise42 / first call p42() = 42 / second call = 42
// An ES module with top-level await; runs unchanged in a browser too.
const memory = new WebAssembly.Memory({ initial: 1 });
const table = new WebAssembly.Table({ element: "anyfunc", initial: 2 });
// Emscripten's addFunction: put a function in a free slot of the table.
const addFunction = (f) => table.grow(1, f);
const resolveFun = new WebAssembly.Suspending(async () => {
  console.log("loading promise42");
  const loaded = (await WebAssembly.instantiateStreaming(fetch("p42.wasm"), { env: { memory } })).instance;
  return addFunction(loaded.exports.provide42);
});
const printResult = (which, value) =>
  console.log(which === 1 ? `first call p42() = ${value}` : `second call = ${value}`);
const { instance } = await WebAssembly.instantiateStreaming(fetch("lazy.wasm"), {
  env: { memory, __indirect_function_table: table, resolveFun, printResult },
});
await WebAssembly.promising(instance.exports.main)();
