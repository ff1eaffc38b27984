//! Functions across the boundary: Exported Functions (JS API "a new
//! Exported Function", "call an Exported Function"), host functions made from
//! JS callables ("create a host function"), and the driver that runs a wasm
//! computation to its end.
//!
//! Every host function made from JS answers wasm's call by suspending the
//! computation (decision D12): the driver, which holds no borrow of the
//! store while JS runs, then calls the JS function and resumes the
//! computation with its results, or with the exception it threw. So JS
//! called from wasm may call wasm again, and the store is only ever
//! borrowed by the code that is running.

use super::values::{to_js, to_wasm};
use super::{HostFunc, HostImport, MAX_DEPTH, WasmState, crosses_boundary, state};
use crate::js::adapter::{self, range_error, thrown_value, type_error};
use boa_engine::native_function::NativeFunction;
use boa_engine::{Context, JsObject, JsResult, JsValue};
use interp::syntax::FuncType;
use interp::{Exit, FuncAddr, HostOutcome, SuspendReason, Value, Values};
use std::rc::Rc;

/// A new Exported Function for `f` (JS API): a built-in function whose
/// `name` is the function's index in its module (a builtin's is its import
/// name, as the JS String Builtins proposal extends "name of the
/// WebAssembly function") and whose `length` is its number of parameters.
pub(crate) fn new_exported_function(st: &WasmState, f: FuncAddr, ctx: &mut Context) -> JsObject {
    let (name, arity) = {
        let store = st.store.borrow();
        let name = match st.builtin_names.borrow().get(&f) {
            Some(name) => name.to_string(),
            None => store
                .func_index(f)
                .or_else(|| st.host_names.borrow().get(&f).copied())
                .unwrap_or(0)
                .to_string(),
        };
        (name, store.func_type(f).params.len())
    };
    let code =
        NativeFunction::from_copy_closure(move |_this, args, ctx| call_exported(f, args, ctx));
    adapter::builtin_function(ctx, &name, arity, code)
}

/// Call an Exported Function (JS API): converts the arguments, runs the
/// function, and converts its results (none: undefined; one: that value;
/// several: a new Array).
pub(crate) fn call_exported(f: FuncAddr, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let st = state(ctx);
    // A safe point: no converted value is in flight.
    st.maybe_collect();
    let ty = st.store.borrow().func_type(f).clone();
    // Step: a v128 or exnref parameter or result is a TypeError.
    if !crosses_boundary(&ty) {
        return Err(type_error(
            "a function with a v128 or exnref parameter or result cannot be called from JavaScript",
        ));
    }
    let mut values = Vec::with_capacity(ty.params.len());
    for (i, t) in ty.params.iter().enumerate() {
        values.push(to_wasm(&st, &adapter::arg(args, i), *t, ctx)?);
    }
    // The Exported Function's [[Call]] pushes an execution context that is
    // not a promising one (JSPI: a Suspending import reached from here
    // throws SuspendError).
    let ec = st.push_context(false);
    let results = invoke(&st, f, &values, ctx);
    st.pop_context(ec);
    results_to_js(&st, results?, ctx)
}

/// The results of a call as one JS value.
pub(crate) fn results_to_js(
    st: &WasmState,
    results: Vec<Value>,
    ctx: &mut Context,
) -> JsResult<JsValue> {
    match results.len() {
        0 => Ok(JsValue::undefined()),
        1 => to_js(st, results[0], ctx),
        _ => {
            let mut out = Vec::with_capacity(results.len());
            for r in results {
                out.push(to_js(st, r, ctx)?);
            }
            Ok(adapter::array_from(out, ctx))
        }
    }
}

/// Invokes `f` (spec 4.5.5 `func_invoke`) and runs the computation to its
/// end. A trap is a RuntimeError (RangeError when the stack ran out); an
/// uncaught exception is thrown as its JS value.
pub(crate) fn invoke(
    st: &Rc<WasmState>,
    f: FuncAddr,
    args: &[Value],
    ctx: &mut Context,
) -> JsResult<Vec<Value>> {
    if st.depth.get() >= MAX_DEPTH {
        return Err(range_error(
            "Maximum call stack size exceeded (wasm and JavaScript calling each other)",
        ));
    }
    st.depth.set(st.depth.get() + 1);
    let r = st.sync_from_js(ctx).and_then(|()| {
        let exit = st.store.borrow_mut().invoke(f, args);
        match exit {
            Ok(exit) => drive(st, exit, ctx),
            Err(e) => Err(type_error(e.to_string())),
        }
    });
    st.depth.set(st.depth.get() - 1);
    r
}

