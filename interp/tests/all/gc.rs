//! The garbage collector through the public API: what stays alive (values
//! on the stacks of running and suspended computations, globals, tables,
//! what the embedder rooted), what goes (cycles, the objects of a dropped
//! suspended computation), and that a collection changes no result.

use crate::util::{func, module, returned, suspended};
use interp::*;

/// A list of `n` nodes built in wasm and kept in a local while the function
/// waits at a host call, then summed.
const LIST: &str = r#"(module
  (type $node (struct (field $v i32) (field $next (ref null $node))))
  (import "host" "wait" (func $wait))
  (func (export "build_wait_sum") (param $n i32) (result i32)
    (local $l (ref null $node)) (local $s i32)
    (loop $build
      (local.set $l (struct.new $node (local.get $n) (local.get $l)))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $build))
    (call $wait)
    (block $done
      (loop $sum
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $s (i32.add (local.get $s) (struct.get $node $v (local.get $l))))
        (local.set $l (struct.get $node $next (local.get $l)))
        (br $sum)))
    (local.get $s))
  ;; Garbage: pairs that point at each other, dropped at once.
  (type $bytes (array i64))
  (type $pair (struct (field $other (mut (ref null $pair))) (field (ref $bytes))))
  (func (export "cycles") (param $n i32)
    (local $a (ref null $pair)) (local $b (ref null $pair))
    (loop $l
      (local.set $a (struct.new $pair (ref.null $pair) (array.new_default $bytes (i32.const 16))))
      (local.set $b (struct.new $pair (local.get $a) (array.new_default $bytes (i32.const 16))))
      (struct.set $pair $other (local.get $a) (local.get $b))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l)))
  (global $keep (export "keep") (mut (ref null $node)) (ref.null $node))
  (func (export "keep_one") (global.set $keep (struct.new $node (i32.const 7) (ref.null $node))))
  (func (export "drop_kept") (global.set $keep (ref.null $node)))
  (func (export "make") (param i32) (result (ref $node)) (struct.new $node (local.get 0) (ref.null $node)))
  (func (export "value") (param (ref $node)) (result i32) (struct.get $node $v (local.get 0)))
  (global $host (export "host") (mut externref) (ref.null extern))
)"#;

fn setup() -> (Store, InstanceAddr, FuncAddr) {
    let mut store = Store::new(Config::default());
    let wait = store.alloc_host_func(syntax::FuncType::new([], []), |_, _| {
        HostOutcome::Suspend(1)
    });
    let inst = store
        .instantiate(&module(LIST), &[ExternVal::Func(wait)])
        .unwrap();
    (store, inst, wait)
}

#[test]
fn a_suspended_computation_keeps_its_objects_across_collections() {
    let (mut store, inst, _) = setup();
    let f = func(&store, inst, "build_wait_sum");
    let s = suspended(store.invoke(f, &[Value::I32(1000)]));
    let before = store.collect_garbage();
    assert_eq!(
        before.live_objects, 1000,
        "the list is alive while suspended"
    );
    // Other garbage comes and goes meanwhile.
    let cycles = func(&store, inst, "cycles");
    returned(store.invoke(cycles, &[Value::I32(50_000)]));
    store.collect_garbage();
    let vs = returned(s.resume(&mut store, &[]));
    assert_eq!(vs, [Value::I32(500_500)]);
}

#[test]
fn dropping_a_suspended_computation_frees_its_objects() {
    let (mut store, inst, _) = setup();
    let f = func(&store, inst, "build_wait_sum");
    let s = suspended(store.invoke(f, &[Value::I32(300)]));
    assert_eq!(store.collect_garbage().live_objects, 300);
    drop(s);
    let after = store.collect_garbage();
    assert_eq!(after.live_objects, 0);
    assert_eq!(after.freed_objects, 300);
}

#[test]
fn cycles_are_collected_and_the_heap_stays_bounded() {
    let (mut store, inst, _) = setup();
    let cycles = func(&store, inst, "cycles");
    // About 200 MB of pairs in all, each pair a cycle.
    returned(store.invoke(cycles, &[Value::I32(500_000)]));
    assert!(store.collections() > 0, "the loop collected");
    // The heap never held more than twice the growth that triggers a
    // collection (4 MiB) past what was alive (nothing but the last pair).
    assert!(
        store.heap_bytes() < 16 << 20,
        "heap after the loop: {} bytes",
        store.heap_bytes()
    );
    assert_eq!(store.collect_garbage().live_objects, 0);
}

