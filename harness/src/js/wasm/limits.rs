//! The JS API's implementation limits (JS API §"Implementation-defined
//! Limits"): a module that exceeds one is refused with a CompileError by
//! `validate`, `compile`, `new Module` and the streaming functions; the
//! dynamic ones (table and memory sizes) are RangeErrors where tables and
//! memories are made or grown from JS, and make `table.grow` and
//! `memory.grow` fail in wasm.
//!
//! The static limits are checked by [`check_module`], a scan of the binary
//! *before* it is decoded: it reads the counts at the head of each section
//! and the few entries the limits look into (types, imports, memories,
//! element segments, function bodies), so a module past a limit is refused
//! without the decoder's and validator's work on it. The scan does not judge
//! well-formedness: where it cannot read the bytes it stops and leaves the
//! error to the decoder. The number of recursion groups, of types in one,
//! of fields of a struct, and the depth of a subtype chain are counted as
//! the type section is read.
//!
//! One limit is on an immediate of an instruction, which only a decoder
//! finds in a function body: the operands of `array.new_fixed`.
//! [`check_decoded`] looks for it in the decoded module, before it is
//! validated (decoding such an instruction costs nothing in proportion to
//! its operand count, and the scan cannot skip instructions without
//! knowing every opcode's immediates).

/// The largest module, in bytes.
pub(crate) const MAX_MODULE_SIZE: usize = 1 << 30;
/// Types defined in the type section.
pub(crate) const MAX_TYPES: u64 = 1_000_000;
/// Recursion groups in the type section.
pub(crate) const MAX_REC_GROUPS: u64 = 1_000_000;
/// Types in one recursion group.
pub(crate) const MAX_TYPES_IN_REC_GROUP: u64 = 1_000_000;
/// Depth of a subtype chain (a type with no supertype has depth 0).
pub(crate) const MAX_SUBTYPE_DEPTH: u32 = 63;
/// Functions defined in a module.
pub(crate) const MAX_FUNCTIONS: u64 = 1_000_000;
/// Imports declared.
pub(crate) const MAX_IMPORTS: u64 = 1_000_000;
/// Exports declared.
pub(crate) const MAX_EXPORTS: u64 = 1_000_000;
/// Globals defined.
pub(crate) const MAX_GLOBALS: u64 = 1_000_000;
/// Tags defined.
pub(crate) const MAX_TAGS: u64 = 1_000_000;
/// Data segments.
pub(crate) const MAX_DATA_SEGMENTS: u64 = 100_000;
/// Tables, defined and imported.
pub(crate) const MAX_TABLES: u64 = 100_000;
/// Size of a table, in elements (a dynamic limit).
pub(crate) const MAX_TABLE_SIZE: u64 = 10_000_000;
/// Table entries in one table initialization (element segment).
pub(crate) const MAX_TABLE_INIT_ENTRIES: u64 = 10_000_000;
/// Element segments. Not in the spec's list, which limits the entries of
/// each; the upstream `limits.any.js` tests this count, and V8 and
/// SpiderMonkey enforce it (`proposal-notes/upstream-js-api.md`).
pub(crate) const MAX_ELEMENT_SEGMENTS: u64 = 10_000_000;
/// Memories, defined and imported.
pub(crate) const MAX_MEMORIES: u64 = 100;
/// `min` or `max` of a 32-bit memory, in pages.
pub(crate) const MAX_MEMORY32_PAGES: u64 = 65_536;
/// `min` or `max` of a 64-bit memory, in pages.
pub(crate) const MAX_MEMORY64_PAGES: u64 = (1 << 37) - 1;
/// Size a 64-bit memory may grow to at run time, in pages (16 GiB; a 32-bit
/// memory's is its 65,536-page maximum, which validation already enforces).
pub(crate) const MAX_MEMORY64_RUNTIME_PAGES: u64 = 262_144;
/// Parameters of a function or block type.
pub(crate) const MAX_PARAMS: u64 = 1_000;
/// Results of a function or block type.
pub(crate) const MAX_RESULTS: u64 = 1_000;
/// Size of a function body, locals declarations included, in bytes.
pub(crate) const MAX_FUNCTION_SIZE: u64 = 7_654_321;
/// Locals of a function, parameters included.
pub(crate) const MAX_LOCALS: u64 = 50_000;
/// Fields of a struct type.
pub(crate) const MAX_STRUCT_FIELDS: u64 = 10_000;
/// Operands of `array.new_fixed` (its immediate `n`).
pub(crate) const MAX_ARRAY_NEW_FIXED: u64 = 10_000;

