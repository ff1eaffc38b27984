//! Validation (spec chapter 3): the type rules of modules and instructions.
//!
//! `mod.rs` holds the module-level rules (spec 3.4) and the context `C` they
//! build; `func.rs` validates function bodies with the spec appendix's
//! algorithm (an operand stack and a control stack) and, while it walks a
//! body, resolves every branch to a [`Target`], so the
//! executor needs no label stack (decision D1 in `proposal-notes/decisions.md`);
//! `const_expr.rs` checks constant expressions.

pub(crate) mod canon;
mod const_expr;
mod func;

use crate::syntax::*;
use crate::{Error, Features};
use canon::{TypeRef, TypeRegistry, Types};
use std::collections::HashSet;

/// The validation context `C` (spec 3.1.1): the types of everything a
/// module's code can refer to, imports first.
pub(crate) struct Context<'m> {
    pub(crate) features: Features,
    pub(crate) types: &'m [SubType],
    /// Type index of every function.
    pub(crate) funcs: Vec<TypeIdx>,
    /// The functions imported without `exact` (custom descriptors): a
    /// `ref.func` of one is of the inexact type.
    pub(crate) inexact_funcs: HashSet<FuncIdx>,
    pub(crate) tables: Vec<TableType>,
    pub(crate) mems: Vec<MemType>,
    pub(crate) globals: Vec<GlobalType>,
    /// Number of imported globals (constant expressions may only read those in 2.0).
    pub(crate) imported_globals: usize,
    pub(crate) elems: Vec<RefType>,
    pub(crate) data_count: Option<u32>,
    /// Type index of every tag.
    pub(crate) tags: Vec<TypeIdx>,
    /// Functions that `ref.func` may name in a body (spec 3.4.10 `C.refs`).
    pub(crate) refs: HashSet<FuncIdx>,
    /// The id of each type in `reg`: equal ids are equivalent types.
    pub(crate) canon: Vec<u32>,
    /// The module's rec groups, interned (spec 3.1.3), for type
    /// equivalence and subtyping of concrete types.
    pub(crate) reg: TypeRegistry,
}

impl Types for Context<'_> {
    fn abs_of(&self, x: u32) -> HeapType {
        // An index not checked yet compares as nothing known.
        self.types
            .get(x as usize)
            .map_or(HeapType::Rec(u32::MAX), |t| t.comp.abs())
    }
    fn concrete_sub(&self, x: u32, y: u32) -> bool {
        match (self.canon.get(x as usize), self.canon.get(y as usize)) {
            (Some(&a), Some(&b)) => self.reg.is_subtype(a, b),
            _ => false,
        }
    }
}

#[cold]
pub(crate) fn invalid(m: impl Into<String>) -> Error {
    Error::Invalid(m.into())
}

