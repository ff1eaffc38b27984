//! The `WebAssembly` namespace of the WebAssembly JavaScript Interface
//! (JS API spec), on the interpreter's store.
//!
//! One [`WasmState`] per realm holds the store (the spec's "surrounding
//! agent's associated store") and the caches that give each store object
//! one JS object (spec §"Exported Function cache", "Memory object cache",
//! ...). The submodules follow the spec's sections: `values` (ToJSValue,
//! ToWebAssemblyValue), `module` (validate, compile, instantiate, Module,
//! reading the imports), `instance`, `func` (Exported Functions, host
//! functions, and the driver that runs a wasm computation, calling JS when
//! it calls an import), `memory`, `table`, `global`, `tag` (Tag,
//! Exception, JSTag), `limits` (the implementation limits), `builtins`
//! (the compile options and the JS String Builtins) and the error classes
//! here.

mod builtins;
mod func;
mod gc;
mod global;
mod instance;
mod jspi;
mod lent;
mod limits;
mod memory;
mod module;
mod native;
mod shared;
mod table;
mod tag;
mod values;

use super::adapter::{self, Interface};
use super::trace::Tracer;
use boa_engine::property::PropertyDescriptor;
use boa_engine::{Context, JsError, JsObject, JsResult, JsSymbol, JsValue, js_string};
use interp::syntax::FuncType;
use interp::{
    Config, ExnAddr, ExternVal, FuncAddr, GlobalAddr, InstanceAddr, MemAddr, Store, TableAddr,
    TagAddr, Trap, Value,
};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// The interface objects of the namespace, for creating instances from Rust.
pub(crate) struct Classes {
    pub(crate) module: Interface,
    pub(crate) instance: Interface,
    pub(crate) memory: Interface,
    pub(crate) table: Interface,
    pub(crate) global: Interface,
    pub(crate) tag: Interface,
    pub(crate) exception: Interface,
    pub(crate) compile_error: JsObject,
    pub(crate) link_error: JsObject,
    pub(crate) runtime_error: JsObject,
    pub(crate) suspend_error: JsObject,
    pub(crate) suspending: Interface,
}

/// The JS objects already made for store objects: the spec's caches, so
/// that one store object is one JS object.
#[derive(Default)]
struct Caches {
    funcs: HashMap<FuncAddr, JsObject>,
    func_addrs: HashMap<JsObject, FuncAddr>,
    memories: HashMap<MemAddr, JsObject>,
    tables: HashMap<TableAddr, JsObject>,
    globals: HashMap<GlobalAddr, JsObject>,
    tags: HashMap<TagAddr, JsObject>,
}

/// A host function created from JS: what it does when wasm calls it, and
/// its function type, read once when it is made (each call needs it before
/// and after JS runs, when the store may not stay borrowed).
#[derive(Clone)]
pub(crate) struct HostFunc {
    pub(crate) import: HostImport,
    pub(crate) ty: Rc<FuncType>,
    /// `crosses_boundary(&ty)`, which every call of a JS callable checks.
    pub(crate) crosses: bool,
}

/// What a host function created from JS does when wasm calls it.
#[derive(Clone)]
pub(crate) enum HostImport {
    /// Calls a JS callable (JS API "create a host function").
    Js {
        /// The callable.
        callable: JsObject,
    },
    /// JSPI "create a suspending function": calls the wrapped function and
    /// awaits its result.
    Suspending {
        /// The `[[WrappedFunction]]` of the Suspending object.
        callable: JsObject,
    },
}

/// Where promising calls run (`wasm-ref js --stacks`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stacks {
    /// On the interpreter's heap frames: a suspension keeps only them.
    #[default]
    Heap,
    /// Each promising call on a native stack of its own of this many
    /// bytes, as V8 does (`interp::fiber`).
    Native {
        /// The stack size in bytes.
        stack_size: usize,
    },
}

