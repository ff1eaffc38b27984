//! The store's API for an embedder's own types and for arrays
//! (`Store::define_type`, `module_type_ids`, `val_type_matches`,
//! `array_len`, `array_get`, `array_set`): what the JS API's string
//! builtins use.

use crate::util::module;
use interp::syntax::{
    CompType, FieldType, FuncType, HeapType, Mut, PackedType, RefType, StorageType, SubType,
    ValType,
};
use interp::*;

/// `(array (mut i16))`, final, as a group of its own.
fn i16_array() -> SubType {
    SubType {
        is_final: true,
        supertypes: Vec::new(),
        describes: None,
        descriptor: None,
        comp: CompType::Array(FieldType {
            storage: StorageType::Packed(PackedType::I16),
            mutability: Mut::Var,
        }),
    }
}

fn concrete(nullable: bool, id: u32) -> ValType {
    ValType::Ref(RefType {
        nullable,
        heap: HeapType::Concrete(id),
    })
}

#[test]
fn an_embedders_type_is_the_equivalent_module_type() {
    let m = module(
        r#"(module
          (type $a (array (mut i16)))
          (type $open (sub (array (mut i16))))
          (rec (type $in_group (array (mut i16))) (type (struct)))
          (type $f (func (param (ref null $a) i32) (result i32))))"#,
    );
    let mut store = Store::new(Config::default());
    let ids = store.module_type_ids(&m);
    assert_eq!(ids.len(), 5);
    let a = store.define_type(i16_array()).unwrap();
    assert_eq!(a, ids[0], "the same type as the module's final array type");
    assert_ne!(a, ids[1], "a type that is not final is another type");
    assert_ne!(a, ids[2], "a type in a larger group is another type");
    assert_eq!(
        store.module_type_ids(&m),
        ids,
        "interning again changes nothing"
    );
    // A function type naming the embedder's array type.
    let f = store
        .define_type(SubType::func(FuncType::new(
            [concrete(true, a), ValType::I32],
            [ValType::I32],
        )))
        .unwrap();
    assert_eq!(f, ids[4]);
    assert!(store.val_type_matches(concrete(false, f), concrete(false, ids[4])));
    assert!(store.val_type_matches(concrete(false, a), concrete(true, ids[0])));
    assert!(!store.val_type_matches(concrete(true, a), concrete(false, ids[0])));
    assert!(!store.val_type_matches(concrete(false, a), concrete(false, ids[1])));
    assert!(store.val_type_matches(
        concrete(false, a),
        ValType::Ref(RefType {
            nullable: false,
            heap: HeapType::Array,
        })
    ));
    assert!(!store.val_type_matches(concrete(false, 1_000), concrete(false, 1_000)));
}

#[test]
fn a_host_function_of_a_modules_type_matches_its_import_exactly() {
    // The import's type is the first of a group of two: a host function
    // of the same function type in a group of its own does not match it.
    let m = module(
        r#"(module
          (rec (type $f (func (param i32) (result i32))) (type (struct)))
          (import "host" "f" (func $f (type $f)))
          (func (export "run") (param i32) (result i32) (call $f (local.get 0))))"#,
    );
    let mut store = Store::new(Config::default());
    let ids = store.module_type_ids(&m);
    let own = store.alloc_host_func(FuncType::new([ValType::I32], [ValType::I32]), |_, _| {
        HostOutcome::Return(Value::I32(1).into())
    });
    let e = store.instantiate(&m, &[ExternVal::Func(own)]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Link);
    let f = store
        .alloc_host_func_of_type(ids[0], |_, args| match args {
            [Value::I32(x)] => HostOutcome::Return(Value::I32(x + 1).into()),
            _ => HostOutcome::Trap(Trap::Unreachable),
        })
        .unwrap();
    assert_eq!(
        store.func_type(f),
        &FuncType::new([ValType::I32], [ValType::I32])
    );
    let inst = store.instantiate(&m, &[ExternVal::Func(f)]).unwrap();
    let Some(ExternVal::Func(run)) = store.export(inst, "run") else {
        panic!("no run")
    };
    match store.invoke(run, &[Value::I32(41)]) {
        Ok(Exit::Returned(vs)) => assert_eq!(vs, [Value::I32(42)]),
        other => panic!("run did not return: {other:?}"),
    }
    assert_eq!(
        store
            .alloc_host_func_of_type(ids[1], |_, _| HostOutcome::Return(Values::new()))
            .unwrap_err()
            .kind(),
        ErrorKind::Api,
        "a struct type"
    );
    assert_eq!(
        store
            .alloc_host_func_of_type(1_000, |_, _| HostOutcome::Return(Values::new()))
            .unwrap_err()
            .kind(),
        ErrorKind::Api,
        "no such type"
    );
}

