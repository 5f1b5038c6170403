/* The trainer's side of data parallelism: agreeing on the run, starting
 * from rank 0's model, and one checked step on this process's slice. Every
 * hook call here is a collective: all processes reach it in the same order. */
#include <string.h>

#include "core/error.h"
#include "model/model.h"
#include "train/parallel.h"

static uint64_t model_floats(const aae_model *m)
{
    uint64_t n = 0;
    AAEI_FOR_ALL_NETS(m, net) n += net->nparams + net->nstate;
    for (int i = 0; i < AAEI_OPT_COUNT; i++) n += m->optims[i].n;
    return n;
}

aae_status aaei_parallel_begin(const aaei_epoch_settings *set, const aaei_group *g, aae_model *m, size_t rows,
                               size_t rows_l, const char *fn)
{
    /* What must agree: model layout, data sizes and the settings that
     * decide batches and their order. */
    uint64_t mine[9] = {model_floats(m), (uint64_t)m->opt.v[AAE_OPTION_SEED], rows, rows_l,
                        (uint64_t)set->v[AAE_TRAIN_BATCH_SIZE], (uint64_t)set->v[AAE_TRAIN_SHUFFLE],
                        (uint64_t)set->v[AAE_TRAIN_SEED], (uint64_t)set->v[AAE_TRAIN_DROP_LAST], g->size};
    uint64_t root[9];
    memcpy(root, mine, sizeof root);
    AAEI_TRY(aaei_context(aaei_group_broadcast(g, root, sizeof root, "the broadcast hook"), fn));
    int differs = memcmp(root, mine, sizeof root) != 0, any = 0;
    AAEI_TRY(aaei_context(aaei_group_any(g, differs, &any), fn));
    if (differs)
        return aaei_fail(AAE_ERR_INVALID_ARGUMENT,
                         "%s: process %u differs from rank 0 (model size or seed, dataset rows or batch settings)",
                         fn, g->rank);
    if (any)
        return aaei_fail(AAE_ERR_INVALID_ARGUMENT,
                         "%s: another process differs from rank 0 (model size or seed, dataset rows or batch settings)",
                         fn);
    return aaei_context(aaei_broadcast_model(m, g), fn);
}

aae_status aaei_parallel_step(const aaei_group *g, aae_model *m, const aaei_slice *s,
                              uint64_t step, float *losses, const char *fn)
{
    /* (The epoch holds the model's busy flag.) */
    aae_status st = aaei_model_check_step(m, s->x, s->y, s->rows, s->xl, s->yl, s->rows_l, fn);
    int any = 0;
    aae_status hs = aaei_context(aaei_group_any(g, st != AAE_OK, &any), fn);
    if (hs == AAE_OK && st == AAE_OK && any)
        hs = aaei_fail(AAE_ERR_INVALID_ARGUMENT,
                       "%s: another process's slice of this batch failed its checks", fn);
    if (st == AAE_OK && hs == AAE_OK) {
        aaei_shard shard = {.row0 = s->row0, .total = s->total, .row0_l = s->row0_l, .total_l = s->total_l};
        st = aaei_model_train_step(m, s->x, s->y, s->rows, s->xl, s->yl, s->rows_l, step, g,
                                   &shard, losses);
    }
    return st != AAE_OK ? st : hs;
}
