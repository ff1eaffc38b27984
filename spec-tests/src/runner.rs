//! The script semantics (after the spec interpreter's `script/run.ml`): each
//! directive of a `.wast` file against an [`Embedder`], counted and, when it
//! fails, described with its line and column, what was expected and what was
//! found.

use crate::embedder::*;
use crate::v1_encoding::{is_text, wat_is_text};
use interp::lanes::{self, Shape, V128Text};
use std::collections::HashMap;
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::token::{F32, F64};
use wast::{Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

/// One directive that did not hold.
#[derive(Clone, Debug)]
pub struct Failure {
    /// 1-based line of the directive.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// The directive's kind, e.g. `assert_return`.
    pub directive: &'static str,
    /// What was expected and what was found.
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
    pub failures: Vec<Failure>,
}

impl Report {
    /// Each failure as `path:line:col: directive: message`.
    pub fn describe(&self, path: &str) -> String {
        self.failures
            .iter()
            .map(|f| {
                format!(
                    "{path}:{}:{}: {}: {}\n",
                    f.line, f.col, f.directive, f.message
                )
            })
            .collect()
    }
}

struct Run<'t, E: Embedder> {
    e: &'t mut E,
    current: Option<E::Instance>,
    instances: HashMap<String, E::Instance>,
    definitions: HashMap<String, E::Module>,
    last_definition: Option<String>,
    registered: HashMap<String, E::Instance>,
    report: Report,
}

/// Runs the script `text` (from `path`, for messages) against `e`.
pub fn run_wast<E: Embedder>(text: &str, e: &mut E) -> Report {
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buf = match wast::parser::ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(err) => return parse_failure(err, text),
    };
    let wast = match wast::parser::parse::<Wast<'_>>(&buf) {
        Ok(w) => w,
        Err(err) => return parse_failure(err, text),
    };
    let spectest = e.spectest();
    let mut run = Run {
        e,
        current: None,
        instances: HashMap::new(),
        definitions: HashMap::new(),
        last_definition: None,
        registered: HashMap::from([("spectest".to_string(), spectest)]),
        report: Report::default(),
    };
    for d in wast.directives {
        let span = d.span();
        let name = directive_name(&d);
        match run.directive(d) {
            Ok(()) => run.report.passed += 1,
            Err(message) => {
                let (l, c) = span.linecol_in(text);
                run.report.failed += 1;
                run.report.failures.push(Failure {
                    line: l + 1,
                    col: c + 1,
                    directive: name,
                    message,
                });
            }
        }
    }
    run.report
}

fn parse_failure(err: wast::Error, text: &str) -> Report {
    let mut err = err;
    err.set_text(text);
    Report {
        passed: 0,
        failed: 1,
        failures: vec![Failure {
            line: 1,
            col: 1,
            directive: "parse",
            message: err.to_string(),
        }],
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
        WastDirective::Thread(_) => "thread",
        WastDirective::Wait { .. } => "wait",
        _ => "directive",
    }
}

