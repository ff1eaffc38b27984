//! `cargo bench --bench decode`: the memory and time that decoding and
//! validating a large function body take, per instruction, so that the
//! decoder's and validator's memory stays a small constant per instruction
//! (the validated syntax and the executable copy: two 24-byte `Instr`s).
//!
//! Each body is decoded and validated (`Module::new`) in a child process of
//! its own, which reports its peak resident memory over what it held before
//! the call (the module's bytes already made).

use bench::status_kib;
use interp::{Features, Module};
use std::process::Command;
use std::time::Instant;

/// An unsigned LEB128 integer.
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

/// A module with one function `[] -> []` of this body (its final `end`
/// included) and these local declarations.
fn module(locals: &[u8], body: &[u8]) -> Vec<u8> {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    m.extend_from_slice(&[1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0]);
    let mut code = locals.to_vec();
    code.extend_from_slice(body);
    let mut entry = Vec::new();
    leb(code.len() as u64, &mut entry);
    entry.extend_from_slice(&code);
    let mut section = vec![1];
    section.extend_from_slice(&entry);
    m.push(10);
    leb(section.len() as u64, &mut m);
    m.extend_from_slice(&section);
    m
}

/// The bodies measured: (name, module bytes, instructions in the body).
fn case(name: &str) -> (Vec<u8>, u64) {
    match name {
        "nops" => {
            let n = 10_000_000u64;
            let mut body = vec![0x01; n as usize];
            body.push(0x0b);
            (module(&[0], &body), n + 1)
        }
        "nested blocks" => {
            let n = 500_000usize;
            let mut body = [0x02, 0x40].repeat(n);
            body.extend(std::iter::repeat_n(0x0b, n + 1));
            (module(&[0], &body), 2 * n as u64 + 1)
        }
        "local arithmetic" => {
            // local.get 0; i32.const 1; i32.add; local.set 0, repeated.
            let n = 2_000_000usize;
            let mut body = [0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00].repeat(n);
            body.push(0x0b);
            (module(&[1, 1, 0x7f], &body), 4 * n as u64 + 1)
        }
        other => panic!("no case {other}"),
    }
}

const CASES: [&str; 3] = ["nops", "nested blocks", "local arithmetic"];

/// In the child (`DECODE_BENCH_CASE=name`): decodes and validates the case
/// and prints `MEASURE instructions bytes start_kib peak_kib ms`.
fn child(name: &str) {
    let (bytes, instrs) = case(name);
    let start = status_kib("VmRSS:");
    let t = Instant::now();
    let m = Module::new(&bytes, &Features::default()).expect("the case is valid");
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    let peak = status_kib("VmHWM:");
    drop(m);
    println!("MEASURE {instrs} {} {start} {peak} {ms:.0}", bytes.len());
}

fn main() {
    if let Ok(name) = std::env::var("DECODE_BENCH_CASE") {
        child(&name);
        return;
    }
    println!(
        "{:<18} {:>12} {:>10} {:>12} {:>14} {:>12}",
        "body", "instructions", "ms", "peak MiB", "bytes/instr", "bytes/byte"
    );
    for name in CASES {
        let out = Command::new(std::env::current_exe().expect("this program"))
            .env("DECODE_BENCH_CASE", name)
            .output()
            .expect("the child runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let Some(line) = text.lines().find_map(|l| l.strip_prefix("MEASURE ")) else {
            println!(
                "{name:<18} did not finish: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            continue;
        };
        let v: Vec<f64> = line.split(' ').map(|x| x.parse().unwrap_or(0.0)).collect();
        let (instrs, input, start, peak, ms) = (v[0], v[1], v[2], v[3], v[4]);
        let used = (peak - start).max(0.0) * 1024.0;
        println!(
            "{name:<18} {instrs:>12} {ms:>10} {:>12.0} {:>14.1} {:>12.1}",
            used / (1 << 20) as f64,
            used / instrs,
            used / input
        );
    }
}
