//! The JSPI trace (`wasm-ref js --trace-jspi`, `--trace-jspi-json FILE`):
//! what JSPI did, in order, with the microtask tick each step ran in.
//!
//! Events, for each promising call (a "context", numbered #1, #2, ... in
//! the order the calls start): `start` (the promising call of an export
//! began), `call` (its wasm called a Suspending import), `suspend` (the
//! computation paused there, with the wasm call stack, innermost first,
//! functions named by the name section where it has them), `settled` (the
//! awaited promise's outcome, as the `Await` sees it: one tick after it
//! settled), `resume`, and `complete` (the promising call's promise is
//! resolved or rejected); and `SuspendError`, with its reason, wherever a
//! Suspending import refuses to suspend.
//!
//! The tick is the number of microtasks the event loop has started when the
//! event happens (0 during the first script, 1 in the first microtask). Values are shown without running any
//! JS: primitives as JS writes them, objects as `object`.
//!
//! Text: one line per event, `jspi: tick T #N EVENT DETAILS`, written where
//! `console.log` writes, so that it interleaves with the program's output.
//! JSON: the Chrome trace-event format (`{"traceEvents": [...]}`), one track
//! (thread) per promising context with slices for its running and awaiting
//! stretches and instant events for the rest; time is virtual, one tick
//! being a millisecond, so Perfetto and `chrome://tracing` draw the
//! concurrency of the calls as a timeline.

use super::host::Output;
use crate::json;
use boa_engine::JsValue;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

/// Where the trace goes (none of it by default).
#[derive(Clone, Debug, Default)]
pub struct Sinks {
    /// The text trace, if any, here (where `console.log` writes).
    pub text: Option<Output>,
    /// The JSON trace, if any, into this file.
    pub json: Option<PathBuf>,
}

/// The realm's tracer: cheap to clone, and doing nothing when no trace was
/// asked for.
#[derive(Clone, Default)]
pub(crate) struct Tracer(Option<Rc<Inner>>);

struct Inner {
    text: Option<Output>,
    json: Option<PathBuf>,
    /// The event loop's count of microtasks run.
    ticks: Rc<Cell<u64>>,
    /// Trace numbers of the running promising contexts, by execution
    /// context id, and the number the next one gets.
    numbers: RefCell<HashMap<u64, u32>>,
    next_number: Cell<u32>,
    /// JSON events so far.
    events: RefCell<Vec<String>>,
    /// The last JSON timestamp, so that they increase.
    last_ts: Cell<u64>,
}

