//! Defects found by differential fuzzing (`fuzz/`) and by review, one test
//! each, named after the rule it checks.

use interp::{Error, Features, Module};

/// A module's bytes from the text format.
fn wasm(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("the test's module parses")
}

/// spec 1.0 5.5.12: in 1.0 an element segment starts with a table index,
/// so a first byte of 4 is table 4 (which does not exist: invalid), not
/// the 2.0 flag 4 (active, expressions, table 0).
#[test]
fn element_segment_first_byte_is_a_table_index_in_1_0() {
    // (table 1 funcref) and an element segment `04 (i32.const 0) vec()`.
    let bytes = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
        0x04, 0x04, 0x01, 0x70, 0x00, 0x01, // table section
        0x09, 0x06, 0x01, 0x04, 0x41, 0x00, 0x0b, 0x00, // element section
    ];
    assert_eq!(
        Module::new(&bytes, &Features::wasm1()).map(|_| ()),
        Err(Error::Invalid("unknown table 4".into()))
    );
    // With 2.0's encoding the same bytes are flag 4: table 0, no elements.
    assert!(Module::new(&bytes, &Features::wasm2()).is_ok());
    // A 1.0 segment of table 0 is still read as before.
    let ok = wasm("(module (table 1 funcref) (func) (elem (i32.const 0) 0))");
    assert!(Module::new(&ok, &Features::wasm1()).is_ok());
}

/// spec 1.0 5.5.14: in 1.0 a data segment starts with a memory index, so a
/// first byte of 1 is memory 1 (which does not exist: invalid), not the
/// bulk-memory flag 1 (passive).
#[test]
fn data_segment_first_byte_is_a_memory_index_in_1_0() {
    // (memory 1) and a data segment `01 (i32.const 0) vec()`.
    let bytes = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
        0x05, 0x03, 0x01, 0x00, 0x01, // memory section
        0x0b, 0x06, 0x01, 0x01, 0x41, 0x00, 0x0b, 0x00, // data section
    ];
    assert_eq!(
        Module::new(&bytes, &Features::wasm1()).map(|_| ()),
        Err(Error::Invalid("unknown memory 1".into()))
    );
}
