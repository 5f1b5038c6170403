#!/bin/sh
# ABI guard for lib/libaae.so: its exported symbols (with their version
# node) must equal abi/symbols.txt (scripts/abi-types.sh compares types
# against abi/libaae.abi). Both files change only on purpose: a new function
# is added to symbols.txt (and the baseline regenerated with `make
# abi-baseline`); a removal or an incompatible change also needs a SONAME bump.
set -eu
cd "$(dirname "$0")/.."
lib=${1:-lib/libaae.so.0}
now=$(mktemp)
trap 'rm -f "$now"' EXIT
nm -D --defined-only "$lib" | awk '$2 ~ /[TDBRVW]/ {print $3}' | LC_ALL=C sort > "$now"
if ! cmp -s abi/symbols.txt "$now"; then
    echo "abi-check: exported symbols differ from abi/symbols.txt" >&2
    LC_ALL=C comm -23 abi/symbols.txt "$now" | sed 's/^/  removed: /' >&2
    LC_ALL=C comm -13 abi/symbols.txt "$now" | sed 's/^/  added:   /' >&2
    echo "  (removing a symbol breaks the ABI; an added one goes into abi/symbols.txt)" >&2
    exit 1
fi
echo "abi-check: $(wc -l < "$now") exported symbols match abi/symbols.txt"
