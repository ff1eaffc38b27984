//! Decoding instructions (spec 5.4) into the flat sequence of
//! `syntax::instr`, and constant expressions.
//!
//! Nesting is tracked with a counter only: `block`, `loop` and `if` open, `end`
//! closes, and `else` must sit directly in an `if`. The body is complete at
//! the `end` that closes depth zero.

use super::reader::Reader;
use super::types::{block_type, val_type};
use crate::syntax::*;
use crate::{Error, Features};

/// Whether an instruction needs the data count section (spec 5.5.13).
pub(crate) fn uses_data_count(i: &Instr) -> bool {
    matches!(
        i,
        Instr::MemoryInit { .. }
            | Instr::DataDrop(_)
            | Instr::ArrayNewData { .. }
            | Instr::ArrayInitData { .. }
    )
}

/// Decodes instructions up to and including the `end` that closes the
/// expression (spec 5.4.9 `expr`). `r` must end right there for a function
/// body; a constant expression is followed by more data.
pub(crate) fn expr(r: &mut Reader<'_>, f: &Features) -> Result<Vec<Instr>, Error> {
    let mut code = Vec::new();
    // The open constructs, innermost last.
    #[derive(PartialEq)]
    enum Open {
        Block,
        IfBeforeElse,
        Try,
    }
    let mut open: Vec<Open> = Vec::new();
    loop {
        let at = r.offset();
        let i = instr(r, f)?;
        let misplaced = || super::reader::malformed(at, "END opcode expected");
        match &i {
            Instr::Block(_) | Instr::Loop(_) | Instr::TryTable(_) => open.push(Open::Block),
            Instr::If { .. } => open.push(Open::IfBeforeElse),
            Instr::Try(_) => open.push(Open::Try),
            Instr::Else { .. } => match open.last_mut() {
                Some(o @ Open::IfBeforeElse) => *o = Open::Block,
                _ => return Err(misplaced()),
            },
            // Any number of `catch`es, then at most one `catch_all`.
            Instr::Catch { .. } if open.last() == Some(&Open::Try) => {}
            Instr::CatchAll { .. } if open.last() == Some(&Open::Try) => {
                *open.last_mut().expect("checked") = Open::Block
            }
            Instr::Catch { .. } | Instr::CatchAll { .. } => return Err(misplaced()),
            Instr::Delegate(_) if open.pop() != Some(Open::Try) => {
                return Err(misplaced());
            }
            Instr::End if open.pop().is_none() => {
                code.push(i);
                // The doubling growth leaves up to half the capacity unused.
                code.shrink_to_fit();
                return Ok(code);
            }
            _ => {}
        }
        code.push(i);
    }
}

