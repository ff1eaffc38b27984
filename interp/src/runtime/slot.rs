//! Conversions between API values and the executor's untyped 64-bit slots
//! (decision D2): integers as two's complement, floats as IEEE bits,
//! references as 0 for null and address + 1 otherwise.

use crate::api::{ExnAddr, ExternAddr, FuncAddr, Value};
use crate::syntax::{HeapType, ValType};

/// A value as stored on the operand stack, in globals and in tables.
pub type Slot = u64;

/// The slot of a value.
pub fn from_value(v: Value) -> Slot {
    match v {
        Value::I32(x) => x as u32 as u64,
        Value::I64(x) => x as u64,
        Value::F32(b) => b as u64,
        Value::F64(b) => b,
        Value::FuncRef(None) | Value::ExternRef(None) | Value::ExnRef(None) => 0,
        Value::FuncRef(Some(FuncAddr(a)))
        | Value::ExternRef(Some(ExternAddr(a)))
        | Value::ExnRef(Some(ExnAddr(a))) => a as u64 + 1,
    }
}

/// The value of a slot, read at type `t`.
pub fn to_value(s: Slot, t: ValType) -> Value {
    match t {
        ValType::I32 => Value::I32(s as u32 as i32),
        ValType::I64 => Value::I64(s as i64),
        ValType::F32 => Value::F32(s as u32),
        ValType::F64 => Value::F64(s),
        ValType::V128 => unreachable!("v128 values are not executed yet"),
        ValType::Ref(r) => {
            let a = if s == 0 { None } else { Some((s - 1) as u32) };
            match r.heap {
                HeapType::Extern | HeapType::NoExtern => Value::ExternRef(a.map(ExternAddr)),
                HeapType::Exn | HeapType::NoExn => Value::ExnRef(a.map(ExnAddr)),
                _ => Value::FuncRef(a.map(FuncAddr)),
            }
        }
    }
}
