/* Counter-keyed random numbers. A draw is a pure function of
 * (seed, stream, step, row) and a position within that row, never of a
 * running global stream, so results do not depend on thread count or on how
 * rows are split across processes. Integer-only core: the same bits on every
 * platform; normals use double-precision libm. */
#ifndef AAEI_RNG_H
#define AAEI_RNG_H

#include <stddef.h>
#include <stdint.h>

/* Streams keep unrelated uses of one seed independent. */
enum aaei_stream {
    AAEI_STREAM_INIT = 1,    /* parameter initialization: step = layer */
    AAEI_STREAM_DROPOUT = 2, /* step = training step, row = batch row */
    AAEI_STREAM_SHUFFLE = 3,
    AAEI_STREAM_PRIOR = 4,
    AAEI_STREAM_NOISE = 5,
    AAEI_STREAM_INPUT_NOISE = 6 /* noise layers: step = training step, row = batch row */
};

typedef struct aaei_rng {
    uint64_t state;
} aaei_rng;

/* A generator for one (seed, stream, step, row) key. */
aaei_rng aaei_rng_keyed(uint64_t seed, uint64_t stream, uint64_t step,
                        uint64_t row);

uint64_t aaei_rng_u64(aaei_rng *r);
/* Uniform in [0, 1) with 24 random bits (every value exactly a float). */
float aaei_rng_uniform(aaei_rng *r);
/* Uniform in [lo, hi). */
float aaei_rng_range(aaei_rng *r, float lo, float hi);
/* Standard normal (Box-Muller, one value per call). */
float aaei_rng_normal(aaei_rng *r);
/* n standard normals, two per Box-Muller draw (its cosine and sine: half the
 * draws and logarithms of n calls to aaei_rng_normal, other values). */
void aaei_rng_normals(aaei_rng *r, float *out, size_t n);
/* Uniform integer in [0, n), unbiased; n >= 1. */
uint64_t aaei_rng_below(aaei_rng *r, uint64_t n);
/* Index drawn with probabilities p[0..k) (need not sum to 1; k >= 1). */
size_t aaei_rng_categorical(aaei_rng *r, const float *p, size_t k);
/* perm = a uniformly random permutation of 0..n-1 (Fisher-Yates). */
void aaei_rng_permutation(aaei_rng *r, size_t *perm, size_t n);
/* Fisher-Yates shuffle of a[0..n) in place (aaei_rng_permutation's draws). */
void aaei_rng_shuffle(aaei_rng *r, size_t *a, size_t n);

#endif
