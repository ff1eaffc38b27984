//! The interpreter's integration tests, in one binary: decoding and
//! validation against the official suite's modules, execution, and the
//! suspend/resume API.

mod decode;
mod exec;
mod validate;
