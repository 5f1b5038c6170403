/* Prior samplers behind one interface. Row r of a draw is keyed by
 * (seed, PRIOR stream, step, row0 + r), so a batch split across threads or
 * processes draws the same rows. */
#ifndef AAEI_PRIOR_H
#define AAEI_PRIOR_H

#include <stddef.h>
#include <stdint.h>

#include "aae/aae.h"

typedef struct aaei_prior {
    int categorical;       /* one-hot over `dim` classes; else `kind` */
    aae_prior_kind kind;
    size_t dim;
    float sigma, radius, spread;
    size_t components;
    int label_guided;      /* mixture component / roll segment = label */
} aaei_prior;

/* out: rows x dim. labels (rows) are read only when label_guided; a
 * negative label draws the component at random. `substream` separates
 * independent draws within one step. */
void aaei_prior_sample(const aaei_prior *p, uint64_t seed, uint64_t step,
                       uint64_t substream, uint64_t row0, const int32_t *labels,
                       size_t rows, float *out);

#endif
