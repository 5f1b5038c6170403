#include "core/blas.h"

#include <stddef.h>
#include <string.h>

/* y = op(M) v + beta y, where M is `rows` x `cols` row-major with leading
 * dimension ld. With beta 0, y is cleared first: a BLAS may scale the old
 * y by 0, and stale NaNs in scratch would then survive. */
static void gemv(int trans, int rows, int cols, const float *m, int ld, const float *v, int incv, float beta,
                 float *y, int incy)
{
    if (beta == 0.0f) {
        int len = trans ? cols : rows;
        for (int i = 0; i < len; i++) y[(size_t)i * (size_t)incy] = 0.0f;
    }
    cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, rows, cols, 1.0f, m, ld, v, incv, beta, y,
                incy);
}

void aaei_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc)
{
    /* One row (a batch-1 encode) is a matrix-vector product: GEMV streams
     * the weights once, where several OpenBLAS kernels (Haswell, Zen) pack
     * them for GEMM first and run 5x slower. The row's bits may then differ
     * in the last place from the same row inside a batch (docs/design.md,
     * "What is reproducible"). */
    if (m == 1) {
        /* c^T = op(B)^T a^T: op(B) is k x n; B is stored n x k if trans_b. */
        gemv(!trans_b, trans_b ? n : k, trans_b ? k : n, b, ldb, a, trans_a ? lda : 1, beta, c, 1);
        return;
    }
    if (n == 1) {
        /* c = op(A) b: op(A) is m x k; A is stored k x m if trans_a. */
        gemv(trans_a, trans_a ? k : m, trans_a ? m : k, a, lda, b, trans_b ? 1 : ldb, beta, c, ldc);
        return;
    }
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, m,
                n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}
