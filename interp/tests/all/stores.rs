//! Addresses belong to the store that made them (decision D24): an address,
//! or a value that refers to an object, of store A used with store B is
//! refused with an [`ErrorKind::Api`] error, or makes the methods that
//! answer a plain value panic, where the same call with store A works.
//! Both stores instantiate the same module, so every address of A is also
//! a valid index in B: only the store's id tells them apart.

use interp::syntax::{FuncType, GlobalType, HeapType, Limits, Mut, RefType, TableType, ValType};
use interp::*;
use std::panic::{AssertUnwindSafe, catch_unwind};

const WAT: &str = r#"(module
  (type $s (struct (field i32)))
  (type $a (array (mut i32)))
  (tag (export "tag") (param i32))
  (table (export "table") 1 funcref)
  (memory (export "mem") 1)
  (global (export "g") (mut i32) (i32.const 0))
  (global (export "gf") (mut funcref) (ref.null func))
  (global (export "ga") (mut anyref) (ref.null any))
  (func (export "f") (param i32) (result i32) (local.get 0))
  (func (export "id_any") (param anyref) (result anyref) (local.get 0))
  (func (export "new_struct") (result (ref $s)) (struct.new $s (i32.const 7)))
  (func (export "new_array") (result (ref $a)) (array.new_default $a (i32.const 2))))"#;

/// A store with the module instantiated, and its objects.
struct World {
    store: Store,
    inst: InstanceAddr,
    f: FuncAddr,
    id_any: FuncAddr,
    table: TableAddr,
    mem: MemAddr,
    g: GlobalAddr,
    gf: GlobalAddr,
    ga: GlobalAddr,
    tag: TagAddr,
    exn: ExnAddr,
    st: StructAddr,
    arr: ArrayAddr,
}

fn world() -> World {
    let bytes = wat::parse_str(WAT).expect("test text parses");
    let m = Module::new(&bytes, &Features::default()).expect("test module is valid");
    let mut store = Store::new(Config::default());
    let inst = store.instantiate(&m, &[]).unwrap();
    let export = |store: &Store, name: &str| store.export(inst, name).expect(name);
    let func = |store: &Store, name: &str| match export(store, name) {
        ExternVal::Func(f) => f,
        _ => panic!("{name} is not a function"),
    };
    let global = |store: &Store, name: &str| match export(store, name) {
        ExternVal::Global(g) => g,
        _ => panic!("{name} is not a global"),
    };
    let (f, id_any) = (func(&store, "f"), func(&store, "id_any"));
    let (g, gf, ga) = (
        global(&store, "g"),
        global(&store, "gf"),
        global(&store, "ga"),
    );
    let ExternVal::Table(table) = export(&store, "table") else {
        panic!("not a table")
    };
    let ExternVal::Mem(mem) = export(&store, "mem") else {
        panic!("not a memory")
    };
    let ExternVal::Tag(tag) = export(&store, "tag") else {
        panic!("not a tag")
    };
    let mut make = |name: &str| match store.invoke(func(&store, name), &[]) {
        Ok(Exit::Returned(vs)) => match vs[..] {
            [Value::AnyRef(Some(r))] => r,
            _ => panic!("{name} returned {vs:?}"),
        },
        other => panic!("{name} did not return: {other:?}"),
    };
    let (AnyRef::Struct(st), AnyRef::Array(arr)) = (make("new_struct"), make("new_array")) else {
        panic!("not a structure and an array")
    };
    let exn = store.alloc_exn(tag, &[Value::I32(3)]).unwrap();
    // Kept alive for the whole test, whatever collections run.
    for v in [
        Value::AnyRef(Some(AnyRef::Struct(st))),
        Value::AnyRef(Some(AnyRef::Array(arr))),
        Value::ExnRef(Some(exn)),
    ] {
        store.root(&v);
    }
    World {
        store,
        inst,
        f,
        id_any,
        table,
        mem,
        g,
        gf,
        ga,
        tag,
        exn,
        st,
        arr,
    }
}

