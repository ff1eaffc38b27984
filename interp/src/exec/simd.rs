//! Vector instructions (spec 4.3.2 "Vector Operations", 4.4.3 "Vector
//! Instructions", and the relaxed SIMD proposal): what every SIMD
//! instruction computes, lane by lane.
//!
//! A `v128` is a `u128` whose lane 0 is in the low bits (the byte order of
//! memory). [`Lane`] reads and writes one lane of a given type; the helpers
//! [`map`], [`zip`], [`compare`] and [`build`] apply a per-lane function, so
//! each instruction below is one line saying what happens to a lane. Float
//! lanes follow the scalar rules of `exec::numeric` (NaN results are
//! arithmetic NaNs, lane by lane).
//!
//! Relaxed instructions compute one deterministic member of the set the
//! proposal allows; `proposal-notes/simd.md` says which.

use super::numeric as num;
use super::numeric::{q32, q64};
use crate::runtime::slot::Slot;
use crate::syntax::{Shape, SimdOp, V128LoadKind};

/// A lane type: `BITS` wide, read from the low bits of a `u128`.
pub(crate) trait Lane: Copy {
    /// The lane width.
    const BITS: u32;
    /// The lane held in the low `BITS` bits of `b`.
    fn from_bits(b: u128) -> Self;
    /// The lane's bits, zero-extended.
    fn to_bits(self) -> u128;
}

macro_rules! int_lane {
    ($t:ty, $u:ty) => {
        impl Lane for $t {
            const BITS: u32 = <$t>::BITS;
            fn from_bits(b: u128) -> Self {
                b as $u as $t
            }
            fn to_bits(self) -> u128 {
                self as $u as u128
            }
        }
    };
}
int_lane!(i8, u8);
int_lane!(u8, u8);
int_lane!(i16, u16);
int_lane!(u16, u16);
int_lane!(i32, u32);
int_lane!(u32, u32);
int_lane!(i64, u64);
int_lane!(u64, u64);

impl Lane for f32 {
    const BITS: u32 = 32;
    fn from_bits(b: u128) -> Self {
        f32::from_bits(b as u32)
    }
    fn to_bits(self) -> u128 {
        self.to_bits() as u128
    }
}

impl Lane for f64 {
    const BITS: u32 = 64;
    fn from_bits(b: u128) -> Self {
        f64::from_bits(b as u64)
    }
    fn to_bits(self) -> u128 {
        self.to_bits() as u128
    }
}

/// Lane `i` of `v`, read as an `L`.
#[inline(always)]
pub(crate) fn lane<L: Lane>(v: u128, i: u32) -> L {
    L::from_bits(v >> (i * L::BITS))
}

/// `v` with lane `i` replaced by `x`.
#[inline(always)]
pub(crate) fn with_lane<L: Lane>(v: u128, i: u32, x: L) -> u128 {
    let mask = (u128::MAX >> (128 - L::BITS)) << (i * L::BITS);
    (v & !mask) | (x.to_bits() << (i * L::BITS))
}

/// The vector whose lane `i` is `f(i)`, in the shape of `L`.
#[inline(always)]
pub(crate) fn build<L: Lane>(f: impl Fn(u32) -> L) -> u128 {
    // A `while` loop, not an iterator's `fold`: `eval3` is too large for
    // the compiler to inline `fold` into it, and a loop of a known count
    // of lanes written out here is unrolled.
    let mut v = 0;
    let mut i = 0;
    while i < 128 / L::BITS {
        v |= f(i).to_bits() << (i * L::BITS);
        i += 1;
    }
    v
}

/// Applies `f` to every lane.
#[inline(always)]
fn map<L: Lane>(a: u128, f: impl Fn(L) -> L) -> u128 {
    build(|i| f(lane(a, i)))
}

/// Applies `f` to every pair of lanes.
#[inline(always)]
fn zip<L: Lane>(a: u128, b: u128, f: impl Fn(L, L) -> L) -> u128 {
    build(|i| f(lane(a, i), lane(b, i)))
}

