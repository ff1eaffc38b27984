//! `.wast` scripts turned into JavaScript that any engine with the
//! WebAssembly JS API runs (`wasm-ref wast2js`): modules as bytes, every
//! directive as a check (`prelude.js` is the runtime they call), one line
//! per failed check and `N passed, M failed` last.
//!
//! What the JS API cannot carry (`v128`, `exnref`, a NaN's payload) is
//! checked through a helper module generated here for that one assertion
//! (`helper.rs`); it needs the type of the function or global under test,
//! which the converter learns by decoding each script module with `interp`.
//! A module `interp` cannot decode (e.g. GC) leaves its exports untyped:
//! their values then cross JS directly, which may lose a NaN's payload.
//!
//! Left out, and counted in the file's header: `assert_malformed` and
//! `assert_invalid` of text modules that the text format parser refuses
//! (there is no binary to give an engine), and the custom-section
//! assertions, which the JS API has no way to observe.

mod helper;

use crate::json::string as js_string;
use interp::syntax::{ExternType, ValType};
use interp::{Features, Module};
use std::collections::HashMap;
use std::fmt::Write;
use std::rc::Rc;
use wast::core::{NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::token::{F32, F64};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

const PRELUDE: &str = include_str!("prelude.js");

/// A converted script.
pub struct Converted {
    /// The JavaScript file.
    pub js: String,
    /// Directives converted into checks.
    pub checks: usize,
    /// Directives left out (see the module docs), with where and why.
    pub left_out: Vec<String>,
}

/// The export types of an instance, when its module could be decoded.
type Exports = Option<Rc<HashMap<String, ExternType>>>;

struct Conv<'a> {
    path: &'a str,
    text: &'a str,
    features: Features,
    body: String,
    checks: usize,
    left_out: Vec<String>,
    current: Exports,
    instances: HashMap<String, Exports>,
    definitions: HashMap<String, Exports>,
    last_definition: Option<String>,
}

/// Converts the script `text`, read from `path` (named in the messages the
/// JavaScript prints; its folder chooses the features, as for `wast`).
///
/// # Errors
/// `path:line:col: message` if the script does not parse.
pub fn convert(path: &str, text: &str) -> Result<Converted, String> {
    let parse_error = |e: wast::Error| {
        let (l, c) = e.span().linecol_in(text);
        format!("{path}:{}:{}: parse error: {}", l + 1, c + 1, e.message())
    };
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = wast::parser::ParseBuffer::new_with_lexer(lexer).map_err(parse_error)?;
    let script = wast::parser::parse::<Wast<'_>>(&buf).map_err(parse_error)?;
    let mut c = Conv {
        path,
        text,
        features: spec_tests::features_for_path(path),
        body: String::new(),
        checks: 0,
        left_out: Vec::new(),
        current: None,
        instances: HashMap::new(),
        definitions: HashMap::new(),
        last_definition: None,
    };
    for d in script.directives {
        c.directive(d);
    }
    let mut js = String::new();
    let _ = writeln!(
        js,
        "// {} converted by wasm-ref wast2js: {} checks; {} directives left out{}",
        path,
        c.checks,
        c.left_out.len(),
        if c.left_out.is_empty() {
            ""
        } else {
            " (listed below)"
        }
    );
    for l in &c.left_out {
        let _ = writeln!(js, "//   left out: {l}");
    }
    js.push_str("'use strict';\n");
    let _ = writeln!(js, "const $file = {};", js_string(path));
    js.push_str(PRELUDE);
    js.push('\n');
    js.push_str(&c.body);
    js.push_str("$done();\n");
    Ok(Converted {
        js,
        checks: c.checks,
        left_out: c.left_out,
    })
}

/// A binary as the hex string `$bytes` reads.
fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A JS string literal of an optional instance name, or `undefined`.
fn name_js(name: Option<&str>) -> String {
    name.map_or_else(|| "undefined".into(), js_string)
}

