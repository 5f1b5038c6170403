/* Hot element-wise loops compiled twice, for AVX2 and for the x86-64
 * baseline, the one to run picked once at load time (the shipped build
 * never assumes the machine it was built on). Either clone gives the same
 * bits: ISO C mode turns off FMA contraction, so both run the same IEEE
 * operations in the same order, only the vectors are wider. */
#ifndef AAEI_SIMD_H
#define AAEI_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(AAE_NO_CLONES)
#define AAEI_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define AAEI_CLONES
#endif

#endif
