//! Reading bytes (spec 5.1, 5.2): integers in LEB128, names in UTF-8, vectors.
//!
//! Every read checks the remaining length first, so truncated input becomes
//! an "unexpected end of section or function" error, and a vector's count
//! never preallocates more than the bytes left could hold.
//!
//! As in the reference interpreter's decoder (`binary/decode.ml`), whose
//! messages the `.wast` suite expects, a section or function body is read
//! from the whole input, not a slice of its declared size: reading past its
//! end reads what follows, and its size is checked once it is decoded
//! ("section size mismatch", [`Reader::at_limit`]). A length larger than the
//! rest of the input is "length out of bounds".

use crate::Error;

/// A cursor over a byte slice that remembers absolute offsets for errors.
pub(crate) struct Reader<'a> {
    /// The rest of the input from where this reader starts.
    bytes: &'a [u8],
    pos: usize,
    /// Absolute offset of `bytes[0]` in the whole module.
    base: usize,
    /// Where the section or body this reader decodes ends (relative to
    /// `bytes`): reads may go past it, [`Reader::at_limit`] checks it.
    limit: usize,
}

/// The message of a read past the end of the input.
const EOS: &str = "unexpected end of section or function";

/// A malformed-module error at an absolute offset.
#[cold]
pub(crate) fn malformed(offset: usize, message: impl Into<String>) -> Error {
    Error::Malformed {
        offset,
        message: message.into(),
    }
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`, which start at absolute offset `base`.
    pub(crate) fn new(bytes: &'a [u8], base: usize) -> Self {
        Reader {
            bytes,
            pos: 0,
            base,
            limit: bytes.len(),
        }
    }

    /// The absolute offset of the next byte.
    pub(crate) fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// Whether every byte up to the limit has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.limit
    }

    /// Whether exactly the bytes up to the limit have been read.
    pub(crate) fn at_limit(&self) -> bool {
        self.pos == self.limit
    }

    /// Bytes not yet read before the limit.
    pub(crate) fn remaining(&self) -> usize {
        self.limit.saturating_sub(self.pos)
    }

    /// Bytes not yet read in the whole input.
    fn left(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// A length (spec 5.1.3 vectors, names, sizes) that fits in the rest of
    /// the input: else "length out of bounds".
    /// (The bytes of the length itself count as left, as in the reference
    /// interpreter.)
    pub(crate) fn len32(&mut self) -> Result<usize, Error> {
        let (at, left) = (self.offset(), self.left());
        let n = self.u32()? as usize;
        if n > left {
            return Err(malformed(at, "length out of bounds"));
        }
        Ok(n)
    }

    /// An error at the current offset.
    #[cold]
    pub(crate) fn err(&self, message: impl Into<String>) -> Error {
        malformed(self.offset(), message)
    }

    /// One byte.
    pub(crate) fn byte(&mut self) -> Result<u8, Error> {
        let b = *self.bytes.get(self.pos).ok_or_else(|| self.err(EOS))?;
        self.pos += 1;
        Ok(b)
    }

    /// The next byte, without consuming it.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// `n` bytes.
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.left() {
            return Err(malformed(self.base + self.bytes.len(), EOS));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// A reader for a section or function body whose size comes next: it
    /// reads the rest of the input, with its limit `size` bytes on; this
    /// reader moves past them.
    pub(crate) fn sized(&mut self) -> Result<Reader<'a>, Error> {
        let n = self.len32()?;
        let mut sub = Reader::new(&self.bytes[self.pos..], self.offset());
        sub.limit = n;
        self.pos += n;
        Ok(sub)
    }

    /// An unsigned LEB128 integer of at most `bits` bits (spec 5.2.2).
    fn uleb(&mut self, bits: u32) -> Result<u64, Error> {
        let max_bytes = bits.div_ceil(7);
        let mut result: u64 = 0;
        let mut shift = 0u32;
        for i in 0..max_bytes {
            let b = self.byte()?;
            let payload = (b & 0x7f) as u64;
            if i == max_bytes - 1 {
                // The last byte may only use the bits that remain.
                let used = bits - shift;
                if b & 0x80 != 0 {
                    return Err(self.err("integer representation too long"));
                }
                if used < 7 && payload >> used != 0 {
                    return Err(self.err("integer too large"));
                }
            }
            result |= payload << shift;
            if b & 0x80 == 0 {
                return Ok(result);
            }
            shift += 7;
        }
        unreachable!("the last byte either ends the integer or is an error")
    }

    /// A signed LEB128 integer of at most `bits` bits (spec 5.2.2).
    fn sleb(&mut self, bits: u32) -> Result<i64, Error> {
        let max_bytes = bits.div_ceil(7);
        let mut result: i64 = 0;
        let mut shift = 0u32;
        for i in 0..max_bytes {
            let b = self.byte()?;
            let payload = (b & 0x7f) as i64;
            if i == max_bytes - 1 {
                if b & 0x80 != 0 {
                    return Err(self.err("integer representation too long"));
                }
                // The unused high bits must all equal the sign bit.
                let used = bits - shift; // bits of this byte that carry value, sign included
                if used < 7 {
                    let sign_and_unused = (b & 0x7f) >> (used - 1);
                    let all = (1u8 << (8 - used)) - 1; // 7 - used + 1 bits
                    if sign_and_unused != 0 && sign_and_unused != all {
                        return Err(self.err("integer too large"));
                    }
                }
            }
            result |= payload << shift;
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    result |= -1i64 << shift;
                }
                return Ok(result);
            }
        }
        unreachable!("the last byte either ends the integer or is an error")
    }

    /// A `u32` (spec 5.2.2).
    pub(crate) fn u32(&mut self) -> Result<u32, Error> {
        Ok(self.uleb(32)? as u32)
    }

    /// A `u64`.
    pub(crate) fn u64(&mut self) -> Result<u64, Error> {
        self.uleb(64)
    }

    /// An `s32`.
    pub(crate) fn s32(&mut self) -> Result<i32, Error> {
        Ok(self.sleb(32)? as i32)
    }

    /// An `s33` (block type indices).
    pub(crate) fn s33(&mut self) -> Result<i64, Error> {
        self.sleb(33)
    }

    /// An `s64`.
    pub(crate) fn s64(&mut self) -> Result<i64, Error> {
        self.sleb(64)
    }

    /// Four bytes, little-endian (an `f32`'s bits).
    pub(crate) fn f32_bits(&mut self) -> Result<u32, Error> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Eight bytes, little-endian (an `f64`'s bits).
    pub(crate) fn f64_bits(&mut self) -> Result<u64, Error> {
        let b = self.take(8)?;
        let mut a = [0; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// A name (spec 5.2.4): a byte vector that must be valid UTF-8.
    pub(crate) fn name(&mut self) -> Result<String, Error> {
        let n = self.len32()?;
        let at = self.offset();
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| malformed(at, "malformed UTF-8 encoding"))
    }

    /// A byte vector (spec 5.2.3).
    pub(crate) fn byte_vec(&mut self) -> Result<&'a [u8], Error> {
        let n = self.len32()?;
        self.take(n)
    }

    /// A vector (spec 5.1.3) of items read by `f`. The count is checked
    /// against the bytes left (every item takes at least one byte), so a huge
    /// count fails as "length out of bounds" instead of allocating.
    pub(crate) fn vec<T>(
        &mut self,
        mut f: impl FnMut(&mut Self) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        let n = self.len32()?;
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(f(self)?);
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_of(b: &[u8]) -> Result<u32, Error> {
        Reader::new(b, 0).u32()
    }
    fn s32_of(b: &[u8]) -> Result<i32, Error> {
        Reader::new(b, 0).s32()
    }
    fn s64_of(b: &[u8]) -> Result<i64, Error> {
        Reader::new(b, 0).s64()
    }

    #[test]
    fn leb_limits() {
        assert_eq!(
            u32_of(&[0x80, 0x80, 0x80, 0x80, 0x0f]).unwrap(),
            0xf000_0000
        );
        assert!(u32_of(&[0x80, 0x80, 0x80, 0x80, 0x1f]).is_err()); // too large
        assert!(u32_of(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).is_err()); // too long
        assert_eq!(u32_of(&[0xff, 0xff, 0xff, 0xff, 0x0f]).unwrap(), u32::MAX);
        assert_eq!(s32_of(&[0x7f]).unwrap(), -1);
        assert_eq!(s32_of(&[0xff, 0xff, 0xff, 0xff, 0x7f]).unwrap(), -1);
        assert!(s32_of(&[0xff, 0xff, 0xff, 0xff, 0x4f]).is_err());
        assert!(s32_of(&[0x80, 0x80, 0x80, 0x80, 0x70]).is_err());
        assert_eq!(s32_of(&[0x80, 0x80, 0x80, 0x80, 0x78]).unwrap(), i32::MIN);
        assert_eq!(s32_of(&[0xff, 0xff, 0xff, 0xff, 0x07]).unwrap(), i32::MAX);
        assert_eq!(
            s64_of(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]).unwrap(),
            i64::MIN
        );
        assert!(s64_of(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x41]).is_err());
        assert_eq!(
            s64_of(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]).unwrap(),
            i64::MAX
        );
        assert_eq!(Reader::new(&[0x40], 0).s33().unwrap(), -64);
    }
}
