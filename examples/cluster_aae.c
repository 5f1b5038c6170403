/* Unsupervised clustering with an adversarial autoencoder on MNIST (the
 * CLUSTERING_AAE preset): the encoder emits a softmax y over K clusters and
 * a style z, adversarial priors make y one-hot and z Gaussian, and the
 * decoder reads [z, y]. Writes one row per cluster: first what the decoder
 * draws for that cluster with style z = 0, then test digits assigned to it.
 * Trains on 55,000 training digits; the other 5,000 are the validation set
 * of the paper's error: each cluster takes the label of the validation
 * digit it is most sure of (highest q(y|x)), log.csv's test_paper_error.
 * Also reports the error with each cluster labelled by its majority digit
 * (1 - test_cluster_accuracy), each epoch. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/draw.h"
#include "common/ex.h"

enum { PER_ROW = 12, POOL = 2000, VALID = 5000 };

/* Classes and log-probabilities log q(y|x) of every row of ds (caller
 * frees). Log-probabilities, since a confident row's probability is
 * exactly 1 in float: ranked by probability, the rows a cluster is surest
 * of tie, and the first in file order would name the cluster. */
static int classify_all(const aae_model *m, const aae_dataset *ds, size_t k, size_t *rows, int32_t **cls,
                        float **log_probs, int32_t **labels)
{
    size_t n = 0, width = 0;
    aae_dataset_shape(ds, &n, &width, NULL);
    float *x = malloc(n * width * sizeof *x);
    *cls = malloc(n * sizeof **cls);
    *log_probs = malloc(n * k * sizeof **log_probs);
    *labels = malloc(n * sizeof **labels);
    int rc = !x || !*cls || !*log_probs || !*labels;
    if (!rc) {
        ex_first_rows(ds, n, x, *labels);
        rc = aae_model_classify(m, x, n, *cls, NULL, NULL, 0) != AAE_OK ||
             aae_model_class_log_probs(m, x, n, *log_probs, NULL, 0) != AAE_OK;
    }
    free(x);
    *rows = n;
    return rc;
}

/* The paper's test error: cluster c is labelled by the validation row with
 * the highest q(y = c | x) (compared as log q: see classify_all). */
static int paper_error(const aae_model *m, const aae_dataset *valid, const aae_dataset *test, size_t k,
                       double *error)
{
    size_t nv, nt;
    int32_t *vc = NULL, *vl = NULL, *tc = NULL, *tl = NULL;
    float *vp = NULL, *tp = NULL;
    int32_t *label = calloc(k, sizeof *label);
    int rc = !label || classify_all(m, valid, k, &nv, &vc, &vp, &vl) || classify_all(m, test, k, &nt, &tc, &tp, &tl);
    if (!rc) {
        for (size_t c = 0; c < k; c++) {
            size_t best = 0;
            for (size_t i = 1; i < nv; i++)
                if (vp[i * k + c] > vp[best * k + c]) best = i;
            label[c] = vl[best];
        }
        size_t wrong = 0;
        for (size_t i = 0; i < nt; i++) wrong += label[tc[i]] != tl[i];
        *error = nt ? (double)wrong / (double)nt : 0.0;
    }
    free(label);
    free(vc);
    free(vl);
    free(vp);
    free(tc);
    free(tl);
    free(tp);
    return rc;
}

static int write_clusters(const ex_args *a, const aae_model *model, const aae_dataset *test, size_t k)
{
    double zw = 0;
    aae_model_get(model, AAE_OPTION_Z_WIDTH, &zw);
    size_t w = (size_t)zw, cells = k * PER_ROW, px = ex_pixels(a);
    float *pool = malloc((size_t)POOL * px * sizeof *pool), *grid = calloc(cells * px, sizeof *grid);
    float *z = calloc(k * w, sizeof *z), *c = calloc(k * k, sizeof *c);
    int32_t *cluster = malloc(POOL * sizeof *cluster);
    size_t *filled = calloc(k, sizeof *filled);
    char path[EX_PATH_MAX];
    int rc = !pool || !grid || !z || !c || !cluster || !filled;
    if (!rc) {
        size_t n = ex_first_rows(test, POOL, pool, NULL);
        for (size_t i = 0; i < k; i++) c[i * k + i] = 1.0f;
        float *heads = malloc(k * px * sizeof *heads);
        rc = !heads || aae_model_decode(model, z, c, k, heads, NULL, 0) != AAE_OK ||
             aae_model_classify(model, pool, n, cluster, NULL, NULL, 0) != AAE_OK;
        for (size_t i = 0; !rc && i < k; i++) {
            /* the grid is dark (0 or -1) where no digit was assigned */
            for (size_t p = 0; p < cells / k * px; p++) grid[i * PER_ROW * px + p] = -1.0f;
            for (size_t p = 0; p < px; p++) grid[i * PER_ROW * px + p] = heads[i * px + p];
        }
        for (size_t r = 0; !rc && r < n; r++) {
            size_t q = (size_t)cluster[r];
            if (filled[q] + 1 >= PER_ROW) continue;
            filled[q]++;
            for (size_t p = 0; p < px; p++)
                grid[(q * PER_ROW + filled[q]) * px + p] = pool[r * px + p];
        }
        free(heads);
        if (!rc)
            rc = draw_image_grid(ex_path(path, a, "clusters.png"), grid, cells, a->image_h, a->image_w,
                                 PER_ROW, ex_scale_for(model) == AAE_SCALE_UNIT ? 0.0f : -1.0f, 1.0f);
    }
    free(pool);
    free(grid);
    free(z);
    free(c);
    free(cluster);
    free(filled);
    return rc;
}

