/* Unsupervised clustering with an adversarial autoencoder on MNIST (the
 * CLUSTERING_AAE preset): the encoder emits a softmax y over K clusters and
 * a style z, adversarial priors make y one-hot and z Gaussian, and the
 * decoder reads [z, y]. Writes one row per cluster: first what the decoder
 * draws for that cluster with style z = 0, then test digits assigned to it.
 * Reports the clustering accuracy (each cluster labelled by its majority
 * digit, as in the paper) each epoch. */
#include <stdio.h>
#include <stdlib.h>

#include "common/draw.h"
#include "common/ex.h"

enum { PER_ROW = 12, POOL = 2000 };

static int write_clusters(const ex_args *a, const aae_model *model, const aae_dataset *test, size_t k)
{
    double zw = 0;
    aae_model_get(model, AAE_OPTION_Z_WIDTH, &zw);
    size_t w = (size_t)zw, cells = k * PER_ROW;
    float *pool = malloc((size_t)POOL * EX_PIXELS * sizeof *pool), *grid = calloc(cells * EX_PIXELS, sizeof *grid);
    float *z = calloc(k * w, sizeof *z), *c = calloc(k * k, sizeof *c);
    int32_t *cluster = malloc(POOL * sizeof *cluster);
    size_t *filled = calloc(k, sizeof *filled);
    char path[EX_PATH_MAX];
    int rc = !pool || !grid || !z || !c || !cluster || !filled;
    if (!rc) {
        size_t n = ex_first_rows(test, POOL, pool, NULL);
        for (size_t i = 0; i < k; i++) c[i * k + i] = 1.0f;
        float *heads = malloc(k * EX_PIXELS * sizeof *heads);
        rc = !heads || aae_model_decode(model, z, c, k, heads, NULL, 0) != AAE_OK ||
             aae_model_classify(model, pool, n, cluster, NULL, NULL, 0) != AAE_OK;
        for (size_t i = 0; !rc && i < k; i++) {
            /* the grid is dark (0 or -1) where no digit was assigned */
            for (size_t p = 0; p < cells / k * EX_PIXELS; p++) grid[i * PER_ROW * EX_PIXELS + p] = -1.0f;
            for (size_t p = 0; p < EX_PIXELS; p++) grid[i * PER_ROW * EX_PIXELS + p] = heads[i * EX_PIXELS + p];
        }
        for (size_t r = 0; !rc && r < n; r++) {
            size_t q = (size_t)cluster[r];
            if (filled[q] + 1 >= PER_ROW) continue;
            filled[q]++;
            for (size_t p = 0; p < EX_PIXELS; p++)
                grid[(q * PER_ROW + filled[q]) * EX_PIXELS + p] = pool[r * EX_PIXELS + p];
        }
        free(heads);
        if (!rc)
            rc = draw_image_grid(ex_path(path, a, "clusters.png"), grid, cells, EX_IMAGE_SIDE, EX_IMAGE_SIDE,
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

int main(int argc, char **argv)
{
    ex_args a = ex_defaults("cluster_aae", 10);
    size_t k = 16;
    const ex_opt extra[] = {
        {"clusters", 'z', &k, "number of clusters K"},
        {NULL, 0, NULL, NULL},
    };
    int p = ex_parse(argc, argv, &a, "Unsupervised clustering of MNIST with an adversarial autoencoder.", extra);
    if (p) return p == 1 ? 0 : 2;
    if (k < 2) {
        fprintf(stderr, "cluster_aae: --clusters must be at least 2\n");
        return 2;
    }
    if (ex_setup(&a)) return 1;

    const ex_setting settings[] = {{AAE_OPTION_CLASSES, (double)k}};
    ex_session s = {.a = &a};
    int rc = ex_open(&s, AAE_PRESET_CLUSTERING_AAE, settings, 1) || ex_train(&s);
    if (!rc && write_clusters(&a, s.model, s.eval, k)) {
        fprintf(stderr, "cluster_aae: writing clusters.png failed: %s\n", aae_last_error());
        rc = 1;
    }
    if (!rc) {
        printf("cluster_aae: %d epochs in %.0f s, %zu clusters, test clustering accuracy %.2f%% (error %.2f%%)\n",
               s.epochs_done, s.seconds, k, 100.0 * s.metrics[AAE_METRIC_CLUSTER_ACCURACY],
               100.0 * (1.0 - s.metrics[AAE_METRIC_CLUSTER_ACCURACY]));
        printf("cluster_aae: pictures in %s (clusters.png: a row per cluster, its style-0 image first; "
               "loss_curves.png), log %s/log.csv, model %s/cluster_aae.model\n", a.out, a.out, a.out);
    }
    ex_close(&s);
    return rc;
}
