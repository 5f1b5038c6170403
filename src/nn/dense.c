/* Fully connected layer, PyTorch's Linear: W is [out x in] row-major,
 * y = x W^T + b. Parameters: W then b. */
#include <math.h>
#include <string.h>

#include "core/blas.h"
#include "core/rng.h"
#include "nn/layer.h"

void aaei_dense_init(const aaei_layer *L, float *params, uint64_t seed,
                     uint64_t layer_index)
{
    /* kaiming_uniform_(a = sqrt(5)) gives bound = 1/sqrt(fan_in); PyTorch's
     * bias init uses the same bound. */
    float bound = 1.0f / sqrtf((float)L->in);
    float *w = params, *b = params + L->out * L->in;
    for (size_t o = 0; o < L->out; o++) {
        aaei_rng r = aaei_rng_keyed(seed, AAEI_STREAM_INIT, layer_index, o);
        for (size_t i = 0; i < L->in; i++)
            w[o * L->in + i] = aaei_rng_range(&r, -bound, bound);
        b[o] = aaei_rng_range(&r, -bound, bound);
    }
}

void aaei_dense_init_normal(const aaei_layer *L, float *params, uint64_t seed, uint64_t layer_index,
                            float std)
{
    float *w = params, *b = params + L->out * L->in;
    for (size_t o = 0; o < L->out; o++) {
        aaei_rng r = aaei_rng_keyed(seed, AAEI_STREAM_INIT, layer_index, o);
        for (size_t i = 0; i < L->in; i++) w[o * L->in + i] = std * aaei_rng_normal(&r);
        b[o] = 0.0f;
    }
}

void aaei_dense_forward(const aaei_layer *L, const float *params,
                        const float *x, float *y, size_t rows)
{
    const float *w = params, *b = params + L->out * L->in;
    for (size_t r = 0; r < rows; r++) memcpy(y + r * L->out, b, L->out * sizeof *y);
    aaei_sgemm(0, 1, (int)rows, (int)L->out, (int)L->in, x, (int)L->in, w, (int)L->in, 1.0f, y,
               (int)L->out);
}

void aaei_dense_backward(const aaei_layer *L, const float *params,
                         float *grads, const float *x, const float *dy,
                         float *dx, size_t rows)
{
    const float *w = params;
    float *dw = grads, *db = grads + L->out * L->in;
    /* dW += dy^T x, accumulated like PyTorch's .grad */
    aaei_sgemm(1, 0, (int)L->out, (int)L->in, (int)rows, dy, (int)L->out, x, (int)L->in, 1.0f, dw,
               (int)L->in);
    for (size_t r = 0; r < rows; r++) {
        const float *d = dy + r * L->out;
        for (size_t o = 0; o < L->out; o++) db[o] += d[o];
    }
    if (dx)
        aaei_sgemm(0, 0, (int)rows, (int)L->in, (int)L->out, dy, (int)L->out, w, (int)L->in, 0.0f, dx,
                   (int)L->in);
}
