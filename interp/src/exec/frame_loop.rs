//! The instructions that stay inside the running frame (decision D20):
//! numerics, moves, branches, and loads and stores of memory 0, which touch
//! nothing of the store but that memory's bytes. `step` is the one place
//! that says what each does; `run::run_with` runs them one at a time with
//! `step`, and a loop made only of them in `run`, a loop of its own.
//!
//! That loop exists for speed. `run_with` carries the whole computation
//! (the store, the heap stack, the running function), more state than a
//! machine's registers hold, so there every instruction reloads its frame
//! base, its slot vector and its code from memory. `run`'s state is a few
//! slices and counters that stay in registers, and a slot access is one
//! bounds check. `run_with` enters it when it takes a jump back that closes
//! a loop with no other instruction (`Code::tight`); it stops before any
//! other instruction (calls, returns, exceptions, globals, other memories,
//! the stack-machine long tail), which `run_with` runs before going on.
//! Entering and leaving cost about as much as a call, so loop-free code
//! (a small recursive function, say) stays in `run_with`.
//!
//! A frame of at most [`WINDOW`] slots runs there over a fixed-size array
//! of them (the "window"), which its slot indices cannot leave, so reading
//! or writing a slot needs no bounds check; `run_with` makes room for the
//! window when a loop first runs (`stack::window_room`). A larger frame,
//! or one the budget gives no room, runs over the plain slots.
//!
//! Fuel is charged as in `run_with`: one unit per instruction, checked
//! before it runs, so a pause falls between the same two instructions
//! whichever loop runs them.

use super::code::*;
use super::numops::*;
use super::simd;
use crate::api::Trap;
use crate::runtime::slot::Slot;
use crate::runtime::store::MemInst;
use crate::syntax::V128LoadKind;

/// Why the inner loop stopped.
pub(crate) enum Stop {
    /// The instruction at the returned `pc` is not one of this loop's: the
    /// caller runs it (its fuel not yet charged, and some left).
    Other,
    /// No fuel is left before the instruction at the returned `pc`.
    Fuel,
    /// The instruction before the returned `pc` trapped.
    Trap(Trap),
}

/// The `N` bytes of `data` at `addr + off` (spec 4.4.7: past the end
/// traps): `stack_ops::mem_range`'s rule, for a width known when compiling,
/// written so that no panic path keeps the range alive. A change to the
/// rule goes into both.
#[inline(always)]
fn bytes_at<const N: usize>(data: &[u8], addr: u64, off: u64) -> Result<[u8; N], Trap> {
    let ea = addr.checked_add(off).ok_or(Trap::MemoryOutOfBounds)?;
    usize::try_from(ea)
        .ok()
        .and_then(|ea| data.get(ea..))
        .and_then(|d| d.first_chunk::<N>())
        .copied()
        .ok_or(Trap::MemoryOutOfBounds)
}

/// The `N` bytes of `data` at `addr + off`, to write (spec 4.4.7).
#[inline(always)]
fn bytes_at_mut<const N: usize>(
    data: &mut [u8],
    addr: u64,
    off: u64,
) -> Result<&mut [u8; N], Trap> {
    let ea = addr.checked_add(off).ok_or(Trap::MemoryOutOfBounds)?;
    usize::try_from(ea)
        .ok()
        .and_then(|ea| data.get_mut(ea..))
        .and_then(|d| d.first_chunk_mut::<N>())
        .ok_or(Trap::MemoryOutOfBounds)
}

