//! SIMD instructions (spec 2.4.1 "Vector Instructions", and the relaxed
//! SIMD proposal): their shapes, the memory and lane instructions'
//! immediates, and [`SimdOp`], every vector instruction without immediates
//! with its opcode (spec 5.4.8), text name and type.
//!
//! What each instruction computes is in `exec::simd`; this module is only
//! the vocabulary the decoder, the validator and the executor share.

use super::types::ValType;

/// The type of an instruction without immediates, as the validator checks
/// it (spec 3.3.1 "Vector Instructions").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimdSig {
    /// `[v128] -> [v128]`
    Unary,
    /// `[v128 v128] -> [v128]`
    Binary,
    /// `[v128 v128 v128] -> [v128]`
    Ternary,
    /// `[v128] -> [i32]`: `any_true`, `all_true`, `bitmask`.
    Test,
    /// `[v128 i32] -> [v128]`: the shifts.
    Shift,
    /// `[t] -> [v128]`: `splat` from a scalar of type `t`.
    Splat(ValType),
}

impl SimdSig {
    /// The operand types, bottom first, and the result type.
    pub fn types(self) -> (&'static [ValType], ValType) {
        use ValType::*;
        match self {
            SimdSig::Unary => (&[V128], V128),
            SimdSig::Binary => (&[V128, V128], V128),
            SimdSig::Ternary => (&[V128, V128, V128], V128),
            SimdSig::Test => (&[V128], I32),
            SimdSig::Shift => (&[V128, I32], V128),
            SimdSig::Splat(I32) => (&[I32], V128),
            SimdSig::Splat(I64) => (&[I64], V128),
            SimdSig::Splat(F32) => (&[F32], V128),
            SimdSig::Splat(_) => (&[F64], V128),
        }
    }
}

// One line per instruction: opcode after the 0xFD prefix, variant, text
// name, type. The macro only turns the table into an enum and three lookups.
macro_rules! simd_ops {
    ($($code:literal => $name:ident $text:literal $sig:expr,)*) => {
        /// A vector instruction without immediates (the 0xFD-prefixed
        /// opcodes other than memory, lane, `v128.const` and `i8x16.shuffle`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)] // the variants are the spec's instructions, named as in the text format
        pub enum SimdOp {
            $($name,)*
        }

        impl SimdOp {
            /// The instruction with this opcode (after the 0xFD prefix).
            pub fn from_opcode(code: u32) -> Option<SimdOp> {
                match code {
                    $($code => Some(SimdOp::$name),)*
                    _ => None,
                }
            }

            /// Its opcode after the 0xFD prefix.
            pub fn opcode(self) -> u32 {
                match self {
                    $(SimdOp::$name => $code,)*
                }
            }

            /// Its name in the text format.
            pub fn name(self) -> &'static str {
                match self {
                    $(SimdOp::$name => $text,)*
                }
            }

            /// Its type.
            pub fn sig(self) -> SimdSig {
                use SimdSig::*;
                match self {
                    $(SimdOp::$name => $sig,)*
                }
            }
        }
    };
}

impl SimdOp {
    /// Whether it belongs to the relaxed SIMD proposal (opcodes 0x100 and up).
    pub fn is_relaxed(self) -> bool {
        self.opcode() >= 0x100
    }

    /// How many operands it takes.
    pub fn arity(self) -> usize {
        self.sig().types().0.len()
    }
}

