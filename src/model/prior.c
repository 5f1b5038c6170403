#include "model/prior.h"

#include <math.h>
#include <string.h>

#include "core/rng.h"

#define TWO_PI 6.283185307179586f

/* Component k of K: mean on a circle of `radius` at angle 2 pi k / K, std
 * `spread` radially and a quarter of it tangentially, the paper's elongated
 * petals. */
static void mixture_row(const aaei_prior *p, aaei_rng *r, int32_t label, float *out)
{
    size_t k = p->label_guided && label >= 0 ? (size_t)label % p->components
                                             : (size_t)aaei_rng_below(r, p->components);
    float a = TWO_PI * (float)k / (float)p->components;
    float u = p->radius + p->spread * aaei_rng_normal(r);
    float v = 0.25f * p->spread * aaei_rng_normal(r);
    out[0] = u * cosf(a) - v * sinf(a);
    out[1] = u * sinf(a) + v * cosf(a);
}

/* Swiss roll: t in [0, 1) along the roll (the label picks its segment),
 * on a 1.5-turn spiral scaled to `radius`, with `spread`/10 noise. */
static void swiss_roll_row(const aaei_prior *p, aaei_rng *r, int32_t label, float *out)
{
    float t = aaei_rng_uniform(r);
    if (p->label_guided && label >= 0)
        t = ((float)((size_t)label % p->components) + t) / (float)p->components;
    float angle = 1.5f * TWO_PI * (0.1f + 0.9f * t);
    float rad = p->radius * (0.1f + 0.9f * t);
    out[0] = rad * cosf(angle) + 0.1f * p->spread * aaei_rng_normal(r);
    out[1] = rad * sinf(angle) + 0.1f * p->spread * aaei_rng_normal(r);
}

void aaei_prior_sample(const aaei_prior *p, uint64_t seed, uint64_t step,
                       uint64_t substream, uint64_t row0, const int32_t *labels,
                       size_t rows, float *out)
{
    for (size_t i = 0; i < rows; i++) {
        aaei_rng r = aaei_rng_keyed(seed, AAEI_STREAM_PRIOR + (substream << 8), step, row0 + i);
        float *o = out + i * p->dim;
        int32_t label = labels ? labels[i] : -1;
        if (p->categorical) {
            memset(o, 0, p->dim * sizeof *o);
            o[aaei_rng_below(&r, p->dim)] = 1.0f;
            continue;
        }
        switch (p->kind) {
        case AAE_PRIOR_GAUSSIAN:
            for (size_t j = 0; j < p->dim; j++) o[j] = p->sigma * aaei_rng_normal(&r);
            break;
        case AAE_PRIOR_UNIFORM:
            for (size_t j = 0; j < p->dim; j++) o[j] = aaei_rng_range(&r, -p->sigma, p->sigma);
            break;
        case AAE_PRIOR_MIXTURE:
            mixture_row(p, &r, label, o);
            break;
        case AAE_PRIOR_SWISS_ROLL:
            swiss_roll_row(p, &r, label, o);
            break;
        }
    }
}
