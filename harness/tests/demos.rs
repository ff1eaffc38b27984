//! The seed's two JSPI demos (`examples/jspi/`, ES modules) run in `wasm-ref js` and
//! print what the seed says they print; the README's JSPI trace of badfib is
//! the one `--trace-jspi` prints.

use harness::js::trace::Sinks;
use harness::js::{Options, Output, run_js_sources, run_js_sources_options};
use std::path::Path;
use std::sync::{Arc, Mutex};

fn run(globals: &str, file: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/jspi")
        .join(file);
    let text = std::fs::read(&path).expect("the demo exists");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let report = run_js_sources(
        vec![
            (
                path.with_file_name("globals.js"),
                globals.as_bytes().to_vec(),
            ),
            (path, text),
        ],
        Output::Buffer(lines.clone()),
    )
    .expect("runs");
    assert!(report.ok(), "{:?}", report.errors);
    let lines = lines.lock().expect("done").clone();
    lines
}

#[test]
fn lazy_loading_loads_once() {
    assert_eq!(
        run("", "lazy.mjs"),
        [
            "loading promise42",
            "first call p42() = 42",
            "second call = 42"
        ]
    );
}

#[test]
fn badfib_prints_its_table() {
    let lines = run("globalThis.BADFIB_MAX = 12;", "badfib.mjs");
    let fib = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144];
    assert_eq!(lines.len(), fib.len());
    for (n, (line, f)) in lines.iter().zip(fib).enumerate() {
        let prefix = format!("fib({n}) = {f}: ");
        let rest = line
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{line:?}"));
        let times: Vec<&str> = rest.split(' ').collect();
        assert_eq!(times.len(), 3, "{line:?}");
        assert!(times.iter().all(|t| t.ends_with("μs")), "{line:?}");
    }
}

/// The README's excerpt of `--trace-jspi` on badfib: the first promising
/// call of fib(3), #61 (fib(0) to fib(2) take 20 calls each).
const README_TRACE: &str = "\
jspi: tick 256 #61 start $promiseFib
jspi: tick 256 #61 call env.promiseAdd
jspi: tick 256 #61 suspend at env.promiseAdd <- $promiseFib <- $promiseFib
jspi: tick 257 #61 settled fulfilled 1
jspi: tick 257 #61 resume
jspi: tick 257 #61 call env.promiseAdd
jspi: tick 257 #61 suspend at env.promiseAdd <- $promiseFib
jspi: tick 258 #61 settled fulfilled 2
jspi: tick 258 #61 resume
jspi: tick 258 #61 complete fulfilled 2
";

#[test]
fn badfib_trace_is_the_readmes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/jspi/badfib.mjs");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let options = Options {
        trace: Sinks {
            text: Some(Output::Buffer(lines.clone())),
            json: None,
        },
        ..Options::default()
    };
    let sources = vec![
        (
            path.with_file_name("globals.js"),
            b"globalThis.BADFIB_MAX = 3;".to_vec(),
        ),
        (path.clone(), std::fs::read(&path).expect("the demo exists")),
    ];
    let report =
        run_js_sources_options(sources, Output::Buffer(lines.clone()), &options).expect("runs");
    assert!(report.ok(), "{:?}", report.errors);
    let lines = lines.lock().expect("done").clone();
    let call: Vec<&String> = lines.iter().filter(|l| l.contains(" #61 ")).collect();
    let expected: Vec<&str> = README_TRACE.lines().collect();
    assert_eq!(call.len(), expected.len(), "{call:?}");
    for (got, want) in call.iter().zip(expected) {
        assert_eq!(got.as_str(), want);
    }
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .expect("the README");
    assert!(readme.contains(README_TRACE), "the README shows this trace");
}
