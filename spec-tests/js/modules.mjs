// ES modules in wasm-ref js and V8: the module goal (strict, module scope,
// top-level await), relative imports (one module record per file), dynamic
// import, import.meta.url, and the WebAssembly JS API from a module. Prints
// `ok - NAME` or `FAIL - NAME: why` lines, as the other JS tests do.
import { add, evaluations, late } from "./lib/counter.mjs";
import * as again from "./lib/../lib/counter.mjs";

const results = [];
function check(name, ok, why) {
  console.log(ok ? `ok - ${name}` : `FAIL - ${name}: ${why}`);
}

check("a named import", add(2, 3) === 5, `add(2, 3) = ${add(2, 3)}`);
check("one module record per file", again.add === add && evaluations === 1, `evaluations ${evaluations}`);
check("an imported module's top-level await finished first", late === "late", `late = ${late}`);
check("module code is strict", (function () { return this; })() === undefined, "this is not undefined");
check("top-level names are the module's", typeof globalThis.results === "undefined", "results leaked");
// (file: in wasm-ref js, http: where run-js.sh serves the files to V8)
check("import.meta.url names this file", /^(file|http):\/\//.test(import.meta.url) &&
  import.meta.url.endsWith("/spec-tests/js/modules.mjs"), import.meta.url);

const value = await new Promise((resolve) => setTimeout(() => resolve(42), 5));
check("top-level await of a timer", value === 42, `got ${value}`);

const dynamic = await import("./lib/counter.mjs");
check("dynamic import gives the same module", dynamic.add === add, "a second record");

let bare;
try {
  await import("no-such-package");
} catch (e) {
  bare = e;
}
check("a bare specifier is a TypeError", bare instanceof TypeError, `got ${bare}`);

// The smallest module exporting `answer: [] -> [i32]` returning 42.
const bytes = new Uint8Array([
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  1, 5, 1, 0x60, 0, 1, 0x7f,
  3, 2, 1, 0,
  7, 10, 1, 6, 0x61, 0x6e, 0x73, 0x77, 0x65, 0x72, 0, 0,
  10, 6, 1, 4, 0, 0x41, 42, 0x0b,
]);
const { instance } = await WebAssembly.instantiate(bytes);
check("WebAssembly from a module, awaited at top level", instance.exports.answer() === 42, "not 42");
