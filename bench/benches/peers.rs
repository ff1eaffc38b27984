//! `cargo bench --bench peers`: our interpreter and wasmi on the same modules,
//! in one run, with the time ratio ours/wasmi per kernel and their geometric
//! mean as the last line.
//!
//! Each engine runs each kernel once to check its answer (and warm up), then
//! `ROUNDS` more times; the best time counts, which is the least disturbed by
//! whatever else the machine is doing.

use bench::{KERNELS, Kernel};
use std::time::{Duration, Instant};

const ROUNDS: usize = 5;

fn best_of(mut f: impl FnMut() -> i64, expect: i64, who: &str, k: &Kernel) -> Duration {
    let got = f();
    assert_eq!(got, expect, "{who} gave a wrong answer for {}", k.name);
    (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .min()
        .expect("ROUNDS > 0")
}

fn ours(k: &Kernel, bytes: &[u8]) -> Duration {
    use interp::syntax::{FuncType, ValType};
    use interp::{Config, Exit, ExternVal, Features, HostOutcome, Module, Store, Value};
    let module = Module::new(bytes, &Features::default()).expect("kernel is valid");
    let mut store = Store::new(Config::default());
    let mut imports = Vec::new();
    if k.host {
        let inc =
            store.alloc_host_func(FuncType::new([ValType::I32], [ValType::I32]), |_, args| {
                match args {
                    [Value::I32(x)] => HostOutcome::Return(Value::I32(x.wrapping_add(1)).into()),
                    _ => unreachable!("typed call"),
                }
            });
        imports.push(ExternVal::Func(inc));
    }
    let inst = store
        .instantiate(&module, &imports)
        .expect("kernel instantiates");
    let Some(ExternVal::Func(run)) = store.export(inst, "run") else {
        panic!("no run export")
    };
    best_of(
        || match store
            .invoke(run, &[Value::I32(k.arg)])
            .expect("well-typed call")
        {
            Exit::Returned(vs) => match vs[..] {
                [Value::I64(v)] => v,
                _ => panic!("unexpected results {vs:?}"),
            },
            other => panic!("kernel did not return: {other:?}"),
        },
        k.expect,
        "ours",
        k,
    )
}

fn wasmi(k: &Kernel, bytes: &[u8]) -> Duration {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, bytes).expect("kernel is valid");
    let mut store = wasmi::Store::new(&engine, ());
    let mut linker = wasmi::Linker::<()>::new(&engine);
    if k.host {
        linker
            .func_wrap("env", "inc", |x: i32| x.wrapping_add(1))
            .expect("defines the import");
    }
    let inst = linker
        .instantiate_and_start(&mut store, &module)
        .expect("kernel instantiates");
    let run = inst
        .get_typed_func::<i32, i64>(&store, "run")
        .expect("run export");
    best_of(
        || run.call(&mut store, k.arg).expect("kernel runs"),
        k.expect,
        "wasmi",
        k,
    )
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects kernels by substring.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    println!(
        "{:<26} {:>12} {:>12} {:>12}",
        "kernel", "ours", "wasmi", "ours/wasmi"
    );
    let mut log_sum = 0.0;
    let mut n = 0;
    for k in KERNELS
        .iter()
        .filter(|k| filter.as_ref().is_none_or(|f| k.name.contains(f.as_str())))
    {
        let bytes = wat::parse_str(k.wat).expect("kernel text parses");
        let a = ours(k, &bytes);
        if !k.in_wasmi {
            println!(
                "{:<26} {:>9.2} ms {:>12} {:>12}",
                k.name,
                ms(a),
                "n/a",
                "(not in mean)"
            );
            continue;
        }
        let b = wasmi(k, &bytes);
        let ratio = a.as_secs_f64() / b.as_secs_f64();
        log_sum += ratio.ln();
        n += 1;
        println!(
            "{:<26} {:>9.2} ms {:>9.2} ms {:>12.2}",
            k.name,
            ms(a),
            ms(b),
            ratio
        );
    }
    if n > 0 {
        println!("geomean ours/wasmi: {:.2}", (log_sum / n as f64).exp());
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
