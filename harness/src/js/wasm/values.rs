//! Values across the boundary (JS API §"JS API Value conversions"):
//! ToJSValue, ToWebAssemblyValue, DefaultValue, and the `ValueType` strings
//! of descriptors.

use super::WasmState;
use crate::js::adapter::type_error;
use boa_engine::{Context, JsBigInt, JsResult, JsValue};
use interp::Value;
use interp::syntax::{HeapType, RefType, ValType};

/// The `ValueType` enumeration of descriptors ("anyfunc" is the old name of
/// "funcref"; "exnref" comes with exception handling).
pub(crate) fn parse_value_type(s: &str) -> Option<ValType> {
    Some(match s {
        "i32" => ValType::I32,
        "i64" => ValType::I64,
        "f32" => ValType::F32,
        "f64" => ValType::F64,
        "v128" => ValType::V128,
        "externref" => ValType::EXTERNREF,
        "anyfunc" | "funcref" => ValType::FUNCREF,
        "exnref" => ValType::Ref(RefType::EXNREF),
        _ => return None,
    })
}

/// Whether values of `t` may not cross the boundary: `v128`, and the
/// exception references (JS API: ToJSValue and ToWebAssemblyValue throw a
/// TypeError for them).
pub(crate) fn is_opaque(t: ValType) -> bool {
    match t {
        ValType::V128 => true,
        ValType::Ref(r) => matches!(r.heap, HeapType::Exn | HeapType::NoExn),
        _ => false,
    }
}

/// ToJSValue (JS API): a wasm value as a JS value.
pub(crate) fn to_js(st: &WasmState, v: Value, ctx: &mut Context) -> JsResult<JsValue> {
    Ok(match v {
        Value::I32(x) => JsValue::from(x),
        // An i64 is a BigInt (ToJSValue step for i64).
        Value::I64(x) => JsValue::from(JsBigInt::from(x)),
        Value::F32(bits) => JsValue::from(f64::from(f32::from_bits(bits))),
        Value::F64(bits) => JsValue::from(f64::from_bits(bits)),
        Value::FuncRef(None) | Value::ExternRef(None) | Value::AnyRef(None) => JsValue::null(),
        Value::FuncRef(Some(f)) => st.func_object(f, ctx).into(),
        // `ref.extern r` is ToJSValue(r).
        Value::ExternRef(Some(r)) | Value::AnyRef(Some(r)) => super::gc::any_to_js(st, r, ctx)?,
        Value::ExnRef(_) => return Err(type_error("an exnref cannot be passed to JavaScript")),
        Value::V128(_) => return Err(type_error("a v128 value cannot be passed to JavaScript")),
    })
}

/// ToWebAssemblyValue (JS API): a JS value as a wasm value of type `t`.
pub(crate) fn to_wasm(
    st: &WasmState,
    v: &JsValue,
    t: ValType,
    ctx: &mut Context,
) -> JsResult<Value> {
    Ok(match t {
        ValType::I32 => Value::I32(v.to_i32(ctx)?),
        // ToBigInt64: a Number is a TypeError, a string is parsed.
        ValType::I64 => Value::I64(v.to_big_int64(ctx)?),
        ValType::F32 => {
            let x = v.to_number(ctx)? as f32;
            Value::F32(if x.is_nan() { 0x7fc0_0000 } else { x.to_bits() })
        }
        ValType::F64 => {
            let x = v.to_number(ctx)?;
            Value::F64(if x.is_nan() {
                0x7ff8_0000_0000_0000
            } else {
                x.to_bits()
            })
        }
        ValType::V128 => return Err(type_error("a v128 value cannot be passed from JavaScript")),
        ValType::Ref(r) => ref_to_wasm(st, v, r, ctx)?,
    })
}

/// ToWebAssemblyValue (JS API) for a reference type: null; for the extern
/// hierarchy, the value as an `anyref`, externalised; an Exported Function
/// for the func hierarchy; a Number that fits an `i31`; an Exported GC
/// Object's wasm object; or else a host reference. Then the value's type
/// must match `r` (a TypeError otherwise).
fn ref_to_wasm(st: &WasmState, v: &JsValue, r: RefType, ctx: &mut Context) -> JsResult<Value> {
    let top = st.store.borrow().top_heap_type(r.heap);
    let value = if v.is_null() {
        st.store
            .borrow()
            .default_value(ValType::Ref(RefType {
                nullable: true,
                ..r
            }))
            .expect("a nullable type has a default")
    } else {
        match top {
            HeapType::Exn => return Err(type_error("an exnref cannot be passed from JavaScript")),
            HeapType::Extern => Value::ExternRef(Some(super::gc::any_from_js(st, v, ctx)?)),
            HeapType::Func => match v.as_object().and_then(|o| st.func_addr_of(&o)) {
                Some(f) => Value::FuncRef(Some(f)),
                None => return Err(type_error("the value is not a WebAssembly function")),
            },
            _ => Value::AnyRef(Some(super::gc::any_from_js(st, v, ctx)?)),
        }
    };
    if !st.store.borrow().has_type(&value, ValType::Ref(r)) {
        return Err(type_error(if v.is_null() {
            "null is not a value of a non-nullable reference type".to_string()
        } else {
            format!("the value is not of type {r}")
        }));
    }
    Ok(value)
}

/// DefaultValue (JS API): the value a descriptor-made global or table
/// starts with when none is given: zero, `undefined` for externref, null
/// for other references.
pub(crate) fn default_value(st: &WasmState, t: ValType, ctx: &mut Context) -> JsResult<Value> {
    if t == ValType::EXTERNREF {
        return to_wasm(st, &JsValue::undefined(), t, ctx);
    }
    st.store
        .borrow()
        .default_value(t)
        .ok_or_else(|| type_error("this type has no default value"))
}