impl Conv<'_> {
    /// Appends one check.
    fn check(&mut self, d_span: wast::token::Span, kind: &str, body: &str) {
        let (l, c) = d_span.linecol_in(self.text);
        let _ = writeln!(
            self.body,
            "$check(\"{}:{}\", \"{kind}\", () => {{ {body} }});",
            l + 1,
            c + 1
        );
        self.checks += 1;
    }

    fn leave_out(&mut self, span: wast::token::Span, why: &str) {
        let (l, c) = span.linecol_in(self.text);
        self.left_out
            .push(format!("{}:{}:{}: {why}", self.path, l + 1, c + 1));
    }

    /// The export types of a module's binary, if `interp` decodes it.
    fn exports_of(&self, bytes: &[u8]) -> Exports {
        let m = Module::new(bytes, &self.features).ok()?;
        Some(Rc::new(m.exports().into_iter().collect()))
    }

    fn instance_exports(&self, name: Option<&str>) -> Exports {
        match name {
            Some(n) => self.instances.get(n).cloned().flatten(),
            None => self.current.clone(),
        }
    }

    fn directive(&mut self, d: WastDirective<'_>) {
        let span = d.span();
        match d {
            WastDirective::Module(mut q) => {
                let name = q.name().map(|i| i.name().to_string());
                match q.encode() {
                    Ok(bytes) => {
                        let exports = self.exports_of(&bytes);
                        self.current = exports.clone();
                        if let Some(n) = &name {
                            self.instances.insert(n.clone(), exports);
                        }
                        let body = format!(
                            "$module(\"{}\", {});",
                            hex(&bytes),
                            name_js(name.as_deref())
                        );
                        self.check(span, "module", &body);
                    }
                    Err(e) => self.refused_text(span, "module", &e),
                }
            }
            WastDirective::ModuleDefinition(mut q) => {
                let name = q.name().map(|i| i.name().to_string()).unwrap_or_default();
                match q.encode() {
                    Ok(bytes) => {
                        let exports = self.exports_of(&bytes);
                        self.definitions.insert(name.clone(), exports);
                        let body = format!("$define(\"{}\", {});", hex(&bytes), js_string(&name));
                        self.last_definition = Some(name);
                        self.check(span, "module definition", &body);
                    }
                    Err(e) => self.refused_text(span, "module definition", &e),
                }
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let def = module
                    .map(|m| m.name().to_string())
                    .or_else(|| self.last_definition.clone())
                    .unwrap_or_default();
                let exports = self.definitions.get(&def).cloned().flatten();
                self.current = exports.clone();
                let inst = instance.map(|i| i.name().to_string());
                if let Some(n) = &inst {
                    self.instances.insert(n.clone(), exports);
                }
                let body = format!(
                    "$instance({}, {});",
                    js_string(&def),
                    name_js(inst.as_deref())
                );
                self.check(span, "module instance", &body);
            }
            WastDirective::Register { name, module, .. } => {
                let body = format!(
                    "$register({}, {});",
                    js_string(name),
                    name_js(module.map(|m| m.name()))
                );
                self.check(span, "register", &body);
            }
            WastDirective::Invoke(inv) => {
                let call = self.invoke(&inv, &[]);
                self.check(span, "invoke", &format!("{call};"));
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let patterns: Vec<&WastRetCore<'_>> = results
                    .iter()
                    .filter_map(|r| match r {
                        WastRet::Core(c) => Some(c),
                        _ => None,
                    })
                    .collect();
                let body = match exec {
                    WastExecute::Invoke(inv) => {
                        let call = self.invoke(&inv, &patterns);
                        format!("$return({call}, {});", patterns_js(&patterns))
                    }
                    WastExecute::Get { module, global, .. } => {
                        let get = self.get(module.map(|m| m.name()), global, &patterns);
                        format!("$return({get}, {});", patterns_js(&patterns))
                    }
                    WastExecute::Wat(w) => match QuoteWat::Wat(w).encode() {
                        Ok(bytes) => format!(
                            "{}; $return([], {});",
                            instantiate_js(&bytes),
                            patterns_js(&patterns)
                        ),
                        Err(e) => fail_js(&format!(
                            "the text format parser refused the module: {}",
                            e.message()
                        )),
                    },
                };
                self.check(span, "assert_return", &body);
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                let body = match exec {
                    WastExecute::Invoke(inv) => {
                        let call = self.invoke(&inv, &[]);
                        throws(&call, "RuntimeError", &format!("trap \"{message}\""))
                    }
                    WastExecute::Get { module, global, .. } => {
                        let get = self.get(module.map(|m| m.name()), global, &[]);
                        throws(&get, "RuntimeError", &format!("trap \"{message}\""))
                    }
                    WastExecute::Wat(w) => match QuoteWat::Wat(w).encode() {
                        Ok(bytes) => throws(
                            &instantiate_js(&bytes),
                            "RuntimeError",
                            &format!("trap \"{message}\""),
                        ),
                        Err(e) => fail_js(&format!(
                            "the text format parser refused the module: {}",
                            e.message()
                        )),
                    },
                };
                self.check(span, "assert_trap", &body);
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                let call = self.invoke(&call, &[]);
                let body = throws(&call, "RangeError", &format!("exhaustion \"{message}\""));
                self.check(span, "assert_exhaustion", &body);
            }
            WastDirective::AssertException { exec, .. } => {
                let body = match exec {
                    WastExecute::Invoke(inv) => throws(
                        &self.invoke(&inv, &[]),
                        "Exception",
                        "an uncaught exception",
                    ),
                    WastExecute::Wat(w) => match QuoteWat::Wat(w).encode() {
                        Ok(bytes) => throws(
                            &instantiate_js(&bytes),
                            "Exception",
                            "an uncaught exception",
                        ),
                        Err(e) => fail_js(&format!(
                            "the text format parser refused the module: {}",
                            e.message()
                        )),
                    },
                    WastExecute::Get { .. } => fail_js("a global read cannot throw"),
                };
                self.check(span, "assert_exception", &body);
            }
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => self.refused(span, &mut module, "malformed", message),
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => self.refused(span, &mut module, "invalid", message),
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => match QuoteWat::Wat(module).encode() {
                Ok(bytes) => {
                    let expected = format!("unlinkable \"{message}\"");
                    let body = throws(&instantiate_js(&bytes), "LinkError", &expected);
                    self.check(span, "assert_unlinkable", &body);
                }
                Err(e) => self.refused_text(span, "assert_unlinkable", &e),
            },
            WastDirective::AssertMalformedCustom { .. }
            | WastDirective::AssertInvalidCustom { .. } => {
                self.leave_out(
                    span,
                    "a custom-section assertion: the JS API does not report custom section errors",
                );
            }
            WastDirective::AssertSuspension { .. } => {
                self.check(
                    span,
                    "assert_suspension",
                    &fail_js("stack switching is not converted"),
                );
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                self.check(span, "thread", &fail_js("threads are not converted"));
            }
        }
    }

    /// A module the text format parser refused where one was needed: a
    /// check that fails with the parser's message.
    fn refused_text(&mut self, span: wast::token::Span, kind: &str, e: &wast::Error) {
        let body = fail_js(&format!(
            "the text format parser refused the module: {}",
            e.message()
        ));
        self.check(span, kind, &body);
    }

    /// `assert_malformed` / `assert_invalid`.
    fn refused(
        &mut self,
        span: wast::token::Span,
        q: &mut QuoteWat<'_>,
        what: &str,
        message: &str,
    ) {
        match q.encode() {
            Ok(bytes) => {
                let body = format!(
                    "$refused(\"{}\", \"{what}\", {});",
                    hex(&bytes),
                    js_string(message)
                );
                self.check(span, &format!("assert_{what}"), &body);
            }
            Err(_) => self.leave_out(
                span,
                &format!(
                    "assert_{what} \"{message}\" of a text module the text format parser refuses (no binary to give an engine)"
                ),
            ),
        }
    }

    /// A JS expression calling `inv`: the raw results, for `patterns`.
    fn invoke(&self, inv: &WastInvoke<'_>, patterns: &[&WastRetCore<'_>]) -> String {
        let module = inv.module.map(|m| m.name());
        let inst = format!("$inst({})", name_js(module));
        let args: Vec<&WastArgCore<'_>> = inv
            .args
            .iter()
            .filter_map(|a| match a {
                WastArg::Core(c) => Some(c),
                _ => None,
            })
            .collect();
        let ty = match self
            .instance_exports(module)
            .and_then(|e| e.get(inv.name).cloned())
        {
            Some(ExternType::Func(ft)) => Some(ft),
            _ => None,
        };
        let name = js_string(inv.name);
        if let Some(ft) = &ty {
            let needs = ft.params.iter().chain(&ft.results).any(|t| opaque(*t))
                || args.iter().any(|a| nan_arg(a))
                || patterns.iter().any(|p| needs_bits(p));
            if needs && let Some(h) = helper::for_call(ft, &args) {
                return format!(
                    "$via({inst}, {name}, \"{}\", [{}], {})",
                    hex(&h.bytes),
                    h.js_args.join(", "),
                    types_js(&ft.results)
                );
            }
        }
        let types = match &ty {
            Some(ft) => types_js(&ft.results),
            None => pattern_types_js(patterns),
        };
        let js_args: Vec<String> = args.iter().map(|a| arg_js(a)).collect();
        format!("$call({inst}, {name}, [{}], {types})", js_args.join(", "))
    }

    /// A JS expression reading a global: its raw value, for `patterns`.
    fn get(&self, module: Option<&str>, global: &str, patterns: &[&WastRetCore<'_>]) -> String {
        let inst = format!("$inst({})", name_js(module));
        let name = js_string(global);
        match self
            .instance_exports(module)
            .and_then(|e| e.get(global).cloned())
        {
            Some(ExternType::Global(gt)) => {
                let needs = opaque(gt.val) || patterns.iter().any(|p| needs_bits(p));
                if needs && let Some(h) = helper::for_global(gt) {
                    return format!(
                        "$via({inst}, {name}, \"{}\", [], {})",
                        hex(&h.bytes),
                        types_js(&[gt.val])
                    );
                }
                format!("$get({inst}, {name}, {})", types_js(&[gt.val]))
            }
            _ => format!("$get({inst}, {name}, {})", pattern_types_js(patterns)),
        }
    }
}

