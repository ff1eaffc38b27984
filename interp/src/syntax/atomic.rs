//! The atomic memory instructions of the threads proposal (overview
//! "Atomic Memory Accesses", "Wait and Notify operators"): what each one
//! accesses, and its opcode after the `0xFE` prefix.
//!
//! Every instruction here takes a memory argument; `atomic.fence`, which
//! takes none, is an instruction of its own (`Instr::AtomicFence`). What
//! each one computes is in `exec::atomic`.

use super::types::ValType;

/// The read-modify-write operators (overview "Read-Modify-Write").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RmwOp {
    /// `add`: sign-agnostic addition.
    Add,
    /// `sub`: sign-agnostic subtraction.
    Sub,
    /// `and`: bitwise and.
    And,
    /// `or`: bitwise inclusive or.
    Or,
    /// `xor`: bitwise exclusive or.
    Xor,
    /// `xchg`: the operand replaces the value read.
    Xchg,
}

/// What an atomic instruction accesses: a value of type `i32` or `i64`,
/// through `bytes` bytes of memory (1, 2, 4 or 8), zero-extended when read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Access {
    /// The value is an `i64` (else an `i32`).
    pub is64: bool,
    /// How many bytes are read or written, and the alignment they need.
    pub bytes: u8,
}

impl Access {
    /// The value type operands and results have.
    pub fn val_type(self) -> ValType {
        if self.is64 {
            ValType::I64
        } else {
            ValType::I32
        }
    }
}

/// An atomic instruction with a memory argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AtomicOp {
    /// `memory.atomic.notify`: `[addr i32] -> [i32]`, on 4 bytes.
    Notify,
    /// `memory.atomic.wait32` (`i32`) and `wait64` (`i64`): `[addr t i64]
    /// -> [i32]`.
    Wait(Access),
    /// `t.atomic.load[N_u]`: `[addr] -> [t]`.
    Load(Access),
    /// `t.atomic.store[N]`: `[addr t] -> []`.
    Store(Access),
    /// `t.atomic.rmw[N].op[_u]`: `[addr t] -> [t]`, the value read.
    Rmw(RmwOp, Access),
    /// `t.atomic.rmw[N].cmpxchg[_u]`: `[addr t t] -> [t]`, the value read.
    Cmpxchg(Access),
}

impl AtomicOp {
    /// The instruction with this opcode after `0xFE` (overview "Binary
    /// format"); `None` for `atomic.fence` (3) and unknown opcodes.
    pub fn from_opcode(op: u32) -> Option<AtomicOp> {
        // Each family lists its accesses in one order: i32, i64, then the
        // narrow ones of i32 and of i64.
        const ORDER: [Access; 7] = [
            Access {
                is64: false,
                bytes: 4,
            },
            Access {
                is64: true,
                bytes: 8,
            },
            Access {
                is64: false,
                bytes: 1,
            },
            Access {
                is64: false,
                bytes: 2,
            },
            Access {
                is64: true,
                bytes: 1,
            },
            Access {
                is64: true,
                bytes: 2,
            },
            Access {
                is64: true,
                bytes: 4,
            },
        ];
        const RMW: [RmwOp; 6] = [
            RmwOp::Add,
            RmwOp::Sub,
            RmwOp::And,
            RmwOp::Or,
            RmwOp::Xor,
            RmwOp::Xchg,
        ];
        Some(match op {
            0x00 => AtomicOp::Notify,
            0x01 => AtomicOp::Wait(ORDER[0]),
            0x02 => AtomicOp::Wait(ORDER[1]),
            0x10..=0x16 => AtomicOp::Load(ORDER[(op - 0x10) as usize]),
            0x17..=0x1d => AtomicOp::Store(ORDER[(op - 0x17) as usize]),
            0x1e..=0x47 => {
                let k = (op - 0x1e) as usize;
                AtomicOp::Rmw(RMW[k / 7], ORDER[k % 7])
            }
            0x48..=0x4e => AtomicOp::Cmpxchg(ORDER[(op - 0x48) as usize]),
            _ => return None,
        })
    }

    /// What it accesses (`notify` reads nothing but needs 4-byte alignment).
    pub fn access(self) -> Access {
        match self {
            AtomicOp::Notify => Access {
                is64: false,
                bytes: 4,
            },
            AtomicOp::Wait(a)
            | AtomicOp::Load(a)
            | AtomicOp::Store(a)
            | AtomicOp::Rmw(_, a)
            | AtomicOp::Cmpxchg(a) => a,
        }
    }

    /// The operand types after the address, bottom first, and the result
    /// type.
    pub fn types(self) -> (Vec<ValType>, Option<ValType>) {
        use ValType::{I32, I64};
        let t = self.access().val_type();
        match self {
            AtomicOp::Notify => (vec![I32], Some(I32)),
            AtomicOp::Wait(_) => (vec![t, I64], Some(I32)),
            AtomicOp::Load(_) => (vec![], Some(t)),
            AtomicOp::Store(_) => (vec![t], None),
            AtomicOp::Rmw(..) => (vec![t], Some(t)),
            AtomicOp::Cmpxchg(_) => (vec![t, t], Some(t)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opcodes_follow_the_overview_table() {
        let narrow64 = |bytes| Access { is64: true, bytes };
        assert_eq!(
            AtomicOp::from_opcode(0x16),
            Some(AtomicOp::Load(narrow64(4)))
        );
        assert_eq!(
            AtomicOp::from_opcode(0x1d),
            Some(AtomicOp::Store(narrow64(4)))
        );
        assert_eq!(
            AtomicOp::from_opcode(0x24),
            Some(AtomicOp::Rmw(RmwOp::Add, narrow64(4)))
        );
        assert_eq!(
            AtomicOp::from_opcode(0x41),
            Some(AtomicOp::Rmw(
                RmwOp::Xchg,
                Access {
                    is64: false,
                    bytes: 4
                }
            ))
        );
        assert_eq!(
            AtomicOp::from_opcode(0x4e),
            Some(AtomicOp::Cmpxchg(narrow64(4)))
        );
        assert_eq!(AtomicOp::from_opcode(0x03), None);
        assert_eq!(AtomicOp::from_opcode(0x4f), None);
    }
}
