//! Target `exec`: execution against wasmi 2.0. A module from wasm-smith
//! (the features both engines implement: 2.0, tail calls, extended
//! constants, multi-memory, memory64; relaxed SIMD is off, since the spec
//! lets its results differ), made to terminate (`ensure_termination`), is
//! instantiated in both with the same host functions, and each exported
//! function is called in turn with the same arguments. After each call the
//! results or the trap, the host calls made, and every exported global,
//! memory and table must agree (NaNs by the spec's rules: `compare`).

use crate::compare::{self, V};
use crate::{Finding, Verdict, shrink, smith, wast};
use arbitrary::Unstructured;
use interp::syntax::ValType;
use interp::{Exit, ExternVal, Features, HostOutcome, Store, Trap, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// The features both engines implement.
pub fn features() -> Features {
    Features {
        exceptions: false,
        function_references: false,
        relaxed_simd: false,
        ..Features::wasm3()
    }
}

/// Fuel of the counter `ensure_termination` adds: loops and calls trap
/// after this many iterations, in both engines alike.
const MODULE_FUEL: u32 = 2_000;

/// Steps our interpreter may take per call before the case is given up
/// (a backstop: the module's own fuel ends every call long before).
const OUR_FUEL: u64 = 20_000_000;

/// One case.
pub fn check(input: &[u8]) -> Verdict {
    let mut u = Unstructured::new(input);
    let f = features();
    let Ok(mut config) = smith::config(&mut u, &f, smith::Purpose::Run) else {
        return Verdict::Skip;
    };
    // Two cases in three with canonical NaNs, where everything but a
    // result NaN's bits must agree; the others check NaN results by the
    // spec's rules but not the integers and bytes a NaN's bits may reach.
    let canonical = u.arbitrary::<u8>().unwrap_or(0) % 3 != 0;
    config.canonicalize_nans = canonical;
    // wasm-smith's guards against traps (`disallow_traps`) divide by
    // `select(1, x, i32.eqz x)`, which wasmi 2.0 computes wrongly (see
    // fuzz/peer-bugs/wasmi-select-eqz.wast): with them on, nearly every
    // case with a division would show that one bug again.
    config.disallow_traps = false;
    let Some(bytes) = smith::terminating_module(&mut u, config, MODULE_FUEL) else {
        return Verdict::Skip;
    };
    let mut calls = Vec::new();
    match compare(&bytes, &mut u, &f, canonical, &mut calls) {
        Verdict::Mismatch(mut finding) => {
            finding.wast = reproducer(&bytes, &finding.wast, &calls);
            finding.wat = wast::module_text(&bytes);
            Verdict::Mismatch(finding)
        }
        v => v,
    }
}

/// Runs a given module in both engines (`--replay`): every export called
/// with zeros (and the like), twice.
pub fn compare_module(bytes: &[u8]) -> Verdict {
    let mut u = Unstructured::new(&[]);
    let mut calls = Vec::new();
    match compare(bytes, &mut u, &features(), false, &mut calls) {
        Verdict::Mismatch(mut finding) => {
            finding.wast = reproducer(bytes, &finding.wast, &calls);
            Verdict::Mismatch(finding)
        }
        v => v,
    }
}

/// A call made so far, for the reproducer: the export, the arguments and
/// what we answered.
pub struct Call {
    /// The export's name.
    pub name: String,
    /// The arguments.
    pub args: Vec<Value>,
    /// Our results, or our trap's message.
    pub ours: Result<Vec<Value>, String>,
}

/// The host calls a run made: the function's name and its arguments' bits.
pub type HostLog = Rc<RefCell<Vec<(String, Vec<u64>)>>>;

/// An outcome of a call, engine-neutral.
#[derive(Debug, PartialEq)]
enum Out {
    Returned(Vec<V>),
    Trapped(String),
    /// A resource ran out (a stack, or a step backstop): not compared.
    Exhausted,
}

fn mismatch(key: String, detail: String) -> Verdict {
    Verdict::Mismatch(Finding {
        key,
        wast: detail,
        wat: None,
    })
}

/// Runs the module in both engines, call by call, comparing as it goes.
fn compare(
    bytes: &[u8],
    u: &mut Unstructured<'_>,
    f: &Features,
    canonical: bool,
    calls: &mut Vec<Call>,
) -> Verdict {
    let ours = instantiate_ours(bytes, f, HostMode::Return);
    let theirs = shrink::peer(|| Theirs::instantiate(bytes));
    let (mut ours, mut theirs) = match (ours, theirs) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(_), Err(_)) => return Verdict::Agree,
        (Ok(_), Err(e)) => {
            return mismatch(
                "we instantiate, wasmi refuses".into(),
                format!(";; wasmi: {e}\n"),
            );
        }
        (Err(e), Ok(_)) => {
            return mismatch(
                format!("we refuse ({}), wasmi instantiates", shrink::panic_key(&e)),
                format!(";; ours: {e}\n"),
            );
        }
    };
    let funcs: Vec<(String, interp::FuncAddr)> = ours
        .store
        .exports(ours.inst)
        .into_iter()
        .filter_map(|(n, v)| match v {
            ExternVal::Func(a) => Some((n, a)),
            _ => None,
        })
        .collect();
    for _round in 0..2 {
        for (name, fa) in &funcs {
            let ty = ours.store.func_type(*fa).clone();
            let args: Vec<Value> = ty.params.iter().map(|t| arg(u, &ours.store, *t)).collect();
            let exit = ours.store.invoke_with_fuel(*fa, &args, OUR_FUEL);
            let (o, record) = match exit {
                Ok(Exit::Returned(vs)) => (
                    Out::Returned(vs.iter().map(compare::ours).collect()),
                    Ok(vs),
                ),
                Ok(Exit::Trapped(t)) if t.is_exhaustion() => (Out::Exhausted, Err(t.to_string())),
                Ok(Exit::Trapped(t)) => (Out::Trapped(our_trap(&t)), Err(t.to_string())),
                Ok(Exit::Suspended(_)) => (Out::Exhausted, Err("out of fuel".into())),
                Ok(Exit::Thrown(_)) => (Out::Trapped("exception".into()), Err("exception".into())),
                Err(e) => (Out::Trapped(format!("error: {e}")), Err(e.to_string())),
            };
            calls.push(Call {
                name: name.clone(),
                args: args.clone(),
                ours: record,
            });
            let w = shrink::peer(|| theirs.call(name, &args));
            if o == Out::Exhausted || w == Out::Exhausted {
                return Verdict::Skip;
            }
            let detail = format!(
                ";; call {} {:?}\n;; ours:  {}\n;; wasmi: {}\n",
                calls.len(),
                name,
                show_out(&o),
                show_out(&w)
            );
            let key = match (&o, &w) {
                (Out::Returned(a), Out::Returned(b)) if results_agree(a, b, canonical) => None,
                (Out::Returned(_), Out::Returned(_)) => Some("results differ".to_string()),
                (Out::Trapped(a), Out::Trapped(b)) if a == b => None,
                (Out::Trapped(a), Out::Trapped(b)) => {
                    Some(format!("we trap ({a}), wasmi traps ({b})"))
                }
                (Out::Returned(_), Out::Trapped(b)) => {
                    Some(format!("we return, wasmi traps ({b})"))
                }
                (Out::Trapped(a), Out::Returned(_)) => {
                    Some(format!("we trap ({a}), wasmi returns"))
                }
                _ => None,
            };
            if let Some(key) = key {
                return mismatch(key, detail);
            }
            if *ours.log.borrow() != theirs.store.data().as_slice() {
                let d = format!(
                    "{detail};; our host calls:  {:?}\n;; wasmi's host calls: {:?}\n",
                    ours.log.borrow(),
                    theirs.store.data()
                );
                return mismatch("host calls differ".into(), d);
            }
            if let Some((key, what)) = state_difference(&mut ours, &mut theirs, canonical) {
                return mismatch(key, format!("{detail};; after the call: {what}\n"));
            }
        }
    }
    Verdict::Agree
}

