// META: global=window,dedicatedworker,jsshell
test(() => { assert_equals(typeof WebAssembly, "object"); }, "namespace");
promise_test(async () => { const m = await WebAssembly.compile(new Uint8Array([0,97,115,109,1,0,0,0])); assert_true(m instanceof WebAssembly.Module); }, "compile");
promise_test(t => promise_rejects_js(t, TypeError, WebAssembly.compile(1)), "compile bad");
promise_test(t => promise_rejects_js(t, WebAssembly.CompileError, WebAssembly.compile(new Uint8Array([1,2,3]))), "compile error");
test(() => { assert_throws_js(TypeError, () => WebAssembly.Memory({initial:1})); }, "call without new");
