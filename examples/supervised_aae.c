/* Supervised adversarial autoencoder on MNIST (the SUPERVISED_AAE preset):
 * the decoder reads [z, one-hot label], so the label carries the digit and
 * the 2-D z only the style. After each epoch it writes a grid whose rows
 * share one z drawn from the prior and whose columns are the digits 0-9:
 * style kept, content chosen. */
#include <stdio.h>
#include <stdlib.h>

#include "common/ex.h"

static int after_epoch(const ex_session *s, int epoch, const double *m)
{
    (void)m;
    char name[64];
    snprintf(name, sizeof name, "styles_epoch%02d.png", epoch);
    return ex_write_styles(s->a, s->model, name);
}

int main(int argc, char **argv)
{
    ex_args a = ex_defaults("supervised_aae", 10);
    int p = ex_parse(argc, argv, &a, "Supervised adversarial autoencoder on MNIST: style in z, digit from the label.",
                     NULL);
    if (p) return p == 1 ? 0 : 2;
    if (ex_setup_images(&a)) return 1;

    ex_session s = {.a = &a, .after_epoch = after_epoch};
    int rc = ex_open(&s, AAE_PRESET_SUPERVISED_AAE, NULL, 0) || ex_train(&s);
    if (!rc) {
        printf("supervised_aae: %d epochs in %.0f s, test MSE %.4f (pixels in [0, 1], as in log.csv)\n",
               s.epochs_done, s.seconds, s.metrics[AAE_METRIC_MSE]);
        printf("supervised_aae: pictures in %s (styles_epoch*.png: rows share z, columns are 0-9; "
               "loss_curves.png), log %s/log.csv, model %s/supervised_aae.model\n", a.out, a.out, a.out);
    }
    ex_close(&s);
    return rc;
}
