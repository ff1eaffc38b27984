//! A million distinct JS objects through an `externref` parameter: the
//! realm's table of host values is released as wasm stops reaching them, so
//! memory does not grow with the count (proposal-notes/js-api-gc.md). This
//! is its own test binary, so that the process's peak memory is this
//! test's alone.

use harness::js::{Output, run_js_sources};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

const BUILDER: &str = include_str!("../../spec-tests/js/lib/builder.js");

/// Runs `count` calls of a wasm function that takes a fresh object as an
/// `externref` (and keeps the last one in a global), and returns the lines
/// printed.
fn pass_objects(count: u32) -> Vec<String> {
    let script = format!(
        r#"
        const b = new WasmBuilder();
        const g = b.global(T.externref, true, [op.ref_null, T.externref]);
        b.func([T.externref], [T.i32],
          [op.local_get, 0, op.global_set, g, op.local_get, 0, op.ref_is_null],
          {{ export: "take" }});
        const {{ take }} = b.instantiate().exports;
        let nulls = 0;
        for (let i = 0; i < {count}; i++) nulls += take({{ i, payload: [i, i, i] }});
        console.log("done", nulls);
        "#
    );
    run(script)
}

/// Runs `count` calls of a wasm function that returns a new structure
/// (an Exported GC Object each), dropped by JS at once.
fn take_structs(count: u32) -> Vec<String> {
    let script = format!(
        r#"
        const b = new WasmBuilder();
        const s = b.structType([{{ type: T.i64, mutable: false }}, {{ type: T.i64, mutable: false }}]);
        b.func([], [T.ref(s)], [op.i64_const, 1, op.i64_const, 2, gc.struct_new(s)], {{ export: "make" }});
        const {{ make }} = b.instantiate().exports;
        let objects = 0;
        for (let i = 0; i < {count}; i++) objects += typeof make() === "object";
        console.log("done", objects);
        "#
    );
    run(script)
}

fn run(script: String) -> Vec<String> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let report = run_js_sources(
        vec![
            (PathBuf::from("builder.js"), BUILDER.as_bytes().to_vec()),
            (PathBuf::from("script.js"), script.into_bytes()),
        ],
        Output::Buffer(lines.clone()),
    )
    .expect("the JS thread runs");
    assert!(report.ok(), "{report:?}");
    let lines = lines.lock().unwrap().clone();
    lines
}

/// The process's peak resident memory so far, in KiB (Linux).
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

// Both checks in one test: the process's peak is shared by its threads.
#[test]
fn a_million_values_across_the_boundary_do_not_grow_memory() {
    assert_eq!(pass_objects(100_000), ["done 0"]);
    assert_eq!(take_structs(100_000), ["done 100000"]);
    let Some(after_small) = peak_kib() else {
        eprintln!("no /proc/self/status here: the memory check is skipped");
        return;
    };
    // A million JS objects through an externref parameter.
    assert_eq!(pass_objects(1_000_000), ["done 0"]);
    // A million wasm structures to JS and dropped there.
    assert_eq!(take_structs(1_000_000), ["done 1000000"]);
    let after_large = peak_kib().expect("read before");
    // Kept, either million would take well over 100 MiB.
    let grew = after_large.saturating_sub(after_small);
    assert!(
        grew < 48 * 1024,
        "peak memory grew by {grew} KiB from 100,000 to 1,000,000 values"
    );
}
