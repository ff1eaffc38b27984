//! The fiber backend's mapping budget (`interp::fiber::max_stacks`): past
//! it `Fiber::new` fails with an error instead of the process running out
//! of the kernel's mappings (where even `malloc` fails and the process
//! aborts). A test binary of its own, since the budget is the process's.
#![cfg(feature = "native-stack")]
#![cfg(all(
    any(target_arch = "x86_64", target_arch = "aarch64"),
    target_os = "linux"
))]

use interp::fiber::{
    Fiber, FiberError, FiberState, Suspend, live_stacks, max_stacks, set_max_stacks,
};

type Parked = Fiber<(), (), ()>;

fn parked() -> Result<Parked, FiberError> {
    let mut f = Fiber::new(16 * 1024, |s: &Suspend<(), (), ()>, ()| s.suspend(()))?;
    assert!(matches!(f.resume(()), FiberState::Yielded(())));
    Ok(f)
}

#[test]
fn stacks_past_the_budget_are_refused_and_come_back() {
    // The default is a quarter of the kernel's mapping limit.
    let kernel: usize = std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .map(|s| s.trim().parse().unwrap())
        .unwrap_or(65_530);
    assert_eq!(max_stacks(), kernel / 4);

    set_max_stacks(live_stacks() + 100);
    let mut held = Vec::new();
    let err = loop {
        match parked() {
            Ok(f) => held.push(f),
            Err(e) => break e,
        }
        assert!(held.len() <= 100, "the budget was not enforced");
    };
    assert!(!held.is_empty());
    let FiberError::Stack(e) = err else {
        panic!("{err:?}")
    };
    assert!(e.to_string().contains("native stacks are mapped"), "{e}");
    // Dropping suspended fibers unwinds them and gives their stacks back
    // (to the pool, then to the kernel): new fibers can be made again.
    drop(held);
    for _ in 0..10 {
        drop(parked().expect("room again after the drops"));
    }
}
