//! The switch for aarch64 (AAPCS64, Linux).
//!
//! Callee-saved state (AAPCS64 §6.1.1, §6.1.2): x19-x28, the frame pointer
//! x29, the link register x30, and the low 64 bits of v8-v15 (d8-d15); sp
//! is the stack pointer and stays 16-byte aligned. `switch` stores them in
//! a 160-byte frame on the current stack, stores sp through `save`, loads
//! `to` into sp, reloads the same frame from there and branches to x30
//! (`br`, not `ret`: the return-stack prediction of a `ret` would be wrong
//! on the other stack, as on x86_64). FPCR is left alone: Rust code does
//! not change it.

use std::arch::naked_asm;

pub(super) const SUPPORTED: bool = true;

/// Saves the callee-saved state on the current stack, stores the stack
/// pointer through `save`, and continues from the state saved at `to`.
///
/// # Safety
/// `save` must be writable; `to` must be a stack pointer saved by this
/// function or made by [`init_stack`], on a stack that is still mapped,
/// and not resumed twice.
#[unsafe(naked)]
pub(super) unsafe extern "C" fn switch(save: *mut *mut u8, to: *mut u8) {
    naked_asm!(
        "sub sp, sp, #160",
        "stp x19, x20, [sp, #0]",
        "stp x21, x22, [sp, #16]",
        "stp x23, x24, [sp, #32]",
        "stp x25, x26, [sp, #48]",
        "stp x27, x28, [sp, #64]",
        "stp x29, x30, [sp, #80]",
        "stp d8, d9, [sp, #96]",
        "stp d10, d11, [sp, #112]",
        "stp d12, d13, [sp, #128]",
        "stp d14, d15, [sp, #144]",
        "mov x2, sp",
        "str x2, [x0]",
        "mov sp, x1",
        "ldp x19, x20, [sp, #0]",
        "ldp x21, x22, [sp, #16]",
        "ldp x23, x24, [sp, #32]",
        "ldp x25, x26, [sp, #48]",
        "ldp x27, x28, [sp, #64]",
        "ldp x29, x30, [sp, #80]",
        "ldp d8, d9, [sp, #96]",
        "ldp d10, d11, [sp, #112]",
        "ldp d12, d13, [sp, #128]",
        "ldp d14, d15, [sp, #144]",
        "add sp, sp, #160",
        "br x30",
    )
}

/// The first code a fiber runs: `switch` returns here with the entry
/// function in x20 and its argument in x19, sp 16-byte aligned. The entry
/// function never returns.
#[unsafe(naked)]
unsafe extern "C" fn trampoline() {
    naked_asm!("mov x0, x19", "blr x20", "brk #0")
}

/// Writes a fiber's initial 160-byte frame below `top` and returns its
/// stack pointer: x19 = `arg`, x20 = `entry`, x29 = 0 (the end of the frame
/// chain), x30 = `trampoline`, everything else zero.
///
/// # Safety
/// `top` must be the 16-byte aligned end of a writable stack of at least
/// 160 bytes that nothing else uses.
pub(super) unsafe fn init_stack(
    top: *mut u8,
    entry: extern "C" fn(*mut u8) -> !,
    arg: *mut u8,
) -> *mut u8 {
    let sp = top.wrapping_sub(160);
    let words = sp.cast::<u64>();
    // SAFETY: the caller guarantees 160 writable bytes below `top`, and
    // `sp` is 16-byte aligned as `top` is.
    unsafe {
        for i in 0..20 {
            words.add(i).write(0);
        }
        words.write(arg as u64); // x19
        words.add(1).write(entry as *const () as usize as u64); // x20
        words.add(11).write(trampoline as *const () as usize as u64); // x30
    }
    sp
}
