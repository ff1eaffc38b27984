//! The switch for x86_64 (System V ABI, Linux).
//!
//! Callee-saved registers (SysV ABI §3.2.1): rbx, rbp, r12-r15; rsp is
//! the stack pointer. No vector register is callee-saved. `switch` pushes
//! them on the current stack, stores rsp through `save`, loads `to` into
//! rsp and pops the same set from there: a switch is an ordinary call that
//! returns on another stack, except that it returns with `pop` and `jmp`
//! rather than `ret`: a `ret` to the other stack's caller never matches the
//! processor's return-stack prediction, and that mispredicted `ret` was
//! most of a round trip's cost (`cargo bench --bench fiber`: about 25 ns
//! with `ret`, 7-14 ns with `jmp`). The MXCSR control bits and the x87 control
//! word, which the ABI also asks a callee to preserve, are left alone, as
//! FPCR is on aarch64: Rust code never changes them (and wasm needs their
//! defaults), so both sides of a switch always agree on them. Saving them
//! cost about 9 ns per round trip here (`cargo bench --bench fiber`).

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
        "mov [rdi], rsp",
        "mov rsp, rsi",
        "pop r15",
        "pop r14",
        "pop r13",
        "pop r12",
        "pop rbx",
        "pop rbp",
        "pop rcx",
        "jmp rcx",
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
/// pointer: what `switch` pops (r15-r13 zero, r12 = `entry`, rbx = `arg`,
/// rbp = 0) and the return address `trampoline`.
///
/// # Safety
/// `top` must be the 16-byte aligned end of a writable stack of at least
/// 72 bytes that nothing else uses.
pub(super) unsafe fn init_stack(
    top: *mut u8,
    entry: extern "C" fn(*mut u8) -> !,
    arg: *mut u8,
) -> *mut u8 {
    // 6 registers and the return address, placed so that rsp is 16-byte
    // aligned after `ret` (sp + 56 = top - 16).
    let sp = top.wrapping_sub(72);
    let words = sp.cast::<u64>();
    // SAFETY: the caller guarantees 72 writable bytes below `top`; `sp` is
    // 8-byte aligned as `top` is 16-byte aligned.
    unsafe {
        words.write(0); // r15
        words.add(1).write(0); // r14
        words.add(2).write(0); // r13
        words.add(3).write(entry as *const () as usize as u64); // r12
        words.add(4).write(arg as u64); // rbx
        words.add(5).write(0); // rbp: the end of the frame chain
        words.add(6).write(trampoline as *const () as usize as u64); // return address
        words.add(7).write(0);
        words.add(8).write(0);
    }
    sp
}
