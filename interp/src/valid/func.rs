//! Function bodies (spec 3.3 and the appendix "Validation Algorithm"): an
//! operand stack of value types, where `None` is the algorithm's `Unknown`
//! (a value in unreachable code), and a control stack of frames.
//!
//! While checking, this pass writes the executor's side table into the
//! instructions (decision D1): every frame remembers the branches that target
//! it, and when its `end` is reached (or, for a `loop`, at once) their
//! [`Target`]s are filled in; `if` and `else` get their jump positions; the
//! final `end` becomes `return`; and the greatest operand height is kept in
//! [`Func::max_height`].

use super::canon::Types;
use super::{Context, addr_val, invalid};
use crate::Error;
use crate::syntax::text::result_type;
use crate::syntax::*;

/// An operand type; `None` is `Unknown` (spec appendix).
type Opd = Option<ValType>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Func,
    Block,
    TryTable,
    /// A legacy `try` body.
    Try,
    /// A legacy `catch` or `catch_all` body.
    Catch,
    Loop,
    If,
    Else,
}

/// Where a branch's target must be written once its label's position is known.
#[derive(Clone, Copy)]
enum Fixup {
    /// `Br`/`BrIf` at this pc.
    Branch(usize),
    /// Entry `k` of the `BrTable` at this pc.
    TableEntry(usize, usize),
    /// Clause `k` of handler `h`.
    Catch(usize, usize),
}

/// A control frame (spec appendix `ctrl_frame`).
struct Frame {
    kind: Kind,
    params: Vec<ValType>,
    results: Vec<ValType>,
    /// Operand stack height below the block's parameters.
    height: usize,
    unreachable: bool,
    /// pc of the `block`/`loop`/`if` instruction (or 0 for the function).
    start: usize,
    /// pc of the `else`, once seen.
    else_pc: Option<usize>,
    /// Branches to this frame's label whose target is not yet known.
    fixups: Vec<Fixup>,
    /// For a `try_table` or legacy `try`: its entry in the handler table.
    handler: Option<usize>,
    /// For a legacy `try`: the `catch`/`catch_all` instructions, whose
    /// `end_pc` is known at the `end`.
    jumps: Vec<usize>,
    /// For a legacy `try`: the hidden local its catches store the exception in.
    exn_local: Option<u32>,
    /// Whether a `catch_all` was seen.
    caught_all: bool,
    /// `inits` length when the frame was entered.
    init_height: usize,
}

impl Frame {
    /// The label's types: a loop's parameters, otherwise the results.
    fn label_types(&self) -> &[ValType] {
        if self.kind == Kind::Loop {
            &self.params
        } else {
            &self.results
        }
    }
}

struct Checker<'c, 'm> {
    c: &'c Context<'m>,
    /// Local types as runs: (first index after the run, type), params first.
    locals: Vec<(u64, ValType)>,
    num_locals: u32,
    vals: Vec<Opd>,
    ctrls: Vec<Frame>,
    max_height: usize,
    results: Vec<ValType>,
    handlers: Vec<Handler>,
    /// Hidden locals (for legacy `catch`), the last of `num_locals`.
    hidden: u32,
    /// Ranges of locals whose type has no default value (spec 3.4.1).
    nondefault: Vec<(u64, u64)>,
    /// Those of them set so far on the current path (spec appendix `inits`).
    initialized: std::collections::HashSet<u32>,
    /// The order they were set in, so a frame's end can forget its own.
    inits: Vec<u32>,
    /// The operand stack's height before each instruction (`Func::heights`).
    heights: Vec<u32>,
}

/// Validates one function body (spec 3.4.1) and annotates it.
pub(crate) fn check(c: &Context<'_>, func: &mut Func) -> Result<(), Error> {
    let ty = c.ty(func.type_idx)?.clone();
    let mut locals = Vec::new();
    let mut n: u64 = 0;
    for p in &ty.params {
        n += 1;
        locals.push((n, *p));
    }
    let mut nondefault: Vec<(u64, u64)> = Vec::new();
    for (count, t) in &func.locals {
        c.val_type(*t)?;
        if *count == 0 {
            continue;
        }
        if !defaultable(*t) {
            // spec 3.4.1: allowed with typed references, but every
            // `local.get` must come after a `local.set`/`local.tee`.
            if !c.features.function_references {
                return Err(invalid("uninitialized local: non-defaultable local type"));
            }
            nondefault.push((n, n + *count as u64));
        }
        n += *count as u64;
        locals.push((n, *t));
    }
    // Legacy `catch` blocks keep their exception in hidden locals after the
    // declared ones, one per level of `try` nesting.
    let declared = n;
    let hidden = legacy_try_depth(&func.body);
    n += hidden as u64;
    if n > u32::MAX as u64 {
        return Err(invalid("too many locals"));
    }
    let mut k = Checker {
        c,
        locals,
        num_locals: n as u32,
        vals: Vec::new(),
        ctrls: Vec::new(),
        max_height: 0,
        results: ty.results.clone(),
        handlers: Vec::new(),
        hidden,
        nondefault,
        initialized: std::collections::HashSet::new(),
        inits: Vec::new(),
        heights: Vec::with_capacity(func.body.len()),
    };
    k.walk(&mut func.body, &ty.results)?;
    func.max_height = u32::try_from(k.max_height).map_err(|_| invalid("operand stack too high"))?;
    func.heights = k.heights;
    func.handlers = k.handlers;
    func.hidden_locals = hidden;
    let _ = declared;
    Ok(())
}

/// Checks an expression outside any function (a constant expression, spec
/// 3.3.10): no locals, and `results` on the stack at its `end`.
pub(crate) fn check_expr(
    c: &Context<'_>,
    body: &mut [Instr],
    results: &[ValType],
) -> Result<(), Error> {
    let mut k = Checker {
        c,
        locals: Vec::new(),
        num_locals: 0,
        vals: Vec::new(),
        ctrls: Vec::new(),
        max_height: 0,
        results: results.to_vec(),
        handlers: Vec::new(),
        hidden: 0,
        nondefault: Vec::new(),
        initialized: std::collections::HashSet::new(),
        inits: Vec::new(),
        heights: Vec::new(),
    };
    k.walk(body, results)
}

/// The reference interpreter's wording (`valid/valid.ml`): what the
/// instruction requires, and what the stack has, in the text format.
fn type_mismatch(want: impl std::fmt::Display, got: impl std::fmt::Display) -> Error {
    invalid(format!(
        "type mismatch: instruction requires {want} but stack has {got}"
    ))
}

/// One type as a result type, `[t]`.
fn one(t: impl std::fmt::Display) -> String {
    format!("[{t}]")
}

/// Whether a value type has a default value (spec 3.2.x "Defaultable
/// types"): numbers, vectors and nullable references.
pub(crate) fn defaultable(t: ValType) -> bool {
    !matches!(t, ValType::Ref(r) if !r.nullable)
}

impl Checker<'_, '_> {
    /// Validates a whole body ending with its `end`, whose label and
    /// results are `results`.
    fn walk(&mut self, body: &mut [Instr], results: &[ValType]) -> Result<(), Error> {
        self.push_ctrl(Kind::Func, Vec::new(), results.to_vec(), 0);
        for pc in 0..body.len() {
            if self.ctrls.is_empty() {
                return Err(invalid(
                    "unexpected instructions after the end of the function",
                ));
            }
            // Heights fit in u32: max_height is checked to, at the end.
            self.heights.push(self.vals.len() as u32);
            self.instr(body, pc)?;
        }
        if !self.ctrls.is_empty() {
            return Err(invalid("function body does not end"));
        }
        Ok(())
    }

