//! Instantiation (spec 4.5.4): matching imports, allocating a module's
//! instances, evaluating initialisers and applying active segments.

use super::gc;
use crate::api::*;
use crate::module::Module;
use crate::runtime::slot::{self, Kind, Slot};
use crate::runtime::store::*;
use crate::syntax::{
    self, AddrType, ConstExpr, DataMode, ElemMode, ExternType, GlobalType, ImportDesc, Instr,
    Limits, RefType, TableType, ValType,
};
use crate::valid::canon::{TypeRef, Types};
use std::rc::Rc;

#[cold]
fn link_err(m: impl Into<String>) -> Error {
    Error::Link(m.into())
}

/// An allocation the budget or the machine refused, as the instantiation's
/// failure (spec 4.5.4: allocation may fail for want of resources).
#[cold]
fn exhausted(e: crate::runtime::budget::Exhausted) -> Error {
    Error::Uninstantiable(Trap::OutOfMemory(e.to_string()))
}

/// The bytes of the records an instance of `m` adds to the store: its
/// function, table, memory, global, tag, element and data records, its
/// index spaces and exports (not the names' text), charged to the budget.
fn instance_bytes(m: &syntax::Module, imports: usize) -> u64 {
    use std::mem::size_of;
    let items = [
        (m.funcs.len(), size_of::<FuncInst>() + size_of::<WasmFunc>()),
        (m.tables.len(), size_of::<TableInst>()),
        (m.mems.len(), size_of::<MemInst>()),
        (m.globals.len(), size_of::<GlobalInst>()),
        (m.tags.len(), size_of::<TagInst>()),
        (m.elems.len(), size_of::<ElemInst>()),
        (m.datas.len(), size_of::<DataInst>()),
        (m.exports.len(), size_of::<(String, ExternVal)>()),
        (
            m.types.len() + imports,
            size_of::<u32>() + size_of::<FuncAddr>(),
        ),
    ];
    items
        .iter()
        .fold(size_of::<ModuleInst>() as u64, |sum, (n, size)| {
            sum.saturating_add((*n as u64).saturating_mul(*size as u64))
        })
}

/// Limits matching (spec 4.5.2.x "Limits"): the provided limits are at least
/// as tight as the expected ones.
fn limits_match(got: &Limits, want: &Limits) -> bool {
    got.min >= want.min
        && match (got.max, want.max) {
            (_, None) => true,
            (Some(g), Some(w)) => g <= w,
            (None, Some(_)) => false,
        }
}

/// Checks one import against its declared type (spec 4.5.2 "Import
/// Matching", with the 3.0 rules: a function of a subtype, an immutable
/// global of a subtype; tables, mutable globals and tags of the same type).
fn check_import(store: &Store, ids: &[u32], i: &syntax::Import, v: ExternVal) -> Result<(), Error> {
    let ok = match (&i.desc, v) {
        (ImportDesc::Func(x, exact), ExternVal::Func(f)) => {
            let (got, want) = (store.func_type_id(f), ids[*x as usize]);
            // An exact import takes the type itself only (custom descriptors).
            if *exact {
                got == want
            } else {
                store.types.is_subtype(got, want)
            }
        }
        (ImportDesc::Tag(t), ExternVal::Tag(a)) => {
            store.tags[a.0 as usize].type_id == ids[t.type_idx as usize]
        }
        (desc, v) => match (desc, store.extern_type(v)) {
            (ImportDesc::Table(want), ExternType::Table(t)) => {
                canon_ref(want.elem, ids) == t.elem
                    && want.addr == t.addr
                    && limits_match(&t.limits, &want.limits)
            }
            (ImportDesc::Mem(want), ExternType::Mem(t)) => {
                want.addr == t.addr
                    && want.shared == t.shared
                    && want.page_log2 == t.page_log2
                    && limits_match(&t.limits, &want.limits)
            }
            (ImportDesc::Global(want), ExternType::Global(t)) => {
                let want = canon_global(*want, ids);
                want.mutability == t.mutability
                    && match t.mutability {
                        syntax::Mut::Const => store.types.val_sub(t.val, want.val),
                        syntax::Mut::Var => t.val == want.val,
                    }
            }
            _ => false,
        },
    };
    if ok {
        Ok(())
    } else {
        Err(link_err(format!(
            "incompatible import type for \"{}\" \"{}\"",
            i.module, i.name
        )))
    }
}

/// A module's reference type in the store's terms: a concrete type index
/// becomes the store's id of that type, so types from different modules
/// compare equal exactly when their definitions are equivalent.
pub(crate) fn canon_ref(r: RefType, ids: &[u32]) -> RefType {
    RefType {
        heap: r.heap.map_index(|x| ids[x as usize]),
        ..r
    }
}