/// The realm's WebAssembly state.
pub(crate) struct WasmState {
    /// Where promising calls run.
    pub(crate) stacks: Stacks,
    pub(crate) store: RefCell<Store>,
    /// The JS tag (JS API `WebAssembly.JSTag`): type `[externref] -> []`.
    pub(crate) js_tag: TagAddr,
    pub(crate) classes: Classes,
    caches: RefCell<Caches>,
    /// The JS values wasm holds as host references (JS API "host value
    /// cache"), released once wasm cannot reach them (`gc`).
    /// Shared with the builtins, which make and read strings (`builtins`).
    hosts: Rc<RefCell<gc::HostValues>>,
    /// The weak caches of Exported GC Objects and Exception objects (`gc`).
    wrappers: gc::Wrappers,
    /// Host functions by the token they suspend with.
    pub(crate) host_imports: RefCell<Vec<HostFunc>>,
    /// The names (function indices) of host functions created from JS.
    pub(crate) host_names: RefCell<HashMap<FuncAddr, u32>>,
    /// The names of builtin functions (their import names).
    pub(crate) builtin_names: RefCell<HashMap<FuncAddr, &'static str>>,
    /// The arguments of the host call the running computation paused at.
    pub(crate) host_args: Rc<RefCell<Vec<Value>>>,
    /// Each memory's current `ArrayBuffer`, once JS asked for it, over
    /// the memory's own bytes (`lent`).
    pub(crate) loans: RefCell<lent::Loans>,
    /// The `SharedArrayBuffer`s of shared memories (`shared`).
    pub(crate) shared: RefCell<shared::SharedBuffers>,
    /// How many JS-to-wasm calls are running, one inside another.
    pub(crate) depth: Cell<u32>,
    /// JSPI's execution contexts, innermost last: each JS call of an
    /// Exported Function and each running promising call pushes one. Only
    /// what JSPI looks at is modelled: whether the running one is active.
    contexts: RefCell<Vec<jspi::Context>>,
    /// JSPI's execution context status map: the promising contexts.
    pub(crate) status: RefCell<HashMap<u64, jspi::Status>>,
    next_context: Cell<u64>,
    /// Promising calls paused at a Suspending import, by context id.
    pub(crate) continuations: RefCell<HashMap<u64, jspi::Continuation>>,
    /// The JSPI trace.
    pub(crate) tracer: Tracer,
    /// For the trace: each instance's function names (name section, else
    /// export names), and each import's "module.name".
    func_names: RefCell<HashMap<InstanceAddr, Rc<HashMap<u32, String>>>>,
    import_names: RefCell<HashMap<FuncAddr, String>>,
}

/// The realm's state.
pub(crate) fn state(ctx: &Context) -> Rc<WasmState> {
    ctx.get_data::<Rc<WasmState>>()
        .expect("the WebAssembly namespace is installed")
        .clone()
}

/// The most JS-to-wasm calls that may be nested (through wasm calling JS
/// calling wasm): beyond this the call throws a RangeError, as running out
/// of stack does.
const MAX_DEPTH: u32 = 1000;

impl WasmState {
    /// Pushes a new execution context (a promising one if `promising`) and
    /// returns its id.
    pub(crate) fn push_context(&self, promising: bool) -> u64 {
        let id = self.next_context.get();
        self.next_context.set(id + 1);
        self.contexts
            .borrow_mut()
            .push(jspi::Context { id, promising });
        id
    }

    /// Pushes again a promising context that resumes.
    pub(crate) fn reenter_context(&self, id: u64) {
        self.contexts.borrow_mut().push(jspi::Context {
            id,
            promising: true,
        });
    }

    /// Pops the running execution context, which must be `id`.
    pub(crate) fn pop_context(&self, id: u64) {
        let popped = self.contexts.borrow_mut().pop();
        debug_assert_eq!(
            popped.map(|c| c.id),
            Some(id),
            "contexts are popped in order"
        );
    }

    /// The id of the running execution context, if it is a promising one.
    pub(crate) fn running_promising_context(&self) -> Option<u64> {
        self.contexts
            .borrow()
            .last()
            .filter(|c| c.promising)
            .map(|c| c.id)
    }

