// The compile options of the JS String Builtins in the streaming functions
// (WebAssembly Web API `compileStreaming(source, options)` and
// `instantiateStreaming(source, importObject, options)`, which take the JS
// API's `WebAssemblyCompileOptions`), with lib/strings.wasm (from
// lib/strings.wat): two builtins and a string constant. Prints `ok - NAME`
// or `FAIL - NAME: why` lines, as the other JS tests do.
// Relative to this file (wasm-ref js fetches relative to the first file's
// folder; run-js.sh's page has that folder as its base URL).
const url = "lib/strings.wasm";
const options = { builtins: ["js-string"], importedStringConstants: "str" };

function check(name, ok, why) {
  console.log(ok ? `ok - ${name}` : `FAIL - ${name}: ${why}`);
}
async function rejection(p) {
  try {
    await p;
    return "fulfilled";
  } catch (e) {
    return e;
  }
}

{
  const m = await WebAssembly.compileStreaming(fetch(url), options);
  const imports = WebAssembly.Module.imports(m);
  check("compileStreaming takes the options", imports.length === 0, JSON.stringify(imports));
  const e = new WebAssembly.Instance(m, {}).exports;
  check("its module uses the builtins and the constant", e.greet("world") === "hello, world" &&
    e.size("four") === 4, `${e.greet("world")} ${e.size("four")}`);
}

{
  const { module, instance } = await WebAssembly.instantiateStreaming(fetch(url), {}, options);
  check("instantiateStreaming takes the options as its third argument",
    WebAssembly.Module.imports(module).length === 0 && instance.exports.greet("you") === "hello, you",
    JSON.stringify(WebAssembly.Module.imports(module)));
}

{
  const m = await WebAssembly.compileStreaming(fetch(url));
  const names = WebAssembly.Module.imports(m).map((i) => `${i.module} ${i.name}`).join(", ");
  check("without options the imports are ordinary ones", names ===
    "wasm:js-string concat, wasm:js-string length, str hello, ", names);
  const e = await rejection(WebAssembly.instantiateStreaming(fetch(url), {}));
  check("and instantiateStreaming without them needs them in the import object", e instanceof TypeError,
    String(e));
}

{
  // A builtin of another type: a CompileError (validate builtins and
  // imported string for a WebAssembly module).
  const e = await rejection(WebAssembly.compileStreaming(fetch(url), { importedStringConstants: "wasm:js-string" }));
  check("compileStreaming refuses imports that do not fit the options with CompileError",
    e instanceof WebAssembly.CompileError, String(e));
}

{
  const thrown = new RangeError("options");
  const e = await rejection(WebAssembly.instantiateStreaming(fetch(url), {}, {
    get builtins() { throw thrown; },
  }));
  check("what reading the options throws rejects the promise", e === thrown, String(e));
}
