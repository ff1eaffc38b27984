//! Constant expressions (spec 3.3.10): the instructions allowed in global
//! initialisers and segment offsets, and their type.

use super::{Context, invalid};
use crate::Error;
use crate::syntax::*;

/// Checks that `e` is constant and produces exactly one value of type `want`.
/// `visible_globals` is how many globals `global.get` may read: in 2.0 only
/// imported ones (and they must be immutable).
pub(crate) fn check(
    c: &Context<'_>,
    e: &ConstExpr,
    want: ValType,
    visible_globals: usize,
) -> Result<(), Error> {
    let mut stack: Vec<ValType> = Vec::new();
    let body = match e.0.split_last() {
        Some((Instr::End, body)) => body,
        _ => return Err(invalid("constant expression required")),
    };
    for i in body {
        let t = match i {
            Instr::I32Const(_) => ValType::I32,
            Instr::I64Const(_) => ValType::I64,
            Instr::F32Const(_) => ValType::F32,
            Instr::F64Const(_) => ValType::F64,
            Instr::V128Const(_) => ValType::V128,
            Instr::RefNull(h) => {
                let r = RefType {
                    nullable: true,
                    heap: *h,
                };
                c.ref_type(r)?;
                ValType::Ref(r)
            }
            Instr::RefFunc(x) => {
                c.func_type(*x)?;
                let heap = if c.features.function_references {
                    HeapType::Concrete(c.funcs[*x as usize])
                } else {
                    HeapType::Func
                };
                ValType::Ref(RefType {
                    nullable: false,
                    heap,
                })
            }
            Instr::GlobalGet(x) => {
                let limit =
                    if c.features.gc || c.features.function_references || c.features.extended_const
                    {
                        visible_globals
                    } else {
                        c.imported_globals
                    };
                if *x as usize >= limit.min(c.globals.len()) {
                    return Err(invalid(format!("unknown global {x}")));
                }
                let g = c.globals[*x as usize];
                if g.mutability == Mut::Var {
                    return Err(invalid("constant expression required"));
                }
                g.val
            }
            Instr::I32Add
            | Instr::I32Sub
            | Instr::I32Mul
            | Instr::I64Add
            | Instr::I64Sub
            | Instr::I64Mul
                if c.features.extended_const =>
            {
                let t = if matches!(i, Instr::I32Add | Instr::I32Sub | Instr::I32Mul) {
                    ValType::I32
                } else {
                    ValType::I64
                };
                for _ in 0..2 {
                    if stack.pop() != Some(t) {
                        return Err(invalid("type mismatch"));
                    }
                }
                t
            }
            _ => return Err(invalid("constant expression required")),
        };
        stack.push(t);
    }
    match stack[..] {
        [t] if c.val_subtype(t, want) => Ok(()),
        _ => Err(invalid("type mismatch")),
    }
}
