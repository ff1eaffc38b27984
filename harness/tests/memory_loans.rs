//! A memory's `ArrayBuffer` holds the memory's own bytes, lent to it by the
//! interpreter (decision D25): realms that end while JS holds buffers,
//! buffers whose memory grew or whose Memory object is unreachable, and
//! promising calls that grow the memory while another is suspended. No
//! test here may crash; this binary is the one to run under
//! `valgrind --tool=memcheck`, which must report no invalid read, write or
//! free (decisions.md D25 says how).

use harness::js::{Output, Stacks, run_js_sources_with};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

const BUILDER: &str = include_str!("../../spec-tests/js/lib/builder.js");

/// Runs `script` after the builder in a realm of its own; the lines it
/// printed.
fn run(script: &str, stacks: Stacks) -> Vec<String> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let report = run_js_sources_with(
        vec![
            (PathBuf::from("builder.js"), BUILDER.as_bytes().to_vec()),
            (PathBuf::from("script.js"), script.as_bytes().to_vec()),
        ],
        Output::Buffer(lines.clone()),
        stacks,
    )
    .expect("the JS thread runs");
    assert!(report.ok(), "{report:?}");
    let lines = lines.lock().unwrap().clone();
    lines
}

/// A module with an exported memory of `pages` pages (at most 64) and
/// `grow(n)`, `store8(a, v)`, `load8(a)`.
const MODULE: &str = r#"
function memoryModule(pages) {
  const b = new WasmBuilder();
  b.memory(pages, 64, "mem");
  b.func([T.i32], [T.i32], [op.local_get, 0, op.memory_grow, 0], { export: "grow" });
  b.func([T.i32, T.i32], [], [op.local_get, 0, op.local_get, 1, op.i32_store8, 0, 0], { export: "store8" });
  b.func([T.i32], [T.i32], [op.local_get, 0, op.i32_load8_u, 0, 0], { export: "load8" });
  return b.instantiate().exports;
}
"#;

/// Realm after realm ends while its globals hold buffers: current ones,
/// ones detached by a grow in JS or in wasm, and one whose memory wasm grew
/// after JS last asked for it (its loan is taken back at the return).
#[test]
fn realms_end_while_buffers_are_held() {
    for i in 0..40 {
        let script = format!(
            r#"{MODULE}
            const e = memoryModule({pages});
            globalThis.held = [e.mem.buffer, new Uint8Array(e.mem.buffer)];
            held[1][3] = 9;
            if (e.load8(3) !== 9) throw new Error("JS's write unseen");
            e.store8(4, 8);
            if (held[1][4] !== 8) throw new Error("wasm's write unseen");
            const m = new WebAssembly.Memory({{ initial: 1, maximum: 4 }});
            held.push(m.buffer);
            m.grow(1);
            held.push(m.buffer, new Float64Array(m.buffer));
            e.grow({grow});
            if ({grow} > 0 && held[0].byteLength !== 0) throw new Error("not detached");
            held.push(e.mem.buffer);
            e.grow(1);
            console.log("done", held.length, held[2].byteLength, held[3].byteLength);
            "#,
            pages = 1 + i % 3,
            grow = i % 2,
        );
        assert_eq!(run(&script, Stacks::Heap), ["done 6 0 131072"], "realm {i}");
    }
}

/// A buffer (and a view of it) that JS keeps after the Memory object and
/// the instance became unreachable, while the collector runs.
#[test]
fn a_buffer_outlives_its_memory_object() {
    let script = format!(
        r#"{MODULE}
        let views = [];
        for (let i = 0; i < 20; i++) {{
          (() => {{
            const e = memoryModule(1);
            e.store8(0, i);
            views.push(new Uint8Array(e.mem.buffer));
          }})();
        }}
        // Garbage enough for collections to run.
        let junk = 0;
        for (let i = 0; i < 200000; i++) junk += [i, {{ i }}].length;
        for (let i = 0; i < 20; i++) {{
          if (views[i][0] !== i) throw new Error("lost byte " + i);
          views[i][1] = 1;
        }}
        console.log("done", junk, views.length);
        "#
    );
    assert_eq!(run(&script, Stacks::Heap), ["done 400000 20"]);
}

/// Two promising calls on one memory: while one is suspended JS writes
/// through the buffer; the other grows the memory when it resumes, which
/// detaches the buffer both saw.
const SUSPENDED: &str = r#"
const b = new WasmBuilder();
b.importFunc("m", "wait", [T.i32], [T.i32]);
b.memory(1, 100, "mem");
// run(): mem[0] = 1; wait(0); grow by 3 pages; mem[10]
b.func([], [T.i32], [
  op.i32_const, 0, op.i32_const, 1, op.i32_store8, 0, 0,
  op.i32_const, 0, op.call, 0, op.drop,
  op.i32_const, 3, op.memory_grow, 0, op.drop,
  op.i32_const, 10, op.i32_load8_u, 0, 0,
], { export: "run" });
const held = [];
let e;
e = b.instantiate({ m: { wait: new WebAssembly.Suspending(async () => {
  const u = new Uint8Array(e.mem.buffer);
  held.push(e.mem.buffer);
  u[10] = u[0] + 41;
  await null;
  return 0;
}) } }).exports;
const run = WebAssembly.promising(e.run);
Promise.all([run(), run()]).then((rs) => {
  console.log("results", rs.join(","), held[0].byteLength, e.mem.buffer.byteLength / 65536);
});
"#;

#[test]
fn promising_calls_grow_a_memory_whose_buffer_js_holds() {
    assert_eq!(run(SUSPENDED, Stacks::Heap), ["results 42,42 0 7"]);
}

#[test]
fn the_same_on_native_stacks() {
    let stacks = Stacks::Native {
        stack_size: 256 * 1024,
    };
    assert_eq!(run(SUSPENDED, stacks), ["results 42,42 0 7"]);
}