    // ---- The operand and control stacks (spec appendix) ----

    fn push(&mut self, t: Opd) {
        self.vals.push(t);
        self.max_height = self.max_height.max(self.vals.len());
    }

    fn push_all(&mut self, ts: &[ValType]) {
        for t in ts {
            self.push(Some(*t));
        }
    }

    fn pop(&mut self) -> Result<Opd, Error> {
        let f = self
            .ctrls
            .last()
            .expect("a frame is open while instructions remain");
        if self.vals.len() == f.height {
            if f.unreachable {
                return Ok(None);
            }
            return Err(invalid("type mismatch: operand stack underflow"));
        }
        Ok(self.vals.pop().expect("height checked above"))
    }

    fn pop_expect(&mut self, want: ValType) -> Result<Opd, Error> {
        let got = self.pop().map_err(|_| type_mismatch(one(want), "[]"))?;
        match got {
            Some(t) if !self.c.val_subtype(t, want) => Err(type_mismatch(one(want), one(t))),
            _ => Ok(got.or(Some(want))),
        }
    }

    fn pop_all(&mut self, ts: &[ValType]) -> Result<(), Error> {
        for t in ts.iter().rev() {
            self.pop_expect(*t)?;
        }
        Ok(())
    }

    /// The heap type of the operand on top, if it is a known reference
    /// (`None` for an unknown one, as the spec appendix's `bot`).
    fn peek_heap(&self) -> Option<HeapType> {
        let height = self.ctrls.last().map_or(0, |f| f.height);
        if self.vals.len() <= height {
            return None;
        }
        match self.vals.last() {
            Some(Some(ValType::Ref(r))) => Some(r.heap),
            Some(Some(_)) => Some(HeapType::Bot),
            _ => None,
        }
    }

    /// Pops a reference (spec appendix `pop_ref`): an unknown operand is
    /// `(ref bot)`, below every reference type and no other type.
    fn pop_ref(&mut self) -> Result<RefType, Error> {
        match self.pop()? {
            Some(ValType::Ref(r)) => Ok(r),
            None => Ok(RefType {
                nullable: false,
                heap: HeapType::Bot,
            }),
            Some(t) => Err(type_mismatch("reference type", t)),
        }
    }

    fn push_ctrl(&mut self, kind: Kind, params: Vec<ValType>, results: Vec<ValType>, start: usize) {
        let height = self.vals.len();
        self.ctrls.push(Frame {
            kind,
            params: params.clone(),
            results,
            height,
            unreachable: false,
            start,
            else_pc: None,
            fixups: Vec::new(),
            handler: None,
            jumps: Vec::new(),
            exn_local: None,
            caught_all: false,
            init_height: self.inits.len(),
        });
        self.push_all(&params);
    }

    fn pop_ctrl(&mut self) -> Result<Frame, Error> {
        let f = self
            .ctrls
            .last()
            .expect("a frame is open while instructions remain");
        let results = f.results.clone();
        let height = f.height;
        self.pop_all(&results)?;
        if self.vals.len() != height {
            return Err(invalid(
                "type mismatch: values remain at the end of a block",
            ));
        }
        let f = self.ctrls.pop().expect("checked above");
        // Locals set inside the block are not known to be set after it.
        for x in self.inits.drain(f.init_height..) {
            self.initialized.remove(&x);
        }
        Ok(f)
    }

    fn unreachable(&mut self) {
        let f = self
            .ctrls
            .last_mut()
            .expect("a frame is open while instructions remain");
        self.vals.truncate(f.height);
        f.unreachable = true;
    }

    fn label(&self, l: LabelIdx) -> Result<&Frame, Error> {
        let n = self.ctrls.len();
        if (l as usize) >= n {
            return Err(invalid(format!("unknown label {l}")));
        }
        Ok(&self.ctrls[n - 1 - l as usize])
    }

    /// Records a branch from `fixup` to label `l`: the target is written now
    /// for a loop, or when the block ends.
    fn branch_to(&mut self, l: LabelIdx, body: &mut [Instr], fixup: Fixup) -> Result<(), Error> {
        let num_locals = self.num_locals;
        let n = self.ctrls.len();
        let f = &mut self.ctrls[n - 1 - l as usize];
        if f.kind == Kind::Loop {
            let target = Target {
                pc: (f.start + 1) as u32,
                height: num_locals + f.height as u32,
                arity: f.params.len() as u32,
            };
            write_target(body, &mut self.handlers, fixup, target);
        } else {
            f.fixups.push(fixup);
        }
        Ok(())
    }

    fn is_nondefault(&self, x: LocalIdx) -> bool {
        self.nondefault
            .iter()
            .any(|(a, b)| *a <= x as u64 && (x as u64) < *b)
    }

    fn set_local(&mut self, x: LocalIdx) {
        if self.is_nondefault(x) && self.initialized.insert(x) {
            self.inits.push(x);
        }
    }

    fn local(&self, x: LocalIdx) -> Result<ValType, Error> {
        let i = self.locals.partition_point(|(end, _)| *end <= x as u64);
        self.locals
            .get(i)
            .map(|(_, t)| *t)
            .ok_or_else(|| invalid(format!("unknown local {x}")))
    }

    fn block_type(&self, bt: BlockType) -> Result<(Vec<ValType>, Vec<ValType>), Error> {
        Ok(match bt {
            BlockType::Empty => (vec![], vec![]),
            BlockType::Value(t) => {
                self.c.val_type(t)?;
                (vec![], vec![t])
            }
            BlockType::Func(x) => {
                let t = self.c.ty(x)?;
                (t.params.clone(), t.results.clone())
            }
        })
    }

    fn mem_access(&mut self, a: &MemArg, natural: u32) -> Result<ValType, Error> {
        let m = self.c.mem(a.mem)?;
        // The alignment is checked first, as the reference interpreter does.
        if a.align > natural {
            return Err(invalid("alignment must not be larger than natural"));
        }
        // spec 3.3.7: the static offset fits the memory's address type.
        if m.addr == AddrType::I32 && a.offset > u32::MAX as u64 {
            return Err(invalid("offset out of range"));
        }
        Ok(addr_val(m.addr))
    }

    /// An atomic access of `bytes` bytes (threads proposal overview
    /// "Alignment"): the alignment must be exactly the natural one. The
    /// address type, as for other accesses.
    fn atomic_access(&mut self, a: &MemArg, bytes: u8) -> Result<ValType, Error> {
        let m = self.c.mem(a.mem)?;
        if a.align != bytes.trailing_zeros() {
            return Err(invalid("atomic alignment must be natural"));
        }
        if m.addr == AddrType::I32 && a.offset > u32::MAX as u64 {
            return Err(invalid("offset out of range"));
        }
        Ok(addr_val(m.addr))
    }

    fn load(&mut self, a: &MemArg, natural: u32, t: ValType) -> Result<(), Error> {
        let at = self.mem_access(a, natural)?;
        self.pop_expect(at)?;
        self.push(Some(t));
        Ok(())
    }

