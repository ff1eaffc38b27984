// Shared memories in the JS API (threads proposal, JS API "Memories": the
// `shared` descriptor member, a SharedArrayBuffer that growing does not
// detach). One agent only: no worker shares the buffer here. A page that is
// not cross-origin isolated (V8 in compare-v8.sh) has no global
// `SharedArrayBuffer`, so the class is recognised by its tag.
"use strict";

function isShared(b) {
  return Object.prototype.toString.call(b) === "[object SharedArrayBuffer]";
}

// i32.atomic.rmw.add (0xFE 0x1E) with alignment 2, offset 0.
const ATOMIC_ADD = [0xfe, 0x1e, 2, 0];
// i32.atomic.load (0xFE 0x10).
const ATOMIC_LOAD = [0xfe, 0x10, 2, 0];

test("a shared memory needs a maximum", () => {
  assertThrows(TypeError, () => new WebAssembly.Memory({ initial: 1, shared: true }));
  assertThrows(RangeError, () => new WebAssembly.Memory({ initial: 2, maximum: 1, shared: true }),
    "the limits are checked first");
  const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  assertEq(m.buffer.byteLength, 65536);
});

test("the buffer is a frozen SharedArrayBuffer", () => {
  const m = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
  const b = m.buffer;
  assertTrue(isShared(b));
  assertTrue(!(b instanceof ArrayBuffer));
  assertTrue(Object.isFrozen(b));
  assertEq(m.buffer, b, "the same buffer until the memory grows");
  const plain = new WebAssembly.Memory({ initial: 1, shared: false });
  assertTrue(plain.buffer instanceof ArrayBuffer, "shared: false is an unshared memory");
});

test("growing does not detach the buffer", () => {
  const m = new WebAssembly.Memory({ initial: 1, maximum: 3, shared: true });
  const old = m.buffer;
  new Uint8Array(old)[5] = 42;
  assertEq(m.grow(1), 1);
  assertEq(old.byteLength, 65536, "the old buffer keeps its length");
  const now = m.buffer;
  assertTrue(now !== old, "a new buffer of the new length");
  assertEq(now.byteLength, 2 * 65536);
  assertEq(new Uint8Array(now)[5], 42, "contents kept");
  new Uint8Array(old)[6] = 7;
  assertEq(m.grow(0), 2);
  assertEq(new Uint8Array(m.buffer)[6], 7, "a write through the old buffer reaches the memory");
  assertThrows(RangeError, () => m.grow(2), "past the maximum");
});

test("a shared memory through exports", () => {
  const b = new WasmBuilder();
  b.sharedMemory(1, 2, "mem");
  b.func([T.i32, T.i32], [T.i32], [op.local_get, 0, op.local_get, 1, ATOMIC_ADD], { export: "add" });
  b.func([T.i32], [T.i32], [op.local_get, 0, op.memory_grow, 0], { export: "grow" });
  const e = b.instantiate().exports;
  const before = e.mem.buffer;
  assertTrue(isShared(before));
  const view = new Int32Array(before);
  view[1] = 40;
  assertEq(e.add(4, 2), 40, "the old value");
  assertEq(view[1], 42, "wasm's write is seen by JS");
  assertEq(Atomics.add(view, 1, 1), 42, "Atomics work on the buffer");
  assertEq(e.add(4, 0), 43, "and wasm sees their write");
  assertEq(e.grow(1), 1);
  assertEq(before.byteLength, 65536, "memory.grow in wasm detaches nothing");
  assertEq(e.mem.buffer.byteLength, 2 * 65536);
  assertEq(new Int32Array(e.mem.buffer)[1], 43);
  e.add(8, 5);
  assertEq(view[2], 5, "the old buffer still aliases the memory's first bytes");
});

test("a shared memory through imports", () => {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
  const b = new WasmBuilder();
  b.importSharedMemory("m", "mem", 1, 4);
  b.func([T.i32], [T.i32], [op.local_get, 0, ATOMIC_LOAD], { export: "load" });
  b.export("mem", "memory", 0);
  const e = b.instantiate({ m: { mem: memory } }).exports;
  assertEq(e.mem, memory, "the Memory object itself is exported");
  new Int32Array(memory.buffer)[3] = 1234;
  assertEq(e.load(12), 1234);

  const unshared = new WebAssembly.Memory({ initial: 1, maximum: 4 });
  assertThrows(WebAssembly.LinkError, () => b.instantiate({ m: { mem: unshared } }),
    "an unshared memory for a shared import");
  const u = new WasmBuilder();
  u.importMemory("m", "mem", 1, 4);
  assertThrows(WebAssembly.LinkError, () => u.instantiate({ m: { mem: memory } }),
    "a shared memory for an unshared import");
});
