//! Builtins (JS API §"Builtins", §"String Builtins"): the compile options
//! `builtins` and `importedStringConstants`, the checks they add to
//! compiling a module ("validate builtins and imported string for a
//! WebAssembly module"), what reading the imports takes from them, and the
//! `wasm:js-string` functions.
//!
//! A builtin is a host function of the store (JS API "create a builtin
//! function"): wasm calls it as it calls any import, and it runs in Rust on
//! the JS strings that host references stand for, without calling JS, so a
//! call from wasm never leaves the interpreter. Where the spec says "throw
//! a RuntimeError exception as if a trap was executed", the builtin traps:
//! wasm cannot catch it, and JS sees a `RuntimeError`.
//!
//! The step-by-step map to the spec is `proposal-notes/js-string-builtins.md`.

use super::gc::HostValues;
use super::{WasmState, adapter};
use boa_engine::{Context, JsResult, JsString, JsSymbol, JsValue, js_string};
use interp::syntax::{
    CompType, ExternType, FieldType, FuncType, HeapType, ImportDesc, Mut, PackedType, RefType,
    StorageType, SubType, ValType,
};
use interp::{AnyRef, ArrayAddr, FuncAddr, HostOutcome, Module, Store, Trap, Value};
use std::cell::RefCell;
use std::collections::HashMap;

/// The name of the one builtin set (JS API §"String Builtins"), as the
/// `builtins` option names it.
const JS_STRING: &str = "js-string";

/// The compile options (JS API `WebAssemblyCompileOptions`), as a Module
/// object keeps them (`[[BuiltinSets]]`, `[[ImportedStringModule]]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct CompileOptions {
    /// The builtin set names (`builtins`; none when absent).
    pub(crate) builtins: Vec<String>,
    /// The imported string constants' module name
    /// (`importedStringConstants`; null when absent).
    pub(crate) imported_strings: Option<String>,
}

impl CompileOptions {
    /// Converts a JS value to a `WebAssemblyCompileOptions` dictionary
    /// (WebIDL: undefined and null are the empty dictionary, another
    /// non-object is a TypeError; members are read in lexicographic order,
    /// `builtins` then `importedStringConstants`).
    pub(crate) fn from_js(v: &JsValue, ctx: &mut Context) -> JsResult<CompileOptions> {
        if v.is_null_or_undefined() {
            return Ok(CompileOptions::default());
        }
        let Some(o) = v.as_object() else {
            return Err(adapter::type_error("the compile options are not an object"));
        };
        let builtins = o.get(js_string!("builtins"), ctx)?;
        let builtins = if builtins.is_undefined() {
            Vec::new()
        } else {
            usv_string_sequence(&builtins, ctx)?
        };
        let strings = o.get(js_string!("importedStringConstants"), ctx)?;
        let imported_strings = if strings.is_null_or_undefined() {
            None
        } else {
            Some(usv_string(&strings, ctx)?)
        };
        Ok(CompileOptions {
            builtins,
            imported_strings,
        })
    }

    /// Whether the `js-string` builtin set is enabled.
    fn js_string(&self) -> bool {
        self.builtins.iter().any(|b| b == JS_STRING)
    }

    /// The builtin that an import of (`module`, `name`) refers to (JS API
    /// "find a builtin"), if any.
    pub(crate) fn find_builtin(&self, module: &str, name: &str) -> Option<Builtin> {
        if module == "wasm:js-string" && self.js_string() {
            Builtin::named(name)
        } else {
            None
        }
    }

    /// Whether an import of `module` is an imported string constant.
    pub(crate) fn is_string_import(&self, module: &str) -> bool {
        self.imported_strings.as_deref() == Some(module)
    }

    /// Where read the imports takes an import's value (its
    /// `builtinOrStringImports` map): the imported string constants' module
    /// is set after the builtin sets, so it wins when both have one name.
    pub(crate) fn special_import(&self, module: &str, name: &str) -> Option<SpecialImport> {
        if self.is_string_import(module) {
            return Some(SpecialImport::String);
        }
        self.find_builtin(module, name).map(SpecialImport::Builtin)
    }
}

