//! The state of one computation (decision D3): operand slots and frames, all
//! on the heap, so it can be moved into a `Suspended` and back.
//!
//! ```text
//! vals: [ frame 0: params | locals | operands ][ frame 1: params | locals | operands ] ...
//!         ^ base of frame 0                      ^ base of frame 1 (its params were
//!                                                  frame 0's top operands)
//! ```
//!
//! The slots live in a cell that the store's registry of computations also
//! points to (weakly), so that the garbage collector finds the references
//! of every computation that is not running: suspended ones, and those
//! paused inside a host call (decision D14). While a computation runs, the
//! interpreter loop holds its slots in local variables and the cell is empty.

use crate::api::{Trap, Value};
use crate::runtime::slot::{self, Slot};
use crate::runtime::store::{Store, WasmFunc};
use crate::syntax::ValType;
use std::cell::RefCell;
use std::rc::Rc;

/// A suspended call frame (spec 4.2.13 `frame`): the function, where to go on
/// in it, and where its locals start. The running frame lives in the
/// interpreter loop's locals; callers wait here.
pub(crate) struct Frame {
    pub(crate) func: Rc<WasmFunc>,
    pub(crate) pc: u32,
    pub(crate) base: u32,
}

/// A computation's operand slots while it is not running.
#[derive(Default)]
pub(crate) struct Slots {
    /// `vals[..sp]` are live, the rest is room.
    pub(crate) vals: Vec<Slot>,
    pub(crate) sp: usize,
}

/// One computation's stack.
pub(crate) struct Stack {
    /// The operand slots, shared with the store's registry.
    pub(crate) slots: Rc<RefCell<Slots>>,
    /// Every frame of the computation, innermost last, while it is not
    /// running; the interpreter pops the innermost one into registers.
    pub(crate) frames: Vec<Frame>,
    /// The root function's result types, to read the results at the end.
    pub(crate) results: Vec<ValType>,
    /// An exception to raise at the innermost frame's call site when the
    /// computation next runs (`Suspended::resume_throw`).
    pub(crate) pending_throw: Option<crate::api::ExnAddr>,
    /// The arguments of the host call being made, kept to reuse its buffer.
    pub(crate) host_args: Vec<Value>,
}

impl Stack {
    /// A new computation, registered with the store's collector.
    pub(crate) fn new(store: &mut Store, results: Vec<ValType>) -> Self {
        let slots = Rc::new(RefCell::new(Slots {
            // 32 slots (512 bytes) to start: a call that suspends at its
            // first host call holds little more (decision D2).
            vals: Vec::with_capacity(32),
            sp: 0,
        }));
        store.register_computation(&slots);
        Stack {
            slots,
            frames: Vec::new(),
            results,
            pending_throw: None,
            host_args: Vec::new(),
        }
    }

    /// Takes the slots out for running.
    #[inline]
    pub(crate) fn take(&self) -> (Vec<Slot>, usize) {
        let mut s = self.slots.borrow_mut();
        (std::mem::take(&mut s.vals), s.sp)
    }

    /// Puts the slots back when the computation stops running.
    #[inline]
    pub(crate) fn put(&self, vals: Vec<Slot>, sp: usize) {
        let mut s = self.slots.borrow_mut();
        s.vals = vals;
        s.sp = sp;
    }

    /// Pushes a frame for `f`, whose arguments are the top slots (spec
    /// 4.4.10 "Invocation of function address"), checking the limits.
    pub(crate) fn enter(&mut self, store: &Store, f: Rc<WasmFunc>) -> Result<(), Trap> {
        let limits = store.config().limits;
        if self.frames.len() >= limits.max_call_depth as usize {
            return Err(Trap::CallStackExhausted);
        }
        let mut s = self.slots.borrow_mut();
        let Slots { vals, sp } = &mut *s;
        let base = *sp - f.num_params as usize;
        let need = *sp as u64 + f.num_locals as u64 + f.max_height as u64;
        if need > limits.max_stack_slots as u64 {
            return Err(Trap::ValueStackExhausted);
        }
        let need = need as usize;
        if need > vals.len() {
            vals.resize(need.max(vals.len() * 2), 0);
        }
        vals[*sp..*sp + f.num_locals as usize].fill(0);
        *sp += f.num_locals as usize;
        drop(s);
        self.frames.push(Frame {
            func: f,
            pc: 0,
            base: base as u32,
        });
        Ok(())
    }

    /// Pushes values (arguments, or values resumed into a paused host call).
    pub(crate) fn push_values(&mut self, vs: &[Value]) {
        let mut s = self.slots.borrow_mut();
        let Slots { vals, sp } = &mut *s;
        let need = *sp + vs.len();
        if need > vals.len() {
            vals.resize(need, 0);
        }
        for (i, v) in vs.iter().enumerate() {
            vals[*sp + i] = slot::from_value(*v);
        }
        *sp = need;
    }

    /// Empties the operand stack.
    pub(crate) fn clear(&mut self) {
        let mut s = self.slots.borrow_mut();
        s.vals.clear();
        s.sp = 0;
    }

    /// The root function's results, once it has returned.
    pub(crate) fn results(&self, store: &Store) -> Vec<Value> {
        let n = self.results.len();
        let s = self.slots.borrow();
        s.vals[s.sp - n..s.sp]
            .iter()
            .zip(&self.results)
            .map(|(v, t)| store.slot_value(*v, *t))
            .collect()
    }

    /// The live operand slots, for a description.
    pub(crate) fn height(&self) -> usize {
        self.slots.borrow().sp
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.borrow().vals.capacity() * std::mem::size_of::<Slot>()
            + std::mem::size_of::<Slots>()
            + self.frames.capacity() * std::mem::size_of::<Frame>()
            + self.results.capacity() * std::mem::size_of::<ValType>()
    }
}
