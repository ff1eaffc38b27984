//! The embedding API's plain types: values, addresses, outcomes of a call,
//! traps and errors. The [`Store`](crate::Store) that uses them lives in
//! `runtime::store`; the suspended computation in `exec`.

use crate::syntax::ValType;
use std::fmt;

/// The address of a function in a store (spec 4.2.3 `funcaddr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncAddr(pub u32);
/// The address of a table in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableAddr(pub u32);
/// The address of a memory in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemAddr(pub u32);
/// The address of a global in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalAddr(pub u32);
/// The address of a module instance in a store (spec 4.2.5 `moduleinst`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceAddr(pub u32);
/// The address of a tag in a store (exception handling).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagAddr(pub u32);
/// The address of an exception in a store (exception handling `exnaddr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExnAddr(pub u32);
/// An external reference (spec 4.2.3 `externaddr`): an opaque handle chosen by
/// the embedder. The interpreter never looks inside; the `.wast` runner uses
/// the number of `ref.extern N`, the JS API an index into its table of values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExternAddr(pub u32);

/// A value (spec 4.2.1), as it crosses the embedding API.
///
/// Floats are carried as raw bits so that NaN payloads survive exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as its bit pattern.
    F32(u32),
    /// An `f64`, as its bit pattern.
    F64(u64),
    /// A `v128` (SIMD): its 16 bytes, lane 0 in the low byte (little-endian).
    V128(u128),
    /// A `funcref`: null or a function.
    FuncRef(Option<FuncAddr>),
    /// An `externref`: null or a host handle.
    ExternRef(Option<ExternAddr>),
    /// An `exnref`: null or an exception.
    ExnRef(Option<ExnAddr>),
}

impl Value {
    /// The zero or null value of a type (spec 4.2.1 "default value"), if the
    /// type has one.
    pub fn default_of(ty: ValType) -> Option<Value> {
        use crate::syntax::HeapType;
        Some(match ty {
            ValType::I32 => Value::I32(0),
            ValType::I64 => Value::I64(0),
            ValType::F32 => Value::F32(0),
            ValType::F64 => Value::F64(0),
            ValType::V128 => Value::V128(0),
            ValType::Ref(r) if !r.nullable => return None,
            ValType::Ref(r) => match r.heap {
                HeapType::Extern | HeapType::NoExtern => Value::ExternRef(None),
                HeapType::Func | HeapType::NoFunc | HeapType::Concrete(_) => Value::FuncRef(None),
                HeapType::Exn | HeapType::NoExn => Value::ExnRef(None),
                _ => return None,
            },
        })
    }

    /// Whether this value belongs to type `ty` (for 2.0's types; a
    /// typed-reference-aware check needs the store and comes with that
    /// proposal).
    pub fn has_type(&self, ty: ValType) -> bool {
        use crate::syntax::HeapType;
        match (self, ty) {
            (Value::I32(_), ValType::I32)
            | (Value::I64(_), ValType::I64)
            | (Value::F32(_), ValType::F32)
            | (Value::F64(_), ValType::F64)
            | (Value::V128(_), ValType::V128) => true,
            // A concrete function type is accepted here without checking the
            // function's type, which needs the store: an approximation at the
            // API boundary only (wasm code is checked by validation).
            (Value::FuncRef(f), ValType::Ref(r)) => {
                matches!(
                    r.heap,
                    HeapType::Func | HeapType::NoFunc | HeapType::Concrete(_)
                ) && (r.nullable || f.is_some())
                    && (f.is_none() || r.heap != HeapType::NoFunc)
            }
            (Value::ExternRef(e), ValType::Ref(r)) => {
                matches!(r.heap, HeapType::Extern | HeapType::NoExtern)
                    && (r.nullable || e.is_some())
                    && (e.is_none() || r.heap != HeapType::NoExtern)
            }
            (Value::ExnRef(e), ValType::Ref(r)) => {
                matches!(r.heap, HeapType::Exn) && (r.nullable || e.is_some())
            }
            _ => false,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::I32(v) => write!(f, "i32:{v}"),
            Value::I64(v) => write!(f, "i64:{v}"),
            Value::F32(b) => write!(f, "f32:{} (0x{b:08x})", f32::from_bits(*b)),
            Value::F64(b) => write!(f, "f64:{} (0x{b:016x})", f64::from_bits(*b)),
            Value::V128(b) => write!(f, "v128:0x{b:032x}"),
            Value::FuncRef(None) => write!(f, "ref.null func"),
            Value::FuncRef(Some(a)) => write!(f, "ref.func {}", a.0),
            Value::ExternRef(None) => write!(f, "ref.null extern"),
            Value::ExternRef(Some(a)) => write!(f, "ref.extern {}", a.0),
            Value::ExnRef(None) => write!(f, "ref.null exn"),
            Value::ExnRef(Some(a)) => write!(f, "ref.exn {}", a.0),
        }
    }
}

