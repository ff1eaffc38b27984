//! The executable form of a function (decision D20): register code made
//! once per function after validation by `compile`, run by `run`.
//!
//! A frame is a fixed run of slots from its base: the parameters, the
//! declared (and hidden) locals, then one slot per operand-stack height the
//! body can reach. An instruction names its operands and its result by slot
//! ([`Reg`], an offset from the base), so `local.get`, `local.set` and
//! constants mostly disappear into the instructions that use them, and a
//! branch keeps its values where the label expects them instead of moving
//! a stack pointer. Frames and slots stay on the heap (decision D3), so a
//! computation still pauses anywhere: the state of a frame is its base, its
//! function and the index of its next instruction.
//!
//! Instructions without a register form of their own (vector instructions
//! with immediates, GC, table and bulk-memory instructions, and the rest of
//! the long tail) run as
//! [`Op::Instr`]: the validated instruction itself, its operands in the
//! slots of the operand stack (the stack-machine convention), at a height
//! the compiler knows.

use super::numops::{BinOp, UnOp};
use crate::syntax::{Handler, Instr, MemArg, RefType, SimdOp, V128LoadKind};

/// A slot of the running frame: an offset from its base.
pub(crate) type Reg = u32;

/// An instruction index in a function's [`Code`].
pub(crate) type Pc = u32;

/// How a load reads memory (spec 4.4.7): the width, and how it extends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub(crate) enum LoadKind {
    I32,
    I64,
    F32,
    F64,
    I32_8S,
    I32_8U,
    I32_16S,
    I32_16U,
    I64_8S,
    I64_8U,
    I64_16S,
    I64_16U,
    I64_32S,
    I64_32U,
}

/// How a store writes memory: the width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub(crate) enum StoreKind {
    B8,
    B16,
    B32,
    B64,
}

