//! The numeric instructions (spec 4.3, 4.4.1) as data: every unary and
//! binary scalar operator is a [`UnOp`] or a [`BinOp`], defined once in the
//! table below with its semantics on slots (decision D2: integers as two's
//! complement in the low bits, floats as their IEEE bits).
//!
//! The executable form (`exec::code`) refers to these by value: one
//! instruction `Un { op, .. }` or `Bin { op, .. }` per numeric instruction,
//! its operands and result in frame slots. The operators that need more
//! than a Rust operator (trapping division, the float rules of min, max and
//! nearest, float-to-int truncation) are in `numeric`.

use super::numeric::{self as num, q32, q64};
use crate::api::Trap;
use crate::runtime::slot::Slot;
use crate::syntax::Instr;

// ---- Slot views (decision D2) ----
#[inline(always)]
pub(crate) fn i32_(s: Slot) -> i32 {
    s as u32 as i32
}
#[inline(always)]
pub(crate) fn u32_(s: Slot) -> u32 {
    s as u32
}
#[inline(always)]
pub(crate) fn i64_(s: Slot) -> i64 {
    s as i64
}
#[inline(always)]
pub(crate) fn u64_(s: Slot) -> u64 {
    s as u64
}
#[inline(always)]
pub(crate) fn f32_(s: Slot) -> f32 {
    f32::from_bits(s as u32)
}
#[inline(always)]
pub(crate) fn f64_(s: Slot) -> f64 {
    f64::from_bits(s as u64)
}
#[inline(always)]
pub(crate) fn from_i32(v: i32) -> Slot {
    v as u32 as Slot
}
#[inline(always)]
pub(crate) fn from_u32(v: u32) -> Slot {
    v as Slot
}
#[inline(always)]
pub(crate) fn from_i64(v: i64) -> Slot {
    v as u64 as Slot
}
#[inline(always)]
pub(crate) fn from_u64(v: u64) -> Slot {
    v as Slot
}
#[inline(always)]
pub(crate) fn from_f32(v: f32) -> Slot {
    v.to_bits() as Slot
}
#[inline(always)]
pub(crate) fn from_f64(v: f64) -> Slot {
    v.to_bits() as Slot
}
#[inline(always)]
pub(crate) fn from_bool(b: bool) -> Slot {
    b as Slot
}

/// Defines `UnOp` (`unary_ops!`) and `BinOp` (`binary_ops!`) from their
/// tables. Each line: `ok NAME(get -> put) |a| expr;` (for `BinOp`,
/// `|a, b|`), where `get` reads an operand slot and `put` makes the result
/// slot from `expr`; a `trap` line's `expr` is a `Result` (it may trap).
/// NAME is also the name of the `Instr` variant.
macro_rules! unary_ops {
    ($($kind:ident $name:ident ($get:ident -> $put:ident) |$x:ident| $e:expr;)*) => {
        /// A unary numeric operator (spec 4.3): a test, unary or conversion
        /// instruction.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub(crate) enum UnOp {
            $( $name, )*
        }

        impl UnOp {
            /// The operator of a unary numeric instruction.
            pub(crate) fn of(i: &Instr) -> Option<UnOp> {
                match i {
                    $( Instr::$name => Some(UnOp::$name), )*
                    _ => None,
                }
            }
            /// `op a` (spec 4.3), or its trap.
            #[inline(always)]
            pub(crate) fn eval(self, a: Slot) -> Result<Slot, Trap> {
                match self {
                    $( UnOp::$name => {
                        let $x = $get(a);
                        Ok($put(numeric_result!($kind $e)))
                    } )*
                }
            }
        }
    };
}

macro_rules! binary_ops {
    ($($kind:ident $name:ident ($get:ident -> $put:ident) |$x:ident, $y:ident| $e:expr;)*) => {
        /// A binary numeric operator (spec 4.3): a comparison or binary
        /// instruction.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub(crate) enum BinOp {
            $( $name, )*
        }

        impl BinOp {
            /// The operator of a binary numeric instruction.
            pub(crate) fn of(i: &Instr) -> Option<BinOp> {
                match i {
                    $( Instr::$name => Some(BinOp::$name), )*
                    _ => None,
                }
            }
            /// `a op b` (spec 4.3), or its trap.
            #[inline(always)]
            pub(crate) fn eval(self, a: Slot, b: Slot) -> Result<Slot, Trap> {
                match self {
                    $( BinOp::$name => {
                        let ($x, $y) = ($get(a), $get(b));
                        Ok($put(numeric_result!($kind $e)))
                    } )*
                }
            }
        }
    };
}

/// The value of an operator line's expression: as is (`ok`), or through
/// `?` (`trap`).
macro_rules! numeric_result {
    (ok $e:expr) => {
        $e
    };
    (trap $e:expr) => {
        $e?
    };
}