/// A JS statement: `action` (an expression) throws an error of `kind` (a
/// key of the prelude's `$errors`); `expected` says so in the script's words.
fn throws(action: &str, kind: &str, expected: &str) -> String {
    format!(
        "$throws(() => {action}, \"{kind}\", {});",
        js_string(expected)
    )
}

/// A JS expression compiling and instantiating a binary.
fn instantiate_js(bytes: &[u8]) -> String {
    format!("$instantiate($compile(\"{}\"))", hex(bytes))
}

/// A JS statement that fails the check with `message`.
fn fail_js(message: &str) -> String {
    format!("$fail({});", js_string(message))
}

/// Whether values of `t` cannot cross the JS API.
fn opaque(t: ValType) -> bool {
    use interp::syntax::HeapType;
    t == ValType::V128
        || matches!(t, ValType::Ref(r) if matches!(r.heap, HeapType::Exn | HeapType::NoExn))
}

/// Whether an argument is a NaN (JS would not keep its payload).
fn nan_arg(a: &WastArgCore<'_>) -> bool {
    match a {
        WastArgCore::F32(F32 { bits }) => f32::from_bits(*bits).is_nan(),
        WastArgCore::F64(F64 { bits }) => f64::from_bits(*bits).is_nan(),
        _ => false,
    }
}

