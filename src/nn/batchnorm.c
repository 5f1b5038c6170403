/* BatchNorm1d as PyTorch's: normalize with the biased batch variance, track
 * the running variance with the unbiased one, running = (1-m)*running + m*batch.
 * Parameters: gamma then beta. State: running mean then running var.
 * aux (training): xhat [rows x n], mean [n], invstd [n], then 2n+1 floats
 * for synchronized batch norm: the sums being reduced and the global count. */
#include <math.h>

#include "core/simd.h"
#include "nn/layer.h"

void aaei_batchnorm_init(const aaei_layer *L, float *params, float *state)
{
    size_t n = L->out;
    for (size_t i = 0; i < n; i++) {
        params[i] = 1.0f;      /* gamma */
        params[n + i] = 0.0f;  /* beta */
        state[i] = 0.0f;       /* running mean */
        state[n + i] = 1.0f;   /* running var */
    }
}

/* Features are processed in blocks of BLOCK columns, streaming the rows:
 * each feature's sums still run over the rows in order (the numerics of a
 * column-by-column loop), but memory is read row by row and the inner
 * loops vectorize. */
enum { BLOCK = 64 };

static size_t block_width(size_t n, size_t j0) { return n - j0 < BLOCK ? n - j0 : BLOCK; }

/* s[j] = sum over rows of (x[., j0+j] - shift[j]) ^ power (power 1 or 2). */
AAEI_CLONES
static void column_sums(const float *x, size_t n, size_t rows, size_t j0, size_t nb,
                        const double *shift, int power, double *s)
{
    for (size_t j = 0; j < nb; j++) s[j] = 0.0;
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < nb; j++) {
            double d = x[r * n + j0 + j] - (shift ? shift[j] : 0.0);
            s[j] += power == 2 ? d * d : d;
        }
}

/* Records column j's batch mean and (biased) variance over `count` rows:
 * mean and invstd for backward, the running statistics for inference. */
static void set_stats(const aaei_layer *L, float *state, float *mean, float *invstd, size_t j,
                      double mu, double ss, double count)
{
    size_t n = L->out;
    float m = L->setting.momentum;
    double var = ss / count, unbiased = count > 1 ? ss / (count - 1) : var;
    mean[j] = (float)mu;
    invstd[j] = (float)(1.0 / sqrt(var + L->eps));
    state[j] = (1.0f - m) * state[j] + m * mean[j];
    state[n + j] = (1.0f - m) * state[n + j] + m * (float)unbiased;
}

AAEI_CLONES
static void normalize(const aaei_layer *L, const float *params, const float *x, float *y,
                      float *xhat, const float *mean, const float *invstd, size_t rows)
{
    size_t n = L->out;
    const float *gamma = params, *beta = params + n;
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        float *hr = xhat + r * n, *yr = y + r * n;
        for (size_t j = 0; j < n; j++) {
            float h = (xr[j] - mean[j]) * invstd[j];
            hr[j] = h;
            yr[j] = h * gamma[j] + beta[j];
        }
    }
}

/* Two-pass mean/variance in double over this process's rows. */
static void local_stats(const aaei_layer *L, float *state, const float *x, float *mean,
                        float *invstd, size_t rows)
{
    size_t n = L->out;
    double s[BLOCK], ss[BLOCK], mu[BLOCK];
    for (size_t j0 = 0; j0 < n; j0 += BLOCK) {
        size_t nb = block_width(n, j0);
        column_sums(x, n, rows, j0, nb, NULL, 1, s);
        for (size_t j = 0; j < nb; j++) mu[j] = s[j] / (double)rows;
        column_sums(x, n, rows, j0, nb, mu, 2, ss);
        for (size_t j = 0; j < nb; j++)
            set_stats(L, state, mean, invstd, j0 + j, mu[j], ss[j], (double)rows);
    }
}

/* The same two passes with each pass's sums (and the row count) summed
 * across processes: the statistics of the global batch. */