/// A load of `kind` from `data` at `addr + off` (spec 4.4.7 `load`).
#[inline(always)]
pub(crate) fn mem_load(kind: LoadKind, data: &[u8], addr: u64, off: u64) -> Result<Slot, Trap> {
    macro_rules! read {
        ($n:literal, |$b:ident| $e:expr) => {{
            let $b = bytes_at::<$n>(data, addr, off)?;
            $e
        }};
    }
    Ok(match kind {
        LoadKind::I32 | LoadKind::F32 | LoadKind::I64_32U => {
            read!(4, |b| u32::from_le_bytes(b) as Slot)
        }
        LoadKind::I64 | LoadKind::F64 => read!(8, |b| u64::from_le_bytes(b) as Slot),
        LoadKind::I32_8S => read!(1, |b| from_i32(b[0] as i8 as i32)),
        LoadKind::I32_8U | LoadKind::I64_8U => read!(1, |b| b[0] as Slot),
        LoadKind::I32_16S => read!(2, |b| from_i32(i16::from_le_bytes(b) as i32)),
        LoadKind::I32_16U | LoadKind::I64_16U => read!(2, |b| u16::from_le_bytes(b) as Slot),
        LoadKind::I64_8S => read!(1, |b| from_i64(b[0] as i8 as i64)),
        LoadKind::I64_16S => read!(2, |b| from_i64(i16::from_le_bytes(b) as i64)),
        LoadKind::I64_32S => read!(4, |b| from_i64(i32::from_le_bytes(b) as i64)),
    })
}

/// A store of `kind` of value `v` into `data` at `addr + off` (spec 4.4.7
/// `store`).
#[inline(always)]
pub(crate) fn mem_store(
    kind: StoreKind,
    data: &mut [u8],
    addr: u64,
    off: u64,
    v: Slot,
) -> Result<(), Trap> {
    // Each width is written as an array of its own size, so that the copy
    // is one move and never a call to `memcpy`.
    macro_rules! write {
        ($n:literal, $bytes:expr) => {{
            *bytes_at_mut::<$n>(data, addr, off)? = $bytes;
        }};
    }
    match kind {
        StoreKind::B8 => write!(1, [v as u8]),
        StoreKind::B16 => write!(2, (v as u16).to_le_bytes()),
        StoreKind::B32 => write!(4, (v as u32).to_le_bytes()),
        StoreKind::B64 => write!(8, (v as u64).to_le_bytes()),
    }
    Ok(())
}

/// The slots of the running frame, as an instruction names them ([`Reg`]).
pub(crate) trait Regs {
    /// Slot `r`.
    fn at(&mut self, r: Reg) -> &mut Slot;
}

impl Regs for [Slot] {
    #[inline(always)]
    fn at(&mut self, r: Reg) -> &mut Slot {
        &mut self[r as usize]
    }
}

/// The running frame's slots as `run_with` holds them: all of the
/// computation's, and where the frame's begin.
pub(crate) struct Based<'a>(pub(crate) &'a mut [Slot], pub(crate) usize);

impl Regs for Based<'_> {
    #[inline(always)]
    fn at(&mut self, r: Reg) -> &mut Slot {
        &mut self.0[self.1 + r as usize]
    }
}

/// How many slots `run` sees through a window ([`Regs`] for an array of
/// this length): a frame of at most this many slots names no slot past
/// them (the compiler keeps every `Reg` below `Code::frame`), so a slot's
/// index is its `Reg`'s low byte and needs no bounds check.
pub(crate) const WINDOW: usize = 256;

impl Regs for [Slot; WINDOW] {
    #[inline(always)]
    fn at(&mut self, r: Reg) -> &mut Slot {
        &mut self[r as u8 as usize]
    }
}

/// Runs `code` from `pc` over the running frame's slots `regs` (from its
/// base on) and memory 0's bytes `mem` (empty if the instance has none)
/// until an instruction this loop leaves to `run_with`, a trap, or (with
/// `FUEL`) the end of `fuel`. Returns why, and the `pc` to go on from. A
/// frame that fits a [`WINDOW`] runs over one when the slots reach that far
/// (`run_with` makes room for it first, see `stack::window_room`).
pub(crate) fn run<const FUEL: bool>(
    code: &Code,
    regs: &mut [Slot],
    mem: &mut [u8],
    pc: usize,
    fuel: &mut u64,
) -> (Stop, usize) {
    if code.frame as usize <= WINDOW
        && let Some(w) = regs.first_chunk_mut::<WINDOW>()
    {
        return run_over::<FUEL, _>(code, w, mem, pc, fuel);
    }
    run_over::<FUEL, _>(code, regs, mem, pc, fuel)
}

