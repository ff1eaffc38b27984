// Prelude for JS API test files written for testharness.js's older
// assertions, as the WebAssembly repositories keep some (`limits.any.js`,
// the JSPI proposal's `js-promise-integration.any.js`): `assert_throws` and
// `promise_rejects` were removed from testharness.js. Here the expected
// error is a constructor or an instance of one (an Error class, or
// `WebAssembly.Exception`), and the thrown value must be an instance of that
// class. A RegExp in place of the description is an engine's message
// pattern (messages are implementation-defined): it is not checked.
// Defines nothing the harness already has.
(function () {
  const classOf = (expected) =>
    typeof expected === "function" ? expected : expected.constructor;
  const describe = (d) => (typeof d === "string" ? d + ": " : "");
  const check = (expected, e, description) => {
    const C = classOf(expected);
    assert_true(e instanceof C,
      describe(description) + "expected an instance of " + C.name + ", got " + String(e));
  };
  if (typeof globalThis.assert_throws !== "function") {
    globalThis.assert_throws = function (expected, func, description) {
      try {
        func();
      } catch (e) {
        check(expected, e, description);
        return;
      }
      assert_unreached(describe(description) + "nothing was thrown");
    };
  }
  if (typeof globalThis.promise_rejects !== "function") {
    globalThis.promise_rejects = function (test, expected, promise, description) {
      return promise.then(
        test.unreached_func(describe(description) + "should have rejected"),
        (e) => check(expected, e, description));
    };
  }
})();