    fn store(&mut self, a: &MemArg, natural: u32, t: ValType) -> Result<(), Error> {
        let at = self.mem_access(a, natural)?;
        self.pop_expect(t)?;
        self.pop_expect(at)?;
        Ok(())
    }

    fn op(&mut self, ins: &[ValType], out: Option<ValType>) -> Result<(), Error> {
        self.pop_all(ins)?;
        if let Some(t) = out {
            self.push(Some(t));
        }
        Ok(())
    }

    /// An instruction of type `ins -> outs`.
    fn op_multi(&mut self, ins: &[ValType], outs: &[ValType]) -> Result<(), Error> {
        self.pop_all(ins)?;
        self.push_all(outs);
        Ok(())
    }

    /// A tail call to a function of type `t` (spec 3.3.8 `return_call`): its
    /// results must be the current function's; nothing follows it.
    fn tail_call(&mut self, t: &FuncType) -> Result<(), Error> {
        let ok = t.results.len() == self.results.len()
            && t.results
                .iter()
                .zip(&self.results)
                .all(|(a, b)| self.c.val_subtype(*a, *b));
        if !ok {
            return Err(invalid(format!(
                "type mismatch: current function requires result type {} but callee returns {}",
                result_type(&self.results),
                result_type(&t.results)
            )));
        }
        self.pop_all(&t.params)?;
        self.unreachable();
        Ok(())
    }