/// Whether results agree: bit for bit but for NaNs when the module's NaNs
/// are canonical, and loosely (`compare::agree_loosely`) when they are not.
fn results_agree(a: &[V], b: &[V], canonical: bool) -> bool {
    if canonical {
        compare::all_agree(a, b)
    } else {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| compare::agree_loosely(x, y))
    }
}

fn show_out(o: &Out) -> String {
    match o {
        Out::Returned(vs) => compare::show(vs),
        Out::Trapped(t) => format!("trap: {t}"),
        Out::Exhausted => "exhausted".into(),
    }
}

/// The first exported global, memory or table whose state differs.
fn state_difference(
    ours: &mut Ours,
    theirs: &mut Theirs,
    canonical: bool,
) -> Option<(String, String)> {
    for (name, v) in ours.store.exports(ours.inst) {
        match v {
            ExternVal::Global(g) => {
                let a = compare::ours(&ours.store.global_get(g));
                let b = theirs.global(&name)?;
                if !results_agree(&[a], &[b], canonical) {
                    return Some((
                        "an exported global differs".into(),
                        format!(
                            "global {name:?}: ours {}, wasmi {}",
                            compare::show(&[a]),
                            compare::show(&[b])
                        ),
                    ));
                }
            }
            ExternVal::Mem(m) => {
                let a = ours.store.mem_data(m);
                let b = theirs.memory(&name)?;
                // Without canonical NaNs, a NaN's bits may be stored
                // anywhere: only the sizes must agree then.
                let d = if canonical {
                    (a != b).then(|| {
                        a.iter()
                            .zip(&b)
                            .position(|(x, y)| x != y)
                            .unwrap_or(a.len().min(b.len()))
                    })
                } else {
                    (a.len() != b.len()).then(|| a.len().min(b.len()))
                };
                if let Some(at) = d {
                    return Some((
                        "an exported memory differs".into(),
                        format!(
                            "memory {name:?} (ours {} bytes, wasmi {}) first differs at byte {at}",
                            a.len(),
                            b.len()
                        ),
                    ));
                }
            }
            ExternVal::Table(t) => {
                let a: Vec<bool> = (0..ours.store.table_size(t))
                    .map(|i| {
                        ours.store.table_get(t, i).is_some_and(|v| {
                            compare::ours(&v) == V::FuncRef { null: true }
                                || compare::ours(&v) == V::ExternRef { null: true }
                        })
                    })
                    .collect();
                let b = theirs.table_nulls(&name)?;
                if a != b {
                    return Some((
                        "an exported table differs".into(),
                        format!("table {name:?}: sizes ours {}, wasmi {}", a.len(), b.len()),
                    ));
                }
            }
            _ => {}
        }
    }
    None
}