    /// The innermost promising call running below the running context, if
    /// any (then JS frames stand between it and the running code).
    pub(crate) fn promising_context_below(&self) -> Option<u64> {
        self.contexts
            .borrow()
            .iter()
            .rev()
            .find(|c| c.promising)
            .map(|c| c.id)
    }

    /// Records the names of an instance's functions for the trace: the
    /// name section's function names, else the first export naming each.
    pub(crate) fn record_names(&self, inst: InstanceAddr, module: &interp::Module) {
        if !self.tracer.on() {
            return;
        }
        let mut names = HashMap::new();
        let store = self.store.borrow();
        for (name, v) in store.exports(inst) {
            if let ExternVal::Func(f) = v
                && store.func_instance(f) == Some(inst)
                && let Some(i) = store.func_index(f)
            {
                names.entry(i).or_insert(name);
            }
        }
        for section in module.custom_sections("name") {
            names.extend(function_names(section));
        }
        self.func_names.borrow_mut().insert(inst, Rc::new(names));
    }

    /// Records the import a host function was made for, for the trace (a
    /// wasm function imported keeps its own name, a host function the name
    /// of the first import it was made for).
    pub(crate) fn record_import_name(&self, f: FuncAddr, module: &str, name: &str) {
        if self.tracer.on() && self.store.borrow().func_instance(f).is_none() {
            self.import_names
                .borrow_mut()
                .entry(f)
                .or_insert_with(|| format!("{module}.{name}"));
        }
    }

    /// A function's name for the trace: `$name` from the name section or
    /// an export's name, else `func N`; an import's "module.name".
    pub(crate) fn func_name(&self, f: FuncAddr) -> String {
        if let Some(n) = self.import_names.borrow().get(&f) {
            return n.clone();
        }
        let store = self.store.borrow();
        let (Some(inst), Some(i)) = (store.func_instance(f), store.func_index(f)) else {
            return "a host function".into();
        };
        match self
            .func_names
            .borrow()
            .get(&inst)
            .and_then(|n| n.get(&i).cloned())
        {
            Some(name) => name,
            None => format!("func {i}"),
        }
    }

    /// The Exported Function for `f` (JS API "a new Exported Function"),
    /// made once.
    pub(crate) fn func_object(&self, f: FuncAddr, ctx: &mut Context) -> JsObject {
        if let Some(o) = self.caches.borrow().funcs.get(&f) {
            return o.clone();
        }
        let o = func::new_exported_function(self, f, ctx);
        let mut c = self.caches.borrow_mut();
        c.funcs.insert(f, o.clone());
        c.func_addrs.insert(o.clone(), f);
        o
    }

    /// The function address of an Exported Function (its
    /// `[[FunctionAddress]]` slot), if `o` is one.
    pub(crate) fn func_addr_of(&self, o: &JsObject) -> Option<FuncAddr> {
        self.caches.borrow().func_addrs.get(o).copied()
    }

    /// The object in a cache for `addr`, or one made by `make` and cached.
    fn cached<A: Copy + Eq + std::hash::Hash>(
        &self,
        pick: fn(&mut Caches) -> &mut HashMap<A, JsObject>,
        addr: A,
        make: impl FnOnce() -> JsObject,
    ) -> JsObject {
        if let Some(o) = pick(&mut self.caches.borrow_mut()).get(&addr) {
            return o.clone();
        }
        let o = make();
        pick(&mut self.caches.borrow_mut()).insert(addr, o.clone());
        o
    }

    /// The Memory object for `m` (JS API "Memory object cache").
    pub(crate) fn memory_object(&self, m: MemAddr) -> JsObject {
        self.cached(
            |c| &mut c.memories,
            m,
            || memory::new_memory_object(&self.classes.memory.prototype, m),
        )
    }

    /// The Table object for `t`.
    pub(crate) fn table_object(&self, t: TableAddr) -> JsObject {
        self.cached(
            |c| &mut c.tables,
            t,
            || table::new_table_object(&self.classes.table.prototype, t),
        )
    }

