//! `wasm-ref run`: instantiates one module (after the modules registered
//! for its imports) and calls its exports in order on that one instance,
//! then shows exported globals and slices of memory; values in the text
//! format, or everything as JSON objects with `--json`.

use super::{Args, Outcome, Refusal, Status};
use crate::json::{self, Object};
use crate::types_text::{extern_type, global_val_type, val_type};
use interp::lanes::{Shape, V128Text};
use interp::syntax::{ExternType, ValType};
use interp::{
    Config, Error, Exit, ExternVal, Features, FuncAddr, HostOutcome, InstanceAddr, Module, Store,
    SuspendReason, Value, Values,
};
use spec_tests::text::{f32_text, f64_text, nan_class};
use spec_tests::{exception_text, spectest, text_of};
use std::collections::HashMap;

pub(super) const HELP: &str = "\
usage: wasm-ref run FILE [OPTIONS] [--invoke NAME ARG...]...

Instantiates a module (binary .wasm, or text) and calls its exports, in
the order given, on that one instance. The spectest module (print_i32 and
friends, global_i32, table, memory) is available to imports; its print
functions write their arguments to stderr. Results are printed one a line
in the text format, e.g. (i32.const 5), (f32.const nan:0x400000),
(v128.const i32x4 1 2 3 4).

options:
  --invoke NAME ARG... call the export NAME (repeatable). Arguments are
                       read by the parameter types, up to the next option:
                       integers (decimal or 0x hex), floats (decimal, inf,
                       nan, or bits:0x...), null for references, a v128 as
                       its shape and lanes (i32x4:1,2,3,4, f32x4:1.5,nan,inf,-0)
  --shape SHAPE        print v128 values in these lanes (default i32x4)
  --fuel N             stop each call (and the start function) after N
                       steps: it ends as `out of fuel`. A step is one
                       instruction of the compiled form, which may stand
                       for several wasm instructions (a local.get or a
                       block costs nothing)
  --list               print the module's imports and exports with their
                       types, before instantiating it
  --globals            print the exported globals' types and values, after
                       the calls
  --dump-memory MEM:OFFSET:LEN
                       print LEN bytes of the exported memory MEM from
                       OFFSET (decimal or 0x hex) in hex, after the calls
                       (repeatable)
  --register NAME=FILE instantiate FILE first and make its exports
                       importable as module NAME (repeatable, in order)
  --json               print one JSON object per line instead: imports and
                       exports ({kind: import|export, ...}), each call
                       ({kind: invoke, name, args, outcome, results |
                       message}, values typed, {type, value, bits, nan:
                       canonical|arithmetic|signalling}), globals, memory
                       slices, then {kind: summary, calls, failed, status}

Exit status: 0 every call returned; 1 a call (or the start function)
trapped, ran out of stack or fuel, or threw an exception nothing caught (the
other calls still run); 2 bad usage, or a file that cannot be read,
decoded, validated or linked.";

/// One `--invoke`.
struct Call<'a> {
    name: &'a str,
    args: Vec<&'a str>,
}

/// One `--dump-memory`.
struct Dump {
    name: String,
    offset: u64,
    len: u64,
}

/// The options of one run.
struct Options<'a> {
    file: &'a str,
    calls: Vec<Call<'a>>,
    shape: Shape,
    fuel: Option<u64>,
    list: bool,
    globals: bool,
    dumps: Vec<Dump>,
    registered: Vec<(&'a str, &'a str)>,
    json: bool,
}

