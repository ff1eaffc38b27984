#!/usr/bin/env bash
# run-upstream.sh [--ours-only] ROOT [FILE.any.js...]
#
# Runs WPT-style JS API test files (`.any.js`, unchanged) as a browser would
# and as `wasm-ref js` does, and prints one line per file:
#     FILE  ours P/T  V8 P/T
# (subtests passed / run, with `!` when the harness did not finish OK), then a
# last line with the totals. ROOT is the folder that `/wasm/jsapi/` stands for
# in the files' `// META: script=` lines: a checkout's `test/js-api/` (of
# WebAssembly/spec or a proposal repository) or WPT's `wasm/jsapi/`. Without
# FILEs, every `.any.js` under ROOT runs.
#
# Each file runs as classic scripts of one realm, in order: WPT's
# testharness.js, spec-tests/js/wpt/legacy-asserts.js (the older assertions
# some files of the WebAssembly repositories still use), report.js (one line per result), the
# META scripts, the file, spec-tests/js/wpt/done.js. In V8 they are the
# `<script>` elements of one page (run-js.sh --classic).
# The logs stay in $UPSTREAM_LOGS (default /tmp/upstream-logs), one
# FILE.ours.log / FILE.v8.log per file, for a closer look.
#
# These files are not part of the repository (CI cannot fetch them); this
# script is for local runs. proposal-notes/upstream-js-api.md records the
# results.
#
# Needs: a release build of wasm-ref, testharness.js (fetched with npm by
# fetch-testharness.sh), chromium unless --ours-only.
# Env: WASM_REF (default target/release/wasm-ref), RUNJS_TIMEOUT (per file in
# V8, default 600), OURS_TIMEOUT (per file in wasm-ref, default 600).
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
WASM_REF=${WASM_REF:-$here/target/release/wasm-ref}
LOGS=${UPSTREAM_LOGS:-/tmp/upstream-logs}
v8=1
[ "${1:-}" = "--ours-only" ] && { v8=0; shift; }
root=${1:?usage: run-upstream.sh [--ours-only] ROOT [FILE.any.js...]}
root=$(cd "$root" && pwd) || exit 2
shift
wpt=$here/spec-tests/js/wpt
th=$here/target/wpt/testharness.js
[ -s "$th" ] || bash "$here/spec-tests/tools/fetch-testharness.sh" "$here/target/wpt" || exit 2
[ -x "$WASM_REF" ] || { echo "run-upstream: build wasm-ref first (cargo build --release --bin wasm-ref)" >&2; exit 2; }
if [ $# -gt 0 ]; then files=("$@"); else mapfile -t files < <(cd "$root" && find . -name '*.any.js' | sed 's|^\./||' | sort); fi
mkdir -p "$LOGS"

# The META scripts of a file, as paths, in order.
metas() {
  local file=$1 dir
  dir=$(dirname "$file")
  sed -n 's|^// META: script=||p' "$file" | while IFS= read -r s; do
    case "$s" in
      /wasm/jsapi/*) echo "$root/${s#/wasm/jsapi/}" ;;
      /*) echo "run-upstream: $file: cannot map META script $s" >&2 ;;
      *) echo "$dir/$s" ;;
    esac
  done
}

# "P/T" from a log, with "!" unless the harness ended OK.
score() {
  local log=$1 p t mark="!"
  p=$(grep -c '^PASS - ' "$log")
  t=$(grep -cE '^(PASS|FAIL|TIMEOUT|NOTRUN|PRECONDITION_FAILED) - ' "$log")
  grep -q '^DONE - .* harness OK$' "$log" && mark=""
  echo "$p/$t$mark"
}

tp=0; tt=0; vp=0; vt=0
for rel in "${files[@]}"; do
  file=$root/${rel#"$root"/}
  [ -f "$file" ] || { echo "run-upstream: no file $file" >&2; continue; }
  rel=${file#"$root"/}
  mapfile -t pre < <(metas "$file")
  log=$LOGS/${rel//\//__}
  args=(--prelude "$th" --prelude "$wpt/legacy-asserts.js" --prelude "$wpt/report.js")
  for p in "${pre[@]}"; do args+=(--prelude "$p"); done
  timeout -k 5 "${OURS_TIMEOUT:-600}" "$WASM_REF" js "${args[@]}" "$file" "$wpt/done.js" > "$log.ours.log" 2> "$log.ours.err"
  ours=$(score "$log.ours.log")
  tp=$((tp + ${ours%%/*})); x=${ours#*/}; tt=$((tt + ${x%!}))
  line=$(printf '%-58s ours %-10s' "$rel" "$ours")
  if [ $v8 = 1 ]; then
    RUNJS_TIMEOUT=${RUNJS_TIMEOUT:-600} bash "$here/spec-tests/tools/run-js.sh" --classic \
      "$th" "$wpt/legacy-asserts.js" "$wpt/report.js" "${pre[@]}" "$file" "$wpt/done.js" -- --enable-features=SharedArrayBuffer,WebAssemblyUnlimitedSyncCompilation \
      > "$log.v8.log" 2> "$log.v8.err"
    theirs=$(score "$log.v8.log")
    vp=$((vp + ${theirs%%/*})); x=${theirs#*/}; vt=$((vt + ${x%!}))
    line="$line V8 $theirs"
  fi
  echo "$line"
done
if [ $v8 = 1 ]; then
  echo "total: ours $tp/$tt, V8 $vp/$vt (logs in $LOGS)"
else
  echo "total: ours $tp/$tt (logs in $LOGS)"
fi
