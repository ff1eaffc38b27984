//! The store (spec 4.2.3): every function, table, memory, global, element and
//! data instance, and every module instance, in arenas addressed by index.
//!
//! Addresses are indices into these arenas, so a suspended computation
//! refers into the store without borrowing it. Each store has a unique id:
//! every address it hands out carries it, and every public method refuses
//! an address or a value of another store (decision D24); a suspended
//! computation remembers the id of the store it ran in.

use super::budget::{Budget, Exhausted, bytes_of};
use super::heap::{GcStats, Heap, Obj};
use super::slot::{self, Kind, Slot};
use crate::api::*;
use crate::exec::Exit;
use crate::exec::stack::Slots;
use crate::module::Module;
use crate::syntax::{FuncType, GlobalType, HeapType, MemType, Mut, TableType, ValType};
use crate::valid::canon::{TypeRegistry, Types};
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// The size of a memory page (spec 4.2.8) unless custom page sizes give
/// another (`MemType::page_log2`); also the unit of
/// `Limits::max_memory64_pages`.
pub const PAGE_SIZE: u64 = 65536;

/// A host function's code.
pub(crate) type HostFn = Rc<dyn Fn(&mut Store, &[Value]) -> HostOutcome>;

/// A function instance (spec 4.2.6).
pub(crate) enum FuncInst {
    /// A function defined by a module.
    Wasm(Rc<WasmFunc>),
    /// A function given by the embedder.
    Host {
        /// The function's type, interned.
        type_id: u32,
        /// The code.
        f: HostFn,
    },
}

/// What the executor needs to call a wasm function, computed once at
/// instantiation.
pub(crate) struct WasmFunc {
    pub(crate) type_id: u32,
    pub(crate) inst: InstanceAddr,
    /// The executable form, shared by every instance of the module.
    pub(crate) code: Rc<crate::exec::code::Code>,
}

/// A table instance (spec 4.2.7).
pub(crate) struct TableInst {
    pub(crate) ty: TableType,
    pub(crate) elems: Vec<Slot>,
}

/// A memory instance (spec 4.2.8).
pub(crate) struct MemInst {
    pub(crate) ty: MemType,
    pub(crate) data: MemBytes,
    /// How many times the memory grew, by any number of pages (spec
    /// 4.5.3.9 `grow_mem` that succeeded; 0 pages included).
    pub(crate) grows: u64,
}

/// The alignment of a memory's bytes: 64, the alignment a JS engine's
/// `ArrayBuffer` (Boa's) gives its bytes, so that an embedder can make a
/// memory's bytes an `ArrayBuffer`'s without copying them (decision D25).
pub const MEM_ALIGN: usize = 64;

/// A memory's bytes, allocated with alignment [`MEM_ALIGN`].
pub(crate) type MemBytes = aligned_vec::AVec<u8, aligned_vec::ConstAlign<MEM_ALIGN>>;

/// Where a memory's bytes are: the allocation an embedder may share with
/// the JS engine ([`Store::mem_block`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemBlock {
    /// The first byte; aligned to [`MEM_ALIGN`].
    pub ptr: *mut u8,
    /// The memory's length in bytes.
    pub len: usize,
    /// The bytes allocated (at least `len`): the allocation's size.
    pub capacity: usize,
    /// How many times the memory has grown, a grow by 0 pages included:
    /// the JS API refreshes a memory's buffer after every `memory.grow`
    /// that does not fail, whether or not the bytes moved (JS API
    /// "memory.grow" hook, "refresh the Memory buffer").
    pub grows: u64,
}

impl MemInst {
    /// The size in pages of the memory's page size (a valid type's page
    /// is 1 or 65536 bytes).
    pub(crate) fn pages(&self) -> u64 {
        self.data.len() as u64 >> self.ty.page_log2.min(63)
    }
}

/// A global instance (spec 4.2.9).
pub(crate) struct GlobalInst {
    pub(crate) ty: GlobalType,
    pub(crate) value: Slot,
}

/// An element instance (spec 4.2.10); dropping empties it.
pub(crate) struct ElemInst {
    pub(crate) elems: Vec<Slot>,
}

/// A data instance (spec 4.2.11); dropping empties it.
pub(crate) struct DataInst {
    pub(crate) bytes: Rc<[u8]>,
}

/// A tag instance (exception handling): its function type, interned.
pub(crate) struct TagInst {
    pub(crate) type_id: u32,
}

/// A module instance (spec 4.2.5): the addresses behind each index space.
#[derive(Default)]
pub(crate) struct ModuleInst {
    /// The store's id of each of the module's types.
    pub(crate) types: Vec<u32>,
    pub(crate) funcs: Vec<FuncAddr>,
    pub(crate) tables: Vec<TableAddr>,
    pub(crate) mems: Vec<MemAddr>,
    pub(crate) globals: Vec<GlobalAddr>,
    pub(crate) elems: Vec<u32>,
    pub(crate) datas: Vec<u32>,
    pub(crate) tags: Vec<TagAddr>,
    pub(crate) exports: Vec<(String, ExternVal)>,
}

/// All runtime objects of a program, owned in arenas and referred to by
/// address (spec 4.2.3). Suspended computations refer into a store by
/// address only, so they borrow nothing from it.
pub struct Store {
    /// This store's identity, carried by every address it makes.
    pub(crate) id: StoreId,
    config: Config,
    /// Every defined type of every module instantiated here, and of every
    /// host function and tag, canonicalised (spec 3.1.3): equivalent types
    /// get equal ids, so `call_indirect` and casts compare integers.
    pub(crate) types: TypeRegistry,
    pub(crate) funcs: Vec<FuncInst>,
    pub(crate) tables: Vec<TableInst>,
    pub(crate) mems: Vec<MemInst>,
    pub(crate) globals: Vec<GlobalInst>,
    pub(crate) elems: Vec<ElemInst>,
    pub(crate) datas: Vec<DataInst>,
    pub(crate) instances: Vec<ModuleInst>,
    pub(crate) tags: Vec<TagInst>,
    /// Structures, arrays and exceptions, garbage-collected (decision D14).
    pub(crate) heap: Heap,
    /// The slots of every computation started in this store, weakly: the
    /// collector's roots on operand stacks (`exec::stack`).
    comps: Vec<Weak<RefCell<Slots>>>,
    /// The number of entries of `comps` alive at its last pruning.
    comps_alive: usize,
    /// How many host functions called from wasm are running now. A
    /// computation started while this is above zero runs inside a host call
    /// and may not suspend at a host function (decision D4).
    pub(crate) host_depth: u32,
    /// What the store may still allocate (decision D19).
    pub(crate) budget: Budget,
}

