//! The JavaScript runner: output, task and microtask order, virtual-time
//! timers, and the report of uncaught exceptions and unhandled rejections.

use harness::js::{JsReport, Output, run_js};
use std::sync::{Arc, Mutex};

fn run(scripts: &[&str]) -> (Vec<String>, JsReport) {
    let dir = std::env::temp_dir().join(format!(
        "wasm-ref-js-{}-{}",
        std::process::id(),
        scripts.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let files: Vec<_> = scripts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let p = dir.join(format!("{}-{i}.js", s.len()));
            std::fs::write(&p, s).unwrap();
            p
        })
        .collect();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let report = run_js(&[], &files, Output::Buffer(lines.clone())).unwrap();
    let lines = lines.lock().unwrap().clone();
    (lines, report)
}

#[test]
fn tasks_microtasks_and_timers_run_in_order() {
    let (lines, report) = run(&[r#"
        console.log("sync", 1, true, null, undefined);
        setTimeout(() => console.log("timer 20"), 20);
        setTimeout((x) => console.log("timer 10", x), 10, "arg");
        const id = setTimeout(() => console.log("cleared"), 5); clearTimeout(id);
        Promise.resolve().then(() => console.log("then 1")).then(() => console.log("then 2"));
        queueMicrotask(() => console.log("microtask"));
        (async () => { await null; console.log("await"); setTimeout(() => console.log("timer 0"), 0); })();
        print("sync 2", self === globalThis);
    "#]);
    assert!(report.ok(), "{:?}", report.errors);
    assert_eq!(
        lines,
        [
            "sync 1 true null undefined",
            "sync 2 true",
            "then 1",
            "microtask",
            "await",
            "then 2",
            "timer 0",
            "timer 10 arg",
            "timer 20"
        ]
    );
}

#[test]
fn files_share_one_realm_and_each_gets_a_checkpoint() {
    let (lines, report) = run(&[
        "var shared = 41; Promise.resolve().then(() => console.log('first file microtask'));",
        "console.log('second file', shared + 1);",
    ]);
    assert!(report.ok(), "{:?}", report.errors);
    assert_eq!(lines, ["first file microtask", "second file 42"]);
}

#[test]
fn uncaught_exceptions_and_unhandled_rejections_are_reported() {
    let (lines, report) = run(&[
        r#"
        Promise.reject(new Error("nobody catches me"));
        const p = Promise.reject(1); p.catch(() => console.log("caught later"));
        setTimeout(() => { throw new TypeError("in timer"); }, 1);
        queueMicrotask(() => { throw "in microtask"; });
        console.log("end of script");
    "#,
        "throw new RangeError('top level');",
        "console.log('the next file still runs');",
    ]);
    assert_eq!(
        lines,
        ["end of script", "caught later", "the next file still runs"]
    );
    let errors = report.errors.join("\n");
    assert_eq!(report.errors.len(), 4, "{errors}");
    assert!(errors.contains("in microtask"), "{errors}");
    assert!(
        errors.contains("unhandled promise rejection: Error: nobody catches me"),
        "{errors}"
    );
    assert!(errors.contains("RangeError: top level"), "{errors}");
    assert!(errors.contains("TypeError: in timer"), "{errors}");
}

#[test]
fn bad_arguments_are_type_errors() {
    let (lines, report) = run(&[r#"
        for (const f of [() => setTimeout(1), () => queueMicrotask("x")]) {
            try { f(); } catch (e) { console.log(e.constructor.name); }
        }
    "#]);
    assert!(report.ok(), "{:?}", report.errors);
    assert_eq!(lines, ["TypeError", "TypeError"]);
}
