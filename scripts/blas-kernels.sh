#!/bin/sh
# Prints the OpenBLAS x86-64 kernels (OPENBLAS_CORETYPE names) this CPU can
# execute, oldest first, judged by the instruction sets /proc/cpuinfo lists
# (the kernel lists only what the OS has enabled). Prints nothing on other
# architectures or where /proc/cpuinfo is missing.
[ "$(uname -m)" = x86_64 ] || exit 0
flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null) " || exit 0
has() {
    for f; do
        case $flags in *" $f "*) ;; *) return 1 ;; esac
    done
}
avx512="avx512f avx512cd avx512bw avx512dq avx512vl"
kernels=
has pni && kernels="$kernels Prescott"
has ssse3 && kernels="$kernels Core2"
has sse4_2 && kernels="$kernels Nehalem"
has avx && kernels="$kernels Sandybridge"
has avx2 fma && kernels="$kernels Haswell Zen"
has $avx512 && kernels="$kernels SkylakeX"
has $avx512 avx512_bf16 && kernels="$kernels Cooperlake"
echo $kernels
