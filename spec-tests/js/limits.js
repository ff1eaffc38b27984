// The JS API's implementation limits (JS API §"Implementation-defined
// Limits"): each static limit at its value (the module compiles) and one past
// it (CompileError from validate, new Module and compile), then the dynamic
// ones (RangeError). Modules are made here from repeated byte patterns with
// typed-array copies, not by the builder entry by entry, so that a million
// entries take milliseconds in any engine.
"use strict";

// An unsigned LEB128 (for counts up to 2^53).
function leb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

// `pattern` (an array of bytes) `n` times, by doubling copies.
function repeat(pattern, n) {
  const out = new Uint8Array(pattern.length * n);
  if (n === 0) return out;
  out.set(pattern);
  let filled = pattern.length;
  while (filled < out.length) {
    const len = Math.min(filled, out.length - filled);
    out.copyWithin(filled, 0, len);
    filled += len;
  }
  return out;
}

// The bytes of the parts (arrays or Uint8Arrays), concatenated.
function concat(parts) {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// A section: id, size, a vector count and its entries (`count` undefined for
// a section that is no vector).
function section(id, count, entries) {
  const body = count === undefined ? entries : concat([leb(count), entries]);
  return concat([[id], leb(body.length), body]);
}

function wasmModule(...sections) {
  return concat([[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0], ...sections]);
}

const I32 = 0x7f, FUNCREF = 0x70;
const typeVoid = section(1, 1, [0x60, 0, 0]); // type 0: [] -> []
const oneFunction = [section(3, 1, [0]), section(10, 1, [2, 0, 0x0b])];

// `n` distinct export names of three bytes (base 128: ASCII only), each
// exporting function 0.
function exportEntries(n) {
  const entry = [3, 0, 0, 0, 0, 0]; // name, kind func, index 0
  const out = repeat(entry, n);
  for (let i = 0; i < n; i++) {
    const at = i * entry.length;
    out[at + 1] = i & 127;
    out[at + 2] = (i >> 7) & 127;
    out[at + 3] = i >> 14;
  }
  return out;
}

// Each limit: its value and a module with `n` of the limited thing.
const staticLimits = [
  ["types", 1000000, (n) => wasmModule(section(1, n, repeat([0x60, 1, I32, 1, I32], n)))],
  ["functions", 1000000, (n) => wasmModule(typeVoid, section(3, n, repeat([0], n)),
    section(10, n, repeat([2, 0, 0x0b], n)))],
  ["imports", 1000000, (n) => wasmModule(typeVoid, section(2, n, repeat([0, 0, 0, 0], n)))],
  ["exports", 1000000, (n) => wasmModule(typeVoid, ...oneFunction.slice(0, 1),
    section(7, n, exportEntries(n)), oneFunction[1])],
  ["globals", 1000000, (n) => wasmModule(section(6, n, repeat([I32, 1, 0x41, 0, 0x0b], n)))],
  ["tags", 1000000, (n) => wasmModule(typeVoid, section(13, n, repeat([0, 0], n)))],
  ["data segments", 100000, (n) => wasmModule(section(5, 1, [0, 1]),
    section(11, n, repeat([0, 0x41, 0, 0x0b, 0], n)))],
  ["imported tables", 100000, (n) => wasmModule(section(2, n, repeat([0, 0, 1, FUNCREF, 0, 0], n)))],
  ["memories", 100, (n) => wasmModule(section(2, n, repeat([0, 0, 2, 0, 0], n)))],
  ["function body size", 7654321, (n) => {
    // A body of n bytes: no locals, n - 2 nops, end.
    const body = repeat([0x01], n);
    body[0] = 0;
    body[n - 1] = 0x0b;
    return wasmModule(typeVoid, section(3, 1, [0]), section(10, 1, concat([leb(n), body])));
  }],
  ["function locals", 50000, (n) => {
    const body = [1, ...leb(n), I32, 0x0b];
    return wasmModule(typeVoid, section(3, 1, [0]), section(10, 1, [body.length, ...body]));
  }],
  ["function params and locals", 50000, (n) => {
    // Two parameters, n - 2 locals.
    const body = [1, ...leb(n - 2), I32, 0x00, 0x0b];
    return wasmModule(section(1, 1, [0x60, 2, I32, I32, 1, I32]), section(3, 1, [0]),
      section(10, 1, [body.length, ...body]));
  }],
  ["function params", 1000, (n) => wasmModule(section(1, 1, concat([[0x60], leb(n), repeat([I32], n), [0]])))],
  ["function results", 1000, (n) => wasmModule(section(1, 1, concat([[0x60, 0], leb(n), repeat([I32], n)])))],
  ["initial size of a defined table", 10000000, (n) => wasmModule(section(4, 1, [FUNCREF, 0, ...leb(n)]))],
  ["initial size of an imported table", 10000000, (n) => wasmModule(section(2, 1, [0, 0, 1, FUNCREF, 0, ...leb(n)]))],
  ["pages of a 32-bit memory", 65536, (n) => wasmModule(section(5, 1, [1, 0, ...leb(n)]))],
  ["pages of a 64-bit memory", 2 ** 37 - 1, (n) => wasmModule(section(5, 1, [5, 0, ...leb(n)]))],
  ["recursion groups", 1000000, (n) => wasmModule(section(1, n, repeat([0x4e, 1, 0x60, 0, 0], n)))],
  ["types in a recursion group", 1000000,
    (n) => wasmModule(section(1, 1, concat([[0x4e], leb(n), repeat([0x60, 0, 0], n)])))],
  ["depth of a subtype chain", 63, (n) => {
    // A struct type that is not final, then n subtypes, each of the one
    // before (depth n), in one recursion group.
    const chain = [0x50, 0, 0x5f, 0];
    for (let i = 0; i < n; i++) chain.push(0x50, 1, ...leb(i), 0x5f, 0);
    return wasmModule(section(1, 1, concat([[0x4e], leb(n + 1), chain])));
  }],
  ["fields of a struct", 10000, (n) => wasmModule(section(1, 1, concat([[0x5f], leb(n), repeat([I32, 0], n)])))],
  ["operands of array.new_fixed in a function", 10000, (n) => {
    // (array i32), [] -> []; the body pushes n zeros and makes the array.
    const body = concat([[0], repeat([0x41, 0], n), [0xfb, 8, 0], leb(n), [0x1a, 0x0b]]);
    return wasmModule(section(1, 2, [0x5e, I32, 0, 0x60, 0, 0]), section(3, 1, [1]),
      section(10, 1, concat([leb(body.length), body])));
  }],
  ["operands of array.new_fixed in a constant expression", 10000, (n) => {
    // A global (ref 0) made by array.new_fixed of n zeros.
    const init = concat([repeat([0x41, 0], n), [0xfb, 8, 0], leb(n), [0x0b]]);
    return wasmModule(section(1, 1, [0x5e, I32, 0]), section(6, 1, concat([[0x64, 0, 0], init])));
  }],
];

for (const [what, limit, make] of staticLimits) {
  // At the limit only `validate`, which shares its steps with `compile` and
  // `new Module` (JS API "compile a WebAssembly module") and keeps no Module
  // alive: the engine's collector does not see a Module's size.
  test(`${what}, ${limit} is valid and ${limit + 1} a CompileError`, () => {
    assertTrue(WebAssembly.validate(make(limit)), "validate at the limit");
    const over = make(limit + 1);
    assertEq(WebAssembly.validate(over), false, "validate past the limit");
    assertThrows(WebAssembly.CompileError, () => new WebAssembly.Module(over));
  });
  promiseTest(`${what}, WebAssembly.compile past the limit rejects with CompileError`, async () => {
    await assertRejects(WebAssembly.CompileError, WebAssembly.compile(make(limit + 1)));
  });
}

// Past the limit only: at the limit these modules take hundreds of MB to
// hold decoded, too much for a test.
test("element segments, 10000001 is a CompileError", () => {
  const n = 10000001;
  const bytes = wasmModule(section(4, 1, [FUNCREF, 0, 1]), section(9, n, repeat([0, 0x41, 0, 0x0b, 0], n)));
  assertEq(WebAssembly.validate(bytes), false);
  assertThrows(WebAssembly.CompileError, () => new WebAssembly.Module(bytes));
});

test("entries of an element segment, 10000001 is a CompileError", () => {
  const n = 10000001;
  const bytes = wasmModule(typeVoid, section(3, 1, [0]), section(4, 1, [FUNCREF, 0, 1]),
    section(9, 1, concat([[0, 0x41, 0, 0x0b], leb(n), repeat([0], n)])), section(10, 1, [2, 0, 0x0b]));
  assertEq(WebAssembly.validate(bytes), false);
});

test("a table's maximum may be past the size limit; its size may not", () => {
  const bytes = wasmModule(section(4, 1, [FUNCREF, 1, 1, ...leb(10000001)]));
  assertTrue(WebAssembly.validate(bytes), "a maximum of 10000001");
  new WebAssembly.Instance(new WebAssembly.Module(bytes));
  assertThrows(RangeError, () => new WebAssembly.Table({ element: "anyfunc", initial: 10000001 }));
  const t = new WebAssembly.Table({ element: "anyfunc", initial: 1, maximum: 10000001 });
  assertThrows(RangeError, () => t.grow(10000000), "grow to 10000001");
  assertEq(t.length, 1);
});

test("table.grow past the size limit gives -1 in wasm", () => {
  const b = new WasmBuilder();
  const table = b.importTable("m", "t", T.funcref, 1);
  b.func([T.i32], [T.i32], [op.ref_null, T.funcref, op.local_get, 0, 0xfc, 15, table], { export: "grow" });
  const t = new WebAssembly.Table({ element: "anyfunc", initial: 1 });
  const { grow } = b.instantiate({ m: { t } }).exports;
  assertEq(grow(10000000), -1, "to 10000001");
  assertEq(t.length, 1);
});

test("a 64-bit memory past 262144 pages cannot be made or grown to", () => {
  assertThrows(RangeError, () => new WebAssembly.Memory({ address: "i64", initial: 262145n }));
  const m = new WebAssembly.Memory({ address: "i64", initial: 1n });
  assertThrows(RangeError, () => m.grow(262144n), "to 262145 pages");
  const bytes = wasmModule(section(5, 1, [4, ...leb(262145)]));
  assertTrue(WebAssembly.validate(bytes), "the module is valid");
  assertThrows(RangeError, () => new WebAssembly.Instance(new WebAssembly.Module(bytes)), "instantiation");
});
