//! The interpreter loop (spec 4.4): one `match` over the instructions of the
//! running function, with every frame and operand on the heap.
//!
//! Conventions in this file, after the spec's: `vals` is the operand stack
//! (all frames' slots), `sp` its live height, `base` where the running
//! frame's locals start, `pc` the index of the next instruction in `code`,
//! `f` the running function. Branches use the targets validation wrote into
//! the instructions (decision D1), so there is no label stack.
//!
//! The running frame's state is kept in local variables for speed; it goes
//! back into `stack.frames` whenever the computation leaves this function
//! (suspension) or calls another function.

use super::atomic;
use super::gc;
use super::numeric as num;
use super::numeric::{q32, q64};
use super::simd;
use super::stack::{Frame, Stack};
use super::wide;
use crate::api::{ExnAddr, FuncAddr, MemAddr, TableAddr};
use crate::api::{HostOutcome, Trap};
use crate::exec::SuspendReason;
use crate::runtime::slot::{self, Kind, Slot};
use crate::runtime::store::{FuncInst, Store, WasmFunc};
use crate::syntax::{CatchKind, CompType, HandlerKind, Instr, RefType, Target};
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

// ---- Slot views (decision D2) ----
#[inline(always)]
fn i32_(s: Slot) -> i32 {
    s as u32 as i32
}
#[inline(always)]
fn u32_(s: Slot) -> u32 {
    s as u32
}
#[inline(always)]
fn i64_(s: Slot) -> i64 {
    s as i64
}
#[inline(always)]
fn u64_(s: Slot) -> u64 {
    s as u64
}
#[inline(always)]
fn f32_(s: Slot) -> f32 {
    f32::from_bits(s as u32)
}
#[inline(always)]
fn f64_(s: Slot) -> f64 {
    f64::from_bits(s as u64)
}
#[inline(always)]
fn slot_(s: Slot) -> Slot {
    s
}
#[inline(always)]
fn from_i32(v: i32) -> Slot {
    v as u32 as Slot
}
#[inline(always)]
fn from_u32(v: u32) -> Slot {
    v as Slot
}
#[inline(always)]
fn from_i64(v: i64) -> Slot {
    v as u64 as Slot
}
#[inline(always)]
fn from_u64(v: u64) -> Slot {
    v as Slot
}
#[inline(always)]
fn from_f32(v: f32) -> Slot {
    v.to_bits() as Slot
}
#[inline(always)]
fn from_f64(v: f64) -> Slot {
    v.to_bits() as Slot
}
#[inline(always)]
fn from_bool(b: bool) -> Slot {
    b as Slot
}

/// The bytes `[ea, ea + N)` of a memory, where `ea = addr + offset` (spec
/// 4.4.7: out of bounds traps; the sum is computed in 64 bits so it cannot wrap).
#[inline(always)]
fn mem_range(
    data: &[u8],
    addr: u64,
    offset: u64,
    n: usize,
) -> Result<std::ops::Range<usize>, Trap> {
    let ea = addr.checked_add(offset).ok_or(Trap::MemoryOutOfBounds)?;
    let end = ea.checked_add(n as u64).ok_or(Trap::MemoryOutOfBounds)?;
    if end > data.len() as u64 {
        return Err(Trap::MemoryOutOfBounds);
    }
    Ok(ea as usize..end as usize)
}

