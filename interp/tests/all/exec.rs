//! Execution through the public API: traps, limits, fuel, and suspending and
//! resuming at host calls, including the property that a computation paused
//! and resumed anywhere gives exactly the result of an uninterrupted run.

use crate::util::{func, module, returned, suspended, trapped};
use interp::syntax::{FuncType, ValType};
use interp::*;
use proptest::prelude::*;
use std::cell::Cell;
use std::rc::Rc;

const RECURSION: &str = r#"(module
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
  (func $forever (export "forever") (call $forever))
  (func (export "spin") (loop $l (br $l))))"#;

#[test]
fn deep_recursion_runs_and_runaway_recursion_is_exhaustion() {
    let mut store = Store::new(Config::default());
    let inst = store.instantiate(&module(RECURSION), &[]).unwrap();
    let down = func(&store, inst, "down");
    assert_eq!(
        returned(store.invoke(down, &[Value::I32(50_000)])),
        [Value::I32(50_000)]
    );
    let t = trapped(store.invoke(func(&store, inst, "forever"), &[]));
    assert!(t.is_exhaustion(), "{t}");
    assert_eq!(t, Trap::CallStackExhausted);
}

#[test]
fn fuel_stops_a_runaway_loop_and_resumes_it() {
    let mut store = Store::new(Config::default());
    let inst = store.instantiate(&module(RECURSION), &[]).unwrap();
    let spin = func(&store, inst, "spin");
    let mut s = suspended(store.invoke_with_fuel(spin, &[], 1000));
    assert_eq!(s.reason(), &SuspendReason::OutOfFuel);
    for _ in 0..10 {
        s = suspended(s.resume_with_fuel(&mut store, &[], 1000));
    }
    // Values are refused after running out of fuel.
    assert!(matches!(
        s.resume(&mut store, &[Value::I32(1)]),
        Err(Error::Api(_))
    ));
}

