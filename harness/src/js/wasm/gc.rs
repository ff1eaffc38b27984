//! Garbage-collected values across the boundary (JS API §"Garbage Collected
//! Objects", "host value cache", "Exported GC Object cache", "Exception
//! object cache"), and how the realm and the store free what neither needs.
//!
//! Two collectors are involved: Boa's, for JS objects, and the store's, for
//! wasm structures, arrays and exceptions (decision D14). Each side holds
//! the other's values so that each collector sees them as roots:
//!
//! - A wasm object that reaches JS (an Exported GC Object, or the Exception
//!   object of a wasm exception) is rooted in the store for as long as its
//!   JS object lives. The caches map the wasm address to a `WeakRef` of
//!   the JS object, so that the cache itself keeps nothing alive; a sweep
//!   unroots the addresses whose JS object is gone.
//! - A JS value that enters wasm as a host reference gets a host address,
//!   and the realm keeps the value in its host value table for as long as
//!   wasm can reach the address: after a store collection, the entries the
//!   collection did not reach (and that existed before it) are released.
//!
//! `WasmState::maybe_collect` runs both at a safe point (the start of a
//! call from JS into wasm, before any argument is converted) once the
//! tables have doubled since the last time, so the cost is amortised and
//! the tables stay within a constant factor of what is alive. The string
//! builtins, which make host values without returning to JS, collect the
//! host value table the same way from inside their call
//! (`HostValues::collect_if_grown`, decision D23); the strings they make
//! hold bytes of the store's budget until released.
//!
//! Exported GC Objects are exotic objects whose every internal method the
//! JS API specifies. Boa does not let an embedder define internal methods,
//! so they are proxies of an empty, non-extensible target with a null
//! prototype, whose traps give exactly the specified answers; the proxy
//! invariants then hold, and no JS code can tell the difference (the
//! target and handler are unreachable from JS).

use super::WasmState;
use crate::js::adapter::type_error;
use boa_engine::JsString;
use boa_engine::native_function::NativeFunction;
use boa_engine::object::ObjectInitializer;
use boa_engine::object::builtins::{JsArray, JsWeakMap};
use boa_engine::{Context, JsData, JsObject, JsResult, JsValue};
use boa_gc::{Finalize, Gc, GcRefCell, Trace, WeakGc};
use interp::{AnyRef, ExnAddr, ExternAddr, Store, Value};
use std::cell::RefCell;
use std::collections::HashMap;

/// How many entries a table may gain past twice its size after the last
/// collection before the next one runs.
const SLACK: usize = 1024;

/// The JS values that entered wasm as host references (JS API "host value
/// cache"), by host address, with the free addresses to reuse.
#[derive(Default)]
pub(crate) struct HostValues {
    /// Each address's value, the number of store collections that had run
    /// when it was given out, and the bytes it holds of the store's budget
    /// (`None`: free).
    values: Vec<Option<(JsValue, u64, u64)>>,
    free: Vec<u32>,
    /// Live entries, and how many there were after the last release.
    live: usize,
    live_after_release: usize,
}

/// A JS object that stands for a wasm object, reachable from that object
/// (through its native data) and held weakly by the realm's caches: when
/// Boa collects the object, the anchor goes too, and the cache entry can no
/// longer be upgraded. (A JS `WeakRef` would not do: it keeps its target
/// alive until the end of the job, so a loop in one script could never
/// release anything.)
#[derive(Trace, Finalize)]
pub(crate) struct Anchor {
    obj: GcRefCell<Option<JsObject>>,
}

impl Anchor {
    /// A new anchor, to be set to its object once made.
    pub(crate) fn new() -> Gc<Anchor> {
        Gc::new(Anchor {
            obj: GcRefCell::new(None),
        })
    }

    fn set(&self, o: &JsObject) {
        *self.obj.borrow_mut() = Some(o.clone());
    }

    /// The object, if Boa has not collected it.
    fn get(weak: &WeakGc<Anchor>) -> Option<JsObject> {
        weak.upgrade().and_then(|a| a.obj.borrow().clone())
    }
}

/// The target of an Exported GC Object's proxy: it holds the anchor.
#[derive(Trace, Finalize, JsData)]
struct GcTarget {
    anchor: Gc<Anchor>,
}

