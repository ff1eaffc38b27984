//! Types written in the text format (spec 6.4: `i32`, `(ref null 3)`,
//! `(func (param i32) (result i64))`, `(memory i64 1 2)`, ...), for
//! `wasm-ref run --list` and for messages: a user reads the notation the
//! specification uses, never the interpreter's Rust names. Value types
//! print through `interp::syntax::text`; this adds the external types.

use interp::syntax::{
    AddrType, ExternType, FuncType, GlobalType, HeapType, Limits, MemType, Mut, RefType, TableType,
    ValType,
};

/// A heap type: `func`, `extern`, ..., or a type index.
pub fn heap_type(h: HeapType) -> String {
    h.to_string()
}

/// A reference type, in its short form where it has one (`funcref`).
pub fn ref_type(r: RefType) -> String {
    r.to_string()
}

/// A value type.
pub fn val_type(t: ValType) -> String {
    t.to_string()
}

/// The `(param ...) (result ...)` part of a function or tag type (empty
/// lists left out), with a leading space when not empty.
fn params_results(ft: &FuncType) -> String {
    let list = |kw: &str, ts: &[ValType]| {
        if ts.is_empty() {
            String::new()
        } else {
            let ts: Vec<String> = ts.iter().map(|t| val_type(*t)).collect();
            format!(" ({kw} {})", ts.join(" "))
        }
    };
    format!(
        "{}{}",
        list("param", &ft.params),
        list("result", &ft.results)
    )
}

/// A function type: `(func (param i32) (result i32))`.
pub fn func_type(ft: &FuncType) -> String {
    format!("(func{})", params_results(ft))
}

/// Limits: `1` or `1 2`, after the address type if it is `i64`.
fn limits(addr: AddrType, l: Limits) -> String {
    let a = match addr {
        AddrType::I32 => "",
        AddrType::I64 => "i64 ",
    };
    match l.max {
        Some(m) => format!("{a}{} {m}", l.min),
        None => format!("{a}{}", l.min),
    }
}

/// A table type: `(table 10 20 funcref)`.
pub fn table_type(t: TableType) -> String {
    format!("(table {} {})", limits(t.addr, t.limits), ref_type(t.elem))
}

/// A memory type: `(memory 1 2)`, `(memory i64 1 2 shared)`, `(memory 0
/// (pagesize 1))`.
pub fn mem_type(m: MemType) -> String {
    let shared = if m.shared { " shared" } else { "" };
    let page = match m.page_size() {
        Some(65536) => String::new(),
        Some(p) => format!(" (pagesize {p})"),
        None => format!(" (pagesize 2^{})", m.page_log2),
    };
    format!("(memory {}{shared}{page})", limits(m.addr, m.limits))
}

/// A global's type as written inside `(global ...)`: `i32` or `(mut i32)`.
pub fn global_val_type(g: GlobalType) -> String {
    match g.mutability {
        Mut::Const => val_type(g.val),
        Mut::Var => format!("(mut {})", val_type(g.val)),
    }
}

/// An external type: the type of an import or export.
pub fn extern_type(t: &ExternType) -> String {
    match t {
        ExternType::Func(ft) => func_type(ft),
        ExternType::Table(t) => table_type(*t),
        ExternType::Mem(m) => mem_type(*m),
        ExternType::Global(g) => format!("(global {})", global_val_type(*g)),
        ExternType::Tag(ft) => format!("(tag{})", params_results(ft)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_print_in_the_text_format() {
        let ft = FuncType::new([ValType::I32, ValType::FUNCREF], [ValType::F64]);
        assert_eq!(
            extern_type(&ExternType::Func(ft.clone())),
            "(func (param i32 funcref) (result f64))"
        );
        assert_eq!(
            extern_type(&ExternType::Tag(FuncType::new([ValType::I64], []))),
            "(tag (param i64))"
        );
        let concrete = ValType::Ref(RefType {
            nullable: false,
            heap: HeapType::Concrete(3),
        });
        assert_eq!(val_type(concrete), "(ref 3)");
        let global = GlobalType {
            mutability: Mut::Var,
            val: ValType::I32,
        };
        assert_eq!(
            extern_type(&ExternType::Global(global)),
            "(global (mut i32))"
        );
        let mem = MemType::new(
            AddrType::I64,
            Limits {
                min: 1,
                max: Some(2),
            },
        );
        assert_eq!(mem_type(mem), "(memory i64 1 2)");
        let small = MemType {
            page_log2: 0,
            shared: true,
            ..mem
        };
        assert_eq!(mem_type(small), "(memory i64 1 2 shared (pagesize 1))");
        let table = TableType {
            addr: AddrType::I32,
            limits: Limits { min: 10, max: None },
            elem: RefType::EXTERNREF,
        };
        assert_eq!(table_type(table), "(table 10 externref)");
    }
}
