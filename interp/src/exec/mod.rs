//! Execution (spec 4.4): the interpreter loop over heap frames, and the
//! suspend/resume API at host calls.
//!
//! A computation is a `stack::Stack`: its operand slots and its frames, all
//! on the heap. `run::run` executes it, in the compiled form of decision
//! D20, until it returns, traps, or pauses; a pause moves the stack into a
//! [`Suspended`], which can be resumed once (decisions D3 and D4 in `proposal-notes/decisions.md`).

pub(crate) mod atomic;
pub(crate) mod code;
pub(crate) mod compile;
pub(crate) mod frame_loop;
pub(crate) mod gc;
pub(crate) mod instantiate;
pub mod numeric;
pub(crate) mod numops;
pub(crate) mod run;
pub(crate) mod simd;
pub(crate) mod stack;
pub(crate) mod stack_ops;
pub(crate) mod wide;

use crate::api::*;
use crate::runtime::store::{FuncInst, Store, api_err};
use stack::Stack;

/// How a call ended, or paused.
#[derive(Debug)]
pub enum Exit {
    /// The call returned these values.
    Returned(Vec<Value>),
    /// The call is paused; resume it with [`Suspended::resume`].
    Suspended(Suspended),
    /// The call trapped (or ran out of stack: see [`Trap::is_exhaustion`]).
    Trapped(Trap),
    /// An exception was thrown and not caught.
    Thrown(ExnAddr),
}

/// Why a computation is suspended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SuspendReason {
    /// A host function answered [`HostOutcome::Suspend`]; resume with its results.
    Host {
        /// The host function that was called.
        func: FuncAddr,
        /// The token it gave.
        token: u64,
    },
    /// The fuel given ran out; resume with no values.
    OutOfFuel,
}

/// A paused computation: it owns its heap frames and operand stack, and
/// borrows nothing. Resuming consumes it, so it resumes at most once;
/// dropping it abandons the computation.
pub struct Suspended {
    reason: SuspendReason,
    stack: Stack,
    store_id: crate::StoreId,
}

impl std::fmt::Debug for Suspended {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Suspended")
            .field("reason", &self.reason)
            .field("frames", &self.stack.frames.len())
            .field("slots", &self.stack.height())
            .finish()
    }
}

impl Suspended {
    /// Why the computation paused.
    pub fn reason(&self) -> &SuspendReason {
        &self.reason
    }

    /// The wasm functions on the paused computation's stack, innermost
    /// first (for an embedder's diagnostics, as a JSPI trace): each as its
    /// address in `store`.
    ///
    /// # Panics
    /// If `store` is not the one the computation ran in.
    pub fn call_stack(&self, store: &crate::Store) -> Vec<crate::FuncAddr> {
        assert!(
            store.id == self.store_id,
            "the call stack of a computation of another store"
        );
        self.stack
            .frames
            .iter()
            .rev()
            .filter_map(|frame| {
                let inst = &store.instances[frame.func.inst.0 as usize];
                inst.funcs.iter().copied().find(|&a| {
                    matches!(&store.funcs[a.0 as usize],
                        crate::runtime::store::FuncInst::Wasm(w) if std::rc::Rc::ptr_eq(w, &frame.func))
                })
            })
            .collect()
    }

    /// The number of bytes of heap this paused computation holds (its
    /// operand slots and frames), for memory accounting.
    pub fn heap_bytes(&self) -> usize {
        self.stack.heap_bytes() + std::mem::size_of::<Self>()
    }

    /// Resumes with the host function's results (or no values after
    /// [`SuspendReason::OutOfFuel`]), with no fuel limit.
    ///
    /// # Errors
    /// [`Error::Api`] if the values do not match, or the store is not the
    /// one the computation ran in.
    pub fn resume(self, store: &mut Store, values: &[Value]) -> Result<Exit, Error> {
        self.resume_with_fuel(store, values, u64::MAX)
    }

    /// As [`Suspended::resume`], pausing again after `fuel` steps.
    ///
    /// # Errors
    /// As [`Suspended::resume`].
    pub fn resume_with_fuel(
        mut self,
        store: &mut Store,
        values: &[Value],
        fuel: u64,
    ) -> Result<Exit, Error> {
        self.check_store(store)?;
        match self.reason {
            SuspendReason::Host { func, .. } => {
                store.check_values("resume", values, &store.func_type(func).results)?;
                if let Err(t) = self.stack.push_values(values) {
                    return Ok(Exit::Trapped(t));
                }
            }
            SuspendReason::OutOfFuel => {
                store.check_values("resume after running out of fuel", values, &[])?
            }
        }
        Ok(run(store, self.stack, fuel))
    }

    /// Resumes by trapping at the call site of the host function.
    ///
    /// # Errors
    /// [`Error::Api`] if the store is not the one the computation ran in.
    pub fn resume_trap(self, store: &mut Store, trap: Trap) -> Result<Exit, Error> {
        self.check_store(store)?;
        Ok(Exit::Trapped(trap))
    }

