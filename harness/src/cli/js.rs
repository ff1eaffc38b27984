//! `wasm-ref js` (JavaScript files with the WebAssembly JS API and JSPI)
//! and `wasm-ref wat` (text format to binary): the two commands that only
//! hand their files to another part of the harness.

use super::{Args, Outcome, Status};
use crate::js::{Options, Output, Stacks, run_js_options};
use interp::{Features, Module};

pub(super) const HELP: &str = "\
usage: wasm-ref js [OPTIONS] FILE...

Evaluates JavaScript files in one realm, preludes first, as a browser
page runs its scripts: classic scripts share one global lexical
environment, and a FILE.mjs (or every FILE, with --module) is an ES
module, with top-level await and relative imports. With the WebAssembly
JS API and JSPI (WebAssembly.Suspending,
WebAssembly.promising, WebAssembly.SuspendError), console.log, print,
setTimeout, clearTimeout, queueMicrotask, performance.now, self, and
fetch for local files (relative to the first FILE's directory, for
WebAssembly.compileStreaming and instantiateStreaming). After each script
every microtask runs, then timers run in order (virtual time) until none
is left.

options:
  --prelude FILE       evaluate FILE first (repeatable)
  --stacks heap|native where WebAssembly.promising calls run: heap (the
                       default) keeps a suspended call in the interpreter's
                       heap frames only; native runs each call on a native
                       stack of its own, as V8 does
  --stack-size KIB     the native stacks' size (default 1024)
  --max-stacks N       at most N native stacks at once (default: a quarter
                       of the kernel's vm.max_map_count, 16382 unless
                       changed: each stack is two mappings); a promising
                       call that cannot get one is rejected with a
                       RangeError
  --module             evaluate every FILE as an ES module
  --proposal NAME      also accept modules of a proposal no browser ships:
                       wide-arithmetic, custom-page-sizes or
                       custom-descriptors (repeatable; WebAssembly 3.0 and
                       threads are always on, as in browsers)
  --trace-jspi         print what JSPI does, one `jspi:` line per event
                       among the program's output: each promising call
                       started, Suspending import called, suspension (with
                       the wasm call stack), settlement of the awaited
                       promise, resumption, completion, and SuspendError,
                       with the microtask tick
  --trace-jspi-json OUT.json
                       write the same as Chrome trace events (one track per
                       promising call; open it in Perfetto or
                       chrome://tracing)

Uncaught errors are printed with their FILE:LINE:COL and JS stack.

Exit status: 0 if no exception went uncaught and no promise rejection
stayed unhandled; 1 otherwise (each reported on stderr); 2 bad usage or an
unreadable file.";

pub(super) const WAT_HELP: &str = "\
usage: wasm-ref wat FILE.wat -o FILE.wasm

Translates a module from the text format to a binary (how the demos'
.wasm files are rebuilt), after checking that it decodes and validates.

Exit status: 0 written; 2 bad usage, or a module that does not parse or
is not valid (with its message).";

/// `wasm-ref js`.
pub(super) fn main(args: &[String]) -> Outcome {
    let mut a = Args::new("js", args);
    let (mut preludes, mut files) = (Vec::new(), Vec::<std::path::PathBuf>::new());
    let (mut native, mut stack_kib) = (false, 1024u64);
    let mut options = Options::default();
    while let Some(arg) = a.next() {
        match arg {
            "--prelude" => preludes.push(a.value("--prelude", "a file")?.into()),
            "--stacks" => match a.value("--stacks", "heap or native")? {
                "heap" => native = false,
                "native" => native = true,
                other => return Err(format!("js --stacks takes heap or native, not {other:?}")),
            },
            "--stack-size" => {
                stack_kib = a.number("--stack-size", "a size in KiB", 1..=1 << 20)?;
            }
            "--max-stacks" => {
                let n = a.number("--max-stacks", "a positive number", 1..=u32::MAX as u64)?;
                interp::fiber::set_max_stacks(n as usize);
            }
            "--module" => options.module = true,
            "--proposal" => {
                let p = &mut options.proposals;
                match a.value("--proposal", "a proposal's name")? {
                    "wide-arithmetic" => p.wide_arithmetic = true,
                    "custom-page-sizes" => p.custom_page_sizes = true,
                    "custom-descriptors" => p.custom_descriptors = true,
                    other => {
                        return Err(format!(
                            "js --proposal takes wide-arithmetic, custom-page-sizes or custom-descriptors, not {other:?}"
                        ));
                    }
                }
            }
            "--trace-jspi" => options.trace.text = Some(Output::Stdout),
            "--trace-jspi-json" => {
                let f = a.value("--trace-jspi-json", "a file to write")?;
                if f.starts_with("--") {
                    return Err(format!("--trace-jspi-json needs a file to write, not {f}"));
                }
                // Refused now rather than after the run.
                std::fs::File::create(f)
                    .map_err(|e| format!("--trace-jspi-json: cannot write {f}: {e}"))?;
                options.trace.json = Some(f.into());
            }
            o if o.starts_with('-') && o.len() > 1 => return Err(a.unknown(o)),
            file => files.push(file.into()),
        }
    }
    if files.is_empty() {
        return Err("js: no files given; see wasm-ref js --help".into());
    }
    options.stacks = if native {
        Stacks::Native {
            stack_size: stack_kib as usize * 1024,
        }
    } else {
        Stacks::Heap
    };
    let report = run_js_options(&preludes, &files, Output::Stdout, &options)?;
    for e in &report.errors {
        eprintln!("{e}");
    }
    Ok(if report.ok() {
        Status::Ok
    } else {
        Status::Failed
    })
}

/// `wasm-ref wat`.
pub(super) fn wat_main(args: &[String]) -> Outcome {
    let [input, flag, output] = args else {
        return Err("wat: expected FILE.wat -o FILE.wasm".into());
    };
    if flag != "-o" {
        return Err("wat: expected FILE.wat -o FILE.wasm".into());
    }
    let text = super::read_text(input)?;
    let bytes = super::parse_wat(input, &text)?;
    Module::new(&bytes, &Features::implemented()).map_err(|e| format!("{input}: {e}"))?;
    std::fs::write(output, &bytes).map_err(|e| format!("cannot write {output}: {e}"))?;
    Ok(Status::Ok)
}
