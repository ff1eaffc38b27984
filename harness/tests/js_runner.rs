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

#[test]
fn classic_scripts_share_one_global_lexical_environment() {
    // A function of an earlier script sees a later script's `let`, as in a
    // browser (ECMAScript 9.1.1.4: one declarative record per realm).
    let (lines, report) = run(&[
        "function useIt() { return sharedLet; } function setIt(v) { sharedLet = v; }",
        "let sharedLet = 42; console.log(useIt()); setIt(43); console.log(sharedLet);",
        "const k = 1; class C {}",
        "console.log(k, typeof C, useIt(), typeof notDeclared);",
    ]);
    assert!(report.ok(), "{:?}", report.errors);
    assert_eq!(lines, ["42", "43", "1 function 43 undefined"]);
}

#[test]
fn a_name_declared_nowhere_is_still_a_reference_error() {
    let (lines, report) = run(&[
        "function useIt() { return missing; }",
        "try { useIt(); } catch (e) { console.log(e.constructor.name); }",
    ]);
    assert!(report.ok(), "{:?}", report.errors);
    assert_eq!(lines, ["ReferenceError"]);
}

#[test]
fn annex_b_is_there_as_in_browsers() {
    // ECMAScript Annex B: escape/unescape (the upstream wasm-module-builder.js
    // encodes names with unescape(encodeURIComponent(s))), HTML-like
    // comments, String.prototype.substr, RegExp legacy features.
    let (lines, report) = run(&[r#"
        console.log(unescape(encodeURIComponent("é")).length, escape("a b"));
        <!-- an HTML-like comment
        console.log("abcdef".substr(2, 2), typeof "x".anchor, typeof RegExp.prototype.compile);
    "#]);
    assert!(report.ok(), "{:?}", report.errors);
    assert_eq!(lines, ["2 a%20b", "cd function function"]);
}

/// Boa 0.22 itself, without the runner's workaround
/// (`adapter::share_global_lexical_environment`): a function compiled by
/// one script does not see a `let` of a later script. When this test fails,
/// Boa has fixed it and the workaround can go.
#[test]
fn boa_alone_hides_a_later_scripts_let_from_earlier_functions() {
    use boa_engine::{Context, Source};
    let mut ctx = Context::default();
    ctx.eval(Source::from_bytes("function useIt() { return sharedLet; }"))
        .unwrap();
    let r = ctx.eval(Source::from_bytes("let sharedLet = 42; useIt()"));
    let e = r.expect_err("Boa 0.22 does not find the binding");
    assert!(e.to_string().contains("sharedLet is not defined"), "{e}");
    // After a sloppy direct eval at the top level, Boa looks names up at
    // run time, and finds it.
    let mut ctx = Context::default();
    ctx.eval(Source::from_bytes(
        "eval(''); function useIt() { return sharedLet; }",
    ))
    .unwrap();
    let v = ctx
        .eval(Source::from_bytes("let sharedLet = 42; useIt()"))
        .unwrap();
    assert_eq!(v.as_number(), Some(42.0));
}
