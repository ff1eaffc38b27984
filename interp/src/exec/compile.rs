//! From a validated body to its executable form (decision D20): one pass
//! over the instructions, keeping the operand stack as the compiler's own
//! model of where each value is.
//!
//! An operand is a value in its stack slot (`Temp`: the slot of its height,
//! `locals + height`), or still in a local, or a constant: `local.get` and
//! `i32.const` emit nothing, and the instruction that uses them reads the
//! local or takes the constant as an immediate. An instruction's result goes
//! to the slot of its height, or straight into the local a `local.set`
//! right after it names. A value is moved into its stack slot
//! ("materialised") only where the stack's layout must be known at run
//! time: at the start of a block (so that every path through it agrees),
//! for a branch's values (into the slots the label expects), a call's
//! arguments (where the callee's frame begins), and before an instruction
//! that runs in the stack-machine style (`Op::Instr`). A `local.set` first
//! materialises every operand that still reads the local it overwrites.
//!
//! The validator gives the operand stack's height before each instruction
//! (`Func::heights`), so instructions compiled to `Op::Instr` need no stack
//! effect of their own here. Unreachable code (after `br`, `return`,
//! `unreachable` and the like, up to the end of its block) is not compiled.

use super::code::*;
use super::numops::{BinOp, UnOp};
use crate::syntax::*;

/// What the compiler needs of the module: the types of functions, tags and
/// blocks, and the memories' address types.
pub(crate) struct Ctx<'m> {
    pub(crate) module: &'m Module,
    /// The type index of every function, imports first.
    pub(crate) funcs: Vec<TypeIdx>,
    /// The type index of every tag, imports first.
    pub(crate) tags: Vec<TypeIdx>,
    /// Whether memory 0 exists with 32-bit addresses.
    pub(crate) mem0_32: bool,
}

impl<'m> Ctx<'m> {
    /// The context of a validated module.
    pub(crate) fn new(module: &'m Module) -> Self {
        let mut funcs = Vec::new();
        let mut tags = Vec::new();
        let mut mems = Vec::new();
        for i in &module.imports {
            match i.desc {
                ImportDesc::Func(x, _) => funcs.push(x),
                ImportDesc::Tag(t) => tags.push(t.type_idx),
                ImportDesc::Mem(m) => mems.push(m),
                _ => {}
            }
        }
        funcs.extend(module.funcs.iter().map(|f| f.type_idx));
        tags.extend(module.tags.iter().map(|t| t.type_idx));
        mems.extend(module.mems.iter().copied());
        Ctx {
            module,
            funcs,
            tags,
            mem0_32: mems.first().is_some_and(|m| m.addr == AddrType::I32),
        }
    }

    fn ty(&self, x: TypeIdx) -> &FuncType {
        self.module
            .func_type(x)
            .expect("validated: a function type")
    }

    fn block(&self, bt: BlockType) -> (u32, u32) {
        match bt {
            BlockType::Empty => (0, 0),
            BlockType::Value(_) => (0, 1),
            BlockType::Func(x) => {
                let t = self.ty(x);
                (t.params.len() as u32, t.results.len() as u32)
            }
        }
    }
}

/// Where an operand is, in the compiler's model.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Opd {
    /// In the slot of its height.
    Temp,
    /// Still in this local.
    Local(u32),
    /// An `i32` or `f32` constant (its bits).
    C32(u32),
    /// An `i64` or `f64` constant (its bits).
    C64(u64),
}

