/* aae-cli: train, encode, generate, reconstruct and inspect libaae models
 * on any data from the command line (IDX, NumPy .npy, CSV).
 *
 *   aae-cli train --preset vae --input x.npy --out run --epochs 20
 *   aae-cli encode --model run/model.aae --input x.npy --output z.npy
 *
 * Named aae-cli so that it does not collide with the `aae` example (the
 * README's quick start). Exit status: 0 success, 1 failure, 2 usage. */
#include <string.h>

#include "cli.h"

int main(int argc, char **argv)
{
    cli c = {0};
    int p = cli_parse(argc, argv, &c);
    if (p) return p == 1 ? 0 : 2;
    if (strcmp(c.cmd, "train") && strcmp(c.cmd, "info")) {
        aae_status st = aae_set_num_threads(c.a.threads);
        if (st != AAE_OK) {
            fprintf(stderr, CLI_PROG ": --threads: %s\n", aae_last_error());
            return 1;
        }
    }
    if (!strcmp(c.cmd, "train")) return cli_train(&c);
    if (!strcmp(c.cmd, "encode")) return cli_encode(&c);
    if (!strcmp(c.cmd, "reconstruct")) return cli_reconstruct(&c);
    if (!strcmp(c.cmd, "generate")) return cli_generate(&c);
    return cli_info(&c);
}