/// One instruction of the executable form. 16 bytes: a tag and up to three
/// slots, a slot and a 64-bit immediate, or a slot, two immediates.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Op {
    // ---- Control ----
    /// `unreachable`: trap.
    Unreachable,
    /// Continue at `to`.
    Br {
        to: Pc,
    },
    /// Continue at `to` if slot `c` (an `i32`) is not zero.
    BrIfNez {
        c: Reg,
        to: Pc,
    },
    /// Continue at `to` if slot `c` is zero.
    BrIfEqz {
        c: Reg,
        to: Pc,
    },
    /// Continue at `to` if `a op b` (a comparison) holds: a comparison
    /// fused with the `br_if` (or `if`) that consumes it.
    BrIfCmp {
        op: BinOp,
        a: Reg,
        b: Reg,
        to: Pc,
    },
    /// Continue at `to` if `a op imm` holds (the immediate as in `BinImm32`).
    BrIfCmpImm {
        op: BinOp,
        a: Reg,
        imm: u32,
        to: Pc,
    },
    /// Does nothing: marks where a legacy `delegate` resumes its search.
    Nop,
    /// Continue at entry `i` of jump table `table` (the last entry for an
    /// index past the others).
    BrTable {
        i: Reg,
        table: u32,
    },
    /// Return the `n` values in slots `at..` to the caller.
    Return {
        at: Reg,
        n: u32,
    },
    /// Call function `f` of the instance; its arguments are in slots
    /// `at..`, where its frame begins and its results will be.
    Call {
        f: u32,
        at: Reg,
    },
    /// `call_indirect` through table `table` with type `ty`; the index is in
    /// slot `at + params` (above the arguments).
    CallIndirect {
        ty: u32,
        table: u32,
        at: Reg,
    },
    /// `call_ref` of type `ty`; the reference is in slot `at + params`.
    CallRef {
        ty: u32,
        at: Reg,
    },
    /// The tail-call forms: the callee replaces the running frame.
    ReturnCall {
        f: u32,
        at: Reg,
    },
    ReturnCallIndirect {
        ty: u32,
        table: u32,
        at: Reg,
    },
    ReturnCallRef {
        ty: u32,
        at: Reg,
    },
    /// `throw x` with the tag's fields in slots `at..`.
    Throw {
        tag: u32,
        at: Reg,
    },
    /// `throw_ref` of the exnref in slot `r`.
    ThrowRef {
        r: Reg,
    },
    /// Legacy `rethrow` of the exception in hidden local `r`.
    Rethrow {
        r: Reg,
    },
    /// Continue at `to` if the reference in `r` is null (`br_on_null`).
    BrOnNull {
        r: Reg,
        to: Pc,
    },
    /// Continue at `to` if the reference in `r` is not null.
    BrOnNonNull {
        r: Reg,
        to: Pc,
    },
    /// Continue at `to` if the reference in `r` is of type `casts[cast]`
    /// (`br_on_cast`), or is not (`fail`: `br_on_cast_fail`); with `desc`
    /// (`br_on_cast_desc_eq[_fail]`), if its descriptor is the one in the
    /// slot `r + 1`.
    BrOnCast {
        r: Reg,
        cast: u32,
        fail: bool,
        desc: bool,
        to: Pc,
    },

    // ---- Moves and constants ----
    /// `d = s`.
    Copy {
        d: Reg,
        s: Reg,
    },
    /// `d = v` (an `i32` or `f32`, zero-extended).
    Const32 {
        d: Reg,
        v: u32,
    },
    /// `d = v` (an `i64` or `f64`).
    Const64 {
        d: Reg,
        v: u64,
    },
    /// `d = if c != 0 { a } else { b }`, the condition `c` in slot `d + 2`
    /// (where the operand stack holds it).
    Select {
        d: Reg,
        a: Reg,
        b: Reg,
    },
    /// `d = global x`.
    GlobalGet {
        d: Reg,
        g: u32,
    },
    /// `global x = s`.
    GlobalSet {
        g: u32,
        s: Reg,
    },

    // ---- Numerics ----
    /// `d = op a`.
    Un {
        op: UnOp,
        d: Reg,
        a: Reg,
    },
    /// `d = a op b`.
    Bin {
        op: BinOp,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    /// `d = a op imm`: a constant below 2^32 as an immediate, zero-extended
    /// to a slot (so of any numeric type).
    BinImm32 {
        op: BinOp,
        d: Reg,
        a: Reg,
        imm: u32,
    },
    /// `d = a + b`, `i32` (a direct form, see below).
    I32Add {
        d: Reg,
        a: Reg,
        b: Reg,
    },
    /// `d = a + imm`, `i32`.
    I32AddImm {
        d: Reg,
        a: Reg,
        imm: u32,
    },

    // ---- Direct forms (`Op::direct`) ----
    // The commonest operators, comparisons and widths of `Bin`, `BinImm32`,
    // `BrIfCmp`, `BrIfCmpImm`, `Load`, `Store` and `StoreImm` as variants of
    // their own, so that running one takes one dispatch instead of two. Each
    // means exactly what its generic form means (for loads and stores,
    // `Load32` is `i32.load` or `f32.load`, `Load64` `i64.load` or
    // `f64.load`, `Load8U` `i32.load8_u` or `i64.load8_u`, and the stores
    // likewise); the compiler makes only generic forms, and
    // `Op::direct` rewrites them once a function is compiled.
    I32Sub(R3),
    I32Mul(R3),
    I32And(R3),
    I32Or(R3),
    I32Xor(R3),
    I32Shl(R3),
    I32ShrS(R3),
    I32ShrU(R3),
    I32Rotl(R3),
    I32Rotr(R3),
    I64Add(R3),
    I64Sub(R3),
    I64Mul(R3),
    I64And(R3),
    I64Or(R3),
    I64Xor(R3),
    I64Shl(R3),
    I64ShrU(R3),
    F32Add(R3),
    F32Sub(R3),
    F32Mul(R3),
    F64Add(R3),
    F64Sub(R3),
    F64Mul(R3),
    F64Div(R3),
    I32MulImm(R2I),
    I32AndImm(R2I),
    I32OrImm(R2I),
    I32XorImm(R2I),
    I32ShlImm(R2I),
    I32ShrSImm(R2I),
    I32ShrUImm(R2I),
    I32RotlImm(R2I),
    I32RotrImm(R2I),
    I64AddImm(R2I),
    BrI32Eq(Br2),
    BrI32EqImm(Br1I),
    BrI32Ne(Br2),
    BrI32NeImm(Br1I),
    BrI32LtS(Br2),
    BrI32LtSImm(Br1I),
    BrI32LtU(Br2),
    BrI32LtUImm(Br1I),
    BrI32GtS(Br2),
    BrI32GtSImm(Br1I),
    BrI32GtU(Br2),
    BrI32GtUImm(Br1I),
    BrI32LeS(Br2),
    BrI32LeSImm(Br1I),
    BrI32LeU(Br2),
    BrI32LeUImm(Br1I),
    BrI32GeS(Br2),
    BrI32GeSImm(Br1I),
    BrI32GeU(Br2),
    BrI32GeUImm(Br1I),
    Load32(Mem),
    Load64(Mem),
    Load8U(Mem),
    Store32(Mem),
    Store64(Mem),
    Store8(Mem),
    Store8Imm(MemImm),
    Store32Imm(MemImm),
    /// A loop's step and test (`Op::fuse_step`): `x += step` (`i32`), then
    /// continue at `to` if `x < n` (unsigned, `n` a slot), else skip the
    /// next instruction (the branch this one stands for). (Fields of their
    /// own, not a struct, so that the tag fits beside `step`.)
    StepBrLtU {
        step: i16,
        x: Reg,
        n: Reg,
        to: Pc,
    },
    /// The same with `n` an immediate.
    StepBrLtUImm {
        step: i16,
        x: Reg,
        n: u32,
        to: Pc,
    },
    /// The same comparing signed.
    StepBrLtS {
        step: i16,
        x: Reg,
        n: Reg,
        to: Pc,
    },
    StepBrLtSImm {
        step: i16,
        x: Reg,
        n: u32,
        to: Pc,
    },

    // ---- Memory 0 of a 32-bit address type, a static offset below 2^32 ----
    /// `d = load(a + off)`.
    Load {
        kind: LoadKind,
        d: Reg,
        a: Reg,
        off: u32,
    },
    /// `store(a + off, v)`.
    Store {
        kind: StoreKind,
        a: Reg,
        v: Reg,
        off: u32,
    },
    /// `store(a + off, v)` of a constant (zero-extended to the width).
    StoreImm {
        kind: StoreKind,
        a: Reg,
        v: u32,
        off: u32,
    },
    /// A load or store of any other memory: `memargs[m]`; `d`/`v` as above.
    LoadMem {
        kind: LoadKind,
        d: Reg,
        a: Reg,
        m: u32,
    },
    StoreMem {
        kind: StoreKind,
        a: Reg,
        v: Reg,
        m: u32,
    },

    // ---- Vectors (spec 4.4.3), memory 0 as above ----
    /// `d = op a`: a vector instruction of one operand and no immediate.
    SimdUn {
        op: SimdOp,
        d: Reg,
        a: Reg,
    },
    /// `d = op a b`: one of two operands and no immediate.
    SimdBin {
        op: SimdOp,
        d: Reg,
        a: Reg,
        b: Reg,
    },
    /// `d = v128.load(a + off)` of `kind`.
    LoadV128 {
        kind: V128LoadKind,
        d: Reg,
        a: Reg,
        off: u32,
    },
    /// `v128.store(a + off, r)`.
    StoreV128(Mem),

    // ---- Everything else ----
    /// Validated instruction `instrs[i]`, stack-machine style: its operands
    /// are the top slots of an operand stack of height `h` (slots from the
    /// frame's base), and its results replace them.
    Instr {
        i: u32,
        h: u32,
    },
}