/// Checks the static limits of the module in `bytes`: `Err` with what is
/// over which limit, `Ok` when none is exceeded or the bytes cannot be read
/// far enough to tell (the decoder then reports why).
pub(crate) fn check_module(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() > MAX_MODULE_SIZE {
        return Err(over(
            "the module's size in bytes",
            bytes.len() as u64,
            MAX_MODULE_SIZE as u64,
        ));
    }
    match Scan::new(bytes).module() {
        Ok(()) | Err(Stop::Unreadable) => Ok(()),
        Err(Stop::Over(message)) => Err(message),
    }
}

/// Checks the limits on instructions' immediates of a decoded module (the
/// operands of `array.new_fixed`, in function bodies and constant
/// expressions): `Err` with what is over which limit.
pub(crate) fn check_decoded(m: &interp::syntax::Module) -> Result<(), String> {
    use interp::syntax::{DataMode, ElemMode, Instr};
    let exprs = m
        .globals
        .iter()
        .map(|g| &g.init)
        .chain(m.tables.iter().filter_map(|t| t.init.as_ref()))
        .chain(m.elems.iter().flat_map(|e| {
            let offset = match &e.mode {
                ElemMode::Active { offset, .. } => Some(offset),
                _ => None,
            };
            e.init.iter().chain(offset)
        }))
        .chain(m.datas.iter().filter_map(|d| match &d.mode {
            DataMode::Active { offset, .. } => Some(offset),
            DataMode::Passive => None,
        }))
        .map(|e| e.0.as_slice());
    for body in m.funcs.iter().map(|f| f.body.as_slice()).chain(exprs) {
        for i in body {
            if let Instr::ArrayNewFixed { n, .. } = i
                && u64::from(*n) > MAX_ARRAY_NEW_FIXED
            {
                return Err(over(
                    "the number of operands of array.new_fixed",
                    u64::from(*n),
                    MAX_ARRAY_NEW_FIXED,
                ));
            }
        }
    }
    Ok(())
}

/// The message for a count over its limit.
fn over(what: &str, n: u64, limit: u64) -> String {
    format!("{what} is {n}, over the JS API's limit of {limit}")
}

/// Why the scan stopped early.
enum Stop {
    /// The bytes are not as expected: the decoder will say why.
    Unreadable,
    /// A limit is exceeded.
    Over(String),
}

type Step<T> = Result<T, Stop>;

/// Fails with [`Stop::Over`] when `n` is over `limit`.
fn limit(what: &str, n: u64, max: u64) -> Step<()> {
    if n > max {
        return Err(Stop::Over(over(what, n, max)));
    }
    Ok(())
}

/// A cursor over the module's bytes (binary format, spec 5).
struct Scan<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// The number of parameters of each type (0 for a struct or array).
    type_params: Vec<u32>,
    /// The subtype depth of each type.
    type_depth: Vec<u32>,
    /// The type index of each defined function.
    func_types: Vec<u32>,
    /// Tables and memories imported so far.
    tables: u64,
    memories: u64,
}

