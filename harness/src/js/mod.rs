//! The JavaScript runner behind `wasm-ref js`: classic scripts and ES
//! modules evaluated in one realm of the Boa engine, as a browser page runs
//! its `<script>` elements, with the host functions tests need
//! (`console.log`, `print`, `setTimeout`, `clearTimeout`, `queueMicrotask`,
//! `self`) and an event loop that runs them to the end.
//!
//! The `WebAssembly` namespace (`wasm`, the JS API on the interpreter) is
//! installed in the same realm; `adapter` is all the code that knows Boa's
//! embedding API beyond the runner itself; `modules` resolves and loads ES
//! modules.

mod adapter;
mod event_loop;
mod fetch;
mod host;
mod modules;
pub mod trace;
mod wasm;

use boa_engine::builtins::promise::PromiseState;
use boa_engine::module::Module;
use boa_engine::native_function::NativeFunction;
use boa_engine::object::builtins::JsPromise;
use boa_engine::{Context, JsValue, Source, context::ContextBuilder};
use event_loop::{EventLoop, describe_error};
use std::path::{Path, PathBuf};
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

/// How to run: where promising calls run, which files are ES modules, and
/// the JSPI trace.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Where promising calls run.
    pub stacks: Stacks,
    /// Evaluate the files (not the preludes) as ES modules, whatever their
    /// names (`wasm-ref js --module`); a `.mjs` file is a module anyway.
    pub module: bool,
    /// Where the JSPI trace goes.
    pub trace: trace::Sinks,
    /// Proposals the JS store accepts beyond what browsers ship
    /// (WebAssembly 3.0 and threads): `wasm-ref js --proposal NAME`.
    pub proposals: Proposals,
}

/// Proposals that no browser ships, which `wasm-ref js` accepts on request:
/// their modules then compile, and their memories, globals and functions
/// reach JS as the JS API says for any other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Proposals {
    /// `i64.add128` and friends.
    pub wide_arithmetic: bool,
    /// Memories of 1-byte pages.
    pub custom_page_sizes: bool,
    /// Exact types and descriptors (their JS API, the descriptor objects'
    /// prototypes, is not built: such structures reach JS as any other).
    pub custom_descriptors: bool,
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
    let options = Options {
        stacks,
        ..Options::default()
    };
    run_js_options(preludes, files, out, &options)
}

/// As [`run_js`], with `options`: a file named `.mjs`, or any file (not a
/// prelude) with `options.module`, is evaluated as an ES module.
///
/// # Errors
/// A message if a file cannot be read.
pub fn run_js_options(
    preludes: &[PathBuf],
    files: &[PathBuf],
    out: host::Output,
    options: &Options,
) -> Result<JsReport, String> {
    let mut sources = Vec::new();
    for (p, is_file) in preludes
        .iter()
        .map(|p| (p, false))
        .chain(files.iter().map(|f| (f, true)))
    {
        let text = std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        let module = is_module_file(p) || (is_file && options.module);
        sources.push(Script {
            path: p.clone(),
            text,
            module,
        });
    }
    let base = files
        .first()
        .and_then(|f| f.parent())
        .map(PathBuf::from)
        .unwrap_or_default();
    run_on_thread(sources, base, out, options.clone())
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
    let options = Options {
        stacks,
        ..Options::default()
    };
    run_js_sources_options(sources, out, &options)
}

/// As [`run_js_sources`], with `options` (a `.mjs` name is a module; with
/// `options.module` every source is).
///
/// # Errors
/// A message if the JavaScript thread cannot start or panicked.
pub fn run_js_sources_options(
    sources: Vec<(PathBuf, Vec<u8>)>,
    out: host::Output,
    options: &Options,
) -> Result<JsReport, String> {
    let base = sources
        .last()
        .and_then(|(p, _)| p.parent())
        .map(PathBuf::from)
        .unwrap_or_default();
    let sources = sources
        .into_iter()
        .map(|(path, text)| Script {
            module: options.module || is_module_file(&path),
            path,
            text,
        })
        .collect();
    run_on_thread(sources, base, out, options.clone())
}

/// Whether a file is an ES module by its name (`.mjs`, as Node.js and the
/// web's MIME type for it say).
fn is_module_file(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "mjs")
}

/// A source to evaluate, as a classic script or as a module.
struct Script {
    path: PathBuf,
    text: Vec<u8>,
    module: bool,
}

fn run_on_thread(
    sources: Vec<Script>,
    base: PathBuf,
    out: host::Output,
    options: Options,
) -> Result<JsReport, String> {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run_sources(sources, base, out, &options))
        .map_err(|e| format!("cannot start the JavaScript thread: {e}"))?
        .join()
        .map_err(|_| "the JavaScript engine panicked".to_string())
}

