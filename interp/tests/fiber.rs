//! The fiber backend (`interp::fiber`, feature `native-stack`), in the
//! spirit of the tests of the best fiber libraries: small stacks, values
//! both ways, many rounds, deep recursion up to the limit, overflow turned
//! into an error before the guard page, a panic crossing a switch, fibers
//! dropped while suspended or before they ran, and fibers inside fibers.
#![cfg(feature = "native-stack")]
#![cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]

use interp::fiber::{Fiber, FiberState, Suspend, remaining_stack};
use std::cell::Cell;
use std::rc::Rc;

#[test]
fn values_cross_both_ways() {
    let mut f = Fiber::new(16 * 1024, |s, first: u64| {
        let mut acc = first;
        for _ in 0..3 {
            acc += s.suspend(acc * 2);
        }
        format!("done {acc}")
    })
    .unwrap();
    assert!(matches!(f.resume(1), FiberState::Yielded(2)));
    assert!(matches!(f.resume(10), FiberState::Yielded(22)));
    assert!(matches!(f.resume(100), FiberState::Yielded(222)));
    match f.resume(1000) {
        FiberState::Returned(s) => assert_eq!(s, "done 1111"),
        FiberState::Yielded(_) => panic!("should be done"),
    }
    assert!(f.is_done());
}

#[test]
fn many_rounds() {
    let mut f = Fiber::new(16 * 1024, |s, mut x: u32| {
        loop {
            x = s.suspend(x + 1);
            if x == 0 {
                return "stop";
            }
        }
    })
    .unwrap();
    let mut v = 0;
    for _ in 0..1_000_000 {
        match f.resume(v) {
            FiberState::Yielded(y) => v = y,
            FiberState::Returned(_) => panic!("too early"),
        }
    }
    assert_eq!(v, 1_000_000);
    assert!(matches!(f.resume(0), FiberState::Returned("stop")));
}

#[test]
fn the_smallest_stack_runs() {
    let mut f = Fiber::new(1, |s, x: i32| s.suspend(x) * 2).unwrap();
    assert!(f.stack_size() >= 4096);
    assert!(matches!(f.resume(3), FiberState::Yielded(3)));
    assert!(matches!(f.resume(4), FiberState::Returned(8)));
}

/// Recurses while at least `reserve` bytes of stack remain; returns the depth.
fn recurse(depth: u32, reserve: usize) -> Result<u32, u32> {
    let frame = [depth as u8; 256];
    std::hint::black_box(&frame);
    match remaining_stack() {
        Some(left) if left < reserve => Err(depth),
        _ => recurse(depth + 1, reserve).map(|d| d + u32::from(frame[0] & 0)),
    }
}

#[test]
fn deep_recursion_stops_before_the_guard_page() {
    for size in [64 * 1024, 1 << 20] {
        let mut f = Fiber::new(size, |_: &Suspend<usize, (), _>, reserve: usize| {
            recurse(0, reserve)
        })
        .unwrap();
        match f.resume(16 * 1024) {
            FiberState::Returned(Err(depth)) => {
                assert!(depth > 10, "{size}: depth {depth}");
            }
            other => panic!("{size}: {other:?}"),
        }
    }
    assert_eq!(
        remaining_stack(),
        None,
        "the thread's own stack is not a fiber's"
    );
}

#[test]
fn remaining_stack_shrinks_with_depth() {
    let mut f = Fiber::new(256 * 1024, |s, (): ()| {
        let top = remaining_stack().unwrap();
        #[inline(never)]
        fn inner(s: &Suspend<(), usize, ()>) {
            let pad = [0u8; 4096];
            std::hint::black_box(&pad);
            s.suspend(remaining_stack().unwrap());
        }
        inner(s);
        s.suspend(top);
    })
    .unwrap();
    let FiberState::Yielded(deeper) = f.resume(()) else {
        panic!()
    };
    let FiberState::Yielded(top) = f.resume(()) else {
        panic!()
    };
    assert!(top > deeper + 4000, "{top} {deeper}");
    assert!(top <= 256 * 1024);
}

#[test]
fn a_panic_crosses_the_switch() {
    let mut f = Fiber::new(64 * 1024, |s, x: i32| {
        let y = s.suspend(x);
        if y > 0 {
            panic!("inside the fiber: {y}");
        }
        y
    })
    .unwrap();
    assert!(matches!(f.resume(1), FiberState::Yielded(1)));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f.resume(7)));
    let payload = caught.expect_err("the panic comes out of resume");
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("inside the fiber: 7")
    );
    assert!(f.is_done());
}