/// Where a jump table entry goes.
pub(crate) type JumpTable = Box<[Pc]>;

/// The operands of a direct binary instruction: `d = a op b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct R3 {
    pub(crate) d: Reg,
    pub(crate) a: Reg,
    pub(crate) b: Reg,
}

/// `d = a op imm`, the immediate as in [`Op::BinImm32`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct R2I {
    pub(crate) d: Reg,
    pub(crate) a: Reg,
    pub(crate) imm: u32,
}

/// Continue at `to` if `a cmp b`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Br2 {
    pub(crate) a: Reg,
    pub(crate) b: Reg,
    pub(crate) to: Pc,
}

/// Continue at `to` if `a cmp imm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Br1I {
    pub(crate) a: Reg,
    pub(crate) imm: u32,
    pub(crate) to: Pc,
}

/// A load (`r` the result) or store (`r` the value) at `a + off` of
/// memory 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mem {
    pub(crate) r: Reg,
    pub(crate) a: Reg,
    pub(crate) off: u32,
}

/// A store of constant `v` at `a + off` of memory 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MemImm {
    pub(crate) v: u32,
    pub(crate) a: Reg,
    pub(crate) off: u32,
}

impl Op {
    /// The direct form of this instruction, if it has one (see the
    /// variants' section), else itself.
    pub(crate) fn direct(self) -> Op {
        use BinOp as B;
        match self {
            Op::Bin { op, d, a, b } => {
                let x = R3 { d, a, b };
                match op {
                    B::I32Add => Op::I32Add { d, a, b },
                    B::I32Sub => Op::I32Sub(x),
                    B::I32Mul => Op::I32Mul(x),
                    B::I32And => Op::I32And(x),
                    B::I32Or => Op::I32Or(x),
                    B::I32Xor => Op::I32Xor(x),
                    B::I32Shl => Op::I32Shl(x),
                    B::I32ShrS => Op::I32ShrS(x),
                    B::I32ShrU => Op::I32ShrU(x),
                    B::I32Rotl => Op::I32Rotl(x),
                    B::I32Rotr => Op::I32Rotr(x),
                    B::I64Add => Op::I64Add(x),
                    B::I64Sub => Op::I64Sub(x),
                    B::I64Mul => Op::I64Mul(x),
                    B::I64And => Op::I64And(x),
                    B::I64Or => Op::I64Or(x),
                    B::I64Xor => Op::I64Xor(x),
                    B::I64Shl => Op::I64Shl(x),
                    B::I64ShrU => Op::I64ShrU(x),
                    B::F32Add => Op::F32Add(x),
                    B::F32Sub => Op::F32Sub(x),
                    B::F32Mul => Op::F32Mul(x),
                    B::F64Add => Op::F64Add(x),
                    B::F64Sub => Op::F64Sub(x),
                    B::F64Mul => Op::F64Mul(x),
                    B::F64Div => Op::F64Div(x),
                    _ => self,
                }
            }
            Op::BinImm32 { op, d, a, imm } => {
                let x = R2I { d, a, imm };
                match op {
                    B::I32Add => Op::I32AddImm { d, a, imm },
                    // `i32.sub` of a constant adds its negation.
                    B::I32Sub => Op::I32AddImm {
                        d,
                        a,
                        imm: imm.wrapping_neg(),
                    },
                    B::I32Mul => Op::I32MulImm(x),
                    B::I32And => Op::I32AndImm(x),
                    B::I32Or => Op::I32OrImm(x),
                    B::I32Xor => Op::I32XorImm(x),
                    B::I32Shl => Op::I32ShlImm(x),
                    B::I32ShrS => Op::I32ShrSImm(x),
                    B::I32ShrU => Op::I32ShrUImm(x),
                    B::I32Rotl => Op::I32RotlImm(x),
                    B::I32Rotr => Op::I32RotrImm(x),
                    B::I64Add => Op::I64AddImm(x),
                    _ => self,
                }
            }
            Op::BrIfCmp { op, a, b, to } => {
                let x = Br2 { a, b, to };
                match op {
                    B::I32Eq => Op::BrI32Eq(x),
                    B::I32Ne => Op::BrI32Ne(x),
                    B::I32LtS => Op::BrI32LtS(x),
                    B::I32LtU => Op::BrI32LtU(x),
                    B::I32GtS => Op::BrI32GtS(x),
                    B::I32GtU => Op::BrI32GtU(x),
                    B::I32LeS => Op::BrI32LeS(x),
                    B::I32LeU => Op::BrI32LeU(x),
                    B::I32GeS => Op::BrI32GeS(x),
                    B::I32GeU => Op::BrI32GeU(x),
                    _ => self,
                }
            }
            Op::BrIfCmpImm { op, a, imm, to } => {
                let x = Br1I { a, imm, to };
                match op {
                    B::I32Eq => Op::BrI32EqImm(x),
                    B::I32Ne => Op::BrI32NeImm(x),
                    B::I32LtS => Op::BrI32LtSImm(x),
                    B::I32LtU => Op::BrI32LtUImm(x),
                    B::I32GtS => Op::BrI32GtSImm(x),
                    B::I32GtU => Op::BrI32GtUImm(x),
                    B::I32LeS => Op::BrI32LeSImm(x),
                    B::I32LeU => Op::BrI32LeUImm(x),
                    B::I32GeS => Op::BrI32GeSImm(x),
                    B::I32GeU => Op::BrI32GeUImm(x),
                    _ => self,
                }
            }
            Op::Load { kind, d, a, off } => {
                let x = Mem { r: d, a, off };
                match kind {
                    LoadKind::I32 | LoadKind::F32 => Op::Load32(x),
                    LoadKind::I64 | LoadKind::F64 => Op::Load64(x),
                    LoadKind::I32_8U | LoadKind::I64_8U => Op::Load8U(x),
                    _ => self,
                }
            }
            Op::Store { kind, a, v, off } => {
                let x = Mem { r: v, a, off };
                match kind {
                    StoreKind::B32 => Op::Store32(x),
                    StoreKind::B64 => Op::Store64(x),
                    StoreKind::B8 => Op::Store8(x),
                    _ => self,
                }
            }
            Op::StoreImm { kind, a, v, off } => {
                let x = MemImm { v, a, off };
                match kind {
                    StoreKind::B8 => Op::Store8Imm(x),
                    StoreKind::B32 => Op::Store32Imm(x),
                    _ => self,
                }
            }
            _ => self,
        }
    }
}

