// Nesting, re-entrancy and wasm-to-wasm paths to a Suspending import
// (proposal-notes/jspi.md a.8).
"use strict";

function suspendingModule(fn) {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [], [T.i32]);
  b.func([], [T.i32], [op.call, s, op.i32_const, 1, op.i32_add], { export: "f" });
  b.export("s", "func", s);
  return b.instantiate({ m: { s: new WebAssembly.Suspending(fn) } }).exports;
}

promiseTest("nested promising through a Suspending import", async () => {
  const order = [];
  const inner = suspendingModule(() => { order.push("inner import"); return Promise.resolve(10); });
  const outer = suspendingModule(() => {
    order.push("outer import");
    return WebAssembly.promising(inner.f)().then((v) => { order.push("inner done"); return v; });
  });
  assertEq(await WebAssembly.promising(outer.f)(), 12);
  assertArrayEq(order, ["outer import", "inner import", "inner done"]);
});

promiseTest("recursive promising inside an async Suspending function", async () => {
  // f(n) = n == 0 ? 0 : n + f(n - 1), each level through promising.
  const b = new WasmBuilder();
  const s = b.importFunc("m", "rec", [T.i32], [T.i32]);
  b.func([T.i32], [T.i32], [op.local_get, 0, op.call, s], { export: "f" });
  let f;
  const e = b.instantiate({ m: { rec: new WebAssembly.Suspending(async (n) => (n === 0 ? 0 : n + await f(n - 1))) } }).exports;
  f = WebAssembly.promising(e.f);
  assertEq(await f(5), 15);
});

promiseTest("two modules chained wasm to wasm", async () => {
  const first = suspendingModule(() => Promise.resolve(1));
  const b = new WasmBuilder();
  const g = b.importFunc("m", "f", [], [T.i32]);
  b.func([], [T.i32], [op.call, g, op.i32_const, 1, op.i32_add], { export: "h" });
  const second = b.instantiate({ m: { f: first.f } }).exports;
  assertEq(await WebAssembly.promising(second.h)(), 3);
});

promiseTest("a re-exported Suspending import imported by another module", async () => {
  const first = suspendingModule(() => Promise.resolve(2));
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [], [T.i32]);
  b.func([], [T.i32], [op.call, s], { export: "h" });
  const second = b.instantiate({ m: { s: first.s } }).exports;
  assertEq(await WebAssembly.promising(second.h)(), 2);
  assertThrows(WebAssembly.SuspendError, () => second.h());
});

promiseTest("call_indirect and return_call to a Suspending import", async () => {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [T.i32], [T.i32]);
  b.table(T.funcref, 1);
  b.elem(0, [s]);
  const ty = b.type([T.i32], [T.i32]);
  b.func([], [T.i32], [op.i32_const, 5, op.i32_const, 0, op.call_indirect, ...u32(ty), 0], { export: "indirect" });
  b.func([], [T.i32], [op.i32_const, 6, op.return_call, s], { export: "tail" });
  b.func([], [T.i32], [op.i32_const, 7, op.i32_const, 0, op.return_call_indirect, ...u32(ty), 0], { export: "tailIndirect" });
  const e = b.instantiate({ m: { s: new WebAssembly.Suspending((x) => Promise.resolve(x * 10)) } }).exports;
  assertEq(await WebAssembly.promising(e.indirect)(), 50);
  assertEq(await WebAssembly.promising(e.tail)(), 60);
  assertEq(await WebAssembly.promising(e.tailIndirect)(), 70);
});

promiseTest("several Suspending calls in one expression suspend in order", async () => {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [T.i32], [T.i32]);
  b.func([], [T.i32], [op.i32_const, 1, op.call, s, op.i32_const, 2, op.call, s, op.i32_sub], { export: "f" });
  const seen = [];
  const e = b.instantiate({ m: { s: new WebAssembly.Suspending((x) => { seen.push(x); return Promise.resolve(x * 100); }) } }).exports;
  assertEq(await WebAssembly.promising(e.f)(), -100);
  assertArrayEq(seen, [1, 2]);
});

promiseTest("a promising call re-entered from a plain import while another is suspended", async () => {
  let resolve;
  const mod = suspendingModule(() => new Promise((r) => { resolve = r; }));
  const f = WebAssembly.promising(mod.f);
  const first = f();
  const firstResolve = resolve;
  const second = f();
  firstResolve(100);
  resolve(200);
  assertArrayEq(await Promise.all([first, second]), [101, 201]);
});

promiseTest("state kept across a suspension: locals and the operand stack", async () => {
  const b = new WasmBuilder();
  const s = b.importFunc("m", "s", [], [T.i32]);
  // (x * 1000) + s() + x, with x a parameter kept on the stack and in a local.
  b.func([T.i32], [T.i32], [
    op.local_get, 0, op.i32_const, ...s32(1000), op.i32_mul,
    op.call, s, op.i32_add,
    op.local_get, 0, op.i32_add,
  ], { export: "f" });
  const e = b.instantiate({ m: { s: new WebAssembly.Suspending(() => Promise.resolve(50)) } }).exports;
  const f = WebAssembly.promising(e.f);
  assertArrayEq(await Promise.all([f(1), f(2), f(3)]), [1051, 2052, 3053]);
});
