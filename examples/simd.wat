;; SIMD on the command line:
;;   wasm-ref run examples/simd.wat --shape f32x4 --invoke scale f32x4:1,2,3,4 2.5
;;   wasm-ref run examples/simd.wat --invoke sum i32x4:1,2,3,4
(module
  ;; Every lane of v times k.
  (func (export "scale") (param $v v128) (param $k f32) (result v128)
    (f32x4.mul (local.get $v) (f32x4.splat (local.get $k))))
  ;; The sum of the four i32 lanes, added pairwise with a shuffle.
  (func (export "sum") (param $v v128) (result i32)
    (local.set $v (i32x4.add (local.get $v)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
    (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))))
