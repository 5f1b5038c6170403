/* The CBLAS header of the BLAS chosen at build time (see Makefile BLAS=),
 * and the one row-major sgemm every layer calls. */
#ifndef AAEI_BLAS_H
#define AAEI_BLAS_H

#include <stddef.h>

#if defined(AAE_BLAS_REFERENCE)
#include <cblas-netlib.h>
#else
#include <cblas.h>
#endif

/* C = op(A) op(B) + beta C, row-major, alpha 1 (m x n result, inner k). */
void aaei_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc);

/* One GEMM's shape, for the benchmark's efficiency figure. */
typedef struct aaei_gemm_shape {
    int trans_a, trans_b, m, n, k, accumulate;
} aaei_gemm_shape;

/* Records the shapes of the following GEMMs into buf (up to cap; NULL
 * stops); aaei_gemm_traced() counts them. Not thread-safe: benchmarks only. */
void aaei_gemm_trace(aaei_gemm_shape *buf, size_t cap);
size_t aaei_gemm_traced(void);

#endif
