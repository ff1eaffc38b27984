//! The aggregate, cast and i31 instructions (spec 4.4.x, GC) on the store's
//! heap, shared by the interpreter loop and by constant expressions.
//!
//! Every function here takes and returns slots (decision D2, references as
//! in `runtime::slot`). Type indices are the store's ids (the running
//! instance's `types` map module indices to them). An allocation may first
//! collect garbage when it is given the running computation's slots as
//! `roots` (constant expressions pass none: nothing is collected while an
//! instance is being made); past the heap budget it traps with
//! [`Trap::OutOfMemory`].

use crate::api::Trap;
use crate::runtime::heap::{Elem, Obj};
use crate::runtime::slot::{self, Kind, Slot};
use crate::runtime::store::Store;
use crate::syntax::{CompType, FieldType, HeapType, Pack, RefType};

/// The element type of array type `ty` and how it is stored.
fn array_elem(store: &Store, ty: u32) -> (FieldType, Elem) {
    match &store.types.get(ty).sub.comp {
        CompType::Array(ft) => (*ft, Elem::of(ft.storage)),
        other => unreachable!("validated array type, not {other:?}"),
    }
}

/// Puts `obj` in the heap, collecting garbage first if the heap has grown
/// enough and the running computation's `roots` are known.
fn alloc(store: &mut Store, obj: Obj, size: u64, roots: Option<&[Slot]>) -> Result<u32, Trap> {
    make_room(store, size, roots);
    store.alloc_obj(obj)
}

/// Collects garbage before an allocation of about `size` bytes if the heap
/// has grown enough since the last collection, or if the allocation would
/// not fit otherwise, when the running computation's `roots` are known.
fn make_room(store: &mut Store, size: u64, roots: Option<&[Slot]>) {
    if let Some(roots) = roots
        && (store.heap.wants_collection(size) || store.heap_room(size).is_err())
    {
        store.collect_with(roots);
    }
}

/// `struct.new x` (spec 4.4.x): a structure of type `ty` with these fields
/// (packed ones wrapped to their width).
pub(crate) fn struct_new(
    store: &mut Store,
    ty: u32,
    fields: &[Slot],
    roots: Option<&[Slot]>,
) -> Result<Slot, Trap> {
    let CompType::Struct(fts) = &store.types.get(ty).sub.comp else {
        unreachable!("validated structure type")
    };
    let fields: Box<[Slot]> = fields.iter().zip(fts).map(|(v, ft)| wrap(*v, ft)).collect();
    let size = (fields.len() * std::mem::size_of::<Slot>()) as u64;
    let a = alloc(store, Obj::Struct { ty, fields }, size, roots)?;
    Ok(slot::make(Kind::Struct, a))
}

/// `struct.new_desc x` and `struct.new_default_desc x` (custom
/// descriptors, overview "Allocation With Descriptors"): as `struct.new`,
/// with descriptor `desc`, kept after the fields (so that a collection
/// follows it as it follows them); a null one traps.
pub(crate) fn struct_new_desc(
    store: &mut Store,
    ty: u32,
    fields: Option<&[Slot]>,
    desc: Slot,
    roots: Option<&[Slot]>,
) -> Result<Slot, Trap> {
    if desc == 0 {
        return Err(Trap::NullDescriptorReference);
    }
    let CompType::Struct(fts) = &store.types.get(ty).sub.comp else {
        unreachable!("validated structure type")
    };
    let mut all: Vec<Slot> = match fields {
        Some(vs) => vs.iter().zip(fts).map(|(v, ft)| wrap(*v, ft)).collect(),
        None => vec![0; fts.len()],
    };
    all.push(desc);
    let size = (all.len() * std::mem::size_of::<Slot>()) as u64;
    let a = alloc(
        store,
        Obj::Struct {
            ty,
            fields: all.into(),
        },
        size,
        roots,
    )?;
    Ok(slot::make(Kind::Struct, a))
}

/// The descriptor of the structure `r` refers to (custom descriptors), or
/// the trap for null. Only types with a descriptor are asked.
pub(crate) fn descriptor_of(store: &mut Store, r: Slot) -> Result<Slot, Trap> {
    if r == 0 {
        return Err(Trap::NullReference);
    }
    let fields = fields_mut(store, r)?;
    Ok(*fields
        .last()
        .expect("a structure with a descriptor holds it last"))
}