/// The reproducer: the comments, the host functions as a module, the
/// module, and every call made with our outcome asserted.
fn reproducer(bytes: &[u8], comments: &str, calls: &[Call]) -> String {
    let mut s = String::new();
    s.push_str(comments);
    s.push_str(HOST_MODULE);
    match wast::module_text(bytes) {
        Some(t) => s.push_str(&t),
        None => s.push_str(&wast::module_binary(bytes)),
    }
    s.push('\n');
    for c in calls {
        let inv = wast::invoke(&c.name, &c.args);
        match &c.ours {
            Ok(vs) => {
                let vs: Vec<String> = vs.iter().map(wast::value).collect();
                s.push_str(&format!("(assert_return {inv} {})\n", vs.join(" ")));
            }
            Err(t) => s.push_str(&format!("(assert_trap {inv} {})\n", wast::string(t))),
        }
    }
    s
}

/// The host functions as a wasm module, so that a reproducer runs in any
/// `.wast` runner: the same meaning as `smith::host_result`.
pub const HOST_MODULE: &str = r#"(module $host
  (func (export "i32") (param i32) (result i32)
    (i32.add (i32.mul (local.get 0) (i32.const 3)) (i32.const 1)))
  (func (export "i64") (param i64 i32) (result i64)
    (i64.xor (i64.rotl (local.get 0) (i64.extend_i32_u (local.get 1))) (i64.const 0x5555)))
  (func (export "f64") (param f64) (result f64) (local.get 0))
  (func (export "v")))
(register "host" $host)
"#;

/// wasmi's side.
struct Theirs {
    store: wasmi::Store<Vec<(String, Vec<u64>)>>,
    inst: wasmi::Instance,
}

