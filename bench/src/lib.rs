//! Benchmark kernels shared by the bench targets (see `benches/peers.rs`),
//! and the process memory figures the memory benches read.
//!
//! Each kernel is a WebAssembly text module exporting `run: [i32] -> [i64]`
//! and the argument that makes it take tens of milliseconds, with the result
//! it must give, so every engine's answer is checked before it is timed.

/// A benchmark kernel.
pub struct Kernel {
    /// Short name printed in the table.
    pub name: &'static str,
    /// The module, in the text format.
    pub wat: &'static str,
    /// The argument passed to `run`.
    pub arg: i32,
    /// What `run(arg)` must return.
    pub expect: i64,
    /// Whether wasmi can run it (wasmi 2.0 has no exception handling and no
    /// GC; its SIMD is the `simd` feature, which the bench turns on).
    pub in_wasmi: bool,
    /// Whether it imports `env.inc: [i32] -> [i32]` (x + 1), which each
    /// engine provides as a host function.
    pub host: bool,
}

/// The kernels of `cargo bench --bench peers`.
pub const KERNELS: &[Kernel] = &[
    Kernel {
        name: "fib(30) recursive",
        wat: r#"(module
  (func $fib (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "run") (param i32) (result i64) (i64.extend_i32_u (call $fib (local.get 0)))))"#,
        arg: 30,
        expect: 832_040,
        in_wasmi: true,
        host: false,
    },
    Kernel {
        name: "sieve(4M) loops",
        wat: r#"(module
  (memory 64)
  ;; Sieve of Eratosthenes over bytes 0..n; returns the number of primes below n.
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $count i64)
    (memory.fill (i32.const 0) (i32.const 0) (local.get $n))
    (local.set $i (i32.const 2))
    (block $done
      (loop $outer
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eqz (i32.load8_u (local.get $i)))
          (then
            (local.set $count (i64.add (local.get $count) (i64.const 1)))
            (local.set $j (i32.mul (local.get $i) (local.get $i)))
            (block $inner_done
              ;; i*i only fits in 32 bits below 65536 (and exceeds n after that anyway).
              (br_if $inner_done (i32.ge_u (local.get $i) (i32.const 65536)))
              (loop $inner
                (br_if $inner_done (i32.ge_u (local.get $j) (local.get $n)))
                (i32.store8 (local.get $j) (i32.const 1))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $inner)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.get $count)))"#,
        arg: 4_000_000,
        expect: 283_146,
        in_wasmi: true,
        host: false,
    },
    Kernel {
        name: "memcopy loop",
        wat: r#"(module
  (memory 32)
  ;; Copies 1 MiB from offset 0 to offset 1 MiB, eight bytes at a time, `rounds` times,
  ;; mutating the source each round; returns a checksum of the destination.
  (func (export "run") (param $rounds i32) (result i64)
    (local $r i32) (local $i i32) (local $sum i64)
    (block $done
      (loop $round
        (br_if $done (i32.ge_u (local.get $r) (local.get $rounds)))
        (i64.store (i32.const 0) (i64.extend_i32_u (local.get $r)))
        (local.set $i (i32.const 0))
        (block $copied
          (loop $copy
            (br_if $copied (i32.ge_u (local.get $i) (i32.const 1048576)))
            (i64.store offset=1048576 (local.get $i) (i64.load (local.get $i)))
            (local.set $i (i32.add (local.get $i) (i32.const 8)))
            (br $copy)))
        (local.set $sum (i64.add (local.get $sum) (i64.load (i32.const 1048576))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $round)))
    (local.get $sum)))"#,
        arg: 40,
        expect: 780,
        in_wasmi: true,
        host: false,
    },
    Kernel {
        name: "call_indirect",
        wat: r#"(module
  (type $op (func (param i64) (result i64)))
  (table 4 funcref)
  (elem (i32.const 0) $inc $dbl $dec $neg)
  (func $inc (type $op) (i64.add (local.get 0) (i64.const 1)))
  (func $dbl (type $op) (i64.add (local.get 0) (local.get 0)))
  (func $dec (type $op) (i64.sub (local.get 0) (i64.const 1)))
  (func $neg (type $op) (i64.sub (i64.const 0) (local.get 0)))
  ;; acc = table[i % 4](acc) for i in 0..n
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (call_indirect (type $op) (local.get $acc) (i32.and (local.get $i) (i32.const 3))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $acc)))"#,
        arg: 3_000_000,
        expect: 6_148_914_691_236_517_205,
        in_wasmi: true,
        host: false,
    },
    Kernel {
        name: "return_call loop",
        wat: r#"(module
  ;; A tail-recursive countdown with an accumulator: every step is a
  ;; return_call, alternating between two functions.
  (func $even (param $n i32) (param $acc i64) (result i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $odd (i32.sub (local.get $n) (i32.const 1))
                              (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n)))))))
  (func $odd (param $n i32) (param $acc i64) (result i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $even (i32.sub (local.get $n) (i32.const 1))
                               (i64.sub (local.get $acc) (i64.const 1))))))
  (func (export "run") (param i32) (result i64) (call $even (local.get 0) (i64.const 0))))"#,
        arg: 4_000_000,
        expect: 4_000_000_000_000,
        in_wasmi: true,
        host: false,
    },
    Kernel {
        name: "try_table throw",
        wat: r#"(module
  ;; Every third iteration throws from a called function and is caught by a
  ;; try_table around the call; the others return normally through it.
  (tag $odd (param i32))
  (func $step (param $i i32) (result i32)
    (if (i32.eqz (i32.rem_u (local.get $i) (i32.const 3)))
      (then (throw $odd (local.get $i))))
    (i32.mul (local.get $i) (i32.const 2)))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc
          (i64.add (local.get $acc)
            (i64.extend_i32_u
              (block $caught (result i32)
                (try_table (result i32) (catch $odd $caught)
                  (call $step (local.get $i)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $acc)))"#,
        arg: 300_000,
        expect: 74_999_850_000,
        in_wasmi: false,
        host: false,
    },
    Kernel {
        name: "simd dot product",
        wat: r#"(module
  (memory 2)
  ;; Two arrays of 32768 i16 at 0 and 65536, bytes k and 7k; the dot
  ;; product of the two, 8 lanes at a time with i32x4.dot_i16x8_s into an
  ;; i32x4 accumulator, `reps` times over; the sum of the accumulator's lanes.
  (func (export "run") (param $reps i32) (result i64)
    (local $i i32) (local $r i32) (local $acc v128)
    (loop $fill
      (i32.store8 (local.get $i) (local.get $i))
      (i32.store8 offset=65536 (local.get $i) (i32.mul (local.get $i) (i32.const 7)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 65536))))
    (loop $rep
      (local.set $i (i32.const 0))
      (loop $dot
        (local.set $acc
          (i32x4.add (local.get $acc)
            (i32x4.dot_i16x8_s (v128.load (local.get $i))
                               (v128.load offset=65536 (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br_if $dot (i32.lt_u (local.get $i) (i32.const 65536))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rep (i32.lt_u (local.get $r) (local.get $reps))))
    (i64.add
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 0 (local.get $acc)))
               (i64.extend_i32_s (i32x4.extract_lane 1 (local.get $acc))))
      (i64.add (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $acc)))
               (i64.extend_i32_s (i32x4.extract_lane 3 (local.get $acc)))))))"#,
        arg: 200,
        expect: 258_473_984,
        in_wasmi: true,
        host: false,
    },
    Kernel {
        name: "sha-256 (2000 blocks)",
        wat: r#"(module
  (memory 1)
  ;; SHA-256's round constants at 0; the schedule W at 256; the message, a
  ;; 32 KiB buffer of bytes 31k mod 256, at 1024. Compresses `blocks`
  ;; 64-byte blocks of it in turn; returns the first 8 bytes of the state.
  (data (i32.const 0) "\98\2f\8a\42\91\44\37\71\cf\fb\c0\b5\a5\db\b5\e9\5b\c2\56\39\f1\11\f1\59\a4\82\3f\92\d5\5e\1c\ab\98\aa\07\d8\01\5b\83\12\be\85\31\24\c3\7d\0c\55\74\5d\be\72\fe\b1\de\80\a7\06\dc\9b\74\f1\9b\c1\c1\69\9b\e4\86\47\be\ef\c6\9d\c1\0f\cc\a1\0c\24\6f\2c\e9\2d\aa\84\74\4a\dc\a9\b0\5c\da\88\f9\76\52\51\3e\98\6d\c6\31\a8\c8\27\03\b0\c7\7f\59\bf\f3\0b\e0\c6\47\91\a7\d5\51\63\ca\06\67\29\29\14\85\0a\b7\27\38\21\1b\2e\fc\6d\2c\4d\13\0d\38\53\54\73\0a\65\bb\0a\6a\76\2e\c9\c2\81\85\2c\72\92\a1\e8\bf\a2\4b\66\1a\a8\70\8b\4b\c2\a3\51\6c\c7\19\e8\92\d1\24\06\99\d6\85\35\0e\f4\70\a0\6a\10\16\c1\a4\19\08\6c\37\1e\4c\77\48\27\b5\bc\b0\34\b3\0c\1c\39\4a\aa\d8\4e\4f\ca\9c\5b\f3\6f\2e\68\ee\82\8f\74\6f\63\a5\78\14\78\c8\84\08\02\c7\8c\fa\ff\be\90\eb\6c\50\a4\f7\a3\f9\be\f2\78\71\c6")
  (func $be (param $p i32) (result i32)
    (i32.or (i32.or (i32.shl (i32.load8_u (local.get $p)) (i32.const 24))
                    (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 16)))
            (i32.or (i32.shl (i32.load8_u offset=2 (local.get $p)) (i32.const 8))
                    (i32.load8_u offset=3 (local.get $p)))))
  (func (export "run") (param $blocks i32) (result i64)
    (local $h0 i32) (local $h1 i32) (local $h2 i32) (local $h3 i32)
    (local $h4 i32) (local $h5 i32) (local $h6 i32) (local $h7 i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local $e i32) (local $f i32) (local $g i32) (local $h i32)
    (local $t i32) (local $w i32) (local $x i32) (local $t1 i32) (local $t2 i32)
    (local $blk i32) (local $msg i32)
    (loop $fill
      (i32.store8 offset=1024 (local.get $t) (i32.mul (local.get $t) (i32.const 31)))
      (local.tee $t (i32.add (local.get $t) (i32.const 1)))
      (br_if $fill (i32.lt_u (i32.const 32768))))
    (local.set $h0 (i32.const 0x6a09e667)) (local.set $h1 (i32.const 0xbb67ae85))
    (local.set $h2 (i32.const 0x3c6ef372)) (local.set $h3 (i32.const 0xa54ff53a))
    (local.set $h4 (i32.const 0x510e527f)) (local.set $h5 (i32.const 0x9b05688c))
    (local.set $h6 (i32.const 0x1f83d9ab)) (local.set $h7 (i32.const 0x5be0cd19))
    (loop $block
      (local.set $msg (i32.add (i32.const 1024)
        (i32.shl (i32.and (local.get $blk) (i32.const 511)) (i32.const 6))))
      ;; The message schedule.
      (local.set $t (i32.const 0))
      (loop $load
        (i32.store offset=256 (i32.shl (local.get $t) (i32.const 2))
          (call $be (i32.add (local.get $msg) (i32.shl (local.get $t) (i32.const 2)))))
        (local.tee $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $load (i32.lt_u (i32.const 16))))
      (loop $extend
        (local.set $x (i32.load offset=196 (i32.shl (local.get $t) (i32.const 2)))) ;; W[t-15]
        (local.set $w (i32.load offset=248 (i32.shl (local.get $t) (i32.const 2)))) ;; W[t-2]
        (i32.store offset=256 (i32.shl (local.get $t) (i32.const 2))
          (i32.add
            (i32.add (i32.load offset=192 (i32.shl (local.get $t) (i32.const 2)))   ;; W[t-16]
                     (i32.load offset=228 (i32.shl (local.get $t) (i32.const 2))))  ;; W[t-7]
            (i32.add
              (i32.xor (i32.xor (i32.rotr (local.get $x) (i32.const 7)) (i32.rotr (local.get $x) (i32.const 18)))
                       (i32.shr_u (local.get $x) (i32.const 3)))
              (i32.xor (i32.xor (i32.rotr (local.get $w) (i32.const 17)) (i32.rotr (local.get $w) (i32.const 19)))
                       (i32.shr_u (local.get $w) (i32.const 10))))))
        (local.tee $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $extend (i32.lt_u (i32.const 64))))
      ;; The 64 rounds.
      (local.set $a (local.get $h0)) (local.set $b (local.get $h1))
      (local.set $c (local.get $h2)) (local.set $d (local.get $h3))
      (local.set $e (local.get $h4)) (local.set $f (local.get $h5))
      (local.set $g (local.get $h6)) (local.set $h (local.get $h7))
      (local.set $t (i32.const 0))
      (loop $round
        (local.set $t1
          (i32.add (i32.add (local.get $h)
                            (i32.xor (i32.xor (i32.rotr (local.get $e) (i32.const 6)) (i32.rotr (local.get $e) (i32.const 11)))
                                     (i32.rotr (local.get $e) (i32.const 25))))
                   (i32.add (i32.xor (i32.and (local.get $e) (local.get $f))
                                     (i32.and (i32.xor (local.get $e) (i32.const -1)) (local.get $g)))
                            (i32.add (i32.load (i32.shl (local.get $t) (i32.const 2)))
                                     (i32.load offset=256 (i32.shl (local.get $t) (i32.const 2)))))))
        (local.set $t2
          (i32.add (i32.xor (i32.xor (i32.rotr (local.get $a) (i32.const 2)) (i32.rotr (local.get $a) (i32.const 13)))
                            (i32.rotr (local.get $a) (i32.const 22)))
                   (i32.xor (i32.xor (i32.and (local.get $a) (local.get $b)) (i32.and (local.get $a) (local.get $c)))
                            (i32.and (local.get $b) (local.get $c)))))
        (local.set $h (local.get $g)) (local.set $g (local.get $f)) (local.set $f (local.get $e))
        (local.set $e (i32.add (local.get $d) (local.get $t1)))
        (local.set $d (local.get $c)) (local.set $c (local.get $b)) (local.set $b (local.get $a))
        (local.set $a (i32.add (local.get $t1) (local.get $t2)))
        (local.tee $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $round (i32.lt_u (i32.const 64))))
      (local.set $h0 (i32.add (local.get $h0) (local.get $a))) (local.set $h1 (i32.add (local.get $h1) (local.get $b)))
      (local.set $h2 (i32.add (local.get $h2) (local.get $c))) (local.set $h3 (i32.add (local.get $h3) (local.get $d)))
      (local.set $h4 (i32.add (local.get $h4) (local.get $e))) (local.set $h5 (i32.add (local.get $h5) (local.get $f)))
      (local.set $h6 (i32.add (local.get $h6) (local.get $g))) (local.set $h7 (i32.add (local.get $h7) (local.get $h)))
      (local.tee $blk (i32.add (local.get $blk) (i32.const 1)))
      (br_if $block (i32.lt_u (local.get $blocks))))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $h0)) (i64.const 32)) (i64.extend_i32_u (local.get $h1)))))"#,
        arg: 2000,
        expect: 4_298_460_593_816_789_638,
        in_wasmi: true,
        host: false,
    },
    Kernel {
        name: "f64 matmul 100x100",
        wat: r#"(module
  (memory 6)
  ;; n x n matrices of f64: A[i][j] = i + j at 0, B[i][j] = i - j after it,
  ;; C = A B after that; returns the sum of C's elements.
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $k i32) (local $nn i32)
    (local $a i32) (local $b i32) (local $c i32) (local $acc f64) (local $sum f64)
    (local.set $nn (i32.mul (local.get $n) (local.get $n)))
    (local.set $b (i32.shl (local.get $nn) (i32.const 3)))
    (local.set $c (i32.shl (local.get $nn) (i32.const 4)))
    (loop $fi
      (local.set $j (i32.const 0))
      (loop $fj
        (f64.store (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3))
          (f64.convert_i32_s (i32.add (local.get $i) (local.get $j))))
        (f64.store (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
          (f64.convert_i32_s (i32.sub (local.get $i) (local.get $j))))
        (local.tee $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $fj (i32.lt_u (local.get $n))))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fi (i32.lt_u (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $li
      (local.set $j (i32.const 0))
      (loop $lj
        (local.set $acc (f64.const 0))
        (local.set $k (i32.const 0))
        (loop $lk
          (local.set $acc (f64.add (local.get $acc)
            (f64.mul
              (f64.load (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k)) (i32.const 3)))
              (f64.load (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n)) (local.get $j)) (i32.const 3)))))))
          (local.tee $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $lk (i32.lt_u (local.get $n))))
        (f64.store (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 3)))
          (local.get $acc))
        (local.set $sum (f64.add (local.get $sum) (local.get $acc)))
        (local.tee $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $lj (i32.lt_u (local.get $n))))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $li (i32.lt_u (local.get $n))))
    (i64.trunc_f64_s (local.get $sum))))"#,
        arg: 100,
        expect: 833_250_000,
        in_wasmi: true,
        host: false,
    },
    Kernel {
        name: "quicksort 60k i32",
        wat: r#"(module
  (memory 16)
  ;; n pseudo-random i32s (x = 1103515245 x + 12345 mod 2^32, each x >> 8)
  ;; sorted by a recursive quicksort (Lomuto partition, last element as
  ;; pivot) in place; returns the sum of a[i] * (i + 1) mod 2^64.
  (func $sort (param $lo i32) (param $hi i32)
    (local $p i32) (local $i i32) (local $j i32) (local $t i32)
    (if (i32.ge_s (local.get $lo) (local.get $hi)) (then (return)))
    (local.set $p (i32.load (i32.shl (local.get $hi) (i32.const 2))))
    (local.set $i (local.get $lo))
    (local.set $j (local.get $lo))
    (loop $part
      (if (i32.lt_u (i32.load (i32.shl (local.get $j) (i32.const 2))) (local.get $p))
        (then
          (local.set $t (i32.load (i32.shl (local.get $i) (i32.const 2))))
          (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.load (i32.shl (local.get $j) (i32.const 2))))
          (i32.store (i32.shl (local.get $j) (i32.const 2)) (local.get $t))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))))
      (local.tee $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $part (i32.lt_s (local.get $hi))))
    (local.set $t (i32.load (i32.shl (local.get $i) (i32.const 2))))
    (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $p))
    (i32.store (i32.shl (local.get $hi) (i32.const 2)) (local.get $t))
    (call $sort (local.get $lo) (i32.sub (local.get $i) (i32.const 1)))
    (call $sort (i32.add (local.get $i) (i32.const 1)) (local.get $hi)))
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $x i32) (local $sum i64)
    (local.set $x (i32.const 1))
    (loop $fill
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.shr_u (local.get $x) (i32.const 8)))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $n))))
    (call $sort (i32.const 0) (i32.sub (local.get $n) (i32.const 1)))
    (local.set $i (i32.const 0))
    (loop $sum
      (local.set $sum (i64.add (local.get $sum)
        (i64.mul (i64.extend_i32_u (i32.load (i32.shl (local.get $i) (i32.const 2))))
                 (i64.extend_i32_u (i32.add (local.get $i) (i32.const 1))))))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $sum (i32.lt_u (local.get $n))))
    (local.get $sum)))"#,
        arg: 60_000,
        expect: 20_114_615_705_522_015,
        in_wasmi: true,
        host: false,
    },
    Kernel {
        name: "br_table interpreter",
        wat: r#"(module
  (memory 1)
  ;; A tiny bytecode machine, dispatched by br_table: 0 a += 1; 1 b += a;
  ;; 2 b ^= b << 1; 3 c -= 1; 4 jump to 0 unless c is 0; 5 halt. The
  ;; program 0 1 2 3 4 5 at address 0 runs `n` times round; returns b.
  (data (i32.const 0) "\00\01\02\03\04\05")
  (func (export "run") (param $c i32) (result i64)
    (local $pc i32) (local $a i64) (local $b i64)
    (loop $next
      (block $halt (block $jnz (block $dec (block $xor (block $add (block $inc
        (br_table $inc $add $xor $dec $jnz $halt (i32.load8_u (local.get $pc))))
        ;; 0
        (local.set $a (i64.add (local.get $a) (i64.const 1)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $next))
        ;; 1
        (local.set $b (i64.add (local.get $b) (local.get $a)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $next))
        ;; 2
        (local.set $b (i64.xor (local.get $b) (i64.shl (local.get $b) (i64.const 1))))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $next))
        ;; 3
        (local.set $c (i32.sub (local.get $c) (i32.const 1)))
        (local.set $pc (i32.add (local.get $pc) (i32.const 1)))
        (br $next))
        ;; 4
        (local.set $pc (select (i32.const 0) (i32.add (local.get $pc) (i32.const 1)) (local.get $c)))
        (br $next))
      ;; 5
      )
    (local.get $b)))"#,
        arg: 500_000,
        expect: 7_414_131_439_915_217_840,
        in_wasmi: true,
        host: false,
    },
    Kernel {
        name: "host calls in a loop",
        wat: r#"(module
  ;; acc = env.inc(acc), n times: a host function (Rust, in both engines)
  ;; called from a wasm loop.
  (import "env" "inc" (func $inc (param i32) (result i32)))
  (func (export "run") (param $n i32) (result i64)
    (local $acc i32)
    (loop $l
      (local.set $acc (call $inc (local.get $acc)))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l))
    (i64.extend_i32_u (local.get $acc))))"#,
        arg: 1_000_000,
        expect: 1_000_000,
        in_wasmi: true,
        host: true,
    },
    Kernel {
        name: "gc: binary trees",
        wat: r#"(module
  (type $tree (struct (field $l (ref null $tree)) (field $r (ref null $tree))))
  (func $make (param $d i32) (result (ref $tree))
    (if (result (ref $tree)) (i32.eqz (local.get $d))
      (then (struct.new $tree (ref.null $tree) (ref.null $tree)))
      (else (struct.new $tree
        (call $make (i32.sub (local.get $d) (i32.const 1)))
        (call $make (i32.sub (local.get $d) (i32.const 1)))))))
  (func $check (param $t (ref null $tree)) (result i64)
    (if (result i64) (ref.is_null (struct.get $tree $l (local.get $t)))
      (then (i64.const 1))
      (else (i64.add (i64.const 1)
        (i64.add (call $check (struct.get $tree $l (local.get $t)))
                 (call $check (struct.get $tree $r (local.get $t))))))))
  ;; 64 trees of depth d, each built and walked: 64 (2^(d+1) - 1) nodes.
  (func (export "run") (param $d i32) (result i64)
    (local $n i32) (local $sum i64)
    (local.set $n (i32.const 64))
    (loop $trees
      (local.set $sum (i64.add (local.get $sum) (call $check (call $make (local.get $d)))))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $trees))
    (local.get $sum)))"#,
        arg: 12,
        expect: 524_224,
        in_wasmi: false,
        host: false,
    },
];

/// A field of `/proc/self/status` in KiB (`VmRSS:` now, `VmHWM:` the
/// peak), or 0 where there is no such file.
pub fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The workspace's root directory.
pub fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the ES module `text` in V8 (headless Chromium, through
/// `spec-tests/tools/run-js.sh`) for at most `timeout` seconds, and returns
/// what it printed, a line each; `None` where Chromium is not installed or
/// the run failed (said on stderr). `name` names the temporary directory.
pub fn run_in_v8(name: &str, text: &str, timeout: u32) -> Option<Vec<String>> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !std::path::Path::new(&chromium).exists() {
        return None;
    }
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let module = dir.join("bench.mjs");
    std::fs::write(&module, text).ok()?;
    let out = std::process::Command::new("bash")
        .arg(root().join("spec-tests/tools/run-js.sh"))
        .arg(&module)
        .env("RUNJS_TIMEOUT", timeout.to_string())
        .output()
        .ok()?;
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        eprintln!("V8 run failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(String::from)
            .collect(),
    )
}