simd_ops! {
    0x0e => I8x16Swizzle "i8x16.swizzle" Binary,
    0x0f => I8x16Splat "i8x16.splat" Splat(ValType::I32),
    0x10 => I16x8Splat "i16x8.splat" Splat(ValType::I32),
    0x11 => I32x4Splat "i32x4.splat" Splat(ValType::I32),
    0x12 => I64x2Splat "i64x2.splat" Splat(ValType::I64),
    0x13 => F32x4Splat "f32x4.splat" Splat(ValType::F32),
    0x14 => F64x2Splat "f64x2.splat" Splat(ValType::F64),
    0x23 => I8x16Eq "i8x16.eq" Binary,
    0x24 => I8x16Ne "i8x16.ne" Binary,
    0x25 => I8x16LtS "i8x16.lt_s" Binary,
    0x26 => I8x16LtU "i8x16.lt_u" Binary,
    0x27 => I8x16GtS "i8x16.gt_s" Binary,
    0x28 => I8x16GtU "i8x16.gt_u" Binary,
    0x29 => I8x16LeS "i8x16.le_s" Binary,
    0x2a => I8x16LeU "i8x16.le_u" Binary,
    0x2b => I8x16GeS "i8x16.ge_s" Binary,
    0x2c => I8x16GeU "i8x16.ge_u" Binary,
    0x2d => I16x8Eq "i16x8.eq" Binary,
    0x2e => I16x8Ne "i16x8.ne" Binary,
    0x2f => I16x8LtS "i16x8.lt_s" Binary,
    0x30 => I16x8LtU "i16x8.lt_u" Binary,
    0x31 => I16x8GtS "i16x8.gt_s" Binary,
    0x32 => I16x8GtU "i16x8.gt_u" Binary,
    0x33 => I16x8LeS "i16x8.le_s" Binary,
    0x34 => I16x8LeU "i16x8.le_u" Binary,
    0x35 => I16x8GeS "i16x8.ge_s" Binary,
    0x36 => I16x8GeU "i16x8.ge_u" Binary,
    0x37 => I32x4Eq "i32x4.eq" Binary,
    0x38 => I32x4Ne "i32x4.ne" Binary,
    0x39 => I32x4LtS "i32x4.lt_s" Binary,
    0x3a => I32x4LtU "i32x4.lt_u" Binary,
    0x3b => I32x4GtS "i32x4.gt_s" Binary,
    0x3c => I32x4GtU "i32x4.gt_u" Binary,
    0x3d => I32x4LeS "i32x4.le_s" Binary,
    0x3e => I32x4LeU "i32x4.le_u" Binary,
    0x3f => I32x4GeS "i32x4.ge_s" Binary,
    0x40 => I32x4GeU "i32x4.ge_u" Binary,
    0x41 => F32x4Eq "f32x4.eq" Binary,
    0x42 => F32x4Ne "f32x4.ne" Binary,
    0x43 => F32x4Lt "f32x4.lt" Binary,
    0x44 => F32x4Gt "f32x4.gt" Binary,
    0x45 => F32x4Le "f32x4.le" Binary,
    0x46 => F32x4Ge "f32x4.ge" Binary,
    0x47 => F64x2Eq "f64x2.eq" Binary,
    0x48 => F64x2Ne "f64x2.ne" Binary,
    0x49 => F64x2Lt "f64x2.lt" Binary,
    0x4a => F64x2Gt "f64x2.gt" Binary,
    0x4b => F64x2Le "f64x2.le" Binary,
    0x4c => F64x2Ge "f64x2.ge" Binary,
    0x4d => V128Not "v128.not" Unary,
    0x4e => V128And "v128.and" Binary,
    0x4f => V128Andnot "v128.andnot" Binary,
    0x50 => V128Or "v128.or" Binary,
    0x51 => V128Xor "v128.xor" Binary,
    0x52 => V128Bitselect "v128.bitselect" Ternary,
    0x53 => V128AnyTrue "v128.any_true" Test,
    0x5e => F32x4DemoteF64x2Zero "f32x4.demote_f64x2_zero" Unary,
    0x5f => F64x2PromoteLowF32x4 "f64x2.promote_low_f32x4" Unary,
    0x60 => I8x16Abs "i8x16.abs" Unary,
    0x61 => I8x16Neg "i8x16.neg" Unary,
    0x62 => I8x16Popcnt "i8x16.popcnt" Unary,
    0x63 => I8x16AllTrue "i8x16.all_true" Test,
    0x64 => I8x16Bitmask "i8x16.bitmask" Test,
    0x65 => I8x16NarrowI16x8S "i8x16.narrow_i16x8_s" Binary,
    0x66 => I8x16NarrowI16x8U "i8x16.narrow_i16x8_u" Binary,
    0x67 => F32x4Ceil "f32x4.ceil" Unary,
    0x68 => F32x4Floor "f32x4.floor" Unary,
    0x69 => F32x4Trunc "f32x4.trunc" Unary,
    0x6a => F32x4Nearest "f32x4.nearest" Unary,
    0x6b => I8x16Shl "i8x16.shl" Shift,
    0x6c => I8x16ShrS "i8x16.shr_s" Shift,
    0x6d => I8x16ShrU "i8x16.shr_u" Shift,
    0x6e => I8x16Add "i8x16.add" Binary,
    0x6f => I8x16AddSatS "i8x16.add_sat_s" Binary,
    0x70 => I8x16AddSatU "i8x16.add_sat_u" Binary,
    0x71 => I8x16Sub "i8x16.sub" Binary,
    0x72 => I8x16SubSatS "i8x16.sub_sat_s" Binary,
    0x73 => I8x16SubSatU "i8x16.sub_sat_u" Binary,
    0x74 => F64x2Ceil "f64x2.ceil" Unary,
    0x75 => F64x2Floor "f64x2.floor" Unary,
    0x76 => I8x16MinS "i8x16.min_s" Binary,
    0x77 => I8x16MinU "i8x16.min_u" Binary,
    0x78 => I8x16MaxS "i8x16.max_s" Binary,
    0x79 => I8x16MaxU "i8x16.max_u" Binary,
    0x7a => F64x2Trunc "f64x2.trunc" Unary,
    0x7b => I8x16AvgrU "i8x16.avgr_u" Binary,
    0x7c => I16x8ExtaddPairwiseI8x16S "i16x8.extadd_pairwise_i8x16_s" Unary,
    0x7d => I16x8ExtaddPairwiseI8x16U "i16x8.extadd_pairwise_i8x16_u" Unary,
    0x7e => I32x4ExtaddPairwiseI16x8S "i32x4.extadd_pairwise_i16x8_s" Unary,
    0x7f => I32x4ExtaddPairwiseI16x8U "i32x4.extadd_pairwise_i16x8_u" Unary,
    0x80 => I16x8Abs "i16x8.abs" Unary,
    0x81 => I16x8Neg "i16x8.neg" Unary,
    0x82 => I16x8Q15mulrSatS "i16x8.q15mulr_sat_s" Binary,
    0x83 => I16x8AllTrue "i16x8.all_true" Test,
    0x84 => I16x8Bitmask "i16x8.bitmask" Test,
    0x85 => I16x8NarrowI32x4S "i16x8.narrow_i32x4_s" Binary,
    0x86 => I16x8NarrowI32x4U "i16x8.narrow_i32x4_u" Binary,
    0x87 => I16x8ExtendLowI8x16S "i16x8.extend_low_i8x16_s" Unary,
    0x88 => I16x8ExtendHighI8x16S "i16x8.extend_high_i8x16_s" Unary,
    0x89 => I16x8ExtendLowI8x16U "i16x8.extend_low_i8x16_u" Unary,
    0x8a => I16x8ExtendHighI8x16U "i16x8.extend_high_i8x16_u" Unary,
    0x8b => I16x8Shl "i16x8.shl" Shift,
    0x8c => I16x8ShrS "i16x8.shr_s" Shift,
    0x8d => I16x8ShrU "i16x8.shr_u" Shift,
    0x8e => I16x8Add "i16x8.add" Binary,
    0x8f => I16x8AddSatS "i16x8.add_sat_s" Binary,
    0x90 => I16x8AddSatU "i16x8.add_sat_u" Binary,
    0x91 => I16x8Sub "i16x8.sub" Binary,
    0x92 => I16x8SubSatS "i16x8.sub_sat_s" Binary,
    0x93 => I16x8SubSatU "i16x8.sub_sat_u" Binary,
    0x94 => F64x2Nearest "f64x2.nearest" Unary,
    0x95 => I16x8Mul "i16x8.mul" Binary,
    0x96 => I16x8MinS "i16x8.min_s" Binary,
    0x97 => I16x8MinU "i16x8.min_u" Binary,
    0x98 => I16x8MaxS "i16x8.max_s" Binary,
    0x99 => I16x8MaxU "i16x8.max_u" Binary,
    0x9b => I16x8AvgrU "i16x8.avgr_u" Binary,
    0x9c => I16x8ExtmulLowI8x16S "i16x8.extmul_low_i8x16_s" Binary,
    0x9d => I16x8ExtmulHighI8x16S "i16x8.extmul_high_i8x16_s" Binary,
    0x9e => I16x8ExtmulLowI8x16U "i16x8.extmul_low_i8x16_u" Binary,
    0x9f => I16x8ExtmulHighI8x16U "i16x8.extmul_high_i8x16_u" Binary,
    0xa0 => I32x4Abs "i32x4.abs" Unary,
    0xa1 => I32x4Neg "i32x4.neg" Unary,
    0xa3 => I32x4AllTrue "i32x4.all_true" Test,
    0xa4 => I32x4Bitmask "i32x4.bitmask" Test,
    0xa7 => I32x4ExtendLowI16x8S "i32x4.extend_low_i16x8_s" Unary,
    0xa8 => I32x4ExtendHighI16x8S "i32x4.extend_high_i16x8_s" Unary,
    0xa9 => I32x4ExtendLowI16x8U "i32x4.extend_low_i16x8_u" Unary,
    0xaa => I32x4ExtendHighI16x8U "i32x4.extend_high_i16x8_u" Unary,
    0xab => I32x4Shl "i32x4.shl" Shift,
    0xac => I32x4ShrS "i32x4.shr_s" Shift,
    0xad => I32x4ShrU "i32x4.shr_u" Shift,
    0xae => I32x4Add "i32x4.add" Binary,
    0xb1 => I32x4Sub "i32x4.sub" Binary,
    0xb5 => I32x4Mul "i32x4.mul" Binary,
    0xb6 => I32x4MinS "i32x4.min_s" Binary,
    0xb7 => I32x4MinU "i32x4.min_u" Binary,
    0xb8 => I32x4MaxS "i32x4.max_s" Binary,
    0xb9 => I32x4MaxU "i32x4.max_u" Binary,
    0xba => I32x4DotI16x8S "i32x4.dot_i16x8_s" Binary,
    0xbc => I32x4ExtmulLowI16x8S "i32x4.extmul_low_i16x8_s" Binary,
    0xbd => I32x4ExtmulHighI16x8S "i32x4.extmul_high_i16x8_s" Binary,
    0xbe => I32x4ExtmulLowI16x8U "i32x4.extmul_low_i16x8_u" Binary,
    0xbf => I32x4ExtmulHighI16x8U "i32x4.extmul_high_i16x8_u" Binary,
    0xc0 => I64x2Abs "i64x2.abs" Unary,
    0xc1 => I64x2Neg "i64x2.neg" Unary,
    0xc3 => I64x2AllTrue "i64x2.all_true" Test,
    0xc4 => I64x2Bitmask "i64x2.bitmask" Test,
    0xc7 => I64x2ExtendLowI32x4S "i64x2.extend_low_i32x4_s" Unary,
    0xc8 => I64x2ExtendHighI32x4S "i64x2.extend_high_i32x4_s" Unary,
    0xc9 => I64x2ExtendLowI32x4U "i64x2.extend_low_i32x4_u" Unary,
    0xca => I64x2ExtendHighI32x4U "i64x2.extend_high_i32x4_u" Unary,
    0xcb => I64x2Shl "i64x2.shl" Shift,
    0xcc => I64x2ShrS "i64x2.shr_s" Shift,
    0xcd => I64x2ShrU "i64x2.shr_u" Shift,
    0xce => I64x2Add "i64x2.add" Binary,
    0xd1 => I64x2Sub "i64x2.sub" Binary,
    0xd5 => I64x2Mul "i64x2.mul" Binary,
    0xd6 => I64x2Eq "i64x2.eq" Binary,
    0xd7 => I64x2Ne "i64x2.ne" Binary,
    0xd8 => I64x2LtS "i64x2.lt_s" Binary,
    0xd9 => I64x2GtS "i64x2.gt_s" Binary,
    0xda => I64x2LeS "i64x2.le_s" Binary,
    0xdb => I64x2GeS "i64x2.ge_s" Binary,
    0xdc => I64x2ExtmulLowI32x4S "i64x2.extmul_low_i32x4_s" Binary,
    0xdd => I64x2ExtmulHighI32x4S "i64x2.extmul_high_i32x4_s" Binary,
    0xde => I64x2ExtmulLowI32x4U "i64x2.extmul_low_i32x4_u" Binary,
    0xdf => I64x2ExtmulHighI32x4U "i64x2.extmul_high_i32x4_u" Binary,
    0xe0 => F32x4Abs "f32x4.abs" Unary,
    0xe1 => F32x4Neg "f32x4.neg" Unary,
    0xe3 => F32x4Sqrt "f32x4.sqrt" Unary,
    0xe4 => F32x4Add "f32x4.add" Binary,
    0xe5 => F32x4Sub "f32x4.sub" Binary,
    0xe6 => F32x4Mul "f32x4.mul" Binary,
    0xe7 => F32x4Div "f32x4.div" Binary,
    0xe8 => F32x4Min "f32x4.min" Binary,
    0xe9 => F32x4Max "f32x4.max" Binary,
    0xea => F32x4Pmin "f32x4.pmin" Binary,
    0xeb => F32x4Pmax "f32x4.pmax" Binary,
    0xec => F64x2Abs "f64x2.abs" Unary,
    0xed => F64x2Neg "f64x2.neg" Unary,
    0xef => F64x2Sqrt "f64x2.sqrt" Unary,
    0xf0 => F64x2Add "f64x2.add" Binary,
    0xf1 => F64x2Sub "f64x2.sub" Binary,
    0xf2 => F64x2Mul "f64x2.mul" Binary,
    0xf3 => F64x2Div "f64x2.div" Binary,
    0xf4 => F64x2Min "f64x2.min" Binary,
    0xf5 => F64x2Max "f64x2.max" Binary,
    0xf6 => F64x2Pmin "f64x2.pmin" Binary,
    0xf7 => F64x2Pmax "f64x2.pmax" Binary,
    0xf8 => I32x4TruncSatF32x4S "i32x4.trunc_sat_f32x4_s" Unary,
    0xf9 => I32x4TruncSatF32x4U "i32x4.trunc_sat_f32x4_u" Unary,
    0xfa => F32x4ConvertI32x4S "f32x4.convert_i32x4_s" Unary,
    0xfb => F32x4ConvertI32x4U "f32x4.convert_i32x4_u" Unary,
    0xfc => I32x4TruncSatF64x2SZero "i32x4.trunc_sat_f64x2_s_zero" Unary,
    0xfd => I32x4TruncSatF64x2UZero "i32x4.trunc_sat_f64x2_u_zero" Unary,
    0xfe => F64x2ConvertLowI32x4S "f64x2.convert_low_i32x4_s" Unary,
    0xff => F64x2ConvertLowI32x4U "f64x2.convert_low_i32x4_u" Unary,
    0x100 => I8x16RelaxedSwizzle "i8x16.relaxed_swizzle" Binary,
    0x101 => I32x4RelaxedTruncF32x4S "i32x4.relaxed_trunc_f32x4_s" Unary,
    0x102 => I32x4RelaxedTruncF32x4U "i32x4.relaxed_trunc_f32x4_u" Unary,
    0x103 => I32x4RelaxedTruncF64x2SZero "i32x4.relaxed_trunc_f64x2_s_zero" Unary,
    0x104 => I32x4RelaxedTruncF64x2UZero "i32x4.relaxed_trunc_f64x2_u_zero" Unary,
    0x105 => F32x4RelaxedMadd "f32x4.relaxed_madd" Ternary,
    0x106 => F32x4RelaxedNmadd "f32x4.relaxed_nmadd" Ternary,
    0x107 => F64x2RelaxedMadd "f64x2.relaxed_madd" Ternary,
    0x108 => F64x2RelaxedNmadd "f64x2.relaxed_nmadd" Ternary,
    0x109 => I8x16RelaxedLaneselect "i8x16.relaxed_laneselect" Ternary,
    0x10a => I16x8RelaxedLaneselect "i16x8.relaxed_laneselect" Ternary,
    0x10b => I32x4RelaxedLaneselect "i32x4.relaxed_laneselect" Ternary,
    0x10c => I64x2RelaxedLaneselect "i64x2.relaxed_laneselect" Ternary,
    0x10d => F32x4RelaxedMin "f32x4.relaxed_min" Binary,
    0x10e => F32x4RelaxedMax "f32x4.relaxed_max" Binary,
    0x10f => F64x2RelaxedMin "f64x2.relaxed_min" Binary,
    0x110 => F64x2RelaxedMax "f64x2.relaxed_max" Binary,
    0x111 => I16x8RelaxedQ15mulrS "i16x8.relaxed_q15mulr_s" Binary,
    0x112 => I16x8RelaxedDotI8x16I7x16S "i16x8.relaxed_dot_i8x16_i7x16_s" Binary,
    0x113 => I32x4RelaxedDotI8x16I7x16AddS "i32x4.relaxed_dot_i8x16_i7x16_add_s" Ternary,
}

