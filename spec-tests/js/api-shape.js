// The shape of the WebAssembly namespace (JS API §"The WebAssembly
// namespace", WebIDL §3.7 interface objects, §3.13 namespaces).
"use strict";

test("namespace object", () => {
  assertEq(typeof WebAssembly, "object");
  assertEq(Object.prototype.toString.call(WebAssembly), "[object WebAssembly]");
  assertProps(globalThis, "WebAssembly", { writable: true, enumerable: false, configurable: true });
  assertEq(Object.getPrototypeOf(WebAssembly), Object.prototype);
  const tag = Object.getOwnPropertyDescriptor(WebAssembly, Symbol.toStringTag);
  assertEq(tag.value, "WebAssembly");
  assertEq(tag.writable, false);
  assertEq(tag.enumerable, false);
  assertEq(tag.configurable, true);
});

for (const [name, length] of [["validate", 1], ["compile", 1], ["instantiate", 1]]) {
  test("namespace operation " + name, () => {
    assertProps(WebAssembly, name, { writable: true, enumerable: true, configurable: true });
    assertEq(typeof WebAssembly[name], "function");
    assertEq(WebAssembly[name].length, length);
    assertEq(WebAssembly[name].name, name);
    assertThrows(TypeError, () => new WebAssembly[name](), "not a constructor");
  });
}

const interfaces = [
  ["Module", 1], ["Instance", 1], ["Memory", 1], ["Table", 1], ["Global", 1],
  ["Tag", 1], ["Exception", 2],
];

for (const [name, length] of interfaces) {
  test("interface " + name, () => {
    const C = WebAssembly[name];
    assertProps(WebAssembly, name, { writable: true, enumerable: false, configurable: true });
    assertEq(typeof C, "function");
    assertEq(C.length, length, "length");
    assertEq(C.name, name, "name");
    assertEq(Object.getPrototypeOf(C), Function.prototype);
    assertProps(C, "prototype", { writable: false, enumerable: false, configurable: false });
    const proto = C.prototype;
    assertEq(Object.getPrototypeOf(proto), Object.prototype);
    assertProps(proto, "constructor", { writable: true, enumerable: false, configurable: true, value: C });
    const tag = Object.getOwnPropertyDescriptor(proto, Symbol.toStringTag);
    assertEq(tag.value, "WebAssembly." + name, "toStringTag");
    assertEq(tag.writable, false);
    assertEq(tag.enumerable, false);
    assertEq(tag.configurable, true);
    assertThrows(TypeError, () => C(), "call without new");
  });
}

const members = {
  Module: { statics: [["exports", 1], ["imports", 1], ["customSections", 2]], methods: [], getters: [] },
  Instance: { statics: [], methods: [], getters: ["exports"] },
  Memory: { statics: [], methods: [["grow", 1]], getters: ["buffer"] },
  Table: { statics: [], methods: [["grow", 1], ["get", 1], ["set", 1]], getters: ["length"] },
  Global: { statics: [], methods: [["valueOf", 0]], accessors: ["value"], getters: [] },
  Exception: { statics: [], methods: [["getArg", 2], ["is", 1]], getters: [] },
};

for (const [name, m] of Object.entries(members)) {
  test("members of " + name, () => {
    const C = WebAssembly[name];
    for (const [op, length] of m.statics) {
      assertProps(C, op, { writable: true, enumerable: true, configurable: true });
      assertEq(C[op].length, length, op + ".length");
      assertEq(C[op].name, op, op + ".name");
    }
    for (const [op, length] of m.methods) {
      assertProps(C.prototype, op, { writable: true, enumerable: true, configurable: true });
      assertEq(C.prototype[op].length, length, op + ".length");
      assertEq(C.prototype[op].name, op, op + ".name");
    }
    for (const attr of m.getters) {
      const d = Object.getOwnPropertyDescriptor(C.prototype, attr);
      assertEq(typeof d.get, "function", attr + " getter");
      assertEq(d.set, undefined, attr + " setter");
      assertEq(d.enumerable, true);
      assertEq(d.configurable, true);
      assertEq(d.get.name, "get " + attr);
      assertEq(d.get.length, 0);
    }
    for (const attr of m.accessors || []) {
      const d = Object.getOwnPropertyDescriptor(C.prototype, attr);
      assertEq(typeof d.get, "function", attr + " getter");
      assertEq(typeof d.set, "function", attr + " setter");
      assertEq(d.enumerable, true);
      assertEq(d.set.name, "set " + attr);
      assertEq(d.set.length, 1);
    }
  });
}

for (const name of ["CompileError", "LinkError", "RuntimeError"]) {
  test("error class " + name, () => {
    const E = WebAssembly[name];
    assertProps(WebAssembly, name, { writable: true, enumerable: false, configurable: true });
    assertEq(E.length, 1);
    assertEq(E.name, name);
    assertEq(Object.getPrototypeOf(E), Error);
    assertEq(Object.getPrototypeOf(E.prototype), Error.prototype);
    assertProps(E.prototype, "name", { value: name, writable: true, enumerable: false, configurable: true });
    assertProps(E.prototype, "message", { value: "", writable: true, enumerable: false, configurable: true });
    assertProps(E.prototype, "constructor", { value: E, enumerable: false });
    const e1 = new E("m1");
    const e2 = E("m2");
    for (const e of [e1, e2]) {
      assertTrue(e instanceof E);
      assertTrue(e instanceof Error);
      assertEq(Object.prototype.toString.call(e), "[object Error]");
    }
    assertEq(String(e1), name + ": m1");
    assertEq(e2.message, "m2");
    assertEq(Object.prototype.hasOwnProperty.call(new E(), "message"), false, "no own message without one");
    class Sub extends E {}
    const s = new Sub("x");
    assertTrue(s instanceof Sub);
    assertTrue(s instanceof E);
  });
}

test("JSTag", () => {
  const d = Object.getOwnPropertyDescriptor(WebAssembly, "JSTag");
  assertTrue(d !== undefined, "JSTag is a property");
  assertTrue(WebAssembly.JSTag instanceof WebAssembly.Tag);
  assertEq(WebAssembly.JSTag, WebAssembly.JSTag, "the same object each time");
});

test("brand checks", () => {
  const getters = [
    [WebAssembly.Instance.prototype, "exports"],
    [WebAssembly.Memory.prototype, "buffer"],
    [WebAssembly.Table.prototype, "length"],
    [WebAssembly.Global.prototype, "value"],
  ];
  for (const [proto, name] of getters) {
    const get = Object.getOwnPropertyDescriptor(proto, name).get;
    assertThrows(TypeError, () => get.call({}), name + " on a plain object");
    assertThrows(TypeError, () => get.call(undefined), name + " on undefined");
    assertThrows(TypeError, () => proto[name], name + " on the prototype");
  }
  assertThrows(TypeError, () => WebAssembly.Memory.prototype.grow.call({}, 1));
  assertThrows(TypeError, () => WebAssembly.Table.prototype.get.call({}, 0));
  assertThrows(TypeError, () => WebAssembly.Global.prototype.valueOf.call({}));
  assertThrows(TypeError, () => WebAssembly.Exception.prototype.is.call({}, WebAssembly.JSTag));
});

test("subclassing keeps the prototype chain", () => {
  class M extends WebAssembly.Memory {}
  const m = new M({ initial: 1 });
  assertTrue(m instanceof M);
  assertTrue(m instanceof WebAssembly.Memory);
  assertEq(m.buffer.byteLength, 65536);
});
