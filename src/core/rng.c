#include "core/rng.h"

#include <math.h>

/* splitmix64's finalizer: a bijective 64-bit mixer with full avalanche. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

#define GOLDEN UINT64_C(0x9e3779b97f4a7c15)

aaei_rng aaei_rng_keyed(uint64_t seed, uint64_t stream, uint64_t step,
                        uint64_t row)
{
    /* Chain the key parts through the mixer so that neighbouring keys
     * (row 1 vs row 2) give unrelated states. */
    uint64_t h = mix64(seed + GOLDEN);
    h = mix64(h ^ (stream + GOLDEN * 2));
    h = mix64(h ^ (step + GOLDEN * 3));
    h = mix64(h ^ (row + GOLDEN * 4));
    aaei_rng r = {h};
    return r;
}

uint64_t aaei_rng_u64(aaei_rng *r)
{
    r->state += GOLDEN;
    return mix64(r->state);
}

float aaei_rng_uniform(aaei_rng *r)
{
    return (float)(aaei_rng_u64(r) >> 40) * (1.0f / 16777216.0f);
}

float aaei_rng_range(aaei_rng *r, float lo, float hi)
{
    return lo + (hi - lo) * aaei_rng_uniform(r);
}

/* One Box-Muller draw: a radius and an angle from two uniforms. */
static void box_muller(aaei_rng *r, double *radius, double *angle)
{
    /* u1 in (0, 1] so log never sees 0. */
    double u1 = ((double)(aaei_rng_u64(r) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
    double u2 = (double)(aaei_rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);
    *radius = sqrt(-2.0 * log(u1));
    *angle = 6.283185307179586 * u2;
}

float aaei_rng_normal(aaei_rng *r)
{
    double radius, angle;
    box_muller(r, &radius, &angle);
    return (float)(radius * cos(angle));
}

void aaei_rng_normals(aaei_rng *r, float *out, size_t n)
{
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        double radius, angle;
        box_muller(r, &radius, &angle);
        out[i] = (float)(radius * cos(angle));
        out[i + 1] = (float)(radius * sin(angle));
    }
    if (i < n) out[i] = aaei_rng_normal(r);
}

uint64_t aaei_rng_below(aaei_rng *r, uint64_t n)
{
    /* Rejection sampling on the largest multiple of n: unbiased. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
        x = aaei_rng_u64(r);
    } while (x >= limit);
    return x % n;
}

size_t aaei_rng_categorical(aaei_rng *r, const float *p, size_t k)
{
    double total = 0.0;
    for (size_t i = 0; i < k; i++) total += p[i] > 0.0f ? p[i] : 0.0f;
    double u = (double)aaei_rng_uniform(r) * total, acc = 0.0;
    for (size_t i = 0; i < k; i++) {
        acc += p[i] > 0.0f ? p[i] : 0.0f;
        if (u < acc) return i;
    }
    return k - 1;
}

void aaei_rng_shuffle(aaei_rng *r, size_t *a, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)aaei_rng_below(r, i);
        size_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

void aaei_rng_permutation(aaei_rng *r, size_t *perm, size_t n)
{
    for (size_t i = 0; i < n; i++) perm[i] = i;
    aaei_rng_shuffle(r, perm, n);
}
