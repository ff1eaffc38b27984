// The runtime of a script converted by `wasm-ref wast2js`: only the standard
// WebAssembly JS API and ECMAScript, so the file runs unchanged in any engine
// (a browser page, a shell, wasm-ref js), as a classic script or a module.
//
// Each directive of the script is one `$check`: it passes or fails with a
// message (`FILE:LINE:COL: KIND: why`, one line each). The last line is
// `N passed, M failed`; if anything failed the script then throws, so the
// runner exits with a failure status.
//
// Values the JS API carries exactly (i32, i64 as BigInt, non-NaN floats,
// funcref and externref) cross it directly. What it cannot carry (v128,
// exnref, the payload of a NaN) is handled inside a small helper module that
// the converter generates for that one assertion: it imports the function or
// global under test, passes such arguments as constants, and returns the
// results as integers, which are checked here bit by bit.

const $state = {
  passed: 0,
  failed: 0,
  registry: new Map(),
  instances: new Map(),
  definitions: new Map(),
  current: undefined,
  hostrefs: new Map(),
};

// A failed check: its message is what is printed.
class $Failure extends Error {}

function $fail(message) {
  throw new $Failure(message);
}

// A stable host object for `(ref.extern N)`, the same object for the same N.
function $hostref(n) {
  if (!$state.hostrefs.has(n)) $state.hostrefs.set(n, { hostref: n });
  return $state.hostrefs.get(n);
}

// The spectest module of the reference interpreter; its print functions
// print nothing, so that the output is the failures and the summary only.
$state.registry.set("spectest", {
  print() {},
  print_i32() {},
  print_i64() {},
  print_f32() {},
  print_f64() {},
  print_i32_f32() {},
  print_f64_f64() {},
  global_i32: new WebAssembly.Global({ value: "i32" }, 666),
  global_i64: new WebAssembly.Global({ value: "i64" }, 666n),
  global_f32: new WebAssembly.Global({ value: "f32" }, 666.6),
  global_f64: new WebAssembly.Global({ value: "f64" }, 666.6),
  table: new WebAssembly.Table({ initial: 10, maximum: 20, element: "anyfunc" }),
  memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
});

// Runs one directive.
function $check(loc, kind, body) {
  try {
    body();
    $state.passed += 1;
  } catch (e) {
    $state.failed += 1;
    const why = e instanceof $Failure ? e.message : "unexpected " + $describe(e);
    console.log($file + ":" + loc + ": " + kind + ": " + why);
  }
}

// The closing line; throws if anything failed.
function $done() {
  console.log($state.passed + " passed, " + $state.failed + " failed");
  if ($state.failed > 0) {
    throw new Error($file + ": " + $state.failed + " assertions failed");
  }
}

function $describe(e) {
  let name = "exception";
  try {
    if (e instanceof WebAssembly.CompileError) name = "CompileError";
    else if (e instanceof WebAssembly.LinkError) name = "LinkError";
    else if (e instanceof WebAssembly.RuntimeError) name = "RuntimeError";
    else if (e instanceof RangeError) name = "RangeError";
    else if (e instanceof TypeError) name = "TypeError";
    else if (typeof WebAssembly.Exception === "function" && e instanceof WebAssembly.Exception)
      return "WebAssembly.Exception";
    return name + ": " + (e && e.message !== undefined ? e.message : String(e));
  } catch (_) {
    return name;
  }
}

function $bytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function $compile(hex) {
  return new WebAssembly.Module($bytes(hex));
}

// The import object of a module: each module name it imports from is a
// registered instance's exports (an empty object if none, so that a missing
// import is a LinkError, as in the reference interpreter).
function $imports(module) {
  const imports = {};
  for (const i of WebAssembly.Module.imports(module)) {
    imports[i.module] = $state.registry.get(i.module) || {};
  }
  return imports;
}

function $instantiate(module) {
  return new WebAssembly.Instance(module, $imports(module));
}