    /// The Global object for `g`.
    pub(crate) fn global_object(&self, g: GlobalAddr) -> JsObject {
        self.cached(
            |c| &mut c.globals,
            g,
            || global::new_global_object(&self.classes.global.prototype, g),
        )
    }

    /// The Tag object for `t`.
    pub(crate) fn tag_object(&self, t: TagAddr) -> JsObject {
        self.cached(
            |c| &mut c.tags,
            t,
            || tag::new_tag_object(&self.classes.tag.prototype, t),
        )
    }

    /// The Exception object for `e` (JS API "Exception object cache"), so
    /// that an exception that came from JS goes back as the same object.
    pub(crate) fn exception_object(&self, e: ExnAddr) -> JsObject {
        self.exception_object_with(e, |anchor| {
            tag::new_exception_object(&self.classes.exception.prototype, e, anchor)
        })
    }

    /// Records the object made by the Memory constructor for `m`.
    pub(crate) fn remember_memory(&self, m: MemAddr, o: JsObject) {
        self.caches.borrow_mut().memories.insert(m, o);
    }

    /// Records the object made by the Table constructor for `t`.
    pub(crate) fn remember_table(&self, t: TableAddr, o: JsObject) {
        self.caches.borrow_mut().tables.insert(t, o);
    }

    /// Records the object made by the Global constructor for `g`.
    pub(crate) fn remember_global(&self, g: GlobalAddr, o: JsObject) {
        self.caches.borrow_mut().globals.insert(g, o);
    }

    /// Records the object made by the Tag constructor for `t`.
    pub(crate) fn remember_tag(&self, t: TagAddr, o: JsObject) {
        self.caches.borrow_mut().tags.insert(t, o);
    }

    /// An uncaught wasm exception as the value JS sees thrown (JS API "call
    /// an Exported Function", step for an exception): the payload of a JS
    /// tag exception, else the Exception object.
    pub(crate) fn exn_to_js(&self, e: ExnAddr, ctx: &mut Context) -> JsValue {
        let (tag, fields) = {
            let store = self.store.borrow();
            (store.exn_tag(e), store.exn_fields(e))
        };
        if tag == self.js_tag {
            return match fields.first() {
                Some(Value::ExternRef(Some(r))) => {
                    gc::any_to_js(self, *r, ctx).unwrap_or_else(|_| JsValue::undefined())
                }
                _ => JsValue::null(),
            };
        }
        self.exception_object(e).into()
    }

    /// A JS value thrown into wasm (JS API "throw a JavaScript exception"):
    /// a `WebAssembly.Exception` is its own exception; any other value
    /// travels in a new exception of the JS tag.
    pub(crate) fn js_to_exn(&self, v: JsValue, ctx: &mut Context) -> ExnAddr {
        if let Some(o) = v.as_object()
            && let Some(e) = o.downcast_ref::<tag::ExceptionData>()
        {
            return e.exn;
        }
        // The payload is ToWebAssemblyValue(v, externref).
        let payload = if v.is_null() {
            Value::ExternRef(None)
        } else {
            let r = gc::any_from_js(self, &v, ctx)
                .unwrap_or_else(|_| interp::AnyRef::Host(self.host_addr(v.clone())));
            Value::ExternRef(Some(r))
        };
        self.store
            .borrow_mut()
            .alloc_exn(self.js_tag, &[payload])
            .expect("the JS tag takes one externref")
    }

    /// A trap as the error JS sees (JS API "call an Exported Function"): a
    /// RuntimeError, or a RangeError when the stack or the store's budget
    /// ran out.
    pub(crate) fn trap_error(&self, t: &Trap, ctx: &mut Context) -> JsError {
        if let Trap::OutOfMemory(_) = t {
            return adapter::range_error(format!("Out of memory ({t})"));
        }
        if t.is_exhaustion() {
            return adapter::range_error(format!("Maximum call stack size exceeded ({t})"));
        }
        adapter::error_of(&self.classes.runtime_error, &t.to_string(), ctx)
    }