struct Guard(Rc<Cell<u32>>);
impl Drop for Guard {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn dropping_a_suspended_fiber_unwinds_it() {
    let dropped = Rc::new(Cell::new(0));
    let after = Rc::new(Cell::new(false));
    {
        let (d, a) = (dropped.clone(), after.clone());
        let mut f = Fiber::new(64 * 1024, move |s, (): ()| {
            let _g1 = Guard(d.clone());
            let _g2 = Guard(d);
            s.suspend(());
            a.set(true); // never runs
        })
        .unwrap();
        assert!(matches!(f.resume(()), FiberState::Yielded(())));
        assert_eq!(dropped.get(), 0);
    }
    assert_eq!(dropped.get(), 2, "the fiber's frames ran their destructors");
    assert!(!after.get(), "nothing after the suspension ran");
}

#[test]
fn dropping_a_fiber_that_never_ran() {
    let dropped = Rc::new(Cell::new(0));
    let g = Guard(dropped.clone());
    let f = Fiber::new(64 * 1024, move |_: &Suspend<(), (), ()>, (): ()| drop(g)).unwrap();
    drop(f);
    assert_eq!(
        dropped.get(),
        1,
        "the closure and what it holds are dropped"
    );
}

#[test]
fn fibers_inside_fibers() {
    let mut outer = Fiber::new(128 * 1024, |s, x: u32| {
        let mut inner = Fiber::new(64 * 1024, |t, y: u32| t.suspend(y + 1) + 100).unwrap();
        let FiberState::Yielded(a) = inner.resume(x) else {
            panic!()
        };
        let b = s.suspend(a);
        let FiberState::Returned(c) = inner.resume(b) else {
            panic!()
        };
        c
    })
    .unwrap();
    assert!(matches!(outer.resume(1), FiberState::Yielded(2)));
    assert!(matches!(outer.resume(5), FiberState::Returned(105)));
}

#[test]
fn many_fibers_alive_at_once() {
    let mut fibers: Vec<_> = (0..1000u32)
        .map(|i| Fiber::new(16 * 1024, move |s, x: u32| s.suspend(x + i) + i).unwrap())
        .collect();
    for (i, f) in fibers.iter_mut().enumerate() {
        assert!(matches!(f.resume(1), FiberState::Yielded(y) if y == 1 + i as u32));
    }
    for (i, f) in fibers.iter_mut().enumerate().rev() {
        assert!(matches!(f.resume(2), FiberState::Returned(r) if r == 2 + i as u32));
    }
}

#[test]
fn floating_point_state_survives_switches() {
    let mut f = Fiber::new(64 * 1024, |s, x: f64| {
        let a = x * 1.5;
        let b = s.suspend(a);
        a + b
    })
    .unwrap();
    let keep = std::hint::black_box(0.25f64);
    assert!(matches!(f.resume(2.0), FiberState::Yielded(y) if y == 3.0));
    assert!(matches!(f.resume(keep), FiberState::Returned(r) if r == 3.25));
    assert_eq!(keep * 4.0, 1.0);
}

/// A host function that calls wasm again recurses on the native stack: on
/// a fiber, the interpreter traps before the stack runs out, however deep
/// the host nesting limit allows.
#[test]
fn host_reentry_on_a_fiber_traps_before_the_guard_page() {
    use interp::syntax::{FuncType, ValType};
    use interp::{
        Config, Exit, ExternVal, Features, HostOutcome, Limits, Module, Store, Trap, Value,
    };
    let wat = r#"(module (import "h" "f" (func $f (param i32) (result i32)))
      (func (export "g") (param i32) (result i32) (call $f (i32.add (local.get 0) (i32.const 1)))))"#;
    let module = Module::new(&wat::parse_str(wat).unwrap(), &Features::default()).unwrap();
    let mut f = Fiber::new(256 * 1024, move |_: &Suspend<(), (), _>, ()| {
        let mut store = Store::new(Config {
            limits: Limits {
                max_host_nesting: 1_000_000,
                ..Limits::default()
            },
            ..Config::default()
        });
        let g = std::rc::Rc::new(std::cell::Cell::new(None));
        let g2 = g.clone();
        let host = store.alloc_host_func(
            FuncType::new([ValType::I32], [ValType::I32]),
            move |store, args| match store.invoke(g2.get().unwrap(), args) {
                Ok(Exit::Returned(vs)) => HostOutcome::Return(vs.into()),
                Ok(Exit::Trapped(t)) => HostOutcome::Trap(t),
                other => panic!("{other:?}"),
            },
        );
        let inst = store
            .instantiate(&module, &[ExternVal::Func(host)])
            .unwrap();
        let Some(ExternVal::Func(gf)) = store.export(inst, "g") else {
            panic!()
        };
        g.set(Some(gf));
        match store.invoke(gf, &[Value::I32(0)]) {
            Ok(Exit::Trapped(t)) => t,
            other => panic!("{other:?}"),
        }
    })
    .unwrap();
    match f.resume(()) {
        FiberState::Returned(t) => assert_eq!(t, Trap::CallStackExhausted),
        FiberState::Yielded(()) => panic!("never yields"),
    }
}