/// An import read from the compile options instead of the import object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SpecialImport {
    /// A builtin function.
    Builtin(Builtin),
    /// An imported string constant: the import's name is the string.
    String,
}

/// WebIDL `USVString`: ToString, then lone surrogates replaced by U+FFFD.
fn usv_string(v: &JsValue, ctx: &mut Context) -> JsResult<String> {
    Ok(v.to_string(ctx)?.to_std_string_lossy())
}

/// WebIDL `sequence<USVString>`: an object with an `@@iterator` method,
/// iterated, each value converted as it is reached.
fn usv_string_sequence(v: &JsValue, ctx: &mut Context) -> JsResult<Vec<String>> {
    let not = || adapter::type_error("the builtins option is not a sequence of strings");
    let o = v.as_object().ok_or_else(not)?;
    let method = o.get(JsSymbol::iterator(), ctx)?;
    let method = method.as_callable().ok_or_else(not)?;
    let iterator = method.call(v, &[], ctx)?;
    let iterator = iterator
        .as_object()
        .ok_or_else(|| adapter::type_error("the builtins option's iterator is not an object"))?;
    let next = iterator.get(js_string!("next"), ctx)?;
    let mut out = Vec::new();
    loop {
        let Some(next) = next.as_callable() else {
            return Err(adapter::type_error(
                "the builtins option's iterator has no next method",
            ));
        };
        let result = next.call(&iterator.clone().into(), &[], ctx)?;
        let Some(result) = result.as_object() else {
            return Err(adapter::type_error(
                "the builtins option's iterator result is not an object",
            ));
        };
        if result.get(js_string!("done"), ctx)?.to_boolean() {
            return Ok(out);
        }
        let value = result.get(js_string!("value"), ctx)?;
        out.push(usv_string(&value, ctx)?);
    }
}

/// The `wasm:js-string` builtins (JS API §"String Builtins").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Builtin {
    Cast,
    Test,
    FromCharCodeArray,
    IntoCharCodeArray,
    FromCharCode,
    FromCodePoint,
    CharCodeAt,
    CodePointAt,
    Length,
    Concat,
    Substring,
    Equals,
    Compare,
}

/// Each builtin with its name and its type as the spec writes it.
const JS_STRING_BUILTINS: [(Builtin, &str, &str); 13] = [
    (
        Builtin::Cast,
        "cast",
        "(func (param externref) (result (ref extern)))",
    ),
    (
        Builtin::Test,
        "test",
        "(func (param externref) (result i32))",
    ),
    (
        Builtin::FromCharCodeArray,
        "fromCharCodeArray",
        "(func (param (ref null $array) i32 i32) (result (ref extern)))",
    ),
    (
        Builtin::IntoCharCodeArray,
        "intoCharCodeArray",
        "(func (param externref (ref null $array) i32) (result i32))",
    ),
    (
        Builtin::FromCharCode,
        "fromCharCode",
        "(func (param i32) (result (ref extern)))",
    ),
    (
        Builtin::FromCodePoint,
        "fromCodePoint",
        "(func (param i32) (result (ref extern)))",
    ),
    (
        Builtin::CharCodeAt,
        "charCodeAt",
        "(func (param externref i32) (result i32))",
    ),
    (
        Builtin::CodePointAt,
        "codePointAt",
        "(func (param externref i32) (result i32))",
    ),
    (
        Builtin::Length,
        "length",
        "(func (param externref) (result i32))",
    ),
    (
        Builtin::Concat,
        "concat",
        "(func (param externref externref) (result (ref extern)))",
    ),
    (
        Builtin::Substring,
        "substring",
        "(func (param externref i32 i32) (result (ref extern)))",
    ),
    (
        Builtin::Equals,
        "equals",
        "(func (param externref externref) (result i32))",
    ),
    (
        Builtin::Compare,
        "compare",
        "(func (param externref externref) (result i32))",
    ),
];