fn canon_val(v: ValType, ids: &[u32]) -> ValType {
    match v {
        ValType::Ref(r) => ValType::Ref(canon_ref(r, ids)),
        v => v,
    }
}

fn canon_global(g: GlobalType, ids: &[u32]) -> GlobalType {
    GlobalType {
        val: canon_val(g.val, ids),
        ..g
    }
}

/// Interns a module's recursive type groups in the store, in order (a
/// group may refer to earlier ones and to itself), returning the store id
/// of each type.
pub(crate) fn intern_types(store: &mut Store, m: &syntax::Module) -> Vec<u32> {
    let mut ids: Vec<u32> = Vec::with_capacity(m.types.len());
    let mut first = 0;
    for &n in m.rec_group_sizes().iter() {
        let n = n as usize;
        let group = &m.types[first..first + n];
        let got = store
            .types
            .intern_group(group, |x| {
                let x = x as usize;
                Ok(if x < first {
                    TypeRef::Id(ids[x])
                } else {
                    TypeRef::InGroup((x - first) as u32)
                })
            })
            .expect("a validated module's types resolve");
        ids.extend(got);
        first += n;
    }
    ids
}

/// Evaluates a constant expression (spec 4.4.10 / 3.3.10) in the context of a
/// partly built instance. GC instructions allocate (nothing is collected
/// while an instance is made); an allocation past the heap budget traps.
pub(crate) fn eval_const(
    store: &mut Store,
    inst: &ModuleInst,
    e: &ConstExpr,
) -> Result<Slot, Trap> {
    let mut stack: Vec<Slot> = Vec::with_capacity(2);
    let pop = |stack: &mut Vec<Slot>| stack.pop().expect("validated");
    for i in &e.0 {
        let v = match i {
            Instr::I32Const(x) => *x as u32 as Slot,
            Instr::I64Const(x) => *x as u64 as Slot,
            Instr::F32Const(b) => *b as Slot,
            Instr::F64Const(b) => *b as Slot,
            Instr::V128Const(b) => u128::from_le_bytes(*b),
            Instr::RefNull(_) => 0,
            Instr::RefFunc(x) => slot::make(Kind::Func, inst.funcs[*x as usize].0),
            Instr::GlobalGet(x) => store.globals[inst.globals[*x as usize].0 as usize].value,
            Instr::I32Add | Instr::I32Sub | Instr::I32Mul => {
                let b = pop(&mut stack) as u32;
                let a = pop(&mut stack) as u32;
                (match i {
                    Instr::I32Add => a.wrapping_add(b),
                    Instr::I32Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                }) as Slot
            }
            Instr::I64Add | Instr::I64Sub | Instr::I64Mul => {
                let b = pop(&mut stack) as u64;
                let a = pop(&mut stack) as u64;
                (match i {
                    Instr::I64Add => a.wrapping_add(b),
                    Instr::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                }) as Slot
            }
            Instr::RefI31 => slot::i31(pop(&mut stack) as u32),
            // The conversions change only the static type (decision D14).
            Instr::AnyConvertExtern | Instr::ExternConvertAny => pop(&mut stack),
            Instr::StructNew(x) => {
                let ty = inst.types[*x as usize];
                let n = match &store.types.get(ty).sub.comp {
                    syntax::CompType::Struct(fs) => fs.len(),
                    _ => unreachable!("validated structure type"),
                };
                let fields = stack.split_off(stack.len() - n);
                gc::struct_new(store, ty, &fields, None)?
            }
            Instr::StructNewDefault(x) => {
                gc::struct_new_default(store, inst.types[*x as usize], None)?
            }
            // Custom descriptors: the descriptor is the last operand.
            Instr::StructNewDesc(x) | Instr::StructNewDefaultDesc(x) => {
                let ty = inst.types[*x as usize];
                let desc = pop(&mut stack);
                let fields = match (i, &store.types.get(ty).sub.comp) {
                    (Instr::StructNewDesc(_), syntax::CompType::Struct(fs)) => {
                        Some(stack.split_off(stack.len() - fs.len()))
                    }
                    _ => None,
                };
                gc::struct_new_desc(store, ty, fields.as_deref(), desc, None)?
            }
            Instr::ArrayNew(x) => {
                let n = pop(&mut stack) as u32;
                let init = pop(&mut stack);
                gc::array_new(store, inst.types[*x as usize], n, init, None)?
            }
            Instr::ArrayNewDefault(x) => {
                let n = pop(&mut stack) as u32;
                gc::array_new(store, inst.types[*x as usize], n, 0, None)?
            }
            Instr::ArrayNewFixed { ty, n } => {
                let vals = stack.split_off(stack.len() - *n as usize);
                gc::array_new_fixed(store, inst.types[*ty as usize], &vals, None)?
            }
            Instr::End => break,
            other => unreachable!("validation admits only constant instructions, not {other:?}"),
        };
        stack.push(v);
    }
    Ok(pop(&mut stack))
}