// `(module $M ...)`: compiles and instantiates; names the instance.
function $module(hex, name) {
  const instance = $instantiate($compile(hex));
  $state.current = instance;
  if (name !== undefined) $state.instances.set(name, instance);
}

function $define(hex, name) {
  $state.definitions.set(name, $compile(hex));
}

function $instance(definition, name) {
  const module = $state.definitions.get(definition);
  if (module === undefined) $fail("no module definition " + definition);
  const instance = $instantiate(module);
  $state.current = instance;
  if (name !== undefined) $state.instances.set(name, instance);
}

function $register(as, name) {
  $state.registry.set(as, $inst(name).exports);
}

// The instance named `name`, or the current one.
function $inst(name) {
  const i = name === undefined ? $state.current : $state.instances.get(name);
  if (i === undefined) $fail(name === undefined ? "no current instance" : "no instance " + name);
  return i;
}

function $export(inst, name) {
  const x = inst.exports[name];
  if (x === undefined) $fail('no export "' + name + '"');
  return x;
}

// Calls an export directly; the results as raw values of `types`.
function $call(inst, name, args, types) {
  const f = $export(inst, name);
  if (typeof f !== "function") $fail('"' + name + '" is not a function');
  return $raws(f(...args), types);
}

// Reads an exported global directly.
function $get(inst, name, types) {
  const g = $export(inst, name);
  if (!(g instanceof WebAssembly.Global)) $fail('"' + name + '" is not a global');
  return $raws(g.value, types);
}

// Calls an export, or reads a global, through a helper module that imports
// it as "m" "f", takes the externref arguments as its parameters and returns
// the results as JS carries them exactly: floats as their bits (i32, i64),
// a v128 as its two i64 halves, an exnref as 1 if null.
function $via(inst, name, hex, args, types) {
  const x = $export(inst, name);
  const helper = new WebAssembly.Instance($compile(hex), { m: { f: x } });
  const r = helper.exports.run(...args);
  const width = types.reduce((n, t) => n + (t === "v128" ? 2 : 1), 0);
  const flat = width === 1 ? [r] : width === 0 ? [] : Array.from(r);
  return types.map((t) => {
    const v = flat.shift();
    switch (t) {
      case "f32": return { t, v: v >>> 0 };
      case "f64": return { t, v: BigInt.asUintN(64, v) };
      case "v128": {
        const bytes = new Uint8Array(16);
        const view = new DataView(bytes.buffer);
        view.setBigUint64(0, BigInt.asUintN(64, v), true);
        view.setBigUint64(8, BigInt.asUintN(64, flat.shift()), true);
        return { t, v: bytes };
      }
      case "exnref": return { t, v: v === 1 ? null : "exn" };
      default: return { t, v };
    }
  });
}

// JS results as raw values: floats as their bits.
function $raws(r, types) {
  const rs = types.length === 0 ? [] : types.length === 1 ? [r] : Array.from(r);
  const view = new DataView(new ArrayBuffer(8));
  return rs.map((v, j) => {
    const t = types[j];
    if (t === "f32" && typeof v === "number") {
      view.setFloat32(0, v, true);
      return { t, v: view.getUint32(0, true), nan: Number.isNaN(v) };
    }
    if (t === "f64" && typeof v === "number") {
      view.setFloat64(0, v, true);
      return { t, v: view.getBigUint64(0, true), nan: Number.isNaN(v) };
    }
    return { t, v };
  });
}

// assert_return: every result against its pattern.
function $return(actual, patterns) {
  if (actual.length !== patterns.length) {
    $fail("expected " + patterns.length + " results (" + patterns.map($patternText).join(" ") +
      "), found " + actual.length + ": " + actual.map($rawText).join(" "));
  }
  patterns.forEach((p, k) => {
    if (!$match(p, actual[k])) {
      $fail("result " + k + ": expected " + $patternText(p) + ", found " + $rawText(actual[k], p));
    }
  });
}

