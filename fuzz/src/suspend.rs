//! Target `suspend`: the same module run three ways by our interpreter:
//! straight through; paused every N steps and at every host call, then
//! resumed (decision D4); and every call on a native stack of its own
//! (`interp::fiber`). Everything we implement is generated (exceptions and
//! relaxed SIMD included, GC aside). The three runs must agree bit for bit:
//! results, traps, exceptions and their fields, host calls, and every
//! exported global, memory and table after each call.

use crate::exec::{self, HostLog, HostMode, Ours};
use crate::{Finding, Verdict, smith, wast};
use arbitrary::Unstructured;
use interp::fiber::{Fiber, FiberState, Suspend};
use interp::{Error, Exit, ExternVal, Features, FuncAddr, Store, SuspendReason, Value};

/// The module's own fuel (see `exec`).
const MODULE_FUEL: u32 = 2_000;

/// Steps per call before the case is given up (a paused run may stop
/// after every step: keep it small).
const STEP_LIMIT: u64 = 2_000_000;

/// Native stack per call.
const STACK: usize = 256 * 1024;

/// How a run is made.
#[derive(Clone, Copy, Debug)]
enum How {
    Plain,
    Paused { step: u64 },
    Native,
}

/// What one call showed: its outcome, the host calls it made, and the
/// exported state after it.
#[derive(Debug, PartialEq)]
struct Seen {
    outcome: String,
    host: Vec<(String, Vec<u64>)>,
    state: Vec<(String, String)>,
}

/// One case.
pub fn check(input: &[u8]) -> Verdict {
    let mut u = Unstructured::new(input);
    let f = Features::wasm3();
    let Ok(config) = smith::config(&mut u, &f, smith::Purpose::Run) else {
        return Verdict::Skip;
    };
    let Some(bytes) = smith::terminating_module(&mut u, config, MODULE_FUEL) else {
        return Verdict::Skip;
    };
    let step = u.int_in_range(1..=40u64).unwrap_or(7);
    // The calls: every exported function twice, with arguments from `u`.
    let Ok(probe) = exec::instantiate_ours(&bytes, &f, HostMode::Suspend) else {
        return Verdict::Skip;
    };
    let mut plan: Vec<(String, FuncAddr, Vec<Value>)> = Vec::new();
    // The start function first, run like every call (it may call the host).
    if let Some(s) = probe.start {
        plan.push(("(start)".into(), s, Vec::new()));
    }
    for _ in 0..2 {
        for (name, v) in probe.store.exports(probe.inst) {
            if let ExternVal::Func(a) = v {
                let ty = probe.store.func_type(a).clone();
                let args = ty
                    .params
                    .iter()
                    .map(|t| exec::arg(&mut u, &probe.store, *t))
                    .collect();
                plan.push((name, a, args));
            }
        }
    }
    drop(probe);
    let Some(plain) = run(&bytes, &f, How::Plain, &plan) else {
        return Verdict::Skip;
    };
    for how in [How::Paused { step }, How::Native] {
        let Some(other) = run(&bytes, &f, how, &plan) else {
            return Verdict::Skip;
        };
        if let Some(i) = (0..plain.len().max(other.len())).find(|&i| plain.get(i) != other.get(i)) {
            let what = match (plain.get(i), other.get(i)) {
                (Some(a), Some(b)) if a.outcome != b.outcome => "outcome",
                (Some(a), Some(b)) if a.host != b.host => "host calls",
                (Some(_), Some(_)) => "exported state",
                _ => "number of calls",
            };
            let name = match how {
                How::Paused { .. } => "paused",
                _ => "native",
            };
            let mut text = format!(
                ";; {how:?} against plain, call {}\n;; plain: {:?}\n;; {name}: {:?}\n",
                i + 1,
                plain.get(i),
                other.get(i)
            );
            text.push_str(exec::HOST_MODULE);
            text.push_str(
                &wast::module_text(&bytes).unwrap_or_else(|| wast::module_binary(&bytes)),
            );
            text.push('\n');
            for (n, _, args) in plan.iter().take(i + 1) {
                text.push_str(&format!("{}\n", wast::invoke(n, args)));
            }
            return Verdict::Mismatch(Finding {
                key: format!("a {name} run differs from the plain one: {what}"),
                wast: text,
                wat: wast::module_text(&bytes),
            });
        }
    }
    Verdict::Agree
}

