//! Modules (JS API §"The WebAssembly namespace" and §"Modules"): the
//! namespace operations `validate`, `compile` and `instantiate`, the `Module`
//! interface, and "read the imports" / "instantiate the core of a module",
//! which `Instance` shares. Each operation that compiles takes the compile
//! options of the JS String Builtins (`builtins`).

use super::builtins::{self, BuiltinSet, CompileOptions, SpecialImport};
use super::func::import_function;
use super::values::to_wasm;
use super::{WasmState, instance, state};
use crate::js::adapter::{
    self, InterfaceSpec, Member, arg, error_of, new_object, prototype_for, queue_task, require_new,
    settle, string, thrown_value, type_error,
};
use crate::types_text::val_type;
use boa_engine::native_function::NativeFunction;
use boa_engine::object::builtins::{JsArrayBuffer, JsDataView, JsFunction, JsTypedArray};
use boa_engine::{Context, JsData, JsError, JsObject, JsResult, JsValue, js_string};
use boa_gc::{Finalize, Trace};
use interp::syntax::{ExternType, GlobalType, HeapType, ImportDesc, Mut, RefType, ValType};
use interp::{ExternVal, Module};
use std::rc::Rc;

/// A `Module` object's data: the compiled module (`[[Module]]`) and the
/// compile options it was compiled with (`[[BuiltinSets]]`,
/// `[[ImportedStringModule]]`).
#[derive(Clone, Trace, Finalize, JsData)]
pub(crate) struct ModuleData {
    #[unsafe_ignore_trace]
    pub(crate) module: Rc<Module>,
    #[unsafe_ignore_trace]
    pub(crate) options: Rc<CompileOptions>,
}

/// `interface Module`.
pub(crate) const INTERFACE: InterfaceSpec<'static> = InterfaceSpec {
    name: "Module",
    length: 1,
    constructor,
    members: &[],
    statics: &[
        Member::Method("exports", 1, exports),
        Member::Method("imports", 1, imports),
        Member::Method("customSections", 2, custom_sections),
    ],
};

/// The namespace operations (WebIDL namespace operations are enumerable).
pub(crate) fn define_namespace_operations(ctx: &mut Context, ns: &JsObject) -> JsResult<()> {
    for m in [
        Member::Method("validate", 1, validate),
        Member::Method("compile", 1, compile),
        Member::Method("instantiate", 1, instantiate),
        // WebAssembly Web API, over the runner's fetch().
        Member::Method("compileStreaming", 1, compile_streaming),
        Member::Method("instantiateStreaming", 1, instantiate_streaming),
    ] {
        adapter::define_member(ctx, ns, &m)?;
    }
    Ok(())
}

/// A copy of the bytes of a `BufferSource` (WebIDL: an ArrayBuffer, a typed
/// array or a DataView), or a TypeError.
pub(crate) fn buffer_source_bytes(v: &JsValue, ctx: &mut Context) -> JsResult<Vec<u8>> {
    let not = || type_error("the argument is not an ArrayBuffer or an ArrayBuffer view");
    let o = v.as_object().ok_or_else(not)?;
    if let Ok(b) = JsArrayBuffer::from_object(o.clone()) {
        return Ok(b.data().map(|d| d.to_vec()).unwrap_or_default());
    }
    let (buffer, offset, length) = if let Ok(t) = JsTypedArray::from_object(o.clone()) {
        (t.buffer(ctx)?, t.byte_offset(ctx)?, t.byte_length(ctx)?)
    } else if let Ok(d) = JsDataView::from_object(o.clone()) {
        (
            d.buffer(ctx)?,
            d.byte_offset(ctx)? as usize,
            d.byte_length(ctx)? as usize,
        )
    } else {
        return Err(not());
    };
    let buffer = buffer.as_object().ok_or_else(not)?;
    if let Ok(b) = JsArrayBuffer::from_object(buffer.clone()) {
        let data = b.data();
        return Ok(data
            .and_then(|d| d.get(offset..offset + length).map(<[u8]>::to_vec))
            .unwrap_or_default());
    }
    // A view on a SharedArrayBuffer.
    let b = boa_engine::object::builtins::JsSharedArrayBuffer::from_object(buffer)?;
    Ok(b.to_vec().into_iter().skip(offset).take(length).collect())
}