/// A trap (spec 4.4.1): the defined way a computation fails. Also the
/// exhaustion outcomes, which the spec treats as a separate class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trap {
    /// `unreachable` was executed.
    Unreachable,
    /// A load, store or bulk memory operation went out of bounds.
    MemoryOutOfBounds,
    /// A table access or bulk table operation went out of bounds.
    TableOutOfBounds,
    /// `call_indirect` found an index past the table's end.
    UndefinedElement,
    /// `call_indirect` found a null entry.
    UninitializedElement,
    /// `call_indirect` found a function of another type.
    IndirectCallTypeMismatch,
    /// Integer division or remainder by zero.
    IntegerDivideByZero,
    /// Signed division overflow, or a float-to-int conversion out of range.
    IntegerOverflow,
    /// A float-to-int conversion of a NaN.
    InvalidConversionToInteger,
    /// A null reference was dereferenced (typed references).
    NullReference,
    /// `throw_ref` of a null exnref.
    NullExceptionReference,
    /// `call_ref` of a null reference.
    NullFunctionReference,
    /// The call depth limit was reached (an exhaustion, spec 4.4.10).
    CallStackExhausted,
    /// The operand stack limit was reached (an exhaustion).
    ValueStackExhausted,
    /// The store's resource budget (or the machine) refused memory the
    /// computation needed, e.g. to grow its stack (an exhaustion).
    OutOfMemory(String),
    /// A host function asked to suspend while host frames stand between it
    /// and the computation's root: the call was made by a host function
    /// that re-entered wasm, and that host frame cannot be captured.
    SuspendThroughHost,
    /// A host function failed with its own message.
    Host(String),
}

impl Trap {
    /// Whether this is a resource exhaustion (`assert_exhaustion`) rather
    /// than a trap (`assert_trap`).
    pub fn is_exhaustion(&self) -> bool {
        matches!(
            self,
            Trap::CallStackExhausted | Trap::ValueStackExhausted | Trap::OutOfMemory(_)
        )
    }
}

impl fmt::Display for Trap {
    /// The messages of the spec's reference interpreter, which `.wast` files
    /// match by prefix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Trap::Unreachable => "unreachable",
            Trap::MemoryOutOfBounds => "out of bounds memory access",
            Trap::TableOutOfBounds => "out of bounds table access",
            Trap::UndefinedElement => "undefined element",
            Trap::UninitializedElement => "uninitialized element",
            Trap::IndirectCallTypeMismatch => "indirect call type mismatch",
            Trap::IntegerDivideByZero => "integer divide by zero",
            Trap::IntegerOverflow => "integer overflow",
            Trap::InvalidConversionToInteger => "invalid conversion to integer",
            Trap::NullReference => "null reference",
            Trap::NullExceptionReference => "null exception reference",
            Trap::NullFunctionReference => "null function reference",
            Trap::CallStackExhausted => "call stack exhausted",
            Trap::ValueStackExhausted => "value stack exhausted",
            Trap::SuspendThroughHost => "cannot suspend through a host frame",
            Trap::OutOfMemory(m) => return write!(f, "out of memory: {m}"),
            Trap::Host(m) => return write!(f, "host: {m}"),
        };
        f.write_str(s)
    }
}

