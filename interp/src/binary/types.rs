//! Decoding types (spec 5.3): value, reference, function, table, memory and
//! global types, limits and block types.

use super::reader::Reader;
use crate::syntax::*;
use crate::{Error, Features};

/// An abstract heap type (spec 5.3.3) from its one-byte encoding, if the
/// features have it.
fn abstract_heap(b: u8, f: &Features) -> Option<HeapType> {
    Some(match b {
        0x70 => HeapType::Func,
        0x6f if f.reference_types => HeapType::Extern,
        0x69 if f.exceptions => HeapType::Exn,
        0x74 if f.exceptions => HeapType::NoExn,
        0x73 if f.function_references => HeapType::NoFunc,
        0x72 if f.function_references => HeapType::NoExtern,
        0x6e if f.gc => HeapType::Any,
        0x6d if f.gc => HeapType::Eq,
        0x6c if f.gc => HeapType::I31,
        0x6b if f.gc => HeapType::Struct,
        0x6a if f.gc => HeapType::Array,
        0x71 if f.gc => HeapType::None,
        _ => return None,
    })
}

/// A heap type (spec 5.3.3): an abstract one in one byte, or a type index
/// as a non-negative `s33` (typed function references).
pub(crate) fn heap_type(r: &mut Reader<'_>, f: &Features) -> Result<HeapType, Error> {
    match r.peek() {
        // Custom descriptors: `0x62 x`, `(exact x)`, with a type index
        // (read as a non-negative `s33`, as the reference interpreter
        // does, so no abstract heap type, and no second `0x62`, can follow).
        Some(0x62) if f.custom_descriptors => {
            r.byte()?;
            let at = r.offset();
            let x = r.s33()?;
            u32::try_from(x)
                .map(HeapType::Exact)
                .map_err(|_| crate::binary::reader::malformed(at, "malformed heap type"))
        }
        Some(b) if b & 0xc0 == 0x40 => {
            r.byte()?;
            abstract_heap(b, f).ok_or_else(|| malformed_at(r, "malformed heap type"))
        }
        _ if f.function_references => {
            let at = r.offset();
            let x = r.s33()?;
            u32::try_from(x)
                .map(HeapType::Concrete)
                .map_err(|_| crate::binary::reader::malformed(at, "malformed heap type"))
        }
        _ => Err(r.err("malformed heap type")),
    }
}

/// A reference type (spec 5.3.3), from its first byte: a shorthand for a
/// nullable abstract type, or `0x63`/`0x64` (nullable or not) and a heap type.
pub(crate) fn ref_type_from(r: &mut Reader<'_>, b: u8, f: &Features) -> Result<RefType, Error> {
    match b {
        0x63 | 0x64 if f.function_references => Ok(RefType {
            nullable: b == 0x63,
            heap: heap_type(r, f)?,
        }),
        _ => match abstract_heap(b, f) {
            Some(heap) => Ok(RefType {
                nullable: true,
                heap,
            }),
            None => Err(malformed_at(r, "malformed reference type")),
        },
    }
}

/// A reference type (spec 5.3.3).
pub(crate) fn ref_type(r: &mut Reader<'_>, f: &Features) -> Result<RefType, Error> {
    let b = r.byte()?;
    ref_type_from(r, b, f)
}

/// A value type (spec 5.3.4), from its first byte.
pub(crate) fn val_type_from(r: &mut Reader<'_>, b: u8, f: &Features) -> Result<ValType, Error> {
    match b {
        0x7f => Ok(ValType::I32),
        0x7e => Ok(ValType::I64),
        0x7d => Ok(ValType::F32),
        0x7c => Ok(ValType::F64),
        0x7b if f.simd => Ok(ValType::V128),
        _ if f.reference_types => match ref_type_from(r, b, f) {
            Ok(t) => Ok(ValType::Ref(t)),
            Err(_) => Err(malformed_at(r, "malformed value type")),
        },
        _ => Err(malformed_at(r, "malformed value type")),
    }
}

/// A value type (spec 5.3.4).
pub(crate) fn val_type(r: &mut Reader<'_>, f: &Features) -> Result<ValType, Error> {
    let b = r.byte()?;
    val_type_from(r, b, f)
}

/// A function type's parameters and results (spec 5.3.6), after `0x60`.
fn func_type_body(r: &mut Reader<'_>, f: &Features) -> Result<FuncType, Error> {
    let params = r.vec(|r| val_type(r, f))?;
    let results = r.vec(|r| val_type(r, f))?;
    Ok(FuncType { params, results })
}

