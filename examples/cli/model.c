/* What the commands that read a saved model share. */
#include <math.h>

#include "cli.h"

aae_model *cli_load_model(const cli *c)
{
    aae_model *m = NULL;
    aae_status st = aae_model_load(&m, c->model);
    if (st != AAE_OK) {
        fprintf(stderr, CLI_PROG ": cannot load the model: %s (%s)\n", aae_last_error(), aae_status_string(st));
        return NULL;
    }
    return m;
}

size_t cli_model_size(const aae_model *m, aae_option o)
{
    double v = 0;
    return aae_model_get(m, o, &v) == AAE_OK && v > 0 ? (size_t)v : 0;
}

void cli_output_range(const aae_model *m, const float *x, size_t n, float *lo, float *hi)
{
    double out = AAE_OUTPUT_LINEAR;
    aae_model_get(m, AAE_OPTION_OUTPUT, &out);
    *lo = (int)out == AAE_OUTPUT_TANH ? -1.0f : 0.0f;
    *hi = 1.0f;
    if ((int)out != AAE_OUTPUT_LINEAR || !n) return;
    *lo = *hi = x[0];
    for (size_t i = 1; i < n; i++) {
        if (x[i] < *lo) *lo = x[i];
        if (x[i] > *hi) *hi = x[i];
    }
    if (*hi <= *lo) *hi = *lo + 1.0f;
}