/// The pattern of the instructions that `frame_loop` leaves to
/// `run::run_with` ([`Op::leaves_frame`]).
macro_rules! leaves_frame {
    () => {
        Op::Return { .. }
            | Op::Call { .. }
            | Op::CallIndirect { .. }
            | Op::CallRef { .. }
            | Op::ReturnCall { .. }
            | Op::ReturnCallIndirect { .. }
            | Op::ReturnCallRef { .. }
            | Op::Throw { .. }
            | Op::ThrowRef { .. }
            | Op::Rethrow { .. }
            | Op::BrOnNull { .. }
            | Op::BrOnNonNull { .. }
            | Op::BrOnCast { .. }
            | Op::GlobalGet { .. }
            | Op::GlobalSet { .. }
            | Op::LoadMem { .. }
            | Op::StoreMem { .. }
            | Op::Instr { .. }
    };
}
pub(crate) use leaves_frame;

impl Op {
    /// Whether `frame_loop` leaves this instruction to `run::run_with`: it
    /// calls, returns, throws, or reads more of the store than memory 0.
    pub(crate) fn leaves_frame(&self) -> bool {
        matches!(self, leaves_frame!())
    }

    /// Where this instruction may jump (but for jump tables).
    pub(crate) fn jump_target(&self) -> Option<Pc> {
        match *self {
            Op::Br { to }
            | Op::BrIfNez { to, .. }
            | Op::BrIfEqz { to, .. }
            | Op::BrIfCmp { to, .. }
            | Op::BrIfCmpImm { to, .. }
            | Op::BrOnNull { to, .. }
            | Op::BrOnNonNull { to, .. }
            | Op::BrOnCast { to, .. } => Some(to),
            Op::BrI32Eq(x)
            | Op::BrI32Ne(x)
            | Op::BrI32LtS(x)
            | Op::BrI32LtU(x)
            | Op::BrI32GtS(x)
            | Op::BrI32GtU(x)
            | Op::BrI32LeS(x)
            | Op::BrI32LeU(x)
            | Op::BrI32GeS(x)
            | Op::BrI32GeU(x) => Some(x.to),
            Op::BrI32EqImm(x)
            | Op::BrI32NeImm(x)
            | Op::BrI32LtSImm(x)
            | Op::BrI32LtUImm(x)
            | Op::BrI32GtSImm(x)
            | Op::BrI32GtUImm(x)
            | Op::BrI32LeSImm(x)
            | Op::BrI32LeUImm(x)
            | Op::BrI32GeSImm(x)
            | Op::BrI32GeUImm(x) => Some(x.to),
            Op::StepBrLtU { to, .. }
            | Op::StepBrLtUImm { to, .. }
            | Op::StepBrLtS { to, .. }
            | Op::StepBrLtSImm { to, .. } => Some(to),
            _ => None,
        }
    }

