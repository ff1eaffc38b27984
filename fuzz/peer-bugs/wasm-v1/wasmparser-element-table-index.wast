;; Run with WebAssembly 1.0 features (the folder's name says so, as for the
;; official suite's wasm-v1/). In 1.0 an element segment starts with a
;; table index (spec 1.0 5.5.12: `elem ::= x:tableidx e:expr y*:vec(funcidx)`);
;; wasmparser 0.263 with WASM1 features reads 2.0's flags 2 there (explicit
;; table index, element kind) and accepts both modules below. Found by
;; `fuzz --target validate` (seed 2, cases 4699, 42994, 145295).

;; Table 2 (bytes 02), then the offset expression `00 41 00 0b`
;; (unreachable; i32.const 0), no functions, and a byte left over.
(assert_malformed
  (module binary
    "\00asm\01\00\00\00"
    "\04\04\01\70\00\01"                    ;; (table 1 funcref)
    "\09\08\01\02\00\41\00\0b\00\00")       ;; element section
  "section size mismatch")

;; Two segments that read well both ways. In 1.0: table 2 with the offset
;; `00 41 00 0b` and no functions, then table 0 likewise: well-formed, but
;; 1.0 has one table at most, so table 2 is unknown. (Read with 2.0's
;; flags, as wasmparser does: flags 2, table 0, no functions; flags 0, no
;; functions.)
(assert_invalid
  (module binary
    "\00asm\01\00\00\00"
    "\04\04\01\70\00\01"                            ;; (table 1 funcref)
    "\09\0d\02\02\00\41\00\0b\00\00\00\41\00\0b\00")  ;; element section
  "unknown table")
