//! The store (spec 4.2.3): every function, table, memory, global, element and
//! data instance, and every module instance, in arenas addressed by index.

use crate::api::*;
use crate::exec::Exit;
use crate::module::Module;
use crate::syntax::{FuncType, GlobalType, MemType, TableType};

/// All runtime objects of a program, owned in arenas and referred to by
/// address (spec 4.2.3). Suspended computations refer into a store by
/// address only, so they borrow nothing from it.
pub struct Store {
    config: Config,
}

impl Store {
    /// An empty store.
    pub fn new(config: Config) -> Self {
        Store { config }
    }

    /// The store's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Instantiates a module (spec 4.5.4), running its start function to
    /// completion. A host function that asks to suspend inside the start
    /// function traps with [`Trap::SuspendThroughHost`].
    ///
    /// # Errors
    /// [`Error::Link`] if the imports do not match, [`Error::Uninstantiable`]
    /// if a segment is out of bounds or the start function traps.
    pub fn instantiate(&mut self, module: &Module, imports: &[ExternVal]) -> Result<InstanceAddr, Error> {
        let _ = (module, imports);
        todo!()
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
        let _ = (module, imports);
        todo!()
    }

    /// An instance's export by name.
    pub fn export(&self, inst: InstanceAddr, name: &str) -> Option<ExternVal> {
        let _ = (inst, name);
        todo!()
    }

    /// All of an instance's exports, in order.
    pub fn exports(&self, inst: InstanceAddr) -> Vec<(String, ExternVal)> {
        let _ = inst;
        todo!()
    }

    /// Allocates a host function (spec 4.5.3.2).
    pub fn alloc_host_func(
        &mut self,
        ty: FuncType,
        f: impl Fn(&mut Store, &[Value]) -> HostOutcome + 'static,
    ) -> FuncAddr {
        let _ = (ty, f);
        todo!()
    }

    /// Allocates a table whose elements are all `init`.
    ///
    /// # Errors
    /// [`Error::Api`] if `init` is not of the element type or the limits are invalid.
    pub fn alloc_table(&mut self, ty: TableType, init: Value) -> Result<TableAddr, Error> {
        let _ = (ty, init);
        todo!()
    }

    /// Allocates a memory of `ty.limits.min` zeroed pages.
    ///
    /// # Errors
    /// [`Error::Api`] if the limits are invalid or the size cannot be allocated.
    pub fn alloc_mem(&mut self, ty: MemType) -> Result<MemAddr, Error> {
        let _ = ty;
        todo!()
    }

    /// Allocates a global holding `v`.
    ///
    /// # Errors
    /// [`Error::Api`] if `v` is not of the global's type.
    pub fn alloc_global(&mut self, ty: GlobalType, v: Value) -> Result<GlobalAddr, Error> {
        let _ = (ty, v);
        todo!()
    }

    /// The type of an external value (spec 7.1.2 `external_type`), with
    /// current sizes as the limits' minimum.
    pub fn extern_type(&self, v: ExternVal) -> ExternType {
        let _ = v;
        todo!()
    }

    /// A function's type.
    pub fn func_type(&self, f: FuncAddr) -> &FuncType {
        let _ = f;
        todo!()
    }

    /// A global's current value.
    pub fn global_get(&self, g: GlobalAddr) -> Value {
        let _ = g;
        todo!()
    }

    /// Sets a mutable global.
    ///
    /// # Errors
    /// [`Error::Api`] if the global is immutable or `v` is of the wrong type.
    pub fn global_set(&mut self, g: GlobalAddr, v: Value) -> Result<(), Error> {
        let _ = (g, v);
        todo!()
    }

    /// A memory's bytes.
    pub fn mem_data(&self, m: MemAddr) -> &[u8] {
        let _ = m;
        todo!()
    }

    /// A memory's bytes, writable.
    pub fn mem_data_mut(&mut self, m: MemAddr) -> &mut [u8] {
        let _ = m;
        todo!()
    }

    /// Grows a memory by `delta` pages (spec 4.5.3.9); the old size in
    /// pages, or `None` if it cannot grow.
    pub fn mem_grow(&mut self, m: MemAddr, delta: u64) -> Option<u64> {
        let _ = (m, delta);
        todo!()
    }

    /// A table's size in elements.
    pub fn table_size(&self, t: TableAddr) -> u64 {
        let _ = t;
        todo!()
    }

    /// A table element, or `None` past the end.
    pub fn table_get(&self, t: TableAddr, i: u64) -> Option<Value> {
        let _ = (t, i);
        todo!()
    }

    /// Sets a table element.
    ///
    /// # Errors
    /// [`Error::Api`] past the end or for a value of the wrong type.
    pub fn table_set(&mut self, t: TableAddr, i: u64, v: Value) -> Result<(), Error> {
        let _ = (t, i, v);
        todo!()
    }

    /// Grows a table by `delta` elements set to `init` (spec 4.5.3.8); the old
    /// size, or `None` if it cannot grow.
    pub fn table_grow(&mut self, t: TableAddr, delta: u64, init: Value) -> Option<u64> {
        let _ = (t, delta, init);
        todo!()
    }

    /// Invokes a function (spec 4.5.5) with no fuel limit.
    ///
    /// # Errors
    /// [`Error::Api`] if the arguments do not match the function's type.
    pub fn invoke(&mut self, f: FuncAddr, args: &[Value]) -> Result<Exit, Error> {
        let _ = (f, args);
        todo!()
    }

    /// Invokes a function, suspending with
    /// [`SuspendReason::OutOfFuel`](crate::SuspendReason::OutOfFuel) once
    /// `fuel` instructions have run.
    ///
    /// # Errors
    /// [`Error::Api`] if the arguments do not match the function's type.
    pub fn invoke_with_fuel(&mut self, f: FuncAddr, args: &[Value], fuel: u64) -> Result<Exit, Error> {
        let _ = (f, args, fuel);
        todo!()
    }
}
