//! Types (spec 2.3): number, vector and reference types, function, table,
//! memory and global types, limits and block types.

/// Index spaces (spec 2.5.1). Plain `u32`s, named for readability.
pub type TypeIdx = u32;
/// An index into the function index space (imports first).
pub type FuncIdx = u32;
/// An index into the table index space (imports first).
pub type TableIdx = u32;
/// An index into the memory index space (imports first).
pub type MemIdx = u32;
/// An index into the global index space (imports first).
pub type GlobalIdx = u32;
/// An index into the element segments.
pub type ElemIdx = u32;
/// An index into the data segments.
pub type DataIdx = u32;
/// A local index (parameters first).
pub type LocalIdx = u32;
/// A relative label index (0 is the innermost enclosing block).
pub type LabelIdx = u32;
/// An index into the tag index space (imports first).
pub type TagIdx = u32;

/// A heap type (spec 2.3.3): what a reference points to.
///
/// WebAssembly 2.0 has only `func` and `extern`; the other variants are
/// here so that later proposals (typed function references, GC,
/// exceptions) extend this type rather than replace it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// `func`: any function.
    Func,
    /// `extern`: any host reference.
    Extern,
    /// `exn`: any exception (exception handling).
    Exn,
    /// `nofunc`: the bottom of the func hierarchy.
    NoFunc,
    /// `noextern`: the bottom of the extern hierarchy.
    NoExtern,
    /// `noexn`: the bottom of the exn hierarchy.
    NoExn,
    /// `any` (GC).
    Any,
    /// `eq` (GC).
    Eq,
    /// `i31` (GC).
    I31,
    /// `struct` (GC).
    Struct,
    /// `array` (GC).
    Array,
    /// `none` (GC): the bottom of the any hierarchy.
    None,
    /// A concrete type by index into the module's types.
    Concrete(TypeIdx),
}

/// A reference type (spec 2.3.3): a heap type and whether null is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RefType {
    /// Whether `null` is a value of this type.
    pub nullable: bool,
    /// What the reference points to.
    pub heap: HeapType,
}

impl RefType {
    /// `funcref`, i.e. `(ref null func)`.
    pub const FUNCREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Func,
    };
    /// `externref`, i.e. `(ref null extern)`.
    pub const EXTERNREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Extern,
    };
    /// `exnref`, i.e. `(ref null exn)`.
    pub const EXNREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Exn,
    };
}

/// A value type (spec 2.3.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE 754 float.
    F32,
    /// 64-bit IEEE 754 float.
    F64,
    /// 128-bit vector (SIMD; not executed yet).
    V128,
    /// A reference.
    Ref(RefType),
}

impl ValType {
    /// `funcref`.
    pub const FUNCREF: ValType = ValType::Ref(RefType::FUNCREF);
    /// `externref`.
    pub const EXTERNREF: ValType = ValType::Ref(RefType::EXTERNREF);

    /// Whether this is a reference type.
    pub fn is_ref(self) -> bool {
        matches!(self, ValType::Ref(_))
    }

    /// Whether this is a number type (spec 2.3.1).
    pub fn is_num(self) -> bool {
        matches!(
            self,
            ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64
        )
    }
}

/// A function type (spec 2.3.6): parameters to results.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FuncType {
    /// Parameter types, in order.
    pub params: Vec<ValType>,
    /// Result types, in order.
    pub results: Vec<ValType>,
}

impl FuncType {
    /// Builds a function type from parameter and result lists.
    pub fn new(params: impl Into<Vec<ValType>>, results: impl Into<Vec<ValType>>) -> Self {
        FuncType {
            params: params.into(),
            results: results.into(),
        }
    }
}

/// Limits (spec 2.3.7) of a memory (in pages) or a table (in elements).
///
/// `u64` so that memory64/table64 need no other type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// The initial size.
    pub min: u64,
    /// The maximum size, if any.
    pub max: Option<u64>,
}

/// The address type of a memory or table: 32-bit, or 64-bit with memory64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum AddrType {
    /// `i32` addresses (WebAssembly 1.0/2.0).
    #[default]
    I32,
    /// `i64` addresses (memory64 / table64).
    I64,
}

/// A memory type (spec 2.3.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemType {
    /// The address type.
    pub addr: AddrType,
    /// Size limits in 64 KiB pages.
    pub limits: Limits,
    /// Whether the memory is shared (threads; decoded, not executed).
    pub shared: bool,
}

/// A table type (spec 2.3.9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    /// The address type.
    pub addr: AddrType,
    /// Size limits in elements.
    pub limits: Limits,
    /// The element type.
    pub elem: RefType,
}

/// Mutability of a global (spec 2.3.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mut {
    /// `const`
    Const,
    /// `var`
    Var,
}

/// A global type (spec 2.3.10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    /// Whether the global can be set.
    pub mutability: Mut,
    /// The value type.
    pub val: ValType,
}

/// A tag type (exception handling): the function type it refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TagType {
    /// Index of a function type whose results must be empty.
    pub type_idx: TypeIdx,
}

/// A block type (spec 2.4.8): the type of a `block`, `loop` or `if`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockType {
    /// `[] -> []`
    Empty,
    /// `[] -> [t]`
    Value(ValType),
    /// A function type by index: `[t1*] -> [t2*]`.
    Func(TypeIdx),
}

/// An external type (spec 2.3.11): the type of an import or export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    /// A function, with its type.
    Func(FuncType),
    /// A table.
    Table(TableType),
    /// A memory.
    Mem(MemType),
    /// A global.
    Global(GlobalType),
    /// A tag, with its function type.
    Tag(FuncType),
}
