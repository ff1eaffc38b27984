//! Modules (spec 2.5): the sections of a module as decoded.

use super::instr::{Handler, Instr};
use super::types::*;

impl Module {
    /// The function type at type index `x`, if there is one there.
    pub fn func_type(&self, x: TypeIdx) -> Option<&FuncType> {
        self.types.get(x as usize).and_then(SubType::as_func)
    }

    /// The sizes of the recursive type groups: `rec_groups`, or, for a
    /// module built by hand without them, a group of one per type.
    pub fn rec_group_sizes(&self) -> std::borrow::Cow<'_, [u32]> {
        if self.rec_groups.is_empty() {
            vec![1; self.types.len()].into()
        } else {
            self.rec_groups.as_slice().into()
        }
    }
}

/// A module (spec 2.5), as decoded from the binary format. Its index spaces
/// put imports first: function `i` is the `i`-th imported function while
/// `i` is below the number of function imports, then `funcs[i - n]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Module {
    /// The type section's types, flattened: the types of every recursive
    /// group in order, so that a type index is an index into this list.
    pub types: Vec<SubType>,
    /// The size of each recursive type group (spec 2.3.10 `rectype`), in
    /// order; they add up to `types.len()`. A type defined outside `rec` is a
    /// group of one.
    pub rec_groups: Vec<u32>,
    /// The import section, in order.
    pub imports: Vec<Import>,
    /// The defined functions: type from the function section, locals and body
    /// from the code section.
    pub funcs: Vec<Func>,
    /// The defined tables.
    pub tables: Vec<Table>,
    /// The defined memories.
    pub mems: Vec<MemType>,
    /// The defined globals.
    pub globals: Vec<Global>,
    /// The defined tags (exception handling).
    pub tags: Vec<TagType>,
    /// The export section, in order.
    pub exports: Vec<Export>,
    /// The start function.
    pub start: Option<FuncIdx>,
    /// The element segments.
    pub elems: Vec<Elem>,
    /// The data segments.
    pub datas: Vec<Data>,
    /// The data count section's value, if the section is present.
    pub data_count: Option<u32>,
    /// Custom sections, in order of appearance (spec 5.5.3).
    pub customs: Vec<Custom>,
}

/// An import (spec 2.5.11).
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The module name.
    pub module: String,
    /// The item name.
    pub name: String,
    /// What is imported.
    pub desc: ImportDesc,
}

/// What an import provides.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ImportDesc {
    /// A function of the given type; `true` if imported exactly (custom
    /// descriptors, `func exact x`): then the function's type must be `x`
    /// itself, not a subtype.
    Func(TypeIdx, bool),
    /// A table.
    Table(TableType),
    /// A memory.
    Mem(MemType),
    /// A global.
    Global(GlobalType),
    /// A tag.
    Tag(TagType),
}

/// An export (spec 2.5.10).
#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    /// The export name (unique within the module).
    pub name: String,
    /// What is exported.
    pub desc: ExportDesc,
}

/// What an export refers to, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportDesc {
    /// A function.
    Func(FuncIdx),
    /// A table.
    Table(TableIdx),
    /// A memory.
    Mem(MemIdx),
    /// A global.
    Global(GlobalIdx),
    /// A tag.
    Tag(TagIdx),
}

/// A defined function (spec 2.5.3).
#[derive(Clone, Debug, PartialEq)]
pub struct Func {
    /// The function's type.
    pub type_idx: TypeIdx,
    /// Declared locals as (count, type) runs, as in the binary; parameters are
    /// not included. Kept compressed so a huge declared count costs nothing
    /// before validation rejects it.
    pub locals: Vec<(u32, ValType)>,
    /// The body, ending with `end` (validation turns that last `end` into
    /// `return`).
    pub body: Vec<Instr>,
    /// Filled by validation: the greatest operand-stack height the body can
    /// reach, in slots, not counting parameters and locals.
    pub max_height: u32,
    /// Filled by validation: the handler table of the body's `try_table`s
    /// and legacy `try`s.
    pub handlers: Vec<Handler>,
    /// Filled by validation: hidden locals after the declared ones, where
    /// legacy `catch` blocks keep their exception for `rethrow`.
    pub hidden_locals: u32,
    /// Filled by validation: the operand stack's height (from the function's
    /// start) before each instruction of the body; what the executable form
    /// is compiled from, and emptied once it is.
    pub heights: Vec<u32>,
}

/// A defined table (spec 2.5.4), with its initialiser (typed function
/// references allow one; otherwise every element starts as null).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The table type.
    pub ty: TableType,
    /// The initial value of every element, if given.
    pub init: Option<ConstExpr>,
}

/// A defined global (spec 2.5.6).
#[derive(Clone, Debug, PartialEq)]
pub struct Global {
    /// The global type.
    pub ty: GlobalType,
    /// The initial value.
    pub init: ConstExpr,
}

/// A constant expression (spec 3.3.10): instructions ending with `end`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConstExpr(pub Vec<Instr>);

/// An element segment (spec 2.5.7).
#[derive(Clone, Debug, PartialEq)]
pub struct Elem {
    /// The type of the elements.
    pub ty: RefType,
    /// One constant expression per element (a vector of function indices
    /// decodes as `ref.func x` expressions).
    pub init: Vec<ConstExpr>,
    /// Passive, active or declarative.
    pub mode: ElemMode,
}

/// The mode of an element segment.
#[derive(Clone, Debug, PartialEq)]
pub enum ElemMode {
    /// Usable by `table.init`.
    Passive,
    /// Copied into a table at instantiation, then dropped.
    Active {
        /// The table.
        table: TableIdx,
        /// Where in the table.
        offset: ConstExpr,
    },
    /// Only declares functions for `ref.func`; dropped at instantiation.
    Declarative,
}

/// A data segment (spec 2.5.8).
#[derive(Clone, Debug, PartialEq)]
pub struct Data {
    /// The bytes.
    pub init: Vec<u8>,
    /// Passive or active.
    pub mode: DataMode,
}

/// The mode of a data segment.
#[derive(Clone, Debug, PartialEq)]
pub enum DataMode {
    /// Usable by `memory.init`.
    Passive,
    /// Copied into a memory at instantiation, then dropped.
    Active {
        /// The memory.
        mem: MemIdx,
        /// Where in the memory.
        offset: ConstExpr,
    },
}

/// A custom section (spec 5.5.3), kept as bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Custom {
    /// The section's name.
    pub name: String,
    /// The section's contents after the name.
    pub data: Vec<u8>,
}
