/* The trainer handle: settings, callbacks, its data-parallel group, its
 * thread team and its reusable batch buffers. */
#ifndef AAEI_TRAINER_H
#define AAEI_TRAINER_H

#include <stdatomic.h>

#include "aae/aae.h"
#include "model/group.h"
#include "train/epoch.h"

struct aae_trainer {
    aaei_epoch_settings set; /* what aae_trainer_set and the setters wrote */
    atomic_flag running;    /* an epoch is in progress (its callbacks included) */

    /* Data parallelism (aae_trainer_set_parallel); size 1: off. */
    aaei_group group;

    struct aaei_team *team; /* AAE_TRAIN_THREADS > 1: replicas and threads */
    aaei_batch_buffers buf; /* this process's (rank 0's, with threads) */
};

#endif