    /// Validates the instruction at `pc` (spec 3.3), annotating it.
    fn instr(&mut self, body: &mut [Instr], pc: usize) -> Result<(), Error> {
        use Instr::*;
        use ValType::{F32, F64, I32, I64, V128};
        let c = self.c;
        match &body[pc] {
            Unreachable => self.unreachable(),
            Nop => {}
            Block(bt) | Loop(bt) => {
                let kind = if matches!(body[pc], Block(_)) {
                    Kind::Block
                } else {
                    Kind::Loop
                };
                let (ps, rs) = self.block_type(*bt)?;
                self.pop_all(&ps)?;
                self.push_ctrl(kind, ps, rs, pc);
            }
            If { ty, .. } => {
                let (ps, rs) = self.block_type(*ty)?;
                self.pop_expect(I32)?;
                self.pop_all(&ps)?;
                self.push_ctrl(Kind::If, ps, rs, pc);
            }
            Else { .. } => {
                if self.ctrls.last().map(|f| f.kind) != Some(Kind::If) {
                    return Err(invalid("else without if"));
                }
                let mut f = self.pop_ctrl()?;
                // The false branch starts right after the `else`.
                if let If { else_pc, .. } = &mut body[f.start] {
                    *else_pc = (pc + 1) as u32;
                }
                f.else_pc = Some(pc);
                let Frame {
                    params,
                    results,
                    start,
                    fixups,
                    ..
                } = f;
                self.push_ctrl(Kind::Else, params, results, start);
                let top = self.ctrls.last_mut().expect("just pushed");
                top.fixups = fixups;
                top.else_pc = Some(pc);
            }
            End => {
                let f = self.pop_ctrl()?;
                if f.kind == Kind::If && f.params != f.results {
                    return Err(invalid(
                        "type mismatch: if without else must not change the stack",
                    ));
                }
                if let Some(h) = f.handler
                    && f.kind != Kind::Catch
                {
                    self.handlers[h].end = pc as u32;
                }
                for &j in &f.jumps {
                    match &mut body[j] {
                        Catch { end_pc, .. } | CatchAll { end_pc } => *end_pc = (pc + 1) as u32,
                        other => unreachable!("a catch jump points at a catch, not {other:?}"),
                    }
                }
                let after = if f.kind == Kind::Func { pc } else { pc + 1 };
                match f.kind {
                    Kind::If => {
                        // No else: a false condition goes to the `end`.
                        if let If { else_pc, .. } = &mut body[f.start] {
                            *else_pc = pc as u32;
                        }
                    }
                    Kind::Else => {
                        let e = f.else_pc.expect("an else frame knows its else");
                        body[e] = Else {
                            end_pc: (pc + 1) as u32,
                        };
                    }
                    _ => {}
                }
                let target = Target {
                    pc: after as u32,
                    height: self.num_locals + f.height as u32,
                    arity: f.label_types().len() as u32,
                };
                for fx in &f.fixups {
                    write_target(body, &mut self.handlers, *fx, target);
                }
                if f.kind == Kind::Func {
                    body[pc] = Return;
                } else {
                    self.push_all(&f.results);
                }
            }
            Br { label, .. } => {
                let l = *label;
                let ts = self.label(l)?.label_types().to_vec();
                self.pop_all(&ts)?;
                self.branch_to(l, body, Fixup::Branch(pc))?;
                self.unreachable();
            }
            BrIf { label, .. } => {
                let l = *label;
                let ts = self.label(l)?.label_types().to_vec();
                self.pop_expect(I32)?;
                self.pop_all(&ts)?;
                self.push_all(&ts);
                self.branch_to(l, body, Fixup::Branch(pc))?;
            }
            BrTable(t) => {
                let (labels, default) = (t.labels.clone(), t.default);
                self.pop_expect(I32)?;
                let arity = self.label(default)?.label_types().len();
                for (k, l) in labels.iter().chain(std::iter::once(&default)).enumerate() {
                    let ts = self.label(*l)?.label_types().to_vec();
                    if ts.len() != arity {
                        return Err(invalid("type mismatch: br_table labels of different arity"));
                    }
                    // 1.0 (spec 1.0 3.3.5): every label has the default's types.
                    if c.features.br_table_equal_labels
                        && ts[..] != *self.label(default)?.label_types()
                    {
                        return Err(invalid("type mismatch: br_table labels of different types"));
                    }
                    // Check the operands against this label without consuming them.
                    let saved = self.vals.clone();
                    self.pop_all(&ts)?;
                    self.vals = saved;
                    let _ = k;
                }
                if let BrTable(t) = &mut body[pc] {
                    t.targets = vec![Target::UNRESOLVED; labels.len() + 1];
                }
                for (k, l) in labels.iter().chain(std::iter::once(&default)).enumerate() {
                    self.branch_to(*l, body, Fixup::TableEntry(pc, k))?;
                }
                let ts = self.label(default)?.label_types().to_vec();
                self.pop_all(&ts)?;
                self.unreachable();
            }
            Return => {
                let rs = self.results.clone();
                self.pop_all(&rs)?;
                self.unreachable();
            }
            Call(x) => {
                let t = c.func_type(*x)?.clone();
                self.op(&t.params, None)?;
                self.push_all(&t.results);
            }
            Try(bt) => {
                let (ps, rs) = self.block_type(*bt)?;
                self.pop_all(&ps)?;
                // The hidden local of this nesting level of legacy `try`s.
                let level = self
                    .ctrls
                    .iter()
                    .filter(|f| matches!(f.kind, Kind::Try | Kind::Catch))
                    .count() as u32;
                let exn_local = self.num_locals - self.hidden + level;
                let h = self.handlers.len();
                self.handlers.push(Handler {
                    start: pc as u32 + 1,
                    end: 0,
                    catches: Vec::new(),
                    kind: HandlerKind::Legacy { exn_local },
                });
                self.push_ctrl(Kind::Try, ps, rs, pc);
                let top = self.ctrls.last_mut().expect("just pushed");
                top.handler = Some(h);
                top.exn_local = Some(exn_local);
            }
            Catch { .. } | CatchAll { .. } => {
                let tag = if let Catch { tag, .. } = &body[pc] {
                    Some(*tag)
                } else {
                    None
                };
                let kind = self.ctrls.last().map(|f| (f.kind, f.caught_all));
                if !matches!(kind, Some((Kind::Try | Kind::Catch, false))) {
                    return Err(invalid("catch without try"));
                }
                let f = self.pop_ctrl()?;
                let h = f.handler.expect("a try has a handler entry");
                if f.kind == Kind::Try {
                    self.handlers[h].end = pc as u32;
                }
                let (clause, passes) = match tag {
                    Some(x) => (CatchKind::Catch(x), c.tag(x)?.params.clone()),
                    None => (CatchKind::CatchAll, Vec::new()),
                };
                let target = Target {
                    pc: pc as u32 + 1,
                    height: self.num_locals + f.height as u32,
                    arity: passes.len() as u32,
                };
                self.handlers[h].catches.push((clause, target));
                let Frame {
                    results,
                    start,
                    fixups,
                    mut jumps,
                    exn_local,
                    ..
                } = f;
                jumps.push(pc);
                // A catch body starts from the clause's values, not the block's
                // parameters (which only a loop's label or an `if` uses).
                self.push_ctrl(Kind::Catch, Vec::new(), results, start);
                let top = self.ctrls.last_mut().expect("just pushed");
                top.fixups = fixups;
                top.handler = Some(h);
                top.jumps = jumps;
                top.exn_local = exn_local;
                top.caught_all = tag.is_none();
                self.push_all(&passes);
            }
            Delegate(l) => {
                if self.ctrls.last().map(|f| f.kind) != Some(Kind::Try) {
                    return Err(invalid("delegate without try"));
                }
                let f = self.pop_ctrl()?;
                let h = f.handler.expect("a try has a handler entry");
                // spec (legacy exceptions) `delegate l`: l counts the labels
                // outside the `try`.
                let b = self.label(*l)?;
                let resume_at = match b.kind {
                    Kind::Func => None,
                    // Inside the body of a try: its own handlers still apply.
                    Kind::Try | Kind::TryTable => Some(b.start as u32 + 1),
                    _ => Some(b.start as u32),
                };
                self.handlers[h].end = pc as u32;
                self.handlers[h].kind = HandlerKind::Delegate { resume_at };
                let target = Target {
                    pc: pc as u32 + 1,
                    height: self.num_locals + f.height as u32,
                    arity: f.results.len() as u32,
                };
                for fx in &f.fixups {
                    write_target(body, &mut self.handlers, *fx, target);
                }
                self.push_all(&f.results);
            }
            Rethrow { label, .. } => {
                let l = *label;
                let f = self.label(l)?;
                let Some(local) = f.exn_local.filter(|_| f.kind == Kind::Catch) else {
                    return Err(invalid("invalid rethrow label"));
                };
                body[pc] = Rethrow { label: l, local };
                self.unreachable();
            }
            Throw(x) => {
                let t = c.tag(*x)?.clone();
                self.pop_all(&t.params)?;
                self.unreachable();
            }
            ThrowRef => {
                self.pop_expect(ValType::Ref(RefType::EXNREF))?;
                self.unreachable();
            }
            TryTable(tt) => {
                let (ty, catches) = (tt.ty, tt.catches.clone());
                let (ps, rs) = self.block_type(ty)?;
                // spec 3.3.8 `try_table`: each clause's label, in the context
                // outside the block, takes what the clause passes.
                let h = self.handlers.len();
                self.handlers.push(Handler {
                    start: pc as u32 + 1,
                    end: 0,
                    catches: Vec::new(),
                    kind: HandlerKind::TryTable,
                });
                for (k, catch) in catches.iter().enumerate() {
                    let mut passes = match catch.kind {
                        CatchKind::Catch(x) | CatchKind::CatchRef(x) => c.tag(x)?.params.clone(),
                        CatchKind::CatchAll | CatchKind::CatchAllRef => Vec::new(),
                    };
                    if matches!(catch.kind, CatchKind::CatchRef(_) | CatchKind::CatchAllRef) {
                        passes.push(ValType::Ref(RefType {
                            nullable: false,
                            heap: HeapType::Exn,
                        }));
                    }
                    let label = self.label(catch.label)?.label_types().to_vec();
                    let fits = label.len() == passes.len()
                        && passes
                            .iter()
                            .zip(&label)
                            .all(|(a, b)| self.c.val_subtype(*a, *b));
                    if !fits {
                        return Err(type_mismatch(result_type(&label), result_type(&passes)));
                    }
                    self.handlers[h]
                        .catches
                        .push((catch.kind, Target::UNRESOLVED));
                    self.branch_to(catch.label, body, Fixup::Catch(h, k))?;
                }
                self.pop_all(&ps)?;
                self.push_ctrl(Kind::TryTable, ps, rs, pc);
                self.ctrls.last_mut().expect("just pushed").handler = Some(h);
            }
            ReturnCall(x) => {
                let t = c.func_type(*x)?.clone();
                self.tail_call(&t)?;
            }
            CallIndirect { ty, table } | ReturnCallIndirect { ty, table } => {
                let tail = matches!(body[pc], ReturnCallIndirect { .. });
                let tt = c.table(*table)?;
                if !c.ref_subtype(tt.elem, RefType::FUNCREF) {
                    return Err(invalid(format!(
                        "type mismatch: instruction requires table of function type but table has {}",
                        tt.elem
                    )));
                }
                let t = c.ty(*ty)?.clone();
                self.pop_expect(addr_val(tt.addr))?;
                if tail {
                    self.tail_call(&t)?;
                } else {
                    self.op(&t.params, None)?;
                    self.push_all(&t.results);
                }
            }

            RefNull(h) => {
                let r = RefType {
                    nullable: true,
                    heap: *h,
                };
                c.ref_type(r)?;
                self.push(Some(ValType::Ref(r)));
            }
            RefIsNull => {
                self.pop_ref()?;
                self.push(Some(I32));
            }
            RefFunc(x) => {
                c.func_type(*x)?;
                if !c.refs.contains(x) {
                    return Err(invalid("undeclared function reference"));
                }
                // With typed references, `ref.func x` is `(ref $t)` for x's
                // type; with custom descriptors `(ref (exact $t))`, unless
                // the function is imported without `exact`.
                let t = if c.features.custom_descriptors && !c.inexact_funcs.contains(x) {
                    exact(c.funcs[*x as usize], false)
                } else if c.features.function_references {
                    concrete(c.funcs[*x as usize], false)
                } else {
                    ValType::FUNCREF
                };
                self.push(Some(t));
            }

            RefAsNonNull => {
                let r = self.pop_ref()?;
                self.push(Some(non_null(r)));
            }
            BrOnNull { label, .. } => {
                let l = *label;
                let r = self.pop_ref()?;
                let ts = self.label(l)?.label_types().to_vec();
                self.pop_all(&ts)?;
                self.push_all(&ts);
                self.branch_to(l, body, Fixup::Branch(pc))?;
                self.push(Some(non_null(r)));
            }
            BrOnNonNull { label, .. } => {
                let l = *label;
                let r = self.pop_ref()?;
                let mut ts = self.label(l)?.label_types().to_vec();
                // The label's last type takes the non-null reference.
                let Some(last) = ts.pop() else {
                    return Err(invalid(
                        "type mismatch: br_on_non_null needs a label with a reference type",
                    ));
                };
                if !last.is_ref() {
                    return Err(type_mismatch("reference type", last));
                }
                let nn = non_null(r);
                if !c.val_subtype(nn, last) {
                    return Err(type_mismatch(one(last), one(nn)));
                }
                self.pop_all(&ts)?;
                self.push_all(&ts);
                self.branch_to(l, body, Fixup::Branch(pc))?;
            }
            CallRef(x) | ReturnCallRef(x) => {
                let tail = matches!(body[pc], ReturnCallRef(_));
                let t = c.ty(*x)?.clone();
                self.pop_expect(ValType::Ref(RefType {
                    nullable: true,
                    heap: HeapType::Concrete(*x),
                }))?;
                if tail {
                    self.tail_call(&t)?;
                } else {
                    self.op(&t.params, None)?;
                    self.push_all(&t.results);
                }
            }
            Drop => {
                self.pop()?;
            }
            Select(None) => {
                self.pop_expect(I32)?;
                let t1 = self.pop()?;
                let t2 = self.pop()?;
                let numeric = |t: Opd| t.is_none_or(|t| t.is_num() || t == ValType::V128);
                if !numeric(t1) || !numeric(t2) {
                    return Err(invalid(
                        "type mismatch: select without a type needs numeric operands",
                    ));
                }
                match (t1, t2) {
                    (Some(a), Some(b)) if a != b => return Err(type_mismatch(one(a), one(b))),
                    _ => self.push(t1.or(t2)),
                }
            }
            SelectMulti(_) => return Err(invalid("invalid result arity")),
            Select(Some(t)) => {
                let t = *t;
                c.val_type(t)?;
                self.op(&[t, t, I32], Some(t))?;
            }

            LocalGet(x) => {
                let t = self.local(*x)?;
                if self.is_nondefault(*x) && !self.initialized.contains(x) {
                    return Err(invalid("uninitialized local"));
                }
                self.push(Some(t));
            }
            LocalSet(x) => {
                let t = self.local(*x)?;
                self.pop_expect(t)?;
                self.set_local(*x);
            }
            LocalTee(x) => {
                let t = self.local(*x)?;
                self.op(&[t], Some(t))?;
                self.set_local(*x);
            }
            GlobalGet(x) => {
                let g = c.global(*x)?;
                self.push(Some(g.val));
            }
            GlobalSet(x) => {
                let g = c.global(*x)?;
                if g.mutability != Mut::Var {
                    return Err(invalid("immutable global"));
                }
                self.pop_expect(g.val)?;
            }

            TableGet(x) => {
                let t = c.table(*x)?;
                self.op(&[addr_val(t.addr)], Some(ValType::Ref(t.elem)))?;
            }
            TableSet(x) => {
                let t = c.table(*x)?;
                self.op(&[addr_val(t.addr), ValType::Ref(t.elem)], None)?;
            }
            TableSize(x) => {
                let t = c.table(*x)?;
                self.push(Some(addr_val(t.addr)));
            }
            TableGrow(x) => {
                let t = c.table(*x)?;
                let a = addr_val(t.addr);
                self.op(&[ValType::Ref(t.elem), a], Some(a))?;
            }
            TableFill(x) => {
                let t = c.table(*x)?;
                let a = addr_val(t.addr);
                self.op(&[a, ValType::Ref(t.elem), a], None)?;
            }
            TableCopy { dst, src } => {
                let (d, s) = (c.table(*dst)?, c.table(*src)?);
                if !c.ref_subtype(s.elem, d.elem) {
                    return Err(type_mismatch(one(d.elem), one(s.elem)));
                }
                let (da, sa) = (addr_val(d.addr), addr_val(s.addr));
                let n = if da == ValType::I64 && sa == ValType::I64 {
                    I64
                } else {
                    I32
                };
                self.op(&[da, sa, n], None)?;
            }
            TableInit { table, elem } => {
                let t = c.table(*table)?;
                let e = c.elem(*elem)?;
                if !c.ref_subtype(e, t.elem) {
                    return Err(type_mismatch(one(t.elem), one(e)));
                }
                self.op(&[addr_val(t.addr), I32, I32], None)?;
            }
            ElemDrop(x) => {
                c.elem(*x)?;
            }

            I32Load(a) => self.load(a, 2, I32)?,
            I64Load(a) => self.load(a, 3, I64)?,
            F32Load(a) => self.load(a, 2, F32)?,
            F64Load(a) => self.load(a, 3, F64)?,
            I32Load8S(a) | I32Load8U(a) => self.load(a, 0, I32)?,
            I32Load16S(a) | I32Load16U(a) => self.load(a, 1, I32)?,
            I64Load8S(a) | I64Load8U(a) => self.load(a, 0, I64)?,
            I64Load16S(a) | I64Load16U(a) => self.load(a, 1, I64)?,
            I64Load32S(a) | I64Load32U(a) => self.load(a, 2, I64)?,
            I32Store(a) => self.store(a, 2, I32)?,
            I64Store(a) => self.store(a, 3, I64)?,
            F32Store(a) => self.store(a, 2, F32)?,
            F64Store(a) => self.store(a, 3, F64)?,
            I32Store8(a) => self.store(a, 0, I32)?,
            I32Store16(a) => self.store(a, 1, I32)?,
            I64Store8(a) => self.store(a, 0, I64)?,
            I64Store16(a) => self.store(a, 1, I64)?,
            I64Store32(a) => self.store(a, 2, I64)?,
            MemorySize(x) => {
                let m = c.mem(*x)?;
                self.push(Some(addr_val(m.addr)));
            }
            MemoryGrow(x) => {
                let a = addr_val(c.mem(*x)?.addr);
                self.op(&[a], Some(a))?;
            }
            MemoryFill(x) => {
                let a = addr_val(c.mem(*x)?.addr);
                self.op(&[a, I32, a], None)?;
            }
            MemoryCopy { dst, src } => {
                let (da, sa) = (addr_val(c.mem(*dst)?.addr), addr_val(c.mem(*src)?.addr));
                let n = if da == I64 && sa == I64 { I64 } else { I32 };
                self.op(&[da, sa, n], None)?;
            }
            MemoryInit { mem, data } => {
                let a = addr_val(c.mem(*mem)?.addr);
                c.data(*data)?;
                self.op(&[a, I32, I32], None)?;
            }
            DataDrop(x) => c.data(*x)?,

            // ---- Atomic memory instructions (threads proposal) ----
            Atomic(op, a) => {
                let at = self.atomic_access(a, op.access().bytes)?;
                let (ins, out) = op.types();
                self.pop_all(&ins)?;
                self.pop_expect(at)?;
                if let Some(t) = out {
                    self.push(Some(t));
                }
            }
            AtomicFence => {}

            // Wide arithmetic (proposal overview, "Validation").
            I64Add128 | I64Sub128 => self.op_multi(&[I64, I64, I64, I64], &[I64, I64])?,
            I64MulWideS | I64MulWideU => self.op_multi(&[I64, I64], &[I64, I64])?,

            I32Const(_) => self.push(Some(I32)),
            I64Const(_) => self.push(Some(I64)),
            F32Const(_) => self.push(Some(F32)),
            F64Const(_) => self.push(Some(F64)),

            // ---- Aggregate, cast and i31 instructions (spec 3.3.x, GC) ----
            RefEq => {
                let eq = ValType::Ref(RefType {
                    nullable: true,
                    heap: HeapType::Eq,
                });
                self.op(&[eq, eq], Some(I32))?;
            }
            RefTest(rt) | RefCast(rt) => {
                let rt = *rt;
                c.ref_type(rt)?;
                let top = ValType::Ref(RefType {
                    nullable: true,
                    heap: c.top(rt.heap),
                });
                let out = if matches!(body[pc], RefTest(_)) {
                    I32
                } else {
                    ValType::Ref(rt)
                };
                self.op(&[top], Some(out))?;
            }
            BrOnCast(b) => {
                let (fail, l, from, to) = (b.fail, b.label, b.from, b.to);
                c.ref_type(from)?;
                c.ref_type(to)?;
                // Custom descriptors relax the rule for every branching
                // cast: the two types need only share a hierarchy.
                if c.features.custom_descriptors {
                    if c.top(to.heap) != c.top(from.heap) {
                        return Err(invalid(format!(
                            "type mismatch on cast: type {} has a different top type than type {}",
                            from.heap, to.heap
                        )));
                    }
                } else if !c.ref_subtype(to, from) {
                    return Err(invalid(format!(
                        "type mismatch on cast: type {to} does not match {from}"
                    )));
                }
                // The label takes what the branch carries: the cast value
                // (`br_on_cast`) or what is left of the operand's type.
                let (branched, stays) = if fail {
                    (diff_ref(from, to), to)
                } else {
                    (to, diff_ref(from, to))
                };
                let mut ts = self.label(l)?.label_types().to_vec();
                match ts.pop() {
                    Some(last) if c.val_subtype(ValType::Ref(branched), last) => {}
                    _ => {
                        return Err(invalid(format!(
                            "type mismatch: instruction requires type {branched} but label has {}",
                            result_type(self.label(l)?.label_types())
                        )));
                    }
                }
                if b.desc {
                    let desc = c.desc_cast_operand(to)?;
                    self.pop_expect(desc)?;
                }
                self.pop_expect(ValType::Ref(from))?;
                self.pop_all(&ts)?;
                self.push_all(&ts);
                self.branch_to(l, body, Fixup::Branch(pc))?;
                self.push(Some(ValType::Ref(stays)));
            }
            StructNew(x) | StructNewDefault(x) | StructNewDesc(x) | StructNewDefaultDesc(x) => {
                let x = *x;
                let fields = c.struct_ty(x)?;
                let explicit = matches!(body[pc], StructNew(_) | StructNewDesc(_));
                if !explicit && !fields.iter().all(|f| defaultable(f.storage.unpacked())) {
                    return Err(invalid("field type is not defaultable"));
                }
                // Custom descriptors: a type with a descriptor is allocated
                // with one (an exact reference to it, on top), and only so.
                let with_desc = matches!(body[pc], StructNewDesc(_) | StructNewDefaultDesc(_));
                match (c.sub(x)?.descriptor, with_desc) {
                    (Some(_), false) => {
                        return Err(invalid(
                            "type with descriptor requires descriptor allocation",
                        ));
                    }
                    (None, true) => {
                        return Err(invalid(
                            "type without descriptor requires non-descriptor allocation",
                        ));
                    }
                    (Some(y), true) => {
                        self.pop_expect(exact(y, true))?;
                    }
                    (None, false) => {}
                }
                if explicit {
                    let ts: Vec<ValType> = fields.iter().map(|f| f.storage.unpacked()).collect();
                    self.pop_all(&ts)?;
                }
                self.push(Some(c.allocated(x)));
            }
            RefGetDesc(x) => {
                let x = *x;
                let Some(y) = c.sub(x)?.descriptor else {
                    return Err(invalid(format!("type without descriptor {x}")));
                };
                // The descriptor's type is exact when the operand's is.
                let exact_in = self
                    .peek_heap()
                    .is_none_or(|h| c.heap_sub(h, HeapType::Exact(x)));
                let (t_in, t_out) = if exact_in {
                    (exact(x, true), exact(y, false))
                } else {
                    (concrete(x, true), concrete(y, false))
                };
                self.op(&[t_in], Some(t_out))?;
            }
            RefCastDescEq(rt) => {
                let rt = *rt;
                c.ref_type(rt)?;
                let desc = c.desc_cast_operand(rt)?;
                let top = ValType::Ref(RefType {
                    nullable: true,
                    heap: c.top(rt.heap),
                });
                self.op(&[top, desc], Some(ValType::Ref(rt)))?;
            }
            StructGet { ty, field, pack } => {
                let (x, i) = (*ty, *field);
                let ft = field_of(c.struct_ty(x)?, i)?;
                let pack = read_pack(ft.storage, *pack, "field")?;
                self.op(&[concrete(x, true)], Some(ft.storage.unpacked()))?;
                if let StructGet { pack: p, .. } = &mut body[pc] {
                    *p = pack;
                }
            }
            StructSet { ty, field, .. } => {
                let (x, i) = (*ty, *field);
                let ft = field_of(c.struct_ty(x)?, i)?;
                if ft.mutability != Mut::Var {
                    return Err(invalid("immutable field"));
                }
                self.op(&[concrete(x, true), ft.storage.unpacked()], None)?;
                if let StructSet { pack, .. } = &mut body[pc] {
                    *pack = write_pack(ft.storage);
                }
            }
            ArrayNew(x) | ArrayNewDefault(x) => {
                let x = *x;
                let ft = c.array_ty(x)?;
                let t = ft.storage.unpacked();
                if matches!(body[pc], ArrayNew(_)) {
                    self.op(&[t, I32], None)?;
                } else if !defaultable(t) {
                    return Err(invalid("array type is not defaultable"));
                } else {
                    self.op(&[I32], None)?;
                }
                self.push(Some(c.allocated(x)));
            }
            ArrayNewFixed { ty, n } => {
                let (x, n) = (*ty, *n);
                let t = c.array_ty(x)?.storage.unpacked();
                // At most as many pops as there are operands: past them, an
                // unreachable frame supplies unknowns (or it is a mismatch).
                let mut left = n;
                while left > 0 && self.vals.len() > self.ctrls.last().map_or(0, |f| f.height) {
                    self.pop_expect(t)?;
                    left -= 1;
                }
                if left > 0 {
                    self.pop_expect(t)?;
                }
                self.push(Some(c.allocated(x)));
            }
            ArrayNewData { ty, data } => {
                let x = *ty;
                let t = c.array_ty(x)?.storage.unpacked();
                c.data(*data)?;
                if t.is_ref() {
                    return Err(invalid("array type is not numeric or vector"));
                }
                self.op(&[I32, I32], Some(c.allocated(x)))?;
            }
            ArrayNewElem { ty, elem } => {
                let x = *ty;
                let ft = c.array_ty(x)?;
                let e = c.elem(*elem)?;
                if !c.val_subtype(ValType::Ref(e), ft.storage.unpacked()) {
                    return Err(invalid(format!(
                        "type mismatch: element segment's type {e} does not match array's field type {ft}"
                    )));
                }
                self.op(&[I32, I32], Some(c.allocated(x)))?;
            }
            ArrayGet { ty, pack } => {
                let x = *ty;
                let ft = c.array_ty(x)?;
                let pack = read_pack(ft.storage, *pack, "array")?;
                self.op(&[concrete(x, true), I32], Some(ft.storage.unpacked()))?;
                if let ArrayGet { pack: p, .. } = &mut body[pc] {
                    *p = pack;
                }
            }
            ArraySet(x) => {
                let ft = mutable_array(c, *x)?;
                self.op(&[concrete(*x, true), I32, ft.storage.unpacked()], None)?;
            }
            ArrayLen => {
                let array = ValType::Ref(RefType {
                    nullable: true,
                    heap: HeapType::Array,
                });
                self.op(&[array], Some(I32))?;
            }
            ArrayFill(x) => {
                let ft = mutable_array(c, *x)?;
                self.op(&[concrete(*x, true), I32, ft.storage.unpacked(), I32], None)?;
            }
            ArrayCopy { dst, src } => {
                let (d, s) = (*dst, *src);
                let fd = mutable_array(c, d)?;
                let fs = c.array_ty(s)?;
                let storage_ok = match (fs.storage, fd.storage) {
                    (StorageType::Val(a), StorageType::Val(b)) => c.val_subtype(a, b),
                    (a, b) => a == b,
                };
                if !storage_ok {
                    return Err(invalid("array types do not match"));
                }
                self.op(&[concrete(d, true), I32, concrete(s, true), I32, I32], None)?;
            }
            ArrayInitData { ty, data } => {
                let x = *ty;
                let ft = mutable_array(c, x)?;
                c.data(*data)?;
                if ft.storage.unpacked().is_ref() {
                    return Err(invalid("array type is not numeric or vector"));
                }
                self.op(&[concrete(x, true), I32, I32, I32], None)?;
            }
            ArrayInitElem { ty, elem } => {
                let x = *ty;
                let ft = mutable_array(c, x)?;
                let e = c.elem(*elem)?;
                if !c.val_subtype(ValType::Ref(e), ft.storage.unpacked()) {
                    return Err(invalid(format!(
                        "type mismatch: element segment's type {e} does not match array's field type {ft}"
                    )));
                }
                self.op(&[concrete(x, true), I32, I32, I32], None)?;
            }
            RefI31 => {
                let i31 = ValType::Ref(RefType {
                    nullable: false,
                    heap: HeapType::I31,
                });
                self.op(&[I32], Some(i31))?;
            }
            I31GetS | I31GetU => {
                let i31 = ValType::Ref(RefType {
                    nullable: true,
                    heap: HeapType::I31,
                });
                self.op(&[i31], Some(I32))?;
            }
            AnyConvertExtern | ExternConvertAny => {
                let (from, to) = if matches!(body[pc], AnyConvertExtern) {
                    (HeapType::Extern, HeapType::Any)
                } else {
                    (HeapType::Any, HeapType::Extern)
                };
                // The result is nullable exactly when the operand is.
                let r = self.pop_ref()?;
                let want = RefType {
                    nullable: true,
                    heap: from,
                };
                if !c.ref_subtype(r, want) {
                    return Err(type_mismatch(one(want), one(r)));
                }
                self.push(Some(ValType::Ref(RefType {
                    nullable: r.nullable,
                    heap: to,
                })));
            }

            // ---- Vector instructions (spec 3.3.1, 3.3.7) ----
            V128Const(_) => self.push(Some(V128)),
            V128Load(k, a) => self.load(a, k.bytes().trailing_zeros(), V128)?,
            V128Store(a) => self.store(a, 4, V128)?,
            V128LoadLane { bits, lane, arg } | V128StoreLane { bits, lane, arg } => {
                // The lane index is below the lane count of a `bits`-wide shape.
                if u32::from(*lane) >= 128 / u32::from(*bits) {
                    return Err(invalid("invalid lane index"));
                }
                let at = self.mem_access(arg, (u32::from(*bits) / 8).trailing_zeros())?;
                self.pop_expect(V128)?;
                self.pop_expect(at)?;
                if matches!(body[pc], V128LoadLane { .. }) {
                    self.push(Some(V128));
                }
            }
            I8x16Shuffle(lanes) => {
                if lanes.iter().any(|&l| l >= 32) {
                    return Err(invalid("invalid lane index"));
                }
                self.op(&[V128, V128], Some(V128))?;
            }
            ExtractLane(e) => {
                if e.lane >= e.shape.lanes() {
                    return Err(invalid("invalid lane index"));
                }
                self.op(&[V128], Some(e.shape.scalar()))?;
            }
            ReplaceLane(shape, lane) => {
                if *lane >= shape.lanes() {
                    return Err(invalid("invalid lane index"));
                }
                self.op(&[V128, shape.scalar()], Some(V128))?;
            }
            Simd(op) => {
                let (ins, out) = op.sig().types();
                self.op(ins, Some(out))?;
            }

            other => match numeric_type(other) {
                Some((ins, out)) => self.op(ins, Some(out))?,
                // Every instruction has its rule above or in `numeric_type`.
                None => {
                    return Err(invalid(format!(
                        "not an instruction of the binary format: {other:?}"
                    )));
                }
            },
        }
        Ok(())
    }
}

