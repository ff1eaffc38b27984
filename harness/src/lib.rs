//! The `wasm-ref` command line (`cli`, one module per command), argument
//! parsing of `run` values, types in the text format (`types_text`), JSON
//! output (`json`), the `.wast` to JavaScript converter (`wast2js`), and
//! the JavaScript runner (`js`), where the WebAssembly JS API lives.

pub mod cli;
pub mod js;
pub mod json;
pub mod types_text;
pub mod wast2js;

use interp::Value;
use interp::syntax::ValType;

/// Parses a command-line argument as a value of type `t`: decimal or `0x`
/// hex integers, decimal floats, `nan`, `inf`, `-inf`, or `0x...` float
/// bit patterns written as `bits:0x...`; `null` for references; a `v128`
/// as its shape and lanes, `i32x4:1,2,3,4` (see [`interp::lanes::parse_v128`]).
///
/// # Errors
/// A message naming the argument and the type.
pub fn parse_value(s: &str, t: ValType, store: &interp::Store) -> Result<Value, String> {
    let bad = || format!("cannot read {s:?} as {}", types_text::val_type(t));
    let int = |s: &str| -> Option<i128> {
        let (neg, digits) = match s.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, s),
        };
        let v = match digits
            .strip_prefix("0x")
            .or_else(|| digits.strip_prefix("0X"))
        {
            Some(h) => i128::from_str_radix(&h.replace('_', ""), 16).ok()?,
            None => digits.replace('_', "").parse::<i128>().ok()?,
        };
        Some(if neg { -v } else { v })
    };
    match t {
        ValType::I32 => {
            let v = int(s).ok_or_else(bad)?;
            if !(i32::MIN as i128..=u32::MAX as i128).contains(&v) {
                return Err(bad());
            }
            Ok(Value::I32(v as i64 as i32))
        }
        ValType::I64 => {
            let v = int(s).ok_or_else(bad)?;
            if !(i64::MIN as i128..=u64::MAX as i128).contains(&v) {
                return Err(bad());
            }
            Ok(Value::I64(v as i64))
        }
        ValType::F32 => match s.strip_prefix("bits:") {
            Some(b) => Ok(Value::F32(
                int(b).and_then(|v| u32::try_from(v).ok()).ok_or_else(bad)?,
            )),
            None => Ok(Value::F32(s.parse::<f32>().map_err(|_| bad())?.to_bits())),
        },
        ValType::F64 => match s.strip_prefix("bits:") {
            Some(b) => Ok(Value::F64(
                int(b).and_then(|v| u64::try_from(v).ok()).ok_or_else(bad)?,
            )),
            None => Ok(Value::F64(s.parse::<f64>().map_err(|_| bad())?.to_bits())),
        },
        ValType::V128 => interp::lanes::parse_v128(s).map(Value::V128),
        ValType::Ref(_) if s == "null" => store.default_value(t).ok_or_else(bad),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_values() {
        assert_eq!(
            parse_value("42", ValType::I32, &interp::Store::new(Default::default())),
            Ok(Value::I32(42))
        );
        assert_eq!(
            parse_value(
                "0xffffffff",
                ValType::I32,
                &interp::Store::new(Default::default())
            ),
            Ok(Value::I32(-1))
        );
        assert_eq!(
            parse_value("-1", ValType::I64, &interp::Store::new(Default::default())),
            Ok(Value::I64(-1))
        );
        assert!(
            parse_value(
                "0x100000000",
                ValType::I32,
                &interp::Store::new(Default::default())
            )
            .is_err()
        );
        assert_eq!(
            parse_value("1.5", ValType::F64, &interp::Store::new(Default::default())),
            Ok(Value::F64(1.5f64.to_bits()))
        );
        assert_eq!(
            parse_value(
                "bits:0x7fc00001",
                ValType::F32,
                &interp::Store::new(Default::default())
            ),
            Ok(Value::F32(0x7fc0_0001))
        );
        assert!(
            matches!(parse_value("inf", ValType::F32, &interp::Store::new(Default::default())), Ok(Value::F32(b)) if b == f32::INFINITY.to_bits())
        );
        assert!(parse_value("x", ValType::I32, &interp::Store::new(Default::default())).is_err());
        assert_eq!(
            parse_value(
                "i16x8:1,2,3,4,5,6,7,-1",
                ValType::V128,
                &interp::Store::new(Default::default())
            ),
            Ok(Value::V128(0xffff_0007_0006_0005_0004_0003_0002_0001))
        );
        assert_eq!(
            parse_value(
                "null",
                ValType::FUNCREF,
                &interp::Store::new(Default::default())
            ),
            Ok(Value::FuncRef(None))
        );
    }
}
