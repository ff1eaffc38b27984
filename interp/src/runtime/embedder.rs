//! What an embedder that defines functions over GC types needs from the
//! store besides instantiation: types of its own, comparable with the
//! types of modules, and access to the elements of arrays.
//!
//! The JS API's builtins are the first such embedder (JS API §"Builtins"):
//! the type of `wasm:js-string` `fromCharCodeArray` names the array type
//! `(rec (type (array (mut i16)))).0`, a module's import of a builtin is
//! checked against the builtin's type when the module is compiled
//! (`match_externtype`), and the builtin reads and writes the array's
//! elements. Types here are in the store's terms: a concrete heap type is
//! the store's id of a defined type (decision D14).

use super::heap::Obj;
use super::slot::{self, Kind};
use super::store::{FuncInst, Store, api_err};
use crate::api::{ArrayAddr, Error, FuncAddr, HostOutcome, Value};
use crate::module::Module;
use crate::syntax::{CompType, HeapType, Mut, StorageType, SubType, ValType};
use crate::valid::canon::{self, TypeRef, Types};

impl Store {
    /// Whether every concrete heap type in `t` is a type of this store.
    fn known_heap(&self, h: HeapType) -> bool {
        match h {
            HeapType::Concrete(x) => (x as usize) < self.types.len(),
            HeapType::Rec(_) | HeapType::Bot => false,
            _ => true,
        }
    }

    /// The store's id of a type the embedder defines as a recursive group
    /// of its own (spec 3.1.3, `(rec (type t)).0`), whose concrete heap
    /// types are store ids. Equivalent definitions get the same id, also
    /// when a module defines them, so the type compares with a module's
    /// types by [`Store::val_type_matches`] and in import matching.
    ///
    /// # Errors
    /// [`Error::Api`] if `t` declares a supertype (not supported for an
    /// embedder's types) or names a type that is not in this store.
    pub fn define_type(&mut self, t: SubType) -> Result<u32, Error> {
        if !t.supertypes.is_empty() {
            return Err(api_err("a type defined by the embedder has no supertypes"));
        }
        canon::map_sub(&t, &mut |h| {
            if self.known_heap(h) {
                Ok(h)
            } else {
                Err(api_err("the type names a type that is not in this store"))
            }
        })?;
        let ids = self.types.intern_group(&[t], |x| Ok(TypeRef::Id(x)))?;
        Ok(ids[0])
    }

    /// The store's id of each of a module's types, in the module's order,
    /// interning them as instantiation does (spec 3.1.3: equivalent types
    /// of different modules get the same id). With them an embedder can
    /// compare a module's import types with its own before instantiating
    /// it, as the JS API does for builtins when it compiles a module.
    pub fn module_type_ids(&mut self, m: &Module) -> Vec<u32> {
        crate::exec::instantiate::intern_types(self, m.syntax())
    }

    /// Allocates a host function (spec 4.5.3.2 `func_alloc`) whose type is
    /// the defined type with store id `type_id` (from
    /// [`Store::module_type_ids`] or [`Store::define_type`]), recursive
    /// group included: what a host function made for a module's import
    /// needs, so that it matches the import exactly. [`Store::alloc_host_func`]
    /// instead gives a function type a group of its own.
    ///
    /// # Errors
    /// [`Error::Api`] if `type_id` is not a function type of this store.
    pub fn alloc_host_func_of_type(
        &mut self,
        type_id: u32,
        f: impl Fn(&mut Store, &[Value]) -> HostOutcome + 'static,
    ) -> Result<FuncAddr, Error> {
        if (type_id as usize) >= self.types.len() || self.types.func(type_id).is_none() {
            return Err(api_err(format!(
                "type {type_id} is not a function type of this store"
            )));
        }
        self.funcs.push(FuncInst::Host {
            type_id,
            f: std::rc::Rc::new(f),
        });
        Ok(FuncAddr(self.funcs.len() as u32 - 1, self.id))
    }

    /// Whether value type `a` matches value type `b` (spec 3.3.x
    /// "Matching", value and reference types), both in the store's terms.
    /// A concrete type the store does not have matches nothing.
    pub fn val_type_matches(&self, a: ValType, b: ValType) -> bool {
        let known = |v: ValType| match v {
            ValType::Ref(r) => self.known_heap(r.heap),
            _ => true,
        };
        known(a) && known(b) && self.types.val_sub(a, b)
    }

    /// The number of elements of a live array, `None` if `a` is not one.
    ///
    /// # Panics
    /// If the array is of another store.
    pub fn array_len(&self, a: ArrayAddr) -> Option<u32> {
        self.assert_own(a.1, "an array");
        match self.heap.get(a.0, Kind::Array)? {
            Obj::Array { len, .. } => Some(*len),
            _ => None,
        }
    }

    /// Element `i` of a live array (spec 4.4.x `array.get`), `None` if `a`
    /// is not a live array or `i` is past its end. A packed element (`i8`,
    /// `i16`) is an `i32` zero-extended from its width, as `array.get_u`
    /// reads it.
    ///
    /// # Panics
    /// If the array is of another store.
    pub fn array_get(&self, a: ArrayAddr, i: u32) -> Option<Value> {
        self.assert_own(a.1, "an array");
        let Obj::Array {
            ty,
            elem,
            len,
            bytes,
        } = self.heap.get(a.0, Kind::Array)?
        else {
            return None;
        };
        if i >= *len {
            return None;
        }
        let w = elem.width();
        let at = i as usize * w;
        let s = elem.read(&bytes[at..at + w]);
        Some(self.slot_value(s, self.array_element_type(*ty)))
    }

    /// Sets element `i` of a live array (spec 4.4.x `array.set`); a packed
    /// element takes the low bits of an `i32`.
    ///
    /// # Errors
    /// [`Error::Api`] if `a` is not a live array of this store, `i` is past
    /// its end, the array's elements are immutable, or `v` is not of their
    /// type or refers to an object of another store.
    pub fn array_set(&mut self, a: ArrayAddr, i: u32, v: Value) -> Result<(), Error> {
        self.own(a.1, "an array")?;
        self.own_value(&v)?;
        let (ty, len) = match self.heap.get(a.0, Kind::Array) {
            Some(Obj::Array { ty, len, .. }) => (*ty, *len),
            _ => return Err(api_err(format!("no array at address {}", a.0))),
        };
        let CompType::Array(ft) = &self.types.get(ty).sub.comp else {
            unreachable!("an array's type is an array type")
        };
        if ft.mutability != Mut::Var {
            return Err(api_err("the array's elements are immutable"));
        }
        let t = self.array_element_type(ty);
        if !self.has_type(&v, t) {
            return Err(api_err(format!(
                "{v} is not of the array's element type {t}"
            )));
        }
        if i >= len {
            return Err(api_err(format!(
                "index {i} is past the end of an array of {len} elements"
            )));
        }
        let s = slot::from_value(v);
        if let Some(Obj::Array { elem, bytes, .. }) = self.heap.get_mut(a.0, Kind::Array) {
            let w = elem.width();
            let at = i as usize * w;
            elem.write(&mut bytes[at..at + w], s);
        }
        Ok(())
    }

    /// The value type of the elements of array type `ty` as they are read
    /// (a packed type reads as `i32`).
    fn array_element_type(&self, ty: u32) -> ValType {
        match &self.types.get(ty).sub.comp {
            CompType::Array(ft) => match ft.storage {
                StorageType::Val(v) => v,
                StorageType::Packed(_) => ValType::I32,
            },
            _ => unreachable!("an array's type is an array type"),
        }
    }
}
