/* The members of a data-parallel run, as the training step and the
 * trainer see them: one process, processes joined by the user's hooks
 * (aae_trainer_set_parallel), or the threads of AAE_TRAIN_THREADS. Every
 * collective goes through these calls, never through a raw hook. */
#ifndef AAEI_GROUP_H
#define AAEI_GROUP_H

#include "aae/aae.h"

typedef struct aaei_group {
    unsigned rank, size;
    /* The members share one set of parameters and optimizer moments
     * (threads of one process): after a gradient sum each updates only
     * its slice (aaei_group_slice). Else every member updates all. */
    int shared;
    aae_allreduce_fn allreduce; /* NULL for size 1 */
    aae_broadcast_fn broadcast;
    void *user;
} aaei_group;

/* The group of one process, alone. */
const aaei_group *aaei_group_one(void);

/* Sums data (n floats) over the members in place; `what` names the hook
 * call in errors ("the allreduce hook (gradients)"). No-op for size 1. */
aae_status aaei_group_allreduce(const aaei_group *g, aae_reduce_kind kind, float *data, size_t n,
                                const char *what);

/* Rank 0's bytes to every member. No-op for size 1. */
aae_status aaei_group_broadcast(const aaei_group *g, void *data, size_t bytes, const char *what);

/* *any = 1 on every member if `mine` is non-zero on any (a collective). */
aae_status aaei_group_any(const aaei_group *g, int mine, int *any);

/* Every member waits for all: a one-float AAE_REDUCE_STATUS sum (the
 * hook's contract has no empty reduction). */
aae_status aaei_group_barrier(const aaei_group *g);

/* The elements [lo, hi) of n that this member updates: its slice when
 * the parameters are shared, else all. */
void aaei_group_slice(const aaei_group *g, size_t n, size_t *lo, size_t *hi);

/* The rows [lo, hi) of a batch of n that this member trains on. */
void aaei_group_rows(const aaei_group *g, size_t n, size_t *lo, size_t *hi);

#endif
