//! `fuzz`: differential fuzzing of the interpreter on inputs nobody wrote by
//! hand.
//!
//! ```text
//! cargo run --release -p fuzz -- [--target NAME] [--seconds N] [--cases N] [--seed S] [--out DIR]
//! ```
//!
//! Each case is a few kilobytes of pseudo-random bytes, made from the seed
//! and the case number, that a target turns into its input (a module from
//! `wasm-smith`, possibly mutated; arguments; a `v128`). The targets
//! (`validate`, `exec`, `suspend`, `roundtrip`; `all`, the default, runs
//! each in turn for the given time) compare our answer with another's. A
//! mismatch is shrunk (the case's bytes are cut down while the same
//! mismatch remains) and written as a `.wast` reproducer, with a `.wat`
//! next to it when the module can be printed. The last line printed is
//! `N cases, M mismatches, P panics`; the exit status is non-zero if M or P
//! is. Mismatches that are already understood (`known.rs`) are counted on a
//! line of their own and not in M. `proposal-notes/fuzzing.md` says how to
//! run it for hours and what it found.

mod compare;
mod exec;
mod known;
mod rng;
mod roundtrip;
mod shrink;
mod smith;
mod suspend;
mod validate;
mod wast;

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A difference worth a reproducer.
#[derive(Clone, Debug)]
pub struct Finding {
    /// What kind of difference it is, the same for every input that shows
    /// the same problem (the shrinker keeps inputs with the same key).
    pub key: String,
    /// The reproducer: a `.wast` script whose comments say what each side did.
    pub wast: String,
    /// The module as text, when it could be printed.
    pub wat: Option<String>,
}

/// What one case showed.
#[derive(Clone, Debug)]
pub enum Verdict {
    /// Both sides agree.
    Agree,
    /// The input could not be used (the generator ran out of bytes, or a
    /// side ran out of fuel): no comparison.
    Skip,
    /// The sides disagree.
    Mismatch(Finding),
}

/// A fuzzing target: turns a case's bytes into an input and compares.
pub struct Target {
    /// Its name on the command line.
    pub name: &'static str,
    /// Runs one case.
    pub check: fn(&[u8]) -> Verdict,
}

/// Every target, in the order `all` runs them.
pub const TARGETS: [Target; 4] = [
    Target {
        name: "validate",
        check: validate::check,
    },
    Target {
        name: "exec",
        check: exec::check,
    },
    Target {
        name: "suspend",
        check: suspend::check,
    },
    Target {
        name: "roundtrip",
        check: roundtrip::check,
    },
];

struct Options {
    replay: Option<PathBuf>,
    target: String,
    seconds: Option<f64>,
    cases: Option<u64>,
    seed: u64,
    out: PathBuf,
}

const USAGE: &str = "\
usage: fuzz [--target validate|exec|suspend|roundtrip|all] [--seconds N] [--cases N] [--seed S] [--out DIR]
       fuzz --replay FILE.wat|FILE.wasm
  Runs cases until N seconds (per target) or N cases (per target) are done,
  whichever comes first (default: 10 seconds). The same seed gives the same
  cases. Reproducers go to DIR (default target/fuzz-out).
  --replay compares one module: its validation with wasmparser's (under
  every implemented feature), and its run with wasmi's (each export called
  with zeros), and prints what each side did.";

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        replay: None,
        target: "all".into(),
        seconds: None,
        cases: None,
        seed: 1,
        out: PathBuf::from("target/fuzz-out"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--target" => o.target = value()?,
            "--seconds" => {
                o.seconds = Some(
                    value()?
                        .parse()
                        .map_err(|_| "--seconds takes a number".to_string())?,
                )
            }
            "--cases" => {
                o.cases = Some(
                    value()?
                        .parse()
                        .map_err(|_| "--cases takes a whole number".to_string())?,
                )
            }
            "--seed" => {
                o.seed = value()?
                    .parse()
                    .map_err(|_| "--seed takes a whole number".to_string())?
            }
            "--out" => o.out = PathBuf::from(value()?),
            "--replay" => o.replay = Some(PathBuf::from(value()?)),
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(format!("unknown argument {a:?}\n{USAGE}")),
        }
    }
    if o.seconds.is_none() && o.cases.is_none() {
        o.seconds = Some(10.0);
    }
    Ok(o)
}

/// Totals over a run.
#[derive(Default)]
struct Totals {
    cases: u64,
    mismatches: u64,
    known: u64,
    panics: u64,
    skipped: u64,
}

