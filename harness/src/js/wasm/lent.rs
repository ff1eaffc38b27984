//! A memory's `ArrayBuffer` over the memory's own bytes (decision D25), the
//! one module of the JS host with `unsafe` code.
//!
//! The JS API makes `Memory.prototype.buffer` an ArrayBuffer whose data
//! block is the memory's bytes (JS API §"Memories", "create a memory
//! buffer"), so that what JS writes through it wasm reads, and the other
//! way round, with nothing in between. Boa's ArrayBuffer owns its bytes as
//! an `AlignedVec<u8>` (64-byte aligned), and the interpreter owns a
//! memory's bytes as a vector of the same kind (`interp::MEM_ALIGN`). So
//! the buffer is given a second vector over the interpreter's allocation:
//! a *loan*. The interpreter keeps the allocation; the loan is taken back
//! (the buffer detached, and the vector Boa held decomposed without being
//! dropped) whenever the allocation may change or go away.
//!
//! The invariants, which together mean that Boa never reads a freed byte,
//! never frees the interpreter's bytes, and never reallocates them:
//!
//! 1. A loan is made only from `Store::mem_block` (the pointer, length and
//!    capacity of the interpreter's vector) and goes straight into a new
//!    ArrayBuffer, which the loans hold (a GC root) until the loan is taken
//!    back. So the collector never drops an ArrayBuffer that holds a loan.
//! 2. A loan is taken back before its block can change while JS could see
//!    it: by `Memory.prototype.grow` (JS API "refresh the memory buffer"),
//!    and at every return from wasm to JS (`refresh`, called where
//!    `WasmState::sync_to_js` is), which compares each loan with the
//!    memory's block: wasm's `memory.grow` may have moved the bytes, and no
//!    JS ran while it did. The block counts the memory's grows, so a grow
//!    by 0 pages, which moves nothing, still detaches the buffer, as the JS
//!    API's "memory.grow" hook refreshes it after every grow that does not
//!    fail.
//! 3. JS has no way to take or reallocate a fixed-length ArrayBuffer's
//!    bytes in this build of Boa: `resize` refuses fixed-length buffers,
//!    `slice` copies, and `transfer`/`transferToFixedLength` (ECMA-262
//!    ArrayBuffer.prototype.transfer, which would detach the buffer and move
//!    its bytes where the JS API's [[ArrayBufferDetachKey]]
//!    "WebAssembly.Memory" forbids it) are not compiled into Boa:
//!    `check_no_transfer` refuses to install the namespace if they are.
//! 4. When the loans are dropped (the realm's state goes away with its
//!    Context), every loan is taken back first, so the buffers JS may still
//!    hold are detached and the collector later drops them empty, whichever
//!    of the store and the buffers goes first.
//!
//! What it costs: each return from wasm to JS compares a pointer and a
//! length per memory JS has the buffer of, instead of copying every such
//! memory both ways. Shared memories keep their copies (`shared`): Boa's
//! `SharedArrayBuffer` holds its bytes in a form the interpreter's vector
//! cannot be lent as.

#![allow(unsafe_code)]

use boa_engine::object::builtins::{AlignedVec, JsArrayBuffer};
use boa_engine::{Context, JsObject, JsResult, JsString, JsValue};
use interp::{MEM_ALIGN, MemAddr, MemBlock, Store};
use std::collections::HashMap;

/// The memories whose bytes are lent to an ArrayBuffer, and their buffers.
#[derive(Default)]
pub(crate) struct Loans {
    lent: HashMap<MemAddr, Loan>,
}

/// One memory's bytes lent to its current buffer.
struct Loan {
    /// The Memory object's `[[BufferObject]]`.
    buffer: JsArrayBuffer,
    /// The memory's block when it was lent.
    block: MemBlock,
}

