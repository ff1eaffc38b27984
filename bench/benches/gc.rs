//! `cargo bench --bench gc`: allocation-heavy kernels in our interpreter
//! and, for scale, in V8 (headless Chromium) in the same run: time, and the
//! memory each needs.
//!
//! - binary trees: every tree of depth 4, 6, ..., D built and walked
//!   (the Benchmarks Game's shape), plus one long-lived tree;
//! - short-lived: 10 million iterations each allocating a structure and a
//!   small array and reading them back;
//! - cyclic graphs: a ring of 100,000 nodes, each also pointing at a node
//!   further on, built and dropped 20 times.
//!
//! Ours: each kernel in a fresh child process, printing the best of three
//! times, the heap's peak bytes (`Store::heap_peak_bytes`) and the process's
//! peak resident memory. V8: the same binary module in one page, best of
//! three; its memory is not measured (the page cannot see the process).

use bench::status_kib;
use std::process::Command;
use std::time::{Duration, Instant};

struct Kernel {
    name: &'static str,
    wat: &'static str,
    arg: i32,
    expect: i64,
}

const KERNELS: &[Kernel] = &[
    Kernel {
        name: "binary trees (depth 16)",
        wat: r#"(module
  (type $tree (struct (field $l (ref null $tree)) (field $r (ref null $tree))))
  (func $make (param $d i32) (result (ref $tree))
    (if (result (ref $tree)) (i32.eqz (local.get $d))
      (then (struct.new $tree (ref.null $tree) (ref.null $tree)))
      (else (struct.new $tree
        (call $make (i32.sub (local.get $d) (i32.const 1)))
        (call $make (i32.sub (local.get $d) (i32.const 1)))))))
  (func $check (param $t (ref null $tree)) (result i64)
    (if (result i64) (ref.is_null (struct.get $tree $l (local.get $t)))
      (then (i64.const 1))
      (else (i64.add (i64.const 1)
        (i64.add (call $check (struct.get $tree $l (local.get $t)))
                 (call $check (struct.get $tree $r (local.get $t))))))))
  (func (export "run") (param $max i32) (result i64)
    (local $long (ref null $tree)) (local $d i32) (local $n i32) (local $sum i64)
    (local.set $long (call $make (local.get $max)))
    (local.set $d (i32.const 4))
    (loop $depths
      ;; 2^(max - d + 4) trees of depth d
      (local.set $n (i32.shl (i32.const 1) (i32.add (i32.sub (local.get $max) (local.get $d)) (i32.const 4))))
      (loop $trees
        (local.set $sum (i64.add (local.get $sum) (call $check (call $make (local.get $d)))))
        (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $trees))
      (local.tee $d (i32.add (local.get $d) (i32.const 2)))
      (br_if $depths (i32.le_u (local.get $max))))
    (i64.add (local.get $sum) (call $check (local.get $long)))))"#,
        arg: 16,
        expect: 14_723_759,
    },
    Kernel {
        name: "short-lived structs and arrays (10M)",
        wat: r#"(module
  (type $point (struct (field $x i32) (field $y i32)))
  (type $vec (array (mut i32)))
  (func (export "run") (param $n i32) (result i64)
    (local $sum i64) (local $p (ref null $point)) (local $a (ref null $vec))
    (loop $l
      (local.set $p (struct.new $point (local.get $n) (i32.const 1)))
      (local.set $a (array.new $vec (local.get $n) (i32.const 4)))
      (array.set $vec (local.get $a) (i32.const 3) (struct.get $point $y (local.get $p)))
      (local.set $sum (i64.add (local.get $sum)
        (i64.extend_i32_u (i32.add (struct.get $point $x (local.get $p))
                                   (array.get $vec (local.get $a) (i32.const 3))))))
      (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l))
    (local.get $sum)))"#,
        arg: 10_000_000,
        expect: 50_000_015_000_000,
    },
    Kernel {
        name: "cyclic graphs (100k nodes x 20)",
        wat: r#"(module
  (type $node (struct (field $next (mut (ref null $node))) (field $far (mut (ref null $node))) (field $v i32)))
  (type $nodes (array (mut (ref null $node))))
  (func $ring (param $n i32) (result i64)
    (local $all (ref $nodes)) (local $i i32) (local $sum i64) (local $x (ref null $node))
    (local.set $all (array.new_default $nodes (local.get $n)))
    (loop $make
      (array.set $nodes (local.get $all) (local.get $i) (struct.new $node (ref.null $node) (ref.null $node) (local.get $i)))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $make (i32.lt_u (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $link
      (local.set $x (array.get $nodes (local.get $all) (local.get $i)))
      (struct.set $node $next (local.get $x)
        (array.get $nodes (local.get $all) (i32.rem_u (i32.add (local.get $i) (i32.const 1)) (local.get $n))))
      (struct.set $node $far (local.get $x)
        (array.get $nodes (local.get $all) (i32.rem_u (i32.add (local.get $i) (i32.const 997)) (local.get $n))))
      (local.tee $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $link (i32.lt_u (local.get $n))))
    ;; Walk the ring once from node 0, by `next`, summing `far`'s values.
    (local.set $x (array.get $nodes (local.get $all) (i32.const 0)))
    (local.set $i (local.get $n))
    (loop $walk
      (local.set $sum (i64.add (local.get $sum)
        (i64.extend_i32_u (struct.get $node $v (struct.get $node $far (local.get $x))))))
      (local.set $x (struct.get $node $next (local.get $x)))
      (local.tee $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $walk))
    (local.get $sum))
  (func (export "run") (param $rounds i32) (result i64)
    (local $sum i64)
    (loop $r
      (local.set $sum (i64.add (local.get $sum) (call $ring (i32.const 100000))))
      (local.tee $rounds (i32.sub (local.get $rounds) (i32.const 1)))
      (br_if $r))
    (local.get $sum)))"#,
        arg: 20,
        expect: 99_999_000_000,
    },
];

