//! Instructions (spec 2.4), in a flat sequence per function body.
//!
//! The decoder produces one [`Instr`] per instruction of the binary, with
//! `block`, `loop`, `if`, `else` and `end` kept as markers, so a function
//! body is a `Vec<Instr>` and a program counter is an index into it.
//!
//! Validation (spec 3.3) annotates the instructions that jump: it fills in
//! each branch's [`Target`] (where to go and which operand-stack values to
//! keep), the `else`/`end` positions of `if` and `else`, and it replaces the
//! body's final `end` with `return`. The executor therefore never searches for
//! a matching `end` and keeps no label stack: this is the "side table" idea of
//! the Wizard engine, stored inline. Targets filled by the decoder are
//! `Target::UNRESOLVED` and must not be executed before validation.

use super::atomic::AtomicOp;
use super::simd::*;
use super::types::*;

/// Where a taken branch goes (filled in by validation, spec 3.3.8 "Control
/// Instructions": the label's type and the operand-stack height at its block).
///
/// Taking a branch keeps the top `arity` operand values, moves them down to
/// `height` (counted in stack slots from the start of the frame's locals),
/// drops everything between, and continues at `pc`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Target {
    /// The instruction to continue at: the instruction after the block's
    /// `end` for a `block` or `if`, the first instruction of the body of a
    /// `loop`.
    pub pc: u32,
    /// Stack height (slots from the frame's locals base) at the label.
    pub height: u32,
    /// Number of values the branch carries: the block's results, or a loop's
    /// parameters.
    pub arity: u32,
}

impl Target {
    /// The value the decoder leaves in a target before validation.
    pub const UNRESOLVED: Target = Target {
        pc: u32::MAX,
        height: 0,
        arity: 0,
    };
}

/// A `br_table`'s operands (boxed in [`Instr::BrTable`] to keep `Instr` small).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrTable {
    /// The label indices of the table, in order.
    pub labels: Vec<LabelIdx>,
    /// The default label.
    pub default: LabelIdx,
    /// One resolved target per entry of `labels`, then one for `default`
    /// (empty until validation).
    pub targets: Vec<Target>,
}

/// How `struct.get`/`array.get` read a field and `struct.set` writes one.
/// The decoder writes what the opcode says (`Full`, or a sign extension of
/// a packed field of not yet known width); validation, which knows the
/// field's storage type, writes the width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pack {
    /// A field of a value type, read or written as is (`struct.get`).
    Full,
    /// `_s` before validation.
    Signed,
    /// `_u` before validation.
    Unsigned,
    /// An `i8` field read with sign extension.
    I8S,
    /// An `i8` field read with zero extension.
    I8U,
    /// An `i16` field read with sign extension.
    I16S,
    /// An `i16` field read with zero extension.
    I16U,
    /// A write to an `i8` field (the value wrapped to 8 bits).
    I8,
    /// A write to an `i16` field (the value wrapped to 16 bits).
    I16,
}

/// The immediates of `br_on_cast` and `br_on_cast_fail` (GC).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrOnCast {
    /// `br_on_cast_fail` rather than `br_on_cast`.
    pub fail: bool,
    /// `br_on_cast_desc_eq[_fail]` (custom descriptors): the cast compares
    /// the operand's descriptor with a descriptor operand on top of it.
    pub desc: bool,
    /// The label.
    pub label: LabelIdx,
    /// Filled by validation.
    pub target: Target,
    /// The operand's type.
    pub from: RefType,
    /// The type cast to.
    pub to: RefType,
}

/// What a catch clause catches and what it passes to its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatchKind {
    /// `catch x l`: exceptions of tag `x`; passes their fields.
    Catch(TagIdx),
    /// `catch_ref x l`: exceptions of tag `x`; passes their fields and the exnref.
    CatchRef(TagIdx),
    /// `catch_all l`: any exception; passes nothing.
    CatchAll,
    /// `catch_all_ref l`: any exception; passes the exnref.
    CatchAllRef,
}

/// A catch clause of `try_table`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Catch {
    /// What it catches.
    pub kind: CatchKind,
    /// The label it branches to, relative to the context outside the `try_table`.
    pub label: LabelIdx,
}