/// How a promise or a call ended, for the trace.
pub(crate) enum Outcome<'a> {
    Fulfilled(&'a JsValue),
    Rejected(&'a JsValue),
}

impl Tracer {
    /// A tracer writing to `sinks`, reading the tick from `ticks`.
    pub(crate) fn new(sinks: &Sinks, ticks: Rc<Cell<u64>>) -> Tracer {
        if sinks.text.is_none() && sinks.json.is_none() {
            return Tracer(None);
        }
        Tracer(Some(Rc::new(Inner {
            text: sinks.text.clone(),
            json: sinks.json.clone(),
            ticks,
            numbers: RefCell::default(),
            next_number: Cell::new(1),
            events: RefCell::default(),
            last_ts: Cell::new(0),
        })))
    }

    /// Whether any trace is being made (callers skip gathering details
    /// otherwise).
    pub(crate) fn on(&self) -> bool {
        self.0.is_some()
    }

    /// A promising call of `export` started in execution context `ec`.
    pub(crate) fn start(&self, ec: u64, export: &str) {
        let Some(t) = &self.0 else { return };
        let n = t.next_number.get();
        t.next_number.set(n + 1);
        t.numbers.borrow_mut().insert(ec, n);
        t.line(Some(n), "start", export);
        t.json_event(
            "M",
            n,
            "thread_name",
            &[("name", &format!("promising #{n} {export}"))],
        );
        t.json_event("B", n, &format!("run {export}"), &[]);
    }

    /// Context `ec` called Suspending import `import`.
    pub(crate) fn call(&self, ec: u64, import: &str) {
        let Some(t) = &self.0 else { return };
        t.point(t.number(ec), "call", import);
    }

    /// Context `ec` suspended at `import`, with this wasm call stack.
    pub(crate) fn suspend(&self, ec: u64, import: &str, stack: &[String]) {
        let Some(t) = &self.0 else { return };
        let n = t.number(ec);
        let at = if stack.is_empty() {
            import.to_string()
        } else {
            format!("{import} <- {}", stack.join(" <- "))
        };
        t.line(n, "suspend", &format!("at {at}"));
        t.json_event("E", n.unwrap_or(0), "", &[]);
        t.json_event(
            "B",
            n.unwrap_or(0),
            &format!("await {import}"),
            &[("stack", &at)],
        );
    }

    /// The promise context `ec` awaits settled.
    pub(crate) fn settled(&self, ec: u64, outcome: Outcome<'_>) {
        let Some(t) = &self.0 else { return };
        t.point(t.number(ec), "settled", &outcome.show());
    }

    /// Context `ec` resumed.
    pub(crate) fn resume(&self, ec: u64) {
        let Some(t) = &self.0 else { return };
        let n = t.number(ec);
        t.line(n, "resume", "");
        t.json_event("E", n.unwrap_or(0), "", &[]);
        t.json_event("B", n.unwrap_or(0), "run", &[]);
    }

    /// The promising call of context `ec` ended: its promise is resolved or
    /// rejected with the value.
    pub(crate) fn complete(&self, ec: u64, outcome: Outcome<'_>) {
        let Some(t) = &self.0 else { return };
        let n = t.number(ec);
        t.point(n, "complete", &outcome.show());
        t.json_event("E", n.unwrap_or(0), "", &[]);
        t.numbers.borrow_mut().remove(&ec);
    }

    /// A Suspending import refused to suspend: SuspendError, with why.
    /// `ec` is the promising context below, if any.
    pub(crate) fn suspend_error(&self, ec: Option<u64>, import: &str, reason: &str) {
        let Some(t) = &self.0 else { return };
        let n = ec.and_then(|ec| t.number(ec));
        t.point(n, "SuspendError", &format!("{import}: {reason}"));
    }

    /// Writes the JSON trace, if one was asked for.
    ///
    /// # Errors
    /// A message if the file cannot be written.
    pub(crate) fn finish(&self) -> Result<(), String> {
        let Some(t) = &self.0 else { return Ok(()) };
        let Some(path) = &t.json else { return Ok(()) };
        let events = t.events.borrow();
        let mut out = String::from("{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n");
        out.push_str(&events.join(",\n"));
        out.push_str("\n]}\n");
        std::fs::write(path, out)
            .map_err(|e| format!("cannot write the JSPI trace to {}: {e}", path.display()))
    }
}

impl Outcome<'_> {
    fn show(&self) -> String {
        match self {
            Outcome::Fulfilled(v) => format!("fulfilled {}", show_value(v)),
            Outcome::Rejected(v) => format!("rejected {}", show_value(v)),
        }
    }
}

/// A value as the trace shows it, running no JS.
fn show_value(v: &JsValue) -> String {
    if v.is_object() {
        if v.is_callable() {
            "function".into()
        } else {
            "object".into()
        }
    } else {
        v.display().to_string()
    }
}

impl Inner {
    fn number(&self, ec: u64) -> Option<u32> {
        self.numbers.borrow().get(&ec).copied()
    }

    /// One line of the text trace.
    fn line(&self, n: Option<u32>, event: &str, detail: &str) {
        let Some(out) = &self.text else { return };
        let tick = self.ticks.get();
        let who = n.map_or_else(|| "-".to_string(), |n| format!("#{n}"));
        let line = if detail.is_empty() {
            format!("jspi: tick {tick} {who} {event}")
        } else {
            format!("jspi: tick {tick} {who} {event} {detail}")
        };
        out.write_line(line);
    }

    /// The next JSON timestamp: the tick in milliseconds, then one
    /// microsecond per event within it.
    fn ts(&self) -> u64 {
        let ts = (self.ticks.get() * 1000).max(self.last_ts.get() + 1);
        self.last_ts.set(ts);
        ts
    }

    /// A JSON event of phase `ph` on track `tid`.
    fn json_event(&self, ph: &str, tid: u32, name: &str, args: &[(&str, &str)]) {
        if self.json.is_none() {
            return;
        }
        let ts = if ph == "M" { 0 } else { self.ts() };
        let args: Vec<String> = args
            .iter()
            .map(|(k, v)| format!("{}: {}", json::string(k), json::string(v)))
            .collect();
        let mut e = format!(
            "{{\"ph\": \"{ph}\", \"pid\": 1, \"tid\": {tid}, \"ts\": {ts}, \"name\": {}",
            json::string(name)
        );
        if ph == "i" {
            e.push_str(", \"s\": \"t\"");
        }
        if !args.is_empty() {
            e.push_str(&format!(", \"args\": {{{}}}", args.join(", ")));
        }
        e.push('}');
        self.events.borrow_mut().push(e);
    }

    /// An event that takes no time: a text line, and an instant event on
    /// the context's track (track 0 outside any).
    fn point(&self, n: Option<u32>, event: &str, detail: &str) {
        self.line(n, event, detail);
        self.json_event("i", n.unwrap_or(0), &format!("{event} {detail}"), &[]);
    }
}