/// A report with one error.
fn failed(message: String) -> JsReport {
    JsReport {
        errors: vec![message],
    }
}

fn run_sources(
    sources: Vec<Script>,
    base: PathBuf,
    out: host::Output,
    options: &Options,
) -> JsReport {
    let event_loop = Rc::new(EventLoop::default());
    let loader = Rc::new(modules::Loader::new(base.clone()));
    let mut ctx: Context = match ContextBuilder::default()
        .job_executor(event_loop.clone())
        .host_hooks(Rc::new(event_loop.rejection_tracker()))
        .module_loader(loader.clone())
        .build()
    {
        Ok(c) => c,
        Err(e) => return failed(format!("cannot create the JavaScript realm: {e}")),
    };
    // Room for wasm and JS calling each other up to the JS API's own limit
    // (`wasm::MAX_DEPTH` crossings, each two engine calls), which throws a
    // catchable RangeError first; the 256 MiB thread stack holds this many.
    ctx.runtime_limits_mut().set_recursion_limit(8192);
    let classic = sources.iter().filter(|s| !s.module).count();
    if classic > 1
        && let Err(e) = adapter::share_global_lexical_environment(&mut ctx)
    {
        return failed(format!("cannot prepare the global environment: {e}"));
    }
    if let Err(e) = host::install(&mut ctx, out) {
        return failed(format!("cannot install the host functions: {e}"));
    }
    if let Err(e) = fetch::install(&mut ctx, base) {
        return failed(format!("cannot install fetch: {e}"));
    }
    let tracer = trace::Tracer::new(&options.trace, event_loop.ticks());
    if let Err(e) = wasm::install(&mut ctx, options.stacks, options.proposals, tracer.clone()) {
        return failed(format!("cannot install the WebAssembly namespace: {e}"));
    }
    let mut evaluations = Vec::new();
    for s in &sources {
        let src = Source::from_bytes(&s.text).with_path(&s.path);
        if s.module {
            match Module::parse(src, None, &mut ctx) {
                Ok(module) => {
                    loader.insert(&s.path, module.clone());
                    let promise = module.load_link_evaluate(&mut ctx);
                    watch_evaluation(&promise, &s.path, &mut ctx);
                    evaluations.push((s.path.clone(), promise));
                }
                Err(e) => {
                    let m = describe_error("cannot parse the module", &e, Some(&s.path), &mut ctx);
                    event_loop.report(m);
                }
            }
        } else if let Err(e) = ctx.eval(src) {
            let m = describe_error("uncaught exception", &e, Some(&s.path), &mut ctx);
            event_loop.report(m);
        }
        event_loop.checkpoint(&mut ctx);
    }
    event_loop.run_timers(&mut ctx);
    // A module whose top-level await never ended: its evaluation stays
    // pending when nothing is left to run.
    for (path, promise) in evaluations {
        if matches!(promise.state(), PromiseState::Pending) {
            event_loop.report(format!(
                "{}: the module's evaluation never finished (a top-level await of a promise \
                 that never settled)",
                path.display()
            ));
        }
    }
    if let Err(e) = tracer.finish() {
        event_loop.report(e);
    }
    JsReport {
        errors: event_loop.errors.take(),
    }
}

/// Reports the evaluation of module `path` if it fails (HTML "report the
/// exception" for a module script whose evaluation promise rejects); its
/// handler also keeps the rejection from counting as unhandled.
fn watch_evaluation(promise: &JsPromise, path: &Path, ctx: &mut Context) {
    let on_fulfilled = NativeFunction::from_copy_closure(|_, _, _| Ok(JsValue::undefined()));
    let on_rejected = NativeFunction::from_copy_closure_with_captures(
        |_, args, path: &boa_engine::JsString, ctx| {
            let reason = boa_engine::JsError::from_opaque(adapter::arg(args, 0));
            let path = PathBuf::from(path.to_std_string_escaped());
            let m = describe_error("uncaught exception", &reason, Some(&path), ctx);
            let event_loop = ctx
                .downcast_job_executor::<EventLoop>()
                .expect("the runner installs its event loop");
            event_loop.report(m);
            Ok(JsValue::undefined())
        },
        boa_engine::JsString::from(path.display().to_string().as_str()),
    );
    let ok = adapter::builtin_function(ctx, "", 1, on_fulfilled);
    let err = adapter::builtin_function(ctx, "", 1, on_rejected);
    // The realm's await bridge cannot fail on a native promise.
    let _ = adapter::await_with(&promise.clone().into(), &ok, &err, ctx);
}

pub use host::Output;
pub use wasm::Stacks;
