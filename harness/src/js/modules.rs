//! ES modules for `wasm-ref js` (ECMAScript 16.2, with the host's module
//! resolution as HTML does it for files): `import` declarations and
//! `import()` load local files; a specifier starting with `./`, `../` or `/`,
//! or a `file:` URL, is resolved against the importing module's or script's
//! own path (the base directory for code that has none); any other
//! ("bare") specifier is a TypeError, as in a browser without an import
//! map. Each resolved file is one module record, loaded once.
//! `import.meta.url` is the module's `file:` URL.

use boa_engine::module::{Module, ModuleLoader, ModuleRequest, Referrer};
use boa_engine::{Context, JsNativeError, JsObject, JsResult, JsString, Source, js_string};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

/// The realm's module map: resolved path to module record.
pub(crate) struct Loader {
    /// Where a specifier of code without a path is resolved.
    base: PathBuf,
    modules: RefCell<HashMap<PathBuf, Module>>,
}

impl Loader {
    pub(crate) fn new(base: PathBuf) -> Self {
        Loader {
            base,
            modules: RefCell::default(),
        }
    }

    /// Records the module parsed from `path` (the entry point).
    pub(crate) fn insert(&self, path: &Path, module: Module) {
        self.modules.borrow_mut().insert(normalize(path), module);
    }

    /// Resolves `specifier` from code at `referrer` (a file, or none).
    fn resolve(&self, specifier: &str, referrer: Option<&Path>) -> Result<PathBuf, String> {
        let spec = specifier.strip_prefix("file://").unwrap_or(specifier);
        let relative = spec.starts_with("./") || spec.starts_with("../");
        if !relative && !spec.starts_with('/') {
            return Err(format!(
                "cannot resolve the module specifier \"{specifier}\": it is not a path \
                 (./, ../ or /) or a file: URL"
            ));
        }
        let dir = match referrer.and_then(Path::parent) {
            Some(d) if relative => d.to_path_buf(),
            _ => self.base.clone(),
        };
        Ok(normalize(&dir.join(spec)))
    }

    /// The module at `path`, parsed on first use.
    fn load(&self, path: &Path, ctx: &mut Context) -> JsResult<Module> {
        if let Some(m) = self.modules.borrow().get(path) {
            return Ok(m.clone());
        }
        let text = std::fs::read(path).map_err(|e| {
            JsNativeError::typ().with_message(format!("cannot load module {}: {e}", path.display()))
        })?;
        let module = Module::parse(Source::from_bytes(&text).with_path(path), None, ctx)?;
        self.modules
            .borrow_mut()
            .insert(path.to_path_buf(), module.clone());
        Ok(module)
    }
}

/// `path` made absolute (against the current directory) with `.` and `..`
/// taken out, so that one file is one key of the module map.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl ModuleLoader for Loader {
    fn load_imported_module(
        self: Rc<Self>,
        referrer: Referrer,
        request: ModuleRequest,
        context: &RefCell<&mut Context>,
    ) -> impl Future<Output = JsResult<Module>> {
        let specifier = request.specifier().to_std_string_escaped();
        let result = self
            .resolve(&specifier, referrer.path())
            .map_err(|m| JsNativeError::typ().with_message(m).into())
            .and_then(|path| self.load(&path, &mut context.borrow_mut()));
        std::future::ready(result)
    }

    fn init_import_meta(
        self: Rc<Self>,
        import_meta: &JsObject,
        module: &Module,
        ctx: &mut Context,
    ) {
        if let Some(path) = module.path() {
            let url = JsString::from(format!("file://{}", normalize(path).display()).as_str());
            let _ = import_meta.create_data_property_or_throw(js_string!("url"), url, ctx);
        }
    }
}