/// Where a computation stopped for the driver's caller.
pub(crate) enum Driven {
    /// It returned these values.
    Finished(Vec<Value>),
    /// A Suspending import asked to wait for `promise` (JSPI): the
    /// computation is paused at that import, whose result types are
    /// `results`, and only a promising call may hold it.
    Awaiting {
        paused: Paused,
        promise: adapter::Resolved,
        /// The import's type, whose results the fulfilled value becomes.
        ty: Rc<FuncType>,
        /// The Suspending import, and the wasm functions on the stack,
        /// innermost first (gathered only for the JSPI trace).
        import: FuncAddr,
        stack: Vec<FuncAddr>,
    },
}

/// A computation paused at a Suspending import.
pub(crate) enum Paused {
    /// On the heap: the interpreter's own suspended computation.
    Heap(interp::Suspended),
    /// On a native stack: the fiber it runs on (`--stacks native`).
    Native(super::native::CallFiber),
}

/// What a host function made from JS answered.
pub(crate) enum HostResult {
    /// Resume the computation with these results.
    Return(Values),
    /// Wait for this promise (a Suspending import in an active context).
    Await(adapter::Resolved),
}

/// Runs a computation called from JS to its end (a Suspending import met on
/// the way throws SuspendError into wasm, as the running context is the
/// Exported Function's call, never an active promising one).
pub(crate) fn drive(st: &Rc<WasmState>, exit: Exit, ctx: &mut Context) -> JsResult<Vec<Value>> {
    match drive_until_await(st, exit, ctx)? {
        Driven::Finished(vs) => Ok(vs),
        Driven::Awaiting { .. } => unreachable!("only a promising context may await"),
    }
}

/// Runs a computation until it returns, traps, throws, or awaits at a
/// Suspending import, calling the JS host functions it calls on the way.
pub(crate) fn drive_until_await(
    st: &Rc<WasmState>,
    mut exit: Exit,
    ctx: &mut Context,
) -> JsResult<Driven> {
    loop {
        st.sync_to_js(ctx)?;
        let suspended = match exit {
            Exit::Returned(vs) => return Ok(Driven::Finished(vs)),
            Exit::Trapped(t) => return Err(st.trap_error(&t, ctx)),
            Exit::Thrown(e) => return Err(boa_engine::JsError::from_opaque(st.exn_to_js(e, ctx))),
            Exit::Suspended(s) => s,
        };
        let SuspendReason::Host { func, token } = suspended.reason().clone() else {
            unreachable!("the JS API runs without fuel")
        };
        let args = std::mem::take(&mut *st.host_args.borrow_mut());
        let outcome = call_host(st, func, token, &args, ctx);
        reuse_host_args(st, args);
        let resumed = match outcome {
            Ok(HostResult::Await(promise)) => {
                let ty = st.host_imports.borrow()[token as usize].ty.clone();
                let store = st.store.borrow();
                let stack = if st.tracer.on() {
                    suspended.call_stack(&store)
                } else {
                    Vec::new()
                };
                drop(store);
                return Ok(Driven::Awaiting {
                    paused: Paused::Heap(suspended),
                    promise,
                    ty,
                    import: func,
                    stack,
                });
            }
            Ok(HostResult::Return(results)) => resume(st, suspended, Ok(results), ctx)?,
            Err(e) => resume(st, suspended, Err(e), ctx)?,
        };
        exit = resumed;
    }
}

/// Gives the argument buffer of a host call back to the host functions, so
/// that the next call fills it instead of allocating (unless a call made
/// while JS ran left one there already).
fn reuse_host_args(st: &WasmState, mut args: Vec<Value>) {
    let mut slot = st.host_args.borrow_mut();
    if slot.capacity() == 0 {
        args.clear();
        *slot = args;
    }
}

/// Resumes a paused computation with the host function's results, or by
/// throwing a JS error into it at the call site (JS API "throw a
/// JavaScript exception"). An engine limit, which JS cannot catch, ends
/// the computation instead.
pub(crate) fn resume(
    st: &Rc<WasmState>,
    suspended: interp::Suspended,
    outcome: JsResult<Values>,
    ctx: &mut Context,
) -> JsResult<Exit> {
    st.sync_from_js(ctx)?;
    let r = match outcome {
        Ok(results) => suspended.resume(&mut st.store.borrow_mut(), &results),
        Err(e) => {
            let v = thrown_value(e, ctx)?;
            let exn = st.js_to_exn(v, ctx);
            suspended.resume_throw(&mut st.store.borrow_mut(), exn)
        }
    };
    r.map_err(|e| type_error(e.to_string()))
}

/// Allocates the host function for a JS import (JS API "create a host
/// function") of the defined type with store id `type_id` (the import's
/// type): when wasm calls it, it records its arguments and suspends with
/// its token, and the driver does the rest.
pub(crate) fn alloc_host_function(st: &WasmState, type_id: u32, import: HostImport) -> FuncAddr {
    let token = st.host_imports.borrow().len() as u64;
    let pending = st.host_args.clone();
    let f = st
        .store
        .borrow_mut()
        .alloc_host_func_of_type(type_id, move |_, args| {
            let mut p = pending.borrow_mut();
            p.clear();
            p.extend_from_slice(args);
            HostOutcome::Suspend(token)
        })
        .expect("an import's function type is a function type of the store");
    let ty = Rc::new(st.store.borrow().func_type(f).clone());
    let crosses = crosses_boundary(&ty);
    st.host_imports.borrow_mut().push(HostFunc {
        import,
        ty,
        crosses,
    });
    f
}