impl Builtin {
    /// The builtin of this name in the `js-string` set.
    fn named(name: &str) -> Option<Builtin> {
        JS_STRING_BUILTINS
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(b, ..)| *b)
    }

    fn entry(self) -> &'static (Builtin, &'static str, &'static str) {
        JS_STRING_BUILTINS
            .iter()
            .find(|(b, ..)| *b == self)
            .expect("every builtin is in the table")
    }

    /// The builtin's name (its import name).
    pub(crate) fn name(self) -> &'static str {
        self.entry().1
    }

    /// The builtin's function type, each a recursive group of its own
    /// (`(rec (type (func ...))).0`), in the store's terms: `array` is the
    /// store's id of `(rec (type (array (mut i16)))).0`.
    ///
    /// `fromCodePoint` returns `(ref extern)` as every other builtin that
    /// makes a string does (decision D22: the spec's `externref` there is
    /// an erratum).
    fn func_type(self, array: u32) -> FuncType {
        let ext = ValType::EXTERNREF;
        let string = ValType::Ref(RefType {
            nullable: false,
            heap: HeapType::Extern,
        });
        let arr = ValType::Ref(RefType {
            nullable: true,
            heap: HeapType::Concrete(array),
        });
        let i32 = ValType::I32;
        let (params, results): (Vec<ValType>, Vec<ValType>) = match self {
            Builtin::Cast => (vec![ext], vec![string]),
            Builtin::Test | Builtin::Length => (vec![ext], vec![i32]),
            Builtin::FromCharCodeArray => (vec![arr, i32, i32], vec![string]),
            Builtin::IntoCharCodeArray => (vec![ext, arr, i32], vec![i32]),
            Builtin::FromCharCode | Builtin::FromCodePoint => (vec![i32], vec![string]),
            Builtin::CharCodeAt | Builtin::CodePointAt => (vec![ext, i32], vec![i32]),
            Builtin::Concat => (vec![ext, ext], vec![string]),
            Builtin::Substring => (vec![ext, i32, i32], vec![string]),
            Builtin::Equals | Builtin::Compare => (vec![ext, ext], vec![i32]),
        };
        FuncType::new(params, results)
    }
}

/// The store's id of `(rec (type (array (mut i16)))).0`, the array type
/// of `fromCharCodeArray` and `intoCharCodeArray`.
fn i16_array_type(store: &mut Store) -> u32 {
    store
        .define_type(SubType {
            is_final: true,
            supertypes: Vec::new(),
            describes: None,
            descriptor: None,
            comp: CompType::Array(FieldType {
                storage: StorageType::Packed(PackedType::I16),
                mutability: Mut::Var,
            }),
        })
        .expect("the i16 array type names no other type")
}