    /// The step-and-test form of `self` followed by `next`, if they are a
    /// loop's `x += c` (`c` small) and a branch on `x < n` (unsigned or
    /// signed): the form does both, then skips `next`, which stays for
    /// whatever jumps to it or pauses before it.
    pub(crate) fn fuse_step(&self, next: &Op) -> Option<Op> {
        let Op::I32AddImm { d, a, imm } = *self else {
            return None;
        };
        let step = i16::try_from(imm as i32).ok()?;
        if d != a {
            return None;
        }
        let x = d;
        Some(match *next {
            Op::BrI32LtU(Br2 { a, b: n, to }) if a == x => Op::StepBrLtU { step, x, n, to },
            Op::BrI32LtS(Br2 { a, b: n, to }) if a == x => Op::StepBrLtS { step, x, n, to },
            Op::BrI32LtUImm(Br1I { a, imm: n, to }) if a == x => {
                Op::StepBrLtUImm { step, x, n, to }
            }
            Op::BrI32LtSImm(Br1I { a, imm: n, to }) if a == x => {
                Op::StepBrLtSImm { step, x, n, to }
            }
            _ => return None,
        })
    }
}

/// A function's executable form.
#[derive(Debug, Default)]
pub(crate) struct Code {
    pub(crate) ops: Vec<Op>,
    /// For each instruction, the slots of its frame that hold live values
    /// before it runs: the collector scans `base..base + live[pc]` of the
    /// innermost frame when it stops there (decision D14).
    pub(crate) live: Vec<u32>,
    /// The instructions run as [`Op::Instr`].
    pub(crate) instrs: Vec<Instr>,
    /// The jump tables of `br_table`s.
    pub(crate) tables: Vec<JumpTable>,
    /// The memory arguments of [`Op::LoadMem`]/[`Op::StoreMem`].
    pub(crate) memargs: Vec<MemArg>,
    /// The types of [`Op::BrOnCast`], as the module wrote them.
    pub(crate) casts: Vec<RefType>,
    /// The handler table (exception handling), with ranges and targets in
    /// instruction indices and the targets' heights in slots from the base.
    pub(crate) handlers: Vec<Handler>,
    /// Slots a frame takes: parameters, locals, operands.
    pub(crate) frame: u32,
    /// Parameters, and parameters plus locals (declared and hidden).
    pub(crate) params: u32,
    pub(crate) locals: u32,
    /// For each instruction, whether it is a jump back (closing a loop)
    /// whose loop, from its target to it, stays in the frame: then
    /// `frame_loop::run` runs the loop (see `run::run_with`).
    pub(crate) tight: Vec<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_stay_16_bytes() {
        assert!(
            std::mem::size_of::<Op>() <= 16,
            "{}",
            std::mem::size_of::<Op>()
        );
    }
}