    /// Brings the memories' buffers up to date after wasm ran, before JS
    /// runs again: a buffer whose memory grew is detached (JS API "refresh
    /// the memory buffer") and made anew when next asked for (`lent`: the
    /// others already hold the memory's bytes); the shared memories' buffers
    /// get the bytes wasm wrote (`shared`).
    pub(crate) fn sync_to_js(&self, ctx: &mut Context) -> JsResult<()> {
        self.loans
            .borrow_mut()
            .refresh(&mut self.store.borrow_mut());
        self.shared
            .borrow_mut()
            .copy_to_js(&self.store.borrow(), ctx)
    }

    /// Before wasm runs: copies what JS wrote into the shared memories'
    /// buffers back into the memories (the other memories' buffers hold
    /// their bytes, `lent`).
    pub(crate) fn sync_from_js(&self, ctx: &mut Context) -> JsResult<()> {
        self.shared
            .borrow_mut()
            .copy_from_js(&mut self.store.borrow_mut(), ctx)
    }
}

/// The function names of a name section (custom section "name", spec
/// 7.4: subsection 1, a name map), as `$name`; nothing if it is malformed.
fn function_names(section: &[u8]) -> HashMap<u32, String> {
    fn leb(b: &[u8], pos: &mut usize) -> Option<u32> {
        let mut r = 0u64;
        for i in 0..5 {
            let byte = *b.get(*pos)?;
            *pos += 1;
            r |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return u32::try_from(r).ok();
            }
        }
        None
    }
    let parse = || -> Option<HashMap<u32, String>> {
        let mut pos = 0;
        while pos < section.len() {
            let id = section[pos];
            pos += 1;
            let size = leb(section, &mut pos)? as usize;
            let end = pos.checked_add(size).filter(|&e| e <= section.len())?;
            if id == 1 {
                let mut names = HashMap::new();
                for _ in 0..leb(section, &mut pos)? {
                    let idx = leb(section, &mut pos)?;
                    let len = leb(section, &mut pos)? as usize;
                    let bytes = section.get(pos..pos.checked_add(len)?)?;
                    pos += len;
                    names.insert(idx, format!("${}", String::from_utf8_lossy(bytes)));
                }
                return Some(names);
            }
            pos = end;
        }
        Some(HashMap::new())
    };
    parse().unwrap_or_default()
}

/// Whether a function type can cross the JS boundary (JS API: a `v128` or
/// `exnref` parameter or result makes a call throw TypeError).
pub(crate) fn crosses_boundary(ty: &FuncType) -> bool {
    !ty.params
        .iter()
        .chain(&ty.results)
        .any(|t| values::is_opaque(*t))
}

/// The error constructors (JS API "Error objects"): NativeError-shaped
/// subclasses of Error, forwarding to `%Error%`.
fn compile_error(nt: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let own = state(ctx).classes.compile_error.clone();
    adapter::construct_error(&own, nt, args, ctx)
}
fn link_error(nt: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let own = state(ctx).classes.link_error.clone();
    adapter::construct_error(&own, nt, args, ctx)
}
fn runtime_error(nt: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let own = state(ctx).classes.runtime_error.clone();
    adapter::construct_error(&own, nt, args, ctx)
}

fn suspend_error(nt: &JsValue, args: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let own = state(ctx).classes.suspend_error.clone();
    adapter::construct_error(&own, nt, args, ctx)
}

/// `WebAssembly.JSTag`.
fn get_js_tag(_: &JsValue, _: &[JsValue], ctx: &mut Context) -> JsResult<JsValue> {
    let st = state(ctx);
    Ok(st.tag_object(st.js_tag).into())
}

