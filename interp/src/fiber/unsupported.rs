//! Targets without a switch routine: `Fiber::new` reports
//! `FiberError::Unsupported` and never calls these.

pub(super) const SUPPORTED: bool = false;

/// Never called: see `SUPPORTED`.
///
/// # Safety
/// None needed; it only panics.
pub(super) unsafe fn switch(_save: *mut *mut u8, _to: *mut u8) {
    unreachable!("native stack switching is not supported on this target")
}

/// Never called: see `SUPPORTED`.
///
/// # Safety
/// None needed; it only panics.
pub(super) unsafe fn init_stack(
    _top: *mut u8,
    _entry: extern "C" fn(*mut u8) -> !,
    _arg: *mut u8,
) -> *mut u8 {
    unreachable!("native stack switching is not supported on this target")
}