/// A `try_table`'s immediates (boxed in [`Instr::TryTable`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TryTable {
    /// The block type.
    pub ty: BlockType,
    /// The catch clauses, in order.
    pub catches: Vec<Catch>,
}

/// An entry of a function's handler table (filled by validation): while an
/// instruction with index in `start..end` runs, an exception it raises is
/// matched against `catches` in order; the first that matches branches to
/// its target with its values. Entries are in the order of their
/// `try_table`s and `try`s, so an inner one comes after the ones around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handler {
    /// First instruction of the body.
    pub start: u32,
    /// Just past the body: the `end` of a `try_table`; the first `catch`,
    /// `catch_all`, `delegate` or the `end` of a legacy `try`.
    pub end: u32,
    /// The clauses with their resolved targets.
    pub catches: Vec<(CatchKind, Target)>,
    /// What else the entry does.
    pub kind: HandlerKind,
}

/// The kinds of handler-table entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandlerKind {
    /// A `try_table`.
    TryTable,
    /// A legacy `try ... catch`: the caught exnref is also stored in this
    /// hidden local, where `rethrow` finds it.
    Legacy {
        /// The hidden local's index.
        exn_local: u32,
    },
    /// A legacy `try ... delegate l`: any exception goes on being looked
    /// for as if raised at instruction `resume_at` (outside the block of
    /// label `l`), or in the caller if `l` is the function's label.
    Delegate {
        /// Where the search goes on, if in this function.
        resume_at: Option<u32>,
    },
}

/// The immediate of a load or store (spec 2.4.7): offset, alignment and memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemArg {
    /// The static offset added to the dynamic address.
    pub offset: u64,
    /// The alignment hint, as a power of two exponent.
    pub align: u32,
    /// The memory accessed (0 without multi-memory).
    pub mem: MemIdx,
}

/// One instruction (spec 2.4). Names follow the text format, in CamelCase.
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)] // the variants are the spec's instructions, named as in the text format
pub enum Instr {
    // ---- Control instructions (spec 2.4.8) ----
    Unreachable,
    Nop,
    Block(BlockType),
    Loop(BlockType),
    /// `if`: when the condition is zero, continue at `else_pc` (the first
    /// instruction of the else branch, or the `end` if there is none).
    If {
        ty: BlockType,
        else_pc: u32,
    },
    /// `else`, reached at the end of the then branch: continue at `end_pc`.
    Else {
        end_pc: u32,
    },
    End,
    Br {
        label: LabelIdx,
        target: Target,
    },
    BrIf {
        label: LabelIdx,
        target: Target,
    },
    BrTable(Box<BrTable>),
    Return,
    Call(FuncIdx),
    CallIndirect {
        ty: TypeIdx,
        table: TableIdx,
    },
    /// `throw x` (exception handling).
    Throw(TagIdx),
    /// `throw_ref`.
    ThrowRef,
    /// `try_table bt catch*`: a block whose body's exceptions are caught by
    /// the clauses. At run time a no-op marker; validation turns the clauses
    /// into an entry of the function's handler table.
    TryTable(Box<TryTable>),
    /// Legacy `try bt` (exception handling, phase 3 encoding still shipped by
    /// engines): a no-op marker at run time.
    Try(BlockType),
    /// Legacy `catch x`: reached at the end of the previous body, it jumps
    /// to `end_pc`; handlers enter just after it.
    Catch {
        tag: TagIdx,
        end_pc: u32,
    },
    /// Legacy `catch_all`: as `Catch`.
    CatchAll {
        end_pc: u32,
    },
    /// Legacy `delegate l`: ends a `try` body; a no-op when reached.
    Delegate(LabelIdx),
    /// Legacy `rethrow l`: throws again the exception caught by the `catch`
    /// at label `l`, which validation finds in hidden local `local`.
    Rethrow {
        label: LabelIdx,
        local: LocalIdx,
    },
    /// `return_call` (tail calls): the callee replaces the caller's frame.
    ReturnCall(FuncIdx),
    /// `return_call_indirect` (tail calls).
    ReturnCallIndirect {
        ty: TypeIdx,
        table: TableIdx,
    },