/// The `[[ObjectAddress]]` and `[[ObjectKind]]` of an Exported GC Object,
/// held (in a weak map keyed by the object) for converting it back: the
/// structure's or array's address as the store made it, so that it goes
/// back to that store only.
#[derive(Clone, Trace, Finalize, JsData)]
struct ObjectSlots {
    /// `AnyRef::Struct` or `AnyRef::Array`.
    #[unsafe_ignore_trace]
    obj: AnyRef,
}

/// The weak caches of JS objects that stand for wasm objects.
#[derive(Default)]
pub(crate) struct Wrappers {
    /// Exported GC Object cache: structure or array to the object's anchor.
    objects: RefCell<HashMap<AnyRef, WeakGc<Anchor>>>,
    /// Exported GC Object to its slots (a `WeakMap`: it keeps no object
    /// alive); made with the realm.
    slots: RefCell<Option<JsWeakMap>>,
    /// Exception object cache: exception address to the object's anchor.
    exceptions: RefCell<HashMap<ExnAddr, WeakGc<Anchor>>>,
    /// Entries of both caches after the last sweep.
    after_sweep: RefCell<usize>,
    /// The traps of every Exported GC Object, made with the first one.
    handler: RefCell<Option<JsObject>>,
}

impl Wrappers {
    fn len(&self) -> usize {
        self.objects.borrow().len() + self.exceptions.borrow().len()
    }

    fn slots(&self, ctx: &mut Context) -> JsWeakMap {
        self.slots
            .borrow_mut()
            .get_or_insert_with(|| JsWeakMap::new(ctx))
            .clone()
    }

    /// Unroots the wasm objects whose JS object is gone.
    fn sweep(&self, store: &mut Store) {
        self.objects.borrow_mut().retain(|a, w| {
            let alive = w.is_upgradable();
            if !alive {
                store.unroot(&Value::AnyRef(Some(*a)));
            }
            alive
        });
        self.exceptions.borrow_mut().retain(|e, w| {
            let alive = w.is_upgradable();
            if !alive {
                store.unroot(&Value::ExnRef(Some(*e)));
            }
            alive
        });
        *self.after_sweep.borrow_mut() = self.len();
    }
}

impl HostValues {
    /// The JS value of host address `a` (JS API "retrieving a host value").
    pub(crate) fn get(&self, a: ExternAddr) -> JsValue {
        self.values
            .get(a.0 as usize)
            .and_then(|v| v.as_ref())
            .map(|(v, ..)| v.clone())
            .expect("a host address wasm holds has its value")
    }

    /// A new host address for `v` (JS API ToWebAssemblyValue, last case).
    /// `epoch` is the store's number of collections so far.
    pub(crate) fn add(&mut self, v: JsValue, epoch: u64) -> ExternAddr {
        self.add_charged(v, epoch, 0)
    }

    /// A new host address for `v`, which holds `charged` bytes of the
    /// store's budget until it is released (a string a builtin made).
    pub(crate) fn add_charged(&mut self, v: JsValue, epoch: u64, charged: u64) -> ExternAddr {
        self.live += 1;
        match self.free.pop() {
            Some(a) => {
                self.values[a as usize] = Some((v, epoch, charged));
                ExternAddr(a)
            }
            None => {
                self.values.push(Some((v, epoch, charged)));
                ExternAddr(self.values.len() as u32 - 1)
            }
        }
    }

    /// The number of live entries.
    #[cfg(test)]
    pub(crate) fn live(&self) -> usize {
        self.live
    }

    /// Whether the table has more than doubled since the last release.
    fn grown(&self) -> bool {
        self.live > 2 * self.live_after_release + SLACK
    }

    /// Collects the store's garbage and releases what it no longer reaches,
    /// if the table has grown enough since the last time (`force`: in any
    /// case). For a host function (a builtin) that makes host values: the
    /// computation that called it is in a host call, its slots where the
    /// collector finds them, so a loop in wasm does not keep every value
    /// it made until it returns to JS.
    pub(crate) fn collect_if_grown(&mut self, store: &mut Store, force: bool) {
        if force || self.grown() {
            store.collect_garbage();
            self.release(store);
        }
    }

