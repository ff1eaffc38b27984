;; Relaxed SIMD: for each instruction, results that the proposal leaves to
;; the implementation are checked with `either` listing every allowed one
;; (the crate's `i32x4_relaxed_trunc.wast` has no assertions, and its other
;; files leave some instructions' edge cases out). The second module pins
;; the deterministic choice of this interpreter, documented in
;; proposal-notes/simd.md, so that a change of it is noticed.

(module
  (func (export "trunc_f32x4_s") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
  (func (export "trunc_f32x4_u") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_u (local.get 0)))
  (func (export "trunc_f64x2_s_zero") (param v128) (result v128) (i32x4.relaxed_trunc_f64x2_s_zero (local.get 0)))
  (func (export "trunc_f64x2_u_zero") (param v128) (result v128) (i32x4.relaxed_trunc_f64x2_u_zero (local.get 0)))
  (func (export "swizzle") (param v128 v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
  (func (export "madd") (param v128 v128 v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "nmadd") (param v128 v128 v128) (result v128) (f32x4.relaxed_nmadd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "min") (param v128 v128) (result v128) (f32x4.relaxed_min (local.get 0) (local.get 1)))
  (func (export "max") (param v128 v128) (result v128) (f64x2.relaxed_max (local.get 0) (local.get 1)))
  (func (export "laneselect") (param v128 v128 v128) (result v128) (i32x4.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "q15mulr") (param v128 v128) (result v128) (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
)

;; In range, every choice agrees: truncation toward zero.
(assert_return (invoke "trunc_f32x4_s" (v128.const f32x4 1.9 -1.9 0 -2147483520))
               (v128.const i32x4 1 -1 0 -2147483520))
(assert_return (invoke "trunc_f32x4_u" (v128.const f32x4 1.9 0 4294967040 2))
               (v128.const i32x4 1 0 4294967040 2))
;; NaN and out of range: saturated, or INT_MIN (x86's cvttps2dq), per lane.
(assert_return (invoke "trunc_f32x4_s" (v128.const f32x4 nan 3e9 -3e9 1))
               (either (v128.const i32x4 0 2147483647 -2147483648 1)
                       (v128.const i32x4 -2147483648 -2147483648 -2147483648 1)))
(assert_return (invoke "trunc_f32x4_u" (v128.const f32x4 nan 5e9 -1 1))
               (either (v128.const i32x4 0 -1 0 1)
                       (v128.const i32x4 -1 -1 -1 1)))
(assert_return (invoke "trunc_f64x2_s_zero" (v128.const f64x2 -1.5 1e10))
               (either (v128.const i32x4 -1 2147483647 0 0)
                       (v128.const i32x4 -1 -2147483648 0 0)))
(assert_return (invoke "trunc_f64x2_u_zero" (v128.const f64x2 nan 7.9))
               (either (v128.const i32x4 0 7 0 0)
                       (v128.const i32x4 -1 7 0 0)))

;; Indices past 15: zero (swizzle), or the index modulo 16 when below 128.
(assert_return (invoke "swizzle" (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
                                 (v128.const i8x16 15 0 16 17 255 128 3 3 3 3 3 3 3 3 3 3))
               (either (v128.const i8x16 15 0 0 0 0 0 3 3 3 3 3 3 3 3 3 3)
                       (v128.const i8x16 15 0 0 1 0 0 3 3 3 3 3 3 3 3 3 3)))

;; One rounding (fused) or two: (1 + 2^-12) squared minus 1.
(assert_return (invoke "madd" (v128.const f32x4 0x1.001p+0 1 1 nan)
                              (v128.const f32x4 0x1.001p+0 1 1 1)
                              (v128.const f32x4 -1 -1 0.5 1))
               (either (v128.const f32x4 0x1.0008p-11 0 1.5 nan:arithmetic)
                       (v128.const f32x4 0x1p-11 0 1.5 nan:arithmetic)))
(assert_return (invoke "nmadd" (v128.const f32x4 2 -3 0 1)
                               (v128.const f32x4 3 3 7 1)
                               (v128.const f32x4 1 1 1 inf))
               (v128.const f32x4 -5 10 1 inf))

;; With a NaN operand: NaN or either operand.
(assert_return (invoke "min" (v128.const f32x4 nan 1 2 3) (v128.const f32x4 1 1 1 1))
               (either (v128.const f32x4 nan:arithmetic 1 1 1)
                       (v128.const f32x4 1 1 1 1)))
;; Zeros of different signs: either zero.
(assert_return (invoke "min" (v128.const f32x4 0 -0 5 -5) (v128.const f32x4 -0 0 5 5))
               (either (v128.const f32x4 -0 -0 5 -5)
                       (v128.const f32x4 0 0 5 -5)
                       (v128.const f32x4 0 -0 5 -5)
                       (v128.const f32x4 -0 0 5 -5)))
(assert_return (invoke "max" (v128.const f64x2 2 3) (v128.const f64x2 1 4))
               (v128.const f64x2 2 4))

;; A mask lane of all ones or all zeros selects whole lanes everywhere.
(assert_return (invoke "laneselect" (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8)
                                    (v128.const i32x4 -1 0 -1 0))
               (v128.const i32x4 1 6 3 8))

;; -32768 * -32768: saturated to 32767, or wrapped to -32768.
(assert_return (invoke "q15mulr" (v128.const i16x8 -32768 16384 0 0 0 0 0 0)
                                 (v128.const i16x8 -32768 16384 0 0 0 0 0 0))
               (either (v128.const i16x8 32767 8192 0 0 0 0 0 0)
                       (v128.const i16x8 -32768 8192 0 0 0 0 0 0)))

;; This interpreter's deterministic choices (proposal-notes/simd.md).
(module
  (func (export "trunc_s") (param v128) (result v128) (i32x4.relaxed_trunc_f32x4_s (local.get 0)))
  (func (export "trunc_u_zero") (param v128) (result v128) (i32x4.relaxed_trunc_f64x2_u_zero (local.get 0)))
  (func (export "swizzle") (param v128 v128) (result v128) (i8x16.relaxed_swizzle (local.get 0) (local.get 1)))
  (func (export "madd") (param v128 v128 v128) (result v128) (f64x2.relaxed_madd (local.get 0) (local.get 1) (local.get 2)))
  (func (export "min") (param v128 v128) (result v128) (f32x4.relaxed_min (local.get 0) (local.get 1)))
  (func (export "laneselect") (param v128 v128 v128) (result v128) (i8x16.relaxed_laneselect (local.get 0) (local.get 1) (local.get 2)))
  (func (export "q15mulr") (param v128 v128) (result v128) (i16x8.relaxed_q15mulr_s (local.get 0) (local.get 1)))
  (func (export "dot") (param v128 v128) (result v128) (i16x8.relaxed_dot_i8x16_i7x16_s (local.get 0) (local.get 1)))
  (func (export "dot_add") (param v128 v128 v128) (result v128) (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get 0) (local.get 1) (local.get 2)))
)
;; trunc: as trunc_sat (NaN to 0, saturate).
(assert_return (invoke "trunc_s" (v128.const f32x4 nan 3e9 -3e9 -1.5))
               (v128.const i32x4 0 2147483647 -2147483648 -1))
(assert_return (invoke "trunc_u_zero" (v128.const f64x2 nan 1e10))
               (v128.const i32x4 0 -1 0 0))
;; swizzle: as i8x16.swizzle (0 past index 15).
(assert_return (invoke "swizzle" (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
                                 (v128.const i8x16 17 16 255 128 0 0 0 0 0 0 0 0 0 0 0 1))
               (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1))
;; madd: fused, one rounding.
(assert_return (invoke "madd" (v128.const f64x2 0x1.00000004p+0 1)
                              (v128.const f64x2 0x1.00000004p+0 1)
                              (v128.const f64x2 -1 0))
               (v128.const f64x2 0x1.00000002p-29 1))
;; min: as f32x4.min (NaN propagates, -0 below +0).
(assert_return (invoke "min" (v128.const f32x4 nan 1 0 -0) (v128.const f32x4 1 nan -0 0))
               (v128.const f32x4 nan:canonical nan:canonical -0 -0))
;; laneselect: bit by bit, as v128.bitselect, whatever the mask.
(assert_return (invoke "laneselect" (v128.const i8x16 -1 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0)
                                    (v128.const i8x16 0 0 -1 0 0 0 0 0 0 0 0 0 0 0 0 0)
                                    (v128.const i8x16 0x0f 0x80 0xff 0 0 0 0 0 0 0 0 0 0 0 0 0))
               (v128.const i8x16 0x0f 0x80 0 0 0 0 0 0 0 0 0 0 0 0 0 0))
;; q15mulr: as i16x8.q15mulr_sat_s (saturates).
(assert_return (invoke "q15mulr" (v128.const i16x8 -32768 0 0 0 0 0 0 0)
                                 (v128.const i16x8 -32768 0 0 0 0 0 0 0))
               (v128.const i16x8 32767 0 0 0 0 0 0 0))
;; dot: both operands signed; the i16 sum of two products saturates.
(assert_return (invoke "dot" (v128.const i8x16 -128 -128 0 0 0 0 0 0 0 0 0 0 0 0 0 0)
                             (v128.const i8x16 -128 -128 -127 0 0 0 0 0 0 0 0 0 0 0 0 0))
               (v128.const i16x8 32767 0 0 0 0 0 0 0))
;; dot_add: both signed, four products summed in i32, then the addend (wrapping).
(assert_return (invoke "dot_add" (v128.const i8x16 -128 -128 -128 -128 0 0 0 0 0 0 0 0 0 0 0 0)
                                 (v128.const i8x16 -127 -127 -127 -127 0 0 0 0 0 0 0 0 0 0 0 0)
                                 (v128.const i32x4 1 2 3 2147483647))
               (v128.const i32x4 65025 2 3 2147483647))