/* After every epoch, the paper's error into log.csv's test_paper_error
 * (s->user: the validation set that labels the clusters). */
static int paper_metric(const ex_session *s, double *error)
{
    double k = 0;
    aae_model_get(s->model, AAE_OPTION_CLASSES, &k);
    if (paper_error(s->model, s->user, s->eval, (size_t)k, error)) {
        fprintf(stderr, "cluster_aae: the paper's error could not be computed: %s\n", aae_last_error());
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    ex_args a = ex_defaults("cluster_aae", 10);
    a.batch = 100; /* the paper's */
    size_t k = 16;
    const ex_opt extra[] = {
        {"clusters", 'z', &k, "number of clusters K"},
        {"reimpl", 'i', &a.reimpl, "1: the public reimplementations' recipe (Adam, z 10, noise on the discriminators) instead of the paper's"},
        {NULL, 0, NULL, NULL},
    };
    int p = ex_parse(argc, argv, &a, "Unsupervised clustering of MNIST with an adversarial autoencoder.", extra);
    if (p) return p == 1 ? 0 : 2;
    if (k < 2) {
        fprintf(stderr, "cluster_aae: --clusters must be at least 2\n");
        return 2;
    }
    if (ex_setup_images(&a)) return 1;

    const ex_setting settings[] = {{AAE_OPTION_CLASSES, (double)k}};
    ex_session s = {.a = &a};
    aae_dataset *train = NULL, *valid = NULL;
    double paper = NAN;
    int rc = ex_open(&s, AAE_PRESET_CLUSTERING_AAE, settings, 1);
    if (!rc) {
        size_t rows = 0;
        aae_dataset_shape(s.mnist_train, &rows, NULL, NULL);
        aae_status st = aae_dataset_split(s.mnist_train, rows > 2 * VALID ? VALID : rows / 10, a.seed, &train, &valid);
        if (st != AAE_OK) rc = ex_report(&a, "aae_dataset_split", st);
    }
    if (!rc) {
        s.train = train;
        s.valid = s.user = valid;
        s.choose_by = AAE_METRIC_CLUSTER_ACCURACY;
        s.extra_column = "test_paper_error";
        s.extra_metric = paper_metric;
        rc = ex_train(&s);
    }
    if (!rc && write_clusters(&a, s.model, s.eval, k)) {
        fprintf(stderr, "cluster_aae: writing clusters.png failed: %s\n", aae_last_error());
        rc = 1;
    }
    if (!rc && paper_error(s.model, valid, s.eval, k, &paper)) {
        fprintf(stderr, "cluster_aae: the paper's error could not be computed: %s\n", aae_last_error());
        rc = 1;
    }
    if (!rc) {
        printf("cluster_aae: %d epochs in %.0f s, %zu clusters, test error %.2f%% (clusters labelled by their "
               "surest validation digit, as the paper), %.2f%% (by majority)\n",
               s.epochs_done, s.seconds, k, 100.0 * paper, 100.0 * (1.0 - s.metrics[AAE_METRIC_CLUSTER_ACCURACY]));
        printf("cluster_aae: pictures in %s (clusters.png: a row per cluster, its style-0 image first; "
               "loss_curves.png), log %s/log.csv, model %s/cluster_aae.model\n", a.out, a.out, a.out);
    }
    aae_dataset_free(train);
    aae_dataset_free(valid);
    ex_close(&s);
    return rc;
}
