//! The buffers of shared memories (threads proposal, overview "JavaScript
//! API changes": `CreateMemoryObject`, `Memory.prototype.grow` and the
//! `buffer` getter).
//!
//! A shared memory's `buffer` is a frozen `SharedArrayBuffer` of the
//! memory's length when JS asked. Growing the memory never detaches it: the
//! next `buffer` is a new, longer one, and every earlier buffer JS still
//! holds keeps aliasing the memory's first bytes. Boa's shared buffers own
//! their bytes in a block the memory cannot be lent as (an unshared
//! memory's buffer holds the memory's own bytes: `lent`, decision D25), so
//! aliasing is modelled by copying: whenever wasm stops running, the memory is written
//! into every buffer JS can still reach (only the bytes that differ); before
//! wasm runs again, what JS changed in any of them is written back, the
//! newest buffer last. Earlier buffers are held through `WeakRef`s, so the
//! ones JS dropped are collected rather than kept in step forever.
//!
//! What the copies cannot give: while only JS runs, a write through one
//! buffer is not seen through another buffer of the same memory until wasm
//! has run or a new buffer is made (a real engine's buffers share the
//! bytes); and if JS writes one
//! byte differently through two buffers between two wasm calls, the newer
//! buffer's byte wins, where an engine keeps the later write.

use boa_engine::object::IntegrityLevel;
use boa_engine::object::builtins::{JsSharedArrayBuffer, JsUint8Array};
use boa_engine::{Context, JsObject, JsResult, JsValue, js_string};
use interp::{MemAddr, Store};
use std::collections::HashMap;

/// The buffers JS has of each shared memory.
pub(crate) struct SharedBuffers {
    mems: HashMap<MemAddr, Buffers>,
    /// `WeakRef.prototype.deref` as the realm began (a script may replace
    /// the property, not this function).
    deref: JsObject,
}

/// One shared memory's buffers.
struct Buffers {
    /// The Memory object's `[[BufferObject]]`.
    current: JsSharedArrayBuffer,
    /// `WeakRef`s to the buffers it replaced, oldest first.
    older: Vec<JsObject>,
}

impl SharedBuffers {
    /// No buffer yet; `deref` is taken from the realm's intrinsics.
    pub(crate) fn new(ctx: &mut Context) -> JsResult<Self> {
        let proto = ctx.intrinsics().constructors().weak_ref().prototype();
        let deref = proto
            .get(js_string!("deref"), ctx)?
            .as_object()
            .ok_or_else(|| super::adapter::type_error("WeakRef.prototype.deref is missing"))?;
        Ok(SharedBuffers {
            mems: HashMap::new(),
            deref,
        })
    }

    /// The buffer of shared memory `m` if it still has the memory's
    /// length `len` (the memory has not grown since it was made).
    pub(crate) fn current(&self, m: MemAddr, len: usize) -> Option<JsObject> {
        let b = self.mems.get(&m)?;
        (b.current.byte_length() == len).then(|| b.current.clone().into())
    }

    /// A new buffer for shared memory `m`, whose bytes are `data`: frozen,
    /// and replacing the current one, which stays valid at its old length.
    pub(crate) fn renew(
        &mut self,
        m: MemAddr,
        data: &[u8],
        ctx: &mut Context,
    ) -> JsResult<JsObject> {
        let sab = JsSharedArrayBuffer::new(data.len(), ctx)?;
        if !data.is_empty() {
            write(&sab, 0, data, ctx)?;
        }
        let o: JsObject = sab.clone().into();
        o.set_integrity_level(IntegrityLevel::Frozen, ctx)?;
        match self.mems.get_mut(&m) {
            Some(b) => {
                let old: JsObject = std::mem::replace(&mut b.current, sab).into();
                let ctor = ctx.intrinsics().constructors().weak_ref().constructor();
                let weak = ctor.construct(&[old.into()], None, ctx)?;
                b.older.push(weak);
            }
            None => {
                self.mems.insert(
                    m,
                    Buffers {
                        current: sab,
                        older: Vec::new(),
                    },
                );
            }
        }
        Ok(o)
    }

