//! The interpreter loop over the executable form (spec 4.4, decision D20):
//! one step per instruction of the running function, every frame and slot
//! on the heap. The instructions that stay inside a frame (numerics, moves,
//! branches, memory 0) are `frame_loop`'s, and a loop made only of them runs
//! there; calls, returns, exceptions and the long tail are here.
//!
//! Conventions, after the spec's: `vals` holds every frame's slots, `base`
//! is where the running frame's begin, `pc` the index of its next
//! instruction in `code`, `f` the running function. An instruction's
//! operands are slots of the running frame (`r!(x)` is slot `x` of it).
//! A frame is entered in one place (`enter!`) and left in one place
//! (`leave!`); a host function is called in one place (`host!`).
//!
//! The running frame's state is kept in local variables for speed; it goes
//! back into `stack.frames` whenever the computation leaves this function
//! (suspension) or calls another function. With `FUEL`, every instruction
//! costs one unit of fuel and the computation pauses when it runs out; the
//! loop without fuel has no such test.

use super::code::*;
use super::frame_loop::{self, Based, Stop, mem_load, mem_store};
use super::gc;
use super::stack::{Frame, Stack, window_room};
use super::stack_ops::{self, indirect, store_ref};
use crate::api::{ExnAddr, FuncAddr, HostOutcome, Trap};
use crate::exec::SuspendReason;
use crate::runtime::slot::{self, Kind, Slot};
use crate::runtime::store::{FuncInst, Store, WasmFunc};
use crate::syntax::{CatchKind, HandlerKind};
use std::rc::Rc;

/// How a run of the loop ended.
pub(crate) enum Outcome {
    /// The root function returned; its results are the top slots.
    Returned,
    /// A trap; the stack is abandoned.
    Trapped(Trap),
    /// Paused; the stack holds every frame, innermost last.
    Suspended(SuspendReason),
    /// An exception no handler caught.
    Thrown(ExnAddr),
}

/// The address of the running instance's memory 0, or `usize::MAX` if it
/// has none (validation then admits no memory instruction on it).
fn default_mem(store: &Store, f: &WasmFunc) -> usize {
    store.instances[f.inst.0 as usize]
        .mems
        .first()
        .map_or(usize::MAX, |a| a.0 as usize)
}

/// Runs `stack` until the root function returns, a trap, or a pause (fuel
/// spent, or a host function asked to suspend).
pub(crate) fn run(store: &mut Store, stack: &mut Stack, fuel: u64) -> Outcome {
    if fuel == u64::MAX {
        run_with::<false>(store, stack, fuel)
    } else {
        run_with::<true>(store, stack, fuel)
    }
}

