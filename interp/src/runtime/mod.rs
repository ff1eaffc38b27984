//! Runtime structure (spec 4.2): the store and the instances it owns.
//!
//! Values in tables and globals are kept as the executor's raw 64-bit slots
//! (decision D2); [`slot`] converts between slots and API [`Value`](crate::Value)s.
//! [`budget`] bounds what the store may allocate (decision D14).

pub mod budget;
pub mod slot;
pub mod store;
