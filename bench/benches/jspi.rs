//! `cargo bench --bench jspi`: JSPI through JavaScript, in our runner and,
//! where Chromium is installed, in V8 in the same run.
//!
//! 1. `bench/js/jspi-loop.js`: a wasm loop calling an import 200,000 times:
//!    ns per call for a plain import, the same under `promising`, three kinds
//!    of Suspending import, and a JS-only `await` loop that shows what the
//!    JS engine's promise machinery costs for one suspension.
//! 2. Memory: the heap one suspended call holds in the interpreter
//!    (`Suspended::heap_bytes`), and `bench/js/jspi-many.js`: 100,000
//!    promising calls suspended at once, settled in a shuffled order,
//!    checked, with the process's peak memory.
//! 3. `jspi-loop.js` again, the plain import only, while JS holds the buffer
//!    of a 16 MiB memory of the module, against the same with a 64 KiB
//!    memory; the ratio is 1 when the buffer shares the memory's bytes
//!    (decision D25). `cargo bench --bench jspi -- import-memory` runs this
//!    part alone.

use bench::{root, status_kib};
use harness::js::{Output, Stacks, run_js_sources_with};
use interp::syntax::{FuncType, ValType};
use interp::{Config, Exit, ExternVal, Features, HostOutcome, Module, Store, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// Runs `file` in our runner with the builder prelude and `globals` set
/// first; returns the printed lines.
fn run_ours(file: &str, globals: &str) -> Vec<String> {
    run_ours_in(file, globals, Stacks::Heap)
}

/// As `run_ours`, with promising calls where `stacks` says.
fn run_ours_in(file: &str, globals: &str, stacks: Stacks) -> Vec<String> {
    let read = |p: &str| std::fs::read(root().join(p)).expect("bench files are readable");
    let sources = vec![
        (
            PathBuf::from("builder.js"),
            read("spec-tests/js/lib/builder.js"),
        ),
        (PathBuf::from("globals.js"), globals.as_bytes().to_vec()),
        (PathBuf::from(file), read(file)),
    ];
    let lines = Arc::new(Mutex::new(Vec::new()));
    let report = run_js_sources_with(sources, Output::Buffer(lines.clone()), stacks).expect("runs");
    assert!(report.ok(), "{file} failed: {:?}", report.errors);
    let lines = lines.lock().expect("done").clone();
    lines
}

/// Runs `file` in V8 (headless Chromium), if it is installed, with
/// `globals` set first and at most `timeout` seconds.
fn run_v8(file: &str, globals: &str, timeout: u32) -> Option<Vec<String>> {
    let mut text = std::fs::read_to_string(root().join("spec-tests/js/lib/builder.js")).ok()?;
    text.push_str(globals);
    text.push('\n');
    text.push_str(&std::fs::read_to_string(root().join(file)).ok()?);
    text.push_str("\nawait globalThis.testsDone;\n");
    bench::run_in_v8("jspi-bench", &text, timeout)
}

/// `RESULT name ns` lines as a map.
fn results(lines: &[String]) -> BTreeMap<String, f64> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix("RESULT "))
        .filter_map(|l| {
            let (name, ns) = l.rsplit_once(' ')?;
            Some((name.to_string(), ns.parse().ok()?))
        })
        .collect()
}

/// The heap a call suspended at an import holds in the interpreter, for
/// the function of `jspi-many.js` (`f(x) = s(x) + x`).
fn interp_bytes_per_suspension() -> usize {
    let wat = r#"(module (import "m" "s" (func $s (param i32) (result i32)))
      (func (export "f") (param i32) (result i32) (i32.add (call $s (local.get 0)) (local.get 0))))"#;
    let module =
        Module::new(&wat::parse_str(wat).expect("parses"), &Features::default()).expect("valid");
    let mut store = Store::new(Config::default());
    let s = store.alloc_host_func(FuncType::new([ValType::I32], [ValType::I32]), |_, _| {
        HostOutcome::Suspend(0)
    });
    let inst = store
        .instantiate(&module, &[ExternVal::Func(s)])
        .expect("instantiates");
    let Some(ExternVal::Func(f)) = store.export(inst, "f") else {
        panic!("no export")
    };
    match store.invoke(f, &[Value::I32(1)]) {
        Ok(Exit::Suspended(s)) => s.heap_bytes(),
        other => panic!("expected a suspension, got {other:?}"),
    }
}

/// The native-stack mode used here: 64 KiB stacks (the fiber needs far
/// less; V8's default is about 1 MiB).
const NATIVE: Stacks = Stacks::Native {
    stack_size: 64 * 1024,
};

/// In a child process (`JSPI_BENCH_MANY=heap|native N`): runs the many
/// calls script and prints its memory, so that each measurement starts from
/// a small process.
fn many_child(mode: &str, calls: u64) {
    let stacks = if mode == "native" {
        NATIVE
    } else {
        Stacks::Heap
    };
    let before = status_kib("VmRSS:");
    let globals = format!("globalThis.MANY_CALLS = {calls};");
    let lines = run_ours_in("bench/js/jspi-many.js", &globals, stacks);
    assert!(
        lines.iter().any(|l| l == &format!("OK {calls}")),
        "{lines:?}"
    );
    println!("MEMORY {before} {}", status_kib("VmHWM:"));
}