/// A storage type (spec 5.3.8): a value type, or `0x78` (`i8`) or `0x77`
/// (`i16`).
fn storage_type(r: &mut Reader<'_>, f: &Features) -> Result<StorageType, Error> {
    match r.peek() {
        Some(0x78) => {
            r.byte()?;
            Ok(StorageType::Packed(PackedType::I8))
        }
        Some(0x77) => {
            r.byte()?;
            Ok(StorageType::Packed(PackedType::I16))
        }
        _ => {
            // Neither a value type nor a packed type: the reference
            // interpreter tries both, and reports the last.
            let at = r.offset();
            val_type(r, f)
                .map(StorageType::Val)
                .map_err(|_| crate::binary::reader::malformed(at, "malformed storage type"))
        }
    }
}

/// A field type (spec 5.3.8): a storage type and a mutability byte.
fn field_type(r: &mut Reader<'_>, f: &Features) -> Result<FieldType, Error> {
    let storage = storage_type(r, f)?;
    let mutability = mutability(r)?;
    Ok(FieldType {
        storage,
        mutability,
    })
}

/// A composite type (spec 5.3.8): `0x60` function, `0x5f` structure or
/// `0x5e` array (the last two with GC only).
fn comp_type(r: &mut Reader<'_>, f: &Features) -> Result<CompType, Error> {
    match r.byte()? {
        // The forms are one-byte signed LEB128 numbers (`s7`): a longer
        // encoding is one byte too many.
        b if b & 0x80 != 0 => Err(r.err("integer representation too long")),
        0x60 => Ok(CompType::Func(func_type_body(r, f)?)),
        0x5f if f.gc => Ok(CompType::Struct(r.vec(|r| field_type(r, f))?)),
        0x5e if f.gc => Ok(CompType::Array(field_type(r, f)?)),
        _ if f.gc => Err(malformed_at(r, "malformed definition type")),
        _ => Err(malformed_at(r, "malformed functype")),
    }
}

/// A sub type (spec 5.3.9): `0x50` (`sub`) or `0x4f` (`sub final`), the
/// supertype indices and a composite type; or a bare composite type, which
/// is final and has no supertypes.
fn sub_type(r: &mut Reader<'_>, f: &Features) -> Result<SubType, Error> {
    let (is_final, supertypes) = match r.peek() {
        Some(b @ (0x50 | 0x4f)) if f.gc => {
            r.byte()?;
            (b == 0x4f, r.vec(|r| r.u32())?)
        }
        _ => (true, Vec::new()),
    };
    // Custom descriptors (overview "Binary Format"): `0x4c x` (describes
    // x), then `0x4d y` (descriptor y), before the composite type.
    let clause = |r: &mut Reader<'_>, byte| {
        if f.custom_descriptors && r.peek() == Some(byte) {
            r.byte()?;
            r.u32().map(Some)
        } else {
            Ok(None)
        }
    };
    let describes = clause(r, 0x4c)?;
    let descriptor = clause(r, 0x4d)?;
    Ok(SubType {
        is_final,
        supertypes,
        describes,
        descriptor,
        comp: comp_type(r, f)?,
    })
}

/// A recursive type (spec 5.3.10): `0x4e` and a vector of sub types, or one
/// sub type alone (a group of one).
pub(crate) fn rec_type(r: &mut Reader<'_>, f: &Features) -> Result<Vec<SubType>, Error> {
    if f.gc && r.peek() == Some(0x4e) {
        r.byte()?;
        r.vec(|r| sub_type(r, f))
    } else {
        Ok(vec![sub_type(r, f)?])
    }
}

/// A mutability byte (spec 5.3.10): 0 immutable, 1 mutable.
fn mutability(r: &mut Reader<'_>) -> Result<Mut, Error> {
    match r.byte()? {
        0 => Ok(Mut::Const),
        1 => Ok(Mut::Var),
        _ => Err(malformed_at(r, "malformed mutability")),
    }
}

fn malformed_at(r: &Reader<'_>, m: &str) -> Error {
    crate::binary::reader::malformed(r.offset().saturating_sub(1), m)
}