    /// Resumes by throwing `exn` at the call site of the host function
    /// (exception handling), with no fuel limit.
    ///
    /// # Errors
    /// [`Error::Api`] if the store is not the one the computation ran in,
    /// `exn` is not one of its exceptions, or the computation paused for
    /// fuel rather than at a host function.
    pub fn resume_throw(mut self, store: &mut Store, exn: ExnAddr) -> Result<Exit, Error> {
        self.check_store(store)?;
        store.own(exn.1, "an exception")?;
        if !store.is_exn(exn) {
            return Err(api_err("no such exception in this store"));
        }
        if self.reason == SuspendReason::OutOfFuel {
            return Err(api_err(
                "only a call paused at a host function can be resumed with an exception",
            ));
        }
        if self.stack.frames.is_empty() {
            // A host function invoked directly: nothing to catch it.
            return Ok(Exit::Thrown(exn));
        }
        self.stack.pending_throw = Some(exn);
        Ok(run(store, self.stack, u64::MAX))
    }

    fn check_store(&self, store: &Store) -> Result<(), Error> {
        if store.id != self.store_id {
            return Err(api_err("resumed in a store other than the one it ran in"));
        }
        Ok(())
    }
}

/// The native stack a host call or a new invocation must leave free when
/// the computation runs on a fiber (`fiber::remaining_stack`): a host
/// function that calls wasm again recurses on the native stack, so below
/// this the call traps with [`Trap::CallStackExhausted`] instead of
/// reaching the fiber's guard page (decision D13).
#[cfg(feature = "native-stack")]
const NATIVE_STACK_RESERVE: usize = 32 * 1024;

/// Whether the native stack is too short to go one level deeper (only on a
/// fiber; an ordinary thread's stack is not checked here).
#[inline]
pub(crate) fn native_stack_low() -> bool {
    #[cfg(feature = "native-stack")]
    {
        crate::fiber::remaining_stack().is_some_and(|left| left < NATIVE_STACK_RESERVE)
    }
    #[cfg(not(feature = "native-stack"))]
    {
        false
    }
}

/// Runs `stack` to its next exit, turning the loop's outcome into an [`Exit`].
fn run(store: &mut Store, mut stack: Stack, fuel: u64) -> Exit {
    match run::run(store, &mut stack, fuel) {
        run::Outcome::Returned => Exit::Returned(stack.results(store)),
        run::Outcome::Trapped(t) => Exit::Trapped(t),
        run::Outcome::Thrown(e) => Exit::Thrown(e),
        run::Outcome::Suspended(reason) => Exit::Suspended(Suspended {
            reason,
            stack,
            store_id: store.id,
        }),
    }
}

/// Invokes `f` with `args` (spec 4.5.5 `invoke`), with `fuel` steps
/// before pausing (`u64::MAX`: no limit).
pub(crate) fn invoke(
    store: &mut Store,
    f: FuncAddr,
    args: &[Value],
    fuel: u64,
) -> Result<Exit, Error> {
    store.check_func(f)?;
    let ty = store.func_type(f).clone();
    store.check_values("invoke", args, &ty.params)?;
    if native_stack_low() {
        return Ok(Exit::Trapped(Trap::CallStackExhausted));
    }
    let mut stack = match Stack::new(store, ty.results.clone()) {
        Ok(s) => s,
        Err(t) => return Ok(Exit::Trapped(t)),
    };
    if let Err(t) = stack.push_values(args) {
        return Ok(Exit::Trapped(t));
    }
    match &store.funcs[f.0 as usize] {
        FuncInst::Wasm(w) => {
            let w = w.clone();
            if let Err(t) = stack.enter(store, w) {
                return Ok(Exit::Trapped(t));
            }
            Ok(run(store, stack, fuel))
        }
        FuncInst::Host { f: code, .. } => {
            // A host function invoked directly: its outcome is the call's.
            let code = code.clone();
            let nested = store.host_depth > 0;
            store.host_depth += 1;
            let out = code(store, args);
            store.host_depth -= 1;
            stack.clear();
            Ok(match out {
                HostOutcome::Return(vs) => {
                    match store.check_values("host function results", &vs, &ty.results) {
                        Ok(()) => Exit::Returned(vs.to_vec()),
                        Err(e) => Exit::Trapped(Trap::Host(e.to_string())),
                    }
                }
                HostOutcome::Trap(t) => Exit::Trapped(t),
                HostOutcome::Throw(e) if !store.is_exn(e) => Exit::Trapped(Trap::Host(
                    "a host function threw an exception of another store".into(),
                )),
                HostOutcome::Throw(e) => Exit::Thrown(e),
                HostOutcome::Suspend(_) if nested => Exit::Trapped(Trap::SuspendThroughHost),
                HostOutcome::Suspend(token) => Exit::Suspended(Suspended {
                    reason: SuspendReason::Host { func: f, token },
                    stack,
                    store_id: store.id,
                }),
            })
        }
    }
}