/// How a `v128` load reads memory (spec 2.4.7, 4.4.7.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum V128LoadKind {
    /// `v128.load`: 16 bytes.
    Full,
    /// `v128.load8x8_s`: 8 bytes, each sign-extended to an i16 lane.
    Load8x8S,
    /// `v128.load8x8_u`
    Load8x8U,
    /// `v128.load16x4_s`
    Load16x4S,
    /// `v128.load16x4_u`
    Load16x4U,
    /// `v128.load32x2_s`
    Load32x2S,
    /// `v128.load32x2_u`
    Load32x2U,
    /// `v128.load8_splat`: one byte into every lane.
    Splat8,
    /// `v128.load16_splat`
    Splat16,
    /// `v128.load32_splat`
    Splat32,
    /// `v128.load64_splat`
    Splat64,
    /// `v128.load32_zero`: into lane 0, the rest zero.
    Zero32,
    /// `v128.load64_zero`
    Zero64,
}

impl V128LoadKind {
    /// The number of bytes read, whose log2 is the largest valid alignment.
    pub fn bytes(self) -> u32 {
        use V128LoadKind::*;
        match self {
            Full => 16,
            Load8x8S | Load8x8U | Load16x4S | Load16x4U | Load32x2S | Load32x2U => 8,
            Splat8 => 1,
            Splat16 => 2,
            Splat32 | Zero32 => 4,
            Splat64 | Zero64 => 8,
        }
    }
}