/// A lane-wise comparison: all ones where `f` holds, zeros elsewhere.
#[inline(always)]
fn compare<L: Lane>(a: u128, b: u128, f: impl Fn(L, L) -> bool) -> u128 {
    let ones = u128::MAX >> (128 - L::BITS);
    build(|i| {
        if f(lane(a, i), lane(b, i)) {
            L::from_bits(ones)
        } else {
            L::from_bits(0)
        }
    })
}

/// Whether every lane is non-zero (`all_true`).
fn all_true<L: Lane>(a: u128) -> bool {
    (0..128 / L::BITS).all(|i| lane::<L>(a, i).to_bits() != 0)
}

/// The top bit of every lane, lane 0 in bit 0 (`bitmask`).
fn bitmask<L: Lane>(a: u128) -> u32 {
    (0..128 / L::BITS).fold(0, |m, i| {
        m | ((((lane::<L>(a, i).to_bits() >> (L::BITS - 1)) & 1) as u32) << i)
    })
}

/// Rounding average of unsigned lanes (`avgr_u`): `(a + b + 1) / 2`
/// without overflow.
fn avgr<T: Into<u32> + TryFrom<u32>>(a: T, b: T) -> T {
    let r = (a.into() + b.into()).div_ceil(2);
    T::try_from(r)
        .ok()
        .expect("the average of two lanes fits a lane")
}

/// `q15mulr_sat_s` (spec 4.3.2 `iq15mulrsat_s`): the Q15 product, rounded,
/// saturated.
fn q15mulr(a: i16, b: i16) -> i16 {
    let p = (a as i32 * b as i32 + 0x4000) >> 15;
    p.clamp(i16::MIN as i32, i16::MAX as i32) as i16
}

/// Saturating narrowing of a signed lane to `lo..=hi` (spec `narrow`).
fn sat(x: i32, lo: i32, hi: i32) -> i32 {
    x.clamp(lo, hi)
}

/// `i8x16.swizzle` (and the relaxed one, deterministically the same):
/// byte `k` of the result is byte `s[k]` of `a`, or 0 past the end.
fn swizzle(a: u128, s: u128) -> u128 {
    build(|i| {
        let k = lane::<u8>(s, i) as u32;
        if k < 16 { lane::<u8>(a, k) } else { 0 }
    })
}

/// `i8x16.shuffle`: byte `k` of the result is byte `lanes[k]` of `a` then `b`.
pub(crate) fn shuffle(a: u128, b: u128, lanes: &[u8; 16]) -> u128 {
    build(|i| {
        let k = lanes[i as usize] as u32;
        if k < 16 {
            lane::<u8>(a, k)
        } else {
            lane::<u8>(b, k - 16)
        }
    })
}

/// Lane `i` of `a`, float rounding with the scalar rules: `f32.demote`.
fn demote(x: f64) -> f32 {
    q32(x as f32)
}

/// `f64.promote`.
fn promote(x: f32) -> f64 {
    q64(x as f64)
}

/// `pmin` (spec `fpmin`): `b < a ? b : a`, no NaN or zero-sign rules.
fn pmin<F: PartialOrd>(a: F, b: F) -> F {
    if b < a { b } else { a }
}

/// `pmax` (spec `fpmax`): `a < b ? b : a`.
fn pmax<F: PartialOrd>(a: F, b: F) -> F {
    if a < b { b } else { a }
}

/// Executes a vector instruction without immediates on its operands
/// (bottom first; scalars are in the low bits of their slots) and gives its
/// one result.
pub(crate) fn eval(op: SimdOp, args: &[Slot]) -> Slot {
    let arg = |k: usize| args.get(k).copied().unwrap_or(0);
    eval3(op, arg(0), arg(1), arg(2))
}

