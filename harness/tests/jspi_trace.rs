//! The JSPI trace (`wasm-ref js --trace-jspi`, `--trace-jspi-json`): the
//! trace of each scenario is compared with the expected one line by line,
//! in both places a promising call can run (heap frames, native stacks).

use harness::js::trace::Sinks;
use harness::js::{Options, Output, Stacks, run_js_sources_options};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Runs `script` after the JS tests' module builder, with the text trace
/// among the output; returns the lines.
fn traced(script: &str, stacks: Stacks, json: Option<PathBuf>) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let builder = root.join("spec-tests/js/lib/builder.js");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let options = Options {
        stacks,
        trace: Sinks {
            text: Some(Output::Buffer(lines.clone())),
            json,
        },
        ..Options::default()
    };
    let sources = vec![
        (
            builder.clone(),
            std::fs::read(&builder).expect("the builder"),
        ),
        (root.join("scenario.js"), script.as_bytes().to_vec()),
    ];
    let report =
        run_js_sources_options(sources, Output::Buffer(lines.clone()), &options).expect("runs");
    assert!(report.ok(), "{:?}", report.errors);
    let lines = lines.lock().expect("done").clone();
    lines
}

fn check(script: &str, expected: &str) {
    let expected: Vec<&str> = expected
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    for stacks in [
        Stacks::Heap,
        Stacks::Native {
            stack_size: 1 << 20,
        },
    ] {
        let got = traced(script, stacks, None);
        for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert_eq!(
                g,
                e,
                "line {} differs ({stacks:?})\n{}",
                i + 1,
                got.join("\n")
            );
        }
        assert_eq!(
            got.len(),
            expected.len(),
            "({stacks:?})\n{}",
            got.join("\n")
        );
    }
}

/// Three calls of one promising export: the third's promise rejects at
/// once, the second's settles before the first's; a direct call of the
/// export meets a SuspendError.
const CONCURRENT: &str = r#"
    const b = new WasmBuilder();
    const s = b.importFunc("env", "wait", [T.i32], [T.i32]);
    const inner = b.func([T.i32], [T.i32], [op.local_get, 0, op.call, s, op.i32_const, 1, op.i32_add]);
    b.func([T.i32], [T.i32], [op.local_get, 0, op.call, inner], { export: "outer" });
    const resolvers = [];
    const { outer } = b.instantiate({ env: { wait: new WebAssembly.Suspending((x) =>
      x === 3 ? Promise.reject(3) : new Promise((r) => resolvers.push(() => r(x * 10)))) } }).exports;
    const p = WebAssembly.promising(outer);
    p(1).then((v) => console.log("first", v));
    p(2).then((v) => console.log("second", v));
    p(3).catch((e) => console.log("third rejected", e));
    try { outer(4); } catch (e) { console.log(e.constructor.name); }
    setTimeout(() => { resolvers[1](); resolvers[0](); }, 1);
"#;

#[test]
fn concurrent_calls_settling_out_of_order() {
    check(
        CONCURRENT,
        "
        jspi: tick 0 #1 start outer
        jspi: tick 0 #1 call env.wait
        jspi: tick 0 #1 suspend at env.wait <- func 1 <- outer
        jspi: tick 0 #2 start outer
        jspi: tick 0 #2 call env.wait
        jspi: tick 0 #2 suspend at env.wait <- func 1 <- outer
        jspi: tick 0 #3 start outer
        jspi: tick 0 #3 call env.wait
        jspi: tick 0 #3 suspend at env.wait <- func 1 <- outer
        jspi: tick 0 - SuspendError env.wait: trying to suspend without WebAssembly.promising
        SuspendError
        jspi: tick 1 #3 settled rejected 3
        jspi: tick 1 #3 resume
        jspi: tick 1 #3 complete rejected 3
        third rejected 3
        jspi: tick 3 #2 settled fulfilled 20
        jspi: tick 3 #2 resume
        jspi: tick 3 #2 complete fulfilled 21
        jspi: tick 4 #1 settled fulfilled 10
        jspi: tick 4 #1 resume
        jspi: tick 4 #1 complete fulfilled 11
        second 21
        first 11
        ",
    );
}