/// A module that imports a function of the type of `f`.
fn importer() -> Module {
    let bytes = wat::parse_str(r#"(module (import "m" "f" (func (param i32) (result i32))))"#);
    Module::new(&bytes.unwrap(), &Features::default()).unwrap()
}

fn api_error<T: std::fmt::Debug>(r: Result<T, Error>, message: &str) {
    let e = r.expect_err(message);
    assert_eq!(e.kind(), ErrorKind::Api, "{e}");
    assert_eq!(e.message(), message);
}

/// Runs `f`, which must panic with `message`.
fn panics_with<T>(message: &str, f: impl FnOnce() -> T) {
    let Err(payload) = catch_unwind(AssertUnwindSafe(f)) else {
        panic!("no panic; expected \"{message}\"")
    };
    let got = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(not a string)");
    assert_eq!(got, message);
}

const FUNCREF: RefType = RefType {
    nullable: true,
    heap: HeapType::Func,
};
const ANYREF: RefType = RefType {
    nullable: true,
    heap: HeapType::Any,
};
const EXNREF: RefType = RefType {
    nullable: true,
    heap: HeapType::Exn,
};

#[test]
fn each_store_makes_its_own_addresses() {
    let (a, b) = (world(), world());
    assert_ne!(a.store.id(), b.store.id());
    assert_eq!(a.f.0, b.f.0, "the same index in both stores");
    assert_ne!(a.f, b.f, "yet not the same address");
}

#[test]
fn a_store_takes_its_own_addresses_and_values() {
    let mut w = world();
    let s = &mut w.store;
    assert!(
        matches!(s.invoke(w.f, &[Value::I32(5)]), Ok(Exit::Returned(vs)) if vs == [Value::I32(5)])
    );
    assert!(matches!(
        s.invoke_with_fuel(w.f, &[Value::I32(6)], 1000),
        Ok(Exit::Returned(vs)) if vs == [Value::I32(6)]
    ));
    let sv = Value::AnyRef(Some(AnyRef::Struct(w.st)));
    assert!(matches!(s.invoke(w.id_any, &[sv]), Ok(Exit::Returned(vs)) if vs == [sv]));
    s.global_set(w.g, Value::I32(9)).unwrap();
    assert_eq!(s.global_get(w.g), Value::I32(9));
    s.global_set(w.gf, Value::FuncRef(Some(w.f))).unwrap();
    assert_eq!(s.global_get(w.gf), Value::FuncRef(Some(w.f)));
    s.global_set(w.ga, sv).unwrap();
    assert_eq!(s.global_get(w.ga), sv);
    s.table_set(w.table, 0, Value::FuncRef(Some(w.f))).unwrap();
    assert_eq!(s.table_get(w.table, 0), Some(Value::FuncRef(Some(w.f))));
    assert_eq!(s.table_grow(w.table, 1, Value::FuncRef(Some(w.f))), Some(1));
    assert_eq!(s.table_size(w.table), 2);
    assert_eq!(s.mem_size(w.mem), 1);
    assert_eq!(s.mem_grow(w.mem, 1), Some(1));
    s.mem_data_mut(w.mem)[0] = 1;
    assert_eq!(s.mem_data(w.mem)[0], 1);
    assert_eq!(s.tag_type(w.tag).params, [ValType::I32]);
    assert_eq!(s.exn_tag(w.exn), w.tag);
    assert_eq!(s.exn_fields(w.exn), [Value::I32(3)]);
    assert!(s.is_exn(w.exn));
    assert_eq!(s.func_type(w.f).params, [ValType::I32]);
    assert_eq!(s.func_instance(w.f), Some(w.inst));
    assert!(s.func_index(w.f).is_some());
    assert!(s.func_has_heap_type(w.f, HeapType::Func));
    assert!(s.has_type(&Value::FuncRef(Some(w.f)), ValType::Ref(FUNCREF)));
    assert!(s.export(w.inst, "f").is_some());
    assert!(!s.exports(w.inst).is_empty());
    assert!(matches!(
        s.extern_type(ExternVal::Mem(w.mem)),
        ExternType::Mem(_)
    ));
    assert_eq!(s.array_len(w.arr), Some(2));
    assert_eq!(s.array_get(w.arr, 1), Some(Value::I32(0)));
    s.array_set(w.arr, 1, Value::I32(4)).unwrap();
    s.root(&sv);
    s.unroot(&sv);
    let ty = GlobalType {
        val: ValType::Ref(FUNCREF),
        mutability: Mut::Const,
    };
    s.alloc_global(ty, Value::FuncRef(Some(w.f))).unwrap();
    let tty = TableType {
        addr: syntax::AddrType::I32,
        limits: Limits { min: 1, max: None },
        elem: FUNCREF,
    };
    s.alloc_table(tty, Value::FuncRef(Some(w.f))).unwrap();
    let ftag = s
        .alloc_tag(FuncType::new([ValType::Ref(FUNCREF)], []))
        .unwrap();
    s.alloc_exn(ftag, &[Value::FuncRef(Some(w.f))]).unwrap();
    let host = s.alloc_host_func(FuncType::new([], [ValType::Ref(FUNCREF)]), move |_, _| {
        HostOutcome::Return(Value::FuncRef(Some(w.f)).into())
    });
    assert!(matches!(s.invoke(host, &[]), Ok(Exit::Returned(_))));
    let thrower = s.alloc_host_func(FuncType::new([], []), move |_, _| HostOutcome::Throw(w.exn));
    assert!(matches!(s.invoke(thrower, &[]), Ok(Exit::Thrown(e)) if e == w.exn));
    let importer = importer();
    s.instantiate(&importer, &[ExternVal::Func(w.f)]).unwrap();
}

#[test]
fn another_stores_addresses_are_refused() {
    let a = world();
    let World {
        store: mut b,
        table: bt,
        ..
    } = world();
    let (f, g, t, tag, e, arr) = (a.f, a.g, a.table, a.tag, a.exn, a.arr);
    api_error(b.invoke(f, &[Value::I32(1)]), "a function of another store");
    api_error(
        b.invoke_with_fuel(f, &[Value::I32(1)], 10),
        "a function of another store",
    );
    api_error(b.global_set(g, Value::I32(1)), "a global of another store");
    api_error(
        b.table_set(t, 0, Value::FuncRef(None)),
        "a table of another store",
    );
    api_error(b.alloc_exn(tag, &[Value::I32(1)]), "a tag of another store");
    api_error(
        b.array_set(arr, 0, Value::I32(1)),
        "an array of another store",
    );
    assert!(!b.is_exn(e), "not an exception of B");
    let importer = importer();
    api_error(
        b.instantiate(&importer, &[ExternVal::Func(f)]),
        "import 0 is a function of another store",
    );
    // A computation of B paused at a host function, resumed with A's exception.
    let pause = b.alloc_host_func(FuncType::new([], []), |_, _| HostOutcome::Suspend(1));
    let Ok(Exit::Suspended(s)) = b.invoke(pause, &[]) else {
        panic!("the host function suspends")
    };
    api_error(s.resume_throw(&mut b, e), "an exception of another store");
    // B's own table still answers.
    assert_eq!(b.table_size(bt), 1);
}

#[test]
fn values_of_another_store_are_refused() {
    let a = world();
    let World {
        store: mut b,
        table,
        gf,
        ga,
        id_any,
        ..
    } = world();
    let af = Value::FuncRef(Some(a.f));
    let astruct = Value::AnyRef(Some(AnyRef::Struct(a.st)));
    let aarray = Value::ExternRef(Some(AnyRef::Array(a.arr)));
    let aexn = Value::ExnRef(Some(a.exn));
    let funcref = ValType::Ref(FUNCREF);
    api_error(b.global_set(gf, af), "a funcref of another store");
    api_error(
        b.global_set(ga, astruct),
        "a reference to a structure of another store",
    );
    api_error(b.table_set(table, 0, af), "a funcref of another store");
    assert_eq!(b.table_grow(table, 1, af), None);
    assert_eq!(b.table_size(table), 1, "not grown");
    api_error(
        b.invoke(id_any, &[astruct]),
        "invoke: value 0 is a reference to a structure of another store",
    );
    let ty = GlobalType {
        val: funcref,
        mutability: Mut::Const,
    };
    api_error(b.alloc_global(ty, af), "a funcref of another store");
    let tty = TableType {
        addr: syntax::AddrType::I32,
        limits: Limits { min: 1, max: None },
        elem: FUNCREF,
    };
    api_error(b.alloc_table(tty, af), "a funcref of another store");
    let etag = b
        .alloc_tag(FuncType::new([ValType::Ref(EXNREF)], []))
        .unwrap();
    api_error(
        b.alloc_exn(etag, &[aexn]),
        "exception fields: value 0 is an exnref of another store",
    );
    let externref = RefType {
        nullable: true,
        heap: HeapType::Extern,
    };
    for (v, t) in [
        (af, FUNCREF),
        (astruct, ANYREF),
        (aarray, externref),
        (aexn, EXNREF),
    ] {
        assert!(a.store.has_type(&v, ValType::Ref(t)), "{v} in A");
        assert!(!b.has_type(&v, ValType::Ref(t)), "{v} in B");
    }
    // A host function of B that answers with A's objects: its call traps.
    let host = b.alloc_host_func(FuncType::new([], [funcref]), move |_, _| {
        HostOutcome::Return(af.into())
    });
    let Ok(Exit::Trapped(Trap::Host(m))) = b.invoke(host, &[]) else {
        panic!("the host function's result is refused")
    };
    assert!(m.contains("value 0 is a funcref of another store"), "{m}");
    let exn = a.exn;
    let thrower = b.alloc_host_func(FuncType::new([], []), move |_, _| HostOutcome::Throw(exn));
    let Ok(Exit::Trapped(Trap::Host(m))) = b.invoke(thrower, &[]) else {
        panic!("the host function's exception is refused")
    };
    assert_eq!(m, "a host function threw an exception of another store");
}

#[test]
fn methods_that_answer_a_value_panic_on_another_stores_address() {
    let a = world();
    let mut b = world().store;
    let sv = Value::AnyRef(Some(AnyRef::Struct(a.st)));
    panics_with("a global of another store", || b.global_get(a.g));
    panics_with("a memory of another store", || b.mem_data(a.mem).len());
    panics_with("a memory of another store", || b.mem_data_mut(a.mem).len());
    panics_with("a memory of another store", || b.mem_size(a.mem));
    panics_with("a memory of another store", || b.mem_grow(a.mem, 1));
    panics_with("a table of another store", || b.table_size(a.table));
    panics_with("a table of another store", || b.table_get(a.table, 0));
    panics_with("a table of another store", || {
        b.table_grow(a.table, 1, Value::FuncRef(None))
    });
    panics_with("a tag of another store", || b.tag_type(a.tag).clone());
    panics_with("a function of another store", || b.func_type(a.f).clone());
    panics_with("a function of another store", || b.func_instance(a.f));
    panics_with("a function of another store", || b.func_index(a.f));
    panics_with("a function of another store", || {
        b.func_has_heap_type(a.f, HeapType::Func)
    });
    panics_with("an instance of another store", || b.export(a.inst, "f"));
    panics_with("an instance of another store", || b.exports(a.inst));
    panics_with("a memory of another store", || {
        b.extern_type(ExternVal::Mem(a.mem))
    });
    panics_with("an exception of another store", || b.exn_tag(a.exn));
    panics_with("an exception of another store", || b.exn_fields(a.exn));
    panics_with("an array of another store", || b.array_len(a.arr));
    panics_with("an array of another store", || b.array_get(a.arr, 0));
    panics_with("a reference to a structure of another store", || {
        b.root(&sv)
    });
    panics_with("a reference to a structure of another store", || {
        b.unroot(&sv)
    });
}
