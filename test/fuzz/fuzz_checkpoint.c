/* libFuzzer target: any bytes given to aae_model_load_memory either load a
 * model that then works, or are refused with a status; never a crash, a
 * leak or an allocation beyond what the input can justify. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "aae/aae.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aae_model *m = NULL;
    if (aae_model_load_memory(&m, data, size) != AAE_OK) return 0;
    /* A model that loads must encode a row. */
    double in = 0, zw = 0;
    aae_model_get(m, AAE_OPTION_INPUT_WIDTH, &in);
    aae_model_get(m, AAE_OPTION_Z_WIDTH, &zw);
    float *x = calloc((size_t)in, sizeof *x), *z = calloc((size_t)zw, sizeof *z);
    if (x && z && aae_model_encode(m, x, 1, z, NULL, NULL, 0) != AAE_OK) abort();
    free(x);
    free(z);
    aae_model_free(m);
    return 0;
}