/// Function names from the name section; a JS frame between the promising
/// call and the Suspending import; a wasm exception thrown into wasm by a
/// rejection and caught; a nested promising call.
const NAMES_AND_FRAMES: &str = r#"
    // A module with a name section naming function 1 "$deep".
    const b = new WasmBuilder();
    const s = b.importFunc("m", "s", [], [T.i32]);
    const j = b.importFunc("m", "js", [], [T.i32]);
    const deep = b.func([], [T.i32], [op.call, s]);
    b.func([], [T.i32], [op.call, deep], { export: "viaWasm" });
    b.func([], [T.i32], [op.call, j], { export: "viaJs" });
    b.func([], [T.i32], [op.call, deep], { export: "direct" });
    const bytes = b.toBytes();
    const name = [..."name"].map((c) => c.charCodeAt(0));
    const entry = [1, 2, 4, ...[..."deep"].map((c) => c.charCodeAt(0))]; // one name: func 2 "deep"
    const sub = [1, entry.length, ...entry];
    const section = [0, 1 + name.length + sub.length, name.length, ...name, ...sub];
    const named = new Uint8Array([...bytes, ...section]);
    let e;
    e = new WebAssembly.Instance(new WebAssembly.Module(named), { m: {
      s: new WebAssembly.Suspending(() => 7),
      js: () => e.direct(),
    } }).exports;
    (async () => {
      console.log("viaWasm", await WebAssembly.promising(e.viaWasm)());
      try { await WebAssembly.promising(e.viaJs)(); } catch (x) { console.log("viaJs", x.constructor.name); }
    })();
"#;

#[test]
fn names_js_frames_and_suspend_errors() {
    check(
        NAMES_AND_FRAMES,
        "
        jspi: tick 0 #1 start viaWasm
        jspi: tick 0 #1 call m.s
        jspi: tick 0 #1 suspend at m.s <- $deep <- viaWasm
        jspi: tick 1 #1 settled fulfilled 7
        jspi: tick 1 #1 resume
        jspi: tick 1 #1 complete fulfilled 7
        viaWasm 7
        jspi: tick 2 #2 start viaJs
        jspi: tick 2 #2 SuspendError m.s: trying to suspend JS frames
        jspi: tick 2 #2 complete rejected object
        viaJs SuspendError
        ",
    );
}

#[test]
fn the_json_trace_has_a_track_per_call_and_balanced_slices() {
    let dir = std::env::temp_dir().join(format!("wasm-ref-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("trace.json");
    traced(CONCURRENT, Stacks::Heap, Some(file.clone()));
    let text = std::fs::read_to_string(&file).expect("the trace was written");
    assert!(
        text.starts_with("{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n"),
        "{text}"
    );
    assert!(text.ends_with("\n]}\n"), "{text}");
    let events: Vec<&str> = text
        .lines()
        .skip(1)
        .filter(|l| l.starts_with('{'))
        .collect();
    // Per track: B and E alternate, starting with B and ending with E;
    // timestamps grow.
    let field = |e: &str, k: &str| -> String {
        let at = e.find(&format!("\"{k}\": ")).expect("the field") + k.len() + 4;
        e[at..]
            .split([',', '}'])
            .next()
            .expect("a value")
            .trim_matches('"')
            .to_string()
    };
    let mut open = std::collections::HashMap::new();
    let mut last_ts = 0u64;
    for e in &events {
        let ph = field(e, "ph");
        if ph == "M" {
            assert!(e.contains("\"name\": \"thread_name\""), "{e}");
            continue;
        }
        let ts: u64 = field(e, "ts").parse().expect("a timestamp");
        assert!(ts > last_ts, "timestamps grow: {e}");
        last_ts = ts;
        let tid = field(e, "tid");
        match ph.as_str() {
            "B" => assert!(open.insert(tid, true).is_none_or(|o| !o), "B inside B: {e}"),
            "E" => assert_eq!(open.insert(tid, false), Some(true), "E without B: {e}"),
            "i" => {}
            other => panic!("unexpected phase {other}: {e}"),
        }
    }
    assert!(open.values().all(|o| !o), "every slice ends");
    for n in 1..=3 {
        assert!(
            text.contains(&format!("\"name\": \"promising #{n} outer\"")),
            "track {n}"
        );
    }
    assert!(text.contains("\"name\": \"await env.wait\""), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
