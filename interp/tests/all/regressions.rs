//! Defects found by differential fuzzing (`fuzz/`) and by review, one test
//! each, named after the rule it checks.

use crate::util::func;
use interp::{Error, Features, Module};

/// A module's bytes from the text format.
fn wasm(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("the test's module parses")
}

/// spec 1.0 5.5.12: in 1.0 an element segment starts with a table index,
/// so a first byte of 4 is table 4 (which does not exist: invalid), not
/// the 2.0 flag 4 (active, expressions, table 0).
#[test]
fn element_segment_first_byte_is_a_table_index_in_1_0() {
    // (table 1 funcref) and an element segment `04 (i32.const 0) vec()`.
    let bytes = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
        0x04, 0x04, 0x01, 0x70, 0x00, 0x01, // table section
        0x09, 0x06, 0x01, 0x04, 0x41, 0x00, 0x0b, 0x00, // element section
    ];
    assert_eq!(
        Module::new(&bytes, &Features::wasm1()).map(|_| ()),
        Err(Error::Invalid("unknown table 4".into()))
    );
    // With 2.0's encoding the same bytes are flag 4: table 0, no elements.
    assert!(Module::new(&bytes, &Features::wasm2()).is_ok());
    // A 1.0 segment of table 0 is still read as before.
    let ok = wasm("(module (table 1 funcref) (func) (elem (i32.const 0) 0))");
    assert!(Module::new(&ok, &Features::wasm1()).is_ok());
}

/// spec 1.0 5.5.14: in 1.0 a data segment starts with a memory index, so a
/// first byte of 1 is memory 1 (which does not exist: invalid), not the
/// bulk-memory flag 1 (passive).
#[test]
fn data_segment_first_byte_is_a_memory_index_in_1_0() {
    // (memory 1) and a data segment `01 (i32.const 0) vec()`.
    let bytes = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
        0x05, 0x03, 0x01, 0x00, 0x01, // memory section
        0x0b, 0x06, 0x01, 0x01, 0x41, 0x00, 0x0b, 0x00, // data section
    ];
    assert_eq!(
        Module::new(&bytes, &Features::wasm1()).map(|_| ()),
        Err(Error::Invalid("unknown memory 1".into()))
    );
}

/// A store with a small budget.
fn store_with_budget(bytes: u64, instances: u32) -> interp::Store {
    interp::Store::new(interp::Config {
        limits: interp::Limits {
            max_store_bytes: bytes,
            max_instances: instances,
            ..interp::Limits::default()
        },
        ..interp::Config::default()
    })
}

/// Calls `f` and returns its one i32 result.
fn call_i32(store: &mut interp::Store, f: interp::FuncAddr, args: &[interp::Value]) -> i32 {
    match store.invoke(f, args) {
        Ok(interp::Exit::Returned(vs)) => match vs[..] {
            [interp::Value::I32(x)] => x,
            _ => panic!("{vs:?}"),
        },
        other => panic!("{other:?}"),
    }
}

/// spec 4.5.3.3 and 3.2.5: a 64-bit memory may have a minimum of 2^48
/// pages, 2^64 bytes: valid, but no machine gives that. Instantiation must
/// fail with a clear error, not compute 2^48 * 65536 in 64 bits (0) and
/// make an empty memory.
#[test]
fn memory64_minimum_of_2_48_pages_does_not_wrap() {
    let m = Module::new(
        &wasm(
            r#"(module (memory i64 0x1000000000000)
                 (func (export "size") (result i64) memory.size))"#,
        ),
        &Features::default(),
    )
    .expect("valid: 2^48 pages is the limit");
    let mut store = interp::Store::new(interp::Config::default());
    match store.instantiate(&m, &[]) {
        Err(Error::Uninstantiable(interp::Trap::OutOfMemory(msg))) => {
            assert!(msg.contains("memory"), "{msg}")
        }
        other => panic!("expected out of memory, got {other:?}"),
    }
    // The embedding API refuses it too, as an error.
    let ty = interp::syntax::MemType::new(
        interp::syntax::AddrType::I64,
        interp::syntax::Limits {
            min: 1 << 48,
            max: None,
        },
    );
    assert!(store.alloc_mem(ty).is_err());
    // Nothing of that size was charged.
    assert!(store.budget().used() < 1 << 20);
}

