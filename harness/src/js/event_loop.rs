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
use boa_engine::job::{Job, JobExecutor, NativeAsyncJob, PromiseJob};
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
    /// The engine's own asynchronous jobs (loading modules): run after the
    /// microtasks, as the fetches of a module graph are.
    async_jobs: RefCell<VecDeque<NativeAsyncJob>>,
    /// Pending timers by (due time, id): ids grow, so equal times keep order.
    timers: RefCell<BTreeMap<(u64, u32), Timer>>,
    now: Cell<u64>,
    next_timer: Cell<u32>,
    /// Microtasks started so far (the JSPI trace's tick).
    ticks: Rc<Cell<u64>>,
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

    /// The count of microtasks started, shared with the JSPI trace.
    pub(crate) fn ticks(&self) -> Rc<Cell<u64>> {
        self.ticks.clone()
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
            if let Some(job) = job {
                self.ticks.set(self.ticks.get() + 1);
                if let Err(e) = job.call(ctx) {
                    let m = describe_error("uncaught exception in a microtask", &e, None, ctx);
                    self.report(m);
                }
                continue;
            }
            let job = self.async_jobs.borrow_mut().pop_front();
            let Some(job) = job else { break };
            if let Err(e) = run_async_job(job, ctx) {
                let m = describe_error("error while loading modules", &e, None, ctx);
                self.report(m);
            }
        }
        ctx.clear_kept_objects();
        let rejected = std::mem::take(&mut *self.rejected.borrow_mut());
        for p in rejected {
            let reason = match JsPromise::from_object(p) {
                Ok(p) => match p.state() {
                    boa_engine::builtins::promise::PromiseState::Rejected(v) => v,
                    _ => continue,
                },
                Err(_) => continue,
            };
            let e = boa_engine::JsError::from_opaque(reason);
            let m = describe_error("unhandled promise rejection", &e, None, ctx);
            self.report(m);
        }
    }

    /// Runs timers in order until none is left, with a checkpoint after each.
    pub(crate) fn run_timers(&self, ctx: &mut Context) {
        loop {
            let next = self.timers.borrow_mut().pop_first();
            let Some(((due, _), timer)) = next else { break };
            self.now.set(self.now.get().max(due));
            if let Err(e) = timer.callback.call(&JsValue::undefined(), &timer.args, ctx) {
                let m = describe_error("uncaught exception in a timer", &e, None, ctx);
                self.report(m);
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
            Job::AsyncJob(job) => self.async_jobs.borrow_mut().push_back(job),
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

/// Runs one of the engine's asynchronous jobs to its end. The runner's
/// module loader answers at once (files are read synchronously), so the
/// job's future is ready when first polled; one that is not could never be
/// woken here, and is an error rather than a hang.
fn run_async_job(job: NativeAsyncJob, ctx: &mut Context) -> JsResult<JsValue> {
    use std::future::Future;
    use std::task::{Context as TaskContext, Poll, Waker};
    let cell = RefCell::new(ctx);
    let mut future = job.call(&cell);
    let mut task = TaskContext::from_waker(Waker::noop());
    for _ in 0..1000 {
        if let Poll::Ready(r) = std::pin::Pin::new(&mut future).poll(&mut task) {
            return r;
        }
    }
    Err(boa_engine::JsNativeError::typ()
        .with_message("an engine job waited for something the runner does not provide")
        .into())
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

/// An error that escaped, as the report shows it: `FILE:LINE:COL: WHAT:
/// MESSAGE`, then the JS stack (`    at FUNCTION (FILE:LINE:COL)` lines,
/// innermost first) where the engine recorded one. The place is the
/// innermost frame of the stack, else the position of a syntax error, else
/// `fallback` (the script's file), else none.
pub(crate) fn describe_error(
    what: &str,
    e: &boa_engine::JsError,
    fallback: Option<&std::path::Path>,
    ctx: &mut Context,
) -> String {
    let message = describe(e, ctx);
    // The engine's backtrace, as its Display of the error ends with it.
    let stack: Vec<String> = e
        .to_string()
        .lines()
        .filter(|l| l.starts_with("    at ") && l.trim() != "at  (native)")
        .map(str::to_string)
        .collect();
    let (place, message) = match stack.first().and_then(|l| frame_place(l)) {
        Some(place) => (Some(place), message),
        None => match syntax_error_place(&message) {
            Some((line_col, rest)) => (
                fallback.map(|f| format!("{}:{line_col}", f.display())),
                rest,
            ),
            None => (fallback.map(|f| f.display().to_string()), message),
        },
    };
    let mut out = match place {
        Some(p) => format!("{p}: {what}: {message}"),
        None => format!("{what}: {message}"),
    };
    for line in stack {
        out.push('\n');
        out.push_str(&line);
    }
    out
}

/// `FILE:LINE:COL` of a stack line `    at NAME (FILE:LINE:COL)`, unless
/// the frame is native or has no position.
fn frame_place(line: &str) -> Option<String> {
    let inner = line.trim_end().strip_suffix(')')?;
    let place = &inner[inner.rfind(" (")? + 2..];
    (!place.starts_with("native") && !place.ends_with(":?:?")).then(|| place.to_string())
}

/// The `LINE:COL` of a syntax error message ending `at line L, col C`, and
/// the message without it.
fn syntax_error_place(message: &str) -> Option<(String, String)> {
    let at = message.rfind(" at line ")?;
    let (line, col) = message[at + 9..].split_once(", col ")?;
    let (line, col) = (line.parse::<u32>().ok()?, col.trim().parse::<u32>().ok()?);
    Some((format!("{line}:{col}"), message[..at].to_string()))
}

/// A thrown error as a message (`String(value)`, or the engine's text for
/// an error JS cannot catch).
pub(crate) fn describe(e: &boa_engine::JsError, ctx: &mut Context) -> String {
    match e.clone().into_opaque(ctx) {
        Ok(v) => display(&v, ctx),
        Err(_) => e.to_string().lines().next().unwrap_or_default().to_string(),
    }
}

/// A value as `String(v)` would show it, or its debug form if that throws.
pub(crate) fn display(v: &JsValue, ctx: &mut Context) -> String {
    match v.to_string(ctx) {
        Ok(s) => s.to_std_string_escaped(),
        Err(_) => v.display().to_string(),
    }
}
