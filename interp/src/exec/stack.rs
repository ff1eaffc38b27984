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

use super::frame_loop::WINDOW;
use crate::api::{Limits, Trap, Value};
use crate::runtime::budget::Budget;
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

/// One computation's stack, behind one box made when the computation
/// starts, so that suspending and resuming move a pointer, not the whole
/// state (`Suspended` holds it; `exec::run` passes it by value).
pub(crate) struct Stack(Box<StackData>);

impl std::ops::Deref for Stack {
    type Target = StackData;
    fn deref(&self) -> &StackData {
        &self.0
    }
}

impl std::ops::DerefMut for Stack {
    fn deref_mut(&mut self) -> &mut StackData {
        &mut self.0
    }
}

/// What a [`Stack`] holds.
pub(crate) struct StackData {
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
    /// The bytes of `vals` and `frames` charged to the store's budget.
    pub(crate) account: Account,
}

/// A stack's charge to its store's budget (decision D19), given back when
/// the stack is dropped, suspended or not.
pub(crate) struct Account {
    budget: Budget,
    charged: u64,
}

impl Account {
    /// Charges `bytes` more.
    fn charge(&mut self, bytes: usize) -> Result<(), Trap> {
        self.budget
            .charge("stack", bytes as u64)
            .map_err(|e| Trap::OutOfMemory(e.to_string()))?;
        self.charged += bytes as u64;
        Ok(())
    }

    /// Grows `vals` to at least `need` slots (at least doubling, so a deep
    /// recursion grows it a logarithmic number of times), charging the
    /// growth first.
    pub(crate) fn grow_vals(&mut self, vals: &mut Vec<Slot>, need: usize) -> Result<(), Trap> {
        let new = need.max(vals.len() * 2);
        if new > vals.capacity() {
            self.charge((new - vals.capacity()) * size_of::<Slot>())?;
            vals.reserve_exact(new - vals.len());
        }
        vals.resize(new, 0);
        Ok(())
    }

    /// Makes room for one more frame, charging the growth (at least
    /// doubling) first.
    pub(crate) fn reserve_frame(&mut self, frames: &mut Vec<Frame>) -> Result<(), Trap> {
        if frames.len() < frames.capacity() {
            return Ok(());
        }
        let new = (frames.capacity() * 2).max(8);
        self.charge((new - frames.capacity()) * size_of::<Frame>())?;
        frames.reserve_exact(new - frames.len());
        Ok(())
    }
}

/// Grows `vals`, if the limit and the budget allow, so that
/// `frame_loop::run` can see the frame at `base` through a window of
/// `frame_loop::WINDOW` slots (4 KiB); else it sees the slots as they are.
/// Made when a loop first runs there, so a computation that runs none (as
/// most that suspend soon do) keeps its first 32 slots. Kept out of line:
/// it runs once per loop, and the interpreter loop that calls it is
/// better without its registers.
#[inline(never)]
pub(crate) fn window_room(
    vals: &mut Vec<Slot>,
    account: &mut Account,
    limits: &Limits,
    base: usize,
) {
    let room = base + WINDOW;
    if room > vals.len() && room <= limits.max_stack_slots as usize {
        // A refusal only means the slower view.
        let _ = account.grow_vals(vals, room);
    }
}

impl Drop for Account {
    fn drop(&mut self) {
        self.budget.release(self.charged);
    }
}

impl Stack {
    /// A new computation, registered with the store's collector and charged
    /// to its budget; a trap if the budget refuses.
    pub(crate) fn new(store: &mut Store, results: Vec<ValType>) -> Result<Self, Trap> {
        let mut account = Account {
            budget: store.budget.clone(),
            charged: 0,
        };
        // 32 slots (512 bytes) to start: a call that suspends at its
        // first host call holds little more (decision D2).
        account.charge(32 * size_of::<Slot>())?;
        let slots = Rc::new(RefCell::new(Slots {
            vals: Vec::with_capacity(32),
            sp: 0,
        }));
        store.register_computation(&slots);
        Ok(Stack(Box::new(StackData {
            slots,
            frames: Vec::new(),
            results,
            pending_throw: None,
            host_args: Vec::new(),
            account,
        })))
    }
}

impl StackData {
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
        let code = &f.code;
        let base = *sp - code.params as usize;
        let need = base as u64 + code.frame as u64;
        if need > limits.max_stack_slots as u64 {
            return Err(Trap::ValueStackExhausted);
        }
        let need = need as usize;
        if need > vals.len() {
            self.account.grow_vals(vals, need)?;
        }
        self.account.reserve_frame(&mut self.frames)?;
        vals[base + code.params as usize..base + code.locals as usize].fill(0);
        *sp = base + code.locals as usize;
        drop(s);
        self.frames.push(Frame {
            func: f,
            pc: 0,
            base: base as u32,
        });
        Ok(())
    }

    /// Pushes values (arguments, or values resumed into a paused host call).
    pub(crate) fn push_values(&mut self, vs: &[Value]) -> Result<(), Trap> {
        let mut s = self.slots.borrow_mut();
        let Slots { vals, sp } = &mut *s;
        let need = *sp + vs.len();
        if need > vals.len() {
            self.account.grow_vals(vals, need)?;
        }
        for (i, v) in vs.iter().enumerate() {
            vals[*sp + i] = slot::from_value(*v);
        }
        *sp = need;
        Ok(())
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
        std::mem::size_of::<StackData>()
            + self.slots.borrow().vals.capacity() * std::mem::size_of::<Slot>()
            + std::mem::size_of::<Slots>()
            + self.frames.capacity() * std::mem::size_of::<Frame>()
            + self.results.capacity() * std::mem::size_of::<ValType>()
    }
}