/// `(ref null? x)` for a concrete type index.
fn concrete(x: TypeIdx, nullable: bool) -> ValType {
    ValType::Ref(RefType {
        nullable,
        heap: HeapType::Concrete(x),
    })
}

/// `(ref null? (exact x))` (custom descriptors).
fn exact(x: TypeIdx, nullable: bool) -> ValType {
    ValType::Ref(RefType {
        nullable,
        heap: HeapType::Exact(x),
    })
}

impl Context<'_> {
    /// The type of a new structure or array of type `x`: `(ref (exact x))`
    /// with custom descriptors (overview "Exact Types"), else `(ref x)`.
    fn allocated(&self, x: TypeIdx) -> ValType {
        if self.features.custom_descriptors {
            exact(x, false)
        } else {
            concrete(x, false)
        }
    }

    /// The descriptor operand of a cast to `rt` by descriptor
    /// (`ref.cast_desc_eq`, `br_on_cast_desc_eq[_fail]`): a nullable
    /// reference to the descriptor of `rt`'s type, exact when `rt` is.
    fn desc_cast_operand(&self, rt: RefType) -> Result<ValType, Error> {
        let no_desc = || invalid(format!("type {} does not have a descriptor", rt.heap));
        let x = rt.heap.concrete().ok_or_else(no_desc)?;
        let y = self.sub(x)?.descriptor.ok_or_else(no_desc)?;
        Ok(match rt.heap {
            HeapType::Exact(_) => exact(y, true),
            _ => concrete(y, true),
        })
    }
}

