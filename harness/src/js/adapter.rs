//! The one module that knows Boa's embedding API: WebIDL-shaped interfaces
//! (constructor, prototype, operations, attributes, `Symbol.toStringTag`),
//! native-error classes, built-in functions, promises, tasks, arrays and the
//! iterable protocol. The WebAssembly namespace (`super::wasm`) is written
//! against these helpers, so it reads like the JS API spec and another engine
//! could stand in for Boa by rewriting this file.

use super::event_loop::EventLoop;
use boa_engine::builtins::promise::PromiseState;
use boa_engine::job::PromiseJob;
use boa_engine::native_function::NativeFunction;
use boa_engine::object::builtins::{JsArray, JsFunction, JsPromise};
use boa_engine::object::{ConstructorBuilder, FunctionObjectBuilder, NativeObject};
use boa_engine::property::{Attribute, PropertyDescriptor, PropertyKey};
use boa_engine::{
    Context, JsError, JsNativeError, JsObject, JsResult, JsString, JsSymbol, JsValue, Source,
    js_string,
};

/// A native function's code: `(this, args, context)`. For a constructor,
/// `this` is NewTarget (undefined on a plain call).
pub(crate) type NativeFn = fn(&JsValue, &[JsValue], &mut Context) -> JsResult<JsValue>;

/// A TypeError with this message.
pub(crate) fn type_error(message: impl Into<String>) -> JsError {
    JsNativeError::typ().with_message(message.into()).into()
}

/// A RangeError with this message.
pub(crate) fn range_error(message: impl Into<String>) -> JsError {
    JsNativeError::range().with_message(message.into()).into()
}

/// Argument `i`, or undefined when it was not passed (WebIDL "missing").
pub(crate) fn arg(args: &[JsValue], i: usize) -> JsValue {
    args.get(i).cloned().unwrap_or_default()
}

/// A JS string from Rust text.
pub(crate) fn string(s: &str) -> JsValue {
    JsValue::from(JsString::from(s))
}