/// Validate builtins and imported string for a WebAssembly module (JS
/// API): the builtin set names have no duplicates; an import from the
/// imported string constants' module matches `global const (ref
/// extern)`; an import of a builtin matches `func` of the builtin's type
/// (`match_externtype`). The error says which import fails and why.
pub(crate) fn validate(
    module: &Module,
    options: &CompileOptions,
    store: &mut Store,
) -> Result<(), String> {
    // Validate builtin set names.
    for (i, name) in options.builtins.iter().enumerate() {
        if options.builtins[..i].contains(name) {
            return Err(format!(
                "the builtin set \"{name}\" is named twice in the builtins option"
            ));
        }
    }
    // The store's ids of the module's types, made only if an import needs
    // them (once: a module may have a million types).
    let mut ids: Option<Vec<u32>> = None;
    let syntax = module.syntax();
    for (import, (m, name, ty)) in syntax.imports.iter().zip(module.imports()) {
        let what = format!("import \"{m}\" \"{name}\"");
        if options.is_string_import(&m) {
            // `global const (ref extern)` matches a const global whose
            // type is a supertype of `(ref extern)`: `(ref extern)` or
            // `externref` (no concrete type is one).
            let string = ValType::Ref(RefType {
                nullable: false,
                heap: HeapType::Extern,
            });
            let ok = matches!(ty, ExternType::Global(g)
                if g.mutability == Mut::Const
                    && matches!(g.val, ValType::Ref(r) if r.heap == HeapType::Extern)
                    && store.val_type_matches(string, g.val));
            if !ok {
                return Err(format!(
                    "{what}: an imported string constant must be an immutable global of type (ref extern) or externref"
                ));
            }
        } else if let Some(b) = options.find_builtin(&m, &name) {
            let ImportDesc::Func(x, _) = import.desc else {
                return Err(format!(
                    "{what}: the builtin is a function of type {}",
                    b.entry().2
                ));
            };
            let ids = ids.get_or_insert_with(|| store.module_type_ids(module));
            let array = i16_array_type(store);
            let want = store
                .define_type(SubType::func(b.func_type(array)))
                .expect("a builtin's type names only the array type");
            let non_null = |id: u32| {
                ValType::Ref(RefType {
                    nullable: false,
                    heap: HeapType::Concrete(id),
                })
            };
            if !store.val_type_matches(non_null(want), non_null(ids[x as usize])) {
                return Err(format!(
                    "{what}: the import's type does not match the builtin's type (rec (type {})).0",
                    b.entry().2
                ));
            }
        }
    }
    Ok(())
}

/// The builtin functions of one reading of the imports (JS API "instantiate
/// a builtin set"): each is made when an import first asks for it, so that
/// two imports of one builtin get the same function, and each
/// instantiation its own.
#[derive(Default)]
pub(crate) struct BuiltinSet {
    made: HashMap<Builtin, FuncAddr>,
}

impl BuiltinSet {
    /// The function for builtin `b` (JS API "create a builtin function").
    pub(crate) fn get(&mut self, st: &WasmState, b: Builtin) -> FuncAddr {
        if let Some(f) = self.made.get(&b) {
            return *f;
        }
        let hosts = st.hosts.clone();
        let f = {
            let mut store = st.store.borrow_mut();
            let array = i16_array_type(&mut store);
            store.alloc_host_func(b.func_type(array), move |store, args| {
                match run(b, &hosts, store, args) {
                    Ok(v) => HostOutcome::Return(v.into()),
                    Err(t) => HostOutcome::Trap(t),
                }
            })
        };
        st.builtin_names.borrow_mut().insert(f, b.name());
        self.made.insert(b, f);
        f
    }
}

/// The longest string a builtin makes, in code units: the longest whose
/// length `length` can return as an `i32`. A longer result is an
/// exhaustion (a RangeError in JS, as running out of memory is).
const MAX_STRING_LENGTH: usize = i32::MAX as usize;

/// The JS string a value holds, if it holds one (an `externref` of a host
/// reference to a JS string).
fn string_of(hosts: &RefCell<HostValues>, v: &Value) -> Option<JsString> {
    match v {
        Value::ExternRef(Some(AnyRef::Host(a))) => hosts.borrow().get(*a).as_string(),
        _ => None,
    }
}

