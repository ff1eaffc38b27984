//! The script semantics (after the spec interpreter's `script/run.ml`): each
//! directive of a `.wast` file against an [`Embedder`], counted and
//! recorded with its line and column, what was expected and what was found,
//! all in the text format (see `text.rs`).

use crate::embedder::*;
use crate::text::{Pattern, values_text};
use crate::v1_encoding::is_text;
use interp::lanes::{self, Shape, V128Text};
use std::collections::HashMap;
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::token::{F32, F64};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

/// What one directive did: where it is, its kind, whether it held, and what
/// was expected and found, in the text format.
#[derive(Clone, Debug)]
pub struct DirectiveResult {
    /// 1-based line of the directive.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// The directive's kind, e.g. `assert_return` (`parse` for a script
    /// that does not parse).
    pub kind: &'static str,
    /// Whether it held.
    pub passed: bool,
    /// What the script expected, e.g. `(i32.const 1)` or `trap "unreachable"`.
    pub expected: String,
    /// What happened, in the same notation.
    pub actual: String,
    /// Why it failed, in plain words; empty when it held.
    pub message: String,
}

/// The result of running one script.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Directives that held.
    pub passed: usize,
    /// Directives that did not.
    pub failed: usize,
    /// The failures, in order.
    pub failures: Vec<DirectiveResult>,
}

impl Report {
    /// Each failure as `path:line:col: directive: message`, one a line.
    pub fn describe(&self, path: &str) -> String {
        self.failures
            .iter()
            .map(|f| format!("{}\n", f.describe(path)))
            .collect()
    }

    /// The script's parse error, if it did not parse (then nothing ran).
    pub fn parse_error(&self) -> Option<&DirectiveResult> {
        self.failures.first().filter(|f| f.kind == "parse")
    }
}

impl DirectiveResult {
    /// `path:line:col: kind: message` (or `ok` when it held).
    pub fn describe(&self, path: &str) -> String {
        let what = if self.passed { "ok" } else { &self.message };
        format!("{path}:{}:{}: {}: {what}", self.line, self.col, self.kind)
    }
}

/// What a directive's check found: the expectation, the actual outcome, and
/// the failure message if they disagree.
struct Check {
    expected: String,
    actual: String,
    failure: Option<String>,
    /// Why a check held although the message differs (a listed difference).
    note: Option<String>,
}

impl Check {
    /// Held.
    fn pass(expected: impl Into<String>, actual: impl Into<String>) -> Check {
        Check {
            expected: expected.into(),
            actual: actual.into(),
            failure: None,
            note: None,
        }
    }

    /// Did not hold: "expected E, found A".
    fn fail(expected: impl Into<String>, actual: impl Into<String>) -> Check {
        let (expected, actual) = (expected.into(), actual.into());
        let failure = Some(format!("expected {expected}, found {actual}"));
        Check {
            expected,
            actual,
            failure,
            note: None,
        }
    }

    /// Did not hold, with a message of its own.
    fn fail_with(
        expected: impl Into<String>,
        actual: impl Into<String>,
        message: impl Into<String>,
    ) -> Check {
        Check {
            expected: expected.into(),
            actual: actual.into(),
            failure: Some(message.into()),
            note: None,
        }
    }
}

struct Run<'t, E: Embedder> {
    e: &'t mut E,
    /// The script's path, for the listed message differences.
    path: &'t str,
    current: Option<E::Instance>,
    instances: HashMap<String, E::Instance>,
    definitions: HashMap<String, E::Module>,
    last_definition: Option<String>,
    registered: HashMap<String, E::Instance>,
}

/// Runs the script `text` against `e`.
pub fn run_wast<E: Embedder>(text: &str, e: &mut E) -> Report {
    run_wast_with(text, e, |_| {})
}

/// Runs the script `text` against `e`, handing each directive's result to
/// `observe` as soon as it has run.
pub fn run_wast_with<E: Embedder>(
    text: &str,
    e: &mut E,
    observe: impl FnMut(&DirectiveResult),
) -> Report {
    run_wast_at("", text, e, observe)
}