/// The lane shapes (spec 2.4.1 `shape`): lane type and lane count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shape {
    /// 16 lanes of 8 bits.
    I8x16,
    /// 8 lanes of 16 bits.
    I16x8,
    /// 4 lanes of 32 bits.
    I32x4,
    /// 2 lanes of 64 bits.
    I64x2,
    /// 4 lanes of `f32`.
    F32x4,
    /// 2 lanes of `f64`.
    F64x2,
}

impl Shape {
    /// The number of lanes.
    pub fn lanes(self) -> u8 {
        match self {
            Shape::I8x16 => 16,
            Shape::I16x8 => 8,
            Shape::I32x4 | Shape::F32x4 => 4,
            Shape::I64x2 | Shape::F64x2 => 2,
        }
    }

    /// The width of a lane in bits.
    pub fn lane_bits(self) -> u32 {
        128 / self.lanes() as u32
    }

    /// The scalar type a lane is read as (`unpacked`, spec 2.4.1: i32 for
    /// 8- and 16-bit lanes).
    pub fn scalar(self) -> ValType {
        match self {
            Shape::I8x16 | Shape::I16x8 | Shape::I32x4 => ValType::I32,
            Shape::I64x2 => ValType::I64,
            Shape::F32x4 => ValType::F32,
            Shape::F64x2 => ValType::F64,
        }
    }

    /// Its name in the text format.
    pub fn name(self) -> &'static str {
        match self {
            Shape::I8x16 => "i8x16",
            Shape::I16x8 => "i16x8",
            Shape::I32x4 => "i32x4",
            Shape::I64x2 => "i64x2",
            Shape::F32x4 => "f32x4",
            Shape::F64x2 => "f64x2",
        }
    }

    /// Every shape, in the order the text format lists them.
    pub const ALL: [Shape; 6] = [
        Shape::I8x16,
        Shape::I16x8,
        Shape::I32x4,
        Shape::I64x2,
        Shape::F32x4,
        Shape::F64x2,
    ];

    /// The shape with this text name.
    pub fn from_name(s: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|sh| sh.name() == s)
    }
}

/// An `extract_lane` instruction's shape and signedness (spec 2.4.1:
/// `i8x16`/`i16x8` lanes are extended to i32, signed or not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExtractLane {
    /// The shape the vector is read in.
    pub shape: Shape,
    /// Sign-extend a narrow lane (`_s`) rather than zero-extend (`_u`).
    pub signed: bool,
    /// The lane read.
    pub lane: u8,
}