/// `run` over slots seen as `R`. Its state is a few slices and counters
/// that stay in machine registers.
#[inline(never)]
fn run_over<const FUEL: bool, R: Regs + ?Sized>(
    code: &Code,
    regs: &mut R,
    mut mem: &mut [u8],
    mut pc: usize,
    fuel: &mut u64,
) -> (Stop, usize) {
    let mut left = *fuel;
    let why = loop {
        if FUEL && left == 0 {
            break Stop::Fuel;
        }
        let op = &code.ops[pc];
        pc += 1;
        match step(code, op, regs, &mut mem, &mut pc) {
            Ok(true) => {}
            Ok(false) => {
                pc -= 1;
                break Stop::Other;
            }
            Err(t) => break Stop::Trap(t),
        }
        if FUEL {
            left -= 1;
        }
    };
    if FUEL {
        *fuel = left;
    }
    (why, pc)
}

/// Where the bytes of memory 0 are: a slice taken once (`run`), or the
/// store's memories and an index, read only by the instructions that use
/// memory (`run_with`, which runs one instruction at a time).
pub(crate) trait Mem0 {
    /// The bytes of memory 0.
    fn bytes(&mut self) -> &mut [u8];
}

impl Mem0 for &mut [u8] {
    #[inline(always)]
    fn bytes(&mut self) -> &mut [u8] {
        self
    }
}

impl Mem0 for (&mut Vec<MemInst>, usize) {
    #[inline(always)]
    fn bytes(&mut self) -> &mut [u8] {
        &mut self.0[self.1].data
    }
}