const $f32 = { canonical: 0x7fc00000, quiet: 0x00400000, exp: 0x7f800000, abs: 0x7fffffff };
const $f64 = {
  canonical: 0x7ff8000000000000n, quiet: 0x0008000000000000n, exp: 0x7ff0000000000000n,
  abs: 0x7fffffffffffffffn,
};

// A float's bits against a pattern: exact bits, `canonical` or `arithmetic`.
// A NaN that came through JS has lost its payload: only NaN-ness is checked.
function $floatMatch(p, bits, k, lostPayload) {
  if (typeof p === "string" || lostPayload) {
    const isNan = (bits & k.exp) === k.exp && (bits & k.abs) !== k.exp;
    if (lostPayload) return isNan && (typeof p === "string" || ((p & k.exp) === k.exp && (p & k.abs) !== k.exp));
    if (p === "canonical") return (bits & k.abs) === k.canonical;
    return isNan && (bits & k.quiet) === k.quiet;
  }
  return bits === p;
}

function $match(p, a) {
  switch (p.t) {
    case "either": return p.cases.some((c) => $match(c, a));
    case "i32": return typeof a.v === "number" && a.v === p.v;
    case "i64": return typeof a.v === "bigint" && BigInt.asIntN(64, a.v) === p.v;
    case "f32":
      return typeof a.v === "number" && $floatMatch(p.v, a.v >>> 0, $f32, a.nan === true);
    case "f64":
      return typeof a.v === "bigint" && $floatMatch(p.v, a.v, $f64, a.nan === true);
    case "v128": return a.v instanceof Uint8Array && $laneMatch(p, a.v);
    case "ref.null": return a.v === null;
    case "ref.extern":
      return p.v === undefined ? a.v !== null && a.v !== undefined : a.v === $hostref(p.v);
    case "ref.host": return a.v === $hostref(p.v);
    case "ref.func": return typeof a.v === "function";
    case "ref.i31": return typeof a.v === "number";
    default: return a.v !== null && a.v !== undefined; // ref.any, ref.eq, ref.struct, ref.array
  }
}

// The lanes of a v128 pattern (integer lanes as unsigned bits).
function $lanes(bytes, shape) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  const width = { i8x16: 1, i16x8: 2, i32x4: 4, f32x4: 4, i64x2: 8, f64x2: 8 }[shape];
  const out = [];
  for (let at = 0; at < 16; at += width) {
    if (width === 1) out.push(view.getUint8(at));
    else if (width === 2) out.push(view.getUint16(at, true));
    else if (width === 4) out.push(view.getUint32(at, true));
    else out.push(view.getBigUint64(at, true));
  }
  return out;
}

function $laneMatch(p, bytes) {
  const lanes = $lanes(bytes, p.shape);
  return p.lanes.every((l, i) => {
    if (p.shape === "f32x4") return $floatMatch(l, lanes[i], $f32, false);
    if (p.shape === "f64x2") return $floatMatch(l, lanes[i], $f64, false);
    return lanes[i] === l;
  });
}

// Text-format printing of patterns and actual values, for messages.
function $floatText(bits, width) {
  const view = new DataView(new ArrayBuffer(8));
  const k = width === 32 ? $f32 : $f64;
  const b = width === 32 ? bits >>> 0 : bits;
  if ((b & k.exp) === k.exp && (b & k.abs) !== k.exp) {
    const sign = width === 32 ? b >>> 31 : Number(b >> 63n);
    const payload = width === 32 ? b & 0x7fffff : b & 0xfffffffffffffn;
    return (sign ? "-" : "") + "nan:0x" + payload.toString(16);
  }
  let x;
  if (width === 32) { view.setUint32(0, b, true); x = view.getFloat32(0, true); }
  else { view.setBigUint64(0, b, true); x = view.getFloat64(0, true); }
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  return Object.is(x, -0) ? "-0.0" : String(x);
}

