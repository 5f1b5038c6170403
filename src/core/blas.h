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

/* C = op(A) op(B) + beta C, row-major, alpha 1 (m x n result, inner k).
 * The benchmark wraps it at link time to record the shapes a call runs. */
void aaei_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc);

#endif
