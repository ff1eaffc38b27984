//! The JavaScript runner behind `wasm-ref js`: classic scripts evaluated in
//! one realm of the Boa engine, with the host functions tests need
//! (`console.log`, `print`, `setTimeout`, `clearTimeout`, `queueMicrotask`,
//! `self`) and an event loop that runs them to the end.
//!
//! The `WebAssembly` namespace (`wasm`, the JS API on the interpreter) is
//! installed in the same realm; `adapter` is all the code that knows Boa's
//! embedding API beyond the runner itself.

mod adapter;
mod event_loop;
mod fetch;
mod host;
mod wasm;

use boa_engine::{Context, Source, context::ContextBuilder};
use event_loop::{EventLoop, describe};
use std::path::PathBuf;
use std::rc::Rc;

/// How a run ended.
#[derive(Debug, Default)]
pub struct JsReport {
    /// Uncaught exceptions and unhandled rejections, in order.
    pub errors: Vec<String>,
}

impl JsReport {
    /// Whether nothing went wrong.
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Evaluates `preludes` then `files` as classic scripts in one realm, each
/// as a task followed by a microtask checkpoint; then runs timers until none
/// is left. Output of `console.log`/`print` goes to `out`.
///
/// Runs on a thread of its own with a large stack: JS that calls native
/// code that calls JS recurses on the Rust stack.
///
/// # Errors
/// A message if a file cannot be read.
pub fn run_js(
    preludes: &[PathBuf],
    files: &[PathBuf],
    out: host::Output,
) -> Result<JsReport, String> {
    run_js_with(preludes, files, out, Stacks::Heap)
}

/// As [`run_js`], with promising calls running where `stacks` says.
///
/// # Errors
/// A message if a file cannot be read.
pub fn run_js_with(
    preludes: &[PathBuf],
    files: &[PathBuf],
    out: host::Output,
    stacks: Stacks,
) -> Result<JsReport, String> {
    let mut sources = Vec::new();
    for p in preludes.iter().chain(files) {
        let text = std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        sources.push((p.clone(), text));
    }
    let base = files
        .first()
        .and_then(|f| f.parent())
        .map(PathBuf::from)
        .unwrap_or_default();
    run_on_thread(sources, base, out, stacks)
}

/// As [`run_js`], for scripts given as (name, text) pairs; `fetch`
/// resolves relative URLs against the directory of the last one.
///
/// # Errors
/// A message if the JavaScript thread cannot start or panicked.
pub fn run_js_sources(
    sources: Vec<(PathBuf, Vec<u8>)>,
    out: host::Output,
) -> Result<JsReport, String> {
    run_js_sources_with(sources, out, Stacks::Heap)
}

/// As [`run_js_sources`], with promising calls running where `stacks` says.
///
/// # Errors
/// A message if the JavaScript thread cannot start or panicked.
pub fn run_js_sources_with(
    sources: Vec<(PathBuf, Vec<u8>)>,
    out: host::Output,
    stacks: Stacks,
) -> Result<JsReport, String> {
    let base = sources
        .last()
        .and_then(|(p, _)| p.parent())
        .map(PathBuf::from)
        .unwrap_or_default();
    run_on_thread(sources, base, out, stacks)
}

fn run_on_thread(
    sources: Vec<(PathBuf, Vec<u8>)>,
    base: PathBuf,
    out: host::Output,
    stacks: Stacks,
) -> Result<JsReport, String> {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run_sources(sources, base, out, stacks))
        .map_err(|e| format!("cannot start the JavaScript thread: {e}"))?
        .join()
        .map_err(|_| "the JavaScript engine panicked".to_string())
}

fn run_sources(
    sources: Vec<(PathBuf, Vec<u8>)>,
    base: PathBuf,
    out: host::Output,
    stacks: Stacks,
) -> JsReport {
    let event_loop = Rc::new(EventLoop::default());
    let mut ctx: Context = match ContextBuilder::default()
        .job_executor(event_loop.clone())
        .host_hooks(Rc::new(event_loop.rejection_tracker()))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            return JsReport {
                errors: vec![format!("cannot create the JavaScript realm: {e}")],
            };
        }
    };
    // Room for wasm and JS calling each other up to the JS API's own limit
    // (`wasm::MAX_DEPTH` crossings, each two engine calls), which throws a
    // catchable RangeError first; the 256 MiB thread stack holds this many.
    ctx.runtime_limits_mut().set_recursion_limit(8192);
    if sources.len() > 1
        && let Err(e) = adapter::share_global_lexical_environment(&mut ctx)
    {
        return JsReport {
            errors: vec![format!("cannot prepare the global environment: {e}")],
        };
    }
    if let Err(e) = host::install(&mut ctx, out) {
        return JsReport {
            errors: vec![format!("cannot install the host functions: {e}")],
        };
    }
    if let Err(e) = fetch::install(&mut ctx, base) {
        return JsReport {
            errors: vec![format!("cannot install fetch: {e}")],
        };
    }
    if let Err(e) = wasm::install(&mut ctx, stacks) {
        return JsReport {
            errors: vec![format!("cannot install the WebAssembly namespace: {e}")],
        };
    }
    for (path, text) in &sources {
        let src = Source::from_bytes(text).with_path(path);
        if let Err(e) = ctx.eval(src) {
            let message = describe(&e, &mut ctx);
            event_loop.report(format!("{}: uncaught exception: {message}", path.display()));
        }
        event_loop.checkpoint(&mut ctx);
    }
    event_loop.run_timers(&mut ctx);
    JsReport {
        errors: event_loop.errors.take(),
    }
}

pub use host::Output;
pub use wasm::Stacks;
