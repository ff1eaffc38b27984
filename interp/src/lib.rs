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

pub mod api;
pub mod binary;
pub mod exec;
pub mod features;
#[cfg(feature = "native-stack")]
pub mod fiber;
pub mod lanes;
pub mod module;
pub mod runtime;
pub mod syntax;
pub mod valid;

pub use api::*;
pub use exec::{Exit, SuspendReason, Suspended};
pub use features::Features;
pub use module::Module;
pub use runtime::store::Store;