/// Limits (spec 5.3.7) of a memory or table type, as the flags byte and the
/// sizes say.
pub(crate) struct LimitsOf {
    pub(crate) addr: AddrType,
    pub(crate) limits: Limits,
    pub(crate) shared: bool,
    /// The page size's logarithm, for a memory (16 unless bit 3 gave one).
    pub(crate) page_log2: u8,
}

/// Limits (spec 5.3.7), with the flags byte: bit 0 "has max", bit 1 shared
/// (threads), bit 2 64-bit addresses (memory64), bit 3 a page size follows
/// (custom page sizes, memories only).
pub(crate) fn limits(r: &mut Reader<'_>, f: &Features, what: &str) -> Result<LimitsOf, Error> {
    let flags = r.byte()?;
    let shareable = f.threads && what == "memory";
    if !f.memory64 && !shareable {
        // Before memory64 the reference interpreter read the flags as a
        // one-bit LEB128 (`vu1`), and words a bad one so.
        if flags & 0x7f > 1 {
            return Err(malformed_at(r, "integer too large"));
        }
        if flags & 0x80 != 0 {
            return Err(r.err("integer representation too long"));
        }
    }
    let (has_max, shared, is64, has_page) = (
        flags & 1 != 0,
        flags & 2 != 0,
        flags & 4 != 0,
        flags & 8 != 0,
    );
    let mut allowed = 0b001;
    if f.memory64 {
        allowed |= 0b100;
    }
    if shareable {
        allowed |= 0b010;
    }
    if f.custom_page_sizes && what == "memory" {
        allowed |= 0b1000;
    }
    if flags & !allowed != 0 {
        return Err(malformed_at(r, "malformed limits flags"));
    }
    // With memory64 (WebAssembly 3.0) sizes are u64 in the binary whatever
    // the address type, and validation checks their range; before, u32.
    let addr = if is64 { AddrType::I64 } else { AddrType::I32 };
    let size = |r: &mut Reader<'_>| {
        if f.memory64 {
            r.u64()
        } else {
            r.u32().map(u64::from)
        }
    };
    let min = size(r)?;
    let max = if has_max { Some(size(r)?) } else { None };
    // Custom page sizes (proposal overview, "Binary Encoding"): the page
    // size is 2^p for a `u32` p of at most 64.
    let page_log2 = if has_page {
        let at = r.offset();
        match u8::try_from(r.u32()?) {
            Ok(p) if p <= 64 => p,
            _ => {
                return Err(crate::binary::reader::malformed(
                    at,
                    "invalid custom page size",
                ));
            }
        }
    } else {
        MemType::DEFAULT_PAGE_LOG2
    };
    Ok(LimitsOf {
        addr,
        limits: Limits { min, max },
        shared,
        page_log2,
    })
}

/// A table type (spec 5.3.9).
pub(crate) fn table_type(r: &mut Reader<'_>, f: &Features) -> Result<TableType, Error> {
    let elem = ref_type(r, f)?;
    let l = limits(r, f, "table")?;
    Ok(TableType {
        addr: l.addr,
        limits: l.limits,
        elem,
    })
}

/// A memory type (spec 5.3.8).
pub(crate) fn mem_type(r: &mut Reader<'_>, f: &Features) -> Result<MemType, Error> {
    let l = limits(r, f, "memory")?;
    Ok(MemType {
        addr: l.addr,
        limits: l.limits,
        shared: l.shared,
        page_log2: l.page_log2,
    })
}

/// A global type (spec 5.3.10).
pub(crate) fn global_type(r: &mut Reader<'_>, f: &Features) -> Result<GlobalType, Error> {
    let val = val_type(r, f)?;
    let mutability = mutability(r)?;
    Ok(GlobalType { mutability, val })
}

/// A block type (spec 5.4.1): empty (`0x40`), one value type, or a type index
/// as a positive `s33`.
pub(crate) fn block_type(r: &mut Reader<'_>, f: &Features) -> Result<BlockType, Error> {
    match r.peek() {
        Some(0x40) => {
            r.byte()?;
            Ok(BlockType::Empty)
        }
        Some(b) if b & 0xc0 == 0x40 => {
            // A one-byte negative s33: a value type.
            r.byte()?;
            Ok(BlockType::Value(val_type_from(r, b, f)?))
        }
        _ => {
            let at = r.offset();
            let x = r.s33()?;
            if x < 0 || !f.multi_value {
                return Err(crate::binary::reader::malformed(at, "malformed value type"));
            }
            Ok(BlockType::Func(x as u32))
        }
    }
}
