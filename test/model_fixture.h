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

/* The data-parallel tests' model (test_parallel.c, test/mpi/test_mpi.c):
 * batch norm in the encoder, dropout in the decoder, noise on
 * the discriminator's input and a Gaussian posterior: every random draw
 * and every cross-row statistic of a step (`phases`: the paper's separate
 * generator phase instead of the preset's joint loss). SGD keeps the comparison tight
 * (Adam divides by tiny gradients' magnitudes and amplifies rounding). */
static inline aae_model *mf_parallel_model(aae_preset preset, uint64_t seed, int sgd, int phases)
{
    aae_builder *b = mf_builder(preset);
    ck_assert_ptr_nonnull(b);
    aae_builder_clear_layers(b, AAE_PART_ENCODER);
    aae_builder_add_layer(b, AAE_PART_ENCODER, 32, AAE_ACT_LEAKY_RELU, 0.2f, 1, 0.0f);
    aae_builder_add_layer(b, AAE_PART_ENCODER, 24, AAE_ACT_RELU, 0.0f, 1, 0.0f);
    aae_builder_clear_layers(b, AAE_PART_DECODER);
    aae_builder_add_layer(b, AAE_PART_DECODER, 32, AAE_ACT_RELU, 0.0f, 0, 0.25f);
    if (phases) aae_builder_set(b, AAE_OPTION_JOINT_GENERATOR, 0); /* the paper's three phases */
    aae_builder_set(b, AAE_OPTION_DISC_NOISE, 0.3);
    aae_builder_set(b, AAE_OPTION_SEED, (double)seed);
    for (int p = 0; sgd && p < 5; p++) {
        aae_builder_set_optimizer(b, (aae_part)p, AAE_OPTIMIZER_SGD);
        aae_builder_set_optimizer_param(b, (aae_part)p, AAE_OPT_LR, 0.05);
        aae_builder_set_optimizer_param(b, (aae_part)p, AAE_OPT_MOMENTUM, 0.9);
    }
    aae_model *m = NULL;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_builder_free(b);
    return m;
}

#endif
