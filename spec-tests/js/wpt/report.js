// Prelude for WPT-style tests (`.any.js`) in a JavaScript shell: prints one
// line per test result and a last line when the harness is done. The test
// files themselves stay as WPT writes them; `done.js`, run after them,
// tells the harness that no more tests will be defined. No harness timeout:
// the runner's own (run-js.sh's in V8) ends a run that hangs.
// `globalThis.runJsDone` settles when the harness is done, which is when
// run-js.sh --classic ends the page.
setup({ explicit_done: true, explicit_timeout: true });
const WPT_STATUS = ["PASS", "FAIL", "TIMEOUT", "NOTRUN", "PRECONDITION_FAILED"];
add_result_callback((t) => {
  const status = WPT_STATUS[t.status] || String(t.status);
  console.log(status + " - " + t.name + (t.status === 0 ? "" : ": " + t.message));
});
globalThis.runJsDone = new Promise((resolve) => {
  add_completion_callback((tests, harness) => {
    const ok = harness.status === 0;
    console.log("DONE - " + tests.length + " tests, harness " + (ok ? "OK" : "ERROR: " + harness.message));
    resolve();
  });
});
