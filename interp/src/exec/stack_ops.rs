//! The instructions that run in the stack-machine style (`Op::Instr`,
//! decision D20): references, tables, bulk memory, memory size and growth,
//! atomics, wide arithmetic, vectors and GC. Each takes its operands from the top of an operand stack
//! in the frame's slots (`vals[..sp]`) and leaves its results there, as the
//! spec's execution rules describe (spec 4.4); none of them jumps or calls.
//!
//! Also here: the table and memory operations that instantiation shares
//! (`table_init`, `memory_init` for active segments).

use super::atomic;
use super::gc;
use super::numops::*;
use super::simd;
use super::wide;
use crate::api::{FuncAddr, MemAddr, TableAddr, Trap};
use crate::runtime::slot::{self, Kind, Slot};
use crate::runtime::store::{Store, WasmFunc};
use crate::syntax::{AddrType, CompType, Instr, RefType};
use std::rc::Rc;

/// The bytes `[ea, ea + N)` of a memory, where `ea = addr + offset` (spec
/// 4.4.7: out of bounds traps; the sum is computed in 64 bits so it cannot wrap).
/// `frame_loop::bytes_at` states the same rule for the fixed widths of the
/// frame loop's loads and stores.
#[inline(always)]
pub(crate) fn mem_range(
    data: &[u8],
    addr: u64,
    offset: u64,
    n: usize,
) -> Result<std::ops::Range<usize>, Trap> {
    let ea = addr.checked_add(offset).ok_or(Trap::MemoryOutOfBounds)?;
    let end = ea.checked_add(n as u64).ok_or(Trap::MemoryOutOfBounds)?;
    if end > data.len() as u64 {
        return Err(Trap::MemoryOutOfBounds);
    }
    Ok(ea as usize..end as usize)
}

/// The address of the running instance's memory `x`.
pub(crate) fn mem_addr(store: &Store, f: &WasmFunc, x: u32) -> MemAddr {
    store.instances[f.inst.0 as usize].mems[x as usize]
}

fn table_addr(store: &Store, f: &WasmFunc, x: u32) -> TableAddr {
    store.instances[f.inst.0 as usize].tables[x as usize]
}

/// The store's id of the running instance's type `x`.
fn type_id(store: &Store, f: &WasmFunc, x: u32) -> u32 {
    store.instances[f.inst.0 as usize].types[x as usize]
}

/// A reference type of the running instance in the store's terms.
pub(crate) fn store_ref(store: &Store, f: &WasmFunc, rt: RefType) -> RefType {
    super::instantiate::canon_ref(rt, &store.instances[f.inst.0 as usize].types)
}

/// The number of fields of structure type `ty` (a store id).
fn struct_len(store: &Store, ty: u32) -> usize {
    match &store.types.get(ty).sub.comp {
        CompType::Struct(fs) => fs.len(),
        _ => unreachable!("validated structure type"),
    }
}

/// An address operand read at the address type of its memory or table.
fn addr(s: Slot, a: AddrType) -> u64 {
    match a {
        AddrType::I32 => s as u32 as u64,
        AddrType::I64 => s as u64,
    }
}