/// Compile a WebAssembly module (JS API): decode it (its implementation
/// limits checked before and after) and validate it; then validate builtins
/// and imported strings for it (JS API) with the compile options. The
/// error is the CompileError's message.
fn compile_bytes(bytes: &[u8], options: &CompileOptions, st: &WasmState) -> Result<Module, String> {
    let features = st.store.borrow().config().features;
    let decoded = decode_within_limits(bytes, &features)?;
    let module = Module::from_syntax(decoded, &features).map_err(|e| e.to_string())?;
    builtins::validate(&module, options, &mut st.store.borrow_mut())?;
    Ok(module)
}

/// Decodes a module whose implementation limits (`limits`) hold.
fn decode_within_limits(
    bytes: &[u8],
    features: &interp::Features,
) -> Result<interp::syntax::Module, String> {
    super::limits::check_module(bytes)?;
    let decoded = interp::decode(bytes, features).map_err(|e| e.to_string())?;
    super::limits::check_decoded(&decoded)?;
    Ok(decoded)
}

/// A CompileError for a refused module.
fn compile_error(e: &str, st: &WasmState, ctx: &mut Context) -> JsError {
    error_of(&st.classes.compile_error, e, ctx)
}

/// A new Module object (JS API "construct a WebAssembly module object").
fn module_object(st: &WasmState, module: Module, options: Rc<CompileOptions>) -> JsObject {
    new_object(
        st.classes.module.prototype.clone(),
        ModuleData {
            module: Rc::new(module),
            options,
        },
    )
}

/// `WebAssembly.validate(bytes, options)`: the steps of [`compile_bytes`];
/// a module without imports of builtins or string constants stops after
/// validation, without being prepared for execution (which would copy
/// every function body once more).
fn validate(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let bytes = buffer_source_bytes(&arg(args, 0), ctx)?;
    let options = CompileOptions::from_js(&arg(args, 1), ctx)?;
    let st = state(ctx);
    if options != CompileOptions::default() {
        return Ok(compile_bytes(&bytes, &options, &st).is_ok().into());
    }
    let features = st.store.borrow().config().features;
    let valid = decode_within_limits(&bytes, &features)
        .is_ok_and(|mut m| Module::validate_decoded(&mut m, &features).is_ok());
    Ok(valid.into())
}

/// `new WebAssembly.Module(bytes, options)`: compiles synchronously.
fn constructor(new_target: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    require_new(new_target, "Module")?;
    let bytes = buffer_source_bytes(&arg(args, 0), ctx)?;
    let options = CompileOptions::from_js(&arg(args, 1), ctx)?;
    let st = state(ctx);
    let module = compile_bytes(&bytes, &options, &st).map_err(|e| compile_error(&e, &st, ctx))?;
    let proto = prototype_for(new_target, &st.classes.module.prototype, ctx)?;
    Ok(new_object(
        proto,
        ModuleData {
            module: Rc::new(module),
            options: Rc::new(options),
        },
    )
    .into())
}

/// Settles `promise` with `value` in a task of its own (the JS API's
/// "queue a task to resolve/reject").
fn settle_in_task(ctx: &mut Context, f: JsFunction, value: JsValue) {
    let code = NativeFunction::from_copy_closure_with_captures(
        |_, _, (f, value): &(JsFunction, JsValue), ctx| {
            settle(f, value.clone(), ctx);
            Ok(JsValue::undefined())
        },
        (f, value),
    );
    queue_task(ctx, code);
}

/// A promise rejected with `e` (for errors found before any work starts).
fn rejected(e: JsError, ctx: &mut Context) -> JsResult<JsValue> {
    let v = thrown_value(e, ctx)?;
    let (promise, _, reject) = adapter::new_promise(ctx);
    settle(&reject, v, ctx);
    Ok(promise.into())
}

/// `WebAssembly.compile(bytes, options)`: compiles "in parallel" and
/// settles the promise in a task.
fn compile(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let converted = buffer_source_bytes(&arg(args, 0), ctx)
        .and_then(|b| Ok((b, CompileOptions::from_js(&arg(args, 1), ctx)?)));
    let (bytes, options) = match converted {
        Ok(x) => x,
        Err(e) => return rejected(e, ctx),
    };
    let st = state(ctx);
    let (promise, resolve, reject) = adapter::new_promise(ctx);
    match compile_bytes(&bytes, &options, &st) {
        Ok(m) => settle_in_task(ctx, resolve, module_object(&st, m, Rc::new(options)).into()),
        Err(e) => {
            let err = compile_error(&e, &st, ctx);
            let v = thrown_value(err, ctx)?;
            settle_in_task(ctx, reject, v);
        }
    }
    Ok(promise.into())
}

