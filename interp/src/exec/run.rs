//! The interpreter loop over the executable form (spec 4.4, decision D20):
//! one `match` over the instructions of the running function, every frame
//! and slot on the heap.
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
use super::gc;
use super::numops::*;
use super::stack::{Frame, Stack};
use super::stack_ops::{self, indirect, mem_range, store_ref};
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

/// A load of `kind` from `data` at `addr + off`.
#[inline(always)]
fn mem_load(kind: LoadKind, data: &[u8], addr: u64, off: u64) -> Result<Slot, Trap> {
    macro_rules! read {
        ($n:literal, |$b:ident| $e:expr) => {{
            let r = mem_range(data, addr, off, $n)?;
            let mut $b = [0u8; $n];
            $b.copy_from_slice(&data[r]);
            $e
        }};
    }
    Ok(match kind {
        LoadKind::I32 | LoadKind::F32 | LoadKind::I64_32U => {
            read!(4, |b| u32::from_le_bytes(b) as Slot)
        }
        LoadKind::I64 | LoadKind::F64 => read!(8, |b| u64::from_le_bytes(b) as Slot),
        LoadKind::I32_8S => read!(1, |b| from_i32(b[0] as i8 as i32)),
        LoadKind::I32_8U | LoadKind::I64_8U => read!(1, |b| b[0] as Slot),
        LoadKind::I32_16S => read!(2, |b| from_i32(i16::from_le_bytes(b) as i32)),
        LoadKind::I32_16U | LoadKind::I64_16U => read!(2, |b| u16::from_le_bytes(b) as Slot),
        LoadKind::I64_8S => read!(1, |b| from_i64(b[0] as i8 as i64)),
        LoadKind::I64_16S => read!(2, |b| from_i64(i16::from_le_bytes(b) as i64)),
        LoadKind::I64_32S => read!(4, |b| from_i64(i32::from_le_bytes(b) as i64)),
    })
}