/// Runs instruction `i` of function `f` on the operand stack `vals[..sp]`.
// `push!` leaves `sp` one past the result, unread after the last push.
#[allow(unused_assignments)]
pub(crate) fn step(
    store: &mut Store,
    f: &Rc<WasmFunc>,
    i: &Instr,
    vals: &mut [Slot],
    mut sp: usize,
) -> Result<(), Trap> {
    use Instr::*;
    macro_rules! pop {
        () => {{
            sp -= 1;
            vals[sp]
        }};
    }
    macro_rules! push {
        ($v:expr) => {{
            let v: Slot = $v;
            vals[sp] = v;
            sp += 1;
        }};
    }
    macro_rules! mem {
        ($m:expr) => {{
            let a = mem_addr(store, f, $m);
            &mut store.mems[a.0 as usize].data
        }};
    }
    match i {
        // ---- References (spec 4.4.2) ----
        RefNull(_) => push!(0),
        RefIsNull => vals[sp - 1] = from_bool(vals[sp - 1] == 0),
        RefFunc(x) => push!(slot::make(
            Kind::Func,
            store.instances[f.inst.0 as usize].funcs[*x as usize].0
        )),
        RefAsNonNull => {
            if vals[sp - 1] == 0 {
                return Err(Trap::NullReference);
            }
        }

        // ---- Tables (spec 4.4.6) ----
        TableGet(x) => {
            let t = &store.tables[table_addr(store, f, *x).0 as usize];
            let k = addr(vals[sp - 1], t.ty.addr);
            vals[sp - 1] = *usize::try_from(k)
                .ok()
                .and_then(|k| t.elems.get(k))
                .ok_or(Trap::TableOutOfBounds)?;
        }
        TableSet(x) => {
            let ta = table_addr(store, f, *x);
            let v = pop!();
            let t = &mut store.tables[ta.0 as usize];
            let k = addr(pop!(), t.ty.addr);
            *usize::try_from(k)
                .ok()
                .and_then(|k| t.elems.get_mut(k))
                .ok_or(Trap::TableOutOfBounds)? = v;
        }
        TableSize(x) => {
            let t = table_addr(store, f, *x);
            push!(store.tables[t.0 as usize].elems.len() as Slot)
        }
        TableGrow(x) => {
            let t = table_addr(store, f, *x);
            let is64 = store.tables[t.0 as usize].ty.addr == AddrType::I64;
            let n = addr(pop!(), store.tables[t.0 as usize].ty.addr);
            let init = vals[sp - 1];
            vals[sp - 1] = match store.table_grow_slots(t, n, init) {
                Some(old) => old as Slot,
                None if is64 => u64::MAX as Slot,
                None => u32::MAX as Slot,
            };
        }
        TableFill(x) => {
            let ta = table_addr(store, f, *x);
            let at = store.tables[ta.0 as usize].ty.addr;
            let n = addr(pop!(), at);
            let v = pop!();
            let d = addr(pop!(), at);
            let elems = &mut store.tables[ta.0 as usize].elems;
            let e = d
                .checked_add(n)
                .filter(|&e| e <= elems.len() as u64)
                .ok_or(Trap::TableOutOfBounds)?;
            elems[d as usize..e as usize].fill(v);
        }
        TableCopy { dst, src } => {
            let (td, ts) = (table_addr(store, f, *dst), table_addr(store, f, *src));
            let n = pop!() as u64;
            let s = pop!() as u64;
            let d = pop!() as u64;
            // The count is 64-bit only when both tables are.
            let (da, sa) = (
                store.tables[td.0 as usize].ty.addr,
                store.tables[ts.0 as usize].ty.addr,
            );
            let n = if da == AddrType::I64 && sa == AddrType::I64 {
                n
            } else {
                n as u32 as u64
            };
            table_copy(store, td, ts, addr(d as Slot, da), addr(s as Slot, sa), n)?;
        }
        TableInit { table, elem } => {
            let t = table_addr(store, f, *table);
            let e = store.instances[f.inst.0 as usize].elems[*elem as usize];
            let n = pop!() as u32 as u64;
            let s = pop!() as u32 as u64;
            let d = addr(pop!(), store.tables[t.0 as usize].ty.addr);
            table_init(store, t, e, d, s, n)?;
        }
        ElemDrop(x) => {
            let e = store.instances[f.inst.0 as usize].elems[*x as usize];
            store.drop_elem(e);
        }

        // ---- Memory size, growth and bulk operations (spec 4.4.7) ----
        // In pages of the memory's own size (custom page sizes).
        MemorySize(m) => push!(store.mem_size(mem_addr(store, f, *m)) as Slot),
        MemoryGrow(m) => {
            let a = mem_addr(store, f, *m);
            let at = store.mems[a.0 as usize].ty.addr;
            let n = addr(vals[sp - 1], at);
            vals[sp - 1] = match store.mem_grow(a, n) {
                Some(old) => old as Slot,
                None if at == AddrType::I64 => u64::MAX as Slot,
                None => u32::MAX as Slot,
            };
        }
        MemoryFill(m) => {
            let at = store.mems[mem_addr(store, f, *m).0 as usize].ty.addr;
            let n = addr(pop!(), at);
            let v = pop!() as u8;
            let d = addr(pop!(), at);
            let data = mem!(*m);
            let e = d
                .checked_add(n)
                .filter(|&e| e <= data.len() as u64)
                .ok_or(Trap::MemoryOutOfBounds)?;
            data[d as usize..e as usize].fill(v);
        }
        MemoryCopy { dst, src } => {
            let (md, ms) = (mem_addr(store, f, *dst), mem_addr(store, f, *src));
            let (da, sa) = (
                store.mems[md.0 as usize].ty.addr,
                store.mems[ms.0 as usize].ty.addr,
            );
            let n = pop!();
            let n = if da == AddrType::I64 && sa == AddrType::I64 {
                n as u64
            } else {
                n as u32 as u64
            };
            let s = addr(pop!(), sa);
            let d = addr(pop!(), da);
            memory_copy(store, md, ms, d, s, n)?;
        }
        MemoryInit { mem, data } => {
            let m = mem_addr(store, f, *mem);
            let da = store.instances[f.inst.0 as usize].datas[*data as usize];
            let n = pop!() as u32 as u64;
            let s = pop!() as u32 as u64;
            let d = addr(pop!(), store.mems[m.0 as usize].ty.addr);
            memory_init(store, m, da, d, s, n)?;
        }
        DataDrop(x) => {
            let d = store.instances[f.inst.0 as usize].datas[*x as usize];
            store.datas[d as usize].bytes = Rc::from(&[][..]);
        }

        // ---- Atomic memory instructions (threads; semantics in `atomic`) ----
        Atomic(op, a) => {
            sp = atomic::eval(store, mem_addr(store, f, a.mem), *op, a.offset, vals, sp)?;
        }
        // One agent: every access is already sequentially consistent.
        AtomicFence => {}

        // ---- Wide arithmetic (proposal; semantics in `wide`) ----
        I64Add128 => sp = wide::add128(vals, sp),
        I64Sub128 => sp = wide::sub128(vals, sp),
        I64MulWideS => sp = wide::mul_wide_s(vals, sp),
        I64MulWideU => sp = wide::mul_wide_u(vals, sp),

        // ---- Vectors (spec 4.4.3, 4.4.7; lanes in `simd`) ----
        V128Const(b) => push!(u128::from_le_bytes(*b)),
        V128Load(k, a) => {
            let at = store.mems[mem_addr(store, f, a.mem).0 as usize].ty.addr;
            let ea = addr(vals[sp - 1], at);
            let data = mem!(a.mem);
            let r = mem_range(data, ea, a.offset, k.bytes() as usize)?;
            vals[sp - 1] = simd::load(*k, &data[r]);
        }
        V128Store(a) => {
            let v = pop!();
            let at = store.mems[mem_addr(store, f, a.mem).0 as usize].ty.addr;
            let ea = addr(pop!(), at);
            let data = mem!(a.mem);
            let r = mem_range(data, ea, a.offset, 16)?;
            data[r].copy_from_slice(&v.to_le_bytes());
        }
        V128LoadLane { bits, lane, arg } => {
            let v = pop!();
            let at = store.mems[mem_addr(store, f, arg.mem).0 as usize].ty.addr;
            let ea = addr(vals[sp - 1], at);
            let data = mem!(arg.mem);
            let r = mem_range(data, ea, arg.offset, *bits as usize / 8)?;
            let mut b = [0u8; 16];
            b[..r.len()].copy_from_slice(&data[r]);
            let x = u128::from_le_bytes(b);
            vals[sp - 1] = simd::replace_lane_bits(v, *bits, *lane, x);
        }
        V128StoreLane { bits, lane, arg } => {
            let v = pop!();
            let at = store.mems[mem_addr(store, f, arg.mem).0 as usize].ty.addr;
            let ea = addr(pop!(), at);
            let n = *bits as usize / 8;
            let data = mem!(arg.mem);
            let r = mem_range(data, ea, arg.offset, n)?;
            let x = v >> (*lane as u32 * *bits as u32);
            data[r].copy_from_slice(&x.to_le_bytes()[..n]);
        }
        I8x16Shuffle(lanes) => {
            let b = pop!();
            vals[sp - 1] = simd::shuffle(vals[sp - 1], b, lanes);
        }
        ExtractLane(e) => {
            vals[sp - 1] = simd::extract_lane(vals[sp - 1], e.shape, e.signed, e.lane)
        }
        ReplaceLane(shape, lane) => {
            let x = pop!();
            vals[sp - 1] = simd::replace_lane(vals[sp - 1], *shape, *lane, x);
        }
        Simd(op) => {
            let n = op.arity();
            let r = simd::eval(*op, &vals[sp - n..sp]);
            sp -= n - 1;
            vals[sp - 1] = r;
        }

        // ---- Aggregates, casts and i31 (spec 4.4.x, GC) ----
        RefEq => {
            let b = pop!();
            vals[sp - 1] = from_bool(vals[sp - 1] == b);
        }
        RefTest(rt) => {
            let rt = store_ref(store, f, *rt);
            vals[sp - 1] = from_bool(store.ref_matches(vals[sp - 1], rt));
        }
        RefCast(rt) => {
            let want = store_ref(store, f, *rt);
            let types = &store.instances[f.inst.0 as usize].types;
            let index_of = |id| types.iter().position(|&t| t == id).map(|x| x as u32);
            gc::cast(store, vals[sp - 1], want, *rt, index_of)?;
        }
        StructNew(x) => {
            let ty = type_id(store, f, *x);
            let n = struct_len(store, ty);
            let r = gc::struct_new(store, ty, &vals[sp - n..sp], Some(&vals[..sp]))?;
            sp -= n;
            push!(r);
        }
        StructNewDefault(x) => {
            let ty = type_id(store, f, *x);
            let r = gc::struct_new_default(store, ty, Some(&vals[..sp]))?;
            push!(r);
        }
        // ---- Descriptors (custom descriptors, overview "Allocation With
        // Descriptors" and "New Instructions"; semantics in `gc`) ----
        StructNewDesc(x) => {
            let ty = type_id(store, f, *x);
            let n = struct_len(store, ty);
            let desc = vals[sp - 1];
            let at = sp - 1 - n;
            let r =
                gc::struct_new_desc(store, ty, Some(&vals[at..sp - 1]), desc, Some(&vals[..sp]))?;
            sp = at;
            push!(r);
        }
        StructNewDefaultDesc(x) => {
            let ty = type_id(store, f, *x);
            vals[sp - 1] = gc::struct_new_desc(store, ty, None, vals[sp - 1], Some(&vals[..sp]))?;
        }
        RefGetDesc(_) => vals[sp - 1] = gc::descriptor_of(store, vals[sp - 1])?,
        RefCastDescEq(rt) => {
            let desc = pop!();
            if !gc::desc_matches(store, vals[sp - 1], desc, *rt)? {
                return Err(Trap::DescriptorCastFailure);
            }
        }
        StructGet { field, pack, .. } => {
            vals[sp - 1] = gc::struct_get(store, vals[sp - 1], *field, *pack)?;
        }
        StructSet { field, pack, .. } => {
            let v = pop!();
            let r = pop!();
            gc::struct_set(store, r, *field, v, *pack)?;
        }
        ArrayNew(x) => {
            let ty = type_id(store, f, *x);
            let n = u32_(vals[sp - 1]);
            let r = gc::array_new(store, ty, n, vals[sp - 2], Some(&vals[..sp]))?;
            sp -= 2;
            push!(r);
        }
        ArrayNewDefault(x) => {
            let ty = type_id(store, f, *x);
            let n = u32_(vals[sp - 1]);
            vals[sp - 1] = gc::array_new(store, ty, n, 0, Some(&vals[..sp]))?;
        }
        ArrayNewFixed { ty, n } => {
            let ty = type_id(store, f, *ty);
            let n = *n as usize;
            let r = gc::array_new_fixed(store, ty, &vals[sp - n..sp], Some(&vals[..sp]))?;
            sp -= n;
            push!(r);
        }
        ArrayNewData { ty, data } => {
            let ty = type_id(store, f, *ty);
            let da = store.instances[f.inst.0 as usize].datas[*data as usize];
            let (s, n) = (u32_(vals[sp - 2]), u32_(vals[sp - 1]));
            let r = gc::array_new_data(store, ty, da, s, n, Some(&vals[..sp]))?;
            vals[sp - 2] = r;
        }
        ArrayNewElem { ty, elem } => {
            let ty = type_id(store, f, *ty);
            let ea = store.instances[f.inst.0 as usize].elems[*elem as usize];
            let (s, n) = (u32_(vals[sp - 2]), u32_(vals[sp - 1]));
            let r = gc::array_new_elem(store, ty, ea, s, n, Some(&vals[..sp]))?;
            vals[sp - 2] = r;
        }
        ArrayGet { pack, .. } => {
            let i = u32_(pop!());
            vals[sp - 1] = gc::array_get(store, vals[sp - 1], i, *pack)?;
        }
        ArraySet(_) => {
            let v = pop!();
            let i = u32_(pop!());
            let r = pop!();
            gc::array_set(store, r, i, v)?;
        }
        ArrayLen => vals[sp - 1] = from_u32(gc::array_len(store, vals[sp - 1])?),
        ArrayFill(_) => {
            let n = u32_(pop!());
            let v = pop!();
            let i = u32_(pop!());
            let r = pop!();
            gc::array_fill(store, r, i, v, n)?;
        }
        ArrayCopy { .. } => {
            let n = u32_(pop!());
            let s = u32_(pop!());
            let src = pop!();
            let d = u32_(pop!());
            let dst = pop!();
            gc::array_copy(store, dst, d, src, s, n)?;
        }
        ArrayInitData { data, .. } => {
            let da = store.instances[f.inst.0 as usize].datas[*data as usize];
            let n = u32_(pop!());
            let s = u32_(pop!());
            let d = u32_(pop!());
            let r = pop!();
            gc::array_init_data(store, r, d, da, s, n)?;
        }
        ArrayInitElem { elem, .. } => {
            let ea = store.instances[f.inst.0 as usize].elems[*elem as usize];
            let n = u32_(pop!());
            let s = u32_(pop!());
            let d = u32_(pop!());
            let r = pop!();
            gc::array_init_elem(store, r, d, ea, s, n)?;
        }
        RefI31 => vals[sp - 1] = slot::i31(u32_(vals[sp - 1])),
        I31GetS | I31GetU => {
            let r = vals[sp - 1];
            if r == 0 {
                return Err(Trap::NullI31Reference);
            }
            let v = slot::addr(r);
            // The 31 bits, sign- or zero-extended (spec 4.4.x `i31.get`).
            vals[sp - 1] = if matches!(i, I31GetS) {
                from_i32(((v << 1) as i32) >> 1)
            } else {
                from_u32(v)
            };
        }
        // The conversions change only the static type (decision D14).
        AnyConvertExtern | ExternConvertAny => {}
        other => unreachable!("compiled to a register instruction, not run here: {other:?}"),
    }
    Ok(())
}