/// A member of an interface's prototype or of its constructor (WebIDL
/// operations and attributes are enumerable, writable and configurable;
/// attributes are accessors).
pub(crate) enum Member {
    /// An operation: name, length, code.
    Method(&'static str, usize, NativeFn),
    /// A read-only attribute.
    Getter(&'static str, NativeFn),
    /// A read-write attribute.
    Accessor(&'static str, NativeFn, NativeFn),
}

/// An interface object and its interface prototype object (WebIDL 3.7).
#[derive(Clone)]
pub(crate) struct Interface {
    pub(crate) prototype: JsObject,
}

/// The shape of an interface to define.
pub(crate) struct InterfaceSpec<'a> {
    /// The identifier, e.g. "Memory"; the class string is
    /// "WebAssembly.Memory".
    pub(crate) name: &'static str,
    /// The constructor's `length`.
    pub(crate) length: usize,
    /// The constructor's code (receives NewTarget as `this`).
    pub(crate) constructor: NativeFn,
    /// Members of the prototype.
    pub(crate) members: &'a [Member],
    /// Static members of the constructor.
    pub(crate) statics: &'a [Member],
}

/// Defines an interface on `namespace` (WebIDL 3.7.1, with
/// `[LegacyNamespace=WebAssembly]`): the constructor is a writable,
/// non-enumerable, configurable property of the namespace; the prototype has
/// the members and `Symbol.toStringTag`.
pub(crate) fn define_interface(
    ctx: &mut Context,
    namespace: &JsObject,
    spec: &InterfaceSpec<'_>,
) -> JsResult<Interface> {
    let mut builder = ConstructorBuilder::new(ctx, NativeFunction::from_fn_ptr(spec.constructor));
    builder
        .name(spec.name)
        .length(spec.length)
        .constructor(true);
    let class = builder.build();
    let constructor: JsObject = class.constructor();
    let prototype = class.prototype();
    for m in spec.members {
        define_member(ctx, &prototype, m)?;
    }
    for m in spec.statics {
        define_member(ctx, &constructor, m)?;
    }
    prototype.define_property_or_throw(
        JsSymbol::to_string_tag(),
        PropertyDescriptor::builder()
            .value(string(&format!("WebAssembly.{}", spec.name)))
            .writable(false)
            .enumerable(false)
            .configurable(true),
        ctx,
    )?;
    define_hidden(ctx, namespace, spec.name, constructor.clone().into())?;
    Ok(Interface { prototype })
}

/// A property as interface objects are defined: writable, not enumerable,
/// configurable.
pub(crate) fn define_hidden(
    ctx: &mut Context,
    target: &JsObject,
    name: &str,
    value: JsValue,
) -> JsResult<()> {
    target.define_property_or_throw(
        JsString::from(name),
        PropertyDescriptor::builder()
            .value(value)
            .writable(true)
            .enumerable(false)
            .configurable(true),
        ctx,
    )?;
    Ok(())
}

/// Defines one WebIDL member on `target`.
pub(crate) fn define_member(ctx: &mut Context, target: &JsObject, m: &Member) -> JsResult<()> {
    let desc = match *m {
        Member::Method(name, length, f) => PropertyDescriptor::builder()
            .value(builtin_function(
                ctx,
                name,
                length,
                NativeFunction::from_fn_ptr(f),
            ))
            .writable(true)
            .enumerable(true)
            .configurable(true),
        Member::Getter(name, get) => PropertyDescriptor::builder()
            .get(builtin_function(
                ctx,
                &format!("get {name}"),
                0,
                NativeFunction::from_fn_ptr(get),
            ))
            .enumerable(true)
            .configurable(true),
        Member::Accessor(name, get, set) => PropertyDescriptor::builder()
            .get(builtin_function(
                ctx,
                &format!("get {name}"),
                0,
                NativeFunction::from_fn_ptr(get),
            ))
            .set(builtin_function(
                ctx,
                &format!("set {name}"),
                1,
                NativeFunction::from_fn_ptr(set),
            ))
            .enumerable(true)
            .configurable(true),
    };
    let name = match *m {
        Member::Method(n, ..) | Member::Getter(n, _) | Member::Accessor(n, ..) => n,
    };
    target.define_property_or_throw(JsString::from(name), desc, ctx)?;
    Ok(())
}

/// A built-in function object (ECMAScript CreateBuiltinFunction) with this
/// `name` and `length`; not a constructor.
pub(crate) fn builtin_function(
    ctx: &mut Context,
    name: &str,
    length: usize,
    f: NativeFunction,
) -> JsObject {
    FunctionObjectBuilder::new(ctx.realm(), f)
        .name(JsString::from(name))
        .length(length)
        .build()
        .into()
}

/// The prototype for an object created by a constructor called with
/// `new_target` (WebIDL "internally create a new object implementing the
/// interface"): `new_target.prototype` if it is an object, else the
/// interface's own prototype.
pub(crate) fn prototype_for(
    new_target: &JsValue,
    default: &JsObject,
    ctx: &mut Context,
) -> JsResult<JsObject> {
    if let Some(nt) = new_target.as_object()
        && let Some(p) = nt.get(js_string!("prototype"), ctx)?.as_object()
    {
        return Ok(p);
    }
    Ok(default.clone())
}

/// Throws a TypeError unless the constructor was called with `new`.
pub(crate) fn require_new(new_target: &JsValue, name: &str) -> JsResult<()> {
    if new_target.is_undefined() {
        return Err(type_error(format!(
            "WebAssembly.{name} must be called with 'new'"
        )));
    }
    Ok(())
}

/// A new object of prototype `proto` carrying Rust data `data`.
pub(crate) fn new_object<T: NativeObject>(proto: JsObject, data: T) -> JsObject {
    JsObject::from_proto_and_data(proto, data).upcast()
}

/// The receiver as an object carrying data `T` (a WebIDL brand check), or a
/// TypeError naming the member.
pub(crate) fn this_object<T: NativeObject>(this: &JsValue, member: &str) -> JsResult<JsObject> {
    match this.as_object() {
        Some(o) if o.is::<T>() => Ok(o),
        _ => Err(type_error(format!(
            "{member}: the receiver is not of the right kind"
        ))),
    }
}

/// Copies data `T` out of an object known to carry it.
pub(crate) fn data_of<T: NativeObject + Clone>(o: &JsObject) -> T {
    o.downcast_ref::<T>()
        .expect("checked by this_object or created with this data")
        .clone()
}

/// Defines an error class shaped like the ECMAScript NativeError
/// constructors (JS API "Error objects"): its prototype inherits from
/// `Error.prototype` and has `name` and `message`; the constructor inherits
/// from `Error`, forwards to it with the right NewTarget, and is a hidden
/// property of the namespace.
pub(crate) fn define_error_class(
    ctx: &mut Context,
    namespace: &JsObject,
    name: &'static str,
    constructor: NativeFn,
) -> JsResult<JsObject> {
    let error = ctx.intrinsics().constructors().error().clone();
    let mut builder = ConstructorBuilder::new(ctx, NativeFunction::from_fn_ptr(constructor));
    builder
        .name(name)
        .length(1)
        .constructor(true)
        .inherit(error.prototype())
        .custom_prototype(error.constructor())
        .property(
            js_string!("name"),
            string(name),
            Attribute::WRITABLE | Attribute::CONFIGURABLE,
        )
        .property(
            js_string!("message"),
            js_string!(""),
            Attribute::WRITABLE | Attribute::CONFIGURABLE,
        );
    let class = builder.build();
    let ctor: JsObject = class.constructor();
    define_hidden(ctx, namespace, name, ctor.clone().into())?;
    Ok(ctor)
}

/// The body of a NativeError-like constructor: `%Error%` constructed with
/// NewTarget `new_target` (or `own` on a plain call, as `Error(m)` does).
pub(crate) fn construct_error(
    own: &JsObject,
    new_target: &JsValue,
    args: &[JsValue],
    ctx: &mut Context,
) -> JsResult<JsValue> {
    let new_target = new_target.as_object().unwrap_or_else(|| own.clone());
    let error = ctx.intrinsics().constructors().error().constructor();
    Ok(error.construct(args, Some(&new_target), ctx)?.into())
}

/// A new error object of class `ctor` with `message`, as a thrown error.
pub(crate) fn error_of(ctor: &JsObject, message: &str, ctx: &mut Context) -> JsError {
    match ctor.construct(&[string(message)], None, ctx) {
        Ok(e) => JsError::from_opaque(e.into()),
        Err(e) => e,
    }
}

/// A new pending `%Promise%` and its resolving functions.
pub(crate) fn new_promise(ctx: &mut Context) -> (JsPromise, JsFunction, JsFunction) {
    let (promise, r) = JsPromise::new_pending(ctx);
    (promise, r.resolve, r.reject)
}

/// Settles a promise through one of its resolving functions.
pub(crate) fn settle(f: &JsFunction, v: JsValue, ctx: &mut Context) {
    // Resolving functions do not throw (ECMAScript 27.2.1.3).
    let _ = f.call(&JsValue::undefined(), &[v], ctx);
}

/// A thrown error as the JS value a `catch` would see, or the error itself
/// when it is not catchable (an engine limit).
pub(crate) fn thrown_value(e: JsError, ctx: &mut Context) -> Result<JsValue, JsError> {
    match e.clone().into_opaque(ctx) {
        Ok(v) => Ok(v),
        Err(_) => Err(e),
    }
}

/// Queues a task (HTML "queue a global task"): `f` runs after the current
/// task and its microtasks, in order with timers of delay 0.
pub(crate) fn queue_task(ctx: &mut Context, f: NativeFunction) {
    let callback = builtin_function(ctx, "", 0, f);
    let event_loop = ctx
        .downcast_job_executor::<EventLoop>()
        .expect("the runner installs its event loop");
    event_loop.set_timeout(callback, 0, Vec::new());
}

/// A new Array of these values (ECMAScript CreateArrayFromList).
pub(crate) fn array_from(values: Vec<JsValue>, ctx: &mut Context) -> JsValue {
    JsArray::from_iter(values, ctx).into()
}

/// Makes every classic script of the realm see the lexical declarations
/// (`let`, `const`, `class`) of every other one, including those of scripts
/// that run later (ECMAScript 9.1.1.4, the global Environment Record: one
/// declarative record per realm, consulted by every identifier resolution
/// that reaches the global scope).
///
/// Boa 0.22 resolves names statically: a function compiled by one script
/// binds a name that was no global lexical binding then to the global
/// *object*, and never looks at the declarative record again, so a later
/// script's `let x` stays invisible to it (ReferenceError). Boa checks the
/// record at run time only once the global environment is "poisoned", which
/// it does after a sloppy direct `eval` at the top level, as such an eval may
/// add bindings. So the realm runs one, empty, before any user code. Cost:
/// every name that reaches the global scope then takes Boa's dynamic lookup,
/// a linear search of the global lexical names (about a quarter more time
/// for the upstream module builder's work), so the runner does this only
/// when it runs more than one classic script.
/// `harness/tests/js_runner.rs` shows the engine's behaviour without this;
/// `proposal-notes/upstream-js-api.md` notes it for Boa.
pub(crate) fn share_global_lexical_environment(ctx: &mut Context) -> JsResult<()> {
    ctx.eval(Source::from_bytes("eval('')"))?;
    Ok(())
}

/// Functions written in JS, compiled once per realm before user code runs,
/// so that user code cannot intercept them.
pub(crate) struct Intrinsics {
    /// `(v) => [...v]`: ECMAScript IteratorToList(GetIterator(v)).
    iterable_to_list: JsFunction,
    /// The original `Promise.resolve`, called with `this` = `%Promise%`:
    /// ECMAScript PromiseResolve(%Promise%, x).
    promise_resolve: JsFunction,
    /// `%Promise%`.
    promise_ctor: JsObject,
    /// An async function that awaits its first argument and calls the
    /// second with the value or the third with the reason: ECMAScript
    /// `Await` with native continuations.
    await_bridge: JsFunction,
    /// `%Promise.prototype%`.
    promise_proto: JsObject,
    /// The original getter of `%Promise%[@@species]`.
    species_getter: JsObject,
    /// The keys `"constructor"` and `@@species`, made once for the checks
    /// of [`pristine_promise`].
    constructor_key: PropertyKey,
    species_key: PropertyKey,
}

/// The body of the await bridge: `await` is PromiseResolve then
/// PerformPromiseThen, so the continuation runs one microtask after the
/// promise settles, exactly as the spec's `Await` does.
const AWAIT_BRIDGE: &str = "(async (promise, onFulfilled, onRejected) => {
    let value;
    try { value = await promise; } catch (e) { return onRejected(e); }
    return onFulfilled(value);
})";