/// Runs the plan one way; `None` if a call ran out of steps.
fn run(
    bytes: &[u8],
    f: &Features,
    how: How,
    plan: &[(String, FuncAddr, Vec<Value>)],
) -> Option<Vec<Seen>> {
    let mut ours = match exec::instantiate_ours(bytes, f, HostMode::Suspend) {
        Ok(o) => o,
        Err(e) => {
            return Some(vec![Seen {
                outcome: e,
                host: Vec::new(),
                state: Vec::new(),
            }]);
        }
    };
    let mut seen = Vec::new();
    for (_, func, args) in plan {
        ours.log.borrow_mut().clear();
        let exit = match how {
            How::Plain => plain(&mut ours, *func, args)?,
            How::Paused { step } => paused(&mut ours, *func, args, step)?,
            How::Native => native(&mut ours, *func, args)?,
        };
        let outcome = match exit {
            Ok(Exit::Returned(vs)) => {
                let vs: Vec<String> = vs.iter().map(wast::value).collect();
                format!("returned {}", vs.join(" "))
            }
            Ok(Exit::Trapped(t)) => format!("trapped: {t}"),
            Ok(Exit::Thrown(e)) => {
                let fields: Vec<String> =
                    ours.store.exn_fields(e).iter().map(wast::value).collect();
                format!(
                    "threw tag {} with {}",
                    ours.store.exn_tag(e).0,
                    fields.join(" ")
                )
            }
            Ok(Exit::Suspended(_)) => return None,
            Err(e) => format!("error: {e}"),
        };
        seen.push(Seen {
            outcome,
            host: ours.log.borrow().clone(),
            state: state(&ours.store, ours.inst),
        });
    }
    Some(seen)
}

/// Runs a call straight through: the host functions (which suspend, in
/// every run of this target) are answered at once; `None` if it takes more
/// than `STEP_LIMIT` steps.
fn plain(ours: &mut Ours, func: FuncAddr, args: &[Value]) -> Option<Result<Exit, Error>> {
    drive(&mut ours.store, &ours.log, func, args, STEP_LIMIT)
}

/// Runs a call paused every `step` steps and at every host call; `None`
/// if it takes more than `STEP_LIMIT` steps.
fn paused(
    ours: &mut Ours,
    func: FuncAddr,
    args: &[Value],
    step: u64,
) -> Option<Result<Exit, Error>> {
    drive(&mut ours.store, &ours.log, func, args, step)
}

/// Runs a call with `step` steps of fuel at a time, answering every host
/// call and resuming until it ends.
fn drive(
    store: &mut Store,
    log: &HostLog,
    func: FuncAddr,
    args: &[Value],
    step: u64,
) -> Option<Result<Exit, Error>> {
    let mut exit = store.invoke_with_fuel(func, args, step);
    let mut steps = 0u64;
    loop {
        let s = match exit {
            Ok(Exit::Suspended(s)) => s,
            other => return Some(other),
        };
        if *s.reason() == SuspendReason::OutOfFuel {
            steps += step;
        }
        if steps >= STEP_LIMIT {
            return None;
        }
        let values = match s.reason().clone() {
            SuspendReason::OutOfFuel => Vec::new(),
            SuspendReason::Host { func, .. } => {
                let (name, raw) = log.borrow().last().cloned()?;
                let results = store.func_type(func).results.clone();
                exec::host_values(&name, &raw, &results)
            }
        };
        exit = s.resume_with_fuel(store, &values, step);
    }
}

/// Runs a call on a fiber of its own, the store moving onto it and back;
/// the host calls are answered on the fiber, as the driver of a promising
/// call does in native-stack mode.
fn native(ours: &mut Ours, func: FuncAddr, args: &[Value]) -> Option<Result<Exit, Error>> {
    let store = std::mem::replace(&mut ours.store, Store::new(interp::Config::default()));
    let log = ours.log.clone();
    let args = args.to_vec();
    type Done = (Store, Option<Result<Exit, Error>>);
    let mut fiber = Fiber::new(STACK, move |_: &Suspend<(), (), Done>, ()| {
        let mut store = store;
        let exit = drive(&mut store, &log, func, &args, STEP_LIMIT);
        (store, exit)
    })
    .ok()?;
    match fiber.resume(()) {
        FiberState::Returned((store, exit)) => {
            ours.store = store;
            exit
        }
        FiberState::Yielded(()) => None,
    }
}

/// Every exported global's value, memory's bytes (as a hash) and table's
/// entries, by name.
fn state(store: &Store, inst: interp::InstanceAddr) -> Vec<(String, String)> {
    store
        .exports(inst)
        .into_iter()
        .filter_map(|(name, v)| {
            let s = match v {
                ExternVal::Global(g) => wast::value(&store.global_get(g)),
                ExternVal::Mem(m) => {
                    let d = store.mem_data(m);
                    format!("{} bytes, hash {:016x}", d.len(), fnv(d))
                }
                ExternVal::Table(t) => {
                    let n = store.table_size(t);
                    let entries: Vec<String> = (0..n)
                        .map(|i| {
                            store
                                .table_get(t, i)
                                .map(|v| v.to_string())
                                .unwrap_or_default()
                        })
                        .collect();
                    format!(
                        "{n} entries, hash {:016x}",
                        fnv(entries.concat().as_bytes())
                    )
                }
                _ => return None,
            };
            Some((name, s))
        })
        .collect()
}

/// FNV-1a, to compare memories without keeping them.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x100_0000_01b3)
    })
}
