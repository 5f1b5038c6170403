#include "nn/layer.h"

#include <string.h>

size_t aaei_layer_aux_floats(const aaei_layer *L, size_t rows)
{
    switch (L->kind) {
    case AAEI_BATCHNORM: /* xhat, mean, invstd; for sync: 2n+1 reduction floats */
        return rows * L->out + 4 * L->out + 1;
    case AAEI_DROPOUT: return rows * L->out;                /* scaled mask */
    default: return 0;
    }
}

void aaei_layer_init(const aaei_layer *L, float *params, float *state,
                     uint64_t seed, uint64_t layer_index)
{
    if (L->kind == AAEI_DENSE) aaei_dense_init(L, params, seed, layer_index);
    if (L->kind == AAEI_BATCHNORM) aaei_batchnorm_init(L, params, state);
}

void aaei_layer_forward(const aaei_layer *L, const float *params, float *state,
                        const float *x, float *y, float *aux,
                        const aaei_pass *pass)
{
    switch (L->kind) {
    case AAEI_DENSE:
        aaei_dense_forward(L, params, x, y, pass->rows);
        break;
    case AAEI_BATCHNORM:
        aaei_batchnorm_forward(L, params, state, x, y, aux, pass->rows,
                               pass->training, pass->reduce);
        break;
    case AAEI_DROPOUT:
        if (pass->training && L->setting.p > 0.0f)
            aaei_dropout_forward(L, x, y, aux, pass);
        else if (y != x)
            memcpy(y, x, pass->rows * L->out * sizeof *y);
        break;
    case AAEI_GAUSSIAN_NOISE:
        if (pass->training && L->setting.std > 0.0f)
            aaei_noise_forward(L, x, y, pass);
        else if (y != x)
            memcpy(y, x, pass->rows * L->out * sizeof *y);
        break;
    default:
        aaei_activation_forward(L, x, y, pass->rows);
        break;
    }
}

void aaei_layer_backward(const aaei_layer *L, const float *params, float *grads,
                         const float *x, const float *y, float *aux,
                         const float *dy, float *dx, size_t rows, aaei_reduce *reduce)
{
    switch (L->kind) {
    case AAEI_DENSE:
        aaei_dense_backward(L, params, grads, x, dy, dx, rows);
        break;
    case AAEI_BATCHNORM:
        aaei_batchnorm_backward(L, params, grads, aux, dy, dx, rows, reduce);
        break;
    case AAEI_GAUSSIAN_NOISE:
        if (dx) memcpy(dx, dy, rows * L->out * sizeof *dx);
        break;
    case AAEI_DROPOUT:
        if (dx) {
            if (L->setting.p > 0.0f)
                aaei_dropout_backward(L, aux, dy, dx, rows);
            else
                memcpy(dx, dy, rows * L->out * sizeof *dx);
        }
        break;
    default:
        if (dx) aaei_activation_backward(L, x, y, dy, dx, rows);
        break;
    }
}
