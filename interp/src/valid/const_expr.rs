//! Constant expressions (spec 3.3.10): the instructions allowed in global
//! initialisers, table initialisers and segments, and their type.

use super::{Context, func, invalid};
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
    let f = &c.features;
    if !matches!(e.0.last(), Some(Instr::End)) {
        return Err(invalid("constant expression required"));
    }
    for i in &e.0 {
        let constant = match i {
            Instr::I32Const(_)
            | Instr::I64Const(_)
            | Instr::F32Const(_)
            | Instr::F64Const(_)
            | Instr::V128Const(_)
            | Instr::RefNull(_)
            | Instr::RefFunc(_)
            | Instr::End => true,
            Instr::GlobalGet(x) => {
                let limit = if f.gc || f.function_references || f.extended_const {
                    visible_globals
                } else {
                    c.imported_globals
                };
                if *x as usize >= limit.min(c.globals.len()) {
                    return Err(invalid(format!("unknown global {x}")));
                }
                c.globals[*x as usize].mutability == Mut::Const
            }
            Instr::I32Add
            | Instr::I32Sub
            | Instr::I32Mul
            | Instr::I64Add
            | Instr::I64Sub
            | Instr::I64Mul => f.extended_const,
            // GC: allocation and conversions are constant.
            Instr::StructNew(_)
            | Instr::StructNewDefault(_)
            | Instr::ArrayNew(_)
            | Instr::ArrayNewDefault(_)
            | Instr::ArrayNewFixed { .. }
            | Instr::RefI31
            | Instr::AnyConvertExtern
            | Instr::ExternConvertAny => f.gc,
            Instr::StructNewDesc(_) | Instr::StructNewDefaultDesc(_) => f.custom_descriptors,
            _ => false,
        };
        if !constant {
            return Err(invalid("constant expression required"));
        }
    }
    // The types, by the rules of instructions (spec 3.3.10 `expr`).
    let mut body = e.0.clone();
    func::check_expr(c, &mut body, &[want])
}
