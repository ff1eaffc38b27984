//! Fibers: computations that run on a native stack of their own and can
//! switch back to whoever resumed them, for the native-stack mode of JSPI
//! (decision D13), where V8's design is followed: each `promising` call runs on
//! a fixed-size stack, and a suspension switches stacks instead of
//! unwinding heap frames.
//!
//! This is the only module of the project with `unsafe` code, behind the
//! `native-stack` feature. Its API is safe:
//!
//! ```
//! # #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))] {
//! use interp::fiber::{Fiber, FiberState};
//! let mut f = Fiber::new(64 * 1024, |suspend, first: u32| {
//!     let second = suspend.suspend(first + 1); // back to the resumer
//!     first + second
//! }).unwrap();
//! assert!(matches!(f.resume(10), FiberState::Yielded(11)));
//! assert!(matches!(f.resume(5), FiberState::Returned(15)));
//! # }
//! ```
//!
//! - A fiber's stack is `mmap`ed with a guard page below it and has the
//!   size the user chose; when the fiber is dropped it goes back to a small
//!   per-thread pool for the next fiber of that size, or is unmapped.
//! - A panic inside the fiber is caught on the fiber's stack and resumed in
//!   the resumer (`std::panic::resume_unwind`), never unwound across a
//!   switch.
//! - Dropping a suspended fiber unwinds it: `Suspend::suspend` panics with a
//!   private marker, the fiber's frames run their destructors, and the
//!   fiber ends. Nothing leaks, nothing runs after the drop.
//! - The process has at most [`max_stacks`] fiber stacks mapped at once
//!   (pooled ones included): each stack is two of the kernel's mappings
//!   (the stack and its guard page), and a process that runs out of
//!   mappings cannot `malloc` either, so past the budget [`Fiber::new`]
//!   fails with [`FiberError::Stack`] long before the kernel's limit.
//! - [`remaining_stack`] tells code running on a fiber how much stack is
//!   left, so that it can refuse to recurse further (a trap) long before the
//!   guard page.
//! - One file per architecture (`x86_64.rs`, `aarch64.rs`) holds the switch,
//!   the initial frame and the entry trampoline; on any other target
//!   [`Fiber::new`] returns [`FiberError::Unsupported`].
#![allow(unsafe_code)]

#[cfg(target_os = "linux")]
mod stack;
/// Elsewhere no stack is ever made: `Fiber::new` stops at `SUPPORTED`.
#[cfg(not(target_os = "linux"))]
mod stack {
    pub(super) struct Stack;
    impl Stack {
        pub(super) fn new(_: usize) -> std::io::Result<Stack> {
            Err(std::io::Error::other("no fiber stacks on this target"))
        }
        pub(super) fn top(&self) -> *mut u8 {
            std::ptr::null_mut()
        }
        pub(super) fn limit(&self) -> usize {
            0
        }
        pub(super) fn size(&self) -> usize {
            0
        }
    }
}

#[cfg(all(target_arch = "aarch64", target_os = "linux"))]
mod aarch64;
#[cfg(all(target_arch = "aarch64", target_os = "linux"))]
use aarch64 as arch;
#[cfg(not(any(
    all(target_arch = "x86_64", target_os = "linux"),
    all(target_arch = "aarch64", target_os = "linux")
)))]
mod unsupported;
#[cfg(not(any(
    all(target_arch = "x86_64", target_os = "linux"),
    all(target_arch = "aarch64", target_os = "linux")
)))]
use unsupported as arch;
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod x86_64;
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
use x86_64 as arch;

use std::any::Any;
use std::cell::Cell;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Why a fiber could not be made.
#[derive(Debug)]
pub enum FiberError {
    /// This target has no switch routine (only x86_64 and aarch64 Linux do).
    Unsupported,
    /// The stack could not be mapped.
    Stack(std::io::Error),
}

impl std::fmt::Display for FiberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FiberError::Unsupported => write!(
                f,
                "native stack switching is not supported on this target (only x86_64 and aarch64 Linux)"
            ),
            FiberError::Stack(e) => write!(f, "cannot map a fiber stack: {e}"),
        }
    }
}

impl std::error::Error for FiberError {}

/// What a resumption ended with.
#[derive(Debug)]
pub enum FiberState<Y, R> {
    /// The fiber suspended itself with this value; resume it again.
    Yielded(Y),
    /// The fiber's function returned this value; the fiber is done.
    Returned(R),
}

