//! `wasm-ref`: run `.wast` scripts, or one export of a module.
//!
//! ```text
//! wasm-ref wast [--suspend N | --stacks heap|native] FILE...
//! wasm-ref run FILE.wasm|FILE.wat [--shape SHAPE] --invoke NAME [ARG...]
//! wasm-ref js [--prelude FILE]... FILE...
//! wasm-ref wat FILE.wat -o FILE.wasm
//! ```
//!
//! Every error in the input (an unreadable file, a malformed or invalid
//! module, an unknown export, a bad argument, a link error, a trap) ends the
//! program with one message on stderr and a non-zero exit status.

use harness::{parse_value, show_value, show_value_in};
use interp::lanes::Shape;
use interp::{Config, Exit, ExternVal, Features, HostOutcome, Module, Store};
use spec_tests::{InterpEmbedder, Mode, features_for_path, run_wast, spectest};
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  wasm-ref wast [--suspend N | --stacks heap|native] FILE...
      Run .wast scripts with every implemented feature (files of the official
      suite's folders, e.g. .../wasm-v1/x.wast, with the features their folder
      is written for, as the conformance suite does). Prints each failed
      directive and, last, `N passed, M failed` (directives). With
      --suspend N, every call is paused and resumed every N instructions
      and at every spectest host call. With --stacks native, every call
      runs on a native stack of its own (1 MiB), as promising calls do in
      wasm-ref js --stacks native.
  wasm-ref run FILE [--shape SHAPE] --invoke NAME [ARG...]
      Instantiate a module (binary .wasm or text .wat; the spectest module
      is available to its imports) and call one export with the arguments,
      read by the parameter types: integers (decimal or 0x hex), floats
      (decimal, inf, nan, or bits:0x...), null for references, a v128 as
      its shape and lanes (i32x4:1,2,3,4, f32x4:1.5,nan,inf,-0). Results
      are printed one a line; a v128 in i32x4 lanes, or in --shape's.
  wasm-ref js [--stacks heap|native] [--stack-size KIB] [--max-stacks N] [--prelude FILE]... FILE...
      Evaluate JavaScript files as classic scripts in one realm, preludes
      first, with the WebAssembly JS API and JSPI (WebAssembly.Suspending,
      WebAssembly.promising, WebAssembly.SuspendError), console.log, print,
      setTimeout, clearTimeout, queueMicrotask, performance.now, self, and
      fetch for local files (relative to the first FILE's directory, for
      WebAssembly.compileStreaming and instantiateStreaming). After each
      script every microtask runs, then timers run in order (virtual time)
      until none is left. Exits 0 only if no exception went uncaught and no
      promise rejection stayed unhandled. --stacks native runs each
      WebAssembly.promising call on a native stack of its own, of
      --stack-size KiB (default 1024), as V8 does; heap (the default) keeps
      a suspended call in the interpreter's heap frames only. At most
      --max-stacks native stacks exist at once (default: a quarter of the
      kernel's vm.max_map_count, 16382 unless changed: each stack is two
      mappings); a promising call that cannot get one is rejected with a
      RangeError.
  wasm-ref wat FILE.wat -o FILE.wasm
      Translate a module from the text format to a binary (how the demos'
      .wasm files are rebuilt).
  wasm-ref --help";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("wast") => wast(&args[1..]),
        Some("run") => run(&args[1..]),
        Some("js") => js(&args[1..]),
        Some("wat") => wat_to_wasm(&args[1..]),
        Some("--help" | "-h" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("wasm-ref: {message}");
            ExitCode::from(2)
        }
    }
}