fn options(args: &[String]) -> Result<Options<'_>, Refusal> {
    let mut a = Args::new("run", args);
    let mut file = None;
    let mut o = Options {
        file: "",
        calls: Vec::new(),
        shape: Shape::I32x4,
        fuel: None,
        list: false,
        globals: false,
        dumps: Vec::new(),
        registered: Vec::new(),
        json: false,
    };
    while let Some(arg) = a.next() {
        match arg {
            "--invoke" => {
                let name = a.value("--invoke", "an export name")?;
                let mut args = Vec::new();
                while let Some(v) = a.next_value() {
                    args.push(v);
                }
                o.calls.push(Call { name, args });
            }
            "--shape" => {
                let s = a.value("--shape", "a lane shape")?;
                o.shape = Shape::from_name(s).ok_or_else(|| {
                    format!(
                        "run --shape takes i8x16, i16x8, i32x4, i64x2, f32x4 or f64x2, not {s:?}"
                    )
                })?;
            }
            "--fuel" => {
                o.fuel = Some(a.number("--fuel", "a number of instructions", 1..=u64::MAX)?)
            }
            "--list" => o.list = true,
            "--globals" => o.globals = true,
            "--json" => o.json = true,
            "--dump-memory" => o
                .dumps
                .push(dump(a.value("--dump-memory", "MEM:OFFSET:LEN")?)?),
            "--register" => {
                let r = a.value("--register", "NAME=FILE")?;
                let (name, path) = r
                    .split_once('=')
                    .filter(|(n, p)| !n.is_empty() && !p.is_empty())
                    .ok_or_else(|| format!("run --register takes NAME=FILE, not {r:?}"))?;
                o.registered.push((name, path));
            }
            opt if opt.starts_with("--") || opt == "-h" => return Err(a.unknown(opt)),
            path if file.is_none() => file = Some(path),
            extra => {
                return Err(format!(
                    "run: unexpected argument {extra:?} (arguments of a call follow --invoke NAME)"
                ));
            }
        }
    }
    o.file = file.ok_or("run: no module file given; see wasm-ref run --help")?;
    Ok(o)
}

/// Reads `MEM:OFFSET:LEN` (the export name may itself contain colons).
fn dump(spec: &str) -> Result<Dump, Refusal> {
    let bad = || format!("run --dump-memory takes MEM:OFFSET:LEN, not {spec:?}");
    let mut parts = spec.rsplitn(3, ':');
    let (Some(len), Some(offset), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let num = |s: &str| match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse::<u64>().ok(),
    };
    Ok(Dump {
        name: name.to_string(),
        offset: num(offset).ok_or_else(bad)?,
        len: num(len).ok_or_else(bad)?,
    })
}

