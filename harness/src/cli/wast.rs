//! `wasm-ref wast`: runs `.wast` scripts through the `spec-tests` runner
//! and reports each directive that failed (or, with `-v`, each directive),
//! or every directive as a JSON object with `--json`.

use super::{Args, Outcome, Status};
use crate::json::Object;
use spec_tests::{DirectiveResult, InterpEmbedder, Mode, features_for_path, run_wast_at};

pub(super) const HELP: &str = "\
usage: wasm-ref wast [OPTIONS] FILE...

Runs .wast scripts with the features the conformance suite gives them:
WebAssembly 3.0, or for a file of one of the official suite's folders
(e.g. .../wasm-v1/x.wast, .../proposals/threads/x.wast) the features that
folder is written for, and for a file named after a proposal not yet in
the specification (threads_x.wast) 3.0 and that proposal. Prints each failed
directive as FILE:LINE:COL: KIND: what was expected, what was found (values
in the text format) and, last, `N passed, M failed` (directives).
assert_invalid, assert_malformed, assert_unlinkable, assert_trap and
assert_exhaustion pass only if the error message starts with the script's
text, as in the spec's reference interpreter (or differs from it as
spec-tests/expected-messages.txt lists, for files of the official suite);
the message of a malformed `module quote` is the text parser's and is not
compared.

options:
  -v, --verbose        print every directive as it runs, `ok` or why not
  --json               print one JSON object per directive, one a line:
                       {file, line, column, kind, passed, expected, actual,
                       message}, then {summary: true, files, passed, failed,
                       unparsed}: the counts are of the files that parsed
  --suspend N          pause and resume every call every N instructions and
                       at every spectest host call
  --stacks heap|native native: run every call on a native stack of its own
                       (1 MiB), as promising calls do in wasm-ref js
                       --stacks native

Exit status: 0 every directive held; 1 some failed; 2 bad usage, an
unreadable file, or a script that does not parse (reported once, at its
FILE:LINE:COL).";

/// How results are printed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Print {
    Failures,
    Every,
    Json,
}

/// `wasm-ref wast`.
pub(super) fn main(args: &[String]) -> Outcome {
    let mut a = Args::new("wast", args);
    let mut mode = Mode::Plain;
    let mut print = Print::Failures;
    let mut paths = Vec::new();
    while let Some(arg) = a.next() {
        match arg {
            "--stacks" => match a.value("--stacks", "heap or native")? {
                "heap" => mode = Mode::Plain,
                "native" => {
                    mode = Mode::Native {
                        stack_size: 1 << 20,
                    }
                }
                other => {
                    return Err(format!("wast --stacks takes heap or native, not {other:?}"));
                }
            },
            "--suspend" => {
                let fuel_step = a.number("--suspend", "a number of instructions", 1..=u64::MAX)?;
                mode = Mode::Suspending { fuel_step };
            }
            "-v" | "--verbose" => print = Print::Every,
            "--json" => print = Print::Json,
            o if o.starts_with('-') && o.len() > 1 => return Err(a.unknown(o)),
            path => paths.push(path),
        }
    }
    if paths.is_empty() {
        return Err("wast: no files given; see wasm-ref wast --help".into());
    }
    // Every file is read before any runs: an unreadable one is bad input.
    let texts = paths
        .iter()
        .map(|p| super::read_text(p))
        .collect::<Result<Vec<_>, _>>()?;
    let (mut passed, mut failed, mut unparsed) = (0, 0, 0u64);
    let mut unparsable = None;
    for (path, text) in paths.iter().zip(&texts) {
        let mut e = InterpEmbedder::new(features_for_path(path), mode);
        let report = run_wast_at(path, text, &mut e, |d| show(path, d, print));
        if let Some(p) = report.parse_error() {
            unparsable.get_or_insert(format!(
                "{path}:{}:{}: parse error: {}",
                p.line, p.col, p.message
            ));
            unparsed += 1;
            continue;
        }
        passed += report.passed;
        failed += report.failed;
    }
    if print == Print::Json {
        let summary = Object::new()
            .bool("summary", true)
            .num("files", paths.len() as u64)
            .num("passed", passed as u64)
            .num("failed", failed as u64)
            .num("unparsed", unparsed);
        println!("{}", summary.finish());
    } else if unparsed > 0 {
        // The counts are of the files that parsed; say how many did not,
        // so a reader does not take "0 failed" for success.
        let files = if unparsed == 1 { "file" } else { "files" };
        println!("{passed} passed, {failed} failed; {unparsed} {files} did not parse");
    } else {
        println!("{passed} passed, {failed} failed");
    }
    if let Some(message) = unparsable {
        return Err(message);
    }
    Ok(if failed == 0 {
        Status::Ok
    } else {
        Status::Failed
    })
}

/// Prints one directive's result as `print` says. A parse error is left
/// to the caller (one line on stderr), except in JSON, where it is also an
/// object of kind `parse`.
fn show(path: &str, d: &DirectiveResult, print: Print) {
    match print {
        Print::Json => println!("{}", directive_json(path, d)),
        _ if d.kind == "parse" => {}
        Print::Every => println!("{}", d.describe(path)),
        Print::Failures if !d.passed => println!("{}", d.describe(path)),
        Print::Failures => {}
    }
}

/// A directive's result as a JSON object.
fn directive_json(path: &str, d: &DirectiveResult) -> String {
    Object::new()
        .str("file", path)
        .num("line", d.line as u64)
        .num("column", d.col as u64)
        .str("kind", d.kind)
        .bool("passed", d.passed)
        .str("expected", &d.expected)
        .str("actual", &d.actual)
        .str("message", &d.message)
        .finish()
}
