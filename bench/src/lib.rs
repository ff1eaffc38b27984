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
    /// Whether wasmi can run it (wasmi 2.0 has no exception handling; its
    /// SIMD is the `simd` feature, which the bench turns on).
    pub in_wasmi: bool,
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