#[cold]
pub(crate) fn api_err(m: impl Into<String>) -> Error {
    Error::Api(m.into())
}

/// The store and the kind of object a reference value refers to, for a
/// value that refers to an object of a store (decision D24).
fn value_owner(v: &Value) -> Option<(StoreId, &'static str)> {
    Some(match *v {
        Value::FuncRef(Some(FuncAddr(_, id))) => (id, "a funcref"),
        Value::ExnRef(Some(ExnAddr(_, id))) => (id, "an exnref"),
        Value::AnyRef(Some(AnyRef::Struct(StructAddr(_, id))))
        | Value::ExternRef(Some(AnyRef::Struct(StructAddr(_, id)))) => {
            (id, "a reference to a structure")
        }
        Value::AnyRef(Some(AnyRef::Array(ArrayAddr(_, id))))
        | Value::ExternRef(Some(AnyRef::Array(ArrayAddr(_, id)))) => {
            (id, "a reference to an array")
        }
        _ => return None,
    })
}

/// Whether `v` is a number or vector of type `t` (never true of a
/// reference type, which needs the store to check).
#[inline]
fn is_number_of(v: &Value, t: ValType) -> bool {
    matches!(
        (v, t),
        (Value::I32(_), ValType::I32)
            | (Value::I64(_), ValType::I64)
            | (Value::F32(_), ValType::F32)
            | (Value::F64(_), ValType::F64)
            | (Value::V128(_), ValType::V128)
    )
}

/// The store and the kind of object an external value is.
fn extern_owner(v: ExternVal) -> (StoreId, &'static str) {
    match v {
        ExternVal::Func(a) => (a.1, "a function"),
        ExternVal::Table(a) => (a.1, "a table"),
        ExternVal::Mem(a) => (a.1, "a memory"),
        ExternVal::Global(a) => (a.1, "a global"),
        ExternVal::Tag(a) => (a.1, "a tag"),
    }
}

impl Store {
    /// An empty store.
    pub fn new(config: Config) -> Self {
        Store {
            id: StoreId::fresh(),
            config,
            types: TypeRegistry::default(),
            funcs: Vec::new(),
            tables: Vec::new(),
            mems: Vec::new(),
            globals: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            instances: Vec::new(),
            tags: Vec::new(),
            heap: Heap::default(),
            comps: Vec::new(),
            comps_alive: 0,
            host_depth: 0,
            budget: Budget::new(config.limits.max_store_bytes, config.limits.max_instances),
        }
    }

    /// The store's resource budget: the bytes its memories, tables, element
    /// and module instances and computations' stacks hold, and its limit.
    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// The store's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// This store's identity: the id every address it makes carries.
    pub fn id(&self) -> StoreId {
        self.id
    }

    /// Refuses an address of another store (decision D24): `what` names
    /// the kind of object, as "a global".
    ///
    /// # Errors
    /// [`Error::Api`] if `id` is not this store's.
    pub(crate) fn own(&self, id: StoreId, what: &str) -> Result<(), Error> {
        if id == self.id {
            Ok(())
        } else {
            Err(api_err(format!("{what} of another store")))
        }
    }

    /// As [`Store::own`], for the methods that answer a plain value: an
    /// address of another store is the embedder's bug, as an index out of
    /// bounds is.
    ///
    /// # Panics
    /// If `id` is not this store's.
    #[track_caller]
    pub(crate) fn assert_own(&self, id: StoreId, what: &str) {
        if id != self.id {
            panic!("{what} of another store");
        }
    }

    /// Refuses a value that refers to an object of another store (decision D24).
    ///
    /// # Errors
    /// [`Error::Api`] naming the kind of reference.
    pub(crate) fn own_value(&self, v: &Value) -> Result<(), Error> {
        match value_owner(v) {
            Some((id, what)) => self.own(id, what),
            None => Ok(()),
        }
    }

    /// Refuses an external value of another store (decision D24).
    ///
    /// # Errors
    /// [`Error::Api`] naming the kind of object.
    pub(crate) fn own_extern(&self, v: ExternVal) -> Result<(), Error> {
        let (id, what) = extern_owner(v);
        self.own(id, what)
    }

    /// The store's id of a function type given by the embedder (a group
    /// of its own, final): equal to the id of any equivalent module type.
    pub(crate) fn intern(&mut self, t: &FuncType) -> u32 {
        self.types.intern_func(t)
    }

    /// The function type with store id `id`.
    pub(crate) fn func_type_of(&self, id: u32) -> &FuncType {
        self.types
            .func(id)
            .expect("a function's type id names a function type")
    }

    /// Instantiates a module (spec 4.5.4), running its start function to
    /// completion. A host function that asks to suspend inside the start
    /// function traps with [`Trap::SuspendThroughHost`].
    ///
    /// # Errors
    /// [`Error::Link`] if the imports do not match, [`Error::Uninstantiable`]
    /// if a segment is out of bounds or the start function traps.
    pub fn instantiate(
        &mut self,
        module: &Module,
        imports: &[ExternVal],
    ) -> Result<InstanceAddr, Error> {
        let (inst, start) = self.instantiate_without_start(module, imports)?;
        if let Some(f) = start {
            // The start function runs as if inside a host call: it may not suspend.
            self.host_depth += 1;
            let r = self.invoke(f, &[]);
            self.host_depth -= 1;
            match r? {
                Exit::Returned(_) => {}
                Exit::Trapped(t) => return Err(Error::Uninstantiable(t)),
                Exit::Thrown(e) => return Err(Error::UncaughtException(e)),
                Exit::Suspended(_) => {
                    unreachable!("a run inside a host call cannot suspend without fuel")
                }
            }
        }
        Ok(inst)
    }

