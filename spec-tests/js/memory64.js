// Memories and tables with 64-bit addresses from JS (the memory64 JS API:
// `address: "i64"` descriptors, BigInt sizes and indices).
"use strict";

test("an i64 memory takes and gives BigInts", () => {
  const m = new WebAssembly.Memory({ address: "i64", initial: 1n, maximum: 4n });
  assertEq(m.buffer.byteLength, 65536);
  assertEq(m.grow(1n), 1n);
  assertEq(m.grow(0n), 2n);
  assertThrows(TypeError, () => new WebAssembly.Memory({ address: "i64", initial: 1 }), "a Number");
  assertThrows(TypeError, () => m.grow(1), "a Number delta");
  assertThrows(RangeError, () => m.grow(10n), "past the maximum");
  assertThrows(TypeError, () => new WebAssembly.Memory({ address: "i128", initial: 1 }), "an unknown address type");
});

test("an i64 table takes and gives BigInts", () => {
  const t = new WebAssembly.Table({ address: "i64", element: "anyfunc", initial: 2n });
  assertEq(t.length, 2n);
  assertEq(t.get(0n), null);
  assertEq(t.grow(1n), 2n);
  assertEq(t.length, 3n);
  assertThrows(TypeError, () => t.get(0), "a Number index");
  assertThrows(RangeError, () => t.get(3n), "out of bounds");
});

test("an i64 memory imported by a memory64 module", () => {
  const b = new WasmBuilder();
  // (import "m" "mem" (memory i64 1)): limits flag 0x04 marks 64-bit addresses.
  b.imports.push([...wasmName("m"), ...wasmName("mem"), KIND.memory, 0x04, 1]);
  b.counts.memory++;
  // load8_u at an i64 address
  b.func([T.i64], [T.i32], [op.local_get, 0, op.i32_load8_u, 0, 0], { export: "load" });
  const m = new WebAssembly.Memory({ address: "i64", initial: 1n });
  new Uint8Array(m.buffer)[9] = 42;
  const e = b.instantiate({ m: { mem: m } }).exports;
  assertEq(e.load(9n), 42);
  const m32 = new WebAssembly.Memory({ initial: 1 });
  assertThrows(WebAssembly.LinkError, () => b.instantiate({ m: { mem: m32 } }), "an i32 memory");
});