#[test]
fn traps_are_reported() {
    let mut store = Store::new(Config::default());
    let m = module(
        r#"(module (memory 1) (table 2 funcref) (type $t (func (result i32)))
        (func $f (result i64) (i64.const 1)) (elem (i32.const 0) $f)
        (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
        (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
        (func (export "ci") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
        (func (export "trunc") (param f32) (result i32) (i32.trunc_f32_s (local.get 0))))"#,
    );
    let inst = store.instantiate(&m, &[]).unwrap();
    let f = |n| func(&store, inst, n);
    let (div, load, ci, trunc) = (f("div"), f("load"), f("ci"), f("trunc"));
    assert_eq!(
        trapped(store.invoke(div, &[Value::I32(0)])),
        Trap::IntegerDivideByZero
    );
    assert_eq!(
        trapped(store.invoke(load, &[Value::I32(65533)])),
        Trap::MemoryOutOfBounds
    );
    assert_eq!(
        returned(store.invoke(load, &[Value::I32(65532)])),
        [Value::I32(0)]
    );
    assert_eq!(
        trapped(store.invoke(ci, &[Value::I32(0)])),
        Trap::IndirectCallTypeMismatch
    );
    assert_eq!(
        trapped(store.invoke(ci, &[Value::I32(1)])),
        Trap::UninitializedElement(1)
    );
    assert_eq!(
        trapped(store.invoke(ci, &[Value::I32(2)])),
        Trap::UndefinedElement(2)
    );
    assert_eq!(
        trapped(store.invoke(trunc, &[Value::F32(f32::NAN.to_bits())])),
        Trap::InvalidConversionToInteger
    );
    // Wrong arguments are an API error, not a trap.
    assert!(matches!(
        store.invoke(div, &[Value::I64(0)]),
        Err(Error::Api(_))
    ));
    assert!(matches!(store.invoke(div, &[]), Err(Error::Api(_))));
}

#[test]
fn huge_memory_requests_fail_cleanly() {
    let mut store = Store::new(Config::default());
    let m = module(
        r#"(module (memory 1) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#,
    );
    let inst = store.instantiate(&m, &[]).unwrap();
    let grow = func(&store, inst, "grow");
    assert_eq!(
        returned(store.invoke(grow, &[Value::I32(-1)])),
        [Value::I32(-1)]
    );
    assert_eq!(
        returned(store.invoke(grow, &[Value::I32(65536)])),
        [Value::I32(-1)]
    );
    assert_eq!(
        returned(store.invoke(grow, &[Value::I32(1)])),
        [Value::I32(1)]
    );
}

const HOST: &str = r#"(module
  (import "env" "get" (func $get (param i32) (result i32)))
  (func (export "sum") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $acc (i32.add (local.get $acc) (call $get (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $acc)))"#;

fn i32_to_i32() -> FuncType {
    FuncType::new([ValType::I32], [ValType::I32])
}

#[test]
fn suspend_and_resume_at_host_calls() {
    let mut store = Store::new(Config::default());
    let get = store.alloc_host_func(i32_to_i32(), |_, args| match args {
        [Value::I32(x)] => HostOutcome::Suspend(*x as u64),
        _ => unreachable!(),
    });
    let inst = store
        .instantiate(&module(HOST), &[ExternVal::Func(get)])
        .unwrap();
    let sum = func(&store, inst, "sum");
    let mut exit = store.invoke(sum, &[Value::I32(5)]);
    let mut seen = Vec::new();
    let result = loop {
        match exit {
            Ok(Exit::Suspended(s)) => {
                let SuspendReason::Host { func, token } = *s.reason() else {
                    panic!("host suspension expected")
                };
                assert_eq!(func, get);
                seen.push(token);
                exit = s.resume(&mut store, &[Value::I32(token as i32 * 10)]);
            }
            other => break returned(other),
        }
    };
    assert_eq!(seen, [0, 1, 2, 3, 4]);
    assert_eq!(result, [Value::I32(100)]);
}

#[test]
fn resumption_is_checked() {
    let mut store = Store::new(Config::default());
    let get = store.alloc_host_func(i32_to_i32(), |_, _| HostOutcome::Suspend(0));
    let inst = store
        .instantiate(&module(HOST), &[ExternVal::Func(get)])
        .unwrap();
    let sum = func(&store, inst, "sum");
    // Wrong result types are refused (and the computation is then gone: by value).
    let s = suspended(store.invoke(sum, &[Value::I32(1)]));
    assert!(matches!(
        s.resume(&mut store, &[Value::I64(1)]),
        Err(Error::Api(_))
    ));
    // Another store is refused.
    let s = suspended(store.invoke(sum, &[Value::I32(1)]));
    let mut other = Store::new(Config::default());
    assert!(matches!(
        s.resume(&mut other, &[Value::I32(1)]),
        Err(Error::Api(_))
    ));
    // A trap raised at the call site.
    let s = suspended(store.invoke(sum, &[Value::I32(1)]));
    assert_eq!(
        trapped(s.resume_trap(&mut store, Trap::Host("rejected".into()))),
        Trap::Host("rejected".into())
    );
    // The heap it holds is small and measurable.
    let s = suspended(store.invoke(sum, &[Value::I32(1)]));
    assert!(
        s.heap_bytes() > 0 && s.heap_bytes() < 4096,
        "{}",
        s.heap_bytes()
    );
}

#[test]
fn a_host_function_calling_back_into_wasm_cannot_be_suspended_through() {
    let mut store = Store::new(Config::default());
    // `inner` suspends; `outer` calls the export `sum` (which calls `inner`)
    // from inside a host call: that suspension would cross a host frame.
    let inner = store.alloc_host_func(i32_to_i32(), |_, _| HostOutcome::Suspend(1));
    let inst = store
        .instantiate(&module(HOST), &[ExternVal::Func(inner)])
        .unwrap();
    let sum = func(&store, inst, "sum");
    let seen: Rc<Cell<Option<Trap>>> = Rc::default();
    let seen2 = seen.clone();
    let outer = store.alloc_host_func(i32_to_i32(), move |store, _| {
        match store.invoke(sum, &[Value::I32(3)]) {
            Ok(Exit::Trapped(t)) => seen2.set(Some(t)),
            other => panic!("the nested call must trap, got {other:?}"),
        }
        HostOutcome::Return(Value::I32(7).into())
    });
    let inst2 = store
        .instantiate(&module(HOST), &[ExternVal::Func(outer)])
        .unwrap();
    let sum2 = func(&store, inst2, "sum");
    assert_eq!(
        returned(store.invoke(sum2, &[Value::I32(2)])),
        [Value::I32(14)]
    );
    assert_eq!(seen.take(), Some(Trap::SuspendThroughHost));
}

#[test]
fn runaway_host_reentry_is_exhaustion_not_a_crash() {
    // wasm calls the host, which calls the same wasm export again, forever.
    let mut store = Store::new(Config::default());
    let export: Rc<Cell<Option<FuncAddr>>> = Rc::default();
    let e2 = export.clone();
    let host = store.alloc_host_func(i32_to_i32(), move |store, args| {
        let f = e2.get().expect("set before the call");
        match store.invoke(f, args) {
            Ok(Exit::Returned(vs)) => HostOutcome::Return(vs.into()),
            Ok(Exit::Trapped(t)) => HostOutcome::Trap(t),
            other => panic!("unexpected {other:?}"),
        }
    });
    let m = module(
        r#"(module (import "env" "h" (func $h (param i32) (result i32)))
        (func (export "f") (param i32) (result i32) (call $h (local.get 0))))"#,
    );
    let inst = store.instantiate(&m, &[ExternVal::Func(host)]).unwrap();
    let f = func(&store, inst, "f");
    export.set(Some(f));
    assert_eq!(
        trapped(store.invoke(f, &[Value::I32(1)])),
        Trap::CallStackExhausted
    );
}

#[test]
fn a_host_function_invoked_directly_can_suspend() {
    let mut store = Store::new(Config::default());
    let f = store.alloc_host_func(i32_to_i32(), |_, _| HostOutcome::Suspend(9));
    let s = suspended(store.invoke(f, &[Value::I32(1)]));
    assert_eq!(s.reason(), &SuspendReason::Host { func: f, token: 9 });
    assert_eq!(
        returned(s.resume(&mut store, &[Value::I32(3)])),
        [Value::I32(3)]
    );
}

#[test]
fn a_start_function_may_not_suspend() {
    let mut store = Store::new(Config::default());
    let f = store.alloc_host_func(i32_to_i32(), |_, _| HostOutcome::Suspend(1));
    let m = module(
        r#"(module (import "env" "get" (func $get (param i32) (result i32)))
        (func $start (drop (call $get (i32.const 0)))) (start $start))"#,
    );
    assert_eq!(
        store.instantiate(&m, &[ExternVal::Func(f)]),
        Err(Error::Uninstantiable(Trap::SuspendThroughHost))
    );
}

/// Programs for the equivalence property: a loop that calls the host at
/// every iteration, and a recursion that calls it at every level, each
/// mixing the host's answers into an accumulator with operands live under
/// the call.
const PROGRAMS: &str = r#"(module
  (import "env" "f" (func $f (param i64) (result i64)))
  (global $g (mut i64) (i64.const 0))
  (func (export "loop") (param $n i32) (param $seed i64) (result i64)
    (local $i i32) (local $acc i64)
    (local.set $acc (local.get $seed))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $acc
        (i64.xor
          (i64.mul (local.get $acc) (i64.const 6364136223846793005))
          (call $f (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))))
      (global.set $g (i64.add (global.get $g) (i64.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (i64.add (local.get $acc) (global.get $g)))
  (func $rec (export "rec") (param $n i32) (param $x i64) (result i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then (call $f (local.get $x)))
      (else
        (i64.sub
          (i64.rotl (call $f (local.get $x)) (i64.extend_i32_u (local.get $n)))
          (call $rec (i32.sub (local.get $n) (i32.const 1)) (i64.add (local.get $x) (i64.const 3))))))))"#;

fn host_answer(x: i64) -> i64 {
    x.wrapping_mul(31).wrapping_add(7) ^ (x >> 3)
}

/// Runs `export(args)` in a fresh store. `suspend_at_host`: the host answers
/// by suspending and the driver resumes with its answer; `fuel`: pause every
/// so many instructions and resume.
fn run_program(
    export: &str,
    args: &[Value],
    suspend_at_host: bool,
    fuel: Option<u64>,
) -> (Vec<Value>, usize) {
    let mut store = Store::new(Config::default());
    let f = store.alloc_host_func(
        FuncType::new([ValType::I64], [ValType::I64]),
        move |_, args| {
            let [Value::I64(x)] = args else {
                unreachable!()
            };
            if suspend_at_host {
                HostOutcome::Suspend(*x as u64)
            } else {
                HostOutcome::Return(Value::I64(host_answer(*x)).into())
            }
        },
    );
    let inst = store
        .instantiate(&module(PROGRAMS), &[ExternVal::Func(f)])
        .unwrap();
    let g = func(&store, inst, export);
    let step = fuel.unwrap_or(u64::MAX);
    let mut exit = store.invoke_with_fuel(g, args, step);
    let mut pauses = 0;
    loop {
        match exit {
            Ok(Exit::Suspended(s)) => {
                pauses += 1;
                exit = match *s.reason() {
                    SuspendReason::Host { token, .. } => s.resume_with_fuel(
                        &mut store,
                        &[Value::I64(host_answer(token as i64))],
                        step,
                    ),
                    SuspendReason::OutOfFuel => s.resume_with_fuel(&mut store, &[], step),
                };
            }
            other => return (returned(other), pauses),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn pausing_anywhere_changes_nothing(
        n in 0i32..60,
        seed in any::<i64>(),
        at_host in any::<bool>(),
        fuel in prop::option::of(1u64..40),
        recursive in any::<bool>(),
    ) {
        let export = if recursive { "rec" } else { "loop" };
        let args = [Value::I32(n), Value::I64(seed)];
        let (plain, none) = run_program(export, &args, false, None);
        prop_assert_eq!(none, 0);
        let (paused, pauses) = run_program(export, &args, at_host, fuel);
        prop_assert_eq!(plain, paused);
        if at_host {
            prop_assert!(pauses >= n as usize);
        }
    }
}

/// Tail calls that end at a host function, from the root frame and from a
/// nested one, suspended there and resumed.
#[test]
fn suspension_at_the_end_of_a_return_call_chain() {
    let mut store = Store::new(Config::default());
    let get = store.alloc_host_func(i32_to_i32(), |_, args| match args {
        [Value::I32(x)] => HostOutcome::Suspend(*x as u64),
        _ => unreachable!(),
    });
    let m = module(
        r#"(module
        (import "env" "get" (func $get (param i32) (result i32)))
        (table funcref (elem $get))
        (func $chain (export "chain") (param i32) (result i32)
          (if (result i32) (i32.eqz (local.get 0))
            (then (return_call $get (i32.const 100)))
            (else (return_call $chain (i32.sub (local.get 0) (i32.const 1))))))
        (func (export "indirect") (param i32) (result i32)
          (return_call_indirect (param i32) (result i32) (local.get 0) (i32.const 0)))
        (func (export "nested") (param i32) (result i32)
          (i32.add (i32.const 1) (call $chain (local.get 0)))))"#,
    );
    let inst = store.instantiate(&m, &[ExternVal::Func(get)]).unwrap();
    for (name, n, expect) in [
        ("chain", 1_000_000, 101),
        ("nested", 10, 102),
        ("indirect", 5, 6),
    ] {
        let f = func(&store, inst, name);
        let s = suspended(store.invoke(f, &[Value::I32(n)]));
        let SuspendReason::Host { token, .. } = *s.reason() else {
            panic!()
        };
        let resumed = s.resume(&mut store, &[Value::I32(token as i32 + 1)]);
        assert_eq!(returned(resumed), [Value::I32(expect)], "{name}");
    }
}

/// A suspension inside a `try_table` body, resumed by throwing at the call
/// site: the handler catches it; and an exception nothing catches ends the call.
#[test]
fn resume_throw_is_caught_by_try_table() {
    let mut store = Store::new(Config::default());
    let tag = store.alloc_tag(FuncType::new([ValType::I32], [])).unwrap();
    let get = store.alloc_host_func(i32_to_i32(), |_, _| HostOutcome::Suspend(0));
    let m = module(
        r#"(module
        (import "env" "get" (func $get (param i32) (result i32)))
        (import "env" "e" (tag $e (param i32)))
        (func (export "guarded") (param i32) (result i32)
          (block $caught (result i32)
            (try_table (result i32) (catch $e $caught)
              (i32.add (i32.const 1000) (call $get (local.get 0)))))
          (i32.add (i32.const 1)))
        (func (export "unguarded") (param i32) (result i32) (call $get (local.get 0))))"#,
    );
    let inst = store
        .instantiate(&m, &[ExternVal::Func(get), ExternVal::Tag(tag)])
        .unwrap();
    let guarded = func(&store, inst, "guarded");
    // Resumed normally: 1000 + 5, plus 1.
    let s = suspended(store.invoke(guarded, &[Value::I32(0)]));
    assert_eq!(
        returned(s.resume(&mut store, &[Value::I32(5)])),
        [Value::I32(1006)]
    );
    // Resumed with an exception: the handler gets its field, 42, plus 1.
    let exn = store.alloc_exn(tag, &[Value::I32(42)]).unwrap();
    let s = suspended(store.invoke(guarded, &[Value::I32(0)]));
    assert_eq!(returned(s.resume_throw(&mut store, exn)), [Value::I32(43)]);
    // Without a handler the exception is the call's outcome.
    let unguarded = func(&store, inst, "unguarded");
    let s = suspended(store.invoke(unguarded, &[Value::I32(0)]));
    match s.resume_throw(&mut store, exn) {
        Ok(Exit::Thrown(e)) => assert_eq!((e, store.exn_fields(e)), (exn, vec![Value::I32(42)])),
        other => panic!("expected the exception, got {other:?}"),
    }
}

/// A suspension while a 64-bit memory holds state beyond 4 GiB addresses'
/// reach of 32 bits: the address computation before the call and the
/// access after it survive the pause.
#[test]
fn suspension_with_a_64_bit_memory() {
    let mut store = Store::new(Config::default());
    let get = store.alloc_host_func(FuncType::new([ValType::I64], [ValType::I64]), |_, _| {
        HostOutcome::Suspend(1)
    });
    let m = module(
        r#"(module
        (import "env" "get" (func $get (param i64) (result i64)))
        (memory i64 1)
        (func (export "f") (param $a i64) (result i64)
          (i64.store offset=8 (local.get $a) (i64.const 77))
          ;; the address stays on the stack across the pause
          (i64.add
            (i64.load offset=8 (local.get $a))
            (i64.load offset=8 (call $get (local.get $a))))))"#,
    );
    let inst = store.instantiate(&m, &[ExternVal::Func(get)]).unwrap();
    let f = func(&store, inst, "f");
    let s = suspended(store.invoke(f, &[Value::I64(1000)]));
    assert_eq!(
        returned(s.resume(&mut store, &[Value::I64(1000)])),
        [Value::I64(154)]
    );
    // An address past the 32-bit range traps after resumption.
    let s = suspended(store.invoke(f, &[Value::I64(1000)]));
    assert_eq!(
        trapped(s.resume(&mut store, &[Value::I64(1 << 40)])),
        Trap::MemoryOutOfBounds
    );
}