    /// Instantiates a module (spec 4.5.4) up to, but not including, the start
    /// function, which is returned for the caller to invoke (so that it can
    /// be run with fuel, or suspended).
    ///
    /// # Errors
    /// As [`Store::instantiate`], except that the start function does not run.
    pub fn instantiate_without_start(
        &mut self,
        module: &Module,
        imports: &[ExternVal],
    ) -> Result<(InstanceAddr, Option<FuncAddr>), Error> {
        crate::exec::instantiate::instantiate(self, module, imports)
    }

    /// An instance's export by name.
    ///
    /// # Panics
    /// If the instance is of another store.
    pub fn export(&self, inst: InstanceAddr, name: &str) -> Option<ExternVal> {
        self.assert_own(inst.1, "an instance");
        let i = self.instances.get(inst.0 as usize)?;
        i.exports.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }

    /// All of an instance's exports, in order.
    ///
    /// # Panics
    /// If the instance is of another store.
    pub fn exports(&self, inst: InstanceAddr) -> Vec<(String, ExternVal)> {
        self.assert_own(inst.1, "an instance");
        self.instances
            .get(inst.0 as usize)
            .map(|i| i.exports.clone())
            .unwrap_or_default()
    }

    /// Allocates a host function (spec 4.5.3.2).
    pub fn alloc_host_func(
        &mut self,
        ty: FuncType,
        f: impl Fn(&mut Store, &[Value]) -> HostOutcome + 'static,
    ) -> FuncAddr {
        let type_id = self.intern(&ty);
        self.funcs.push(FuncInst::Host {
            type_id,
            f: Rc::new(f),
        });
        FuncAddr(self.funcs.len() as u32 - 1, self.id)
    }

    /// Allocates a table whose elements are all `init`.
    ///
    /// # Errors
    /// [`Error::Api`] if `init` is not of the element type (or refers to an
    /// object of another store) or the limits are invalid.
    pub fn alloc_table(&mut self, ty: TableType, init: Value) -> Result<TableAddr, Error> {
        self.own_value(&init)?;
        if !self.has_type(&init, ValType::Ref(ty.elem)) {
            return Err(api_err(format!(
                "table initial value {init} is not a {}",
                ty.elem
            )));
        }
        if ty.limits.max.is_some_and(|m| m < ty.limits.min) || ty.limits.min > u32::MAX as u64 {
            return Err(api_err("invalid table limits"));
        }
        self.alloc_table_slots(ty, slot::from_value(init))
            .map_err(|e| api_err(e.to_string()))
    }

    /// Allocates a table, charging the budget, or fails cleanly if its
    /// initial size cannot be had.
    pub(crate) fn alloc_table_slots(
        &mut self,
        ty: TableType,
        init: Slot,
    ) -> Result<TableAddr, Exhausted> {
        let cap = self.config.limits.max_table_size;
        if ty.limits.min > cap {
            return Err(self
                .budget
                .over_limit("table", ty.limits.min, cap, "elements"));
        }
        let bytes = bytes_of(ty.limits.min, size_of::<Slot>())
            .ok_or_else(|| self.budget.machine_refused("table", u64::MAX))?;
        let n = usize::try_from(ty.limits.min)
            .map_err(|_| self.budget.machine_refused("table", bytes))?;
        self.budget.charge("table", bytes)?;
        let mut probe: Vec<Slot> = Vec::new();
        if probe.try_reserve_exact(n).is_err() {
            self.budget.release(bytes);
            return Err(self.budget.machine_refused("table", bytes));
        }
        drop(probe);
        // Null (0) elements come zeroed from the allocator, untouched.
        let elems = if init == 0 { vec![0; n] } else { vec![init; n] };
        self.tables.push(TableInst { ty, elems });
        Ok(TableAddr(self.tables.len() as u32 - 1, self.id))
    }

    /// Allocates a memory of `ty.limits.min` zeroed pages.
    ///
    /// # Errors
    /// [`Error::Api`] if the limits or the page size are invalid or the size
    /// cannot be allocated.
    pub fn alloc_mem(&mut self, ty: MemType) -> Result<MemAddr, Error> {
        if !matches!(ty.page_log2, 0 | MemType::DEFAULT_PAGE_LOG2) {
            return Err(api_err("invalid custom page size"));
        }
        if ty.shared && ty.limits.max.is_none() {
            return Err(api_err("shared memory must have maximum"));
        }
        if ty.limits.max.is_some_and(|m| m < ty.limits.min) || ty.limits.min > self.max_pages(&ty) {
            return Err(api_err("invalid memory limits"));
        }
        self.alloc_mem_unchecked(ty)
            .map_err(|e| api_err(e.to_string()))
    }

    /// The most pages a memory of this type may have (spec 4.2.8), further
    /// capped by the store's limits and what this machine can address.
    pub(crate) fn max_pages(&self, ty: &MemType) -> u64 {
        self.page_cap(ty).min(ty.limits.max.unwrap_or(u64::MAX))
    }

    /// The most pages any memory of this address type and page size may
    /// have: 2^32 or 2^64 bytes' worth, less one where that is not an
    /// integer (custom page sizes, "Growing memories"), a 64-bit memory at
    /// most the store's `max_memory64_pages` of 64 KiB, and no more bytes
    /// than this machine can address.
    fn page_cap(&self, ty: &MemType) -> u64 {
        let Some(page) = ty.page_size() else { return 0 };
        let spec = match ty.addr {
            crate::syntax::AddrType::I32 => ((1u64 << 32) / page).min(u32::MAX as u64),
            crate::syntax::AddrType::I64 => {
                let bytes = self.memory64_byte_limit();
                (u64::MAX / page).min(bytes / page)
            }
        };
        let hard = (isize::MAX as u64) / page;
        spec.min(hard)
    }

    /// The store's limit on a 64-bit memory, in bytes.
    fn memory64_byte_limit(&self) -> u64 {
        self.config
            .limits
            .max_memory64_pages
            .saturating_mul(PAGE_SIZE)
    }

