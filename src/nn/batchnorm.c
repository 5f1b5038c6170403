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

void aaei_batchnorm_forward(const aaei_layer *L, const float *params,
                            float *state, const float *x, float *y, float *aux,
                            size_t rows, int training)
{
    size_t n = L->out;
    const float *gamma = params, *beta = params + n;
    float *rmean = state, *rvar = state + n;
    if (!training) {
        for (size_t j = 0; j < n; j++) {
            float inv = 1.0f / sqrtf(rvar[j] + L->eps);
            float scale = gamma[j] * inv, shift = beta[j] - rmean[j] * scale;
            for (size_t r = 0; r < rows; r++)
                y[r * n + j] = x[r * n + j] * scale + shift;
        }
        return;
    }
    float *xhat = aux, *mean = aux + rows * n, *invstd = mean + n;
    float m = L->a;
    for (size_t j = 0; j < n; j++) {
        /* Two-pass mean/variance in double: stable for any batch size. */
        double s = 0.0;
        for (size_t r = 0; r < rows; r++) s += x[r * n + j];
        double mu = s / (double)rows, ss = 0.0;
        for (size_t r = 0; r < rows; r++) {
            double d = x[r * n + j] - mu;
            ss += d * d;
        }
        double var = ss / (double)rows;
        float inv = (float)(1.0 / sqrt(var + L->eps));
        mean[j] = (float)mu;
        invstd[j] = inv;
        for (size_t r = 0; r < rows; r++) {
            float h = (x[r * n + j] - (float)mu) * inv;
            xhat[r * n + j] = h;
            y[r * n + j] = h * gamma[j] + beta[j];
        }
        double unbiased = rows > 1 ? ss / (double)(rows - 1) : var;
        rmean[j] = (1.0f - m) * rmean[j] + m * (float)mu;
        rvar[j] = (1.0f - m) * rvar[j] + m * (float)unbiased;
    }
}

void aaei_batchnorm_backward(const aaei_layer *L, const float *params,
                             float *grads, const float *aux, const float *dy,
                             float *dx, size_t rows)
{
    size_t n = L->out;
    const float *gamma = params;
    float *dgamma = grads, *dbeta = grads + n;
    const float *xhat = aux, *invstd = aux + rows * n + n;
    for (size_t j = 0; j < n; j++) {
        float sum_dy = 0.0f, sum_dy_xhat = 0.0f;
        for (size_t r = 0; r < rows; r++) {
            sum_dy += dy[r * n + j];
            sum_dy_xhat += dy[r * n + j] * xhat[r * n + j];
        }
        dgamma[j] += sum_dy_xhat;
        dbeta[j] += sum_dy;
        if (!dx) continue;
        /* dx = gamma*invstd/N * (N*dy - sum(dy) - xhat*sum(dy*xhat)) */
        float k = gamma[j] * invstd[j] / (float)rows;
        for (size_t r = 0; r < rows; r++)
            dx[r * n + j] = k * ((float)rows * dy[r * n + j] - sum_dy -
                                 xhat[r * n + j] * sum_dy_xhat);
    }
}
