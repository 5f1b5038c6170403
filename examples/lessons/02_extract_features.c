/* Lesson 2: load a saved model and extract features (its codes z).
 *
 *   02_extract_features [model-file]    (default vae.model, from lesson 1)
 *
 * aae_model_encode reads the model only, so many threads may call it at
 * once; rows of the model's input width go in, z (the posterior mean for a
 * VAE) comes out. */
#include <stdio.h>
#include <stdlib.h>

#include <aae/aae.h>

enum { ROWS = 4 };

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "vae.model";
    aae_model *model = NULL;
    if (aae_model_load(&model, path) != AAE_OK) {
        fprintf(stderr, "cannot load %s: %s\n", path, aae_last_error());
        return 1;
    }
    double in = 0, zw = 0;
    aae_model_get(model, AAE_OPTION_INPUT_WIDTH, &in);
    aae_model_get(model, AAE_OPTION_Z_WIDTH, &zw);
    size_t width = (size_t)in, nz = (size_t)zw;
    float *x = malloc(ROWS * width * sizeof *x), *z = malloc(ROWS * nz * sizeof *z);
    int failed = !x || !z;
    for (size_t i = 0; !failed && i < ROWS; i++) /* lesson 1's two kinds of row, alternating */
        for (size_t j = 0; j < width; j++)
            x[i * width + j] = ((j < width / 2) == (i % 2)) ? 0.9f : 0.1f * (float)(j % 3);
    /* NULL scratch: the call allocates its own (pass aae_model_scratch floats
     * to encode without allocating, e.g. in a loop). */
    if (!failed && aae_model_encode(model, x, ROWS, z, NULL, NULL, 0) != AAE_OK) {
        fprintf(stderr, "encode: %s\n", aae_last_error());
        failed = 1;
    }
    for (size_t i = 0; !failed && i < ROWS; i++) {
        printf("row %zu:", i);
        for (size_t k = 0; k < nz; k++) printf(" %8.4f", (double)z[i * nz + k]);
        printf("\n");
    }
    free(x);
    free(z);
    aae_model_free(model);
    return failed;
}