/// [`eval`] with its operands `a`, `b`, `c` (0 for those the instruction
/// does not take), as the frame loop has them in slots.
pub(crate) fn eval3(op: SimdOp, a: Slot, b: Slot, c: Slot) -> Slot {
    use SimdOp::*;
    // A shift count, taken modulo the lane width by `wrapping_sh*`.
    let s = b as u32;
    match op {
        // ---- Splat (spec 4.4.3 `shape.splat`) ----
        I8x16Splat => build(|_| a as u8),
        I16x8Splat => build(|_| a as u16),
        I32x4Splat => build(|_| a as u32),
        I64x2Splat => build(|_| a as u64),
        F32x4Splat => build(|_| a as u32),
        F64x2Splat => build(|_| a as u64),

        // ---- Bitwise (spec 4.3.2 `vnot`, `vand`, ...) ----
        V128Not => !a,
        V128And => a & b,
        V128Andnot => a & !b,
        V128Or => a | b,
        V128Xor => a ^ b,
        V128Bitselect => (a & c) | (b & !c),
        V128AnyTrue => (a != 0) as Slot,

        // ---- Swizzle ----
        I8x16Swizzle | I8x16RelaxedSwizzle => swizzle(a, b),

        // ---- Integer comparisons ----
        I8x16Eq => compare(a, b, |x: u8, y| x == y),
        I8x16Ne => compare(a, b, |x: u8, y| x != y),
        I8x16LtS => compare(a, b, |x: i8, y| x < y),
        I8x16LtU => compare(a, b, |x: u8, y| x < y),
        I8x16GtS => compare(a, b, |x: i8, y| x > y),
        I8x16GtU => compare(a, b, |x: u8, y| x > y),
        I8x16LeS => compare(a, b, |x: i8, y| x <= y),
        I8x16LeU => compare(a, b, |x: u8, y| x <= y),
        I8x16GeS => compare(a, b, |x: i8, y| x >= y),
        I8x16GeU => compare(a, b, |x: u8, y| x >= y),
        I16x8Eq => compare(a, b, |x: u16, y| x == y),
        I16x8Ne => compare(a, b, |x: u16, y| x != y),
        I16x8LtS => compare(a, b, |x: i16, y| x < y),
        I16x8LtU => compare(a, b, |x: u16, y| x < y),
        I16x8GtS => compare(a, b, |x: i16, y| x > y),
        I16x8GtU => compare(a, b, |x: u16, y| x > y),
        I16x8LeS => compare(a, b, |x: i16, y| x <= y),
        I16x8LeU => compare(a, b, |x: u16, y| x <= y),
        I16x8GeS => compare(a, b, |x: i16, y| x >= y),
        I16x8GeU => compare(a, b, |x: u16, y| x >= y),
        I32x4Eq => compare(a, b, |x: u32, y| x == y),
        I32x4Ne => compare(a, b, |x: u32, y| x != y),
        I32x4LtS => compare(a, b, |x: i32, y| x < y),
        I32x4LtU => compare(a, b, |x: u32, y| x < y),
        I32x4GtS => compare(a, b, |x: i32, y| x > y),
        I32x4GtU => compare(a, b, |x: u32, y| x > y),
        I32x4LeS => compare(a, b, |x: i32, y| x <= y),
        I32x4LeU => compare(a, b, |x: u32, y| x <= y),
        I32x4GeS => compare(a, b, |x: i32, y| x >= y),
        I32x4GeU => compare(a, b, |x: u32, y| x >= y),
        I64x2Eq => compare(a, b, |x: u64, y| x == y),
        I64x2Ne => compare(a, b, |x: u64, y| x != y),
        I64x2LtS => compare(a, b, |x: i64, y| x < y),
        I64x2GtS => compare(a, b, |x: i64, y| x > y),
        I64x2LeS => compare(a, b, |x: i64, y| x <= y),
        I64x2GeS => compare(a, b, |x: i64, y| x >= y),

        // ---- Float comparisons (false on NaN, except `ne`) ----
        F32x4Eq => compare(a, b, |x: f32, y| x == y),
        F32x4Ne => compare(a, b, |x: f32, y| x != y),
        F32x4Lt => compare(a, b, |x: f32, y| x < y),
        F32x4Gt => compare(a, b, |x: f32, y| x > y),
        F32x4Le => compare(a, b, |x: f32, y| x <= y),
        F32x4Ge => compare(a, b, |x: f32, y| x >= y),
        F64x2Eq => compare(a, b, |x: f64, y| x == y),
        F64x2Ne => compare(a, b, |x: f64, y| x != y),
        F64x2Lt => compare(a, b, |x: f64, y| x < y),
        F64x2Gt => compare(a, b, |x: f64, y| x > y),
        F64x2Le => compare(a, b, |x: f64, y| x <= y),
        F64x2Ge => compare(a, b, |x: f64, y| x >= y),

        // ---- i8x16 arithmetic ----
        I8x16Abs => map(a, |x: i8| x.wrapping_abs()),
        I8x16Neg => map(a, |x: i8| x.wrapping_neg()),
        I8x16Popcnt => map(a, |x: u8| x.count_ones() as u8),
        I8x16AllTrue => all_true::<u8>(a) as Slot,
        I8x16Bitmask => bitmask::<u8>(a) as Slot,
        I8x16NarrowI16x8S => build(|i| {
            let x: i16 = if i < 8 { lane(a, i) } else { lane(b, i - 8) };
            sat(x as i32, i8::MIN as i32, i8::MAX as i32) as i8
        }),
        I8x16NarrowI16x8U => build(|i| {
            let x: i16 = if i < 8 { lane(a, i) } else { lane(b, i - 8) };
            sat(x as i32, 0, u8::MAX as i32) as u8
        }),
        I8x16Shl => map(a, |x: u8| x.wrapping_shl(s)),
        I8x16ShrS => map(a, |x: i8| x.wrapping_shr(s)),
        I8x16ShrU => map(a, |x: u8| x.wrapping_shr(s)),
        I8x16Add => zip(a, b, |x: u8, y| x.wrapping_add(y)),
        I8x16AddSatS => zip(a, b, |x: i8, y| x.saturating_add(y)),
        I8x16AddSatU => zip(a, b, |x: u8, y| x.saturating_add(y)),
        I8x16Sub => zip(a, b, |x: u8, y| x.wrapping_sub(y)),
        I8x16SubSatS => zip(a, b, |x: i8, y| x.saturating_sub(y)),
        I8x16SubSatU => zip(a, b, |x: u8, y| x.saturating_sub(y)),
        I8x16MinS => zip(a, b, |x: i8, y| x.min(y)),
        I8x16MinU => zip(a, b, |x: u8, y| x.min(y)),
        I8x16MaxS => zip(a, b, |x: i8, y| x.max(y)),
        I8x16MaxU => zip(a, b, |x: u8, y| x.max(y)),
        I8x16AvgrU => zip(a, b, avgr::<u8>),

        // ---- i16x8 arithmetic ----
        I16x8ExtaddPairwiseI8x16S => {
            build(|i| lane::<i8>(a, 2 * i) as i16 + lane::<i8>(a, 2 * i + 1) as i16)
        }
        I16x8ExtaddPairwiseI8x16U => {
            build(|i| lane::<u8>(a, 2 * i) as u16 + lane::<u8>(a, 2 * i + 1) as u16)
        }
        I16x8Abs => map(a, |x: i16| x.wrapping_abs()),
        I16x8Neg => map(a, |x: i16| x.wrapping_neg()),
        I16x8Q15mulrSatS | I16x8RelaxedQ15mulrS => zip(a, b, q15mulr),
        I16x8AllTrue => all_true::<u16>(a) as Slot,
        I16x8Bitmask => bitmask::<u16>(a) as Slot,
        I16x8NarrowI32x4S => build(|i| {
            let x: i32 = if i < 4 { lane(a, i) } else { lane(b, i - 4) };
            sat(x, i16::MIN as i32, i16::MAX as i32) as i16
        }),
        I16x8NarrowI32x4U => build(|i| {
            let x: i32 = if i < 4 { lane(a, i) } else { lane(b, i - 4) };
            sat(x, 0, u16::MAX as i32) as u16
        }),
        I16x8ExtendLowI8x16S => build(|i| lane::<i8>(a, i) as i16),
        I16x8ExtendHighI8x16S => build(|i| lane::<i8>(a, i + 8) as i16),
        I16x8ExtendLowI8x16U => build(|i| lane::<u8>(a, i) as u16),
        I16x8ExtendHighI8x16U => build(|i| lane::<u8>(a, i + 8) as u16),
        I16x8Shl => map(a, |x: u16| x.wrapping_shl(s)),
        I16x8ShrS => map(a, |x: i16| x.wrapping_shr(s)),
        I16x8ShrU => map(a, |x: u16| x.wrapping_shr(s)),
        I16x8Add => zip(a, b, |x: u16, y| x.wrapping_add(y)),
        I16x8AddSatS => zip(a, b, |x: i16, y| x.saturating_add(y)),
        I16x8AddSatU => zip(a, b, |x: u16, y| x.saturating_add(y)),
        I16x8Sub => zip(a, b, |x: u16, y| x.wrapping_sub(y)),
        I16x8SubSatS => zip(a, b, |x: i16, y| x.saturating_sub(y)),
        I16x8SubSatU => zip(a, b, |x: u16, y| x.saturating_sub(y)),
        I16x8Mul => zip(a, b, |x: u16, y| x.wrapping_mul(y)),
        I16x8MinS => zip(a, b, |x: i16, y| x.min(y)),
        I16x8MinU => zip(a, b, |x: u16, y| x.min(y)),
        I16x8MaxS => zip(a, b, |x: i16, y| x.max(y)),
        I16x8MaxU => zip(a, b, |x: u16, y| x.max(y)),
        I16x8AvgrU => zip(a, b, avgr::<u16>),
        I16x8ExtmulLowI8x16S => build(|i| lane::<i8>(a, i) as i16 * lane::<i8>(b, i) as i16),
        I16x8ExtmulHighI8x16S => {
            build(|i| lane::<i8>(a, i + 8) as i16 * lane::<i8>(b, i + 8) as i16)
        }
        I16x8ExtmulLowI8x16U => build(|i| lane::<u8>(a, i) as u16 * lane::<u8>(b, i) as u16),
        I16x8ExtmulHighI8x16U => {
            build(|i| lane::<u8>(a, i + 8) as u16 * lane::<u8>(b, i + 8) as u16)
        }

        // ---- i32x4 arithmetic ----
        I32x4ExtaddPairwiseI16x8S => {
            build(|i| lane::<i16>(a, 2 * i) as i32 + lane::<i16>(a, 2 * i + 1) as i32)
        }
        I32x4ExtaddPairwiseI16x8U => {
            build(|i| lane::<u16>(a, 2 * i) as u32 + lane::<u16>(a, 2 * i + 1) as u32)
        }
        I32x4Abs => map(a, |x: i32| x.wrapping_abs()),
        I32x4Neg => map(a, |x: i32| x.wrapping_neg()),
        I32x4AllTrue => all_true::<u32>(a) as Slot,
        I32x4Bitmask => bitmask::<u32>(a) as Slot,
        I32x4ExtendLowI16x8S => build(|i| lane::<i16>(a, i) as i32),
        I32x4ExtendHighI16x8S => build(|i| lane::<i16>(a, i + 4) as i32),
        I32x4ExtendLowI16x8U => build(|i| lane::<u16>(a, i) as u32),
        I32x4ExtendHighI16x8U => build(|i| lane::<u16>(a, i + 4) as u32),
        I32x4Shl => map(a, |x: u32| x.wrapping_shl(s)),
        I32x4ShrS => map(a, |x: i32| x.wrapping_shr(s)),
        I32x4ShrU => map(a, |x: u32| x.wrapping_shr(s)),
        I32x4Add => zip(a, b, |x: u32, y| x.wrapping_add(y)),
        I32x4Sub => zip(a, b, |x: u32, y| x.wrapping_sub(y)),
        I32x4Mul => zip(a, b, |x: u32, y| x.wrapping_mul(y)),
        I32x4MinS => zip(a, b, |x: i32, y| x.min(y)),
        I32x4MinU => zip(a, b, |x: u32, y| x.min(y)),
        I32x4MaxS => zip(a, b, |x: i32, y| x.max(y)),
        I32x4MaxU => zip(a, b, |x: u32, y| x.max(y)),
        I32x4DotI16x8S => build(|i| {
            let p = |k| lane::<i16>(a, k) as i32 * lane::<i16>(b, k) as i32;
            p(2 * i).wrapping_add(p(2 * i + 1))
        }),
        I32x4ExtmulLowI16x8S => build(|i| lane::<i16>(a, i) as i32 * lane::<i16>(b, i) as i32),
        I32x4ExtmulHighI16x8S => {
            build(|i| lane::<i16>(a, i + 4) as i32 * lane::<i16>(b, i + 4) as i32)
        }
        I32x4ExtmulLowI16x8U => build(|i| lane::<u16>(a, i) as u32 * lane::<u16>(b, i) as u32),
        I32x4ExtmulHighI16x8U => {
            build(|i| lane::<u16>(a, i + 4) as u32 * lane::<u16>(b, i + 4) as u32)
        }

        // ---- i64x2 arithmetic ----
        I64x2Abs => map(a, |x: i64| x.wrapping_abs()),
        I64x2Neg => map(a, |x: i64| x.wrapping_neg()),
        I64x2AllTrue => all_true::<u64>(a) as Slot,
        I64x2Bitmask => bitmask::<u64>(a) as Slot,
        I64x2ExtendLowI32x4S => build(|i| lane::<i32>(a, i) as i64),
        I64x2ExtendHighI32x4S => build(|i| lane::<i32>(a, i + 2) as i64),
        I64x2ExtendLowI32x4U => build(|i| lane::<u32>(a, i) as u64),
        I64x2ExtendHighI32x4U => build(|i| lane::<u32>(a, i + 2) as u64),
        I64x2Shl => map(a, |x: u64| x.wrapping_shl(s)),
        I64x2ShrS => map(a, |x: i64| x.wrapping_shr(s)),
        I64x2ShrU => map(a, |x: u64| x.wrapping_shr(s)),
        I64x2Add => zip(a, b, |x: u64, y| x.wrapping_add(y)),
        I64x2Sub => zip(a, b, |x: u64, y| x.wrapping_sub(y)),
        I64x2Mul => zip(a, b, |x: u64, y| x.wrapping_mul(y)),
        I64x2ExtmulLowI32x4S => build(|i| lane::<i32>(a, i) as i64 * lane::<i32>(b, i) as i64),
        I64x2ExtmulHighI32x4S => {
            build(|i| lane::<i32>(a, i + 2) as i64 * lane::<i32>(b, i + 2) as i64)
        }
        I64x2ExtmulLowI32x4U => build(|i| lane::<u32>(a, i) as u64 * lane::<u32>(b, i) as u64),
        I64x2ExtmulHighI32x4U => {
            build(|i| lane::<u32>(a, i + 2) as u64 * lane::<u32>(b, i + 2) as u64)
        }

        // ---- f32x4 arithmetic (sign operations are bit operations) ----
        F32x4Abs => map(a, |x: u32| x & 0x7fff_ffff),
        F32x4Neg => map(a, |x: u32| x ^ 0x8000_0000),
        F32x4Sqrt => map(a, |x: f32| q32(x.sqrt())),
        F32x4Ceil => map(a, |x: f32| q32(x.ceil())),
        F32x4Floor => map(a, |x: f32| q32(x.floor())),
        F32x4Trunc => map(a, |x: f32| q32(x.trunc())),
        F32x4Nearest => map(a, |x: f32| q32(num::f32_nearest(x))),
        F32x4Add => zip(a, b, |x: f32, y| x + y),
        F32x4Sub => zip(a, b, |x: f32, y| x - y),
        F32x4Mul => zip(a, b, |x: f32, y| x * y),
        F32x4Div => zip(a, b, |x: f32, y| x / y),
        F32x4Min | F32x4RelaxedMin => zip(a, b, num::f32_min),
        F32x4Max | F32x4RelaxedMax => zip(a, b, num::f32_max),
        F32x4Pmin => zip(a, b, pmin::<f32>),
        F32x4Pmax => zip(a, b, pmax::<f32>),

        // ---- f64x2 arithmetic ----
        F64x2Abs => map(a, |x: u64| x & 0x7fff_ffff_ffff_ffff),
        F64x2Neg => map(a, |x: u64| x ^ 0x8000_0000_0000_0000),
        F64x2Sqrt => map(a, |x: f64| q64(x.sqrt())),
        F64x2Ceil => map(a, |x: f64| q64(x.ceil())),
        F64x2Floor => map(a, |x: f64| q64(x.floor())),
        F64x2Trunc => map(a, |x: f64| q64(x.trunc())),
        F64x2Nearest => map(a, |x: f64| q64(num::f64_nearest(x))),
        F64x2Add => zip(a, b, |x: f64, y| x + y),
        F64x2Sub => zip(a, b, |x: f64, y| x - y),
        F64x2Mul => zip(a, b, |x: f64, y| x * y),
        F64x2Div => zip(a, b, |x: f64, y| x / y),
        F64x2Min | F64x2RelaxedMin => zip(a, b, num::f64_min),
        F64x2Max | F64x2RelaxedMax => zip(a, b, num::f64_max),
        F64x2Pmin => zip(a, b, pmin::<f64>),
        F64x2Pmax => zip(a, b, pmax::<f64>),

        // ---- Conversions (spec 4.3.4, lane-wise; `as` saturates and maps
        // NaN to 0 as `trunc_sat` does, and rounds to nearest as `convert`) ----
        I32x4TruncSatF32x4S | I32x4RelaxedTruncF32x4S => build(|i| lane::<f32>(a, i) as i32),
        I32x4TruncSatF32x4U | I32x4RelaxedTruncF32x4U => build(|i| lane::<f32>(a, i) as u32),
        F32x4ConvertI32x4S => build(|i| lane::<i32>(a, i) as f32),
        F32x4ConvertI32x4U => build(|i| lane::<u32>(a, i) as f32),
        I32x4TruncSatF64x2SZero | I32x4RelaxedTruncF64x2SZero => {
            build(|i| if i < 2 { lane::<f64>(a, i) as i32 } else { 0 })
        }
        I32x4TruncSatF64x2UZero | I32x4RelaxedTruncF64x2UZero => {
            build(|i| if i < 2 { lane::<f64>(a, i) as u32 } else { 0 })
        }
        F64x2ConvertLowI32x4S => build(|i| lane::<i32>(a, i) as f64),
        F64x2ConvertLowI32x4U => build(|i| lane::<u32>(a, i) as f64),
        F32x4DemoteF64x2Zero => build(|i| if i < 2 { demote(lane(a, i)) } else { 0.0 }),
        F64x2PromoteLowF32x4 => build(|i| promote(lane(a, i))),

        // ---- Relaxed SIMD: the deterministic choices (see the module doc) ----
        F32x4RelaxedMadd => build(|i| q32(lane::<f32>(a, i).mul_add(lane(b, i), lane(c, i)))),
        F32x4RelaxedNmadd => build(|i| q32((-lane::<f32>(a, i)).mul_add(lane(b, i), lane(c, i)))),
        F64x2RelaxedMadd => build(|i| q64(lane::<f64>(a, i).mul_add(lane(b, i), lane(c, i)))),
        F64x2RelaxedNmadd => build(|i| q64((-lane::<f64>(a, i)).mul_add(lane(b, i), lane(c, i)))),
        I8x16RelaxedLaneselect
        | I16x8RelaxedLaneselect
        | I32x4RelaxedLaneselect
        | I64x2RelaxedLaneselect => (a & c) | (b & !c),
        I16x8RelaxedDotI8x16I7x16S => build(|i| {
            let p = |k| lane::<i8>(a, k) as i16 * lane::<i8>(b, k) as i16;
            p(2 * i).saturating_add(p(2 * i + 1))
        }),
        I32x4RelaxedDotI8x16I7x16AddS => build(|i| {
            let p = |k| lane::<i8>(a, k) as i32 * lane::<i8>(b, k) as i32;
            let dot = (0..4).map(|j| p(4 * i + j)).sum::<i32>();
            dot.wrapping_add(lane(c, i))
        }),
    }
}