unary_ops! {
    // ---- Tests and comparisons (spec 4.3.2, 4.3.3) ----
    ok I32Eqz(u32_ -> from_bool) |a| a == 0;
    ok I64Eqz(u64_ -> from_bool) |a| a == 0;

    // ---- Integer arithmetic (spec 4.3.2) ----
    ok I32Clz(u32_ -> from_u32) |a| a.leading_zeros();
    ok I32Ctz(u32_ -> from_u32) |a| a.trailing_zeros();
    ok I32Popcnt(u32_ -> from_u32) |a| a.count_ones();
    ok I64Clz(u64_ -> from_u64) |a| a.leading_zeros() as u64;
    ok I64Ctz(u64_ -> from_u64) |a| a.trailing_zeros() as u64;
    ok I64Popcnt(u64_ -> from_u64) |a| a.count_ones() as u64;

    // ---- Float arithmetic (spec 4.3.3). Sign and magnitude operations
    // are bit operations (`fabs`, `fneg`, `fcopysign`): they keep NaN
    // payloads. ----
    ok F32Abs(u64_ -> from_u64) |a| a & 0x7fff_ffff;
    ok F32Neg(u64_ -> from_u64) |a| a ^ 0x8000_0000;
    ok F32Ceil(f32_ -> from_f32) |a| q32(a.ceil());
    ok F32Floor(f32_ -> from_f32) |a| q32(a.floor());
    ok F32Trunc(f32_ -> from_f32) |a| q32(a.trunc());
    ok F32Nearest(f32_ -> from_f32) |a| q32(num::f32_nearest(a));
    ok F32Sqrt(f32_ -> from_f32) |a| q32(a.sqrt());
    ok F64Abs(u64_ -> from_u64) |a| a & 0x7fff_ffff_ffff_ffff;
    ok F64Neg(u64_ -> from_u64) |a| a ^ 0x8000_0000_0000_0000;
    ok F64Ceil(f64_ -> from_f64) |a| q64(a.ceil());
    ok F64Floor(f64_ -> from_f64) |a| q64(a.floor());
    ok F64Trunc(f64_ -> from_f64) |a| q64(a.trunc());
    ok F64Nearest(f64_ -> from_f64) |a| q64(num::f64_nearest(a));
    ok F64Sqrt(f64_ -> from_f64) |a| q64(a.sqrt());

    // ---- Conversions (spec 4.3.4). Rust's `as` from integer to float
    // rounds to nearest, ties to even, as `convert` does; from float to
    // integer it saturates and maps NaN to 0, as `trunc_sat` does. ----
    ok I32WrapI64(u64_ -> from_u32) |a| a as u32;
    trap I32TruncF32S(f32_ -> from_i32) |a| num::i32_trunc_f32_s(a);
    trap I32TruncF32U(f32_ -> from_u32) |a| num::i32_trunc_f32_u(a);
    trap I32TruncF64S(f64_ -> from_i32) |a| num::i32_trunc_f64_s(a);
    trap I32TruncF64U(f64_ -> from_u32) |a| num::i32_trunc_f64_u(a);
    ok I64ExtendI32S(i32_ -> from_i64) |a| a as i64;
    ok I64ExtendI32U(u32_ -> from_u64) |a| a as u64;
    trap I64TruncF32S(f32_ -> from_i64) |a| num::i64_trunc_f32_s(a);
    trap I64TruncF32U(f32_ -> from_u64) |a| num::i64_trunc_f32_u(a);
    trap I64TruncF64S(f64_ -> from_i64) |a| num::i64_trunc_f64_s(a);
    trap I64TruncF64U(f64_ -> from_u64) |a| num::i64_trunc_f64_u(a);
    ok F32ConvertI32S(i32_ -> from_f32) |a| a as f32;
    ok F32ConvertI32U(u32_ -> from_f32) |a| a as f32;
    ok F32ConvertI64S(i64_ -> from_f32) |a| a as f32;
    ok F32ConvertI64U(u64_ -> from_f32) |a| a as f32;
    ok F32DemoteF64(f64_ -> from_f32) |a| q32(a as f32);
    ok F64ConvertI32S(i32_ -> from_f64) |a| a as f64;
    ok F64ConvertI32U(u32_ -> from_f64) |a| a as f64;
    ok F64ConvertI64S(i64_ -> from_f64) |a| a as f64;
    ok F64ConvertI64U(u64_ -> from_f64) |a| a as f64;
    ok F64PromoteF32(f32_ -> from_f64) |a| q64(a as f64);
    // The bits stay as they are.
    ok I32ReinterpretF32(u32_ -> from_u32) |a| a;
    ok I64ReinterpretF64(u64_ -> from_u64) |a| a;
    ok F32ReinterpretI32(u32_ -> from_u32) |a| a;
    ok F64ReinterpretI64(u64_ -> from_u64) |a| a;
    ok I32Extend8S(u32_ -> from_i32) |a| a as i8 as i32;
    ok I32Extend16S(u32_ -> from_i32) |a| a as i16 as i32;
    ok I64Extend8S(u64_ -> from_i64) |a| a as i8 as i64;
    ok I64Extend16S(u64_ -> from_i64) |a| a as i16 as i64;
    ok I64Extend32S(u64_ -> from_i64) |a| a as i32 as i64;
    ok I32TruncSatF32S(f32_ -> from_i32) |a| a as i32;
    ok I32TruncSatF32U(f32_ -> from_u32) |a| a as u32;
    ok I32TruncSatF64S(f64_ -> from_i32) |a| a as i32;
    ok I32TruncSatF64U(f64_ -> from_u32) |a| a as u32;
    ok I64TruncSatF32S(f32_ -> from_i64) |a| a as i64;
    ok I64TruncSatF32U(f32_ -> from_u64) |a| a as u64;
    ok I64TruncSatF64S(f64_ -> from_i64) |a| a as i64;
    ok I64TruncSatF64U(f64_ -> from_u64) |a| a as u64;
}

