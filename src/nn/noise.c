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
        /* In chunks of an even size, so the draws are those of one call for
         * the whole row; y may be x. */
        enum { CHUNK = 256 };
        float e[CHUNK];
        for (size_t j0 = 0; j0 < n; j0 += CHUNK) {
            size_t c = n - j0 < CHUNK ? n - j0 : CHUNK;
            aaei_rng_normals(&g, e, c);
            for (size_t j = 0; j < c; j++) y[r * n + j0 + j] = x[r * n + j0 + j] + L->setting.std * e[j];
        }
    }
}
