//! `cargo bench --bench suspend`: the cost of one suspension and resumption
//! through the interpreter's own API (decision D4): a wasm loop
//! calls a host import that suspends; the driver resumes it at once with
//! the import's result. Also the same loop with an import that returns
//! normally, so the difference is the price of suspending.

use interp::syntax::{FuncType, ValType};
use interp::{Config, Exit, ExternVal, Features, HostOutcome, Module, Store, Value};
use std::time::Instant;

const LOOP: &str = r#"(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $acc (i32.add (local.get $acc) (call $f (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $acc)))"#;

const N: i32 = 2_000_000;

fn run(suspend: bool) -> (f64, i32) {
    let module =
        Module::new(&wat::parse_str(LOOP).expect("parses"), &Features::default()).expect("valid");
    let mut store = Store::new(Config::default());
    let f = store.alloc_host_func(
        FuncType::new([ValType::I32], [ValType::I32]),
        move |_, args| {
            if suspend {
                HostOutcome::Suspend(0)
            } else {
                HostOutcome::Return(args.into())
            }
        },
    );
    let inst = store
        .instantiate(&module, &[ExternVal::Func(f)])
        .expect("instantiates");
    let Some(ExternVal::Func(run)) = store.export(inst, "run") else {
        panic!("no run export")
    };
    let t = Instant::now();
    let mut exit = store.invoke(run, &[Value::I32(N)]);
    let mut i = 0;
    let result = loop {
        match exit {
            Ok(Exit::Suspended(s)) => {
                exit = s.resume(&mut store, &[Value::I32(i)]);
                i += 1;
            }
            Ok(Exit::Returned(vs)) => break vs,
            other => panic!("unexpected {other:?}"),
        }
    };
    let ns = t.elapsed().as_secs_f64() * 1e9 / N as f64;
    let [Value::I32(acc)] = result[..] else {
        panic!("bad result")
    };
    (ns, acc)
}

/// `plain` or `suspending` as an argument runs only that loop, once (for a
/// profiler's instruction counts); with neither, both run three times and
/// the difference is printed.
fn main() {
    let only = std::env::args()
        .skip(1)
        .find(|a| a == "plain" || a == "suspending");
    let expect = (0..N).fold(0i32, |a, i| a.wrapping_add(i));
    let best = |suspend| {
        (0..if only.is_some() { 1 } else { 3 })
            .map(|_| {
                let (ns, acc) = run(suspend);
                assert_eq!(acc, expect);
                ns
            })
            .fold(f64::INFINITY, f64::min)
    };
    if let Some(only) = &only {
        let ns = best(only == "suspending");
        println!("host call ({only}): {ns:7.1} ns per call");
        return;
    }
    let plain = best(false);
    let suspending = best(true);
    println!("host call returning normally:     {plain:7.1} ns per call");
    println!("host call suspending and resumed: {suspending:7.1} ns per call");
    println!(
        "suspend + resume: {:.1} ns per suspension (goal: 50 or less)",
        suspending - plain
    );
}
