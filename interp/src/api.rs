//! The embedding API's plain types: values, addresses, outcomes of a call,
//! traps and errors. The [`Store`](crate::Store) that uses them lives in
//! `runtime::store`; the suspended computation in `exec`.

use crate::syntax::ValType;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

/// The identity of a [`Store`](crate::Store): unique in the process, so
/// that an address made by one store is told apart from the same index in
/// another. Only a store makes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoreId(u64);

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

impl StoreId {
    /// A store id no other store of this process has.
    pub(crate) fn fresh() -> StoreId {
        StoreId(NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed))
    }
}

// Addresses (spec 4.2.3). Each is an index into its store's arena (the
// public `.0`, for an embedder's tables and messages) together with the id
// of the store that made it, so that a store refuses an address of another
// store (decision D24) instead of reading whatever its own arena holds at
// that index. Only a store makes an address.

/// The address of a function in a store (spec 4.2.3 `funcaddr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncAddr(pub u32, pub(crate) StoreId);
/// The address of a table in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TableAddr(pub u32, pub(crate) StoreId);
/// The address of a memory in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemAddr(pub u32, pub(crate) StoreId);
/// The address of a global in a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalAddr(pub u32, pub(crate) StoreId);
/// The address of a module instance in a store (spec 4.2.5 `moduleinst`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceAddr(pub u32, pub(crate) StoreId);
/// The address of a tag in a store (exception handling).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagAddr(pub u32, pub(crate) StoreId);
/// The address of an exception in a store (exception handling `exnaddr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExnAddr(pub u32, pub(crate) StoreId);
/// A host reference (spec 4.2.3 `hostaddr`): an opaque handle chosen by
/// the embedder. The interpreter never looks inside; the `.wast` runner uses
/// the number of `ref.extern N` and `ref.host N`, the JS API an index into
/// its table of values. After a garbage collection,
/// [`Store::host_ref_reachable`](crate::Store::host_ref_reachable) says
/// whether wasm can still reach one, so that an embedder can release what
/// it stands for. Being the embedder's own, it belongs to no store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExternAddr(pub u32);
/// The address of a structure in a store's heap (spec 4.2.3 `structaddr`,
/// GC). Valid while the structure is reachable: see [`Store::root`](crate::Store::root).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StructAddr(pub u32, pub(crate) StoreId);
/// The address of an array in a store's heap (spec 4.2.3 `arrayaddr`, GC).
/// Valid while the array is reachable: see [`Store::root`](crate::Store::root).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArrayAddr(pub u32, pub(crate) StoreId);

/// A non-null reference of the `any` hierarchy (GC): what an `anyref`
/// holds, and what an `externref` holds (spec 4.2.1: `ref.extern` wraps a
/// value of the `any` hierarchy; a host reference from the embedder is
/// `ref.extern (ref.host a)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnyRef {
    /// `ref.i31`: a 31-bit integer (the low 31 bits; read as unsigned).
    I31(u32),
    /// `ref.struct a`.
    Struct(StructAddr),
    /// `ref.array a`.
    Array(ArrayAddr),
    /// `ref.host a`: a host reference.
    Host(ExternAddr),
}

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
    /// A reference of the func hierarchy: null or a function.
    FuncRef(Option<FuncAddr>),
    /// A reference of the extern hierarchy: null, a host reference
    /// (`AnyRef::Host`), or an internalised value of the any hierarchy.
    ExternRef(Option<AnyRef>),
    /// A reference of the exn hierarchy: null or an exception.
    ExnRef(Option<ExnAddr>),
    /// A reference of the any hierarchy (GC): null, an `i31`, a structure,
    /// an array or a host reference.
    AnyRef(Option<AnyRef>),
}

impl Value {
    /// An `externref` to host reference `a`.
    pub fn host_extern(a: ExternAddr) -> Value {
        Value::ExternRef(Some(AnyRef::Host(a)))
    }
}