    /// The buffers of `m` JS can still reach, oldest first; forgets the
    /// ones collected.
    fn live(&mut self, m: MemAddr, ctx: &mut Context) -> JsResult<Vec<JsSharedArrayBuffer>> {
        let deref = self.deref.clone();
        let Some(b) = self.mems.get_mut(&m) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(b.older.len() + 1);
        let mut kept = Vec::with_capacity(b.older.len());
        for weak in b.older.drain(..) {
            let target = deref.call(&weak.clone().into(), &[], ctx)?;
            if let Some(o) = target.as_object() {
                out.push(JsSharedArrayBuffer::from_object(o.clone())?);
                kept.push(weak);
            }
        }
        b.older = kept;
        out.push(b.current.clone());
        Ok(out)
    }

    /// Writes each shared memory into its buffers (after wasm ran).
    pub(crate) fn copy_to_js(&mut self, store: &Store, ctx: &mut Context) -> JsResult<()> {
        if self.mems.is_empty() {
            // Every crossing comes here: most programs share no memory.
            return Ok(());
        }
        let mems: Vec<MemAddr> = self.mems.keys().copied().collect();
        for m in mems {
            let data = store.mem_data(m);
            for sab in self.live(m, ctx)? {
                let old = sab.to_vec();
                let n = old.len().min(data.len());
                for (start, end) in differences(&old[..n], &data[..n]) {
                    write(&sab, start, &data[start..end], ctx)?;
                }
            }
        }
        Ok(())
    }

    /// Writes back into each shared memory what JS changed in its buffers,
    /// the newest buffer last (before wasm runs).
    pub(crate) fn copy_from_js(&mut self, store: &mut Store, ctx: &mut Context) -> JsResult<()> {
        if self.mems.is_empty() {
            return Ok(());
        }
        let mems: Vec<MemAddr> = self.mems.keys().copied().collect();
        for m in mems {
            let buffers = self.live(m, ctx)?;
            let data = store.mem_data_mut(m);
            // What every buffer held when wasm stopped: a byte that differs
            // from it is one JS wrote.
            let before = if buffers.len() > 1 {
                data.to_vec()
            } else {
                Vec::new()
            };
            for sab in buffers {
                let js = sab.to_vec();
                let n = js.len().min(data.len());
                let base = if before.is_empty() {
                    &*data
                } else {
                    &before[..]
                };
                let changed = differences(&js[..n], &base[..n]);
                for (start, end) in changed {
                    data[start..end].copy_from_slice(&js[start..end]);
                }
            }
        }
        Ok(())
    }
}

/// The ranges where `a` and `b` (of one length) differ, runs closer than
/// 64 bytes merged.
fn differences(a: &[u8], b: &[u8]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for i in (0..a.len()).filter(|&i| a[i] != b[i]) {
        match out.last_mut() {
            Some((_, end)) if i < *end + 64 => *end = i + 1,
            _ => out.push((i, i + 1)),
        }
    }
    out
}

/// Writes `bytes` into `sab` at `at` (through a `Uint8Array` view: Boa
/// gives no direct access to a shared buffer's bytes).
fn write(sab: &JsSharedArrayBuffer, at: usize, bytes: &[u8], ctx: &mut Context) -> JsResult<()> {
    let view = JsUint8Array::from_shared_array_buffer(sab.clone(), ctx)?;
    let src = JsUint8Array::from_iter(bytes.iter().copied(), ctx)?;
    view.set_values(JsValue::from(src), Some(at as u64), ctx)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::differences;

    #[test]
    fn nearby_differences_are_one_range() {
        let a = [0u8; 200];
        let mut b = a;
        b[3] = 1;
        b[10] = 1;
        b[150] = 1;
        assert_eq!(differences(&a, &b), vec![(3, 11), (150, 151)]);
    }
}
