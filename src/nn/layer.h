/* Layers: one place per op for forward and backward (dense.c, activation.c,
 * batchnorm.c, dropout.c); layer.c dispatches on the kind. A layer owns no
 * memory: its parameters, gradients and running state live in the network's
 * flat arrays at the layer's offsets, its outputs and caches in a workspace. */
#ifndef AAEI_LAYER_H
#define AAEI_LAYER_H

#include <stddef.h>
#include <stdint.h>

#include "aae/aae.h"

typedef enum aaei_layer_kind {
    AAEI_DENSE = 1,
    AAEI_RELU,
    AAEI_LEAKY_RELU,
    AAEI_SIGMOID,
    AAEI_TANH,
    AAEI_SOFTMAX,
    AAEI_BATCHNORM,
    AAEI_DROPOUT,
    AAEI_GAUSSIAN_NOISE
} aaei_layer_kind;

typedef struct aaei_layer {
    aaei_layer_kind kind;
    size_t in, out;        /* widths; equal except for dense */
    union {                /* the kind's one setting */
        float slope;       /* leaky ReLU */
        float p;           /* dropout: the drop probability */
        float momentum;    /* batch norm */
        float std;         /* Gaussian noise */
    } setting;
    float eps;             /* BN eps */
    size_t param_off, nparam; /* into the network's params and grads */
    size_t state_off, nstate; /* into its running state (BN mean, var) */
} aaei_layer;

/* Data-parallel training: this member holds some rows of a global batch,
 * and batch norm takes its statistics over the whole batch: sum() adds n
 * floats over the members in place (the model layer supplies it; nn knows
 * no hook). A failed sum is recorded in status (with its error message
 * set) and stops the pass. NULL: the rows are the whole batch. */
typedef struct aaei_reduce {
    aae_status (*sum)(const void *ctx, float *data, size_t n);
    const void *ctx;
    aae_status status;
} aaei_reduce;

/* Global index of local row r, which keys its random draws: rows below
 * split count from row0, the rest from row0b (a batch of two stacked
 * halves, like a discriminator's real and fake rows). */
typedef struct aaei_row_keys {
    uint64_t row0, split, row0b;
} aaei_row_keys;

static inline uint64_t aaei_row_key(const aaei_row_keys *k, size_t r)
{
    return r < k->split ? k->row0 + r : k->row0b + (r - k->split);
}

/* What a forward pass needs besides the layer's own data. */
typedef struct aaei_pass {
    size_t rows;
    int training;      /* batch statistics, dropout, caches for backward */
    uint64_t seed;     /* dropout masks are keyed by (seed, step, row key) */
    uint64_t step;
    aaei_row_keys keys;
    uint64_t layer_index;
    aaei_reduce *reduce; /* training only; NULL: one process */
} aaei_pass;

/* Floats of per-layer cache a training forward keeps for backward. */
size_t aaei_layer_aux_floats(const aaei_layer *L, size_t rows);

/* Fills freshly added parameters and state (PyTorch's defaults). */
void aaei_layer_init(const aaei_layer *L, float *params, float *state,
                     uint64_t seed, uint64_t layer_index);

/* y (rows x out) from x (rows x in). In training mode writes aux and updates
 * state (BN running statistics); in inference mode reads state only. */
void aaei_layer_forward(const aaei_layer *L, const float *params, float *state,
                        const float *x, float *y, float *aux,
                        const aaei_pass *pass);

/* Adds parameter gradients into grads and, unless dx is NULL, writes dx
 * (rows x in). x, y and aux are those of the training forward. */
void aaei_layer_backward(const aaei_layer *L, const float *params, float *grads,
                         const float *x, const float *y, float *aux,
                         const float *dy, float *dx, size_t rows, aaei_reduce *reduce);

/* The ops, one file each. */
void aaei_dense_init(const aaei_layer *L, float *params, uint64_t seed,
                     uint64_t layer_index);
void aaei_dense_forward(const aaei_layer *L, const float *params,
                        const float *x, float *y, size_t rows);
void aaei_dense_backward(const aaei_layer *L, const float *params,
                         float *grads, const float *x, const float *dy,
                         float *dx, size_t rows);

void aaei_activation_forward(const aaei_layer *L, const float *x, float *y,
                             size_t rows);
void aaei_activation_backward(const aaei_layer *L, const float *x,
                              const float *y, const float *dy, float *dx,
                              size_t rows);

/* Row-wise softmax of n columns read with stride ld, written densely. */
void aaei_softmax_rows(const float *in, size_t ld, size_t rows, size_t n, float *out);
/* Row-wise log-softmax, the same layout; exact where softmax saturates. */
void aaei_log_softmax_rows(const float *in, size_t ld, size_t rows, size_t n, float *out);
/* Its backward: dx (rows x n, stride ldx) = (or, accumulate: +=) the
 * gradient through y = softmax(x) of dy (both rows x n, dense). */
void aaei_softmax_backward_rows(const float *y, const float *dy, size_t rows, size_t n, float *dx, size_t ldx,
                                int accumulate);

void aaei_batchnorm_init(const aaei_layer *L, float *params, float *state);
void aaei_batchnorm_forward(const aaei_layer *L, const float *params,
                            float *state, const float *x, float *y, float *aux,
                            size_t rows, int training, aaei_reduce *reduce);
void aaei_batchnorm_backward(const aaei_layer *L, const float *params,
                             float *grads, float *aux, const float *dy,
                             float *dx, size_t rows, aaei_reduce *reduce);

void aaei_dropout_forward(const aaei_layer *L, const float *x, float *y,
                          float *aux, const aaei_pass *pass);
void aaei_dropout_backward(const aaei_layer *L, const float *aux,
                           const float *dy, float *dx, size_t rows);
void aaei_noise_forward(const aaei_layer *L, const float *x, float *y, const aaei_pass *pass);
/* PyTorch-style N(0, std^2) weights and zero biases (instead of the default). */
void aaei_dense_init_normal(const aaei_layer *L, float *params, uint64_t seed, uint64_t layer_index,
                            float std);

#endif