/// Instantiates `module` with `imports` (spec 4.5.4), returning the instance
/// and its start function, not yet run.
pub(crate) fn instantiate(
    store: &mut Store,
    module: &Module,
    imports: &[ExternVal],
) -> Result<(InstanceAddr, Option<FuncAddr>), Error> {
    let m: &syntax::Module = &module.inner;
    // Step 3-4: the imports match in number and type.
    if imports.len() != m.imports.len() {
        return Err(link_err(format!(
            "expected {} imports, got {}",
            m.imports.len(),
            imports.len()
        )));
    }
    // Only a store makes its addresses and its arenas never shrink, so an
    // import of this store is in range (decision D24).
    for (k, v) in imports.iter().enumerate() {
        store
            .own_extern(*v)
            .map_err(|e| Error::Api(format!("import {k} is {}", e.message())))?;
    }
    let ids = intern_types(store, m);
    for (i, v) in m.imports.iter().zip(imports) {
        check_import(store, &ids, i, *v)?;
    }

    // spec 4.5.3.1: allocation, within the store's budget (decision D19).
    // Imports first in every index space.
    store.budget.add_instance().map_err(exhausted)?;
    store
        .budget
        .charge("module instance", instance_bytes(m, imports.len()))
        .map_err(exhausted)?;
    let inst_addr = InstanceAddr(store.instances.len() as u32, store.id);
    let mut inst = ModuleInst {
        types: ids.clone(),
        ..ModuleInst::default()
    };
    for v in imports {
        match *v {
            ExternVal::Func(a) => inst.funcs.push(a),
            ExternVal::Table(a) => inst.tables.push(a),
            ExternVal::Mem(a) => inst.mems.push(a),
            ExternVal::Global(a) => inst.globals.push(a),
            ExternVal::Tag(a) => inst.tags.push(a),
        }
    }
    for (i, f) in m.funcs.iter().enumerate() {
        let w = WasmFunc {
            type_id: inst.types[f.type_idx as usize],
            inst: inst_addr,
            code: Rc::clone(&module.code[i]),
        };
        store.funcs.push(FuncInst::Wasm(Rc::new(w)));
        inst.funcs
            .push(FuncAddr(store.funcs.len() as u32 - 1, store.id));
    }
    for t in &m.tables {
        // Initial elements: null, or the table's initialiser (typed references).
        let init = match &t.init {
            Some(e) => eval_const(store, &inst, e).map_err(Error::Uninstantiable)?,
            None => 0,
        };
        let a = store
            .alloc_table_slots(
                TableType {
                    elem: canon_ref(t.ty.elem, &ids),
                    ..t.ty
                },
                init,
            )
            .map_err(exhausted)?;
        inst.tables.push(a);
    }
    for t in &m.tags {
        // The tag's type is the module's defined type (its rec group
        // included), which import matching compares exactly.
        store.tags.push(TagInst {
            type_id: ids[t.type_idx as usize],
        });
        inst.tags
            .push(TagAddr(store.tags.len() as u32 - 1, store.id));
    }
    for t in &m.mems {
        let a = store.alloc_mem_unchecked(*t).map_err(exhausted)?;
        inst.mems.push(a);
    }
    // Globals see the imported and earlier globals.
    for g in &m.globals {
        let v = eval_const(store, &inst, &g.init).map_err(Error::Uninstantiable)?;
        inst.globals
            .push(store.alloc_global_slot(canon_global(g.ty, &ids), v));
    }
    for e in &m.elems {
        let bytes = (e.init.len() as u64).saturating_mul(std::mem::size_of::<Slot>() as u64);
        store
            .budget
            .charge("element segment", bytes)
            .map_err(exhausted)?;
        let elems = e
            .init
            .iter()
            .map(|x| eval_const(store, &inst, x))
            .collect::<Result<Vec<Slot>, Trap>>()
            .map_err(Error::Uninstantiable)?;
        store.elems.push(ElemInst { elems });
        inst.elems.push(store.elems.len() as u32 - 1);
    }
    for d in &m.datas {
        store.datas.push(DataInst {
            bytes: Rc::from(d.init.as_slice()),
        });
        inst.datas.push(store.datas.len() as u32 - 1);
    }
    for e in &m.exports {
        let v = match e.desc {
            syntax::ExportDesc::Func(x) => ExternVal::Func(inst.funcs[x as usize]),
            syntax::ExportDesc::Table(x) => ExternVal::Table(inst.tables[x as usize]),
            syntax::ExportDesc::Mem(x) => ExternVal::Mem(inst.mems[x as usize]),
            syntax::ExportDesc::Global(x) => ExternVal::Global(inst.globals[x as usize]),
            syntax::ExportDesc::Tag(x) => ExternVal::Tag(inst.tags[x as usize]),
        };
        inst.exports.push((e.name.clone(), v));
    }
    let start = m.start.map(|x| inst.funcs[x as usize]);
    store.instances.push(inst);

    if module.features.link_time_segment_checks {
        segments_fit(store, inst_addr, m)?;
    }
    // spec 4.5.4 steps 14-15: active element segments, then active data
    // segments, each as `table.init`/`memory.init` followed by a drop;
    // declarative segments are dropped.
    for (i, e) in m.elems.iter().enumerate() {
        let ea = store.instances[inst_addr.0 as usize].elems[i];
        match &e.mode {
            ElemMode::Active { table, offset } => {
                let ta = store.instances[inst_addr.0 as usize].tables[*table as usize];
                let off = eval_offset(store, inst_addr, offset)?;
                let off = addr_of(off, store.tables[ta.0 as usize].ty.addr);
                let n = store.elems[ea as usize].elems.len() as u64;
                crate::exec::stack_ops::table_init(store, ta, ea, off, 0, n)
                    .map_err(Error::Uninstantiable)?;
                store.drop_elem(ea);
            }
            ElemMode::Declarative => store.drop_elem(ea),
            ElemMode::Passive => {}
        }
    }
    for (i, d) in m.datas.iter().enumerate() {
        if let DataMode::Active { mem, offset } = &d.mode {
            let inst = &store.instances[inst_addr.0 as usize];
            let da = inst.datas[i];
            let ma = inst.mems[*mem as usize];
            let off = eval_offset(store, inst_addr, offset)?;
            let off = addr_of(off, store.mems[ma.0 as usize].ty.addr);
            let n = store.datas[da as usize].bytes.len() as u64;
            crate::exec::stack_ops::memory_init(store, ma, da, off, 0, n)
                .map_err(Error::Uninstantiable)?;
            store.datas[da as usize].bytes = Rc::from(&[][..]);
        }
    }
    Ok((inst_addr, start))
}

