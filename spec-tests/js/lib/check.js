// A minimal test harness for the JS tests, written for this project. Like
// builder.js it works as a classic script and inside an ES module, so the
// same test files run in `wasm-ref js` and in V8 (tools/compare-v8.sh).
//
// Every result is one line: `ok - NAME` or `FAIL - NAME: why`. Nothing
// throws out of the harness, so the logs of two engines can be compared
// line by line. `promiseTest`s run one after another, in order, after the
// synchronous part of the file; `globalThis.testsDone` settles when the
// last one has finished.

function log(...args) {
  console.log(...args);
}

function describeError(e) {
  if (e instanceof Error) return e.constructor.name + ": " + e.message;
  try {
    return "thrown " + String(e);
  } catch {
    return "thrown an unprintable value";
  }
}

function show(v) {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "bigint") return v + "n";
  if (Object.is(v, -0)) return "-0";
  if (typeof v === "function") return "function " + v.name;
  if (Array.isArray(v)) return "[" + v.map(show).join(", ") + "]";
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

class CheckFailure extends Error {}

function test(name, fn) {
  try {
    fn();
    log("ok - " + name);
  } catch (e) {
    log("FAIL - " + name + ": " + (e instanceof CheckFailure ? e.message : describeError(e)));
  }
}

globalThis.testsDone = Promise.resolve();

function promiseTest(name, fn) {
  globalThis.testsDone = globalThis.testsDone.then(async () => {
    try {
      await fn();
      log("ok - " + name);
    } catch (e) {
      log("FAIL - " + name + ": " + (e instanceof CheckFailure ? e.message : describeError(e)));
    }
  });
}

function fail(message) {
  throw new CheckFailure(message);
}

function assertEq(actual, expected, msg) {
  if (!Object.is(actual, expected)) {
    fail((msg ? msg + ": " : "") + "expected " + show(expected) + ", got " + show(actual));
  }
}

function assertTrue(v, msg) {
  if (v !== true) fail((msg ? msg + ": " : "") + "expected true, got " + show(v));
}

function assertArrayEq(actual, expected, msg) {
  const ok = Array.isArray(actual) && actual.length === expected.length &&
    actual.every((v, i) => Object.is(v, expected[i]));
  if (!ok) fail((msg ? msg + ": " : "") + "expected " + show(expected) + ", got " + show(actual));
}

function checkError(e, ErrorClass, msg) {
  if (!(e instanceof ErrorClass) || e.constructor !== ErrorClass) {
    fail((msg ? msg + ": " : "") + "expected " + ErrorClass.name + ", got " + describeError(e));
  }
}

function assertThrows(ErrorClass, fn, msg) {
  try {
    fn();
  } catch (e) {
    checkError(e, ErrorClass, msg);
    return e;
  }
  fail((msg ? msg + ": " : "") + "expected " + ErrorClass.name + ", nothing was thrown");
}

async function assertRejects(ErrorClass, promise, msg) {
  try {
    await promise;
  } catch (e) {
    checkError(e, ErrorClass, msg);
    return e;
  }
  fail((msg ? msg + ": " : "") + "expected a rejection with " + ErrorClass.name);
}

// Checks a data property's attributes (and its value if `expected.value`
// is given).
function assertProps(obj, name, expected) {
  const d = Object.getOwnPropertyDescriptor(obj, name);
  if (d === undefined) fail("no own property " + String(name));
  for (const k of ["writable", "enumerable", "configurable", "value"]) {
    if (k in expected && !Object.is(d[k], expected[k])) {
      fail(String(name) + "." + k + ": expected " + show(expected[k]) + ", got " + show(d[k]));
    }
  }
}