    /// Allocates a memory of `ty.limits.min` pages whose type is already
    /// valid (spec 4.5.3.3), charging the budget. The size is checked
    /// against the store's page limit and what this machine can address (a
    /// valid 64-bit memory may have up to 2^48 pages, 2^64 bytes) before it
    /// is computed.
    pub(crate) fn alloc_mem_unchecked(&mut self, ty: MemType) -> Result<MemAddr, Exhausted> {
        let page = ty.page_size().unwrap_or(u64::MAX);
        if ty.addr == crate::syntax::AddrType::I64 {
            let limit = self.memory64_byte_limit() / page;
            if ty.limits.min > limit {
                return Err(self
                    .budget
                    .over_limit("memory", ty.limits.min, limit, "pages"));
            }
        }
        let bytes = usize::try_from(page)
            .ok()
            .and_then(|p| bytes_of(ty.limits.min, p))
            .filter(|_| ty.limits.min <= self.page_cap(&ty))
            .ok_or_else(|| {
                let b = ty.limits.min.saturating_mul(page);
                self.budget.machine_refused("memory", b)
            })?;
        self.budget.charge("memory", bytes)?;
        let Some(data) = zeroed(bytes) else {
            self.budget.release(bytes);
            return Err(self.budget.machine_refused("memory", bytes));
        };
        self.mems.push(MemInst { ty, data, grows: 0 });
        Ok(MemAddr(self.mems.len() as u32 - 1, self.id))
    }

    /// Allocates a global holding `v`.
    ///
    /// # Errors
    /// [`Error::Api`] if `v` is not of the global's type or refers to an
    /// object of another store.
    pub fn alloc_global(&mut self, ty: GlobalType, v: Value) -> Result<GlobalAddr, Error> {
        self.own_value(&v)?;
        if !self.has_type(&v, ty.val) {
            return Err(api_err(format!("global value {v} is not a {}", ty.val)));
        }
        Ok(self.alloc_global_slot(ty, slot::from_value(v)))
    }

    pub(crate) fn alloc_global_slot(&mut self, ty: GlobalType, value: Slot) -> GlobalAddr {
        self.globals.push(GlobalInst { ty, value });
        GlobalAddr(self.globals.len() as u32 - 1, self.id)
    }

    /// The type of an external value (spec 7.1.2 `external_type`), with
    /// current sizes as the limits' minimum.
    ///
    /// # Panics
    /// If the address is of another store.
    pub fn extern_type(&self, v: ExternVal) -> ExternType {
        let (id, what) = extern_owner(v);
        self.assert_own(id, what);
        match v {
            ExternVal::Func(f) => ExternType::Func(self.func_type(f).clone()),
            ExternVal::Table(t) => {
                let t = &self.tables[t.0 as usize];
                let mut ty = t.ty;
                ty.limits.min = t.elems.len() as u64;
                ExternType::Table(ty)
            }
            ExternVal::Mem(m) => {
                let m = &self.mems[m.0 as usize];
                let mut ty = m.ty;
                ty.limits.min = m.pages();
                ExternType::Mem(ty)
            }
            ExternVal::Global(g) => ExternType::Global(self.globals[g.0 as usize].ty),
            ExternVal::Tag(t) => {
                ExternType::Tag(self.func_type_of(self.tags[t.0 as usize].type_id).clone())
            }
        }
    }

    pub(crate) fn func_type_id(&self, f: FuncAddr) -> u32 {
        match &self.funcs[f.0 as usize] {
            FuncInst::Wasm(w) => w.type_id,
            FuncInst::Host { type_id, .. } => *type_id,
        }
    }

    /// The module instance that defines wasm function `f` (`None` for a
    /// host function).
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn func_instance(&self, f: FuncAddr) -> Option<InstanceAddr> {
        self.assert_own(f.1, "a function");
        match &self.funcs[f.0 as usize] {
            FuncInst::Wasm(w) => Some(w.inst),
            FuncInst::Host { .. } => None,
        }
    }

    /// The index of a wasm function in the function index space of the
    /// module instance that defines it (`None` for a host function). The JS
    /// API names an Exported Function after it.
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn func_index(&self, f: FuncAddr) -> Option<u32> {
        self.assert_own(f.1, "a function");
        match &self.funcs[f.0 as usize] {
            FuncInst::Wasm(w) => self.instances[w.inst.0 as usize]
                .funcs
                .iter()
                .position(|&a| a == f)
                .map(|i| i as u32),
            FuncInst::Host { .. } => None,
        }
    }

    /// Whether function `f` belongs to the heap type `heap`, a type in the
    /// store's terms (a concrete type is a store type id, as in the types
    /// [`Store::func_type`] returns): spec 3.3.1 reference subtyping for a
    /// value, used where an embedder checks a function reference.
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn func_has_heap_type(&self, f: FuncAddr, heap: HeapType) -> bool {
        self.assert_own(f.1, "a function");
        self.has_type(
            &Value::FuncRef(Some(f)),
            ValType::Ref(crate::syntax::RefType {
                nullable: false,
                heap,
            }),
        )
    }

    /// The dynamic heap type of a non-null reference slot (spec 4.3.x
    /// "Values": the type of a reference value): an exact concrete type for
    /// a function, structure or array (custom descriptors: a value's type
    /// is its type itself, not any supertype), `i31`, `exn`, or `any` for a
    /// host reference.
    pub(crate) fn ref_heap_type(&self, s: Slot) -> HeapType {
        match slot::split(s) {
            Some((Kind::Func, a)) => match self.funcs.get(a as usize) {
                Some(_) => HeapType::Exact(self.func_type_id(FuncAddr(a, self.id))),
                None => HeapType::Bot,
            },
            Some((Kind::Struct | Kind::Array, a)) => {
                match self.heap.get(a, slot::split(s).unwrap().0) {
                    Some(Obj::Struct { ty, .. } | Obj::Array { ty, .. }) => HeapType::Exact(*ty),
                    _ => HeapType::Bot,
                }
            }
            Some((Kind::I31, _)) => HeapType::I31,
            Some((Kind::Exn, _)) => HeapType::Exn,
            Some((Kind::Host, _)) => HeapType::Any,
            None => HeapType::Bot,
        }
    }

