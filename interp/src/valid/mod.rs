//! Validation (spec chapter 3): the type rules of modules and instructions.
//!
//! Validation of a function body follows the spec's algorithm (spec
//! appendix "Validation Algorithm") with an operand stack and a control
//! stack. While it walks a body it also resolves every branch to a
//! [`Target`](crate::syntax::Target), so the executor needs no label stack.

use crate::{Error, Features, syntax::Module};

/// Validates a decoded module (spec 3.4.10) and annotates its function bodies
/// with branch targets, `else`/`end` positions and maximum stack heights.
///
/// # Errors
/// [`Error::Invalid`] with the reference interpreter's message where it has one.
pub fn validate(module: &mut Module, features: &Features) -> Result<(), Error> {
    let _ = (module, features);
    todo!("validator")
}
