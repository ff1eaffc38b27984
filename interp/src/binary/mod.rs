//! Binary format (spec chapter 5): decoding a module from bytes.
//!
//! Decoding checks well-formedness only (spec 5): LEB128 sizes and ranges,
//! section order and sizes, UTF-8 names, known opcodes and immediates, and
//! the agreements between sections that the binary format itself states
//! (function and code counts, the data count). Type rules are the
//! validator's job.

mod instr;
mod reader;
mod types;

use crate::syntax::*;
use crate::{Error, Features};
use reader::{Reader, malformed};
use types::*;

/// Section ids (spec 5.5.2), in the order they must appear, except custom
/// sections (0), which may appear anywhere, and the data count section (12),
/// which sits between the element (9) and code (10) sections.
const SECTION_ORDER: [u8; 13] = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];

/// Decodes a binary module (spec 5.5.16).
///
/// # Errors
/// [`Error::Malformed`] with the byte offset and the reason.
pub fn decode(bytes: &[u8], features: &Features) -> Result<Module, Error> {
    let f = features;
    let mut r = Reader::new(bytes, 0);
    // spec 5.5.16: magic and version (each read whole before it is checked,
    // as the reference interpreter does).
    if r.take(4)? != b"\0asm" {
        return Err(malformed(0, "magic header not detected"));
    }
    if r.take(4)? != [1, 0, 0, 0] {
        return Err(malformed(4, "unknown binary version"));
    }

    let mut m = Module::default();
    let mut func_types: Vec<TypeIdx> = Vec::new();
    let mut bodies = 0usize;
    let mut last_pos: Option<usize> = None; // position in SECTION_ORDER of the last non-custom section
    while !r.is_empty() {
        let id_at = r.offset();
        let id = r.byte()?;
        if id != 0 && !SECTION_ORDER.contains(&id) {
            return Err(malformed(id_at, "malformed section id"));
        }
        let mut s = r.sized()?;
        if id == 0 {
            // spec 5.5.3: custom section, kept.
            let name = s.name()?;
            let data = s.take(s.remaining())?.to_vec();
            if !s.at_limit() {
                return Err(s.err("unexpected end of section or function"));
            }
            m.customs.push(Custom { name, data });
            continue;
        }
        let Some(pos) = SECTION_ORDER
            .iter()
            .position(|&x| x == id)
            .filter(|_| id != 13 || f.exceptions)
        else {
            return Err(malformed(id_at, "malformed section id"));
        };
        if last_pos.is_some_and(|l| pos <= l) {
            return Err(malformed(id_at, "unexpected content after last section"));
        }
        last_pos = Some(pos);
        match id {
            1 => {
                // spec 5.5.4: a vector of recursive groups, flattened.
                let groups = s.vec(|s| rec_type(s, f))?;
                for g in groups {
                    m.rec_groups.push(g.len() as u32);
                    m.types.extend(g);
                }
            }
            2 => m.imports = s.vec(|s| import(s, f))?,
            3 => func_types = s.vec(|s| s.u32())?,
            4 => {
                m.tables = s.vec(|s| {
                    // Typed function references: `0x40 0x00 tabletype expr`
                    // gives the elements' initial value.
                    if f.function_references && s.peek() == Some(0x40) {
                        s.byte()?;
                        if s.byte()? != 0 {
                            return Err(s.err("malformed table"));
                        }
                        let ty = table_type(s, f)?;
                        return Ok(Table {
                            ty,
                            init: Some(const_expr(s, f)?),
                        });
                    }
                    Ok(Table {
                        ty: table_type(s, f)?,
                        init: None,
                    })
                })?;
            }
            5 => m.mems = s.vec(|s| mem_type(s, f))?,
            6 => {
                m.globals = s.vec(|s| {
                    let ty = global_type(s, f)?;
                    Ok(Global {
                        ty,
                        init: ConstExpr(instr::expr(s, f)?),
                    })
                })?
            }
            7 => m.exports = s.vec(export)?,
            8 => m.start = Some(s.u32()?),
            13 => m.tags = s.vec(tag_type)?,
            9 => m.elems = s.vec(|s| elem(s, f))?,
            12 => {
                if !f.bulk_memory {
                    return Err(malformed(id_at, "malformed section id"));
                }
                m.data_count = Some(s.u32()?)
            }
            10 => {
                // The counts are compared once every section is read, as
                // the reference interpreter does (a misplaced section after
                // this one is the error it reports first).
                bodies = s.len32()?;
                for i in 0..bodies {
                    let type_idx = func_types.get(i).copied().unwrap_or(0);
                    m.funcs
                        .push(code(&mut s, f, type_idx, m.data_count.is_some())?);
                }
            }
            11 => m.datas = s.vec(|s| data(s, f))?,
            _ => unreachable!("ids are filtered through SECTION_ORDER"),
        }
        if !s.at_limit() {
            return Err(malformed(id_at, "section size mismatch"));
        }
    }
    if bodies != func_types.len() {
        return Err(malformed(
            bytes.len(),
            "function and code section have inconsistent lengths",
        ));
    }
    if m.data_count.is_some_and(|n| n as usize != m.datas.len()) {
        return Err(malformed(
            bytes.len(),
            "data count and data section have inconsistent lengths",
        ));
    }
    Ok(m)
}

