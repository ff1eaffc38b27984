// JSPI's API shape and argument checks (proposal-notes/jspi.md a.1, a.2, a.6).
"use strict";

function exportedFunction() {
  const b = new WasmBuilder();
  b.func([T.i32, T.i32], [T.i32], [op.local_get, 0], { export: "f" });
  return b.instantiate().exports.f;
}

test("Suspending interface", () => {
  const S = WebAssembly.Suspending;
  assertProps(WebAssembly, "Suspending", { writable: true, enumerable: false, configurable: true });
  assertEq(typeof S, "function");
  assertEq(S.length, 1);
  assertEq(S.name, "Suspending");
  assertThrows(TypeError, () => S(() => 1), "without new");
  const tag = Object.getOwnPropertyDescriptor(S.prototype, Symbol.toStringTag);
  assertEq(tag.value, "WebAssembly.Suspending");
  assertEq(tag.enumerable, false);
  const s = new S(() => 1);
  assertEq(typeof s, "object", "not callable");
  assertEq(Object.getPrototypeOf(s), S.prototype);
  assertEq(Object.prototype.toString.call(s), "[object WebAssembly.Suspending]");
  assertArrayEq(Reflect.ownKeys(s), [], "no own properties");
});

test("Suspending accepts any callable", () => {
  new WebAssembly.Suspending(function () {});
  new WebAssembly.Suspending(async () => 1);
  new WebAssembly.Suspending(new Proxy(() => 1, {}));
  new WebAssembly.Suspending(class {});
  for (const bad of [undefined, null, 1, "f", {}, Symbol()]) {
    assertThrows(TypeError, () => new WebAssembly.Suspending(bad));
  }
});

test("Suspending accepts an Exported Function", () => {
  // The spec only asks for a callable (proposal-notes/jspi.md a.1 step 2).
  new WebAssembly.Suspending(exportedFunction());
});

test("promising operation", () => {
  assertProps(WebAssembly, "promising", { writable: true, enumerable: true, configurable: true });
  assertEq(typeof WebAssembly.promising, "function");
  assertEq(WebAssembly.promising.length, 1);
  assertEq(WebAssembly.promising.name, "promising");
  assertThrows(TypeError, () => new WebAssembly.promising(exportedFunction()), "not a constructor");
});

test("promising argument checks", () => {
  for (const bad of [undefined, null, 1, {}, "f"]) {
    assertThrows(TypeError, () => WebAssembly.promising(bad), "not callable: " + show(bad));
  }
  assertThrows(TypeError, () => WebAssembly.promising(() => 1), "a JS function");
  const f = exportedFunction();
  assertThrows(TypeError, () => WebAssembly.promising(f.bind(null)), "a bound Exported Function");
  assertThrows(TypeError, () => WebAssembly.promising(new Proxy(f, {})), "a Proxy of one");
});

test("promising accepts functions from tables and re-exports", () => {
  const b = new WasmBuilder();
  const imp = b.importFunc("m", "js", [], []);
  b.export("js", "func", imp);
  b.table(T.funcref, 1, undefined, "t");
  b.func([], [], [], { export: "f" });
  b.elem(0, [1]);
  const e = b.instantiate({ m: { js() {} } }).exports;
  assertEq(typeof WebAssembly.promising(e.t.get(0)), "function");
  assertEq(typeof WebAssembly.promising(e.js), "function");
});

test("the promising wrapper is a new built-in function", () => {
  const f = exportedFunction();
  const p = WebAssembly.promising(f);
  assertEq(typeof p, "function");
  assertEq(p.length, 1, "length 1");
  assertEq(p.name, "", "name is empty");
  assertTrue(WebAssembly.promising(f) !== p, "not cached");
  assertThrows(TypeError, () => new p(), "not a constructor");
  assertEq(Object.getPrototypeOf(p), Function.prototype);
});

test("promising of a promising wrapper is a TypeError", () => {
  const p = WebAssembly.promising(exportedFunction());
  assertThrows(TypeError, () => WebAssembly.promising(p));
});

test("SuspendError class", () => {
  const E = WebAssembly.SuspendError;
  assertProps(WebAssembly, "SuspendError", { writable: true, enumerable: false, configurable: true });
  assertEq(E.length, 1);
  assertEq(E.name, "SuspendError");
  assertEq(Object.getPrototypeOf(E), Error);
  assertEq(Object.getPrototypeOf(E.prototype), Error.prototype);
  assertProps(E.prototype, "name", { value: "SuspendError", enumerable: false });
  assertProps(E.prototype, "message", { value: "", enumerable: false });
  assertEq(Object.getOwnPropertyDescriptor(E.prototype, Symbol.toStringTag), undefined);
  const e = E("m", { cause: 1 });
  assertTrue(e instanceof E);
  assertEq(e.cause, 1);
  assertEq(String(new E("x")), "SuspendError: x");
  assertEq(Object.prototype.toString.call(e), "[object Error]");
});

test("a Suspending object cannot go where other imports go", () => {
  const s = new WebAssembly.Suspending(() => 1);
  const mk = (add) => { const b = new WasmBuilder(); add(b); return b.toModule(); };
  assertThrows(WebAssembly.LinkError, () => new WebAssembly.Instance(mk((b) => b.importGlobal("m", "x", T.i32, false)), { m: { x: s } }));
  assertThrows(WebAssembly.LinkError, () => new WebAssembly.Instance(mk((b) => b.importMemory("m", "x", 1)), { m: { x: s } }));
  assertThrows(TypeError, () => new WebAssembly.Table({ element: "anyfunc", initial: 1 }).set(0, s));
});

test("one Suspending object serves imports of different types", () => {
  const s = new WebAssembly.Suspending(() => 1);
  const b = new WasmBuilder();
  b.importFunc("m", "a", [], [T.i32]);
  b.importFunc("m", "b", [T.f64], []);
  b.instantiate({ m: { a: s, b: s } });
});