impl Context<'_> {
    pub(crate) fn func_type(&self, x: FuncIdx) -> Result<&FuncType, Error> {
        let t = *self
            .funcs
            .get(x as usize)
            .ok_or_else(|| invalid(format!("unknown function {x}")))?;
        self.ty(t)
    }
    /// The sub type at index `x` (spec 3.1.1 `C.types`).
    pub(crate) fn sub(&self, x: TypeIdx) -> Result<&SubType, Error> {
        self.types
            .get(x as usize)
            .ok_or_else(|| invalid(format!("unknown type {x}")))
    }
    /// The function type at index `x`.
    pub(crate) fn ty(&self, x: TypeIdx) -> Result<&FuncType, Error> {
        self.sub(x)?
            .as_func()
            .ok_or_else(|| invalid(format!("non-function type {x}")))
    }
    /// The fields of the structure type at index `x`.
    pub(crate) fn struct_ty(&self, x: TypeIdx) -> Result<&[FieldType], Error> {
        match &self.sub(x)?.comp {
            CompType::Struct(fs) => Ok(fs),
            _ => Err(invalid(format!("non-structure type {x}"))),
        }
    }
    /// The element type of the array type at index `x`.
    pub(crate) fn array_ty(&self, x: TypeIdx) -> Result<FieldType, Error> {
        match &self.sub(x)?.comp {
            CompType::Array(ft) => Ok(*ft),
            _ => Err(invalid(format!("non-array type {x}"))),
        }
    }
    pub(crate) fn table(&self, x: TableIdx) -> Result<TableType, Error> {
        self.tables
            .get(x as usize)
            .copied()
            .ok_or_else(|| invalid(format!("unknown table {x}")))
    }
    pub(crate) fn mem(&self, x: MemIdx) -> Result<MemType, Error> {
        self.mems
            .get(x as usize)
            .copied()
            .ok_or_else(|| invalid(format!("unknown memory {x}")))
    }
    pub(crate) fn global(&self, x: GlobalIdx) -> Result<GlobalType, Error> {
        self.globals
            .get(x as usize)
            .copied()
            .ok_or_else(|| invalid(format!("unknown global {x}")))
    }
    pub(crate) fn elem(&self, x: ElemIdx) -> Result<RefType, Error> {
        self.elems
            .get(x as usize)
            .copied()
            .ok_or_else(|| invalid(format!("unknown elem segment {x}")))
    }
    pub(crate) fn tag(&self, x: TagIdx) -> Result<&FuncType, Error> {
        let t = *self
            .tags
            .get(x as usize)
            .ok_or_else(|| invalid(format!("unknown tag {x}")))?;
        self.ty(t)
    }
    pub(crate) fn data(&self, x: DataIdx) -> Result<(), Error> {
        match self.data_count {
            Some(n) if x < n => Ok(()),
            _ => Err(invalid(format!("unknown data segment {x}"))),
        }
    }
    /// Whether a value type is allowed by the features (spec 3.2.3 with the
    /// proposals that add types).
    pub(crate) fn val_type(&self, t: ValType) -> Result<(), Error> {
        match t {
            ValType::V128 if !self.features.simd => Err(invalid("SIMD is not enabled")),
            ValType::Ref(r) => self.ref_type(r),
            _ => Ok(()),
        }
    }
    pub(crate) fn ref_type(&self, r: RefType) -> Result<(), Error> {
        let f = &self.features;
        if !r.nullable && !f.function_references {
            return Err(invalid(
                "non-nullable references need typed function references",
            ));
        }
        match r.heap {
            HeapType::Func | HeapType::Extern => Ok(()),
            HeapType::Exn | HeapType::NoExn if f.exceptions => Ok(()),
            HeapType::NoFunc | HeapType::NoExtern if f.function_references => Ok(()),
            HeapType::Concrete(x) if f.function_references => self.sub(x).map(|_| ()),
            HeapType::Exact(x) if f.custom_descriptors => self.sub(x).map(|_| ()),
            HeapType::Any
            | HeapType::Eq
            | HeapType::I31
            | HeapType::Struct
            | HeapType::Array
            | HeapType::None
                if f.gc =>
            {
                Ok(())
            }
            _ => Err(invalid("unknown reference type")),
        }
    }
    /// A storage type (spec 3.2.x): a valid value type, or packed.
    pub(crate) fn storage_type(&self, t: StorageType) -> Result<(), Error> {
        match t {
            StorageType::Val(v) => self.val_type(v),
            StorageType::Packed(_) => Ok(()),
        }
    }
}