/// Compiles the realm's [`Intrinsics`] and keeps them in the context.
pub(crate) fn install_intrinsics(ctx: &mut Context) -> JsResult<()> {
    let compile = |src: &str, ctx: &mut Context| -> JsResult<JsFunction> {
        ctx.eval(Source::from_bytes(src))?
            .as_object()
            .and_then(JsFunction::from_object)
            .ok_or_else(|| type_error("intrinsic is not a function"))
    };
    let iterable_to_list = compile("(v) => [...v]", ctx)?;
    let await_bridge = compile(AWAIT_BRIDGE, ctx)?;
    let promise_ctor: JsObject = ctx.intrinsics().constructors().promise().constructor();
    let promise_resolve = promise_ctor
        .get(js_string!("resolve"), ctx)?
        .as_object()
        .and_then(JsFunction::from_object)
        .ok_or_else(|| type_error("Promise.resolve is not a function"))?;
    let promise_proto = promise_ctor
        .get(js_string!("prototype"), ctx)?
        .as_object()
        .ok_or_else(|| type_error("Promise.prototype is not an object"))?;
    let species_getter = own_property(&promise_ctor, &JsSymbol::species().into())
        .and_then(|d| d.get().and_then(JsValue::as_object))
        .ok_or_else(|| type_error("Promise[@@species] is not a getter"))?;
    ctx.insert_data(Intrinsics {
        iterable_to_list,
        promise_resolve,
        promise_ctor,
        await_bridge,
        promise_proto,
        species_getter,
        constructor_key: js_string!("constructor").into(),
        species_key: JsSymbol::species().into(),
    });
    Ok(())
}

