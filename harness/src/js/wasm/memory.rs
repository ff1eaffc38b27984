//! Memories (JS API §"Memories"): `new WebAssembly.Memory(descriptor)`,
//! `grow`, and `buffer`, an ArrayBuffer detached whenever the memory grows
//! (a shared memory's is a `SharedArrayBuffer`, never detached: `shared`).
//!
//! The buffer holds the memory's own bytes, lent by the interpreter to
//! Boa's ArrayBuffer (decision D25, `lent`): nothing is copied when JS
//! calls wasm or wasm calls JS. The loan is taken back, detaching the
//! buffer, when the memory grows (here for `grow`, at the next return from
//! wasm for wasm's `memory.grow`) and when the realm goes away.

use super::state;
use crate::js::adapter::{
    self, InterfaceSpec, Member, arg, prototype_for, range_error, require_new, this_object,
    type_error,
};
use boa_engine::{Context, JsBigInt, JsData, JsObject, JsResult, JsValue, js_string};
use boa_gc::{Finalize, Trace};
use interp::MemAddr;
use interp::syntax::{AddrType, Limits, MemType};

/// A `Memory` object's data: `[[Memory]]`.
#[derive(Clone, Trace, Finalize, JsData)]
pub(crate) struct MemoryData {
    #[unsafe_ignore_trace]
    pub(crate) addr: MemAddr,
}

/// `interface Memory`.
pub(crate) const INTERFACE: InterfaceSpec<'static> = InterfaceSpec {
    name: "Memory",
    length: 1,
    constructor,
    members: &[
        Member::Method("grow", 1, grow),
        Member::Getter("buffer", get_buffer),
    ],
    statics: &[],
};

/// A Memory object for `m`.
pub(crate) fn new_memory_object(proto: &JsObject, m: MemAddr) -> JsObject {
    adapter::new_object(proto.clone(), MemoryData { addr: m })
}

/// An `AddressValue` (memory64 JS API): for i32 addresses a WebIDL
/// `[EnforceRange] unsigned long`; for i64 addresses a BigInt in u64 range.
pub(crate) fn address_value(
    v: &JsValue,
    at: AddrType,
    what: &str,
    ctx: &mut Context,
) -> JsResult<u64> {
    match at {
        AddrType::I32 => enforce_range_u32(v, what, ctx).map(u64::from),
        AddrType::I64 => {
            let b = v.to_bigint(ctx)?;
            let x = b.to_f64();
            if x < 0.0 || x > u64::MAX as f64 {
                return Err(type_error(format!("{what} is out of range")));
            }
            let s = b.to_string_radix(10);
            s.parse::<u64>()
                .map_err(|_| type_error(format!("{what} is out of range")))
        }
    }
}

/// WebIDL `[EnforceRange] unsigned long`.
pub(crate) fn enforce_range_u32(v: &JsValue, what: &str, ctx: &mut Context) -> JsResult<u32> {
    let x = v.to_number(ctx)?;
    if !x.is_finite() {
        return Err(type_error(format!("{what} is not a finite number")));
    }
    let x = x.trunc();
    if !(0.0..=u32::MAX as f64).contains(&x) {
        return Err(type_error(format!(
            "{what} is out of the range of unsigned long"
        )));
    }
    Ok(x as u32)
}

/// An address value as the JS value of its address type.
pub(crate) fn address_to_js(x: u64, at: AddrType) -> JsValue {
    match at {
        AddrType::I32 => JsValue::from(x as f64),
        AddrType::I64 => JsValue::from(JsBigInt::from(x as i64)),
    }
}

/// The `address` member of a descriptor (`AddressType`), i32 by default.
pub(crate) fn address_type(d: &JsObject, ctx: &mut Context) -> JsResult<AddrType> {
    let v = d.get(js_string!("address"), ctx)?;
    if v.is_undefined() {
        return Ok(AddrType::I32);
    }
    match v.to_string(ctx)?.to_std_string_escaped().as_str() {
        "i32" => Ok(AddrType::I32),
        "i64" => Ok(AddrType::I64),
        _ => Err(type_error("address must be \"i32\" or \"i64\"")),
    }
}

/// The `initial` (required) and `maximum` members of a memory or table
/// descriptor, as address values of type `at`.
pub(crate) fn initial_and_maximum(
    d: &JsObject,
    at: AddrType,
    what: &str,
    ctx: &mut Context,
) -> JsResult<(u64, Option<u64>)> {
    let initial = d.get(js_string!("initial"), ctx)?;
    if initial.is_undefined() {
        return Err(type_error(format!(
            "{what}: the descriptor needs 'initial'"
        )));
    }
    let initial = address_value(&initial, at, "initial", ctx)?;
    let maximum = d.get(js_string!("maximum"), ctx)?;
    let maximum = if maximum.is_undefined() {
        None
    } else {
        Some(address_value(&maximum, at, "maximum", ctx)?)
    };
    Ok((initial, maximum))
}