/// The GC instructions (spec 5.4.3 "Aggregate instructions" and the cast
/// and i31 instructions): prefix `0xfb`, then a `u32` sub-opcode.
fn gc(r: &mut Reader<'_>, f: &Features) -> Result<Instr, Error> {
    use Instr::*;
    let at = r.offset() - 1;
    let sub = r.u32()?;
    let heap = |r: &mut Reader<'_>, nullable| {
        Ok::<_, Error>(RefType {
            nullable,
            heap: super::types::heap_type(r, f)?,
        })
    };
    Ok(match sub {
        0x00 => StructNew(r.u32()?),
        0x01 => StructNewDefault(r.u32()?),
        0x02..=0x04 => StructGet {
            ty: r.u32()?,
            field: r.u32()?,
            pack: [Pack::Full, Pack::Signed, Pack::Unsigned][sub as usize - 2],
        },
        0x05 => StructSet {
            ty: r.u32()?,
            field: r.u32()?,
            pack: Pack::Full,
        },
        0x06 => ArrayNew(r.u32()?),
        0x07 => ArrayNewDefault(r.u32()?),
        0x08 => ArrayNewFixed {
            ty: r.u32()?,
            n: r.u32()?,
        },
        0x09 => ArrayNewData {
            ty: r.u32()?,
            data: r.u32()?,
        },
        0x0a => ArrayNewElem {
            ty: r.u32()?,
            elem: r.u32()?,
        },
        0x0b..=0x0d => ArrayGet {
            ty: r.u32()?,
            pack: [Pack::Full, Pack::Signed, Pack::Unsigned][sub as usize - 0x0b],
        },
        0x0e => ArraySet(r.u32()?),
        0x0f => ArrayLen,
        0x10 => ArrayFill(r.u32()?),
        0x11 => ArrayCopy {
            dst: r.u32()?,
            src: r.u32()?,
        },
        0x12 => ArrayInitData {
            ty: r.u32()?,
            data: r.u32()?,
        },
        0x13 => ArrayInitElem {
            ty: r.u32()?,
            elem: r.u32()?,
        },
        0x14 | 0x15 => RefTest(heap(r, sub == 0x15)?),
        0x16 | 0x17 => RefCast(heap(r, sub == 0x17)?),
        0x20 if f.custom_descriptors => StructNewDesc(r.u32()?),
        0x21 if f.custom_descriptors => StructNewDefaultDesc(r.u32()?),
        0x22 if f.custom_descriptors => RefGetDesc(r.u32()?),
        0x23 | 0x24 if f.custom_descriptors => RefCastDescEq(heap(r, sub == 0x24)?),
        0x18 | 0x19 | 0x25 | 0x26 if sub < 0x20 || f.custom_descriptors => {
            // Bit 0 of the flags: the operand type is nullable; bit 1: the
            // target type is.
            let flags_at = r.offset();
            let flags = r.byte()?;
            if flags & !3 != 0 {
                return Err(super::reader::malformed(
                    flags_at,
                    "malformed br_on_cast flags",
                ));
            }
            let label = r.u32()?;
            let from = heap(r, flags & 1 != 0)?;
            let to = heap(r, flags & 2 != 0)?;
            BrOnCast(Box::new(crate::syntax::BrOnCast {
                fail: sub == 0x19 || sub == 0x26,
                desc: sub >= 0x25,
                label,
                target: Target::UNRESOLVED,
                from,
                to,
            }))
        }
        0x1a => AnyConvertExtern,
        0x1b => ExternConvertAny,
        0x1c => RefI31,
        0x1d => I31GetS,
        0x1e => I31GetU,
        _ => {
            return Err(super::reader::malformed(
                at,
                format!("illegal opcode 0xfb 0x{sub:x}"),
            ));
        }
    })
}

fn memarg(r: &mut Reader<'_>, f: &Features) -> Result<MemArg, Error> {
    // spec 5.4.6: the flags field holds the alignment exponent in bits 0-5
    // and, with multi-memory, bit 6 says a memory index follows; anything
    // else is malformed. In 2.0 an exponent of 32 or more was malformed too;
    // with the 3.0 encoding (multi-memory) it is well-formed and invalid.
    let at = r.offset();
    let flags = r.u32()?;
    let has_mem = flags & 0x40 != 0;
    let align = flags & 0x3f;
    if flags >= 0x80 || (has_mem && !f.multi_memory) || (align >= 32 && !f.multi_memory) {
        return Err(super::reader::malformed(at, "malformed memop flags"));
    }
    let mem = if has_mem { r.u32()? } else { 0 };
    let offset = if f.memory64 {
        r.u64()?
    } else {
        r.u32()? as u64
    };
    Ok(MemArg { offset, align, mem })
}

fn zero_byte(r: &mut Reader<'_>) -> Result<(), Error> {
    let at = r.offset();
    if r.byte()? != 0 {
        return Err(super::reader::malformed(at, "zero byte expected"));
    }
    Ok(())
}

/// A memory index where 2.0 has a reserved zero byte (`memory.size` etc.).
fn mem_idx(r: &mut Reader<'_>, f: &Features) -> Result<MemIdx, Error> {
    if f.multi_memory {
        r.u32()
    } else {
        zero_byte(r)?;
        Ok(0)
    }
}

