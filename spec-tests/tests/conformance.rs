//! The conformance suite (being written).
fn main() {}
