;; Threads cases the official suite leaves out, as one agent sees them
;; (WebAssembly 3.0 and threads): the order of the checks of an atomic
;; access (alignment, then sharing for `wait`, then bounds), `wait` on an
;; unshared memory, the three ends of a lone agent's `wait`, narrow
;; read-modify-writes and compare-exchanges, atomics on a 64-bit memory and
;; on a second memory, `atomic.fence` without a memory, and validation.

(module
  (memory $m 1 1 shared)
  (memory $u 1)
  (memory $w i64 1 2 shared)
  (func (export "store8") (param i32 i32) (i32.store8 $m (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.atomic.load $m (local.get 0)))
  (func (export "load-offset") (param i32) (result i32) (i32.atomic.load $m offset=1 (local.get 0)))
  (func (export "load64") (param i64) (result i64) (i64.atomic.load $w (local.get 0)))
  (func (export "store64") (param i64 i64) (i64.atomic.store $w (local.get 0) (local.get 1)))
  (func (export "grow64") (param i64) (result i64) (memory.grow $w (local.get 0)))
  (func (export "notify") (param i32 i32) (result i32) (memory.atomic.notify $m (local.get 0) (local.get 1)))
  (func (export "notify-unshared") (param i32 i32) (result i32) (memory.atomic.notify $u (local.get 0) (local.get 1)))
  (func (export "wait32") (param i32 i32 i64) (result i32) (memory.atomic.wait32 $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32) (memory.atomic.wait64 $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait32-unshared") (param i32 i32 i64) (result i32) (memory.atomic.wait32 $u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64-i64") (param i64 i64 i64) (result i32) (memory.atomic.wait64 $w (local.get 0) (local.get 1) (local.get 2)))
  (func (export "add8") (param i32 i32) (result i32) (i32.atomic.rmw8.add_u $m (local.get 0) (local.get 1)))
  (func (export "sub16") (param i32 i32) (result i32) (i32.atomic.rmw16.sub_u $m (local.get 0) (local.get 1)))
  (func (export "xchg32") (param i32 i64) (result i64) (i64.atomic.rmw32.xchg_u $m (local.get 0) (local.get 1)))
  (func (export "cmpxchg8") (param i32 i32 i32) (result i32) (i32.atomic.rmw8.cmpxchg_u $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "cmpxchg64") (param i32 i64 i64) (result i64) (i64.atomic.rmw.cmpxchg $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "rmw-unshared") (param i32 i32) (result i32) (i32.atomic.rmw.or $u (local.get 0) (local.get 1)))
)

;; The effective address is the operand plus the offset; only it must be aligned.
(assert_return (invoke "load-offset" (i32.const 3)) (i32.const 0))
(assert_trap (invoke "load-offset" (i32.const 0)) "unaligned atomic")
;; Alignment is checked before the bounds: unaligned past the end is unaligned.
(assert_trap (invoke "load" (i32.const 65535)) "unaligned atomic")
(assert_trap (invoke "load" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "load-offset" (i32.const 0xffff_ffff)) "out of bounds memory access")

;; `wait` traps on an unshared memory, after the alignment check, whatever
;; the value there.
(assert_trap (invoke "wait32-unshared" (i32.const 0) (i32.const 1) (i64.const 0)) "expected shared memory")
(assert_trap (invoke "wait32-unshared" (i32.const 2) (i32.const 0) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke "wait32" (i32.const 2) (i32.const 0) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke "wait32" (i32.const 65536) (i32.const 0) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "wait64" (i32.const 4) (i64.const 0) (i64.const 0)) "unaligned atomic")

;; A lone agent's wait: "not-equal" (1) when the value differs, "timed-out"
;; (2) when it matches and a timeout is given, however long; without a
;; timeout (a negative one) nothing could ever wake it.
(invoke "store8" (i32.const 8) (i32.const 7))
(assert_return (invoke "wait32" (i32.const 8) (i32.const 6) (i64.const -1)) (i32.const 1))
(assert_return (invoke "wait32" (i32.const 8) (i32.const 7) (i64.const 0)) (i32.const 2))
(assert_return (invoke "wait32" (i32.const 8) (i32.const 7) (i64.const 0x7fff_ffff_ffff_ffff)) (i32.const 2))
(assert_return (invoke "wait64" (i32.const 8) (i64.const 0x1_0000_0007) (i64.const 0)) (i32.const 1))
(assert_return (invoke "wait64" (i32.const 8) (i64.const 7) (i64.const 1000)) (i32.const 2))
(assert_trap (invoke "wait32" (i32.const 8) (i32.const 7) (i64.const -1)) "deadlock")
(assert_trap (invoke "wait64" (i32.const 8) (i64.const 7) (i64.const -5)) "deadlock")

;; `notify` wakes no one, on a shared memory or not, but checks its address.
(assert_return (invoke "notify" (i32.const 8) (i32.const -1)) (i32.const 0))
(assert_return (invoke "notify-unshared" (i32.const 0) (i32.const 1)) (i32.const 0))
(assert_trap (invoke "notify" (i32.const 9) (i32.const 1)) "unaligned atomic")
(assert_trap (invoke "notify-unshared" (i32.const 65536) (i32.const 1)) "out of bounds memory access")

;; Narrow read-modify-writes wrap to their width and return the old value,
;; zero-extended.
(invoke "store8" (i32.const 16) (i32.const 0xff))
(assert_return (invoke "add8" (i32.const 16) (i32.const 0x102)) (i32.const 0xff))
(assert_return (invoke "load" (i32.const 16)) (i32.const 1))
(assert_return (invoke "sub16" (i32.const 16) (i32.const 2)) (i32.const 1))
(assert_return (invoke "load" (i32.const 16)) (i32.const 0xffff))
(assert_return (invoke "xchg32" (i32.const 16) (i64.const 0x1_8000_0000)) (i64.const 0xffff))
(assert_return (invoke "load" (i32.const 16)) (i32.const 0x8000_0000))
(assert_return (invoke "rmw-unshared" (i32.const 0) (i32.const 5)) (i32.const 0))
(assert_return (invoke "rmw-unshared" (i32.const 0) (i32.const 2)) (i32.const 5))

;; A narrow compare-exchange compares the expected value wrapped to its width.
(invoke "store8" (i32.const 24) (i32.const 0x42))
(assert_return (invoke "cmpxchg8" (i32.const 24) (i32.const 0x142) (i32.const 0x1ff)) (i32.const 0x42))
(assert_return (invoke "load" (i32.const 24)) (i32.const 0xff))
(assert_return (invoke "cmpxchg8" (i32.const 24) (i32.const 0x42) (i32.const 0)) (i32.const 0xff))
(assert_return (invoke "load" (i32.const 24)) (i32.const 0xff))
(assert_return (invoke "cmpxchg64" (i32.const 24) (i64.const 0xff) (i64.const -1)) (i64.const 0xff))
(assert_return (invoke "cmpxchg64" (i32.const 24) (i64.const 0xff) (i64.const 0)) (i64.const -1))

;; A shared 64-bit memory: i64 addresses, and growth up to its maximum.
(assert_return (invoke "store64" (i64.const 65528) (i64.const -2)))
(assert_return (invoke "load64" (i64.const 65528)) (i64.const -2))
(assert_trap (invoke "load64" (i64.const 65536)) "out of bounds memory access")
(assert_trap (invoke "load64" (i64.const 65532)) "unaligned atomic")
(assert_return (invoke "wait64-i64" (i64.const 65528) (i64.const -2) (i64.const 0)) (i32.const 2))
(assert_return (invoke "grow64" (i64.const 1)) (i64.const 1))
(assert_return (invoke "grow64" (i64.const 1)) (i64.const -1))
(assert_return (invoke "load64" (i64.const 65536)) (i64.const 0))

;; `atomic.fence` needs no memory.
(module (func (export "fence") atomic.fence))
(assert_return (invoke "fence"))

;; Validation: exactly the natural alignment, a known memory, the address
;; type of the memory, a maximum for a shared memory.
(assert_invalid
  (module (memory 1 1 shared) (func (drop (i32.atomic.load align=2 (i32.const 0)))))
  "atomic alignment must be natural")
(assert_invalid
  (module (memory 1 1 shared) (func (drop (i64.atomic.load align=4 (i32.const 0)))))
  "atomic alignment must be natural")
(assert_invalid
  (module (memory 1 1 shared) (func (drop (i32.atomic.load8_u align=2 (i32.const 0)))))
  "atomic alignment must be natural")
(assert_invalid
  (module (memory 1) (func (drop (i32.atomic.load 1 (i32.const 0)))))
  "unknown memory")
(assert_invalid
  (module (memory i64 1 1 shared) (func (drop (i32.atomic.load (i32.const 0)))))
  "type mismatch")
(assert_invalid
  (module (memory i64 1 1 shared) (func (drop (memory.atomic.wait32 (i64.const 0) (i32.const 0) (i32.const 0)))))
  "type mismatch")
(assert_invalid (module (memory i64 1 shared)) "shared memory must have maximum")

;; Only memories may be shared: a table's limits flags of 3 are malformed.
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\04\05\01"                ;; table section, one table
    "\70\03\00\01"             ;; funcref, flags 3 (shared, max), min 0, max 1
  )
  "malformed limits flags")