fn wast(args: &[String]) -> Result<ExitCode, String> {
    let mut mode = Mode::Plain;
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--stacks" {
            match it.next().map(String::as_str) {
                Some("heap") => mode = Mode::Plain,
                Some("native") => {
                    mode = Mode::Native {
                        stack_size: 1 << 20,
                    }
                }
                other => return Err(format!("--stacks takes heap or native, not {other:?}")),
            }
        } else if a == "--suspend" {
            let n = it
                .next()
                .ok_or("--suspend needs a number of instructions")?;
            let fuel_step = n
                .parse::<u64>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("--suspend: {n:?} is not a positive number"))?;
            mode = Mode::Suspending { fuel_step };
        } else {
            files.push(a);
        }
    }
    if files.is_empty() {
        return Err("wast: no files given".into());
    }
    let (mut passed, mut failed) = (0, 0);
    for path in files {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        let mut e = InterpEmbedder::new(features_for_path(path), mode);
        let report = run_wast(&text, &mut e);
        print!("{}", report.describe(path));
        passed += report.passed;
        failed += report.failed;
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn js(args: &[String]) -> Result<ExitCode, String> {
    let (mut preludes, mut files) = (Vec::new(), Vec::new());
    let (mut native, mut stack_kib) = (false, 1024usize);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--prelude" => preludes.push(it.next().ok_or("--prelude needs a file")?.into()),
            "--stacks" => match it.next().map(String::as_str) {
                Some("heap") => native = false,
                Some("native") => native = true,
                other => return Err(format!("--stacks takes heap or native, not {other:?}")),
            },
            "--stack-size" => {
                let n = it.next().ok_or("--stack-size needs a number of KiB")?;
                stack_kib = n
                    .parse::<usize>()
                    .ok()
                    .filter(|&k| k > 0 && k <= 1 << 20)
                    .ok_or_else(|| {
                        format!("--stack-size: {n:?} is not a size in KiB (1 to 1048576)")
                    })?;
            }
            "--max-stacks" => {
                let n = it.next().ok_or("--max-stacks needs a number")?;
                let n = n
                    .parse::<usize>()
                    .ok()
                    .filter(|&k| k > 0)
                    .ok_or_else(|| format!("--max-stacks: {n:?} is not a positive number"))?;
                interp::fiber::set_max_stacks(n);
            }
            _ => files.push(a.into()),
        }
    }
    if files.is_empty() {
        return Err("js: no files given".into());
    }
    let stacks = if native {
        harness::js::Stacks::Native {
            stack_size: stack_kib * 1024,
        }
    } else {
        harness::js::Stacks::Heap
    };
    let report = harness::js::run_js_with(&preludes, &files, harness::js::Output::Stdout, stacks)?;
    for e in &report.errors {
        eprintln!("{e}");
    }
    Ok(if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn wat_to_wasm(args: &[String]) -> Result<ExitCode, String> {
    let [input, flag, output] = args else {
        return Err("wat: expected FILE.wat -o FILE.wasm".into());
    };
    if flag != "-o" {
        return Err("wat: expected FILE.wat -o FILE.wasm".into());
    }
    let bytes = wat::parse_file(input).map_err(|e| format!("{input}: {e}"))?;
    Module::new(&bytes, &Features::implemented()).map_err(|e| format!("{input}: {e}"))?;
    std::fs::write(output, &bytes).map_err(|e| format!("cannot write {output}: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let (path, mut rest) = args.split_first().ok_or("run: no module file given")?;
    let mut shape = Shape::I32x4;
    if let [flag, s, more @ ..] = rest
        && flag == "--shape"
    {
        shape = Shape::from_name(s).ok_or_else(|| {
            format!("run: --shape takes i8x16, i16x8, i32x4, i64x2, f32x4 or f64x2, not {s:?}")
        })?;
        rest = more;
    }
    let (name, call_args) = match rest {
        [flag, name, call_args @ ..] if flag == "--invoke" => (name, call_args),
        _ => return Err("run: expected [--shape SHAPE] --invoke NAME after the file".into()),
    };
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let bytes = if bytes.starts_with(b"\0asm") {
        bytes
    } else {
        wat::parse_bytes(&bytes)
            .map_err(|e| format!("{path}: not a binary module, and not text: {e}"))?
            .into_owned()
    };
    let features = Features::implemented();
    let module = Module::new(&bytes, &features).map_err(|e| format!("{path}: {e}"))?;
    let mut store = Store::new(Config {
        features,
        ..Config::default()
    });
    // Resolve imports against the spectest module.
    let spectest = spectest(&mut store, move |args| {
        let shown: Vec<String> = args.iter().map(|v| show_value_in(v, shape)).collect();
        println!("{}", shown.join(" "));
        HostOutcome::Return(vec![])
    });
    let mut imports = Vec::new();
    for (m, n, _) in module.imports() {
        let v = (m == "spectest")
            .then(|| spectest.iter().find(|(k, _)| *k == n).map(|(_, v)| *v))
            .flatten();
        imports.push(v.ok_or_else(|| {
            format!("{path}: unknown import \"{m}\" \"{n}\" (only spectest is available)")
        })?);
    }
    let inst = store
        .instantiate(&module, &imports)
        .map_err(|e| format!("{path}: {e}"))?;
    let Some(ExternVal::Func(f)) = store.export(inst, name) else {
        return Err(format!("{path}: no exported function {name:?}"));
    };
    let ty = store.func_type(f).clone();
    if call_args.len() != ty.params.len() {
        return Err(format!(
            "{name} takes {} arguments, {} given",
            ty.params.len(),
            call_args.len()
        ));
    }
    let values = call_args
        .iter()
        .zip(&ty.params)
        .map(|(a, t)| parse_value(a, *t))
        .collect::<Result<Vec<_>, _>>()?;
    match store.invoke(f, &values).map_err(|e| e.to_string())? {
        Exit::Returned(vs) => {
            for v in &vs {
                println!("{}", show_value_in(v, shape));
            }
            Ok(ExitCode::SUCCESS)
        }
        Exit::Trapped(t) => Err(format!("{name} trapped: {t}")),
        Exit::Thrown(e) => {
            let fields: Vec<String> = store.exn_fields(e).iter().map(show_value).collect();
            Err(format!(
                "{name} threw an exception nothing caught: tag {}, fields [{}]",
                store.exn_tag(e).0,
                fields.join(", ")
            ))
        }
        Exit::Suspended(_) => unreachable!("the spectest functions used here never suspend"),
    }
}
