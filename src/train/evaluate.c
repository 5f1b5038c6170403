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
    if (m->c_width) aaei_model_class_probs(m, x, rows, c, s, 0);
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

/* One pass over a dataset: buffers for a chunk of rows (the labels and
 * predictions for every row: cluster accuracy needs them all) and the
 * running sums. */
typedef struct {
    float *block, *scratch, *x, *xhat, *E, *z, *c, *probs;
    int32_t *pred, *labels;
    size_t *idx;
    int elbo;
    double se, ae, el;
} eval_pass;

/* The next `count` floats of the block. */
static float *take(float **cursor, size_t count)
{
    float *p = *cursor;
    *cursor += count;
    return p;
}

static void pass_free(eval_pass *p)
{
    aaei_free(p->block);
    aaei_free(p->pred);
    aaei_free(p->idx);
}

static aae_status pass_alloc(eval_pass *p, const aae_model *m, size_t rows)
{
    size_t ns = aaei_model_scratch(m, CHUNK);
    size_t per_row = 2 * m->in_width + m->enc_out + m->z_width + 2 * m->classes;
    p->block = aaei_malloc(ns + CHUNK * per_row, sizeof *p->block, "evaluation buffers");
    p->pred = aaei_malloc(2 * rows + CHUNK, sizeof *p->pred, "evaluation labels");
    p->idx = aaei_malloc(CHUNK, sizeof *p->idx, "evaluation index");
    if (!p->block || !p->pred || !p->idx) {
        pass_free(p);
        return AAE_ERR_NOMEM;
    }
    float *cur = p->block;
    p->scratch = take(&cur, ns);
    p->x = take(&cur, CHUNK * m->in_width);
    p->xhat = take(&cur, CHUNK * m->in_width);
    p->E = take(&cur, CHUNK * m->enc_out);
    p->z = take(&cur, CHUNK * m->z_width);
    p->c = take(&cur, CHUNK * m->classes);
    p->probs = take(&cur, CHUNK * m->classes);
    p->labels = p->pred + rows;
    return AAE_OK;
}

/* Rows r0 .. r0 + n - 1 into the pass's sums and predictions. */
static aae_status pass_chunk(const aae_model *m, const aae_dataset *ds, eval_pass *p, size_t r0, size_t n)
{
    for (size_t i = 0; i < n; i++) p->idx[i] = r0 + i;
    AAEI_TRY(aae_dataset_get_rows(ds, p->idx, n, p->x, p->labels + r0));
    /* Reconstruction from the posterior mean, as inference does. */
    aaei_model_reconstruct(m, p->x, p->labels + r0, n, p->xhat, p->scratch);
    for (size_t i = 0; i < n * m->in_width; i++) {
        double d = (double)p->xhat[i] - (double)p->x[i];
        p->se += d * d;
        p->ae += fabs(d);
    }
    if (m->yhead) {
        aaei_model_class_probs(m, p->x, n, p->probs, p->scratch, 0);
        aaei_argmax_rows(p->probs, n, m->classes, p->pred + r0);
    }
    if (p->elbo) p->el += chunk_elbo(m, p->x, n, r0, p->E, p->z, p->c, p->xhat, p->scratch);
    return AAE_OK;
}

/* The metrics of a whole pass (NaN where they do not apply). */
static aae_status pass_metrics(const aae_model *m, const eval_pass *p, size_t rows, int has_labels, double *out)
{
    double total = (double)rows * (double)m->in_width;
    for (int k = 0; k < AAE_METRIC_COUNT; k++) out[k] = NAN;
    out[AAE_METRIC_MSE] = p->se / total;
    out[AAE_METRIC_L1] = p->ae / total;
    if (p->elbo) out[AAE_METRIC_ELBO] = p->el / (double)rows;
    if (!m->yhead || !has_labels) return AAE_OK;
    AAEI_TRY(aae_metric_classification_error(p->pred, p->labels, rows, &out[AAE_METRIC_CLASS_ERROR]));
    if (any_labelled(p->labels, rows))
        AAEI_TRY(aaei_clustering_accuracy(p->pred, p->labels, rows, &out[AAE_METRIC_CLUSTER_ACCURACY]));
    return AAE_OK;
}

AAE_API aae_status aae_model_evaluate(const aae_model *m, const aae_dataset *ds, double *metrics)
{
    static const char fn[] = "aae_model_evaluate";
    AAEI_REQUIRE(m && ds && metrics, "%s: model, ds or metrics is NULL", fn);
    AAEI_TRY(aaei_evaluate_check(m, ds, fn));
    size_t rows = ds->rows;
    eval_pass p = {.elbo = m->gaussian && aaei_opt_int(&m->opt, AAE_OPTION_REC_LOSS) == AAE_REC_BCE &&
                           m->opt.v[AAE_OPTION_REC_SUM] != 0};
    AAEI_TRY(pass_alloc(&p, m, rows));
    aae_status st = AAE_OK;
    for (size_t r0 = 0; r0 < rows && st == AAE_OK; r0 += CHUNK)
        st = pass_chunk(m, ds, &p, r0, rows - r0 < CHUNK ? rows - r0 : CHUNK);
    double out[AAE_METRIC_COUNT];
    if (st == AAE_OK) st = pass_metrics(m, &p, rows, ds->labels != NULL, out);
    /* The caller's array is written only on success. */
    if (st == AAE_OK) memcpy(metrics, out, sizeof out);
    pass_free(&p);
    return st;
}
