//! `v128` values as people write them: printed and parsed in any lane
//! shape, in the text format's notation (`i32x4 1 2 3 4`, spec 6.5.1
//! `v128.const`), for the command line and the `.wast` runner's messages.

pub use crate::syntax::Shape;
use std::fmt;

/// A `v128` shown in one shape: `i8x16 1 2 ...`, signed integer lanes,
/// float lanes as Rust prints them, with NaNs as `nan:0x<payload>`.
#[derive(Clone, Copy, Debug)]
pub struct V128Text {
    bits: u128,
    shape: Shape,
}

impl V128Text {
    /// `bits` shown in `shape`.
    pub fn new(bits: u128, shape: Shape) -> Self {
        V128Text { bits, shape }
    }
}

impl fmt::Display for V128Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.shape.name())?;
        for i in 0..self.shape.lanes() as u32 {
            let b = lane(self.bits, self.shape, i);
            match self.shape {
                Shape::I8x16 => write!(f, " {}", b as u8 as i8)?,
                Shape::I16x8 => write!(f, " {}", b as u16 as i16)?,
                Shape::I32x4 => write!(f, " {}", b as u32 as i32)?,
                Shape::I64x2 => write!(f, " {}", b as u64 as i64)?,
                // A NaN as its sign and payload (the bits below the exponent).
                Shape::F32x4 if f32::from_bits(b as u32).is_nan() => nan(f, b, 32)?,
                Shape::F64x2 if f64::from_bits(b as u64).is_nan() => nan(f, b, 64)?,
                Shape::F32x4 => write!(f, " {:?}", f32::from_bits(b as u32))?,
                Shape::F64x2 => write!(f, " {:?}", f64::from_bits(b as u64))?,
            }
        }
        Ok(())
    }
}

/// The bits of lane `i` of `v` in `shape`, zero-extended.
pub fn lane(v: u128, shape: Shape, i: u32) -> u128 {
    let w = shape.lane_bits();
    (v >> (i * w)) & (u128::MAX >> (128 - w))
}

/// Writes a `w`-bit NaN lane `b` as ` [-]nan:0x<payload>`.
fn nan(f: &mut fmt::Formatter<'_>, b: u128, w: u32) -> fmt::Result {
    let sign = if b >> (w - 1) != 0 { "-" } else { "" };
    let frac_bits = if w == 32 { 23 } else { 52 };
    write!(f, " {sign}nan:0x{:x}", b & ((1u128 << frac_bits) - 1))
}

/// A lane's text without its sign, and whether it had a `-`.
fn split_sign(s: &str) -> (bool, &str) {
    match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    }
}

/// Parses a `v128` written as a shape and its lanes, separated by spaces,
/// commas or a colon: `i32x4 1 2 3 4`, `i32x4:1,2,3,4`, `f32x4:1.5,nan,inf,-0`.
/// Integer lanes take decimal or `0x` hex, signed or unsigned within the
/// lane width; float lanes a decimal, `inf`, `nan` or `nan:0x<payload>`.
///
/// # Errors
/// A message saying what is wrong.
pub fn parse_v128(s: &str) -> Result<u128, String> {
    let mut parts = s.split([' ', ',', ':']).filter(|p| !p.is_empty());
    let shape_name = parts.next().unwrap_or_default();
    let shape = Shape::from_name(shape_name).ok_or_else(|| {
        format!("a v128 starts with its shape (i8x16, i16x8, i32x4, i64x2, f32x4 or f64x2), not {shape_name:?}")
    })?;
    // `nan:0x..` was split at its colon: join it back.
    let mut lanes: Vec<String> = Vec::new();
    for p in parts {
        match lanes.last_mut() {
            Some(last)
                if (last == "nan" || last == "-nan" || last == "+nan") && p.starts_with("0x") =>
            {
                last.push(':');
                last.push_str(p);
            }
            _ => lanes.push(p.to_string()),
        }
    }
    let n = shape.lanes() as usize;
    if lanes.len() != n {
        return Err(format!(
            "{} needs {n} lanes, got {} in {s:?}",
            shape.name(),
            lanes.len()
        ));
    }
    let w = 128 / n as u32;
    let mut v = 0u128;
    for (i, l) in lanes.iter().enumerate() {
        let bits = match shape {
            Shape::F32x4 => parse_float(l, 32)?,
            Shape::F64x2 => parse_float(l, 64)?,
            _ => parse_int(l, w)?,
        };
        v |= bits << (i as u32 * w);
    }
    Ok(v)
}

