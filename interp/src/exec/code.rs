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
//! Instructions without a register form of their own (vector, GC, table
//! and bulk-memory instructions, and the rest of the long tail) run as
//! [`Op::Instr`]: the validated instruction itself, its operands in the
//! slots of the operand stack (the stack-machine convention), at a height
//! the compiler knows.

use super::numops::{BinOp, UnOp};
use crate::syntax::{Handler, Instr, MemArg, RefType};

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
    /// (`br_on_cast`), or is not (`fail`: `br_on_cast_fail`).
    BrOnCast {
        r: Reg,
        cast: u32,
        fail: bool,
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
    /// `d = a + b`, `i32` (the commonest, without the operator dispatch).
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
