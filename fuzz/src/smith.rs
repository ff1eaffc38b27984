//! Generating modules with `wasm-smith`, restricted to the features we
//! implement (GC is off: `Features::wasm3()`), and the feature sets
//! a case is checked under, in our terms and in wasmparser's.

use arbitrary::Unstructured;
use interp::Features;
use wasmparser::WasmFeatures;

/// The feature sets a case may be validated under: the official suite's
/// (decision D6: 1.0, 2.0, memory64 and function-references snapshots'
/// sets, everything implemented) and everything implemented minus some of
/// the proposals that add instructions only.
pub fn pick_features(u: &mut Unstructured<'_>) -> Features {
    let all = Features::wasm3();
    match u.int_in_range(0..=5u8).unwrap_or(0) {
        0 => Features::wasm1(),
        1 => Features::wasm2(),
        2 => Features {
            multi_memory: false,
            ..all
        },
        3 => Features {
            multi_memory: false,
            memory64: false,
            ..all
        },
        4 => {
            let mut f = all;
            let mut flip = |b: &mut bool| *b = u.arbitrary().unwrap_or(true);
            flip(&mut f.sign_extension);
            flip(&mut f.saturating_float_to_int);
            flip(&mut f.simd);
            flip(&mut f.relaxed_simd);
            flip(&mut f.tail_call);
            flip(&mut f.extended_const);
            flip(&mut f.exceptions);
            f.relaxed_simd &= f.simd;
            f
        }
        _ => all,
    }
}

/// Our features in wasmparser's terms.
pub fn wasmparser_features(f: &Features) -> WasmFeatures {
    let mut w = WasmFeatures::WASM1;
    w.set(WasmFeatures::MUTABLE_GLOBAL, f.mutable_global);
    w.set(WasmFeatures::SIGN_EXTENSION, f.sign_extension);
    w.set(
        WasmFeatures::SATURATING_FLOAT_TO_INT,
        f.saturating_float_to_int,
    );
    w.set(WasmFeatures::MULTI_VALUE, f.multi_value);
    w.set(WasmFeatures::BULK_MEMORY, f.bulk_memory);
    w.set(WasmFeatures::REFERENCE_TYPES, f.reference_types);
    w.set(WasmFeatures::SIMD, f.simd);
    w.set(WasmFeatures::RELAXED_SIMD, f.relaxed_simd);
    w.set(WasmFeatures::TAIL_CALL, f.tail_call);
    w.set(WasmFeatures::EXCEPTIONS, f.exceptions);
    w.set(WasmFeatures::LEGACY_EXCEPTIONS, f.exceptions);
    w.set(WasmFeatures::FUNCTION_REFERENCES, f.function_references);
    w.set(WasmFeatures::GC, f.gc);
    w.set(WasmFeatures::MULTI_MEMORY, f.multi_memory);
    w.set(WasmFeatures::MEMORY64, f.memory64);
    w.set(WasmFeatures::EXTENDED_CONST, f.extended_const);
    w
}

/// What the generated module is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Decoding and validation only: any size, any limits.
    Validate,
    /// Running it: small memories and tables with a maximum, exported
    /// everything, host functions from [`HOST_FUNCS`] as the only imports.
    Run,
}

/// The host functions a generated module may import (module `host`), which
/// every runner provides with the same meaning (see [`host_result`]):
/// `i32: [i32] -> [i32]`, `i64: [i64 i32] -> [i64]`, `f64: [f64] -> [f64]`,
/// `v: [] -> []`.
pub const HOST_FUNCS: [&str; 4] = ["i32", "i64", "f64", "v"];

/// What host function `name` returns for these arguments, as raw bits per
/// result (i32 and i64 as integers, f64 as its bits).
pub fn host_result(name: &str, args: &[u64]) -> Vec<u64> {
    match name {
        "i32" => vec![(args[0] as u32).wrapping_mul(3).wrapping_add(1) as u64],
        "i64" => vec![args[0].rotate_left(args[1] as u32 % 64) ^ 0x5555],
        "f64" => vec![args[0]],
        _ => vec![],
    }
}