#[test]
fn an_embedders_type_declares_no_supertype_and_names_only_known_types() {
    let mut store = Store::new(Config::default());
    let a = store.define_type(i16_array()).unwrap();
    let sub = SubType {
        is_final: true,
        supertypes: vec![a],
        describes: None,
        descriptor: None,
        comp: i16_array().comp,
    };
    assert_eq!(store.define_type(sub).unwrap_err().kind(), ErrorKind::Api);
    let dangling = SubType::func(FuncType::new([concrete(true, a + 100)], []));
    assert_eq!(
        store.define_type(dangling).unwrap_err().kind(),
        ErrorKind::Api
    );
}

/// A store with arrays made in wasm: `(array (mut i16))` of 3 elements
/// 0xfffe, 2, 3; `(array i8)` of 2 elements -1, 5; `(array (mut anyref))`
/// of one null.
fn arrays() -> (Store, ArrayAddr, ArrayAddr, ArrayAddr) {
    let m = module(
        r#"(module
          (type $s (array (mut i16)))
          (type $b (array i8))
          (type $r (array (mut anyref)))
          (func (export "s") (result (ref $s))
            (array.new_fixed $s 3 (i32.const -2) (i32.const 2) (i32.const 3)))
          (func (export "b") (result (ref $b))
            (array.new_fixed $b 2 (i32.const -1) (i32.const 5)))
          (func (export "r") (result (ref $r))
            (array.new_default $r (i32.const 1))))"#,
    );
    let mut store = Store::new(Config::default());
    let inst = store.instantiate(&m, &[]).unwrap();
    let mut make = |name: &str| {
        let Some(ExternVal::Func(f)) = store.export(inst, name) else {
            panic!("no export {name}")
        };
        match store.invoke(f, &[]) {
            Ok(Exit::Returned(vs)) => match vs[..] {
                [Value::AnyRef(Some(AnyRef::Array(a)))] => a,
                _ => panic!("not an array: {vs:?}"),
            },
            other => panic!("{name} did not return: {other:?}"),
        }
    };
    let (s, b, r) = (make("s"), make("b"), make("r"));
    (store, s, b, r)
}

#[test]
fn array_elements_are_read_as_array_get_u_reads_them() {
    let (mut store, s, b, r) = arrays();
    assert_eq!(store.array_len(s), Some(3));
    assert_eq!(store.array_get(s, 0), Some(Value::I32(0xfffe)));
    assert_eq!(store.array_get(s, 2), Some(Value::I32(3)));
    assert_eq!(store.array_get(s, 3), None, "past the end");
    assert_eq!(store.array_get(b, 0), Some(Value::I32(0xff)));
    assert_eq!(store.array_get(r, 0), Some(Value::AnyRef(None)));
    // Nothing roots the arrays: once collected, they are arrays no more.
    store.collect_garbage();
    assert_eq!(store.array_len(s), None);
    assert_eq!(store.array_get(s, 0), None);
}

#[test]
fn array_elements_are_set_as_array_set_sets_them() {
    let (mut store, s, b, r) = arrays();
    store.array_set(s, 1, Value::I32(0x1_2345)).unwrap();
    assert_eq!(
        store.array_get(s, 1),
        Some(Value::I32(0x2345)),
        "the low 16 bits"
    );
    store.array_set(s, 2, Value::I32(-1)).unwrap();
    assert_eq!(store.array_get(s, 2), Some(Value::I32(0xffff)));
    let past = store.array_set(s, 3, Value::I32(0)).unwrap_err();
    assert_eq!(past.kind(), ErrorKind::Api);
    assert_eq!(
        store.array_set(s, 0, Value::I64(0)).unwrap_err().kind(),
        ErrorKind::Api,
        "a value of another type"
    );
    assert_eq!(
        store.array_set(b, 0, Value::I32(0)).unwrap_err().message(),
        "the array's elements are immutable"
    );
    store
        .array_set(r, 0, Value::AnyRef(Some(AnyRef::I31(7))))
        .unwrap();
    assert_eq!(
        store.array_get(r, 0),
        Some(Value::AnyRef(Some(AnyRef::I31(7))))
    );
    store.collect_garbage();
    assert_eq!(
        store.array_set(s, 0, Value::I32(0)).unwrap_err().message(),
        format!("no array at address {}", s.0),
        "a collected array"
    );
}

#[test]
fn host_results_are_the_same_values_however_they_were_made() {
    let (a, b, c) = (Value::I32(1), Value::I64(2), Value::F32(3));
    assert_eq!(Values::from(a), Values::from(vec![a]));
    assert_eq!(Values::from([a, b]), [a, b].iter().copied().collect());
    assert_eq!(Values::from([a, b, c]).as_slice(), &[a, b, c]);
    assert_eq!(Values::new(), Values::from(Vec::new()));
    assert!(Values::default().is_empty());
    assert_ne!(Values::from([a, b]), Values::from([b, a]));
    assert_eq!(
        format!("{:?}", Values::from([a, b])),
        format!("{:?}", [a, b])
    );
}
