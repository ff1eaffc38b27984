//! The runner's adapter to the `interp` crate: the only file of this crate
//! that knows the interpreter. It also defines the `spectest` host module.
//!
//! In [`Mode::Suspending`], every invocation (start functions included) runs
//! with a fuel step and is resumed each time the fuel runs out, and every
//! `spectest.print*` call suspends the whole computation and is resumed with
//! no values: each script then also checks that suspending and resuming at
//! arbitrary instructions and at every host call changes nothing.

use crate::embedder::*;
use interp::syntax::{
    AddrType, FuncType, GlobalType, Limits, MemType, Mut, RefType, TableType, ValType,
};
use interp::{
    AnyRef, Config, Error, ErrorKind, Exit, ExternAddr, ExternVal, Features, FuncAddr, HostOutcome,
    Module, Store, Trap, Value, Values,
};
use std::collections::HashMap;

/// How invocations run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Straight through.
    Plain,
    /// Paused every `fuel_step` instructions and at every spectest host call,
    /// and resumed.
    Suspending {
        /// Instructions between pauses.
        fuel_step: u64,
    },
    /// Every invocation (start functions included) runs on a native stack
    /// of its own of `stack_size` bytes (`interp::fiber`, decision D13), as a
    /// promising call does in `wasm-ref js --stacks native`.
    Native {
        /// The fiber's stack size in bytes.
        stack_size: usize,
    },
}

/// The features a test file needs, from its path in the test suite
/// (decision D6): WebAssembly 1.0 files are run without later features,
/// since some of their `assert_invalid`s rely on that; 2.0 files, and the
/// folders of the proposals that 2.0 merged, with 2.0's (but bulk memory,
/// whose snapshot now uses 3.0's type syntax in two files and passes whole
/// with 3.0). The snapshots written before 2.0 get the rules they were
/// written for: multi-value 1.0 with multi-value (a `call_indirect` still
/// has 1.0's zero byte), mutable-global 1.0 with its link-time segment
/// checks, reference-types 2.0 with 1.0's equal `br_table` labels; threads
/// is a 1.0 snapshot too (one table, one memory). The memory64 and
/// function-references snapshots run without the proposals that came after
/// them and changed their encodings (multi-memory's memory index where they
/// expect a zero byte; memory64's 64-bit limits). The folders of proposals
/// not yet in the specification get 3.0 and their proposal, and so do our
/// files named after one (`threads_*.wast`, ...); everything else, and any
/// other file, 3.0.
pub fn features_for_path(path: &str) -> Features {
    const MERGED_INTO_2_0: [&str; 2] = [
        "proposals/nontrapping-float-to-int-conversions/",
        "proposals/sign-extension-ops/",
    ];
    let (v1, v2, v3) = (Features::wasm1(), Features::wasm2(), Features::wasm3());
    let name = path.rsplit('/').next().unwrap_or(path);
    // A proposal's folder in the suite, or one of our files named after it.
    let under = |folder: &str| {
        path.contains(folder)
            || folder
                .strip_prefix("proposals/")
                .and_then(|p| p.strip_suffix('/'))
                .is_some_and(|p| {
                    !path.contains("proposals/")
                        && name.starts_with(&format!("{}_", p.replace('-', "_")))
                })
    };
    if under("wasm-v1/") {
        v1
    } else if under("proposals/multi-value/") {
        Features {
            multi_value: true,
            ..v1
        }
    } else if under("proposals/mutable-global/") {
        Features {
            link_time_segment_checks: true,
            ..v1
        }
    } else if under("proposals/reference-types/") {
        Features {
            br_table_equal_labels: true,
            ..v2
        }
    } else if under("wasm-v2/") || MERGED_INTO_2_0.iter().any(|p| under(p)) {
        v2
    } else if path.contains("proposals/threads/") {
        Features {
            threads: true,
            ..v1
        }
    } else if under("proposals/threads/") {
        Features {
            threads: true,
            ..v3
        }
    } else if under("proposals/wide-arithmetic/") {
        Features {
            wide_arithmetic: true,
            ..v3
        }
    } else if under("proposals/custom-page-sizes/") {
        Features {
            custom_page_sizes: true,
            ..v3
        }
    } else if under("proposals/custom-descriptors/") {
        Features {
            custom_descriptors: true,
            ..v3
        }
    } else if under("proposals/memory64/") {
        Features {
            multi_memory: false,
            ..v3
        }
    } else if under("proposals/function-references/") {
        Features {
            multi_memory: false,
            memory64: false,
            ..v3
        }
    } else {
        v3
    }
}

