#!/bin/sh
# Runs the Check suite and the bindings' tests once with OpenBLAS choosing
# its kernel ("auto") and once under each kernel this CPU can execute
# (scripts/blas-kernels.sh), checking that OpenBLAS reports the kernel asked
# for. Usage (from the top of the tree, after `make test-build`):
#   check-blas-kernels.sh TEST_BIN EXAMPLES_DIR   (MAKE: the make to call)
set -eu
bin=$1
examples=$2
make=${MAKE:-make}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run_all() { # kernel: OPENBLAS_CORETYPE is set (or unset for auto) by the caller
    (cd test && AAE_EXAMPLES_DIR="$examples" "../$bin") > "$log" 2>&1 || { cat "$log"; return 1; }
    core=$(sed -n 's/^libaae .*, BLAS: openblas \(.*\)$/\1/p' "$log")
    if [ "$1" != auto ] && [ "$core" != "$1" ]; then
        echo "check-blas-kernels: asked OpenBLAS for $1, it ran $core" >&2
        return 1
    fi
    echo "kernel $1 ($core): $(tail -n 1 "$log")"
    "$make" --no-print-directory python-test rust-test > "$log" 2>&1 || { cat "$log"; return 1; }
    # One line for both bindings: pytest's summary, cargo's results added up, or the skip lines.
    awk '/ passed| failed/ && !/^test result/ { py = $0 } /^test result:/ { rp += $4; rf += $6; rust = 1 }
         /skipp/ { print "  " $0 }
         END { if (py != "") printf "  python: %s\n", py; if (rust) printf "  rust: %d passed, %d failed\n", rp, rf }' "$log"
}

(unset OPENBLAS_CORETYPE && run_all auto)
kernels=$(sh scripts/blas-kernels.sh)
[ -n "$kernels" ] || echo "check-blas-kernels: skipped the kernel matrix: not an x86-64 CPU with /proc/cpuinfo"
for k in $kernels; do
    (OPENBLAS_CORETYPE=$k && export OPENBLAS_CORETYPE && run_all "$k")
done