/// Whether `r` passes a cast by descriptor to `rt` with descriptor `desc`
/// (custom descriptors, `ref.cast_desc_eq`, `br_on_cast_desc_eq[_fail]`):
/// null passes if `rt` is nullable; any other reference if its descriptor
/// is `desc` (the descriptor determines the type, so no other check is
/// needed). A null `desc` traps.
pub(crate) fn desc_matches(
    store: &mut Store,
    r: Slot,
    desc: Slot,
    rt: RefType,
) -> Result<bool, Trap> {
    if desc == 0 {
        return Err(Trap::NullDescriptorReference);
    }
    if r == 0 {
        return Ok(rt.nullable);
    }
    // Only a structure of a type with a descriptor has one.
    let with_desc = match slot::split(r) {
        Some((Kind::Struct, a)) => match store.heap.get(a, Kind::Struct) {
            Some(Obj::Struct { ty, .. }) => store.types.get(*ty).sub.descriptor.is_some(),
            _ => false,
        },
        _ => false,
    };
    Ok(with_desc && descriptor_of(store, r)? == desc)
}

/// `struct.new_default x`: every field zero or null.
pub(crate) fn struct_new_default(
    store: &mut Store,
    ty: u32,
    roots: Option<&[Slot]>,
) -> Result<Slot, Trap> {
    let CompType::Struct(fts) = &store.types.get(ty).sub.comp else {
        unreachable!("validated structure type")
    };
    let zeros = vec![0; fts.len()];
    struct_new(store, ty, &zeros, roots)
}

/// A field value as a field of type `ft` stores it: packed ones keep
/// their low bits.
fn wrap(v: Slot, ft: &FieldType) -> Slot {
    use crate::syntax::{PackedType, StorageType};
    match ft.storage {
        StorageType::Packed(PackedType::I8) => v & 0xff,
        StorageType::Packed(PackedType::I16) => v & 0xffff,
        StorageType::Val(_) => v,
    }
}

/// The number of bytes `n` elements of `elem` take, if the budget's
/// arithmetic can even express it.
fn array_bytes(elem: Elem, n: u32) -> Result<usize, Trap> {
    (n as usize)
        .checked_mul(elem.width())
        .ok_or_else(|| Trap::OutOfMemory(format!("an array of {n} elements cannot be addressed")))
}

/// An array of type `ty` whose `n` elements the bytes `bytes` hold.
fn new_array(
    store: &mut Store,
    ty: u32,
    elem: Elem,
    n: u32,
    bytes: Box<[u8]>,
    roots: Option<&[Slot]>,
) -> Result<Slot, Trap> {
    let size = bytes.len() as u64;
    let obj = Obj::Array {
        ty,
        elem,
        len: n,
        bytes,
    };
    let a = alloc(store, obj, size, roots)?;
    Ok(slot::make(Kind::Array, a))
}

/// Zeroed room for `n` elements, refused before anything is allocated if
/// the heap cannot hold it (after a collection, when the running
/// computation's `roots` are known).
fn zeroed(
    store: &mut Store,
    elem: Elem,
    n: u32,
    roots: Option<&[Slot]>,
) -> Result<Box<[u8]>, Trap> {
    let len = array_bytes(elem, n)?;
    make_room(store, len as u64, roots);
    store.heap_room(len as u64)?;
    let mut v: Vec<u8> = Vec::new();
    v.try_reserve_exact(len).map_err(|_| {
        Trap::OutOfMemory(format!(
            "an array of {len} bytes cannot be allocated on this machine"
        ))
    })?;
    v.resize(len, 0);
    Ok(v.into_boxed_slice())
}

/// `array.new x` / `array.new_default x` (spec 4.4.x): `n` copies of
/// `init` (0 for the default).
pub(crate) fn array_new(
    store: &mut Store,
    ty: u32,
    n: u32,
    init: Slot,
    roots: Option<&[Slot]>,
) -> Result<Slot, Trap> {
    let (_, elem) = array_elem(store, ty);
    let mut bytes = zeroed(store, elem, n, roots)?;
    if init != 0 {
        for c in bytes.chunks_exact_mut(elem.width()) {
            elem.write(c, init);
        }
    }
    new_array(store, ty, elem, n, bytes, roots)
}

/// `array.new_fixed x n`: an array of these values.
pub(crate) fn array_new_fixed(
    store: &mut Store,
    ty: u32,
    vals: &[Slot],
    roots: Option<&[Slot]>,
) -> Result<Slot, Trap> {
    let (_, elem) = array_elem(store, ty);
    let n = u32::try_from(vals.len())
        .map_err(|_| Trap::OutOfMemory("an array of more than 2^32-1 elements".into()))?;
    let mut bytes = zeroed(store, elem, n, roots)?;
    for (c, v) in bytes.chunks_exact_mut(elem.width()).zip(vals) {
        elem.write(c, *v);
    }
    new_array(store, ty, elem, n, bytes, roots)
}

