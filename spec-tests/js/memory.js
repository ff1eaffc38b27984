// Memories (JS API §"Memories").
"use strict";

test("constructor arguments", () => {
  assertThrows(TypeError, () => new WebAssembly.Memory(), "no descriptor: 'initial' is required");
  assertThrows(TypeError, () => new WebAssembly.Memory({}), "no initial");
  assertThrows(TypeError, () => new WebAssembly.Memory(1), "not an object");
  assertThrows(TypeError, () => new WebAssembly.Memory({ initial: -1 }), "EnforceRange: negative");
  assertThrows(TypeError, () => new WebAssembly.Memory({ initial: NaN }), "EnforceRange: NaN");
  assertThrows(TypeError, () => new WebAssembly.Memory({ initial: Infinity }), "EnforceRange: infinite");
  assertThrows(TypeError, () => new WebAssembly.Memory({ initial: 2 ** 32 }), "EnforceRange: too big");
  assertThrows(RangeError, () => new WebAssembly.Memory({ initial: 2, maximum: 1 }), "maximum below initial");
  assertThrows(RangeError, () => new WebAssembly.Memory({ initial: 65537 }), "more than 65536 pages");
  assertThrows(RangeError, () => new WebAssembly.Memory({ initial: 1, maximum: 65537 }), "maximum above 65536");
  const m = new WebAssembly.Memory({ initial: 1.9, maximum: "3" });
  assertEq(m.buffer.byteLength, 65536, "initial truncated");
});

test("descriptor members are read in order", () => {
  const seen = [];
  const d = {};
  for (const k of ["shared", "maximum", "initial", "address"]) {
    Object.defineProperty(d, k, { get() { seen.push(k); return k === "initial" ? 1 : undefined; } });
  }
  new WebAssembly.Memory(d);
  assertArrayEq(seen.filter((k) => k !== "address"), ["initial", "maximum", "shared"]);
});

test("buffer", () => {
  const m = new WebAssembly.Memory({ initial: 2 });
  const b = m.buffer;
  assertTrue(b instanceof ArrayBuffer);
  assertEq(b.byteLength, 2 * 65536);
  assertEq(m.buffer, b, "the same buffer until the memory grows");
  assertEq(new Uint8Array(b)[100], 0);
});

test("grow", () => {
  const m = new WebAssembly.Memory({ initial: 1, maximum: 3 });
  const old = m.buffer;
  new Uint8Array(old)[5] = 42;
  assertEq(m.grow(1), 1, "returns the old size");
  assertEq(old.byteLength, 0, "the old buffer is detached");
  const now = m.buffer;
  assertTrue(now !== old);
  assertEq(now.byteLength, 2 * 65536);
  assertEq(new Uint8Array(now)[5], 42, "contents kept");
  assertEq(m.grow(0), 2, "grow by 0");
  assertEq(now.byteLength, 0, "grow(0) detaches too");
  assertThrows(RangeError, () => m.grow(2), "past the maximum");
  assertEq(m.buffer.byteLength, 2 * 65536, "a failed grow changes nothing");
  assertThrows(TypeError, () => m.grow(-1));
  assertThrows(TypeError, () => m.grow());
});

test("wasm and JS see the same bytes", () => {
  const b = new WasmBuilder();
  b.memory(1, 4, "mem");
  b.func([T.i32, T.i32], [], [op.local_get, 0, op.local_get, 1, op.i32_store8, 0, 0], { export: "store" });
  b.func([T.i32], [T.i32], [op.local_get, 0, op.i32_load8_u, 0, 0], { export: "load" });
  b.func([T.i32], [T.i32], [op.local_get, 0, op.memory_grow, 0], { export: "grow" });
  b.data(16, [7, 8, 9]);
  const e = b.instantiate().exports;
  const bytes = new Uint8Array(e.mem.buffer);
  assertArrayEq(Array.from(bytes.subarray(16, 19)), [7, 8, 9], "data segment");
  e.store(3, 99);
  assertEq(bytes[3], 99, "a wasm store is seen by JS");
  bytes[4] = 77;
  assertEq(e.load(4), 77, "a JS store is seen by wasm");
  const before = e.mem.buffer;
  assertEq(e.grow(1), 1);
  assertEq(before.byteLength, 0, "memory.grow in wasm detaches the buffer");
  assertEq(e.mem.buffer.byteLength, 2 * 65536);
  assertEq(new Uint8Array(e.mem.buffer)[3], 99);
});

test("memory.grow in wasm detaches the buffer unless it fails, by 0 pages too", () => {
  // JS API, the "memory.grow" hook: every memory.grow whose result is not
  // -1 refreshes the memory's buffer, whether or not the memory moved.
  const b = new WasmBuilder();
  b.memory(1, 2, "mem");
  b.func([T.i32], [T.i32], [op.local_get, 0, op.memory_grow, 0], { export: "grow" });
  const e = b.instantiate().exports;
  const first = e.mem.buffer;
  assertEq(e.grow(0), 1);
  assertEq(first.byteLength, 0, "a grow by 0 pages detaches the buffer");
  const second = e.mem.buffer;
  assertEq(second.byteLength, 65536, "a new buffer of the same length");
  assertEq(e.grow(5), -1);
  assertEq(e.mem.buffer, second, "a failed grow keeps the buffer");
  assertEq(second.byteLength, 65536);
});

