//! Runtime structure (spec 4.2): the store and the instances it owns, and
//! the garbage-collected heap of structures, arrays and exceptions.
//!
//! Values in tables and globals are kept as the executor's raw 128-bit slots
//! (decision D2); [`slot`] converts between slots and API [`Value`](crate::Value)s.
//! [`budget`] bounds what the store may allocate (decision D19); `embedder`
//! has the store's methods for an embedder's own types and for arrays.

pub mod budget;
mod embedder;
pub(crate) mod heap;
pub mod slot;
pub mod store;

pub use heap::GcStats;
