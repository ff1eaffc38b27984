//! Target `roundtrip`: our one text printer and parser pair, `v128` values
//! in lane notation (`interp::lanes`: `V128Text` prints, `parse_v128`
//! reads, for the command line and the `.wast` runner's messages). Every
//! value printed in every shape must read back to the same 128 bits, NaN
//! payloads and signed zeros included. (Modules have no printer of ours:
//! the text format goes through the `wat` crate.)

use crate::{Finding, Verdict};
use arbitrary::Unstructured;
use interp::lanes::{Shape, V128Text, parse_v128};

/// One case: a few values, each in every shape.
pub fn check(input: &[u8]) -> Verdict {
    let mut u = Unstructured::new(input);
    for _ in 0..16 {
        let Ok(bits) = value(&mut u) else {
            return Verdict::Agree;
        };
        for shape in Shape::ALL {
            let text = V128Text::new(bits, shape).to_string();
            let back = parse_v128(&text);
            if back != Ok(bits) {
                return Verdict::Mismatch(Finding {
                    key: format!("{} does not read back", shape.name()),
                    wast: format!(
                        ";; v128 0x{bits:032x} printed as {text:?} reads back as {back:x?}\n"
                    ),
                    wat: None,
                });
            }
        }
    }
    Verdict::Agree
}

/// A v128 drawn from `u`: random bits, or lanes of float edge values.
fn value(u: &mut Unstructured<'_>) -> arbitrary::Result<u128> {
    const F32: [u32; 8] = [
        0,
        0x8000_0000,
        1,
        0x7f80_0000,
        0xff80_0000,
        0x7fc0_0000,
        0xffbf_ffff,
        0x7f7f_ffff,
    ];
    const F64: [u64; 6] = [
        0,
        1 << 63,
        1,
        0x7ff0_0000_0000_0000,
        0x7ff8_0000_0000_0001,
        0xfff0_0000_0000_0001,
    ];
    Ok(match u.int_in_range(0..=2u8)? {
        0 => u.arbitrary()?,
        1 => (0..4).try_fold(0u128, |v, i| -> arbitrary::Result<u128> {
            let lane = if u.arbitrary()? {
                *u.choose(&F32)?
            } else {
                u.arbitrary::<u32>()?
            };
            Ok(v | (lane as u128) << (32 * i))
        })?,
        _ => (0..2).try_fold(0u128, |v, i| -> arbitrary::Result<u128> {
            let lane = if u.arbitrary()? {
                *u.choose(&F64)?
            } else {
                u.arbitrary::<u64>()?
            };
            Ok(v | (lane as u128) << (64 * i))
        })?,
    })
}