/// `end` of a range `[start, start + n)` that must lie within `len`.
fn in_bounds(start: u64, n: u64, len: usize) -> Option<(usize, usize)> {
    let end = start.checked_add(n)?;
    (end <= len as u64).then_some((start as usize, end as usize))
}

/// `table.copy` (spec 4.4.6): bounds are checked before anything moves;
/// overlapping ranges of one table copy as if through a buffer.
pub(crate) fn table_copy(
    store: &mut Store,
    td: TableAddr,
    ts: TableAddr,
    d: u64,
    s: u64,
    n: u64,
) -> Result<(), Trap> {
    let (s0, s1) =
        in_bounds(s, n, store.tables[ts.0 as usize].elems.len()).ok_or(Trap::TableOutOfBounds)?;
    let (d0, _) =
        in_bounds(d, n, store.tables[td.0 as usize].elems.len()).ok_or(Trap::TableOutOfBounds)?;
    if td == ts {
        store.tables[td.0 as usize].elems.copy_within(s0..s1, d0);
    } else {
        let src: Vec<Slot> = store.tables[ts.0 as usize].elems[s0..s1].to_vec();
        store.tables[td.0 as usize].elems[d0..d0 + src.len()].copy_from_slice(&src);
    }
    Ok(())
}

/// `table.init` (spec 4.4.6), also used for active element segments.
pub(crate) fn table_init(
    store: &mut Store,
    t: TableAddr,
    e: u32,
    d: u64,
    s: u64,
    n: u64,
) -> Result<(), Trap> {
    let (s0, s1) =
        in_bounds(s, n, store.elems[e as usize].elems.len()).ok_or(Trap::TableOutOfBounds)?;
    let (d0, d1) =
        in_bounds(d, n, store.tables[t.0 as usize].elems.len()).ok_or(Trap::TableOutOfBounds)?;
    let (elems, tables) = (&store.elems, &mut store.tables);
    tables[t.0 as usize].elems[d0..d1].copy_from_slice(&elems[e as usize].elems[s0..s1]);
    Ok(())
}

