//! The `wasm-ref` command line as a user runs it: `run` with several
//! calls, fuel, globals, memory and registered modules, `v128` arguments
//! and results in a chosen lane shape; `wast` with `-v` and `--json`; help,
//! version, and the exit statuses (0 ok, 1 a failure, 2 bad usage or input,
//! always one line on stderr, never a panic); `wat` remakes the committed
//! binary modules of the demos and JS tests exactly.

use std::process::Command;

/// Runs wasm-ref in the repository's root: exit status, stdout, stderr.
fn wasm_ref_status(args: &[&str]) -> (i32, String, String) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let out = Command::new(env!("CARGO_BIN_EXE_wasm-ref"))
        .args(args)
        .current_dir(root)
        .output()
        .expect("wasm-ref runs");
    (
        out.status
            .code()
            .expect("wasm-ref exits, not killed by a signal"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn wasm_ref(args: &[&str]) -> (bool, String, String) {
    let (code, out, err) = wasm_ref_status(args);
    (code == 0, out, err)
}

/// A file under a fresh temporary directory, with `text`.
fn temp_file(name: &str, text: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("wasm-ref-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temp file");
    path.to_string_lossy().into_owned()
}

const MAIN: &str = "harness/tests/data/main.wat";
const LIB: &str = "lib=harness/tests/data/lib.wat";

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
    assert_eq!(out, "(v128.const f32x4 2.5 5.0 7.5 -0.0)\n");

    let (ok, out, err) = wasm_ref(&[
        "run",
        "examples/simd.wat",
        "--invoke",
        "sum",
        "i32x4 1 2 3 -4",
    ]);
    assert!(ok, "{err}");
    assert_eq!(out, "(i32.const 2)\n");

    // The default shape is i32x4 (f32 2.0 is 0x40000000, 4.0 0x40800000,
    // ...); the same bits in i8x16 lanes.
    let scale = ["--invoke", "scale", "f32x4:1,2,3,4", "2"];
    let (ok, out, err) = wasm_ref(&[&["run", "examples/simd.wat"][..], &scale].concat());
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "(v128.const i32x4 1073741824 1082130432 1086324736 1090519040)\n"
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
        "(v128.const i8x16 0 0 0 64 0 0 -128 64 0 0 -64 64 0 0 0 65)\n"
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

#[test]
fn run_calls_several_exports_on_one_instance_then_shows_globals_and_memory() {
    let (code, out, err) = wasm_ref_status(&[
        "run",
        MAIN,
        "--register",
        LIB,
        "--invoke",
        "bump",
        "--invoke",
        "bump",
        "--globals",
        "--dump-memory",
        "mem:0:20",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "(i32.const 2)\n(i32.const 6)\n\
         global \"count\" (mut i32) (i32.const 6)\n\
         global \"pi\" f64 (f64.const 3.14)\n\
         global \"gnan\" f32 (f32.const nan:0x200000)\n\
         memory \"mem\" from 0 (20 bytes):\n\
         00000000  68 65 6c 6c 6f 2c 20 77 6f 72 6c 64 00 01 02 00  |hello, world....|\n\
         00000010  00 00 00 00                                      |....|\n"
    );
    // spectest.print_i32 writes to stderr, not among the results.
    assert_eq!(err, "(i32.const 2)\n(i32.const 6)\n");
}

#[test]
fn run_exit_status_is_1_after_a_trap_or_fuel_and_the_other_calls_still_run() {
    let (code, out, err) = wasm_ref_status(&[
        "run",
        MAIN,
        "--register",
        LIB,
        "--fuel",
        "1000",
        "--invoke",
        "div",
        "7",
        "0",
        "--invoke",
        "loop",
        "--invoke",
        "div",
        "7",
        "2",
        "--invoke",
        "rec",
    ]);
    assert_eq!(code, 1);
    assert_eq!(out, "(i32.const 3)\n");
    assert_eq!(
        err,
        "wasm-ref: \"div\": trap \"integer divide by zero\"\n\
         wasm-ref: \"loop\": out of fuel\n\
         wasm-ref: \"rec\": out of fuel\n"
    );
    let (code, _, err) = wasm_ref_status(&["run", MAIN, "--register", LIB, "--invoke", "rec"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "wasm-ref: \"rec\": exhaustion \"call stack exhausted\"\n"
    );
}

#[test]
fn run_json_types_each_value_and_classifies_nans() {
    let (code, out, err) = wasm_ref_status(&[
        "run",
        MAIN,
        "--register",
        LIB,
        "--json",
        "--list",
        "--invoke",
        "nan",
        "--invoke",
        "div",
        "1",
        "0",
        "--globals",
        "--dump-memory",
        "mem:0:4",
    ]);
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        r#"{"kind":"import","module":"lib","name":"twice","type":"(func (param i32) (result i32))"}"#
    );
    assert!(lines.contains(&r#"{"kind":"export","name":"mem","type":"(memory 1)"}"#));
    assert!(lines.contains(
        &r#"{"kind":"invoke","name":"nan","args":[],"outcome":"return","results":[{"type":"f32","value":"nan:0x200000","bits":"0x7fa00000","nan":"signalling"},{"type":"f64","value":"nan:0x8000000000000","bits":"0x7ff8000000000000","nan":"canonical"}]}"#
    ));
    assert!(lines.contains(
        &r#"{"kind":"invoke","name":"div","args":[{"type":"i32","value":"1"},{"type":"i32","value":"0"}],"outcome":"trap","message":"integer divide by zero"}"#
    ));
    assert!(lines.contains(
        &r#"{"kind":"global","name":"count","type":"(mut i32)","value":{"type":"i32","value":"0"}}"#
    ));
    assert!(
        lines.contains(
            &r#"{"kind":"memory","name":"mem","offset":0,"length":4,"bytes":"68656c6c"}"#
        )
    );
    assert_eq!(
        lines.last(),
        Some(&r#"{"kind":"summary","calls":2,"failed":1,"status":1}"#)
    );
}

#[test]
fn bad_usage_and_bad_input_get_one_line_and_exit_status_2() {
    let truncated = temp_file(
        "truncated.wast",
        b"(module)\n(assert_return (invoke \"f\")\n",
    );
    let unknown = temp_file(
        "unknown.wast",
        b"(module)\n  (assert_bogus (invoke \"f\"))\n",
    );
    let binary = temp_file("binary.wast", b"\xff\xfe(module)");
    let invalid = temp_file("invalid.wat", b"(module (func (result i32)))");
    let cases: [(&[&str], &str); 16] = [
        (
            &["wast", "--bogus", "x.wast"],
            "wast: unknown option --bogus",
        ),
        (&["wast"], "wast: no files given"),
        (
            &["wast", "--suspend", "0", "x.wast"],
            "--suspend: \"0\" is not",
        ),
        (
            &["wast", "no/such/file.wast"],
            "cannot read no/such/file.wast",
        ),
        (
            &["wast", &truncated],
            "truncated.wast:3:1: parse error: expected `)`",
        ),
        (
            &["wast", &unknown],
            "unknown.wast:2:4: parse error: unexpected token",
        ),
        (&["wast", &binary], "binary.wast: not UTF-8 text"),
        (
            &["run", &invalid],
            "invalid.wat: invalid module: type mismatch",
        ),
        (
            &["run", MAIN],
            "link error: unknown import \"lib\" \"twice\"",
        ),
        (
            &["run", MAIN, "--register", LIB, "--invoke", "nope"],
            "no exported function \"nope\"",
        ),
        (
            &["run", MAIN, "--register", LIB, "--invoke", "div", "1"],
            "takes 2 arguments",
        ),
        (
            &["run", MAIN, "--register", "lib"],
            "--register takes NAME=FILE",
        ),
        (
            &[
                "run",
                MAIN,
                "--register",
                LIB,
                "--dump-memory",
                "mem:65530:10",
            ],
            "past the end",
        ),
        (&["nonsense"], "no command \"nonsense\""),
        (
            &["wast2js", &unknown],
            "unknown.wast:2:4: parse error: unexpected token",
        ),
        (&["wast2js"], "wast2js: no script given"),
    ];
    for (args, says) in cases {
        let (code, out, err) = wasm_ref_status(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("wasm-ref: ") && err.contains(says),
            "{args:?}: {err}"
        );
        assert!(
            !err.contains("Some(") && !err.contains("-->"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn wast_verbose_lists_each_directive_and_json_gives_one_object_each() {
    let (code, out, _) = wasm_ref_status(&["wast", "-v", "examples/hello.wast"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 7, "{out}");
    assert!(
        out.contains("examples/hello.wast:8:2: assert_trap: ok\n"),
        "{out}"
    );
    assert!(out.ends_with("6 passed, 0 failed\n"));
    let (code, out, _) = wasm_ref_status(&["wast", "--json", "examples/hello.wast"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 7);
    assert_eq!(
        lines[1],
        r#"{"file":"examples/hello.wast","line":7,"column":2,"kind":"assert_return","passed":true,"expected":"(i32.const 42)","actual":"(i32.const 42)","message":""}"#
    );
    assert_eq!(
        lines[6],
        r#"{"summary":true,"files":1,"passed":6,"failed":0,"unparsed":0}"#
    );
    let failing = temp_file(
        "failing.wast",
        b"(module (func (export \"f\") (result f64) (f64.const 1.5)))\n\
          (assert_return (invoke \"f\") (f64.const nan:canonical))\n",
    );
    let (code, out, _) = wasm_ref_status(&["wast", "--json", &failing]);
    assert_eq!(code, 1);
    assert!(
        out.contains(r#""kind":"assert_return","passed":false,"expected":"(f64.const nan:canonical)","actual":"(f64.const 1.5)","message":"result 0: expected (f64.const nan:canonical), found (f64.const 1.5)"}"#),
        "{out}"
    );
}

#[test]
fn wast_summary_counts_the_files_that_did_not_parse() {
    let broken = temp_file("broken.wast", b"(module (func (i32.const)))\n");
    let (code, out, err) = wasm_ref_status(&["wast", "examples/hello.wast", &broken]);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(out, "6 passed, 0 failed; 1 file did not parse\n");
    assert!(err.contains("broken.wast:1:25: parse error"), "{err}");
    let (code, out, _) = wasm_ref_status(&["wast", "--json", &broken]);
    assert_eq!(code, 2);
    assert!(
        out.ends_with("{\"summary\":true,\"files\":1,\"passed\":0,\"failed\":0,\"unparsed\":1}\n"),
        "{out}"
    );
}

#[test]
fn every_command_has_help_and_there_is_a_version() {
    for command in ["wast", "run", "wast2js", "js", "wat"] {
        let (code, out, err) = wasm_ref_status(&[command, "--help"]);
        assert_eq!(code, 0, "{command}: {err}");
        assert!(
            out.starts_with(&format!("usage: wasm-ref {command}")),
            "{out}"
        );
        assert!(
            out.contains("Exit status"),
            "{command} --help names its exit statuses"
        );
    }
    let (code, out, _) = wasm_ref_status(&["--version"]);
    assert_eq!(code, 0);
    assert_eq!(out, format!("wasm-ref {}\n", env!("CARGO_PKG_VERSION")));
    let (code, out, _) = wasm_ref_status(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("wast2js"));
}

#[test]
fn js_refuses_bad_options_in_one_line() {
    let script = temp_file("ok.js", b"console.log(1);");
    let script = script.as_str();
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
    let helper = temp_file("helper.mjs", b"export const two = 2;");
    let main = std::path::Path::new(&helper).with_file_name("main.js");
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
    let path = temp_file(
        "err.js",
        b"function inner() { null.x; }\nfunction outer() { inner(); }\nouter();\n",
    );
    let (ok, _, err) = wasm_ref(&["js", &path]);
    assert!(!ok);
    let expected = format!(
        "{path}:1:25: uncaught exception: TypeError: cannot convert 'null' or 'undefined' to object\n    at inner ({path}:1:25)\n    at outer ({path}:2:25)\n    at <main> ({path}:3:6)\n"
    );
    assert_eq!(err, expected);
}

#[test]
fn js_output_to_a_closed_pipe_is_no_panic() {
    let script = temp_file(
        "loud.js",
        b"for (let i = 0; i < 100000; i++) console.log(i);",
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasm-ref"))
        .args(["js", &script])
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

/// The binary modules the JS tests and demos fetch are what `wasm-ref wat`
/// makes of the `.wat` files beside them, so an edit of one cannot leave
/// the other behind.
#[test]
fn committed_wasm_files_are_their_wat() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    for stem in [
        "examples/jspi/badfib",
        "examples/jspi/lazy",
        "examples/jspi/p42",
        "spec-tests/js/lib/strings",
    ] {
        let out = temp_file(&format!("{}.wasm", stem.replace('/', "_")), b"");
        let (ok, _, err) = wasm_ref(&["wat", &format!("{stem}.wat"), "-o", &out]);
        assert!(ok, "{stem}.wat: {err}");
        let made = std::fs::read(&out).expect("written");
        let committed = std::fs::read(format!("{root}/{stem}.wasm")).expect("committed");
        assert!(
            made == committed,
            "{stem}.wasm is not what wasm-ref wat makes of {stem}.wat: regenerate it"
        );
    }
}

#[test]
fn js_accepts_a_proposal_no_browser_ships_only_when_asked() {
    // (memory (export "m") 10 20 (pagesize 1)) with `size` (memory.size)
    // and `store` (i32.store8) exports.
    let script = temp_file(
        "pagesize.js",
        br#"
const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 10, 2, 96, 0, 1, 127, 96, 2, 127,
  127, 0, 3, 3, 2, 0, 1, 5, 5, 1, 9, 10, 20, 0, 7, 20, 3, 1, 109, 2, 0, 4, 115, 105, 122, 101, 0,
  0, 5, 115, 116, 111, 114, 101, 0, 1, 10, 16, 2, 4, 0, 63, 0, 11, 9, 0, 32, 0, 32, 1, 58, 0, 0,
  11]);
if (!WebAssembly.validate(bytes)) {
  console.log("refused");
} else {
  const { m, size, store } = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
  const before = m.buffer;
  console.log(m.buffer.byteLength, size());
  console.log(m.grow(3), m.buffer.byteLength, size(), before.byteLength);
  store(12, 7);
  console.log(new Uint8Array(m.buffer)[12]);
  try { m.grow(8); } catch (e) { console.log(e.constructor.name); }
}
"#,
    );
    let (ok, out, err) = wasm_ref(&["js", &script]);
    assert!(ok, "{err}");
    assert_eq!(out, "refused\n");
    // Pages of one byte: the buffer is the memory's bytes, `grow` counts
    // its own pages and detaches the old buffer, the maximum holds.
    let (ok, out, err) = wasm_ref(&["js", "--proposal", "custom-page-sizes", &script]);
    assert!(ok, "{err}");
    assert_eq!(out, "10 10\n10 13 13 0\n7\nRangeError\n");
    let (ok, _, err) = wasm_ref(&["js", "--proposal", "threads", &script]);
    assert!(!ok);
    assert!(err.contains("js --proposal takes wide-arithmetic"), "{err}");
}