/// What crosses a switch, in either direction.
enum Transfer<I, Y, R> {
    Empty,
    Resume(I),
    Cancel,
    Yield(Y),
    Return(R),
    Panic(Box<dyn Any + Send>),
    Cancelled,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    NotStarted,
    Running,
    Suspended,
    Done,
}

/// The panic payload that unwinds a fiber dropped while suspended.
struct Cancelled;

type Start<I, Y, R> = Box<dyn FnOnce(&Suspend<I, Y, R>, I) -> R>;

/// The state a fiber and its resumer share. It lives in a `Box` that the
/// fiber's stack refers to, so it does not move while the fiber exists.
struct Inner<I, Y, R> {
    stack: stack::Stack,
    /// The fiber's stack pointer while it is not running.
    fiber_sp: Cell<*mut u8>,
    /// The resumer's stack pointer while the fiber runs.
    resumer_sp: Cell<*mut u8>,
    transfer: Cell<Transfer<I, Y, R>>,
    start: Cell<Option<Start<I, Y, R>>>,
    status: Cell<Status>,
}

/// A computation on its own native stack. `I` is what each resumption
/// passes in, `Y` what each suspension passes out, `R` the result.
pub struct Fiber<I, Y, R> {
    /// A `Box` turned into a raw pointer: the fiber's stack refers to it
    /// too, so it is only ever reached through shared references (all its
    /// mutable state is in `Cell`s), and freed in `Drop`.
    inner: std::ptr::NonNull<Inner<I, Y, R>>,
    /// Fibers stay on the thread that made them.
    _not_send: PhantomData<*mut ()>,
}

/// The handle a fiber's function uses to suspend itself.
pub struct Suspend<I, Y, R> {
    inner: *const Inner<I, Y, R>,
}

thread_local! {
    /// The lowest usable address of the stack of the fiber running on this
    /// thread (0 when none is), for [`remaining_stack`].
    static STACK_LIMIT: Cell<usize> = const { Cell::new(0) };
}

/// Fiber stacks mapped now in the process (in use or pooled).
static LIVE_STACKS: AtomicUsize = AtomicUsize::new(0);
/// The most fiber stacks the process may have mapped at once; 0 until
/// first asked for or set.
static MAX_STACKS: AtomicUsize = AtomicUsize::new(0);

/// The most fiber stacks this process may have mapped at once (the
/// mapping budget). By default a quarter of the kernel's limit on a
/// process's mappings (`/proc/sys/vm/max_map_count`, 65,530 unless
/// changed: 16,382 stacks), since each stack takes two mappings: stacks
/// use at most half of them, and the rest of the process (the allocator,
/// libraries, threads) keeps the other half.
pub fn max_stacks() -> usize {
    let m = MAX_STACKS.load(Ordering::Relaxed);
    if m != 0 {
        return m;
    }
    let kernel = std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .ok()
        .and_then(|s| s.trim().parse::<usize>().ok())
        .unwrap_or(65_530);
    let _ =
        MAX_STACKS.compare_exchange(0, (kernel / 4).max(1), Ordering::Relaxed, Ordering::Relaxed);
    MAX_STACKS.load(Ordering::Relaxed)
}

/// Sets the mapping budget: at most `n` (at least 1) fiber stacks mapped at
/// once in this process. Stacks already mapped stay.
pub fn set_max_stacks(n: usize) {
    MAX_STACKS.store(n.max(1), Ordering::Relaxed);
}

/// Fiber stacks mapped now in this process, in use or pooled for reuse.
pub fn live_stacks() -> usize {
    LIVE_STACKS.load(Ordering::Relaxed)
}

/// Takes one stack from the mapping budget, or says why not.
#[cfg(target_os = "linux")]
fn reserve_stack() -> std::io::Result<()> {
    let max = max_stacks();
    LIVE_STACKS
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n < max).then_some(n + 1))
        .map(|_| ())
        .map_err(|_| {
            std::io::Error::other(format!(
                "{max} native stacks are mapped, the most this process allows \
                 (each takes two of the kernel's vm.max_map_count mappings; see fiber::set_max_stacks)"
            ))
        })
}

/// Gives one stack back to the mapping budget (its mapping is gone).
#[cfg(target_os = "linux")]
fn release_stack() {
    LIVE_STACKS.fetch_sub(1, Ordering::Relaxed);
}