    /// Whether reference slot `s` is of reference type `t` in the store's
    /// terms (spec 4.4.x `ref.test`: the value's type matches `t`). The
    /// hierarchy is `t`'s; a host reference in the extern hierarchy is
    /// any non-null `externref`.
    pub(crate) fn ref_matches(&self, s: Slot, t: crate::syntax::RefType) -> bool {
        if s == 0 {
            return t.nullable;
        }
        match self.types.top(t.heap) {
            // Every non-null extern value is an `externref`; none is a
            // `noextern`.
            HeapType::Extern => t.heap == HeapType::Extern,
            _ => self.types.heap_sub(self.ref_heap_type(s), t.heap),
        }
    }

    /// Whether a value is of type `t` in the store's terms (spec 7.1.x
    /// "Values": what the embedder may pass where `t` is expected). A
    /// reference to an object of another store is of no type here.
    pub fn has_type(&self, v: &Value, t: ValType) -> bool {
        if !v.has_type(t) || value_owner(v).is_some_and(|(id, _)| id != self.id) {
            return false;
        }
        let ValType::Ref(r) = t else { return true };
        // The value's own hierarchy must be `t`'s (checked above), its
        // objects alive, and its concrete type a subtype of `t`.
        let s = slot::from_value(*v);
        match *v {
            Value::FuncRef(Some(f)) if f.0 as usize >= self.funcs.len() => false,
            Value::ExnRef(Some(e)) => self.is_exn(e),
            Value::AnyRef(Some(AnyRef::Struct(StructAddr(a, _))))
            | Value::ExternRef(Some(AnyRef::Struct(StructAddr(a, _)))) => {
                self.heap.get(a, Kind::Struct).is_some() && self.ref_matches(s, r)
            }
            Value::AnyRef(Some(AnyRef::Array(ArrayAddr(a, _))))
            | Value::ExternRef(Some(AnyRef::Array(ArrayAddr(a, _)))) => {
                self.heap.get(a, Kind::Array).is_some() && self.ref_matches(s, r)
            }
            _ => self.ref_matches(s, r),
        }
    }

    /// Checks `vs` against `ts` for an argument or result list.
    #[inline]
    pub(crate) fn check_values(
        &self,
        what: &str,
        vs: &[Value],
        ts: &[ValType],
    ) -> Result<(), Error> {
        // The common case, numbers of the right types, without a call: a
        // host call checks its results every time.
        if vs.len() == ts.len() && vs.iter().zip(ts).all(|(v, t)| is_number_of(v, *t)) {
            return Ok(());
        }
        self.check_values_fully(what, vs, ts)
    }

    /// `check_values` for references, and for values that fail it.
    fn check_values_fully(&self, what: &str, vs: &[Value], ts: &[ValType]) -> Result<(), Error> {
        if vs.len() != ts.len() {
            return Err(Error::Api(format!(
                "{what}: expected {} values, got {}",
                ts.len(),
                vs.len()
            )));
        }
        for (i, (v, t)) in vs.iter().zip(ts).enumerate() {
            if is_number_of(v, *t) {
                continue;
            }
            if let Some((id, kind)) = value_owner(v)
                && id != self.id
            {
                return Err(Error::Api(format!(
                    "{what}: value {i} is {kind} of another store"
                )));
            }
            if !self.has_type(v, *t) {
                return Err(Error::Api(format!(
                    "{what}: value {i} ({v}) is not of type {t}"
                )));
            }
        }
        Ok(())
    }

    /// Drops an element instance (spec 4.4.6 `elem.drop`, and 4.5.4 for
    /// passive and declarative segments at instantiation), giving its bytes
    /// back to the budget they were charged to.
    pub(crate) fn drop_elem(&mut self, ea: u32) {
        let elems = std::mem::take(&mut self.elems[ea as usize].elems);
        self.budget
            .release((elems.len() as u64).saturating_mul(size_of::<Slot>() as u64));
    }

    /// The value of slot `s` read at type `t` (store terms).
    pub(crate) fn slot_value(&self, s: Slot, t: ValType) -> Value {
        slot::to_value(s, t, self.id, |x| self.types.top(HeapType::Concrete(x)))
    }

    /// The default value of a type (spec 4.2.1 "default value": zero, or
    /// null), in the store's terms; `None` for a non-nullable reference.
    pub fn default_value(&self, t: ValType) -> Option<Value> {
        match t {
            ValType::Ref(r) if !r.nullable => None,
            t => Some(self.slot_value(0, t)),
        }
    }

    /// The top of the hierarchy of a heap type in the store's terms: `any`,
    /// `func`, `extern` or `exn`.
    pub fn top_heap_type(&self, h: HeapType) -> HeapType {
        match h {
            HeapType::Concrete(x) | HeapType::Exact(x) if x as usize >= self.types.len() => {
                HeapType::Bot
            }
            h => self.types.top(h),
        }
    }

    // ---- Garbage collection (decision D14) ----

    /// Registers a computation's slots as roots for as long as it lives.
    pub(crate) fn register_computation(&mut self, slots: &Rc<RefCell<Slots>>) {
        // Forget finished computations now and then, so that the registry
        // stays within twice what is alive.
        if self.comps.len() >= 2 * self.comps_alive + 64 {
            self.comps.retain(|w| w.strong_count() > 0);
            self.comps_alive = self.comps.len();
        }
        self.comps.push(Rc::downgrade(slots));
    }