/// Decision D19: one budget bounds a store's tables and memories together.
/// A loop of table.grow that once took a machine's whole memory stops at
/// the budget with -1, and so does memory.grow.
#[test]
fn table_and_memory_growth_stop_at_the_store_budget() {
    let m = Module::new(
        &wasm(
            r#"(module (table 0 funcref) (memory 0)
              (func (export "grow") (result i32) (table.grow (ref.null func) (i32.const 1000000)))
              (func (export "mgrow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
        ),
        &Features::default(),
    )
    .unwrap();
    let limit = 64 << 20;
    let mut store = store_with_budget(limit, 10);
    let inst = store.instantiate(&m, &[]).unwrap();
    let (grow, mgrow) = (func(&store, inst, "grow"), func(&store, inst, "mgrow"));
    let mut grown = 0;
    while call_i32(&mut store, grow, &[]) != -1 {
        grown += 1;
        assert!(grown < 100, "table.grow never failed");
    }
    // A million 16-byte entries per grow: four fit in 64 MiB, a fifth does not.
    assert_eq!(grown, 4);
    assert!(store.budget().used() <= limit);
    // What is left (about 3 MiB) is 40-odd pages, not 100.
    assert_eq!(call_i32(&mut store, mgrow, &[interp::Value::I32(100)]), -1);
    assert_eq!(call_i32(&mut store, mgrow, &[interp::Value::I32(40)]), 0);
    assert!(store.budget().used() <= limit);
}

/// Decision D19: the number of instances is bounded, and an instance's
/// tables and memories count against the budget at instantiation.
#[test]
fn instantiation_fails_past_the_budget() {
    let small = Module::new(&wasm("(module)"), &Features::default()).unwrap();
    let mut store = store_with_budget(1 << 20, 2);
    store.instantiate(&small, &[]).unwrap();
    store.instantiate(&small, &[]).unwrap();
    assert!(matches!(
        store.instantiate(&small, &[]),
        Err(Error::Uninstantiable(interp::Trap::OutOfMemory(_)))
    ));
    let big = Module::new(&wasm("(module (memory 100))"), &Features::default()).unwrap();
    let mut store = store_with_budget(1 << 20, 10);
    assert!(matches!(
        store.instantiate(&big, &[]),
        Err(Error::Uninstantiable(interp::Trap::OutOfMemory(_)))
    ));
}

/// Decision D19: operand and frame stacks are charged as they grow, so a
/// deep recursion traps with "out of memory" at the budget (an
/// exhaustion), and a paused computation gives its bytes back when dropped.
#[test]
fn stacks_are_charged_and_given_back() {
    let m = Module::new(
        &wasm(
            r#"(module
              (func $f (export "deep") (param i32) (result i32)
                (if (result i32) (local.get 0)
                  (then (i32.add (i32.const 1) (call $f (i32.sub (local.get 0) (i32.const 1)))))
                  (else (i32.const 0)))))"#,
        ),
        &Features::default(),
    )
    .unwrap();
    let mut store = store_with_budget(1 << 20, 10);
    let inst = store.instantiate(&m, &[]).unwrap();
    let deep = func(&store, inst, "deep");
    let before = store.budget().used();
    assert_eq!(call_i32(&mut store, deep, &[interp::Value::I32(100)]), 100);
    assert_eq!(
        store.budget().used(),
        before,
        "a finished call gives its stack back"
    );
    match store.invoke(deep, &[interp::Value::I32(90_000)]) {
        Ok(interp::Exit::Trapped(t @ interp::Trap::OutOfMemory(_))) => assert!(t.is_exhaustion()),
        other => panic!("expected out of memory, got {other:?}"),
    }
    assert_eq!(store.budget().used(), before);
    // Paused after 1000 steps, deep in the recursion: holds its stack ...
    let Ok(interp::Exit::Suspended(s)) =
        store.invoke_with_fuel(deep, &[interp::Value::I32(5000)], 1000)
    else {
        panic!("should pause")
    };
    assert!(store.budget().used() > before);
    // ... until it is dropped.
    drop(s);
    assert_eq!(store.budget().used(), before);
}

/// Decision D19: the GC heap charges the store's budget and gives back what
/// a collection frees. Garbage many times the budget is allocated and
/// collected without trouble; a chain that stays reachable stops at the
/// budget with "out of memory", an exhaustion, and once dropped its bytes
/// come back.
#[test]
fn the_gc_heap_charges_the_store_budget() {
    let m = Module::new(
        &wasm(
            r#"(module
              (type $bytes (array (mut i8)))
              (type $node (struct (field (ref null $node)) (field (ref $bytes))))
              (global $keep (mut (ref null $node)) (ref.null $node))
              (func (export "garbage") (param $n i32)
                (loop $l
                  (drop (array.new_default $bytes (i32.const 65536)))
                  (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
              (func (export "keep") (param $n i32)
                (loop $l
                  (global.set $keep (struct.new $node (global.get $keep)
                    (array.new_default $bytes (i32.const 65536))))
                  (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
              (func (export "drop") (global.set $keep (ref.null $node))))"#,
        ),
        &Features::wasm3(),
    )
    .unwrap();
    let limit = 32 << 20;
    let mut store = store_with_budget(limit, 10);
    let inst = store.instantiate(&m, &[]).unwrap();
    let (garbage, keep, drop_all) = (
        func(&store, inst, "garbage"),
        func(&store, inst, "keep"),
        func(&store, inst, "drop"),
    );
    let before = store.budget().used();
    // 2000 arrays of 64 KiB: 128 MiB of garbage through a 32 MiB budget.
    assert!(matches!(
        store.invoke(garbage, &[interp::Value::I32(2000)]),
        Ok(interp::Exit::Returned(_))
    ));
    assert!(store.budget().used() <= limit);
    match store.invoke(keep, &[interp::Value::I32(2000)]) {
        Ok(interp::Exit::Trapped(t @ interp::Trap::OutOfMemory(_))) => {
            assert!(t.is_exhaustion());
            assert!(t.to_string().starts_with("out of memory"), "{t}");
        }
        other => panic!("expected out of memory, got {other:?}"),
    }
    assert!(store.budget().used() <= limit);
    assert!(matches!(
        store.invoke(drop_all, &[]),
        Ok(interp::Exit::Returned(_))
    ));
    store.collect_garbage();
    assert!(
        store.budget().used() <= before + (1 << 20),
        "{} bytes still charged, {before} before",
        store.budget().used()
    );
}

/// Decision D19: `elem.drop` gives a passive segment's bytes back to the
/// budget, as dropping it at instantiation does; dropping twice gives
/// nothing more.
#[test]
fn elem_drop_gives_its_bytes_back_to_the_budget() {
    let n = 10_000;
    let refs = "(ref.null func) ".repeat(n);
    let m = crate::util::module(&format!(
        "(module (elem $e funcref {refs}) (func (export \"drop\") (elem.drop $e)))"
    ));
    let mut store = interp::Store::new(interp::Config::default());
    let inst = store.instantiate(&m, &[]).expect("instantiates");
    let before = store.budget().used();
    let drop = func(&store, inst, "drop");
    crate::util::returned(store.invoke(drop, &[]));
    let freed = before - store.budget().used();
    // At least a pointer's worth per reference (a slot is wider).
    assert!(freed >= n as u64 * 8, "elem.drop gave back {freed} bytes");
    crate::util::returned(store.invoke(drop, &[]));
    assert_eq!(before - store.budget().used(), freed);
}