/// An integer lane of `w` bits, signed or unsigned, as its bits.
fn parse_int(s: &str, w: u32) -> Result<u128, String> {
    let bad = || format!("cannot read {s:?} as a {w}-bit lane");
    let (neg, digits) = split_sign(s);
    let digits = digits.replace('_', "");
    let m = match digits.strip_prefix("0x") {
        Some(h) => u128::from_str_radix(h, 16),
        None => digits.parse::<u128>(),
    }
    .map_err(|_| bad())?;
    let max = u128::MAX >> (128 - w);
    if neg {
        if m > (max >> 1) + 1 {
            return Err(bad());
        }
        Ok(m.wrapping_neg() & max)
    } else if m > max {
        Err(bad())
    } else {
        Ok(m)
    }
}

/// A float lane of `w` (32 or 64) bits, as its bits.
fn parse_float(s: &str, w: u32) -> Result<u128, String> {
    let bad = || format!("cannot read {s:?} as an f{w} lane");
    let (neg, body) = split_sign(s);
    let sign = if neg { 1u128 << (w - 1) } else { 0 };
    if let Some(payload) = body.strip_prefix("nan:0x") {
        let p = u128::from_str_radix(payload, 16).map_err(|_| bad())?;
        let (exp, frac_bits) = if w == 32 {
            (0xffu128 << 23, 23)
        } else {
            (0x7ffu128 << 52, 52)
        };
        if p == 0 || p >> frac_bits != 0 {
            return Err(bad());
        }
        return Ok(sign | exp | p);
    }
    let bits = if w == 32 {
        body.parse::<f32>().map_err(|_| bad())?.to_bits() as u128
    } else {
        body.parse::<f64>().map_err(|_| bad())?.to_bits() as u128
    };
    Ok(sign | bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_and_parses_every_shape() {
        let v = u128::from_le_bytes([
            1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0xc0, 0x7f, 0, 0, 0x80, 0x3f,
        ]);
        for shape in Shape::ALL {
            let text = V128Text::new(v, shape).to_string();
            assert_eq!(parse_v128(&text), Ok(v), "{text}");
        }
        assert_eq!(
            V128Text::new(v, Shape::I32x4).to_string(),
            "i32x4 1 -1 2143289344 1065353216"
        );
        assert_eq!(
            V128Text::new(v, Shape::F32x4).to_string(),
            "f32x4 1e-45 -nan:0x7fffff nan:0x400000 1.0"
        );
    }

    #[test]
    fn parses_command_line_forms() {
        assert_eq!(parse_v128("i32x4:1,2,3,4"), parse_v128("i32x4 1 2 3 4"));
        assert_eq!(
            parse_v128("i8x16:255,-1,0,0,0,0,0,0,0,0,0,0,0,0,0,0"),
            Ok(0xffff)
        );
        assert_eq!(parse_v128("i64x2:-1,0"), Ok(u64::MAX as u128));
        assert_eq!(
            parse_v128("f64x2:nan:0x1,-0"),
            Ok(0x7ff0_0000_0000_0001 | (1u128 << 127))
        );
        assert!(parse_v128("i8x16:256,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0").is_err());
        assert!(parse_v128("i32x4:1,2,3").is_err());
        assert!(parse_v128("v128:1").is_err());
    }
}