/// Runs scripts on a fresh `interp::Store`.
pub struct InterpEmbedder {
    store: Store,
    features: Features,
    mode: Mode,
    spectest: Option<Vec<(String, ExternVal)>>,
}

/// An instance: its exports, resolved once.
pub type Exports = std::rc::Rc<Vec<(String, ExternVal)>>;

impl InterpEmbedder {
    /// A new store with these features, running in this mode.
    pub fn new(features: Features, mode: Mode) -> Self {
        InterpEmbedder {
            store: Store::new(Config {
                features,
                ..Config::default()
            }),
            features,
            mode,
            spectest: None,
        }
    }

    /// Runs a computation to its end, resuming it after every pause in
    /// suspending mode.
    fn finish(&mut self, mut exit: Result<Exit, Error>) -> Outcome {
        let step = match self.mode {
            Mode::Plain | Mode::Native { .. } => u64::MAX,
            Mode::Suspending { fuel_step } => fuel_step,
        };
        loop {
            match exit {
                Err(e) => return Outcome::Error(e.to_string()),
                Ok(Exit::Returned(vs)) => {
                    return vs
                        .iter()
                        .map(to_val)
                        .collect::<Result<_, _>>()
                        .map_or_else(Outcome::Error, Outcome::Return);
                }
                Ok(Exit::Trapped(t)) => return trap_outcome(&t),
                Ok(Exit::Thrown(e)) => return self.exception(e),
                // Both kinds of pause (fuel, and a spectest print) resume with no values.
                Ok(Exit::Suspended(s)) => exit = s.resume_with_fuel(&mut self.store, &[], step),
            }
        }
    }

    fn call(&mut self, f: FuncAddr, args: &[Value]) -> Outcome {
        let exit = match self.mode {
            Mode::Plain => self.store.invoke(f, args),
            Mode::Suspending { fuel_step } => self.store.invoke_with_fuel(f, args, fuel_step),
            Mode::Native { stack_size } => match self.invoke_on_fiber(f, args, stack_size) {
                Ok(exit) => exit,
                Err(message) => return Outcome::Error(message),
            },
        };
        self.finish(exit)
    }

    /// Runs `f(args)` on a fiber: the store moves onto the fiber for the
    /// call and comes back with the outcome.
    fn invoke_on_fiber(
        &mut self,
        f: FuncAddr,
        args: &[Value],
        stack_size: usize,
    ) -> Result<Result<Exit, Error>, String> {
        use interp::fiber::{Fiber, FiberState, Suspend};
        let store = std::mem::replace(&mut self.store, Store::new(Config::default()));
        let args = args.to_vec();
        let mut fiber = Fiber::new(
            stack_size,
            move |_: &Suspend<(), (), (Store, Result<Exit, Error>)>, ()| {
                let mut store = store;
                let exit = store.invoke(f, &args);
                (store, exit)
            },
        )
        .map_err(|e| e.to_string())?;
        match fiber.resume(()) {
            FiberState::Returned((store, exit)) => {
                self.store = store;
                Ok(exit)
            }
            FiberState::Yielded(()) => unreachable!("the call never suspends its fiber"),
        }
    }

    fn exception(&self, e: interp::ExnAddr) -> Outcome {
        Outcome::Exception(exception_text(&self.store, e))
    }

    fn make_spectest(&mut self) -> Vec<(String, ExternVal)> {
        let suspend = matches!(self.mode, Mode::Suspending { .. });
        // (Native mode: the host functions return normally, on the fiber.)
        spectest(&mut self.store, move |_| {
            if suspend {
                HostOutcome::Suspend(0)
            } else {
                HostOutcome::Return(Values::new())
            }
        })
    }
}