/// Creates the `WebAssembly` namespace object on the global object (JS API
/// §"The WebAssembly namespace").
pub(crate) fn install(
    ctx: &mut Context,
    stacks: Stacks,
    proposals: crate::js::Proposals,
    tracer: Tracer,
) -> JsResult<()> {
    adapter::install_intrinsics(ctx)?;
    lent::check_no_transfer(ctx)?;
    let namespace = JsObject::with_object_proto(ctx.intrinsics());
    namespace.define_property_or_throw(
        JsSymbol::to_string_tag(),
        PropertyDescriptor::builder()
            .value(js_string!("WebAssembly"))
            .writable(false)
            .enumerable(false)
            .configurable(true),
        ctx,
    )?;
    module::define_namespace_operations(ctx, &namespace)?;
    let classes = Classes {
        module: adapter::define_interface(ctx, &namespace, &module::INTERFACE)?,
        instance: adapter::define_interface(ctx, &namespace, &instance::INTERFACE)?,
        memory: adapter::define_interface(ctx, &namespace, &memory::INTERFACE)?,
        table: adapter::define_interface(ctx, &namespace, &table::INTERFACE)?,
        global: adapter::define_interface(ctx, &namespace, &global::INTERFACE)?,
        tag: adapter::define_interface(ctx, &namespace, &tag::TAG_INTERFACE)?,
        exception: adapter::define_interface(ctx, &namespace, &tag::EXCEPTION_INTERFACE)?,
        compile_error: adapter::define_error_class(ctx, &namespace, "CompileError", compile_error)?,
        link_error: adapter::define_error_class(ctx, &namespace, "LinkError", link_error)?,
        runtime_error: adapter::define_error_class(ctx, &namespace, "RuntimeError", runtime_error)?,
        suspend_error: adapter::define_error_class(ctx, &namespace, "SuspendError", suspend_error)?,
        suspending: adapter::define_interface(ctx, &namespace, &jspi::SUSPENDING_INTERFACE)?,
    };
    adapter::define_member(
        ctx,
        &namespace,
        &adapter::Member::Method("promising", 1, jspi::promising),
    )?;
    // The JS API's dynamic limits on table and memory sizes.
    let mut store = Store::new(Config {
        features: interp::Features {
            // As browsers ship it: shared memories and atomics; and the
            // proposals asked for.
            threads: true,
            wide_arithmetic: proposals.wide_arithmetic,
            custom_page_sizes: proposals.custom_page_sizes,
            custom_descriptors: proposals.custom_descriptors,
            ..interp::Features::wasm3()
        },
        limits: interp::Limits {
            max_table_size: limits::MAX_TABLE_SIZE,
            max_memory64_pages: limits::MAX_MEMORY64_RUNTIME_PAGES,
            ..interp::Limits::default()
        },
    });
    let js_tag = store
        .alloc_tag(FuncType::new([interp::syntax::ValType::EXTERNREF], []))
        .map_err(|e| adapter::type_error(e.to_string()))?;
    let st = Rc::new(WasmState {
        stacks,
        store: RefCell::new(store),
        js_tag,
        classes,
        caches: RefCell::default(),
        hosts: Rc::default(),
        wrappers: gc::Wrappers::default(),
        host_imports: RefCell::default(),
        host_names: RefCell::default(),
        builtin_names: RefCell::default(),
        host_args: Rc::default(),
        loans: RefCell::default(),
        shared: RefCell::new(shared::SharedBuffers::new(ctx)?),
        depth: Cell::new(0),
        contexts: RefCell::default(),
        status: RefCell::default(),
        next_context: Cell::new(0),
        continuations: RefCell::default(),
        tracer,
        func_names: RefCell::default(),
        import_names: RefCell::default(),
    });
    ctx.insert_data(st.clone());
    // JS API: `readonly attribute Tag JSTag` of the namespace, an accessor
    // giving the one Tag object of the JS tag.
    st.tag_object(js_tag);
    adapter::define_member(
        ctx,
        &namespace,
        &adapter::Member::Getter("JSTag", get_js_tag),
    )?;
    adapter::define_hidden(ctx, &ctx.global_object(), "WebAssembly", namespace.into())?;
    Ok(())
}
