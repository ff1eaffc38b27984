//! Instruction fusion: a peephole pass over the executable copy of a
//! validated function body that replaces a few very common instruction
//! sequences by one step each, to cut the interpreter's dispatches.
//!
//! The fused instruction is written over the first instruction of the
//! sequence and the others stay where they are; the executor skips them. So
//! instruction indices, and every branch target validation computed (which
//! always points just after a `block`/`loop`/`if`/`else`/`end` marker, or at
//! the final `return`), are unchanged, and no target can land inside a fused
//! sequence, since sequences never contain markers.

use crate::syntax::Instr::{self, *};

/// How many instructions a fused instruction stands for (1 for the others).
#[inline(always)]
pub(crate) fn width(i: &Instr) -> usize {
    match i {
        LocalIncr(..) => 4,
        BrIfLocalsI32Eq(..)
        | BrIfLocalConstI32Eq(..)
        | BrIfLocalsI32Ne(..)
        | BrIfLocalConstI32Ne(..)
        | BrIfLocalsI32LtS(..)
        | BrIfLocalConstI32LtS(..)
        | BrIfLocalsI32LtU(..)
        | BrIfLocalConstI32LtU(..)
        | BrIfLocalsI32GeS(..)
        | BrIfLocalConstI32GeS(..)
        | BrIfLocalsI32GeU(..)
        | BrIfLocalConstI32GeU(..) => 4,
        LocalAddConst(..) => 3,
        LocalGet2(..) | LocalGetI32Const(..) | I32AddConst(_) | I32AddSet(_) => 2,
        BrIfEqz(_) | BrIfI32Eq(_) | BrIfI32Ne(_) | BrIfI32LtS(_) | BrIfI32LtU(_)
        | BrIfI32GtS(_) | BrIfI32GtU(_) | BrIfI32LeS(_) | BrIfI32LeU(_) | BrIfI32GeS(_)
        | BrIfI32GeU(_) => 2,
        _ => 1,
    }
}

/// Where execution really continues from `pc`: past `block`, `loop`, `end`,
/// `nop`, `try` and `try_table`, which do nothing at run time (the final
/// `end` is a `return`).
fn past_markers(code: &[Instr], mut pc: u32) -> u32 {
    while matches!(
        code.get(pc as usize),
        Some(Block(_) | Loop(_) | End | Nop | Try(_) | TryTable(_))
    ) {
        pc += 1;
    }
    pc
}

/// Moves every jump's destination past the no-op markers at it, so a taken
/// branch does not dispatch them one by one.
fn skip_markers(code: &mut [Instr]) {
    for k in 0..code.len() {
        // Read the destinations first (a jump may target itself), then write.
        let moved = |pc: u32| past_markers(code, pc);
        match &code[k] {
            Br { target, .. } | BrIf { target, .. } => {
                let pc = moved(target.pc);
                if let Br { target, .. } | BrIf { target, .. } = &mut code[k] {
                    target.pc = pc;
                }
            }
            BrTable(t) => {
                let pcs: Vec<u32> = t.targets.iter().map(|t| moved(t.pc)).collect();
                if let BrTable(t) = &mut code[k] {
                    for (target, pc) in t.targets.iter_mut().zip(pcs) {
                        target.pc = pc;
                    }
                }
            }
            If { else_pc, .. } => {
                let pc = moved(*else_pc);
                if let If { else_pc, .. } = &mut code[k] {
                    *else_pc = pc;
                }
            }
            Else { end_pc } => {
                let pc = moved(*end_pc);
                code[k] = Else { end_pc: pc };
            }
            Catch { end_pc, .. } | CatchAll { end_pc } => {
                let pc = moved(*end_pc);
                if let Catch { end_pc, .. } | CatchAll { end_pc } = &mut code[k] {
                    *end_pc = pc;
                }
            }
            _ => {}
        }
    }
}