/// One instruction (spec 5.4).
pub(crate) fn instr(r: &mut Reader<'_>, f: &Features) -> Result<Instr, Error> {
    use Instr::*;
    let at = r.offset();
    let op = r.byte()?;
    let illegal = || super::reader::malformed(at, format!("illegal opcode {op:02x}"));
    Ok(match op {
        0x00 => Unreachable,
        0x01 => Nop,
        0x02 => Block(block_type(r, f)?),
        0x03 => Loop(block_type(r, f)?),
        0x04 => If {
            ty: block_type(r, f)?,
            else_pc: 0,
        },
        0x05 => Else { end_pc: 0 },
        0x0b => End,
        0x0c => {
            let label = r.u32()?;
            Br {
                label,
                target: Target::UNRESOLVED,
            }
        }
        0x0d => {
            let label = r.u32()?;
            BrIf {
                label,
                target: Target::UNRESOLVED,
            }
        }
        0x0e => {
            let labels = r.vec(|r| r.u32())?;
            let default = r.u32()?;
            BrTable(Box::new(crate::syntax::BrTable {
                labels,
                default,
                targets: Vec::new(),
            }))
        }
        0x0f => Return,
        0x10 => Call(r.u32()?),
        0x11 => {
            let ty = r.u32()?;
            let table = if f.reference_types {
                r.u32()?
            } else {
                zero_byte(r)?;
                0
            };
            CallIndirect { ty, table }
        }
        0x06 if f.exceptions => Try(block_type(r, f)?),
        0x07 if f.exceptions => Catch {
            tag: r.u32()?,
            end_pc: 0,
        },
        0x19 if f.exceptions => CatchAll { end_pc: 0 },
        0x18 if f.exceptions => Delegate(r.u32()?),
        0x09 if f.exceptions => Rethrow {
            label: r.u32()?,
            local: 0,
        },
        0x08 if f.exceptions => Throw(r.u32()?),
        0x0a if f.exceptions => ThrowRef,
        0x1f if f.exceptions => {
            let ty = block_type(r, f)?;
            let catches = r.vec(|r| {
                let at = r.offset();
                let kind = match r.byte()? {
                    0 => CatchKind::Catch(r.u32()?),
                    1 => CatchKind::CatchRef(r.u32()?),
                    2 => CatchKind::CatchAll,
                    3 => CatchKind::CatchAllRef,
                    _ => return Err(super::reader::malformed(at, "malformed catch clause")),
                };
                Ok(crate::syntax::Catch {
                    kind,
                    label: r.u32()?,
                })
            })?;
            TryTable(Box::new(crate::syntax::TryTable { ty, catches }))
        }
        0x12 if f.tail_call => ReturnCall(r.u32()?),
        0x13 if f.tail_call => {
            let ty = r.u32()?;
            ReturnCallIndirect {
                ty,
                table: r.u32()?,
            }
        }
        0x1a => Drop,
        0x1b => Select(None),
        0x1c if f.reference_types => {
            let ts = r.vec(|r| val_type(r, f))?;
            match ts[..] {
                [t] => Select(Some(t)),
                _ => SelectMulti(ts.into()),
            }
        }
        0x20 => LocalGet(r.u32()?),
        0x21 => LocalSet(r.u32()?),
        0x22 => LocalTee(r.u32()?),
        0x23 => GlobalGet(r.u32()?),
        0x24 => GlobalSet(r.u32()?),
        0x25 if f.reference_types => TableGet(r.u32()?),
        0x26 if f.reference_types => TableSet(r.u32()?),
        0x28 => I32Load(memarg(r, f)?),
        0x29 => I64Load(memarg(r, f)?),
        0x2a => F32Load(memarg(r, f)?),
        0x2b => F64Load(memarg(r, f)?),
        0x2c => I32Load8S(memarg(r, f)?),
        0x2d => I32Load8U(memarg(r, f)?),
        0x2e => I32Load16S(memarg(r, f)?),
        0x2f => I32Load16U(memarg(r, f)?),
        0x30 => I64Load8S(memarg(r, f)?),
        0x31 => I64Load8U(memarg(r, f)?),
        0x32 => I64Load16S(memarg(r, f)?),
        0x33 => I64Load16U(memarg(r, f)?),
        0x34 => I64Load32S(memarg(r, f)?),
        0x35 => I64Load32U(memarg(r, f)?),
        0x36 => I32Store(memarg(r, f)?),
        0x37 => I64Store(memarg(r, f)?),
        0x38 => F32Store(memarg(r, f)?),
        0x39 => F64Store(memarg(r, f)?),
        0x3a => I32Store8(memarg(r, f)?),
        0x3b => I32Store16(memarg(r, f)?),
        0x3c => I64Store8(memarg(r, f)?),
        0x3d => I64Store16(memarg(r, f)?),
        0x3e => I64Store32(memarg(r, f)?),
        0x3f => MemorySize(mem_idx(r, f)?),
        0x40 => MemoryGrow(mem_idx(r, f)?),
        0x41 => I32Const(r.s32()?),
        0x42 => I64Const(r.s64()?),
        0x43 => F32Const(r.f32_bits()?),
        0x44 => F64Const(r.f64_bits()?),
        0x45..=0xc4 => numeric(op, f).ok_or_else(illegal)?,
        0xd0 if f.reference_types => RefNull(super::types::heap_type(r, f)?),
        0xd1 if f.reference_types => RefIsNull,
        0xd2 if f.reference_types => RefFunc(r.u32()?),
        0xd3 if f.gc => RefEq,
        0xd4 if f.function_references => RefAsNonNull,
        0xd5 if f.function_references => {
            let label = r.u32()?;
            BrOnNull {
                label,
                target: Target::UNRESOLVED,
            }
        }
        0xd6 if f.function_references => {
            let label = r.u32()?;
            BrOnNonNull {
                label,
                target: Target::UNRESOLVED,
            }
        }
        0x14 if f.function_references => CallRef(r.u32()?),
        0x15 if f.function_references && f.tail_call => ReturnCallRef(r.u32()?),
        0xfb if f.gc => gc(r, f)?,
        0xfc => {
            let sub = r.u32()?;
            match sub {
                0..=7 if f.saturating_float_to_int => [
                    I32TruncSatF32S,
                    I32TruncSatF32U,
                    I32TruncSatF64S,
                    I32TruncSatF64U,
                    I64TruncSatF32S,
                    I64TruncSatF32U,
                    I64TruncSatF64S,
                    I64TruncSatF64U,
                ][sub as usize]
                    .clone(),
                8 if f.bulk_memory => {
                    let data = r.u32()?;
                    MemoryInit {
                        mem: mem_idx(r, f)?,
                        data,
                    }
                }
                9 if f.bulk_memory => DataDrop(r.u32()?),
                10 if f.bulk_memory => {
                    let dst = mem_idx(r, f)?;
                    let src = mem_idx(r, f)?;
                    MemoryCopy { dst, src }
                }
                11 if f.bulk_memory => MemoryFill(mem_idx(r, f)?),
                12 if f.bulk_memory => {
                    let elem = r.u32()?;
                    let table = if f.reference_types {
                        r.u32()?
                    } else {
                        zero_byte(r)?;
                        0
                    };
                    TableInit { table, elem }
                }
                13 if f.bulk_memory => ElemDrop(r.u32()?),
                14 if f.bulk_memory => {
                    let (dst, src) = if f.reference_types {
                        (r.u32()?, r.u32()?)
                    } else {
                        zero_byte(r)?;
                        zero_byte(r)?;
                        (0, 0)
                    };
                    TableCopy { dst, src }
                }
                15 if f.reference_types => TableGrow(r.u32()?),
                16 if f.reference_types => TableSize(r.u32()?),
                17 if f.reference_types => TableFill(r.u32()?),
                // Wide arithmetic (proposal overview, "Binary Format").
                19 if f.wide_arithmetic => I64Add128,
                20 if f.wide_arithmetic => I64Sub128,
                21 if f.wide_arithmetic => I64MulWideS,
                22 if f.wide_arithmetic => I64MulWideU,
                _ => return Err(illegal()),
            }
        }
        0xfd if f.simd => simd(r, f)?,
        0xfe if f.threads => atomic(r, f)?,
        _ => return Err(illegal()),
    })
}