#[allow(unused_assignments)]
fn run_with<const FUEL: bool>(store: &mut Store, stack: &mut Stack, mut fuel: u64) -> Outcome {
    // A computation started inside a host call may not suspend at a host
    // function: that host frame cannot be captured (decision D4).
    let nested = store.host_depth > 0;
    let limits = store.config().limits;
    // The stack's fields, borrowed apart through the box.
    let stack: &mut super::stack::StackData = stack;
    let Some(top) = stack.frames.pop() else {
        return Outcome::Returned;
    };
    let (mut vals, _) = stack.take();
    let mut f: Rc<WasmFunc> = top.func;
    let mut code: Rc<Code> = f.code.clone();
    let mut pc = top.pc as usize;
    let mut base = top.base as usize;
    let mut mem0 = default_mem(store, &f);
    if let Some(exn) = stack.pending_throw.take() {
        // Resumed with an exception at the call site of the paused call.
        let Some(c) = unwind(store, &mut stack.frames, &f, pc, base, &mut vals, exn) else {
            stack.put(vals, base);
            return Outcome::Thrown(exn);
        };
        (f, pc, base) = (c.f, c.pc, c.base);
        code = f.code.clone();
        mem0 = default_mem(store, &f);
    }

    // Slot `x` of the running frame.
    macro_rules! r {
        ($x:expr) => {
            vals[base + $x as usize]
        };
    }
    // Leaves the loop paused before instruction `pc`: the running frame and
    // the live slots go back into `stack`.
    macro_rules! save {
        ($pc:expr, $sp:expr) => {{
            stack.frames.push(Frame {
                func: f.clone(),
                pc: $pc as u32,
                base: base as u32,
            });
            stack.put(std::mem::take(&mut vals), $sp);
        }};
    }
    macro_rules! trap {
        ($t:expr) => {{
            stack.put(std::mem::take(&mut vals), base);
            return Outcome::Trapped($t);
        }};
    }
    macro_rules! tri {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(t) => trap!(t),
            }
        };
    }
    // Raise an exception (exception handling `throw`): find the innermost
    // handler that catches it, unwinding frames, or end the computation.
    macro_rules! throw {
        ($e:expr) => {{
            let exn: ExnAddr = $e;
            let Some(c) = unwind(store, &mut stack.frames, &f, pc, base, &mut vals, exn) else {
                stack.put(std::mem::take(&mut vals), base);
                return Outcome::Thrown(exn);
            };
            (f, pc, base) = (c.f, c.pc, c.base);
            code = f.code.clone();
            mem0 = default_mem(store, &f);
            continue;
        }};
    }
    // Enter wasm function `w` (spec 4.4.10 "Invocation of function
    // address") with a frame at slot `at` of the running one, where its
    // arguments are; `$tail`: it replaces the running frame instead.
    macro_rules! enter {
        ($w:expr, $at:expr, $tail:expr) => {{
            let w: Rc<WasmFunc> = $w;
            let new_base = if $tail {
                move_down(&mut vals, base + $at, base, w.code.params as usize);
                base
            } else {
                if stack.frames.len() + 1 >= limits.max_call_depth as usize {
                    trap!(Trap::CallStackExhausted);
                }
                base + $at
            };
            let need = new_base + w.code.frame as usize;
            if need > limits.max_stack_slots as usize {
                trap!(Trap::ValueStackExhausted);
            }
            if need > vals.len() {
                tri!(stack.account.grow_vals(&mut vals, need));
            }
            if !$tail && stack.frames.len() == stack.frames.capacity() {
                tri!(stack.account.reserve_frame(&mut stack.frames));
            }
            let locals = new_base + w.code.params as usize..new_base + w.code.locals as usize;
            if !locals.is_empty() {
                vals[locals].fill(0);
            }
            let same_inst = w.inst == f.inst;
            let caller = std::mem::replace(&mut f, w);
            if !$tail {
                stack.frames.push(Frame {
                    func: caller,
                    pc: pc as u32,
                    base: base as u32,
                });
            }
            code = f.code.clone();
            pc = 0;
            base = new_base;
            if !same_inst {
                mem0 = default_mem(store, &f);
            }
        }};
    }
    // Return from the running frame with the `n` values at slot `at`
    // (spec 4.4.8 `return`, and the end of a function body).
    macro_rules! leave {
        ($at:expr, $n:expr) => {{
            let (at, n) = ($at as usize, $n as usize);
            move_down(&mut vals, base + at, base, n);
            match stack.frames.pop() {
                None => {
                    stack.put(std::mem::take(&mut vals), base + n);
                    return Outcome::Returned;
                }
                Some(caller) => {
                    let same_inst = caller.func.inst == f.inst;
                    f = caller.func;
                    code = f.code.clone();
                    pc = caller.pc as usize;
                    base = caller.base as usize;
                    if !same_inst {
                        mem0 = default_mem(store, &f);
                    }
                }
            }
        }};
    }
    // Call host function `a` with its arguments at slot `at`; its results
    // go there. It may ask to suspend. `$root`: no wasm frame is left (a
    // tail call from the root frame), so the host's outcome is the
    // computation's: an exception ends it, and a suspension keeps no frame.
    macro_rules! host {
        ($a:expr, $at:expr) => {
            host!($a, $at, false)
        };
        ($a:expr, $at:expr, $root:expr) => {{
            let a: FuncAddr = $a;
            let at = base + $at as usize;
            let FuncInst::Host {
                type_id,
                f: code_fn,
            } = &store.funcs[a.0 as usize]
            else {
                unreachable!("a host function")
            };
            let (type_id, host) = (*type_id, code_fn.clone());
            let params = &store.func_type_of(type_id).params;
            let n = params.len();
            // One argument buffer for every host call of the computation.
            let host_args = &mut stack.host_args;
            host_args.clear();
            for (k, t) in params.iter().enumerate() {
                host_args.push(store.slot_value(vals[at + k], *t));
            }
            if store.host_depth >= limits.max_host_nesting || super::native_stack_low() {
                trap!(Trap::CallStackExhausted);
            }
            // While the host runs, the slots (arguments included) wait
            // where the collector finds them.
            stack.put(std::mem::take(&mut vals), at + n);
            store.host_depth += 1;
            let out = host(store, &stack.host_args);
            store.host_depth -= 1;
            vals = stack.take().0;
            match out {
                HostOutcome::Return(vs) => {
                    if let Err(e) = store.check_values(
                        "host function results",
                        &vs,
                        &store.func_type_of(type_id).results,
                    ) {
                        trap!(Trap::Host(e.to_string()));
                    }
                    let need = at + vs.len();
                    if need > vals.len() {
                        tri!(stack.account.grow_vals(&mut vals, need));
                    }
                    for (k, v) in vs.iter().enumerate() {
                        vals[at + k] = slot::from_value(*v);
                    }
                }
                HostOutcome::Trap(t) => trap!(t),
                HostOutcome::Throw(e) if !store.is_exn(e) => {
                    trap!(Trap::Host(
                        "a host function threw an exception of another store".into()
                    ))
                }
                HostOutcome::Throw(e) if $root => {
                    stack.put(std::mem::take(&mut vals), at);
                    return Outcome::Thrown(e);
                }
                HostOutcome::Throw(e) => throw!(e),
                HostOutcome::Suspend(_) if nested => trap!(Trap::SuspendThroughHost),
                HostOutcome::Suspend(token) if $root => {
                    stack.put(std::mem::take(&mut vals), at);
                    return Outcome::Suspended(SuspendReason::Host { func: a, token });
                }
                HostOutcome::Suspend(token) => {
                    save!(pc, at);
                    return Outcome::Suspended(SuspendReason::Host { func: a, token });
                }
            }
        }};
    }
    // Call the function at address `a` (spec 4.4.8 `call`).
    macro_rules! call {
        ($a:expr, $at:expr) => {{
            let a: FuncAddr = $a;
            match &store.funcs[a.0 as usize] {
                FuncInst::Wasm(w) => enter!(w.clone(), $at as usize, false),
                FuncInst::Host { .. } => host!(a, $at),
            }
        }};
    }
    // The callee of `call_indirect` of type `ty` through `table` (spec
    // 4.4.8), its arguments at slot `at` and the index above them.
    macro_rules! callee_indirect {
        ($ty:expr, $table:expr, $at:expr) => {{
            let (ty, table) = ($ty, $table);
            let k = r!($at as usize + indirect_params(store, &f, ty));
            tri!(indirect(
                store,
                &f,
                ty,
                table,
                table_index(store, &f, table, k)
            ))
        }};
    }
    // The callee of `call_ref` of type `ty`: the reference above the
    // arguments at slot `at`, which traps if null.
    macro_rules! callee_ref {
        ($ty:expr, $at:expr) => {{
            let r = r!($at as usize + indirect_params(store, &f, $ty));
            if r == 0 {
                trap!(Trap::NullFunctionReference);
            }
            FuncAddr(slot::addr(r), store.id)
        }};
    }
    // A tail call (spec 4.4.8 `return_call`): the callee replaces the
    // running frame, so a chain of tail calls runs in constant space. A host
    // callee is called as if by the caller, after the running frame has
    // returned.
    macro_rules! tail_call {
        ($a:expr, $at:expr) => {{
            let a: FuncAddr = $a;
            match &store.funcs[a.0 as usize] {
                FuncInst::Wasm(w) => enter!(w.clone(), $at as usize, true),
                FuncInst::Host { type_id, .. } => {
                    let n = store.func_type_of(*type_id).params.len();
                    let at = $at as usize;
                    move_down(&mut vals, base + at, base, n);
                    match stack.frames.pop() {
                        Some(caller) => {
                            // The caller waits at its call site, where this
                            // frame began: the host's results go there.
                            let at_caller = (base - caller.base as usize) as u32;
                            let same_inst = caller.func.inst == f.inst;
                            f = caller.func;
                            code = f.code.clone();
                            pc = caller.pc as usize;
                            base = caller.base as usize;
                            if !same_inst {
                                mem0 = default_mem(store, &f);
                            }
                            host!(a, at_caller);
                        }
                        None => {
                            // The root frame is gone: the host's results are
                            // the computation's.
                            let res = store.func_type(a).results.len();
                            host!(a, 0u32, true);
                            stack.put(std::mem::take(&mut vals), base + res);
                            return Outcome::Returned;
                        }
                    }
                }
            }
        }};
    }

    loop {
        if FUEL {
            if fuel == 0 {
                let live = code.live[pc] as usize;
                save!(pc, base + live);
                return Outcome::Suspended(SuspendReason::OutOfFuel);
            }
            fuel -= 1;
        }
        let op = &code.ops[pc];
        pc += 1;
        match *op {
            // ---- Control (spec 4.4.8) ----
            Op::Return { at, n } => leave!(at, n),
            Op::Call { f: x, at } => {
                let a = store.instances[f.inst.0 as usize].funcs[x as usize];
                call!(a, at);
            }
            Op::CallIndirect { ty, table, at } => call!(callee_indirect!(ty, table, at), at),
            Op::CallRef { ty, at } => call!(callee_ref!(ty, at), at),
            Op::ReturnCall { f: x, at } => {
                let a = store.instances[f.inst.0 as usize].funcs[x as usize];
                tail_call!(a, at);
            }
            Op::ReturnCallIndirect { ty, table, at } => {
                tail_call!(callee_indirect!(ty, table, at), at)
            }
            Op::ReturnCallRef { ty, at } => tail_call!(callee_ref!(ty, at), at),
            Op::Throw { tag, at } => {
                let tag = store.instances[f.inst.0 as usize].tags[tag as usize];
                let n = store.tag_type(tag).params.len();
                let at = base + at as usize;
                // Collect (if due) while the fields are still operands.
                if store.heap.wants_collection((n * 16) as u64) {
                    store.collect_with(&vals[..at + n]);
                }
                let fields = vals[at..at + n].to_vec();
                let e = tri!(store.alloc_exn_slots(tag, fields));
                throw!(e);
            }
            Op::ThrowRef { r } => {
                let e = r!(r);
                if e == 0 {
                    trap!(Trap::NullExceptionReference);
                }
                throw!(ExnAddr(slot::addr(e), store.id));
            }
            Op::Rethrow { r } => {
                let e = r!(r);
                throw!(ExnAddr(slot::addr(e), store.id));
            }
            Op::BrOnNull { r, to } => {
                if r!(r) == 0 {
                    pc = to as usize;
                }
            }
            Op::BrOnNonNull { r, to } => {
                if r!(r) != 0 {
                    pc = to as usize;
                }
            }
            Op::BrOnCast {
                r,
                cast,
                fail,
                desc,
                to,
            } => {
                let rt = store_ref(store, &f, code.casts[cast as usize]);
                let ok = if desc {
                    // The descriptor operand is in the slot above.
                    tri!(gc::desc_matches(store, r!(r), r!(r + 1), rt))
                } else {
                    store.ref_matches(r!(r), rt)
                };
                if ok != fail {
                    pc = to as usize;
                }
            }

            // ---- Variables (spec 4.4.5) ----
            Op::GlobalGet { d, g } => {
                let g = store.instances[f.inst.0 as usize].globals[g as usize];
                r!(d) = store.globals[g.0 as usize].value;
            }
            Op::GlobalSet { g, s } => {
                let g = store.instances[f.inst.0 as usize].globals[g as usize];
                store.globals[g.0 as usize].value = r!(s);
            }

            // ---- Memories other than a 32-bit memory 0 (spec 4.4.7) ----
            Op::LoadMem { kind, d, a, m } => {
                let arg = code.memargs[m as usize];
                let mi = stack_ops::mem_addr(store, &f, arg.mem).0 as usize;
                let ea = mem_index(store, mi, r!(a));
                r!(d) = tri!(mem_load(kind, &store.mems[mi].data, ea, arg.offset));
            }
            Op::StoreMem { kind, a, v, m } => {
                let arg = code.memargs[m as usize];
                let mi = stack_ops::mem_addr(store, &f, arg.mem).0 as usize;
                let ea = mem_index(store, mi, r!(a));
                let v = r!(v);
                tri!(mem_store(kind, &mut store.mems[mi].data, ea, arg.offset, v));
            }

            // ---- Everything else, stack-machine style ----
            Op::Instr { i, h } => {
                let sp = base + h as usize;
                tri!(stack_ops::step(
                    store,
                    &f,
                    &code.instrs[i as usize],
                    &mut vals,
                    sp
                ));
                // `memory.grow` may have grown memory 0 in place or not: its
                // address is the same either way.
            }

            // The instructions that stay in the frame, in `frame_loop`
            // (one dispatch: this `match` and `frame_loop::step`'s are on
            // the same value, which the compiler sees).
            _ => {
                let at = pc;
                let mut mem = (&mut store.mems, mem0);
                let regs = &mut Based(&mut vals, base);
                let stayed = tri!(frame_loop::step(&code, op, regs, &mut mem, &mut pc));
                debug_assert!(stayed, "the arms above take every other instruction");
                if pc < at && code.tight[at - 1] {
                    // A jump back closing a loop that stays in the frame:
                    // it runs in `frame_loop::run`, until it ends.
                    window_room(&mut vals, &mut stack.account, &limits, base);
                    let mem: &mut [u8] = match store.mems.get_mut(mem0) {
                        Some(m) => &mut m.data,
                        None => &mut [],
                    };
                    let regs = &mut vals[base..];
                    let (why, next) = frame_loop::run::<FUEL>(&code, regs, mem, pc, &mut fuel);
                    pc = next;
                    match why {
                        Stop::Other => {}
                        Stop::Trap(t) => trap!(t),
                        Stop::Fuel => {
                            let live = code.live[pc] as usize;
                            save!(pc, base + live);
                            return Outcome::Suspended(SuspendReason::OutOfFuel);
                        }
                    }
                }
            }
        }
    }
}

