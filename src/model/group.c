/* Collectives over a data-parallel group (model/group.h): the hook calls
 * with their error handling, and the shares of rows and parameters. */
#include "model/group.h"

#include "core/error.h"

const aaei_group *aaei_group_one(void)
{
    static const aaei_group one = {0, 1, 0, NULL, NULL, NULL};
    return &one;
}

aae_status aaei_group_allreduce(const aaei_group *g, aae_reduce_kind kind, float *data, size_t n,
                                const char *what)
{
    if (g->size == 1) return AAE_OK;
    aaei_hook_begin();
    return aaei_hook_end(g->allreduce(g->user, kind, data, n), what);
}

aae_status aaei_group_broadcast(const aaei_group *g, void *data, size_t bytes, const char *what)
{
    if (g->size == 1 || bytes == 0) return AAE_OK;
    aaei_hook_begin();
    return aaei_hook_end(g->broadcast(g->user, data, bytes), what);
}

aae_status aaei_group_any(const aaei_group *g, int mine, int *any)
{
    float flag = mine ? 1.0f : 0.0f;
    AAEI_TRY(aaei_group_allreduce(g, AAE_REDUCE_STATUS, &flag, 1, "the allreduce hook (status)"));
    *any = flag > 0.0f;
    return AAE_OK;
}

aae_status aaei_group_barrier(const aaei_group *g)
{
    float flag = 0.0f;
    return aaei_group_allreduce(g, AAE_REDUCE_STATUS, &flag, 1, "the allreduce hook (barrier)");
}

void aaei_group_rows(const aaei_group *g, size_t n, size_t *lo, size_t *hi)
{
    *lo = n * g->rank / g->size;
    *hi = n * (g->rank + 1) / g->size;
}

void aaei_group_slice(const aaei_group *g, size_t n, size_t *lo, size_t *hi)
{
    if (g->shared) {
        aaei_group_rows(g, n, lo, hi);
    } else {
        *lo = 0;
        *hi = n;
    }
}
