//! Numerics (spec 4.3): the scalar operators that need more than a Rust
//! operator: trapping division, float min/max/nearest with the spec's NaN
//! and signed-zero rules, and float-to-int truncation.
//!
//! Plain wrapping integer arithmetic, comparisons, `as` conversions between
//! integers and floats (Rust rounds to nearest, ties to even, as the spec's
//! `convert` does) and `trunc_sat` (Rust's `as` saturates and maps NaN to 0)
//! are written inline in the executor.

use crate::api::Trap;

// ---- Integer division and remainder (spec 4.3.2 `idiv_s`, `idiv_u`, `irem_s`, `irem_u`) ----

/// `idiv_s` (spec 4.3.2): traps on zero and on `MIN / -1`.
pub fn i32_div_s(a: i32, b: i32) -> Result<i32, Trap> {
    if b == 0 {
        return Err(Trap::IntegerDivideByZero);
    }
    a.checked_div(b).ok_or(Trap::IntegerOverflow)
}
/// `idiv_u`: traps on zero.
pub fn i32_div_u(a: u32, b: u32) -> Result<u32, Trap> {
    a.checked_div(b).ok_or(Trap::IntegerDivideByZero)
}
/// `irem_s`: traps on zero; `MIN % -1` is 0.
pub fn i32_rem_s(a: i32, b: i32) -> Result<i32, Trap> {
    if b == 0 {
        return Err(Trap::IntegerDivideByZero);
    }
    Ok(a.wrapping_rem(b))
}
/// `irem_u`: traps on zero.
pub fn i32_rem_u(a: u32, b: u32) -> Result<u32, Trap> {
    a.checked_rem(b).ok_or(Trap::IntegerDivideByZero)
}
/// `idiv_s` for i64.
pub fn i64_div_s(a: i64, b: i64) -> Result<i64, Trap> {
    if b == 0 {
        return Err(Trap::IntegerDivideByZero);
    }
    a.checked_div(b).ok_or(Trap::IntegerOverflow)
}
/// `idiv_u` for i64.
pub fn i64_div_u(a: u64, b: u64) -> Result<u64, Trap> {
    a.checked_div(b).ok_or(Trap::IntegerDivideByZero)
}
/// `irem_s` for i64.
pub fn i64_rem_s(a: i64, b: i64) -> Result<i64, Trap> {
    if b == 0 {
        return Err(Trap::IntegerDivideByZero);
    }
    Ok(a.wrapping_rem(b))
}
/// `irem_u` for i64.
pub fn i64_rem_u(a: u64, b: u64) -> Result<u64, Trap> {
    a.checked_rem(b).ok_or(Trap::IntegerDivideByZero)
}

// ---- Float min, max, nearest (spec 4.3.3 `fmin`, `fmax`, `fnearest`) ----
//
// Rust's `f32::min` returns the non-NaN operand and may pick either zero; the
// spec wants NaN if either operand is NaN, and orders -0 below +0. A NaN
// result here is the sum of the operands, which is a quiet NaN that keeps a
// payload of an input NaN (an "arithmetic NaN", spec 4.3.3), and canonical if
// the inputs were.

/// `fmin` (spec 4.3.3): NaN if either is NaN; -0 is less than +0.
pub fn f32_min(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        // Equal, possibly zeros of different signs: -0 wins.
        f32::from_bits(a.to_bits() | b.to_bits())
    } else if a < b {
        a
    } else {
        b
    }
}
/// `fmax`: NaN if either is NaN; +0 is greater than -0.
pub fn f32_max(a: f32, b: f32) -> f32 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        // Equal, possibly zeros of different signs: +0 wins.
        f32::from_bits(a.to_bits() & b.to_bits())
    } else if a > b {
        a
    } else {
        b
    }
}
/// `fnearest`: round to nearest, ties to even; NaN stays NaN, zeros keep their sign.
pub fn f32_nearest(a: f32) -> f32 {
    a.round_ties_even()
}
/// `fmin` for f64.
pub fn f64_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f64::from_bits(a.to_bits() | b.to_bits())
    } else if a < b {
        a
    } else {
        b
    }
}
/// `fmax` for f64.
pub fn f64_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        a + b
    } else if a == b {
        f64::from_bits(a.to_bits() & b.to_bits())
    } else if a > b {
        a
    } else {
        b
    }
}
/// `fnearest` for f64.
pub fn f64_nearest(a: f64) -> f64 {
    a.round_ties_even()
}

// ---- Float to integer truncation (spec 4.3.4 `trunc_s`, `trunc_u`) ----
//
// The result is defined when the truncated value fits the target type. Each
// check compares against bounds that are exactly representable in the source
// float type: the truncation fits iff `lo < x < hi` with `lo` one below the
// smallest integer (or the smallest itself when `x >= lo` is allowed) and `hi`
// one above the largest. After the check, Rust's `as` (which truncates
// toward zero) computes the value.

