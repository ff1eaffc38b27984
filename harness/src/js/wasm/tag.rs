//! Tags and exceptions (JS API, exception handling: §"Tags",
//! §"Runtime exceptions"): `new WebAssembly.Tag(type)`,
//! `new WebAssembly.Exception(tag, payload, options)`, `getArg` and `is`.
//! `WebAssembly.JSTag`, the tag JS values travel with, is made in `super`.

use super::gc::Anchor;
use super::memory::{dictionary, enforce_range_u32};
use super::state;
use super::values::{parse_value_type, to_js, to_wasm};
use crate::js::adapter::{
    self, InterfaceSpec, Member, arg, iterable_to_list, new_object, prototype_for, range_error,
    require_new, this_object, type_error,
};
use boa_engine::{Context, JsData, JsObject, JsResult, JsValue, js_string};
use boa_gc::{Finalize, Gc, Trace};
use interp::syntax::FuncType;
use interp::{ExnAddr, TagAddr};

/// A `Tag` object's data: `[[Address]]`.
#[derive(Clone, Trace, Finalize, JsData)]
pub(crate) struct TagData {
    #[unsafe_ignore_trace]
    pub(crate) addr: TagAddr,
}

/// An `Exception` object's data: `[[Address]]` of the exception, and the
/// anchor by which the realm's Exception object cache holds the object
/// weakly (`gc.rs`).
#[derive(Clone, Trace, Finalize, JsData)]
pub(crate) struct ExceptionData {
    #[unsafe_ignore_trace]
    pub(crate) exn: ExnAddr,
    anchor: Gc<Anchor>,
}

/// `interface Tag`.
pub(crate) const TAG_INTERFACE: InterfaceSpec<'static> = InterfaceSpec {
    name: "Tag",
    length: 1,
    constructor: tag_constructor,
    members: &[],
    statics: &[],
};

/// `interface Exception`.
pub(crate) const EXCEPTION_INTERFACE: InterfaceSpec<'static> = InterfaceSpec {
    name: "Exception",
    length: 2,
    constructor: exception_constructor,
    members: &[
        Member::Method("getArg", 2, get_arg),
        Member::Method("is", 1, is),
    ],
    statics: &[],
};

/// A Tag object for `t`.
pub(crate) fn new_tag_object(proto: &JsObject, t: TagAddr) -> JsObject {
    new_object(proto.clone(), TagData { addr: t })
}

/// An Exception object for `e`, holding `anchor`.
pub(crate) fn new_exception_object(proto: &JsObject, e: ExnAddr, anchor: Gc<Anchor>) -> JsObject {
    new_object(proto.clone(), ExceptionData { exn: e, anchor })
}

/// A Tag argument, or a TypeError.
fn tag_arg(v: &JsValue, what: &str) -> JsResult<TagAddr> {
    match v.as_object().filter(|o| o.is::<TagData>()) {
        Some(o) => Ok(adapter::data_of::<TagData>(&o).addr),
        None => Err(type_error(format!(
            "{what}: the argument is not a WebAssembly.Tag"
        ))),
    }
}

/// `new WebAssembly.Tag(type)`.
fn tag_constructor(new_target: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    require_new(new_target, "Tag")?;
    let d = dictionary(&arg(args, 0), "WebAssembly.Tag", ctx)?;
    let parameters = d.get(js_string!("parameters"), ctx)?;
    if !parameters.is_object() {
        return Err(type_error(
            "WebAssembly.Tag: 'parameters' must be a sequence of value types",
        ));
    }
    let mut params = Vec::new();
    for p in iterable_to_list(&parameters, ctx)? {
        let name = p.to_string(ctx)?.to_std_string_escaped();
        params.push(
            parse_value_type(&name).ok_or_else(|| {
                type_error(format!("WebAssembly.Tag: '{name}' is not a value type"))
            })?,
        );
    }
    let st = state(ctx);
    let proto = prototype_for(new_target, &st.classes.tag.prototype, ctx)?;
    let t = st
        .store
        .borrow_mut()
        .alloc_tag(FuncType::new(params, []))
        .map_err(|e| type_error(e.to_string()))?;
    let o = new_tag_object(&proto, t);
    st.remember_tag(t, o.clone());
    Ok(o.into())
}

/// `new WebAssembly.Exception(exceptionTag, payload, options)`.
fn exception_constructor(
    new_target: &JsValue,
    args: &[JsValue],
    ctx: &mut Context,
) -> JsResult<JsValue> {
    require_new(new_target, "Exception")?;
    // Argument conversion: the tag, the payload sequence, the options.
    let tag = tag_arg(&arg(args, 0), "WebAssembly.Exception")?;
    let payload = arg(args, 1);
    if !payload.is_object() {
        return Err(type_error(
            "WebAssembly.Exception: the payload must be a sequence",
        ));
    }
    let payload = iterable_to_list(&payload, ctx)?;
    let options = dictionary(&arg(args, 2), "WebAssembly.Exception", ctx)?;
    // `traceStack` is read as the dictionary conversion does; no stack
    // trace is recorded (proposal-notes/divergences.md).
    options.get(js_string!("traceStack"), ctx)?;
    let st = state(ctx);
    let proto = prototype_for(new_target, &st.classes.exception.prototype, ctx)?;
    // Steps: the JS tag cannot be used; the payload must fit the tag.
    if tag == st.js_tag {
        return Err(type_error(
            "WebAssembly.Exception: the JS tag cannot be used here",
        ));
    }
    let types = st.store.borrow().tag_type(tag).params.clone();
    if payload.len() != types.len() {
        return Err(type_error(format!(
            "WebAssembly.Exception: the tag takes {} values, the payload has {}",
            types.len(),
            payload.len()
        )));
    }
    let mut fields = Vec::with_capacity(types.len());
    for (v, t) in payload.iter().zip(&types) {
        fields.push(to_wasm(&st, v, *t, ctx)?);
    }
    let exn = st
        .store
        .borrow_mut()
        .alloc_exn(tag, &fields)
        .map_err(|e| type_error(e.to_string()))?;
    let anchor = Anchor::new();
    let o = new_exception_object(&proto, exn, anchor.clone());
    st.remember_exception(exn, &o, &anchor);
    Ok(o.into())
}

fn this_exception(this: &JsValue, member: &str) -> JsResult<ExnAddr> {
    let o = this_object::<ExceptionData>(this, member)?;
    Ok(adapter::data_of::<ExceptionData>(&o).exn)
}

/// `Exception.prototype.getArg(exceptionTag, index)`.
fn get_arg(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let what = "WebAssembly.Exception.prototype.getArg";
    let exn = this_exception(this, what)?;
    let tag = tag_arg(&arg(args, 0), what)?;
    let index = enforce_range_u32(&arg(args, 1), "index", ctx)?;
    let st = state(ctx);
    let (own, fields) = {
        let store = st.store.borrow();
        (store.exn_tag(exn), store.exn_fields(exn))
    };
    if own != tag {
        return Err(type_error(format!(
            "{what}: the exception is not of that tag"
        )));
    }
    match fields.get(index as usize) {
        Some(v) => to_js(&st, *v, ctx),
        None => Err(range_error(format!("{what}: index out of bounds"))),
    }
}

/// `Exception.prototype.is(exceptionTag)`.
fn is(this: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let what = "WebAssembly.Exception.prototype.is";
    let exn = this_exception(this, what)?;
    let tag = tag_arg(&arg(args, 0), what)?;
    let st = state(ctx);
    let own = st.store.borrow().exn_tag(exn);
    Ok((own == tag).into())
}
