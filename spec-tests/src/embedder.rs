//! The engine interface of the `.wast` runner (after the spec interpreter's
//! `Engine` signature): compile, instantiate, look up exports, invoke, read
//! globals. Values cross it as [`Val`]; messages are the engine's own
//! words, without a prefix, so that the runner can compare them with the
//! script's (`text.rs` prints all of these types in the text format).

use std::collections::HashMap;

/// A value as `.wast` scripts see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Val {
    /// An `i32`.
    I32(i32),
    /// An `i64`.
    I64(i64),
    /// An `f32`, as bits.
    F32(u32),
    /// An `f64`, as bits.
    F64(u64),
    /// A `v128`, lane 0 in the low bits.
    V128(u128),
    /// A null `funcref`.
    NullFunc,
    /// A null `externref`.
    NullExtern,
    /// A non-null `funcref` (scripts cannot name which function).
    Func,
    /// A non-null `externref` with its host number (`ref.extern N`).
    Extern(u32),
    /// A null `exnref`.
    NullExn,
    /// A non-null `exnref`.
    Exn,
    /// A null reference of the `any` hierarchy (GC).
    NullAny,
    /// A host reference of the `any` hierarchy (`ref.host N`).
    Host(u32),
    /// An `i31ref`.
    I31(u32),
    /// A structure reference (scripts cannot name which).
    Struct,
    /// An array reference.
    Array,
    /// A non-null `externref` that is not a host reference: an
    /// externalised `i31`, structure or array.
    ExternAny,
}

/// How an invocation ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// It returned these values.
    Return(Vec<Val>),
    /// It trapped with this message.
    Trap(String),
    /// It exhausted a resource (the call stack) with this message.
    Exhaustion(String),
    /// It threw an exception that nothing caught.
    Exception(String),
    /// The engine could not run it (unknown export, unsupported value, ...).
    Error(String),
}

/// Why a module was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum CompileError {
    /// Not a well-formed binary.
    Malformed(String),
    /// Well-formed but not valid.
    Invalid(String),
}

/// Why instantiation failed.
#[derive(Clone, Debug, PartialEq)]
pub enum InstantiateError {
    /// An import was missing or of the wrong type.
    Link(String),
    /// A segment or the start function trapped (or exhausted the stack).
    Trap(Outcome),
}

/// An engine that can run `.wast` scripts.
pub trait Embedder {
    /// A compiled module.
    type Module;
    /// A module instance.
    type Instance: Clone;
    /// Decodes and validates a binary module.
    fn compile(&mut self, bytes: &[u8]) -> Result<Self::Module, CompileError>;
    /// Decodes and validates a module the script wrote in the text format,
    /// encoded by the runner. By default as [`Embedder::compile`]; an engine
    /// run with 1.0 features reads the encoder's 2.0 forms of 1.0
    /// constructs as 1.0 binaries write them (`v1_encoding`).
    fn compile_text(&mut self, bytes: &[u8]) -> Result<Self::Module, CompileError> {
        self.compile(bytes)
    }
    /// Instantiates a module, resolving imports by module name among
    /// `registered` instances (which include `spectest`).
    fn instantiate(
        &mut self,
        module: &Self::Module,
        registered: &HashMap<String, Self::Instance>,
    ) -> Result<Self::Instance, InstantiateError>;
    /// The `spectest` host module's instance.
    fn spectest(&mut self) -> Self::Instance;
    /// Invokes an exported function.
    fn invoke(&mut self, inst: &Self::Instance, name: &str, args: &[Val]) -> Outcome;
    /// Reads an exported global.
    fn get(&mut self, inst: &Self::Instance, name: &str) -> Outcome;
}