impl<E: Embedder> Run<'_, E> {
    /// Compiles a module of the script: as text the runner encoded, or as
    /// the script's own binary bytes.
    fn compile(&mut self, text: bool, bytes: &[u8]) -> Result<E::Module, CompileError> {
        if text {
            self.e.compile_text(bytes)
        } else {
            self.e.compile(bytes)
        }
    }

    fn directive(&mut self, d: WastDirective<'_>) -> Result<(), String> {
        match d {
            WastDirective::Module(mut q) => {
                let name = q.name().map(|i| i.name().to_string());
                let text = is_text(&q);
                let bytes = q
                    .encode()
                    .map_err(|e| format!("the text format parser refused the module: {e}"))?;
                let m = self
                    .compile(text, &bytes)
                    .map_err(|e| format!("module refused: {e:?}"))?;
                let i = self
                    .e
                    .instantiate(&m, &self.registered)
                    .map_err(|e| format!("instantiation failed: {e:?}"))?;
                if let Some(n) = name {
                    self.instances.insert(n, i.clone());
                }
                self.current = Some(i);
                Ok(())
            }
            WastDirective::ModuleDefinition(mut q) => {
                let name = q.name().map(|i| i.name().to_string()).unwrap_or_default();
                let text = is_text(&q);
                let bytes = q
                    .encode()
                    .map_err(|e| format!("the text format parser refused the module: {e}"))?;
                let m = self
                    .compile(text, &bytes)
                    .map_err(|e| format!("module refused: {e:?}"))?;
                self.definitions.insert(name.clone(), m);
                self.last_definition = Some(name);
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let def = module
                    .map(|m| m.name().to_string())
                    .or_else(|| self.last_definition.clone())
                    .unwrap_or_default();
                let m = self
                    .definitions
                    .get(&def)
                    .ok_or_else(|| format!("no module definition {def:?}"))?;
                let i = self
                    .e
                    .instantiate(m, &self.registered)
                    .map_err(|e| format!("instantiation failed: {e:?}"))?;
                if let Some(n) = instance {
                    self.instances.insert(n.name().to_string(), i.clone());
                }
                self.current = Some(i);
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let i = self.instance(module.map(|m| m.name()))?;
                self.registered.insert(name.to_string(), i);
                Ok(())
            }
            WastDirective::Invoke(inv) => match self.invoke(inv) {
                Outcome::Return(_) => Ok(()),
                other => Err(format!("expected the call to return, found {other:?}")),
            },
            WastDirective::AssertReturn { exec, results, .. } => match self.execute(exec) {
                Outcome::Return(vs) => match_results(&results, &vs),
                other => Err(format!("expected return, found {other:?}")),
            },
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Outcome::Trap(m) if messages_agree(&m, message) => Ok(()),
                other => Err(format!("expected trap {message:?}, found {other:?}")),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(call) {
                Outcome::Exhaustion(_) => Ok(()),
                other => Err(format!("expected exhaustion {message:?}, found {other:?}")),
            },
            WastDirective::AssertMalformed {
                mut module,
                message,
                ..
            } => {
                let text = is_text(&module);
                let Ok(bytes) = module.encode() else {
                    // The text format parser refused it: malformed at the text level.
                    return Ok(());
                };
                match self.compile(text, &bytes) {
                    Err(CompileError::Malformed(_)) => Ok(()),
                    Err(CompileError::Invalid(m)) => Err(format!(
                        "expected malformed {message:?}, found invalid: {m}"
                    )),
                    Ok(_) => Err(format!(
                        "expected malformed {message:?}, but the module was accepted"
                    )),
                }
            }
            WastDirective::AssertInvalid {
                mut module,
                message,
                ..
            } => {
                let text = is_text(&module);
                let Ok(bytes) = module.encode() else {
                    // The text format parser refused it (e.g. an unknown name).
                    return Ok(());
                };
                match self.compile(text, &bytes) {
                    Err(CompileError::Invalid(_)) => Ok(()),
                    Err(CompileError::Malformed(m)) => Err(format!(
                        "expected invalid {message:?}, found malformed: {m}"
                    )),
                    Ok(_) => Err(format!(
                        "expected invalid {message:?}, but the module was accepted"
                    )),
                }
            }
            WastDirective::AssertUnlinkable {
                mut module,
                message,
                ..
            } => {
                let text = wat_is_text(&module);
                let bytes = module
                    .encode()
                    .map_err(|e| format!("the text format parser refused the module: {e}"))?;
                let m = self
                    .compile(text, &bytes)
                    .map_err(|e| format!("module refused: {e:?}"))?;
                match self.e.instantiate(&m, &self.registered) {
                    Err(InstantiateError::Link(_)) => Ok(()),
                    Err(e) => Err(format!("expected unlinkable {message:?}, found {e:?}")),
                    Ok(_) => Err(format!(
                        "expected unlinkable {message:?}, but it instantiated"
                    )),
                }
            }
            WastDirective::AssertException { exec, .. } => match self.execute(exec) {
                Outcome::Exception(_) => Ok(()),
                other => Err(format!("expected an uncaught exception, found {other:?}")),
            },
            WastDirective::AssertSuspension { .. } => {
                Err("stack switching is not implemented".into())
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                Err("threads are not implemented".into())
            }
            _ => Err("this directive is not supported".into()),
        }
    }

    fn instance(&self, name: Option<&str>) -> Result<E::Instance, String> {
        match name {
            Some(n) => self
                .instances
                .get(n)
                .cloned()
                .ok_or_else(|| format!("no instance named {n}")),
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
            WastExecute::Wat(mut w) => {
                let text = wat_is_text(&w);
                let bytes = match w.encode() {
                    Ok(b) => b,
                    Err(e) => {
                        return Outcome::Error(format!(
                            "the text format parser refused the module: {e}"
                        ));
                    }
                };
                let m = match self.compile(text, &bytes) {
                    Ok(m) => m,
                    Err(e) => return Outcome::Error(format!("module refused: {e:?}")),
                };
                match self.e.instantiate(&m, &self.registered) {
                    Ok(_) => Outcome::Return(vec![]),
                    Err(InstantiateError::Trap(o)) => o,
                    Err(InstantiateError::Link(l)) => Outcome::Error(format!("link error: {l}")),
                }
            }
        }
    }
}