/// `v` as a promise whose `Await` is its `then` (see [`await_with`]).
/// Every check reads a property map as it is: a promise, `%Promise%` and
/// its prototype are ordinary objects, so this is what [[GetOwnProperty]]
/// would answer, and no user code runs.
fn pristine_promise(v: &JsValue, ctx: &Context) -> Option<JsPromise> {
    let o = v.as_object()?;
    let p = JsPromise::from_object(o.clone()).ok()?;
    let i = ctx.get_data::<Intrinsics>().expect("installed");
    let untouched = o.prototype().as_ref() == Some(&i.promise_proto)
        && !o.borrow().properties().contains_key(&i.constructor_key)
        && promise_reads_untouched(i);
    untouched.then_some(p)
}

/// Whether `%Promise.prototype%.constructor` is still the data property
/// `%Promise%` and `%Promise%[@@species]` still the original getter: then
/// a promise of this realm with no own `constructor` answers the reads of
/// PromiseResolve and SpeciesConstructor with `%Promise%`, running no code.
fn promise_reads_untouched(i: &Intrinsics) -> bool {
    // Objects compared by identity (a JsValue comparison costs several
    // times more).
    let is = |v: Option<&JsValue>, o: &JsObject| {
        v.and_then(JsValue::as_object)
            .is_some_and(|v| JsObject::equals(&v, o))
    };
    own_property(&i.promise_proto, &i.constructor_key)
        .is_some_and(|d| d.is_data_descriptor() && is(d.value(), &i.promise_ctor))
        && own_property(&i.promise_ctor, &i.species_key)
            .is_some_and(|d| is(d.get(), &i.species_getter))
}