function $laneText(l, shape) {
  if (typeof l === "string") return "nan:" + l;
  if (shape === "f32x4") return $floatText(l, 32);
  if (shape === "f64x2") return $floatText(l, 64);
  const bits = { i8x16: 8, i16x8: 16, i32x4: 32, i64x2: 64 }[shape];
  return String(bits === 64 ? BigInt.asIntN(64, l) : Number(BigInt.asIntN(bits, BigInt(l))));
}

function $patternText(p) {
  switch (p.t) {
    case "either": return "(either " + p.cases.map($patternText).join(" ") + ")";
    case "i32": case "i64": return "(" + p.t + ".const " + p.v + ")";
    case "f32": return "(f32.const " + (typeof p.v === "string" ? "nan:" + p.v : $floatText(p.v, 32)) + ")";
    case "f64": return "(f64.const " + (typeof p.v === "string" ? "nan:" + p.v : $floatText(p.v, 64)) + ")";
    case "v128": return "(v128.const " + p.shape + " " + p.lanes.map((l) => $laneText(l, p.shape)).join(" ") + ")";
    case "ref.extern": case "ref.host": return "(" + p.t + (p.v === undefined ? "" : " " + p.v) + ")";
    default: return "(" + p.t + ")";
  }
}

// An actual value; a v128 in the lanes of the pattern it missed.
function $rawText(a, p) {
  switch (a.t) {
    case "i32": case "i64": return "(" + a.t + ".const " + a.v + ")";
    case "f32": return "(f32.const " + (a.nan ? "nan" : $floatText(a.v, 32)) + ")";
    case "f64": return "(f64.const " + (a.nan ? "nan" : $floatText(a.v, 64)) + ")";
    case "v128": {
      while (p && p.t === "either") p = p.cases.find((c) => c.t === "v128") || p.cases[0];
      const shape = p && p.t === "v128" ? p.shape : "i32x4";
      return "(v128.const " + shape + " " + $lanes(a.v, shape).map((l) => $laneText(l, shape)).join(" ") + ")";
    }
    default:
      if (a.v === null) return "(ref.null)";
      if (typeof a.v === "function") return "(ref.func)";
      if (a.v && a.v.hostref !== undefined) return "(ref.extern " + a.v.hostref + ")";
      return "(ref " + typeof a.v + ")";
  }
}

// The kinds of error an assertion expects: assert_trap a RuntimeError (of a
// call, or of instantiation), assert_exhaustion a RangeError (as engines
// report a stack overflow), assert_exception a WebAssembly.Exception,
// assert_unlinkable a LinkError.
const $errors = {
  RuntimeError: (e) => e instanceof WebAssembly.RuntimeError,
  RangeError: (e) => e instanceof RangeError,
  Exception: (e) => e instanceof WebAssembly.Exception,
  LinkError: (e) => e instanceof WebAssembly.LinkError,
};

// The action throws an error of kind `kind`; `expected` names it in the
// script's words for the message.
function $throws(action, kind, expected) {
  let result;
  try {
    result = action();
  } catch (e) {
    if (e instanceof $Failure) throw e;
    if ($errors[kind](e)) return;
    $fail("expected " + expected + ", found " + $describe(e));
  }
  let found = "no error";
  if (Array.isArray(result)) found = "a return" + (result.length ? " of " + result.map((a) => $rawText(a)).join(" ") : "");
  else if (result instanceof WebAssembly.Instance) found = "an instance";
  $fail("expected " + expected + ", found " + found);
}

// assert_invalid, assert_malformed: validate says no, and compiling throws
// a CompileError.
function $refused(hex, what, message) {
  const bytes = $bytes(hex);
  if (WebAssembly.validate(bytes)) $fail("expected " + what + ' "' + message + '", but validate() accepted the module');
  try {
    new WebAssembly.Module(bytes);
  } catch (e) {
    if (e instanceof WebAssembly.CompileError) return;
    $fail("expected " + what + ' "' + message + '", found ' + $describe(e));
  }
  $fail("expected " + what + ' "' + message + '", but the module compiled');
}

