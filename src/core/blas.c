#include "core/blas.h"

#include <stddef.h>

/* Shapes of the GEMMs run while tracing (benchmarks only; one thread). */
static aaei_gemm_shape *trace_buf;
static size_t trace_cap, trace_len;

void aaei_gemm_trace(aaei_gemm_shape *buf, size_t cap)
{
    trace_buf = buf;
    trace_cap = cap;
    trace_len = 0;
}

size_t aaei_gemm_traced(void)
{
    return trace_len;
}

void aaei_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc)
{
    if (trace_buf) {
        if (trace_len < trace_cap)
            trace_buf[trace_len] = (aaei_gemm_shape){trans_a, trans_b, m, n, k, beta != 0.0f};
        trace_len++;
    }
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, m,
                n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}
