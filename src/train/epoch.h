/* One member's epoch (epoch.c) and what it reads: the trainer's settings
 * as a plain copy, its batch buffers, the learning-rate schedule
 * (schedule.c) and the evaluation set's checks (evaluate.c). Nothing here
 * knows the trainer handle, so the thread team (team.c) runs epochs
 * without trainers of its own. */
#ifndef AAEI_EPOCH_H
#define AAEI_EPOCH_H

#include "aae/aae.h"
#include "model/group.h"
#include "model/options.h"

#define AAEI_TRAIN_LAST AAE_TRAIN_THREADS

/* A copy of a trainer's numbered settings (aae_trainer_set) and, for
 * rank 0 only, its callbacks and evaluation set: the other members of a
 * group get NULL there (a callback runs once, on the caller's thread). */
typedef struct aaei_epoch_settings {
    double v[AAEI_TRAIN_LAST + 1];
    aae_batch_callback on_batch;
    aae_epoch_callback on_epoch;
    void *user;
    aae_lr_callback lr_fn; /* NULL: no per-phase factor of the user's */
    void *lr_user;
    const aae_dataset *eval;
} aaei_epoch_settings;

/* A member's buffers, grown at the start of an epoch, reused by every batch. */
typedef struct aaei_batch_buffers {
    size_t *perm;   /* this epoch's row order */
    float *x;       /* one batch */
    int32_t *y;
    size_t *lidx;   /* labelled rows of the labelled dataset */
    size_t *lbatch; /* indices of one labelled batch */
    float *xl;      /* one labelled batch */
    int32_t *yl;
    size_t perm_cap, x_cap, y_cap, lidx_cap, lbatch_cap, xl_cap, yl_cap;
} aaei_batch_buffers;

void aaei_batch_buffers_free(aaei_batch_buffers *b);

/* One epoch of member g->rank of group g on model m (g->size 1: alone). */
aae_status aaei_epoch_run(const aaei_epoch_settings *set, const aaei_group *g, aaei_batch_buffers *buf,
                          aae_model *m, const aae_dataset *train, const aae_dataset *labelled,
                          const char *fn);

/* An epoch's batches over `rows` rows split over `members`, under the
 * DROP_LAST rule of settings v. */
aae_status aaei_epoch_batches(const double *v, unsigned members, const aae_model *m, size_t rows,
                              uint64_t *batches, const char *fn);

/* What aae_model_evaluate requires of ds (width; in-range labels where the
 * model decodes them), checked before an epoch trains anything. */
aae_status aaei_evaluate_check(const aae_model *m, const aae_dataset *ds, const char *fn);

/* Learning-rate factor of `epoch` under the schedule of settings v. */
double aaei_schedule_factor(const double *v, uint64_t epoch);

/* Each phase's learning-rate factor for `epoch` (schedule x milestones x
 * callback); with several members, rank 0's (a collective). */
aae_status aaei_epoch_lr_factors(const aaei_epoch_settings *set, const aaei_group *g, const aae_model *m,
                                 uint64_t epoch, double factor[AAEI_PHASES], const char *fn);

#endif
