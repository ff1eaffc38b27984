//! Instances (JS API §"Instances"): `new WebAssembly.Instance(module,
//! importObject)`, its frozen `exports` object, and "instantiate the core of
//! a module", shared with `WebAssembly.instantiate`.

use super::module::{ModuleData, read_imports};
use super::{WasmState, func, state};
use crate::js::adapter::{
    self, InterfaceSpec, Member, arg, error_of, new_object, prototype_for, range_error,
    require_new, this_object, type_error,
};
use boa_engine::object::IntegrityLevel;
use boa_engine::{Context, JsData, JsError, JsObject, JsResult, JsString, JsValue};
use boa_gc::{Finalize, Trace};
use interp::{Error, ExternVal, Module};
use std::rc::Rc;

/// An `Instance` object's data: its exports object.
#[derive(Clone, Trace, Finalize, JsData)]
pub(crate) struct InstanceData {
    exports: JsObject,
}

/// `interface Instance`.
pub(crate) const INTERFACE: InterfaceSpec<'static> = InterfaceSpec {
    name: "Instance",
    length: 1,
    constructor,
    members: &[Member::Getter("exports", get_exports)],
    statics: &[],
};

/// `new WebAssembly.Instance(module, importObject)`: instantiates
/// synchronously.
fn constructor(new_target: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    require_new(new_target, "Instance")?;
    let data = match arg(args, 0).as_object().filter(|o| o.is::<ModuleData>()) {
        Some(o) => adapter::data_of::<ModuleData>(&o),
        None => {
            return Err(type_error(
                "WebAssembly.Instance: the argument is not a Module",
            ));
        }
    };
    let import_object = arg(args, 1);
    if !import_object.is_undefined() && !import_object.is_object() {
        return Err(type_error(
            "WebAssembly.Instance: the import object is not an object",
        ));
    }
    let st = state(ctx);
    // WebIDL: the object is made (reading NewTarget's prototype) after the
    // arguments are converted and before the constructor steps run.
    let proto = prototype_for(new_target, &st.classes.instance.prototype, ctx)?;
    let imports = read_imports(&st, &data, &import_object, ctx)?;
    let exports = instantiate_exports(&st, &data.module, &imports, ctx)?;
    Ok(new_object(proto, InstanceData { exports }).into())
}

/// `Instance.prototype.exports`.
fn get_exports(this: &JsValue, _: &[JsValue], _: &mut Context) -> JsResult<JsValue> {
    let o = this_object::<InstanceData>(this, "WebAssembly.Instance.prototype.exports")?;
    Ok(adapter::data_of::<InstanceData>(&o).exports.clone().into())
}

/// Instantiate the core of a module and make its Instance object.
pub(crate) fn instantiate_core(
    st: &Rc<WasmState>,
    module: &Module,
    imports: &[ExternVal],
    ctx: &mut Context,
) -> JsResult<JsValue> {
    let exports = instantiate_exports(st, module, imports, ctx)?;
    Ok(new_object(
        st.classes.instance.prototype.clone(),
        InstanceData { exports },
    )
    .into())
}

/// Spec 4.5.4 `module_instantiate` through the JS API: a link failure is a
/// LinkError, a trap a RuntimeError; the start function runs through the
/// driver, so it may call JS. Returns the frozen exports object.
fn instantiate_exports(
    st: &Rc<WasmState>,
    module: &Module,
    imports: &[ExternVal],
    ctx: &mut Context,
) -> JsResult<JsObject> {
    // JS API §"Implementation-defined Limits", the dynamic ones: a memory
    // the module defines that cannot be had is an allocation failure, which
    // the error mapping makes a RangeError (tables past their limit are
    // refused when compiling).
    for m in &module.syntax().mems {
        if m.addr == interp::syntax::AddrType::I64
            && m.limits.min > super::limits::MAX_MEMORY64_RUNTIME_PAGES
        {
            return Err(range_error(format!(
                "a 64-bit memory of {} pages is over the JS API's limit of {} pages",
                m.limits.min,
                super::limits::MAX_MEMORY64_RUNTIME_PAGES
            )));
        }
    }
    st.sync_from_js(ctx)?;
    let r = st
        .store
        .borrow_mut()
        .instantiate_without_start(module, imports);
    let (inst, start) = match r {
        Ok(x) => x,
        Err(e) => {
            st.sync_to_js(ctx)?;
            return Err(instantiation_error(st, &e, ctx));
        }
    };
    st.sync_to_js(ctx)?;
    st.record_names(inst, module);
    if let Some(f) = start {
        func::invoke(st, f, &[], ctx)?;
    }
    exports_object(st, inst, ctx)
}

/// An instantiation failure as the JS error the JS API gives.
fn instantiation_error(st: &WasmState, e: &Error, ctx: &mut Context) -> JsError {
    match e {
        Error::Link(m) => error_of(&st.classes.link_error, m, ctx),
        Error::Uninstantiable(t) => st.trap_error(t, ctx),
        Error::UncaughtException(x) => JsError::from_opaque(st.exn_to_js(*x, ctx)),
        Error::Malformed { .. } | Error::Invalid(_) => {
            error_of(&st.classes.compile_error, &e.to_string(), ctx)
        }
        Error::Api(m) => error_of(&st.classes.link_error, m, ctx),
    }
}

/// Initialize an instance object's exports (JS API): a null-prototype
/// object with one property per export, in order, then frozen.
fn exports_object(
    st: &Rc<WasmState>,
    inst: interp::InstanceAddr,
    ctx: &mut Context,
) -> JsResult<JsObject> {
    let exports = JsObject::with_null_proto();
    let list = st.store.borrow().exports(inst);
    for (name, ev) in list {
        let value: JsValue = match ev {
            ExternVal::Func(f) => st.func_object(f, ctx).into(),
            ExternVal::Global(g) => st.global_object(g).into(),
            ExternVal::Mem(m) => st.memory_object(m).into(),
            ExternVal::Table(t) => st.table_object(t).into(),
            ExternVal::Tag(t) => st.tag_object(t).into(),
        };
        exports.create_data_property_or_throw(JsString::from(name.as_str()), value, ctx)?;
    }
    exports.set_integrity_level(IntegrityLevel::Frozen, ctx)?;
    Ok(exports)
}