    /// Collects garbage now (spec 4.2.3: objects no root can reach are
    /// gone). The roots are the store's globals, tables and element
    /// segments, every computation that is not running (suspended, or in a
    /// host call), the slots `running` gives (the computation that asks, if
    /// any), and what the embedder rooted ([`Store::root`]).
    pub(crate) fn collect_with(&mut self, running: &[Slot]) -> GcStats {
        let Store {
            heap,
            globals,
            tables,
            elems,
            comps,
            types,
            ..
        } = self;
        comps.retain(|w| w.strong_count() > 0);
        self.comps_alive = comps.len();
        let comps = &*comps;
        let before = heap.bytes();
        let stats = heap.collect(|visit| {
            for g in globals.iter() {
                if g.ty.val.is_ref() {
                    visit(g.value);
                }
            }
            for t in tables.iter() {
                // Functions are not collected: funcref tables hold nothing.
                if types.top(t.ty.elem.heap) != HeapType::Func {
                    t.elems.iter().for_each(|s| visit(*s));
                }
            }
            for e in elems.iter() {
                e.elems.iter().for_each(|s| visit(*s));
            }
            for c in comps {
                if let Some(c) = c.upgrade()
                    && let Ok(c) = c.try_borrow()
                {
                    c.vals[..c.sp.min(c.vals.len())]
                        .iter()
                        .for_each(|s| visit(*s));
                }
            }
            running.iter().for_each(|s| visit(*s));
        });
        // What the collection freed goes back to the store's budget.
        self.budget.release(before.saturating_sub(heap.bytes()));
        stats
    }

    /// Collects garbage now (spec 4.2.3: objects no root can reach are
    /// gone). The roots are the store's globals, tables and element
    /// segments, every computation that is not running (suspended, or in a
    /// host call) and what the embedder rooted ([`Store::root`]). Addresses
    /// of objects that were neither rooted nor reachable are invalid
    /// afterwards.
    pub fn collect_garbage(&mut self) -> GcStats {
        self.collect_with(&[])
    }

    /// How many collections have run in this store, implicitly (when an
    /// allocation in wasm found the heap grown) or by
    /// [`Store::collect_garbage`].
    pub fn collections(&self) -> u64 {
        self.heap.collections()
    }

    /// Bytes the heap holds now (objects not collected yet included).
    pub fn heap_bytes(&self) -> u64 {
        self.heap.bytes()
    }

    /// The most bytes the heap has held at once since the store was made.
    pub fn heap_peak_bytes(&self) -> u64 {
        self.heap.peak()
    }

    /// Whether the last collection found host reference `a` reachable from
    /// wasm (a global, table, segment, object, suspended or running
    /// computation). An embedder that maps host references to its own
    /// values may release those the last collection did not reach, and
    /// that it does not hold itself.
    pub fn host_ref_reachable(&self, a: ExternAddr) -> bool {
        self.heap.host_reached(a.0)
    }

    /// Keeps the structure, array or exception a value refers to alive,
    /// whatever else refers to it, until as many [`Store::unroot`]s. Other
    /// values need no rooting.
    ///
    /// # Panics
    /// If the value refers to an object of another store.
    pub fn root(&mut self, v: &Value) {
        if let Some((id, what)) = value_owner(v) {
            self.assert_own(id, what);
        }
        if let Some(a) = heap_addr(v) {
            self.heap.root(a);
        }
    }

    /// Undoes one [`Store::root`] of the same value.
    ///
    /// # Panics
    /// If the value refers to an object of another store.
    pub fn unroot(&mut self, v: &Value) {
        if let Some((id, what)) = value_owner(v) {
            self.assert_own(id, what);
        }
        if let Some(a) = heap_addr(v) {
            self.heap.unroot(a);
        }
    }

    /// Allocates a tag of type `ty`, whose results must be empty.
    ///
    /// # Errors
    /// [`Error::Api`] if `ty` has results.
    pub fn alloc_tag(&mut self, ty: FuncType) -> Result<TagAddr, Error> {
        if !ty.results.is_empty() {
            return Err(api_err("a tag's type has no results"));
        }
        let type_id = self.intern(&ty);
        self.tags.push(TagInst { type_id });
        Ok(TagAddr(self.tags.len() as u32 - 1, self.id))
    }

    /// The parameter types of a tag.
    ///
    /// # Panics
    /// If the tag is of another store.
    pub fn tag_type(&self, t: TagAddr) -> &FuncType {
        self.assert_own(t.1, "a tag");
        self.func_type_of(self.tags[t.0 as usize].type_id)
    }

    /// Allocates an exception of tag `t` with these fields.
    ///
    /// # Errors
    /// [`Error::Api`] if the tag is of another store or the fields do not
    /// match its parameters.
    pub fn alloc_exn(&mut self, t: TagAddr, fields: &[Value]) -> Result<ExnAddr, Error> {
        self.own(t.1, "a tag")?;
        if t.0 as usize >= self.tags.len() {
            return Err(api_err("no such tag"));
        }
        self.check_values("exception fields", fields, &self.tag_type(t).params.clone())?;
        let fields = fields.iter().map(|v| slot::from_value(*v)).collect();
        self.alloc_exn_slots(t, fields)
            .map_err(|_| api_err("the heap budget cannot hold the exception"))
    }

    /// Allocates an exception (outside the interpreter: no collection).
    pub(crate) fn alloc_exn_slots(
        &mut self,
        tag: TagAddr,
        fields: Vec<Slot>,
    ) -> Result<ExnAddr, Trap> {
        let obj = Obj::Exn {
            tag,
            fields: fields.into_boxed_slice(),
        };
        let id = self.id;
        self.alloc_obj(obj).map(|a| ExnAddr(a, id))
    }

    /// Whether the heap can take `size` more bytes: within
    /// `Limits::max_heap_bytes` and the store's budget (decision D19).
    ///
    /// # Errors
    /// The exhaustion trap that an allocation of that size gets.
    pub(crate) fn heap_room(&self, size: u64) -> Result<(), Trap> {
        let limit = self.config.limits.max_heap_bytes;
        let total = self.heap.bytes().saturating_add(size);
        if total > limit {
            let e = self.budget.over_limit("GC heap", total, limit, "bytes");
            return Err(Trap::OutOfMemory(e.to_string()));
        }
        if self.budget.used().saturating_add(size) > self.budget.limit() {
            let e = self.budget.charge("GC object", size).unwrap_err();
            return Err(Trap::OutOfMemory(e.to_string()));
        }
        Ok(())
    }

    /// Puts an object in the heap within the heap's limit, charging the
    /// store's budget for it (given back when it is collected).
    pub(crate) fn alloc_obj(&mut self, o: Obj) -> Result<u32, Trap> {
        let size = o.size();
        self.heap_room(size)?;
        self.budget
            .charge("GC object", size)
            .map_err(|e| Trap::OutOfMemory(e.to_string()))?;
        match self.heap.alloc(o, self.config.limits.max_heap_bytes) {
            Some(a) => Ok(a),
            None => {
                self.budget.release(size);
                Err(Trap::OutOfMemory(
                    "the GC heap has no address left for another object".into(),
                ))
            }
        }
    }

