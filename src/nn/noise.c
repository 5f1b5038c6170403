/* Additive Gaussian noise, y = x + std * N(0, 1), in training only (the
 * paper's corruption of the encoder's input); inference is the identity,
 * and so is the backward pass. Row r's draws are keyed by (seed, step,
 * global row, layer), like dropout's masks. */
#include "core/rng.h"
#include "nn/layer.h"

void aaei_noise_forward(const aaei_layer *L, const float *x, float *y, const aaei_pass *pass)
{
    size_t n = L->out;
    for (size_t r = 0; r < pass->rows; r++) {
        aaei_rng g = aaei_rng_keyed(pass->seed, AAEI_STREAM_INPUT_NOISE + (pass->layer_index << 8), pass->step,
                                    aaei_row_key(&pass->keys, r));
        for (size_t j = 0; j < n; j++) y[r * n + j] = x[r * n + j] + L->setting.std * aaei_rng_normal(&g);
    }
}
