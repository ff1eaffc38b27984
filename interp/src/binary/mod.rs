//! Binary format (spec chapter 5): decoding a module from bytes.
//!
//! Decoding checks well-formedness only (spec 5): LEB128 sizes and ranges,
//! section order and sizes, UTF-8 names, known opcodes and immediates. Type
//! rules are the validator's job.

use crate::{Error, Features, syntax::Module};

/// Decodes a binary module (spec 5.5.16).
///
/// # Errors
/// [`Error::Malformed`] with the byte offset and the reason.
pub fn decode(bytes: &[u8], features: &Features) -> Result<Module, Error> {
    let _ = (bytes, features);
    todo!("binary decoder")
}