/// Runs instruction `op` of `code`, whose next instruction is at `*pc`, if
/// it is one of this module's (else `Ok(false)`, and nothing happens): a
/// jump sets `*pc`. Its slots are `regs`. The one place that says
/// what these instructions do, for `run` and for `run_with` alike.
#[inline(always)]
pub(crate) fn step<M: Mem0, R: Regs + ?Sized>(
    code: &Code,
    op: &Op,
    regs: &mut R,
    mem: &mut M,
    pc: &mut usize,
) -> Result<bool, Trap> {
    macro_rules! go {
        ($to:expr) => {
            *pc = $to as usize
        };
    }
    macro_rules! r {
        ($x:expr) => {
            *regs.at($x)
        };
    }
    macro_rules! tri {
        ($e:expr) => {
            $e?
        };
    }
    // A direct compare-and-branch (`Op::direct`): continue at `x.to` if
    // `x.a op b`.
    macro_rules! br_if_cmp {
        ($op:ident, $x:expr, $b:expr) => {
            if matches!(BinOp::$op.eval(r!($x.a), $b), Ok(1)) {
                go!($x.to);
            }
        };
    }
    // A direct load or store of memory 0 (`Op::direct`, `code::Mem`).
    macro_rules! load_direct {
        ($kind:ident, $x:expr) => {{
            let x = $x;
            r!(x.r) = tri!(mem_load(
                LoadKind::$kind,
                mem.bytes(),
                u32_(r!(x.a)) as u64,
                x.off as u64
            ));
        }};
    }
    macro_rules! store_direct {
        ($kind:ident, $x:expr) => {{
            let x = $x;
            tri!(mem_store(
                StoreKind::$kind,
                mem.bytes(),
                u32_(r!(x.a)) as u64,
                x.off as u64,
                r!(x.r)
            ));
        }};
    }
    macro_rules! store_imm {
        ($kind:ident, $x:expr) => {{
            let x: MemImm = $x;
            tri!(mem_store(
                StoreKind::$kind,
                mem.bytes(),
                u32_(r!(x.a)) as u64,
                x.off as u64,
                x.v as Slot
            ));
        }};
    }
    // A loop's step and test (`Op::fuse_step`): `x += step`, then
    // continue at `to` if `$test` holds of the new value, else skip the
    // branch that follows.
    macro_rules! step_br {
        ($step:expr, $x:expr, $to:expr, |$v:ident| $test:expr) => {{
            let $v = u32_(r!($x)).wrapping_add($step as i32 as u32);
            r!($x) = from_u32($v);
            if $test {
                go!($to);
            } else {
                *pc += 1;
            }
        }};
    }
    match *op {
        // ---- Control (spec 4.4.8) ----
        Op::Unreachable => return Err(Trap::Unreachable),
        Op::Nop => {}
        Op::Br { to } => go!(to),
        Op::BrIfNez { c, to } => {
            if u32_(r!(c)) != 0 {
                go!(to);
            }
        }
        Op::BrIfEqz { c, to } => {
            if u32_(r!(c)) == 0 {
                go!(to);
            }
        }
        Op::BrIfCmp { op, a, b, to } => {
            if matches!(op.eval(r!(a), r!(b)), Ok(1)) {
                go!(to);
            }
        }
        Op::BrIfCmpImm { op, a, imm, to } => {
            if matches!(op.eval(r!(a), imm as Slot), Ok(1)) {
                go!(to);
            }
        }
        Op::BrTable { i, table } => {
            let t = &code.tables[table as usize];
            let k = (u32_(r!(i)) as usize).min(t.len() - 1);
            go!(t[k]);
        }

        // ---- Moves (spec 4.4.4, 4.4.5) ----
        Op::Copy { d, s } => r!(d) = r!(s),
        Op::Const32 { d, v } => r!(d) = v as Slot,
        Op::Const64 { d, v } => r!(d) = v as Slot,
        Op::Select { d, a, b } => {
            r!(d) = if u32_(r!(d + 2)) != 0 { r!(a) } else { r!(b) };
        }

        // ---- Numerics (spec 4.4.1, `numops`) ----
        Op::Un { op, d, a } => r!(d) = tri!(op.eval(r!(a))),
        Op::Bin { op, d, a, b } => r!(d) = tri!(op.eval(r!(a), r!(b))),
        Op::BinImm32 { op, d, a, imm } => r!(d) = tri!(op.eval(r!(a), imm as Slot)),
        Op::I32Add { d, a, b } => r!(d) = from_u32(u32_(r!(a)).wrapping_add(u32_(r!(b)))),
        Op::I32AddImm { d, a, imm } => r!(d) = from_u32(u32_(r!(a)).wrapping_add(imm)),

        // ---- Direct forms (`Op::direct`): the generic semantics, one dispatch ----
        Op::I32Sub(x) => r!(x.d) = tri!(BinOp::I32Sub.eval(r!(x.a), r!(x.b))),
        Op::I32Mul(x) => r!(x.d) = tri!(BinOp::I32Mul.eval(r!(x.a), r!(x.b))),
        Op::I32And(x) => r!(x.d) = tri!(BinOp::I32And.eval(r!(x.a), r!(x.b))),
        Op::I32Or(x) => r!(x.d) = tri!(BinOp::I32Or.eval(r!(x.a), r!(x.b))),
        Op::I32Xor(x) => r!(x.d) = tri!(BinOp::I32Xor.eval(r!(x.a), r!(x.b))),
        Op::I32Shl(x) => r!(x.d) = tri!(BinOp::I32Shl.eval(r!(x.a), r!(x.b))),
        Op::I32ShrS(x) => r!(x.d) = tri!(BinOp::I32ShrS.eval(r!(x.a), r!(x.b))),
        Op::I32ShrU(x) => r!(x.d) = tri!(BinOp::I32ShrU.eval(r!(x.a), r!(x.b))),
        Op::I32Rotl(x) => r!(x.d) = tri!(BinOp::I32Rotl.eval(r!(x.a), r!(x.b))),
        Op::I32Rotr(x) => r!(x.d) = tri!(BinOp::I32Rotr.eval(r!(x.a), r!(x.b))),
        Op::I64Add(x) => r!(x.d) = tri!(BinOp::I64Add.eval(r!(x.a), r!(x.b))),
        Op::I64Sub(x) => r!(x.d) = tri!(BinOp::I64Sub.eval(r!(x.a), r!(x.b))),
        Op::I64Mul(x) => r!(x.d) = tri!(BinOp::I64Mul.eval(r!(x.a), r!(x.b))),
        Op::I64And(x) => r!(x.d) = tri!(BinOp::I64And.eval(r!(x.a), r!(x.b))),
        Op::I64Or(x) => r!(x.d) = tri!(BinOp::I64Or.eval(r!(x.a), r!(x.b))),
        Op::I64Xor(x) => r!(x.d) = tri!(BinOp::I64Xor.eval(r!(x.a), r!(x.b))),
        Op::I64Shl(x) => r!(x.d) = tri!(BinOp::I64Shl.eval(r!(x.a), r!(x.b))),
        Op::I64ShrU(x) => r!(x.d) = tri!(BinOp::I64ShrU.eval(r!(x.a), r!(x.b))),
        Op::F32Add(x) => r!(x.d) = tri!(BinOp::F32Add.eval(r!(x.a), r!(x.b))),
        Op::F32Sub(x) => r!(x.d) = tri!(BinOp::F32Sub.eval(r!(x.a), r!(x.b))),
        Op::F32Mul(x) => r!(x.d) = tri!(BinOp::F32Mul.eval(r!(x.a), r!(x.b))),
        Op::F64Add(x) => r!(x.d) = tri!(BinOp::F64Add.eval(r!(x.a), r!(x.b))),
        Op::F64Sub(x) => r!(x.d) = tri!(BinOp::F64Sub.eval(r!(x.a), r!(x.b))),
        Op::F64Mul(x) => r!(x.d) = tri!(BinOp::F64Mul.eval(r!(x.a), r!(x.b))),
        Op::F64Div(x) => r!(x.d) = tri!(BinOp::F64Div.eval(r!(x.a), r!(x.b))),
        Op::I32MulImm(x) => r!(x.d) = tri!(BinOp::I32Mul.eval(r!(x.a), x.imm as Slot)),
        Op::I32AndImm(x) => r!(x.d) = tri!(BinOp::I32And.eval(r!(x.a), x.imm as Slot)),
        Op::I32OrImm(x) => r!(x.d) = tri!(BinOp::I32Or.eval(r!(x.a), x.imm as Slot)),
        Op::I32XorImm(x) => r!(x.d) = tri!(BinOp::I32Xor.eval(r!(x.a), x.imm as Slot)),
        Op::I32ShlImm(x) => r!(x.d) = tri!(BinOp::I32Shl.eval(r!(x.a), x.imm as Slot)),
        Op::I32ShrSImm(x) => r!(x.d) = tri!(BinOp::I32ShrS.eval(r!(x.a), x.imm as Slot)),
        Op::I32ShrUImm(x) => r!(x.d) = tri!(BinOp::I32ShrU.eval(r!(x.a), x.imm as Slot)),
        Op::I32RotlImm(x) => r!(x.d) = tri!(BinOp::I32Rotl.eval(r!(x.a), x.imm as Slot)),
        Op::I32RotrImm(x) => r!(x.d) = tri!(BinOp::I32Rotr.eval(r!(x.a), x.imm as Slot)),
        Op::I64AddImm(x) => r!(x.d) = tri!(BinOp::I64Add.eval(r!(x.a), x.imm as Slot)),
        Op::BrI32Eq(x) => br_if_cmp!(I32Eq, x, r!(x.b)),
        Op::BrI32EqImm(x) => br_if_cmp!(I32Eq, x, x.imm as Slot),
        Op::BrI32Ne(x) => br_if_cmp!(I32Ne, x, r!(x.b)),
        Op::BrI32NeImm(x) => br_if_cmp!(I32Ne, x, x.imm as Slot),
        Op::BrI32LtS(x) => br_if_cmp!(I32LtS, x, r!(x.b)),
        Op::BrI32LtSImm(x) => br_if_cmp!(I32LtS, x, x.imm as Slot),
        Op::BrI32LtU(x) => br_if_cmp!(I32LtU, x, r!(x.b)),
        Op::BrI32LtUImm(x) => br_if_cmp!(I32LtU, x, x.imm as Slot),
        Op::BrI32GtS(x) => br_if_cmp!(I32GtS, x, r!(x.b)),
        Op::BrI32GtSImm(x) => br_if_cmp!(I32GtS, x, x.imm as Slot),
        Op::BrI32GtU(x) => br_if_cmp!(I32GtU, x, r!(x.b)),
        Op::BrI32GtUImm(x) => br_if_cmp!(I32GtU, x, x.imm as Slot),
        Op::BrI32LeS(x) => br_if_cmp!(I32LeS, x, r!(x.b)),
        Op::BrI32LeSImm(x) => br_if_cmp!(I32LeS, x, x.imm as Slot),
        Op::BrI32LeU(x) => br_if_cmp!(I32LeU, x, r!(x.b)),
        Op::BrI32LeUImm(x) => br_if_cmp!(I32LeU, x, x.imm as Slot),
        Op::BrI32GeS(x) => br_if_cmp!(I32GeS, x, r!(x.b)),
        Op::BrI32GeSImm(x) => br_if_cmp!(I32GeS, x, x.imm as Slot),
        Op::BrI32GeU(x) => br_if_cmp!(I32GeU, x, r!(x.b)),
        Op::BrI32GeUImm(x) => br_if_cmp!(I32GeU, x, x.imm as Slot),
        Op::Load32(x) => load_direct!(I32, x),
        Op::Load64(x) => load_direct!(I64, x),
        Op::Store32(x) => store_direct!(B32, x),
        Op::Store64(x) => store_direct!(B64, x),
        Op::Load8U(x) => load_direct!(I32_8U, x),
        Op::Store8(x) => store_direct!(B8, x),
        Op::Store8Imm(x) => store_imm!(B8, x),
        Op::Store32Imm(x) => store_imm!(B32, x),

        // ---- Memory 0 (spec 4.4.7) ----
        Op::Load { kind, d, a, off } => {
            r!(d) = tri!(mem_load(kind, mem.bytes(), u32_(r!(a)) as u64, off as u64));
        }
        Op::Store { kind, a, v, off } => {
            tri!(mem_store(
                kind,
                mem.bytes(),
                u32_(r!(a)) as u64,
                off as u64,
                r!(v)
            ));
        }
        Op::StoreImm { kind, a, v, off } => {
            tri!(mem_store(
                kind,
                mem.bytes(),
                u32_(r!(a)) as u64,
                off as u64,
                v as Slot
            ));
        }

        Op::StepBrLtU { step, x, n, to } => step_br!(step, x, to, |v| v < u32_(r!(n))),
        Op::StepBrLtUImm { step, x, n, to } => step_br!(step, x, to, |v| v < n),
        Op::StepBrLtS { step, x, n, to } => {
            step_br!(step, x, to, |v| (v as i32) < i32_(r!(n)))
        }
        Op::StepBrLtSImm { step, x, n, to } => {
            step_br!(step, x, to, |v| (v as i32) < (n as i32))
        }

        // ---- Vectors (spec 4.4.3, 4.4.7; lanes in `simd`) ----
        Op::SimdUn { op, d, a } => r!(d) = simd::eval3(op, r!(a), 0, 0),
        Op::SimdBin { op, d, a, b } => r!(d) = simd::eval3(op, r!(a), r!(b), 0),
        Op::LoadV128 { kind, d, a, off } => {
            let (at, off) = (u32_(r!(a)) as u64, off as u64);
            let data = mem.bytes();
            // The bytes the kind reads, each width as an array of its own.
            let m = match kind.bytes() {
                16 => u128::from_le_bytes(tri!(bytes_at::<16>(data, at, off))),
                8 => u64::from_le_bytes(tri!(bytes_at::<8>(data, at, off))) as u128,
                4 => u32::from_le_bytes(tri!(bytes_at::<4>(data, at, off))) as u128,
                2 => u16::from_le_bytes(tri!(bytes_at::<2>(data, at, off))) as u128,
                _ => tri!(bytes_at::<1>(data, at, off))[0] as u128,
            };
            r!(d) = if kind == V128LoadKind::Full {
                m
            } else {
                simd::extend(kind, m)
            };
        }
        Op::StoreV128(x) => {
            let v = r!(x.r);
            let at = u32_(r!(x.a)) as u64;
            *tri!(bytes_at_mut::<16>(mem.bytes(), at, x.off as u64)) = v.to_le_bytes();
        }

        // ---- Left to `run_with` ----
        leaves_frame!() => {
            return Ok(false);
        }
    }
    Ok(true)
}