/// An import (spec 5.5.5).
fn import(r: &mut Reader<'_>, f: &Features) -> Result<Import, Error> {
    let module = r.name()?;
    let name = r.name()?;
    let at = r.offset();
    let desc = match r.byte()? {
        0 => ImportDesc::Func(r.u32()?),
        1 => ImportDesc::Table(table_type(r, f)?),
        2 => ImportDesc::Mem(mem_type(r, f)?),
        3 => ImportDesc::Global(global_type(r, f)?),
        4 if f.exceptions => ImportDesc::Tag(tag_type(r)?),
        _ => return Err(malformed(at, "malformed import kind")),
    };
    Ok(Import { module, name, desc })
}

/// A tag type: an attribute byte (0: exception) and a type index.
fn tag_type(r: &mut Reader<'_>) -> Result<TagType, Error> {
    if r.byte()? != 0 {
        return Err(r.err("malformed tag attribute"));
    }
    Ok(TagType { type_idx: r.u32()? })
}

/// An export (spec 5.5.10).
fn export(r: &mut Reader<'_>) -> Result<Export, Error> {
    let name = r.name()?;
    let at = r.offset();
    let kind = r.byte()?;
    let x = r.u32()?;
    let desc = match kind {
        0 => ExportDesc::Func(x),
        1 => ExportDesc::Table(x),
        2 => ExportDesc::Mem(x),
        3 => ExportDesc::Global(x),
        4 => ExportDesc::Tag(x),
        _ => return Err(malformed(at, "malformed export kind")),
    };
    Ok(Export { name, desc })
}

/// A constant expression, ending with its `end`.
fn const_expr(r: &mut Reader<'_>, f: &Features) -> Result<ConstExpr, Error> {
    Ok(ConstExpr(instr::expr(r, f)?))
}

