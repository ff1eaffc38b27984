//! Type sections at the scale a hostile or generated module can reach: a
//! subtype chain 100,000 deep, a recursive group of 100,000 types, a
//! structure of 100,000 fields. Each decodes, validates, instantiates and
//! runs a cast (bounded time and memory: the chain is climbed by jump
//! pointers, never one type at a time), or is refused with a message;
//! nothing panics. The binaries are written by hand (the text format would
//! be slow to parse at this size).

use interp::*;

fn leb(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// A non-negative type index as the `s33` of a heap type.
fn s33(n: u64, out: &mut Vec<u8>) {
    let mut n = n as i64;
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if (n == 0 && b & 0x40 == 0) || (n == -1 && b & 0x40 != 0) {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn section(id: u8, body: &[u8], out: &mut Vec<u8>) {
    out.push(id);
    leb(body.len() as u64, out);
    out.extend_from_slice(body);
}

/// A module of `types` (the type section's body after its count, `count`
/// entries) and one function `run: [] -> [i32]` of type index `func_type`
/// with body `code` (without `end`).
fn module(count: u64, types: &[u8], func_type: u32, code: &[u8]) -> Vec<u8> {
    let mut out = b"\0asm\x01\0\0\0".to_vec();
    let mut t = Vec::new();
    leb(count, &mut t);
    t.extend_from_slice(types);
    section(1, &t, &mut out);
    let mut f = vec![1];
    leb(func_type as u64, &mut f);
    section(3, &f, &mut out);
    section(7, b"\x01\x03run\x00\x00", &mut out);
    let mut body = vec![0]; // no locals
    body.extend_from_slice(code);
    body.push(0x0b);
    let mut c = vec![1];
    leb(body.len() as u64, &mut c);
    c.extend_from_slice(&body);
    section(10, &c, &mut out);
    out
}

fn run(bytes: &[u8]) -> Vec<Value> {
    let m = Module::new(bytes, &Features::default()).expect("valid");
    let mut store = Store::new(Config::default());
    let inst = store.instantiate(&m, &[]).expect("instantiates");
    let Some(ExternVal::Func(f)) = store.export(inst, "run") else {
        panic!("no run")
    };
    match store.invoke(f, &[]).expect("call") {
        Exit::Returned(vs) => vs,
        other => panic!("{other:?}"),
    }
}

const N: u64 = 100_000;

#[test]
fn a_subtype_chain_100000_deep() {
    // Type 0: (sub (struct)); type i: (sub i-1 (struct)); then the
    // function type [] -> [i32]. `run` tests the deepest type's structure
    // against the top of the chain, and against a middle type.
    let mut types = vec![0x50, 0x00, 0x5f, 0x00];
    for i in 1..N {
        types.extend([0x50, 0x01]);
        leb(i - 1, &mut types);
        types.extend([0x5f, 0x00]);
    }
    types.extend([0x60, 0x00, 0x01, 0x7f]);
    let mut code = vec![0xfb, 0x01];
    leb(N - 1, &mut code); // struct.new_default $deepest
    code.extend([0xfb, 0x14, 0x00]); // ref.test (ref 0)
    code.extend([0xfb, 0x01]);
    leb(N - 1, &mut code);
    code.extend([0xfb, 0x14]);
    s33(N / 2, &mut code); // ref.test (ref N/2)
    code.push(0x6a); // i32.add
    let bytes = module(N + 1, &types, N as u32, &code);
    assert_eq!(run(&bytes), [Value::I32(2)]);
}

#[test]
fn a_rec_group_of_100000_types() {
    // (rec (type (struct (field (ref null 1)))) ... (type (struct (field
    // (ref null 0))))): each refers to the next, the last to the first.
    let mut types = vec![0x4e];
    leb(N, &mut types);
    for i in 0..N {
        types.extend([0x5f, 0x01, 0x63]);
        s33((i + 1) % N, &mut types);
        types.push(0x00);
    }
    types.extend([0x60, 0x00, 0x01, 0x7f]);
    // struct.new_default 0, ref.test (ref 0)
    let code = [0xfb, 0x01, 0x00, 0xfb, 0x14, 0x00];
    let bytes = module(2, &types, N as u32, &code);
    assert_eq!(run(&bytes), [Value::I32(1)]);
}

#[test]
fn a_structure_of_100000_fields() {
    let mut types = vec![0x5f];
    leb(N, &mut types);
    for _ in 0..N {
        types.extend([0x7f, 0x01]); // (mut i32)
    }
    types.extend([0x60, 0x00, 0x01, 0x7f]);
    // (struct.get 0 (N-1) (struct.new_default 0))
    let mut code = vec![0xfb, 0x01, 0x00, 0xfb, 0x02, 0x00];
    leb(N - 1, &mut code);
    let bytes = module(2, &types, 1, &code);
    assert_eq!(run(&bytes), [Value::I32(0)]);
}

#[test]
fn a_forward_supertype_is_refused_not_a_panic() {
    // (rec (type (sub 1 (struct))) (type (sub (struct)))): a supertype
    // later in its own group.
    let types = [
        0x4e, 0x02, 0x50, 0x01, 0x01, 0x5f, 0x00, 0x50, 0x00, 0x5f, 0x00, 0x60, 0x00, 0x01, 0x7f,
    ];
    let bytes = module(2, &types, 2, &[0x41, 0x00]);
    match Module::new(&bytes, &Features::default()) {
        Err(Error::Invalid(m)) => assert!(m.contains("forward use of type 1"), "{m}"),
        other => panic!("{other:?}"),
    }
}