/// Validates a decoded module (spec 3.4.10) and annotates its function bodies
/// with branch targets, `else`/`end` positions and maximum stack heights.
///
/// # Errors
/// [`Error::Invalid`] with the reference interpreter's message where it has one.
pub fn validate(module: &mut Module, features: &Features) -> Result<(), Error> {
    let f = features;
    // The bodies are annotated in place while the rest of the module is
    // read: take them out for the duration (an invalid module is discarded).
    let mut funcs = std::mem::take(&mut module.funcs);
    let m = &*module;
    let mut c = Context {
        features: *f,
        types: &m.types,
        funcs: Vec::new(),
        inexact_funcs: HashSet::new(),
        tables: Vec::new(),
        mems: Vec::new(),
        globals: Vec::new(),
        imported_globals: 0,
        elems: m.elems.iter().map(|e| e.ty).collect(),
        data_count: m.data_count,
        tags: Vec::new(),
        refs: HashSet::new(),
        canon: Vec::with_capacity(m.types.len()),
        reg: TypeRegistry::default(),
    };
    // spec 3.4.x: the type section, one recursive group at a time. (A
    // module built by hand without groups has a group per type.)
    let groups = m.rec_group_sizes();
    if groups.iter().map(|&n| n as usize).sum::<usize>() != m.types.len() {
        return Err(invalid("recursive type groups do not cover the types"));
    }
    let mut first = 0;
    for &n in groups.iter() {
        rec_type(&mut c, first, n as usize)?;
        first += n as usize;
    }
    // spec 3.4.8: imports.
    for i in &m.imports {
        match i.desc {
            ImportDesc::Func(x, exact) => {
                c.ty(x)?;
                c.funcs.push(x);
                if !exact {
                    c.inexact_funcs.insert(c.funcs.len() as u32 - 1);
                }
            }
            ImportDesc::Table(t) => {
                table_type(&c, &t)?;
                c.tables.push(t);
            }
            ImportDesc::Mem(t) => {
                mem_type(&t)?;
                c.mems.push(t);
            }
            ImportDesc::Global(t) => {
                c.val_type(t.val)?;
                if t.mutability == Mut::Var && !f.mutable_global {
                    return Err(invalid("mutable globals cannot be imported"));
                }
                c.globals.push(t);
            }
            ImportDesc::Tag(t) => {
                tag_type(&c, t)?;
                c.tags.push(t.type_idx);
            }
        }
    }
    c.imported_globals = c.globals.len();
    for func in &funcs {
        c.ty(func.type_idx)?;
        c.funcs.push(func.type_idx);
    }
    for t in &m.tables {
        table_type(&c, &t.ty)?;
        c.tables.push(t.ty);
    }
    for t in &m.mems {
        mem_type(t)?;
        c.mems.push(*t);
    }
    for t in &m.tags {
        tag_type(&c, *t)?;
        c.tags.push(t.type_idx);
    }
    if c.tables.len() > 1 && !f.reference_types {
        return Err(invalid("multiple tables"));
    }
    if c.mems.len() > 1 && !f.multi_memory {
        return Err(invalid("multiple memories"));
    }

    // spec 3.4.10: C.refs are the functions named outside function bodies
    // (in globals, element segments and exports).
    for g in &m.globals {
        collect_refs(&g.init, &mut c.refs);
    }
    for t in &m.tables {
        if let Some(init) = &t.init {
            collect_refs(init, &mut c.refs);
        }
    }
    for e in &m.elems {
        for x in &e.init {
            collect_refs(x, &mut c.refs);
        }
    }
    for e in &m.exports {
        if let ExportDesc::Func(x) = e.desc {
            c.refs.insert(x);
        }
    }

    // spec 3.4.6: globals, each seeing only the globals before it (2.0:
    // only imported ones).
    for g in &m.globals {
        c.val_type(g.ty.val)?;
        const_expr::check(&c, &g.init, g.ty.val, c.globals.len())?;
        c.globals.push(g.ty);
    }
    for t in &m.tables {
        if let Some(init) = &t.init {
            const_expr::check(&c, init, ValType::Ref(t.ty.elem), c.imported_globals)?;
        } else if !t.ty.elem.nullable {
            return Err(invalid(
                "type mismatch: non-nullable table needs an initializer",
            ));
        }
    }
    // spec 3.4.7: element segments.
    for e in &m.elems {
        c.ref_type(e.ty)?;
        if !f.reference_types
            && (e.ty != RefType::FUNCREF || !matches!(e.mode, ElemMode::Active { .. }))
        {
            return Err(invalid(
                "element segments other than active funcref ones need reference types",
            ));
        }
        for x in &e.init {
            const_expr::check(&c, x, ValType::Ref(e.ty), c.globals.len())?;
        }
        if let ElemMode::Active { table, offset } = &e.mode {
            let t = c.table(*table)?;
            const_expr::check(&c, offset, addr_val(t.addr), c.globals.len())?;
            if !c.ref_subtype(e.ty, t.elem) {
                return Err(invalid("type mismatch"));
            }
        }
    }
    // spec 3.4.8: data segments.
    for d in &m.datas {
        if let DataMode::Active { mem, offset } = &d.mode {
            let t = c.mem(*mem)?;
            const_expr::check(&c, offset, addr_val(t.addr), c.globals.len())?;
        }
    }
    // spec 3.4.9: the start function.
    if let Some(x) = m.start {
        let t = c.func_type(x)?;
        if !t.params.is_empty() || !t.results.is_empty() {
            return Err(invalid("start function"));
        }
    }
    // spec 3.4.10: exports.
    let mut names = HashSet::new();
    for e in &m.exports {
        if !names.insert(e.name.as_str()) {
            return Err(invalid("duplicate export name"));
        }
        match e.desc {
            ExportDesc::Func(x) => c.func_type(x).map(|_| ())?,
            ExportDesc::Table(x) => c.table(x).map(|_| ())?,
            ExportDesc::Mem(x) => c.mem(x).map(|_| ())?,
            ExportDesc::Global(x) => {
                let g = c.global(x)?;
                if g.mutability == Mut::Var && !f.mutable_global {
                    return Err(invalid("mutable globals cannot be exported"));
                }
            }
            ExportDesc::Tag(x) => c.tag(x).map(|_| ())?,
        }
    }
    // spec 3.4.1: function bodies, annotated in place.
    let result = funcs.iter_mut().try_for_each(|func| func::check(&c, func));
    drop(c);
    module.funcs = funcs;
    result
}

