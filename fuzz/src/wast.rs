//! Writing reproducers: modules and values in the `.wast` script format.

use interp::Value;

/// A `(module binary "...")` with every byte escaped, exact whatever the
/// bytes are (malformed ones included).
pub fn module_binary(bytes: &[u8]) -> String {
    let mut s = String::from("(module binary");
    for line in bytes.chunks(32) {
        s.push_str("\n  \"");
        for b in line {
            s.push_str(&format!("\\{b:02x}"));
        }
        s.push('"');
    }
    s.push(')');
    s
}

/// The module as text, when wasmprinter can print it.
pub fn module_text(bytes: &[u8]) -> Option<String> {
    crate::shrink::tool(|| wasmprinter::print_bytes(bytes).ok())
}

/// A value as a `.wast` constant (`(i32.const 1)`, `(f32.const nan:0x1)`, ...).
pub fn value(v: &Value) -> String {
    match v {
        Value::I32(x) => format!("(i32.const {x})"),
        Value::I64(x) => format!("(i64.const {x})"),
        Value::F32(b) => format!("(f32.const {})", float(*b as u64, 32)),
        Value::F64(b) => format!("(f64.const {})", float(*b, 64)),
        Value::V128(b) => {
            let lanes: Vec<String> = (0..4)
                .map(|i| format!("0x{:08x}", (*b >> (32 * i)) as u32))
                .collect();
            format!("(v128.const i32x4 {})", lanes.join(" "))
        }
        Value::FuncRef(None) => "(ref.null func)".into(),
        Value::FuncRef(Some(_)) => "(ref.func)".into(),
        Value::ExternRef(None) => "(ref.null extern)".into(),
        Value::ExternRef(Some(_)) | Value::AnyRef(Some(_)) => format!("({v})"),
        Value::AnyRef(None) => "(ref.null any)".into(),
        Value::ExnRef(None) => "(ref.null exn)".into(),
        Value::ExnRef(Some(_)) => "(ref.exn)".into(),
    }
}

/// A float's exact text: `nan:0x..` with its payload, or the shortest
/// decimal that reads back to the same bits.
fn float(bits: u64, w: u32) -> String {
    let (sign, frac_bits) = if w == 32 {
        (bits >> 31 & 1, 23)
    } else {
        (bits >> 63, 52)
    };
    let nan = if w == 32 {
        f32::from_bits(bits as u32).is_nan()
    } else {
        f64::from_bits(bits).is_nan()
    };
    if nan {
        let s = if sign == 1 { "-" } else { "" };
        return format!("{s}nan:0x{:x}", bits & ((1 << frac_bits) - 1));
    }
    if w == 32 {
        format!("{:?}", f32::from_bits(bits as u32))
    } else {
        format!("{:?}", f64::from_bits(bits))
    }
}

/// An `(invoke "name" args...)`.
pub fn invoke(name: &str, args: &[Value]) -> String {
    let mut s = format!("(invoke {}", string(name));
    for a in args {
        s.push(' ');
        s.push_str(&value(a));
    }
    s.push(')');
    s
}

/// A string literal in the text format's notation (spec 6.3.3): printable
/// ASCII as is, every other byte as `\hh`.
pub fn string(s: &str) -> String {
    let mut out = String::from("\"");
    for b in s.bytes() {
        if (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' {
            out.push(b as char);
        } else {
            out.push_str(&format!("\\{b:02x}"));
        }
    }
    out.push('"');
    out
}