/// Field `i` of a structure type.
fn field_of(fields: &[FieldType], i: u32) -> Result<FieldType, Error> {
    fields
        .get(i as usize)
        .copied()
        .ok_or_else(|| invalid(format!("unknown field {i}")))
}

/// The element type of array type `x`, which must be mutable.
fn mutable_array(c: &Context<'_>, x: TypeIdx) -> Result<FieldType, Error> {
    let ft = c.array_ty(x)?;
    if ft.mutability != Mut::Var {
        return Err(invalid("immutable array"));
    }
    Ok(ft)
}

/// How a `struct.get`/`array.get` reads a field of storage type `st`
/// (spec 3.3.x): `_s`/`_u` exactly for packed fields; the result says the
/// packed width too.
fn read_pack(st: StorageType, p: Pack, what: &str) -> Result<Pack, Error> {
    match (st, p) {
        (StorageType::Val(_), Pack::Full) => Ok(Pack::Full),
        (StorageType::Val(_), _) => Err(invalid(format!("{what} is unpacked"))),
        (StorageType::Packed(_), Pack::Full) => Err(invalid(format!("{what} is packed"))),
        (StorageType::Packed(PackedType::I8), Pack::Signed) => Ok(Pack::I8S),
        (StorageType::Packed(PackedType::I8), _) => Ok(Pack::I8U),
        (StorageType::Packed(PackedType::I16), Pack::Signed) => Ok(Pack::I16S),
        (StorageType::Packed(PackedType::I16), _) => Ok(Pack::I16U),
    }
}

