#include "nn/loss.h"

#include <math.h>
#include <string.h>

#include "core/simd.h"
/* Sums are kept in double so the mean of a large batch is not at the mercy
 * of float round-off; each element's gradient is in float like PyTorch's. */

/* Lanes of the double sums: the element loops vectorize, and the result
 * does not depend on how a loop was compiled (fixed summation order). */
enum { LANES = 8 };

static double lane_total(const double *acc)
{
    double s = 0.0;
    for (int j = 0; j < LANES; j++) s += acc[j];
    return s;
}

AAEI_CLONES
float aaei_loss_mse(const float *p, const float *t, size_t n, float *grad)
{
    double acc[LANES] = {0};
    float k = 2.0f / (float)n;
    size_t i = 0, body = n - n % LANES;
    if (grad) {
        for (; i < body; i += LANES)
            for (int j = 0; j < LANES; j++) {
                float d = p[i + j] - t[i + j];
                acc[j] += (double)d * d;
                grad[i + j] = k * d;
            }
    } else {
        for (; i < body; i += LANES)
            for (int j = 0; j < LANES; j++) {
                float d = p[i + j] - t[i + j];
                acc[j] += (double)d * d;
            }
    }
    for (; i < n; i++) {
        float d = p[i] - t[i];
        acc[i % LANES] += (double)d * d;
        if (grad) grad[i] = k * d;
    }
    return (float)(lane_total(acc) / (double)n);
}

AAEI_CLONES
float aaei_loss_l1(const float *p, const float *t, size_t n, float *grad)
{
    double acc[LANES] = {0};
    float k = 1.0f / (float)n;
    size_t i = 0, body = n - n % LANES;
    if (grad) {
        for (; i < body; i += LANES)
            for (int j = 0; j < LANES; j++) {
                float d = p[i + j] - t[i + j];
                acc[j] += fabsf(d);
                /* sign(0) = 0, as torch.sign */
                grad[i + j] = d > 0.0f ? k : d < 0.0f ? -k : 0.0f;
            }
    } else {
        for (; i < body; i += LANES)
            for (int j = 0; j < LANES; j++) acc[j] += fabsf(p[i + j] - t[i + j]);
    }
    for (; i < n; i++) {
        float d = p[i] - t[i];
        acc[i % LANES] += fabsf(d);
        if (grad) grad[i] = d > 0.0f ? k : d < 0.0f ? -k : 0.0f;
    }
    return (float)(lane_total(acc) / (double)n);
}

/* fmaxf for our operands (b is never NaN; a NaN a gives b, as fmaxf does),
 * inlined: glibc's fmaxf is an out-of-line call in these hot loops. */
static inline float max_or(float a, float b)
{
    return a > b ? a : b;
}

float aaei_loss_bce(const float *p, const float *t, size_t n, float *grad)
{
    /* PyTorch clamps each log at -100 and divides the gradient by
     * max(p (1 - p), 1e-12). */
    double s = 0.0;
    float k = 1.0f / (float)n;
    for (size_t i = 0; i < n; i++) {
        float lp = max_or(logf(p[i]), -100.0f);
        float lq = max_or(logf(1.0f - p[i]), -100.0f);
        s -= (double)(t[i] * lp + (1.0f - t[i]) * lq);
        if (grad) grad[i] = k * (p[i] - t[i]) / max_or(p[i] * (1.0f - p[i]), 1e-12f);
    }
    return (float)(s / (double)n);
}

float aaei_loss_bce_logits(const float *z, const float *t, size_t n, float *grad)
{
    /* max(z, 0) - z t + log(1 + exp(-|z|)): no overflow for any z. */
    double s = 0.0;
    float k = 1.0f / (float)n;
    for (size_t i = 0; i < n; i++) {
        float x = z[i];
        s += (double)(max_or(x, 0.0f) - x * t[i] + log1pf(expf(-fabsf(x))));
        if (grad) {
            float sig = x >= 0.0f ? 1.0f / (1.0f + expf(-x)) : expf(x) / (1.0f + expf(x));
            grad[i] = k * (sig - t[i]);
        }
    }
    return (float)(s / (double)n);
}

float aaei_loss_cross_entropy(const float *logits, const int32_t *labels,
                              size_t rows, size_t classes, float *grad)
{
    size_t counted = 0;
    for (size_t r = 0; r < rows; r++) counted += labels[r] >= 0;
    double s = 0.0;
    float k = counted ? 1.0f / (float)counted : 0.0f;
    for (size_t r = 0; r < rows; r++) {
        const float *z = logits + r * classes;
        float *g = grad ? grad + r * classes : NULL;
        if (labels[r] < 0) {
            if (g)
                for (size_t c = 0; c < classes; c++) g[c] = 0.0f;
            continue;
        }
        float m = z[0];
        for (size_t c = 1; c < classes; c++) m = z[c] > m ? z[c] : m;
        double se = 0.0;
        for (size_t c = 0; c < classes; c++) se += exp((double)(z[c] - m));
        double lse = (double)m + log(se);
        s += lse - z[labels[r]];
        if (g)
            for (size_t c = 0; c < classes; c++)
                g[c] = k * ((float)exp((double)z[c] - lse) - (c == (size_t)labels[r]));
    }
    return counted ? (float)(s / (double)counted) : 0.0f;
}

double aaei_kl_gaussian_rows(const float *mu, const float *logvar, size_t ld, size_t rows, size_t width,
                             float scale, float *dmu, float *dlogvar)
{
    double s = 0.0;
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < width; j++) {
            size_t i = r * ld + j;
            float ev = expf(logvar[i]);
            s += -0.5 * (double)(1.0f + logvar[i] - mu[i] * mu[i] - ev);
            if (dmu) dmu[i] += scale * mu[i];
            if (dlogvar) dlogvar[i] += scale * 0.5f * (ev - 1.0f);
        }
    return s;
}

float aaei_loss_kl_gaussian(const float *mu, const float *logvar, size_t rows,
                            size_t width, float *dmu, float *dlogvar)
{
    if (dmu) memset(dmu, 0, rows * width * sizeof *dmu);
    if (dlogvar) memset(dlogvar, 0, rows * width * sizeof *dlogvar);
    double s = aaei_kl_gaussian_rows(mu, logvar, width, rows, width, 1.0f / (float)rows, dmu, dlogvar);
    return (float)(s / (double)rows);
}
