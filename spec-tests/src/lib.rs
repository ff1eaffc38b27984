//! The `.wast` script runner, as a library.
//!
//! [`run_wast`] runs one script against an [`Embedder`]: the seam between the
//! script semantics (this crate's `runner` module, which knows the `wast`
//! crate and nothing of the interpreter) and an engine. [`InterpEmbedder`],
//! in `interp_embedder.rs`, is the only code here that knows the `interp`
//! crate. The conformance suite (`tests/conformance.rs`) and the `wasm-ref`
//! command line both run scripts through this library.

mod embedder;
mod interp_embedder;
mod messages;
mod runner;
pub mod text;
pub mod v1_encoding;

pub use embedder::{CompileError, Embedder, InstantiateError, Outcome, Val};
pub use interp_embedder::{
    InterpEmbedder, Mode, exception_text, features_for_path, spectest, text_of,
};
pub use messages::{message_differences_used, unused_message_differences};
pub use runner::{DirectiveResult, Report, run_wast, run_wast_at, run_wast_with};