/// `array.new_data x y`: `n` elements read from data segment `da` (a store
/// address) from byte `s` on, in the element type's little-endian layout.
pub(crate) fn array_new_data(
    store: &mut Store,
    ty: u32,
    da: u32,
    s: u32,
    n: u32,
    roots: Option<&[Slot]>,
) -> Result<Slot, Trap> {
    let (_, elem) = array_elem(store, ty);
    let data = store.datas[da as usize].bytes.clone();
    let len = (n as u64) * elem.width() as u64;
    let end = (s as u64)
        .checked_add(len)
        .filter(|&e| e <= data.len() as u64)
        .ok_or(Trap::MemoryOutOfBounds)?;
    let mut bytes = zeroed(store, elem, n, roots)?;
    bytes.copy_from_slice(&data[s as usize..end as usize]);
    new_array(store, ty, elem, n, bytes, roots)
}

/// `array.new_elem x y`: `n` references from element segment `ea` (a store
/// address) from index `s` on.
pub(crate) fn array_new_elem(
    store: &mut Store,
    ty: u32,
    ea: u32,
    s: u32,
    n: u32,
    roots: Option<&[Slot]>,
) -> Result<Slot, Trap> {
    let seg = &store.elems[ea as usize].elems;
    let end = (s as usize)
        .checked_add(n as usize)
        .filter(|&e| e <= seg.len())
        .ok_or(Trap::TableOutOfBounds)?;
    let vals: Vec<Slot> = seg[s as usize..end].to_vec();
    array_new_fixed(store, ty, &vals, roots)
}

/// The fields of the structure `r` refers to, or the trap for null.
fn fields_mut(store: &mut Store, r: Slot) -> Result<&mut [Slot], Trap> {
    if r == 0 {
        return Err(Trap::NullStructureReference);
    }
    match store.heap.get_mut(slot::addr(r), Kind::Struct) {
        Some(Obj::Struct { fields, .. }) => Ok(fields),
        _ => unreachable!("a validated structure reference is a live structure"),
    }
}

/// `struct.get[_s|_u] x i` (spec 4.4.x).
pub(crate) fn struct_get(store: &mut Store, r: Slot, i: u32, pack: Pack) -> Result<Slot, Trap> {
    let v = fields_mut(store, r)?[i as usize];
    Ok(extend(v, pack))
}

/// `struct.set x i`.
pub(crate) fn struct_set(
    store: &mut Store,
    r: Slot,
    i: u32,
    v: Slot,
    pack: Pack,
) -> Result<(), Trap> {
    let v = match pack {
        Pack::I8 => v & 0xff,
        Pack::I16 => v & 0xffff,
        _ => v,
    };
    fields_mut(store, r)?[i as usize] = v;
    Ok(())
}

/// A packed value read as `i32` (spec 4.4.x `unpack`): sign- or
/// zero-extended from its width.
fn extend(v: Slot, pack: Pack) -> Slot {
    match pack {
        Pack::I8S => v as u8 as i8 as i32 as u32 as Slot,
        Pack::I16S => v as u16 as i16 as i32 as u32 as Slot,
        Pack::I8U => v & 0xff,
        Pack::I16U => v & 0xffff,
        _ => v,
    }
}

/// The array `r` refers to, or the trap for null.
fn array_mut(store: &mut Store, r: Slot) -> Result<(Elem, u32, &mut [u8]), Trap> {
    if r == 0 {
        return Err(Trap::NullArrayReference);
    }
    match store.heap.get_mut(slot::addr(r), Kind::Array) {
        Some(Obj::Array {
            elem, len, bytes, ..
        }) => Ok((*elem, *len, bytes)),
        _ => unreachable!("a validated array reference is a live array"),
    }
}

/// `[i, i + n)` within an array of `len` elements, as a byte range.
fn range(elem: Elem, len: u32, i: u32, n: u32) -> Result<std::ops::Range<usize>, Trap> {
    let end = (i as u64) + (n as u64);
    if end > len as u64 {
        return Err(Trap::ArrayOutOfBounds);
    }
    let w = elem.width();
    Ok(i as usize * w..end as usize * w)
}

/// `array.get[_s|_u] x`.
pub(crate) fn array_get(store: &mut Store, r: Slot, i: u32, pack: Pack) -> Result<Slot, Trap> {
    let (elem, len, bytes) = array_mut(store, r)?;
    let b = range(elem, len, i, 1)?;
    Ok(extend(elem.read(&bytes[b]), pack))
}

/// `array.set x`.
pub(crate) fn array_set(store: &mut Store, r: Slot, i: u32, v: Slot) -> Result<(), Trap> {
    let (elem, len, bytes) = array_mut(store, r)?;
    let b = range(elem, len, i, 1)?;
    elem.write(&mut bytes[b], v);
    Ok(())
}

