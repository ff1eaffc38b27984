//! The `wasm-ref` command line (being written).