    /// The exception at `e`, if it is one of this store's live exceptions.
    fn exn(&self, e: ExnAddr) -> Option<(TagAddr, &[Slot])> {
        if e.1 != self.id {
            return None;
        }
        match self.heap.get(e.0, Kind::Exn)? {
            Obj::Exn { tag, fields } => Some((*tag, fields)),
            _ => None,
        }
    }

    /// The fields of a live exception.
    pub(crate) fn exn_slots(&self, e: ExnAddr) -> &[Slot] {
        self.exn(e).expect("a live exception of this store").1
    }

    /// Whether `e` is a live exception of this store.
    pub fn is_exn(&self, e: ExnAddr) -> bool {
        self.exn(e).is_some()
    }

    /// An exception's tag.
    ///
    /// # Panics
    /// If the exception is of another store, or no longer alive.
    pub fn exn_tag(&self, e: ExnAddr) -> TagAddr {
        self.assert_own(e.1, "an exception");
        self.exn(e).expect("a live exception of this store").0
    }

    /// An exception's fields.
    ///
    /// # Panics
    /// If the exception is of another store, or no longer alive.
    pub fn exn_fields(&self, e: ExnAddr) -> Vec<Value> {
        self.assert_own(e.1, "an exception");
        let (tag, fields) = self.exn(e).expect("a live exception of this store");
        fields
            .iter()
            .zip(&self.tag_type(tag).params)
            .map(|(s, t)| self.slot_value(*s, *t))
            .collect()
    }

    /// A function's type.
    ///
    /// # Panics
    /// If the function is of another store.
    pub fn func_type(&self, f: FuncAddr) -> &FuncType {
        self.assert_own(f.1, "a function");
        self.func_type_of(self.func_type_id(f))
    }

    /// A global's current value.
    ///
    /// # Panics
    /// If the global is of another store.
    pub fn global_get(&self, g: GlobalAddr) -> Value {
        self.assert_own(g.1, "a global");
        let g = &self.globals[g.0 as usize];
        self.slot_value(g.value, g.ty.val)
    }

    /// Sets a mutable global.
    ///
    /// # Errors
    /// [`Error::Api`] if the global is of another store or immutable, or
    /// `v` is of the wrong type or refers to an object of another store.
    pub fn global_set(&mut self, g: GlobalAddr, v: Value) -> Result<(), Error> {
        self.own(g.1, "a global")?;
        self.own_value(&v)?;
        let ty = self
            .globals
            .get(g.0 as usize)
            .ok_or_else(|| api_err("no such global"))?
            .ty;
        if ty.mutability != Mut::Var {
            return Err(api_err("global is immutable"));
        }
        if !self.has_type(&v, ty.val) {
            return Err(api_err(format!("{v} is not a {}", ty.val)));
        }
        self.globals[g.0 as usize].value = slot::from_value(v);
        Ok(())
    }

    /// A memory's bytes.
    ///
    /// # Panics
    /// If the memory is of another store.
    pub fn mem_data(&self, m: MemAddr) -> &[u8] {
        self.assert_own(m.1, "a memory");
        self.mems[m.0 as usize].data.as_slice()
    }

    /// Where a memory's bytes are allocated. The block stays the same until
    /// the memory grows (a grow may move the bytes, changes the length
    /// unless it is by 0 pages, and always counts in `grows`) or the store
    /// is dropped; the bytes are freed then as an allocation of `capacity`
    /// bytes aligned to [`MEM_ALIGN`].
    ///
    /// # Panics
    /// If the memory is of another store.
    pub fn mem_block(&mut self, m: MemAddr) -> MemBlock {
        self.assert_own(m.1, "a memory");
        let grows = self.mems[m.0 as usize].grows;
        let data = &mut self.mems[m.0 as usize].data;
        MemBlock {
            ptr: data.as_mut_ptr(),
            len: data.len(),
            capacity: data.capacity(),
            grows,
        }
    }

    /// A memory's bytes, writable.
    ///
    /// # Panics
    /// If the memory is of another store.
    pub fn mem_data_mut(&mut self, m: MemAddr) -> &mut [u8] {
        self.assert_own(m.1, "a memory");
        self.mems[m.0 as usize].data.as_mut_slice()
    }

    /// A memory's size in its pages (spec 4.4.7 `memory.size`).
    ///
    /// # Panics
    /// If the memory is of another store.
    pub fn mem_size(&self, m: MemAddr) -> u64 {
        self.assert_own(m.1, "a memory");
        self.mems[m.0 as usize].pages()
    }

    /// Grows a memory by `delta` pages (spec 4.5.3.9, with custom page
    /// sizes' pages); the old size in pages, or `None` if it cannot grow
    /// (past its maximum, past the store's budget, or past what the machine
    /// gives).
    ///
    /// # Panics
    /// If the memory is of another store.
    pub fn mem_grow(&mut self, m: MemAddr, delta: u64) -> Option<u64> {
        self.assert_own(m.1, "a memory");
        let max = self.max_pages(&self.mems[m.0 as usize].ty);
        let mem = &mut self.mems[m.0 as usize];
        let page = mem.ty.page_size()?;
        let old = mem.pages();
        let new = old.checked_add(delta).filter(|&n| n <= max)?;
        if delta > 0 {
            let added = delta.checked_mul(page)?;
            let len = usize::try_from(new.checked_mul(page)?).ok()?;
            self.budget.charge("memory", added).ok()?;
            // Capacity is reserved ahead (doubling, else exactly what is
            // needed), so a loop of small grows costs the bytes added, not
            // the whole memory again each time: the allocator moves an
            // allocation aligned to `MEM_ALIGN` by copying it.
            let more = len - mem.data.len();
            if mem.data.try_reserve(more).is_err() && mem.data.try_reserve_exact(more).is_err() {
                self.budget.release(added);
                return None;
            }
            extend_zeroed(&mut mem.data, len);
        }
        mem.grows += 1;
        Some(old)
    }