/// A new host reference to the JS string of `len` code units that `make`
/// makes, as an `externref`.
///
/// The string's code units are charged to the store's budget (D19) before
/// it is made and while wasm can reach it, since a module can make strings
/// without end (a loop of `concat`): the host value table gives the bytes
/// back when it releases the string. Before charging, the table is
/// collected if it has doubled, so that a long loop in wasm does not keep
/// every string it made; when the budget refuses, once more in any case
/// before the refusal stands. A string longer than [`MAX_STRING_LENGTH`],
/// or one the machine cannot give, is refused as well (a string cannot be
/// allocated fallibly, so a large one is tried first as a vector).
fn new_string(
    b: Builtin,
    hosts: &RefCell<HostValues>,
    store: &mut Store,
    len: usize,
    make: impl FnOnce() -> JsString,
) -> Result<Value, Trap> {
    let refused = |why: String| Trap::OutOfMemory(format!("wasm:js-string {}: {why}", b.name()));
    if len > MAX_STRING_LENGTH {
        return Err(refused(format!(
            "a string of {len} code units is longer than the longest string, {MAX_STRING_LENGTH}"
        )));
    }
    let bytes = 2 * len as u64;
    let mut hosts = hosts.borrow_mut();
    hosts.collect_if_grown(store, false);
    if store.budget().charge("string", bytes).is_err() {
        hosts.collect_if_grown(store, true);
        store
            .budget()
            .charge("string", bytes)
            .map_err(|e| refused(e.to_string()))?;
    }
    const LARGE: usize = 1 << 20;
    if len >= LARGE && Vec::<u16>::new().try_reserve_exact(len).is_err() {
        store.budget().release(bytes);
        let e = store.budget().machine_refused("string", bytes);
        return Err(refused(e.to_string()));
    }
    let a = hosts.add_charged(make().into(), store.collections(), bytes);
    Ok(Value::ExternRef(Some(AnyRef::Host(a))))
}

/// The argument `i` as an `i32`'s unsigned value (the spec's integers are
/// unsigned; its comparisons of indices and lengths are of those values).
fn u32_arg(args: &[Value], i: usize) -> u32 {
    match args.get(i) {
        Some(Value::I32(x)) => *x as u32,
        _ => unreachable!("the store checks a host function's arguments"),
    }
}

/// A trap of builtin `b` with the reason.
fn trap(b: Builtin, why: impl std::fmt::Display) -> Trap {
    Trap::Host(format!("wasm:js-string {}: {why}", b.name()))
}

/// The array argument `i`, or the trap for null.
fn array_arg(args: &[Value], i: usize) -> Result<ArrayAddr, Trap> {
    match args.get(i) {
        Some(Value::AnyRef(Some(AnyRef::Array(a)))) => Ok(*a),
        _ => Err(Trap::NullArrayReference),
    }
}