/// The bytes of stack left below the current frame when running on a
/// fiber, or `None` on an ordinary thread stack.
pub fn remaining_stack() -> Option<usize> {
    let limit = STACK_LIMIT.with(Cell::get);
    if limit == 0 {
        return None;
    }
    let marker = 0u8;
    let here = std::hint::black_box(&marker) as *const u8 as usize;
    Some(here.saturating_sub(limit))
}

impl<I: 'static, Y: 'static, R: 'static> Fiber<I, Y, R> {
    /// A fiber that will run `f` on a new stack of `stack_size` bytes
    /// (rounded up to whole pages, plus a guard page) when first resumed.
    /// `f` gets the suspend handle and the first resumption's value.
    ///
    /// # Errors
    /// [`FiberError::Unsupported`] on targets without a switch routine,
    /// [`FiberError::Stack`] if the stack cannot be mapped.
    pub fn new(
        stack_size: usize,
        f: impl FnOnce(&Suspend<I, Y, R>, I) -> R + 'static,
    ) -> Result<Self, FiberError> {
        if !arch::SUPPORTED {
            return Err(FiberError::Unsupported);
        }
        let stack = stack::Stack::new(stack_size).map_err(FiberError::Stack)?;
        let inner = Box::new(Inner {
            stack,
            fiber_sp: Cell::new(std::ptr::null_mut()),
            resumer_sp: Cell::new(std::ptr::null_mut()),
            transfer: Cell::new(Transfer::Empty),
            start: Cell::new(Some(Box::new(f))),
            status: Cell::new(Status::NotStarted),
        });
        let inner = std::ptr::NonNull::from(Box::leak(inner));
        let fiber = Fiber {
            inner,
            _not_send: PhantomData,
        };
        let arg = inner.as_ptr().cast::<u8>();
        let top = fiber.inner().stack.top();
        // SAFETY: `top` is the page-aligned end of a fresh mapping of at
        // least one page that nothing else uses; `init_stack` writes the
        // initial frame just below it. `entry::<I, Y, R>` takes `arg`, the
        // `Inner` pointer, which stays valid until the fiber is dropped,
        // after it is done or cancelled (see `Drop`).
        let sp = unsafe { arch::init_stack(top, entry::<I, Y, R>, arg) };
        fiber.inner().fiber_sp.set(sp);
        Ok(fiber)
    }

    /// Whether the fiber's function has returned (or panicked).
    pub fn is_done(&self) -> bool {
        self.inner().status.get() == Status::Done
    }

    /// The bytes of the fiber's stack (without the guard page).
    pub fn stack_size(&self) -> usize {
        self.inner().stack.size()
    }

    /// Runs the fiber until it suspends or returns. A panic in the fiber is
    /// resumed here.
    ///
    /// # Panics
    /// If the fiber is done, or (from inside itself) already running.
    pub fn resume(&mut self, value: I) -> FiberState<Y, R> {
        match self.inner().status.get() {
            Status::Done => panic!("resumed a fiber that is done"),
            Status::Running => panic!("resumed a running fiber"),
            Status::NotStarted | Status::Suspended => {}
        }
        self.inner().transfer.set(Transfer::Resume(value));
        match self.switch_in() {
            Transfer::Yield(y) => {
                self.inner().status.set(Status::Suspended);
                FiberState::Yielded(y)
            }
            Transfer::Return(r) => FiberState::Returned(r),
            Transfer::Panic(p) => resume_unwind(p),
            _ => unreachable!("a fiber switches back with a yield, a return or a panic"),
        }
    }
}

impl<I, Y, R> Suspend<I, Y, R> {
    /// Switches back to the resumer with `value`; returns the value of the
    /// next resumption.
    pub fn suspend(&self, value: Y) -> I {
        // SAFETY: a `Suspend` is only handed to the fiber's own function,
        // by reference, on the fiber's stack; `inner` outlives the fiber's
        // function (the `Box` is freed only once the fiber is done).
        let inner = unsafe { &*self.inner };
        inner.transfer.set(Transfer::Yield(value));
        // SAFETY: we run on the fiber, whose resumer saved its stack
        // pointer in `resumer_sp` when it switched in; switching there
        // returns from its `switch` call. Our own stack pointer goes to
        // `fiber_sp`, where the next resumption switches back to.
        unsafe {
            arch::switch(inner.fiber_sp.as_ptr(), inner.resumer_sp.get());
        }
        match inner.transfer.replace(Transfer::Empty) {
            Transfer::Resume(v) => v,
            // Dropped while suspended: unwind this fiber's frames.
            Transfer::Cancel => resume_unwind(Box::new(Cancelled)),
            _ => unreachable!("a fiber is switched to with a resume or a cancel"),
        }
    }
}