/// spec 3.2.x: a tag's type is a function type without results.
fn tag_type(c: &Context<'_>, t: TagType) -> Result<(), Error> {
    if !c.features.exceptions {
        return Err(invalid("tags need exception handling"));
    }
    if !c.ty(t.type_idx)?.results.is_empty() {
        return Err(invalid("non-empty tag result type"));
    }
    Ok(())
}

fn collect_refs(e: &ConstExpr, refs: &mut HashSet<FuncIdx>) {
    for i in &e.0 {
        if let Instr::RefFunc(x) = i {
            refs.insert(*x);
        }
    }
}

/// The value type of addresses into a memory or table of this address type.
pub(crate) fn addr_val(a: AddrType) -> ValType {
    match a {
        AddrType::I32 => ValType::I32,
        AddrType::I64 => ValType::I64,
    }
}

/// spec 3.2.4 / 3.2.5: limits within a range.
fn limits(l: &Limits, range: u64, msg: &str) -> Result<(), Error> {
    if l.min > range || l.max.is_some_and(|m| m > range) {
        return Err(invalid(msg.to_string()));
    }
    if l.max.is_some_and(|m| l.min > m) {
        return Err(invalid("size minimum must not be greater than maximum"));
    }
    Ok(())
}

fn table_type(c: &Context<'_>, t: &TableType) -> Result<(), Error> {
    c.ref_type(t.elem)?;
    let range = match t.addr {
        AddrType::I32 => u32::MAX as u64,
        AddrType::I64 => u64::MAX,
    };
    limits(&t.limits, range, "table size must be at most 2^32-1")
}

/// spec 3.2.x "Memory types", with custom page sizes (a page of 1 byte or
/// 64 KiB, and as many pages as 2^32 or 2^64 bytes hold) and threads (a
/// shared memory has a maximum).
fn mem_type(t: &MemType) -> Result<(), Error> {
    let (range, msg) = match (t.addr, t.page_log2) {
        (AddrType::I32, 16) => (1 << 16, "memory size must be at most 65536 pages (4GiB)"),
        (AddrType::I32, 0) => (
            u32::MAX as u64,
            "memory size must be at most 4294967295 pages of 1 byte (4GiB)",
        ),
        (AddrType::I64, 16) => (1 << 48, "memory size must be at most 2^48 pages (256TiB)"),
        (AddrType::I64, 0) => (u64::MAX, ""),
        _ => return Err(invalid("invalid custom page size")),
    };
    limits(&t.limits, range, msg)?;
    if t.shared && t.limits.max.is_none() {
        return Err(invalid("shared memory must have maximum"));
    }
    Ok(())
}

impl Context<'_> {
    /// Reference subtyping (spec 3.3.1 "Matching").
    pub(crate) fn ref_subtype(&self, a: RefType, b: RefType) -> bool {
        self.ref_sub(a, b)
    }

    /// Value subtyping (spec 3.3.1).
    pub(crate) fn val_subtype(&self, a: ValType, b: ValType) -> bool {
        self.val_sub(a, b)
    }
}

