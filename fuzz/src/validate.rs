//! Target `validate`: decoding and validation against wasmparser. A module
//! from wasm-smith (generated with some features, possibly mutated by a
//! few byte edits) is checked under one feature set by us
//! (`interp::Module::new`) and by wasmparser's validator with the same
//! features; the verdicts (accepted or refused) must agree.

use crate::{Finding, Verdict, shrink, smith, wast};
use arbitrary::Unstructured;
use interp::{Error, Features};

/// One case.
pub fn check(input: &[u8]) -> Verdict {
    let mut u = Unstructured::new(input);
    let features = smith::pick_features(&mut u);
    let made_with = smith::pick_features(&mut u);
    let mutate = u.arbitrary::<u8>().unwrap_or(0) < 100;
    let mutation_seed = u.arbitrary::<u64>().unwrap_or(0);
    let Ok(config) = smith::config(&mut u, &made_with, smith::Purpose::Validate) else {
        return Verdict::Skip;
    };
    let Some(m) = smith::module(&mut u, config) else {
        return Verdict::Skip;
    };
    let mut bytes = m.to_bytes();
    if mutate {
        shrink::mutate(&mut bytes, mutation_seed);
    }
    shrink::note_module(&bytes);
    compare(&bytes, &features)
}

/// Our verdict and wasmparser's on `bytes` under `features`.
pub fn compare(bytes: &[u8], features: &Features) -> Verdict {
    let ours = interp::Module::new(bytes, features).map(|_| ());
    let theirs = shrink::peer(|| {
        wasmparser::Validator::new_with_features(smith::wasmparser_features(features))
            .validate_all(bytes)
            .map(|_| ())
    });
    let key = match (&ours, &theirs) {
        (Ok(()), Ok(())) | (Err(_), Err(_)) => return Verdict::Agree,
        (Ok(()), Err(e)) => format!(
            "we accept, wasmparser refuses: {}",
            shrink::panic_key(e.message())
        ),
        (Err(_), Ok(())) if *features == Features::wasm1() && element_flags_2(bytes) => {
            "1.0: wasmparser reads an element segment's first byte 2 as 2.0's flags".into()
        }
        (Err(_), Ok(()))
            if !features.tail_call
                && interp::Module::new(
                    bytes,
                    &Features {
                        tail_call: true,
                        ..*features
                    },
                )
                .is_ok() =>
        {
            "gating: we refuse without tail calls what we accept with them, wasmparser accepts"
                .into()
        }
        (Err(e), Ok(())) => format!("we refuse ({}), wasmparser accepts", our_error(e)),
    };
    let theirs_text = match &theirs {
        Ok(()) => "valid".to_string(),
        Err(e) => format!("{} (at byte {})", e.message(), e.offset()),
    };
    let ours_text = match &ours {
        Ok(()) => "valid".to_string(),
        Err(e) => e.to_string(),
    };
    let mut text = format!(
        ";; features: {}\n;; ours: {ours_text}\n;; wasmparser: {theirs_text}\n",
        feature_names(features)
    );
    text.push_str(&wast::module_binary(bytes));
    text.push('\n');
    Verdict::Mismatch(Finding {
        key,
        wast: text,
        wat: wast::module_text(bytes),
    })
}

/// Our error's kind and message, without numbers (the key of a finding).
fn our_error(e: &Error) -> String {
    match e {
        Error::Malformed { message, .. } => format!("malformed: {}", shrink::panic_key(message)),
        Error::Invalid(m) => format!("invalid: {}", shrink::panic_key(m)),
        other => shrink::panic_key(&other.to_string()),
    }
}

/// The feature set, named as the test suite's folders are where it is one
/// of theirs.
pub fn feature_names(f: &Features) -> String {
    if *f == Features::wasm1() {
        return "1.0".into();
    }
    if *f == Features::wasm2() {
        return "2.0".into();
    }
    let all = Features::wasm3();
    let mut off = Vec::new();
    let pairs = [
        ("sign-extension", f.sign_extension, all.sign_extension),
        (
            "saturating",
            f.saturating_float_to_int,
            all.saturating_float_to_int,
        ),
        ("simd", f.simd, all.simd),
        ("relaxed-simd", f.relaxed_simd, all.relaxed_simd),
        ("tail-call", f.tail_call, all.tail_call),
        ("extended-const", f.extended_const, all.extended_const),
        ("exceptions", f.exceptions, all.exceptions),
        ("multi-memory", f.multi_memory, all.multi_memory),
        ("memory64", f.memory64, all.memory64),
    ];
    for (name, on, implemented) in pairs {
        if implemented && !on {
            off.push(name);
        }
    }
    if off.is_empty() {
        "everything implemented".into()
    } else {
        format!("everything implemented but {}", off.join(", "))
    }
}

/// Whether an element segment, read with 2.0's flags, starts with flags 2
/// (explicit table index): 1.0 reads that byte as table 2.
fn element_flags_2(bytes: &[u8]) -> bool {
    let parser = wasmparser::Parser::new(0);
    for payload in parser.parse_all(bytes) {
        if let Ok(wasmparser::Payload::ElementSection(r)) = payload {
            for e in r.into_iter().flatten() {
                if bytes.get(e.range.start as usize) == Some(&2) {
                    return true;
                }
            }
        }
    }
    false
}