/// The steps of builtin `b` called with `args`: its one result, or its
/// trap.
fn run(
    b: Builtin,
    hosts: &RefCell<HostValues>,
    store: &mut Store,
    args: &[Value],
) -> Result<Value, Trap> {
    // UnwrapString(v): the string, or a trap.
    let unwrap = |i: usize| {
        string_of(hosts, &args[i]).ok_or_else(|| {
            let which = ["the first argument", "the second argument"][i];
            trap(
                b,
                format!("{which} is {}, not a string", describe(hosts, &args[i])),
            )
        })
    };
    let from_units = |store: &mut Store, units: &[u16]| {
        new_string(b, hosts, store, units.len(), || units.into())
    };
    let int = |x: u32| Ok(Value::I32(x as i32));
    match b {
        Builtin::Cast => {
            unwrap(0)?;
            Ok(args[0])
        }
        Builtin::Test => int(u32::from(string_of(hosts, &args[0]).is_some())),
        Builtin::FromCharCodeArray => {
            let array = array_arg(args, 0)?;
            let (start, end) = (u32_arg(args, 1), u32_arg(args, 2));
            let len = store.array_len(array).ok_or(Trap::NullArrayReference)?;
            if start > end || end > len {
                return Err(Trap::ArrayOutOfBounds);
            }
            let mut units = Vec::with_capacity((end - start) as usize);
            for i in start..end {
                match store.array_get(array, i) {
                    Some(Value::I32(c)) => units.push(c as u16),
                    _ => return Err(Trap::ArrayOutOfBounds),
                }
            }
            from_units(store, &units)
        }
        Builtin::IntoCharCodeArray => {
            let array = array_arg(args, 1)?;
            let s = unwrap(0)?;
            let start = u32_arg(args, 2);
            let len = store.array_len(array).ok_or(Trap::NullArrayReference)?;
            if u64::from(start) + s.len() as u64 > u64::from(len) {
                return Err(Trap::ArrayOutOfBounds);
            }
            for (i, unit) in s.iter().enumerate() {
                store
                    .array_set(array, start + i as u32, Value::I32(i32::from(unit)))
                    .map_err(|e| trap(b, e.message()))?;
            }
            int(s.len() as u32)
        }
        // String.fromCharCode(ToJSValue(v)): ToUint16 of the number.
        Builtin::FromCharCode => from_units(store, &[u32_arg(args, 0) as u16]),
        Builtin::FromCodePoint => {
            let v = u32_arg(args, 0);
            if v > 0x10ffff {
                return Err(trap(b, format!("{v} is not a code point")));
            }
            // String.fromCodePoint: UTF16EncodeCodePoint (a surrogate code
            // point is one code unit).
            match v.checked_sub(0x10000) {
                None => from_units(store, &[v as u16]),
                Some(c) => from_units(
                    store,
                    &[0xd800 | (c >> 10) as u16, 0xdc00 | (c & 0x3ff) as u16],
                ),
            }
        }
        Builtin::CharCodeAt | Builtin::CodePointAt => {
            let s = unwrap(0)?;
            let index = u32_arg(args, 1);
            if index as usize >= s.len() {
                return Err(trap(
                    b,
                    format!(
                        "index {index} is out of bounds of a string of length {}",
                        s.len()
                    ),
                ));
            }
            let i = index as usize;
            if b == Builtin::CharCodeAt {
                return int(u32::from(s.code_unit_at(i).expect("checked above")));
            }
            int(match s.code_point_at(i) {
                boa_engine::string::CodePoint::Unicode(c) => c as u32,
                boa_engine::string::CodePoint::UnpairedSurrogate(u) => u32::from(u),
            })
        }
        Builtin::Length => int(unwrap(0)?.len() as u32),
        Builtin::Concat => {
            let (first, second) = (unwrap(0)?, unwrap(1)?);
            let len = first.len().saturating_add(second.len());
            new_string(b, hosts, store, len, || {
                JsString::concat(first.as_str(), second.as_str())
            })
        }
        Builtin::Substring => {
            let s = unwrap(0)?;
            let (start, end) = (u32_arg(args, 1) as usize, u32_arg(args, 2) as usize);
            if start > end || start > s.len() {
                return new_string(b, hosts, store, 0, JsString::default);
            }
            // String.prototype.substring clamps `end` to the length
            // (decision D22: `end` as its unsigned value). The code units
            // are copied: Boa's own slice would keep the whole string alive
            // for a part that the budget charges only for its length.
            let part = s
                .as_str()
                .get(start..end.min(s.len()))
                .expect("start <= end <= length");
            new_string(b, hosts, store, part.len(), || JsString::from(part))
        }
        Builtin::Equals => {
            // Null is allowed on either side (and equals only null).
            let mut strings = [None, None];
            for (i, slot) in strings.iter_mut().enumerate() {
                if !matches!(args[i], Value::ExternRef(None)) {
                    *slot = Some(unwrap(i)?);
                }
            }
            let [first, second] = strings;
            int(u32::from(first == second))
        }
        Builtin::Compare => {
            let (first, second) = (unwrap(0)?, unwrap(1)?);
            // IsLessThan of two strings: by code units, a prefix first.
            Ok(Value::I32(match first.cmp(&second) {
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Greater => 1,
            }))
        }
    }
}

