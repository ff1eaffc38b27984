//! Property test of JSPI against a model of the spec: N concurrent
//! promising calls, each suspending a random number of times on promises
//! that JS settles in a random order, one settlement per task. The model
//! predicts every log line in order: the synchronous part of each call up
//! to its first suspension, then, per settlement, the resumed call's
//! progress and its next suspension or its result (proposal-notes/jspi.md a.3-a.5:
//! a resumption runs in the reaction job of the awaited promise, and the
//! wrapper's promise is resolved in that same job, so its `.then` runs
//! next).

use harness::js::{Output, run_js_sources};
use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// `f(id, k)`: k times, acc += s(id) and log(id, acc); then acc.
const MODULE: &str = r#"(module
  (import "m" "s" (func $s (param i32) (result i32)))
  (import "m" "log" (func $log (param i32 i32)))
  (func (export "f") (param $id i32) (param $k i32) (result i32) (local $acc i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $k)))
      (local.set $acc (i32.add (local.get $acc) (call $s (local.get $id))))
      (call $log (local.get $id) (local.get $acc))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br $l)))
    (local.get $acc)))"#;

/// A scenario: how often each call suspends, and for each settlement a
/// choice among the pending calls and the value it is fulfilled with.
#[derive(Debug, Clone)]
struct Scenario {
    suspensions: Vec<u32>,
    choices: Vec<(usize, u8)>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    prop::collection::vec(0u32..5, 1..8).prop_flat_map(|suspensions| {
        let total: u32 = suspensions.iter().sum();
        let choices = prop::collection::vec((any::<usize>(), any::<u8>()), total as usize);
        (Just(suspensions), choices).prop_map(|(suspensions, choices)| Scenario {
            suspensions,
            choices,
        })
    })
}

/// The model: the settlement order (call id and value) and the log.
fn model(s: &Scenario) -> (Vec<(usize, u8)>, Vec<String>) {
    let mut log = Vec::new();
    let mut left: Vec<u32> = s.suspensions.clone();
    let mut acc = vec![0u32; left.len()];
    // Synchronously, each call runs to its first suspension.
    let mut pending: Vec<usize> = Vec::new();
    for (id, &k) in s.suspensions.iter().enumerate() {
        if k > 0 {
            log.push(format!("s {id}"));
            pending.push(id);
        }
    }
    // After the script, the `.then` of calls that never suspended.
    for (id, &k) in s.suspensions.iter().enumerate() {
        if k == 0 {
            log.push(format!("done {id} 0"));
        }
    }
    let mut order = Vec::new();
    for &(pick, value) in &s.choices {
        let id = pending[pick % pending.len()];
        order.push((id, value));
        acc[id] += u32::from(value);
        left[id] -= 1;
        log.push(format!("r {id} {}", acc[id]));
        if left[id] > 0 {
            log.push(format!("s {id}"));
        } else {
            pending.retain(|&p| p != id);
            log.push(format!("done {id} {}", acc[id]));
        }
    }
    (order, log)
}

fn script(s: &Scenario, order: &[(usize, u8)]) -> String {
    let bytes = wat::parse_str(MODULE).expect("the module is valid");
    let bytes: Vec<String> = bytes.iter().map(u8::to_string).collect();
    let order: Vec<String> = order.iter().map(|(i, v)| format!("[{i},{v}]")).collect();
    let ks: Vec<String> = s.suspensions.iter().map(u32::to_string).collect();
    format!(
        r#"
const pending = new Map();
const imports = {{ m: {{
  s: new WebAssembly.Suspending((id) => {{
    console.log("s " + id);
    return new Promise((resolve) => pending.set(id, resolve));
  }}),
  log: (id, acc) => console.log("r " + id + " " + acc),
}} }};
const inst = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([{bytes}])), imports);
const f = WebAssembly.promising(inst.exports.f);
[{ks}].forEach((k, id) => f(id, k).then((v) => console.log("done " + id + " " + v)));
const order = [{order}];
let step = 0;
function next() {{
  if (step === order.length) return;
  const [id, value] = order[step++];
  const resolve = pending.get(id);
  pending.delete(id);
  resolve(value);
  setTimeout(next, 0);
}}
setTimeout(next, 0);
"#,
        bytes = bytes.join(","),
        ks = ks.join(","),
        order = order.join(","),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn concurrent_promising_calls_follow_the_model(s in scenario()) {
        let (order, expected) = model(&s);
        let lines = Arc::new(Mutex::new(Vec::new()));
        let report = run_js_sources(
            vec![(PathBuf::from("scenario.js"), script(&s, &order).into_bytes())],
            Output::Buffer(lines.clone()),
        ).expect("the runner starts");
        prop_assert!(report.ok(), "{:?}", report.errors);
        let lines = lines.lock().expect("the run is over").clone();
        prop_assert_eq!(lines, expected);
    }
}