/// Moves the `n` slots at `from` to `to` (below it): the values of a
/// return or a tail call. One value, the common case, is one move, not a
/// call to `memmove`.
#[inline(always)]
fn move_down(vals: &mut [Slot], from: usize, to: usize, n: usize) {
    if n == 1 {
        vals[to] = vals[from];
    } else if n > 1 {
        vals.copy_within(from..from + n, to);
    }
}

/// The parameter count of the running instance's function type `ty`.
fn indirect_params(store: &Store, f: &WasmFunc, ty: u32) -> usize {
    let id = store.instances[f.inst.0 as usize].types[ty as usize];
    store.func_type_of(id).params.len()
}

/// An index into the running instance's table `table`, read at its address
/// type.
fn table_index(store: &Store, f: &WasmFunc, table: u32, k: Slot) -> u64 {
    let t = store.instances[f.inst.0 as usize].tables[table as usize];
    match store.tables[t.0 as usize].ty.addr {
        crate::syntax::AddrType::I32 => k as u32 as u64,
        crate::syntax::AddrType::I64 => k as u64,
    }
}

/// An address into memory `mi` (a store index), read at its address type.
fn mem_index(store: &Store, mi: usize, k: Slot) -> u64 {
    match store.mems[mi].ty.addr {
        crate::syntax::AddrType::I32 => k as u32 as u64,
        crate::syntax::AddrType::I64 => k as u64,
    }
}

