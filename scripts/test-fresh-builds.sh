#!/bin/sh
# Builds every configuration (plain, SANITIZE=1, SANITIZE=thread,
# BLAS=reference) with `make -j2` in its own clean clone of this tree's
# HEAD: a rule that does not create its output directory fails here, where
# in a used tree another rule may have created it first.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for conf in "" SANITIZE=1 SANITIZE=thread BLAS=reference; do
    echo "fresh-builds: make -j2 $conf all test-build"
    rm -rf "$tmp/tree"
    git clone -q "$top" "$tmp/tree"
    make -C "$tmp/tree" -s -j2 $conf all test-build > /dev/null
done
echo "fresh-builds: each configuration builds from a clean tree"
