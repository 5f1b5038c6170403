/* Data-parallel epochs: the trainer's collectives (see aae_trainer_set_parallel). */
#ifndef AAEI_PARALLEL_H
#define AAEI_PARALLEL_H

#include "model/model.h"
#include "train/epoch.h"

/* This process's rows of one global batch and of its labelled batch. */
typedef struct aaei_slice {
    const float *x;
    const int32_t *y;
    size_t rows, row0, total;
    const float *xl;
    const int32_t *yl;
    size_t rows_l, row0_l, total_l;
} aaei_slice;

/* Replaces the model's whole training state (parameters, batch norm
 * statistics, optimizer state, step counters) by rank 0's (broadcast.c). */
aae_status aaei_broadcast_model(aae_model *m, const aaei_group *group);

/* Start of an epoch call: every process checks it agrees with rank 0, then
 * takes rank 0's model. */
aae_status aaei_parallel_begin(const aaei_epoch_settings *set, const aaei_group *g, aae_model *m, size_t rows,
                               size_t rows_l, const char *fn);

/* One step on this process's slice; every process fails if any slice fails
 * its checks. */
aae_status aaei_parallel_step(const aaei_group *g, aae_model *m, const aaei_slice *s,
                              uint64_t step, float *losses, const char *fn);

#endif
