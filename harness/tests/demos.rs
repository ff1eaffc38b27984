//! The seed's two JSPI demos (`examples/jspi/`, ES modules) run in `wasm-ref js` and
//! print what the seed says they print.

use harness::js::{Output, run_js_sources};
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