/// An ordinary object's own property, straight from its property map.
fn own_property(o: &JsObject, key: &PropertyKey) -> Option<PropertyDescriptor> {
    o.borrow().properties().get(key)
}

/// The values of an iterable, in order (a TypeError if `v` is not
/// iterable).
pub(crate) fn iterable_to_list(v: &JsValue, ctx: &mut Context) -> JsResult<Vec<JsValue>> {
    let f = ctx
        .get_data::<Intrinsics>()
        .expect("installed")
        .iterable_to_list
        .clone();
    let array = f.call(&JsValue::undefined(), std::slice::from_ref(v), ctx)?;
    let array = array.as_object().expect("a spread gives an array");
    let len = array.get(js_string!("length"), ctx)?.to_length(ctx)?;
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len {
        out.push(array.get(PropertyKey::from(i as u32), ctx)?);
    }
    Ok(out)
}

/// ECMAScript PromiseResolve(%Promise%, x): `x` itself if it is a
/// `%Promise%` whose `constructor` is `%Promise%`, else a new promise
/// resolved with it (a thenable's `then` is read now).
pub(crate) fn promise_resolve(x: &JsValue, ctx: &mut Context) -> JsResult<JsValue> {
    let (f, this) = {
        let i = ctx.get_data::<Intrinsics>().expect("installed");
        (i.promise_resolve.clone(), i.promise_ctor.clone())
    };
    f.call(&this.into(), std::slice::from_ref(x), ctx)
}

/// What PromiseResolve(%Promise%, x) gave, for the `Await` that follows it
/// ([`promise_resolve_to_await`], [`await_resolved`]).
pub(crate) enum Resolved {
    /// `x` itself, a promise of this realm whose reads of `constructor`
    /// and `@@species` run no code ([`pristine_promise`]); nothing runs
    /// between this answer and the `Await`, so that still holds there.
    Pristine(JsPromise),
    /// A promise: `x` itself, or a new promise resolved with `x`.
    Promise(JsValue),
    /// A new `%Promise%` fulfilled with this value, which was not an
    /// object. Only the `Await` that follows could see that promise, so it
    /// is made only if that `Await` has to read it.
    Fulfilled(JsValue),
}

/// [`promise_resolve`] for a value that is then awaited, without the work
/// nothing can observe. PromiseResolve of a promise of this realm whose
/// `constructor` read runs no code and answers `%Promise%` ([`pristine_promise`])
/// is that promise; of a value that is not an object, a new promise that
/// its resolve function fulfills at once (ECMAScript 27.2.1.3.2 step 8),
/// left unmade here. Anything else goes through `Promise.resolve`, whose
/// reads (`constructor`, a thenable's `then`) happen now.
pub(crate) fn promise_resolve_to_await(x: &JsValue, ctx: &mut Context) -> JsResult<Resolved> {
    if let Some(p) = pristine_promise(x, ctx) {
        return Ok(Resolved::Pristine(p));
    }
    if !x.is_object() {
        return Ok(Resolved::Fulfilled(x.clone()));
    }
    promise_resolve(x, ctx).map(Resolved::Promise)
}

/// ECMAScript `Await(promise)` with native continuations: one of
/// `on_fulfilled(value)` / `on_rejected(reason)` runs in a later microtask.
///
/// `Await` is PromiseResolve(%Promise%, value), then PerformPromiseThen on
/// the result with no derived promise. Boa offers PerformPromiseThen only
/// through `then`, which first reads the promise's `constructor` and
/// `@@species` (SpeciesConstructor) and makes a derived promise. When the
/// value is a promise of this realm that reaches `%Promise%` through
/// untouched properties (no own `constructor`, `%Promise.prototype%` as
/// prototype, whose `constructor` is still the data property `%Promise%`,
/// and `%Promise%[@@species]` still the original getter), those reads run
/// no user code and PromiseResolve returns the value itself, so `then` is
/// `Await` exactly: the continuation runs in the same microtask, and the
/// derived promise, which nothing sees, only settles (if a continuation
/// throws, it is rejected, as the bridge's own promise would be). In every
/// other case the value goes to the await bridge, an async function, which
/// does `Await` itself at about twice the cost.
pub(crate) fn await_with(
    promise: &JsValue,
    on_fulfilled: &JsObject,
    on_rejected: &JsObject,
    ctx: &mut Context,
) -> JsResult<()> {
    if let Some(p) = pristine_promise(promise, ctx) {
        let f = JsFunction::from_object(on_fulfilled.clone());
        let r = JsFunction::from_object(on_rejected.clone());
        p.then(f, r, ctx)?;
        return Ok(());
    }
    let bridge = ctx
        .get_data::<Intrinsics>()
        .expect("installed")
        .await_bridge
        .clone();
    let args = [
        promise.clone(),
        on_fulfilled.clone().into(),
        on_rejected.clone().into(),
    ];
    bridge.call(&JsValue::undefined(), &args, ctx)?;
    Ok(())
}

