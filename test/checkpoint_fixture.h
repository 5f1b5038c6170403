/* Small checkpoints for the checkpoint suites: a tiny model's bytes, and
 * the CRC fixed after a deliberate edit. */
#ifndef AAE_TEST_CHECKPOINT_FIXTURE_H
#define AAE_TEST_CHECKPOINT_FIXTURE_H

#include <stdlib.h>

#include "core/crc32.h"
#include "model_fixture.h"

/* A tiny model keeps the exhaustive corruption loops fast. */
static inline uint8_t *tiny_checkpoint(size_t *size)
{
    aae_builder *b;
    aae_model *m;
    TU_ASSERT_OK(aae_builder_create(&b, AAE_PRESET_AAE));
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, 3));
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_Z_WIDTH, 2));
    for (int p = 0; p < 3; p++) {
        TU_ASSERT_OK(aae_builder_clear_layers(b, (aae_part)p));
        TU_ASSERT_OK(aae_builder_add_layer(b, (aae_part)p, 3, AAE_ACT_RELU, 0, p == 0, 0));
    }
    TU_ASSERT_OK(aae_builder_build(b, &m));
    float x[4 * 3] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 0.1f, 0.3f, 0.5f};
    TU_ASSERT_OK(aae_model_train_step(m, x, NULL, 4, NULL, NULL, 0, 0, NULL));
    TU_ASSERT_OK(aae_model_save_memory(m, NULL, 0, size));
    uint8_t *buf = malloc(*size);
    TU_ASSERT_OK(aae_model_save_memory(m, buf, *size, size));
    aae_model_free(m);
    aae_builder_free(b);
    return buf;
}

static inline void refresh_crc(uint8_t *buf, size_t size)
{
    uint32_t c = aaei_crc32(buf, size - 16);
    for (int i = 0; i < 4; i++) buf[size - 4 + (size_t)i] = (uint8_t)(c >> (8 * i));
}

#endif
