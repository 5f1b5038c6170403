/* The transaction around a training step: the model's networks and
 * optimizer slots walked through nn/txn.h (the mechanism is described
 * there). */
#include "core/error.h"
#include "model/model.h"
#include "nn/txn.h"

aae_status aaei_model_txn_reserve(aae_model *m)
{
    AAEI_FOR_ALL_NETS(m, net) AAEI_TRY(aaei_net_txn_reserve(net));
    for (int s = 0; s < AAEI_OPT_COUNT; s++)
        if (m->optims[s].m) AAEI_TRY(aaei_optim_txn_reserve(&m->optims[s]));
    return AAE_OK;
}

void aaei_model_txn_begin(aae_model *m)
{
    for (int s = 0; s < AAEI_OPT_COUNT; s++) aaei_optim_txn_begin(&m->optims[s]);
}

void aaei_model_txn_end(aae_model *m, int commit)
{
    AAEI_FOR_ALL_NETS(m, net) aaei_net_txn_end(net, commit);
    for (int s = 0; s < AAEI_OPT_COUNT; s++) aaei_optim_txn_end(&m->optims[s], commit);
    /* A step stopped midway may leave gradients accumulated: the next
     * one starts from zero, as after a complete step. */
    if (!commit) {
        AAEI_FOR_ALL_NETS(m, net) aaei_net_zero_grad(net);
    }
}

/* 1 if a network appears twice: the second update's bounds would rest on
 * maxima the first one changes. */
static int repeats_a_network(const aaei_deferred *d)
{
    for (size_t i = 0; i < d->n; i++)
        for (size_t j = 0; j < i; j++)
            if (d->at[i].net == d->at[j].net) return 1;
    return 0;
}

const char *aaei_model_txn_apply(aae_model *m, aaei_deferred *d)
{
    int in_place = !repeats_a_network(d);
    const char *bad = NULL;
    for (size_t i = 0; i < d->n && in_place; i++)
        in_place = aaei_txn_predict_finite(&m->optims[d->at[i].slot], d->at[i].net);
    for (size_t i = 0; i < d->n; i++) {
        aaei_optim *o = &m->optims[d->at[i].slot];
        aae_net *net = d->at[i].net;
        /* (In place, `wrong` cannot be: the prediction is a proof.) */
        int wrong = in_place ? aaei_txn_update_in_place(o, net) : aaei_txn_update(o, net, 0, net->nparams);
        if (!in_place) aaei_net_zero_grad(net);
        if (wrong && !bad) bad = d->at[i].phase;
    }
    d->n = 0;
    return bad;
}

int aaei_model_txn_state_bad(const aae_model *m)
{
    int bad = 0;
    AAEI_FOR_ALL_NETS(m, net) bad |= aaei_net_txn_state_bad(net);
    return bad;
}
