/* Rank 0's training state to every process of a data-parallel run, at the
 * start of each epoch call: the same calls in the same order on every
 * process (a collective). */
#include "core/error.h"
#include "model/model.h"
#include "nn/txn.h"
#include "train/parallel.h"

static aae_status send(const aaei_group *g, void *data, size_t bytes)
{
    return aaei_group_broadcast(g, data, bytes, "the broadcast hook");
}

static aae_status send_net(aae_net *net, const aaei_group *g)
{
    AAEI_TRY(send(g, net->params, net->nparams * sizeof *net->params));
    return send(g, net->state, net->nstate * sizeof *net->state);
}

aae_status aaei_broadcast_model(aae_model *m, const aaei_group *g)
{
    AAEI_FOR_ALL_NETS(m, net) {
        aaei_net_txn_forget(net);
        AAEI_TRY(send_net(net, g));
    }
    for (int i = 0; i < AAEI_OPT_COUNT; i++) {
        aaei_optim *o = &m->optims[i];
        aaei_optim_txn_forget(o);
        if (o->m) AAEI_TRY(send(g, o->m, o->n * sizeof *o->m));
        if (o->v) AAEI_TRY(send(g, o->v, o->n * sizeof *o->v));
        AAEI_TRY(send(g, &o->steps, sizeof o->steps));
    }
    return send(g, &m->steps, sizeof m->steps);
}
