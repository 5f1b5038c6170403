#!/bin/sh
# abidiff of a built libaae against the baseline abi/libaae.abi must find no
# change to existing functions or types (scripts/abi-check.sh compares the
# exported symbols; `make abi-baseline` regenerates the baseline).
set -eu
cd "$(dirname "$0")/.."
lib=${1:-lib/libaae.so.0}
now=$(mktemp)
trap 'rm -f "$now"' EXIT
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
