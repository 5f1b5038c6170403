/* Element-wise activations and the row-wise softmax, forward and backward.
 * Backward uses the saved output where the derivative is a function of it. */
#include <math.h>

#include "nn/layer.h"

static void softmax_rows(const float *x, float *y, size_t rows, size_t n)
{
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        float *yr = y + r * n;
        float m = xr[0];
        for (size_t i = 1; i < n; i++) m = xr[i] > m ? xr[i] : m;
        float s = 0.0f;
        for (size_t i = 0; i < n; i++) s += yr[i] = expf(xr[i] - m);
        float inv = 1.0f / s;
        for (size_t i = 0; i < n; i++) yr[i] *= inv;
    }
}

void aaei_activation_forward(const aaei_layer *L, const float *x, float *y,
                             size_t rows)
{
    size_t n = rows * L->out;
    float slope = L->a;
    switch (L->kind) {
    case AAEI_RELU:
        for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    case AAEI_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : x[i] * slope;
        break;
    case AAEI_SIGMOID:
        for (size_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
        break;
    case AAEI_TANH:
        for (size_t i = 0; i < n; i++) y[i] = tanhf(x[i]);
        break;
    case AAEI_SOFTMAX:
        softmax_rows(x, y, rows, L->out);
        break;
    default:
        break;
    }
}

void aaei_activation_backward(const aaei_layer *L, const float *x,
                              const float *y, const float *dy, float *dx,
                              size_t rows)
{
    size_t n = rows * L->out;
    float slope = L->a;
    switch (L->kind) {
    case AAEI_RELU: /* PyTorch: gradient 0 at x == 0 */
        for (size_t i = 0; i < n; i++) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
        break;
    case AAEI_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) dx[i] = x[i] > 0.0f ? dy[i] : dy[i] * slope;
        break;
    case AAEI_SIGMOID:
        for (size_t i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1.0f - y[i]);
        break;
    case AAEI_TANH:
        for (size_t i = 0; i < n; i++) dx[i] = dy[i] * (1.0f - y[i] * y[i]);
        break;
    case AAEI_SOFTMAX:
        for (size_t r = 0; r < rows; r++) {
            const float *yr = y + r * L->out, *dr = dy + r * L->out;
            float *xr = dx + r * L->out;
            float dot = 0.0f;
            for (size_t i = 0; i < L->out; i++) dot += dr[i] * yr[i];
            for (size_t i = 0; i < L->out; i++) xr[i] = yr[i] * (dr[i] - dot);
        }
        break;
    default:
        break;
    }
}
