//! Execution (spec 4.4): the interpreter loop over heap frames, and the
//! suspend/resume API at host calls.

pub mod numeric;

use crate::api::*;
use crate::runtime::store::Store;

/// How a call ended, or paused.
#[derive(Debug)]
pub enum Exit {
    /// The call returned these values.
    Returned(Vec<Value>),
    /// The call is paused; resume it with [`Suspended::resume`].
    Suspended(Suspended),
    /// The call trapped (or ran out of stack: see [`Trap::is_exhaustion`]).
    Trapped(Trap),
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
#[derive(Debug)]
pub struct Suspended {
    reason: SuspendReason,
}

impl Suspended {
    /// Why the computation paused.
    pub fn reason(&self) -> &SuspendReason {
        &self.reason
    }

    /// Resumes with the host function's results (or no values after
    /// [`SuspendReason::OutOfFuel`]), with no fuel limit.
    ///
    /// # Errors
    /// [`Error::Api`] if the values do not match, or the store is not the
    /// one the computation ran in.
    pub fn resume(self, store: &mut Store, values: &[Value]) -> Result<Exit, Error> {
        let _ = (store, values);
        todo!()
    }

    /// As [`Suspended::resume`], pausing again after `fuel` instructions.
    ///
    /// # Errors
    /// As [`Suspended::resume`].
    pub fn resume_with_fuel(self, store: &mut Store, values: &[Value], fuel: u64) -> Result<Exit, Error> {
        let _ = (store, values, fuel);
        todo!()
    }

    /// Resumes by trapping at the call site of the host function.
    ///
    /// # Errors
    /// [`Error::Api`] if the store is not the one the computation ran in.
    pub fn resume_trap(self, store: &mut Store, trap: Trap) -> Result<Exit, Error> {
        let _ = (store, trap);
        todo!()
    }
}
