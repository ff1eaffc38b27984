//! JavaScript Promise Integration (the JSPI section of the JS API, as
//! `proposal-notes/jspi.md` reads it): `WebAssembly.Suspending`,
//! `WebAssembly.promising`, `WebAssembly.SuspendError`, the execution
//! context status map, and the suspending function that a Suspending object
//! becomes when imported.
//!
//! A promising call runs its wasm function through the driver
//! (`func::drive_until_await`). When a Suspending import in the active
//! context returns, the computation stays paused on the heap
//! (`interp::Suspended`, kept in `WasmState::continuations`); the call
//! returns its pending promise; and `Await` (`adapter::await_resolved`)
//! resumes it from a microtask. No Rust stack or thread is kept for
//! a paused call. Each step below names the spec step it implements; see
//! `proposal-notes/jspi.md` for the map and the errata.

use super::func::{
    Driven, Paused, call_with_wasm_args, drive_until_await, results_from_js, results_to_js, resume,
};
use super::values::to_wasm;
use super::{MAX_DEPTH, WasmState, crosses_boundary, state};
use super::{Stacks, native};
use crate::js::adapter::{
    self, InterfaceSpec, Resolved, arg, await_resolved, builtin_function, error_of, new_object,
    promise_resolve_to_await, prototype_for, range_error, require_new, settle, thrown_value,
    type_error,
};
use crate::js::trace::Outcome;
use boa_engine::native_function::NativeFunction;
use boa_engine::object::builtins::JsFunction;
use boa_engine::{Context as JsContext, JsData, JsError, JsObject, JsResult, JsValue};
use boa_gc::{Finalize, Trace};
use interp::syntax::FuncType;
use interp::{FuncAddr, Value};
use std::rc::Rc;

/// An execution context as JSPI sees it: an id, and whether it is the
/// async context of a promising call.
pub(crate) struct Context {
    pub(crate) id: u64,
    pub(crate) promising: bool,
}

/// A promising context's entry in the execution context status map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Active,
    Paused,
}

/// A promising call paused at a Suspending import, waiting for its promise.
pub(crate) struct Continuation {
    paused: Paused,
    /// The import's type, whose results the fulfilled value becomes.
    ty: Rc<FuncType>,
    /// The promising call's promise capability.
    resolve: JsFunction,
    reject: JsFunction,
}

/// A `Suspending` object's data: `[[WrappedFunction]]`.
#[derive(Clone, Trace, Finalize, JsData)]
pub(crate) struct SuspendingData {
    func: JsObject,
}

/// `interface Suspending { constructor(Function jsFun); }`.
pub(crate) const SUSPENDING_INTERFACE: InterfaceSpec<'static> = InterfaceSpec {
    name: "Suspending",
    length: 1,
    constructor: suspending_constructor,
    members: &[],
    statics: &[],
};

/// `new WebAssembly.Suspending(jsFun)` (a.1): any callable is accepted.
fn suspending_constructor(
    new_target: &JsValue,
    args: &[JsValue],
    ctx: &mut JsContext,
) -> JsResult<JsValue> {
    require_new(new_target, "Suspending")?;
    // WebIDL Function conversion, then step 1: the argument is callable.
    let Some(func) = arg(args, 0).as_callable() else {
        return Err(type_error(
            "WebAssembly.Suspending: the argument is not a function",
        ));
    };
    let st = state(ctx);
    let proto = prototype_for(new_target, &st.classes.suspending.prototype, ctx)?;
    // Steps 3-4: an object with [[WrappedFunction]].
    Ok(new_object(proto, SuspendingData { func }).into())
}

/// The `[[WrappedFunction]]` of a Suspending object ("read the imports":
/// such an object makes a suspending function).
pub(crate) fn wrapped_function(v: &JsValue) -> Option<JsObject> {
    let o = v.as_object().filter(|o| o.is::<SuspendingData>())?;
    Some(adapter::data_of::<SuspendingData>(&o).func.clone())
}

/// `WebAssembly.promising(wasmFunc)` (a.2).
pub(crate) fn promising(_: &JsValue, args: &[JsValue], ctx: &mut JsContext) -> JsResult<JsValue> {
    // Step 1: callable.
    let Some(callable) = arg(args, 0).as_callable() else {
        return Err(type_error(
            "WebAssembly.promising: the argument is not a function",
        ));
    };
    // Step 2: an Exported Function ([[FunctionAddress]]).
    let st = state(ctx);
    let Some(f) = st.func_addr_of(&callable) else {
        return Err(type_error(
            "WebAssembly.promising: the argument is not an exported WebAssembly function",
        ));
    };
    // Steps 3-4: a new built-in function, length 1, name "".
    let code = NativeFunction::from_copy_closure(move |_, args, ctx| run_promising(f, args, ctx));
    Ok(builtin_function(ctx, "", 1, code).into())
}

