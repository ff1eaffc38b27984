//! Types written as the text format writes them (spec 6.4: `i32`,
//! `funcref`, `(ref null 3)`), for messages: a validation error reads
//! `type mismatch: instruction requires [i32] but stack has [i64]`, as the
//! reference interpreter words it, never the Rust names of the variants.

use super::types::{HeapType, RefType, ValType};
use std::fmt;

impl fmt::Display for HeapType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            HeapType::Func => "func",
            HeapType::Extern => "extern",
            HeapType::Exn => "exn",
            HeapType::NoFunc => "nofunc",
            HeapType::NoExtern => "noextern",
            HeapType::NoExn => "noexn",
            HeapType::Any => "any",
            HeapType::Eq => "eq",
            HeapType::I31 => "i31",
            HeapType::Struct => "struct",
            HeapType::Array => "array",
            HeapType::None => "none",
            HeapType::Concrete(i) => return write!(f, "{i}"),
            HeapType::Exact(i) => return write!(f, "(exact {i})"),
            HeapType::Rec(i) => return write!(f, "rec.{i}"),
            HeapType::RecExact(i) => return write!(f, "(exact rec.{i})"),
            // The validation algorithm's bottom, as the reference
            // interpreter names it.
            HeapType::Bot => "something",
        };
        f.write_str(s)
    }
}

impl fmt::Display for RefType {
    /// The short form where there is one (`funcref`), else `(ref null? ht)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = match self.heap {
            HeapType::Func => "funcref",
            HeapType::Extern => "externref",
            HeapType::Exn => "exnref",
            HeapType::NoFunc => "nullfuncref",
            HeapType::NoExtern => "nullexternref",
            HeapType::NoExn => "nullexnref",
            HeapType::Any => "anyref",
            HeapType::Eq => "eqref",
            HeapType::I31 => "i31ref",
            HeapType::Struct => "structref",
            HeapType::Array => "arrayref",
            HeapType::None => "nullref",
            HeapType::Concrete(_)
            | HeapType::Exact(_)
            | HeapType::Rec(_)
            | HeapType::RecExact(_)
            | HeapType::Bot => "",
        };
        match (self.nullable, short) {
            (true, s) if !s.is_empty() => f.write_str(s),
            (true, _) => write!(f, "(ref null {})", self.heap),
            (false, _) => write!(f, "(ref {})", self.heap),
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValType::I32 => f.write_str("i32"),
            ValType::I64 => f.write_str("i64"),
            ValType::F32 => f.write_str("f32"),
            ValType::F64 => f.write_str("f64"),
            ValType::V128 => f.write_str("v128"),
            ValType::Ref(r) => write!(f, "{r}"),
        }
    }
}

/// A result type as the reference interpreter prints it: `[i32 f64]`.
pub fn result_type(ts: &[ValType]) -> String {
    let ts: Vec<String> = ts.iter().map(ValType::to_string).collect();
    format!("[{}]", ts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_print_as_the_text_format_writes_them() {
        let concrete = ValType::Ref(RefType {
            nullable: false,
            heap: HeapType::Concrete(3),
        });
        assert_eq!(concrete.to_string(), "(ref 3)");
        assert_eq!(ValType::FUNCREF.to_string(), "funcref");
        assert_eq!(result_type(&[ValType::I32, ValType::F64]), "[i32 f64]");
        assert_eq!(result_type(&[]), "[]");
    }
}