impl Value {
    /// Whether this value can be of type `ty` as far as the value alone
    /// tells: the right number type, or a reference of the right hierarchy
    /// that is null only if the type allows it, of the right abstract kind
    /// (an `i31` is not a `struct`). Whether a function, structure or array
    /// is of a concrete type needs the store:
    /// [`Store::has_type`](crate::Store::has_type) checks that too.
    pub fn has_type(&self, ty: ValType) -> bool {
        use crate::syntax::HeapType as H;
        let nullable = |r: crate::syntax::RefType, some: bool| some || r.nullable;
        match (self, ty) {
            (Value::I32(_), ValType::I32)
            | (Value::I64(_), ValType::I64)
            | (Value::F32(_), ValType::F32)
            | (Value::F64(_), ValType::F64)
            | (Value::V128(_), ValType::V128) => true,
            (Value::FuncRef(f), ValType::Ref(r)) => {
                nullable(r, f.is_some())
                    && match r.heap {
                        H::Func | H::Concrete(_) | H::Exact(_) => true,
                        H::NoFunc => f.is_none(),
                        _ => false,
                    }
            }
            (Value::ExternRef(e), ValType::Ref(r)) => {
                nullable(r, e.is_some())
                    && match r.heap {
                        H::Extern => true,
                        H::NoExtern => e.is_none(),
                        _ => false,
                    }
            }
            (Value::ExnRef(e), ValType::Ref(r)) => {
                nullable(r, e.is_some())
                    && match r.heap {
                        H::Exn => true,
                        H::NoExn => e.is_none(),
                        _ => false,
                    }
            }
            (Value::AnyRef(a), ValType::Ref(r)) => {
                nullable(r, a.is_some())
                    && matches!(
                        (a, r.heap),
                        (_, H::Any)
                            | (None, H::Eq | H::I31 | H::Struct | H::Array | H::None)
                            | (None, H::Concrete(_) | H::Exact(_))
                            | (Some(AnyRef::I31(_)), H::Eq | H::I31)
                            | (
                                Some(AnyRef::Struct(_)),
                                H::Eq | H::Struct | H::Concrete(_) | H::Exact(_),
                            )
                            | (
                                Some(AnyRef::Array(_)),
                                H::Eq | H::Array | H::Concrete(_) | H::Exact(_),
                            )
                    )
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
            Value::ExternRef(Some(AnyRef::Host(a))) => write!(f, "ref.extern {}", a.0),
            Value::ExternRef(Some(r)) => write!(f, "ref.extern ({})", AnyText(*r)),
            Value::ExnRef(None) => write!(f, "ref.null exn"),
            Value::ExnRef(Some(a)) => write!(f, "ref.exn {}", a.0),
            Value::AnyRef(None) => write!(f, "ref.null any"),
            Value::AnyRef(Some(r)) => write!(f, "{}", AnyText(*r)),
        }
    }
}

/// A reference of the any hierarchy as the text format writes its value.
struct AnyText(AnyRef);

impl fmt::Display for AnyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            AnyRef::I31(v) => write!(f, "ref.i31 {v}"),
            AnyRef::Struct(a) => write!(f, "ref.struct {}", a.0),
            AnyRef::Array(a) => write!(f, "ref.array {}", a.0),
            AnyRef::Host(a) => write!(f, "ref.host {}", a.0),
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
    /// `call_indirect` found this index past the table's end.
    UndefinedElement(u64),
    /// `call_indirect` found a null entry at this index.
    UninitializedElement(u64),
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
    /// A structure instruction on a null reference (GC).
    NullStructureReference,
    /// An array instruction on a null reference (GC).
    NullArrayReference,
    /// `i31.get_s`/`i31.get_u` of a null reference (GC).
    NullI31Reference,
    /// An array access out of its bounds (GC).
    ArrayOutOfBounds,
    /// `ref.cast` of a value not of the type, with the reference
    /// interpreter's description of both types.
    CastFailure(String),
    /// `struct.new_desc` or a cast by descriptor given a null descriptor
    /// (custom descriptors).
    NullDescriptorReference,
    /// `ref.cast_desc_eq` of a reference whose descriptor is not the one
    /// given (custom descriptors).
    DescriptorCastFailure,
    /// An atomic access at an address that is not a multiple of its size
    /// (threads).
    UnalignedAtomic,
    /// `memory.atomic.wait32/64` on a memory that is not shared (threads).
    ExpectedSharedMemory,
    /// `memory.atomic.wait32/64` without a timeout found the value it
    /// waits on: only another agent could end the wait, and this
    /// interpreter runs one agent, so the computation could never go on.
    WaitDeadlock,
    /// The call depth limit was reached (an exhaustion, spec 4.4.10).
    CallStackExhausted,
    /// The operand stack limit was reached (an exhaustion).
    ValueStackExhausted,
    /// The store's resource budget, the GC heap's limit or the machine
    /// refused memory the computation needed, to grow its stack or to
    /// allocate a structure, array or exception (an exhaustion).
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
            Trap::UndefinedElement(i) => return write!(f, "undefined element {i}"),
            Trap::UninitializedElement(i) => return write!(f, "uninitialized element {i}"),
            Trap::IndirectCallTypeMismatch => "indirect call type mismatch",
            Trap::IntegerDivideByZero => "integer divide by zero",
            Trap::IntegerOverflow => "integer overflow",
            Trap::InvalidConversionToInteger => "invalid conversion to integer",
            Trap::NullReference => "null reference",
            Trap::NullExceptionReference => "null exception reference",
            Trap::NullFunctionReference => "null function reference",
            Trap::NullStructureReference => "null structure reference",
            Trap::NullArrayReference => "null array reference",
            Trap::NullI31Reference => "null i31 reference",
            Trap::ArrayOutOfBounds => "out of bounds array access",
            Trap::CastFailure(m) => return write!(f, "cast failure, {m}"),
            Trap::NullDescriptorReference => "null descriptor reference",
            Trap::DescriptorCastFailure => "descriptor cast failure",
            Trap::UnalignedAtomic => "unaligned atomic memory access",
            Trap::ExpectedSharedMemory => "expected shared memory",
            Trap::WaitDeadlock => {
                "deadlock: memory.atomic.wait without a timeout, and no other agent to notify"
            }
            Trap::CallStackExhausted => "call stack exhausted",
            // The spec's stack holds operands and frames alike: running out
            // of either is the reference interpreter's "call stack exhausted".
            Trap::ValueStackExhausted => "call stack exhausted (operand stack)",
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

/// What kind of [`Error`] an operation ended with, for an embedder to act
/// on without reading messages: the spec's classes of failure (decoding,
/// validation, linking, instantiation) and misuse of this API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The bytes are not a well-formed module (spec 5).
    Malformed,
    /// The module is not valid (spec 3).
    Invalid,
    /// An import is missing or of the wrong type (spec 4.5.4).
    Link,
    /// Instantiation trapped: a segment out of bounds, or the start
    /// function (see [`Error::Uninstantiable`] for the trap).
    Trap,
    /// The start function threw an exception that nothing caught.
    Exception,
    /// The embedder misused the API.
    Api,
}