/// What a value that is not a string is, for a trap's message: `null`, or
/// the JS type of the value (`typeof`), or what wasm reference it is.
fn describe(hosts: &RefCell<HostValues>, v: &Value) -> String {
    match v {
        Value::ExternRef(None) => "null".into(),
        Value::ExternRef(Some(AnyRef::Host(a))) => {
            use boa_engine::value::Type;
            match hosts.borrow().get(*a).get_type() {
                Type::Undefined => "undefined",
                Type::Null => "null",
                Type::Boolean => "a boolean",
                Type::Number => "a number",
                Type::BigInt => "a bigint",
                Type::Symbol => "a symbol",
                Type::String => "a string",
                Type::Object => "an object",
            }
            .into()
        }
        // A JS number that fits an i31 enters wasm as one.
        Value::ExternRef(Some(AnyRef::I31(_))) => "a number".into(),
        Value::ExternRef(Some(AnyRef::Struct(_))) => "a wasm structure".into(),
        Value::ExternRef(Some(AnyRef::Array(_))) => "a wasm array".into(),
        _ => "not a reference".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use interp::syntax::GlobalType;
    use interp::{Config, Limits};

    fn store(max_store_bytes: u64) -> Store {
        Store::new(Config {
            limits: Limits {
                max_store_bytes,
                ..Limits::default()
            },
            ..Config::default()
        })
    }

    /// A string JS passed to wasm (not charged), kept reachable by an
    /// immutable global as a wasm local would keep it.
    fn held(hosts: &RefCell<HostValues>, store: &mut Store, s: &str) -> Value {
        let a = hosts
            .borrow_mut()
            .add(JsString::from(s).into(), store.collections());
        let v = Value::ExternRef(Some(AnyRef::Host(a)));
        let ty = GlobalType {
            mutability: Mut::Const,
            val: ValType::EXTERNREF,
        };
        store.alloc_global(ty, v).expect("an externref global");
        v
    }

    #[test]
    fn strings_wasm_no_longer_reaches_give_their_budget_back() {
        let mut store = store(1 << 20);
        let hosts = RefCell::new(HostValues::default());
        let big = held(&hosts, &mut store, &"x".repeat(100_000));
        let empty = held(&hosts, &mut store, "");
        // 3,000 strings of 200,000 bytes: 600 MB if none were released.
        for _ in 0..3_000 {
            let r = run(Builtin::Concat, &hosts, &mut store, &[big, empty]);
            assert!(matches!(r, Ok(Value::ExternRef(Some(_)))), "{r:?}");
        }
        assert!(store.budget().used() <= 1 << 20);
        assert!(
            hosts.borrow().live() < 4_000,
            "the table was collected as it grew"
        );
        // The strings wasm holds stay.
        assert_eq!(string_of(&hosts, &big).map(|s| s.len()), Some(100_000));
    }

    #[test]
    fn a_string_past_the_budget_is_out_of_memory() {
        let mut store = store(300_000);
        let hosts = RefCell::new(HostValues::default());
        let big = held(&hosts, &mut store, &"x".repeat(100_000));
        match run(Builtin::Concat, &hosts, &mut store, &[big, big]) {
            Err(Trap::OutOfMemory(m)) => {
                assert!(
                    m.starts_with("wasm:js-string concat: a string of 400000 bytes"),
                    "{m}"
                )
            }
            other => panic!("{other:?}"),
        }
        // What fits is made.
        assert!(run(Builtin::Concat, &hosts, &mut store, &[big, big]).is_err());
        let half = run(
            Builtin::Substring,
            &hosts,
            &mut store,
            &[big, Value::I32(0), Value::I32(50_000)],
        );
        assert!(half.is_ok());
        assert_eq!(store.budget().used(), 100_000);
    }

    #[test]
    fn a_string_past_the_longest_is_refused_before_it_is_made() {
        let mut store = store(u64::MAX);
        let hosts = RefCell::new(HostValues::default());
        let r = new_string(
            Builtin::Concat,
            &hosts,
            &mut store,
            MAX_STRING_LENGTH + 1,
            || unreachable!("not made"),
        );
        match r {
            Err(Trap::OutOfMemory(m)) => assert_eq!(
                m,
                "wasm:js-string concat: a string of 2147483648 code units is longer than the longest string, 2147483647"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(store.budget().used(), 0);
    }
}