/// Runs `stack` until the root function returns, a trap, or a pause (fuel
/// spent, or a host function asked to suspend).
// `call!` is expanded where its callee is known to be a host function (a
// tail call from the root frame), leaving its wasm arm's assignments unread.
#[allow(unused_assignments)]
pub(crate) fn run(store: &mut Store, stack: &mut Stack, mut fuel: u64) -> Outcome {
    // A computation started inside a host call may not suspend at a host
    // function: that host frame cannot be captured (decision D4).
    let nested = store.host_depth > 0;
    let limits = store.config().limits;
    let Some(top) = stack.frames.pop() else {
        return Outcome::Returned;
    };
    let (mut vals, mut sp) = stack.take();
    let mut f: Rc<WasmFunc> = top.func;
    let mut code: Rc<[Instr]> = f.code.clone();
    let mut pc = top.pc as usize;
    let mut base = top.base as usize;
    let mut mem0 = default_mem(store, &f);
    if let Some(exn) = stack.pending_throw.take() {
        // Resumed with an exception at the call site of the paused call.
        let Some(c) = unwind(store, &mut stack.frames, &f, pc, base, &mut vals, exn) else {
            stack.put(vals, sp);
            return Outcome::Thrown(exn);
        };
        (f, pc, base, sp) = (c.f, c.pc, c.base, c.sp);
        code = f.code.clone();
        mem0 = default_mem(store, &f);
    }

    // Set when a tail call from the root frame reaches a host function: the
    // root frame is gone, and the host's results are the computation's.
    let mut no_frame = false;
    // Leaves the loop: puts the running frame and the slots back in `stack`.
    macro_rules! save {
        ($pc:expr) => {{
            if !no_frame {
                stack.frames.push(Frame {
                    func: f.clone(),
                    pc: $pc as u32,
                    base: base as u32,
                });
            }
            stack.put(std::mem::take(&mut vals), sp);
        }};
    }
    macro_rules! trap {
        ($t:expr) => {{
            stack.put(std::mem::take(&mut vals), sp);
            return Outcome::Trapped($t);
        }};
    }
    // Raise an exception (exception handling `throw`): find the innermost
    // handler that catches it, unwinding frames, or end the computation.
    macro_rules! throw {
        ($e:expr) => {{
            let exn: ExnAddr = $e;
            let caught = if no_frame {
                None
            } else {
                unwind(store, &mut stack.frames, &f, pc, base, &mut vals, exn)
            };
            let Some(c) = caught else {
                stack.put(std::mem::take(&mut vals), sp);
                return Outcome::Thrown(exn);
            };
            (f, pc, base, sp) = (c.f, c.pc, c.base, c.sp);
            code = f.code.clone();
            mem0 = default_mem(store, &f);
            continue;
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
    macro_rules! pop {
        () => {{
            sp -= 1;
            vals[sp]
        }};
    }
    macro_rules! push {
        ($v:expr) => {{
            let v: Slot = $v.into();
            vals[sp] = v;
            sp += 1;
        }};
    }
    // `un!(get, put, |a| e)`: a unary operator; `bin!` a binary one;
    // `bin_t!` one that may trap.
    macro_rules! un {
        ($get:ident, $put:ident, |$a:ident| $e:expr) => {{
            let $a = $get(vals[sp - 1]);
            vals[sp - 1] = $put($e);
        }};
    }
    macro_rules! bin {
        ($get:ident, $put:ident, |$a:ident, $b:ident| $e:expr) => {{
            let $b = $get(vals[sp - 1]);
            let $a = $get(vals[sp - 2]);
            sp -= 1;
            vals[sp - 1] = $put($e);
        }};
    }
    macro_rules! bin_t {
        ($get:ident, $put:ident, |$a:ident, $b:ident| $e:expr) => {{
            let $b = $get(vals[sp - 1]);
            let $a = $get(vals[sp - 2]);
            sp -= 1;
            vals[sp - 1] = $put(tri!($e));
        }};
    }
    macro_rules! un_t {
        ($get:ident, $put:ident, |$a:ident| $e:expr) => {{
            let $a = $get(vals[sp - 1]);
            vals[sp - 1] = $put(tri!($e));
        }};
    }
    macro_rules! mem {
        ($m:expr) => {{
            let m = $m;
            let a = if m == 0 {
                mem0
            } else {
                store.instances[f.inst.0 as usize].mems[m as usize].0 as usize
            };
            &mut store.mems[a].data
        }};
    }
    macro_rules! load {
        ($a:expr, $n:literal, |$b:ident| $e:expr) => {{
            let addr = vals[sp - 1] as u64;
            let data = mem!($a.mem);
            let r = tri!(mem_range(data, addr, $a.offset, $n));
            let mut $b = [0u8; $n];
            $b.copy_from_slice(&data[r]);
            vals[sp - 1] = ($e) as Slot;
        }};
    }
    macro_rules! store_ {
        ($a:expr, $n:literal, |$v:ident| $bytes:expr) => {{
            let $v = pop!();
            let addr = pop!() as u64;
            let data = mem!($a.mem);
            let r = tri!(mem_range(data, addr, $a.offset, $n));
            data[r].copy_from_slice(&$bytes);
        }};
    }
    // Take a branch (spec 4.4.8 `br`): keep `arity` values at `height`.
    macro_rules! branch {
        ($t:expr) => {{
            let t: &Target = $t;
            let dst = base + t.height as usize;
            let n = t.arity as usize;
            if dst + n != sp {
                vals.copy_within(sp - n..sp, dst);
                sp = dst + n;
            }
            pc = t.pc as usize;
            continue;
        }};
    }

    // A fused `i32.relop; br_if`: compare the top two, branch if true.
    macro_rules! br_if_cmp {
        ($t:expr, $get:ident, |$a:ident, $b:ident| $e:expr) => {{
            let $b = $get(pop!());
            let $a = $get(pop!());
            if $e {
                branch!($t)
            }
            pc += 1;
        }};
    }
    // Call a function (spec 4.4.10 "Invocation of function address"): a
    // wasm callee gets a new frame whose first locals are the arguments
    // already on the stack; a host callee runs now, and may ask to suspend.
    macro_rules! call {
        ($a:expr) => {{
            let a: FuncAddr = $a;
            match &store.funcs[a.0 as usize] {
                FuncInst::Wasm(w) => {
                    let w = w.clone();
                    if stack.frames.len() + 1 >= limits.max_call_depth as usize {
                        trap!(Trap::CallStackExhausted);
                    }
                    let new_base = sp - w.num_params as usize;
                    let need = sp + w.num_locals as usize + w.max_height as usize;
                    if need > limits.max_stack_slots as usize {
                        trap!(Trap::ValueStackExhausted);
                    }
                    if need > vals.len() {
                        if let Err(t) = stack.account.grow_vals(&mut vals, need) {
                            trap!(t);
                        }
                    }
                    if let Err(t) = stack.account.reserve_frame(&mut stack.frames) {
                        trap!(t);
                    }
                    vals[sp..sp + w.num_locals as usize].fill(0);
                    sp += w.num_locals as usize;
                    let same_inst = w.inst == f.inst;
                    let caller = std::mem::replace(&mut f, w);
                    stack.frames.push(Frame {
                        func: caller,
                        pc: pc as u32,
                        base: base as u32,
                    });
                    code = f.code.clone();
                    pc = 0;
                    base = new_base;
                    if !same_inst {
                        mem0 = default_mem(store, &f);
                    }
                }
                FuncInst::Host { type_id, f: host } => {
                    let (type_id, host) = (*type_id, host.clone());
                    let n = store.func_type_of(type_id).params.len();
                    // One argument buffer for every host call of the computation.
                    let host_args = &mut stack.host_args;
                    host_args.clear();
                    host_args.extend(
                        store
                            .func_type_of(type_id)
                            .params
                            .iter()
                            .enumerate()
                            .map(|(k, t)| store.slot_value(vals[sp - n + k], *t)),
                    );
                    if store.host_depth >= limits.max_host_nesting || super::native_stack_low() {
                        trap!(Trap::CallStackExhausted);
                    }
                    // While the host runs, the slots (arguments included)
                    // wait where the collector finds them.
                    stack.put(std::mem::take(&mut vals), sp);
                    sp -= n;
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
                            for v in vs {
                                push!(slot::from_value(v));
                            }
                        }
                        HostOutcome::Trap(t) => trap!(t),
                        HostOutcome::Throw(e) if !store.is_exn(e) => {
                            trap!(Trap::Host(
                                "a host function threw an exception of another store".into()
                            ))
                        }
                        HostOutcome::Throw(e) => throw!(e),
                        HostOutcome::Suspend(_) if nested => trap!(Trap::SuspendThroughHost),
                        HostOutcome::Suspend(token) => {
                            save!(pc);
                            return Outcome::Suspended(SuspendReason::Host { func: a, token });
                        }
                    }
                }
            }
        }};
    }

    // A tail call (spec 4.4.8 `return_call`): the arguments replace the
    // running frame's slots, and the callee takes its place, so a chain of
    // tail calls runs in constant space. A host callee is called from the
    // caller's frame, after the running frame has returned.
    macro_rules! tail_call {
        ($a:expr) => {{
            let a: FuncAddr = $a;
            let n = store.func_type(a).params.len();
            vals.copy_within(sp - n..sp, base);
            sp = base + n;
            match &store.funcs[a.0 as usize] {
                FuncInst::Wasm(w) => {
                    let w = w.clone();
                    let need = sp + w.num_locals as usize + w.max_height as usize;
                    if need > limits.max_stack_slots as usize {
                        trap!(Trap::ValueStackExhausted);
                    }
                    if need > vals.len() {
                        if let Err(t) = stack.account.grow_vals(&mut vals, need) {
                            trap!(t);
                        }
                    }
                    vals[sp..sp + w.num_locals as usize].fill(0);
                    sp += w.num_locals as usize;
                    let same_inst = w.inst == f.inst;
                    f = w;
                    code = f.code.clone();
                    pc = 0;
                    if !same_inst {
                        mem0 = default_mem(store, &f);
                    }
                }
                FuncInst::Host { .. } => match stack.frames.pop() {
                    Some(caller) => {
                        let same_inst = caller.func.inst == f.inst;
                        f = caller.func;
                        code = f.code.clone();
                        pc = caller.pc as usize;
                        base = caller.base as usize;
                        if !same_inst {
                            mem0 = default_mem(store, &f);
                        }
                        call!(a);
                    }
                    None => {
                        no_frame = true;
                        call!(a);
                        stack.put(std::mem::take(&mut vals), sp);
                        return Outcome::Returned;
                    }
                },
            }
        }};
    }

    loop {
        if fuel == 0 {
            save!(pc);
            return Outcome::Suspended(SuspendReason::OutOfFuel);
        }
        fuel -= 1;
        let i = &code[pc];
        pc += 1;
        use Instr::*;
        match i {
            // ---- Control (spec 4.4.8) ----
            Unreachable => trap!(Trap::Unreachable),
            Nop | Block(_) | Loop(_) | End => {}
            If { else_pc, .. } => {
                if pop!() as u32 == 0 {
                    pc = *else_pc as usize;
                }
            }
            Else { end_pc } => pc = *end_pc as usize,
            Br { target, .. } => branch!(target),
            BrIf { target, .. } => {
                if pop!() as u32 != 0 {
                    branch!(target)
                }
            }
            BrTable(t) => {
                let k = pop!() as u32 as usize;
                let target = t
                    .targets
                    .get(k)
                    .unwrap_or_else(|| t.targets.last().expect("validated br_table"));
                branch!(target)
            }
            Return => {
                // spec 4.4.8 `return`, and the end of a function body.
                let n = f.num_results as usize;
                vals.copy_within(sp - n..sp, base);
                sp = base + n;
                match stack.frames.pop() {
                    None => {
                        stack.put(std::mem::take(&mut vals), sp);
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
            }
            Call(x) => {
                let a = store.instances[f.inst.0 as usize].funcs[*x as usize];
                call!(a);
            }
            TryTable(_) | Try(_) | Delegate(_) => {}
            Catch { end_pc, .. } | CatchAll { end_pc } => pc = *end_pc as usize,
            Rethrow { local, .. } => {
                let e = vals[base + *local as usize];
                throw!(ExnAddr(slot::addr(e)));
            }
            Throw(x) => {
                let tag = store.instances[f.inst.0 as usize].tags[*x as usize];
                let n = store.tag_type(tag).params.len();
                // Collect (if due) while the fields are still operands.
                if store.heap.wants_collection((n * 16) as u64) {
                    store.collect_with(&vals[..sp]);
                }
                let fields = vals[sp - n..sp].to_vec();
                sp -= n;
                let e = tri!(store.alloc_exn_slots(tag, fields));
                throw!(e);
            }
            ThrowRef => {
                let e = pop!();
                if e == 0 {
                    trap!(Trap::NullExceptionReference);
                }
                throw!(ExnAddr(slot::addr(e)));
            }
            ReturnCall(x) => {
                let a = store.instances[f.inst.0 as usize].funcs[*x as usize];
                tail_call!(a);
            }
            ReturnCallIndirect { ty, table } => {
                let a = tri!(indirect(store, &f, *ty, *table, pop!() as u64));
                tail_call!(a);
            }
            CallIndirect { ty, table } => {
                let a = tri!(indirect(store, &f, *ty, *table, pop!() as u64));
                call!(a);
            }

            // ---- References (spec 4.4.2) ----
            RefAsNonNull => {
                if vals[sp - 1] == 0 {
                    trap!(Trap::NullReference);
                }
            }
            BrOnNull { target, .. } => {
                if vals[sp - 1] == 0 {
                    sp -= 1;
                    branch!(target)
                }
            }
            BrOnNonNull { target, .. } => {
                if vals[sp - 1] != 0 {
                    branch!(target)
                }
                sp -= 1;
            }
            CallRef(_) => {
                let r = pop!();
                if r == 0 {
                    trap!(Trap::NullFunctionReference);
                }
                call!(FuncAddr(slot::addr(r)));
            }
            ReturnCallRef(_) => {
                let r = pop!();
                if r == 0 {
                    trap!(Trap::NullFunctionReference);
                }
                tail_call!(FuncAddr(slot::addr(r)));
            }
            RefNull(_) => push!(0u64),
            RefIsNull => vals[sp - 1] = from_bool(vals[sp - 1] == 0),
            RefFunc(x) => push!(slot::make(
                Kind::Func,
                store.instances[f.inst.0 as usize].funcs[*x as usize].0
            )),

            // ---- Aggregates, casts and i31 (spec 4.4.x, GC) ----
            RefEq => bin!(slot_, from_bool, |a, b| a == b),
            RefTest(rt) => {
                let rt = store_ref(store, &f, *rt);
                vals[sp - 1] = from_bool(store.ref_matches(vals[sp - 1], rt));
            }
            RefCast(rt) => {
                let want = store_ref(store, &f, *rt);
                let types = &store.instances[f.inst.0 as usize].types;
                let index_of = |id| types.iter().position(|&t| t == id).map(|x| x as u32);
                tri!(gc::cast(store, vals[sp - 1], want, *rt, index_of));
            }
            BrOnCast(b) => {
                let to = store_ref(store, &f, b.to);
                if store.ref_matches(vals[sp - 1], to) != b.fail {
                    branch!(&b.target)
                }
            }
            StructNew(x) => {
                let ty = type_id(store, &f, *x);
                let n = struct_len(store, ty);
                let r = tri!(gc::struct_new(
                    store,
                    ty,
                    &vals[sp - n..sp],
                    Some(&vals[..sp])
                ));
                sp -= n;
                push!(r);
            }
            StructNewDefault(x) => {
                let ty = type_id(store, &f, *x);
                let r = tri!(gc::struct_new_default(store, ty, Some(&vals[..sp])));
                push!(r);
            }
            StructGet { field, pack, .. } => {
                vals[sp - 1] = tri!(gc::struct_get(store, vals[sp - 1], *field, *pack));
            }
            StructSet { field, pack, .. } => {
                let v = pop!();
                let r = pop!();
                tri!(gc::struct_set(store, r, *field, v, *pack));
            }
            ArrayNew(x) => {
                let ty = type_id(store, &f, *x);
                let n = u32_(vals[sp - 1]);
                let r = tri!(gc::array_new(store, ty, n, vals[sp - 2], Some(&vals[..sp])));
                sp -= 2;
                push!(r);
            }
            ArrayNewDefault(x) => {
                let ty = type_id(store, &f, *x);
                let n = u32_(vals[sp - 1]);
                let r = tri!(gc::array_new(store, ty, n, 0, Some(&vals[..sp])));
                vals[sp - 1] = r;
            }
            ArrayNewFixed { ty, n } => {
                let ty = type_id(store, &f, *ty);
                let n = *n as usize;
                let r = tri!(gc::array_new_fixed(
                    store,
                    ty,
                    &vals[sp - n..sp],
                    Some(&vals[..sp])
                ));
                sp -= n;
                push!(r);
            }
            ArrayNewData { ty, data } => {
                let ty = type_id(store, &f, *ty);
                let da = store.instances[f.inst.0 as usize].datas[*data as usize];
                let (s, n) = (u32_(vals[sp - 2]), u32_(vals[sp - 1]));
                let r = tri!(gc::array_new_data(store, ty, da, s, n, Some(&vals[..sp])));
                sp -= 1;
                vals[sp - 1] = r;
            }
            ArrayNewElem { ty, elem } => {
                let ty = type_id(store, &f, *ty);
                let ea = store.instances[f.inst.0 as usize].elems[*elem as usize];
                let (s, n) = (u32_(vals[sp - 2]), u32_(vals[sp - 1]));
                let r = tri!(gc::array_new_elem(store, ty, ea, s, n, Some(&vals[..sp])));
                sp -= 1;
                vals[sp - 1] = r;
            }
            ArrayGet { pack, .. } => {
                let i = u32_(pop!());
                vals[sp - 1] = tri!(gc::array_get(store, vals[sp - 1], i, *pack));
            }
            ArraySet(_) => {
                let v = pop!();
                let i = u32_(pop!());
                let r = pop!();
                tri!(gc::array_set(store, r, i, v));
            }
            ArrayLen => vals[sp - 1] = from_u32(tri!(gc::array_len(store, vals[sp - 1]))),
            ArrayFill(_) => {
                let n = u32_(pop!());
                let v = pop!();
                let i = u32_(pop!());
                let r = pop!();
                tri!(gc::array_fill(store, r, i, v, n));
            }
            ArrayCopy { .. } => {
                let n = u32_(pop!());
                let s = u32_(pop!());
                let src = pop!();
                let d = u32_(pop!());
                let dst = pop!();
                tri!(gc::array_copy(store, dst, d, src, s, n));
            }
            ArrayInitData { data, .. } => {
                let da = store.instances[f.inst.0 as usize].datas[*data as usize];
                let n = u32_(pop!());
                let s = u32_(pop!());
                let d = u32_(pop!());
                let r = pop!();
                tri!(gc::array_init_data(store, r, d, da, s, n));
            }
            ArrayInitElem { elem, .. } => {
                let ea = store.instances[f.inst.0 as usize].elems[*elem as usize];
                let n = u32_(pop!());
                let s = u32_(pop!());
                let d = u32_(pop!());
                let r = pop!();
                tri!(gc::array_init_elem(store, r, d, ea, s, n));
            }
            RefI31 => vals[sp - 1] = slot::i31(u32_(vals[sp - 1])),
            I31GetS | I31GetU => {
                let r = vals[sp - 1];
                if r == 0 {
                    trap!(Trap::NullI31Reference);
                }
                let v = slot::addr(r);
                // The 31 bits, sign- or zero-extended (spec 4.4.x `i31.get`).
                vals[sp - 1] = if matches!(i, I31GetS) {
                    from_i32(((v << 1) as i32) >> 1)
                } else {
                    from_u32(v)
                };
            }
            // The conversions change only the static type (decision D14).
            AnyConvertExtern | ExternConvertAny => {}

            // ---- Parametric (spec 4.4.4) ----
            Drop => sp -= 1,
            Select(_) | SelectMulti(_) => {
                let c = pop!();
                let b = pop!();
                if c as u32 == 0 {
                    vals[sp - 1] = b;
                }
            }

            // ---- Variables (spec 4.4.5) ----
            LocalGet(x) => push!(vals[base + *x as usize]),
            LocalSet(x) => {
                let v = pop!();
                vals[base + *x as usize] = v;
            }
            LocalTee(x) => vals[base + *x as usize] = vals[sp - 1],
            GlobalGet(x) => {
                let g = store.instances[f.inst.0 as usize].globals[*x as usize];
                push!(store.globals[g.0 as usize].value)
            }
            GlobalSet(x) => {
                let g = store.instances[f.inst.0 as usize].globals[*x as usize];
                store.globals[g.0 as usize].value = pop!();
            }

            // ---- Tables (spec 4.4.6) ----
            TableGet(x) => {
                let t = table_addr(store, &f, *x);
                let k = vals[sp - 1] as u64;
                let elems = &store.tables[t.0 as usize].elems;
                let Some(&v) = usize::try_from(k).ok().and_then(|k| elems.get(k)) else {
                    trap!(Trap::TableOutOfBounds)
                };
                vals[sp - 1] = v;
            }
            TableSet(x) => {
                let t = table_addr(store, &f, *x);
                let v = pop!();
                let k = pop!() as u64;
                let elems = &mut store.tables[t.0 as usize].elems;
                let Some(e) = usize::try_from(k).ok().and_then(|k| elems.get_mut(k)) else {
                    trap!(Trap::TableOutOfBounds)
                };
                *e = v;
            }
            TableSize(x) => {
                let t = table_addr(store, &f, *x);
                push!(store.tables[t.0 as usize].elems.len() as u64)
            }
            TableGrow(x) => {
                let t = table_addr(store, &f, *x);
                let n = pop!() as u64;
                let init = vals[sp - 1];
                let is64 = store.tables[t.0 as usize].ty.addr == crate::syntax::AddrType::I64;
                let n = if is64 { n } else { n as u32 as u64 };
                vals[sp - 1] = match store.table_grow_slots(t, n, init) {
                    Some(old) => old as Slot,
                    None if is64 => u64::MAX as Slot,
                    None => u32::MAX as Slot,
                };
            }
            TableFill(x) => {
                let t = table_addr(store, &f, *x);
                let n = pop!() as u64;
                let v = pop!();
                let d = pop!() as u64;
                let elems = &mut store.tables[t.0 as usize].elems;
                match d.checked_add(n).filter(|&e| e <= elems.len() as u64) {
                    Some(e) => elems[d as usize..e as usize].fill(v),
                    None => trap!(Trap::TableOutOfBounds),
                }
            }
            TableCopy { dst, src } => {
                let (td, ts) = (table_addr(store, &f, *dst), table_addr(store, &f, *src));
                let n = pop!() as u64;
                let s = pop!() as u64;
                let d = pop!() as u64;
                tri!(table_copy(store, td, ts, d, s, n));
            }
            TableInit { table, elem } => {
                let t = table_addr(store, &f, *table);
                let e = store.instances[f.inst.0 as usize].elems[*elem as usize];
                let n = pop!() as u32 as u64;
                let s = pop!() as u32 as u64;
                let d = pop!() as u64;
                tri!(table_init(store, t, e, d, s, n));
            }
            ElemDrop(x) => {
                let e = store.instances[f.inst.0 as usize].elems[*x as usize];
                store.elems[e as usize].elems = Vec::new();
            }

            // ---- Memory (spec 4.4.7) ----
            I32Load(a) => load!(a, 4, |b| u32::from_le_bytes(b) as u64),
            I64Load(a) => load!(a, 8, |b| u64::from_le_bytes(b)),
            F32Load(a) => load!(a, 4, |b| u32::from_le_bytes(b) as u64),
            F64Load(a) => load!(a, 8, |b| u64::from_le_bytes(b)),
            I32Load8S(a) => load!(a, 1, |b| from_i32(b[0] as i8 as i32)),
            I32Load8U(a) => load!(a, 1, |b| b[0] as u64),
            I32Load16S(a) => load!(a, 2, |b| from_i32(i16::from_le_bytes(b) as i32)),
            I32Load16U(a) => load!(a, 2, |b| u16::from_le_bytes(b) as u64),
            I64Load8S(a) => load!(a, 1, |b| b[0] as i8 as i64 as u64),
            I64Load8U(a) => load!(a, 1, |b| b[0] as u64),
            I64Load16S(a) => load!(a, 2, |b| i16::from_le_bytes(b) as i64 as u64),
            I64Load16U(a) => load!(a, 2, |b| u16::from_le_bytes(b) as u64),
            I64Load32S(a) => load!(a, 4, |b| i32::from_le_bytes(b) as i64 as u64),
            I64Load32U(a) => load!(a, 4, |b| u32::from_le_bytes(b) as u64),
            I32Store(a) | F32Store(a) => store_!(a, 4, |v| (v as u32).to_le_bytes()),
            I64Store(a) | F64Store(a) => store_!(a, 8, |v| (v as u64).to_le_bytes()),
            I32Store8(a) | I64Store8(a) => store_!(a, 1, |v| [v as u8]),
            I32Store16(a) | I64Store16(a) => store_!(a, 2, |v| (v as u16).to_le_bytes()),
            I64Store32(a) => store_!(a, 4, |v| (v as u32).to_le_bytes()),
            MemorySize(m) => push!(store.mem_size(mem_addr(store, &f, *m))),
            MemoryGrow(m) => {
                let a = mem_addr(store, &f, *m);
                let is64 = store.mems[a.0 as usize].ty.addr == crate::syntax::AddrType::I64;
                let n = if is64 {
                    vals[sp - 1] as u64
                } else {
                    vals[sp - 1] as u32 as u64
                };
                vals[sp - 1] = match store.mem_grow(a, n) {
                    Some(old) => old as Slot,
                    None if is64 => u64::MAX as Slot,
                    None => u32::MAX as Slot,
                };
            }
            MemoryFill(m) => {
                let n = pop!() as u64;
                let v = pop!() as u8;
                let d = pop!() as u64;
                let data = mem!(*m);
                match d.checked_add(n).filter(|&e| e <= data.len() as u64) {
                    Some(e) => data[d as usize..e as usize].fill(v),
                    None => trap!(Trap::MemoryOutOfBounds),
                }
            }
            MemoryCopy { dst, src } => {
                let n = pop!() as u64;
                let s = pop!() as u64;
                let d = pop!() as u64;
                let (md, ms) = (mem_addr(store, &f, *dst), mem_addr(store, &f, *src));
                tri!(memory_copy(store, md, ms, d, s, n));
            }
            MemoryInit { mem, data } => {
                let n = pop!() as u32 as u64;
                let s = pop!() as u32 as u64;
                let d = pop!() as u64;
                let m = mem_addr(store, &f, *mem);
                let da = store.instances[f.inst.0 as usize].datas[*data as usize];
                tri!(memory_init(store, m, da, d, s, n));
            }
            DataDrop(x) => {
                let d = store.instances[f.inst.0 as usize].datas[*x as usize];
                store.datas[d as usize].bytes = Rc::from(&[][..]);
            }

            // ---- Atomic memory instructions (threads; semantics in `atomic`) ----
            Atomic(op, a) => {
                sp = tri!(atomic::eval(
                    store,
                    mem_addr(store, &f, a.mem),
                    *op,
                    a.offset,
                    &mut vals,
                    sp
                ))
            }
            AtomicFence => {}

            // ---- Numerics (spec 4.4.1, 4.3) ----
            I32Const(c) => push!(from_i32(*c)),
            I64Const(c) => push!(from_i64(*c)),
            F32Const(b) => push!(*b as u64),
            F64Const(b) => push!(*b),
            V128Const(b) => push!(u128::from_le_bytes(*b)),

            // ---- Vector instructions (spec 4.4.3, 4.4.7; lanes in `simd`) ----
            V128Load(k, a) => {
                let addr = vals[sp - 1] as u64;
                let data = mem!(a.mem);
                let r = tri!(mem_range(data, addr, a.offset, k.bytes() as usize));
                vals[sp - 1] = simd::load(*k, &data[r]);
            }
            V128Store(a) => store_!(a, 16, |v| v.to_le_bytes()),
            V128LoadLane { bits, lane, arg } => {
                let v = pop!();
                let addr = vals[sp - 1] as u64;
                let data = mem!(arg.mem);
                let r = tri!(mem_range(data, addr, arg.offset, *bits as usize / 8));
                let mut b = [0u8; 16];
                b[..r.len()].copy_from_slice(&data[r]);
                let x = u128::from_le_bytes(b);
                vals[sp - 1] = simd::replace_lane_bits(v, *bits, *lane, x);
            }
            V128StoreLane { bits, lane, arg } => {
                let v = pop!();
                let addr = pop!() as u64;
                let n = *bits as usize / 8;
                let data = mem!(arg.mem);
                let r = tri!(mem_range(data, addr, arg.offset, n));
                let x = v >> (*lane as u32 * *bits as u32);
                data[r].copy_from_slice(&x.to_le_bytes()[..n]);
            }
            I8x16Shuffle(lanes) => {
                let b = pop!();
                vals[sp - 1] = simd::shuffle(vals[sp - 1], b, lanes);
            }
            ExtractLane(e) => {
                vals[sp - 1] = simd::extract_lane(vals[sp - 1], e.shape, e.signed, e.lane)
            }
            ReplaceLane(shape, lane) => {
                let x = pop!();
                vals[sp - 1] = simd::replace_lane(vals[sp - 1], *shape, *lane, x);
            }
            Simd(op) => {
                let n = op.arity();
                let r = simd::eval(*op, &vals[sp - n..sp]);
                sp -= n - 1;
                vals[sp - 1] = r;
            }

            I32Eqz => un!(u32_, from_bool, |a| a == 0),
            I32Eq => bin!(u32_, from_bool, |a, b| a == b),
            I32Ne => bin!(u32_, from_bool, |a, b| a != b),
            I32LtS => bin!(i32_, from_bool, |a, b| a < b),
            I32LtU => bin!(u32_, from_bool, |a, b| a < b),
            I32GtS => bin!(i32_, from_bool, |a, b| a > b),
            I32GtU => bin!(u32_, from_bool, |a, b| a > b),
            I32LeS => bin!(i32_, from_bool, |a, b| a <= b),
            I32LeU => bin!(u32_, from_bool, |a, b| a <= b),
            I32GeS => bin!(i32_, from_bool, |a, b| a >= b),
            I32GeU => bin!(u32_, from_bool, |a, b| a >= b),
            I64Eqz => un!(u64_, from_bool, |a| a == 0),
            I64Eq => bin!(u64_, from_bool, |a, b| a == b),
            I64Ne => bin!(u64_, from_bool, |a, b| a != b),
            I64LtS => bin!(i64_, from_bool, |a, b| a < b),
            I64LtU => bin!(u64_, from_bool, |a, b| a < b),
            I64GtS => bin!(i64_, from_bool, |a, b| a > b),
            I64GtU => bin!(u64_, from_bool, |a, b| a > b),
            I64LeS => bin!(i64_, from_bool, |a, b| a <= b),
            I64LeU => bin!(u64_, from_bool, |a, b| a <= b),
            I64GeS => bin!(i64_, from_bool, |a, b| a >= b),
            I64GeU => bin!(u64_, from_bool, |a, b| a >= b),
            F32Eq => bin!(f32_, from_bool, |a, b| a == b),
            F32Ne => bin!(f32_, from_bool, |a, b| a != b),
            F32Lt => bin!(f32_, from_bool, |a, b| a < b),
            F32Gt => bin!(f32_, from_bool, |a, b| a > b),
            F32Le => bin!(f32_, from_bool, |a, b| a <= b),
            F32Ge => bin!(f32_, from_bool, |a, b| a >= b),
            F64Eq => bin!(f64_, from_bool, |a, b| a == b),
            F64Ne => bin!(f64_, from_bool, |a, b| a != b),
            F64Lt => bin!(f64_, from_bool, |a, b| a < b),
            F64Gt => bin!(f64_, from_bool, |a, b| a > b),
            F64Le => bin!(f64_, from_bool, |a, b| a <= b),
            F64Ge => bin!(f64_, from_bool, |a, b| a >= b),

            I32Clz => un!(u32_, from_u32, |a| a.leading_zeros()),
            I32Ctz => un!(u32_, from_u32, |a| a.trailing_zeros()),
            I32Popcnt => un!(u32_, from_u32, |a| a.count_ones()),
            I32Add => bin!(u32_, from_u32, |a, b| a.wrapping_add(b)),
            I32Sub => bin!(u32_, from_u32, |a, b| a.wrapping_sub(b)),
            I32Mul => bin!(u32_, from_u32, |a, b| a.wrapping_mul(b)),
            I32DivS => bin_t!(i32_, from_i32, |a, b| num::i32_div_s(a, b)),
            I32DivU => bin_t!(u32_, from_u32, |a, b| num::i32_div_u(a, b)),
            I32RemS => bin_t!(i32_, from_i32, |a, b| num::i32_rem_s(a, b)),
            I32RemU => bin_t!(u32_, from_u32, |a, b| num::i32_rem_u(a, b)),
            I32And => bin!(u32_, from_u32, |a, b| a & b),
            I32Or => bin!(u32_, from_u32, |a, b| a | b),
            I32Xor => bin!(u32_, from_u32, |a, b| a ^ b),
            I32Shl => bin!(u32_, from_u32, |a, b| a.wrapping_shl(b)),
            I32ShrS => bin!(i32_, from_i32, |a, b| a.wrapping_shr(b as u32)),
            I32ShrU => bin!(u32_, from_u32, |a, b| a.wrapping_shr(b)),
            I32Rotl => bin!(u32_, from_u32, |a, b| a.rotate_left(b)),
            I32Rotr => bin!(u32_, from_u32, |a, b| a.rotate_right(b)),
            I64Clz => un!(u64_, from_u64, |a| a.leading_zeros() as u64),
            I64Ctz => un!(u64_, from_u64, |a| a.trailing_zeros() as u64),
            I64Popcnt => un!(u64_, from_u64, |a| a.count_ones() as u64),
            I64Add => bin!(u64_, from_u64, |a, b| a.wrapping_add(b)),
            I64Sub => bin!(u64_, from_u64, |a, b| a.wrapping_sub(b)),
            I64Mul => bin!(u64_, from_u64, |a, b| a.wrapping_mul(b)),
            I64DivS => bin_t!(i64_, from_i64, |a, b| num::i64_div_s(a, b)),
            I64DivU => bin_t!(u64_, from_u64, |a, b| num::i64_div_u(a, b)),
            I64RemS => bin_t!(i64_, from_i64, |a, b| num::i64_rem_s(a, b)),
            I64RemU => bin_t!(u64_, from_u64, |a, b| num::i64_rem_u(a, b)),
            I64And => bin!(u64_, from_u64, |a, b| a & b),
            I64Or => bin!(u64_, from_u64, |a, b| a | b),
            I64Xor => bin!(u64_, from_u64, |a, b| a ^ b),
            I64Shl => bin!(u64_, from_u64, |a, b| a.wrapping_shl(b as u32)),
            I64ShrS => bin!(i64_, from_i64, |a, b| a.wrapping_shr(b as u32)),
            I64ShrU => bin!(u64_, from_u64, |a, b| a.wrapping_shr(b as u32)),
            I64Rotl => bin!(u64_, from_u64, |a, b| a.rotate_left((b % 64) as u32)),
            I64Rotr => bin!(u64_, from_u64, |a, b| a.rotate_right((b % 64) as u32)),

            // Sign and magnitude operations are bit operations (spec 4.3.3
            // `fabs`, `fneg`, `fcopysign`): they keep NaN payloads.
            F32Abs => un!(u64_, from_u64, |a| a & 0x7fff_ffff),
            F32Neg => un!(u64_, from_u64, |a| a ^ 0x8000_0000),
            F32Copysign => bin!(u64_, from_u64, |a, b| (a & 0x7fff_ffff) | (b & 0x8000_0000)),
            F32Ceil => un!(f32_, from_f32, |a| q32(a.ceil())),
            F32Floor => un!(f32_, from_f32, |a| q32(a.floor())),
            F32Trunc => un!(f32_, from_f32, |a| q32(a.trunc())),
            F32Nearest => un!(f32_, from_f32, |a| q32(num::f32_nearest(a))),
            F32Sqrt => un!(f32_, from_f32, |a| q32(a.sqrt())),
            F32Add => bin!(f32_, from_f32, |a, b| a + b),
            F32Sub => bin!(f32_, from_f32, |a, b| a - b),
            F32Mul => bin!(f32_, from_f32, |a, b| a * b),
            F32Div => bin!(f32_, from_f32, |a, b| a / b),
            F32Min => bin!(f32_, from_f32, |a, b| num::f32_min(a, b)),
            F32Max => bin!(f32_, from_f32, |a, b| num::f32_max(a, b)),
            F64Abs => un!(u64_, from_u64, |a| a & 0x7fff_ffff_ffff_ffff),
            F64Neg => un!(u64_, from_u64, |a| a ^ 0x8000_0000_0000_0000),
            F64Copysign => {
                bin!(u64_, from_u64, |a, b| (a & 0x7fff_ffff_ffff_ffff)
                    | (b & 0x8000_0000_0000_0000))
            }
            F64Ceil => un!(f64_, from_f64, |a| q64(a.ceil())),
            F64Floor => un!(f64_, from_f64, |a| q64(a.floor())),
            F64Trunc => un!(f64_, from_f64, |a| q64(a.trunc())),
            F64Nearest => un!(f64_, from_f64, |a| q64(num::f64_nearest(a))),
            F64Sqrt => un!(f64_, from_f64, |a| q64(a.sqrt())),
            F64Add => bin!(f64_, from_f64, |a, b| a + b),
            F64Sub => bin!(f64_, from_f64, |a, b| a - b),
            F64Mul => bin!(f64_, from_f64, |a, b| a * b),
            F64Div => bin!(f64_, from_f64, |a, b| a / b),
            F64Min => bin!(f64_, from_f64, |a, b| num::f64_min(a, b)),
            F64Max => bin!(f64_, from_f64, |a, b| num::f64_max(a, b)),

            // Conversions (spec 4.3.4). Rust's `as` from integer to float
            // rounds to nearest, ties to even, as `convert` does; from float
            // to integer it saturates and maps NaN to 0, as `trunc_sat` does.
            I32WrapI64 => un!(u64_, from_u32, |a| a as u32),
            I32TruncF32S => un_t!(f32_, from_i32, |a| num::i32_trunc_f32_s(a)),
            I32TruncF32U => un_t!(f32_, from_u32, |a| num::i32_trunc_f32_u(a)),
            I32TruncF64S => un_t!(f64_, from_i32, |a| num::i32_trunc_f64_s(a)),
            I32TruncF64U => un_t!(f64_, from_u32, |a| num::i32_trunc_f64_u(a)),
            I64ExtendI32S => un!(i32_, from_i64, |a| a as i64),
            I64ExtendI32U => un!(u32_, from_u64, |a| a as u64),
            I64TruncF32S => un_t!(f32_, from_i64, |a| num::i64_trunc_f32_s(a)),
            I64TruncF32U => un_t!(f32_, from_u64, |a| num::i64_trunc_f32_u(a)),
            I64TruncF64S => un_t!(f64_, from_i64, |a| num::i64_trunc_f64_s(a)),
            I64TruncF64U => un_t!(f64_, from_u64, |a| num::i64_trunc_f64_u(a)),
            F32ConvertI32S => un!(i32_, from_f32, |a| a as f32),
            F32ConvertI32U => un!(u32_, from_f32, |a| a as f32),
            F32ConvertI64S => un!(i64_, from_f32, |a| a as f32),
            F32ConvertI64U => un!(u64_, from_f32, |a| a as f32),
            F32DemoteF64 => un!(f64_, from_f32, |a| q32(a as f32)),
            F64ConvertI32S => un!(i32_, from_f64, |a| a as f64),
            F64ConvertI32U => un!(u32_, from_f64, |a| a as f64),
            F64ConvertI64S => un!(i64_, from_f64, |a| a as f64),
            F64ConvertI64U => un!(u64_, from_f64, |a| a as f64),
            F64PromoteF32 => un!(f32_, from_f64, |a| q64(a as f64)),
            // The slots already hold the bits.
            I32ReinterpretF32 | I64ReinterpretF64 | F32ReinterpretI32 | F64ReinterpretI64 => {}
            I32Extend8S => un!(u32_, from_i32, |a| a as i8 as i32),
            I32Extend16S => un!(u32_, from_i32, |a| a as i16 as i32),
            I64Extend8S => un!(u64_, from_i64, |a| a as i8 as i64),
            I64Extend16S => un!(u64_, from_i64, |a| a as i16 as i64),
            I64Extend32S => un!(u64_, from_i64, |a| a as i32 as i64),
            I32TruncSatF32S => un!(f32_, from_i32, |a| a as i32),
            I32TruncSatF32U => un!(f32_, from_u32, |a| a as u32),
            I32TruncSatF64S => un!(f64_, from_i32, |a| a as i32),
            I32TruncSatF64U => un!(f64_, from_u32, |a| a as u32),
            I64TruncSatF32S => un!(f32_, from_i64, |a| a as i64),
            I64TruncSatF32U => un!(f32_, from_u64, |a| a as u64),
            I64TruncSatF64S => un!(f64_, from_i64, |a| a as i64),
            I64TruncSatF64U => un!(f64_, from_u64, |a| a as u64),

            // ---- Wide arithmetic (proposal; semantics in `wide`) ----
            I64Add128 => sp = wide::add128(&mut vals, sp),
            I64Sub128 => sp = wide::sub128(&mut vals, sp),
            I64MulWideS => sp = wide::mul_wide_s(&mut vals, sp),
            I64MulWideU => sp = wide::mul_wide_u(&mut vals, sp),

            // ---- Fused instructions (see `fuse`): each skips what it stands for ----
            LocalGet2(a, b) => {
                push!(vals[base + *a as usize]);
                push!(vals[base + *b as usize]);
                pc += 1;
            }
            LocalGetI32Const(a, c) => {
                push!(vals[base + *a as usize]);
                push!(from_i32(*c));
                pc += 1;
            }
            BrIfLocalsI32Eq(a, b, t) => {
                if u32_(vals[base + *a as usize]) == u32_(vals[base + *b as usize]) {
                    branch!(t)
                }
                pc += 3;
            }
            BrIfLocalConstI32Eq(a, c, t) => {
                if u32_(vals[base + *a as usize]) == (*c as u32) {
                    branch!(t)
                }
                pc += 3;
            }
            BrIfLocalsI32Ne(a, b, t) => {
                if u32_(vals[base + *a as usize]) != u32_(vals[base + *b as usize]) {
                    branch!(t)
                }
                pc += 3;
            }
            BrIfLocalConstI32Ne(a, c, t) => {
                if u32_(vals[base + *a as usize]) != (*c as u32) {
                    branch!(t)
                }
                pc += 3;
            }
            BrIfLocalsI32LtS(a, b, t) => {
                if i32_(vals[base + *a as usize]) < i32_(vals[base + *b as usize]) {
                    branch!(t)
                }
                pc += 3;
            }
            BrIfLocalConstI32LtS(a, c, t) => {
                if i32_(vals[base + *a as usize]) < *c {
                    branch!(t)
                }
                pc += 3;
            }
            BrIfLocalsI32LtU(a, b, t) => {
                if u32_(vals[base + *a as usize]) < u32_(vals[base + *b as usize]) {
                    branch!(t)
                }
                pc += 3;
            }
            BrIfLocalConstI32LtU(a, c, t) => {
                if u32_(vals[base + *a as usize]) < (*c as u32) {
                    branch!(t)
                }
                pc += 3;
            }
            BrIfLocalsI32GeS(a, b, t) => {
                if i32_(vals[base + *a as usize]) >= i32_(vals[base + *b as usize]) {
                    branch!(t)
                }
                pc += 3;
            }
            BrIfLocalConstI32GeS(a, c, t) => {
                if i32_(vals[base + *a as usize]) >= *c {
                    branch!(t)
                }
                pc += 3;
            }
            BrIfLocalsI32GeU(a, b, t) => {
                if u32_(vals[base + *a as usize]) >= u32_(vals[base + *b as usize]) {
                    branch!(t)
                }
                pc += 3;
            }
            BrIfLocalConstI32GeU(a, c, t) => {
                if u32_(vals[base + *a as usize]) >= (*c as u32) {
                    branch!(t)
                }
                pc += 3;
            }
            LocalAddConst(a, c) => {
                push!(from_u32(
                    u32_(vals[base + *a as usize]).wrapping_add(*c as u32)
                ));
                pc += 2;
            }
            LocalIncr(a, c) => {
                let x = base + *a as usize;
                vals[x] = from_u32(u32_(vals[x]).wrapping_add(*c as u32));
                pc += 3;
            }
            I32AddSet(x) => {
                let b = u32_(pop!());
                let a = u32_(pop!());
                vals[base + *x as usize] = from_u32(a.wrapping_add(b));
                pc += 1;
            }
            I32AddConst(c) => {
                un!(u32_, from_u32, |a| a.wrapping_add(*c as u32));
                pc += 1;
            }
            BrIfEqz(t) => {
                if pop!() as u32 == 0 {
                    branch!(t)
                }
                pc += 1;
            }
            BrIfI32Eq(t) => br_if_cmp!(t, u32_, |a, b| a == b),
            BrIfI32Ne(t) => br_if_cmp!(t, u32_, |a, b| a != b),
            BrIfI32LtS(t) => br_if_cmp!(t, i32_, |a, b| a < b),
            BrIfI32LtU(t) => br_if_cmp!(t, u32_, |a, b| a < b),
            BrIfI32GtS(t) => br_if_cmp!(t, i32_, |a, b| a > b),
            BrIfI32GtU(t) => br_if_cmp!(t, u32_, |a, b| a > b),
            BrIfI32LeS(t) => br_if_cmp!(t, i32_, |a, b| a <= b),
            BrIfI32LeU(t) => br_if_cmp!(t, u32_, |a, b| a <= b),
            BrIfI32GeS(t) => br_if_cmp!(t, i32_, |a, b| a >= b),
            BrIfI32GeU(t) => br_if_cmp!(t, u32_, |a, b| a >= b),
        }
    }
}

/// The address of the running instance's memory 0, or `usize::MAX` if it
/// has none (validation then admits no memory instruction on it).
fn default_mem(store: &Store, f: &WasmFunc) -> usize {
    store.instances[f.inst.0 as usize]
        .mems
        .first()
        .map_or(usize::MAX, |a| a.0 as usize)
}

/// The store's id of the running instance's type `x`.
fn type_id(store: &Store, f: &WasmFunc, x: u32) -> u32 {
    store.instances[f.inst.0 as usize].types[x as usize]
}

/// A reference type of the running instance in the store's terms.
fn store_ref(store: &Store, f: &WasmFunc, rt: RefType) -> RefType {
    super::instantiate::canon_ref(rt, &store.instances[f.inst.0 as usize].types)
}

/// The number of fields of structure type `ty` (a store id).
fn struct_len(store: &Store, ty: u32) -> usize {
    match &store.types.get(ty).sub.comp {
        CompType::Struct(fs) => fs.len(),
        _ => unreachable!("validated structure type"),
    }
}

fn table_addr(store: &Store, f: &WasmFunc, x: u32) -> TableAddr {
    store.instances[f.inst.0 as usize].tables[x as usize]
}

fn mem_addr(store: &Store, f: &WasmFunc, x: u32) -> MemAddr {
    store.instances[f.inst.0 as usize].mems[x as usize]
}

/// `end` of a range `[start, start + n)` that must lie within `len`.
fn in_bounds(start: u64, n: u64, len: usize) -> Option<(usize, usize)> {
    let end = start.checked_add(n)?;
    (end <= len as u64).then_some((start as usize, end as usize))
}

/// `table.copy` (spec 4.4.6): bounds are checked before anything moves;
/// overlapping ranges of one table copy as if through a buffer.
pub(crate) fn table_copy(
    store: &mut Store,
    td: TableAddr,
    ts: TableAddr,
    d: u64,
    s: u64,
    n: u64,
) -> Result<(), Trap> {
    let (s0, s1) =
        in_bounds(s, n, store.tables[ts.0 as usize].elems.len()).ok_or(Trap::TableOutOfBounds)?;
    let (d0, _) =
        in_bounds(d, n, store.tables[td.0 as usize].elems.len()).ok_or(Trap::TableOutOfBounds)?;
    if td == ts {
        store.tables[td.0 as usize].elems.copy_within(s0..s1, d0);
    } else {
        let src: Vec<Slot> = store.tables[ts.0 as usize].elems[s0..s1].to_vec();
        store.tables[td.0 as usize].elems[d0..d0 + src.len()].copy_from_slice(&src);
    }
    Ok(())
}

/// `table.init` (spec 4.4.6), also used for active element segments.
pub(crate) fn table_init(
    store: &mut Store,
    t: TableAddr,
    e: u32,
    d: u64,
    s: u64,
    n: u64,
) -> Result<(), Trap> {
    let (s0, s1) =
        in_bounds(s, n, store.elems[e as usize].elems.len()).ok_or(Trap::TableOutOfBounds)?;
    let (d0, d1) =
        in_bounds(d, n, store.tables[t.0 as usize].elems.len()).ok_or(Trap::TableOutOfBounds)?;
    let (elems, tables) = (&store.elems, &mut store.tables);
    tables[t.0 as usize].elems[d0..d1].copy_from_slice(&elems[e as usize].elems[s0..s1]);
    Ok(())
}

/// `memory.copy` (spec 4.4.7): bounds are checked before anything moves.
pub(crate) fn memory_copy(
    store: &mut Store,
    md: MemAddr,
    ms: MemAddr,
    d: u64,
    s: u64,
    n: u64,
) -> Result<(), Trap> {
    let (s0, s1) =
        in_bounds(s, n, store.mems[ms.0 as usize].data.len()).ok_or(Trap::MemoryOutOfBounds)?;
    let (d0, _) =
        in_bounds(d, n, store.mems[md.0 as usize].data.len()).ok_or(Trap::MemoryOutOfBounds)?;
    if md == ms {
        store.mems[md.0 as usize].data.copy_within(s0..s1, d0);
    } else {
        let src = store.mems[ms.0 as usize].data[s0..s1].to_vec();
        store.mems[md.0 as usize].data[d0..d0 + src.len()].copy_from_slice(&src);
    }
    Ok(())
}

/// `memory.init` (spec 4.4.7), also used for active data segments.
pub(crate) fn memory_init(
    store: &mut Store,
    m: MemAddr,
    da: u32,
    d: u64,
    s: u64,
    n: u64,
) -> Result<(), Trap> {
    let bytes = store.datas[da as usize].bytes.clone();
    let (s0, s1) = in_bounds(s, n, bytes.len()).ok_or(Trap::MemoryOutOfBounds)?;
    let (d0, d1) =
        in_bounds(d, n, store.mems[m.0 as usize].data.len()).ok_or(Trap::MemoryOutOfBounds)?;
    store.mems[m.0 as usize].data[d0..d1].copy_from_slice(&bytes[s0..s1]);
    Ok(())
}

/// The function `call_indirect`/`return_call_indirect` reaches through
/// element `k` of a table (spec 4.4.8), checked against type `ty`.
fn indirect(store: &Store, f: &WasmFunc, ty: u32, table: u32, k: u64) -> Result<FuncAddr, Trap> {
    let inst = &store.instances[f.inst.0 as usize];
    let want = inst.types[ty as usize];
    let t = &store.tables[inst.tables[table as usize].0 as usize];
    let s = *usize::try_from(k)
        .ok()
        .and_then(|k| t.elems.get(k))
        .ok_or(Trap::UndefinedElement(k))?;
    if s == 0 {
        return Err(Trap::UninitializedElement(k));
    }
    let a = FuncAddr(slot::addr(s));
    // spec 4.4.8: the function's type must match the expected one (be it
    // or one of its subtypes).
    let got = store.func_type_id(a);
    if got != want && !store.types.is_subtype(got, want) {
        return Err(Trap::IndirectCallTypeMismatch);
    }
    Ok(a)
}

/// Where execution goes on when `unwind` found the handler of an exception:
/// the handler's frame, its target, and the operand height after the
/// clause's values. (Returned by value so that the interpreter loop's `pc`,
/// `sp` and `base` never have their address taken and stay in registers.)
struct Caught {
    f: Rc<WasmFunc>,
    pc: usize,
    base: usize,
    sp: usize,
}

/// Finds where exception `exn`, raised by the instruction before `pc` in
/// the running frame `f`, is caught (exception handling: the innermost
/// `try_table` around it whose clause matches, in this frame or the frames
/// that called it). On success the frames above the handler's are popped,
/// the clause's values are pushed at its label's height, and the [`Caught`]
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
            for h in f.handlers.iter().rev() {
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
                sp += 1;
            }
            return Some(Caught {
                f,
                pc: t.pc as usize,
                base,
                sp,
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