/// Allocates the `spectest` host module (the spec interpreter's
/// `spectest.ml`) in `store`: the `print*` functions, which answer with
/// `print` (given their arguments), and the globals `global_i32` (666) and
/// friends, a `table` and a `table64` of 10 to 20 funcrefs (32- and 64-bit
/// indices) and a `memory` of 1 to 2 pages.
pub fn spectest(
    store: &mut Store,
    print: impl Fn(&[Value]) -> HostOutcome + Clone + 'static,
) -> Vec<(String, ExternVal)> {
    use ValType::*;
    let mut items = Vec::new();
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (name, params) in prints {
        let print = print.clone();
        let f = store.alloc_host_func(FuncType::new(params.to_vec(), []), move |_, args| {
            print(args)
        });
        items.push((name.to_string(), ExternVal::Func(f)));
    }
    let mut global = |name: &str, val: ValType, v: Value| {
        let g = store
            .alloc_global(
                GlobalType {
                    mutability: Mut::Const,
                    val,
                },
                v,
            )
            .expect("well-typed");
        items.push((name.to_string(), ExternVal::Global(g)));
    };
    global("global_i32", I32, Value::I32(666));
    global("global_i64", I64, Value::I64(666));
    global("global_f32", F32, Value::F32(666.6f32.to_bits()));
    global("global_f64", F64, Value::F64(666.6f64.to_bits()));
    let table = TableType {
        addr: AddrType::I32,
        limits: Limits {
            min: 10,
            max: Some(20),
        },
        elem: RefType::FUNCREF,
    };
    let t = store
        .alloc_table(table, Value::FuncRef(None))
        .expect("valid table");
    items.push(("table".into(), ExternVal::Table(t)));
    let table64 = TableType {
        addr: AddrType::I64,
        ..table
    };
    let t = store
        .alloc_table(table64, Value::FuncRef(None))
        .expect("valid table");
    items.push(("table64".into(), ExternVal::Table(t)));
    let mem = MemType::new(
        AddrType::I32,
        Limits {
            min: 1,
            max: Some(2),
        },
    );
    let m = store.alloc_mem(mem).expect("valid memory");
    items.push(("memory".into(), ExternVal::Mem(m)));
    // The threads proposal's spectest adds a shared memory of the same size.
    let shared = MemType {
        shared: true,
        ..mem
    };
    let m = store.alloc_mem(shared).expect("valid memory");
    items.push(("shared_memory".into(), ExternVal::Mem(m)));
    items
}

fn trap_outcome(t: &Trap) -> Outcome {
    if t.is_exhaustion() {
        Outcome::Exhaustion(t.to_string())
    } else {
        Outcome::Trap(t.to_string())
    }
}

/// An uncaught exception in words: its tag and its fields in the text
/// format, `exception (tag 0) with fields: (i32.const 1)`.
pub fn exception_text(store: &Store, e: interp::ExnAddr) -> String {
    let fields: Vec<String> = store.exn_fields(e).iter().map(text_of).collect();
    let fields = if fields.is_empty() {
        "none".to_string()
    } else {
        fields.join(" ")
    };
    format!(
        "exception (tag {}) with fields: {fields}",
        store.exn_tag(e).0
    )
}

/// A value of the interpreter in the text format (`(i32.const 1)`; a
/// non-null function or exception reference as `(ref.func)`, `(ref.exn)`).
pub fn text_of(v: &Value) -> String {
    to_val(v).map_or_else(|e| e, |v| v.to_string())
}

fn to_val(v: &Value) -> Result<Val, String> {
    Ok(match *v {
        Value::I32(x) => Val::I32(x),
        Value::I64(x) => Val::I64(x),
        Value::F32(b) => Val::F32(b),
        Value::F64(b) => Val::F64(b),
        Value::V128(b) => Val::V128(b),
        Value::FuncRef(None) => Val::NullFunc,
        Value::FuncRef(Some(_)) => Val::Func,
        Value::ExternRef(None) => Val::NullExtern,
        Value::ExternRef(Some(AnyRef::Host(ExternAddr(n)))) => Val::Extern(n),
        Value::ExternRef(Some(_)) => Val::ExternAny,
        Value::ExnRef(None) => Val::NullExn,
        Value::ExnRef(Some(_)) => Val::Exn,
        Value::AnyRef(None) => Val::NullAny,
        Value::AnyRef(Some(AnyRef::Host(ExternAddr(n)))) => Val::Host(n),
        Value::AnyRef(Some(AnyRef::I31(v))) => Val::I31(v),
        Value::AnyRef(Some(AnyRef::Struct(_))) => Val::Struct,
        Value::AnyRef(Some(AnyRef::Array(_))) => Val::Array,
    })
}

