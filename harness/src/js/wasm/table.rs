//! Tables (JS API §"Tables"): `new WebAssembly.Table(descriptor, value)`,
//! `length`, `get`, `set` and `grow`.

use super::memory::{address_to_js, address_type, address_value, dictionary, initial_and_maximum};
use super::values::{default_value, parse_value_type, to_js, to_wasm};
use super::{WasmState, state};
use crate::js::adapter::{
    self, InterfaceSpec, Member, arg, new_object, prototype_for, range_error, require_new,
    this_object, type_error,
};
use boa_engine::{Context, JsData, JsObject, JsResult, JsValue, js_string};
use boa_gc::{Finalize, Trace};
use interp::syntax::{ExternType, Limits, TableType, ValType};
use interp::{TableAddr, Value};

/// A `Table` object's data: `[[Table]]`.
#[derive(Clone, Trace, Finalize, JsData)]
pub(crate) struct TableData {
    #[unsafe_ignore_trace]
    pub(crate) addr: TableAddr,
}

/// `interface Table`.
pub(crate) const INTERFACE: InterfaceSpec<'static> = InterfaceSpec {
    name: "Table",
    length: 1,
    constructor,
    members: &[
        Member::Method("grow", 1, grow),
        Member::Method("get", 1, get),
        Member::Method("set", 1, set),
        Member::Getter("length", get_length),
    ],
    statics: &[],
};

/// A Table object for `t`.
pub(crate) fn new_table_object(proto: &JsObject, t: TableAddr) -> JsObject {
    new_object(proto.clone(), TableData { addr: t })
}

/// `new WebAssembly.Table(descriptor, value)`.
fn constructor(new_target: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    require_new(new_target, "Table")?;
    let d = dictionary(&arg(args, 0), "WebAssembly.Table", ctx)?;
    // Dictionary members in lexicographic order: address, element, initial, maximum.
    let at = address_type(&d, ctx)?;
    let element = d.get(js_string!("element"), ctx)?;
    if element.is_undefined() {
        return Err(type_error(
            "WebAssembly.Table: the descriptor needs 'element'",
        ));
    }
    let element = element.to_string(ctx)?.to_std_string_escaped();
    let elem = match parse_value_type(&element) {
        Some(ValType::Ref(r)) => r,
        _ => {
            return Err(type_error(format!(
                "WebAssembly.Table: '{element}' is not a reference type"
            )));
        }
    };
    let (initial, maximum) = initial_and_maximum(&d, at, "WebAssembly.Table", ctx)?;
    if maximum.is_some_and(|m| m < initial) {
        return Err(range_error(
            "WebAssembly.Table: maximum is less than initial",
        ));
    }
    if initial > super::limits::MAX_TABLE_SIZE {
        return Err(range_error(
            "WebAssembly.Table: initial is above the implementation limit",
        ));
    }
    let st = state(ctx);
    let init = element_arg(&st, args, 1, elem, ctx)?;
    let proto = prototype_for(new_target, &st.classes.table.prototype, ctx)?;
    let ty = TableType {
        addr: at,
        limits: Limits {
            min: initial,
            max: maximum,
        },
        elem,
    };
    let t = st
        .store
        .borrow_mut()
        .alloc_table(ty, init)
        .map_err(|e| range_error(format!("WebAssembly.Table: {e}")))?;
    let o = new_object(proto, TableData { addr: t });
    st.remember_table(t, o.clone());
    Ok(o.into())
}

/// The receiver's table and type.
fn this_table(st: &WasmState, this: &JsValue, member: &str) -> JsResult<(TableAddr, TableType)> {
    let o = this_object::<TableData>(this, member)?;
    let t = adapter::data_of::<TableData>(&o).addr;
    match st.store.borrow().extern_type(interp::ExternVal::Table(t)) {
        ExternType::Table(ty) => Ok((t, ty)),
        _ => unreachable!("a table address has a table type"),
    }
}

/// The optional value argument of the constructor, `set` and `grow`:
/// DefaultValue when missing (WebIDL: an optional argument passed as
/// undefined is missing).
fn element_arg(
    st: &WasmState,
    args: &[JsValue],
    i: usize,
    elem: interp::syntax::RefType,
    ctx: &mut Context,
) -> JsResult<Value> {
    match args.get(i) {
        Some(v) if !v.is_undefined() => to_wasm(st, v, ValType::Ref(elem), ctx),
        _ => default_value(st, ValType::Ref(elem), ctx),
    }
}

/// `Table.prototype.length`.
fn get_length(this: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let st = state(ctx);
    let (t, ty) = this_table(&st, this, "WebAssembly.Table.prototype.length")?;
    Ok(address_to_js(st.store.borrow().table_size(t), ty.addr))
}

/// `Table.prototype.get(index)`.
fn get(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let st = state(ctx);
    let (t, ty) = this_table(&st, this, "WebAssembly.Table.prototype.get")?;
    let i = address_value(&arg(args, 0), ty.addr, "index", ctx)?;
    let v = st.store.borrow().table_get(t, i);
    match v {
        Some(v) => to_js(&st, v, ctx),
        None => Err(range_error(
            "WebAssembly.Table.prototype.get: index out of bounds",
        )),
    }
}

/// `Table.prototype.set(index, value)`.
fn set(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let st = state(ctx);
    let (t, ty) = this_table(&st, this, "WebAssembly.Table.prototype.set")?;
    let i = address_value(&arg(args, 0), ty.addr, "index", ctx)?;
    let v = element_arg(&st, args, 1, ty.elem, ctx)?;
    if i >= st.store.borrow().table_size(t) {
        return Err(range_error(
            "WebAssembly.Table.prototype.set: index out of bounds",
        ));
    }
    st.store
        .borrow_mut()
        .table_set(t, i, v)
        .map_err(|e| type_error(e.to_string()))?;
    Ok(JsValue::undefined())
}

/// `Table.prototype.grow(delta, value)`: returns the old length.
fn grow(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let st = state(ctx);
    let (t, ty) = this_table(&st, this, "WebAssembly.Table.prototype.grow")?;
    let delta = address_value(&arg(args, 0), ty.addr, "delta", ctx)?;
    let v = element_arg(&st, args, 1, ty.elem, ctx)?;
    let old = st
        .store
        .borrow_mut()
        .table_grow(t, delta, v)
        .ok_or_else(|| {
            range_error("WebAssembly.Table.prototype.grow: the table cannot grow by that much")
        })?;
    Ok(address_to_js(old, ty.addr))
}
