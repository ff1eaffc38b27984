// A small WebAssembly binary builder for the JS tests, written for this
// project. It is a classic script that also works inside an ES module (the
// V8 comparison concatenates it with the test into one module), so it only
// declares top-level names: `WasmBuilder`, `op`, `T` and the encoders.
//
//   const b = new WasmBuilder();
//   const log = b.importFunc("env", "log", [T.i32], []);
//   b.func([T.i32, T.i32], [T.i32], [op.local_get, 0, op.local_get, 1, op.i32_add], { export: "add" });
//   const { add } = b.instantiate({ env: { log: console.log } }).exports;
//
// Bodies are arrays of bytes (nested arrays are flattened); `end` is added.

const T = {
  i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b,
  funcref: 0x70, externref: 0x6f, exnref: 0x69,
  // GC: the abstract reference types, and `(ref $t)` / `(ref null $t)`.
  anyref: 0x6e, eqref: 0x6d, i31ref: 0x6c, structref: 0x6b, arrayref: 0x6a,
  nullref: 0x71, nullexternref: 0x72, nullfuncref: 0x73,
  i8: 0x78, i16: 0x77,
  ref: (heap) => [0x64, ...s32(heap)],
  refNull: (heap) => [0x63, ...s32(heap)],
};

// Abstract heap types, for T.ref/T.refNull and the GC instructions.
const HEAP = {
  any: -0x12, eq: -0x13, i31: -0x14, struct: -0x15, array: -0x16, none: -0x0f,
  func: -0x10, nofunc: -0x0d, extern: -0x11, noextern: -0x0e,
};

const op = {
  unreachable: 0x00, nop: 0x01, block: 0x02, loop: 0x03, if: 0x04, else: 0x05,
  try: 0x06, catch: 0x07, throw: 0x08, rethrow: 0x09, throw_ref: 0x0a, end: 0x0b,
  br: 0x0c, br_if: 0x0d, br_table: 0x0e, return: 0x0f, call: 0x10,
  call_indirect: 0x11, return_call: 0x12, return_call_indirect: 0x13,
  call_ref: 0x14, return_call_ref: 0x15, delegate: 0x18, catch_all: 0x19,
  drop: 0x1a, select: 0x1b, try_table: 0x1f,
  local_get: 0x20, local_set: 0x21, local_tee: 0x22, global_get: 0x23, global_set: 0x24,
  table_get: 0x25, table_set: 0x26,
  i32_load: 0x28, i64_load: 0x29, f32_load: 0x2a, f64_load: 0x2b,
  i32_load8_u: 0x2d, i32_store: 0x36, i64_store: 0x37, f32_store: 0x38, f64_store: 0x39,
  i32_store8: 0x3a, memory_size: 0x3f, memory_grow: 0x40,
  i32_const: 0x41, i64_const: 0x42, f32_const: 0x43, f64_const: 0x44,
  i32_eqz: 0x45, i32_eq: 0x46, i32_ne: 0x47, i32_lt_s: 0x48, i32_lt_u: 0x49,
  i32_gt_s: 0x4a, i32_le_s: 0x4c, i32_ge_s: 0x4e,
  i64_eqz: 0x50, i64_eq: 0x51,
  i32_add: 0x6a, i32_sub: 0x6b, i32_mul: 0x6c, i32_div_s: 0x6d, i32_div_u: 0x6e,
  i32_rem_s: 0x6f, i32_and: 0x71, i32_or: 0x72, i32_xor: 0x73, i32_shl: 0x74,
  i64_add: 0x7c, i64_sub: 0x7d, i64_mul: 0x7e,
  f32_add: 0x92, f64_add: 0xa0, f64_mul: 0xa2,
  i32_wrap_i64: 0xa7, i64_extend_i32_s: 0xac, i64_extend_i32_u: 0xad,
  f64_convert_i32_s: 0xb7,
  ref_null: 0xd0, ref_is_null: 0xd1, ref_func: 0xd2, ref_eq: 0xd3, ref_as_non_null: 0xd4,
};

