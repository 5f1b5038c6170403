/* Element-wise activations and the row-wise softmax, forward and backward.
 * Backward uses the saved output where the derivative is a function of it. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/simd.h"
#include "nn/layer.h"

/* tanh in plain float arithmetic so the loop vectorizes (glibc's tanhf is a
 * scalar call, 6 % of an AAE step). Within 2 ulp of the exact value (tested
 * against double tanh); NaN propagates, +-inf gives +-1.
 *   |x| < 0.625: x + x^3 Q(x^2), Q a least-squares fit of degree 4;
 *   else: 1 - 2 / (e^(2|x|) + 1), with e^t = 2^k e^r, |r| <= ln2/2, e^r
 *   by its Taylor polynomial of degree 7, |x| capped at 10 (tanh = 1). */
AAEI_CLONES
static void tanh_all(const float *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        uint32_t vbits, sign, mbits;
        memcpy(&vbits, &v, sizeof v);
        sign = vbits & 0x80000000u;
        vbits ^= sign;
        float a; /* |v|, by its bits (fabsf is a call in some clones) */
        memcpy(&a, &vbits, sizeof a);
        float u = a * a;
        float q = -0.006104958709329367f;
        q = q * u + 0.02100365050137043f;
        q = q * u - 0.05385249853134155f;
        q = q * u + 0.13332782685756683f;
        q = q * u - 0.333333283662796f;
        float small = a + a * u * q;
        float t = 2.0f * (a < 10.0f ? a : 10.0f); /* NaN takes the cap; see below */
        /* k = round(t / ln 2) by the 1.5 * 2^23 trick: the sum's low
         * mantissa bits hold k, and no float-to-int conversion (which AVX2
         * code would branch on) is needed. */
        float shifted = t * 1.44269504088896341f + 12582912.0f, kf = shifted - 12582912.0f;
        int32_t k;
        memcpy(&k, &shifted, sizeof k);
        k -= 0x4B400000;
        float r = (t - kf * 0.693145751953125f) - kf * 1.428606765330187045e-06f;
        float p = 1.0f / 5040.0f;
        p = p * r + 1.0f / 720.0f;
        p = p * r + 1.0f / 120.0f;
        p = p * r + 1.0f / 24.0f;
        p = p * r + 1.0f / 6.0f;
        p = p * r + 0.5f;
        p = p * r + 1.0f;
        p = p * r + 1.0f;
        int32_t bits = (k + 127) << 23;
        float scale;
        memcpy(&scale, &bits, sizeof scale);
        float big = 1.0f - 2.0f / (p * scale + 1.0f);
        float m = a < 0.625f ? small : big;
        memcpy(&mbits, &m, sizeof m);
        mbits |= sign; /* m >= 0: this is copysign(m, v) */
        memcpy(&m, &mbits, sizeof m);
        y[i] = v == v ? m : v;
    }
}

void aaei_softmax_rows(const float *in, size_t ld, size_t rows, size_t n, float *out)
{
    for (size_t r = 0; r < rows; r++) {
        const float *x = in + r * ld;
        float *y = out + r * n;
        float mx = x[0], s = 0.0f;
        for (size_t i = 1; i < n; i++) mx = x[i] > mx ? x[i] : mx;
        for (size_t i = 0; i < n; i++) s += y[i] = expf(x[i] - mx);
        for (size_t i = 0; i < n; i++) y[i] /= s; /* PyTorch divides */
    }
}

void aaei_log_softmax_rows(const float *in, size_t ld, size_t rows, size_t n, float *out)
{
    for (size_t r = 0; r < rows; r++) {
        const float *x = in + r * ld;
        float *y = out + r * n;
        size_t top = 0;
        for (size_t i = 1; i < n; i++) top = x[i] > x[top] ? i : top;
        /* log(sum exp(x - max)) = log1p(the others' sum): the largest entry's
         * log-probability stays distinct from 0 for margins up to about 100,
         * where its probability rounded to 1 at about 17. */
        double others = 0.0;
        for (size_t i = 0; i < n; i++)
            if (i != top) others += exp((double)(x[i] - x[top]));
        double lse = log1p(others);
        for (size_t i = 0; i < n; i++) y[i] = (float)((double)(x[i] - x[top]) - lse);
    }
}

void aaei_softmax_backward_rows(const float *y, const float *dy, size_t rows, size_t n, float *dx, size_t ldx,
                                int accumulate)
{
    for (size_t r = 0; r < rows; r++) {
        const float *yr = y + r * n, *dr = dy + r * n;
        float *xr = dx + r * ldx;
        float dot = 0.0f;
        for (size_t i = 0; i < n; i++) dot += dr[i] * yr[i];
        if (accumulate)
            for (size_t i = 0; i < n; i++) xr[i] += yr[i] * (dr[i] - dot);
        else
            for (size_t i = 0; i < n; i++) xr[i] = yr[i] * (dr[i] - dot);
    }
}

AAEI_CLONES
void aaei_activation_forward(const aaei_layer *L, const float *x, float *y,
                             size_t rows)
{
    size_t n = rows * L->out;
    float slope = L->setting.slope;
    switch (L->kind) {
    case AAEI_RELU:
        for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
        break;
    case AAEI_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : x[i] * slope;
        break;
    case AAEI_SIGMOID:
        for (size_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
        break;
    case AAEI_TANH:
        tanh_all(x, y, n);
        break;
    case AAEI_SOFTMAX:
        aaei_softmax_rows(x, L->out, rows, L->out, y);
        break;
    default:
        break;
    }
}

AAEI_CLONES
void aaei_activation_backward(const aaei_layer *L, const float *x,
                              const float *y, const float *dy, float *dx,
                              size_t rows)
{
    size_t n = rows * L->out;
    float slope = L->setting.slope;
    switch (L->kind) {
    case AAEI_RELU: /* PyTorch: gradient 0 at x == 0 */
        for (size_t i = 0; i < n; i++) {
            float g = dy[i]; /* read unconditionally: a select, not a branch */
            dx[i] = x[i] > 0.0f ? g : 0.0f;
        }
        break;
    case AAEI_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) dx[i] = x[i] > 0.0f ? dy[i] : dy[i] * slope;
        break;
    case AAEI_SIGMOID:
        for (size_t i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1.0f - y[i]);
        break;
    case AAEI_TANH:
        for (size_t i = 0; i < n; i++) dx[i] = dy[i] * (1.0f - y[i] * y[i]);
        break;
    case AAEI_SOFTMAX:
        aaei_softmax_backward_rows(y, dy, rows, L->out, dx, L->out, 0);
        break;
    default:
        break;
    }
}
