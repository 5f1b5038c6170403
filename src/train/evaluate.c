/* Test-set metrics of a model over a dataset, in chunks of rows. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"
#include "io/dataset.h"
#include "model/model.h"
#include "train/epoch.h"
#include "nn/loss.h"

enum { CHUNK = 256 };

static int any_labelled(const int32_t *labels, size_t rows)
{
    for (size_t i = 0; i < rows; i++)
        if (labels[i] >= 0) return 1;
    return 0;
}


/* One-sample ELBO of each row: -(sum BCE(x_hat, x) + KL), z = mu + std * eps. */
static double chunk_elbo(const aae_model *m, const float *x, size_t rows, size_t row0,
                         float *E, float *z, float *c, float *xhat, float *s)
{
    aaei_net_infer(&m->nets[AAE_PART_ENCODER], x, rows, E, s);
    double total = 0.0;
    for (size_t r = 0; r < rows; r++) {
        const float *e = E + r * m->enc_out;
        aaei_rng g = aaei_rng_keyed((uint64_t)m->opt.v[AAE_OPTION_SEED], AAEI_STREAM_NOISE,
                                    UINT64_MAX, row0 + r);
        for (size_t j = 0; j < m->z_width; j++)
            z[r * m->z_width + j] = e[j] + expf(0.5f * e[m->off_logvar + j]) * aaei_rng_normal(&g);
    }
    total -= aaei_kl_gaussian_rows(E, E + m->off_logvar, m->enc_out, rows, m->z_width, 0.0f, NULL, NULL);
    if (m->c_width) aaei_model_class_probs(m, x, rows, c, s);
    aaei_model_decode(m, z, m->c_width ? c : NULL, rows, xhat, s);
    total -= (double)aaei_loss_bce(xhat, x, rows * m->in_width, NULL) * (double)(rows * m->in_width);
    return total;
}

aae_status aaei_evaluate_check(const aae_model *m, const aae_dataset *ds, const char *fn)
{
    AAEI_REQUIRE(ds->width == m->in_width, "%s: the evaluation dataset's rows have %zu features, the model reads %zu",
                 fn, ds->width, m->in_width);
    if (m->dec_input != AAE_DECODE_Z_LABEL) return AAE_OK;
    AAEI_REQUIRE(ds->labels != NULL, "%s: the model decodes labels; the evaluation dataset has none", fn);
    for (size_t i = 0; i < ds->rows; i++)
        AAEI_REQUIRE(ds->labels[i] >= 0 && (size_t)ds->labels[i] < m->classes,
                     "%s: the model decodes labels; evaluation row %zu has label %d, outside [0, %zu)", fn, i,
                     (int)ds->labels[i], m->classes);
    return AAE_OK;
}

AAE_API aae_status aae_model_evaluate(const aae_model *m, const aae_dataset *ds, double *metrics)
{
    static const char fn[] = "aae_model_evaluate";
    AAEI_REQUIRE(m && ds && metrics, "%s: model, ds or metrics is NULL", fn);
    AAEI_TRY(aaei_evaluate_check(m, ds, fn));
    size_t rows = ds->rows;
    int has_labels = ds->labels != NULL;
    int elbo = m->gaussian && aaei_opt_int(&m->opt, AAE_OPTION_REC_LOSS) == AAE_REC_BCE &&
               m->opt.v[AAE_OPTION_REC_SUM] != 0;

    size_t ns = aaei_model_scratch(m, CHUNK);
    size_t per = CHUNK * (2 * m->in_width + m->enc_out + m->z_width + m->classes) + CHUNK * m->classes;
    float *buf = aaei_malloc(ns + per, sizeof *buf, "evaluation buffers");
    int32_t *ib = aaei_malloc(2 * rows + CHUNK, sizeof *ib, "evaluation labels");
    size_t *idx = aaei_malloc(CHUNK, sizeof *idx, "evaluation index");
    if (!buf || !ib || !idx) {
        aaei_free(buf);
        aaei_free(ib);
        aaei_free(idx);
        return AAE_ERR_NOMEM;
    }
    float *s = buf, *x = s + ns, *xhat = x + CHUNK * m->in_width, *E = xhat + CHUNK * m->in_width;
    float *z = E + CHUNK * m->enc_out, *c = z + CHUNK * m->z_width, *probs = c + CHUNK * m->classes;
    int32_t *pred = ib, *labels = ib + rows;
    double se = 0.0, ae = 0.0, el = 0.0;
    aae_status st = AAE_OK;
    for (size_t r0 = 0; r0 < rows && st == AAE_OK; r0 += CHUNK) {
        size_t n = rows - r0 < CHUNK ? rows - r0 : CHUNK;
        for (size_t i = 0; i < n; i++) idx[i] = r0 + i;
        st = aae_dataset_get_rows(ds, idx, n, x, labels + r0);
        if (st != AAE_OK) break;
        /* Reconstruction from the posterior mean, as inference does. */
        aaei_model_reconstruct(m, x, labels + r0, n, xhat, s);
        for (size_t i = 0; i < n * m->in_width; i++) {
            double d = (double)xhat[i] - (double)x[i];
            se += d * d;
            ae += fabs(d);
        }
        if (m->yhead) {
            aaei_model_class_probs(m, x, n, probs, s);
            aaei_argmax_rows(probs, n, m->classes, pred + r0);
        }
        if (elbo) el += chunk_elbo(m, x, n, r0, E, z, c, xhat, s);
    }
    double total = (double)rows * (double)m->in_width;
    for (int k = 0; k < AAE_METRIC_COUNT; k++) metrics[k] = NAN;
    if (st == AAE_OK) {
        metrics[AAE_METRIC_MSE] = se / total;
        metrics[AAE_METRIC_L1] = ae / total;
        if (elbo) metrics[AAE_METRIC_ELBO] = el / (double)rows;
        if (m->yhead && has_labels) {
            st = aae_metric_classification_error(pred, labels, rows, &metrics[AAE_METRIC_CLASS_ERROR]);
            if (st == AAE_OK && any_labelled(labels, rows))
                st = aaei_clustering_accuracy(pred, labels, rows, &metrics[AAE_METRIC_CLUSTER_ACCURACY]);
        }
    }
    aaei_free(buf);
    aaei_free(ib);
    aaei_free(idx);
    return st;
}