/// Whether a pattern can only be checked on a value's exact bits.
fn needs_bits(p: &WastRetCore<'_>) -> bool {
    match p {
        WastRetCore::F32(NanPattern::Value(F32 { bits })) => f32::from_bits(*bits).is_nan(),
        WastRetCore::F64(NanPattern::Value(F64 { bits })) => f64::from_bits(*bits).is_nan(),
        WastRetCore::F32(_) | WastRetCore::F64(_) | WastRetCore::V128(_) => true,
        WastRetCore::Either(cases) => cases.iter().any(needs_bits),
        _ => false,
    }
}

/// The prelude's name of a type: numbers and `v128` by name, `exnref`,
/// any other reference as `ref` (they cross JS as they are).
fn type_js(t: ValType) -> &'static str {
    match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::V128 => "v128",
        t if opaque(t) => "exnref",
        _ => "ref",
    }
}

fn types_js(ts: &[ValType]) -> String {
    let names: Vec<String> = ts.iter().map(|t| format!("\"{}\"", type_js(*t))).collect();
    format!("[{}]", names.join(", "))
}

/// The types a list of patterns implies, for a function `interp` could not
/// type (its module did not decode).
fn pattern_types_js(patterns: &[&WastRetCore<'_>]) -> String {
    fn one(p: &WastRetCore<'_>) -> &'static str {
        match p {
            WastRetCore::I32(_) => "i32",
            WastRetCore::I64(_) => "i64",
            WastRetCore::F32(_) => "f32",
            WastRetCore::F64(_) => "f64",
            WastRetCore::V128(_) => "v128",
            WastRetCore::Either(cases) => cases.first().map_or("ref", |c| one(c)),
            _ => "ref",
        }
    }
    let names: Vec<String> = patterns.iter().map(|p| format!("\"{}\"", one(p))).collect();
    format!("[{}]", names.join(", "))
}

/// A float as a JS number literal (exact: every f32 and f64 is a double).
fn number_js(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x == f64::INFINITY {
        "Infinity".into()
    } else if x == f64::NEG_INFINITY {
        "-Infinity".into()
    } else {
        format!("{x:?}")
    }
}

/// An argument as a JS value (a v128 cannot be one: `undefined`, which
/// the JS API refuses with a TypeError, as it refuses any v128).
fn arg_js(a: &WastArgCore<'_>) -> String {
    match a {
        WastArgCore::I32(v) => v.to_string(),
        WastArgCore::I64(v) => format!("{v}n"),
        WastArgCore::F32(F32 { bits }) => number_js(f32::from_bits(*bits) as f64),
        WastArgCore::F64(F64 { bits }) => number_js(f64::from_bits(*bits)),
        WastArgCore::V128(_) => "undefined".into(),
        WastArgCore::RefNull(_) => "null".into(),
        WastArgCore::RefExtern(n) | WastArgCore::RefHost(n) => format!("$hostref({n})"),
    }
}

fn patterns_js(ps: &[&WastRetCore<'_>]) -> String {
    let items: Vec<String> = ps.iter().map(|p| pattern_js(p)).collect();
    format!("[{}]", items.join(", "))
}

fn nan32_js(p: &NanPattern<F32>) -> String {
    match p {
        NanPattern::CanonicalNan => "\"canonical\"".into(),
        NanPattern::ArithmeticNan => "\"arithmetic\"".into(),
        NanPattern::Value(F32 { bits }) => format!("0x{bits:x}"),
    }
}

fn nan64_js(p: &NanPattern<F64>) -> String {
    match p {
        NanPattern::CanonicalNan => "\"canonical\"".into(),
        NanPattern::ArithmeticNan => "\"arithmetic\"".into(),
        NanPattern::Value(F64 { bits }) => format!("0x{bits:x}n"),
    }
}

/// A result pattern as the prelude's `$match` reads it: integer lanes as
/// unsigned bits, floats as bits or `canonical`/`arithmetic`.
fn pattern_js(p: &WastRetCore<'_>) -> String {
    match p {
        WastRetCore::I32(v) => format!("{{t: \"i32\", v: {v}}}"),
        WastRetCore::I64(v) => format!("{{t: \"i64\", v: {v}n}}"),
        WastRetCore::F32(n) => format!("{{t: \"f32\", v: {}}}", nan32_js(n)),
        WastRetCore::F64(n) => format!("{{t: \"f64\", v: {}}}", nan64_js(n)),
        WastRetCore::V128(v) => {
            let (shape, lanes): (&str, Vec<String>) = match v {
                V128Pattern::I8x16(ls) => {
                    ("i8x16", ls.iter().map(|l| (*l as u8).to_string()).collect())
                }
                V128Pattern::I16x8(ls) => (
                    "i16x8",
                    ls.iter().map(|l| (*l as u16).to_string()).collect(),
                ),
                V128Pattern::I32x4(ls) => (
                    "i32x4",
                    ls.iter().map(|l| (*l as u32).to_string()).collect(),
                ),
                V128Pattern::I64x2(ls) => (
                    "i64x2",
                    ls.iter().map(|l| format!("{}n", *l as u64)).collect(),
                ),
                V128Pattern::F32x4(ls) => ("f32x4", ls.iter().map(nan32_js).collect()),
                V128Pattern::F64x2(ls) => ("f64x2", ls.iter().map(nan64_js).collect()),
            };
            format!(
                "{{t: \"v128\", shape: \"{shape}\", lanes: [{}]}}",
                lanes.join(", ")
            )
        }
        WastRetCore::RefNull(_) => "{t: \"ref.null\"}".into(),
        WastRetCore::RefExtern(None) => "{t: \"ref.extern\"}".into(),
        WastRetCore::RefExtern(Some(n)) => format!("{{t: \"ref.extern\", v: {n}}}"),
        WastRetCore::RefHost(n) => format!("{{t: \"ref.host\", v: {n}}}"),
        WastRetCore::RefFunc(_) => "{t: \"ref.func\"}".into(),
        WastRetCore::RefAny => "{t: \"ref.any\"}".into(),
        WastRetCore::RefEq => "{t: \"ref.eq\"}".into(),
        WastRetCore::RefArray => "{t: \"ref.array\"}".into(),
        WastRetCore::RefStruct => "{t: \"ref.struct\"}".into(),
        WastRetCore::RefI31 | WastRetCore::RefI31Shared => "{t: \"ref.i31\"}".into(),
        WastRetCore::Either(cases) => {
            let cs: Vec<String> = cases.iter().map(pattern_js).collect();
            format!("{{t: \"either\", cases: [{}]}}", cs.join(", "))
        }
    }
}
