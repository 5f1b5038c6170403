#!/bin/sh
# Installs the Debian packages that building and testing libaae need, when
# they are missing and we are root; otherwise prints the apt-get line.
# DEPS=build: only what building the library and examples needs (the demo);
# otherwise also the test tools. BLAS=reference adds Debian's reference
# BLAS. Extra packages: $AAE_EXTRA_PKGS.
set -eu
pkgs="gcc make pkg-config libopenblas-dev libpng-dev"
[ "${DEPS:-test}" = build ] ||
    pkgs="$pkgs g++ check valgrind abigail-tools python3-numpy python3-pytest libopenmpi-dev openmpi-bin"
pkgs="$pkgs ${AAE_EXTRA_PKGS:-}"
[ "${BLAS:-openblas}" = reference ] && pkgs="$pkgs libblas-dev"
missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "deps: missing packages; run as root:" >&2
    echo "  apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
