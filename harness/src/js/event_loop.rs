//! The host's event loop (HTML's, reduced to what tests need): a FIFO of
//! microtasks, timers on a virtual clock, and the promise-rejection tracker.
//!
//! Boa only enqueues jobs; this host runs them. A task is a script or a
//! timer callback; after each task every microtask runs (a microtask
//! checkpoint), then rejected promises that still have no handler are
//! reported, then the earliest timer becomes the next task. Time is virtual:
//! a timer "fires" when everything before it is done, in order of due time,
//! then of creation, and no real time passes.

use boa_engine::builtins::promise::OperationType;
use boa_engine::context::HostHooks;
use boa_engine::job::{Job, JobExecutor, PromiseJob};
use boa_engine::object::builtins::JsPromise;
use boa_engine::{Context, JsObject, JsResult, JsValue};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

/// A timer's callback and arguments.
pub(crate) struct Timer {
    pub(crate) callback: JsObject,
    pub(crate) args: Vec<JsValue>,
}

/// The job queue and timers of one realm.
#[derive(Default)]
pub(crate) struct EventLoop {
    microtasks: RefCell<VecDeque<PromiseJob>>,
    /// Pending timers by (due time, id): ids grow, so equal times keep order.
    timers: RefCell<BTreeMap<(u64, u32), Timer>>,
    now: Cell<u64>,
    next_timer: Cell<u32>,
    /// Rejected promises without a handler, in order of rejection.
    rejected: Rc<RefCell<Vec<JsObject>>>,
    /// Errors that escaped a task or microtask, for the final report.
    pub(crate) errors: RefCell<Vec<String>>,
}

impl EventLoop {
    /// The shared list the rejection tracker writes into.
    pub(crate) fn rejection_tracker(&self) -> RejectionTracker {
        RejectionTracker {
            rejected: self.rejected.clone(),
        }
    }

    /// `setTimeout`: schedules `callback` after `delay` virtual milliseconds.
    pub(crate) fn set_timeout(&self, callback: JsObject, delay: u64, args: Vec<JsValue>) -> u32 {
        let id = self.next_timer.get() + 1;
        self.next_timer.set(id);
        let due = self.now.get().saturating_add(delay);
        self.timers
            .borrow_mut()
            .insert((due, id), Timer { callback, args });
        id
    }

    /// `clearTimeout`.
    pub(crate) fn clear_timeout(&self, id: u32) {
        self.timers.borrow_mut().retain(|(_, t), _| *t != id);
    }

    /// Runs every microtask, including those they enqueue. An error thrown
    /// by one (a `queueMicrotask` callback) is reported and the rest run.
    pub(crate) fn checkpoint(&self, ctx: &mut Context) {
        loop {
            // The borrow ends before the job runs: jobs enqueue jobs.
            let job = self.microtasks.borrow_mut().pop_front();
            let Some(job) = job else { break };
            if let Err(e) = job.call(ctx) {
                self.report(format!(
                    "uncaught exception in a microtask: {}",
                    describe(&e, ctx)
                ));
            }
        }
        ctx.clear_kept_objects();
        let rejected = std::mem::take(&mut *self.rejected.borrow_mut());
        for p in rejected {
            let reason = match JsPromise::from_object(p) {
                Ok(p) => match p.state() {
                    boa_engine::builtins::promise::PromiseState::Rejected(v) => display(&v, ctx),
                    _ => continue,
                },
                Err(_) => continue,
            };
            self.report(format!("unhandled promise rejection: {reason}"));
        }
    }

    /// Runs timers in order until none is left, with a checkpoint after each.
    pub(crate) fn run_timers(&self, ctx: &mut Context) {
        loop {
            let next = self.timers.borrow_mut().pop_first();
            let Some(((due, _), timer)) = next else { break };
            self.now.set(self.now.get().max(due));
            if let Err(e) = timer.callback.call(&JsValue::undefined(), &timer.args, ctx) {
                self.report(format!(
                    "uncaught exception in a timer: {}",
                    describe(&e, ctx)
                ));
            }
            self.checkpoint(ctx);
        }
    }

    /// Records an error for the final report (long engine stack traces cut
    /// to their first lines).
    pub(crate) fn report(&self, message: String) {
        let mut lines: Vec<&str> = message.lines().collect();
        if lines.len() > 8 {
            let more = lines.len() - 8;
            lines.truncate(8);
            self.errors
                .borrow_mut()
                .push(format!("{}\n    ... ({more} more lines)", lines.join("\n")));
        } else {
            self.errors.borrow_mut().push(message);
        }
    }
}

impl JobExecutor for EventLoop {
    fn enqueue_job(self: Rc<Self>, job: Job, _ctx: &mut Context) {
        match job {
            Job::PromiseJob(job) => self.microtasks.borrow_mut().push_back(job),
            // Cleanup callbacks of FinalizationRegistry never run: allowed.
            Job::FinalizationRegistryCleanupJob(_) => {}
            other => self.report(format!(
                "the host does not run jobs of this kind: {other:?}"
            )),
        }
    }

    fn run_jobs(self: Rc<Self>, ctx: &mut Context) -> JsResult<()> {
        self.checkpoint(ctx);
        Ok(())
    }
}

/// HostPromiseRejectionTracker (ECMAScript 27.2.1.9): remembers promises
/// rejected with no handler, and forgets them when one is added.
pub(crate) struct RejectionTracker {
    rejected: Rc<RefCell<Vec<JsObject>>>,
}

impl HostHooks for RejectionTracker {
    fn promise_rejection_tracker(
        &self,
        promise: &JsObject<boa_engine::builtins::promise::Promise>,
        operation: OperationType,
        _ctx: &mut Context,
    ) {
        let promise = promise.clone().upcast();
        let mut rejected = self.rejected.borrow_mut();
        match operation {
            OperationType::Reject => rejected.push(promise),
            OperationType::Handle => rejected.retain(|p| !JsObject::equals(p, &promise)),
        }
    }
}

/// A thrown error as a message.
pub(crate) fn describe(e: &boa_engine::JsError, ctx: &mut Context) -> String {
    match e.clone().into_opaque(ctx) {
        Ok(v) => display(&v, ctx),
        Err(_) => e.to_string(),
    }
}

/// A value as `String(v)` would show it, or its debug form if that throws.
pub(crate) fn display(v: &JsValue, ctx: &mut Context) -> String {
    match v.to_string(ctx) {
        Ok(s) => s.to_std_string_escaped(),
        Err(_) => v.display().to_string(),
    }
}
