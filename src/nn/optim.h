/* SGD and Adam over flat parameter/gradient arrays, exactly as PyTorch 1.13's
 * single-tensor implementations (so one optimizer step is one loop). */
#ifndef AAEI_OPTIM_H
#define AAEI_OPTIM_H

#include <stddef.h>
#include <stdint.h>

#include "aae/aae.h"

typedef struct aaei_optim_config {
    aae_optimizer_kind kind;
    double lr, momentum, dampening, weight_decay, beta1, beta2, eps;
    int nesterov;
} aaei_optim_config;

typedef struct aaei_optim {
    aaei_optim_config cfg;
    size_t n;
    float *m;      /* SGD momentum buffer or Adam first moment */
    float *v;      /* Adam second moment */
    uint64_t steps;
    /* Transactional steps (nn/txn.c): the other halves of m's and v's
     * double buffers (NULL until reserved), whether this step has moved
     * them, and the step counter before it. */
    float *m_spare, *v_spare;
    int moved;
    uint64_t steps_before;
    /* The moments' maxima as the last update over all of them left them
     * (max_known 0: unknown), for aaei_optim_predict_finite. */
    float m_max, v_max;
    int max_known;
} aaei_optim;

/* PyTorch's defaults for the kind. */
aaei_optim_config aaei_optim_defaults(aae_optimizer_kind kind);
/* Checks a config (nesterov needs momentum and no dampening, ...). */
aae_status aaei_optim_validate(const aaei_optim_config *cfg);

/* Bounds, setter and getter of one numbered setting (validated). */
aae_status aaei_optim_bounds(aae_optimizer_param param, double *lo, double *hi);
aae_status aaei_optim_config_set(aaei_optim_config *cfg, aae_optimizer_param param,
                                 double value);
aae_status aaei_optim_config_get(const aaei_optim_config *cfg, aae_optimizer_param param,
                                 double *value);

aae_status aaei_optim_init(aaei_optim *o, const aaei_optim_config *cfg, size_t n);
void aaei_optim_release(aaei_optim *o);
/* Where one update reads and writes: the parameters, and the moments
 * (m, and v for Adam, always alike), each either in place (in == out) or
 * moved (out does not overlap in). */
typedef struct aaei_optim_io {
    const float *p_in;
    float *p_out;
    const float *m_in;
    float *m_out;
    const float *v_in;
    float *v_out;
} aaei_optim_io;

/* The largest |parameter|, |first moment| and second moment of a range
 * (0 for a moment the optimizer does not keep). */
typedef struct aaei_optim_max {
    float p, m, v;
} aaei_optim_max;

/* The update of elements [lo, hi) (counted as a step) from io's inputs
 * into its outputs: the same bits in every case. Returns 1 if a value it
 * wrote (parameter or moment) is not finite, else 0; *mx (may be NULL)
 * receives the maxima of what it wrote. */
int aaei_optim_update(aaei_optim *o, const aaei_optim_io *io, const float *grads, size_t lo, size_t hi,
                      aaei_optim_max *mx);
/* The update of all n parameters in place (moments too), each gradient
 * set to 0 once read; as aaei_optim_update otherwise. */
int aaei_optim_update_zeroing(aaei_optim *o, float *params, float *grads, size_t n, aaei_optim_max *mx);
/* 1 if the next update of values whose maxima are `before`, with
 * gradients of at most grad_max in magnitude, is sure to write only finite
 * values (bounds with a wide margin: 0 near overflow, never 1 wrongly). */
int aaei_optim_predict_finite(const aaei_optim *o, const aaei_optim_max *before, float grad_max);
/* 1 if an update writes the moments (Adam; SGD with momentum). */
int aaei_optim_writes_moments(const aaei_optim *o);

/* One update of params from grads (both n floats), in place. */
void aaei_optim_step(aaei_optim *o, float *params, const float *grads);
/* The same update of elements [lo, hi) only (counted as a step): threads
 * sharing the parameters and moments each update their own range. */
void aaei_optim_step_range(aaei_optim *o, float *params, const float *grads, size_t lo, size_t hi);

#endif
