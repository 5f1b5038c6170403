#!/bin/sh
# Tests the Rust bindings (bindings/rust) against an already built libaae.
# Building the library is not this script's job: run `make` first.
#
# Environment:
#   AAE_LIB_DIR      directory holding libaae.so (e.g. $(CURDIR)/lib); when
#                    set, pkg-config is not consulted
#   PKG_CONFIG_PATH  otherwise: directory holding aae.pc, e.g.
#                    PREFIX/lib/pkgconfig after `make install PREFIX=...`
#   CARGO            cargo command (default: cargo)
# Relative paths in both are taken from the caller's directory.
#
# Build output goes to lib/rust-target at the top of the tree. Runs
# `cargo test --offline` and `cargo build --offline --examples`; exits 0
# with a message when cargo is not installed.
set -eu

cargo=${CARGO:-cargo}
if ! command -v "$cargo" >/dev/null 2>&1; then
    echo "run-tests.sh: skipping the Rust binding tests: $cargo not found"
    exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

# Make paths absolute before leaving the caller's directory (the build
# script runs elsewhere and the library directory becomes an rpath).
absolute() {
    case $1 in
    /*) printf '%s' "$1" ;;
    *) (cd "$1" 2>/dev/null && pwd) || { echo "run-tests.sh: no directory $1" >&2; exit 1; } ;;
    esac
}
if [ -n "${AAE_LIB_DIR:-}" ]; then
    AAE_LIB_DIR=$(absolute "$AAE_LIB_DIR")
    export AAE_LIB_DIR
    echo "run-tests.sh: libaae from AAE_LIB_DIR=$AAE_LIB_DIR"
elif [ -n "${PKG_CONFIG_PATH:-}" ]; then
    dirs=
    old_ifs=$IFS
    IFS=:
    for d in $PKG_CONFIG_PATH; do
        [ -n "$d" ] && [ -d "$d" ] && d=$(absolute "$d")
        dirs=${dirs:+$dirs:}$d
    done
    IFS=$old_ifs
    PKG_CONFIG_PATH=$dirs
    export PKG_CONFIG_PATH
    echo "run-tests.sh: libaae from pkg-config, PKG_CONFIG_PATH=$PKG_CONFIG_PATH"
else
    echo "run-tests.sh: libaae from pkg-config's default search path"
fi

CARGO_TARGET_DIR=$top/lib/rust-target
export CARGO_TARGET_DIR

cd "$here"
"$cargo" test --offline
"$cargo" build --offline --examples
