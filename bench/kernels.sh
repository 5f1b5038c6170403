#!/bin/sh
# `make bench-kernels`: libaae's encoding rows (one thread) under each
# OpenBLAS kernel this CPU can execute, with a batch-1 encode's share of its
# weight-read floor (reading the encoder's weights once).
#   BENCH=path/to/bench  WINDOWS=5
set -eu
cd "$(dirname "$0")/.."
: "${BENCH:?path to the bench binary}" "${WINDOWS:=5}"
kernels=$(sh scripts/blas-kernels.sh)
[ -n "$kernels" ] || { echo "bench-kernels: no OpenBLAS x86-64 kernels to choose from here"; exit 0; }
printf "%-12s %-7s %12s %12s %12s %8s\n" kernel arch encode_b1 read_floor encode_b64 b1/floor
for k in $kernels; do
    OPENBLAS_CORETYPE=$k "$BENCH" --encode-only 1 --windows "$WINDOWS" | awk -v k="$k" '
        $1 == "libaae.blas" { core = $3 }
        { v[$1] = $2; a = $1; sub(/\..*/, "", a); if (a != "libaae" && !(a in seen)) { seen[a] = 1; order[n++] = a } }
        END {
            if (core != k) { printf "bench-kernels: asked for %s, OpenBLAS ran %s\n", k, core; exit 1 }
            for (i = 0; i < n; i++) { a = order[i]
                printf "%-12s %-7s %12s %12s %12s %8.2f\n", k, a, v[a ".encode_b1"], v[a ".encode_b1.read_floor"],
                    v[a ".encode_b64"], v[a ".encode_b1"] / v[a ".encode_b1.read_floor"] }
        }'
done
