/* The model and steps behind test/golden/v1_semi.aae, a checkpoint that
 * libaae 0.1.0 wrote in format version 1 (commit a09f588, by
 * make_v1_checkpoint.c): a tiny semi-supervised AAE after 3 steps. The
 * phases suite loads it, checks that the state it holds survives a save in
 * today's format byte for byte, and resumes it with v1_train. */
#ifndef AAE_TEST_V1_FIXTURE_H
#define AAE_TEST_V1_FIXTURE_H

#include <stdint.h>

#include "aae/aae.h"

enum { V1_W = 6, V1_ROWS = 8, V1_STEPS = 3 };

static inline aae_status v1_build(aae_model **m)
{
    aae_builder *b;
    aae_status st = aae_builder_create(&b, AAE_PRESET_SEMI_SUPERVISED_AAE);
    if (st != AAE_OK) return st;
    aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, V1_W);
    aae_builder_set(b, AAE_OPTION_Z_WIDTH, 2);
    aae_builder_set(b, AAE_OPTION_CLASSES, 3);
    aae_builder_set(b, AAE_OPTION_SEED, 7);
    for (int p = 0; p <= 4; p++) {
        aae_builder_clear_layers(b, (aae_part)p);
        aae_builder_add_layer(b, (aae_part)p, 5, AAE_ACT_RELU, 0.0f, p == 0, 0.0f);
    }
    aae_builder_set_optimizer(b, AAE_PART_DECODER, AAE_OPTIMIZER_SGD);
    aae_builder_set_optimizer_param(b, AAE_PART_DECODER, AAE_OPT_MOMENTUM, 0.9);
    st = aae_builder_build(b, m);
    aae_builder_free(b);
    return st;
}

static inline aae_status v1_train(aae_model *m)
{
    float x[V1_ROWS * V1_W];
    int32_t y[V1_ROWS];
    for (int i = 0; i < V1_ROWS * V1_W; i++) x[i] = (float)((i * 37) % 17) / 17.0f;
    for (int r = 0; r < V1_ROWS; r++) y[r] = r % 3;
    for (uint64_t s = 0; s < V1_STEPS; s++) {
        aae_status st = aae_model_train_step(m, x, y, V1_ROWS, x, y, 4, s, NULL);
        if (st != AAE_OK) return st;
    }
    return AAE_OK;
}

#endif