impl std::error::Error for Trap {}

/// Why a module or a call was refused before or instead of running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The bytes are not a well-formed binary module (spec 5); `offset` is
    /// the byte where decoding failed.
    Malformed {
        /// Byte offset in the input.
        offset: usize,
        /// What is wrong, in the reference interpreter's words where it has them.
        message: String,
    },
    /// The module is well-formed but not valid (spec 3).
    Invalid(String),
    /// Instantiation failed to link (spec 4.5.4 step 3-4: an import is
    /// missing or of the wrong type).
    Link(String),
    /// Instantiation trapped (a segment out of bounds, or the start function).
    Uninstantiable(Trap),
    /// The start function threw an exception that nothing caught.
    UncaughtException(ExnAddr),
    /// The embedder misused the API (wrong argument count or types, resuming
    /// with values of the wrong type, an address from another store).
    Api(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed { offset, message } => {
                write!(f, "malformed module at byte {offset}: {message}")
            }
            Error::Invalid(m) => write!(f, "invalid module: {m}"),
            Error::Link(m) => write!(f, "link error: {m}"),
            Error::Uninstantiable(t) => write!(f, "instantiation trapped: {t}"),
            Error::UncaughtException(e) => write!(f, "the start function threw exception {}", e.0),
            Error::Api(m) => write!(f, "API misuse: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// What a host function answers when called from wasm.
#[derive(Clone, Debug, PartialEq)]
pub enum HostOutcome {
    /// Return these values (they must match the function's result types).
    Return(Vec<Value>),
    /// Suspend the whole computation; the embedder gets
    /// [`Exit::Suspended`](crate::Exit::Suspended) with this token in its
    /// [`SuspendReason::Host`](crate::SuspendReason::Host).
    Suspend(u64),
    /// Trap at the call site.
    Trap(Trap),
    /// Throw this exception at the call site (exception handling).
    Throw(ExnAddr),
}

/// Limits of one store's computations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Greatest number of wasm frames on one stack.
    pub max_call_depth: u32,
    /// Greatest number of operand-stack slots (locals included) on one stack.
    pub max_stack_slots: u32,
    /// Greatest nesting of host functions that call back into wasm.
    pub max_host_nesting: u32,
    /// Greatest number of bytes the store's memories, tables, element
    /// instances, module instances and computations' stacks may hold
    /// together (the store's budget, decision D14).
    pub max_store_bytes: u64,
    /// Greatest number of module instances in the store.
    pub max_instances: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_call_depth: 100_000,
            max_stack_slots: 4 << 20,
            max_host_nesting: 100,
            // A full 32-bit memory (4 GiB) and 2 GiB for everything else.
            max_store_bytes: 6 << 30,
            max_instances: 100_000,
        }
    }
}

/// The configuration of a store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Accepted proposals.
    pub features: crate::Features,
    /// Resource limits.
    pub limits: Limits,
}

/// The type of an import or export as seen by an embedder.
pub type ExternType = crate::syntax::ExternType;

/// A reference to a store object, as imported or exported (spec 4.2.11).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExternVal {
    /// A function.
    Func(FuncAddr),
    /// A table.
    Table(TableAddr),
    /// A memory.
    Mem(MemAddr),
    /// A global.
    Global(GlobalAddr),
    /// A tag.
    Tag(TagAddr),
}

/// Checks `vs` against `ts` for an argument or result list.
pub(crate) fn check_values(what: &str, vs: &[Value], ts: &[ValType]) -> Result<(), Error> {
    if vs.len() != ts.len() {
        return Err(Error::Api(format!(
            "{what}: expected {} values, got {}",
            ts.len(),
            vs.len()
        )));
    }
    for (i, (v, t)) in vs.iter().zip(ts).enumerate() {
        if !v.has_type(*t) {
            return Err(Error::Api(format!(
                "{what}: value {i} ({v}) is not of type {t:?}"
            )));
        }
    }
    Ok(())
}
