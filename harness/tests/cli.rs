//! The `wasm-ref` command line as a user runs it: `run` with `v128`
//! arguments and results in a chosen lane shape, and its errors.

use std::process::Command;

fn wasm_ref(args: &[&str]) -> (bool, String, String) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let out = Command::new(env!("CARGO_BIN_EXE_wasm-ref"))
        .args(args)
        .current_dir(root)
        .output()
        .expect("wasm-ref runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn run_takes_and_prints_v128_in_any_shape() {
    let (ok, out, err) = wasm_ref(&[
        "run",
        "examples/simd.wat",
        "--shape",
        "f32x4",
        "--invoke",
        "scale",
        "f32x4:1,2,3,-0",
        "2.5",
    ]);
    assert!(ok, "{err}");
    assert_eq!(out, "f32x4 2.5 5.0 7.5 -0.0 : v128\n");

    let (ok, out, err) = wasm_ref(&[
        "run",
        "examples/simd.wat",
        "--invoke",
        "sum",
        "i32x4 1 2 3 -4",
    ]);
    assert!(ok, "{err}");
    assert_eq!(out, "2 : i32\n");

    // The default shape is i32x4 (f32 2.0 is 0x40000000, 4.0 0x40800000,
    // ...); the same bits in i8x16 lanes.
    let scale = ["--invoke", "scale", "f32x4:1,2,3,4", "2"];
    let (ok, out, err) = wasm_ref(&[&["run", "examples/simd.wat"][..], &scale].concat());
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "i32x4 1073741824 1082130432 1086324736 1090519040 : v128\n"
    );
    let (ok, out, err) = wasm_ref(
        &[
            &["run", "examples/simd.wat", "--shape", "i8x16"][..],
            &scale,
        ]
        .concat(),
    );
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "i8x16 0 0 0 64 0 0 -128 64 0 0 -64 64 0 0 0 65 : v128\n"
    );
}

#[test]
fn run_refuses_bad_v128_arguments_with_a_message() {
    for (arg, says) in [
        ("i32x4:1,2,3", "i32x4 needs 4 lanes"),
        ("v128:1", "starts with its shape"),
        ("i8x16:256,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0", "8-bit lane"),
        ("f32x4:1,2,x,4", "f32 lane"),
    ] {
        let (ok, _, err) = wasm_ref(&["run", "examples/simd.wat", "--invoke", "sum", arg]);
        assert!(!ok, "{arg} was accepted");
        assert!(err.contains(says), "{arg}: {err}");
    }
    let (ok, _, err) = wasm_ref(&[
        "run",
        "examples/simd.wat",
        "--shape",
        "i3x4",
        "--invoke",
        "sum",
    ]);
    assert!(!ok);
    assert!(err.contains("--shape takes"), "{err}");
}

/// A file in a fresh temporary directory.
fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wasm-ref-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn js_refuses_bad_options_in_one_line() {
    let script = temp_file("ok.js", "console.log(1);");
    let script = script.to_str().unwrap();
    for (args, says) in [
        (vec!["js", "--bogus", script], "unknown option --bogus"),
        (
            vec!["js", script, "--trace-jspi-json"],
            "--trace-jspi-json needs a file",
        ),
        (
            vec!["js", "--trace-jspi-json", "--module", script],
            "needs a file to write, not --module",
        ),
        (vec!["js", "--module"], "no files given"),
    ] {
        let (ok, out, err) = wasm_ref(&args);
        assert!(!ok, "{args:?} was accepted");
        assert!(out.is_empty(), "{out}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // A trace file that cannot be written is refused before the run.
    let (ok, out, err) = wasm_ref(&["js", "--trace-jspi-json", "/nonexistent/dir/t.json", script]);
    assert!(!ok);
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("--trace-jspi-json: cannot write /nonexistent/dir/t.json"),
        "{err}"
    );
}

#[test]
fn js_runs_modules_by_extension_or_with_module() {
    let helper = temp_file("helper.mjs", "export const two = 2;");
    let main = helper.with_file_name("main.js");
    std::fs::write(
        &main,
        "import { two } from './helper.mjs'; console.log(two, await Promise.resolve(3));",
    )
    .unwrap();
    let (ok, out, err) = wasm_ref(&["js", "--module", main.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(out, "2 3\n");
    // As a classic script, the same file is a syntax error with its place.
    let (ok, _, err) = wasm_ref(&["js", main.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("main.js:1:8: uncaught exception: SyntaxError"),
        "{err}"
    );
}

#[test]
fn js_errors_say_where_with_a_stack() {
    let script = temp_file(
        "err.js",
        "function inner() { null.x; }\nfunction outer() { inner(); }\nouter();\n",
    );
    let (ok, _, err) = wasm_ref(&["js", script.to_str().unwrap()]);
    assert!(!ok);
    let path = script.display();
    let expected = format!(
        "{path}:1:25: uncaught exception: TypeError: cannot convert 'null' or 'undefined' to object\n    at inner ({path}:1:25)\n    at outer ({path}:2:25)\n    at <main> ({path}:3:6)\n"
    );
    assert_eq!(err, expected);
}

#[test]
fn js_output_to_a_closed_pipe_is_no_panic() {
    let script = temp_file(
        "loud.js",
        "for (let i = 0; i < 100000; i++) console.log(i);",
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasm-ref"))
        .args(["js", script.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{err}");
}