impl Error {
    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Malformed { .. } => ErrorKind::Malformed,
            Error::Invalid(_) => ErrorKind::Invalid,
            Error::Link(_) => ErrorKind::Link,
            Error::Uninstantiable(_) => ErrorKind::Trap,
            Error::UncaughtException(_) => ErrorKind::Exception,
            Error::Api(_) => ErrorKind::Api,
        }
    }

    /// The message alone, in the spec's reference interpreter's words where
    /// it has them (what `.wast` assertions compare), without the kind that
    /// `Display` puts first: `type mismatch: ...`, not `invalid module:
    /// type mismatch: ...`. Empty for an uncaught exception.
    pub fn message(&self) -> String {
        match self {
            Error::Malformed { message, .. } => message.clone(),
            Error::Invalid(m) | Error::Link(m) | Error::Api(m) => m.clone(),
            Error::Uninstantiable(t) => t.to_string(),
            Error::UncaughtException(_) => String::new(),
        }
    }
}

/// What a host function answers when called from wasm.
#[derive(Clone, Debug, PartialEq)]
pub enum HostOutcome {
    /// Return these values (they must match the function's result types).
    Return(Values),
    /// Suspend the whole computation; the embedder gets
    /// [`Exit::Suspended`](crate::Exit::Suspended) with this token in its
    /// [`SuspendReason::Host`](crate::SuspendReason::Host).
    Suspend(u64),
    /// Trap at the call site.
    Trap(Trap),
    /// Throw this exception at the call site (exception handling).
    Throw(ExnAddr),
}

