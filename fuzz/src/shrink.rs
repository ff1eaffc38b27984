//! Running a case with its panics caught, and shrinking a case's bytes
//! while the same finding remains.

use crate::{Verdict, rng::Rng};
use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

/// Whose code runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Ours,
    /// A peer engine (wasmparser, wasmi).
    Peer,
    /// The generator (wasm-smith, wasmprinter).
    Tool,
}

thread_local! {
    /// Whose code runs now.
    static SIDE: Cell<Side> = const { Cell::new(Side::Ours) };
    /// The last panic's message and place.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The module the running case made, for the reproducer of a panic.
    static MODULE: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Notes the module a case is about to use: a panic's reproducer shows it.
pub fn note_module(bytes: &[u8]) {
    MODULE.with(|m| {
        let mut m = m.borrow_mut();
        m.clear();
        m.extend_from_slice(bytes);
    });
}

/// The reproducer text of a panic: the message and the noted module.
fn panic_reproducer(msg: &str) -> (String, Option<String>) {
    let bytes = MODULE.with(|m| std::mem::take(&mut *m.borrow_mut()));
    if bytes.is_empty() {
        return (format!(";; {msg}\n"), None);
    }
    (
        format!(";; {msg}\n{}\n", crate::wast::module_binary(&bytes)),
        crate::wast::module_text(&bytes),
    )
}

/// Runs `f` as the peer's code: a panic in it is the peer's, not ours.
pub fn peer<R>(f: impl FnOnce() -> R) -> R {
    as_side(Side::Peer, f)
}

/// Runs `f` as the generator's code: a panic in it skips the case.
pub fn tool<R>(f: impl FnOnce() -> R) -> R {
    as_side(Side::Tool, f)
}

fn as_side<R>(side: Side, f: impl FnOnce() -> R) -> R {
    let before = SIDE.with(|o| o.replace(side));
    let r = f();
    SIDE.with(|o| o.set(before));
    r
}

/// Replaces the panic hook by one that records the message and place
/// instead of printing them (a case's panic is reported once, by the run).
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let side = match SIDE.with(Cell::get) {
            Side::Ours => "",
            Side::Peer => "peer ",
            Side::Tool => "generator ",
        };
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{side}panic at {place}: {msg}")));
    }));
}

/// A case's outcome, panics included.
pub enum Outcome {
    /// It ran to a verdict.
    Done(Verdict),
    /// Our code panicked: the message, the reproducer and the module's text.
    Panicked(String, String, Option<String>),
}

/// Runs `check(input)`, catching panics. A peer's panic is a mismatch.
pub fn run_guarded(check: fn(&[u8]) -> Verdict, input: &[u8]) -> Outcome {
    SIDE.with(|o| o.set(Side::Ours));
    MODULE.with(|m| m.borrow_mut().clear());
    match catch_unwind(AssertUnwindSafe(|| check(input))) {
        Ok(v) => Outcome::Done(v),
        Err(_) => {
            let side = SIDE.with(|o| o.replace(Side::Ours));
            let msg = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_else(|| "panic".into());
            if side == Side::Ours {
                let (wast, wat) = panic_reproducer(&msg);
                Outcome::Panicked(msg, wast, wat)
            } else if side == Side::Tool {
                Outcome::Done(Verdict::Skip)
            } else {
                let (wast, wat) = panic_reproducer(&msg);
                Outcome::Done(Verdict::Mismatch(crate::Finding {
                    key: format!("the peer panicked: {}", panic_key(&msg)),
                    wast,
                    wat,
                }))
            }
        }
    }
}

/// A panic's message without the numbers in it, to tell one kind of
/// panic from another.
pub fn panic_key(msg: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    for c in msg.chars().take(200) {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('N');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// Whether `input` still shows the finding `key`.
fn still(check: fn(&[u8]) -> Verdict, input: &[u8], key: &str) -> bool {
    match run_guarded(check, input) {
        Outcome::Done(Verdict::Mismatch(f)) => f.key == key,
        Outcome::Panicked(m, ..) => format!("panic: {}", panic_key(&m)) == key,
        _ => false,
    }
}

/// Cuts `input` down while it still shows finding `key`, for at most
/// `budget`: removes halves, quarters, ... of the bytes, then zeroes
/// chunks (the generator reads a zero as "the smallest choice"). The
/// result is the smallest input found that still shows the finding.
pub fn shrink(check: fn(&[u8]) -> Verdict, input: &[u8], key: &str, budget: Duration) -> Vec<u8> {
    let end = Instant::now() + budget;
    let mut best = input.to_vec();
    let mut chunk = best.len() / 2;
    while chunk >= 1 && Instant::now() < end {
        let mut progress = false;
        let mut at = 0;
        while at < best.len() && Instant::now() < end {
            let stop = (at + chunk).min(best.len());
            let mut cut = best[..at].to_vec();
            cut.extend_from_slice(&best[stop..]);
            if still(check, &cut, key) {
                best = cut;
                progress = true;
            } else {
                at += chunk;
            }
        }
        if !progress {
            chunk /= 2;
        }
    }
    // Zero runs of bytes: smaller choices, same length.
    let mut chunk = (best.len() / 4).max(1);
    while chunk >= 1 && Instant::now() < end {
        let mut at = 0;
        while at < best.len() && Instant::now() < end {
            let stop = (at + chunk).min(best.len());
            if best[at..stop].iter().any(|&b| b != 0) {
                let mut z = best.clone();
                z[at..stop].fill(0);
                if still(check, &z, key) {
                    best = z;
                }
            }
            at += chunk;
        }
        chunk /= 2;
    }
    best
}

/// A few random edits of `bytes`: flips, interesting values, insertions,
/// deletions and copies of a range, as a mutating fuzzer makes.
pub fn mutate(bytes: &mut Vec<u8>, seed: u64) {
    const INTERESTING: [u8; 10] = [0x00, 0x01, 0x04, 0x40, 0x41, 0x7f, 0x80, 0xff, 0x0b, 0x70];
    let mut r = Rng::new(seed);
    let edits = r.range(1, 4);
    for _ in 0..edits {
        if bytes.is_empty() {
            bytes.push(0);
        }
        let n = bytes.len() as u64;
        let at = r.range(0, n - 1) as usize;
        match r.range(0, 5) {
            0 => bytes[at] ^= 1 << r.range(0, 7),
            1 => bytes[at] = INTERESTING[r.range(0, 9) as usize],
            2 => bytes.insert(at, INTERESTING[r.range(0, 9) as usize]),
            3 => {
                bytes.remove(at);
            }
            4 => {
                let len = r.range(1, 16).min(n - at as u64) as usize;
                let copy: Vec<u8> = bytes[at..at + len].to_vec();
                let to = r.range(0, bytes.len() as u64 - 1) as usize;
                bytes.splice(to..to, copy);
            }
            _ => bytes[at] = r.next() as u8,
        }
    }
}