test("an imported memory is shared by modules and JS", () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const b = new WasmBuilder();
  b.importMemory("m", "mem", 1);
  b.func([T.i32, T.i32], [], [op.local_get, 0, op.local_get, 1, op.i32_store, 2, 0], { export: "store" });
  b.export("mem", "memory", 0);
  const e1 = b.instantiate({ m: { mem: memory } }).exports;
  const e2 = b.instantiate({ m: { mem: memory } }).exports;
  assertEq(e1.mem, memory, "the Memory object itself is exported");
  e1.store(0, 0x01020304);
  e2.store(4, 5);
  const view = new Uint32Array(memory.buffer);
  assertEq(view[0], 0x01020304);
  assertEq(view[1], 5);
});

test("an exported memory is one object", () => {
  const b = new WasmBuilder();
  b.memory(1, undefined, "a");
  b.export("b", "memory", 0);
  const e = b.instantiate().exports;
  assertEq(e.a, e.b);
  assertEq(Object.getPrototypeOf(e.a), WebAssembly.Memory.prototype);
});

test("a JS import sees the memory as wasm left it", () => {
  const b = new WasmBuilder();
  b.importFunc("m", "peek", [], [T.i32]);
  b.memory(1, undefined, "mem");
  b.func([], [T.i32], [
    op.i32_const, 0, op.i32_const, 55, op.i32_store8, 0, 0,
    op.call, 0,
    op.i32_const, 1, op.i32_load8_u, 0, 0, op.i32_add,
  ], { export: "run" });
  let e;
  e = b.instantiate({ m: { peek: () => {
    const bytes = new Uint8Array(e.mem.buffer);
    bytes[1] = 10;
    return bytes[0];
  } } }).exports;
  assertEq(e.run(), 65);
});

// JS API "create a memory buffer": the buffer's [[ArrayBufferDetachKey]] is
// "WebAssembly.Memory", so JS cannot detach it (ECMA-262
// ArrayBuffer.prototype.transfer throws a TypeError for it, or, where the
// engine has no transfer, the call does), and it has a fixed length.
test("a memory's buffer cannot be transferred or resized", () => {
  const m = new WebAssembly.Memory({ initial: 1, maximum: 2 });
  const b = m.buffer;
  new Uint8Array(b)[7] = 3;
  assertThrows(TypeError, () => b.transfer(), "transfer");
  assertThrows(TypeError, () => b.transfer(10), "transfer to another length");
  assertThrows(TypeError, () => b.transferToFixedLength(), "transferToFixedLength");
  assertThrows(TypeError, () => b.resize(0), "resize");
  assertEq(b.byteLength, 65536, "still attached");
  assertEq(m.buffer, b);
  assertEq(new Uint8Array(m.buffer)[7], 3);
  assertEq(new Uint8Array(b.slice(7, 8))[0], 3, "slice copies");
});

test("an import called after wasm grew the memory sees the new bytes", () => {
  const b = new WasmBuilder();
  b.importFunc("m", "check", [T.i32], [T.i32]);
  b.memory(1, 200, "mem");
  // step(i): grow by one page, store i at the new page's first byte, call
  // check(i), and return the byte check wrote just after it.
  b.func([T.i32], [T.i32], [
    op.i32_const, 1, op.memory_grow, 0, op.drop,
    op.memory_size, 0, op.i32_const, 1, op.i32_sub, op.i32_const, 16, op.i32_shl,
    op.local_get, 0, op.i32_store8, 0, 0,
    op.local_get, 0, op.call, 0, op.drop,
    op.memory_size, 0, op.i32_const, 1, op.i32_sub, op.i32_const, 16, op.i32_shl,
    op.i32_load8_u, 0, 1,
  ], { export: "step" });
  let e, held = [];
  e = b.instantiate({ m: { check: (i) => {
    for (const old of held) assertEq(old.byteLength, 0, "an older buffer is detached");
    const bytes = new Uint8Array(e.mem.buffer);
    assertEq(bytes.length, (i + 1) * 65536);
    assertEq(bytes[i * 65536], i & 255, "wasm's store before the call");
    bytes[i * 65536 + 1] = (i * 3) & 255;
    held = [e.mem.buffer];
    return 0;
  } } }).exports;
  held = [e.mem.buffer];
  for (let i = 1; i < 100; i++) assertEq(e.step(i), (i * 3) & 255, "JS's store in the call");
  const bytes = new Uint8Array(e.mem.buffer);
  for (let i = 1; i < 100; i++) assertEq(bytes[i * 65536], i & 255, "kept across grows");
});
