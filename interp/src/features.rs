//! Feature flags: which proposals the decoder and validator accept.
//!
//! The official test suite has per-version folders whose files assume that
//! later features are absent (e.g. `wasm-v1` expects a second table to be
//! invalid), so the set is chosen per run rather than fixed.
//!
//! The default is WebAssembly 3.0, the current specification. Proposals not
//! merged into it yet (threads, wide arithmetic, custom page sizes, custom
//! descriptors) are off unless asked for ([`Features::implemented`] has
//! them all). Two fields are not proposals but rules of snapshots older than
//! 2.0, which later versions changed; they are off in every version.

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
    /// Threads: shared memories, the atomic memory instructions,
    /// `atomic.fence`, `memory.atomic.wait32/64` and `memory.atomic.notify`
    /// (a proposal, not in the specification yet).
    pub threads: bool,
    /// Wide arithmetic: `i64.add128`, `i64.sub128`, `i64.mul_wide_s/u`
    /// (a proposal).
    pub wide_arithmetic: bool,
    /// Custom page sizes: a memory's page may be 1 byte instead of 64 KiB
    /// (a proposal).
    pub custom_page_sizes: bool,
    /// Custom descriptors (a proposal on top of GC; needs `gc`): exact
    /// reference types, `descriptor`/`describes` clauses, `struct.new_desc`,
    /// `ref.get_desc`, the descriptor-checked casts and branches, exact
    /// function imports.
    pub custom_descriptors: bool,

    // ---- Rules of snapshots older than 2.0 (off in every version) ----
    /// 1.0's instantiation before bulk memory (spec 1.0 4.5.4, steps 8-13):
    /// every active segment is checked to fit before any is written, and
    /// one that does not is a link error ("elements segment does not fit",
    /// "data segment does not fit") after which nothing has been written.
    /// Bulk memory (2.0) made segments apply in order and trap.
    pub link_time_segment_checks: bool,
    /// 1.0's `br_table` rule (spec 1.0 3.3.5): every label has the same
    /// types as the default one, even where the operands are unknown
    /// (unreachable code). 2.0 only asks that the operands match each
    /// label.
    pub br_table_equal_labels: bool,
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
            threads: false,
            wide_arithmetic: false,
            custom_page_sizes: false,
            custom_descriptors: false,
            link_time_segment_checks: false,
            br_table_equal_labels: false,
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

    /// WebAssembly 3.0, the current specification: the default.
    pub const fn wasm3() -> Self {
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

    /// Every feature this interpreter implements: WebAssembly 3.0 and the
    /// proposals not merged into it yet (the rules of older snapshots are
    /// not features, and stay off).
    pub const fn implemented() -> Self {
        Features {
            threads: true,
            wide_arithmetic: true,
            custom_page_sizes: true,
            custom_descriptors: true,
            ..Self::wasm3()
        }
    }
}

impl Default for Features {
    /// WebAssembly 3.0 ([`Features::wasm3`]): the specification's features,
    /// no proposal.
    fn default() -> Self {
        Self::wasm3()
    }
}