/// `trunc_s` f32 to i32 (spec 4.3.4): traps on NaN ("invalid conversion to
/// integer") and out of range ("integer overflow").
pub fn i32_trunc_f32_s(a: f32) -> Result<i32, Trap> {
    // -2^31 is representable in f32, and so is 2^31.
    trunc_check(
        a.is_nan(),
        a as f64 >= -2147483648.0 && (a as f64) < 2147483648.0,
    )?;
    Ok(a as i32)
}
/// `trunc_u` f32 to i32.
pub fn i32_trunc_f32_u(a: f32) -> Result<u32, Trap> {
    trunc_check(a.is_nan(), a as f64 > -1.0 && (a as f64) < 4294967296.0)?;
    Ok(a as u32)
}
/// `trunc_s` f64 to i32.
pub fn i32_trunc_f64_s(a: f64) -> Result<i32, Trap> {
    // Every i32 is exact in f64, so the bounds are one below and one above.
    trunc_check(a.is_nan(), a > -2147483649.0 && a < 2147483648.0)?;
    Ok(a as i32)
}
/// `trunc_u` f64 to i32.
pub fn i32_trunc_f64_u(a: f64) -> Result<u32, Trap> {
    trunc_check(a.is_nan(), a > -1.0 && a < 4294967296.0)?;
    Ok(a as u32)
}
/// `trunc_s` f32 to i64.
pub fn i64_trunc_f32_s(a: f32) -> Result<i64, Trap> {
    // -2^63 and 2^63 are exact in f32.
    trunc_check(
        a.is_nan(),
        (-9223372036854775808.0f32..9223372036854775808.0f32).contains(&a),
    )?;
    Ok(a as i64)
}
/// `trunc_u` f32 to i64.
pub fn i64_trunc_f32_u(a: f32) -> Result<u64, Trap> {
    trunc_check(a.is_nan(), a > -1.0f32 && a < 18446744073709551616.0f32)?;
    Ok(a as u64)
}
/// `trunc_s` f64 to i64.
pub fn i64_trunc_f64_s(a: f64) -> Result<i64, Trap> {
    // -2^63 and 2^63 are exact in f64; -2^63 - 1 is not, so the lower bound is inclusive.
    trunc_check(
        a.is_nan(),
        (-9223372036854775808.0f64..9223372036854775808.0f64).contains(&a),
    )?;
    Ok(a as i64)
}
/// `trunc_u` f64 to i64.
pub fn i64_trunc_f64_u(a: f64) -> Result<u64, Trap> {
    trunc_check(a.is_nan(), a > -1.0f64 && a < 18446744073709551616.0f64)?;
    Ok(a as u64)
}

/// The two ways a trapping truncation fails, in the order the spec checks them.
#[inline]
fn trunc_check(is_nan: bool, in_range: bool) -> Result<(), Trap> {
    if is_nan {
        Err(Trap::InvalidConversionToInteger)
    } else if !in_range {
        Err(Trap::IntegerOverflow)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_traps() {
        assert_eq!(i32_div_s(i32::MIN, -1), Err(Trap::IntegerOverflow));
        assert_eq!(i32_div_s(1, 0), Err(Trap::IntegerDivideByZero));
        assert_eq!(i32_rem_s(i32::MIN, -1), Ok(0));
        assert_eq!(i64_rem_s(i64::MIN, -1), Ok(0));
        assert_eq!(i64_div_u(7, 2), Ok(3));
        assert_eq!(i32_rem_u(7, 0), Err(Trap::IntegerDivideByZero));
    }

    #[test]
    fn min_max_zeros_and_nan() {
        assert!(f32_min(-0.0, 0.0).is_sign_negative());
        assert!(f32_min(0.0, -0.0).is_sign_negative());
        assert!(f32_max(-0.0, 0.0).is_sign_positive());
        assert!(f64_max(0.0, -0.0).is_sign_positive());
        assert!(f32_min(f32::NAN, 1.0).is_nan());
        assert!(f64_max(1.0, f64::NAN).is_nan());
        assert_eq!(f64_min(1.0, 2.0), 1.0);
    }

    #[test]
    fn nearest_ties_to_even() {
        assert_eq!(f32_nearest(2.5), 2.0);
        assert_eq!(f32_nearest(-3.5), -4.0);
        assert!(f64_nearest(-0.4).is_sign_negative());
    }

    #[test]
    fn truncation_bounds() {
        assert_eq!(i32_trunc_f32_s(-2147483648.0), Ok(i32::MIN));
        assert_eq!(i32_trunc_f32_s(2147483648.0), Err(Trap::IntegerOverflow));
        assert_eq!(i32_trunc_f64_s(-2147483648.9), Ok(i32::MIN));
        assert_eq!(i32_trunc_f64_s(-2147483649.0), Err(Trap::IntegerOverflow));
        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(i32_trunc_f64_u(4294967295.9), Ok(u32::MAX));
        assert_eq!(i64_trunc_f64_s(-9223372036854775808.0), Ok(i64::MIN));
        assert_eq!(
            i64_trunc_f64_s(9223372036854775808.0),
            Err(Trap::IntegerOverflow)
        );
        assert_eq!(
            i64_trunc_f32_u(f32::NAN),
            Err(Trap::InvalidConversionToInteger)
        );
        assert_eq!(
            i64_trunc_f64_u(18446744073709549568.0),
            Ok(18446744073709549568)
        );
    }
}

/// A float operation's result with the quiet bit forced on NaNs, so an
/// operation on a signalling NaN gives an arithmetic NaN (spec 4.3.3) even
/// where the platform's routine passes the input through.
#[inline(always)]
pub(crate) fn q32(r: f32) -> f32 {
    if r.is_nan() {
        f32::from_bits(r.to_bits() | 0x0040_0000)
    } else {
        r
    }
}

/// [`q32`] for `f64`.
#[inline(always)]
pub(crate) fn q64(r: f64) -> f64 {
    if r.is_nan() {
        f64::from_bits(r.to_bits() | 0x0008_0000_0000_0000)
    } else {
        r
    }
}
