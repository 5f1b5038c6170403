/* The z discriminator's input rows. With AAE_OPTION_Z_DISC_SEES_Y it reads
 * [z | one-hot y] and so judges p(z | y), not only p(z): a cluster whose
 * codes split into two blobs (a 4 and a 9 under one y) is caught, where
 * the aggregate over all clusters can still look like p(z). */
#include <string.h>

#include "model/model.h"

void aaei_zdisc_real_rows(const aae_model *m, uint64_t seed, uint64_t step, uint64_t z_sub, uint64_t y_sub,
                          uint64_t row0, const int32_t *labels, size_t rows, float *out)
{
    size_t w = m->zd_width;
    if (!m->zdisc_sees_y) {
        aaei_prior_sample(&m->zprior, seed, step, z_sub, row0, labels, rows, out);
        return;
    }
    /* Row by row into the interleaved layout: a row's draw depends on its
     * key alone, so these are the rows a whole-batch draw gives. */
    for (size_t r = 0; r < rows; r++) {
        float *o = out + r * w;
        aaei_prior_sample(&m->zprior, seed, step, z_sub, row0 + r, labels ? labels + r : NULL, 1, o);
        aaei_prior_sample(&m->yprior, seed, step, y_sub, row0 + r, NULL, 1, o + m->z_width);
    }
}

void aaei_zdisc_fake_rows(const aae_model *m, const float *z, const float *y, size_t rows, float *out)
{
    size_t zw = m->z_width, k = m->classes, w = m->zd_width;
    if (!m->zdisc_sees_y) {
        memcpy(out, z, rows * zw * sizeof *out);
        return;
    }
    for (size_t r = 0; r < rows; r++) {
        float *o = out + r * w;
        int32_t best;
        aaei_argmax_rows(y + r * k, 1, k, &best);
        memcpy(o, z + r * zw, zw * sizeof *o);
        memset(o + zw, 0, k * sizeof *o);
        o[zw + (size_t)best] = 1.0f;
    }
}