/// `array.len`.
pub(crate) fn array_len(store: &mut Store, r: Slot) -> Result<u32, Trap> {
    Ok(array_mut(store, r)?.1)
}

/// `array.fill x`: elements `[i, i + n)` set to `v`.
pub(crate) fn array_fill(store: &mut Store, r: Slot, i: u32, v: Slot, n: u32) -> Result<(), Trap> {
    let (elem, len, bytes) = array_mut(store, r)?;
    let b = range(elem, len, i, n)?;
    for c in bytes[b].chunks_exact_mut(elem.width()) {
        elem.write(c, v);
    }
    Ok(())
}

/// `array.copy x y`: `n` elements from `src[s..]` to `dst[d..]`, as if
/// through a buffer when they are the same array. Both arrays store their
/// elements alike (validation: the source's element type matches the
/// destination's, so both are the same width and kind).
pub(crate) fn array_copy(
    store: &mut Store,
    dst: Slot,
    d: u32,
    src: Slot,
    s: u32,
    n: u32,
) -> Result<(), Trap> {
    if dst == 0 || src == 0 {
        return Err(Trap::NullArrayReference);
    }
    let (da, sa) = (slot::addr(dst), slot::addr(src));
    if da == sa {
        let (elem, len, bytes) = array_mut(store, dst)?;
        let db = range(elem, len, d, n)?;
        let sb = range(elem, len, s, n)?;
        bytes.copy_within(sb, db.start);
        return Ok(());
    }
    let (
        Some(Obj::Array {
            elem,
            len: dl,
            bytes: dbytes,
            ..
        }),
        Some(Obj::Array {
            len: sl,
            bytes: sbytes,
            ..
        }),
    ) = store.heap.get2_mut(da, sa)
    else {
        unreachable!("validated array references are live arrays")
    };
    let db = range(*elem, *dl, d, n)?;
    let sb = range(*elem, *sl, s, n)?;
    dbytes[db].copy_from_slice(&sbytes[sb]);
    Ok(())
}

/// `array.init_data x y`: `n` elements from data segment `da` (store
/// address) at byte `s` into `r[d..]`.
pub(crate) fn array_init_data(
    store: &mut Store,
    r: Slot,
    d: u32,
    da: u32,
    s: u32,
    n: u32,
) -> Result<(), Trap> {
    let data = store.datas[da as usize].bytes.clone();
    let (elem, len, bytes) = array_mut(store, r)?;
    let db = range(elem, len, d, n)?;
    let end = (s as u64) + db.len() as u64;
    if end > data.len() as u64 {
        return Err(Trap::MemoryOutOfBounds);
    }
    bytes[db].copy_from_slice(&data[s as usize..end as usize]);
    Ok(())
}

/// `array.init_elem x y`: `n` references from element segment `ea` at `s`
/// into `r[d..]`.
pub(crate) fn array_init_elem(
    store: &mut Store,
    r: Slot,
    d: u32,
    ea: u32,
    s: u32,
    n: u32,
) -> Result<(), Trap> {
    let seg: Vec<Slot> = {
        let (elem, len, _) = array_mut(store, r)?;
        range(elem, len, d, n)?;
        let seg = &store.elems[ea as usize].elems;
        let end = (s as usize)
            .checked_add(n as usize)
            .filter(|&e| e <= seg.len())
            .ok_or(Trap::TableOutOfBounds)?;
        seg[s as usize..end].to_vec()
    };
    let (elem, _, bytes) = array_mut(store, r)?;
    let w = elem.width();
    for (k, v) in seg.iter().enumerate() {
        let at = (d as usize + k) * w;
        elem.write(&mut bytes[at..at + w], *v);
    }
    Ok(())
}

/// `ref.cast rt` (spec 4.4.x): the reference if it is of type `rt` (in the
/// store's terms), else the trap. The message describes both types as the
/// reference interpreter does: `shown` is `rt` as the module wrote it, and
/// the value's type is written with the running module's index for it
/// (`index_of`), or by its kind when that module has no index for it.
pub(crate) fn cast(
    store: &Store,
    r: Slot,
    rt: RefType,
    shown: RefType,
    index_of: impl Fn(u32) -> Option<u32>,
) -> Result<Slot, Trap> {
    if store.ref_matches(r, rt) {
        return Ok(r);
    }
    let got = if r == 0 {
        "null".to_string()
    } else {
        let heap = match store.ref_heap_type(r) {
            HeapType::Concrete(id) | HeapType::Exact(id) => match index_of(id) {
                Some(x) => HeapType::Concrete(x),
                None => store.types.get(id).sub.comp.abs(),
            },
            h => h,
        };
        RefType {
            nullable: false,
            heap,
        }
        .to_string()
    };
    Err(Trap::CastFailure(format!("expected {shown} but got {got}")))
}