/// An element segment (spec 5.5.12): a flags field 0..=7 choosing passive,
/// active or declarative, an explicit table index, and function indices or
/// expressions.
fn elem(r: &mut Reader<'_>, f: &Features) -> Result<Elem, Error> {
    let at = r.offset();
    let flags = r.u32()?;
    // In 1.0 (spec 1.0 5.5.12: `x:tableidx e:expr y*:vec(funcidx)`) this
    // field is a table index: active, function indices, whatever its value.
    // The flags came with bulk memory and reference types.
    if !f.bulk_memory && !f.reference_types {
        let offset = const_expr(r, f)?;
        let init = ref_funcs(r)?;
        return Ok(Elem {
            ty: RefType::FUNCREF,
            init,
            mode: ElemMode::Active {
                table: flags,
                offset,
            },
        });
    }
    if flags > 7 {
        return Err(malformed(at, "malformed elements segment kind"));
    }
    let passive_or_declarative = flags & 1 != 0;
    let explicit_table = flags & 2 != 0;
    let uses_exprs = flags & 4 != 0;
    let mode = if passive_or_declarative {
        if explicit_table {
            ElemMode::Declarative
        } else {
            ElemMode::Passive
        }
    } else {
        let table = if explicit_table { r.u32()? } else { 0 };
        ElemMode::Active {
            table,
            offset: const_expr(r, f)?,
        }
    };
    // Flags 0 and 4 have no element kind/type: funcref is implied.
    let has_kind = flags & 3 != 0;
    // Function indices (spec 5.5.12): with typed references their type is
    // `(ref func)`, since none can be null; before, `funcref`.
    let func_indices = if f.function_references {
        RefType {
            nullable: false,
            heap: HeapType::Func,
        }
    } else {
        RefType::FUNCREF
    };
    let ty = if !has_kind {
        // Flag 4 (expressions, table 0) implies `funcref`; flag 0 indices.
        if uses_exprs {
            RefType::FUNCREF
        } else {
            func_indices
        }
    } else if uses_exprs {
        let b = r.byte()?;
        ref_type_from(r, b, f)?
    } else {
        // elemkind: only 0x00 (funcref).
        let kat = r.offset();
        if r.byte()? != 0 {
            return Err(malformed(kat, "malformed element kind"));
        }
        func_indices
    };
    let init = if uses_exprs {
        r.vec(|r| const_expr(r, f))?
    } else {
        ref_funcs(r)?
    };
    Ok(Elem { ty, init, mode })
}

/// An element segment's function indices, each as the expression `ref.func x`.
fn ref_funcs(r: &mut Reader<'_>) -> Result<Vec<ConstExpr>, Error> {
    r.vec(|r| Ok(ConstExpr(vec![Instr::RefFunc(r.u32()?), Instr::End])))
}

/// A data segment (spec 5.5.14): flags 0 (active, memory 0), 1 (passive) or
/// 2 (active, explicit memory).
fn data(r: &mut Reader<'_>, f: &Features) -> Result<Data, Error> {
    let at = r.offset();
    let flags = r.u32()?;
    let mode = match flags {
        // In 1.0 (spec 1.0 5.5.14: `x:memidx e:expr b*:vec(byte)`) this
        // field is a memory index, which validation checks.
        x if !f.bulk_memory && !f.multi_memory => DataMode::Active {
            mem: x,
            offset: const_expr(r, f)?,
        },
        0 => DataMode::Active {
            mem: 0,
            offset: const_expr(r, f)?,
        },
        1 if f.bulk_memory => DataMode::Passive,
        2 if f.bulk_memory || f.multi_memory => {
            let mem = r.u32()?;
            DataMode::Active {
                mem,
                offset: const_expr(r, f)?,
            }
        }
        _ => return Err(malformed(at, "malformed data segment kind")),
    };
    let init = r.byte_vec()?.to_vec();
    Ok(Data { init, mode })
}

/// One entry of the code section (spec 5.5.13): size, locals, body.
fn code(
    r: &mut Reader<'_>,
    f: &Features,
    type_idx: TypeIdx,
    has_data_count: bool,
) -> Result<Func, Error> {
    let mut c = r.sized()?;
    let locals_at = c.offset();
    let locals = c.vec(|c| {
        let n = c.u32()?;
        Ok((n, val_type(c, f)?))
    })?;
    let total: u64 = locals.iter().map(|(n, _)| *n as u64).sum();
    if total > u32::MAX as u64 {
        return Err(malformed(locals_at, "too many locals"));
    }
    let body = instr::expr(&mut c, f)?;
    if !c.at_limit() {
        return Err(c.err("section size mismatch"));
    }
    if !has_data_count && body.iter().any(instr::uses_data_count) {
        return Err(malformed(locals_at, "data count section required"));
    }
    Ok(Func {
        type_idx,
        locals,
        body,
        max_height: 0,
        handlers: Vec::new(),
        hidden_locals: 0,
        heights: Vec::new(),
    })
}