    /// Releases the values the store's last collection did not reach, among
    /// those given out before it ran, giving back the budget they held.
    fn release(&mut self, store: &Store) {
        let epoch = store.collections();
        for (a, slot) in self.values.iter_mut().enumerate() {
            if let Some((_, born, charged)) = slot
                && *born < epoch
                && !store.host_ref_reachable(ExternAddr(a as u32))
            {
                store.budget().release(*charged);
                *slot = None;
                self.free.push(a as u32);
                self.live -= 1;
            }
        }
        // Trailing free entries give their room back.
        while matches!(self.values.last(), Some(None)) {
            self.values.pop();
        }
        let len = self.values.len() as u32;
        self.free.retain(|&a| a < len);
        self.live_after_release = self.live;
    }
}

impl WasmState {
    /// Frees what neither side needs any more, once the host value table or
    /// the caches have doubled since the last time (see the module doc).
    /// Call only where no converted value is in flight.
    pub(crate) fn maybe_collect(&self) {
        let hosts_grew = self.hosts.borrow().grown();
        let wrappers_grew = self.wrappers.len() > 2 * *self.wrappers.after_sweep.borrow() + SLACK;
        if !hosts_grew && !wrappers_grew {
            return;
        }
        let mut store = self.store.borrow_mut();
        self.wrappers.sweep(&mut store);
        store.collect_garbage();
        self.hosts.borrow_mut().release(&store);
    }

    /// The host address of a JS value entering wasm as a host reference.
    pub(crate) fn host_addr(&self, v: JsValue) -> ExternAddr {
        let epoch = self.store.borrow().collections();
        self.hosts.borrow_mut().add(v, epoch)
    }

    /// The JS value of a host address.
    pub(crate) fn host_value(&self, a: ExternAddr) -> JsValue {
        self.hosts.borrow().get(a)
    }

    /// The Exported GC Object for a structure or array (JS API "create a
    /// new Exported GC Object"): one per wasm object while JS holds it; the
    /// wasm object stays rooted meanwhile.
    fn gc_object(&self, obj: AnyRef, ctx: &mut Context) -> JsResult<JsValue> {
        let cached = self
            .wrappers
            .objects
            .borrow()
            .get(&obj)
            .and_then(Anchor::get);
        if let Some(o) = cached {
            return Ok(o.into());
        }
        let anchor = Anchor::new();
        let handler = self.wrappers.handler.borrow().clone();
        let handler = match handler {
            Some(h) => h,
            None => {
                let h = new_handler(ctx);
                *self.wrappers.handler.borrow_mut() = Some(h.clone());
                h
            }
        };
        let o = new_exported_gc_object(anchor.clone(), &handler, ctx)?;
        anchor.set(&o);
        let slots = JsObject::from_proto_and_data(None, ObjectSlots { obj });
        self.wrappers.slots(ctx).set(&o, slots.into(), ctx)?;
        let weak = WeakGc::new(&anchor);
        if self
            .wrappers
            .objects
            .borrow_mut()
            .insert(obj, weak)
            .is_none()
        {
            self.store.borrow_mut().root(&Value::AnyRef(Some(obj)));
        }
        Ok(o.into())
    }

    /// The wasm object an Exported GC Object wraps, if `o` is one.
    fn gc_object_slots(&self, o: &JsObject, ctx: &mut Context) -> Option<AnyRef> {
        let v = self.wrappers.slots(ctx).get(o, ctx).ok()?;
        let s = v.as_object()?.downcast_ref::<ObjectSlots>()?.clone();
        Some(s.obj)
    }

    /// The Exception object for wasm exception `e` (JS API "Exception
    /// object cache"), made by `make` (given the anchor to hold) if JS
    /// holds none; `e` stays rooted while JS holds it.
    pub(crate) fn exception_object_with(
        &self,
        e: ExnAddr,
        make: impl FnOnce(Gc<Anchor>) -> JsObject,
    ) -> JsObject {
        let cached = self
            .wrappers
            .exceptions
            .borrow()
            .get(&e)
            .and_then(Anchor::get);
        if let Some(o) = cached {
            return o;
        }
        let anchor = Anchor::new();
        let o = make(anchor.clone());
        self.remember_exception(e, &o, &anchor);
        o
    }