/// Runs `many_child` in a fresh process: (start KiB, peak KiB).
fn many(mode: &str, calls: u64) -> Option<(u64, u64)> {
    let out = Command::new(std::env::current_exe().ok()?)
        .env("JSPI_BENCH_MANY", format!("{mode} {calls}"))
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find_map(|l| l.strip_prefix("MEMORY "))?;
    let (a, b) = line.split_once(' ')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Part 3: the per-call time of an import with a 16 MiB memory whose
/// buffer JS holds, over the same with a 64 KiB memory; each in a realm of
/// its own, three runs each taken in turn, the median of each.
fn import_with_memory() {
    let mut times: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
    for _ in 0..3 {
        for pages in [1u32, 256] {
            let globals = format!(
                "globalThis.MEMORY_PAGES = {pages}; globalThis.BENCH_CALLS = 20000; \
                 globalThis.BENCH_REPS = 5;"
            );
            let ours = results(&run_ours("bench/js/jspi-loop.js", &globals));
            let ns = ours
                .get("plain JS import, direct call")
                .copied()
                .unwrap_or(f64::NAN);
            times.entry(pages).or_default().push(ns);
        }
    }
    let median = |pages: u32| {
        let mut t = times.get(&pages).cloned().unwrap_or_default();
        t.sort_by(f64::total_cmp);
        t.get(t.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let (small, large) = (median(1), median(256));
    println!(
        "\n== an import call while JS holds the memory's buffer (median ns per call) ==\n\
         64 KiB memory: {small:.1}\n16 MiB memory: {large:.1}"
    );
    println!(
        "import call, 16 MiB / 64 KiB memory with buffer held: {:.2}",
        large / small
    );
}

fn main() {
    if let Ok(spec) = std::env::var("JSPI_BENCH_MANY") {
        let (mode, calls) = spec.split_once(' ').expect("MODE N");
        many_child(mode, calls.parse().expect("a count"));
        return;
    }
    if std::env::args().any(|a| a == "import-memory") {
        import_with_memory();
        return;
    }
    let calls = 100_000u64;
    let (before, peak) = many("heap", calls).expect("the heap run of jspi-many.js");
    println!("== memory ==");
    println!(
        "interpreter: {} bytes of heap per call suspended at an import (its frames and operand slots)",
        interp_bytes_per_suspension()
    );
    println!(
        "wasm-ref js: {calls} promising calls suspended at once, settled in a shuffled order, all right: \
         peak {} MiB over a {} MiB start, {} bytes per suspended call (JS promises, closures and our continuation)",
        peak / 1024,
        before / 1024,
        (peak.saturating_sub(before)) * 1024 / calls
    );
    println!(
        "heap against native stacks, 10,000 calls suspended at once (peak over start, per call):"
    );
    for mode in ["heap", "native"] {
        match many(mode, 10_000) {
            Some((a, b)) => println!(
                "  {mode:<6}: {} bytes per suspended call",
                b.saturating_sub(a) * 1024 / 10_000
            ),
            None => println!("  {mode:<6}: did not finish"),
        }
    }
    // V8 runs each promising call on a stack of its own: here 10,000
    // suspended calls finish in about a second, while 40,000 did not finish
    // within a minute (the renderer stops answering).
    match run_v8(
        "bench/js/jspi-many.js",
        "globalThis.MANY_CALLS = 10000;",
        120,
    ) {
        Some(v8) => println!("V8, the same script with 10,000 calls: {}", v8.join(" / ")),
        None => println!("V8: not run (no Chromium) or did not finish"),
    }

    println!("\n== a wasm loop calling an import 200,000 times (median ns per call) ==");
    let ours = results(&run_ours(
        "bench/js/jspi-loop.js",
        "globalThis.BENCH_REPS = 5;",
    ));
    let v8 = run_v8("bench/js/jspi-loop.js", "", 600).map(|l| results(&l));
    println!(
        "{:<45} {:>10} {:>10} {:>8}",
        "import", "wasm-ref", "V8", "ratio"
    );
    for (name, ns) in &ours {
        match v8.as_ref().and_then(|v| v.get(name)) {
            Some(v) => println!("{name:<45} {ns:>10.1} {v:>10.1} {:>8.1}", ns / v),
            None => println!("{name:<45} {ns:>10.1} {:>10} {:>8}", "-", "-"),
        }
    }
    let native = results(&run_ours_in(
        "bench/js/jspi-loop.js",
        "globalThis.BENCH_REPS = 5;",
        NATIVE,
    ));
    println!("\nthe same in wasm-ref js, heap frames against native stacks (64 KiB):");
    for (name, ns) in &ours {
        if let Some(n) = native.get(name) {
            println!("{name:<45} {ns:>10.1} {n:>10.1}");
        }
    }
    let get = |k: &str| ours.get(k).copied().unwrap_or(f64::NAN);
    let plain = get("plain JS import, direct call");
    let susp = get("Suspending(() => Promise.resolve(x + y))");
    let js_await = get("JS only: await Promise.resolve(x + y)");
    println!(
        "\none Suspending call in wasm-ref js: {susp:.0} ns, against {plain:.0} ns for a plain import call \
         and {js_await:.0} ns for the same Promise.resolve and await in JS alone, where the engine's \
         async function pays for its own suspension as well (a Suspending call's Await of a settled \
         promise only enqueues its reaction job); the interpreter's suspend and resume is about 31 ns \
         (cargo bench --bench suspend)"
    );
    import_with_memory();
}
