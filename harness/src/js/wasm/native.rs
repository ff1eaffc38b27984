//! Promising calls on native stacks (`wasm-ref js --stacks native`, issue
//! 6): each promising call runs the interpreter and its driver loop on a
//! fiber of its own (`interp::fiber`), as V8 runs each one on a separate
//! fixed-size stack. A call of a host import switches back to the main
//! stack, where the JS function runs (JS never runs on a fiber); a
//! Suspending import leaves the fiber suspended, holding the computation,
//! until the awaited promise settles and a microtask switches back in.
//! The observable behaviour is the heap mode's: the same status map, the
//! same steps in `jspi.rs`; only where the paused computation lives
//! differs.
//!
//! A fiber's stack only holds the driver loop and the interpreter's run
//! loop (the interpreter does not recurse per wasm call), so a stack is
//! exhausted only when it is made smaller than they need: the fiber checks
//! the room left before it starts and turns too little into the trap
//! `call stack exhausted`, which rejects the promising call with a
//! RangeError, as V8 does for a stack overflow (see
//! `proposal-notes/native-stacks.md`).

use super::func::{HostResult, call_host};
use super::{WasmState, func::Driven, func::Paused};
use crate::js::adapter::{range_error, thrown_value, type_error};
use boa_engine::{Context, JsError, JsResult};
use interp::fiber::{Fiber, FiberState, Suspend, remaining_stack};
use interp::{Exit, ExnAddr, FuncAddr, SuspendReason, Trap, Value, Values};
use std::rc::Rc;

/// The stack a fiber needs for the driver and the interpreter's run loop,
/// with a wide margin; below it a call traps before it starts.
const MIN_STACK: usize = 48 * 1024;

/// What the fiber asks of the main stack.
pub(crate) enum Request {
    /// Call host function `func` (token `token`) with these arguments.
    Host {
        func: FuncAddr,
        token: u64,
        args: Vec<Value>,
        /// The wasm call stack, innermost first, for the JSPI trace.
        stack: Vec<FuncAddr>,
    },
}

/// What the main stack answers.
pub(crate) enum Reply {
    /// The first resumption: start the call.
    Start,
    /// The host function's results.
    Results(Values),
    /// Throw this exception at the host function's call site.
    Throw(ExnAddr),
}

/// How the call ended on the fiber.
pub(crate) enum Outcome {
    Returned(Vec<Value>),
    Trapped(Trap),
    Thrown(ExnAddr),
    Misuse(String),
}

/// A promising call's fiber.
pub(crate) type CallFiber = Fiber<Reply, Request, Outcome>;

/// Starts promising call `f(args)` on a new fiber and drives it until it
/// finishes or awaits.
pub(crate) fn start(
    st: &Rc<WasmState>,
    f: FuncAddr,
    args: Vec<Value>,
    stack_size: usize,
    ctx: &mut Context,
) -> JsResult<Driven> {
    let state = st.clone();
    let fiber = Fiber::new(
        stack_size,
        move |suspend: &Suspend<Reply, Request, Outcome>, _start| {
            run_on_fiber(&state, f, &args, suspend)
        },
    )
    .map_err(|e| range_error(format!("cannot make a stack for the promising call: {e}")))?;
    drive(st, fiber, Reply::Start, ctx)
}

/// The code that runs on the fiber: the driver loop of `func::drive`,
/// except that a host call switches to the main stack instead of being
/// made here.
fn run_on_fiber(
    st: &WasmState,
    f: FuncAddr,
    args: &[Value],
    suspend: &Suspend<Reply, Request, Outcome>,
) -> Outcome {
    if remaining_stack().is_some_and(|left| left < MIN_STACK) {
        return Outcome::Trapped(Trap::CallStackExhausted);
    }
    let first = st.store.borrow_mut().invoke(f, args);
    let mut exit = match first {
        Ok(e) => e,
        Err(e) => return Outcome::Misuse(e.to_string()),
    };
    loop {
        let suspended = match exit {
            Exit::Returned(vs) => return Outcome::Returned(vs),
            Exit::Trapped(t) => return Outcome::Trapped(t),
            Exit::Thrown(e) => return Outcome::Thrown(e),
            Exit::Suspended(s) => s,
        };
        let SuspendReason::Host { func, token } = suspended.reason().clone() else {
            return Outcome::Misuse("paused for fuel".into());
        };
        let args = std::mem::take(&mut *st.host_args.borrow_mut());
        let stack = if st.tracer.on() {
            suspended.call_stack(&st.store.borrow())
        } else {
            Vec::new()
        };
        // The store is not borrowed while the main stack runs.
        let request = Request::Host {
            func,
            token,
            args,
            stack,
        };
        let resumed = match suspend.suspend(request) {
            Reply::Results(vs) => suspended.resume(&mut st.store.borrow_mut(), &vs),
            Reply::Throw(e) => suspended.resume_throw(&mut st.store.borrow_mut(), e),
            Reply::Start => return Outcome::Misuse("started twice".into()),
        };
        exit = match resumed {
            Ok(e) => e,
            Err(e) => return Outcome::Misuse(e.to_string()),
        };
    }
}

/// Resumes a paused fiber with the outcome of its Suspending import
/// (JSPI a.4 steps 11-13) and drives it on.
pub(crate) fn resume(
    st: &Rc<WasmState>,
    fiber: CallFiber,
    outcome: JsResult<Values>,
    ctx: &mut Context,
) -> JsResult<Driven> {
    let reply = reply_of(st, outcome, ctx)?;
    drive(st, fiber, reply, ctx)
}

/// A host call's outcome as the reply to the fiber: results, or the thrown
/// value as an exception (JS API "throw a JavaScript exception").
fn reply_of(st: &WasmState, outcome: JsResult<Values>, ctx: &mut Context) -> JsResult<Reply> {
    Ok(match outcome {
        Ok(vs) => Reply::Results(vs),
        Err(e) => Reply::Throw({
            let v = thrown_value(e, ctx)?;
            st.js_to_exn(v, ctx)
        }),
    })
}

/// Switches into the fiber with `reply` and serves its host calls on the
/// main stack until it finishes or awaits.
fn drive(
    st: &Rc<WasmState>,
    mut fiber: CallFiber,
    mut reply: Reply,
    ctx: &mut Context,
) -> JsResult<Driven> {
    loop {
        st.sync_from_js(ctx)?;
        let state = fiber.resume(reply);
        st.sync_to_js(ctx)?;
        let (func, token, args, stack) = match state {
            FiberState::Returned(Outcome::Returned(vs)) => return Ok(Driven::Finished(vs)),
            FiberState::Returned(Outcome::Trapped(t)) => return Err(st.trap_error(&t, ctx)),
            FiberState::Returned(Outcome::Thrown(e)) => {
                return Err(JsError::from_opaque(st.exn_to_js(e, ctx)));
            }
            FiberState::Returned(Outcome::Misuse(m)) => return Err(type_error(m)),
            FiberState::Yielded(Request::Host {
                func,
                token,
                args,
                stack,
            }) => (func, token, args, stack),
        };
        reply = match call_host(st, func, token, &args, ctx) {
            Ok(HostResult::Return(vs)) => Reply::Results(vs),
            Ok(HostResult::Await(promise)) => {
                let ty = st.host_imports.borrow()[token as usize].ty.clone();
                return Ok(Driven::Awaiting {
                    paused: Paused::Native(fiber),
                    promise,
                    ty,
                    import: func,
                    stack,
                });
            }
            Err(e) => reply_of(st, Err(e), ctx)?,
        };
    }
}
