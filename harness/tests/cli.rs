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
