//! Values, result patterns and outcomes written in the text format (spec
//! 6.5.1 constants, and the script syntax of the spec's `interpreter/README`
//! for patterns such as `nan:canonical`, `ref.extern 1` and `either`), so
//! that everything the runner and the command line print is something a user
//! could paste back into a `.wast` script.

use crate::embedder::{CompileError, InstantiateError, Outcome, Val};
use interp::lanes::{Shape, V128Text};
use std::fmt;
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastRetCore};
use wast::token::{F32, F64, Index};

/// An `f32` as a text-format literal: the shortest decimal that reads back
/// to the same bits, `inf`, or `nan:0x<payload>`, with its sign.
pub fn f32_text(bits: u32) -> String {
    float_text(f32::from_bits(bits).is_nan(), bits as u64, 32, || {
        format!("{:?}", f32::from_bits(bits))
    })
}

/// An `f64` as a text-format literal, as [`f32_text`].
pub fn f64_text(bits: u64) -> String {
    float_text(f64::from_bits(bits).is_nan(), bits, 64, || {
        format!("{:?}", f64::from_bits(bits))
    })
}

/// The common part of [`f32_text`] and [`f64_text`]: a NaN as its sign and
/// payload (the bits below the exponent), anything else as Rust's shortest
/// round-tripping decimal (whose `inf` is the text format's too).
fn float_text(is_nan: bool, bits: u64, width: u32, decimal: impl Fn() -> String) -> String {
    if !is_nan {
        return decimal();
    }
    let frac_bits = if width == 32 { 23 } else { 52 };
    let sign = if bits >> (width - 1) & 1 != 0 {
        "-"
    } else {
        ""
    };
    format!("{sign}nan:0x{:x}", bits & ((1u64 << frac_bits) - 1))
}

/// How a NaN is classified by the script patterns (spec 4.3.3, and the
/// reference interpreter's `nan:canonical` and `nan:arithmetic`): `None` for
/// a number, else `canonical` (only the payload's top bit set),
/// `arithmetic` (that bit and others) or `signalling` (the top bit clear).
pub fn nan_class(bits: u64, width: u32) -> Option<&'static str> {
    let frac_bits = if width == 32 { 23 } else { 52 };
    let exp_mask = ((1u64 << (width - 1 - frac_bits)) - 1) << frac_bits;
    let payload = bits & ((1u64 << frac_bits) - 1);
    if bits & exp_mask != exp_mask || payload == 0 {
        return None;
    }
    let quiet = 1u64 << (frac_bits - 1);
    Some(if payload == quiet {
        "canonical"
    } else if payload & quiet != 0 {
        "arithmetic"
    } else {
        "signalling"
    })
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::I32(v) => write!(f, "(i32.const {v})"),
            Val::I64(v) => write!(f, "(i64.const {v})"),
            Val::F32(b) => write!(f, "(f32.const {})", f32_text(*b)),
            Val::F64(b) => write!(f, "(f64.const {})", f64_text(*b)),
            Val::V128(b) => write!(f, "(v128.const {})", V128Text::new(*b, Shape::I32x4)),
            Val::NullFunc => write!(f, "(ref.null func)"),
            Val::NullExtern => write!(f, "(ref.null extern)"),
            Val::Func => write!(f, "(ref.func)"),
            Val::Extern(n) => write!(f, "(ref.extern {n})"),
            Val::NullExn => write!(f, "(ref.null exn)"),
            Val::Exn => write!(f, "(ref.exn)"),
            Val::NullAny => write!(f, "(ref.null any)"),
            Val::Host(n) => write!(f, "(ref.host {n})"),
            Val::I31(v) => write!(f, "(ref.i31 {v})"),
            Val::Struct => write!(f, "(ref.struct)"),
            Val::Array => write!(f, "(ref.array)"),
            Val::ExternAny => write!(f, "(ref.extern)"),
        }
    }
}

/// Values separated by spaces, or `nothing` for none.
pub fn values_text(vs: &[Val]) -> String {
    if vs.is_empty() {
        return "nothing".into();
    }
    vs.iter().map(Val::to_string).collect::<Vec<_>>().join(" ")
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Return(vs) => write!(f, "returned {}", values_text(vs)),
            Outcome::Trap(m) => write!(f, "trap \"{m}\""),
            Outcome::Exhaustion(m) => write!(f, "exhaustion \"{m}\""),
            Outcome::Exception(m) => write!(f, "uncaught {m}"),
            Outcome::Error(m) => write!(f, "error: {m}"),
        }
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Malformed(m) => write!(f, "malformed \"{m}\""),
            CompileError::Invalid(m) => write!(f, "invalid \"{m}\""),
        }
    }
}

impl fmt::Display for InstantiateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstantiateError::Link(m) => write!(f, "unlinkable \"{m}\""),
            InstantiateError::Trap(o) => write!(f, "instantiation {o}"),
        }
    }
}

/// A result pattern of `assert_return` in the script syntax.
pub struct Pattern<'p, 'a>(pub &'p WastRetCore<'a>);

