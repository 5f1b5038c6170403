/* The trainer handle: settings, callbacks, its data-parallel group, its
 * thread team and its reusable batch buffers. */
#ifndef AAEI_TRAINER_H
#define AAEI_TRAINER_H

#include <stdatomic.h>

#include "aae/aae.h"
#include "model/group.h"
#include "train/epoch.h"

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
    aaei_batch_buffers buf; /* this process's (rank 0's, with threads) */
};

#endif