const ROUNDS: usize = 3;

/// In a child process: runs kernel `k` in our interpreter, checks its
/// answer, and prints `ours SECONDS HEAP_PEAK_BYTES RSS_PEAK_KIB`.
fn child(k: &Kernel) {
    use interp::{Config, Exit, ExternVal, Features, Module, Store, Value};
    let bytes = wat::parse_str(k.wat).expect("kernel parses");
    let module = Module::new(&bytes, &Features::default()).expect("kernel is valid");
    let mut store = Store::new(Config::default());
    let inst = store.instantiate(&module, &[]).expect("instantiates");
    let Some(ExternVal::Func(run)) = store.export(inst, "run") else {
        panic!("no run export")
    };
    let mut best = Duration::MAX;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let got = match store.invoke(run, &[Value::I32(k.arg)]).expect("call") {
            Exit::Returned(vs) => vs,
            other => panic!("{}: {other:?}", k.name),
        };
        best = best.min(t.elapsed());
        assert_eq!(got, [Value::I64(k.expect)], "{}", k.name);
    }
    println!(
        "ours {} {} {}",
        best.as_secs_f64(),
        store.heap_peak_bytes(),
        status_kib("VmHWM:")
    );
}

/// Runs kernel `i` in a fresh process: (seconds, heap peak, RSS peak KiB).
fn ours(i: usize) -> Option<(f64, u64, u64)> {
    let out = Command::new(std::env::current_exe().ok()?)
        .env("GC_BENCH_KERNEL", i.to_string())
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find_map(|l| l.strip_prefix("ours "))?;
    let mut it = line.split(' ');
    Some((
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    ))
}

/// Every kernel in V8, if Chromium is installed: best of three seconds each.
fn v8() -> Option<Vec<f64>> {
    let mut js = String::from("const results = [];\n");
    for k in KERNELS {
        let bytes = wat::parse_str(k.wat).expect("kernel parses");
        let list: Vec<String> = bytes.iter().map(|b| b.to_string()).collect();
        js.push_str(&format!(
            "{{ const run = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([{}]))).exports.run;\n\
               let best = Infinity;\n\
               for (let r = 0; r < {ROUNDS}; r++) {{ const t = performance.now(); const v = run({}); best = Math.min(best, performance.now() - t);\n\
                 if (v !== {}n) throw new Error('wrong answer ' + v); }}\n\
               console.log('V8 ' + best / 1000); }}\n",
            list.join(","),
            k.arg,
            k.expect
        ));
    }
    Some(
        bench::run_in_v8("gc-bench", &js, 300)?
            .iter()
            .filter_map(|l| l.strip_prefix("V8 ")?.parse().ok())
            .collect(),
    )
}

fn main() {
    if let Ok(i) = std::env::var("GC_BENCH_KERNEL") {
        child(&KERNELS[i.parse::<usize>().expect("a kernel index")]);
        return;
    }
    let v8 = v8();
    println!(
        "{:<38} {:>10} {:>12} {:>12} {:>10} {:>8}",
        "kernel", "ours (s)", "heap peak", "RSS peak", "V8 (s)", "ratio"
    );
    for (i, k) in KERNELS.iter().enumerate() {
        let Some((s, heap, rss)) = ours(i) else {
            println!("{:<38} failed", k.name);
            continue;
        };
        let heap = format!("{:.1} MiB", heap as f64 / (1 << 20) as f64);
        let rss = format!("{:.1} MiB", rss as f64 / 1024.0);
        match v8.as_ref().and_then(|v| v.get(i)) {
            Some(t) => println!(
                "{:<38} {s:>10.3} {heap:>12} {rss:>12} {t:>10.3} {:>8.1}",
                k.name,
                s / t
            ),
            None => println!(
                "{:<38} {s:>10.3} {heap:>12} {rss:>12} {:>10} {:>8}",
                k.name, "-", "-"
            ),
        }
    }
    if v8.is_none() {
        println!("V8: not run (no Chromium), or it failed");
    }
}
