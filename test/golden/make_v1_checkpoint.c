/* Wrote test/golden/v1_semi.aae with libaae at commit a09f588 (format
 * version 1):  cc -Iinclude test/golden/make_v1_checkpoint.c -Llib -laae
 * && ./a.out test/golden/v1_semi.aae */
#include <stdio.h>

#include "v1_fixture.h"

int main(int argc, char **argv)
{
    aae_model *m;
    if (argc != 2 || v1_build(&m) != AAE_OK || v1_train(m) != AAE_OK || aae_model_save(m, argv[1]) != AAE_OK) {
        fprintf(stderr, "make_v1_checkpoint: %s\n", aae_last_error());
        return 1;
    }
    aae_model_free(m);
    return 0;
}
