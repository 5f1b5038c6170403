/* Synthetic data and small models shared by the model and trainer suites. */
#ifndef AAE_TEST_MODEL_FIXTURE_H
#define AAE_TEST_MODEL_FIXTURE_H

#include <stdlib.h>

#include "test_util.h"

#define MF_WIDTH 16
#define MF_CLASSES 4

/* Blobs: class c lights pixels [4c, 4c+4) at 0.9, the rest at 0.1, plus
 * uniform noise of +-0.05 — four well separated "digits". */
static inline void mf_blobs(float *x, int32_t *labels, size_t rows, uint64_t seed)
{
    tu_fill(x, rows * MF_WIDTH, seed, -0.05f, 0.05f);
    for (size_t r = 0; r < rows; r++) {
        int32_t c = (int32_t)(r % MF_CLASSES);
        labels[r] = c;
        for (size_t j = 0; j < MF_WIDTH; j++)
            x[r * MF_WIDTH + j] += (j / 4 == (size_t)c) ? 0.9f : 0.1f;
    }
}

/* A preset shrunk to the blobs: 16 inputs, 32-unit hidden layers. */
static inline aae_builder *mf_builder(aae_preset preset)
{
    aae_builder *b;
    if (aae_builder_create(&b, preset) != AAE_OK) return NULL;
    aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, MF_WIDTH);
    double yhead;
    aae_builder_get(b, AAE_OPTION_Y_HEAD, &yhead);
    if (yhead != AAE_Y_NONE || preset == AAE_PRESET_SUPERVISED_AAE)
        aae_builder_set(b, AAE_OPTION_CLASSES, MF_CLASSES);
    for (int p = 0; p < 5; p++) {
        size_t n;
        aae_builder_layer_count(b, (aae_part)p, &n);
        if (n == 0) continue;
        aae_builder_clear_layers(b, (aae_part)p);
        aae_builder_add_layer(b, (aae_part)p, 32, AAE_ACT_RELU, 0.0f, 0, 0.0f);
    }
    return b;
}

#endif
