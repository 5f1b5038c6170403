/* Semi-supervised classification of MNIST with an adversarial autoencoder
 * (the SEMI_SUPERVISED_AAE preset): the clustering AAE with K = 10 plus a
 * phase that trains the y head on a minibatch of the few labelled digits.
 * --labels N keeps N labels, N/10 per digit; the other training digits are
 * used without their labels. Prints the test classification error each
 * epoch and draws styles.png: rows share a style z from the prior, columns
 * are the digits 0-9 given to the decoder as y. --valid N holds N training
 * digits out (their labels unused) and prints their error too: the number
 * to choose settings and the stopping epoch by, never the test error. */
#include <stdio.h>
#include <stdlib.h>

#include "common/ex.h"

static int after_epoch(const ex_session *s, int epoch, const double *m)
{
    if (ex_write_styles(s->a, s->model, "styles.png")) return 1;
    if (m) fprintf(stderr, "epoch %d: test classification error %.2f%%\n", epoch, 100.0 * m[AAE_METRIC_CLASS_ERROR]);
    return 0;
}

int main(int argc, char **argv)
{
    ex_args a = ex_defaults("semi_supervised_aae", 10);
    a.batch = 100; /* the paper's */
    size_t labels = 100, valid_rows = 0;
    const ex_opt extra[] = {
        {"labels", 'z', &labels, "labelled training digits, balanced over the ten (a multiple of 10; 0: all)"},
        {"valid", 'z', &valid_rows, "training digits held out as a validation set (0: none)"},
        {"reimpl", 'i', &a.reimpl, "1: the public reimplementations' recipe (Adam, z 10, noise on the discriminators) instead of the paper's"},
        {NULL, 0, NULL, NULL},
    };
    int p = ex_parse(argc, argv, &a, "Semi-supervised MNIST classification with an adversarial autoencoder.",
                     extra);
    if (p) return p == 1 ? 0 : 2;
    if (labels % 10) {
        fprintf(stderr, "semi_supervised_aae: --labels must be a multiple of 10 (0: all)\n");
        return 2;
    }
    if (ex_setup_images(&a)) return 1;

    ex_session s = {.a = &a, .after_epoch = after_epoch};
    aae_dataset *rest = NULL, *valid = NULL, *train = NULL;
    int rc = ex_open(&s, AAE_PRESET_SEMI_SUPERVISED_AAE, NULL, 0);
    aae_status st = rc || !valid_rows ? AAE_OK : aae_dataset_split(s.mnist_train, valid_rows, a.seed, &rest, &valid);
    if (st != AAE_OK) rc = ex_report(&a, "aae_dataset_split", st);
    const aae_dataset *pool = valid ? rest : s.mnist_train;
    /* Every other label is dropped, so nothing but the kept ones can leak
     * into training. */
    st = rc || !labels ? AAE_OK : aae_dataset_keep_labels(pool, labels / 10, a.seed, &train);
    if (st != AAE_OK) rc = ex_report(&a, "aae_dataset_keep_labels", st);
    if (!rc) {
        s.train = s.labelled = labels ? train : pool;
        s.valid = valid;
        s.choose_by = AAE_METRIC_CLASS_ERROR;
        rc = ex_train(&s);
    }
    if (!rc) {
        size_t used = labels;
        if (!used) aae_dataset_shape(pool, &used, NULL, NULL);
        printf("semi_supervised_aae: %d epochs in %.0f s, %zu labels, test classification error %.2f%%\n",
               s.epochs_done, s.seconds, used, 100.0 * s.metrics[AAE_METRIC_CLASS_ERROR]);
        printf("semi_supervised_aae: pictures in %s (styles.png: rows share z, columns are 0-9; "
               "loss_curves.png), log %s/log.csv, model %s/semi_supervised_aae.model\n", a.out, a.out, a.out);
    }
    aae_dataset_free(train);
    aae_dataset_free(rest);
    aae_dataset_free(valid);
    ex_close(&s);
    return rc;
}
