#!/bin/sh
# Fails if the shared library exports any symbol that does not start with
# the prefix (default aae_).
set -eu
lib=$1
prefix=${2:-aae_}
bad=$(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBRVW]/ {print $3}' | grep -v "^$prefix" || true)
if [ -n "$bad" ]; then
    echo "check-exports: $lib exports symbols without the prefix $prefix:" >&2
    echo "$bad" >&2
    exit 1
fi
echo "check-exports: $(nm -D --defined-only "$lib" | awk '$2 ~ /[TDBRVW]/' | wc -l) symbols, all $prefix"
