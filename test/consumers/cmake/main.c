/* The CMake consumer (docs/embedding.md): knows libaae only through
 * find_package(aae CONFIG). Checks the library against the header, builds
 * a VAE, encodes one row, prints the library's version. */
#include <aae/aae.h>
#include <stdio.h>

int main(void)
{
    if (aae_version() < AAE_VERSION_NUMBER) {
        fprintf(stderr, "library %s older than header %s\n", aae_version_string(), AAE_VERSION_STRING);
        return 1;
    }
    aae_builder *b = NULL;
    aae_model *m = NULL;
    float x[8] = {0}, z[2];
    aae_status st = aae_builder_create(&b, AAE_PRESET_VAE);
    if (st == AAE_OK) st = aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, 8);
    if (st == AAE_OK) st = aae_builder_set(b, AAE_OPTION_Z_WIDTH, 2);
    if (st == AAE_OK) st = aae_builder_build(b, &m);
    if (st == AAE_OK) st = aae_model_encode(m, x, 1, z, NULL, NULL, 0);
    aae_model_free(m);
    aae_builder_free(b);
    if (st != AAE_OK) {
        fprintf(stderr, "aae: %s\n", aae_last_error());
        return 1;
    }
    printf("libaae %s\n", aae_version_string());
    return 0;
}
