//! Feature flags: which proposals the decoder and validator accept.
//!
//! The official test suite has per-version folders whose files assume that
//! later features are absent (e.g. `wasm-v1` expects a second table to be
//! invalid), so the set is chosen per run rather than fixed.

/// The proposals on top of WebAssembly 1.0 that a run accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    /// Import and export of mutable globals.
    pub mutable_global: bool,
    /// `i32.extend8_s` and friends.
    pub sign_extension: bool,
    /// `i32.trunc_sat_f32_s` and friends (0xFC 0..7).
    pub saturating_float_to_int: bool,
    /// Multiple results, block types by type index.
    pub multi_value: bool,
    /// `memory.copy/fill/init`, `data.drop`, `table.copy/init`, `elem.drop`,
    /// passive segments, the data count section.
    pub bulk_memory: bool,
    /// `funcref`/`externref` values, multiple tables, `table.*`, `ref.*`,
    /// typed `select`.
    pub reference_types: bool,
    /// Fixed-width SIMD (the `v128` type and the 0xFD instructions).
    pub simd: bool,
    /// Relaxed SIMD (0xFD 0x100 and up; needs `simd`).
    pub relaxed_simd: bool,
    /// Tail calls.
    pub tail_call: bool,
    /// Exception handling.
    pub exceptions: bool,
    /// Typed function references.
    pub function_references: bool,
    /// Garbage collection.
    pub gc: bool,
    /// Multiple memories.
    pub multi_memory: bool,
    /// 64-bit memories and tables.
    pub memory64: bool,
    /// Extended constant expressions.
    pub extended_const: bool,
}

impl Features {
    /// WebAssembly 1.0 (which includes import and export of mutable globals).
    pub const fn wasm1() -> Self {
        Features {
            mutable_global: true,
            sign_extension: false,
            saturating_float_to_int: false,
            multi_value: false,
            bulk_memory: false,
            reference_types: false,
            simd: false,
            relaxed_simd: false,
            tail_call: false,
            exceptions: false,
            function_references: false,
            gc: false,
            multi_memory: false,
            memory64: false,
            extended_const: false,
        }
    }

    /// WebAssembly 2.0.
    pub const fn wasm2() -> Self {
        Features {
            mutable_global: true,
            sign_extension: true,
            saturating_float_to_int: true,
            multi_value: true,
            bulk_memory: true,
            reference_types: true,
            simd: true,
            ..Self::wasm1()
        }
    }

    /// Every feature this interpreter implements today: WebAssembly 3.0.
    pub const fn implemented() -> Self {
        Features {
            extended_const: true,
            multi_memory: true,
            memory64: true,
            tail_call: true,
            exceptions: true,
            function_references: true,
            gc: true,
            relaxed_simd: true,
            ..Self::wasm2()
        }
    }
}

impl Default for Features {
    /// Same as [`Features::implemented`].
    fn default() -> Self {
        Self::implemented()
    }
}