/// The steps of a host function made from JS, run when wasm called it: the
/// arguments become JS values, the callable is called with `this`
/// undefined, and its result becomes the wasm results (several results
/// through the iterable protocol). A Suspending import instead answers
/// with the promise to await (JSPI "suspending function").
pub(crate) fn call_host(
    st: &Rc<WasmState>,
    func: FuncAddr,
    token: u64,
    args: &[Value],
    ctx: &mut Context,
) -> JsResult<HostResult> {
    let HostFunc {
        import,
        ty,
        crosses,
    } = st.host_imports.borrow()[token as usize].clone();
    match import {
        HostImport::Js { callable } => {
            if !crosses {
                return Err(type_error(
                    "a JavaScript function with a v128 or exnref parameter or result cannot be called",
                ));
            }
            let ret = call_with_wasm_args(st, &callable, args, ctx)?;
            Ok(HostResult::Return(results_from_js(
                st,
                &ret,
                &ty.results,
                ctx,
            )?))
        }
        HostImport::Suspending { callable } => {
            super::jspi::suspending_function(st, func, &callable, &ty, args, ctx)
                .map(HostResult::Await)
        }
    }
}

/// `Call(callable, undefined, args)` with the wasm arguments as JS values
/// (ToJSValue each, in order), kept on the Rust stack when there are at
/// most three of them: an array of exactly their number, so that no unused
/// value is made or dropped.
pub(crate) fn call_with_wasm_args(
    st: &WasmState,
    callable: &JsObject,
    args: &[Value],
    ctx: &mut Context,
) -> JsResult<JsValue> {
    let this = &JsValue::undefined();
    match *args {
        [] => callable.call(this, &[], ctx),
        [a] => {
            let a = to_js(st, a, ctx)?;
            callable.call(this, &[a], ctx)
        }
        [a, b] => {
            let a = to_js(st, a, ctx)?;
            let b = to_js(st, b, ctx)?;
            callable.call(this, &[a, b], ctx)
        }
        [a, b, c] => {
            let a = to_js(st, a, ctx)?;
            let b = to_js(st, b, ctx)?;
            let c = to_js(st, c, ctx)?;
            callable.call(this, &[a, b, c], ctx)
        }
        _ => {
            let js_args = args_to_js(st, args, ctx)?;
            callable.call(this, &js_args, ctx)
        }
    }
}

/// Wasm arguments as JS values (ToJSValue each).
fn args_to_js(st: &WasmState, args: &[Value], ctx: &mut Context) -> JsResult<Vec<JsValue>> {
    let mut js_args = Vec::with_capacity(args.len());
    for &a in args {
        js_args.push(to_js(st, a, ctx)?);
    }
    Ok(js_args)
}

/// A JS return value as the results of a function of result types
/// `types` (JS API "create a host function", result steps).
pub(crate) fn results_from_js(
    st: &WasmState,
    ret: &JsValue,
    types: &[interp::syntax::ValType],
    ctx: &mut Context,
) -> JsResult<Values> {
    match types.len() {
        0 => Ok(Values::new()),
        1 => Ok(to_wasm(st, ret, types[0], ctx)?.into()),
        n => {
            if !ret.is_object() {
                return Err(type_error(
                    "a function with several results must return an iterable",
                ));
            }
            let values = adapter::iterable_to_list(ret, ctx)?;
            if values.len() != n {
                return Err(type_error(format!(
                    "expected {n} results, the iterable gave {}",
                    values.len()
                )));
            }
            let mut out = Vec::with_capacity(n);
            for (v, t) in values.iter().zip(types) {
                out.push(to_wasm(st, v, *t, ctx)?);
            }
            Ok(out.into())
        }
    }
}

/// The function a JS value stands for as an import whose type has store id
/// `type_id` (JS API "read the imports", function case): an Exported
/// Function's own address, a new host function calling the callable, or
/// (JSPI) a new suspending function for a `WebAssembly.Suspending` object.
pub(crate) fn import_function(
    st: &WasmState,
    v: &JsValue,
    type_id: u32,
    index: u32,
) -> Option<FuncAddr> {
    let import = match v.as_callable() {
        Some(callable) => {
            if let Some(f) = st.func_addr_of(&callable) {
                return Some(f);
            }
            HostImport::Js { callable }
        }
        // JSPI: a Suspending object makes a suspending function of the
        // import's type.
        None => HostImport::Suspending {
            callable: super::jspi::wrapped_function(v)?,
        },
    };
    let f = alloc_host_function(st, type_id, import);
    st.host_names.borrow_mut().insert(f, index);
    Some(f)
}