/// Fuses the body in place. Branch targets inside sequences are impossible
/// (see the module doc), so only adjacency is checked.
pub(crate) fn fuse(code: &mut [Instr]) {
    skip_markers(code);
    let mut i = 0;
    while i + 1 < code.len() {
        // Longest sequences first: a loop's exit test on locals.
        if let (Some(cmp), Some(br)) = (code.get(i + 2), code.get(i + 3)) {
            let f = match (&code[i], &code[i + 1]) {
                (LocalGet(a), LocalGet(b)) => match (cmp, br) {
                    (I32Eq, BrIf { target, .. }) => Some(BrIfLocalsI32Eq(*a, *b, *target)),
                    (I32Ne, BrIf { target, .. }) => Some(BrIfLocalsI32Ne(*a, *b, *target)),
                    (I32LtS, BrIf { target, .. }) => Some(BrIfLocalsI32LtS(*a, *b, *target)),
                    (I32LtU, BrIf { target, .. }) => Some(BrIfLocalsI32LtU(*a, *b, *target)),
                    (I32GeS, BrIf { target, .. }) => Some(BrIfLocalsI32GeS(*a, *b, *target)),
                    (I32GeU, BrIf { target, .. }) => Some(BrIfLocalsI32GeU(*a, *b, *target)),
                    _ => None,
                },
                (LocalGet(a), I32Const(c)) => match (cmp, br) {
                    (I32Eq, BrIf { target, .. }) => Some(BrIfLocalConstI32Eq(*a, *c, *target)),
                    (I32Ne, BrIf { target, .. }) => Some(BrIfLocalConstI32Ne(*a, *c, *target)),
                    (I32LtS, BrIf { target, .. }) => Some(BrIfLocalConstI32LtS(*a, *c, *target)),
                    (I32LtU, BrIf { target, .. }) => Some(BrIfLocalConstI32LtU(*a, *c, *target)),
                    (I32GeS, BrIf { target, .. }) => Some(BrIfLocalConstI32GeS(*a, *c, *target)),
                    (I32GeU, BrIf { target, .. }) => Some(BrIfLocalConstI32GeU(*a, *c, *target)),
                    _ => None,
                },
                _ => None,
            };
            if let Some(f) = f {
                code[i] = f;
                i += 4;
                continue;
            }
        }
        let add_const = |k: usize| match (&code[k], code.get(k + 1), code.get(k + 2)) {
            (LocalGet(a), Some(I32Const(c)), Some(I32Add)) => Some((*a, *c)),
            (LocalGet(a), Some(I32Const(c)), Some(I32Sub)) => Some((*a, c.wrapping_neg())),
            _ => None,
        };
        if let Some((a, c)) = add_const(i) {
            let f = match code.get(i + 3) {
                Some(LocalSet(x)) if *x == a => LocalIncr(a, c),
                _ => LocalAddConst(a, c),
            };
            let w = width(&f);
            code[i] = f;
            i += w;
            continue;
        }
        let fused = match (&code[i], &code[i + 1]) {
            (I32Add, LocalSet(x)) => Some(I32AddSet(*x)),
            (LocalGet(a), LocalGet(b)) => Some(LocalGet2(*a, *b)),
            (LocalGet(a), I32Const(c)) => Some(LocalGetI32Const(*a, *c)),
            (I32Const(c), I32Add) => Some(I32AddConst(*c)),
            (cmp, BrIf { target, .. }) => {
                let t = *target;
                match cmp {
                    I32Eqz => Some(BrIfEqz(t)),
                    I32Eq => Some(BrIfI32Eq(t)),
                    I32Ne => Some(BrIfI32Ne(t)),
                    I32LtS => Some(BrIfI32LtS(t)),
                    I32LtU => Some(BrIfI32LtU(t)),
                    I32GtS => Some(BrIfI32GtS(t)),
                    I32GtU => Some(BrIfI32GtU(t)),
                    I32LeS => Some(BrIfI32LeS(t)),
                    I32LeU => Some(BrIfI32LeU(t)),
                    I32GeS => Some(BrIfI32GeS(t)),
                    I32GeU => Some(BrIfI32GeU(t)),
                    _ => None,
                }
            }
            _ => None,
        };
        match fused {
            Some(f) => {
                let w = width(&f);
                code[i] = f;
                i += w;
            }
            None => i += 1,
        }
    }
}