impl<'a> Scan<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Scan {
            bytes,
            pos: 0,
            type_params: Vec::new(),
            type_depth: Vec::new(),
            func_types: Vec::new(),
            tables: 0,
            memories: 0,
        }
    }

    fn byte(&mut self) -> Step<u8> {
        let b = *self.bytes.get(self.pos).ok_or(Stop::Unreadable)?;
        self.pos += 1;
        Ok(b)
    }

    fn skip(&mut self, n: u64) -> Step<()> {
        let end = (self.pos as u64).checked_add(n).ok_or(Stop::Unreadable)?;
        if end > self.bytes.len() as u64 {
            return Err(Stop::Unreadable);
        }
        self.pos = end as usize;
        Ok(())
    }

    /// An unsigned LEB128 of at most `max_bytes` bytes (5 for u32, 10 for
    /// u64); also skips signed ones of that width.
    fn leb(&mut self, max_bytes: u32) -> Step<u64> {
        let mut result = 0u64;
        for i in 0..max_bytes {
            let b = self.byte()?;
            if i < 10 {
                result |= u64::from(b & 0x7f) << (7 * i).min(63);
            }
            if b & 0x80 == 0 {
                return Ok(result);
            }
        }
        Err(Stop::Unreadable)
    }

    fn u32(&mut self) -> Step<u64> {
        self.leb(5)
    }

    /// A value type (spec 5.3.4): one byte, or a reference type with a
    /// heap type (`ref`/`ref null` followed by an s33).
    fn val_type(&mut self) -> Step<()> {
        match self.byte()? {
            0x63 | 0x64 => self.leb(5).map(drop),
            _ => Ok(()),
        }
    }

    /// A field's storage type and mutability (GC).
    fn field(&mut self) -> Step<()> {
        match self.byte()? {
            0x63 | 0x64 => {
                self.leb(5)?;
            }
            _ => {}
        }
        self.byte().map(drop)
    }

    /// Limits (spec 5.3.7): the flags byte, then `min` and maybe `max`;
    /// returns (memory64, min, max).
    fn limits(&mut self) -> Step<(bool, u64, Option<u64>)> {
        let flags = self.byte()?;
        let is64 = flags & 0x04 != 0;
        let width = if is64 { 10 } else { 5 };
        let min = self.leb(width)?;
        let max = if flags & 0x01 != 0 {
            Some(self.leb(width)?)
        } else {
            None
        };
        Ok((is64, min, max))
    }

    /// A memory type's page counts against the limits.
    fn memory(&mut self) -> Step<()> {
        let (is64, min, max) = self.limits()?;
        let (what, cap) = if is64 {
            ("pages of a 64-bit memory", MAX_MEMORY64_PAGES)
        } else {
            ("pages of a 32-bit memory", MAX_MEMORY32_PAGES)
        };
        limit(&format!("the minimum {what}"), min, cap)?;
        if let Some(max) = max {
            limit(&format!("the maximum {what}"), max, cap)?;
        }
        self.memories += 1;
        limit("the number of memories", self.memories, MAX_MEMORIES)
    }

    /// A table type: its initial size against the table size limit (the
    /// spec lists it with the static limits, and V8 refuses such a module
    /// too), and one more table.
    fn table(&mut self) -> Step<()> {
        self.val_type()?;
        let (_, min, _) = self.limits()?;
        limit("the initial size of a table", min, MAX_TABLE_SIZE)?;
        self.tables += 1;
        limit("the number of tables", self.tables, MAX_TABLES)
    }

    /// A constant expression, up to its `end` (spec 3.3.10: the constant
    /// instructions of 3.0).
    fn const_expr(&mut self) -> Step<()> {
        loop {
            match self.byte()? {
                0x0b => return Ok(()),
                // i32.const, i64.const (s32, s64), global.get, ref.func.
                0x41 | 0x23 | 0xd2 => self.leb(5).map(drop)?,
                0x42 => self.leb(10).map(drop)?,
                0x43 => self.skip(4)?,
                0x44 => self.skip(8)?,
                // ref.null ht.
                0xd0 => self.leb(5).map(drop)?,
                // Extended constants: i32/i64 add, sub, mul.
                0x6a | 0x6b | 0x6c | 0x7c | 0x7d | 0x7e => {}
                // v128.const.
                0xfd => {
                    if self.u32()? != 12 {
                        return Err(Stop::Unreadable);
                    }
                    self.skip(16)?;
                }
                // GC: struct.new, struct.new_default, array.new,
                // array.new_default (a type index), array.new_fixed (two),
                // ref.i31, any.convert_extern, extern.convert_any.
                0xfb => match self.u32()? {
                    0 | 1 | 6 | 7 => self.u32().map(drop)?,
                    8 => {
                        self.u32()?;
                        self.u32()?;
                    }
                    26..=28 => {}
                    _ => return Err(Stop::Unreadable),
                },
                _ => return Err(Stop::Unreadable),
            }
        }
    }

    fn module(&mut self) -> Step<()> {
        if self.bytes.get(..8) != Some(b"\0asm\x01\0\0\0".as_slice()) {
            return Err(Stop::Unreadable);
        }
        self.pos = 8;
        while self.pos < self.bytes.len() {
            let id = self.byte()?;
            let size = self.u32()?;
            let start = self.pos;
            let end = start
                .checked_add(size as usize)
                .filter(|&e| e <= self.bytes.len())
                .ok_or(Stop::Unreadable)?;
            match id {
                1 => self.types()?,
                2 => self.imports()?,
                3 => self.functions()?,
                4 => {
                    for _ in 0..self.u32()? {
                        // A table with an initializer: 0x40 0x00, the table
                        // type, then the initializer's expression.
                        let with_init = self.bytes.get(self.pos) == Some(&0x40);
                        if with_init {
                            self.skip(2)?;
                        }
                        self.table()?;
                        if with_init {
                            self.const_expr()?;
                        }
                    }
                }
                5 => {
                    for _ in 0..self.u32()? {
                        self.memory()?;
                    }
                }
                6 => limit("the number of globals", self.u32()?, MAX_GLOBALS)?,
                7 => limit("the number of exports", self.u32()?, MAX_EXPORTS)?,
                9 => self.elements()?,
                10 => self.code()?,
                11 => limit(
                    "the number of data segments",
                    self.u32()?,
                    MAX_DATA_SEGMENTS,
                )?,
                13 => limit("the number of tags", self.u32()?, MAX_TAGS)?,
                0 | 8 | 12 => {}
                _ => return Err(Stop::Unreadable),
            }
            self.pos = end;
        }
        Ok(())
    }

    /// The type section: types, recursion groups, parameters and results,
    /// subtype depth.
    fn types(&mut self) -> Step<()> {
        let groups = self.u32()?;
        limit("the number of recursion groups", groups, MAX_REC_GROUPS)?;
        for _ in 0..groups {
            let in_group = if self.bytes.get(self.pos) == Some(&0x4e) {
                self.pos += 1;
                let n = self.u32()?;
                limit(
                    "the number of types in a recursion group",
                    n,
                    MAX_TYPES_IN_REC_GROUP,
                )?;
                n
            } else {
                1
            };
            for _ in 0..in_group {
                self.sub_type()?;
                limit(
                    "the number of types",
                    self.type_params.len() as u64,
                    MAX_TYPES,
                )?;
            }
        }
        Ok(())
    }

    /// A subtype (GC `sub`/`sub final` with its supertypes) or a bare
    /// composite type.
    fn sub_type(&mut self) -> Step<()> {
        let mut depth = 0;
        if matches!(self.bytes.get(self.pos), Some(0x50 | 0x4f)) {
            self.pos += 1;
            for _ in 0..self.u32()? {
                let sup = self.u32()?;
                // A supertype is defined earlier (validation checks that).
                if let Some(d) = self.type_depth.get(sup as usize) {
                    depth = depth.max(d + 1);
                }
            }
            limit(
                "the depth of a subtype chain",
                u64::from(depth),
                u64::from(MAX_SUBTYPE_DEPTH),
            )?;
        }
        let params = match self.byte()? {
            0x60 => {
                let params = self.u32()?;
                limit(
                    "the number of parameters of a function type",
                    params,
                    MAX_PARAMS,
                )?;
                for _ in 0..params {
                    self.val_type()?;
                }
                let results = self.u32()?;
                limit(
                    "the number of results of a function type",
                    results,
                    MAX_RESULTS,
                )?;
                for _ in 0..results {
                    self.val_type()?;
                }
                params as u32
            }
            0x5f => {
                let fields = self.u32()?;
                limit(
                    "the number of fields of a struct type",
                    fields,
                    MAX_STRUCT_FIELDS,
                )?;
                for _ in 0..fields {
                    self.field()?;
                }
                0
            }
            0x5e => {
                self.field()?;
                0
            }
            _ => return Err(Stop::Unreadable),
        };
        self.type_params.push(params);
        self.type_depth.push(depth);
        Ok(())
    }

    /// The import section: the count, and the tables and memories imported.
    fn imports(&mut self) -> Step<()> {
        let n = self.u32()?;
        limit("the number of imports", n, MAX_IMPORTS)?;
        for _ in 0..n {
            for _ in 0..2 {
                let len = self.u32()?;
                self.skip(len)?;
            }
            match self.byte()? {
                0x00 => self.u32().map(drop)?,
                0x01 => self.table()?,
                0x02 => self.memory()?,
                0x03 => {
                    self.val_type()?;
                    self.byte()?;
                }
                0x04 => {
                    self.byte()?;
                    self.u32()?;
                }
                _ => return Err(Stop::Unreadable),
            }
        }
        Ok(())
    }

    /// The function section: the count and each function's type.
    fn functions(&mut self) -> Step<()> {
        let n = self.u32()?;
        limit("the number of functions", n, MAX_FUNCTIONS)?;
        for _ in 0..n {
            let t = self.u32()?;
            self.func_types.push(t as u32);
        }
        Ok(())
    }

    /// The element section: the entries of each segment (spec 5.5.12).
    fn elements(&mut self) -> Step<()> {
        let n = self.u32()?;
        limit("the number of element segments", n, MAX_ELEMENT_SEGMENTS)?;
        for _ in 0..n {
            let flags = self.u32()?;
            if flags > 7 {
                return Err(Stop::Unreadable);
            }
            if flags & 0x02 != 0 && flags & 0x01 == 0 {
                self.u32()?; // table index
            }
            if flags & 0x01 == 0 {
                self.const_expr()?; // offset
            }
            let exprs = flags & 0x04 != 0;
            if flags & 0x03 != 0 {
                // elemkind, or a reference type when the entries are
                // expressions.
                if exprs {
                    self.val_type()?;
                } else {
                    self.byte()?;
                }
            }
            let entries = self.u32()?;
            limit(
                "the number of entries of an element segment",
                entries,
                MAX_TABLE_INIT_ENTRIES,
            )?;
            for _ in 0..entries {
                if exprs {
                    self.const_expr()?;
                } else {
                    self.u32()?;
                }
            }
        }
        Ok(())
    }

    /// The code section: each body's size and its locals.
    fn code(&mut self) -> Step<()> {
        for i in 0..self.u32()? {
            let size = self.u32()?;
            limit(
                "the size of a function body in bytes",
                size,
                MAX_FUNCTION_SIZE,
            )?;
            let next = self.pos as u64 + size;
            let params = self
                .func_types
                .get(i as usize)
                .and_then(|&t| self.type_params.get(t as usize))
                .copied()
                .unwrap_or(0);
            let mut locals = u64::from(params);
            for _ in 0..self.u32()? {
                locals += self.u32()?;
                limit(
                    "the number of locals of a function (parameters included)",
                    locals,
                    MAX_LOCALS,
                )?;
                self.val_type()?;
            }
            self.pos = usize::try_from(next).map_err(|_| Stop::Unreadable)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_module_is_left_to_the_decoder() {
        assert_eq!(check_module(b""), Ok(()));
        assert_eq!(check_module(b"\0asm\x01\0\0\0\x01\x05\x80"), Ok(()));
        // A section size beyond the end.
        assert_eq!(check_module(b"\0asm\x01\0\0\0\x02\x7f\x01"), Ok(()));
    }

    #[test]
    fn a_count_over_its_limit_is_refused_before_the_entries_are_read() {
        // An import section declaring 1,000,001 imports, none present.
        let mut m = b"\0asm\x01\0\0\0\x02\x03".to_vec();
        m.extend([0xc1, 0x84, 0x3d]);
        let e = check_module(&m).unwrap_err();
        assert_eq!(
            e,
            "the number of imports is 1000001, over the JS API's limit of 1000000"
        );
    }

    /// A type section of one recursion group: a struct type, then `n`
    /// subtypes each extending the one before.
    fn subtype_chain(n: u8) -> Vec<u8> {
        let mut types = vec![0x4e, n + 1, 0x5f, 0x00];
        for i in 0..n {
            types.extend([0x50, 0x01, i, 0x5f, 0x00]);
        }
        let mut m = b"\0asm\x01\0\0\0\x01".to_vec();
        m.push(types.len() as u8 + 1);
        m.push(0x01);
        m.extend(types);
        m
    }

    #[test]
    fn the_depth_of_a_subtype_chain_is_limited_to_63() {
        assert_eq!(check_module(&subtype_chain(63)), Ok(()));
        let e = check_module(&subtype_chain(64)).unwrap_err();
        assert_eq!(
            e,
            "the depth of a subtype chain is 64, over the JS API's limit of 63"
        );
    }

    /// An unsigned LEB128.
    fn leb(mut n: u32) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let b = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(b);
                return out;
            }
            out.push(b | 0x80);
        }
    }

    /// A module of one struct type of `n` i32 fields.
    fn struct_of(n: u32) -> Vec<u8> {
        let mut types = vec![0x01, 0x5f];
        types.extend(leb(n));
        for _ in 0..n {
            types.extend([0x7f, 0x00]);
        }
        let mut m = b"\0asm\x01\0\0\0\x01".to_vec();
        m.extend(leb(types.len() as u32));
        m.extend(types);
        m
    }

    #[test]
    fn the_fields_of_a_struct_are_limited_to_10000() {
        assert_eq!(check_module(&struct_of(10_000)), Ok(()));
        assert_eq!(
            check_module(&struct_of(10_001)).unwrap_err(),
            "the number of fields of a struct type is 10001, over the JS API's limit of 10000"
        );
    }

    #[test]
    fn a_module_over_1_gib_is_refused_by_its_size() {
        // Zeroed pages the allocator need not touch.
        let big = vec![0u8; MAX_MODULE_SIZE + 1];
        assert!(
            check_module(&big)
                .unwrap_err()
                .starts_with("the module's size")
        );
    }
}
