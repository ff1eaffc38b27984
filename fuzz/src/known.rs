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
        _ => None,
    }
}