fn main() {
    let o = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("fuzz: {e}");
            std::process::exit(2);
        }
    };
    let targets: Vec<&Target> = if o.target == "all" {
        TARGETS.iter().collect()
    } else {
        match TARGETS.iter().find(|t| t.name == o.target) {
            Some(t) => vec![t],
            None => {
                eprintln!("fuzz: unknown target {:?}\n{USAGE}", o.target);
                std::process::exit(2);
            }
        }
    };
    if let Some(path) = &o.replay {
        std::process::exit(replay(path));
    }
    shrink::quiet_panics();
    let mut totals = Totals::default();
    for t in targets {
        run_target(t, &o, &mut totals);
    }
    if totals.known > 0 {
        println!(
            "{} known mismatches (see fuzz/known.rs), {} cases skipped",
            totals.known, totals.skipped
        );
    } else {
        println!("{} cases skipped", totals.skipped);
    }
    println!(
        "{} cases, {} mismatches, {} panics",
        totals.cases, totals.mismatches, totals.panics
    );
    if totals.mismatches > 0 || totals.panics > 0 {
        std::process::exit(1);
    }
}

/// Runs one target until its time or case count is spent.
fn run_target(t: &Target, o: &Options, totals: &mut Totals) {
    let start = Instant::now();
    let deadline = o.seconds.map(|s| start + Duration::from_secs_f64(s));
    let mut case = 0u64;
    let mut found = 0u64;
    let mut seen_keys: Vec<String> = Vec::new();
    loop {
        if o.cases.is_some_and(|n| case >= n) || deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let input = rng::case_bytes(o.seed, t.name, case);
        let outcome = shrink::run_guarded(t.check, &input);
        totals.cases += 1;
        match outcome {
            shrink::Outcome::Done(Verdict::Agree) => {}
            shrink::Outcome::Done(Verdict::Skip) => totals.skipped += 1,
            shrink::Outcome::Done(Verdict::Mismatch(f)) => {
                if let Some(why) = known::explain(t.name, &f) {
                    totals.known += 1;
                    if !seen_keys.contains(&f.key) {
                        println!("{} case {case}: known: {} ({why})", t.name, f.key);
                        seen_keys.push(f.key.clone());
                    }
                    case += 1;
                    continue;
                }
                totals.mismatches += 1;
                found += 1;
                report(t, o, case, &input, f, &mut seen_keys);
            }
            shrink::Outcome::Panicked(message, wast, wat) => {
                totals.panics += 1;
                found += 1;
                let f = Finding {
                    key: format!("panic: {}", shrink::panic_key(&message)),
                    wast,
                    wat,
                };
                report(t, o, case, &input, f, &mut seen_keys);
            }
        }
        case += 1;
    }
    println!(
        "{}: {case} cases in {:.1} s, {found} findings",
        t.name,
        start.elapsed().as_secs_f64()
    );
}

/// Shrinks a finding's input (once per kind of finding) and writes its
/// reproducer.
fn report(
    t: &Target,
    o: &Options,
    case: u64,
    input: &[u8],
    f: Finding,
    seen_keys: &mut Vec<String>,
) {
    if seen_keys.contains(&f.key) {
        return;
    }
    seen_keys.push(f.key.clone());
    let small = shrink::shrink(t.check, input, &f.key, Duration::from_secs(20));
    let f = match shrink::run_guarded(t.check, &small) {
        shrink::Outcome::Done(Verdict::Mismatch(g)) if g.key == f.key => g,
        shrink::Outcome::Panicked(m, wast, wat)
            if format!("panic: {}", shrink::panic_key(&m)) == f.key =>
        {
            Finding {
                key: f.key,
                wast,
                wat,
            }
        }
        _ => f,
    };
    let _ = std::fs::create_dir_all(&o.out);
    let stem = o.out.join(format!("{}-{}-{case}", t.name, o.seed));
    let wast = stem.with_extension("wast");
    let mut text = format!(
        ";; fuzz --target {} --seed {} case {case}\n;; {}\n",
        t.name, o.seed, f.key
    );
    text.push_str(&f.wast);
    let _ = std::fs::write(&wast, text);
    if let Some(w) = &f.wat {
        let _ = std::fs::write(stem.with_extension("wat"), w);
    }
    println!("{} case {case}: {} -> {}", t.name, f.key, wast.display());
}

/// `--replay`: one module through `validate` and `exec`, with what each
/// side did printed. The exit status is 1 if they disagree.
fn replay(path: &std::path::Path) -> i32 {
    let bytes = match std::fs::read(path) {
        Ok(b) if path.extension().is_some_and(|e| e == "wat") => match wat::parse_bytes(&b) {
            Ok(w) => w.into_owned(),
            Err(e) => {
                eprintln!("fuzz: {}: {e}", path.display());
                return 2;
            }
        },
        Ok(b) => b,
        Err(e) => {
            eprintln!("fuzz: {}: {e}", path.display());
            return 2;
        }
    };
    let mut status = 0;
    let show = |what: &str, v: Verdict| -> bool {
        match v {
            Verdict::Agree => {
                println!("{what}: agree");
                true
            }
            Verdict::Skip => {
                println!("{what}: not compared (a side ran out of fuel)");
                true
            }
            Verdict::Mismatch(f) => {
                println!("{what}: {}\n{}", f.key, f.wast);
                false
            }
        }
    };
    if !show(
        "validate",
        validate::compare(&bytes, &interp::Features::wasm3()),
    ) {
        status = 1;
    }
    if !show("exec", exec::compare_module(&bytes)) {
        status = 1;
    }
    status
}
