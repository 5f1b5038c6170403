/* BatchNorm1d as PyTorch's: normalize with the biased batch variance, track
 * the running variance with the unbiased one, running = (1-m)*running + m*batch.
 * Parameters: gamma then beta. State: running mean then running var.
 * aux (training): xhat [rows x n], then mean [n], then invstd [n]. */
#include <math.h>

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

static void normalize_block(const aaei_layer *L, const float *params, float *state, const float *x,
                            float *y, float *xhat, float *mean, float *invstd, size_t rows, size_t j0,
                            size_t nb)
{
    size_t n = L->out;
    const float *gamma = params + j0, *beta = params + n + j0;
    float *rmean = state + j0, *rvar = state + n + j0, m = L->a;
    /* Two-pass mean/variance in double: stable for any batch size. */
    double s[BLOCK] = {0}, ss[BLOCK] = {0}, mu[BLOCK];
    float muf[BLOCK], inv[BLOCK];
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < nb; j++) s[j] += x[r * n + j0 + j];
    for (size_t j = 0; j < nb; j++) mu[j] = s[j] / (double)rows;
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < nb; j++) {
            double d = x[r * n + j0 + j] - mu[j];
            ss[j] += d * d;
        }
    for (size_t j = 0; j < nb; j++) {
        double var = ss[j] / (double)rows;
        inv[j] = (float)(1.0 / sqrt(var + L->eps));
        muf[j] = (float)mu[j];
        mean[j0 + j] = muf[j];
        invstd[j0 + j] = inv[j];
        double unbiased = rows > 1 ? ss[j] / (double)(rows - 1) : var;
        rmean[j] = (1.0f - m) * rmean[j] + m * muf[j];
        rvar[j] = (1.0f - m) * rvar[j] + m * (float)unbiased;
    }
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * n + j0;
        float *hr = xhat + r * n + j0, *yr = y + r * n + j0;
        for (size_t j = 0; j < nb; j++) {
            float h = (xr[j] - muf[j]) * inv[j];
            hr[j] = h;
            yr[j] = h * gamma[j] + beta[j];
        }
    }
}

void aaei_batchnorm_forward(const aaei_layer *L, const float *params,
                            float *state, const float *x, float *y, float *aux,
                            size_t rows, int training)
{
    size_t n = L->out;
    const float *gamma = params, *beta = params + n;
    float *rmean = state, *rvar = state + n;
    if (!training) {
        float scale[BLOCK], shift[BLOCK];
        for (size_t j0 = 0; j0 < n; j0 += BLOCK) {
            size_t nb = n - j0 < BLOCK ? n - j0 : BLOCK;
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
    float *xhat = aux, *mean = aux + rows * n, *invstd = mean + n;
    for (size_t j0 = 0; j0 < n; j0 += BLOCK)
        normalize_block(L, params, state, x, y, xhat, mean, invstd, rows, j0, n - j0 < BLOCK ? n - j0 : BLOCK);
}

void aaei_batchnorm_backward(const aaei_layer *L, const float *params,
                             float *grads, const float *aux, const float *dy,
                             float *dx, size_t rows)
{
    size_t n = L->out;
    const float *gamma = params;
    float *dgamma = grads, *dbeta = grads + n;
    const float *xhat = aux, *invstd = aux + rows * n + n;
    for (size_t j0 = 0; j0 < n; j0 += BLOCK) {
        size_t nb = n - j0 < BLOCK ? n - j0 : BLOCK;
        float sum_dy[BLOCK] = {0}, sum_dy_xhat[BLOCK] = {0}, k[BLOCK];
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < nb; j++) {
                sum_dy[j] += dy[r * n + j0 + j];
                sum_dy_xhat[j] += dy[r * n + j0 + j] * xhat[r * n + j0 + j];
            }
        for (size_t j = 0; j < nb; j++) {
            dgamma[j0 + j] += sum_dy_xhat[j];
            dbeta[j0 + j] += sum_dy[j];
            k[j] = gamma[j0 + j] * invstd[j0 + j] / (float)rows;
        }
        if (!dx) continue;
        /* dx = gamma*invstd/N * (N*dy - sum(dy) - xhat*sum(dy*xhat)) */
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < nb; j++)
                dx[r * n + j0 + j] = k[j] * ((float)rows * dy[r * n + j0 + j] - sum_dy[j] -
                                             xhat[r * n + j0 + j] * sum_dy_xhat[j]);
    }
}