    /// Records `o`, which holds `anchor`, as the Exception object of `e`,
    /// and roots `e`.
    pub(crate) fn remember_exception(&self, e: ExnAddr, o: &JsObject, anchor: &Gc<Anchor>) {
        anchor.set(o);
        let weak = WeakGc::new(anchor);
        if self
            .wrappers
            .exceptions
            .borrow_mut()
            .insert(e, weak)
            .is_none()
        {
            self.store.borrow_mut().root(&Value::ExnRef(Some(e)));
        }
    }
}

/// ToJSValue (JS API) of a reference of the any hierarchy, or of what an
/// `externref` holds.
pub(crate) fn any_to_js(st: &WasmState, r: AnyRef, ctx: &mut Context) -> JsResult<JsValue> {
    Ok(match r {
        // `signed_31`: the 31 bits read as a two's complement number.
        AnyRef::I31(u) => JsValue::from(((u << 1) as i32) >> 1),
        AnyRef::Struct(_) | AnyRef::Array(_) => st.gc_object(r, ctx)?,
        AnyRef::Host(a) => st.host_value(a),
    })
}

/// ToWebAssemblyValue (JS API) of a non-null JS value for a type of the any
/// hierarchy, before the final type check: a Number that is an `i31`, an
/// Exported GC Object's wasm object, or else a host reference. `-0` is not
/// an `i31` (it would come back as `+0`): the spec's "v is equal to
/// ToInt32(v)" leaves it open, and its authors mean to rule it out
/// (`proposal-notes/js-api-gc.md`).
pub(crate) fn any_from_js(st: &WasmState, v: &JsValue, ctx: &mut Context) -> JsResult<AnyRef> {
    if let Some(n) = v.as_number() {
        let i = v.to_i32(ctx)?;
        let minus_zero = n == 0.0 && n.is_sign_negative();
        if n == f64::from(i) && !minus_zero && (-(1 << 30)..(1 << 30)).contains(&i) {
            return Ok(AnyRef::I31(i as u32 & 0x7fff_ffff));
        }
    }
    if let Some(o) = v.as_object()
        && let Some(obj) = st.gc_object_slots(&o, ctx)
    {
        return Ok(obj);
    }
    Ok(AnyRef::Host(st.host_addr(v.clone())))
}

/// A new Exported GC Object: the proxy described in the module doc, whose
/// target holds `anchor`; `handler` is the realm's one handler of traps.
fn new_exported_gc_object(
    anchor: Gc<Anchor>,
    handler: &JsObject,
    ctx: &mut Context,
) -> JsResult<JsObject> {
    let target = JsObject::from_proto_and_data(None, GcTarget { anchor });
    target.set_integrity_level(boa_engine::object::IntegrityLevel::Frozen, ctx)?;
    let proxy = ctx
        .intrinsics()
        .constructors()
        .proxy()
        .constructor()
        .construct(&[target.into(), handler.clone().into()], None, ctx)?;
    Ok(proxy)
}

/// The handler of every Exported GC Object's proxy: one trap per internal
/// method, each giving the JS API's answer (§"Garbage Collected Objects").
fn new_handler(ctx: &mut Context) -> JsObject {
    fn answer(v: JsValue) -> NativeFunction {
        NativeFunction::from_copy_closure_with_captures(|_, _, v, _| Ok(v.clone()), v)
    }
    fn refuse(message: &'static str) -> NativeFunction {
        NativeFunction::from_copy_closure(move |_, _, _| Err(type_error(message)))
    }
    let traps = [
        ("getPrototypeOf", answer(JsValue::null())),
        ("setPrototypeOf", answer(false.into())),
        ("isExtensible", answer(false.into())),
        ("preventExtensions", answer(false.into())),
        ("getOwnPropertyDescriptor", answer(JsValue::undefined())),
        ("defineProperty", answer(false.into())),
        ("has", answer(false.into())),
        ("get", answer(JsValue::undefined())),
        (
            "set",
            refuse("a WebAssembly GC object has no properties to set"),
        ),
        (
            "deleteProperty",
            refuse("a WebAssembly GC object has no properties to delete"),
        ),
        (
            "ownKeys",
            NativeFunction::from_fn_ptr(|_, _, ctx| Ok(JsArray::new(ctx)?.into())),
        ),
    ];
    let mut init = ObjectInitializer::new(ctx);
    for (name, f) in traps {
        init.function(f, JsString::from(name), 0);
    }
    init.build()
}
