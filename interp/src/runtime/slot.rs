//! Conversions between API values and the executor's untyped 128-bit slots
//! (decision D2): integers as two's complement, floats as IEEE bits, `v128`
//! as its 16 bytes read little-endian, references as 0 for null and
//! address + 1 otherwise. Every value but a `v128` uses the low 64 bits.

use crate::api::{ExnAddr, ExternAddr, FuncAddr, Value};
use crate::syntax::{HeapType, ValType};

/// A value as stored on the operand stack, in globals and in tables.
pub type Slot = u128;

/// The slot of a value.
pub fn from_value(v: Value) -> Slot {
    match v {
        Value::I32(x) => x as u32 as Slot,
        Value::I64(x) => x as u64 as Slot,
        Value::F32(b) => b as Slot,
        Value::F64(b) => b as Slot,
        Value::V128(b) => b,
        Value::FuncRef(None) | Value::ExternRef(None) | Value::ExnRef(None) => 0,
        Value::FuncRef(Some(FuncAddr(a)))
        | Value::ExternRef(Some(ExternAddr(a)))
        | Value::ExnRef(Some(ExnAddr(a))) => a as Slot + 1,
    }
}

/// The value of a slot, read at type `t`.
pub fn to_value(s: Slot, t: ValType) -> Value {
    match t {
        ValType::I32 => Value::I32(s as u32 as i32),
        ValType::I64 => Value::I64(s as i64),
        ValType::F32 => Value::F32(s as u32),
        ValType::F64 => Value::F64(s as u64),
        ValType::V128 => Value::V128(s),
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
