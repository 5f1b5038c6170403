/* Supervised adversarial autoencoder on MNIST (the SUPERVISED_AAE preset):
 * the decoder reads [z, one-hot label], so the label carries the digit and
 * the 2-D z only the style. After each epoch it writes a grid whose rows
 * share one z drawn from the prior and whose columns are the digits 0-9:
 * style kept, content chosen. */
#include <stdio.h>
#include <stdlib.h>

#include "common/draw.h"
#include "common/ex.h"

enum { ROWS = 10, DIGITS = 10 };

static int write_styles(const ex_args *a, const aae_model *model, int epoch)
{
    double zw = 0;
    aae_model_get(model, AAE_OPTION_Z_WIDTH, &zw);
    size_t w = (size_t)zw, n = ROWS * DIGITS;
    float *style = malloc(ROWS * w * sizeof *style), *z = malloc(n * w * sizeof *z);
    float *c = calloc(n * DIGITS, sizeof *c), *x = malloc(n * EX_PIXELS * sizeof *x);
    char path[EX_PATH_MAX], name[64];
    int rc = !style || !z || !c || !x ||
             aae_model_sample_prior(model, ROWS, a->seed + 99, NULL, style) != AAE_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        for (size_t k = 0; k < w; k++) z[i * w + k] = style[(i / DIGITS) * w + k];
        c[i * DIGITS + i % DIGITS] = 1.0f;
    }
    snprintf(name, sizeof name, "styles_epoch%02d.png", epoch);
    if (!rc)
        rc = aae_model_decode(model, z, c, n, x, NULL, 0) != AAE_OK ||
             draw_image_grid(ex_path(path, a, name), x, n, EX_IMAGE_SIDE, EX_IMAGE_SIDE, DIGITS, -1.0f, 1.0f);
    if (rc) fprintf(stderr, "%s: writing %s failed: %s\n", a->prog, name, aae_last_error());
    free(style);
    free(z);
    free(c);
    free(x);
    return rc;
}

static int after_epoch(const ex_session *s, int epoch, const double *m)
{
    (void)m;
    return write_styles(s->a, s->model, epoch);
}

int main(int argc, char **argv)
{
    ex_args a = ex_defaults("supervised_aae", 10);
    int p = ex_parse(argc, argv, &a, "Supervised adversarial autoencoder on MNIST: style in z, digit from the label.",
                     NULL);
    if (p) return p == 1 ? 0 : 2;
    if (ex_setup(&a)) return 1;

    ex_session s = {.a = &a, .after_epoch = after_epoch};
    int rc = ex_open(&s, AAE_PRESET_SUPERVISED_AAE, NULL, 0) || ex_train(&s);
    if (!rc) {
        printf("supervised_aae: %d epochs in %.0f s, test MSE %.4f (pixels in [0,1])\n", s.epochs_done,
               s.seconds, s.metrics[AAE_METRIC_MSE] / 4);
        printf("supervised_aae: pictures in %s (styles_epoch*.png: rows share z, columns are 0-9; "
               "loss_curves.png), log %s/log.csv, model %s/supervised_aae.model\n", a.out, a.out, a.out);
    }
    ex_close(&s);
    return rc;
}
