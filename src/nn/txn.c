/* Double-buffered parameters and moments, saved statistics (see txn.h). */
#include "nn/txn.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/simd.h"

/* Allocates *spare (n floats) unless it exists or nothing needs it. */
static aae_status reserve(float **spare, size_t n, int needed, const char *what)
{
    if (*spare || !needed || n == 0) return AAE_OK;
    *spare = aaei_malloc(n, sizeof **spare, what);
    return *spare ? AAE_OK : AAE_ERR_NOMEM;
}

aae_status aaei_net_txn_reserve(aae_net *net)
{
    AAEI_TRY(reserve(&net->params_spare, net->nparams, 1, "spare parameters"));
    return reserve(&net->state_saved, net->nstate, 1, "saved batch norm statistics");
}

aae_status aaei_optim_txn_reserve(aaei_optim *o)
{
    int writes = aaei_optim_writes_moments(o);
    AAEI_TRY(reserve(&o->m_spare, o->n, writes && o->m, "spare optimizer moments"));
    return reserve(&o->v_spare, o->n, writes && o->v, "spare optimizer moments");
}

void aaei_optim_txn_begin(aaei_optim *o)
{
    o->steps_before = o->steps;
}

static void swap(float **a, float **b)
{
    float *t = *a;
    *a = *b;
    *b = t;
}

/* Makes *out the array's next buffer: its spare on the first write of a
 * step (the pointers swapped, *in the old one), else the array itself. */
static void next_buffer(float **array, float **spare, int first, const float **in, float **out)
{
    *in = *out = *array;
    if (!first) return;
    swap(array, spare);
    *out = *array;
}

/* Keeps the maxima of an update over all of the arrays, else forgets. */
static void record_max(aaei_optim *o, aae_net *net, const aaei_optim_max *mx, int whole)
{
    net->params_max_known = o->max_known = whole;
    net->params_max = mx->p;
    o->m_max = mx->m;
    o->v_max = mx->v;
}

void aaei_net_txn_forget(aae_net *net)
{
    net->params_max_known = 0;
}

void aaei_optim_txn_forget(aaei_optim *o)
{
    o->max_known = 0;
}

/* max |g| over n values (as bits: an integer max, which vectorizes). */
AAEI_CLONES
static float max_abs(const float *restrict g, size_t n)
{
    uint32_t mx = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t b;
        memcpy(&b, &g[i], sizeof b);
        b &= 0x7fffffffu;
        mx = b > mx ? b : mx;
    }
    float f;
    memcpy(&f, &mx, sizeof f);
    return f;
}

int aaei_txn_predict_finite(const aaei_optim *o, const aae_net *net)
{
    if (!net->params_max_known || !o->max_known) return 0;
    aaei_optim_max before = {net->params_max, o->m_max, o->v_max};
    return aaei_optim_predict_finite(o, &before, max_abs(net->grads, net->nparams));
}

int aaei_txn_update_in_place(aaei_optim *o, aae_net *net)
{
    aaei_optim_max mx;
    int bad = aaei_optim_update_zeroing(o, net->params, net->grads, net->nparams, &mx);
    record_max(o, net, &mx, 1);
    return bad;
}

int aaei_txn_update(aaei_optim *o, aae_net *net, size_t lo, size_t hi)
{
    aaei_optim_io io;
    int move_p = net->params_spare && !net->params_moved;
    /* (m and v move together: Adam's kernels take them alike.) */
    int move_m = o->m_spare && (!o->v || o->v_spare) && !o->moved && aaei_optim_writes_moments(o);
    next_buffer(&net->params, &net->params_spare, move_p, &io.p_in, &io.p_out);
    next_buffer(&o->m, &o->m_spare, move_m, &io.m_in, &io.m_out);
    next_buffer(&o->v, &o->v_spare, move_m && o->v, &io.v_in, &io.v_out);
    net->params_moved |= move_p;
    o->moved |= move_m;
    aaei_optim_max mx;
    int bad = aaei_optim_update(o, &io, net->grads, lo, hi, &mx);
    record_max(o, net, &mx, lo == 0 && hi == net->nparams);
    return bad;
}

void aaei_net_txn_end(aae_net *net, int commit)
{
    if (!commit) net->params_max_known = 0;
    if (!commit && net->params_moved) swap(&net->params, &net->params_spare);
    if (!commit && net->state_is_saved)
        memcpy(net->state, net->state_saved, net->nstate * sizeof *net->state);
    net->params_moved = net->state_is_saved = 0;
}

void aaei_optim_txn_end(aaei_optim *o, int commit)
{
    if (!commit) o->max_known = 0;
    if (!commit && o->moved) {
        swap(&o->m, &o->m_spare);
        if (o->v_spare) swap(&o->v, &o->v_spare);
    }
    if (!commit) o->steps = o->steps_before;
    o->moved = 0;
}

int aaei_net_txn_state_bad(const aae_net *net)
{
    int bad = 0;
    if (!net->state_is_saved) return 0;
    for (size_t i = 0; i < net->nstate; i++) bad |= !isfinite(net->state[i]);
    return bad;
}