/// `memory.copy` (spec 4.4.7): bounds are checked before anything moves.
pub(crate) fn memory_copy(
    store: &mut Store,
    md: MemAddr,
    ms: MemAddr,
    d: u64,
    s: u64,
    n: u64,
) -> Result<(), Trap> {
    let (s0, s1) =
        in_bounds(s, n, store.mems[ms.0 as usize].data.len()).ok_or(Trap::MemoryOutOfBounds)?;
    let (d0, _) =
        in_bounds(d, n, store.mems[md.0 as usize].data.len()).ok_or(Trap::MemoryOutOfBounds)?;
    if md == ms {
        store.mems[md.0 as usize].data.copy_within(s0..s1, d0);
    } else {
        let src = store.mems[ms.0 as usize].data[s0..s1].to_vec();
        store.mems[md.0 as usize].data[d0..d0 + src.len()].copy_from_slice(&src);
    }
    Ok(())
}

/// `memory.init` (spec 4.4.7), also used for active data segments.
pub(crate) fn memory_init(
    store: &mut Store,
    m: MemAddr,
    da: u32,
    d: u64,
    s: u64,
    n: u64,
) -> Result<(), Trap> {
    let bytes = store.datas[da as usize].bytes.clone();
    let (s0, s1) = in_bounds(s, n, bytes.len()).ok_or(Trap::MemoryOutOfBounds)?;
    let (d0, d1) =
        in_bounds(d, n, store.mems[m.0 as usize].data.len()).ok_or(Trap::MemoryOutOfBounds)?;
    store.mems[m.0 as usize].data[d0..d1].copy_from_slice(&bytes[s0..s1]);
    Ok(())
}

/// The function `call_indirect`/`return_call_indirect` reaches through
/// element `k` of a table (spec 4.4.8), checked against type `ty`.
pub(crate) fn indirect(
    store: &Store,
    f: &WasmFunc,
    ty: u32,
    table: u32,
    k: u64,
) -> Result<FuncAddr, Trap> {
    let inst = &store.instances[f.inst.0 as usize];
    let want = inst.types[ty as usize];
    let t = &store.tables[inst.tables[table as usize].0 as usize];
    let s = *usize::try_from(k)
        .ok()
        .and_then(|k| t.elems.get(k))
        .ok_or(Trap::UndefinedElement(k))?;
    if s == 0 {
        return Err(Trap::UninitializedElement(k));
    }
    let a = FuncAddr(slot::addr(s), store.id);
    // spec 4.4.8: the function's type must match the expected one (be it
    // or one of its subtypes).
    let got = store.func_type_id(a);
    if got != want && !store.types.is_subtype(got, want) {
        return Err(Trap::IndirectCallTypeMismatch);
    }
    Ok(a)
}
