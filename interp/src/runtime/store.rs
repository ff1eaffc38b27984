//! The store (spec 4.2.3): every function, table, memory, global, element and
//! data instance, and every module instance, in arenas addressed by index.
//!
//! Addresses are plain indices into these arenas, so a suspended computation
//! refers into the store without borrowing it. Each store has a unique id,
//! and a suspended computation remembers the id of the store it ran in.

use super::budget::{Budget, Exhausted, bytes_of};
use super::slot::{self, Slot};
use crate::api::*;
use crate::exec::Exit;
use crate::module::Module;
use crate::syntax::{FuncType, GlobalType, Instr, MemType, Mut, TableType, ValType};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The size of a memory page (spec 4.2.8).
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
    pub(crate) code: Rc<[Instr]>,
    pub(crate) handlers: Rc<[crate::syntax::Handler]>,
    pub(crate) num_params: u32,
    /// Declared locals, not counting parameters.
    pub(crate) num_locals: u32,
    pub(crate) num_results: u32,
    pub(crate) max_height: u32,
}

/// A table instance (spec 4.2.7).
pub(crate) struct TableInst {
    pub(crate) ty: TableType,
    pub(crate) elems: Vec<Slot>,
}

/// A memory instance (spec 4.2.8).
pub(crate) struct MemInst {
    pub(crate) ty: MemType,
    pub(crate) data: Vec<u8>,
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

/// An exception instance (exception handling): its tag and fields.
pub(crate) struct ExnInst {
    pub(crate) tag: TagAddr,
    pub(crate) fields: Vec<Slot>,
}

/// A module instance (spec 4.2.5): the addresses behind each index space.
#[derive(Default)]
pub(crate) struct ModuleInst {
    /// Interned type id of each of the module's types.
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

static NEXT_STORE_ID: AtomicU64 = AtomicU64::new(1);

/// All runtime objects of a program, owned in arenas and referred to by
/// address (spec 4.2.3). Suspended computations refer into a store by
/// address only, so they borrow nothing from it.
pub struct Store {
    pub(crate) id: u64,
    config: Config,
    /// Interned function types: equal types get equal ids, so
    /// `call_indirect` compares two integers.
    pub(crate) types: Vec<FuncType>,
    type_ids: HashMap<FuncType, u32>,
    pub(crate) funcs: Vec<FuncInst>,
    pub(crate) tables: Vec<TableInst>,
    pub(crate) mems: Vec<MemInst>,
    pub(crate) globals: Vec<GlobalInst>,
    pub(crate) elems: Vec<ElemInst>,
    pub(crate) datas: Vec<DataInst>,
    pub(crate) instances: Vec<ModuleInst>,
    pub(crate) tags: Vec<TagInst>,
    /// Every exception ever thrown. There is no garbage collection yet, so
    /// they stay until the store is dropped.
    pub(crate) exns: Vec<ExnInst>,
    /// How many host functions called from wasm are running now. A
    /// computation started while this is above zero runs inside a host call
    /// and may not suspend at a host function (decision D4).
    pub(crate) host_depth: u32,
    /// What the store may still allocate (decision D14).
    pub(crate) budget: Budget,
}

#[cold]
pub(crate) fn api_err(m: impl Into<String>) -> Error {
    Error::Api(m.into())
}

impl Store {
    /// An empty store.
    pub fn new(config: Config) -> Self {
        Store {
            id: NEXT_STORE_ID.fetch_add(1, Ordering::Relaxed),
            config,
            types: Vec::new(),
            type_ids: HashMap::new(),
            funcs: Vec::new(),
            tables: Vec::new(),
            mems: Vec::new(),
            globals: Vec::new(),
            elems: Vec::new(),
            datas: Vec::new(),
            instances: Vec::new(),
            tags: Vec::new(),
            exns: Vec::new(),
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

    /// The interned id of a function type.
    pub(crate) fn intern(&mut self, t: &FuncType) -> u32 {
        if let Some(&id) = self.type_ids.get(t) {
            return id;
        }
        let id = self.types.len() as u32;
        self.types.push(t.clone());
        self.type_ids.insert(t.clone(), id);
        id
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
    pub fn export(&self, inst: InstanceAddr, name: &str) -> Option<ExternVal> {
        let i = self.instances.get(inst.0 as usize)?;
        i.exports.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }

    /// All of an instance's exports, in order.
    pub fn exports(&self, inst: InstanceAddr) -> Vec<(String, ExternVal)> {
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
        FuncAddr(self.funcs.len() as u32 - 1)
    }

    /// Allocates a table whose elements are all `init`.
    ///
    /// # Errors
    /// [`Error::Api`] if `init` is not of the element type or the limits are invalid.
    pub fn alloc_table(&mut self, ty: TableType, init: Value) -> Result<TableAddr, Error> {
        if !init.has_type(ValType::Ref(ty.elem)) {
            return Err(api_err(format!(
                "table initial value {init} is not a {:?}",
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
        Ok(TableAddr(self.tables.len() as u32 - 1))
    }

    /// Allocates a memory of `ty.limits.min` zeroed pages.
    ///
    /// # Errors
    /// [`Error::Api`] if the limits are invalid or the size cannot be allocated.
    pub fn alloc_mem(&mut self, ty: MemType) -> Result<MemAddr, Error> {
        if ty.limits.max.is_some_and(|m| m < ty.limits.min) || ty.limits.min > self.max_pages(&ty) {
            return Err(api_err("invalid memory limits"));
        }
        self.alloc_mem_unchecked(ty)
            .map_err(|e| api_err(e.to_string()))
    }

    /// The most pages a memory of this type may have (spec 4.2.8), further
    /// capped by what this machine can address.
    pub(crate) fn max_pages(&self, ty: &MemType) -> u64 {
        let spec = match ty.addr {
            crate::syntax::AddrType::I32 => 1 << 16,
            crate::syntax::AddrType::I64 => 1 << 48,
        };
        let hard = (isize::MAX as u64) / PAGE_SIZE;
        spec.min(hard).min(ty.limits.max.unwrap_or(u64::MAX))
    }

    /// Allocates a memory of `ty.limits.min` pages whose type is already
    /// valid (spec 4.5.3.3), charging the budget. The size is checked
    /// against what this machine can address (a valid 64-bit memory may
    /// have up to 2^48 pages, 2^64 bytes) before it is computed.
    pub(crate) fn alloc_mem_unchecked(&mut self, ty: MemType) -> Result<MemAddr, Exhausted> {
        let bytes = bytes_of(ty.limits.min, PAGE_SIZE as usize)
            .filter(|_| ty.limits.min <= self.max_pages(&ty))
            .ok_or_else(|| {
                let b = ty.limits.min.saturating_mul(PAGE_SIZE);
                self.budget.machine_refused("memory", b)
            })?;
        self.budget.charge("memory", bytes)?;
        let Some(data) = zeroed(bytes) else {
            self.budget.release(bytes);
            return Err(self.budget.machine_refused("memory", bytes));
        };
        self.mems.push(MemInst { ty, data });
        Ok(MemAddr(self.mems.len() as u32 - 1))
    }

    /// Allocates a global holding `v`.
    ///
    /// # Errors
    /// [`Error::Api`] if `v` is not of the global's type.
    pub fn alloc_global(&mut self, ty: GlobalType, v: Value) -> Result<GlobalAddr, Error> {
        if !v.has_type(ty.val) {
            return Err(api_err(format!("global value {v} is not a {:?}", ty.val)));
        }
        Ok(self.alloc_global_slot(ty, slot::from_value(v)))
    }

    pub(crate) fn alloc_global_slot(&mut self, ty: GlobalType, value: Slot) -> GlobalAddr {
        self.globals.push(GlobalInst { ty, value });
        GlobalAddr(self.globals.len() as u32 - 1)
    }

    /// The type of an external value (spec 7.1.2 `external_type`), with
    /// current sizes as the limits' minimum.
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn extern_type(&self, v: ExternVal) -> ExternType {
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
                ty.limits.min = m.data.len() as u64 / PAGE_SIZE;
                ExternType::Mem(ty)
            }
            ExternVal::Global(g) => ExternType::Global(self.globals[g.0 as usize].ty),
            ExternVal::Tag(t) => {
                ExternType::Tag(self.types[self.tags[t.0 as usize].type_id as usize].clone())
            }
        }
    }

    pub(crate) fn func_type_id(&self, f: FuncAddr) -> u32 {
        match &self.funcs[f.0 as usize] {
            FuncInst::Wasm(w) => w.type_id,
            FuncInst::Host { type_id, .. } => *type_id,
        }
    }

    /// The index of a wasm function in the function index space of the
    /// module instance that defines it (`None` for a host function). The JS
    /// API names an Exported Function after it.
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn func_index(&self, f: FuncAddr) -> Option<u32> {
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
    pub fn func_has_heap_type(&self, f: FuncAddr, heap: crate::syntax::HeapType) -> bool {
        use crate::syntax::HeapType;
        match heap {
            HeapType::Func => true,
            HeapType::Concrete(id) => self.func_type_id(f) == id,
            _ => false,
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
        Ok(TagAddr(self.tags.len() as u32 - 1))
    }

    /// The parameter types of a tag.
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn tag_type(&self, t: TagAddr) -> &FuncType {
        &self.types[self.tags[t.0 as usize].type_id as usize]
    }

    /// Allocates an exception of tag `t` with these fields.
    ///
    /// # Errors
    /// [`Error::Api`] if the fields do not match the tag's parameters.
    pub fn alloc_exn(&mut self, t: TagAddr, fields: &[Value]) -> Result<ExnAddr, Error> {
        if t.0 as usize >= self.tags.len() {
            return Err(api_err("no such tag"));
        }
        check_values("exception fields", fields, &self.tag_type(t).params.clone())?;
        Ok(self.alloc_exn_slots(t, fields.iter().map(|v| slot::from_value(*v)).collect()))
    }

    pub(crate) fn alloc_exn_slots(&mut self, tag: TagAddr, fields: Vec<Slot>) -> ExnAddr {
        self.exns.push(ExnInst { tag, fields });
        ExnAddr(self.exns.len() as u32 - 1)
    }

    /// An exception's tag.
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn exn_tag(&self, e: ExnAddr) -> TagAddr {
        self.exns[e.0 as usize].tag
    }

    /// An exception's fields.
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn exn_fields(&self, e: ExnAddr) -> Vec<Value> {
        let x = &self.exns[e.0 as usize];
        x.fields
            .iter()
            .zip(&self.tag_type(x.tag).params)
            .map(|(s, t)| slot::to_value(*s, *t))
            .collect()
    }

    /// A function's type.
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn func_type(&self, f: FuncAddr) -> &FuncType {
        &self.types[self.func_type_id(f) as usize]
    }

    /// A global's current value.
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn global_get(&self, g: GlobalAddr) -> Value {
        let g = &self.globals[g.0 as usize];
        slot::to_value(g.value, g.ty.val)
    }

    /// Sets a mutable global.
    ///
    /// # Errors
    /// [`Error::Api`] if the global is immutable or `v` is of the wrong type.
    pub fn global_set(&mut self, g: GlobalAddr, v: Value) -> Result<(), Error> {
        let g = self
            .globals
            .get_mut(g.0 as usize)
            .ok_or_else(|| api_err("no such global"))?;
        if g.ty.mutability != Mut::Var {
            return Err(api_err("global is immutable"));
        }
        if !v.has_type(g.ty.val) {
            return Err(api_err(format!("{v} is not a {:?}", g.ty.val)));
        }
        g.value = slot::from_value(v);
        Ok(())
    }

    /// A memory's bytes.
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn mem_data(&self, m: MemAddr) -> &[u8] {
        &self.mems[m.0 as usize].data
    }

    /// A memory's bytes, writable.
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn mem_data_mut(&mut self, m: MemAddr) -> &mut [u8] {
        &mut self.mems[m.0 as usize].data
    }

    /// Grows a memory by `delta` pages (spec 4.5.3.9); the old size in
    /// pages, or `None` if it cannot grow (past its maximum, past the
    /// store's budget, or past what the machine gives).
    pub fn mem_grow(&mut self, m: MemAddr, delta: u64) -> Option<u64> {
        let max = self.max_pages(&self.mems[m.0 as usize].ty);
        let mem = &mut self.mems[m.0 as usize];
        let old = mem.data.len() as u64 / PAGE_SIZE;
        let new = old.checked_add(delta).filter(|&n| n <= max)?;
        if delta > 0 {
            let added = delta.checked_mul(PAGE_SIZE)?;
            let len = usize::try_from(new.checked_mul(PAGE_SIZE)?).ok()?;
            self.budget.charge("memory", added).ok()?;
            // Grown in place where the allocator can (a large block is
            // remapped, not copied), so a loop of small grows costs the
            // bytes added, not the whole memory again each time.
            if mem.data.try_reserve_exact(len - mem.data.len()).is_err() {
                self.budget.release(added);
                return None;
            }
            mem.data.resize(len, 0);
        }
        Some(old)
    }

    /// A table's size in elements.
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn table_size(&self, t: TableAddr) -> u64 {
        self.tables[t.0 as usize].elems.len() as u64
    }

    /// A table element, or `None` past the end.
    ///
    /// # Panics
    /// If the address is not of this store.
    pub fn table_get(&self, t: TableAddr, i: u64) -> Option<Value> {
        let t = &self.tables[t.0 as usize];
        let s = *t.elems.get(usize::try_from(i).ok()?)?;
        Some(slot::to_value(s, ValType::Ref(t.ty.elem)))
    }

    /// Sets a table element.
    ///
    /// # Errors
    /// [`Error::Api`] past the end or for a value of the wrong type.
    pub fn table_set(&mut self, t: TableAddr, i: u64, v: Value) -> Result<(), Error> {
        let t = self
            .tables
            .get_mut(t.0 as usize)
            .ok_or_else(|| api_err("no such table"))?;
        if !v.has_type(ValType::Ref(t.ty.elem)) {
            return Err(api_err(format!("{v} is not a {:?}", t.ty.elem)));
        }
        let e = usize::try_from(i)
            .ok()
            .and_then(|i| t.elems.get_mut(i))
            .ok_or_else(|| api_err("table index out of bounds"))?;
        *e = slot::from_value(v);
        Ok(())
    }

    /// Grows a table by `delta` elements set to `init` (spec 4.5.3.8); the old
    /// size, or `None` if it cannot grow.
    pub fn table_grow(&mut self, t: TableAddr, delta: u64, init: Value) -> Option<u64> {
        let ty = self.tables[t.0 as usize].ty.elem;
        if !init.has_type(ValType::Ref(ty)) {
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
                .min(u32::MAX as u64);
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
    /// [`Error::Api`] if the arguments do not match the function's type.
    pub fn invoke(&mut self, f: FuncAddr, args: &[Value]) -> Result<Exit, Error> {
        crate::exec::invoke(self, f, args, u64::MAX)
    }

    /// Invokes a function, suspending with
    /// [`SuspendReason::OutOfFuel`](crate::SuspendReason::OutOfFuel) once
    /// `fuel` instructions have run.
    ///
    /// # Errors
    /// [`Error::Api`] if the arguments do not match the function's type.
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
        if (f.0 as usize) < self.funcs.len() {
            Ok(())
        } else {
            Err(api_err(format!("no function at address {}", f.0)))
        }
    }
}

/// `n` zero bytes, or `None` if that much cannot be had. The allocation is
/// zeroed by the allocator (so untouched pages cost nothing), after a
/// fallible reservation check of the size.
fn zeroed(n: u64) -> Option<Vec<u8>> {
    let n = usize::try_from(n).ok()?;
    if n > isize::MAX as usize {
        return None;
    }
    // Refuse what the machine clearly cannot give, without aborting.
    let mut probe: Vec<u8> = Vec::new();
    probe.try_reserve_exact(n).ok()?;
    drop(probe);
    Some(vec![0u8; n])
}
