//! Numerics (spec 4.3): the scalar operators that need more than a Rust
//! operator: trapping division, float min/max/nearest with the spec's NaN
//! and signed-zero rules, and float-to-int truncation.
//!
//! Plain wrapping integer arithmetic, comparisons, `as` conversions between
//! integers and floats (Rust rounds to nearest, ties to even, as the spec's
//! `convert` does) and `trunc_sat` (Rust's `as` saturates and maps NaN to 0)
//! are written inline in the executor.

use crate::api::Trap;

/// `idiv_s` (spec 4.3.2): traps on zero and on `MIN / -1`.
pub fn i32_div_s(a: i32, b: i32) -> Result<i32, Trap> {
    let _ = (a, b);
    todo!()
}
/// `idiv_u`: traps on zero.
pub fn i32_div_u(a: u32, b: u32) -> Result<u32, Trap> {
    let _ = (a, b);
    todo!()
}
/// `irem_s`: traps on zero; `MIN % -1` is 0.
pub fn i32_rem_s(a: i32, b: i32) -> Result<i32, Trap> {
    let _ = (a, b);
    todo!()
}
/// `irem_u`: traps on zero.
pub fn i32_rem_u(a: u32, b: u32) -> Result<u32, Trap> {
    let _ = (a, b);
    todo!()
}
/// `idiv_s` for i64.
pub fn i64_div_s(a: i64, b: i64) -> Result<i64, Trap> {
    let _ = (a, b);
    todo!()
}
/// `idiv_u` for i64.
pub fn i64_div_u(a: u64, b: u64) -> Result<u64, Trap> {
    let _ = (a, b);
    todo!()
}
/// `irem_s` for i64.
pub fn i64_rem_s(a: i64, b: i64) -> Result<i64, Trap> {
    let _ = (a, b);
    todo!()
}
/// `irem_u` for i64.
pub fn i64_rem_u(a: u64, b: u64) -> Result<u64, Trap> {
    let _ = (a, b);
    todo!()
}

/// `fmin` (spec 4.3.3): NaN if either is NaN; -0 is less than +0.
pub fn f32_min(a: f32, b: f32) -> f32 {
    let _ = (a, b);
    todo!()
}
/// `fmax`: NaN if either is NaN; +0 is greater than -0.
pub fn f32_max(a: f32, b: f32) -> f32 {
    let _ = (a, b);
    todo!()
}
/// `fnearest`: round to nearest, ties to even.
pub fn f32_nearest(a: f32) -> f32 {
    let _ = a;
    todo!()
}
/// `fmin` for f64.
pub fn f64_min(a: f64, b: f64) -> f64 {
    let _ = (a, b);
    todo!()
}
/// `fmax` for f64.
pub fn f64_max(a: f64, b: f64) -> f64 {
    let _ = (a, b);
    todo!()
}
/// `fnearest` for f64.
pub fn f64_nearest(a: f64) -> f64 {
    let _ = a;
    todo!()
}

/// `trunc_s` f32 to i32 (spec 4.3.4): traps on NaN ("invalid conversion to
/// integer") and out of range ("integer overflow").
pub fn i32_trunc_f32_s(a: f32) -> Result<i32, Trap> {
    let _ = a;
    todo!()
}
/// `trunc_u` f32 to i32.
pub fn i32_trunc_f32_u(a: f32) -> Result<u32, Trap> {
    let _ = a;
    todo!()
}
/// `trunc_s` f64 to i32.
pub fn i32_trunc_f64_s(a: f64) -> Result<i32, Trap> {
    let _ = a;
    todo!()
}
/// `trunc_u` f64 to i32.
pub fn i32_trunc_f64_u(a: f64) -> Result<u32, Trap> {
    let _ = a;
    todo!()
}
/// `trunc_s` f32 to i64.
pub fn i64_trunc_f32_s(a: f32) -> Result<i64, Trap> {
    let _ = a;
    todo!()
}
/// `trunc_u` f32 to i64.
pub fn i64_trunc_f32_u(a: f32) -> Result<u64, Trap> {
    let _ = a;
    todo!()
}
/// `trunc_s` f64 to i64.
pub fn i64_trunc_f64_s(a: f64) -> Result<i64, Trap> {
    let _ = a;
    todo!()
}
/// `trunc_u` f64 to i64.
pub fn i64_trunc_f64_u(a: f64) -> Result<u64, Trap> {
    let _ = a;
    todo!()
}
