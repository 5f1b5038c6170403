/* A program that knows libaae only through its installed header and
 * pkg-config: builds a small AAE, trains a few steps on synthetic rows,
 * encodes, checks the codes, and saves the model to argv[1] if given.
 * Exits non-zero on any failure. */
#include <aae/aae.h>
#include <math.h>
#include <stdio.h>

enum { ROWS = 32, WIDTH = 8 };

#define TRY(call)                                                                          \
    do {                                                                                   \
        aae_status st_ = (call);                                                           \
        if (st_ != AAE_OK) {                                                               \
            fprintf(stderr, "consumer: %s: %s (%s)\n", #call, aae_last_error(),            \
                    aae_status_name(st_));                                                 \
            return 1;                                                                      \
        }                                                                                  \
    } while (0)

int main(int argc, char **argv)
{
    if (aae_version() < AAE_VERSION_NUMBER) {
        fprintf(stderr, "consumer: library %s is older than header %s\n", aae_version_string(),
                AAE_VERSION_STRING);
        return 1;
    }
    float x[ROWS * WIDTH], z[ROWS * 2];
    for (int i = 0; i < ROWS * WIDTH; i++) x[i] = (float)((i * 7919) % 13) / 13.0f;
    aae_builder *b = NULL;
    aae_model *m = NULL;
    TRY(aae_builder_create(&b, AAE_PRESET_AAE));
    TRY(aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, WIDTH));
    TRY(aae_builder_set(b, AAE_OPTION_Z_WIDTH, 2));
    TRY(aae_builder_build(b, &m));
    aae_builder_free(b);
    for (uint64_t step = 0; step < 5; step++)
        TRY(aae_model_train_step(m, x, NULL, ROWS, NULL, NULL, 0, step, NULL));
    TRY(aae_model_encode(m, x, ROWS, z, NULL, NULL, 0));
    for (int i = 0; i < ROWS * 2; i++)
        if (!isfinite(z[i])) return fprintf(stderr, "consumer: code %d is not finite\n", i), 1;
    if (aae_model_encode(m, NULL, ROWS, z, NULL, NULL, 0) != AAE_ERR_INVALID_ARGUMENT) return 1;
    if (argc > 1) TRY(aae_model_save(m, argv[1]));
    aae_model_free(m);
    printf("consumer (C): libaae %s, %d rows encoded\n", aae_version_string(), ROWS);
    return 0;
}