/// As [`run_wast_with`], for the script at `path` in the test suite (e.g.
/// `.../wasm-v1/binary.wast`): message assertions may then also hold by a
/// difference that `spec-tests/expected-messages.txt` lists for that path.
pub fn run_wast_at<E: Embedder>(
    path: &str,
    text: &str,
    e: &mut E,
    mut observe: impl FnMut(&DirectiveResult),
) -> Report {
    let mut report = Report::default();
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = match wast::parser::ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(err) => return parse_failure(&err, text, observe),
    };
    let wast = match wast::parser::parse::<Wast<'_>>(&buf) {
        Ok(w) => w,
        Err(err) => return parse_failure(&err, text, observe),
    };
    let spectest = e.spectest();
    let mut run = Run {
        e,
        path,
        current: None,
        instances: HashMap::new(),
        definitions: HashMap::new(),
        last_definition: None,
        registered: HashMap::from([("spectest".to_string(), spectest)]),
    };
    for d in wast.directives {
        let (l, c) = d.span().linecol_in(text);
        let kind = directive_name(&d);
        let check = run.directive(d);
        let result = DirectiveResult {
            line: l + 1,
            col: c + 1,
            kind,
            passed: check.failure.is_none(),
            expected: check.expected,
            actual: check.actual,
            message: check.failure.or(check.note).unwrap_or_default(),
        };
        observe(&result);
        if result.passed {
            report.passed += 1;
        } else {
            report.failed += 1;
            report.failures.push(result);
        }
    }
    report
}

/// A script that does not parse: one failure at the place the parser
/// stopped, with its message (the `wast` crate's, without its own location
/// and excerpt, so the place is given once).
fn parse_failure(
    err: &wast::Error,
    text: &str,
    mut observe: impl FnMut(&DirectiveResult),
) -> Report {
    let (l, c) = err.span().linecol_in(text);
    let result = DirectiveResult {
        line: l + 1,
        col: c + 1,
        kind: "parse",
        passed: false,
        expected: "a script".into(),
        actual: "a parse error".into(),
        message: err.message(),
    };
    observe(&result);
    Report {
        passed: 0,
        failed: 1,
        failures: vec![result],
    }
}

