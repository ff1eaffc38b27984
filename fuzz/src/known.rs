//! Mismatches already understood, so that a run counts them apart from
//! new ones: a peer's bug we have a reproducer for (`fuzz/peer-bugs/`), a
//! difference of feature gating that no spec version decides, or a defect
//! of ours being fixed elsewhere. Each entry says why.

use crate::Finding;

/// Why a finding is already known, or `None` if it is new.
pub fn explain(target: &str, f: &Finding) -> Option<&'static str> {
    match target {
        "validate"
            if f.key
                .contains("heap types not supported without the gc feature") =>
        {
            Some(
                "gating, not conformance: wasmparser puts the bottom heap types (nofunc, noextern, \
             noexn) under GC; we accept them with typed function references and exceptions, as \
             WebAssembly 3.0 defines them, and no spec version has those without GC",
            )
        }
        "validate"
            if f.key
                .starts_with("1.0: wasmparser reads an element segment") =>
        {
            Some(
                "wasmparser's: in 1.0 an element segment starts with its table index \
             (fuzz/peer-bugs/wasm-v1/wasmparser-element-table-index.wast)",
            )
        }
        "validate" if f.key.starts_with("gating: we refuse without tail calls") => Some(
            "gating, not conformance: `return_call_ref` needs both typed function references \
             and tail calls (the function references proposal's overview adds it only with tail \
             calls); wasmparser admits it with function references alone, and WebAssembly 3.0 \
             has both",
        ),
        "exec"
            if f.key.contains("the peer panicked")
                && f.key.contains("translator/func/mod.rs")
                && f.key.contains("entered unreachable code") =>
        {
            Some("wasmi's: fuzz/peer-bugs/wasmi-store-same-register.wast")
        }
        _ => None,
    }
}
