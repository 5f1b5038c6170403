/* Epochs on the threads of AAE_TRAIN_THREADS (team.c): a group over shared
 * memory whose members run aaei_epoch_run. */
#ifndef AAEI_TEAM_H
#define AAEI_TEAM_H

#include "train/epoch.h"

struct aaei_team;

/* An epoch on `threads` threads: the caller's thread trains m as rank 0
 * with settings `set` and buffers `lead`; the others train replicas with
 * set's numbered settings and no callbacks. *team is created on first use
 * (and rebuilt when m's options or the thread count change). */
aae_status aaei_team_epoch(struct aaei_team **team, const aaei_epoch_settings *set,
                           aaei_batch_buffers *lead, aae_model *m, const aae_dataset *train,
                           const aae_dataset *labelled, unsigned threads, const char *fn);
void aaei_team_free(struct aaei_team *team);

#endif