impl Loans {
    /// The buffer of memory `m` (JS API `Memory.prototype.buffer`): the
    /// current one while the memory's block is the one it was lent, else a
    /// new ArrayBuffer lent the memory's bytes (the old one detached).
    pub(crate) fn buffer(
        &mut self,
        store: &mut Store,
        m: MemAddr,
        ctx: &mut Context,
    ) -> JsResult<JsObject> {
        let block = store.mem_block(m);
        if let Some(loan) = self.lent.get(&m) {
            if loan.block == block {
                return Ok(loan.buffer.clone().into());
            }
            self.take_back(m);
        }
        // Boa's limit on an ArrayBuffer's length (a RangeError, as when
        // JS asks for a larger buffer).
        if block.len as u64 > ctx.host_hooks().max_buffer_size(ctx) {
            return Err(super::adapter::range_error(
                "WebAssembly.Memory.prototype.buffer: the memory is larger than an ArrayBuffer may be",
            ));
        }
        debug_assert_eq!(block.ptr as usize % MEM_ALIGN, 0);
        // Room for the record first: nothing may fail between lending and
        // recording the loan.
        self.lent.reserve(1);
        // SAFETY: `block` is the pointer, length and capacity of the
        // store's `AVec<u8, ConstAlign<MEM_ALIGN>>` for `m`, which is what
        // `AVec::into_raw_parts` would give for it: allocated by the global
        // allocator with `capacity` bytes at alignment `MEM_ALIGN` (or, with
        // no capacity, an aligned dangling pointer that is never freed;
        // Boa's `AlignedVec<u8>` is the same type), its first `len` bytes
        // initialised. The vector made here aliases the store's, so it must
        // never be dropped, grown or read after the store's moves or frees
        // the allocation: it goes straight into the ArrayBuffer below
        // (`from_byte_block` cannot fail once it has it: the prototype comes
        // from the intrinsic %ArrayBuffer%'s own data property; were it to,
        // the process stops), and the module's invariants 1-4 keep it there, unread
        // after a move, until `take_back` decomposes it without dropping.
        // The two vectors are used only through raw pointers and references
        // that do not overlap in time: Boa touches the bytes only while JS
        // runs, the interpreter only while wasm runs, and the two never run
        // at once.
        let alias: AlignedVec<u8> =
            unsafe { AlignedVec::from_raw_parts(block.ptr, MEM_ALIGN, block.len, block.capacity) };
        let Ok(buffer) = JsArrayBuffer::from_byte_block(alias, ctx) else {
            // Boa dropped the vector, freeing the store's bytes.
            broken("a memory's ArrayBuffer could not be made");
        };
        self.lent.insert(
            m,
            Loan {
                buffer: buffer.clone(),
                block,
            },
        );
        Ok(buffer.into())
    }

    /// Takes back the loan of memory `m`, if any: its buffer is detached
    /// (JS API "refresh the memory buffer", ECMA-262 DetachArrayBuffer).
    pub(crate) fn take_back(&mut self, m: MemAddr) {
        if let Some(loan) = self.lent.remove(&m) {
            loan.take_back();
        }
    }

    /// After wasm ran: takes back the loans of the memories whose block
    /// changed (they grew), so that their buffers are detached before JS
    /// runs again.
    pub(crate) fn refresh(&mut self, store: &mut Store) {
        if self.lent.is_empty() {
            return;
        }
        let moved: Vec<MemAddr> = self
            .lent
            .iter()
            .filter(|(m, loan)| store.mem_block(**m) != loan.block)
            .map(|(m, _)| *m)
            .collect();
        for m in moved {
            self.take_back(m);
        }
    }
}

impl Loan {
    /// Detaches the buffer and decomposes the vector Boa held, which is
    /// the loan, without dropping it: the bytes stay the store's.
    fn take_back(self) {
        match self.buffer.detach(&JsValue::undefined()) {
            Ok(alias) => {
                let (ptr, ..) = alias.into_raw_parts();
                if ptr != self.block.ptr {
                    broken("a memory's ArrayBuffer held other bytes than the memory's");
                }
            }
            // Something else took the bytes and may free them: a second
            // free would follow, so stop here.
            Err(_) => broken("a memory's ArrayBuffer was detached by someone else"),
        }
    }
}