/// Trap messages agree when one contains the other (the suite's messages
/// are the reference interpreter's, which ours follow).
fn messages_agree(found: &str, expected: &str) -> bool {
    found.contains(expected) || expected.contains(found)
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
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Func,
            ..
        }) => Val::NullFunc,
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Extern,
            ..
        }) => Val::NullExtern,
        WastArgCore::RefExtern(n) => Val::Extern(*n),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Exn | AbstractHeapType::NoExn,
            ..
        }) => Val::NullExn,
        other => return Err(format!("argument {other:?} is not supported yet")),
    })
}

fn match_results(want: &[WastRet<'_>], got: &[Val]) -> Result<(), String> {
    let show = |vs: &[Val]| {
        vs.iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    if want.len() != got.len() {
        return Err(format!(
            "expected {} results, found {}: {}",
            want.len(),
            got.len(),
            show(got)
        ));
    }
    for (k, (w, g)) in want.iter().zip(got).enumerate() {
        let WastRet::Core(w) = w else {
            return Err("component results are not supported".into());
        };
        match result_matches(w, g) {
            Ok(true) => {}
            Ok(false) => {
                // A v128 is shown in the lane shape of the pattern it failed.
                let found = match (v128_pattern(w), g) {
                    (Some(p), Val::V128(b)) => V128Text::new(*b, pattern_shape(p)).to_string(),
                    _ => g.to_string(),
                };
                return Err(format!(
                    "result {k}: expected {w:?}, found {found}; all results: {}",
                    show(got)
                ));
            }
            Err(e) => return Err(e),
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
        (WastRetCore::RefNull(None), Val::NullFunc | Val::NullExtern | Val::NullExn) => true,
        (WastRetCore::RefNull(Some(HeapType::Abstract { ty, .. })), Val::NullExn) => {
            matches!(ty, AbstractHeapType::Exn | AbstractHeapType::NoExn)
        }
        (WastRetCore::RefNull(Some(HeapType::Abstract { ty, .. })), Val::NullFunc) => {
            matches!(ty, AbstractHeapType::Func | AbstractHeapType::NoFunc)
        }
        (WastRetCore::RefNull(Some(HeapType::Abstract { ty, .. })), Val::NullExtern) => {
            matches!(ty, AbstractHeapType::Extern | AbstractHeapType::NoExtern)
        }
        (WastRetCore::RefExtern(None), Val::Extern(_)) => true,
        (WastRetCore::RefExtern(Some(n)), Val::Extern(m)) => n == m,
        (WastRetCore::RefFunc(_), Val::Func) => true,
        (WastRetCore::Either(cases), g) => {
            for c in cases {
                if result_matches(c, g)? {
                    return Ok(true);
                }
            }
            false
        }
        (
            WastRetCore::RefHost(_)
            | WastRetCore::RefAny
            | WastRetCore::RefEq
            | WastRetCore::RefArray
            | WastRetCore::RefStruct
            | WastRetCore::RefI31
            | WastRetCore::RefI31Shared,
            _,
        ) => return Err(format!("result pattern {w:?} is not supported yet")),
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
            let mut e = InterpEmbedder::new(interp::Features::implemented(), mode);
            let r = run_wast(SCRIPT, &mut e);
            assert_eq!((r.passed, r.failed), (3, 4), "{}", r.describe("inline"));
            let at: Vec<(usize, &str)> = r.failures.iter().map(|f| (f.line, f.directive)).collect();
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
        let mut e = InterpEmbedder::new(interp::Features::implemented(), Mode::Plain);
        let r = run_wast(script, &mut e);
        assert_eq!((r.passed, r.failed), (4, 2), "{}", r.describe("inline"));
        // A failure shows the value in the lanes of the pattern it missed
        // (the first v128 case of an `either`).
        assert!(
            r.failures[0]
                .message
                .contains("found f32x4 nan:0x400000 nan:0x600000 1e-45 -nan:0x7fffff"),
            "{}",
            r.failures[0].message
        );
        assert!(
            r.failures[1]
                .message
                .contains("found i16x8 0 32704 0 32736 1 0 -1 -1"),
            "{}",
            r.failures[1].message
        );
    }

    #[test]
    fn a_script_that_does_not_parse_is_one_failure() {
        let mut e = InterpEmbedder::new(interp::Features::implemented(), Mode::Plain);
        let r = run_wast("(module", &mut e);
        assert_eq!((r.passed, r.failed), (0, 1));
        assert_eq!(r.failures[0].directive, "parse");
    }
}
