//! Globals (JS API §"Globals"): `new WebAssembly.Global(descriptor, v)`,
//! the `value` accessor and `valueOf`.

use super::memory::dictionary;
use super::values::{default_value, parse_value_type, to_js, to_wasm};
use super::{WasmState, state};
use crate::js::adapter::{
    self, InterfaceSpec, Member, arg, new_object, prototype_for, require_new, this_object,
    type_error,
};
use boa_engine::{Context, JsData, JsObject, JsResult, JsValue, js_string};
use boa_gc::{Finalize, Trace};
use interp::GlobalAddr;
use interp::syntax::{ExternType, GlobalType, Mut, ValType};

/// A `Global` object's data: `[[Global]]`.
#[derive(Clone, Trace, Finalize, JsData)]
pub(crate) struct GlobalData {
    #[unsafe_ignore_trace]
    pub(crate) addr: GlobalAddr,
}

/// `interface Global`.
pub(crate) const INTERFACE: InterfaceSpec<'static> = InterfaceSpec {
    name: "Global",
    length: 1,
    constructor,
    members: &[
        Member::Method("valueOf", 0, value_of),
        Member::Accessor("value", get_value, set_value),
    ],
    statics: &[],
};

/// A Global object for `g`.
pub(crate) fn new_global_object(proto: &JsObject, g: GlobalAddr) -> JsObject {
    new_object(proto.clone(), GlobalData { addr: g })
}

/// `new WebAssembly.Global(descriptor, v)`.
fn constructor(new_target: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    require_new(new_target, "Global")?;
    let d = dictionary(&arg(args, 0), "WebAssembly.Global", ctx)?;
    // Dictionary members in lexicographic order: mutable, value.
    let mutable = d.get(js_string!("mutable"), ctx)?.to_boolean();
    let value = d.get(js_string!("value"), ctx)?;
    if value.is_undefined() {
        return Err(type_error(
            "WebAssembly.Global: the descriptor needs 'value'",
        ));
    }
    let name = value.to_string(ctx)?.to_std_string_escaped();
    let ty = parse_value_type(&name)
        .ok_or_else(|| type_error(format!("WebAssembly.Global: '{name}' is not a value type")))?;
    if ty == ValType::V128 {
        return Err(type_error(
            "WebAssembly.Global: a v128 global cannot be made from JavaScript",
        ));
    }
    let st = state(ctx);
    let v = match args.get(1) {
        None => default_value(&st, ty, ctx)?,
        Some(v) if v.is_undefined() => default_value(&st, ty, ctx)?,
        Some(v) => to_wasm(&st, v, ty, ctx)?,
    };
    let proto = prototype_for(new_target, &st.classes.global.prototype, ctx)?;
    let gt = GlobalType {
        mutability: if mutable { Mut::Var } else { Mut::Const },
        val: ty,
    };
    let g = st
        .store
        .borrow_mut()
        .alloc_global(gt, v)
        .map_err(|e| type_error(format!("WebAssembly.Global: {e}")))?;
    let o = new_object(proto, GlobalData { addr: g });
    st.remember_global(g, o.clone());
    Ok(o.into())
}

/// The receiver's global and type.
fn this_global(st: &WasmState, this: &JsValue, member: &str) -> JsResult<(GlobalAddr, GlobalType)> {
    let o = this_object::<GlobalData>(this, member)?;
    let g = adapter::data_of::<GlobalData>(&o).addr;
    match st.store.borrow().extern_type(interp::ExternVal::Global(g)) {
        ExternType::Global(t) => Ok((g, t)),
        _ => unreachable!("a global address has a global type"),
    }
}

/// GetGlobalValue (JS API).
fn global_value(this: &JsValue, member: &str, ctx: &mut Context) -> JsResult<JsValue> {
    let st = state(ctx);
    let (g, _) = this_global(&st, this, member)?;
    let v = st.store.borrow().global_get(g);
    to_js(&st, v, ctx)
}

/// `Global.prototype.value` (getter).
fn get_value(this: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    global_value(this, "WebAssembly.Global.prototype.value", ctx)
}

/// `Global.prototype.valueOf()`.
fn value_of(this: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    global_value(this, "WebAssembly.Global.prototype.valueOf", ctx)
}

/// `Global.prototype.value` (setter): a TypeError for an immutable global.
fn set_value(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let st = state(ctx);
    let (g, ty) = this_global(&st, this, "WebAssembly.Global.prototype.value")?;
    // WebIDL attribute setter: with no argument, V is undefined.
    if ty.mutability == Mut::Const {
        return Err(type_error(
            "WebAssembly.Global.prototype.value: the global is immutable",
        ));
    }
    let v = to_wasm(&st, &adapter::arg(args, 0), ty.val, ctx)?;
    st.store
        .borrow_mut()
        .global_set(g, v)
        .map_err(|e| type_error(e.to_string()))?;
    Ok(JsValue::undefined())
}