/// A store of `kind` of value `v` into `data` at `addr + off`.
#[inline(always)]
fn mem_store(kind: StoreKind, data: &mut [u8], addr: u64, off: u64, v: Slot) -> Result<(), Trap> {
    // Each width is written as an array of its own size, so that the copy
    // is one move and never a call to `memcpy`.
    macro_rules! write {
        ($n:literal, $bytes:expr) => {{
            let r = mem_range(data, addr, off, $n)?;
            let b: [u8; $n] = $bytes;
            data[r].copy_from_slice(&b);
        }};
    }
    match kind {
        StoreKind::B8 => write!(1, [v as u8]),
        StoreKind::B16 => write!(2, (v as u16).to_le_bytes()),
        StoreKind::B32 => write!(4, (v as u32).to_le_bytes()),
        StoreKind::B64 => write!(8, (v as u64).to_le_bytes()),
    }
    Ok(())
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
                let n = w.code.params as usize;
                vals.copy_within(base + $at..base + $at + n, base);
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
            if !$tail {
                tri!(stack.account.reserve_frame(&mut stack.frames));
            }
            vals[new_base + w.code.params as usize..new_base + w.code.locals as usize].fill(0);
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
            vals.copy_within(base + at..base + at + n, base);
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
                    .map(|(k, t)| store.slot_value(vals[at + k], *t)),
            );
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
                    for (k, v) in vs.into_iter().enumerate() {
                        vals[at + k] = slot::from_value(v);
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
                    vals.copy_within(base + at..base + at + n, base);
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

    // A direct compare-and-branch (`Op::direct`): continue at `x.to` if
    // `x.a op b`.
    macro_rules! br_if_cmp {
        ($op:ident, $x:expr, $b:expr) => {
            if matches!(BinOp::$op.eval(r!($x.a), $b), Ok(1)) {
                pc = $x.to as usize;
            }
        };
    }
    // A direct load or store of memory 0 (`Op::direct`, `code::Mem`).
    macro_rules! load_direct {
        ($kind:ident, $x:expr) => {{
            let (x, data) = ($x, &store.mems[mem0].data);
            r!(x.r) = tri!(mem_load(
                LoadKind::$kind,
                data,
                u32_(r!(x.a)) as u64,
                x.off as u64
            ));
        }};
    }
    macro_rules! store_direct {
        ($kind:ident, $x:expr) => {{
            let (x, v) = ($x, r!($x.r));
            let data = &mut store.mems[mem0].data;
            tri!(mem_store(
                StoreKind::$kind,
                data,
                u32_(r!(x.a)) as u64,
                x.off as u64,
                v
            ));
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
            Op::Unreachable => trap!(Trap::Unreachable),
            Op::Nop => {}
            Op::Br { to } => pc = to as usize,
            Op::BrIfNez { c, to } => {
                if u32_(r!(c)) != 0 {
                    pc = to as usize;
                }
            }
            Op::BrIfEqz { c, to } => {
                if u32_(r!(c)) == 0 {
                    pc = to as usize;
                }
            }
            Op::BrIfCmp { op, a, b, to } => {
                if matches!(op.eval(r!(a), r!(b)), Ok(1)) {
                    pc = to as usize;
                }
            }
            Op::BrIfCmpImm { op, a, imm, to } => {
                if matches!(op.eval(r!(a), imm as Slot), Ok(1)) {
                    pc = to as usize;
                }
            }
            Op::BrTable { i, table } => {
                let t = &code.tables[table as usize];
                let k = (u32_(r!(i)) as usize).min(t.len() - 1);
                pc = t[k] as usize;
            }
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

            // ---- Moves and variables (spec 4.4.4, 4.4.5) ----
            Op::Copy { d, s } => r!(d) = r!(s),
            Op::Const32 { d, v } => r!(d) = v as Slot,
            Op::Const64 { d, v } => r!(d) = v as Slot,
            Op::Select { d, a, b } => {
                r!(d) = if u32_(r!(d + 2)) != 0 { r!(a) } else { r!(b) };
            }
            Op::GlobalGet { d, g } => {
                let g = store.instances[f.inst.0 as usize].globals[g as usize];
                r!(d) = store.globals[g.0 as usize].value;
            }
            Op::GlobalSet { g, s } => {
                let g = store.instances[f.inst.0 as usize].globals[g as usize];
                store.globals[g.0 as usize].value = r!(s);
            }

            // ---- Numerics (spec 4.4.1, `numops`) ----
            Op::Un { op, d, a } => r!(d) = tri!(op.eval(r!(a))),
            Op::Bin { op, d, a, b } => r!(d) = tri!(op.eval(r!(a), r!(b))),
            Op::BinImm32 { op, d, a, imm } => r!(d) = tri!(op.eval(r!(a), imm as Slot)),
            Op::I32Add { d, a, b } => r!(d) = from_u32(u32_(r!(a)).wrapping_add(u32_(r!(b)))),
            Op::I32AddImm { d, a, imm } => r!(d) = from_u32(u32_(r!(a)).wrapping_add(imm)),

            // ---- Direct forms (`Op::direct`): the generic semantics, one dispatch ----
            Op::I32Sub(x) => r!(x.d) = tri!(BinOp::I32Sub.eval(r!(x.a), r!(x.b))),
            Op::I32Mul(x) => r!(x.d) = tri!(BinOp::I32Mul.eval(r!(x.a), r!(x.b))),
            Op::I32And(x) => r!(x.d) = tri!(BinOp::I32And.eval(r!(x.a), r!(x.b))),
            Op::I32Or(x) => r!(x.d) = tri!(BinOp::I32Or.eval(r!(x.a), r!(x.b))),
            Op::I32Xor(x) => r!(x.d) = tri!(BinOp::I32Xor.eval(r!(x.a), r!(x.b))),
            Op::I32Shl(x) => r!(x.d) = tri!(BinOp::I32Shl.eval(r!(x.a), r!(x.b))),
            Op::I32ShrS(x) => r!(x.d) = tri!(BinOp::I32ShrS.eval(r!(x.a), r!(x.b))),
            Op::I32ShrU(x) => r!(x.d) = tri!(BinOp::I32ShrU.eval(r!(x.a), r!(x.b))),
            Op::I32Rotl(x) => r!(x.d) = tri!(BinOp::I32Rotl.eval(r!(x.a), r!(x.b))),
            Op::I32Rotr(x) => r!(x.d) = tri!(BinOp::I32Rotr.eval(r!(x.a), r!(x.b))),
            Op::I64Add(x) => r!(x.d) = tri!(BinOp::I64Add.eval(r!(x.a), r!(x.b))),
            Op::I64Sub(x) => r!(x.d) = tri!(BinOp::I64Sub.eval(r!(x.a), r!(x.b))),
            Op::I64Mul(x) => r!(x.d) = tri!(BinOp::I64Mul.eval(r!(x.a), r!(x.b))),
            Op::I64And(x) => r!(x.d) = tri!(BinOp::I64And.eval(r!(x.a), r!(x.b))),
            Op::I64Or(x) => r!(x.d) = tri!(BinOp::I64Or.eval(r!(x.a), r!(x.b))),
            Op::I64Xor(x) => r!(x.d) = tri!(BinOp::I64Xor.eval(r!(x.a), r!(x.b))),
            Op::I64Shl(x) => r!(x.d) = tri!(BinOp::I64Shl.eval(r!(x.a), r!(x.b))),
            Op::I64ShrU(x) => r!(x.d) = tri!(BinOp::I64ShrU.eval(r!(x.a), r!(x.b))),
            Op::F32Add(x) => r!(x.d) = tri!(BinOp::F32Add.eval(r!(x.a), r!(x.b))),
            Op::F32Sub(x) => r!(x.d) = tri!(BinOp::F32Sub.eval(r!(x.a), r!(x.b))),
            Op::F32Mul(x) => r!(x.d) = tri!(BinOp::F32Mul.eval(r!(x.a), r!(x.b))),
            Op::F64Add(x) => r!(x.d) = tri!(BinOp::F64Add.eval(r!(x.a), r!(x.b))),
            Op::F64Sub(x) => r!(x.d) = tri!(BinOp::F64Sub.eval(r!(x.a), r!(x.b))),
            Op::F64Mul(x) => r!(x.d) = tri!(BinOp::F64Mul.eval(r!(x.a), r!(x.b))),
            Op::F64Div(x) => r!(x.d) = tri!(BinOp::F64Div.eval(r!(x.a), r!(x.b))),
            Op::I32MulImm(x) => r!(x.d) = tri!(BinOp::I32Mul.eval(r!(x.a), x.imm as Slot)),
            Op::I32AndImm(x) => r!(x.d) = tri!(BinOp::I32And.eval(r!(x.a), x.imm as Slot)),
            Op::I32OrImm(x) => r!(x.d) = tri!(BinOp::I32Or.eval(r!(x.a), x.imm as Slot)),
            Op::I32XorImm(x) => r!(x.d) = tri!(BinOp::I32Xor.eval(r!(x.a), x.imm as Slot)),
            Op::I32ShlImm(x) => r!(x.d) = tri!(BinOp::I32Shl.eval(r!(x.a), x.imm as Slot)),
            Op::I32ShrSImm(x) => r!(x.d) = tri!(BinOp::I32ShrS.eval(r!(x.a), x.imm as Slot)),
            Op::I32ShrUImm(x) => r!(x.d) = tri!(BinOp::I32ShrU.eval(r!(x.a), x.imm as Slot)),
            Op::I32RotlImm(x) => r!(x.d) = tri!(BinOp::I32Rotl.eval(r!(x.a), x.imm as Slot)),
            Op::I32RotrImm(x) => r!(x.d) = tri!(BinOp::I32Rotr.eval(r!(x.a), x.imm as Slot)),
            Op::I64AddImm(x) => r!(x.d) = tri!(BinOp::I64Add.eval(r!(x.a), x.imm as Slot)),
            Op::BrI32Eq(x) => br_if_cmp!(I32Eq, x, r!(x.b)),
            Op::BrI32EqImm(x) => br_if_cmp!(I32Eq, x, x.imm as Slot),
            Op::BrI32Ne(x) => br_if_cmp!(I32Ne, x, r!(x.b)),
            Op::BrI32NeImm(x) => br_if_cmp!(I32Ne, x, x.imm as Slot),
            Op::BrI32LtS(x) => br_if_cmp!(I32LtS, x, r!(x.b)),
            Op::BrI32LtSImm(x) => br_if_cmp!(I32LtS, x, x.imm as Slot),
            Op::BrI32LtU(x) => br_if_cmp!(I32LtU, x, r!(x.b)),
            Op::BrI32LtUImm(x) => br_if_cmp!(I32LtU, x, x.imm as Slot),
            Op::BrI32GtS(x) => br_if_cmp!(I32GtS, x, r!(x.b)),
            Op::BrI32GtSImm(x) => br_if_cmp!(I32GtS, x, x.imm as Slot),
            Op::BrI32GtU(x) => br_if_cmp!(I32GtU, x, r!(x.b)),
            Op::BrI32GtUImm(x) => br_if_cmp!(I32GtU, x, x.imm as Slot),
            Op::BrI32LeS(x) => br_if_cmp!(I32LeS, x, r!(x.b)),
            Op::BrI32LeSImm(x) => br_if_cmp!(I32LeS, x, x.imm as Slot),
            Op::BrI32LeU(x) => br_if_cmp!(I32LeU, x, r!(x.b)),
            Op::BrI32LeUImm(x) => br_if_cmp!(I32LeU, x, x.imm as Slot),
            Op::BrI32GeS(x) => br_if_cmp!(I32GeS, x, r!(x.b)),
            Op::BrI32GeSImm(x) => br_if_cmp!(I32GeS, x, x.imm as Slot),
            Op::BrI32GeU(x) => br_if_cmp!(I32GeU, x, r!(x.b)),
            Op::BrI32GeUImm(x) => br_if_cmp!(I32GeU, x, x.imm as Slot),
            Op::Load32(x) => load_direct!(I32, x),
            Op::Load64(x) => load_direct!(I64, x),
            Op::Store32(x) => store_direct!(B32, x),
            Op::Store64(x) => store_direct!(B64, x),

            // ---- Memory (spec 4.4.7) ----
            Op::Load { kind, d, a, off } => {
                let data = &store.mems[mem0].data;
                r!(d) = tri!(mem_load(kind, data, u32_(r!(a)) as u64, off as u64));
            }
            Op::Store { kind, a, v, off } => {
                let data = &mut store.mems[mem0].data;
                tri!(mem_store(kind, data, u32_(r!(a)) as u64, off as u64, r!(v)));
            }
            Op::StoreImm { kind, a, v, off } => {
                let data = &mut store.mems[mem0].data;
                tri!(mem_store(
                    kind,
                    data,
                    u32_(r!(a)) as u64,
                    off as u64,
                    v as Slot
                ));
            }
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
        }
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
