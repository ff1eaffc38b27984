//! The message differences the `.wast` runner accepts, listed with a reason
//! each in `spec-tests/expected-messages.txt`: assertions whose expected
//! text this interpreter cannot give, such as the wording of an older
//! reference interpreter that a later one changed. An entry applies to the
//! scripts whose path contains its folder or file. Entries are counted as
//! they are used, so that the conformance suite can refuse a stale one.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

const LIST: &str = include_str!("../expected-messages.txt");

/// One listed difference.
struct Entry {
    path: &'static str,
    expected: &'static str,
    ours: &'static str,
    reason: &'static str,
    used: AtomicUsize,
}

fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        LIST.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                let mut parts = l.splitn(4, " | ").map(str::trim);
                let mut next = || parts.next().unwrap_or_default();
                Entry {
                    path: next(),
                    expected: next(),
                    ours: next(),
                    reason: next(),
                    used: AtomicUsize::new(0),
                }
            })
            .collect()
    })
}

/// The reason, if our message `found` may stand for the script's `want` in
/// the script at `path` (`found` starts with the entry's text for ours).
pub(crate) fn listed(path: &str, want: &str, found: &str) -> Option<&'static str> {
    let e = entries().iter().find(|e| {
        !e.path.is_empty()
            && path.contains(e.path)
            && want.starts_with(e.expected)
            && found.starts_with(e.ours)
    })?;
    e.used.fetch_add(1, Ordering::Relaxed);
    Some(e.reason)
}

/// The entries no assertion has used in this process, as listed.
pub fn unused_message_differences() -> Vec<String> {
    entries()
        .iter()
        .filter(|e| e.used.load(Ordering::Relaxed) == 0)
        .map(|e| format!("{} | {} | {}", e.path, e.expected, e.ours))
        .collect()
}

/// How many assertions held through a listed difference in this process.
pub fn message_differences_used() -> usize {
    entries()
        .iter()
        .map(|e| e.used.load(Ordering::Relaxed))
        .sum()
}