impl Theirs {
    fn instantiate(bytes: &[u8]) -> Result<Theirs, String> {
        let mut config = wasmi::Config::default();
        config
            .wasm_multi_memory(true)
            .wasm_memory64(true)
            .wasm_tail_call(true)
            .wasm_extended_const(true)
            .wasm_simd(true)
            .wasm_relaxed_simd(false)
            .consume_fuel(true)
            .set_max_recursion_depth(20_000);
        let engine = wasmi::Engine::new(&config);
        let module = wasmi::Module::new(&engine, bytes).map_err(|e| format!("compile: {e}"))?;
        let mut store = wasmi::Store::new(&engine, Vec::new());
        let mut linker = wasmi::Linker::new(&engine);
        for name in smith::HOST_FUNCS {
            let (params, results): (&[wasmi::ValType], &[wasmi::ValType]) = match name {
                "i32" => (&[wasmi::ValType::I32], &[wasmi::ValType::I32]),
                "i64" => (
                    &[wasmi::ValType::I64, wasmi::ValType::I32],
                    &[wasmi::ValType::I64],
                ),
                "f64" => (&[wasmi::ValType::F64], &[wasmi::ValType::F64]),
                _ => (&[], &[]),
            };
            let ty = wasmi::FuncType::new(params.iter().copied(), results.iter().copied());
            linker
                .func_new(
                    "host",
                    name,
                    ty,
                    move |mut caller: wasmi::Caller<'_, Vec<(String, Vec<u64>)>>, args, out| {
                        let raw: Vec<u64> = args.iter().map(their_bits).collect();
                        caller.data_mut().push((name.to_string(), raw.clone()));
                        for (o, b) in out.iter_mut().zip(smith::host_result(name, &raw)) {
                            *o = match o {
                                wasmi::Val::I32(_) => wasmi::Val::I32(b as u32 as i32),
                                wasmi::Val::I64(_) => wasmi::Val::I64(b as i64),
                                _ => wasmi::Val::F64(wasmi::F64::from_bits(b)),
                            };
                        }
                        Ok(())
                    },
                )
                .map_err(|e| e.to_string())?;
        }
        store.set_fuel(u64::MAX / 4).map_err(|e| e.to_string())?;
        let inst = linker
            .instantiate_and_start(&mut store, &module)
            .map_err(|e| format!("instantiate: {e}"))?;
        Ok(Theirs { store, inst })
    }

    fn call(&mut self, name: &str, args: &[Value]) -> Out {
        let Some(f) = self.inst.get_func(&self.store, name) else {
            return Out::Trapped(format!("no export {name}"));
        };
        let ty = f.ty(&self.store);
        let args: Vec<wasmi::Val> = args.iter().map(to_wasmi).collect();
        let mut results: Vec<wasmi::Val> = ty
            .results()
            .iter()
            .map(|t| wasmi::Val::default_for_ty(*t))
            .collect();
        let _ = self.store.set_fuel(1_000_000_000);
        match f.call(&mut self.store, &args, &mut results) {
            Ok(()) => Out::Returned(results.iter().map(from_wasmi).collect()),
            Err(e) => match e.as_trap_code() {
                Some(wasmi::TrapCode::OutOfFuel | wasmi::TrapCode::StackOverflow) => Out::Exhausted,
                Some(c) => Out::Trapped(their_trap(c).into()),
                None => Out::Trapped(format!("error: {e}")),
            },
        }
    }

    fn global(&self, name: &str) -> Option<V> {
        let g = self.inst.get_global(&self.store, name)?;
        Some(from_wasmi(&g.get(&self.store)))
    }

    fn memory(&self, name: &str) -> Option<Vec<u8>> {
        let m = self.inst.get_memory(&self.store, name)?;
        Some(m.data(&self.store).to_vec())
    }

    fn table_nulls(&self, name: &str) -> Option<Vec<bool>> {
        let t = self.inst.get_table(&self.store, name)?;
        Some(
            (0..t.size(&self.store))
                .map(|i| match t.get(&self.store, i) {
                    Some(wasmi::Ref::Func(f)) => f.is_null(),
                    Some(wasmi::Ref::Extern(e)) => e.is_null(),
                    None => false,
                })
                .collect(),
        )
    }
}

