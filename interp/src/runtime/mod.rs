//! Runtime structure (spec 4.2): the store and the instances it owns.

pub mod store;