#[test]
fn churning_cycles_beside_live_data_stays_within_a_multiple_of_it() {
    // 20,000 live pairs (about 3 MB) held in a global-rooted array while
    // 400,000 cyclic pairs come and go: the heap never exceeds twice the
    // live data plus the growth that triggers a collection.
    let wat = r#"(module
      (type $bytes (array i64))
      (type $pair (struct (field $other (mut (ref null $pair))) (field (ref $bytes))))
      (type $keep (array (mut (ref null $pair))))
      (global $live (mut (ref null $keep)) (ref.null $keep))
      (func $pair (result (ref $pair))
        (local $a (ref $pair)) (local $b (ref $pair))
        (local.set $a (struct.new $pair (ref.null $pair) (array.new_default $bytes (i32.const 8))))
        (local.set $b (struct.new $pair (local.get $a) (array.new_default $bytes (i32.const 8))))
        (struct.set $pair $other (local.get $a) (local.get $b))
        (local.get $a))
      (func (export "run") (param $live i32) (param $churn i32)
        (local $i i32)
        (global.set $live (array.new_default $keep (local.get $live)))
        (loop $l
          (array.set $keep (global.get $live) (local.get $i) (call $pair))
          (local.tee $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $live))))
        (loop $c
          (drop (call $pair))
          (local.tee $churn (i32.sub (local.get $churn) (i32.const 1)))
          (br_if $c))))"#;
    let mut store = Store::new(Config::default());
    let inst = store.instantiate(&module(wat), &[]).unwrap();
    let run = func(&store, inst, "run");
    returned(store.invoke(run, &[Value::I32(20_000), Value::I32(400_000)]));
    let live = store.collect_garbage().live_bytes;
    assert!(live > 2 << 20, "live data: {live} bytes");
    let peak = store.heap_peak_bytes();
    assert!(
        peak <= 2 * live + (4 << 20),
        "peak heap {peak} bytes for {live} bytes live"
    );
}

#[test]
fn globals_and_embedder_roots_keep_objects_alive() {
    let (mut store, inst, _) = setup();
    returned(store.invoke(func(&store, inst, "keep_one"), &[]));
    assert_eq!(store.collect_garbage().live_objects, 1);
    returned(store.invoke(func(&store, inst, "drop_kept"), &[]));
    assert_eq!(store.collect_garbage().live_objects, 0);

    // A structure the embedder holds: alive while rooted, gone after.
    let made = returned(store.invoke(func(&store, inst, "make"), &[Value::I32(41)]));
    store.root(&made[0]);
    store.collect_garbage();
    let value = func(&store, inst, "value");
    assert_eq!(returned(store.invoke(value, &made)), [Value::I32(41)]);
    store.unroot(&made[0]);
    assert_eq!(store.collect_garbage().live_objects, 0);
    // Its address is no longer a structure of this store.
    assert!(matches!(store.invoke(value, &made), Err(Error::Api(_))));
}

#[test]
fn host_references_reachable_from_wasm_are_reported() {
    let (mut store, inst, _) = setup();
    let Some(ExternVal::Global(g)) = store.export(inst, "host") else {
        panic!("no global")
    };
    store
        .global_set(g, Value::host_extern(ExternAddr(9)))
        .unwrap();
    store.collect_garbage();
    assert!(store.host_ref_reachable(ExternAddr(9)));
    assert!(!store.host_ref_reachable(ExternAddr(8)));
    store.global_set(g, Value::ExternRef(None)).unwrap();
    store.collect_garbage();
    assert!(!store.host_ref_reachable(ExternAddr(9)));
}

#[test]
fn a_collection_inside_a_host_call_keeps_the_callers_operands() {
    // The host function collects while the wasm caller has a structure
    // only on its operand stack (below the call's arguments) and in the
    // argument itself.
    let wat = r#"(module
      (type $b (struct (field i64)))
      (import "host" "gc" (func $gc (param (ref $b))))
      (func (export "f") (result i64)
        (struct.new $b (i64.const 5))
        (call $gc (struct.new $b (i64.const 6)))
        (struct.get $b 0)))"#;
    let mut store = Store::new(Config::default());
    // The import's type refers to the module's structure type: take it from
    // a module that defines the same type, so that the store knows it.
    let types_only =
        module(r#"(module (type $b (struct (field i64))) (func (export "t") (param (ref $b))))"#);
    let t = store.instantiate(&types_only, &[]).unwrap();
    let ty = store.func_type(func(&store, t, "t")).clone();
    let param = ty.params[0];
    let gc = store.alloc_host_func(ty, move |store, args| {
        store.collect_garbage();
        // The argument is still a live structure of its type.
        assert!(store.has_type(&args[0], param));
        HostOutcome::Return(Values::new())
    });
    let inst = store
        .instantiate(&module(wat), &[ExternVal::Func(gc)])
        .unwrap();
    let f = func(&store, inst, "f");
    assert_eq!(returned(store.invoke(f, &[])), [Value::I64(5)]);
}