/// The values a host function returns ([`HostOutcome::Return`]). Up to two
/// are kept inline, so that a host call returning one value allocates
/// nothing; made from a value, an array, a slice, a `Vec` or an iterator.
#[derive(Clone)]
pub struct Values(ValuesRepr);

#[derive(Clone)]
enum ValuesRepr {
    Inline(u8, [Value; 2]),
    Heap(Vec<Value>),
}

impl Values {
    /// No values.
    pub fn new() -> Self {
        Values(ValuesRepr::Inline(0, [Value::I32(0); 2]))
    }

    /// The values, in order.
    pub fn as_slice(&self) -> &[Value] {
        match &self.0 {
            ValuesRepr::Inline(n, vs) => &vs[..*n as usize],
            ValuesRepr::Heap(vs) => vs,
        }
    }
}

impl Default for Values {
    fn default() -> Self {
        Values::new()
    }
}

impl std::ops::Deref for Values {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        self.as_slice()
    }
}

impl PartialEq for Values {
    fn eq(&self, other: &Values) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl std::fmt::Debug for Values {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl From<Value> for Values {
    fn from(v: Value) -> Self {
        Values(ValuesRepr::Inline(1, [v, Value::I32(0)]))
    }
}

impl<const N: usize> From<[Value; N]> for Values {
    fn from(vs: [Value; N]) -> Self {
        vs.as_slice().into()
    }
}

impl From<&[Value]> for Values {
    fn from(vs: &[Value]) -> Self {
        match *vs {
            [] => Values::new(),
            [a] => Values(ValuesRepr::Inline(1, [a, Value::I32(0)])),
            [a, b] => Values(ValuesRepr::Inline(2, [a, b])),
            _ => Values(ValuesRepr::Heap(vs.to_vec())),
        }
    }
}

impl From<Vec<Value>> for Values {
    fn from(vs: Vec<Value>) -> Self {
        Values(ValuesRepr::Heap(vs))
    }
}

impl FromIterator<Value> for Values {
    fn from_iter<I: IntoIterator<Item = Value>>(it: I) -> Self {
        Values(ValuesRepr::Heap(it.into_iter().collect()))
    }
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
    /// Greatest number of bytes the GC heap (structures, arrays and
    /// exceptions, with their headers) may hold; an allocation past it, once
    /// garbage has been collected, traps with [`Trap::OutOfMemory`].
    pub max_heap_bytes: u64,
    /// Greatest number of elements of a table (an embedder's limit, as the
    /// JS API's 10,000,000): a table is not allocated, nor grown, past it.
    pub max_table_size: u64,
    /// Greatest number of pages of a 64-bit memory (the JS API's 262,144):
    /// a memory is not allocated, nor grown, past it.
    pub max_memory64_pages: u64,
    /// Greatest number of bytes the store's memories, tables, element
    /// instances, module instances and computations' stacks may hold
    /// together (the store's budget, decision D19).
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
            max_heap_bytes: 1 << 30,
            max_table_size: u32::MAX as u64,
            max_memory64_pages: 1 << 48,
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
