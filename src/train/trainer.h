/* The trainer handle: settings, callbacks and its reusable batch buffers. */
#ifndef AAEI_TRAINER_H
#define AAEI_TRAINER_H

#include "aae/aae.h"

#define AAEI_TRAIN_LAST AAE_TRAIN_MIN_FACTOR

struct aae_trainer {
    double v[AAEI_TRAIN_LAST + 1];
    aae_batch_callback on_batch;
    aae_epoch_callback on_epoch;
    void *user;
    const aae_dataset *eval;

    /* Data parallelism (aae_trainer_set_parallel); size 1: off. */
    unsigned rank, size;
    aae_allreduce_fn allreduce;
    aae_broadcast_fn broadcast;
    void *par_user;

    /* Buffers grown at the start of an epoch, reused by every batch. */
    size_t *perm;           /* this epoch's row order */
    float *x;               /* one batch */
    int32_t *y;
    size_t *lidx;           /* labelled rows of the labelled dataset */
    size_t *lbatch;         /* indices of one labelled batch */
    float *xl;              /* one labelled batch */
    int32_t *yl;
    size_t perm_cap, x_cap, y_cap, lidx_cap, lbatch_cap, xl_cap, yl_cap;
};

/* Learning-rate factor of `epoch` under the trainer's schedule. */
double aaei_schedule_factor(const aae_trainer *t, uint64_t epoch);

#endif