static void synced_stats(const aaei_layer *L, float *state, const float *x, float *mean,
                         float *invstd, float *red, size_t rows, aaei_reduce *reduce)
{
    size_t n = L->out;
    double s[BLOCK], mu[BLOCK];
    for (size_t j0 = 0; j0 < n; j0 += BLOCK) {
        size_t nb = block_width(n, j0);
        column_sums(x, n, rows, j0, nb, NULL, 1, s);
        for (size_t j = 0; j < nb; j++) red[j0 + j] = (float)s[j];
    }
    red[n] = (float)rows;
    reduce->status = reduce->sum(reduce->ctx, red, n + 1);
    if (reduce->status != AAE_OK) return;
    double count = red[n];
    red[2 * n] = red[n]; /* the global count, for backward */
    for (size_t j = 0; j < n; j++) mean[j] = (float)(red[j] / count);
    for (size_t j0 = 0; j0 < n; j0 += BLOCK) {
        size_t nb = block_width(n, j0);
        for (size_t j = 0; j < nb; j++) mu[j] = mean[j0 + j];
        column_sums(x, n, rows, j0, nb, mu, 2, s);
        for (size_t j = 0; j < nb; j++) red[j0 + j] = (float)s[j];
    }
    reduce->status = reduce->sum(reduce->ctx, red, n);
    if (reduce->status != AAE_OK) return;
    for (size_t j = 0; j < n; j++) set_stats(L, state, mean, invstd, j, mean[j], red[j], count);
}

AAEI_CLONES
void aaei_batchnorm_forward(const aaei_layer *L, const float *params,
                            float *state, const float *x, float *y, float *aux,
                            size_t rows, int training, aaei_reduce *reduce)
{
    size_t n = L->out;
    const float *gamma = params, *beta = params + n;
    float *rmean = state, *rvar = state + n;
    if (!training) {
        float scale[BLOCK], shift[BLOCK];
        for (size_t j0 = 0; j0 < n; j0 += BLOCK) {
            size_t nb = block_width(n, j0);
            for (size_t j = 0; j < nb; j++) {
                float inv = 1.0f / sqrtf(rvar[j0 + j] + L->eps);
                scale[j] = gamma[j0 + j] * inv;
                shift[j] = beta[j0 + j] - rmean[j0 + j] * scale[j];
            }
            for (size_t r = 0; r < rows; r++)
                for (size_t j = 0; j < nb; j++) y[r * n + j0 + j] = x[r * n + j0 + j] * scale[j] + shift[j];
        }
        return;
    }
    float *xhat = aux, *mean = aux + rows * n, *invstd = mean + n, *red = invstd + n;
    if (reduce) {
        if (reduce->status != AAE_OK) return;
        synced_stats(L, state, x, mean, invstd, red, rows, reduce);
        if (reduce->status != AAE_OK) return;
    } else {
        local_stats(L, state, x, mean, invstd, rows);
    }
    normalize(L, params, x, y, xhat, mean, invstd, rows);
}

AAEI_CLONES
void aaei_batchnorm_backward(const aaei_layer *L, const float *params,
                             float *grads, float *aux, const float *dy,
                             float *dx, size_t rows, aaei_reduce *reduce)
{
    size_t n = L->out;
    const float *gamma = params;
    float *dgamma = grads, *dbeta = grads + n;
    const float *xhat = aux, *invstd = aux + rows * n + n;
    /* Synchronized: sums of dy and dy*xhat over the global batch. */
    float *sum_dy = aux + rows * n + 2 * n, *sum_dy_xhat = sum_dy + n;
    for (size_t j0 = 0; j0 < n; j0 += BLOCK) {
        size_t nb = block_width(n, j0);
        float s[BLOCK] = {0}, sx[BLOCK] = {0};
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < nb; j++) {
                s[j] += dy[r * n + j0 + j];
                sx[j] += dy[r * n + j0 + j] * xhat[r * n + j0 + j];
            }
        for (size_t j = 0; j < nb; j++) {
            dgamma[j0 + j] += sx[j];
            dbeta[j0 + j] += s[j];
            sum_dy[j0 + j] = s[j];
            sum_dy_xhat[j0 + j] = sx[j];
        }
    }
    if (!dx) return;
    float count = (float)rows;
    if (reduce) {
        if (reduce->status != AAE_OK) return;
        reduce->status = reduce->sum(reduce->ctx, sum_dy, 2 * n);
        if (reduce->status != AAE_OK) return;
        count = sum_dy[2 * n];
    }
    /* dx = gamma*invstd/N * (N*dy - sum(dy) - xhat*sum(dy*xhat)) */
    for (size_t j0 = 0; j0 < n; j0 += BLOCK) {
        size_t nb = block_width(n, j0);
        float k[BLOCK];
        for (size_t j = 0; j < nb; j++) k[j] = gamma[j0 + j] * invstd[j0 + j] / count;
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < nb; j++)
                dx[r * n + j0 + j] = k[j] * (count * dy[r * n + j0 + j] - sum_dy[j0 + j] -
                                             xhat[r * n + j0 + j] * sum_dy_xhat[j0 + j]);
    }
}