/// How `struct.set` writes a field of storage type `st`.
fn write_pack(st: StorageType) -> Pack {
    match st {
        StorageType::Val(_) => Pack::Full,
        StorageType::Packed(PackedType::I8) => Pack::I8,
        StorageType::Packed(PackedType::I16) => Pack::I16,
    }
}

/// The non-null version of a reference type.
fn non_null(r: RefType) -> ValType {
    ValType::Ref(RefType {
        nullable: false,
        ..r
    })
}

/// `rt1 \ rt2` (spec 3.3.x, `br_on_cast`): what is left of type `a` once
/// the values of type `b` are taken out: non-null if `b` takes the null.
fn diff_ref(a: RefType, b: RefType) -> RefType {
    RefType {
        nullable: a.nullable && !b.nullable,
        ..a
    }
}

/// The greatest number of legacy `try`s open at once in a body.
fn legacy_try_depth(body: &[Instr]) -> u32 {
    let (mut open, mut tries, mut max) = (Vec::new(), 0u32, 0u32);
    for i in body {
        match i {
            Instr::Block(_) | Instr::Loop(_) | Instr::If { .. } | Instr::TryTable(_) => {
                open.push(false)
            }
            Instr::Try(_) => {
                open.push(true);
                tries += 1;
                max = max.max(tries);
            }
            Instr::End | Instr::Delegate(_) if open.pop() == Some(true) => {
                tries -= 1;
            }
            _ => {}
        }
    }
    max
}