impl Opd {
    /// A constant below 2^32, as an instruction's immediate: the slot made
    /// of it zero-extended is the slot the constant would be.
    fn imm32(self) -> Option<u32> {
        match self {
            Opd::C32(v) => Some(v),
            Opd::C64(v) => u32::try_from(v).ok(),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Func,
    Block,
    Loop,
    If,
    Else,
    TryTable,
    /// A legacy `try` body.
    Try,
    /// A legacy `catch`/`catch_all` body.
    Catch,
}

/// Where a jump to a block's end must be written once the end is known.
#[derive(Clone, Copy)]
enum Fixup {
    /// The jump of instruction `k`.
    Op(usize),
    /// Entry `e` of jump table `t`.
    Table(usize, usize),
    /// Clause `c` of handler `h`.
    Catch(usize, usize),
}

/// A block being compiled (spec appendix `ctrl_frame`).
struct Ctrl {
    kind: Kind,
    /// The operand stack's height below the block's parameters.
    height: u32,
    params: u32,
    results: u32,
    /// A loop's first instruction.
    start: Pc,
    /// Jumps to the end.
    fixups: Vec<Fixup>,
    /// The jump of an `if` to its `else` (or end).
    if_jump: Option<usize>,
    /// Whether code at the block's start was reachable.
    live: bool,
    /// The handler entry of a `try_table` or legacy `try`.
    handler: Option<usize>,
    /// A legacy `try`'s hidden local for `rethrow`.
    exn_local: Option<u32>,
    /// Whether a legacy `try` had its `catch_all`.
    caught_all: bool,
    /// Where a `delegate` to this label resumes (see `Op::Nop`).
    marker: Pc,
}

impl Ctrl {
    /// The label's arity: a loop's parameters, other blocks' results.
    fn arity(&self) -> u32 {
        if self.kind == Kind::Loop {
            self.params
        } else {
            self.results
        }
    }
}

struct Compiler<'c, 'm> {
    cx: &'c Ctx<'m>,
    /// Parameters plus locals (declared and hidden): the slot of height 0.
    locals: u32,
    hidden: u32,
    stack: Vec<Opd>,
    /// How many operands are `Local(x)`, by `x` (only those with any).
    local_uses: std::collections::HashMap<u32, u32>,
    ctrls: Vec<Ctrl>,
    code: Code,
    /// The last instruction emitted, if it computed the top operand into
    /// its slot and nothing was emitted since: a `local.set` may redirect
    /// its result, a branch may absorb a comparison.
    last_def: Option<usize>,
    /// Whether the code being compiled is reachable.
    reachable: bool,
    /// Whether the body has a legacy `delegate` (blocks then get markers).
    delegates: bool,
    /// The operand stack's height before the instruction being compiled:
    /// every slot below it or below the current height is live.
    h_before: usize,
    /// The jumps whose target is the end of a block not yet compiled: the
    /// index of the jump's instruction, and the block's index in `ctrls`.
    forward: std::collections::HashMap<usize, usize>,
}

/// Compiles a validated function (its `heights` filled by validation).
pub(crate) fn compile(cx: &Ctx<'_>, f: &Func) -> Code {
    let ty = cx.ty(f.type_idx);
    let params = ty.params.len() as u32;
    let declared: u64 = f.locals.iter().map(|(n, _)| *n as u64).sum();
    let locals = u32::try_from(params as u64 + declared + f.hidden_locals as u64)
        .expect("validated: locals fit in u32");
    let mut c = Compiler {
        cx,
        locals,
        hidden: f.hidden_locals,
        stack: Vec::new(),
        local_uses: Default::default(),
        ctrls: Vec::new(),
        code: Code {
            params,
            locals,
            frame: locals.saturating_add(f.max_height),
            ..Code::default()
        },
        last_def: None,
        reachable: true,
        delegates: f.body.iter().any(|i| matches!(i, Instr::Delegate(_))),
        h_before: 0,
        forward: Default::default(),
    };
    c.push_ctrl(Kind::Func, 0, ty.results.len() as u32);
    for (pc, i) in f.body.iter().enumerate() {
        let h = f.heights.get(pc).copied().unwrap_or(0);
        let after = f.heights.get(pc + 1).copied().unwrap_or(0);
        // Validation wrote the function's `end` as `return` (decision D1):
        // here it is the end of the function's block.
        let i = if pc + 1 == f.body.len() {
            &Instr::End
        } else {
            i
        };
        c.instr(i, h, after);
    }
    for op in &mut c.code.ops {
        *op = op.clone().direct();
    }
    fuse_steps(&mut c.code);
    let ops = &c.code.ops;
    c.code.tight = (0..ops.len())
        .map(|k| match ops[k].jump_target() {
            Some(to) if to as usize <= k => !ops[to as usize..=k].iter().any(Op::leaves_frame),
            _ => false,
        })
        .collect();
    c.code
}

/// Gives a loop's step and test one instruction (`Op::fuse_step`) where
/// nothing jumps to the test.
fn fuse_steps(code: &mut Code) {
    let n = code.ops.len();
    let mut target = vec![false; n + 1];
    let tables = code.tables.iter().flat_map(|t| t.iter().copied());
    let catches = code
        .handlers
        .iter()
        .flat_map(|h| h.catches.iter().map(|(_, t)| t.pc));
    for to in code
        .ops
        .iter()
        .filter_map(Op::jump_target)
        .chain(tables)
        .chain(catches)
    {
        target[to as usize] = true;
    }
    for k in 0..n.saturating_sub(1) {
        if !target[k + 1]
            && let Some(op) = code.ops[k].fuse_step(&code.ops[k + 1])
        {
            code.ops[k] = op;
        }
    }
}

impl Compiler<'_, '_> {
    // ---- Emitting ----

    fn pc(&self) -> Pc {
        self.code.ops.len() as Pc
    }

    /// Appends `op`, which runs with the operand stack as it is now.
    fn emit(&mut self, op: Op) -> usize {
        let live = self.locals + self.stack.len().max(self.h_before) as u32;
        self.code.ops.push(op);
        self.code.live.push(live);
        self.last_def = None;
        self.code.ops.len() - 1
    }

    /// Appends `op`, which computes the operand about to be pushed into
    /// its slot.
    fn emit_def(&mut self, op: Op) {
        let k = self.emit(op);
        self.stack.push(Opd::Temp);
        self.last_def = Some(k);
    }

    /// The slot of height `h`.
    fn slot(&self, h: usize) -> Reg {
        self.locals + h as u32
    }

    // ---- The operand model ----

    fn push(&mut self, o: Opd) {
        if let Opd::Local(x) = o {
            *self.local_uses.entry(x).or_insert(0) += 1;
        }
        self.stack.push(o);
    }

    fn pop(&mut self) -> (usize, Opd) {
        let o = self.stack.pop().expect("validated: an operand");
        self.forget(o);
        (self.stack.len(), o)
    }

    fn forget(&mut self, o: Opd) {
        if let Opd::Local(x) = o
            && let Some(n) = self.local_uses.get_mut(&x)
        {
            *n -= 1;
            if *n == 0 {
                self.local_uses.remove(&x);
            }
        }
    }

    /// Moves operand `h` into its slot.
    fn materialize(&mut self, h: usize) {
        let o = self.stack[h];
        let d = self.slot(h);
        match o {
            Opd::Temp => return,
            Opd::Local(x) => {
                self.emit(Op::Copy { d, s: x });
            }
            Opd::C32(v) => {
                self.emit(Op::Const32 { d, v });
            }
            Opd::C64(v) => {
                self.emit(Op::Const64 { d, v });
            }
        }
        self.forget(o);
        self.stack[h] = Opd::Temp;
    }

    fn materialize_all(&mut self) {
        for h in 0..self.stack.len() {
            self.materialize(h);
        }
    }

    fn materialize_top(&mut self, n: usize) {
        for h in self.stack.len() - n..self.stack.len() {
            self.materialize(h);
        }
    }

    /// The slot operand `h` can be read from (a constant is materialised).
    fn src(&mut self, h: usize, o: Opd) -> Reg {
        match o {
            Opd::Temp => self.slot(h),
            Opd::Local(x) => x,
            Opd::C32(v) => {
                let d = self.slot(h);
                self.emit(Op::Const32 { d, v });
                d
            }
            Opd::C64(v) => {
                let d = self.slot(h);
                self.emit(Op::Const64 { d, v });
                d
            }
        }
    }

    /// Moves operand `o` (at height `h`) into slot `d`.
    fn move_to(&mut self, d: Reg, h: usize, o: Opd) {
        match o {
            Opd::Temp if self.slot(h) == d => {}
            Opd::Temp => {
                let s = self.slot(h);
                self.emit(Op::Copy { d, s });
            }
            Opd::Local(x) if x == d => {}
            Opd::Local(x) => {
                self.emit(Op::Copy { d, s: x });
            }
            Opd::C32(v) => {
                self.emit(Op::Const32 { d, v });
            }
            Opd::C64(v) => {
                self.emit(Op::Const64 { d, v });
            }
        }
    }

    /// `local.set x` of the top operand.
    fn set_local(&mut self, x: u32) {
        let def = self.last_def;
        let (h, o) = self.pop();
        if self.local_uses.contains_key(&x) {
            // Operands that still read `x` keep its old value.
            for k in 0..self.stack.len() {
                if self.stack[k] == Opd::Local(x) {
                    self.materialize(k);
                }
            }
        } else if let (Opd::Temp, Some(k)) = (o, def) {
            // The instruction that computed it writes `x` instead.
            if retarget(&mut self.code.ops[k], x) {
                self.last_def = None;
                return;
            }
        }
        self.move_to(x, h, o);
    }

    /// Sets the stack to `n` operands in their slots (after an instruction
    /// run in the stack-machine style, or at a block boundary).
    fn reset_stack(&mut self, n: u32) {
        while self.stack.len() > n as usize {
            self.pop();
        }
        debug_assert!(self.stack.iter().all(|o| *o == Opd::Temp));
        self.stack.resize(n as usize, Opd::Temp);
    }

    // ---- Blocks and branches ----

    fn push_ctrl(&mut self, kind: Kind, params: u32, results: u32) {
        let marker = if self.delegates && kind != Kind::Func {
            self.emit(Op::Nop) as Pc
        } else {
            self.pc()
        };
        self.ctrls.push(Ctrl {
            kind,
            height: self.stack.len() as u32 - params,
            params,
            results,
            start: self.pc(),
            fixups: Vec::new(),
            if_jump: None,
            live: self.reachable,
            handler: None,
            exn_local: None,
            caught_all: false,
            marker,
        });
    }

    fn label(&self, l: LabelIdx) -> &Ctrl {
        &self.ctrls[self.ctrls.len() - 1 - l as usize]
    }

    /// Whether a branch to label `l` must move values to get them where the
    /// label expects them.
    fn needs_moves(&self, l: LabelIdx) -> bool {
        let c = self.label(l);
        let (height, arity) = (c.height as usize, c.arity() as usize);
        let top = self.stack.len();
        (0..arity).any(|k| {
            let h = top - arity + k;
            !(self.stack[h] == Opd::Temp && h == height + k)
        })
    }

    /// Moves the top operands to where label `l` expects its values.
    fn moves_for(&mut self, l: LabelIdx) {
        let c = self.label(l);
        let (height, arity) = (c.height as usize, c.arity() as usize);
        let top = self.stack.len();
        for k in 0..arity {
            let h = top - arity + k;
            let d = self.slot(height + k);
            let o = self.stack[h];
            self.move_to(d, h, o);
        }
    }

    /// An unconditional jump to label `l` (its values already moved).
    fn jump(&mut self, l: LabelIdx) {
        let n = self.ctrls.len() - 1 - l as usize;
        if self.ctrls[n].kind == Kind::Loop && self.rotate(n) {
            return;
        }
        let k = self.emit(Op::Br { to: 0 });
        self.target(n, Fixup::Op(k));
    }

    /// The jump back to loop `n`, if the loop begins with a conditional
    /// branch: that branch is made here instead, negated, so that an
    /// iteration costs one instruction less. Running the loop's first
    /// instruction here is what jumping to it would do, since a jump
    /// changes no slot: when its condition does not hold, continue after
    /// it in the loop (the negation's target); when it holds, go where it
    /// goes (a second, unconditional jump, run only once, on the way out).
    fn rotate(&mut self, n: usize) -> bool {
        let start = self.ctrls[n].start as usize;
        let Some(first) = self.code.ops.get(start).cloned() else {
            return false;
        };
        let next = start as Pc + 1;
        let (negated, to) = match first {
            Op::BrIfNez { c, to } => (Op::BrIfEqz { c, to: next }, to),
            Op::BrIfEqz { c, to } => (Op::BrIfNez { c, to: next }, to),
            Op::BrIfCmp { op, a, b, to } => match op.negated() {
                Some(not) => (
                    Op::BrIfCmp {
                        op: not,
                        a,
                        b,
                        to: next,
                    },
                    to,
                ),
                None => return false,
            },
            Op::BrIfCmpImm { op, a, imm, to } => match op.negated() {
                Some(not) => (
                    Op::BrIfCmpImm {
                        op: not,
                        a,
                        imm,
                        to: next,
                    },
                    to,
                ),
                None => return false,
            },
            _ => return false,
        };
        self.emit(negated);
        let k = self.emit(Op::Br { to });
        // A target still to be patched is a block that encloses the loop,
        // so it is still in `ctrls` at the same index.
        if let Some(&m) = self.forward.get(&start) {
            self.target(m, Fixup::Op(k));
        }
        true
    }

    /// Makes the jump `fx` go to label `n` (an index into `ctrls`): now for
    /// a loop, at the block's end otherwise.
    fn target(&mut self, n: usize, fx: Fixup) {
        if self.ctrls[n].kind == Kind::Loop {
            let start = self.ctrls[n].start;
            self.patch(fx, start);
        } else {
            if let Fixup::Op(k) = fx {
                self.forward.insert(k, n);
            }
            self.ctrls[n].fixups.push(fx);
        }
    }

    fn patch(&mut self, fx: Fixup, to: Pc) {
        if let Fixup::Op(k) = fx {
            self.forward.remove(&k);
        }
        match fx {
            Fixup::Op(k) => match &mut self.code.ops[k] {
                Op::Br { to: t }
                | Op::BrIfNez { to: t, .. }
                | Op::BrIfEqz { to: t, .. }
                | Op::BrIfCmp { to: t, .. }
                | Op::BrIfCmpImm { to: t, .. }
                | Op::BrOnNull { to: t, .. }
                | Op::BrOnNonNull { to: t, .. }
                | Op::BrOnCast { to: t, .. } => *t = to,
                other => unreachable!("a jump to patch, not {other:?}"),
            },
            Fixup::Table(t, e) => self.code.tables[t][e] = to,
            Fixup::Catch(h, c) => self.code.handlers[h].catches[c].1.pc = to,
        }
    }

    /// A conditional branch to label `l`, taken when `jump` (an instruction
    /// whose target is patched here) jumps; a branch that must move values
    /// first jumps over them when not taken (`skip`, the negation).
    fn cond_branch(&mut self, l: LabelIdx, jump: Op, skip: Op) {
        if !self.needs_moves(l) {
            let k = self.emit(jump);
            let n = self.ctrls.len() - 1 - l as usize;
            self.target(n, Fixup::Op(k));
        } else {
            let k = self.emit(skip);
            self.moves_for(l);
            self.jump(l);
            let here = self.pc();
            self.patch(Fixup::Op(k), here);
        }
    }

    /// The jump and its negation for a `br_if` or `if` on the top operand,
    /// absorbing the comparison that computed it if there is one.
    fn condition(&mut self) -> (Op, Op) {
        let def = self.last_def;
        let (h, o) = self.pop();
        if let (Opd::Temp, Some(k)) = (o, def) {
            match self.code.ops[k].clone() {
                Op::Bin { op, a, b, .. } if op.negated().is_some() => {
                    self.drop_last(k);
                    let not = op.negated().expect("checked");
                    return (
                        Op::BrIfCmp { op, a, b, to: 0 },
                        Op::BrIfCmp {
                            op: not,
                            a,
                            b,
                            to: 0,
                        },
                    );
                }
                Op::BinImm32 { op, a, imm, .. } if op.negated().is_some() => {
                    self.drop_last(k);
                    let not = op.negated().expect("checked");
                    return (
                        Op::BrIfCmpImm { op, a, imm, to: 0 },
                        Op::BrIfCmpImm {
                            op: not,
                            a,
                            imm,
                            to: 0,
                        },
                    );
                }
                Op::Un {
                    op: UnOp::I32Eqz,
                    a,
                    ..
                } => {
                    self.drop_last(k);
                    return (Op::BrIfEqz { c: a, to: 0 }, Op::BrIfNez { c: a, to: 0 });
                }
                _ => {}
            }
        }
        let c = self.src(h, o);
        (Op::BrIfNez { c, to: 0 }, Op::BrIfEqz { c, to: 0 })
    }

    /// Removes instruction `k`, the last one, whose result the branch
    /// being compiled takes over.
    fn drop_last(&mut self, k: usize) {
        debug_assert_eq!(k + 1, self.code.ops.len());
        self.code.ops.pop();
        self.code.live.pop();
        self.last_def = None;
    }

    /// Code after an unconditional transfer is unreachable until the end
    /// of its block.
    fn unreachable(&mut self) {
        self.reachable = false;
    }

    // ---- Instructions ----

    /// Compiles instruction `i`, before which the operand stack is `h` high
    /// and after which it is `after` high (when reachable).
    fn instr(&mut self, i: &Instr, h: u32, after: u32) {
        use Instr::*;
        if !self.reachable {
            self.dead(i);
            return;
        }
        debug_assert_eq!(self.stack.len() as u32, h, "{i:?}");
        self.h_before = h as usize;
        match i {
            Nop
            | Block(_)
            | Loop(_)
            | If { .. }
            | Else { .. }
            | End
            | TryTable(_)
            | Try(_)
            | Catch { .. }
            | CatchAll { .. }
            | Delegate(_) => self.control(i),
            Unreachable => {
                self.emit(Op::Unreachable);
                self.unreachable();
            }
            Br { label, .. } => {
                self.moves_for(*label);
                self.jump(*label);
                self.unreachable();
            }
            BrIf { label, .. } => {
                let (jump, skip) = self.condition();
                self.cond_branch(*label, jump, skip);
            }
            BrTable(t) => self.br_table(t),
            Return => {
                let n = self.ctrls[0].results as usize;
                self.materialize_top(n);
                let at = self.slot(self.stack.len() - n);
                self.emit(Op::Return { at, n: n as u32 });
                self.unreachable();
            }
            Call(x) => {
                let t = self.cx.ty(self.cx.funcs[*x as usize]);
                let (n, r) = (t.params.len(), t.results.len());
                self.call(n, r, |at| Op::Call { f: *x, at });
            }
            CallIndirect { ty, table } => {
                let t = self.cx.ty(*ty);
                let (n, r) = (t.params.len() + 1, t.results.len());
                let (ty, table) = (*ty, *table);
                self.call(n, r, |at| Op::CallIndirect { ty, table, at });
            }
            CallRef(ty) => {
                let t = self.cx.ty(*ty);
                let (n, r) = (t.params.len() + 1, t.results.len());
                let ty = *ty;
                self.call(n, r, |at| Op::CallRef { ty, at });
            }
            ReturnCall(x) => {
                let n = self.cx.ty(self.cx.funcs[*x as usize]).params.len();
                let x = *x;
                self.tail(n, |at| Op::ReturnCall { f: x, at });
            }
            ReturnCallIndirect { ty, table } => {
                let n = self.cx.ty(*ty).params.len() + 1;
                let (ty, table) = (*ty, *table);
                self.tail(n, |at| Op::ReturnCallIndirect { ty, table, at });
            }
            ReturnCallRef(ty) => {
                let n = self.cx.ty(*ty).params.len() + 1;
                let ty = *ty;
                self.tail(n, |at| Op::ReturnCallRef { ty, at });
            }
            Throw(x) => {
                let n = self.cx.ty(self.cx.tags[*x as usize]).params.len();
                let tag = *x;
                self.tail(n, |at| Op::Throw { tag, at });
            }
            ThrowRef => {
                let (h, o) = self.pop();
                let r = self.src(h, o);
                self.emit(Op::ThrowRef { r });
                self.unreachable();
            }
            Rethrow { local, .. } => {
                self.emit(Op::Rethrow { r: *local });
                self.unreachable();
            }
            BrOnNull { label, .. } => {
                // Taken if null: the label takes the values below the
                // reference, which is dropped; otherwise it stays, non-null.
                let top = self.stack.len() - 1;
                self.materialize(top);
                let r = self.slot(top);
                self.pop();
                self.cond_branch(
                    *label,
                    Op::BrOnNull { r, to: 0 },
                    Op::BrOnNonNull { r, to: 0 },
                );
                self.stack.push(Opd::Temp);
            }
            BrOnNonNull { label, .. } => {
                // The label takes the reference; it is dropped if null.
                let top = self.stack.len() - 1;
                self.materialize(top);
                let r = self.slot(top);
                self.cond_branch(
                    *label,
                    Op::BrOnNonNull { r, to: 0 },
                    Op::BrOnNull { r, to: 0 },
                );
                self.pop();
            }
            BrOnCast(b) => {
                // With a descriptor operand, it is on top, in the slot
                // above the reference's, and is popped before the branch.
                if b.desc {
                    let top = self.stack.len() - 1;
                    self.materialize(top);
                    self.pop();
                }
                let top = self.stack.len() - 1;
                self.materialize(top);
                let r = self.slot(top);
                let cast = self.code.casts.len() as u32;
                self.code.casts.push(b.to);
                let op = |fail| Op::BrOnCast {
                    r,
                    cast,
                    fail,
                    desc: b.desc,
                    to: 0,
                };
                self.cond_branch(b.label, op(b.fail), op(!b.fail));
            }

            Drop => {
                self.pop();
            }
            Select(_) | SelectMulti(_) => {
                let top = self.stack.len() - 1;
                self.materialize(top);
                self.pop();
                let (hb, ob) = self.pop();
                let (ha, oa) = self.pop();
                let b = self.src(hb, ob);
                let a = self.src(ha, oa);
                let d = self.slot(ha);
                self.emit_def(Op::Select { d, a, b });
            }
            LocalGet(x) => self.push(Opd::Local(*x)),
            LocalSet(x) => self.set_local(*x),
            LocalTee(x) => {
                self.set_local(*x);
                self.push(Opd::Local(*x));
            }
            GlobalGet(g) => {
                let d = self.slot(self.stack.len());
                self.emit_def(Op::GlobalGet { d, g: *g });
            }
            GlobalSet(g) => {
                let (h, o) = self.pop();
                let s = self.src(h, o);
                self.emit(Op::GlobalSet { g: *g, s });
            }
            I32Const(v) => self.push(Opd::C32(*v as u32)),
            F32Const(v) => self.push(Opd::C32(*v)),
            I64Const(v) => self.push(Opd::C64(*v as u64)),
            F64Const(v) => self.push(Opd::C64(*v)),
            I32Load(a) => self.load(LoadKind::I32, a),
            I64Load(a) => self.load(LoadKind::I64, a),
            F32Load(a) => self.load(LoadKind::F32, a),
            F64Load(a) => self.load(LoadKind::F64, a),
            I32Load8S(a) => self.load(LoadKind::I32_8S, a),
            I32Load8U(a) => self.load(LoadKind::I32_8U, a),
            I32Load16S(a) => self.load(LoadKind::I32_16S, a),
            I32Load16U(a) => self.load(LoadKind::I32_16U, a),
            I64Load8S(a) => self.load(LoadKind::I64_8S, a),
            I64Load8U(a) => self.load(LoadKind::I64_8U, a),
            I64Load16S(a) => self.load(LoadKind::I64_16S, a),
            I64Load16U(a) => self.load(LoadKind::I64_16U, a),
            I64Load32S(a) => self.load(LoadKind::I64_32S, a),
            I64Load32U(a) => self.load(LoadKind::I64_32U, a),
            I32Store(a) | F32Store(a) | I64Store32(a) => self.store(StoreKind::B32, a),
            I64Store(a) | F64Store(a) => self.store(StoreKind::B64, a),
            I32Store8(a) | I64Store8(a) => self.store(StoreKind::B8, a),
            I32Store16(a) | I64Store16(a) => self.store(StoreKind::B16, a),
            V128Load(kind, m) if self.fast_mem(m) => {
                let (h, o) = self.pop();
                let a = self.src(h, o);
                let d = self.slot(h);
                let off = m.offset as u32;
                self.emit_def(Op::LoadV128 {
                    kind: *kind,
                    d,
                    a,
                    off,
                });
            }
            V128Store(m) if self.fast_mem(m) => {
                let (hv, ov) = self.pop();
                let (ha, oa) = self.pop();
                let r = self.src(hv, ov);
                let a = self.src(ha, oa);
                let off = m.offset as u32;
                self.emit(Op::StoreV128(Mem { r, a, off }));
            }
            Simd(op) if op.arity() == 1 => {
                let (h, o) = self.pop();
                let a = self.src(h, o);
                let d = self.slot(h);
                self.emit_def(Op::SimdUn { op: *op, d, a });
            }
            Simd(op) if op.arity() == 2 => {
                let (hb, ob) = self.pop();
                let (ha, oa) = self.pop();
                let b = self.src(hb, ob);
                let a = self.src(ha, oa);
                let d = self.slot(ha);
                self.emit_def(Op::SimdBin { op: *op, d, a, b });
            }
            other => {
                if let Some(op) = BinOp::of(other) {
                    self.binary(op);
                } else if let Some(op) = UnOp::of(other) {
                    let (h, o) = self.pop();
                    let a = self.src(h, o);
                    let d = self.slot(h);
                    self.emit_def(Op::Un { op, d, a });
                } else {
                    self.stack_style(other, h, after);
                }
            }
        }
    }

    /// An instruction in the stack-machine style (`Op::Instr`).
    fn stack_style(&mut self, i: &Instr, h: u32, after: u32) {
        self.materialize_all();
        let k = self.code.instrs.len() as u32;
        self.code.instrs.push(i.clone());
        self.emit(Op::Instr {
            i: k,
            h: self.locals + h,
        });
        self.reset_stack(h.min(after));
        self.stack.resize(after as usize, Opd::Temp);
    }

    fn binary(&mut self, op: BinOp) {
        let (hb, ob) = self.pop();
        let (ha, oa) = self.pop();
        let d = self.slot(ha);
        // A constant second operand below 2^32 is an immediate.
        if let Some(imm) = ob.imm32() {
            let a = self.src(ha, oa);
            self.emit_def(Op::BinImm32 { op, d, a, imm });
            return;
        }
        let b = self.src(hb, ob);
        let a = self.src(ha, oa);
        self.emit_def(Op::Bin { op, d, a, b });
    }

    fn load(&mut self, kind: LoadKind, m: &MemArg) {
        let (h, o) = self.pop();
        let a = self.src(h, o);
        let d = self.slot(h);
        let op = if self.fast_mem(m) {
            Op::Load {
                kind,
                d,
                a,
                off: m.offset as u32,
            }
        } else {
            Op::LoadMem {
                kind,
                d,
                a,
                m: self.memarg(m),
            }
        };
        self.emit_def(op);
    }

    fn store(&mut self, kind: StoreKind, m: &MemArg) {
        let (hv, ov) = self.pop();
        let (ha, oa) = self.pop();
        if let (Some(v), true) = (ov.imm32(), self.fast_mem(m)) {
            let a = self.src(ha, oa);
            self.emit(Op::StoreImm {
                kind,
                a,
                v,
                off: m.offset as u32,
            });
            return;
        }
        let v = self.src(hv, ov);
        let a = self.src(ha, oa);
        let op = if self.fast_mem(m) {
            Op::Store {
                kind,
                a,
                v,
                off: m.offset as u32,
            }
        } else {
            Op::StoreMem {
                kind,
                a,
                v,
                m: self.memarg(m),
            }
        };
        self.emit(op);
    }

    /// Whether a memory access can use the fast form: memory 0 with 32-bit
    /// addresses and an offset below 2^32.
    fn fast_mem(&self, m: &MemArg) -> bool {
        m.mem == 0 && self.cx.mem0_32 && m.offset <= u32::MAX as u64
    }

    /// A memory argument in the side table.
    fn memarg(&mut self, m: &MemArg) -> u32 {
        self.code.memargs.push(*m);
        self.code.memargs.len() as u32 - 1
    }

    /// A call whose `n` operands (arguments, then an index or reference)
    /// are moved to the top slots, where the callee's frame begins; `r`
    /// results replace them.
    fn call(&mut self, n: usize, r: usize, op: impl FnOnce(Reg) -> Op) {
        self.materialize_top(n);
        let at = self.slot(self.stack.len() - n);
        self.emit(op(at));
        for _ in 0..n {
            self.pop();
        }
        self.stack.resize(self.stack.len() + r, Opd::Temp);
    }

    /// A tail call or `throw`: its `n` operands in the top slots; nothing
    /// after it runs.
    fn tail(&mut self, n: usize, op: impl FnOnce(Reg) -> Op) {
        self.materialize_top(n);
        let at = self.slot(self.stack.len() - n);
        self.emit(op(at));
        self.unreachable();
    }

    fn br_table(&mut self, t: &BrTable) {
        let (h, o) = self.pop();
        let i = self.src(h, o);
        let labels: Vec<LabelIdx> = t.labels.iter().copied().chain([t.default]).collect();
        let ti = self.code.tables.len();
        self.code
            .tables
            .push(vec![0; labels.len()].into_boxed_slice());
        self.emit(Op::BrTable {
            i,
            table: ti as u32,
        });
        // Entries whose label needs values moved go through a stub that
        // moves them, then jumps.
        for (e, l) in labels.iter().enumerate() {
            if self.needs_moves(*l) {
                let stub = self.pc();
                self.code.tables[ti][e] = stub;
                self.moves_for(*l);
                self.jump(*l);
            } else {
                let n = self.ctrls.len() - 1 - *l as usize;
                self.target(n, Fixup::Table(ti, e));
            }
        }
        self.unreachable();
    }

    // ---- Block structure ----

    fn control(&mut self, i: &Instr) {
        use Instr::*;
        match i {
            Nop => {}
            Block(bt) | Loop(bt) => {
                let (p, r) = self.cx.block(*bt);
                self.materialize_all();
                let kind = if matches!(i, Block(_)) {
                    Kind::Block
                } else {
                    Kind::Loop
                };
                self.push_ctrl(kind, p, r);
            }
            If { ty, .. } => {
                let (p, r) = self.cx.block(*ty);
                // The condition is read where it is; the rest of the stack
                // goes to its slots first, so that the jump skips nothing.
                let cond_at = self.stack.len() - 1;
                for h in 0..cond_at {
                    self.materialize(h);
                }
                let (_, skip) = self.condition();
                let k = self.emit(skip);
                self.push_ctrl(Kind::If, p, r);
                self.ctrls.last_mut().expect("pushed").if_jump = Some(k);
            }
            Else { .. } => {
                let c = self.ctrls.last().expect("an if");
                let (height, params, results) = (c.height, c.params, c.results);
                if self.reachable {
                    self.materialize_top(results as usize);
                    let k = self.emit(Op::Br { to: 0 });
                    self.ctrls
                        .last_mut()
                        .expect("an if")
                        .fixups
                        .push(Fixup::Op(k));
                }
                let c = self.ctrls.last_mut().expect("an if");
                c.kind = Kind::Else;
                let jump = c.if_jump.take();
                self.reachable = c.live;
                if let Some(k) = jump {
                    let here = self.pc();
                    self.patch(Fixup::Op(k), here);
                }
                self.reset_to(height + params);
            }
            End => self.end(),
            TryTable(tt) => {
                let (p, r) = self.cx.block(tt.ty);
                self.materialize_all();
                let h = self.code.handlers.len();
                // The clauses' labels are outside the try_table.
                let mut catches = Vec::with_capacity(tt.catches.len());
                let mut fixups = Vec::new();
                for (k, c) in tt.catches.iter().enumerate() {
                    let l = self.label(c.label);
                    let target = Target {
                        pc: l.start,
                        height: self.locals + l.height,
                        arity: l.arity(),
                    };
                    catches.push((c.kind, target));
                    if l.kind != Kind::Loop {
                        fixups.push((self.ctrls.len() - 1 - c.label as usize, Fixup::Catch(h, k)));
                    }
                }
                self.code.handlers.push(Handler {
                    start: 0,
                    end: 0,
                    catches,
                    kind: HandlerKind::TryTable,
                });
                for (n, fx) in fixups {
                    self.ctrls[n].fixups.push(fx);
                }
                self.push_ctrl(Kind::TryTable, p, r);
                let start = self.pc();
                self.code.handlers[h].start = start;
                self.ctrls.last_mut().expect("pushed").handler = Some(h);
            }
            Try(bt) => {
                let (p, r) = self.cx.block(*bt);
                self.materialize_all();
                let level = self
                    .ctrls
                    .iter()
                    .filter(|c| matches!(c.kind, Kind::Try | Kind::Catch))
                    .count() as u32;
                let exn_local = self.locals - self.hidden + level;
                let h = self.code.handlers.len();
                self.code.handlers.push(Handler {
                    start: 0,
                    end: 0,
                    catches: Vec::new(),
                    kind: HandlerKind::Legacy { exn_local },
                });
                self.push_ctrl(Kind::Try, p, r);
                let start = self.pc();
                self.code.handlers[h].start = start;
                let c = self.ctrls.last_mut().expect("pushed");
                c.handler = Some(h);
                c.exn_local = Some(exn_local);
            }
            Catch { .. } | CatchAll { .. } => {
                let tag = if let Catch { tag, .. } = i {
                    Some(*tag)
                } else {
                    None
                };
                let c = self.ctrls.last().expect("a try");
                let (height, results, kind) = (c.height, c.results, c.kind);
                let h = c.handler.expect("a try has a handler");
                if self.reachable {
                    self.materialize_top(results as usize);
                    let k = self.emit(Op::Br { to: 0 });
                    self.ctrls
                        .last_mut()
                        .expect("a try")
                        .fixups
                        .push(Fixup::Op(k));
                }
                let here = self.pc();
                if kind == Kind::Try {
                    self.code.handlers[h].end = here;
                }
                let (clause, passes) = match tag {
                    Some(x) => (
                        CatchKind::Catch(x),
                        self.cx.ty(self.cx.tags[x as usize]).params.len() as u32,
                    ),
                    None => (CatchKind::CatchAll, 0),
                };
                self.code.handlers[h].catches.push((
                    clause,
                    Target {
                        pc: here,
                        height: self.locals + height,
                        arity: passes,
                    },
                ));
                let c = self.ctrls.last_mut().expect("a try");
                c.kind = Kind::Catch;
                c.caught_all = tag.is_none();
                self.reachable = c.live;
                self.reset_to(height);
                self.stack.resize((height + passes) as usize, Opd::Temp);
            }
            Delegate(l) => {
                let c = self.ctrls.last().expect("a try");
                let h = c.handler.expect("a try has a handler");
                let here = self.pc();
                // Outside the try: label `l` counts from its parent.
                let b = &self.ctrls[self.ctrls.len() - 2 - *l as usize];
                let resume_at = match b.kind {
                    Kind::Func => None,
                    // Inside the body of a try: its own handlers still apply.
                    Kind::Try | Kind::TryTable => Some(b.marker + 1),
                    _ => Some(b.marker),
                };
                self.code.handlers[h].end = here;
                self.code.handlers[h].kind = HandlerKind::Delegate { resume_at };
                self.end();
            }
            other => unreachable!("not a block instruction: {other:?}"),
        }
    }

    /// Drops operands down to height `n`: what a block boundary leaves,
    /// all in their slots.
    fn reset_to(&mut self, n: u32) {
        while self.stack.len() > n as usize {
            self.pop();
        }
        self.stack.resize(n as usize, Opd::Temp);
    }

    /// The `end` of the innermost block (or the function).
    fn end(&mut self) {
        let results = self.ctrls.last().expect("a block").results;
        if self.reachable {
            self.materialize_top(results as usize);
        }
        let c = self.ctrls.pop().expect("a block");
        let here = self.pc();
        if let Some(k) = c.if_jump {
            // An `if` without `else`: a false condition comes here.
            self.patch(Fixup::Op(k), here);
        }
        if let Some(h) = c.handler
            && matches!(c.kind, Kind::TryTable | Kind::Try)
        {
            self.code.handlers[h].end = here;
        }
        for fx in &c.fixups {
            self.patch(*fx, here);
        }
        if c.kind == Kind::Func {
            // Falling through or branching to the function's label, the
            // results are in the first operand slots.
            if self.reachable || !c.fixups.is_empty() {
                let at = self.locals;
                self.emit(Op::Return { at, n: results });
            }
            return;
        }
        // Reachable after the end if the block's start was (a branch to the
        // end, or falling through, gets here).
        self.reachable = c.live;
        self.reset_to(c.height);
        self.stack.resize((c.height + results) as usize, Opd::Temp);
    }

    /// An instruction in unreachable code: only the block structure counts.
    fn dead(&mut self, i: &Instr) {
        use Instr::*;
        match i {
            Block(bt) | Loop(bt) | Try(bt) => {
                let (p, r) = self.cx.block(*bt);
                self.dead_block(p, r);
            }
            If { ty, .. } => {
                let (p, r) = self.cx.block(*ty);
                self.dead_block(p, r);
            }
            TryTable(tt) => {
                let (p, r) = self.cx.block(tt.ty);
                self.dead_block(p, r);
            }
            Else { .. } | End => self.control(i),
            // A `try` entered in unreachable code has no handler: its
            // clauses stay unreachable, and `delegate` just ends it.
            Catch { .. } | CatchAll { .. } | Delegate(_)
                if self.ctrls.last().is_some_and(|c| !c.live) =>
            {
                if matches!(i, Delegate(_)) {
                    self.end();
                }
            }
            Catch { .. } | CatchAll { .. } | Delegate(_) => self.control(i),
            _ => {}
        }
    }

    /// A block that starts in unreachable code: never reachable.
    fn dead_block(&mut self, params: u32, results: u32) {
        // Its stack model is never used; keep the heights consistent.
        let height = self.stack.len() as u32;
        self.stack.resize((height + params) as usize, Opd::Temp);
        self.push_ctrl(Kind::Block, params, results);
    }
}

/// Makes instruction `op`, which computed a value into a stack slot, write
/// it into local `x` instead, if it is one that can.
fn retarget(op: &mut Op, x: Reg) -> bool {
    match op {
        Op::Un { d, .. }
        | Op::Bin { d, .. }
        | Op::BinImm32 { d, .. }
        | Op::Load { d, .. }
        | Op::SimdUn { d, .. }
        | Op::SimdBin { d, .. }
        | Op::LoadV128 { d, .. }
        | Op::GlobalGet { d, .. } => {
            *d = x;
            true
        }
        _ => false,
    }
}