/// A wasm-smith configuration drawn from `u`, with only the features in `f`
/// (each kept or dropped by `u`) and sizes that keep a case fast.
pub fn config(
    u: &mut Unstructured<'_>,
    f: &Features,
    purpose: Purpose,
) -> arbitrary::Result<wasm_smith::Config> {
    let mut c: wasm_smith::Config = u.arbitrary()?;
    let mut keep = |on: bool| -> arbitrary::Result<bool> { Ok(on && u.arbitrary::<u8>()? < 200) };
    c.sign_extension_ops_enabled = keep(f.sign_extension)?;
    c.saturating_float_to_int_enabled = keep(f.saturating_float_to_int)?;
    c.multi_value_enabled = keep(f.multi_value)?;
    c.bulk_memory_enabled = keep(f.bulk_memory)?;
    c.reference_types_enabled = keep(f.reference_types)?;
    c.simd_enabled = keep(f.simd)?;
    c.relaxed_simd_enabled = keep(f.relaxed_simd)? && c.simd_enabled;
    c.tail_call_enabled = keep(f.tail_call)?;
    c.exceptions_enabled = keep(f.exceptions)?;
    c.memory64_enabled = keep(f.memory64)?;
    c.extended_const_enabled = keep(f.extended_const)?;
    // wasm-smith ties typed function references to GC. Modules made only
    // to be validated have both when `f` has both; modules that run do
    // not, since wasmi, the runs' peer, has neither.
    c.gc_enabled = purpose == Purpose::Validate
        && c.reference_types_enabled
        && keep(f.gc && f.function_references)?;
    c.threads_enabled = false;
    c.shared_everything_threads_enabled = false;
    c.wide_arithmetic_enabled = false;
    c.custom_page_sizes_enabled = false;
    c.compact_imports_enabled = false;
    c.custom_descriptors_enabled = false;
    c.acquire_release_atomics_enabled = false;
    c.multibyte_array_access_enabled = false;
    if !f.multi_memory {
        c.max_memories = c.max_memories.min(1);
    }
    if !c.reference_types_enabled {
        c.max_tables = c.max_tables.min(1);
    }
    c.max_memories = c.max_memories.min(4);
    c.max_tables = c.max_tables.min(4);
    c.max_types = c.max_types.min(40);
    c.max_funcs = c.max_funcs.min(40);
    c.max_instructions = c.max_instructions.min(400);
    c.max_globals = c.max_globals.min(40);
    c.max_tags = c.max_tags.min(10);
    c.max_exports = c.max_exports.min(40);
    c.max_imports = c.max_imports.min(20);
    c.max_element_segments = c.max_element_segments.min(20);
    c.max_elements = c.max_elements.min(100);
    c.max_data_segments = c.max_data_segments.min(20);
    c.max_table_elements = c.max_table_elements.min(10_000);
    if purpose == Purpose::Run {
        c.max_memory32_bytes = c.max_memory32_bytes.min(4 << 16);
        c.max_memory64_bytes = c.max_memory64_bytes.min(4 << 16);
        c.max_table_elements = c.max_table_elements.min(1000);
        c.memory_max_size_required = true;
        c.table_max_size_required = true;
        c.export_everything = true;
        c.max_imports = 4;
        c.available_imports = Some(host_imports());
        // Relaxed SIMD results may differ between engines by the spec's
        // leave; the runs that compare with a peer switch it off.
    }
    Ok(c)
}

/// A module from wasm-smith, or `None` if the bytes ran out first.
pub fn module(u: &mut Unstructured<'_>, c: wasm_smith::Config) -> Option<wasm_smith::Module> {
    crate::shrink::tool(|| wasm_smith::Module::new(c, u).ok())
}

/// A module's bytes from wasm-smith, made to terminate (every loop and
/// call spends one of `fuel` units of a counter the module holds, then
/// traps), and noted for a panic's reproducer; `None` if the bytes ran out.
pub fn terminating_module(
    u: &mut Unstructured<'_>,
    c: wasm_smith::Config,
    fuel: u32,
) -> Option<Vec<u8>> {
    let mut m = module(u, c)?;
    m.ensure_termination(fuel).ok()?;
    let bytes = m.to_bytes();
    crate::shrink::note_module(&bytes);
    Some(bytes)
}

/// A module that imports [`HOST_FUNCS`], encoded by hand (wasm-smith
/// takes the imports it may use from such a module's import section).
fn host_imports() -> Vec<u8> {
    let mut b = vec![0, b'a', b's', b'm', 1, 0, 0, 0];
    let types: [&[u8]; 4] = [
        &[0x60, 1, 0x7f, 1, 0x7f],
        &[0x60, 2, 0x7e, 0x7f, 1, 0x7e],
        &[0x60, 1, 0x7c, 1, 0x7c],
        &[0x60, 0, 0],
    ];
    section(&mut b, 1, 4, &types.concat());
    let mut imports = Vec::new();
    for (i, name) in HOST_FUNCS.iter().enumerate() {
        imports.push(4);
        imports.extend_from_slice(b"host");
        imports.push(name.len() as u8);
        imports.extend_from_slice(name.as_bytes());
        imports.push(0);
        imports.push(i as u8);
    }
    section(&mut b, 2, 4, &imports);
    b
}

fn section(out: &mut Vec<u8>, id: u8, count: u8, body: &[u8]) {
    out.push(id);
    out.push((body.len() + 1) as u8);
    out.push(count);
    out.extend_from_slice(body);
}
