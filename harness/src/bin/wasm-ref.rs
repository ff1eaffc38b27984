//! `wasm-ref`: run `.wast` scripts, call a module's exports, convert
//! scripts to JavaScript, and run JavaScript with the WebAssembly JS API.
//! The commands live in `harness::cli`; `wasm-ref --help` lists them.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    harness::cli::main(&args)
}