    // ---- Reference instructions (spec 2.4.2) ----
    RefNull(HeapType),
    RefIsNull,
    RefFunc(FuncIdx),
    /// `ref.as_non_null` (typed function references): traps on null.
    RefAsNonNull,
    /// `br_on_null l`: branches if the reference is null (dropping it).
    BrOnNull {
        label: LabelIdx,
        target: Target,
    },
    /// `br_on_non_null l`: branches with the reference if it is not null.
    BrOnNonNull {
        label: LabelIdx,
        target: Target,
    },
    /// `call_ref x`: calls the function reference on the stack, of type `x`.
    CallRef(TypeIdx),
    /// `return_call_ref x`: the tail-call form.
    ReturnCallRef(TypeIdx),

    // ---- Aggregate and i31 instructions (spec 2.4.2, GC) ----
    /// `ref.eq`: whether two `eqref`s are the same reference.
    RefEq,
    /// `ref.test rt`: whether the reference is of type `rt`.
    RefTest(RefType),
    /// `ref.cast rt`: the reference, if of type `rt`; traps otherwise.
    RefCast(RefType),
    /// `br_on_cast l rt1 rt2` / `br_on_cast_fail l rt1 rt2` (boxed to keep
    /// `Instr` small).
    BrOnCast(Box<BrOnCast>),
    /// `struct.new x`: a structure of type `x` from its fields' values.
    StructNew(TypeIdx),
    /// `struct.new_default x`: a structure of type `x` with default fields.
    StructNewDefault(TypeIdx),
    /// `struct.new_desc x` (custom descriptors): as `struct.new`, with the
    /// new structure's descriptor as the last operand.
    StructNewDesc(TypeIdx),
    /// `struct.new_default_desc x` (custom descriptors).
    StructNewDefaultDesc(TypeIdx),
    /// `ref.get_desc x` (custom descriptors): the descriptor of a
    /// structure of type `x`.
    RefGetDesc(TypeIdx),
    /// `ref.cast_desc_eq rt` (custom descriptors): the reference, if its
    /// descriptor is the descriptor operand; traps otherwise.
    RefCastDescEq(RefType),
    /// `struct.get[_s|_u] x i`. `pack` is what the field's storage type
    /// asks of the read (validation writes the width of a packed field).
    StructGet {
        ty: TypeIdx,
        field: u32,
        pack: Pack,
    },
    /// `struct.set x i`. `pack`: the width a packed field's value is
    /// wrapped to (validation writes it).
    StructSet {
        ty: TypeIdx,
        field: u32,
        pack: Pack,
    },
    /// `array.new x`: `n` copies of a value.
    ArrayNew(TypeIdx),
    /// `array.new_default x`: `n` default values.
    ArrayNewDefault(TypeIdx),
    /// `array.new_fixed x n`: an array of the top `n` values.
    ArrayNewFixed {
        ty: TypeIdx,
        n: u32,
    },
    /// `array.new_data x y`: elements read from data segment `y`.
    ArrayNewData {
        ty: TypeIdx,
        data: DataIdx,
    },
    /// `array.new_elem x y`: elements taken from element segment `y`.
    ArrayNewElem {
        ty: TypeIdx,
        elem: ElemIdx,
    },
    /// `array.get[_s|_u] x`.
    ArrayGet {
        ty: TypeIdx,
        pack: Pack,
    },
    /// `array.set x`.
    ArraySet(TypeIdx),
    /// `array.len`.
    ArrayLen,
    /// `array.fill x`.
    ArrayFill(TypeIdx),
    /// `array.copy x y`: from an array of type `y` into one of type `x`.
    ArrayCopy {
        dst: TypeIdx,
        src: TypeIdx,
    },
    /// `array.init_data x y`.
    ArrayInitData {
        ty: TypeIdx,
        data: DataIdx,
    },
    /// `array.init_elem x y`.
    ArrayInitElem {
        ty: TypeIdx,
        elem: ElemIdx,
    },
    /// `ref.i31`: the low 31 bits of an `i32` as an `i31ref`.
    RefI31,
    /// `i31.get_s`.
    I31GetS,
    /// `i31.get_u`.
    I31GetU,
    /// `any.convert_extern`: an `externref` as an `anyref`.
    AnyConvertExtern,
    /// `extern.convert_any`: an `anyref` as an `externref`.
    ExternConvertAny,

