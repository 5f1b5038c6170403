/* Inverted dropout: kept units are scaled by 1/(1-p) in training, so
 * inference is the identity. The mask of row r is keyed by
 * (seed, step, global row, layer), never by a running stream. aux holds the
 * scaled mask (0 or 1/(1-p)). */
#include "core/rng.h"
#include "nn/layer.h"

void aaei_dropout_forward(const aaei_layer *L, const float *x, float *y,
                          float *aux, const aaei_pass *pass)
{
    size_t n = L->out;
    float keep_scale = 1.0f / (1.0f - L->setting.p);
    for (size_t r = 0; r < pass->rows; r++) {
        /* Fold the layer into the stream id so two dropout layers differ. */
        aaei_rng g = aaei_rng_keyed(pass->seed,
                                    AAEI_STREAM_DROPOUT + (pass->layer_index << 8),
                                    pass->step, aaei_row_key(&pass->keys, r));
        for (size_t j = 0; j < n; j++) {
            float m = aaei_rng_uniform(&g) < L->setting.p ? 0.0f : keep_scale;
            aux[r * n + j] = m;
            y[r * n + j] = x[r * n + j] * m;
        }
    }
}

void aaei_dropout_backward(const aaei_layer *L, const float *aux,
                           const float *dy, float *dx, size_t rows)
{
    size_t n = rows * L->out;
    for (size_t i = 0; i < n; i++) dx[i] = dy[i] * aux[i];
}
