//! The host functions of the runner's global object: `console.log`,
//! `print`, `setTimeout`, `clearTimeout`, `queueMicrotask`,
//! `performance.now()` (real time, for benchmarks; timers use virtual
//! time), and `self`.

use super::event_loop::{EventLoop, display};
use boa_engine::job::PromiseJob;
use boa_engine::native_function::NativeFunction;
use boa_engine::object::ObjectInitializer;
use boa_engine::property::Attribute;
use boa_engine::{Context, JsNativeError, JsResult, JsValue, js_string};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// Where `console.log` and `print` write: standard output, or a buffer (for tests).
#[derive(Clone, Debug, Default)]
pub enum Output {
    /// Each line to standard output.
    #[default]
    Stdout,
    /// Each line into this buffer.
    Buffer(Arc<Mutex<Vec<String>>>),
}

/// The output sink, kept in the context's host data.
struct Sink(Output);

fn event_loop(ctx: &Context) -> Rc<EventLoop> {
    ctx.downcast_job_executor::<EventLoop>()
        .expect("the runner installs its event loop")
}

/// `console.log(...args)` / `print(...args)`: the arguments as strings,
/// joined by spaces, as one line. A BigInt shows with its `n`, as browser
/// consoles print it, so that logs compare with V8's.
fn log(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let parts: Vec<String> = args
        .iter()
        .map(|a| {
            let s = display(a, ctx);
            if a.is_bigint() { s + "n" } else { s }
        })
        .collect();
    ctx.get_data::<Sink>()
        .expect("installed")
        .0
        .write_line(parts.join(" "));
    Ok(JsValue::undefined())
}

impl Output {
    /// Writes one line.
    pub(crate) fn write_line(&self, line: String) {
        match self {
            // A reader that went away (`| head`) is no error of the script.
            Output::Stdout => {
                use std::io::Write;
                let _ = writeln!(std::io::stdout().lock(), "{line}");
            }
            Output::Buffer(b) => b
                .lock()
                .expect("the buffer's lock is never poisoned")
                .push(line),
        }
    }
}

/// `setTimeout(callback, delay, ...args)`.
fn set_timeout(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let callback = args
        .first()
        .and_then(JsValue::as_callable)
        .ok_or_else(|| {
            JsNativeError::typ().with_message("setTimeout: the callback is not a function")
        })?
        .clone();
    let delay = match args.get(1) {
        Some(d) => d.to_number(ctx)?,
        None => 0.0,
    };
    let delay = if delay.is_finite() && delay > 0.0 {
        delay as u64
    } else {
        0
    };
    let rest = args.iter().skip(2).cloned().collect();
    Ok(JsValue::from(
        event_loop(ctx).set_timeout(callback, delay, rest),
    ))
}

/// `clearTimeout(id)`.
fn clear_timeout(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    if let Some(id) = args.first() {
        let id = id.to_number(ctx)?;
        if id.is_finite() && id >= 0.0 {
            event_loop(ctx).clear_timeout(id as u32);
        }
    }
    Ok(JsValue::undefined())
}

/// `queueMicrotask(callback)`.
fn queue_microtask(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let callback = args
        .first()
        .and_then(JsValue::as_callable)
        .ok_or_else(|| {
            JsNativeError::typ().with_message("queueMicrotask: the callback is not a function")
        })?
        .clone();
    let job = PromiseJob::new(move |ctx| callback.call(&JsValue::undefined(), &[], ctx));
    ctx.enqueue_job(job.into());
    Ok(JsValue::undefined())
}

/// When the realm was made, for `performance.now()`.
struct TimeOrigin(std::time::Instant);

/// `performance.now()`: milliseconds since the realm was made, with
/// sub-microsecond resolution.
fn performance_now(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let origin = ctx.get_data::<TimeOrigin>().expect("installed").0;
    Ok(JsValue::from(origin.elapsed().as_secs_f64() * 1000.0))
}

/// Defines the host functions on the global object.
pub(crate) fn install(ctx: &mut Context, out: Output) -> JsResult<()> {
    ctx.insert_data(Sink(out));
    ctx.insert_data(TimeOrigin(std::time::Instant::now()));
    let performance = ObjectInitializer::new(ctx)
        .function(
            NativeFunction::from_fn_ptr(performance_now),
            js_string!("now"),
            0,
        )
        .build();
    ctx.register_global_property(
        js_string!("performance"),
        performance,
        Attribute::WRITABLE | Attribute::CONFIGURABLE,
    )?;
    let console = ObjectInitializer::new(ctx)
        .function(NativeFunction::from_fn_ptr(log), js_string!("log"), 0)
        .build();
    ctx.register_global_property(
        js_string!("console"),
        console,
        Attribute::WRITABLE | Attribute::CONFIGURABLE,
    )?;
    type HostFn = fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;
    let functions: [(&str, usize, HostFn); 4] = [
        ("print", 0, log),
        ("setTimeout", 1, set_timeout),
        ("clearTimeout", 1, clear_timeout),
        ("queueMicrotask", 1, queue_microtask),
    ];
    for (name, length, f) in functions {
        ctx.register_global_builtin_callable(
            js_string!(name),
            length,
            NativeFunction::from_fn_ptr(f),
        )?;
    }
    let global = ctx.global_object();
    ctx.register_global_property(
        js_string!("self"),
        global,
        Attribute::WRITABLE | Attribute::CONFIGURABLE,
    )?;
    Ok(())
}
