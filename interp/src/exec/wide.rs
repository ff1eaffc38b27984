//! Wide arithmetic (the wide-arithmetic proposal, overview "Instructions"):
//! 128-bit addition and subtraction of two `i64` pairs, and the full
//! 128-bit product of two `i64`s, each result as two `i64`s with the low
//! half below the high half on the stack.
//!
//! Each function takes the operand slots and the stack height, replaces the
//! operands with the results and returns the new height: the executor's
//! glue is one call per instruction.

use crate::runtime::slot::Slot;

/// Two slots as one 128-bit integer, the first holding the low 64 bits.
fn pair(lo: Slot, hi: Slot) -> u128 {
    u128::from(lo as u64) | (u128::from(hi as u64) << 64)
}

/// Writes a 128-bit integer as two slots at `at` (low half first) and
/// returns the height just above them.
fn put(vals: &mut [Slot], at: usize, v: u128) -> usize {
    vals[at] = Slot::from(v as u64);
    vals[at + 1] = Slot::from((v >> 64) as u64);
    at + 2
}

/// `i64.add128`: `[lo1 hi1 lo2 hi2] -> [lo hi]`, the sum modulo 2^128.
pub(crate) fn add128(vals: &mut [Slot], sp: usize) -> usize {
    let a = pair(vals[sp - 4], vals[sp - 3]);
    let b = pair(vals[sp - 2], vals[sp - 1]);
    put(vals, sp - 4, a.wrapping_add(b))
}

/// `i64.sub128`: `[lo1 hi1 lo2 hi2] -> [lo hi]`, the difference modulo 2^128.
pub(crate) fn sub128(vals: &mut [Slot], sp: usize) -> usize {
    let a = pair(vals[sp - 4], vals[sp - 3]);
    let b = pair(vals[sp - 2], vals[sp - 1]);
    put(vals, sp - 4, a.wrapping_sub(b))
}

/// `i64.mul_wide_s`: `[a b] -> [lo hi]`, the product of the two signed
/// operands, exact in 128 bits.
pub(crate) fn mul_wide_s(vals: &mut [Slot], sp: usize) -> usize {
    let a = i128::from(vals[sp - 2] as u64 as i64);
    let b = i128::from(vals[sp - 1] as u64 as i64);
    // |a * b| <= 2^126: no overflow.
    put(vals, sp - 2, (a * b) as u128)
}

/// `i64.mul_wide_u`: `[a b] -> [lo hi]`, the product of the two unsigned
/// operands, exact in 128 bits.
pub(crate) fn mul_wide_u(vals: &mut [Slot], sp: usize) -> usize {
    let a = u128::from(vals[sp - 2] as u64);
    let b = u128::from(vals[sp - 1] as u64);
    // a * b < 2^128: no overflow.
    put(vals, sp - 2, a * b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: fn(&mut [Slot], usize) -> usize, args: &[i64]) -> (i64, i64) {
        let mut vals: Vec<Slot> = args.iter().map(|&x| Slot::from(x as u64)).collect();
        let sp = f(&mut vals, args.len());
        (vals[sp - 2] as u64 as i64, vals[sp - 1] as u64 as i64)
    }

    #[test]
    fn carries_and_borrows_cross_the_halves() {
        assert_eq!(run(add128, &[-1, 0, 1, 0]), (0, 1));
        assert_eq!(run(add128, &[-1, -1, 1, 0]), (0, 0));
        assert_eq!(run(sub128, &[0, 1, 1, 0]), (-1, 0));
        assert_eq!(run(sub128, &[0, 0, 1, 0]), (-1, -1));
    }

    #[test]
    fn products_are_exact() {
        assert_eq!(run(mul_wide_u, &[-1, -1]), (1, -2));
        assert_eq!(run(mul_wide_s, &[-1, -1]), (1, 0));
        assert_eq!(run(mul_wide_s, &[i64::MIN, i64::MIN]), (0, 1 << 62));
        assert_eq!(run(mul_wide_s, &[i64::MIN, 1]), (i64::MIN, -1));
    }
}
