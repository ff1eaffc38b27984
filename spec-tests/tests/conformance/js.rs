//! The JavaScript part of the conformance suite: every test of
//! `spec-tests/js/*.js` run in the JS API of `wasm-ref js` with our preludes
//! (`lib/builder.js`, `lib/check.js`) and every ES module test
//! `spec-tests/js/*.mjs` as it is, once with promising calls on heap
//! frames (`conformance::js::`) and once on native stacks
//! (`conformance::js-native::`), and every WPT-style test of
//! `spec-tests/js/wpt/*.any.js` run with the Web Platform Tests'
//! `testharness.js` (fetched from the npm registry on first use, see
//! `tools/fetch-testharness.sh`). The same files run in V8 through
//! `tools/compare-v8.sh`.
//!
//! A scenario passes when the run reports no uncaught exception or
//! unhandled rejection and prints no `FAIL` line; a WPT file when every
//! test passes and the harness ends with `DONE ... harness OK`.

use harness::js::{Output, Stacks, run_js_with};
use libtest_mimic::{Failed, Trial};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

const JS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/js");

/// The `.js` files of a folder, sorted.
fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.is_file() && p.to_string_lossy().ends_with(suffix));
    v.sort();
    v
}

/// Runs `files` after `preludes`, returning the printed lines or why the
/// run failed.
fn run(preludes: &[PathBuf], files: &[PathBuf], stacks: Stacks) -> Result<Vec<String>, String> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let report = run_js_with(preludes, files, Output::Buffer(lines.clone()), stacks)?;
    let lines = lines.lock().expect("the run is over").clone();
    if !report.ok() {
        return Err(format!(
            "{}\n--- output ---\n{}",
            report.errors.join("\n"),
            lines.join("\n")
        ));
    }
    Ok(lines)
}

/// Where `testharness.js` is kept, fetched once per run of the suite.
fn testharness() -> Result<PathBuf, String> {
    static PATH: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/wpt");
        let file = dir.join("testharness.js");
        if !file.is_file() {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/fetch-testharness.sh");
            let status = std::process::Command::new("bash")
                .arg(&script)
                .arg(&dir)
                .status()
                .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
            if !status.success() || !file.is_file() {
                return Err(format!(
                    "could not fetch testharness.js with {} (it needs npm and the npm registry)",
                    script.display()
                ));
            }
        }
        Ok(file)
    })
    .clone()
}

/// The trials of the JS scenario tests and the WPT-style tests.
pub(crate) fn trials() -> Vec<Trial> {
    let dir = Path::new(JS_DIR);
    let mut out = Vec::new();
    let lib = [dir.join("lib/builder.js"), dir.join("lib/check.js")];
    // Every scenario in both execution modes of promising calls: on the
    // interpreter's heap frames, and on native stacks of 1 MiB (decision D13).
    let modes = [
        ("js", Stacks::Heap),
        (
            "js-native",
            Stacks::Native {
                stack_size: 1 << 20,
            },
        ),
    ];
    // ES module tests (`*.mjs`) run as they are, without the preludes.
    let mut scenarios: Vec<(PathBuf, Vec<PathBuf>)> = files(dir, ".js")
        .into_iter()
        .map(|f| (f, lib.to_vec()))
        .collect();
    scenarios.extend(files(dir, ".mjs").into_iter().map(|f| (f, Vec::new())));
    for (file, lib) in scenarios {
        for (mode, stacks) in modes {
            let name = file
                .file_name()
                .expect("a file")
                .to_string_lossy()
                .to_string();
            let (lib, file) = (lib.clone(), file.clone());
            out.push(Trial::test(
                format!("conformance::{mode}::{name}"),
                move || {
                    let lines =
                        run(&lib, std::slice::from_ref(&file), stacks).map_err(Failed::from)?;
                    let failed: Vec<&String> =
                        lines.iter().filter(|l| l.starts_with("FAIL")).collect();
                    if !failed.is_empty() {
                        return Err(Failed::from(
                            failed
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join("\n"),
                        ));
                    }
                    if !lines.iter().any(|l| l.starts_with("ok")) {
                        return Err(Failed::from("the file ran no check"));
                    }
                    Ok(())
                },
            ));
        }
    }
    let wpt = dir.join("wpt");
    for file in files(&wpt, ".any.js") {
        let name = file
            .file_name()
            .expect("a file")
            .to_string_lossy()
            .to_string();
        let (report, builder, done) = (wpt.join("report.js"), lib[0].clone(), wpt.join("done.js"));
        out.push(Trial::test(
            format!("conformance::wpt::{name}"),
            move || {
                let th = testharness().map_err(Failed::from)?;
                let lines = run(&[th, report, builder], &[file, done], Stacks::Heap)
                    .map_err(Failed::from)?;
                let bad: Vec<&String> = lines.iter().filter(|l| !l.starts_with("PASS")).collect();
                match bad.as_slice() {
                    [last] if last.ends_with("harness OK") && lines.len() > 1 => Ok(()),
                    _ => Err(Failed::from(lines.join("\n"))),
                }
            },
        ));
    }
    out
}