/// The atomic memory instructions, after their 0xFE prefix (threads
/// proposal overview, "Binary format").
fn atomic(r: &mut Reader<'_>, f: &Features) -> Result<Instr, Error> {
    let at = r.offset();
    let sub = r.u32()?;
    if sub == 0x03 {
        zero_byte(r)?;
        return Ok(Instr::AtomicFence);
    }
    match AtomicOp::from_opcode(sub) {
        Some(op) => Ok(Instr::Atomic(op, memarg(r, f)?)),
        None => Err(super::reader::malformed(
            at,
            format!("illegal opcode fe {sub:02x}"),
        )),
    }
}

/// The vector instructions, after their 0xFD prefix (spec 5.4.8).
fn simd(r: &mut Reader<'_>, f: &Features) -> Result<Instr, Error> {
    use Instr::*;
    let at = r.offset();
    let sub = r.u32()?;
    let bytes16 = |r: &mut Reader<'_>| {
        let mut b = [0u8; 16];
        for x in &mut b {
            *x = r.byte()?;
        }
        Ok::<_, Error>(b)
    };
    let load = |k, r: &mut Reader<'_>| Ok::<_, Error>(V128Load(k, memarg(r, f)?));
    Ok(match sub {
        0x00 => load(V128LoadKind::Full, r)?,
        0x01 => load(V128LoadKind::Load8x8S, r)?,
        0x02 => load(V128LoadKind::Load8x8U, r)?,
        0x03 => load(V128LoadKind::Load16x4S, r)?,
        0x04 => load(V128LoadKind::Load16x4U, r)?,
        0x05 => load(V128LoadKind::Load32x2S, r)?,
        0x06 => load(V128LoadKind::Load32x2U, r)?,
        0x07 => load(V128LoadKind::Splat8, r)?,
        0x08 => load(V128LoadKind::Splat16, r)?,
        0x09 => load(V128LoadKind::Splat32, r)?,
        0x0a => load(V128LoadKind::Splat64, r)?,
        0x0b => V128Store(memarg(r, f)?),
        0x0c => V128Const(bytes16(r)?),
        // The shuffle's immediates are 16 lane indices of one byte each.
        0x0d => I8x16Shuffle(bytes16(r)?),
        0x15..=0x22 => {
            // Extract and replace, shape by shape: i8x16 and i16x8 have a
            // signed and an unsigned extract, the others one.
            let (shape, kind) = match sub {
                0x15 => (Shape::I8x16, Some(true)),
                0x16 => (Shape::I8x16, Some(false)),
                0x17 => (Shape::I8x16, None),
                0x18 => (Shape::I16x8, Some(true)),
                0x19 => (Shape::I16x8, Some(false)),
                0x1a => (Shape::I16x8, None),
                0x1b => (Shape::I32x4, Some(true)),
                0x1c => (Shape::I32x4, None),
                0x1d => (Shape::I64x2, Some(true)),
                0x1e => (Shape::I64x2, None),
                0x1f => (Shape::F32x4, Some(true)),
                0x20 => (Shape::F32x4, None),
                0x21 => (Shape::F64x2, Some(true)),
                _ => (Shape::F64x2, None),
            };
            let l = r.byte()?; // the lane index
            match kind {
                Some(signed) => ExtractLane(crate::syntax::ExtractLane {
                    shape,
                    signed,
                    lane: l,
                }),
                None => ReplaceLane(shape, l),
            }
        }
        0x54..=0x5b => {
            let bits = 8u8 << ((sub - 0x54) % 4);
            let arg = memarg(r, f)?;
            let l = r.byte()?; // the lane index
            if sub < 0x58 {
                V128LoadLane { bits, lane: l, arg }
            } else {
                V128StoreLane { bits, lane: l, arg }
            }
        }
        0x5c => load(V128LoadKind::Zero32, r)?,
        0x5d => load(V128LoadKind::Zero64, r)?,
        _ => match SimdOp::from_opcode(sub) {
            Some(op) if !op.is_relaxed() || f.relaxed_simd => Simd(op),
            _ => {
                return Err(super::reader::malformed(
                    at,
                    format!("illegal opcode fd {sub:02x}"),
                ));
            }
        },
    })
}

