#!/bin/sh
# Fails if the shared library exports any symbol that does not start with aae_.
set -eu
lib=$1
bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBRVW]/ {print $3}' | grep -v '^aae_' || true)
if [ -n "$bad" ]; then
    echo "check-exports: $lib exports non-aae_ symbols:" >&2
    echo "$bad" >&2
    exit 1
fi
echo "check-exports: $(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBRVW]/' | wc -l) symbols, all aae_"