/// A loop over a frame of `locals` i64 locals that adds 1, 2 and 3 to the
/// first, a middle and the last of them `n` times: frames up to 256 slots
/// run over a fixed window of slots, larger ones over the plain slots, and
/// a slot past the window must never alias one inside it.
fn wide_frame(locals: u32) -> String {
    let (mid, last) = (1 + locals / 2, locals);
    let decl = " i64".repeat(locals as usize);
    format!(
        r#"(module (func (export "run") (param $n i32) (result i64) (local{decl})
  (loop $l
    (local.set 1 (i64.add (local.get 1) (i64.const 1)))
    (local.set {mid} (i64.add (local.get {mid}) (i64.const 2)))
    (local.set {last} (i64.add (local.get {last}) (i64.const 3)))
    (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
  (i64.add (local.get 1) (i64.add (i64.mul (local.get {mid}) (i64.const 1000))
    (i64.mul (local.get {last}) (i64.const 1000000))))))"#
    )
}

#[test]
fn frames_on_either_side_of_the_slot_window_keep_their_slots_apart() {
    for locals in [3, 200, 250, 253, 254, 255, 256, 257, 300, 600] {
        for fuel in [u64::MAX, 7] {
            let mut store = Store::new(Config::default());
            let inst = store
                .instantiate(&module(&wide_frame(locals)), &[])
                .unwrap();
            let run = func(&store, inst, "run");
            let mut exit = store
                .invoke_with_fuel(run, &[Value::I32(100)], fuel)
                .unwrap();
            while let Exit::Suspended(s) = exit {
                exit = s.resume_with_fuel(&mut store, &[], fuel).unwrap();
            }
            assert_eq!(
                returned(Ok(exit)),
                [Value::I64(100 + 200_000 + 300_000_000)],
                "{locals} locals, fuel {fuel}"
            );
        }
    }
}

#[test]
fn a_budget_with_no_room_for_the_slot_window_only_slows_a_loop() {
    let m = module(&wide_frame(3));
    let used = {
        let mut store = Store::new(Config::default());
        store.instantiate(&m, &[]).unwrap();
        store.budget().used()
    };
    // Room for the first 32 slots (512 bytes) and a little more, not for
    // the 256-slot window (4 KiB).
    let mut store = Store::new(Config {
        limits: Limits {
            max_store_bytes: used + 1024,
            ..Limits::default()
        },
        ..Config::default()
    });
    let inst = store.instantiate(&m, &[]).unwrap();
    let run = func(&store, inst, "run");
    assert_eq!(
        returned(store.invoke(run, &[Value::I32(100)])),
        [Value::I64(100 + 200_000 + 300_000_000)]
    );
}
