/* Read-only inference on caller scratch: many threads may share a model.
 * Scratch layout (floats): E [rows x enc_out] | L [rows x k] | Z [rows x zw]
 * | C [rows x k] | D [rows x (zw + cw)] | network scratch (largest net). */
#include <string.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "model/model.h"

typedef struct scratch_map {
    float *E, *L, *Z, *C, *D, *net;
} scratch_map;

static size_t net_scratch(const aae_model *m, size_t rows)
{
    int has_cls = m->has[AAE_PART_CLASSIFIER];
    size_t a = aaei_net_infer_scratch(&m->nets[AAE_PART_ENCODER], rows);
    size_t b = aaei_net_infer_scratch(&m->nets[AAE_PART_DECODER], rows);
    size_t c = has_cls ? aaei_net_infer_scratch(&m->nets[AAE_PART_CLASSIFIER], rows) : 0;
    if (!a || !b || (has_cls && !c)) return 0;
    size_t mx = a > b ? a : b;
    return mx > c ? mx : c;
}

size_t aaei_model_scratch(const aae_model *m, size_t rows)
{
    size_t per_row = m->enc_out + 2 * m->k + m->zw + m->zw + m->cw, fixed, total;
    size_t ns = net_scratch(m, rows);
    if (!ns || !aaei_mul_size(per_row, rows, &fixed) || !aaei_add_size(fixed, ns, &total))
        return 0;
    return total;
}

static scratch_map carve(const aae_model *m, size_t rows, float *s)
{
    scratch_map p;
    p.E = s;
    p.L = p.E + rows * m->enc_out;
    p.Z = p.L + rows * m->k;
    p.C = p.Z + rows * m->zw;
    p.D = p.C + rows * m->k;
    p.net = p.D + rows * (m->zw + m->cw);
    return p;
}

/* Logits of the y head for x into p.L (dense rows x k). */
static void class_logits(const aae_model *m, const float *x, size_t rows, scratch_map *p,
                         int have_E)
{
    if (m->has[AAE_PART_CLASSIFIER]) {
        aaei_net_infer(&m->nets[AAE_PART_CLASSIFIER], x, rows, p->L, p->net);
        return;
    }
    if (!have_E) aaei_net_infer(&m->nets[AAE_PART_ENCODER], x, rows, p->E, p->net);
    for (size_t r = 0; r < rows; r++)
        memcpy(p->L + r * m->k, p->E + r * m->enc_out + m->off_y, m->k * sizeof(float));
}

void aaei_model_encode(const aae_model *m, const float *x, size_t rows, float *z, float *y,
                       float *scratch)
{
    scratch_map p = carve(m, rows, scratch);
    aaei_net_infer(&m->nets[AAE_PART_ENCODER], x, rows, p.E, p.net);
    for (size_t r = 0; r < rows; r++)
        memcpy(z + r * m->zw, p.E + r * m->enc_out, m->zw * sizeof *z);
    if (y) {
        class_logits(m, x, rows, &p, 1);
        aaei_softmax_rows(p.L, m->k, rows, m->k, y);
    }
}

void aaei_model_class_probs(const aae_model *m, const float *x, size_t rows, float *probs,
                            float *scratch)
{
    scratch_map p = carve(m, rows, scratch);
    class_logits(m, x, rows, &p, 0);
    aaei_softmax_rows(p.L, m->k, rows, m->k, probs);
}

void aaei_argmax_rows(const float *p, size_t rows, size_t k, int32_t *out)
{
    for (size_t r = 0; r < rows; r++) {
        size_t best = 0; /* the first of equal maxima, as torch.argmax */
        for (size_t j = 1; j < k; j++)
            if (p[r * k + j] > p[r * k + best]) best = j;
        out[r] = (int32_t)best;
    }
}

void aaei_model_decode(const aae_model *m, const float *z, const float *c, size_t rows,
                       float *x, float *scratch)
{
    scratch_map p = carve(m, rows, scratch);
    size_t dw = m->zw + m->cw;
    for (size_t r = 0; r < rows; r++) {
        memcpy(p.D + r * dw, z + r * m->zw, m->zw * sizeof *z);
        if (m->cw) memcpy(p.D + r * dw + m->zw, c + r * m->k, m->k * sizeof *c);
    }
    aaei_net_infer(&m->nets[AAE_PART_DECODER], p.D, rows, x, p.net);
}

void aaei_model_sample_prior(const aae_model *m, size_t n, uint64_t seed, const int32_t *labels,
                             float *z)
{
    const int32_t *guide = m->zprior.label_guided ? labels : NULL;
    aaei_prior_sample(&m->zprior, seed, 0, 0, 0, guide, n, z);
}

void aaei_model_generate(const aae_model *m, size_t n, uint64_t seed, const int32_t *labels,
                         float *x, float *scratch)
{
    scratch_map p = carve(m, n, scratch);
    aaei_model_sample_prior(m, n, seed, labels, p.Z);
    if (m->cw) {
        if (labels) {
            memset(p.C, 0, n * m->k * sizeof *p.C);
            for (size_t r = 0; r < n; r++) p.C[r * m->k + (size_t)labels[r]] = 1.0f;
        } else {
            aaei_prior_sample(&m->yprior, seed, 0, 1, 0, NULL, n, p.C);
        }
    }
    /* decode() carves the same map, so Z and C are read from where they are. */
    aaei_model_decode(m, p.Z, p.C, n, x, scratch);
}

void aaei_model_reconstruct(const aae_model *m, const float *x, const int32_t *labels,
                            size_t rows, float *out, float *scratch)
{
    /* z and c go to the map's Z and C blocks, which encode and decode
     * leave alone. */
    scratch_map p = carve(m, rows, scratch);
    aaei_model_encode(m, x, rows, p.Z, m->dec_input == AAE_DECODE_Z_Y ? p.C : NULL, scratch);
    if (m->dec_input == AAE_DECODE_Z_LABEL) {
        memset(p.C, 0, rows * m->k * sizeof *p.C);
        for (size_t r = 0; r < rows; r++) p.C[r * m->k + (size_t)labels[r]] = 1.0f;
    }
    aaei_model_decode(m, p.Z, m->cw ? p.C : NULL, rows, out, scratch);
}