/// The bytes of a module file: a binary as is, text encoded.
fn module_bytes(path: &str) -> Result<Vec<u8>, Refusal> {
    let bytes = super::read(path)?;
    if bytes.starts_with(b"\0asm") {
        return Ok(bytes);
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{path}: neither a binary module nor text (not UTF-8)"))?;
    super::parse_wat(path, &text)
}

/// Decodes and validates a module file.
fn load(path: &str) -> Result<Module, Refusal> {
    let bytes = module_bytes(path)?;
    Module::new(&bytes, &Features::implemented()).map_err(|e| format!("{path}: {e}"))
}

/// Where a run prints.
struct Printer {
    json: bool,
    shape: Shape,
}

impl Printer {
    /// A value in the text format, a v128 in the chosen lanes.
    fn text(&self, v: &Value) -> String {
        match v {
            Value::V128(b) => format!("(v128.const {})", V128Text::new(*b, self.shape)),
            v => text_of(v),
        }
    }

    /// A value as a typed JSON object.
    fn json_value(&self, v: &Value, t: ValType) -> String {
        let o = Object::new().str("type", &val_type(t));
        let o = match *v {
            Value::I32(x) => o.str("value", &x.to_string()),
            Value::I64(x) => o.str("value", &x.to_string()),
            Value::F32(b) => float_json(o, f32_text(b), format!("0x{b:08x}"), b as u64, 32),
            Value::F64(b) => float_json(o, f64_text(b), format!("0x{b:016x}"), b, 64),
            Value::V128(b) => o
                .str("value", &V128Text::new(b, self.shape).to_string())
                .str("bits", &format!("0x{b:032x}")),
            ref r => {
                let text = text_of(r);
                o.str("value", text.trim_start_matches('(').trim_end_matches(')'))
            }
        };
        o.finish()
    }

    fn line(&self, text: impl FnOnce() -> String, json: impl FnOnce() -> String) {
        println!("{}", if self.json { json() } else { text() });
    }
}

/// A float's members: its literal, its bits, and its NaN class if a NaN.
fn float_json(o: Object, text: String, bits: String, raw: u64, width: u32) -> Object {
    let o = o.str("value", &text).str("bits", &bits);
    match nan_class(raw, width) {
        Some(class) => o.str("nan", class),
        None => o,
    }
}

/// `wasm-ref run`.
pub(super) fn main(args: &[String]) -> Outcome {
    let o = options(args)?;
    let p = Printer {
        json: o.json,
        shape: o.shape,
    };
    let registered = o
        .registered
        .iter()
        .map(|(name, path)| Ok((*name, *path, load(path)?)))
        .collect::<Result<Vec<_>, Refusal>>()?;
    let module = load(o.file)?;
    if o.list {
        list(&p, &module);
    }
    let mut store = Store::new(Config {
        features: Features::implemented(),
        ..Config::default()
    });
    let shape = o.shape;
    let prints = spectest(&mut store, move |args| {
        let shown: Vec<String> = args
            .iter()
            .map(|v| Printer { json: false, shape }.text(v))
            .collect();
        eprintln!("{}", shown.join(" "));
        HostOutcome::Return(Values::new())
    });
    let mut available: HashMap<String, Vec<(String, ExternVal)>> =
        HashMap::from([("spectest".to_string(), prints)]);
    let mut failed = 0u64;
    for (name, path, m) in &registered {
        let Some(inst) = instantiate(&mut store, m, path, &available, &o, &p)? else {
            return Ok(summary(&p, 0, 1));
        };
        available.insert(name.to_string(), store.exports(inst));
    }
    let Some(inst) = instantiate(&mut store, &module, o.file, &available, &o, &p)? else {
        return Ok(summary(&p, 0, 1));
    };
    // Every call is checked before any runs, so a usage error prints nothing.
    let calls = o
        .calls
        .iter()
        .map(|c| prepare(&store, inst, c))
        .collect::<Result<Vec<_>, Refusal>>()?;
    let dumps = o
        .dumps
        .iter()
        .map(|d| check_dump(&store, inst, d))
        .collect::<Result<Vec<_>, Refusal>>()?;
    for (call, (f, values)) in o.calls.iter().zip(&calls) {
        if !invoke(&mut store, &p, call.name, *f, values, o.fuel) {
            failed += 1;
        }
    }
    if o.globals {
        globals(&store, inst, &p);
    }
    for (d, m) in o.dumps.iter().zip(dumps) {
        let bytes = &store.mem_data(m)[d.offset as usize..(d.offset + d.len) as usize];
        dump_memory(&p, d, bytes);
    }
    Ok(summary(&p, calls.len() as u64, failed))
}

/// The closing JSON object, and the status.
fn summary(p: &Printer, calls: u64, failed: u64) -> Status {
    let status = if failed == 0 {
        Status::Ok
    } else {
        Status::Failed
    };
    if p.json {
        let code = if failed == 0 { 0u64 } else { 1 };
        let o = Object::new()
            .str("kind", "summary")
            .num("calls", calls)
            .num("failed", failed)
            .num("status", code);
        println!("{}", o.finish());
    }
    status
}

/// `--list`: imports, then exports, with their types.
fn list(p: &Printer, module: &Module) {
    for (m, n, t) in module.imports() {
        p.line(
            || format!("import \"{m}\" \"{n}\" {}", extern_type(&t)),
            || {
                Object::new()
                    .str("kind", "import")
                    .str("module", &m)
                    .str("name", &n)
                    .str("type", &extern_type(&t))
                    .finish()
            },
        );
    }
    for (n, t) in module.exports() {
        p.line(
            || format!("export \"{n}\" {}", extern_type(&t)),
            || {
                Object::new()
                    .str("kind", "export")
                    .str("name", &n)
                    .str("type", &extern_type(&t))
                    .finish()
            },
        );
    }
}

/// Instantiates `m` with imports from `available`: `Ok(None)` if its start
/// function failed (reported), a refusal if it does not link.
fn instantiate(
    store: &mut Store,
    m: &Module,
    path: &str,
    available: &HashMap<String, Vec<(String, ExternVal)>>,
    o: &Options<'_>,
    p: &Printer,
) -> Result<Option<InstanceAddr>, Refusal> {
    let mut imports = Vec::new();
    for (module, name, _) in m.imports() {
        let v = available
            .get(&module)
            .and_then(|items| items.iter().find(|(k, _)| *k == name).map(|(_, v)| *v))
            .ok_or_else(|| format!("{path}: link error: unknown import \"{module}\" \"{name}\""))?;
        imports.push(v);
    }
    let (inst, start) = store
        .instantiate_without_start(m, &imports)
        .map_err(|e| match e {
            Error::Uninstantiable(t) => format!("{path}: instantiation: trap \"{t}\""),
            e => format!("{path}: {e}"),
        })?;
    if let Some(f) = start {
        let exit = run_to_end(store, f, &[], o.fuel);
        if let Err(why) = outcome(store, exit).map(|_| ()) {
            report_failure(p, "start function", &[], &why);
            return Ok(None);
        }
    }
    Ok(Some(inst))
}

/// A call's function and arguments, checked.
fn prepare(
    store: &Store,
    inst: InstanceAddr,
    c: &Call<'_>,
) -> Result<(FuncAddr, Vec<Value>), Refusal> {
    let Some(ExternVal::Func(f)) = store.export(inst, c.name) else {
        return Err(format!("run: no exported function \"{}\"", c.name));
    };
    let ty = store.func_type(f).clone();
    if c.args.len() != ty.params.len() {
        return Err(format!(
            "run: \"{}\" takes {} arguments {}, {} given",
            c.name,
            ty.params.len(),
            crate::types_text::func_type(&ty),
            c.args.len()
        ));
    }
    let values = c
        .args
        .iter()
        .zip(&ty.params)
        .map(|(a, t)| {
            crate::parse_value(a, *t, store).map_err(|e| format!("run: \"{}\": {e}", c.name))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((f, values))
}

/// Runs `f` with `fuel` (or none), to its end or until the fuel is spent.
fn run_to_end(
    store: &mut Store,
    f: FuncAddr,
    args: &[Value],
    fuel: Option<u64>,
) -> Result<Exit, Error> {
    match fuel {
        Some(n) => store.invoke_with_fuel(f, args, n),
        None => store.invoke(f, args),
    }
}

/// How a call failed: a kind (`trap`, `exhaustion`, `exception`,
/// `out of fuel`, `error`) and the engine's message.
struct Failure {
    kind: &'static str,
    message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            "trap" | "exhaustion" => write!(f, "{} \"{}\"", self.kind, self.message),
            "exception" => write!(f, "uncaught {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// The values a call returned, or how it failed.
fn outcome(store: &Store, exit: Result<Exit, Error>) -> Result<Vec<Value>, Failure> {
    let fail = |kind, message: String| Err(Failure { kind, message });
    match exit {
        Err(e) => fail("error", e.to_string()),
        Ok(Exit::Returned(vs)) => Ok(vs),
        Ok(Exit::Trapped(t)) if t.is_exhaustion() => fail("exhaustion", t.to_string()),
        Ok(Exit::Trapped(t)) => fail("trap", t.to_string()),
        Ok(Exit::Thrown(e)) => fail("exception", exception_text(store, e)),
        Ok(Exit::Suspended(s)) => match s.reason() {
            SuspendReason::OutOfFuel => fail("out of fuel", "out of fuel".into()),
            SuspendReason::Host { .. } => fail("error", "suspended by a host function".into()),
        },
    }
}

/// Prints how a call failed: on stderr, or as a JSON object.
fn report_failure(p: &Printer, name: &str, args: &[String], why: &Failure) {
    if p.json {
        let o = Object::new()
            .str("kind", "invoke")
            .str("name", name)
            .raw("args", json::array(args.iter().cloned()))
            .str("outcome", why.kind)
            .str("message", &why.message);
        println!("{}", o.finish());
    } else {
        eprintln!("wasm-ref: {name}: {why}");
    }
}

/// Runs one call and prints its results; false if it failed.
fn invoke(
    store: &mut Store,
    p: &Printer,
    name: &str,
    f: FuncAddr,
    args: &[Value],
    fuel: Option<u64>,
) -> bool {
    let ty = store.func_type(f).clone();
    let exit = run_to_end(store, f, args, fuel);
    let json_args: Vec<String> = args
        .iter()
        .zip(&ty.params)
        .map(|(v, t)| p.json_value(v, *t))
        .collect();
    match outcome(store, exit) {
        Ok(vs) => {
            if p.json {
                let results = vs.iter().zip(&ty.results).map(|(v, t)| p.json_value(v, *t));
                let o = Object::new()
                    .str("kind", "invoke")
                    .str("name", name)
                    .raw("args", json::array(json_args))
                    .str("outcome", "return")
                    .raw("results", json::array(results));
                println!("{}", o.finish());
            } else {
                for v in &vs {
                    println!("{}", p.text(v));
                }
            }
            true
        }
        Err(why) => {
            let shown = if p.json {
                name.to_string()
            } else {
                format!("\"{name}\"")
            };
            report_failure(p, &shown, &json_args, &why);
            false
        }
    }
}

/// `--globals`: every exported global with its type and value.
fn globals(store: &Store, inst: InstanceAddr, p: &Printer) {
    for (name, v) in store.exports(inst) {
        let ExternVal::Global(g) = v else { continue };
        let ExternType::Global(ty) = store.extern_type(v) else {
            continue;
        };
        let value = store.global_get(g);
        p.line(
            || {
                format!(
                    "global \"{name}\" {} {}",
                    global_val_type(ty),
                    p.text(&value)
                )
            },
            || {
                Object::new()
                    .str("kind", "global")
                    .str("name", &name)
                    .str("type", &global_val_type(ty))
                    .raw("value", p.json_value(&value, ty.val))
                    .finish()
            },
        );
    }
}

/// Finds a dump's memory and checks its range.
fn check_dump(store: &Store, inst: InstanceAddr, d: &Dump) -> Result<interp::MemAddr, Refusal> {
    let Some(ExternVal::Mem(m)) = store.export(inst, &d.name) else {
        return Err(format!(
            "run --dump-memory: no exported memory \"{}\"",
            d.name
        ));
    };
    let size = store.mem_data(m).len() as u64;
    match d.offset.checked_add(d.len) {
        Some(end) if end <= size => Ok(m),
        _ => Err(format!(
            "run --dump-memory: {}+{} is past the end of memory \"{}\" ({size} bytes)",
            d.offset, d.len, d.name
        )),
    }
}

/// `--dump-memory`: 16 bytes a line, offset first, then printable ASCII.
fn dump_memory(p: &Printer, d: &Dump, bytes: &[u8]) {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if p.json {
        let o = Object::new()
            .str("kind", "memory")
            .str("name", &d.name)
            .num("offset", d.offset)
            .num("length", d.len)
            .str("bytes", &hex);
        println!("{}", o.finish());
        return;
    }
    println!("memory \"{}\" from {} ({} bytes):", d.name, d.offset, d.len);
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        println!(
            "{:08x}  {:<47}  |{ascii}|",
            d.offset + 16 * i as u64,
            hex.join(" ")
        );
    }
}
