//! The atomic memory instructions of the threads proposal, for a single
//! agent (the proposal's `document/core/exec/instructions.rst`, "Atomic
//! Memory Instructions"; `proposal-notes/threads.md`).
//!
//! This interpreter runs one agent: no other thread can read or write a
//! memory between two of its instructions, so every instruction here is
//! atomic and sequentially consistent by construction, and the answers of
//! `wait` and `notify` are the ones a lone agent gets. `wait` finds the
//! value it expects or not ("not-equal", 1); if it does, no other agent
//! exists to notify it, so it ends when its timeout does ("timed-out", 2,
//! returned at once: waiting out the time would show nothing more), or,
//! without a timeout, never: a deadlock, reported as a trap of its own.
//! `notify` wakes no one (0).
//!
//! Each function takes the operand slots and the stack height, replaces
//! the operands with the result and returns the new height, so the
//! executor's glue is one call per instruction (`exec::stack_ops::step`:
//! they run as `Op::Instr`, decision D20).

use crate::api::{MemAddr, Trap};
use crate::runtime::slot::Slot;
use crate::runtime::store::Store;
use crate::syntax::{Access, AddrType, AtomicOp, RmwOp};

/// "not-equal": the value at the address was not the one expected.
const NOT_EQUAL: u32 = 1;
/// "timed-out": no agent notified this one before its timeout.
const TIMED_OUT: u32 = 2;

/// Runs atomic instruction `op` with static offset `offset` on memory `m`:
/// its operands (the address, then the values `op.types()` lists) are the
/// top slots below `sp`; the result, if any, replaces them. Returns the new
/// stack height.
///
/// # Errors
/// "unaligned atomic memory access" if the effective address is not a
/// multiple of the access size, "expected shared memory" for a `wait` on
/// an unshared memory, "out of bounds memory access", and the deadlock of a
/// `wait` without a timeout that finds its value.
pub(crate) fn eval(
    store: &mut Store,
    m: MemAddr,
    op: AtomicOp,
    offset: u64,
    vals: &mut [Slot],
    sp: usize,
) -> Result<usize, Trap> {
    let operands = op.types().0.len();
    let at = sp - 1 - operands;
    let access = op.access();
    let n = usize::from(access.bytes);
    // The effective address (computed in 64 bits, so it cannot wrap), its
    // alignment, then, for `wait`, the memory's sharing, then the bounds.
    let mem = &mut store.mems[m.0 as usize];
    let base = match mem.ty.addr {
        AddrType::I32 => vals[at] as u32 as u64,
        AddrType::I64 => vals[at] as u64,
    };
    let ea = base.checked_add(offset).ok_or(Trap::MemoryOutOfBounds)?;
    if ea % n as u64 != 0 {
        return Err(Trap::UnalignedAtomic);
    }
    if matches!(op, AtomicOp::Wait(_)) && !mem.ty.shared {
        return Err(Trap::ExpectedSharedMemory);
    }
    let end = ea
        .checked_add(n as u64)
        .filter(|&e| e <= mem.data.len() as u64)
        .ok_or(Trap::MemoryOutOfBounds)?;
    let bytes = &mut mem.data[ea as usize..end as usize];
    let result = match op {
        // No agent waits on this memory but the one running, which is not
        // waiting: none is woken (the count is read but never reached).
        AtomicOp::Notify => Some(0),
        AtomicOp::Wait(a) => Some(u64::from(wait(a, read(bytes), vals[at + 1], vals[at + 2])?)),
        AtomicOp::Load(_) => Some(read(bytes)),
        AtomicOp::Store(_) => {
            write(bytes, vals[at + 1] as u64);
            None
        }
        AtomicOp::Rmw(r, a) => {
            let old = read(bytes);
            write(bytes, rmw(r, a, old, vals[at + 1] as u64));
            Some(old)
        }
        AtomicOp::Cmpxchg(_) => {
            let old = read(bytes);
            // The expected value is compared wrapped to the access width.
            if old == wrap(vals[at + 1] as u64, n) {
                write(bytes, vals[at + 2] as u64);
            }
            Some(old)
        }
    };
    Ok(match result {
        Some(v) => {
            vals[at] = Slot::from(v);
            at + 1
        }
        None => at,
    })
}

/// The little-endian integer in `bytes`, zero-extended.
fn read(bytes: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(b)
}

/// Writes `v` wrapped to the width of `bytes`, little-endian.
fn write(bytes: &mut [u8], v: u64) {
    let n = bytes.len();
    bytes.copy_from_slice(&v.to_le_bytes()[..n]);
}

/// `v` wrapped to `n` bytes.
fn wrap(v: u64, n: usize) -> u64 {
    if n >= 8 { v } else { v & ((1 << (8 * n)) - 1) }
}

/// The value a read-modify-write stores: `op` of the value read
/// (zero-extended) and the operand, in the operand's type (overview table
/// "Read-Modify-Write"; wrapped to the access width when written).
fn rmw(op: RmwOp, a: Access, old: u64, operand: u64) -> u64 {
    let v = match op {
        RmwOp::Add => old.wrapping_add(operand),
        RmwOp::Sub => old.wrapping_sub(operand),
        RmwOp::And => old & operand,
        RmwOp::Or => old | operand,
        RmwOp::Xor => old ^ operand,
        RmwOp::Xchg => operand,
    };
    if a.is64 { v } else { v as u32 as u64 }
}

/// `memory.atomic.waitN` once the value `found` is read: "not-equal" if it
/// is not `expected`, else the end of a wait no other agent can cut short:
/// "timed-out" for a timeout of 0 or more nanoseconds, and a deadlock for
/// a negative one (no timeout).
fn wait(a: Access, found: u64, expected: Slot, timeout: Slot) -> Result<u32, Trap> {
    if found != wrap(expected as u64, usize::from(a.bytes)) {
        return Ok(NOT_EQUAL);
    }
    if (timeout as u64 as i64) < 0 {
        return Err(Trap::WaitDeadlock);
    }
    Ok(TIMED_OUT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_read_modify_writes_wrap_and_return_the_old_value() {
        let a = Access {
            is64: false,
            bytes: 1,
        };
        let mut bytes = [0xffu8];
        let old = read(&bytes);
        write(&mut bytes, rmw(RmwOp::Add, a, old, 2));
        assert_eq!((old, bytes[0]), (0xff, 1));
    }

    #[test]
    fn a_lone_agent_never_wakes_up_early() {
        let a = Access {
            is64: true,
            bytes: 8,
        };
        assert_eq!(wait(a, 5, 6, 0), Ok(NOT_EQUAL));
        assert_eq!(wait(a, 5, 5, 1_000), Ok(TIMED_OUT));
        assert_eq!(wait(a, 5, 5, u64::MAX as Slot), Err(Trap::WaitDeadlock));
    }
}
