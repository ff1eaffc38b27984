// Bad arguments everywhere in the API give one of the spec's errors
// (TypeError, RangeError, CompileError, LinkError, RuntimeError,
// SuspendError), never anything else and never a crash: every operation,
// constructor, getter and setter is called with odd receivers and
// arguments, and every outcome is checked.
"use strict";

const allowed = [TypeError, RangeError, WebAssembly.CompileError, WebAssembly.LinkError,
  WebAssembly.RuntimeError, WebAssembly.SuspendError];
const thrower = new Proxy({}, {
  get() { throw new TypeError("proxy get"); },
  has() { throw new TypeError("proxy has"); },
});
const module = new WasmBuilder().toModule();
const values = [
  undefined, null, 0, -1, 2 ** 40, NaN, Infinity, "x", "i32", {}, [], [1, 2], Symbol("s"), 1n,
  thrower, new Uint8Array(8), module, new WebAssembly.Memory({ initial: 0 }),
  { initial: 1 }, { element: "anyfunc", initial: 1 }, { value: "i32" }, { parameters: ["i32"] },
  () => 1, new WebAssembly.Tag({ parameters: [] }),
];

function check(name, outcome) {
  if (outcome.ok) return null;
  const e = outcome.error;
  if (allowed.some((E) => e instanceof E && e.constructor === E)) return null;
  return name + ": " + describeError(e);
}

async function attempt(f) {
  try {
    const r = f();
    if (r instanceof Promise) {
      try {
        await r;
      } catch (e) {
        return { ok: false, error: e };
      }
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e };
  }
}

function argLists() {
  const lists = [[]];
  for (const a of values) lists.push([a]);
  for (const a of values.slice(0, 12)) for (const b of values.slice(0, 12)) lists.push([a, b]);
  return lists;
}

const callables = [];
for (const name of ["validate", "compile", "instantiate", "promising", "compileStreaming", "instantiateStreaming"]) {
  if (typeof WebAssembly[name] === "function") callables.push(["WebAssembly." + name, (args) => WebAssembly[name](...args)]);
}
for (const name of ["Module", "Instance", "Memory", "Table", "Global", "Tag", "Exception", "Suspending"]) {
  const C = WebAssembly[name];
  callables.push(["new WebAssembly." + name, (args) => new C(...args)]);
  for (const s of Object.getOwnPropertyNames(C)) {
    if (typeof C[s] === "function" && !["prototype", "length", "name"].includes(s)) {
      callables.push(["WebAssembly." + name + "." + s, (args) => C[s](...args)]);
    }
  }
}

const instances = {
  Memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
  Table: new WebAssembly.Table({ element: "anyfunc", initial: 1, maximum: 2 }),
  Global: new WebAssembly.Global({ value: "i32", mutable: true }),
  Exception: new WebAssembly.Exception(new WebAssembly.Tag({ parameters: ["i32"] }), [1]),
  Instance: new WebAssembly.Instance(module),
};
for (const [name, instance] of Object.entries(instances)) {
  const proto = WebAssembly[name].prototype;
  for (const key of Object.getOwnPropertyNames(proto)) {
    if (key === "constructor") continue;
    const d = Object.getOwnPropertyDescriptor(proto, key);
    for (const [label, receiver] of [["instance", instance], ["{}", {}], ["undefined", undefined]]) {
      if (typeof d.value === "function") {
        callables.push([name + ".prototype." + key + " on " + label, (args) => d.value.apply(receiver, args)]);
      }
      if (d.get) callables.push(["get " + name + "." + key + " on " + label, () => d.get.call(receiver)]);
      if (d.set) callables.push(["set " + name + "." + key + " on " + label, (args) => d.set.apply(receiver, args)]);
    }
  }
}

promiseTest("every entry point with odd arguments", async () => {
  const problems = [];
  let calls = 0;
  for (const [name, f] of callables) {
    for (const args of argLists()) {
      calls++;
      const p = check(name, await attempt(() => f(args)));
      if (p) problems.push(p);
    }
  }
  if (problems.length) fail(problems.slice(0, 5).join("; "));
  assertTrue(calls > 5000, "many calls made");
});
