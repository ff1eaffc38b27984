//! The helper modules of converted scripts: for one assertion whose values
//! the JS API cannot carry (a `v128`, an `exnref`, a NaN's payload), a
//! module that imports the function (or global) under test as `"m" "f"`,
//! calls it with those arguments as constants, and returns its results in
//! forms JS carries exactly: a float as its bits (`i32`/`i64`), a `v128` as
//! its two `i64` halves, an `exnref` as whether it is null. Its export
//! `"run"` takes the `externref` arguments (host objects made in JS) as
//! parameters. `prelude.js`'s `$via` uses it. (No memory: the JS API copies
//! every memory whose buffer JS has seen at each call, in some engines.)
//!
//! Written as text and encoded with the `wast` crate.

use crate::types_text::val_type;
use interp::syntax::{FuncType, GlobalType, HeapType, Mut, ValType};
use std::fmt::Write;
use wast::core::WastArgCore;
use wast::token::{F32, F64};

/// A helper module and the JS arguments of its `run`.
pub(super) struct Helper {
    /// The module's binary.
    pub(super) bytes: Vec<u8>,
    /// The JS expressions of `run`'s arguments.
    pub(super) js_args: Vec<String>,
}

/// Whether a helper can name `t` without the module's own type section:
/// numbers, `v128` and the abstract function, extern and exception types.
fn nameable(t: ValType) -> bool {
    match t {
        ValType::Ref(r) => matches!(
            r.heap,
            HeapType::Func
                | HeapType::Extern
                | HeapType::Exn
                | HeapType::NoFunc
                | HeapType::NoExtern
                | HeapType::NoExn
        ),
        _ => true,
    }
}

