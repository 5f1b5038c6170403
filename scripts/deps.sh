#!/bin/sh
# What building and testing libaae needs, looked for the way the build uses
# it (commands on PATH, pkg-config modules, headers, Python modules), never
# by asking a package manager what is installed.
#
#   deps.sh NEED...   Every NEED found: exit 0. Otherwise, as root where
#                     apt-get exists, install what is missing; elsewhere
#                     print it with its Debian and Fedora packages and exit 1.
#                     An optional NEED (a test tool) that stays missing is
#                     left to its target, which skips with a line; under
#                     CI=true it is required like the rest.
#   deps.sh --or-skip TARGET 'NEED...' CMD [ARG...]
#                     Run CMD when every NEED is found; otherwise print
#                     "TARGET: skipped: ..." and exit 0 (CI=true: exit 1).
# PKG_CONFIG, PYTHON, CC and CXX name the tools the build uses.
set -eu

# The one map of needs: name, Debian package(s), Fedora package(s) (+ joins
# two), req(uired to build and test) or opt(ional: only some tests use it),
# and the test that finds it.
table='
cc          gcc                         gcc                 req cmd ${CC:-cc}
c++         g++                         gcc-c++             req cmd ${CXX:-c++}
pkg-config  pkg-config                  pkgconf-pkg-config  req cmd $pkg_config
openblas    libopenblas-dev             openblas-devel      req pc openblas
blas-netlib libblas-dev                 blas-devel          req pc blas-netlib && hdr cblas-netlib.h blas-netlib
libpng      libpng-dev                  libpng-devel        req pc libpng
check       check                       check-devel         req pc check
doxygen     doxygen                     doxygen             req cmd doxygen
valgrind    valgrind                    valgrind            opt cmd valgrind
abidiff     abigail-tools               libabigail          opt cmd abidiff && cmd abidw
mpi         libopenmpi-dev+openmpi-bin  openmpi-devel       opt cmd mpicc && cmd mpirun
cargo       cargo                       cargo               opt cargo_reads_lock
numpy       python3-numpy               python3-numpy       opt py numpy
pytest      python3-pytest              python3-pytest      opt py pytest
torch       python3-torch               python3-torch       opt py torch
clang       clang                       clang+compiler-rt   opt cmd clang
cmake       cmake                       cmake               opt cmd cmake
venv        python3-venv                python3-libs        opt py ensurepip && py venv
setuptools  python3-setuptools          python3-setuptools  opt py setuptools
wheel       python3-wheel               python3-wheel       opt py wheel
'
pkg_config=${PKG_CONFIG:-pkg-config}
top=$(cd "$(dirname "$0")/.." && pwd)
cmd() { command -v "$1"; }
pc() { $pkg_config --exists "$1"; }
py() { "${PYTHON:-python3}" -c "import $1"; }
# A cargo too old for the bindings' Cargo.lock (Debian 12's) counts as none.
cargo_reads_lock() { cargo metadata --offline --no-deps --format-version 1 --manifest-path "$top/bindings/rust/Cargo.toml"; }
# hdr HEADER MODULE: the compiler finds HEADER with MODULE's flags.
hdr() { echo "#include <$1>" | ${CC:-cc} -E $($pkg_config --cflags "$2") -; }

# field NEED N: column N of NEED's row (5: the test, to the end of the line).
field() {
    printf '%s\n' "$table" | awk -v n="$1" -v c="$2" '
        $1 == n { if (c < 5) print $c; else { $1 = $2 = $3 = $4 = ""; sub(/^ */, ""); print } }'
}
# missing NEED...: those not found.
missing() {
    for n in "$@"; do
        t=$(field "$n" 5)
        [ -n "$t" ] || { echo "deps.sh: unknown need '$n'" >&2; exit 2; }
        eval "$t" >/dev/null 2>&1 || printf '%s ' "$n"
    done
}
# packages COLUMN NEED...: their Debian (2) or Fedora (3) packages.
packages() {
    c=$1; shift
    for n in "$@"; do field "$n" "$c"; done | tr '+' '\n' | awk '!seen[$0]++' | tr '\n' ' ' | sed 's/ $//'
}
names() { echo "Debian: $(packages 2 "$@"), Fedora: $(packages 3 "$@")"; }

[ $# -gt 0 ] || { echo "usage: deps.sh NEED... | deps.sh --or-skip TARGET 'NEED...' CMD [ARG...]" >&2; exit 2; }
if [ "$1" = --or-skip ]; then
    target=$2 needs=$3
    shift 3
    absent=$(missing $needs) || exit 2
    [ -n "$absent" ] || exec "$@"
    set -- $absent
    if [ "${CI:-}" = true ]; then
        echo "$target: $* not found ($(names "$@")); CI=true requires it" >&2
        exit 1
    fi
    echo "$target: skipped: $* not found ($(names "$@"))"
    exit 0
fi

absent=$(missing "$@") || exit 2
[ -n "$absent" ] || exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    pkgs=$(packages 2 $absent)
    echo "deps: installing $pkgs"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
    absent=$(missing "$@")
fi
# A missing optional test tool only stops CI.
required() { for n in "$@"; do [ "$(field "$n" 4)" = opt ] || printf '%s ' "$n"; done; }
[ "${CI:-}" = true ] || absent=$(required $absent)
[ -n "$absent" ] || exit 0
set -- $absent
{
    echo "deps: not found: $*"
    echo "  Debian: apt-get install $(packages 2 "$@")   (make run as root installs them)"
    echo "  Fedora: dnf install $(packages 3 "$@")"
} >&2
exit 1
