;; GC cases the official suite leaves out: unknown operands typed as
;; `(ref bot)` after `unreachable`, packed fields and elements, overlapping
;; copies within one array, data layouts of every element type, casts along
;; a chain of subtypes across rec groups, conversions of host references,
;; and an allocation past the heap budget.

;; Validation algorithm (spec 3.3, appendix): an unknown operand popped as a
;; reference is `(ref bot)`, a reference, so it is no `i64`.
(assert_invalid
  (module (func (result i64) unreachable ref.as_non_null))
  "type mismatch")
(assert_invalid
  (module (func (result i64) (block (result i64) unreachable br_on_null 0 i64.xor)))
  "type mismatch")
(assert_invalid
  (module (func (result i32) unreachable any.convert_extern))
  "type mismatch")
;; ... but it is any reference.
(module
  (type $s (struct))
  (func (result (ref $s)) unreachable ref.as_non_null)
  (func (result (ref any)) unreachable any.convert_extern ref.as_non_null)
  (func (result funcref) (block (result funcref) unreachable br_on_non_null 0 (ref.null func))))

;; Packed fields and elements.
(module
  (type $p (struct (field $a (mut i8)) (field $b (mut i16))))
  (type $bytes (array (mut i8)))
  (type $shorts (array (mut i16)))
  (func (export "fields") (param i32) (result i32 i32 i32 i32)
    (local $s (ref $p))
    (local.set $s (struct.new $p (local.get 0) (local.get 0)))
    (struct.get_s $p $a (local.get $s))
    (struct.get_u $p $a (local.get $s))
    (struct.get_s $p $b (local.get $s))
    (struct.get_u $p $b (local.get $s)))
  (func (export "set") (param i32) (result i32 i32)
    (local $s (ref $p))
    (local.set $s (struct.new_default $p))
    (struct.set $p $a (local.get $s) (local.get 0))
    (struct.set $p $b (local.get $s) (local.get 0))
    (struct.get_u $p $a (local.get $s))
    (struct.get_s $p $b (local.get $s)))
  (func (export "elements") (param i32) (result i32 i32 i32 i32)
    (local $b (ref $bytes)) (local $h (ref $shorts))
    (local.set $b (array.new $bytes (local.get 0) (i32.const 3)))
    (local.set $h (array.new $shorts (local.get 0) (i32.const 3)))
    (array.get_s $bytes (local.get $b) (i32.const 2))
    (array.get_u $bytes (local.get $b) (i32.const 2))
    (array.get_s $shorts (local.get $h) (i32.const 0))
    (array.get_u $shorts (local.get $h) (i32.const 0))))
(assert_return (invoke "fields" (i32.const 0x1234_8180))
  (i32.const -128) (i32.const 0x80) (i32.const -32384) (i32.const 0x8180))
(assert_return (invoke "set" (i32.const -1)) (i32.const 0xff) (i32.const -1))
(assert_return (invoke "elements" (i32.const 0xfffe))
  (i32.const -2) (i32.const 0xfe) (i32.const -2) (i32.const 0xfffe))

;; Overlapping copies within one array, in both directions, and data
;; segments read in each element type's little-endian layout.
(module
  (type $a (array (mut i32)))
  (type $f (array (mut f32)))
  (type $w (array (mut i64)))
  (data $d "\01\00\00\00\02\00\00\00\03\00\00\00\04\00\00\00\00\00\80\3f")
  (func $iota (result (ref $a))
    (array.new_fixed $a 6 (i32.const 0) (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5)))
  (func (export "copy_up") (result i32 i32 i32 i32 i32 i32)
    (local $x (ref $a))
    (local.set $x (call $iota))
    (array.copy $a $a (local.get $x) (i32.const 2) (local.get $x) (i32.const 0) (i32.const 4))
    (array.get $a (local.get $x) (i32.const 0)) (array.get $a (local.get $x) (i32.const 1))
    (array.get $a (local.get $x) (i32.const 2)) (array.get $a (local.get $x) (i32.const 3))
    (array.get $a (local.get $x) (i32.const 4)) (array.get $a (local.get $x) (i32.const 5)))
  (func (export "copy_down") (result i32 i32 i32 i32 i32 i32)
    (local $x (ref $a))
    (local.set $x (call $iota))
    (array.copy $a $a (local.get $x) (i32.const 0) (local.get $x) (i32.const 2) (i32.const 4))
    (array.get $a (local.get $x) (i32.const 0)) (array.get $a (local.get $x) (i32.const 1))
    (array.get $a (local.get $x) (i32.const 2)) (array.get $a (local.get $x) (i32.const 3))
    (array.get $a (local.get $x) (i32.const 4)) (array.get $a (local.get $x) (i32.const 5)))
  (func (export "data") (result i32 f32 i64)
    (array.get $a (array.new_data $a $d (i32.const 4) (i32.const 2)) (i32.const 1))
    (array.get $f (array.new_data $f $d (i32.const 16) (i32.const 1)) (i32.const 0))
    (array.get $w (array.new_data $w $d (i32.const 0) (i32.const 2)) (i32.const 1)))
  (func (export "data_oob") (result (ref $w))
    (array.new_data $w $d (i32.const 8) (i32.const 2)))
  (func (export "copy_oob")
    (array.copy $a $a (call $iota) (i32.const 3) (call $iota) (i32.const 0) (i32.const 4))))
