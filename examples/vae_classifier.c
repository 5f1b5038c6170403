/* VAE with a classifier head on MNIST (the VAE_CLASSIFIER preset): a
 * classifier reads x and predicts y, the decoder reads [z, y], and the loss
 * is the VAE's (BCE summed per image + KL) plus the classifier's
 * cross-entropy. After each epoch it writes a grid generated with the digit
 * dimensions set (column = digit) and z drawn from the prior, and prints
 * the classifier's test accuracy and how often it reads a generated digit
 * as the one asked for; loss_curves.png shows the VAE terms and the
 * cross-entropy. The preset (and so this program) stops the decoder's
 * gradient at y; with --detach-y 0 the reconstruction's gradient also flows
 * into the classifier through y, which costs it most of its accuracy
 * unless --w-ce is raised to about 100 (scripts/vae-classifier-sweep.sh). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/draw.h"
#include "common/ex.h"

enum { DIGITS = 10, N = 100 };

/* How often the model's own classifier reads a generated digit as the
 * digit asked for: whether the decoder still draws the requested class. */
static double generation_accuracy(const aae_model *model, size_t pixels, unsigned long long seed)
{
    enum { G = 1000 };
    float *x = malloc(G * pixels * sizeof *x);
    int32_t want[G], got[G];
    size_t right = 0;
    for (int i = 0; i < G; i++) want[i] = i % DIGITS;
    int ok = x && aae_model_generate(model, G, seed + 11, want, x, NULL, 0) == AAE_OK &&
             aae_model_classify(model, x, G, got, NULL, NULL, 0) == AAE_OK;
    for (int i = 0; ok && i < G; i++) right += got[i] == want[i];
    free(x);
    return ok ? (double)right / G : NAN;
}

static int after_epoch(const ex_session *st, int epoch, const double *m)
{
    float *x = malloc(N * ex_pixels(st->a) * sizeof *x);
    int32_t labels[N];
    char path[EX_PATH_MAX], name[64];
    for (int i = 0; i < N; i++) labels[i] = i % DIGITS;
    snprintf(name, sizeof name, "digits_epoch%02d.png", epoch);
    int rc = !x || aae_model_generate(st->model, N, st->a->seed + 7, labels, x, NULL, 0) != AAE_OK ||
             draw_image_grid(ex_path(path, st->a, name), x, N, st->a->image_h, st->a->image_w, DIGITS, 0.0f,
                             1.0f);
    if (rc) fprintf(stderr, "%s: writing %s failed: %s\n", st->a->prog, name, aae_last_error());
    else if (m) fprintf(stderr, "epoch %d: classifier test accuracy %.2f%%, generated digits read as asked %.1f%%\n",
                        epoch, 100.0 * (1.0 - m[AAE_METRIC_CLASS_ERROR]),
                        100.0 * generation_accuracy(st->model, ex_pixels(st->a), st->a->seed));
    free(x);
    return rc;
}

int main(int argc, char **argv)
{
    ex_args a = ex_defaults("vae_classifier", 10);
    int detach = 1, alone = 0;
    double w_ce = 1.0;
    size_t valid_rows = 0;
    const ex_opt extra[] = {
        {"detach-y", 'i', &detach, "1: the decoder's gradient stops at y (else it pulls the classifier off the labels)"},
        {"w-ce", 'f', &w_ce, "weight of the classifier's cross-entropy"},
        {"classifier-only", 'i', &alone, "1: train the classifier alone (reconstruction and KL weights 0), the baseline"},
        {"valid", 'z', &valid_rows, "training digits held out as a validation set (0: none)"},
        {NULL, 0, NULL, NULL},
    };
    int p = ex_parse(argc, argv, &a, "VAE with a classifier head whose output the decoder reads, on MNIST.", extra);
    if (p) return p == 1 ? 0 : 2;
    if (ex_setup_images(&a)) return 1;

    const ex_setting settings[] = {{AAE_OPTION_DETACH_Y, detach}, {AAE_OPTION_W_CE, w_ce},
                                   {AAE_OPTION_W_REC, alone ? 0.0 : 1.0}, {AAE_OPTION_W_KL, alone ? 0.0 : 1.0}};
    ex_session s = {.a = &a, .after_epoch = after_epoch};
    aae_dataset *rest = NULL, *valid = NULL;
    int rc = ex_open(&s, AAE_PRESET_VAE_CLASSIFIER, settings, 4);
    if (!rc && valid_rows) {
        aae_status st = aae_dataset_split(s.mnist_train, valid_rows, a.seed, &rest, &valid);
        if (st != AAE_OK) rc = ex_report(&a, "aae_dataset_split", st);
        s.train = rest;
        s.valid = valid;
        s.choose_by = AAE_METRIC_CLASS_ERROR;
    }
    rc = rc || ex_train(&s);
    if (!rc) {
        printf("vae_classifier: %d epochs in %.0f s, classifier test accuracy %.2f%%, test ELBO %.1f nats\n",
               s.epochs_done, s.seconds, 100.0 * (1.0 - s.metrics[AAE_METRIC_CLASS_ERROR]),
               s.metrics[AAE_METRIC_ELBO]);
        printf("vae_classifier: pictures in %s (digits_epoch*.png: column = digit; loss_curves.png), "
               "log %s/log.csv, model %s/vae_classifier.model\n", a.out, a.out, a.out);
    }
    aae_dataset_free(rest);
    aae_dataset_free(valid);
    ex_close(&s);
    return rc;
}