/// Writes a resolved target into a branch instruction.
fn write_target(body: &mut [Instr], handlers: &mut [Handler], fixup: Fixup, target: Target) {
    match fixup {
        Fixup::Catch(h, k) => handlers[h].catches[k].1 = target,
        Fixup::Branch(pc) => match &mut body[pc] {
            Instr::Br { target: t, .. }
            | Instr::BrIf { target: t, .. }
            | Instr::BrOnNull { target: t, .. }
            | Instr::BrOnNonNull { target: t, .. } => *t = target,
            Instr::BrOnCast(b) => b.target = target,
            other => unreachable!("a branch fixup points at a branch, not {other:?}"),
        },
        Fixup::TableEntry(pc, k) => match &mut body[pc] {
            Instr::BrTable(t) => t.targets[k] = target,
            other => unreachable!("a table fixup points at br_table, not {other:?}"),
        },
    }
}

/// The operand and result types of a numeric instruction (spec 3.3.1).
fn numeric_type(i: &Instr) -> Option<(&'static [ValType], ValType)> {
    use Instr::*;
    use ValType::{F32, F64, I32, I64};
    const I32_1: &[ValType] = &[I32];
    const I32_2: &[ValType] = &[I32, I32];
    const I64_1: &[ValType] = &[I64];
    const I64_2: &[ValType] = &[I64, I64];
    const F32_1: &[ValType] = &[F32];
    const F32_2: &[ValType] = &[F32, F32];
    const F64_1: &[ValType] = &[F64];
    const F64_2: &[ValType] = &[F64, F64];
    Some(match i {
        I32Eqz => (I32_1, I32),
        I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS | I32GeU => {
            (I32_2, I32)
        }
        I64Eqz => (I64_1, I32),
        I64Eq | I64Ne | I64LtS | I64LtU | I64GtS | I64GtU | I64LeS | I64LeU | I64GeS | I64GeU => {
            (I64_2, I32)
        }
        F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge => (F32_2, I32),
        F64Eq | F64Ne | F64Lt | F64Gt | F64Le | F64Ge => (F64_2, I32),
        I32Clz | I32Ctz | I32Popcnt | I32Extend8S | I32Extend16S => (I32_1, I32),
        I32Add | I32Sub | I32Mul | I32DivS | I32DivU | I32RemS | I32RemU | I32And | I32Or
        | I32Xor | I32Shl | I32ShrS | I32ShrU | I32Rotl | I32Rotr => (I32_2, I32),
        I64Clz | I64Ctz | I64Popcnt | I64Extend8S | I64Extend16S | I64Extend32S => (I64_1, I64),
        I64Add | I64Sub | I64Mul | I64DivS | I64DivU | I64RemS | I64RemU | I64And | I64Or
        | I64Xor | I64Shl | I64ShrS | I64ShrU | I64Rotl | I64Rotr => (I64_2, I64),
        F32Abs | F32Neg | F32Ceil | F32Floor | F32Trunc | F32Nearest | F32Sqrt => (F32_1, F32),
        F32Add | F32Sub | F32Mul | F32Div | F32Min | F32Max | F32Copysign => (F32_2, F32),
        F64Abs | F64Neg | F64Ceil | F64Floor | F64Trunc | F64Nearest | F64Sqrt => (F64_1, F64),
        F64Add | F64Sub | F64Mul | F64Div | F64Min | F64Max | F64Copysign => (F64_2, F64),
        I32WrapI64 => (I64_1, I32),
        I32TruncF32S | I32TruncF32U | I32TruncSatF32S | I32TruncSatF32U | I32ReinterpretF32 => {
            (F32_1, I32)
        }
        I32TruncF64S | I32TruncF64U | I32TruncSatF64S | I32TruncSatF64U => (F64_1, I32),
        I64ExtendI32S | I64ExtendI32U => (I32_1, I64),
        I64TruncF32S | I64TruncF32U | I64TruncSatF32S | I64TruncSatF32U => (F32_1, I64),
        I64TruncF64S | I64TruncF64U | I64TruncSatF64S | I64TruncSatF64U | I64ReinterpretF64 => {
            (F64_1, I64)
        }
        F32ConvertI32S | F32ConvertI32U | F32ReinterpretI32 => (I32_1, F32),
        F32ConvertI64S | F32ConvertI64U => (I64_1, F32),
        F32DemoteF64 => (F64_1, F32),
        F64ConvertI32S | F64ConvertI32U => (I32_1, F64),
        F64ConvertI64S | F64ConvertI64U | F64ReinterpretI64 => (I64_1, F64),
        F64PromoteF32 => (F32_1, F64),
        _ => return None,
    })
}