/// The fiber's first frame: runs the function, catches any panic, reports
/// the outcome to the resumer and switches back for the last time.
extern "C" fn entry<I, Y, R>(arg: *mut u8) -> ! {
    // SAFETY: `arg` is the `Inner` pointer `Fiber::new` gave to
    // `init_stack`; the `Inner` outlives the fiber (see `Fiber::new`).
    let inner = unsafe { &*arg.cast_const().cast::<Inner<I, Y, R>>() };
    let outcome = match inner.transfer.replace(Transfer::Empty) {
        Transfer::Resume(first) => {
            let f = inner.start.take().expect("a fiber starts once");
            let suspend = Suspend {
                inner: inner as *const Inner<I, Y, R>,
            };
            match catch_unwind(AssertUnwindSafe(|| f(&suspend, first))) {
                Ok(r) => Transfer::Return(r),
                Err(p) if p.is::<Cancelled>() => Transfer::Cancelled,
                Err(p) => Transfer::Panic(p),
            }
        }
        // Dropped before it ever ran.
        Transfer::Cancel => Transfer::Cancelled,
        _ => unreachable!("a fiber starts with a resume or a cancel"),
    };
    inner.transfer.set(outcome);
    inner.status.set(Status::Done);
    let mut dead_sp = std::ptr::null_mut();
    // SAFETY: as in `Suspend::suspend`: the resumer's stack pointer is in
    // `resumer_sp`. This fiber is never switched to again (its status is
    // Done), so the stack pointer saved into `dead_sp` is never used and
    // this call never returns.
    unsafe {
        arch::switch(&mut dead_sp, inner.resumer_sp.get());
    }
    unreachable!("a finished fiber is never resumed")
}

impl<I, Y, R> Drop for Fiber<I, Y, R> {
    fn drop(&mut self) {
        self.cancel();
        // SAFETY: the pointer comes from `Box::leak` in `new`; the fiber is
        // done, cancelled or never ran, so its stack no longer uses it.
        drop(unsafe { Box::from_raw(self.inner.as_ptr()) });
    }
}

impl<I, Y, R> Fiber<I, Y, R> {
    fn inner(&self) -> &Inner<I, Y, R> {
        // SAFETY: `inner` comes from `Box::leak` in `new` and is freed only
        // in `Drop`; it is only used through shared references.
        unsafe { self.inner.as_ref() }
    }

    /// Switches to the fiber with `transfer` set, and returns what it
    /// switched back with.
    fn switch_in(&mut self) -> Transfer<I, Y, R> {
        self.inner().status.set(Status::Running);
        let outer_limit = STACK_LIMIT.with(|l| l.replace(self.inner().stack.limit()));
        // SAFETY: `fiber_sp` is the stack pointer the fiber saved when it
        // last switched out (or the initial frame made by `init_stack`), so
        // switching to it resumes the fiber where it stopped. Our own stack
        // pointer is saved in `resumer_sp`, which the fiber switches back
        // to; the fiber only does so from `Suspend::suspend` or `entry`,
        // after setting `transfer`. `self` is borrowed mutably for the
        // whole switch, so nothing else touches the fiber meanwhile.
        unsafe {
            arch::switch(
                self.inner().resumer_sp.as_ptr(),
                self.inner().fiber_sp.get(),
            );
        }
        STACK_LIMIT.with(|l| l.set(outer_limit));
        self.inner().transfer.replace(Transfer::Empty)
    }

    /// Unwinds a suspended fiber (see `Drop`): the fiber answers a cancel
    /// by unwinding its frames and switching back from `entry`, done.
    fn cancel(&mut self) {
        if self.inner().status.get() == Status::Suspended {
            self.inner().transfer.set(Transfer::Cancel);
            // What comes back (a destructor's panic payload, if one
            // panicked during the unwinding) is dropped: a drop must not
            // panic.
            drop(self.switch_in());
        }
        // A fiber that never started has nothing on its stack to unwind.
    }
}