// The GC instructions (prefix 0xfb): `gc.struct_new(x)` is the bytes of
// `struct.new x`; immediates follow as the spec's binary format has them.
const gc = {
  struct_new: (x) => [0xfb, 0x00, ...u32(x)],
  struct_new_default: (x) => [0xfb, 0x01, ...u32(x)],
  struct_get: (x, i) => [0xfb, 0x02, ...u32(x), ...u32(i)],
  struct_set: (x, i) => [0xfb, 0x05, ...u32(x), ...u32(i)],
  array_new: (x) => [0xfb, 0x06, ...u32(x)],
  array_new_default: (x) => [0xfb, 0x07, ...u32(x)],
  array_new_fixed: (x, n) => [0xfb, 0x08, ...u32(x), ...u32(n)],
  array_get: (x) => [0xfb, 0x0b, ...u32(x)],
  array_get_s: (x) => [0xfb, 0x0c, ...u32(x)],
  array_get_u: (x) => [0xfb, 0x0d, ...u32(x)],
  array_set: (x) => [0xfb, 0x0e, ...u32(x)],
  array_len: [0xfb, 0x0f],
  ref_test: (heap) => [0xfb, 0x14, ...s32(heap)],
  ref_test_null: (heap) => [0xfb, 0x15, ...s32(heap)],
  ref_cast: (heap) => [0xfb, 0x16, ...s32(heap)],
  any_convert_extern: [0xfb, 0x1a],
  extern_convert_any: [0xfb, 0x1b],
  ref_i31: [0xfb, 0x1c],
  i31_get_s: [0xfb, 0x1d],
  i31_get_u: [0xfb, 0x1e],
};

// Block types and catch clause kinds.
const BLOCK_EMPTY = 0x40;
const CATCH = { catch: 0, catch_ref: 1, catch_all: 2, catch_all_ref: 3 };
// Export and import kinds.
const KIND = { func: 0, table: 1, memory: 2, global: 3, tag: 4 };

