#!/bin/sh
# ABI guard for lib/libaae.so: its exported symbols (with their version
# node) must equal abi/symbols.txt, and, where Debian's abigail-tools is
# installed, abidiff against the baseline abi/libaae.abi must find no
# incompatible change. Both files change only on purpose: a new function is
# added to symbols.txt (and the baseline regenerated with `make abi-baseline`);
# a removal or an incompatible change also needs a SONAME bump.
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
if ! command -v abidiff >/dev/null 2>&1; then
    echo "abi-check: abidiff not installed (Debian abigail-tools); skipping the type-level comparison"
    exit 0
fi
rc=0
abidiff --headers-dir2 include/aae --no-added-syms abi/libaae.abi "$lib" > "$now" || rc=$?
# abidiff's status is a bit field: 1/2 = error, 4 = a change, 8 = an
# incompatible one. Added functions are filtered out (--no-added-syms); any
# change to an existing function or type (a parameter type, an enum value)
# breaks callers built against the old header, so it fails too.
if [ "$rc" -ne 0 ]; then
    cat "$now" >&2
    echo "abi-check: abidiff found an ABI change against abi/libaae.abi (status $rc)" >&2
    exit 1
fi
echo "abi-check: abidiff finds no change to existing functions or types against abi/libaae.abi"