/// Validates the recursive group of `n` types starting at type index
/// `first` (spec 3.2.x "Recursive types"): its types may refer to each
/// other and to earlier types; each declared supertype comes earlier, is
/// not final, and its composite type is matched by the sub type's.
/// The `describes` and `descriptor` clauses of a recursive group whose
/// first type is `first` (custom descriptors, overview "Custom Descriptor
/// Definitions"): each names a type of the same group that names this one
/// back, and a described type comes before its descriptor (so no type is
/// in its own chain of descriptors).
fn descriptor_clauses(group: &[SubType], first: usize) -> Result<(), Error> {
    let in_group = |x: TypeIdx| {
        (x as usize)
            .checked_sub(first)
            .and_then(|i| group.get(i).map(|t| (i, t)))
    };
    for (i, t) in group.iter().enumerate() {
        let x = (first + i) as TypeIdx;
        if let Some(d) = t.describes {
            let Some((j, described)) = in_group(d) else {
                return Err(invalid("described type is outside rec group"));
            };
            if described.descriptor != Some(x) {
                return Err(invalid("described type is not described by descriptor"));
            }
            if j >= i {
                return Err(invalid("forward use of described type"));
            }
        }
        if let Some(d) = t.descriptor {
            let Some((_, descriptor)) = in_group(d) else {
                return Err(invalid("descriptor type is outside rec group"));
            };
            if descriptor.describes != Some(x) {
                return Err(invalid("type is not described by its descriptor"));
            }
        }
    }
    Ok(())
}

/// The clauses of type `x` against those of its declared supertype `s`
/// (custom descriptors, overview "Custom Descriptor Definitions"): a
/// described type's supertype describes a supertype of what it describes,
/// or describes nothing if it does not; a supertype's descriptor is a
/// supertype of the type's descriptor, and a type without a descriptor has
/// a supertype without one.
fn clauses_sub(
    c: &Context<'_>,
    t: &SubType,
    su: &SubType,
    x: usize,
    s: TypeIdx,
) -> Result<(), Error> {
    let mismatch = || invalid(format!("sub type {x} does not match super type {s}"));
    match (t.describes, su.describes) {
        (Some(a), Some(b)) if !c.concrete_sub(a, b) => {
            return Err(invalid(format!("described type {a} does not match {b}")));
        }
        (Some(_), None) | (None, Some(_)) => return Err(mismatch()),
        _ => {}
    }
    match (t.descriptor, su.descriptor) {
        (Some(a), Some(b)) if !c.concrete_sub(a, b) => {
            Err(invalid(format!("descriptor type {a} does not match {b}")))
        }
        (None, Some(_)) => Err(mismatch()),
        _ => Ok(()),
    }
}

fn rec_type(c: &mut Context<'_>, first: usize, n: usize) -> Result<(), Error> {
    let group = &c.types[first..first + n];
    descriptor_clauses(group, first)?;
    let canon = &c.canon;
    let ids = c.reg.intern_group(group, |x| {
        let x = x as usize;
        if x < first {
            Ok(TypeRef::Id(canon[x]))
        } else if x < first + n {
            Ok(TypeRef::InGroup((x - first) as u32))
        } else {
            Err(invalid(format!("unknown type {x}")))
        }
    })?;
    c.canon.extend(ids);
    for (i, t) in group.iter().enumerate() {
        let x = first + i;
        match &t.comp {
            CompType::Func(ft) => {
                for v in ft.params.iter().chain(&ft.results) {
                    c.val_type(*v)?;
                }
                if ft.results.len() > 1 && !c.features.multi_value {
                    return Err(invalid("invalid result arity"));
                }
            }
            CompType::Struct(fs) => {
                for ft in fs {
                    c.storage_type(ft.storage)?;
                }
            }
            CompType::Array(ft) => c.storage_type(ft.storage)?,
        }
        if !matches!(t.comp, CompType::Struct(_)) {
            if t.descriptor.is_some() {
                return Err(invalid("descriptor type must be a struct"));
            }
            if t.describes.is_some() {
                return Err(invalid("described type must be a struct"));
            }
        }
        if t.supertypes.len() > 1 {
            return Err(invalid(format!("sub type {x} has more than one supertype")));
        }
        for &s in &t.supertypes {
            let su = c.sub(s)?;
            if s as usize >= x {
                return Err(invalid(format!(
                    "forward use of type {s} in sub type definition"
                )));
            }
            if su.is_final {
                return Err(invalid(format!("sub type {x} has final super type {s}")));
            }
            clauses_sub(c, t, su, x, s)?;
            if !c.comp_sub(&t.comp, &su.comp) {
                return Err(invalid(format!(
                    "sub type {x} does not match super type {s}"
                )));
            }
        }
    }
    Ok(())
}
