//! The cases' bytes: a small pseudo-random generator (SplitMix64), so that
//! a seed and a case number always give the same bytes, on any machine.

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
/// generators", 2014): a 64-bit state advanced by a constant and mixed.
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// The bytes of case `case` of `target` under `seed`: 64 bytes to 8 KiB.
pub fn case_bytes(seed: u64, target: &str, case: u64) -> Vec<u8> {
    // Each target gets its own stream, so `--target exec` sees the same
    // cases as `exec` within `all`.
    let salt = target.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    let mut r = Rng::new(seed ^ salt ^ case.wrapping_mul(0xd1b5_4a32_d192_ed03));
    let n = r.range(64, 8192) as usize;
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        out.extend_from_slice(&r.next().to_le_bytes());
    }
    out.truncate(n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_are_reproducible_and_distinct() {
        assert_eq!(case_bytes(1, "exec", 5), case_bytes(1, "exec", 5));
        assert_ne!(case_bytes(1, "exec", 5), case_bytes(1, "exec", 6));
        assert_ne!(case_bytes(1, "exec", 5), case_bytes(2, "exec", 5));
        assert_ne!(case_bytes(1, "exec", 5), case_bytes(1, "validate", 5));
    }
}