/// A helper calling a function of type `ft` with `args`, if one can be
/// written (abstract types only, one argument per parameter, no `ref.host`).
pub(super) fn for_call(ft: &FuncType, args: &[&WastArgCore<'_>]) -> Option<Helper> {
    if args.len() != ft.params.len() || !ft.params.iter().chain(&ft.results).all(|t| nameable(*t)) {
        return None;
    }
    let mut params = Vec::new();
    let mut js_args = Vec::new();
    let mut push = String::new();
    for (a, t) in args.iter().zip(&ft.params) {
        let code = match a {
            WastArgCore::I32(v) => format!("(i32.const {v})"),
            WastArgCore::I64(v) => format!("(i64.const {v})"),
            WastArgCore::F32(F32 { bits }) => {
                format!("(f32.reinterpret_i32 (i32.const {}))", *bits as i32)
            }
            WastArgCore::F64(F64 { bits }) => {
                format!("(f64.reinterpret_i64 (i64.const {}))", *bits as i64)
            }
            WastArgCore::V128(c) => {
                let bytes: Vec<String> = c.to_le_bytes().iter().map(|b| b.to_string()).collect();
                format!("(v128.const i8x16 {})", bytes.join(" "))
            }
            WastArgCore::RefNull(_) => match t {
                ValType::Ref(r) => format!("(ref.null {})", crate::types_text::heap_type(r.heap)),
                _ => return None,
            },
            WastArgCore::RefExtern(n) => {
                params.push("externref");
                js_args.push(format!("$hostref({n})"));
                format!("(local.get {})", params.len() - 1)
            }
            WastArgCore::RefHost(_) => return None,
        };
        push.push_str(&code);
        push.push(' ');
    }
    let import = format!("(func $f {})", func_sig(ft));
    let call = format!("{push}(call $f)");
    let bytes = module(&import, &params, &call, &ft.results)?;
    Some(Helper { bytes, js_args })
}

/// A helper reading a global of type `gt`.
pub(super) fn for_global(gt: GlobalType) -> Option<Helper> {
    if !nameable(gt.val) {
        return None;
    }
    let ty = match gt.mutability {
        Mut::Const => val_type(gt.val),
        Mut::Var => format!("(mut {})", val_type(gt.val)),
    };
    let import = format!("(global $f {ty})");
    let bytes = module(&import, &[], "(global.get $f)", &[gt.val])?;
    Some(Helper {
        bytes,
        js_args: Vec::new(),
    })
}

/// `(param ...) (result ...)` of a function type.
fn func_sig(ft: &FuncType) -> String {
    let list = |ts: &[ValType]| {
        ts.iter()
            .map(|t| val_type(*t))
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!(
        "(param {}) (result {})",
        list(&ft.params),
        list(&ft.results)
    )
}

/// What `run` returns for a result of type `t`: the types JS carries
/// exactly (a float as its bits, a `v128` as two `i64` halves, an `exnref`
/// as whether it is null) and the code computing them from `local`.
fn carried(t: ValType, local: &str) -> (Vec<String>, String) {
    let one = |ty: &str, code: String| (vec![ty.to_string()], code);
    match t {
        ValType::I32 | ValType::I64 => one(&val_type(t), local.to_string()),
        ValType::F32 => one("i32", format!("(i32.reinterpret_f32 {local})")),
        ValType::F64 => one("i64", format!("(i64.reinterpret_f64 {local})")),
        ValType::V128 => (
            vec!["i64".into(), "i64".into()],
            format!("(i64x2.extract_lane 0 {local}) (i64x2.extract_lane 1 {local})"),
        ),
        ValType::Ref(r) if matches!(r.heap, HeapType::Exn | HeapType::NoExn) => {
            one("i32", format!("(ref.is_null {local})"))
        }
        ValType::Ref(_) => one(&val_type(t), local.to_string()),
    }
}

/// The helper module: `import`, then `run` with `params`, which evaluates
/// `produce` (leaving `results` on the stack) and returns them as JS
/// carries them (see [`carried`]).
fn module(import: &str, params: &[&str], produce: &str, results: &[ValType]) -> Option<Vec<u8>> {
    let first = params.len();
    let (mut types, mut code) = (Vec::new(), String::new());
    for (j, t) in results.iter().enumerate() {
        let (ts, c) = carried(*t, &format!("(local.get {})", first + j));
        types.extend(ts);
        code.push_str(&c);
        code.push(' ');
    }
    let mut wat = String::new();
    let _ = write!(
        wat,
        "(module (import \"m\" \"f\" {import}) (func (export \"run\") (param {}) (result {})",
        params.join(" "),
        types.join(" ")
    );
    for t in results {
        let _ = write!(wat, " (local {})", val_type(*t));
    }
    let _ = write!(wat, " {produce}");
    for j in (0..results.len()).rev() {
        let _ = write!(wat, " (local.set {})", first + j);
    }
    let _ = write!(wat, " {code}))");
    let buf = wast::parser::ParseBuffer::new(&wat).ok()?;
    let mut m = wast::parser::parse::<wast::Wat<'_>>(&buf).ok()?;
    m.encode().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_validate_in_the_interpreter() {
        let ft = FuncType::new(
            [ValType::V128, ValType::F32, ValType::EXTERNREF],
            [ValType::F64, ValType::FUNCREF, ValType::V128],
        );
        let v = wast::core::V128Const::I32x4([1, 2, 3, 4]);
        let args = [
            WastArgCore::V128(v),
            WastArgCore::F32(F32 { bits: 0x7fa0_0000 }),
            WastArgCore::RefExtern(3),
        ];
        let args: Vec<&WastArgCore<'_>> = args.iter().collect();
        let h = for_call(&ft, &args).expect("a helper");
        assert_eq!(h.js_args, ["$hostref(3)"]);
        let m = interp::Module::new(&h.bytes, &interp::Features::wasm3()).expect("valid");
        assert_eq!(m.imports().len(), 1);
        let g = GlobalType {
            mutability: Mut::Var,
            val: ValType::V128,
        };
        let h = for_global(g).expect("a helper");
        interp::Module::new(&h.bytes, &interp::Features::wasm3()).expect("valid");
    }
}