fn their_bits(v: &wasmi::Val) -> u64 {
    match v {
        wasmi::Val::I32(x) => *x as u32 as u64,
        wasmi::Val::I64(x) => *x as u64,
        wasmi::Val::F32(x) => x.to_bits() as u64,
        wasmi::Val::F64(x) => x.to_bits(),
        _ => 0,
    }
}

fn to_wasmi(v: &Value) -> wasmi::Val {
    match *v {
        Value::I32(x) => wasmi::Val::I32(x),
        Value::I64(x) => wasmi::Val::I64(x),
        Value::F32(b) => wasmi::Val::F32(wasmi::F32::from_bits(b)),
        Value::F64(b) => wasmi::Val::F64(wasmi::F64::from_bits(b)),
        Value::V128(b) => wasmi::Val::V128(wasmi::V128::from(b)),
        Value::ExternRef(_) => wasmi::Val::ExternRef(wasmi::Nullable::Null),
        _ => wasmi::Val::FuncRef(wasmi::Nullable::Null),
    }
}

fn from_wasmi(v: &wasmi::Val) -> V {
    match v {
        wasmi::Val::I32(x) => V::I32(*x as u32),
        wasmi::Val::I64(x) => V::I64(*x as u64),
        wasmi::Val::F32(x) => V::F32(x.to_bits()),
        wasmi::Val::F64(x) => V::F64(x.to_bits()),
        wasmi::Val::V128(x) => V::V128(x.as_u128()),
        wasmi::Val::FuncRef(f) => V::FuncRef { null: f.is_null() },
        wasmi::Val::ExternRef(e) => V::ExternRef { null: e.is_null() },
    }
}

/// wasmi's trap as the category `our_trap` names.
fn their_trap(c: wasmi::TrapCode) -> &'static str {
    use wasmi::TrapCode as C;
    match c {
        C::UnreachableCodeReached => "unreachable",
        C::MemoryOutOfBounds => "out of bounds memory access",
        C::TableOutOfBounds => "out of bounds table access",
        C::IndirectCallToNull => "null function",
        C::IntegerDivisionByZero => "integer divide by zero",
        C::IntegerOverflow => "integer overflow",
        C::BadConversionToInteger => "invalid conversion to integer",
        C::BadSignature => "indirect call type mismatch",
        _ => "other",
    }
}

/// An argument of type `t` drawn from `u`: edge values more often than not.
pub fn arg(u: &mut Unstructured<'_>, store: &Store, t: ValType) -> Value {
    let pick = u.arbitrary::<u8>().unwrap_or(0);
    let raw = u.arbitrary::<u64>().unwrap_or(0);
    match t {
        ValType::I32 => Value::I32(int_edge(pick, raw, 32) as i32),
        ValType::I64 => Value::I64(int_edge(pick, raw, 64) as i64),
        ValType::F32 => Value::F32(match pick % 10 {
            0 => 0,
            1 => 0x8000_0000,
            2 => 1.0f32.to_bits(),
            3 => f32::INFINITY.to_bits(),
            4 => f32::NEG_INFINITY.to_bits(),
            5 => 0x7fc0_0000,
            6 => 0x7fa0_0001,
            7 => 1,
            _ => raw as u32,
        }),
        ValType::F64 => Value::F64(match pick % 10 {
            0 => 0,
            1 => 1 << 63,
            2 => 1.0f64.to_bits(),
            3 => f64::INFINITY.to_bits(),
            4 => f64::NEG_INFINITY.to_bits(),
            5 => 0x7ff8_0000_0000_0000,
            6 => 0x7ff4_0000_0000_0001,
            7 => 1,
            _ => raw,
        }),
        ValType::V128 => Value::V128(match pick % 3 {
            0 => 0,
            _ => (raw as u128) << 64 | u.arbitrary::<u64>().unwrap_or(0) as u128,
        }),
        ValType::Ref(_) => store.default_value(t).unwrap_or(Value::FuncRef(None)),
    }
}