impl Drop for Loans {
    fn drop(&mut self) {
        // The state is dropped with its Context, while the collector is not
        // sweeping (no object of the heap holds the state); during a sweep
        // the buffers may already be gone, and with them the store's bytes.
        if !self.lent.is_empty() && !boa_gc::finalizer_safe() {
            broken("the WebAssembly state was dropped by the garbage collector");
        }
        for (_, loan) in self.lent.drain() {
            loan.take_back();
        }
    }
}

/// Refuses a build of Boa where JS can transfer an ArrayBuffer (invariant
/// 3): the JS API forbids detaching a memory's buffer
/// ([[ArrayBufferDetachKey]] "WebAssembly.Memory"), and Boa gives no way
/// to set a buffer's detach key.
pub(crate) fn check_no_transfer(ctx: &mut Context) -> JsResult<()> {
    let proto = ctx.intrinsics().constructors().array_buffer().prototype();
    for name in ["transfer", "transferToFixedLength"] {
        if proto.has_property(JsString::from(name), ctx)? {
            return Err(super::adapter::type_error(format!(
                "ArrayBuffer.prototype.{name} is compiled into Boa: a WebAssembly.Memory's buffer \
                 would be detachable (build Boa without its `experimental` feature)"
            )));
        }
    }
    Ok(())
}

/// Stops the process: a loan's invariant was broken, and going on could
/// free the memory's bytes twice.
fn broken(what: &str) -> ! {
    eprintln!("wasm-ref: internal error: {what}");
    std::process::abort()
}

#[cfg(test)]
mod tests {
    use super::super::memory::MemoryData;
    use super::super::{Stacks, install, state};
    use crate::js::Proposals;
    use crate::js::trace::{Sinks, Tracer};
    use boa_engine::object::builtins::JsArrayBuffer;
    use boa_engine::{Context, JsObject, Source};

    /// A realm with the WebAssembly namespace.
    fn realm() -> Context {
        let mut ctx = Context::default();
        let tracer = Tracer::new(&Sinks::default(), Default::default());
        install(&mut ctx, Stacks::Heap, Proposals::default(), tracer).expect("installs");
        ctx
    }

    fn eval(ctx: &mut Context, src: &str) -> boa_engine::JsValue {
        ctx.eval(Source::from_bytes(src)).expect("runs")
    }

    /// The buffer's bytes are the memory's: a write on either side is
    /// read on the other with no crossing between them, at one address.
    #[test]
    fn the_buffer_holds_the_memory_s_own_bytes() {
        let mut ctx = realm();
        let memory = eval(
            &mut ctx,
            "globalThis.m = new WebAssembly.Memory({initial: 1}); m",
        )
        .as_object()
        .expect("an object");
        let m = memory.downcast_ref::<MemoryData>().expect("a Memory").addr;
        let buffer = eval(
            &mut ctx,
            "globalThis.u = new Uint8Array(m.buffer); m.buffer",
        );
        let buffer = JsArrayBuffer::from_object(buffer.as_object().expect("an object")).unwrap();
        let st = state(&ctx);
        assert_eq!(
            buffer.data().expect("attached").as_ptr(),
            st.store.borrow().mem_data(m).as_ptr()
        );
        eval(&mut ctx, "u[5] = 7");
        assert_eq!(st.store.borrow().mem_data(m)[5], 7);
        st.store.borrow_mut().mem_data_mut(m)[6] = 9;
        assert_eq!(eval(&mut ctx, "u[6]").as_number(), Some(9.0));
    }

    /// A buffer JS or Rust still holds when the realm goes away is
    /// detached first, so collecting it later frees nothing of the store's.
    #[test]
    fn a_buffer_outliving_its_realm_is_detached() {
        let held: Vec<JsObject> = (0..20)
            .map(|i| {
                let mut ctx = realm();
                let src = format!(
                    "const m = new WebAssembly.Memory({{initial: {}}}); \
                     new Uint8Array(m.buffer)[0] = 1; m.buffer",
                    i % 3
                );
                eval(&mut ctx, &src).as_object().expect("an object")
            })
            .collect();
        for b in &held {
            let b = JsArrayBuffer::from_object(b.clone()).unwrap();
            assert!(b.data().is_none(), "the realm's end detached it");
        }
        drop(held);
        boa_gc::force_collect();
    }
}