/// `WebAssembly.instantiate(bytes, importObject, options)` and
/// `WebAssembly.instantiate(moduleObject, importObject)`.
fn instantiate(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let source = arg(args, 0);
    let import_object = arg(args, 1);
    let st = state(ctx);
    let (promise, resolve, reject) = adapter::new_promise(ctx);
    if let Some(o) = source.as_object()
        && o.is::<ModuleData>()
    {
        // Overload 2: instantiate a WebAssembly module, resolving with the
        // Instance.
        let data = adapter::data_of::<ModuleData>(&o);
        start_instantiation(ctx, &st, data, import_object, resolve, reject, None);
        return Ok(promise.into());
    }
    // Overload 1: compile, then instantiate, resolving with
    // `{module, instance}`.
    let bytes = match buffer_source_bytes(&source, ctx) {
        Ok(b) => b,
        Err(e) => return rejected(e, ctx),
    };
    if !import_object.is_undefined() && !import_object.is_object() {
        return rejected(type_error("the import object is not an object"), ctx);
    }
    let options = match CompileOptions::from_js(&arg(args, 2), ctx) {
        Ok(o) => o,
        Err(e) => return rejected(e, ctx),
    };
    match compile_bytes(&bytes, &options, &st) {
        Err(e) => {
            let err = compile_error(&e, &st, ctx);
            let v = thrown_value(err, ctx)?;
            settle_in_task(ctx, reject, v);
        }
        Ok(m) => {
            // The compilation's task reads the imports, and queues the
            // instantiation's task.
            let module = module_object(&st, m, Rc::new(options));
            let code = NativeFunction::from_copy_closure_with_captures(
                |_,
                 _,
                 (module, imports, resolve, reject): &(
                    JsObject,
                    JsValue,
                    JsFunction,
                    JsFunction,
                ),
                 ctx| {
                    let st = state(ctx);
                    let data = adapter::data_of::<ModuleData>(module);
                    start_instantiation(
                        ctx,
                        &st,
                        data,
                        imports.clone(),
                        resolve.clone(),
                        reject.clone(),
                        Some(module.clone()),
                    );
                    Ok(JsValue::undefined())
                },
                (module, import_object, resolve, reject),
            );
            queue_task(ctx, code);
        }
    }
    Ok(promise.into())
}

/// Instantiate a WebAssembly module (JS API): reads the imports now, then
/// instantiates in a task and settles with the Instance (or with
/// `{module, instance}` when `module_object` is given).
fn start_instantiation(
    ctx: &mut Context,
    st: &Rc<WasmState>,
    data: ModuleData,
    import_object: JsValue,
    resolve: JsFunction,
    reject: JsFunction,
    module_object: Option<JsObject>,
) {
    let imports = match read_imports(st, &data, &import_object, ctx) {
        Ok(i) => i,
        Err(e) => {
            if let Ok(v) = thrown_value(e, ctx) {
                settle(&reject, v, ctx);
            }
            return;
        }
    };
    let module_js = new_object(st.classes.module.prototype.clone(), data);
    let code = NativeFunction::from_copy_closure_with_captures(
        |_,
         _,
         (m, imports, resolve, reject, module_object): &(
            JsObject,
            Imports,
            JsFunction,
            JsFunction,
            Option<JsObject>,
        ),
         ctx| {
            let st = state(ctx);
            let module = adapter::data_of::<ModuleData>(m).module.clone();
            match instance::instantiate_core(&st, &module, &imports.0, ctx) {
                Ok(instance) => {
                    let value = match module_object {
                        None => instance,
                        Some(mo) => {
                            let result = JsObject::with_object_proto(ctx.intrinsics());
                            result.create_data_property_or_throw(
                                js_string!("module"),
                                mo.clone(),
                                ctx,
                            )?;
                            result.create_data_property_or_throw(
                                js_string!("instance"),
                                instance,
                                ctx,
                            )?;
                            result.into()
                        }
                    };
                    settle(resolve, value, ctx);
                }
                Err(e) => {
                    let v = thrown_value(e, ctx)?;
                    settle(reject, v, ctx);
                }
            }
            Ok(JsValue::undefined())
        },
        (module_js, Imports(imports), resolve, reject, module_object),
    );
    queue_task(ctx, code);
}