fn directive_name(d: &WastDirective<'_>) -> &'static str {
    match d {
        WastDirective::Module(_) => "module",
        WastDirective::ModuleDefinition(_) => "module definition",
        WastDirective::ModuleInstance { .. } => "module instance",
        WastDirective::AssertMalformed { .. } => "assert_malformed",
        WastDirective::AssertInvalid { .. } => "assert_invalid",
        WastDirective::Register { .. } => "register",
        WastDirective::Invoke(_) => "invoke",
        WastDirective::AssertTrap { .. } => "assert_trap",
        WastDirective::AssertReturn { .. } => "assert_return",
        WastDirective::AssertExhaustion { .. } => "assert_exhaustion",
        WastDirective::AssertUnlinkable { .. } => "assert_unlinkable",
        WastDirective::AssertException { .. } => "assert_exception",
        WastDirective::AssertSuspension { .. } => "assert_suspension",
        WastDirective::AssertInvalidCustom { .. } => "assert_invalid_custom",
        WastDirective::AssertMalformedCustom { .. } => "assert_malformed_custom",
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
    }
}

/// The binary of a script module, or why the text format parser refused it.
fn encode(q: &mut QuoteWat<'_>) -> Result<Vec<u8>, String> {
    q.encode()
        .map_err(|e| format!("text format error \"{}\"", e.message()))
}

const A_MODULE: &str = "a module that instantiates";

impl<E: Embedder> Run<'_, E> {
    fn directive(&mut self, d: WastDirective<'_>) -> Check {
        match d {
            WastDirective::Module(mut q) => {
                let name = q.name().map(|i| i.name().to_string());
                let m = match self.compile(&mut q) {
                    Ok(m) => m,
                    Err(found) => return Check::fail(A_MODULE, found),
                };
                match self.e.instantiate(&m, &self.registered) {
                    Ok(i) => {
                        if let Some(n) = name {
                            self.instances.insert(n, i.clone());
                        }
                        self.current = Some(i);
                        Check::pass(A_MODULE, "instantiated")
                    }
                    Err(e) => Check::fail(A_MODULE, e.to_string()),
                }
            }
            WastDirective::ModuleDefinition(mut q) => {
                const VALID: &str = "a valid module";
                let name = q.name().map(|i| i.name().to_string()).unwrap_or_default();
                match self.compile(&mut q) {
                    Ok(m) => {
                        self.definitions.insert(name.clone(), m);
                        self.last_definition = Some(name);
                        Check::pass(VALID, "valid")
                    }
                    Err(found) => Check::fail(VALID, found),
                }
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let def = module
                    .map(|m| m.name().to_string())
                    .or_else(|| self.last_definition.clone())
                    .unwrap_or_default();
                let Some(m) = self.definitions.get(&def) else {
                    return Check::fail(A_MODULE, format!("no module definition ${def}"));
                };
                match self.e.instantiate(m, &self.registered) {
                    Ok(i) => {
                        if let Some(n) = instance {
                            self.instances.insert(n.name().to_string(), i.clone());
                        }
                        self.current = Some(i);
                        Check::pass(A_MODULE, "instantiated")
                    }
                    Err(e) => Check::fail(A_MODULE, e.to_string()),
                }
            }
            WastDirective::Register { name, module, .. } => {
                let expected = format!("an instance to register as \"{name}\"");
                match self.instance(module.map(|m| m.name())) {
                    Ok(i) => {
                        self.registered.insert(name.to_string(), i);
                        Check::pass(expected, "registered")
                    }
                    Err(e) => Check::fail(expected, e),
                }
            }
            WastDirective::Invoke(inv) => match self.invoke(inv) {
                o @ Outcome::Return(_) => Check::pass("a return", o.to_string()),
                other => Check::fail("a return", other.to_string()),
            },
            WastDirective::AssertReturn { exec, results, .. } => {
                let expected = patterns_text(&results);
                match self.execute(exec) {
                    Outcome::Return(vs) => match match_results(&results, &vs) {
                        Ok(()) => Check::pass(expected, values_text(&vs)),
                        Err(why) => Check::fail_with(expected, values_text(&vs), why),
                    },
                    other => Check::fail(format!("returned {expected}"), other.to_string()),
                }
            }
            WastDirective::AssertTrap { exec, message, .. } => {
                let expected = format!("trap \"{message}\"");
                match self.execute(exec) {
                    Outcome::Trap(m) => self.message_check(expected, "trap", &m, message),
                    other => Check::fail(expected, other.to_string()),
                }
            }
            WastDirective::AssertExhaustion { call, message, .. } => {
                let expected = format!("exhaustion \"{message}\"");
                match self.invoke(call) {
                    Outcome::Exhaustion(m) => {
                        self.message_check(expected, "exhaustion", &m, message)
                    }
                    other => Check::fail(expected, other.to_string()),
                }
            }
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => {
                let expected = format!("malformed \"{message}\"");
                let quoted = matches!(module, QuoteWat::QuoteModule(..));
                let text = is_text(&module);
                let Ok(bytes) = module.encode() else {
                    // The text format parser refused it: malformed at the
                    // text level (its message is the `wast` crate's, not ours).
                    return Check::pass(expected, "refused by the text format parser");
                };
                match self.compile_bytes(text, &bytes) {
                    // A `module quote` is malformed text: the reference
                    // interpreter's parser words the message, which no binary
                    // decoder can; that the binary is refused is what we check.
                    Err(e) if quoted => {
                        let mut c = Check::pass(expected, e.to_string());
                        c.note =
                            Some("a text-format assertion: refused, message not compared".into());
                        c
                    }
                    Err(CompileError::Malformed(m)) => {
                        self.message_check(expected, "malformed", &m, message)
                    }
                    Err(e) => Check::fail(expected, e.to_string()),
                    Ok(_) => Check::fail(expected, "a valid module"),
                }
            }
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => {
                let expected = format!("invalid \"{message}\"");
                let text = is_text(&module);
                let Ok(bytes) = module.encode() else {
                    // The text format parser refused it (e.g. an unknown name).
                    return Check::pass(expected, "refused by the text format parser");
                };
                match self.compile_bytes(text, &bytes) {
                    Err(CompileError::Invalid(m)) => {
                        self.message_check(expected, "invalid", &m, message)
                    }
                    Err(e) => Check::fail(expected, e.to_string()),
                    Ok(_) => Check::fail(expected, "a valid module"),
                }
            }
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => {
                let expected = format!("unlinkable \"{message}\"");
                let m = match self.compile(&mut QuoteWat::Wat(module)) {
                    Ok(m) => m,
                    Err(found) => return Check::fail(expected, found),
                };
                match self.e.instantiate(&m, &self.registered) {
                    Err(InstantiateError::Link(m)) => {
                        self.message_check(expected, "unlinkable", &m, message)
                    }
                    Err(e) => Check::fail(expected, e.to_string()),
                    Ok(_) => Check::fail(expected, "instantiated"),
                }
            }
            WastDirective::AssertException { exec, .. } => {
                const EXPECTED: &str = "an uncaught exception";
                match self.execute(exec) {
                    o @ Outcome::Exception(_) => Check::pass(EXPECTED, o.to_string()),
                    other => Check::fail(EXPECTED, other.to_string()),
                }
            }
            WastDirective::AssertSuspension { message, .. } => Check::fail_with(
                format!("suspension \"{message}\""),
                "not run",
                "stack switching is not implemented",
            ),
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                Check::fail_with("threads", "not run", "threads are not implemented")
            }
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. } => Check::fail_with(
                "a custom section check",
                "not run",
                "custom section assertions are not supported",
            ),
        }
    }

    /// A message assertion: our message `found` (of an error of `kind`) must
    /// start with the script's `want`, as the reference interpreter's script
    /// runner checks (`script/run.ml`, `assert_message`), or differ from it
    /// as `expected-messages.txt` lists for this script.
    fn message_check(&self, expected: String, kind: &str, found: &str, want: &str) -> Check {
        let actual = format!("{kind} \"{found}\"");
        if found.starts_with(want) {
            return Check::pass(expected, actual);
        }
        match crate::messages::listed(self.path, want, found) {
            Some(reason) => {
                let mut c = Check::pass(expected, actual);
                c.note = Some(format!("a listed message difference: {reason}"));
                c
            }
            None => Check::fail(expected, actual),
        }
    }

    /// Encodes and compiles a script module; on failure, what was found.
    fn compile(&mut self, q: &mut QuoteWat<'_>) -> Result<E::Module, String> {
        let text = is_text(q);
        let bytes = encode(q)?;
        self.compile_bytes(text, &bytes).map_err(|e| e.to_string())
    }

    /// Compiles a module of the script: as text the runner encoded, or as
    /// the script's own binary bytes.
    fn compile_bytes(&mut self, text: bool, bytes: &[u8]) -> Result<E::Module, CompileError> {
        if text {
            self.e.compile_text(bytes)
        } else {
            self.e.compile(bytes)
        }
    }

    fn instance(&self, name: Option<&str>) -> Result<E::Instance, String> {
        match name {
            Some(n) => self
                .instances
                .get(n)
                .cloned()
                .ok_or_else(|| format!("no instance named ${n}")),
            None => self
                .current
                .clone()
                .ok_or_else(|| "no current instance".to_string()),
        }
    }

    fn invoke(&mut self, inv: WastInvoke<'_>) -> Outcome {
        let inst = match self.instance(inv.module.map(|m| m.name())) {
            Ok(i) => i,
            Err(e) => return Outcome::Error(e),
        };
        let args: Result<Vec<Val>, String> = inv.args.iter().map(arg).collect();
        match args {
            Ok(args) => self.e.invoke(&inst, inv.name, &args),
            Err(e) => Outcome::Error(e),
        }
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Outcome {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(inv),
            WastExecute::Get { module, global, .. } => {
                match self.instance(module.map(|m| m.name())) {
                    Ok(i) => self.e.get(&i, global),
                    Err(e) => Outcome::Error(e),
                }
            }
            WastExecute::Wat(w) => {
                let m = match self.compile(&mut QuoteWat::Wat(w)) {
                    Ok(m) => m,
                    Err(found) => return Outcome::Error(found),
                };
                match self.e.instantiate(&m, &self.registered) {
                    Ok(_) => Outcome::Return(vec![]),
                    Err(InstantiateError::Trap(o)) => o,
                    Err(e) => Outcome::Error(e.to_string()),
                }
            }
        }
    }
}

