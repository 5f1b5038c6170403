/* The trainer handle: settings, callbacks and its reusable batch buffers. */
#ifndef AAEI_TRAINER_H
#define AAEI_TRAINER_H

#include <stdatomic.h>

#include "aae/aae.h"
#include "model/group.h"
#include "model/options.h"

#define AAEI_TRAIN_LAST AAE_TRAIN_THREADS

struct aae_trainer {
    double v[AAEI_TRAIN_LAST + 1];
    aae_batch_callback on_batch;
    aae_epoch_callback on_epoch;
    void *user;
    aae_lr_callback lr_fn;  /* NULL: no per-phase factor of the user's */
    void *lr_user;
    const aae_dataset *eval;
    atomic_flag running;    /* an epoch is in progress (its callbacks included) */

    /* Data parallelism (aae_trainer_set_parallel); size 1: off. */
    aaei_group group;

    struct aaei_team *team; /* AAE_TRAIN_THREADS > 1: replicas and threads */

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

/* One epoch of this trainer (one process or one member of a parallel
 * group); aae_trainer_epoch adds the threads of AAE_TRAIN_THREADS. */
aae_status aaei_trainer_epoch(aae_trainer *t, aae_model *m, const aae_dataset *train,
                              const aae_dataset *labelled, const char *fn);

/* An epoch on `threads` threads (src/train/team.c); frees with the trainer. */
aae_status aaei_team_epoch(aae_trainer *t, aae_model *m, const aae_dataset *train,
                           const aae_dataset *labelled, unsigned threads, const char *fn);
void aaei_team_free(struct aaei_team *team);

/* What aae_model_evaluate requires of ds (width; in-range labels where the
 * model decodes them), checked before an epoch trains anything. */
aae_status aaei_evaluate_check(const aae_model *m, const aae_dataset *ds, const char *fn);

/* Learning-rate factor of `epoch` under the trainer's schedule. */
double aaei_schedule_factor(const aae_trainer *t, uint64_t epoch);

/* Each phase's learning-rate factor for `epoch` (schedule x milestones x
 * callback); with several members, rank 0's (a collective). */
aae_status aaei_epoch_lr_factors(const aae_trainer *t, const aae_model *m, uint64_t epoch,
                                 double factor[AAEI_PHASES], const char *fn);

#endif
