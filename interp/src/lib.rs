//! A reference WebAssembly interpreter whose computations can be suspended at
//! a host call and resumed later.
//!
//! Every wasm call frame and operand lives on the heap, so a host function can
//! answer [`HostOutcome::Suspend`]: the call then returns
//! [`Exit::Suspended`], a value that owns the paused computation and can be
//! resumed once, later, with the host function's results.
//!
//! ```
//! use interp::{Config, Exit, Features, HostOutcome, Module, Store, SuspendReason, Value};
//! use interp::syntax::{FuncType, ValType};
//!
//! // (module (import "env" "get" (func $get (result i32)))
//! //         (func (export "twice") (result i32) (i32.mul (call $get) (i32.const 2))))
//! let bytes = [
//!     0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
//!     0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type 0: [] -> [i32]
//!     0x02, 0x0b, 0x01, 0x03, b'e', b'n', b'v', 0x03, b'g', b'e', b't', 0x00, 0x00, // import
//!     0x03, 0x02, 0x01, 0x00, // one function of type 0
//!     0x07, 0x09, 0x01, 0x05, b't', b'w', b'i', b'c', b'e', 0x00, 0x01, // export func 1
//!     0x0a, 0x09, 0x01, 0x07, 0x00, 0x10, 0x00, 0x41, 0x02, 0x6c, 0x0b, // code
//! ];
//! let module = Module::new(&bytes, &Features::default()).unwrap();
//! let mut store = Store::new(Config::default());
//! let get = store.alloc_host_func(FuncType::new([], [ValType::I32]), |_, _| HostOutcome::Suspend(7));
//! let inst = store.instantiate(&module, &[interp::ExternVal::Func(get)]).unwrap();
//! let Some(interp::ExternVal::Func(twice)) = store.export(inst, "twice") else { panic!() };
//!
//! let Exit::Suspended(s) = store.invoke(twice, &[]).unwrap() else { panic!("should suspend") };
//! assert_eq!(s.reason(), &SuspendReason::Host { func: get, token: 7 });
//! // ... later, when the host has the answer:
//! let Exit::Returned(vs) = s.resume(&mut store, &[Value::I32(21)]).unwrap() else { panic!() };
//! assert_eq!(vs, [Value::I32(42)]);
//! ```
//!
//! Every failure is an [`Error`] whose [`kind`](Error::kind) says which of
//! the spec's classes it belongs to, with the reference interpreter's
//! message:
//!
//! ```
//! use interp::{ErrorKind, Features, Module};
//!
//! let truncated = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00];
//! let e = Module::new(&truncated, &Features::default()).unwrap_err();
//! assert_eq!(e.kind(), ErrorKind::Malformed);
//! assert_eq!(e.message(), "unexpected end of section or function");
//!
//! // (module (func (result i32) (i64.const 0)))
//! let invalid = [
//!     0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
//!     0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type 0: [] -> [i32]
//!     0x03, 0x02, 0x01, 0x00, // one function of type 0
//!     0x0a, 0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b, // code: i64.const 0
//! ];
//! let e = Module::new(&invalid, &Features::default()).unwrap_err();
//! assert_eq!(e.kind(), ErrorKind::Invalid);
//! assert_eq!(e.message(), "type mismatch: instruction requires [i32] but stack has [i64]");
//! ```

// The embedder's surface is the crate root's re-exports, `syntax` (the
// types a module's imports and exports have), `lanes` and `fiber`; the
// decoder, validator, executor and store internals are the crate's own.
mod api;
mod binary;
mod exec;
mod features;
#[cfg(feature = "native-stack")]
pub mod fiber;
pub mod lanes;
mod module;
mod runtime;
pub mod syntax;
mod valid;

pub use api::*;
pub use binary::decode;
pub use exec::{Exit, SuspendReason, Suspended};
pub use features::Features;
pub use module::Module;
pub use runtime::GcStats;
pub use runtime::store::{MEM_ALIGN, MemBlock, Store};