    // ---- Vector instructions (spec 2.4.1, SIMD) ----
    /// `v128.const`: the 16 bytes, lane 0 first.
    V128Const([u8; 16]),
    /// `v128.load` and its extending, splatting and zeroing forms.
    V128Load(V128LoadKind, MemArg),
    /// `v128.store`.
    V128Store(MemArg),
    /// `v128.loadN_lane`: `bits` bits from memory replace lane `lane`.
    V128LoadLane {
        bits: u8,
        lane: u8,
        arg: MemArg,
    },
    /// `v128.storeN_lane`: lane `lane` (`bits` wide) is stored.
    V128StoreLane {
        bits: u8,
        lane: u8,
        arg: MemArg,
    },
    /// `i8x16.shuffle`: byte `k` of the result is byte `lanes[k]` of the two
    /// operands taken as one 32-byte sequence.
    I8x16Shuffle([u8; 16]),
    /// `shape.extract_lane[_s|_u] lane`.
    ExtractLane(ExtractLane),
    /// `shape.replace_lane lane`.
    ReplaceLane(Shape, u8),
    /// Every other vector instruction (no immediates).
    Simd(SimdOp),

    // ---- Parametric instructions (spec 2.4.3) ----
    Drop,
    /// `select`, with its optional explicit type (`select t`).
    Select(Option<ValType>),
    /// `select t*` with other than one type: well-formed, but never valid
    /// (spec 3.3.4), kept so the validator can say so.
    SelectMulti(Box<[ValType]>),

    // ---- Variable instructions (spec 2.4.4) ----
    LocalGet(LocalIdx),
    LocalSet(LocalIdx),
    LocalTee(LocalIdx),
    GlobalGet(GlobalIdx),
    GlobalSet(GlobalIdx),

    // ---- Table instructions (spec 2.4.5) ----
    TableGet(TableIdx),
    TableSet(TableIdx),
    TableSize(TableIdx),
    TableGrow(TableIdx),
    TableFill(TableIdx),
    TableCopy {
        dst: TableIdx,
        src: TableIdx,
    },
    TableInit {
        table: TableIdx,
        elem: ElemIdx,
    },
    ElemDrop(ElemIdx),

    // ---- Memory instructions (spec 2.4.7) ----
    I32Load(MemArg),
    I64Load(MemArg),
    F32Load(MemArg),
    F64Load(MemArg),
    I32Load8S(MemArg),
    I32Load8U(MemArg),
    I32Load16S(MemArg),
    I32Load16U(MemArg),
    I64Load8S(MemArg),
    I64Load8U(MemArg),
    I64Load16S(MemArg),
    I64Load16U(MemArg),
    I64Load32S(MemArg),
    I64Load32U(MemArg),
    I32Store(MemArg),
    I64Store(MemArg),
    F32Store(MemArg),
    F64Store(MemArg),
    I32Store8(MemArg),
    I32Store16(MemArg),
    I64Store8(MemArg),
    I64Store16(MemArg),
    I64Store32(MemArg),
    MemorySize(MemIdx),
    MemoryGrow(MemIdx),
    MemoryFill(MemIdx),
    MemoryCopy {
        dst: MemIdx,
        src: MemIdx,
    },
    MemoryInit {
        mem: MemIdx,
        data: DataIdx,
    },
    DataDrop(DataIdx),

    // ---- Atomic memory instructions (threads proposal, prefix 0xFE) ----
    /// An atomic load, store, read-modify-write or compare-exchange, or
    /// `memory.atomic.wait32/64` or `notify`.
    Atomic(AtomicOp, MemArg),
    /// `atomic.fence`.
    AtomicFence,

    // ---- Numeric instructions (spec 2.4.1) ----
    I32Const(i32),
    I64Const(i64),
    /// `f32.const`, as raw bits so NaN payloads are kept exactly.
    F32Const(u32),
    /// `f64.const`, as raw bits so NaN payloads are kept exactly.
    F64Const(u64),