/// The numeric instructions without immediates, 0x45..=0xc4 (spec 5.4.7).
fn numeric(op: u8, f: &Features) -> Option<Instr> {
    use Instr::*;
    Some(match op {
        0x45 => I32Eqz,
        0x46 => I32Eq,
        0x47 => I32Ne,
        0x48 => I32LtS,
        0x49 => I32LtU,
        0x4a => I32GtS,
        0x4b => I32GtU,
        0x4c => I32LeS,
        0x4d => I32LeU,
        0x4e => I32GeS,
        0x4f => I32GeU,
        0x50 => I64Eqz,
        0x51 => I64Eq,
        0x52 => I64Ne,
        0x53 => I64LtS,
        0x54 => I64LtU,
        0x55 => I64GtS,
        0x56 => I64GtU,
        0x57 => I64LeS,
        0x58 => I64LeU,
        0x59 => I64GeS,
        0x5a => I64GeU,
        0x5b => F32Eq,
        0x5c => F32Ne,
        0x5d => F32Lt,
        0x5e => F32Gt,
        0x5f => F32Le,
        0x60 => F32Ge,
        0x61 => F64Eq,
        0x62 => F64Ne,
        0x63 => F64Lt,
        0x64 => F64Gt,
        0x65 => F64Le,
        0x66 => F64Ge,
        0x67 => I32Clz,
        0x68 => I32Ctz,
        0x69 => I32Popcnt,
        0x6a => I32Add,
        0x6b => I32Sub,
        0x6c => I32Mul,
        0x6d => I32DivS,
        0x6e => I32DivU,
        0x6f => I32RemS,
        0x70 => I32RemU,
        0x71 => I32And,
        0x72 => I32Or,
        0x73 => I32Xor,
        0x74 => I32Shl,
        0x75 => I32ShrS,
        0x76 => I32ShrU,
        0x77 => I32Rotl,
        0x78 => I32Rotr,
        0x79 => I64Clz,
        0x7a => I64Ctz,
        0x7b => I64Popcnt,
        0x7c => I64Add,
        0x7d => I64Sub,
        0x7e => I64Mul,
        0x7f => I64DivS,
        0x80 => I64DivU,
        0x81 => I64RemS,
        0x82 => I64RemU,
        0x83 => I64And,
        0x84 => I64Or,
        0x85 => I64Xor,
        0x86 => I64Shl,
        0x87 => I64ShrS,
        0x88 => I64ShrU,
        0x89 => I64Rotl,
        0x8a => I64Rotr,
        0x8b => F32Abs,
        0x8c => F32Neg,
        0x8d => F32Ceil,
        0x8e => F32Floor,
        0x8f => F32Trunc,
        0x90 => F32Nearest,
        0x91 => F32Sqrt,
        0x92 => F32Add,
        0x93 => F32Sub,
        0x94 => F32Mul,
        0x95 => F32Div,
        0x96 => F32Min,
        0x97 => F32Max,
        0x98 => F32Copysign,
        0x99 => F64Abs,
        0x9a => F64Neg,
        0x9b => F64Ceil,
        0x9c => F64Floor,
        0x9d => F64Trunc,
        0x9e => F64Nearest,
        0x9f => F64Sqrt,
        0xa0 => F64Add,
        0xa1 => F64Sub,
        0xa2 => F64Mul,
        0xa3 => F64Div,
        0xa4 => F64Min,
        0xa5 => F64Max,
        0xa6 => F64Copysign,
        0xa7 => I32WrapI64,
        0xa8 => I32TruncF32S,
        0xa9 => I32TruncF32U,
        0xaa => I32TruncF64S,
        0xab => I32TruncF64U,
        0xac => I64ExtendI32S,
        0xad => I64ExtendI32U,
        0xae => I64TruncF32S,
        0xaf => I64TruncF32U,
        0xb0 => I64TruncF64S,
        0xb1 => I64TruncF64U,
        0xb2 => F32ConvertI32S,
        0xb3 => F32ConvertI32U,
        0xb4 => F32ConvertI64S,
        0xb5 => F32ConvertI64U,
        0xb6 => F32DemoteF64,
        0xb7 => F64ConvertI32S,
        0xb8 => F64ConvertI32U,
        0xb9 => F64ConvertI64S,
        0xba => F64ConvertI64U,
        0xbb => F64PromoteF32,
        0xbc => I32ReinterpretF32,
        0xbd => I64ReinterpretF64,
        0xbe => F32ReinterpretI32,
        0xbf => F64ReinterpretI64,
        0xc0 if f.sign_extension => I32Extend8S,
        0xc1 if f.sign_extension => I32Extend16S,
        0xc2 if f.sign_extension => I64Extend8S,
        0xc3 if f.sign_extension => I64Extend16S,
        0xc4 if f.sign_extension => I64Extend32S,
        _ => return None,
    })
}
