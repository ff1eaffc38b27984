//! Structure (spec chapter 2): the abstract syntax of modules, types and
//! instructions, as the decoder produces them and the validator annotates them.
//!
//! The types here are plain data. Nothing in this module decodes, checks or
//! runs anything; it is the shared vocabulary of `binary`, `valid` and `exec`.

pub mod atomic;
pub mod instr;
pub mod module;
pub mod simd;
pub mod text;
pub mod types;

pub use atomic::*;
pub use instr::*;
pub use module::*;
pub use simd::*;
pub use types::*;