/// The expected results of an `assert_return`, in the script syntax.
fn patterns_text(want: &[WastRet<'_>]) -> String {
    let texts: Vec<String> = want
        .iter()
        .map(|w| match w {
            WastRet::Core(c) => Pattern(c).to_string(),
            _ => "(a component value)".into(),
        })
        .collect();
    if texts.is_empty() {
        "nothing".into()
    } else {
        texts.join(" ")
    }
}

fn arg(a: &WastArg<'_>) -> Result<Val, String> {
    let WastArg::Core(a) = a else {
        return Err("component values are not supported".into());
    };
    Ok(match a {
        WastArgCore::I32(x) => Val::I32(*x),
        WastArgCore::I64(x) => Val::I64(*x),
        WastArgCore::F32(F32 { bits }) => Val::F32(*bits),
        WastArgCore::F64(F64 { bits }) => Val::F64(*bits),
        WastArgCore::V128(c) => Val::V128(u128::from_le_bytes(c.to_le_bytes())),
        WastArgCore::RefNull(HeapType::Abstract { ty, shared: false }) => match ty {
            AbstractHeapType::Func | AbstractHeapType::NoFunc => Val::NullFunc,
            AbstractHeapType::Extern | AbstractHeapType::NoExtern => Val::NullExtern,
            AbstractHeapType::Exn | AbstractHeapType::NoExn => Val::NullExn,
            AbstractHeapType::Any
            | AbstractHeapType::Eq
            | AbstractHeapType::I31
            | AbstractHeapType::Struct
            | AbstractHeapType::Array
            | AbstractHeapType::None => Val::NullAny,
            _ => {
                return Err(format!(
                    "the argument (ref.null {}) is not supported",
                    crate::text::heap_type_text(&HeapType::Abstract {
                        ty: *ty,
                        shared: false
                    })
                ));
            }
        },
        WastArgCore::RefExtern(n) => Val::Extern(*n),
        WastArgCore::RefHost(n) => Val::Host(*n),
        WastArgCore::RefNull(h) => {
            return Err(format!(
                "the argument (ref.null {}) is not supported",
                crate::text::heap_type_text(h)
            ));
        }
    })
}

fn match_results(want: &[WastRet<'_>], got: &[Val]) -> Result<(), String> {
    if want.len() != got.len() {
        return Err(format!(
            "expected {} results ({}), found {}: {}",
            want.len(),
            patterns_text(want),
            got.len(),
            values_text(got)
        ));
    }
    for (k, (w, g)) in want.iter().zip(got).enumerate() {
        let WastRet::Core(w) = w else {
            return Err("component results are not supported".into());
        };
        if !result_matches(w, g)? {
            // A v128 is shown in the lane shape of the pattern it failed.
            let found = match (v128_pattern(w), g) {
                (Some(p), Val::V128(b)) => {
                    format!("(v128.const {})", V128Text::new(*b, pattern_shape(p)))
                }
                _ => g.to_string(),
            };
            let all = if got.len() > 1 {
                format!("; all results: {}", values_text(got))
            } else {
                String::new()
            };
            return Err(format!(
                "result {k}: expected {}, found {found}{all}",
                Pattern(w)
            ));
        }
    }
    Ok(())
}

/// Whether `g` matches the pattern `w` (spec interpreter `script/run.ml`
/// `assert_result`): NaN classes, reference patterns, `either`.
fn result_matches(w: &WastRetCore<'_>, g: &Val) -> Result<bool, String> {
    Ok(match (w, g) {
        (WastRetCore::I32(a), Val::I32(b)) => a == b,
        (WastRetCore::I64(a), Val::I64(b)) => a == b,
        (WastRetCore::F32(p), Val::F32(b)) => f32_matches(p, *b),
        (WastRetCore::F64(p), Val::F64(b)) => f64_matches(p, *b),
        (WastRetCore::V128(p), Val::V128(b)) => v128_matches(p, *b),
        (
            WastRetCore::RefNull(None),
            Val::NullFunc | Val::NullExtern | Val::NullExn | Val::NullAny,
        ) => true,
        // A null of a concrete type: any null (the script cannot say which
        // hierarchy its index names without the module).
        (
            WastRetCore::RefNull(Some(HeapType::Concrete(_) | HeapType::Exact(_))),
            Val::NullFunc | Val::NullAny,
        ) => true,
        (WastRetCore::RefNull(Some(HeapType::Abstract { ty, .. })), Val::NullAny) => matches!(
            ty,
            AbstractHeapType::Any
                | AbstractHeapType::Eq
                | AbstractHeapType::I31
                | AbstractHeapType::Struct
                | AbstractHeapType::Array
                | AbstractHeapType::None
        ),
        (WastRetCore::RefNull(Some(HeapType::Abstract { ty, .. })), Val::NullExn) => {
            matches!(ty, AbstractHeapType::Exn | AbstractHeapType::NoExn)
        }
        (WastRetCore::RefNull(Some(HeapType::Abstract { ty, .. })), Val::NullFunc) => {
            matches!(ty, AbstractHeapType::Func | AbstractHeapType::NoFunc)
        }
        (WastRetCore::RefNull(Some(HeapType::Abstract { ty, .. })), Val::NullExtern) => {
            matches!(ty, AbstractHeapType::Extern | AbstractHeapType::NoExtern)
        }
        (WastRetCore::RefExtern(None), Val::Extern(_) | Val::ExternAny) => true,
        (WastRetCore::RefExtern(Some(n)), Val::Extern(m)) => n == m,
        (WastRetCore::RefFunc(_), Val::Func) => true,
        (WastRetCore::RefHost(n), Val::Host(m)) => n == m,
        // The abstract patterns (spec interpreter `script/run.ml`): `any`
        // takes every non-null reference but a function, `eq` the `i31`s,
        // structures and arrays.
        (WastRetCore::RefAny, g) => matches!(
            g,
            Val::Host(_)
                | Val::I31(_)
                | Val::Struct
                | Val::Array
                | Val::Extern(_)
                | Val::ExternAny
                | Val::Exn
        ),
        (WastRetCore::RefEq, g) => matches!(g, Val::I31(_) | Val::Struct | Val::Array),
        (WastRetCore::RefI31, g) => matches!(g, Val::I31(_)),
        (WastRetCore::RefStruct, g) => matches!(g, Val::Struct),
        (WastRetCore::RefArray, g) => matches!(g, Val::Array),
        (WastRetCore::Either(cases), g) => {
            for c in cases {
                if result_matches(c, g)? {
                    return Ok(true);
                }
            }
            false
        }
        (WastRetCore::RefI31Shared, _) => {
            return Err(format!(
                "the result pattern {} is not supported (shared-everything threads)",
                Pattern(w)
            ));
        }
        _ => false,
    })
}

/// An `f32` result against its pattern (spec interpreter `script/run.ml`:
/// a canonical NaN has only the quiet bit of the payload set, an arithmetic
/// NaN at least that bit, either sign).
fn f32_matches(p: &NanPattern<F32>, b: u32) -> bool {
    match p {
        NanPattern::CanonicalNan => b & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => b & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(F32 { bits }) => *bits == b,
    }
}

/// An `f64` result against its pattern, as [`f32_matches`].
fn f64_matches(p: &NanPattern<F64>, b: u64) -> bool {
    match p {
        NanPattern::CanonicalNan => b & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => b & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(F64 { bits }) => *bits == b,
    }
}

/// A `v128` result against its pattern, lane by lane in the pattern's shape
/// (float lanes may be NaN patterns, each lane checked on its own).
fn v128_matches(p: &V128Pattern, b: u128) -> bool {
    let lane = |i: usize| lanes::lane(b, pattern_shape(p), i as u32);
    match p {
        V128Pattern::I8x16(ls) => (0..16).all(|i| lane(i) == ls[i] as u8 as u128),
        V128Pattern::I16x8(ls) => (0..8).all(|i| lane(i) == ls[i] as u16 as u128),
        V128Pattern::I32x4(ls) => (0..4).all(|i| lane(i) == ls[i] as u32 as u128),
        V128Pattern::I64x2(ls) => (0..2).all(|i| lane(i) == ls[i] as u64 as u128),
        V128Pattern::F32x4(ls) => (0..4).all(|i| f32_matches(&ls[i], lane(i) as u32)),
        V128Pattern::F64x2(ls) => (0..2).all(|i| f64_matches(&ls[i], lane(i) as u64)),
    }
}

/// The `v128` pattern of `w`, or of the first `v128` case of an `either`.
fn v128_pattern<'a>(w: &'a WastRetCore<'_>) -> Option<&'a V128Pattern> {
    match w {
        WastRetCore::V128(p) => Some(p),
        WastRetCore::Either(cases) => cases.iter().find_map(v128_pattern),
        _ => None,
    }
}

/// The lane shape a `v128` pattern is written in.
fn pattern_shape(p: &V128Pattern) -> Shape {
    match p {
        V128Pattern::I8x16(_) => Shape::I8x16,
        V128Pattern::I16x8(_) => Shape::I16x8,
        V128Pattern::I32x4(_) => Shape::I32x4,
        V128Pattern::I64x2(_) => Shape::I64x2,
        V128Pattern::F32x4(_) => Shape::F32x4,
        V128Pattern::F64x2(_) => Shape::F64x2,
    }
}

#[cfg(test)]
mod tests {
    use crate::{InterpEmbedder, Mode, run_wast};

    const SCRIPT: &str = r#"(module
  (func (export "one") (result i32) (i32.const 1))
  (func (export "nan") (result f32) (f32.const nan:0x200000)))
(assert_return (invoke "one") (i32.const 1))
(assert_return (invoke "one") (i32.const 2))
(assert_return (invoke "nan") (f32.const nan:arithmetic))
(assert_return (invoke "nan") (either (f32.const 0) (f32.const nan:canonical)))
(assert_trap (invoke "one") "unreachable")
(assert_invalid (module (func (result i32))) "type mismatch")
"#;

    #[test]
    fn counts_and_locates_failures() {
        for mode in [Mode::Plain, Mode::Suspending { fuel_step: 1 }] {
            let mut e = InterpEmbedder::new(interp::Features::wasm3(), mode);
            let r = run_wast(SCRIPT, &mut e);
            assert_eq!((r.passed, r.failed), (3, 4), "{}", r.describe("inline"));
            let at: Vec<(usize, &str)> = r.failures.iter().map(|f| (f.line, f.kind)).collect();
            assert_eq!(
                at,
                [
                    (5, "assert_return"),
                    (6, "assert_return"),
                    (7, "assert_return"),
                    (8, "assert_trap")
                ]
            );
            assert!(
                r.failures[0].message.contains("found (i32.const 1)"),
                "{}",
                r.failures[0].message
            );
        }
    }

    #[test]
    fn v128_results_match_lane_by_lane_in_the_pattern_shape() {
        let script = r#"(module
  (func (export "v") (result v128) (v128.const i32x4 0x7fc00000 0x7fe00000 1 -1))
  (func (export "id") (param v128) (result v128) (local.get 0)))
(assert_return (invoke "v") (v128.const f32x4 nan:canonical nan:arithmetic 1e-45 nan:arithmetic))
(assert_return (invoke "v") (v128.const i64x2 0x7fe000007fc00000 -4294967295))
(assert_return (invoke "id" (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16))
               (either (v128.const i16x8 0 0 0 0 0 0 0 0) (v128.const i16x8 0x201 0x403 0x605 0x807 0xa09 0xc0b 0xe0d 0x100f)))
(assert_return (invoke "v") (v128.const f32x4 nan:canonical nan:canonical 1e-45 nan:arithmetic))
(assert_return (invoke "v") (either (v128.const i16x8 0 0 0 0 0 0 0 0) (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)))
"#;
        let mut e = InterpEmbedder::new(interp::Features::wasm3(), Mode::Plain);
        let r = run_wast(script, &mut e);
        assert_eq!((r.passed, r.failed), (4, 2), "{}", r.describe("inline"));
        // A failure shows the value in the lanes of the pattern it missed
        // (the first v128 case of an `either`).
        assert!(
            r.failures[0]
                .message
                .contains("expected (v128.const f32x4 nan:canonical nan:canonical 1e-45 nan:arithmetic), found (v128.const f32x4 nan:0x400000 nan:0x600000 1e-45 -nan:0x7fffff)"),
            "{}",
            r.failures[0].message
        );
        assert!(
            r.failures[1]
                .message
                .contains("found (v128.const i16x8 0 32704 0 32736 1 0 -1 -1)"),
            "{}",
            r.failures[1].message
        );
    }

    #[test]
    fn a_script_that_does_not_parse_is_one_failure_at_its_place() {
        let mut e = InterpEmbedder::new(interp::Features::wasm3(), Mode::Plain);
        let r = run_wast("(module)\n  (assert_return (invoke \"f\")\n", &mut e);
        assert_eq!((r.passed, r.failed), (0, 1));
        let p = r.parse_error().expect("a parse error");
        assert_eq!((p.line, p.col), (3, 1), "{}", p.describe("x.wast"));
        let r = run_wast("(module)\n(assert_bogus)", &mut e);
        let p = r.parse_error().expect("a parse error");
        assert_eq!((p.line, p.col), (2, 2), "{}", p.describe("x.wast"));
        assert!(!p.message.contains("-->"), "{}", p.message);
    }

    #[test]
    fn failures_are_described_in_the_text_format() {
        let script = r#"(module
  (func (export "f") (result f64) (f64.const 1.5))
  (func (export "t") (unreachable))
  (func (export "n") (result funcref) (ref.null func)))
(assert_return (invoke "f") (f64.const 2))
(assert_return (invoke "t") (i32.const 1))
(assert_trap (invoke "f") "unreachable")
(assert_return (invoke "n") (ref.func 0))
(assert_return (invoke "f") (f64.const 1.5) (i32.const 0))
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")
"#;
        let mut e = InterpEmbedder::new(interp::Features::wasm3(), Mode::Plain);
        let r = run_wast(script, &mut e);
        let messages: Vec<&str> = r.failures.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "result 0: expected (f64.const 2.0), found (f64.const 1.5)",
                "expected returned (i32.const 1), found trap \"unreachable\"",
                "expected trap \"unreachable\", found returned (f64.const 1.5)",
                "result 0: expected (ref.func 0), found (ref.null func)",
                "expected 2 results ((f64.const 1.5) (i32.const 0)), found 1: (f64.const 1.5)",
                "expected invalid \"type mismatch\", found a valid module",
            ]
        );
        assert_eq!(r.failures[0].expected, "(f64.const 2.0)");
        assert_eq!(r.failures[0].actual, "(f64.const 1.5)");
    }

    #[test]
    fn messages_are_checked_by_prefix_as_the_reference_interpreter_does() {
        let script = r#"(module (func (export "u") (unreachable)))
(assert_trap (invoke "u") "unreach")
(assert_trap (invoke "u") "reachable")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch: instruction requires [i32] but stack has [i64]")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch: instruction requires [i64]")
(assert_malformed (module binary "\00asm") "unexpected end")
(assert_malformed (module binary "\00asm\01\00\00\00\01\05") "length out of bounds")
(assert_malformed (module binary "\00asm\01\00\00\00\01\01") "unexpected end of section or function")
(assert_unlinkable (module (import "nowhere" "f" (func))) "unknown import")
(assert_malformed (module quote "(func (bogus))") "some other text")
"#;
        let mut e = InterpEmbedder::new(interp::Features::wasm3(), Mode::Plain);
        let r = run_wast(script, &mut e);
        let failed: Vec<usize> = r.failures.iter().map(|f| f.line).collect();
        assert_eq!(failed, [3, 5], "{}", r.describe("inline"));
        assert_eq!(
            r.failures[0].message,
            "expected trap \"reachable\", found trap \"unreachable\""
        );
    }

    #[test]
    fn a_listed_difference_holds_only_for_its_files() {
        let script = r#"(assert_malformed (module binary "\00asm\01\00\00\00\00\04\01\ff\00\00") "invalid UTF-8 encoding")
"#;
        let mut seen = Vec::new();
        let mut e = InterpEmbedder::new(interp::Features::wasm1(), Mode::Plain);
        let r = crate::run_wast_at(
            "data/wasm-v1/utf8-custom-section-id.wast",
            script,
            &mut e,
            |d| seen.push(d.message.clone()),
        );
        assert_eq!((r.passed, r.failed), (1, 0), "{}", r.describe("inline"));
        assert!(
            seen[0].starts_with("a listed message difference: "),
            "{seen:?}"
        );
        let r = crate::run_wast_at(
            "data/wasm-v2/utf8-custom-section-id.wast",
            script,
            &mut e,
            |_| {},
        );
        assert_eq!((r.passed, r.failed), (0, 1), "{}", r.describe("inline"));
    }
}