binary_ops! {
    // ---- Tests and comparisons (spec 4.3.2, 4.3.3) ----
    ok I32Eq(u32_ -> from_bool) |a, b| a == b;
    ok I32Ne(u32_ -> from_bool) |a, b| a != b;
    ok I32LtS(i32_ -> from_bool) |a, b| a < b;
    ok I32LtU(u32_ -> from_bool) |a, b| a < b;
    ok I32GtS(i32_ -> from_bool) |a, b| a > b;
    ok I32GtU(u32_ -> from_bool) |a, b| a > b;
    ok I32LeS(i32_ -> from_bool) |a, b| a <= b;
    ok I32LeU(u32_ -> from_bool) |a, b| a <= b;
    ok I32GeS(i32_ -> from_bool) |a, b| a >= b;
    ok I32GeU(u32_ -> from_bool) |a, b| a >= b;
    ok I64Eq(u64_ -> from_bool) |a, b| a == b;
    ok I64Ne(u64_ -> from_bool) |a, b| a != b;
    ok I64LtS(i64_ -> from_bool) |a, b| a < b;
    ok I64LtU(u64_ -> from_bool) |a, b| a < b;
    ok I64GtS(i64_ -> from_bool) |a, b| a > b;
    ok I64GtU(u64_ -> from_bool) |a, b| a > b;
    ok I64LeS(i64_ -> from_bool) |a, b| a <= b;
    ok I64LeU(u64_ -> from_bool) |a, b| a <= b;
    ok I64GeS(i64_ -> from_bool) |a, b| a >= b;
    ok I64GeU(u64_ -> from_bool) |a, b| a >= b;
    ok F32Eq(f32_ -> from_bool) |a, b| a == b;
    ok F32Ne(f32_ -> from_bool) |a, b| a != b;
    ok F32Lt(f32_ -> from_bool) |a, b| a < b;
    ok F32Gt(f32_ -> from_bool) |a, b| a > b;
    ok F32Le(f32_ -> from_bool) |a, b| a <= b;
    ok F32Ge(f32_ -> from_bool) |a, b| a >= b;
    ok F64Eq(f64_ -> from_bool) |a, b| a == b;
    ok F64Ne(f64_ -> from_bool) |a, b| a != b;
    ok F64Lt(f64_ -> from_bool) |a, b| a < b;
    ok F64Gt(f64_ -> from_bool) |a, b| a > b;
    ok F64Le(f64_ -> from_bool) |a, b| a <= b;
    ok F64Ge(f64_ -> from_bool) |a, b| a >= b;

    // ---- Integer arithmetic (spec 4.3.2) ----
    ok I32Add(u32_ -> from_u32) |a, b| a.wrapping_add(b);
    ok I32Sub(u32_ -> from_u32) |a, b| a.wrapping_sub(b);
    ok I32Mul(u32_ -> from_u32) |a, b| a.wrapping_mul(b);
    trap I32DivS(i32_ -> from_i32) |a, b| num::i32_div_s(a, b);
    trap I32DivU(u32_ -> from_u32) |a, b| num::i32_div_u(a, b);
    trap I32RemS(i32_ -> from_i32) |a, b| num::i32_rem_s(a, b);
    trap I32RemU(u32_ -> from_u32) |a, b| num::i32_rem_u(a, b);
    ok I32And(u32_ -> from_u32) |a, b| a & b;
    ok I32Or(u32_ -> from_u32) |a, b| a | b;
    ok I32Xor(u32_ -> from_u32) |a, b| a ^ b;
    ok I32Shl(u32_ -> from_u32) |a, b| a.wrapping_shl(b);
    ok I32ShrS(i32_ -> from_i32) |a, b| a.wrapping_shr(b as u32);
    ok I32ShrU(u32_ -> from_u32) |a, b| a.wrapping_shr(b);
    ok I32Rotl(u32_ -> from_u32) |a, b| a.rotate_left(b);
    ok I32Rotr(u32_ -> from_u32) |a, b| a.rotate_right(b);
    ok I64Add(u64_ -> from_u64) |a, b| a.wrapping_add(b);
    ok I64Sub(u64_ -> from_u64) |a, b| a.wrapping_sub(b);
    ok I64Mul(u64_ -> from_u64) |a, b| a.wrapping_mul(b);
    trap I64DivS(i64_ -> from_i64) |a, b| num::i64_div_s(a, b);
    trap I64DivU(u64_ -> from_u64) |a, b| num::i64_div_u(a, b);
    trap I64RemS(i64_ -> from_i64) |a, b| num::i64_rem_s(a, b);
    trap I64RemU(u64_ -> from_u64) |a, b| num::i64_rem_u(a, b);
    ok I64And(u64_ -> from_u64) |a, b| a & b;
    ok I64Or(u64_ -> from_u64) |a, b| a | b;
    ok I64Xor(u64_ -> from_u64) |a, b| a ^ b;
    ok I64Shl(u64_ -> from_u64) |a, b| a.wrapping_shl(b as u32);
    ok I64ShrS(i64_ -> from_i64) |a, b| a.wrapping_shr(b as u32);
    ok I64ShrU(u64_ -> from_u64) |a, b| a.wrapping_shr(b as u32);
    ok I64Rotl(u64_ -> from_u64) |a, b| a.rotate_left((b % 64) as u32);
    ok I64Rotr(u64_ -> from_u64) |a, b| a.rotate_right((b % 64) as u32);

    // ---- Float arithmetic (spec 4.3.3). Sign and magnitude operations
    // are bit operations (`fabs`, `fneg`, `fcopysign`): they keep NaN
    // payloads. ----
    ok F32Copysign(u64_ -> from_u64) |a, b| (a & 0x7fff_ffff) | (b & 0x8000_0000);
    ok F32Add(f32_ -> from_f32) |a, b| a + b;
    ok F32Sub(f32_ -> from_f32) |a, b| a - b;
    ok F32Mul(f32_ -> from_f32) |a, b| a * b;
    ok F32Div(f32_ -> from_f32) |a, b| a / b;
    ok F32Min(f32_ -> from_f32) |a, b| num::f32_min(a, b);
    ok F32Max(f32_ -> from_f32) |a, b| num::f32_max(a, b);
    ok F64Copysign(u64_ -> from_u64) |a, b| (a & 0x7fff_ffff_ffff_ffff) | (b & 0x8000_0000_0000_0000);
    ok F64Add(f64_ -> from_f64) |a, b| a + b;
    ok F64Sub(f64_ -> from_f64) |a, b| a - b;
    ok F64Mul(f64_ -> from_f64) |a, b| a * b;
    ok F64Div(f64_ -> from_f64) |a, b| a / b;
    ok F64Min(f64_ -> from_f64) |a, b| num::f64_min(a, b);
    ok F64Max(f64_ -> from_f64) |a, b| num::f64_max(a, b);

    // ---- Conversions (spec 4.3.4). Rust's `as` from integer to float
    // rounds to nearest, ties to even, as `convert` does; from float to
    // integer it saturates and maps NaN to 0, as `trunc_sat` does. ----
    // The bits stay as they are.
}

impl BinOp {
    /// Whether this is an integer comparison (which a branch can take in
    /// place of its `i32` result), and the comparison that holds exactly
    /// when this one does not. Float comparisons have no such negation
    /// (a NaN makes both false).
    pub(crate) fn negated(self) -> Option<BinOp> {
        use BinOp::*;
        Some(match self {
            I32Eq => I32Ne,
            I32Ne => I32Eq,
            I32LtS => I32GeS,
            I32GeS => I32LtS,
            I32LtU => I32GeU,
            I32GeU => I32LtU,
            I32GtS => I32LeS,
            I32LeS => I32GtS,
            I32GtU => I32LeU,
            I32LeU => I32GtU,
            I64Eq => I64Ne,
            I64Ne => I64Eq,
            I64LtS => I64GeS,
            I64GeS => I64LtS,
            I64LtU => I64GeU,
            I64GeU => I64LtU,
            I64GtS => I64LeS,
            I64LeS => I64GtS,
            I64GtU => I64LeU,
            I64LeU => I64GtU,
            _ => return None,
        })
    }
}
