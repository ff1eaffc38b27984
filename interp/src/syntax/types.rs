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
    /// A concrete type: in a module, an index into its types; in a store,
    /// the store's id of a defined type (spec 4.2.3 `deftype`).
    Concrete(TypeIdx),
    /// `(exact x)` (custom descriptors, overview "Exact Types"): the
    /// concrete type `x` itself and none of its declared subtypes.
    Exact(TypeIdx),
    /// `rec.i` (spec 3.1.3, "Rolling and unrolling"): the `i`-th type of
    /// the recursive group being defined. Only found in the keys under which
    /// rec groups are canonicalised (`valid::canon`), never in a module.
    Rec(u32),
    /// `(exact rec.i)`: as `Rec`, exact (custom descriptors); only in the
    /// same keys.
    RecExact(u32),
    /// `bot` (spec 3.3.1, the validation algorithm's bottom type): what an
    /// unknown operand in unreachable code is when an instruction needs a
    /// reference; below every heap type. Only found inside the validator.
    Bot,
}

impl HeapType {
    /// The concrete type index of `x` or `(exact x)`.
    pub fn concrete(self) -> Option<TypeIdx> {
        match self {
            HeapType::Concrete(x) | HeapType::Exact(x) => Some(x),
            _ => None,
        }
    }

    /// The same heap type with its concrete type index (if any) replaced
    /// by `f` of it, exactness kept.
    pub fn map_index(self, f: impl FnOnce(TypeIdx) -> TypeIdx) -> HeapType {
        match self {
            HeapType::Concrete(x) => HeapType::Concrete(f(x)),
            HeapType::Exact(x) => HeapType::Exact(f(x)),
            h => h,
        }
    }

    /// Whether this is an abstract heap type of the any hierarchy (GC).
    pub fn is_any_hierarchy(self) -> bool {
        matches!(
            self,
            HeapType::Any
                | HeapType::Eq
                | HeapType::I31
                | HeapType::Struct
                | HeapType::Array
                | HeapType::None
        )
    }
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

/// A packed storage type (spec 2.3.8 "Aggregate types"): a field or array
/// element narrower than any value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PackedType {
    /// 8 bits.
    I8,
    /// 16 bits.
    I16,
}

impl PackedType {
    /// The width in bits.
    pub fn bits(self) -> u32 {
        match self {
            PackedType::I8 => 8,
            PackedType::I16 => 16,
        }
    }
}

/// A storage type (spec 2.3.8): what a field or an array element holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StorageType {
    /// A value type.
    Val(ValType),
    /// A packed integer, read as `i32`.
    Packed(PackedType),
}

impl StorageType {
    /// The value type a field of this storage type is read and written as
    /// (spec 2.3.8 `unpack`).
    pub fn unpacked(self) -> ValType {
        match self {
            StorageType::Val(t) => t,
            StorageType::Packed(_) => ValType::I32,
        }
    }

    /// Whether this is a packed type.
    pub fn is_packed(self) -> bool {
        matches!(self, StorageType::Packed(_))
    }
}

/// A field type (spec 2.3.8): a storage type and its mutability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldType {
    /// What the field holds.
    pub storage: StorageType,
    /// Whether it can be set.
    pub mutability: Mut,
}

/// A composite type (spec 2.3.8): a function, structure or array type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CompType {
    /// `func`: parameters to results.
    Func(FuncType),
    /// `struct`: fields in order.
    Struct(Vec<FieldType>),
    /// `array`: one field type for every element.
    Array(FieldType),
}

impl CompType {
    /// The function type, if this is one.
    pub fn as_func(&self) -> Option<&FuncType> {
        match self {
            CompType::Func(f) => Some(f),
            _ => None,
        }
    }

    /// The abstract heap type just above this composite type: `func`,
    /// `struct` or `array` (spec 3.3.1 "Heap types").
    pub fn abs(&self) -> HeapType {
        match self {
            CompType::Func(_) => HeapType::Func,
            CompType::Struct(_) => HeapType::Struct,
            CompType::Array(_) => HeapType::Array,
        }
    }
}

/// A sub type (spec 2.3.9): a composite type with its declared supertypes
/// (at most one) and whether further subtypes are forbidden (`final`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SubType {
    /// `sub final`: no type may declare this one as its supertype.
    pub is_final: bool,
    /// The declared supertypes, by type index (at most one).
    pub supertypes: Vec<TypeIdx>,
    /// `(describes x)` (custom descriptors): the structure type this one
    /// is the descriptor of.
    pub describes: Option<TypeIdx>,
    /// `(descriptor y)` (custom descriptors): the type of this structure
    /// type's descriptors.
    pub descriptor: Option<TypeIdx>,
    /// The composite type.
    pub comp: CompType,
}

impl SubType {
    /// A final function type without supertypes: what a plain `(func ...)`
    /// type definition means, and the type of a host function.
    pub fn func(t: FuncType) -> Self {
        SubType {
            is_final: true,
            supertypes: Vec::new(),
            describes: None,
            descriptor: None,
            comp: CompType::Func(t),
        }
    }

    /// The function type, if this is one.
    pub fn as_func(&self) -> Option<&FuncType> {
        self.comp.as_func()
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
    /// Size limits in pages.
    pub limits: Limits,
    /// Whether the memory is shared between agents (threads).
    pub shared: bool,
    /// The page size's base-2 logarithm (custom page sizes): 16 for the
    /// 64 KiB pages every memory had before, 0 for 1-byte pages; validation
    /// admits only these two.
    pub page_log2: u8,
}

impl MemType {
    /// The page size every memory has without custom page sizes, as a
    /// base-2 logarithm: 64 KiB.
    pub const DEFAULT_PAGE_LOG2: u8 = 16;

    /// A memory type with 64 KiB pages, not shared.
    pub fn new(addr: AddrType, limits: Limits) -> Self {
        MemType {
            addr,
            limits,
            shared: false,
            page_log2: Self::DEFAULT_PAGE_LOG2,
        }
    }

    /// The page size in bytes; `None` past 2^63 (a malformed type has at
    /// most 2^64, a valid one 1 or 65536).
    pub fn page_size(&self) -> Option<u64> {
        1u64.checked_shl(u32::from(self.page_log2))
    }
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

// ---- Printing in the text format (spec 6.4), as the reference
// interpreter writes types in its messages (the others are in `text`). ----

impl std::fmt::Display for StorageType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StorageType::Val(v) => v.fmt(f),
            StorageType::Packed(PackedType::I8) => f.write_str("i8"),
            StorageType::Packed(PackedType::I16) => f.write_str("i16"),
        }
    }
}

impl std::fmt::Display for FieldType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.mutability {
            Mut::Const => self.storage.fmt(f),
            Mut::Var => write!(f, "(mut {})", self.storage),
        }
    }
}