/// An integer of `bits` bits: 0, 1, -1, the signed minimum and maximum, a
/// small number, or `raw`, by `pick`.
fn int_edge(pick: u8, raw: u64, bits: u32) -> u64 {
    let mask = u64::MAX >> (64 - bits);
    let min = 1u64 << (bits - 1);
    match pick % 8 {
        0 => 0,
        1 => 1,
        2 => mask,
        3 => min,
        4 => min - 1,
        5 => raw % 64,
        _ => raw & mask,
    }
}

/// A value's raw bits for the host log and `host_result`.
pub fn bits(v: &Value) -> u64 {
    match *v {
        Value::I32(x) => x as u32 as u64,
        Value::I64(x) => x as u64,
        Value::F32(b) => b as u64,
        Value::F64(b) => b,
        _ => 0,
    }
}

/// A host function's results, for arguments with these bits, as values of
/// its result types.
pub fn host_values(name: &str, raw: &[u64], results: &[ValType]) -> Vec<Value> {
    smith::host_result(name, raw)
        .iter()
        .zip(results)
        .map(|(b, t)| match t {
            ValType::I32 => Value::I32(*b as u32 as i32),
            ValType::I64 => Value::I64(*b as i64),
            ValType::F32 => Value::F32(*b as u32),
            _ => Value::F64(*b),
        })
        .collect()
}

/// Our trap as the category both engines can name: the spec's message,
/// except where wasmi's trap codes are coarser.
pub fn our_trap(t: &Trap) -> String {
    match t {
        // wasmi names a call_indirect past the table's end as a table access.
        Trap::UndefinedElement(_) => Trap::TableOutOfBounds.to_string(),
        Trap::UninitializedElement(_) | Trap::NullFunctionReference => "null function".into(),
        t if t.is_exhaustion() => "exhausted".into(),
        Trap::Host(_) => "host".into(),
        t => t.to_string(),
    }
}

/// Our side: a store with the host functions, the module instantiated.
pub struct Ours {
    /// The store.
    pub store: Store,
    /// The module's instance.
    pub inst: interp::InstanceAddr,
    /// The host calls made so far.
    pub log: HostLog,
    /// The start function, if the caller is to run it (see `instantiate_ours`).
    pub start: Option<interp::FuncAddr>,
}

/// How our host functions answer: at once, or by suspending (the caller
/// then resumes with `host_values`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum HostMode {
    /// Return the results.
    Return,
    /// Suspend; the driver resumes with the results.
    Suspend,
}

/// Instantiates `bytes` in a new store of ours with the `host` functions.
/// With `HostMode::Suspend` the start function is not run (a start
/// function may not suspend: decision D4) but left in `Ours::start`.
///
/// # Errors
/// Our error's text, if the module is refused or does not instantiate.
pub fn instantiate_ours(bytes: &[u8], f: &Features, mode: HostMode) -> Result<Ours, String> {
    let module = interp::Module::new(bytes, f).map_err(|e| format!("compile: {e}"))?;
    let mut store = Store::new(interp::Config {
        features: *f,
        ..interp::Config::default()
    });
    let log: HostLog = Rc::new(RefCell::new(Vec::new()));
    let mut imports = Vec::new();
    for (k, (_, name, ty)) in module.imports().into_iter().enumerate() {
        let interp::ExternType::Func(ft) = ty else {
            return Err(format!("unexpected import {name}"));
        };
        let log = log.clone();
        let results = ft.results.clone();
        let f = store.alloc_host_func(ft, move |_, args| {
            let raw: Vec<u64> = args.iter().map(bits).collect();
            log.borrow_mut().push((name.clone(), raw.clone()));
            match mode {
                HostMode::Return => HostOutcome::Return(host_values(&name, &raw, &results).into()),
                HostMode::Suspend => HostOutcome::Suspend(k as u64),
            }
        });
        imports.push(ExternVal::Func(f));
    }
    let (inst, start) = match mode {
        HostMode::Return => (store.instantiate(&module, &imports), None),
        HostMode::Suspend => match store.instantiate_without_start(&module, &imports) {
            Ok((i, s)) => (Ok(i), s),
            Err(e) => (Err(e), None),
        },
    };
    let inst = inst.map_err(|e| format!("instantiate: {e}"))?;
    Ok(Ours {
        store,
        inst,
        log,
        start,
    })
}
