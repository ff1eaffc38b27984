;; Custom descriptors: cases the crate's files leave out (WebAssembly 3.0 and
;; custom descriptors; proposal-notes/custom-descriptors.md).

;; A descriptor reachable only through the structure it describes survives
;; collections: it is kept as a hidden field (decision D21).
(module
  (rec
    (type $obj (descriptor $vt) (struct (field i32)))
    (type $vt (describes $obj) (struct (field i32)))
  )
  (type $bytes (array (mut i8)))
  (global $keep (mut (ref null $obj)) (ref.null none))
  (func (export "make") (param i32)
    (global.set $keep
      (struct.new_desc $obj (i32.const 1) (struct.new $vt (local.get 0)))))
  ;; About 16 MiB of garbage: more than enough for the heap to collect.
  (func (export "churn")
    (local $i i32)
    (loop $l
      (drop (array.new_default $bytes (i32.const 65536)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 256)))))
  (func (export "tag") (result i32)
    (struct.get $vt 0 (ref.get_desc $obj (global.get $keep))))
)
(invoke "make" (i32.const 77))
(invoke "churn")
(assert_return (invoke "tag") (i32.const 77))

;; A value's type is exact: a cast to an exact supertype fails, to its own
;; exact type succeeds, through locals of inexact types.
(module
  (type $super (sub (struct)))
  (type $sub (sub $super (struct)))
  (func (export "exact-super-of-sub") (result i32)
    (local $r (ref null $super))
    (local.set $r (struct.new $sub))
    (ref.test (ref (exact $super)) (local.get $r)))
  (func (export "exact-sub-of-sub") (result i32)
    (local $r (ref null $super))
    (local.set $r (struct.new $sub))
    (ref.test (ref (exact $sub)) (local.get $r)))
  (func (export "null-exact") (result i32)
    (ref.test (ref null (exact $sub)) (ref.null none)))
)
(assert_return (invoke "exact-super-of-sub") (i32.const 0))
(assert_return (invoke "exact-sub-of-sub") (i32.const 1))
(assert_return (invoke "null-exact") (i32.const 1))

;; Two structures of one type with different descriptors: a descriptor cast
;; tells them apart, which a type cast cannot.
(module
  (rec
    (type $obj (descriptor $vt) (struct))
    (type $vt (describes $obj) (struct))
  )
  (global $a (ref (exact $vt)) (struct.new $vt))
  (global $b (ref (exact $vt)) (struct.new $vt))
  (func (export "same") (result i32)
    (ref.test (ref $obj)
      (ref.cast_desc_eq (ref $obj)
        (struct.new_desc $obj (global.get $a)) (global.get $a))))
  (func (export "other")
    (drop (ref.cast_desc_eq (ref $obj)
      (struct.new_desc $obj (global.get $a)) (global.get $b))))
  (func (export "branch") (result i32)
    (block $yes (result (ref $obj))
      (drop (br_on_cast_desc_eq $yes anyref (ref $obj)
        (struct.new_desc $obj (global.get $b)) (global.get $a)))
      (return (i32.const 0)))
    (drop)
    (i32.const 1))
)
(assert_return (invoke "same") (i32.const 1))
(assert_trap (invoke "other") "descriptor cast failure")
(assert_return (invoke "branch") (i32.const 0))

;; In the suspending conformance mode the descriptor branch is paused
;; around and resumed: its descriptor slot must survive the pause.
(module
  (rec
    (type $obj (descriptor $vt) (struct (field i32)))
    (type $vt (describes $obj) (struct))
  )
  (global $d (ref (exact $vt)) (struct.new $vt))
  (func (export "sum") (param $n i32) (result i32)
    (local $acc i32)
    (local $o (ref null $obj))
    (local $hit (ref null $obj))
    (loop $l
      (local.set $o (struct.new_desc $obj (local.get $n) (global.get $d)))
      (block $no
        (local.set $hit
          (block $yes (result (ref $obj))
            (br_on_cast_desc_eq $yes (ref null $obj) (ref $obj)
              (local.get $o) (global.get $d))
            (br $no)))
        (local.set $acc
          (i32.add (local.get $acc) (struct.get $obj 0 (local.get $hit)))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $acc))
)
(assert_return (invoke "sum" (i32.const 10)) (i32.const 55))