/// Compile options kept across a task.
#[derive(Trace, Finalize)]
struct Options(#[unsafe_ignore_trace] Rc<CompileOptions>);

/// The resolved imports of an instantiation, kept across a task.
#[derive(Trace, Finalize)]
pub(crate) struct Imports(#[unsafe_ignore_trace] pub(crate) Vec<ExternVal>);

/// Read the imports (JS API): each import's value from the import object
/// (or, with the module's compile options, a builtin function or an
/// imported string constant), checked for its kind and turned into an
/// external value.
pub(crate) fn read_imports(
    st: &WasmState,
    data: &ModuleData,
    import_object: &JsValue,
    ctx: &mut Context,
) -> JsResult<Vec<ExternVal>> {
    let list = data.module.imports();
    // Step 1: imports but no import object is a TypeError (also when every
    // import is a builtin or a string constant).
    if !list.is_empty() && import_object.is_undefined() {
        return Err(type_error(
            "the module has imports but no import object was given",
        ));
    }
    if !import_object.is_undefined() && !import_object.is_object() {
        return Err(type_error("the import object is not an object"));
    }
    let link = |m: String, ctx: &mut Context| error_of(&st.classes.link_error, &m, ctx);
    let mut out = Vec::with_capacity(list.len());
    let mut func_index = 0u32;
    // The builtin set of this reading ("instantiate a builtin set"): its
    // functions are made as imports ask for them.
    let mut builtin_set = BuiltinSet::default();
    // The store's ids of the module's types, made when an import needs its
    // type in the store's terms (a host function's type, a global's type
    // naming a defined type).
    let mut ids: Option<Vec<u32>> = None;
    let mut store_ids = || -> Vec<u32> {
        ids.get_or_insert_with(|| st.store.borrow_mut().module_type_ids(&data.module))
            .clone()
    };
    let descs = data.module.syntax().imports.iter().map(|i| &i.desc);
    for ((module_name, name, ty), desc) in list.into_iter().zip(descs) {
        let what = format!("import \"{module_name}\" \"{name}\"");
        // The builtinOrStringImports map: a builtin's object has a property
        // for each builtin of its set, the string constants' object one for
        // each import of that module, whose value is the import's name.
        let v = match data.options.special_import(&module_name, &name) {
            Some(SpecialImport::Builtin(b)) => {
                // An Exported Function: its own function address. The
                // module was checked to import it as a function of its type.
                let ExternType::Func(_) = ty else {
                    return Err(link(format!("{what}: the builtin is a function"), ctx));
                };
                func_index += 1;
                out.push(ExternVal::Func(builtin_set.get(st, b)));
                continue;
            }
            Some(SpecialImport::String) => JsValue::from(js_string!(name.as_str())),
            None => {
                let Some(import_object) = import_object.as_object() else {
                    return Err(type_error("the import object is not an object"));
                };
                let o = import_object.get(boa_engine::JsString::from(module_name.as_str()), ctx)?;
                let Some(o) = o.as_object() else {
                    return Err(type_error(format!(
                        "import module \"{module_name}\" is not an object"
                    )));
                };
                o.get(boa_engine::JsString::from(name.as_str()), ctx)?
            }
        };
        let ev = match ty {
            ExternType::Func(_) => {
                // Create a host function of the import's type: the module's
                // defined type, its recursion group included.
                let ImportDesc::Func(x, _) = *desc else {
                    unreachable!("a function import's description")
                };
                let f = import_function(st, &v, store_ids()[x as usize], func_index);
                func_index += 1;
                let f = f.ok_or_else(|| link(format!("{what}: not a function"), ctx))?;
                st.record_import_name(f, &module_name, &name);
                ExternVal::Func(f)
            }
            ExternType::Global(gt) => {
                if let Some(g) = v
                    .as_object()
                    .filter(|o| o.is::<super::global::GlobalData>())
                {
                    ExternVal::Global(adapter::data_of::<super::global::GlobalData>(&g).addr)
                } else {
                    let number_ok = match gt.val {
                        ValType::I64 => v.is_bigint(),
                        ValType::I32 | ValType::F32 | ValType::F64 => v.is_number(),
                        ValType::V128 => false,
                        ValType::Ref(_) => true,
                    };
                    if !number_ok {
                        return Err(link(
                            format!(
                                "{what}: not a Global or a value of type {}",
                                val_type(gt.val)
                            ),
                            ctx,
                        ));
                    }
                    if gt.mutability == Mut::Var {
                        return Err(link(
                            format!("{what}: a mutable global needs a Global object"),
                            ctx,
                        ));
                    }
                    // The type in the store's terms.
                    let gt = match gt.val {
                        ValType::Ref(
                            r @ RefType {
                                heap: HeapType::Concrete(x),
                                ..
                            },
                        ) => GlobalType {
                            val: ValType::Ref(RefType {
                                heap: HeapType::Concrete(store_ids()[x as usize]),
                                ..r
                            }),
                            ..gt
                        },
                        _ => gt,
                    };
                    // A TypeError of ToWebAssemblyValue is a LinkError here.
                    let value = match to_wasm(st, &v, gt.val, ctx) {
                        Ok(value) => value,
                        Err(e) => {
                            let why = e
                                .as_native()
                                .map(|n| n.message().to_string())
                                .unwrap_or_else(|| "not of the global's type".into());
                            return Err(link(format!("{what}: {why}"), ctx));
                        }
                    };
                    let g = st
                        .store
                        .borrow_mut()
                        .alloc_global(gt, value)
                        .map_err(|e| link(format!("{what}: {e}"), ctx))?;
                    ExternVal::Global(g)
                }
            }
            ExternType::Mem(_) => match v
                .as_object()
                .filter(|o| o.is::<super::memory::MemoryData>())
            {
                Some(m) => ExternVal::Mem(adapter::data_of::<super::memory::MemoryData>(&m).addr),
                None => return Err(link(format!("{what}: not a WebAssembly.Memory"), ctx)),
            },
            ExternType::Table(_) => match v
                .as_object()
                .filter(|o| o.is::<super::table::TableData>())
            {
                Some(t) => ExternVal::Table(adapter::data_of::<super::table::TableData>(&t).addr),
                None => return Err(link(format!("{what}: not a WebAssembly.Table"), ctx)),
            },
            ExternType::Tag(_) => match v.as_object().filter(|o| o.is::<super::tag::TagData>()) {
                Some(t) => ExternVal::Tag(adapter::data_of::<super::tag::TagData>(&t).addr),
                None => return Err(link(format!("{what}: not a WebAssembly.Tag"), ctx)),
            },
        };
        out.push(ev);
    }
    Ok(out)
}

/// The kind string of an external type (JS API `ImportExportKind`).
fn kind(t: &ExternType) -> &'static str {
    match t {
        ExternType::Func(_) => "function",
        ExternType::Table(_) => "table",
        ExternType::Mem(_) => "memory",
        ExternType::Global(_) => "global",
        ExternType::Tag(_) => "tag",
    }
}

/// The Module argument of a static operation, or a TypeError.
fn module_arg(args: &[JsValue], op: &str) -> JsResult<ModuleData> {
    let v = arg(args, 0);
    match v.as_object().filter(|o| o.is::<ModuleData>()) {
        Some(o) => Ok(adapter::data_of::<ModuleData>(&o)),
        None => Err(type_error(format!(
            "WebAssembly.Module.{op}: the argument is not a Module"
        ))),
    }
}

/// A descriptor object with these string properties, in order.
fn descriptor(fields: &[(&str, &str)], ctx: &mut Context) -> JsResult<JsValue> {
    let o = JsObject::with_object_proto(ctx.intrinsics());
    for (k, v) in fields {
        o.create_data_property_or_throw(boa_engine::JsString::from(*k), string(v), ctx)?;
    }
    Ok(o.into())
}

/// `WebAssembly.Module.exports(module)`: `{name, kind}` for each export.
fn exports(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let module = module_arg(args, "exports")?.module.clone();
    let mut out = Vec::new();
    for (name, ty) in module.exports() {
        out.push(descriptor(&[("name", &name), ("kind", kind(&ty))], ctx)?);
    }
    Ok(adapter::array_from(out, ctx))
}

/// `WebAssembly.Module.imports(module)`: `{module, name, kind}` for each
/// import.
fn imports(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let data = module_arg(args, "imports")?;
    let mut out = Vec::new();
    for (m, name, ty) in data.module.imports() {
        // Builtins and imported string constants are not listed.
        if data.options.find_builtin(&m, &name).is_some() || data.options.is_string_import(&m) {
            continue;
        }
        out.push(descriptor(
            &[("module", &m), ("name", &name), ("kind", kind(&ty))],
            ctx,
        )?);
    }
    Ok(adapter::array_from(out, ctx))
}

/// `WebAssembly.Module.customSections(module, sectionName)`: a new
/// ArrayBuffer with the contents of each custom section of that name.
fn custom_sections(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let module = module_arg(args, "customSections")?.module.clone();
    let name_arg = arg(args, 1);
    if name_arg.is_undefined() {
        return Err(type_error(
            "WebAssembly.Module.customSections: a section name is required",
        ));
    }
    let name = name_arg.to_string(ctx)?.to_std_string_escaped();
    let mut out = Vec::new();
    for bytes in module.custom_sections(&name) {
        let buffer = JsArrayBuffer::new(bytes.len(), ctx)?;
        if let Some(mut d) = buffer.data_mut() {
            d.copy_from_slice(bytes);
        }
        out.push(JsValue::from(buffer));
    }
    Ok(adapter::array_from(out, ctx))
}

/// `WebAssembly.compileStreaming(source, options)` (WebAssembly Web API):
/// awaits the Response, then compiles its bytes as `compile` does.
fn compile_streaming(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let options = match CompileOptions::from_js(&arg(args, 1), ctx) {
        Ok(o) => o,
        Err(e) => return rejected(e, ctx),
    };
    streaming(arg(args, 0), None, options, ctx)
}

/// `WebAssembly.instantiateStreaming(source, importObject, options)`: as
/// `compileStreaming`, then instantiates, resolving with
/// `{module, instance}`.
fn instantiate_streaming(_: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let options = match CompileOptions::from_js(&arg(args, 2), ctx) {
        Ok(o) => o,
        Err(e) => return rejected(e, ctx),
    };
    streaming(arg(args, 0), Some(arg(args, 1)), options, ctx)
}

/// The common steps of the streaming operations: `Await(source)` through
/// the realm's await bridge, then "compile a potential WebAssembly
/// response" (a TypeError unless it is an `application/wasm` Response)
/// with the compile options.
fn streaming(
    source: JsValue,
    import_object: Option<JsValue>,
    options: CompileOptions,
    ctx: &mut Context,
) -> JsResult<JsValue> {
    let (promise, resolve, reject) = adapter::new_promise(ctx);
    let source = match adapter::promise_resolve(&source, ctx) {
        Ok(p) => p,
        Err(e) => return rejected(e, ctx),
    };
    type Captures = (JsFunction, JsFunction, Option<JsValue>, Options);
    let on_fulfilled = NativeFunction::from_copy_closure_with_captures(
        |_, args, (resolve, reject, import_object, options): &Captures, ctx| {
            let st = state(ctx);
            let options = options.0.clone();
            let compiled = crate::js::fetch::wasm_response_bytes(&arg(args, 0)).and_then(|bytes| {
                compile_bytes(&bytes, &options, &st).map_err(|e| compile_error(&e, &st, ctx))
            });
            match compiled {
                Err(e) => {
                    let v = thrown_value(e, ctx)?;
                    settle(reject, v, ctx);
                }
                Ok(m) => match import_object {
                    None => {
                        settle_in_task(ctx, resolve.clone(), module_object(&st, m, options).into())
                    }
                    Some(imports) => {
                        let mo = module_object(&st, m, options);
                        let data = adapter::data_of::<ModuleData>(&mo);
                        start_instantiation(
                            ctx,
                            &st,
                            data,
                            imports.clone(),
                            resolve.clone(),
                            reject.clone(),
                            Some(mo),
                        );
                    }
                },
            }
            Ok(JsValue::undefined())
        },
        (
            resolve,
            reject.clone(),
            import_object,
            Options(Rc::new(options)),
        ),
    );
    let on_rejected = NativeFunction::from_copy_closure_with_captures(
        |_, args, reject: &JsFunction, ctx| {
            settle(reject, arg(args, 0), ctx);
            Ok(JsValue::undefined())
        },
        reject,
    );
    let ok = adapter::builtin_function(ctx, "", 1, on_fulfilled);
    let err = adapter::builtin_function(ctx, "", 1, on_rejected);
    adapter::await_with(&source, &ok, &err, ctx)?;
    Ok(promise.into())
}
