//! The interpreter's integration tests, in one binary: decoding and
//! validation against the official suite's modules, execution, and the
//! suspend/resume API.

mod big_types;
mod decode;
mod embedder;
mod exec;
mod gc;
mod regressions;
mod stores;
mod util;
mod validate;

/// The features a folder of the official suite is run with (as the
/// conformance suite does): 1.0 for `wasm-v1`, 2.0 otherwise.
fn features_for(parent: &str) -> interp::Features {
    match parent {
        "wasm-v1" => interp::Features::wasm1(),
        _ => interp::Features::wasm2(),
    }
}

/// A module of a folder as the runner gives it to the interpreter: 1.0
/// scripts' text modules in 1.0's binary form (`spec_tests::v1_encoding`).
fn encoded_for(parent: &str, text: bool, bytes: Vec<u8>) -> Vec<u8> {
    match parent {
        "wasm-v1" if text => spec_tests::v1_encoding::to_1_0(&bytes),
        _ => bytes,
    }
}