    I32Eqz,
    I32Eq,
    I32Ne,
    I32LtS,
    I32LtU,
    I32GtS,
    I32GtU,
    I32LeS,
    I32LeU,
    I32GeS,
    I32GeU,

    I64Eqz,
    I64Eq,
    I64Ne,
    I64LtS,
    I64LtU,
    I64GtS,
    I64GtU,
    I64LeS,
    I64LeU,
    I64GeS,
    I64GeU,

    F32Eq,
    F32Ne,
    F32Lt,
    F32Gt,
    F32Le,
    F32Ge,

    F64Eq,
    F64Ne,
    F64Lt,
    F64Gt,
    F64Le,
    F64Ge,

    I32Clz,
    I32Ctz,
    I32Popcnt,
    I32Add,
    I32Sub,
    I32Mul,
    I32DivS,
    I32DivU,
    I32RemS,
    I32RemU,
    I32And,
    I32Or,
    I32Xor,
    I32Shl,
    I32ShrS,
    I32ShrU,
    I32Rotl,
    I32Rotr,

    I64Clz,
    I64Ctz,
    I64Popcnt,
    I64Add,
    I64Sub,
    I64Mul,
    I64DivS,
    I64DivU,
    I64RemS,
    I64RemU,
    I64And,
    I64Or,
    I64Xor,
    I64Shl,
    I64ShrS,
    I64ShrU,
    I64Rotl,
    I64Rotr,

    F32Abs,
    F32Neg,
    F32Ceil,
    F32Floor,
    F32Trunc,
    F32Nearest,
    F32Sqrt,
    F32Add,
    F32Sub,
    F32Mul,
    F32Div,
    F32Min,
    F32Max,
    F32Copysign,

    F64Abs,
    F64Neg,
    F64Ceil,
    F64Floor,
    F64Trunc,
    F64Nearest,
    F64Sqrt,
    F64Add,
    F64Sub,
    F64Mul,
    F64Div,
    F64Min,
    F64Max,
    F64Copysign,

    I32WrapI64,
    I32TruncF32S,
    I32TruncF32U,
    I32TruncF64S,
    I32TruncF64U,
    I64ExtendI32S,
    I64ExtendI32U,
    I64TruncF32S,
    I64TruncF32U,
    I64TruncF64S,
    I64TruncF64U,
    F32ConvertI32S,
    F32ConvertI32U,
    F32ConvertI64S,
    F32ConvertI64U,
    F32DemoteF64,
    F64ConvertI32S,
    F64ConvertI32U,
    F64ConvertI64S,
    F64ConvertI64U,
    F64PromoteF32,
    I32ReinterpretF32,
    I64ReinterpretF64,
    F32ReinterpretI32,
    F64ReinterpretI64,

    // Sign extension (WebAssembly 2.0).
    I32Extend8S,
    I32Extend16S,
    I64Extend8S,
    I64Extend16S,
    I64Extend32S,

    // Non-trapping float-to-int (WebAssembly 2.0, prefix 0xFC 0..7).
    I32TruncSatF32S,
    I32TruncSatF32U,
    I32TruncSatF64S,
    I32TruncSatF64U,
    I64TruncSatF32S,
    I64TruncSatF32U,
    I64TruncSatF64S,
    I64TruncSatF64U,

    // Wide arithmetic (proposal, prefix 0xFC 19..22): 128-bit results as
    // two i64s, the low half first.
    /// `i64.add128`: `[lo1 hi1 lo2 hi2] -> [lo hi]`.
    I64Add128,
    /// `i64.sub128`.
    I64Sub128,
    /// `i64.mul_wide_s`: `[a b] -> [lo hi]`, the signed 128-bit product.
    I64MulWideS,
    /// `i64.mul_wide_u`: the unsigned 128-bit product.
    I64MulWideU,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every function body is a `Vec<Instr>` (and the compiled form keeps
    /// the instructions it runs stack-style): the SIMD instructions (16-byte
    /// immediates) must not make every instruction bigger than before.
    #[test]
    fn instructions_stay_24_bytes() {
        assert!(
            std::mem::size_of::<Instr>() <= 24,
            "{}",
            std::mem::size_of::<Instr>()
        );
    }
}