/// Run a Promising function (a.3): the wrapper's call. Always returns a
/// promise; every failure rejects it.
fn run_promising(f: FuncAddr, args: &[JsValue], ctx: &mut JsContext) -> JsResult<JsValue> {
    let st = state(ctx);
    // Step 1: a promise capability of %Promise%.
    let (promise, resolve, reject) = adapter::new_promise(ctx);
    // Step 3: AsyncFunctionStart runs the evaluate steps right away; an
    // abrupt completion rejects the capability.
    if let Err(e) = evaluate_promising(&st, f, args, resolve, reject.clone(), ctx) {
        let v = thrown_value(e, ctx)?;
        settle(&reject, v, ctx);
    }
    // Step 4.
    Ok(promise.into())
}

/// Evaluate a Promising function (a.3), up to the end or the first await.
fn evaluate_promising(
    st: &Rc<WasmState>,
    f: FuncAddr,
    args: &[JsValue],
    resolve: JsFunction,
    reject: JsFunction,
    ctx: &mut JsContext,
) -> JsResult<()> {
    // Step 1: coerce the arguments (a v128 or exnref type is a TypeError).
    let ty: FuncType = st.store.borrow().func_type(f).clone();
    if !crosses_boundary(&ty) {
        return Err(type_error(
            "a function with a v128 or exnref parameter or result cannot be called from JavaScript",
        ));
    }
    let mut values: Vec<Value> = Vec::with_capacity(ty.params.len());
    for (i, t) in ty.params.iter().enumerate() {
        values.push(to_wasm(st, &arg(args, i), *t, ctx)?);
    }
    if st.depth.get() >= MAX_DEPTH {
        return Err(range_error(
            "Maximum call stack size exceeded (wasm and JavaScript calling each other)",
        ));
    }
    // Step 2: the async context becomes active.
    let ec = st.push_context(true);
    st.status.borrow_mut().insert(ec, Status::Active);
    if st.tracer.on() {
        st.tracer.start(ec, &st.func_name(f));
    }
    // Step 3: func_invoke, through the driver.
    st.depth.set(st.depth.get() + 1);
    let r = match st.stacks {
        Stacks::Heap => st.sync_from_js(ctx).and_then(|()| {
            let exit = st.store.borrow_mut().invoke(f, &values);
            match exit {
                Ok(exit) => drive_until_await(st, exit, ctx),
                Err(e) => Err(type_error(e.to_string())),
            }
        }),
        // The same steps, on a native stack of its own (decision D13).
        Stacks::Native { stack_size } => native::start(st, f, values, stack_size, ctx),
    };
    st.depth.set(st.depth.get() - 1);
    st.pop_context(ec);
    settle_or_await(st, ec, r, resolve, reject, ctx)
}

/// What follows a stretch of a promising call: at an await, the context is
/// paused and the computation kept (a.4 step 9); at the end, steps 4-5 of
/// a.3 settle the promise.
fn settle_or_await(
    st: &Rc<WasmState>,
    ec: u64,
    r: JsResult<Driven>,
    resolve: JsFunction,
    reject: JsFunction,
    ctx: &mut JsContext,
) -> JsResult<()> {
    match r {
        Ok(Driven::Awaiting {
            paused,
            promise,
            ty,
            import,
            stack,
        }) => {
            // a.4 step 9: map[ac] = paused, then Await(promise).
            st.status.borrow_mut().insert(ec, Status::Paused);
            if st.tracer.on() {
                let names: Vec<String> = stack.iter().map(|&f| st.func_name(f)).collect();
                st.tracer.suspend(ec, &st.func_name(import), &names);
            }
            st.continuations.borrow_mut().insert(
                ec,
                Continuation {
                    paused,
                    ty,
                    resolve,
                    reject,
                },
            );
            await_resolved(promise, resume_promising, ec, ctx)
        }
        Ok(Driven::Finished(values)) => {
            // a.3 step 4: the context must still be active (defensive), then
            // its entry is removed.
            let status = st.status.borrow_mut().remove(&ec);
            if status != Some(Status::Active) {
                let message = "the promising context is not active";
                st.tracer
                    .suspend_error(Some(ec), "the promising call", message);
                let e = suspend_error(st, message, ctx);
                let v = thrown_value(e, ctx)?;
                st.tracer.complete(ec, Outcome::Rejected(&v));
                settle(&reject, v, ctx);
                return Ok(());
            }
            // a.3 step 5: resolve with undefined, the value, or an Array.
            match results_to_js(st, values, ctx) {
                Ok(v) => {
                    st.tracer.complete(ec, Outcome::Fulfilled(&v));
                    settle(&resolve, v, ctx);
                }
                Err(e) => {
                    let v = thrown_value(e, ctx)?;
                    st.tracer.complete(ec, Outcome::Rejected(&v));
                    settle(&reject, v, ctx);
                }
            }
            Ok(())
        }
        Err(e) => {
            // a.3 step 5: a trap or an uncaught exception rejects.
            st.status.borrow_mut().remove(&ec);
            let v = thrown_value(e, ctx)?;
            st.tracer.complete(ec, Outcome::Rejected(&v));
            settle(&reject, v, ctx);
            Ok(())
        }
    }
}