(assert_return (invoke "copy_up")
  (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 2) (i32.const 3))
(assert_return (invoke "copy_down")
  (i32.const 2) (i32.const 3) (i32.const 4) (i32.const 5) (i32.const 4) (i32.const 5))
(assert_return (invoke "data") (i32.const 3) (f32.const 1) (i64.const 0x0000_0004_0000_0003))
(assert_trap (invoke "data_oob") "out of bounds memory access")
(assert_trap (invoke "copy_oob") "out of bounds array access")

;; Casts along a chain of subtypes declared in different rec groups, and
;; the same chain defined again in a second module: equal types.
(module $chain
  (type $t0 (sub (struct (field i32))))
  (rec (type $t1 (sub $t0 (struct (field i32) (field i64)))))
  (type $t2 (sub $t1 (struct (field i32) (field i64) (field f32))))
  (type $t3 (sub final $t2 (struct (field i32) (field i64) (field f32) (field f64))))
  (func (export "make3") (result anyref) (struct.new_default $t3))
  (func (export "make1") (result anyref) (struct.new_default $t1))
  (func (export "tests") (param anyref) (result i32 i32 i32 i32)
    (ref.test (ref $t0) (local.get 0))
    (ref.test (ref $t1) (local.get 0))
    (ref.test (ref $t2) (local.get 0))
    (ref.test (ref $t3) (local.get 0)))
  (func (export "tests3") (result i32 i32 i32 i32)
    (call 2 (struct.new_default $t3)))
  (func (export "cast2") (param anyref) (result i32)
    (struct.get $t2 0 (ref.cast (ref $t2) (local.get 0)))))
(register "chain" $chain)
(assert_return (invoke "tests3") (i32.const 1) (i32.const 1) (i32.const 1) (i32.const 1))
(assert_return (invoke "tests" (ref.host 1)) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
(module
  (type $u0 (sub (struct (field i32))))
  (rec (type $u1 (sub $u0 (struct (field i32) (field i64)))))
  (type $u2 (sub $u1 (struct (field i32) (field i64) (field f32))))
  (import "chain" "make1" (func $make1 (result anyref)))
  (import "chain" "make3" (func $make3 (result anyref)))
  (func (export "t1") (result i32 i32)
    (ref.test (ref $u1) (call $make1))
    (ref.test (ref $u2) (call $make1)))
  (func (export "t3") (result i32)
    (ref.test (ref $u2) (call $make3))))
(assert_return (invoke "t1") (i32.const 1) (i32.const 0))
(assert_return (invoke "t3") (i32.const 1))
(assert_trap (invoke $chain "cast2" (ref.null any)) "cast failure")
(assert_trap (invoke $chain "cast2" (ref.host 7)) "cast failure")

;; Host references through both hierarchies.
(module
  (func (export "roundtrip") (param externref) (result externref)
    (extern.convert_any (any.convert_extern (local.get 0))))
  (func (export "internal") (param externref) (result anyref)
    (any.convert_extern (local.get 0)))
  (func (export "is_i31") (param externref) (result i32)
    (ref.test (ref i31) (any.convert_extern (local.get 0))))
  (func (export "is_extern") (param externref) (result i32 i32 i32)
    (ref.test externref (local.get 0))
    (ref.test (ref extern) (local.get 0))
    (ref.test (ref null noextern) (local.get 0))))
(assert_return (invoke "roundtrip" (ref.extern 3)) (ref.extern 3))
(assert_return (invoke "internal" (ref.extern 3)) (ref.host 3))
(assert_return (invoke "is_i31" (ref.extern 3)) (i32.const 0))
(assert_return (invoke "is_extern" (ref.extern 3)) (i32.const 1) (i32.const 1) (i32.const 0))
(assert_return (invoke "is_extern" (ref.null extern)) (i32.const 1) (i32.const 0) (i32.const 1))

;; An array past the heap budget (1 GiB by default) is an exhaustion, not a
;; crash.
(module
  (type $big (array i64))
  (func (export "huge") (result i32)
    (array.len (array.new_default $big (i32.const 0x7fff_ffff)))))
(assert_exhaustion (invoke "huge") "out of memory")
