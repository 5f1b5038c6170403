/* Hot element-wise loops compiled twice, for AVX2 and for the x86-64
 * baseline, the one to run picked once at load time (the shipped build
 * never assumes the machine it was built on). Either clone gives the same
 * bits: ISO C mode turns off FMA contraction, so both run the same IEEE
 * operations in the same order, only the vectors are wider. */
#ifndef AAEI_SIMD_H
#define AAEI_SIMD_H

/* Not under ThreadSanitizer: the loader runs the clones' resolvers before
 * the sanitizer's runtime is up, and the instrumented resolver crashes. */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define AAEI_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define AAEI_TSAN 1
#endif

/* GCC only: clang 14 does not resolve clones of functions called from
 * other files (the fuzz build uses clang). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(AAE_NO_CLONES) && \
    !defined(AAEI_TSAN)
#define AAEI_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define AAEI_CLONES
#endif

#endif