/// 1.0's link-time check (spec 1.0 4.5.4 steps 8-13, before bulk memory):
/// every active segment fits its table or memory, or instantiation fails
/// with a link error before any segment is written.
fn segments_fit(store: &mut Store, inst: InstanceAddr, m: &syntax::Module) -> Result<(), Error> {
    let fits =
        |off: u64, n: usize, len: usize| off.checked_add(n as u64).is_some_and(|e| e <= len as u64);
    for e in &m.elems {
        if let ElemMode::Active { table, offset } = &e.mode {
            let ta = store.instances[inst.0 as usize].tables[*table as usize];
            let off = eval_offset(store, inst, offset)?;
            let t = &store.tables[ta.0 as usize];
            if !fits(addr_of(off, t.ty.addr), e.init.len(), t.elems.len()) {
                return Err(link_err("elements segment does not fit"));
            }
        }
    }
    for d in &m.datas {
        if let DataMode::Active { mem, offset } = &d.mode {
            let ma = store.instances[inst.0 as usize].mems[*mem as usize];
            let off = eval_offset(store, inst, offset)?;
            let mi = &store.mems[ma.0 as usize];
            if !fits(addr_of(off, mi.ty.addr), d.init.len(), mi.data.len()) {
                return Err(link_err("data segment does not fit"));
            }
        }
    }
    Ok(())
}

/// A segment's offset, evaluated in the instance it belongs to.
fn eval_offset(store: &mut Store, inst: InstanceAddr, e: &ConstExpr) -> Result<Slot, Error> {
    let i = std::mem::take(&mut store.instances[inst.0 as usize]);
    let r = eval_const(store, &i, e);
    store.instances[inst.0 as usize] = i;
    r.map_err(Error::Uninstantiable)
}

/// An address operand read at the address type of its memory or table.
fn addr_of(s: Slot, a: AddrType) -> u64 {
    match a {
        AddrType::I32 => s as u32 as u64,
        AddrType::I64 => s as u64,
    }
}
