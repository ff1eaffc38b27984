//! The switch for x86_64 (System V ABI, Linux).
//!
//! Callee-saved state (SysV ABI §3.2.1): rbx, rbp, r12-r15, the MXCSR
//! control bits and the x87 control word; rsp is the stack pointer. No
//! vector register is callee-saved. `switch` pushes them on the current
//! stack, stores rsp through `save`, loads `to` into rsp and pops the same
//! set from there: a switch is an ordinary call that returns on another
//! stack.

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
        "push rbp",
        "push rbx",
        "push r12",
        "push r13",
        "push r14",
        "push r15",
        "sub rsp, 8",
        "stmxcsr [rsp]",
        "fnstcw [rsp + 4]",
        "mov [rdi], rsp",
        "mov rsp, rsi",
        "ldmxcsr [rsp]",
        "fldcw [rsp + 4]",
        "add rsp, 8",
        "pop r15",
        "pop r14",
        "pop r13",
        "pop r12",
        "pop rbx",
        "pop rbp",
        "ret",
    )
}

/// The first code a fiber runs: `switch` returns here with the entry
/// function in r12 and its argument in rbx, and rsp 16-byte aligned, so
/// the call below gives the entry function the ABI's alignment. The entry
/// function never returns.
#[unsafe(naked)]
unsafe extern "C" fn trampoline() {
    naked_asm!("mov rdi, rbx", "call r12", "ud2")
}

/// Writes a fiber's initial frame below `top` and returns its stack
/// pointer: what `switch` pops (MXCSR and x87 control word at their
/// defaults, r15-r13 zero, r12 = `entry`, rbx = `arg`, rbp = 0) and the
/// return address `trampoline`.
///
/// # Safety
/// `top` must be the 16-byte aligned end of a writable stack of at least
/// 80 bytes that nothing else uses.
pub(super) unsafe fn init_stack(
    top: *mut u8,
    entry: extern "C" fn(*mut u8) -> !,
    arg: *mut u8,
) -> *mut u8 {
    // 8 control-register bytes, 6 registers and the return address, with
    // the frame placed so that rsp is 16-byte aligned after `ret`.
    let sp = top.wrapping_sub(80);
    let words = sp.cast::<u64>();
    // SAFETY: the caller guarantees 80 writable bytes below `top`, and
    // `sp` is 16-byte aligned as `top` is.
    unsafe {
        words.write(0x037f_u64 << 32 | 0x1f80); // MXCSR default, x87 control word default
        words.add(1).write(0); // r15
        words.add(2).write(0); // r14
        words.add(3).write(0); // r13
        words.add(4).write(entry as *const () as usize as u64); // r12
        words.add(5).write(arg as u64); // rbx
        words.add(6).write(0); // rbp: the end of the frame chain
        words.add(7).write(trampoline as *const () as usize as u64); // return address
        words.add(8).write(0);
        words.add(9).write(0);
    }
    sp
}