/// Where execution goes on when `unwind` found the handler of an exception:
/// the handler's frame and its target. (Returned by value so that the
/// interpreter loop's `pc` and `base` never have their address taken and
/// stay in registers.)
struct Caught {
    f: Rc<WasmFunc>,
    pc: usize,
    base: usize,
}

/// Finds where exception `exn`, raised by the instruction before `pc` in
/// the running frame `f`, is caught (exception handling: the innermost
/// `try_table` around it whose clause matches, in this frame or the frames
/// that called it). On success the frames above the handler's are popped,
/// the clause's values are written at its label's slots, and the [`Caught`]
/// says where to go on; `None` if nothing catches it.
fn unwind(
    store: &Store,
    frames: &mut Vec<Frame>,
    f: &Rc<WasmFunc>,
    pc: usize,
    base: usize,
    vals: &mut [Slot],
    exn: ExnAddr,
) -> Option<Caught> {
    let (mut f, mut base) = (f.clone(), base);
    let tag = store.exn_tag(exn);
    let mut at = pc - 1;
    loop {
        let tags = &store.instances[f.inst.0 as usize].tags;
        // Inner entries come later in the table; a `delegate` moves the
        // search to another instruction of the frame, or out of it.
        let mut leave = false;
        let mut hit = None;
        'search: loop {
            for h in f.code.handlers.iter().rev() {
                if !((h.start as usize) <= at && at < h.end as usize) {
                    continue;
                }
                if let HandlerKind::Delegate { resume_at } = h.kind {
                    match resume_at {
                        Some(r) => {
                            at = r as usize;
                            continue 'search;
                        }
                        None => {
                            leave = true;
                            break 'search;
                        }
                    }
                }
                let clause = h.catches.iter().find(|(kind, _)| match kind {
                    CatchKind::Catch(x) | CatchKind::CatchRef(x) => tags[*x as usize] == tag,
                    CatchKind::CatchAll | CatchKind::CatchAllRef => true,
                });
                if let Some(&(kind, t)) = clause {
                    hit = Some((kind, t, h.kind));
                    break 'search;
                }
            }
            break;
        }
        if let Some((kind, t, hk)) = hit.filter(|_| !leave) {
            if let HandlerKind::Legacy { exn_local } = hk {
                vals[base + exn_local as usize] = slot::make(Kind::Exn, exn.0);
            }
            let mut sp = base + t.height as usize;
            if let CatchKind::Catch(_) | CatchKind::CatchRef(_) = kind {
                for v in store.exn_slots(exn) {
                    vals[sp] = *v;
                    sp += 1;
                }
            }
            if let CatchKind::CatchRef(_) | CatchKind::CatchAllRef = kind {
                vals[sp] = slot::make(Kind::Exn, exn.0);
            }
            return Some(Caught {
                f,
                pc: t.pc as usize,
                base,
            });
        }
        match frames.pop() {
            None => return None,
            Some(caller) => {
                f = caller.func;
                base = caller.base as usize;
                at = caller.pc as usize - 1;
            }
        }
    }
}
