//! Comparing results across engines by the spec's rules: a float result
//! that is a NaN may be any NaN (spec 4.3.3: the payload and sign of a NaN
//! an operation makes are nondeterministic), so two NaNs agree; every
//! other value must be bit for bit the same. A `v128` agrees if it does
//! bit for bit or when read as four f32 or two f64 lanes. When a module's
//! NaNs are not canonicalized, integers may hold a NaN's bits and are not
//! compared (`agree_loosely`).

use interp::Value;

/// A value, engine-neutral: numbers as bits, references as null or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum V {
    /// An i32.
    I32(u32),
    /// An i64.
    I64(u64),
    /// An f32's bits.
    F32(u32),
    /// An f64's bits.
    F64(u64),
    /// A v128's bits.
    V128(u128),
    /// A funcref: whether it is null.
    FuncRef { null: bool },
    /// An externref: whether it is null.
    ExternRef { null: bool },
    /// An exnref: whether it is null.
    ExnRef { null: bool },
    /// A reference of the `any` hierarchy: whether it is null.
    AnyRef { null: bool },
}

/// Our value, engine-neutral.
pub fn ours(v: &Value) -> V {
    match *v {
        Value::I32(x) => V::I32(x as u32),
        Value::I64(x) => V::I64(x as u64),
        Value::F32(b) => V::F32(b),
        Value::F64(b) => V::F64(b),
        Value::V128(b) => V::V128(b),
        Value::FuncRef(f) => V::FuncRef { null: f.is_none() },
        Value::ExternRef(e) => V::ExternRef { null: e.is_none() },
        Value::ExnRef(e) => V::ExnRef { null: e.is_none() },
        Value::AnyRef(r) => V::AnyRef { null: r.is_none() },
    }
}

fn f32_nan(b: u32) -> bool {
    f32::from_bits(b).is_nan()
}

fn f64_nan(b: u64) -> bool {
    f64::from_bits(b).is_nan()
}

/// Whether two results agree by the spec's rules (see the module doc).
pub fn agree(a: &V, b: &V) -> bool {
    match (a, b) {
        (V::F32(x), V::F32(y)) => x == y || (f32_nan(*x) && f32_nan(*y)),
        (V::F64(x), V::F64(y)) => x == y || (f64_nan(*x) && f64_nan(*y)),
        (V::V128(x), V::V128(y)) => x == y || v128_agree(*x, *y),
        _ => a == b,
    }
}

/// A v128 whose lanes agree as f32x4 or as f64x2 (NaN lanes may differ).
fn v128_agree(x: u128, y: u128) -> bool {
    let f32s = (0..4).all(|i| {
        let (a, b) = ((x >> (32 * i)) as u32, (y >> (32 * i)) as u32);
        a == b || (f32_nan(a) && f32_nan(b))
    });
    let f64s = (0..2).all(|i| {
        let (a, b) = ((x >> (64 * i)) as u64, (y >> (64 * i)) as u64);
        a == b || (f64_nan(a) && f64_nan(b))
    });
    f32s || f64s
}

/// Whether two lists of results agree.
pub fn all_agree(a: &[V], b: &[V]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| agree(x, y))
}

/// As [`agree`], for a module whose NaNs were not canonicalized: a NaN's
/// nondeterministic bits may then reach any integer (`reinterpret`, a
/// float stored and loaded as an integer), so integers are not compared;
/// floats and v128s are, by the NaN rules.
pub fn agree_loosely(a: &V, b: &V) -> bool {
    match (a, b) {
        (V::I32(_), V::I32(_)) | (V::I64(_), V::I64(_)) => true,
        _ => agree(a, b),
    }
}

/// A value list for a reproducer's comments.
pub fn show(vs: &[V]) -> String {
    let parts: Vec<String> = vs
        .iter()
        .map(|v| match v {
            V::I32(x) => format!("i32:{}", *x as i32),
            V::I64(x) => format!("i64:{}", *x as i64),
            V::F32(b) => format!("f32:0x{b:08x}"),
            V::F64(b) => format!("f64:0x{b:016x}"),
            V::V128(b) => format!("v128:0x{b:032x}"),
            V::FuncRef { null } => format!("funcref:{}", if *null { "null" } else { "non-null" }),
            V::ExternRef { null } => {
                format!("externref:{}", if *null { "null" } else { "non-null" })
            }
            V::ExnRef { null } => format!("exnref:{}", if *null { "null" } else { "non-null" }),
            V::AnyRef { null } => format!("anyref:{}", if *null { "null" } else { "non-null" }),
        })
        .collect();
    format!("[{}]", parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nans_agree_other_bits_do_not() {
        assert!(agree(&V::F32(0x7fc0_0000), &V::F32(0xffc0_0001)));
        assert!(!agree(&V::F32(0x7f80_0000), &V::F32(0xff80_0000))); // infinities
        assert!(!agree(&V::F64(0), &V::F64(1 << 63))); // +0 and -0
        assert!(agree(
            &V::V128(0x7fc0_0000_0000_0001),
            &V::V128(0xffc0_0000_0000_0001)
        ));
        assert!(!agree(&V::V128(1), &V::V128(2)));
        assert!(!agree(&V::I32(1), &V::I64(1)));
        assert!(!agree(
            &V::I64(0xffff_ffef_ffff_ffff),
            &V::I64(0x7fff_ffff_f000_0000)
        ));
        assert!(agree_loosely(&V::I64(1), &V::I64(2)));
        assert!(!agree_loosely(&V::F64(1), &V::F64(2)));
        assert!(agree_loosely(
            &V::F64(0x7ff8_0000_0000_0000),
            &V::F64(0xfff8_0000_0000_0001)
        ));
        assert!(!agree_loosely(&V::I64(1), &V::F64(1)));
    }
}
