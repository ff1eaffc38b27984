#!/usr/bin/env bash
# fetch-testharness.sh DIR
#
# Puts the Web Platform Tests' testharness.js in DIR, taken from the npm
# package wpt-runner (which ships a copy of it), so that WPT-style tests
# (`.any.js` files) run in `wasm-ref js` unchanged:
#   wasm-ref js --prelude DIR/testharness.js --prelude spec-tests/js/wpt/report.js \
#               --prelude spec-tests/js/lib/builder.js TEST.any.js spec-tests/js/wpt/done.js
# Needs npm (Debian's `npm` package) and the npm registry.
set -euo pipefail
dir=${1:?usage: fetch-testharness.sh DIR}
mkdir -p "$dir"
[ -s "$dir/testharness.js" ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent wpt-runner@7.0.0 >/dev/null)
tar xzf "$tmp"/wpt-runner-7.0.0.tgz -C "$tmp" package/testharness/testharness.js
mv "$tmp/package/testharness/testharness.js" "$dir/testharness.js.part"
mv "$dir/testharness.js.part" "$dir/testharness.js"
