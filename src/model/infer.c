/* Read-only inference on caller scratch: many threads may share a model.
 * Scratch layout (floats): enc_out [rows x enc_out] | logits [rows x
 * classes] | z [rows x z_width] | c [rows x classes] | dec_in [rows x
 * (z_width + c_width)] | network scratch (largest net). */
#include <string.h>

#include "core/alloc.h"
#include "core/rng.h"
#include "model/model.h"

typedef struct scratch_map {
    float *enc_out, *logits, *z, *c, *dec_in, *net;
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
    size_t per_row = m->enc_out + 2 * m->classes + m->z_width + m->z_width + m->c_width, fixed, total;
    size_t ns = net_scratch(m, rows);
    if (!ns || !aaei_mul_size(per_row, rows, &fixed) || !aaei_add_size(fixed, ns, &total))
        return 0;
    return total;
}

static scratch_map carve(const aae_model *m, size_t rows, float *s)
{
    scratch_map p;
    p.enc_out = s;
    p.logits = p.enc_out + rows * m->enc_out;
    p.z = p.logits + rows * m->classes;
    p.c = p.z + rows * m->z_width;
    p.dec_in = p.c + rows * m->classes;
    p.net = p.dec_in + rows * (m->z_width + m->c_width);
    return p;
}

/* Logits of the y head for x into p.logits (dense rows x k). */
static void class_logits(const aae_model *m, const float *x, size_t rows, scratch_map *p,
                         int have_enc_out)
{
    if (m->has[AAE_PART_CLASSIFIER]) {
        aaei_net_infer(&m->nets[AAE_PART_CLASSIFIER], x, rows, p->logits, p->net);
        return;
    }
    if (!have_enc_out) aaei_net_infer(&m->nets[AAE_PART_ENCODER], x, rows, p->enc_out, p->net);
    for (size_t r = 0; r < rows; r++)
        memcpy(p->logits + r * m->classes, p->enc_out + r * m->enc_out + m->off_y, m->classes * sizeof(float));
}

void aaei_model_encode(const aae_model *m, const float *x, size_t rows, float *z, float *y,
                       float *scratch)
{
    scratch_map p = carve(m, rows, scratch);
    aaei_net_infer(&m->nets[AAE_PART_ENCODER], x, rows, p.enc_out, p.net);
    for (size_t r = 0; r < rows; r++)
        memcpy(z + r * m->z_width, p.enc_out + r * m->enc_out, m->z_width * sizeof *z);
    if (y) {
        class_logits(m, x, rows, &p, 1);
        aaei_softmax_rows(p.logits, m->classes, rows, m->classes, y);
    }
}

void aaei_model_class_probs(const aae_model *m, const float *x, size_t rows, float *probs,
                            float *scratch, int log_space)
{
    scratch_map p = carve(m, rows, scratch);
    class_logits(m, x, rows, &p, 0);
    if (log_space)
        aaei_log_softmax_rows(p.logits, m->classes, rows, m->classes, probs);
    else
        aaei_softmax_rows(p.logits, m->classes, rows, m->classes, probs);
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
    size_t dw = m->z_width + m->c_width;
    for (size_t r = 0; r < rows; r++) {
        memcpy(p.dec_in + r * dw, z + r * m->z_width, m->z_width * sizeof *z);
        if (m->c_width) memcpy(p.dec_in + r * dw + m->z_width, c + r * m->classes, m->classes * sizeof *c);
    }
    aaei_net_infer(&m->nets[AAE_PART_DECODER], p.dec_in, rows, x, p.net);
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
    aaei_model_sample_prior(m, n, seed, labels, p.z);
    if (m->c_width) {
        if (labels) {
            memset(p.c, 0, n * m->classes * sizeof *p.c);
            for (size_t r = 0; r < n; r++) p.c[r * m->classes + (size_t)labels[r]] = 1.0f;
        } else {
            aaei_prior_sample(&m->yprior, seed, 0, 1, 0, NULL, n, p.c);
        }
    }
    /* decode() carves the same map, so z and c are read from where they are. */
    aaei_model_decode(m, p.z, p.c, n, x, scratch);
}

void aaei_model_reconstruct(const aae_model *m, const float *x, const int32_t *labels,
                            size_t rows, float *out, float *scratch)
{
    /* z and c go to the map's z and c blocks, which encode and decode
     * leave alone. */
    scratch_map p = carve(m, rows, scratch);
    aaei_model_encode(m, x, rows, p.z, m->dec_input == AAE_DECODE_Z_Y ? p.c : NULL, scratch);
    if (m->dec_input == AAE_DECODE_Z_LABEL) {
        memset(p.c, 0, rows * m->classes * sizeof *p.c);
        for (size_t r = 0; r < rows; r++) p.c[r * m->classes + (size_t)labels[r]] = 1.0f;
    }
    aaei_model_decode(m, p.z, m->c_width ? p.c : NULL, rows, out, scratch);
}
