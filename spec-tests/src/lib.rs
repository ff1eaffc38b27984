//! The `.wast` runner (being written).