/// Lane `e.lane` of `v` as the scalar slot `extract_lane` pushes (spec
/// 4.4.3: 8- and 16-bit lanes extended to i32, signed or not).
pub(crate) fn extract_lane(v: u128, shape: Shape, signed: bool, l: u8) -> Slot {
    let l = l as u32;
    match (shape, signed) {
        (Shape::I8x16, true) => lane::<i8>(v, l) as i32 as u32 as Slot,
        (Shape::I8x16, false) => lane::<u8>(v, l) as Slot,
        (Shape::I16x8, true) => lane::<i16>(v, l) as i32 as u32 as Slot,
        (Shape::I16x8, false) => lane::<u16>(v, l) as Slot,
        (Shape::I32x4 | Shape::F32x4, _) => lane::<u32>(v, l) as Slot,
        (Shape::I64x2 | Shape::F64x2, _) => lane::<u64>(v, l) as Slot,
    }
}

/// `v` with lane `l` replaced by the scalar `x` (spec 4.4.3 `replace_lane`:
/// wrapped to the lane width).
pub(crate) fn replace_lane(v: u128, shape: Shape, l: u8, x: Slot) -> u128 {
    replace_lane_bits(v, shape.lane_bits() as u8, l, x)
}

/// `v` with the `bits`-wide lane `l` replaced by the low bits of `x`
/// (`v128.loadN_lane`, and `replace_lane` for every shape).
pub(crate) fn replace_lane_bits(v: u128, bits: u8, l: u8, x: u128) -> u128 {
    match bits {
        8 => with_lane(v, l as u32, x as u8),
        16 => with_lane(v, l as u32, x as u16),
        32 => with_lane(v, l as u32, x as u32),
        _ => with_lane(v, l as u32, x as u64),
    }
}