/// The descriptor argument as an object (WebIDL dictionary: undefined and
/// null are an empty dictionary; other non-objects are a TypeError).
pub(crate) fn dictionary(v: &JsValue, what: &str, ctx: &mut Context) -> JsResult<JsObject> {
    if v.is_null_or_undefined() {
        return Ok(JsObject::with_object_proto(ctx.intrinsics()));
    }
    v.as_object()
        .ok_or_else(|| type_error(format!("{what}: the descriptor is not an object")))
}

/// `new WebAssembly.Memory(descriptor)`.
fn constructor(new_target: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    require_new(new_target, "Memory")?;
    let d = dictionary(&arg(args, 0), "WebAssembly.Memory", ctx)?;
    // Dictionary members in lexicographic order: address, initial, maximum, shared.
    let at = address_type(&d, ctx)?;
    let (initial, maximum) = initial_and_maximum(&d, at, "WebAssembly.Memory", ctx)?;
    let shared = d.get(js_string!("shared"), ctx)?.to_boolean();
    let limit: u64 = match at {
        AddrType::I32 => 65536,
        AddrType::I64 => 1 << 48,
    };
    if initial > limit || maximum.is_some_and(|m| m > limit) {
        return Err(range_error(
            "WebAssembly.Memory: more pages than the address type allows",
        ));
    }
    if maximum.is_some_and(|m| m < initial) {
        return Err(range_error(
            "WebAssembly.Memory: maximum is less than initial",
        ));
    }
    // Threads JS API: a shared memory needs a maximum.
    if shared && maximum.is_none() {
        return Err(type_error(
            "WebAssembly.Memory: a shared memory needs a maximum",
        ));
    }
    let st = state(ctx);
    let proto = prototype_for(new_target, &st.classes.memory.prototype, ctx)?;
    let ty = MemType {
        shared,
        ..MemType::new(
            at,
            Limits {
                min: initial,
                max: maximum,
            },
        )
    };
    let m = st
        .store
        .borrow_mut()
        .alloc_mem(ty)
        .map_err(|e| range_error(format!("WebAssembly.Memory: {e}")))?;
    let o = adapter::new_object(proto, MemoryData { addr: m });
    st.remember_memory(m, o.clone());
    Ok(o.into())
}

fn this_memory(this: &JsValue, member: &str) -> JsResult<MemAddr> {
    let o = this_object::<MemoryData>(this, member)?;
    Ok(adapter::data_of::<MemoryData>(&o).addr)
}

/// A memory's type.
fn mem_type(st: &super::WasmState, m: MemAddr) -> MemType {
    match st.store.borrow().extern_type(interp::ExternVal::Mem(m)) {
        interp::syntax::ExternType::Mem(t) => t,
        _ => unreachable!("a Memory object holds a memory"),
    }
}

/// `Memory.prototype.grow(delta)`: returns the old size in pages and
/// detaches the old buffer; a shared memory's buffer is never detached
/// (threads JS API "refresh the memory buffer": the next `buffer` is a new
/// one, see `shared`).
fn grow(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let m = this_memory(this, "WebAssembly.Memory.prototype.grow")?;
    let st = state(ctx);
    let at = mem_type(&st, m).addr;
    let delta = address_value(&arg(args, 0), at, "delta", ctx)?;
    // What JS wrote into a shared memory's buffers belongs to the memory
    // before it grows.
    st.sync_from_js(ctx)?;
    let old = st.store.borrow_mut().mem_grow(m, delta).ok_or_else(|| {
        range_error("WebAssembly.Memory.prototype.grow: the memory cannot grow by that much")
    })?;
    // Every buffer of a shared memory now holds what was written through
    // any of them.
    st.shared.borrow_mut().copy_to_js(&st.store.borrow(), ctx)?;
    // "Refresh the memory buffer": the old buffer is detached even when
    // the memory did not move.
    st.loans.borrow_mut().take_back(m);
    Ok(address_to_js(old, at))
}

/// `Memory.prototype.buffer`: the current ArrayBuffer, made once per size;
/// for a shared memory a frozen `SharedArrayBuffer` (see `shared`).
fn get_buffer(this: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let m = this_memory(this, "WebAssembly.Memory.prototype.buffer")?;
    let st = state(ctx);
    if mem_type(&st, m).shared {
        let len = st.store.borrow().mem_data(m).len();
        if let Some(b) = st.shared.borrow().current(m, len) {
            return Ok(b.into());
        }
        // The memory grew: what JS wrote through the older buffers belongs
        // in the new one.
        st.sync_from_js(ctx)?;
        let data = st.store.borrow().mem_data(m).to_vec();
        return Ok(st.shared.borrow_mut().renew(m, &data, ctx)?.into());
    }
    let buffer = st
        .loans
        .borrow_mut()
        .buffer(&mut st.store.borrow_mut(), m, ctx)?;
    Ok(buffer.into())
}
