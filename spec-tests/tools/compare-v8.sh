#!/usr/bin/env bash
# compare-v8.sh [TEST.js...]
#
# Runs every JS test of spec-tests/js/ (or the ones named) in our runner
# (`wasm-ref js`) and in V8 (headless Debian Chromium, through run-js.sh),
# and compares the two logs line by line. A `.js` test runs after our
# preludes (lib/builder.js, lib/check.js); a `.mjs` test, and each JSPI demo
# of examples/jspi/, is an ES module run as it is (a demo's timings are left
# out of the comparison).
#
# A test line is `ok - NAME` or `FAIL - NAME: why` (spec-tests/js/lib/check.js).
# Our runner must print no FAIL line (it follows the spec). V8 may fail a
# test only where proposal-notes/divergences.md explains it, with a heading
#     ### FILE.js: NAME
# for each such test; those lines are left out of the comparison. A listed
# divergence that V8 no longer shows is reported too, so the list stays true.
#
# Needs: a release build of wasm-ref (built here if missing), chromium.
# Env: RUN_JS (default spec-tests/tools/run-js.sh), WASM_REF (default
# target/release/wasm-ref).
set -u
cd "$(dirname "$0")/../.."
RUN_JS=${RUN_JS:-spec-tests/tools/run-js.sh}
WASM_REF=${WASM_REF:-target/release/wasm-ref}
JS=spec-tests/js
NOTES=proposal-notes/divergences.md
[ -x "$WASM_REF" ] || cargo build --release --bin wasm-ref || exit 2
command -v "${CHROMIUM:-chromium}" >/dev/null || { echo "compare-v8: chromium is not installed" >&2; exit 2; }

if [ $# -gt 0 ]; then tests=("$@"); else tests=("$JS"/*.js "$JS"/*.mjs examples/jspi/*.mjs); fi
work=$(mktemp -d /tmp/compare-v8.XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0; files=0; same=0; documented=0
for t in "${tests[@]}"; do
  name=$(basename "$t")
  files=$((files + 1))
  case "$t" in
  *.mjs)
    # An ES module runs as it is in both (its imports relative to itself).
    bash "$RUN_JS" "$t" > "$work/v8.log" 2> "$work/v8.err"
    v8_status=$?
    "$WASM_REF" js "$t" > "$work/ours.log" 2> "$work/ours.err"
    ours_status=$?
    # A demo prints timings: compare what comes before the first colon.
    case "$t" in examples/*)
      for f in "$work/v8.log" "$work/ours.log"; do sed -i 's/: .*μs.*$//' "$f"; done;;
    esac;;
  *)
    # V8: preludes and test as one ES module that waits for the async tests.
    cat "$JS/lib/builder.js" "$JS/lib/check.js" "$t" > "$work/$name.mjs"
    printf '\nawait globalThis.testsDone;\n' >> "$work/$name.mjs"
    bash "$RUN_JS" "$work/$name.mjs" > "$work/v8.log" 2> "$work/v8.err"
    v8_status=$?
    "$WASM_REF" js --prelude "$JS/lib/builder.js" --prelude "$JS/lib/check.js" "$t" > "$work/ours.log" 2> "$work/ours.err"
    ours_status=$?;;
  esac
  # The tests V8 is documented to fail in this file.
  grep -E "^### $name: " "$NOTES" 2>/dev/null | sed -E "s/^### $name: //" > "$work/listed"
  keep() { # drop the lines of listed tests
    awk -v listed="$work/listed" 'BEGIN { while ((getline l < listed) > 0) skip[l] = 1 }
      { n = $0; sub(/^(ok|FAIL) - /, "", n); sub(/: .*$/, "", n); if (!(n in skip)) print }' "$1"
  }
  problems=()
  [ "$ours_status" = 0 ] || problems+=("wasm-ref exited $ours_status: $(head -c 600 "$work/ours.err")")
  [ "$v8_status" = 0 ] || problems+=("V8 exited $v8_status: $(head -c 600 "$work/v8.err")")
  grep -q '^FAIL' "$work/ours.log" && problems+=("our runner fails: $(grep '^FAIL' "$work/ours.log" | head -5)")
  while IFS= read -r listed; do
    [ -z "$listed" ] && continue
    if grep -qF "FAIL - $listed" "$work/v8.log"; then
      documented=$((documented + 1))
    else
      problems+=("divergences.md lists '$listed' but V8 does not fail it (stale entry?)")
    fi
  done < "$work/listed"
  if ! diff <(keep "$work/ours.log") <(keep "$work/v8.log") > "$work/diff"; then
    problems+=("logs differ (< ours, > V8):
$(head -40 "$work/diff")")
  fi
  if [ ${#problems[@]} -eq 0 ]; then
    same=$((same + 1))
    echo "same: $name"
  else
    status=1
    echo "DIFFERENT: $name"
    for p in "${problems[@]}"; do echo "  $p"; done
  fi
done
echo "compare-v8: $same of $files files agree with V8, $documented documented divergences"
exit $status
