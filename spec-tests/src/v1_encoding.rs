//! WebAssembly 1.0 modules as the text format's encoder writes them.
//!
//! The `wast` crate encodes text with today's binary format: an inline
//! table element list, `(table funcref (elem $f ...))`, becomes a segment
//! with the 2.0 flags field 2 (explicit table index 0, element kind
//! `funcref`, function indices). In 1.0 (spec 1.0 5.5.12) an element
//! segment starts with its table index, so a 1.0 decoder reads that 2 as
//! table 2, and the suite's `wasm-v1` scripts, written in text, would fail
//! for a reason that is the encoder's. [`to_1_0`] rewrites exactly those
//! segments into 1.0's form (table index 0), and changes nothing else; the
//! runner applies it to modules written in text ([`is_text`]) that it runs
//! with 1.0 features (`Embedder::compile_text`). Modules given as `binary`
//! bytes are decoded as they are.

use wast::{QuoteWat, Wat, core::ModuleKind};

/// Whether a script's module is written in the text format (so its bytes
/// are the encoder's), rather than given as `binary` bytes.
pub fn is_text(q: &QuoteWat<'_>) -> bool {
    match q {
        QuoteWat::Wat(w) => wat_is_text(w),
        QuoteWat::QuoteModule(..) | QuoteWat::QuoteComponent(..) => true,
    }
}

/// As [`is_text`], for a module that is not quoted.
pub fn wat_is_text(w: &Wat<'_>) -> bool {
    !matches!(w, Wat::Module(m) if matches!(m.kind, ModuleKind::Binary(_)))
}

/// An unsigned LEB128 integer at `b[*at..]`, advancing `at`.
fn uleb(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*at)?;
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn leb(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// The end of a 1.0 constant expression at `b[at..]` (one `i32.const`,
/// `i64.const`, `f32.const`, `f64.const` or `global.get`, then `end`).
fn const_expr_end(b: &[u8], mut at: usize) -> Option<usize> {
    match *b.get(at)? {
        0x41 | 0x42 | 0x23 => {
            at += 1;
            uleb(b, &mut at)?;
        }
        0x43 => at += 5,
        0x44 => at += 9,
        _ => return None,
    }
    (*b.get(at)? == 0x0b).then_some(at + 1)
}

/// The element section's body with every flags-2, table-0, `funcref`,
/// function-index segment written in 1.0's form, or `None` if a segment
/// is not of a form 1.0 text produces (the section is then left alone).
fn elem_section(body: &[u8]) -> Option<Vec<u8>> {
    let mut at = 0;
    let n = uleb(body, &mut at)?;
    let mut out = Vec::with_capacity(body.len());
    leb(n, &mut out);
    for _ in 0..n {
        let start = at;
        let flags = uleb(body, &mut at)?;
        match flags {
            0 => {
                at = const_expr_end(body, at)?;
                let k = uleb(body, &mut at)?;
                for _ in 0..k {
                    uleb(body, &mut at)?;
                }
                out.extend_from_slice(&body[start..at]);
            }
            2 => {
                if uleb(body, &mut at)? != 0 {
                    return None;
                }
                let expr = at;
                at = const_expr_end(body, at)?;
                let expr_end = at;
                if *body.get(at)? != 0x00 {
                    return None;
                }
                at += 1;
                let funcs = at;
                let k = uleb(body, &mut at)?;
                for _ in 0..k {
                    uleb(body, &mut at)?;
                }
                out.push(0);
                out.extend_from_slice(&body[expr..expr_end]);
                out.extend_from_slice(&body[funcs..at]);
            }
            _ => return None,
        }
    }
    (at == body.len()).then_some(out)
}

/// `bytes` with the element section rewritten in 1.0's form (see the
/// module doc); any other module comes back unchanged.
pub fn to_1_0(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    if bytes.len() < 8 {
        return bytes.to_vec();
    }
    out.extend_from_slice(&bytes[..8]);
    let mut at = 8;
    while at < bytes.len() {
        let id = bytes[at];
        let mut p = at + 1;
        let Some(size) = uleb(bytes, &mut p) else {
            return bytes.to_vec();
        };
        let Some(end) = usize::try_from(size).ok().and_then(|s| p.checked_add(s)) else {
            return bytes.to_vec();
        };
        let Some(body) = bytes.get(p..end) else {
            return bytes.to_vec();
        };
        match elem_section(body).filter(|_| id == 9) {
            Some(new) => {
                out.push(9);
                leb(new.len() as u64, &mut out);
                out.extend_from_slice(&new);
            }
            None => out.extend_from_slice(&bytes[at..end]),
        }
        at = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_1_0;

    #[test]
    fn inline_table_elements_become_table_index_0() {
        let two = wat::parse_str("(module (func $f) (table funcref (elem $f $f)))").unwrap();
        let out = to_1_0(&two);
        // Section 9, 8 bytes: one segment, table 0, (i32.const 0), two functions.
        let want = [0x09, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x00, 0x00];
        assert!(out.windows(want.len()).any(|w| w == want), "{out:x?}");
        assert_eq!(out.len(), two.len() - 2);
        let zero =
            wat::parse_str("(module (func $f) (table 2 funcref) (elem (i32.const 0) $f $f))")
                .unwrap();
        assert_eq!(to_1_0(&zero), zero);
    }
}