/// The `v128` a load of kind `k` makes from the bytes it read (spec
/// 4.4.7.2: `v128.load`, `loadMxN_sx`, `loadN_splat`, `loadN_zero`); `b`
/// holds [`V128LoadKind::bytes`] bytes.
pub(crate) fn load(k: V128LoadKind, b: &[u8]) -> u128 {
    let mut w = [0u8; 16];
    w[..b.len()].copy_from_slice(b);
    extend(k, u128::from_le_bytes(w))
}

/// The vector a load of kind `k` makes of the `k.bytes()` bytes it read,
/// `m` (zero-extended, the first byte lowest).
#[inline]
pub(crate) fn extend(k: V128LoadKind, m: u128) -> u128 {
    use V128LoadKind::*;
    match k {
        Full | Zero32 | Zero64 => m,
        Load8x8S => build(|i| lane::<i8>(m, i) as i16),
        Load8x8U => build(|i| lane::<u8>(m, i) as u16),
        Load16x4S => build(|i| lane::<i16>(m, i) as i32),
        Load16x4U => build(|i| lane::<u16>(m, i) as u32),
        Load32x2S => build(|i| lane::<i32>(m, i) as i64),
        Load32x2U => build(|i| lane::<u32>(m, i) as u64),
        Splat8 => build(|_| m as u8),
        Splat16 => build(|_| m as u16),
        Splat32 => build(|_| m as u32),
        Splat64 => build(|_| m as u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_are_little_endian() {
        let v = u128::from_le_bytes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
        assert_eq!(lane::<u8>(v, 0), 1);
        assert_eq!(lane::<u16>(v, 1), 0x0403);
        assert_eq!(lane::<u32>(v, 3), 0x100f_0e0d);
        assert_eq!(with_lane(v, 15, 0xffu8) >> 120, 0xff);
    }

    #[test]
    fn every_opcode_has_a_type_and_runs() {
        // Each instruction evaluates on all-ones operands without panicking.
        for code in 0..0x200 {
            if let Some(op) = SimdOp::from_opcode(code) {
                let n = op.sig().types().0.len();
                let args = vec![u128::MAX; n];
                let _ = eval(op, &args);
                assert_eq!(op.opcode(), code);
            }
        }
    }
}