impl fmt::Display for Pattern<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            WastRetCore::I32(v) => write!(f, "(i32.const {v})"),
            WastRetCore::I64(v) => write!(f, "(i64.const {v})"),
            WastRetCore::F32(p) => write!(f, "(f32.const {})", nan_pattern32(p)),
            WastRetCore::F64(p) => write!(f, "(f64.const {})", nan_pattern64(p)),
            WastRetCore::V128(p) => write!(f, "(v128.const {})", v128_pattern_text(p)),
            WastRetCore::RefNull(None) => write!(f, "(ref.null)"),
            WastRetCore::RefNull(Some(h)) => write!(f, "(ref.null {})", heap_type_text(h)),
            WastRetCore::RefExtern(None) => write!(f, "(ref.extern)"),
            WastRetCore::RefExtern(Some(n)) => write!(f, "(ref.extern {n})"),
            WastRetCore::RefHost(n) => write!(f, "(ref.host {n})"),
            WastRetCore::RefFunc(None) => write!(f, "(ref.func)"),
            WastRetCore::RefFunc(Some(i)) => write!(f, "(ref.func {})", index_text(i)),
            WastRetCore::RefAny => write!(f, "(ref.any)"),
            WastRetCore::RefEq => write!(f, "(ref.eq)"),
            WastRetCore::RefArray => write!(f, "(ref.array)"),
            WastRetCore::RefStruct => write!(f, "(ref.struct)"),
            WastRetCore::RefI31 => write!(f, "(ref.i31)"),
            WastRetCore::RefI31Shared => write!(f, "(ref.i31_shared)"),
            WastRetCore::Either(cases) => {
                write!(f, "(either")?;
                for c in cases {
                    write!(f, " {}", Pattern(c))?;
                }
                write!(f, ")")
            }
        }
    }
}

/// An `f32` pattern: a value, `nan:canonical` or `nan:arithmetic`.
pub fn nan_pattern32(p: &NanPattern<F32>) -> String {
    match p {
        NanPattern::CanonicalNan => "nan:canonical".into(),
        NanPattern::ArithmeticNan => "nan:arithmetic".into(),
        NanPattern::Value(F32 { bits }) => f32_text(*bits),
    }
}

/// An `f64` pattern, as [`nan_pattern32`].
pub fn nan_pattern64(p: &NanPattern<F64>) -> String {
    match p {
        NanPattern::CanonicalNan => "nan:canonical".into(),
        NanPattern::ArithmeticNan => "nan:arithmetic".into(),
        NanPattern::Value(F64 { bits }) => f64_text(*bits),
    }
}

/// A `v128` pattern: its shape and lanes.
pub fn v128_pattern_text(p: &V128Pattern) -> String {
    fn join<T>(shape: &str, ls: &[T], f: impl Fn(&T) -> String) -> String {
        let lanes: Vec<String> = ls.iter().map(f).collect();
        format!("{shape} {}", lanes.join(" "))
    }
    match p {
        V128Pattern::I8x16(ls) => join("i8x16", ls, |l| l.to_string()),
        V128Pattern::I16x8(ls) => join("i16x8", ls, |l| l.to_string()),
        V128Pattern::I32x4(ls) => join("i32x4", ls, |l| l.to_string()),
        V128Pattern::I64x2(ls) => join("i64x2", ls, |l| l.to_string()),
        V128Pattern::F32x4(ls) => join("f32x4", ls, nan_pattern32),
        V128Pattern::F64x2(ls) => join("f64x2", ls, nan_pattern64),
    }
}

/// A heap type as written in the text format (`func`, `extern`, `$t`, `0`).
pub fn heap_type_text(h: &HeapType<'_>) -> String {
    match h {
        HeapType::Abstract { shared, ty } => {
            let name = match ty {
                AbstractHeapType::Func => "func",
                AbstractHeapType::Extern => "extern",
                AbstractHeapType::Exn => "exn",
                AbstractHeapType::Cont => "cont",
                AbstractHeapType::Any => "any",
                AbstractHeapType::Eq => "eq",
                AbstractHeapType::Struct => "struct",
                AbstractHeapType::Array => "array",
                AbstractHeapType::I31 => "i31",
                AbstractHeapType::NoFunc => "nofunc",
                AbstractHeapType::NoExtern => "noextern",
                AbstractHeapType::None => "none",
                AbstractHeapType::NoExn => "noexn",
                AbstractHeapType::NoCont => "nocont",
            };
            if *shared {
                format!("(shared {name})")
            } else {
                name.into()
            }
        }
        HeapType::Concrete(i) => index_text(i),
        HeapType::Exact(i) => format!("(exact {})", index_text(i)),
    }
}

/// An index as written: its number or its `$name`.
fn index_text(i: &Index<'_>) -> String {
    match i {
        Index::Num(n, _) => n.to_string(),
        Index::Id(id) => format!("${}", id.name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_literals_that_read_back() {
        assert_eq!(Val::F64(1.5f64.to_bits()).to_string(), "(f64.const 1.5)");
        assert_eq!(
            Val::F32(0x7fc0_0000).to_string(),
            "(f32.const nan:0x400000)"
        );
        assert_eq!(
            Val::F32(0xffa0_0000).to_string(),
            "(f32.const -nan:0x200000)"
        );
        assert_eq!(f64_text(f64::NEG_INFINITY.to_bits()), "-inf");
        assert_eq!(f32_text((-0.0f32).to_bits()), "-0.0");
        assert_eq!(f32_text(1), "1e-45");
        assert_eq!(
            Val::V128(1).to_string(),
            "(v128.const i32x4 1 0 0 0)",
            "a v128 in i32x4 lanes"
        );
    }

    #[test]
    fn nans_are_classified() {
        assert_eq!(nan_class(0x7fc0_0000, 32), Some("canonical"));
        assert_eq!(nan_class(0xffc0_0000, 32), Some("canonical"));
        assert_eq!(nan_class(0x7fc0_0001, 32), Some("arithmetic"));
        assert_eq!(nan_class(0x7f80_0001, 32), Some("signalling"));
        assert_eq!(nan_class(0x7f80_0000, 32), None);
        assert_eq!(nan_class(0x7ff8_0000_0000_0000, 64), Some("canonical"));
        assert_eq!(nan_class(1.0f64.to_bits(), 64), None);
    }
}
