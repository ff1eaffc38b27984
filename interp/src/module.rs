//! A decoded and validated module, ready to instantiate any number of times.

use crate::syntax::{self, ExportDesc, ExternType, ImportDesc};
use crate::{Error, Features};
use std::rc::Rc;

/// A valid module (spec 2.5 + 3.4.10): decoded, validated and annotated for
/// execution. Cheap to clone; instances share it.
#[derive(Clone, Debug)]
pub struct Module {
    pub(crate) inner: Rc<syntax::Module>,
    /// The executable form of each function (`exec::code`), shared by
    /// every instance's functions so a call only clones an `Rc`.
    pub(crate) code: Rc<[Rc<crate::exec::code::Code>]>,
    /// The features it was validated with: instantiation follows their
    /// rules too (`Features::link_time_segment_checks`).
    pub(crate) features: Features,
}

impl Module {
    /// Decodes and validates a binary module.
    ///
    /// # Errors
    /// [`Error::Malformed`] if decoding fails, [`Error::Invalid`] if validation does.
    pub fn new(bytes: &[u8], features: &Features) -> Result<Module, Error> {
        let m = crate::binary::decode(bytes, features)?;
        Self::from_syntax(m, features)
    }

    /// Decodes and validates a binary module without preparing it for
    /// execution (`WebAssembly.validate`: no executable copy is made).
    ///
    /// # Errors
    /// [`Error::Malformed`] if decoding fails, [`Error::Invalid`] if validation does.
    pub fn validate(bytes: &[u8], features: &Features) -> Result<(), Error> {
        let mut m = crate::binary::decode(bytes, features)?;
        crate::valid::validate(&mut m, features)
    }

    /// Validates an already decoded module without preparing it for
    /// execution: [`Module::validate`] for a module the embedder decoded
    /// with [`decode`](crate::decode) to look at first (the JS API checks
    /// its implementation limits on the decoded instructions).
    ///
    /// # Errors
    /// [`Error::Invalid`] if validation fails.
    pub fn validate_decoded(m: &mut syntax::Module, features: &Features) -> Result<(), Error> {
        crate::valid::validate(m, features)
    }

    /// Validates an already decoded module.
    ///
    /// # Errors
    /// [`Error::Invalid`] if validation fails.
    pub fn from_syntax(mut m: syntax::Module, features: &Features) -> Result<Module, Error> {
        crate::valid::validate(&mut m, features)?;
        let cx = crate::exec::compile::Ctx::new(&m);
        let code = m
            .funcs
            .iter()
            .map(|f| Rc::new(crate::exec::compile::compile(&cx, f)))
            .collect();
        // The operand heights served the compiler only.
        for f in &mut m.funcs {
            f.heights = Vec::new();
        }
        Ok(Module {
            inner: Rc::new(m),
            code,
            features: *features,
        })
    }

    /// The module's abstract syntax, as validated.
    pub fn syntax(&self) -> &syntax::Module {
        &self.inner
    }

    /// The imports in order: module name, item name, type (spec 7.1.5 `module_imports`).
    pub fn imports(&self) -> Vec<(String, String, ExternType)> {
        let m = &*self.inner;
        m.imports
            .iter()
            .map(|i| {
                let t = match i.desc {
                    ImportDesc::Func(x, _) => ExternType::Func(func_type(m, x)),
                    ImportDesc::Table(t) => ExternType::Table(t),
                    ImportDesc::Mem(t) => ExternType::Mem(t),
                    ImportDesc::Global(t) => ExternType::Global(t),
                    ImportDesc::Tag(t) => ExternType::Tag(func_type(m, t.type_idx)),
                };
                (i.module.clone(), i.name.clone(), t)
            })
            .collect()
    }

    /// The exports in order: name and type (spec 7.1.5 `module_exports`).
    pub fn exports(&self) -> Vec<(String, ExternType)> {
        let m = &*self.inner;
        let imported = |f: fn(&ImportDesc) -> bool| {
            m.imports.iter().filter(|i| f(&i.desc)).collect::<Vec<_>>()
        };
        let funcs = imported(|d| matches!(d, ImportDesc::Func(..)));
        let tables = imported(|d| matches!(d, ImportDesc::Table(_)));
        let mems = imported(|d| matches!(d, ImportDesc::Mem(_)));
        let globals = imported(|d| matches!(d, ImportDesc::Global(_)));
        let tags = imported(|d| matches!(d, ImportDesc::Tag(_)));
        m.exports
            .iter()
            .map(|e| {
                let t = match e.desc {
                    ExportDesc::Func(x) => {
                        let ti = match funcs.get(x as usize) {
                            Some(i) => match i.desc {
                                ImportDesc::Func(t, _) => t,
                                _ => unreachable!("filtered to functions"),
                            },
                            None => m.funcs[x as usize - funcs.len()].type_idx,
                        };
                        ExternType::Func(func_type(m, ti))
                    }
                    ExportDesc::Table(x) => ExternType::Table(match tables.get(x as usize) {
                        Some(i) => match i.desc {
                            ImportDesc::Table(t) => t,
                            _ => unreachable!("filtered to tables"),
                        },
                        None => m.tables[x as usize - tables.len()].ty,
                    }),
                    ExportDesc::Mem(x) => ExternType::Mem(match mems.get(x as usize) {
                        Some(i) => match i.desc {
                            ImportDesc::Mem(t) => t,
                            _ => unreachable!("filtered to memories"),
                        },
                        None => m.mems[x as usize - mems.len()],
                    }),
                    ExportDesc::Global(x) => ExternType::Global(match globals.get(x as usize) {
                        Some(i) => match i.desc {
                            ImportDesc::Global(t) => t,
                            _ => unreachable!("filtered to globals"),
                        },
                        None => m.globals[x as usize - globals.len()].ty,
                    }),
                    ExportDesc::Tag(x) => {
                        let tt = match tags.get(x as usize) {
                            Some(i) => match i.desc {
                                ImportDesc::Tag(t) => t,
                                _ => unreachable!("filtered to tags"),
                            },
                            None => m.tags[x as usize - tags.len()],
                        };
                        ExternType::Tag(func_type(m, tt.type_idx))
                    }
                };
                (e.name.clone(), t)
            })
            .collect()
    }

    /// The contents of every custom section with this name, in order.
    pub fn custom_sections<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.inner
            .customs
            .iter()
            .filter(move |c| c.name == name)
            .map(|c| c.data.as_slice())
    }
}

/// The function type at index `x` of a validated module.
fn func_type(m: &syntax::Module, x: u32) -> syntax::FuncType {
    m.func_type(x)
        .expect("a validated module's function and tag types are function types")
        .clone()
}
