//! `wasm-ref wast2js`: writes a `.wast` script as a JavaScript file that
//! runs in any engine with the WebAssembly JS API (see `crate::wast2js`).

use super::{Args, Outcome, Status};

pub(super) const HELP: &str = "\
usage: wasm-ref wast2js FILE.wast [-o FILE.js]

Converts a .wast script into a self-contained JavaScript file that uses
only the standard WebAssembly JS API: each module as its bytes, register,
and every assertion as a check. Run in any engine (V8, SpiderMonkey,
JavaScriptCore, wasm-ref js), it prints one line per failed check,
FILE:LINE:COL: KIND: why, then `N passed, M failed`, and throws at the end
if anything failed, so the runner exits with a failure status.

Values the JS API cannot carry (v128, exnref, a NaN's payload) are passed
and checked inside a small wasm helper module generated for that
assertion. Messages are not compared (engines word them their own way):
assert_trap expects a RuntimeError, assert_exhaustion a RangeError,
assert_invalid and assert_malformed a CompileError (and validate() false),
assert_unlinkable a LinkError. Left out, and listed in the file's header
and on stderr: assert_malformed/assert_invalid of text modules the text
format parser refuses (there is no binary to give an engine), and
custom-section assertions. Without -o the JavaScript goes to stdout.

Exit status: 0 written; 2 bad usage, an unreadable file, or a script that
does not parse (at its FILE:LINE:COL).";

/// `wasm-ref wast2js`.
pub(super) fn main(args: &[String]) -> Outcome {
    let mut a = Args::new("wast2js", args);
    let (mut input, mut output) = (None, None);
    while let Some(arg) = a.next() {
        match arg {
            "-o" => output = Some(a.value("-o", "an output file")?),
            o if o.starts_with('-') && o.len() > 1 => return Err(a.unknown(o)),
            path if input.is_none() => input = Some(path),
            extra => return Err(format!("wast2js: one script at a time, not also {extra:?}")),
        }
    }
    let input = input.ok_or("wast2js: no script given; see wasm-ref wast2js --help")?;
    let text = super::read_text(input)?;
    let converted = crate::wast2js::convert(input, &text)?;
    for l in &converted.left_out {
        eprintln!("wasm-ref wast2js: left out: {l}");
    }
    match output {
        Some(path) => {
            std::fs::write(path, &converted.js).map_err(|e| format!("cannot write {path}: {e}"))?
        }
        None => print!("{}", converted.js),
    }
    Ok(Status::Ok)
}