    /// A table's size in elements.
    ///
    /// # Panics
    /// If the table is of another store.
    pub fn table_size(&self, t: TableAddr) -> u64 {
        self.assert_own(t.1, "a table");
        self.tables[t.0 as usize].elems.len() as u64
    }

    /// A table element, or `None` past the end.
    ///
    /// # Panics
    /// If the table is of another store.
    pub fn table_get(&self, t: TableAddr, i: u64) -> Option<Value> {
        self.assert_own(t.1, "a table");
        let t = &self.tables[t.0 as usize];
        let s = *t.elems.get(usize::try_from(i).ok()?)?;
        Some(self.slot_value(s, ValType::Ref(t.ty.elem)))
    }

    /// Sets a table element.
    ///
    /// # Errors
    /// [`Error::Api`] for a table of another store, past the end, or for a
    /// value of the wrong type or that refers to an object of another store.
    pub fn table_set(&mut self, t: TableAddr, i: u64, v: Value) -> Result<(), Error> {
        self.own(t.1, "a table")?;
        self.own_value(&v)?;
        let elem = self
            .tables
            .get(t.0 as usize)
            .ok_or_else(|| api_err("no such table"))?
            .ty
            .elem;
        if !self.has_type(&v, ValType::Ref(elem)) {
            return Err(api_err(format!("{v} is not a {elem}")));
        }
        let t = &mut self.tables[t.0 as usize];
        let e = usize::try_from(i)
            .ok()
            .and_then(|i| t.elems.get_mut(i))
            .ok_or_else(|| api_err("table index out of bounds"))?;
        *e = slot::from_value(v);
        Ok(())
    }

    /// Grows a table by `delta` elements set to `init` (spec 4.5.3.8); the old
    /// size, or `None` if it cannot grow or `init` is not of its element
    /// type in this store (a reference to an object of another store is not).
    ///
    /// # Panics
    /// If the table is of another store.
    pub fn table_grow(&mut self, t: TableAddr, delta: u64, init: Value) -> Option<u64> {
        self.assert_own(t.1, "a table");
        let ty = self.tables[t.0 as usize].ty.elem;
        if !self.has_type(&init, ValType::Ref(ty)) {
            return None;
        }
        self.table_grow_slots(t, delta, slot::from_value(init))
    }

    pub(crate) fn table_grow_slots(&mut self, t: TableAddr, delta: u64, init: Slot) -> Option<u64> {
        let t = &mut self.tables[t.0 as usize];
        let old = t.elems.len() as u64;
        let new = old.checked_add(delta)?;
        let cap =
            t.ty.limits
                .max
                .unwrap_or(u32::MAX as u64)
                .min(u32::MAX as u64)
                .min(self.config.limits.max_table_size);
        // A practical bound too: ten million entries at a time is plenty for
        // a reference engine; the store's budget bounds the total.
        if new > cap || delta > 10_000_000 {
            return None;
        }
        let added = bytes_of(delta, size_of::<Slot>())?;
        self.budget.charge("table", added).ok()?;
        if t.elems.try_reserve(delta as usize).is_err() {
            self.budget.release(added);
            return None;
        }
        t.elems.resize(new as usize, init);
        Some(old)
    }

    /// Invokes a function (spec 4.5.5) with no fuel limit.
    ///
    /// # Errors
    /// [`Error::Api`] if the function is of another store, or the arguments
    /// do not match its type or refer to objects of another store.
    pub fn invoke(&mut self, f: FuncAddr, args: &[Value]) -> Result<Exit, Error> {
        crate::exec::invoke(self, f, args, u64::MAX)
    }

    /// Invokes a function, suspending with
    /// [`SuspendReason::OutOfFuel`](crate::SuspendReason::OutOfFuel) once
    /// `fuel` steps have run (a step is one instruction of the compiled form, decision D20).
    ///
    /// # Errors
    /// As [`Store::invoke`].
    pub fn invoke_with_fuel(
        &mut self,
        f: FuncAddr,
        args: &[Value],
        fuel: u64,
    ) -> Result<Exit, Error> {
        crate::exec::invoke(self, f, args, fuel)
    }

    /// Whether `f` is an address of this store.
    pub(crate) fn check_func(&self, f: FuncAddr) -> Result<(), Error> {
        self.own(f.1, "a function")?;
        if (f.0 as usize) < self.funcs.len() {
            Ok(())
        } else {
            Err(api_err(format!("no function at address {}", f.0)))
        }
    }
}

/// The heap address a value refers to, if it refers into the heap.
fn heap_addr(v: &Value) -> Option<u32> {
    match *v {
        Value::ExnRef(Some(ExnAddr(a, _)))
        | Value::AnyRef(Some(AnyRef::Struct(StructAddr(a, _)) | AnyRef::Array(ArrayAddr(a, _))))
        | Value::ExternRef(Some(
            AnyRef::Struct(StructAddr(a, _)) | AnyRef::Array(ArrayAddr(a, _)),
        )) => Some(a),
        _ => None,
    }
}

/// `n` zero bytes aligned to `MEM_ALIGN`, or `None` if that much cannot be
/// had (a fallible reservation: what the machine clearly cannot give is
/// refused without aborting). The bytes are written with zeros: Rust's
/// system allocator zeroes memory at this alignment by writing it too
/// (`calloc`, which leaves untouched pages unmapped, serves only alignments
/// up to 16).
fn zeroed(n: u64) -> Option<MemBytes> {
    let n = usize::try_from(n).ok()?;
    if n > isize::MAX as usize {
        return None;
    }
    let mut data = MemBytes::new(MEM_ALIGN);
    data.try_reserve_exact(n).ok()?;
    extend_zeroed(&mut data, n);
    Some(data)
}

/// Appends zeros to `data` up to `len` bytes, a block at a time (a copy
/// of a block of zeros, where `resize` writes byte by byte).
fn extend_zeroed(data: &mut MemBytes, len: usize) {
    const ZEROS: [u8; 4096] = [0; 4096];
    while data.len() < len {
        data.extend_from_slice(&ZEROS[..ZEROS.len().min(len - data.len())]);
    }
}
