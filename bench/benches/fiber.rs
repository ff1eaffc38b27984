//! `cargo bench --bench fiber`: one switch round trip of the native-stack
//! backend (a resume into a fiber plus its suspend back), whose goal is
//! 20 ns or less on x86_64 (decision D13); and the cost of making, running and
//! dropping a fiber (its stack comes from the per-thread pool after the
//! first one).

use interp::fiber::{Fiber, FiberState, Suspend};
use std::time::Instant;

const ROUNDS: u64 = 10_000_000;

fn round_trips() -> f64 {
    let mut f = Fiber::new(64 * 1024, |s, mut x: u64| {
        loop {
            x = s.suspend(x.wrapping_add(1));
        }
    })
    .expect("x86_64 and aarch64 Linux have fibers");
    let t = Instant::now();
    let mut v = 0u64;
    for _ in 0..ROUNDS {
        match f.resume(v) {
            FiberState::Yielded(y) => v = y,
            FiberState::Returned(()) => unreachable!(),
        }
    }
    assert_eq!(v, ROUNDS);
    t.elapsed().as_secs_f64() * 1e9 / ROUNDS as f64
}

fn create_and_drop(stack: usize) -> f64 {
    let n = 20_000;
    let t = Instant::now();
    for i in 0..n {
        let mut f = Fiber::new(stack, |_: &Suspend<u64, (), u64>, x: u64| x + 1).expect("a fiber");
        assert!(matches!(f.resume(i), FiberState::Returned(r) if r == i + 1));
    }
    t.elapsed().as_secs_f64() * 1e9 / n as f64
}

fn main() {
    let best = (0..5).map(|_| round_trips()).fold(f64::INFINITY, f64::min);
    println!("switch round trip (resume + suspend): {best:.1} ns (goal: 20 or less on x86_64)");
    for kib in [64, 1024] {
        let ns = (0..3)
            .map(|_| create_and_drop(kib * 1024))
            .fold(f64::INFINITY, f64::min);
        println!(
            "make, run once and drop a fiber with a {kib} KiB stack: {:.1} us",
            ns / 1000.0
        );
    }
}