/// The resumption of a paused promising call, in the microtask where its
/// awaited promise's reaction runs (a.4 steps 10-13).
fn resume_promising(
    ec: u64,
    settled: Result<JsValue, JsValue>,
    ctx: &mut JsContext,
) -> JsResult<()> {
    let st = state(ctx);
    let Some(cont) = st.continuations.borrow_mut().remove(&ec) else {
        return Ok(());
    };
    st.tracer.settled(
        ec,
        match &settled {
            Ok(v) => Outcome::Fulfilled(v),
            Err(r) => Outcome::Rejected(r),
        },
    );
    // Step 10: the context must be paused (defensive); it becomes active.
    let was = st.status.borrow_mut().insert(ec, Status::Active);
    st.reenter_context(ec);
    st.tracer.resume(ec);
    let outcome = if was != Some(Status::Paused) {
        let message = "the promising context was not paused";
        st.tracer.suspend_error(Some(ec), "the resumption", message);
        Err(suspend_error(&st, message, ctx))
    } else {
        match settled {
            // Step 12: coerce the fulfilled value to the import's results;
            // an error is thrown into wasm at the call site.
            Ok(v) => results_from_js(&st, &v, &cont.ty.results, ctx),
            // Step 11: the rejection reason is thrown into wasm.
            Err(reason) => Err(JsError::from_opaque(reason)),
        }
    };
    // Step 13: back into wasm, after the call.
    let r = match cont.paused {
        Paused::Heap(suspended) => {
            resume(&st, suspended, outcome, ctx).and_then(|exit| drive_until_await(&st, exit, ctx))
        }
        Paused::Native(fiber) => native::resume(&st, fiber, outcome, ctx),
    };
    st.pop_context(ec);
    settle_or_await(&st, ec, r, cont.resolve, cont.reject, ctx)
}

/// The suspending function's steps when wasm calls it (a.4 steps 1-8): the
/// promise to await, or an error thrown into wasm at the call site.
pub(crate) fn suspending_function(
    st: &Rc<WasmState>,
    import: FuncAddr,
    func: &JsObject,
    ty: &FuncType,
    args: &[Value],
    ctx: &mut JsContext,
) -> JsResult<Resolved> {
    // Steps 1-2: the running context must be an active promising one, or
    // SuspendError is thrown before anything else.
    let running = st
        .running_promising_context()
        .filter(|ec| st.status.borrow().get(ec) == Some(&Status::Active));
    let Some(ec) = running else {
        let below = st.promising_context_below();
        let message = if below.is_none() {
            "trying to suspend without WebAssembly.promising"
        } else {
            "trying to suspend JS frames"
        };
        if st.tracer.on() {
            st.tracer
                .suspend_error(below, &st.func_name(import), message);
        }
        return Err(suspend_error(st, message, ctx));
    };
    if st.tracer.on() {
        st.tracer.call(ec, &st.func_name(import));
    }
    // Step 4: the arguments as JS values (a v128 parameter is a TypeError).
    if ty.params.iter().any(|t| super::values::is_opaque(*t)) {
        return Err(type_error(
            "a Suspending import with a v128 or exnref parameter cannot be called",
        ));
    }
    // Steps 5 and 7: call with `this` undefined; a synchronous throw goes
    // into wasm at once, without suspending.
    let ret = call_with_wasm_args(st, func, args, ctx)?;
    // Step 8: PromiseResolve(%Promise%, ret); its abrupt completion goes
    // into wasm too (erratum: the text says ret.[[Value]]).
    promise_resolve_to_await(&ret, ctx)
}

/// A new `WebAssembly.SuspendError` (a.6).
fn suspend_error(st: &WasmState, message: &str, ctx: &mut JsContext) -> JsError {
    error_of(&st.classes.suspend_error, message, ctx)
}