fn from_val(v: &Val) -> Result<Value, String> {
    Ok(match *v {
        Val::I32(x) => Value::I32(x),
        Val::I64(x) => Value::I64(x),
        Val::F32(b) => Value::F32(b),
        Val::F64(b) => Value::F64(b),
        Val::V128(b) => Value::V128(b),
        Val::NullFunc => Value::FuncRef(None),
        Val::NullExtern => Value::ExternRef(None),
        Val::Extern(n) => Value::host_extern(ExternAddr(n)),
        Val::NullExn => Value::ExnRef(None),
        Val::NullAny => Value::AnyRef(None),
        Val::Host(n) => Value::AnyRef(Some(AnyRef::Host(ExternAddr(n)))),
        Val::I31(v) => Value::AnyRef(Some(AnyRef::I31(v))),
        Val::Func | Val::Exn | Val::Struct | Val::Array | Val::ExternAny => {
            return Err(format!("a script cannot pass {v}"));
        }
    })
}

impl Embedder for InterpEmbedder {
    type Module = Module;
    type Instance = Exports;

    fn compile_text(&mut self, bytes: &[u8]) -> Result<Module, CompileError> {
        // 1.0 scripts' text modules, encoded by a 2.0-era encoder, in 1.0's
        // binary form (see `v1_encoding`): whenever the features read
        // segments as 1.0 did.
        if !self.features.bulk_memory && !self.features.reference_types {
            return self.compile(&crate::v1_encoding::to_1_0(bytes));
        }
        self.compile(bytes)
    }

    fn compile(&mut self, bytes: &[u8]) -> Result<Module, CompileError> {
        Module::new(bytes, &self.features).map_err(|e| match e {
            e if e.kind() == ErrorKind::Malformed => CompileError::Malformed(e.message()),
            e => CompileError::Invalid(e.message()),
        })
    }

    fn instantiate(
        &mut self,
        module: &Module,
        registered: &HashMap<String, Exports>,
    ) -> Result<Exports, InstantiateError> {
        let mut imports = Vec::new();
        for (m, n, _) in module.imports() {
            let v = registered
                .get(&m)
                .and_then(|i| i.iter().find(|(name, _)| *name == n).map(|(_, v)| *v))
                .ok_or_else(|| InstantiateError::Link(format!("unknown import \"{m}\" \"{n}\"")))?;
            imports.push(v);
        }
        let (inst, start) = self
            .store
            .instantiate_without_start(module, &imports)
            .map_err(|e| match e {
                Error::Uninstantiable(t) => InstantiateError::Trap(trap_outcome(&t)),
                Error::UncaughtException(e) => InstantiateError::Trap(self.exception(e)),
                e => InstantiateError::Link(e.message()),
            })?;
        if let Some(f) = start {
            match self.call(f, &[]) {
                Outcome::Return(_) => {}
                other => return Err(InstantiateError::Trap(other)),
            }
        }
        Ok(std::rc::Rc::new(self.store.exports(inst)))
    }

    fn spectest(&mut self) -> Exports {
        let items = match &self.spectest {
            Some(i) => i.clone(),
            None => {
                let i = self.make_spectest();
                self.spectest = Some(i.clone());
                i
            }
        };
        std::rc::Rc::new(items)
    }

    fn invoke(&mut self, inst: &Exports, name: &str, args: &[Val]) -> Outcome {
        let Some((_, ExternVal::Func(f))) = inst.iter().find(|(n, _)| n == name) else {
            return Outcome::Error(format!("no exported function \"{name}\""));
        };
        let args: Result<Vec<Value>, String> = args.iter().map(from_val).collect();
        match args {
            Ok(args) => self.call(*f, &args),
            Err(e) => Outcome::Error(e),
        }
    }

    fn get(&mut self, inst: &Exports, name: &str) -> Outcome {
        let Some((_, ExternVal::Global(g))) = inst.iter().find(|(n, _)| n == name) else {
            return Outcome::Error(format!("no exported global \"{name}\""));
        };
        match to_val(&self.store.global_get(*g)) {
            Ok(v) => Outcome::Return(vec![v]),
            Err(e) => Outcome::Error(e),
        }
    }
}
