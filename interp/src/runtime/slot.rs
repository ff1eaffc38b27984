//! Conversions between API values and the executor's untyped 128-bit slots
//! (decision D2): integers as two's complement, floats as IEEE bits, `v128`
//! as its 16 bytes read little-endian. Every value but a `v128` uses the low
//! 64 bits.
//!
//! References (decision D14): null is 0; any other reference carries a
//! 48-bit marker and its kind in the high 64 bits and its address (or an
//! `i31`'s value) in the low 32, so that a slot says by itself whether it
//! is a reference and of what. The garbage collector relies on that to find
//! references on operand stacks, which have no types at run time; only a
//! `v128` can look like a reference, and the collector then keeps the object
//! it seems to point to alive (never the reverse). The same reference is
//! the same slot, so `ref.eq` compares slots. An `externref` holding an
//! internalised value and the `anyref` it came from are the same slot
//! (`any.convert_extern` and `extern.convert_any` change only the static
//! type). Array elements of reference type are stored in 8 bytes
//! (`pack`/`unpack`).

use crate::api::{AnyRef, ArrayAddr, ExnAddr, ExternAddr, FuncAddr, StoreId, StructAddr, Value};
use crate::syntax::{HeapType, RefType, ValType};

/// A value as stored on the operand stack, in globals and in tables.
pub type Slot = u128;

/// The marker in bits 80..128 of every non-null reference.
const MARK: u64 = 0x5245_4600_0000_0000;
const MARK_MASK: u64 = 0xffff_ffff_ffff_0000;

/// What a non-null reference points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Kind {
    /// A function (`funcaddr`).
    Func = 1,
    /// An exception in the heap (`exnaddr`).
    Exn = 2,
    /// A host reference (`ref.host`), chosen by the embedder.
    Host = 3,
    /// An `i31`; the payload is the value's 31 bits.
    I31 = 4,
    /// A structure in the heap.
    Struct = 5,
    /// An array in the heap.
    Array = 6,
}

/// The slot of a non-null reference.
#[inline(always)]
pub(crate) fn make(kind: Kind, payload: u32) -> Slot {
    (((MARK | kind as u64) as u128) << 64) | payload as u128
}

/// The kind and payload of a reference slot; `None` for null and for
/// slots that are not references.
#[inline(always)]
pub(crate) fn split(s: Slot) -> Option<(Kind, u32)> {
    let hi = (s >> 64) as u64;
    if hi & MARK_MASK != MARK {
        return None;
    }
    let kind = match hi & 0xffff {
        1 => Kind::Func,
        2 => Kind::Exn,
        3 => Kind::Host,
        4 => Kind::I31,
        5 => Kind::Struct,
        6 => Kind::Array,
        _ => return None,
    };
    Some((kind, s as u32))
}

/// The address in a non-null reference slot.
#[inline(always)]
pub(crate) fn addr(s: Slot) -> u32 {
    s as u32
}

/// An `i31` from the low 31 bits of an `i32` (spec 4.4.x `ref.i31`).
#[inline(always)]
pub(crate) fn i31(v: u32) -> Slot {
    make(Kind::I31, v & 0x7fff_ffff)
}

/// A reference slot in the 8 bytes of an array element: null is 0, else
/// the kind above the address.
#[inline(always)]
pub(crate) fn pack(s: Slot) -> u64 {
    match split(s) {
        Some((k, a)) => ((k as u64) << 32) | a as u64,
        None => 0,
    }
}

/// The slot of a reference packed by [`pack`].
#[inline(always)]
pub(crate) fn unpack(p: u64) -> Slot {
    if p == 0 {
        0
    } else {
        (((MARK | (p >> 32)) as u128) << 64) | (p as u32) as u128
    }
}

fn any_slot(r: AnyRef) -> Slot {
    match r {
        AnyRef::I31(v) => i31(v),
        AnyRef::Struct(StructAddr(a, _)) => make(Kind::Struct, a),
        AnyRef::Array(ArrayAddr(a, _)) => make(Kind::Array, a),
        AnyRef::Host(ExternAddr(a)) => make(Kind::Host, a),
    }
}

/// The slot of a value. The store ids of its addresses are dropped: the
/// store checks them before a value becomes a slot (decision D24).
#[inline]
pub fn from_value(v: Value) -> Slot {
    match v {
        Value::I32(x) => x as u32 as Slot,
        Value::I64(x) => x as u64 as Slot,
        Value::F32(b) => b as Slot,
        Value::F64(b) => b as Slot,
        Value::V128(b) => b,
        Value::FuncRef(None)
        | Value::ExternRef(None)
        | Value::ExnRef(None)
        | Value::AnyRef(None) => 0,
        Value::FuncRef(Some(FuncAddr(a, _))) => make(Kind::Func, a),
        Value::ExnRef(Some(ExnAddr(a, _))) => make(Kind::Exn, a),
        Value::ExternRef(Some(r)) | Value::AnyRef(Some(r)) => any_slot(r),
    }
}

/// The reference of the any hierarchy in a slot of store `id` (`None` for
/// null, or for a slot of another hierarchy, which validation rules out).
fn any_ref(s: Slot, id: StoreId) -> Option<AnyRef> {
    Some(match split(s)? {
        (Kind::I31, v) => AnyRef::I31(v),
        (Kind::Struct, a) => AnyRef::Struct(StructAddr(a, id)),
        (Kind::Array, a) => AnyRef::Array(ArrayAddr(a, id)),
        (Kind::Host, a) => AnyRef::Host(ExternAddr(a)),
        _ => return None,
    })
}

/// The value of a slot of store `id` read at type `t`: its addresses are
/// that store's. `top` gives the top of the hierarchy of a concrete type
/// (`func` or `any`), which only the store's types know.
#[inline]
pub(crate) fn to_value(s: Slot, t: ValType, id: StoreId, top: impl Fn(u32) -> HeapType) -> Value {
    match t {
        ValType::I32 => Value::I32(s as u32 as i32),
        ValType::I64 => Value::I64(s as i64),
        ValType::F32 => Value::F32(s as u32),
        ValType::F64 => Value::F64(s as u64),
        ValType::V128 => Value::V128(s),
        // Numbers, the common case of a host call's arguments, stay
        // inline; a reference needs its hierarchy, out of line.
        ValType::Ref(r) => ref_value(s, r, id, top),
    }
}

/// [`to_value`] of a reference of type `r`.
#[inline(never)]
fn ref_value(s: Slot, r: RefType, id: StoreId, top: impl Fn(u32) -> HeapType) -> Value {
    let hierarchy = match r.heap {
        HeapType::Concrete(x) | HeapType::Exact(x) => top(x),
        h => h,
    };
    match hierarchy {
        HeapType::Func | HeapType::NoFunc => {
            Value::FuncRef((s != 0).then(|| FuncAddr(addr(s), id)))
        }
        HeapType::Exn | HeapType::NoExn => Value::ExnRef((s != 0).then(|| ExnAddr(addr(s), id))),
        HeapType::Extern | HeapType::NoExtern => Value::ExternRef(any_ref(s, id)),
        _ => Value::AnyRef(any_ref(s, id)),
    }
}