function u32(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function s32(n) {
  const out = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function s64(v) {
  let n = BigInt.asIntN(64, BigInt(v));
  const out = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function f32(x) {
  return Array.from(new Uint8Array(new Float32Array([x]).buffer));
}

function f64(x) {
  return Array.from(new Uint8Array(new Float64Array([x]).buffer));
}

function utf8(s) {
  const out = [];
  for (const ch of s) {
    let c = ch.codePointAt(0);
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

function wasmName(s) {
  const b = utf8(s);
  return [...u32(b.length), ...b];
}

function flatten(body) {
  const out = [];
  const walk = (x) => {
    if (Array.isArray(x)) x.forEach(walk);
    else out.push(x);
  };
  walk(body);
  return out;
}

function vec(items) {
  return [...u32(items.length), ...items.flat()];
}

// The bytes of a function type, a structure type and an array type.
function funcTypeBytes(params, results) {
  return [0x60, ...vec(params.map((t) => [t].flat())), ...vec(results.map((t) => [t].flat()))];
}
function structTypeBytes(fields) {
  return [0x5f, ...vec(fields.map((f) => [...[f.type].flat(), f.mutable ? 1 : 0]))];
}
function arrayTypeBytes(type, mutable) {
  return [0x5e, ...[type].flat(), mutable ? 1 : 0];
}
// A sub type: `comp` (composite type bytes) with the supertype indices
// `supers`, final or not.
function subType(supers, final, comp) {
  return [final ? 0x4f : 0x50, ...vec(supers.map((x) => u32(x))), ...comp];
}

function limits(min, max) {
  return max === undefined ? [0, ...u32(min)] : [1, ...u32(min), ...u32(max)];
}

// A shared memory's limits (threads): flag 3, the maximum required.
function sharedLimits(min, max) {
  return [3, ...u32(min), ...u32(max)];
}

class WasmBuilder {
  constructor() {
    // Entries of the type section: { bytes, index (of its first type),
    // key (of a plain function type, for reuse) }; a recursion group is one
    // entry of several types.
    this.types = [];
    this.typeCount = 0;
    this.imports = [];
    this.funcs = [];
    this.tables = [];
    this.memories = [];
    this.globals = [];
    this.tags = [];
    this.exports = [];
    this.startIndex = undefined;
    this.elems = [];
    this.datas = [];
    this.customs = [];
    this.counts = { func: 0, table: 0, memory: 0, global: 0, tag: 0 };
  }

  // Adds a type section entry of `count` types; returns the first's index.
  typeEntry(bytes, count, key) {
    const index = this.typeCount;
    this.types.push({ bytes, index, key });
    this.typeCount += count;
    return index;
  }

  // The index of the function type [params] -> [results].
  type(params, results) {
    const bytes = funcTypeBytes(params, results);
    const key = bytes.join(",");
    const found = this.types.find((t) => t.key === key);
    return found ? found.index : this.typeEntry(bytes, 1, key);
  }

  // A structure type of `fields` ([{ type, mutable }], a type being a
  // T value) as a type definition of its own; returns its index.
  structType(fields) {
    return this.typeEntry(structTypeBytes(fields), 1);
  }

  // An array type of elements of `type`.
  arrayType(type, mutable) {
    return this.typeEntry(arrayTypeBytes(type, mutable), 1);
  }

  // A recursion group of the type definitions `defs` (each the bytes of a
  // composite or sub type: funcTypeBytes, subType...); returns the index
  // of its first type.
  recGroup(defs) {
    return this.typeEntry([0x4e, ...u32(defs.length), ...defs.flat()], defs.length);
  }

  addImport(module, name, kind, desc) {
    if (this.funcs.length || this.tables.length || this.memories.length || this.globals.length || this.tags.length) {
      throw new Error("WasmBuilder: imports must come before definitions");
    }
    this.imports.push([...wasmName(module), ...wasmName(name), KIND[kind], ...desc]);
    return this.counts[kind]++;
  }

  importFunc(module, name, params, results) {
    return this.addImport(module, name, "func", u32(this.type(params, results)));
  }
  importMemory(module, name, min, max) {
    return this.addImport(module, name, "memory", limits(min, max));
  }
  importSharedMemory(module, name, min, max) {
    return this.addImport(module, name, "memory", sharedLimits(min, max));
  }
  importTable(module, name, elemType, min, max) {
    return this.addImport(module, name, "table", [elemType, ...limits(min, max)]);
  }
  importGlobal(module, name, type, mutable) {
    return this.addImport(module, name, "global", [...[type].flat(), mutable ? 1 : 0]);
  }
  importTag(module, name, params) {
    return this.addImport(module, name, "tag", [0, ...u32(this.type(params, []))]);
  }

  // Defines a function; options: { locals: [types], export: name }.
  func(params, results, body, options = {}) {
    const index = this.counts.func++;
    const locals = options.locals || [];
    this.funcs.push({ type: this.type(params, results), locals, body: flatten(body) });
    if (options.export !== undefined) this.export(options.export, "func", index);
    return index;
  }

  memory(min, max, exportName) {
    const index = this.counts.memory++;
    this.memories.push(limits(min, max));
    if (exportName !== undefined) this.export(exportName, "memory", index);
    return index;
  }

  sharedMemory(min, max, exportName) {
    const index = this.counts.memory++;
    this.memories.push(sharedLimits(min, max));
    if (exportName !== undefined) this.export(exportName, "memory", index);
    return index;
  }

  table(elemType, min, max, exportName) {
    const index = this.counts.table++;
    this.tables.push([...[elemType].flat(), ...limits(min, max)]);
    if (exportName !== undefined) this.export(exportName, "table", index);
    return index;
  }

  // A global with an initialiser given as constant-expression bytes.
  global(type, mutable, init, exportName) {
    const index = this.counts.global++;
    this.globals.push([...[type].flat(), mutable ? 1 : 0, ...flatten(init), op.end]);
    if (exportName !== undefined) this.export(exportName, "global", index);
    return index;
  }

  tag(params, exportName) {
    const index = this.counts.tag++;
    this.tags.push([0, ...u32(this.type(params, []))]);
    if (exportName !== undefined) this.export(exportName, "tag", index);
    return index;
  }

  export(name, kind, index) {
    this.exports.push([...wasmName(name), KIND[kind], ...u32(index)]);
    return this;
  }

  start(index) {
    this.startIndex = index;
    return this;
  }

  // An active element segment of function indices for table 0 at `offset`.
  elem(offset, funcIndices) {
    this.elems.push([0, op.i32_const, ...s32(offset), op.end, ...vec(funcIndices.map((f) => u32(f)))]);
    return this;
  }

  // An active data segment for memory 0 at `offset`.
  data(offset, bytes) {
    this.datas.push([0, op.i32_const, ...s32(offset), op.end, ...u32(bytes.length), ...bytes]);
    return this;
  }

  custom(name, bytes) {
    this.customs.push([...wasmName(name), ...bytes]);
    return this;
  }

  toBytes() {
    const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id, payload) => {
      out.push(id, ...u32(payload.length), ...payload);
    };
    const sectionVec = (id, items) => {
      if (items.length) section(id, vec(items));
    };
    sectionVec(1, this.types.map((t) => t.bytes));
    sectionVec(2, this.imports);
    sectionVec(3, this.funcs.map((f) => u32(f.type)));
    sectionVec(4, this.tables);
    sectionVec(5, this.memories);
    sectionVec(13, this.tags);
    sectionVec(6, this.globals);
    sectionVec(7, this.exports);
    if (this.startIndex !== undefined) section(8, u32(this.startIndex));
    sectionVec(9, this.elems);
    if (this.datas.length) section(12, u32(this.datas.length));
    sectionVec(10, this.funcs.map((f) => {
      const locals = vec(f.locals.map((t) => [1, ...[t].flat()]));
      const body = [...locals, ...f.body, op.end];
      return [...u32(body.length), ...body];
    }));
    sectionVec(11, this.datas);
    for (const c of this.customs) section(0, c);
    return new Uint8Array(out);
  }

  toModule() {
    return new WebAssembly.Module(this.toBytes());
  }

  instantiate(imports) {
    return new WebAssembly.Instance(this.toModule(), imports);
  }
}