/// A native continuation of `Await`: called with its key and the awaited
/// promise's value (`Ok`) or reason (`Err`), in a later microtask.
pub(crate) type Resume = fn(u64, Result<JsValue, JsValue>, &mut Context) -> JsResult<()>;

/// ECMAScript `Await` of what [`promise_resolve_to_await`] gave, continued
/// by `resume(key, ..)`.
///
/// On a promise that is already fulfilled, PerformPromiseThen only
/// enqueues a PromiseReactionJob (ECMAScript 27.2.5.4.1 step 10), and with
/// no derived promise the job only calls the handler (27.2.2.1). So when
/// [`await_with`] would use `then`, and the promise is fulfilled (or is
/// the unmade promise of [`Resolved::Fulfilled`], whose `constructor` read
/// the same untouched properties answer), the job that calls `resume` is
/// enqueued directly: the same microtask, with no handler functions, no
/// derived promise and no species lookup. A pristine promise that is
/// pending or rejected takes `then` (which also marks a rejected one
/// handled for the rejection tracker), with one handler function for both
/// reactions; anything else goes to [`await_with`].
pub(crate) fn await_resolved(
    resolved: Resolved,
    resume: Resume,
    key: u64,
    ctx: &mut Context,
) -> JsResult<()> {
    let promise = match resolved {
        Resolved::Fulfilled(v) => {
            let i = ctx.get_data::<Intrinsics>().expect("installed");
            if promise_reads_untouched(i) {
                enqueue_reaction(resume, key, Ok(v), ctx);
                return Ok(());
            }
            // Await reads the new promise's `constructor`: make it.
            promise_resolve(&v, ctx)?
        }
        Resolved::Pristine(p) => {
            if let PromiseState::Fulfilled(v) = p.state() {
                enqueue_reaction(resume, key, Ok(v), ctx);
                return Ok(());
            }
            // Pending or rejected: `then`, with one handler for both
            // reactions. The handler runs once the promise has settled, so
            // its state says which reaction called it.
            let handler = NativeFunction::from_copy_closure_with_captures(
                move |_, args, p: &JsPromise, ctx| {
                    let v = arg(args, 0);
                    let settled = match p.state() {
                        PromiseState::Rejected(_) => Err(v),
                        _ => Ok(v),
                    };
                    resume(key, settled, ctx)?;
                    Ok(JsValue::undefined())
                },
                p.clone(),
            );
            let handler = JsFunction::from_object(builtin_function(ctx, "", 1, handler));
            p.then(handler.clone(), handler, ctx)?;
            return Ok(());
        }
        Resolved::Promise(p) => p,
    };
    let on_fulfilled = NativeFunction::from_copy_closure(move |_, args, ctx| {
        resume(key, Ok(arg(args, 0)), ctx)?;
        Ok(JsValue::undefined())
    });
    let on_rejected = NativeFunction::from_copy_closure(move |_, args, ctx| {
        resume(key, Err(arg(args, 0)), ctx)?;
        Ok(JsValue::undefined())
    });
    let on_fulfilled = builtin_function(ctx, "", 1, on_fulfilled);
    let on_rejected = builtin_function(ctx, "", 1, on_rejected);
    await_with(&promise, &on_fulfilled, &on_rejected, ctx)
}

/// HostEnqueuePromiseJob of the PromiseReactionJob that runs
/// `resume(key, settled)`, in the realm its handler would have had.
fn enqueue_reaction(
    resume: Resume,
    key: u64,
    settled: Result<JsValue, JsValue>,
    ctx: &mut Context,
) {
    let job = PromiseJob::with_realm(
        move |ctx| {
            resume(key, settled, ctx)?;
            Ok(JsValue::undefined())
        },
        ctx.realm().clone(),
    );
    ctx.enqueue_job(job.into());
}
