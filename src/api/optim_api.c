/* Public optimizer functions: a config plus state bound to one network. */
#include "core/alloc.h"
#include "core/error.h"
#include "nn/net.h"
#include "nn/optim.h"

struct aae_optimizer {
    aaei_optim o;
    aae_net *net;
};

AAE_API aae_status aae_optimizer_create(aae_optimizer **opt, aae_optimizer_kind kind,
                                        aae_net *net)
{
    AAEI_REQUIRE(opt != NULL, "aae_optimizer_create: opt (output pointer) is NULL");
    AAEI_REQUIRE(net != NULL, "aae_optimizer_create: net is NULL");
    aaei_optim_config cfg = aaei_optim_defaults(kind);
    aae_optimizer *p = aaei_malloc(1, sizeof *p, "optimizer");
    if (!p) return AAE_ERR_NOMEM;
    aae_status st = aaei_optim_init(&p->o, &cfg, net->nparams);
    if (st != AAE_OK) {
        aaei_free(p);
        return st;
    }
    p->net = net;
    *opt = p;
    return AAE_OK;
}

AAE_API void aae_optimizer_free(aae_optimizer *opt)
{
    if (!opt) return;
    aaei_optim_release(&opt->o);
    aaei_free(opt);
}

AAE_API aae_status aae_optimizer_bounds(aae_optimizer_param param, double *lo, double *hi)
{
    AAEI_REQUIRE(lo && hi, "aae_optimizer_bounds: lo or hi is NULL");
    return aaei_optim_bounds(param, lo, hi);
}

AAE_API aae_status aae_optimizer_set(aae_optimizer *opt, aae_optimizer_param param,
                                     double value)
{
    AAEI_REQUIRE(opt != NULL, "aae_optimizer_set: opt is NULL");
    return aaei_optim_config_set(&opt->o.cfg, param, value);
}

AAE_API aae_status aae_optimizer_get(const aae_optimizer *opt, aae_optimizer_param param,
                                     double *value)
{
    AAEI_REQUIRE(opt != NULL && value != NULL, "aae_optimizer_get: opt or value is NULL");
    return aaei_optim_config_get(&opt->o.cfg, param, value);
}

AAE_API aae_status aae_optimizer_step(aae_optimizer *opt)
{
    AAEI_REQUIRE(opt != NULL, "aae_optimizer_step: opt is NULL");
    if (opt->net->nparams != opt->o.n)
        return aaei_fail(AAE_ERR_STATE,
                         "aae_optimizer_step: the network changed (now %zu parameters, optimizer has %zu)",
                         opt->net->nparams, opt->o.n);
    aaei_optim_step(&opt->o, opt->net->params, opt->net->grads);
    return AAE_OK;
}

AAE_API aae_status aae_optimizer_steps(const aae_optimizer *opt, uint64_t *steps)
{
    AAEI_REQUIRE(opt != NULL && steps != NULL, "aae_optimizer_steps: opt or steps is NULL");
    *steps = opt->o.steps;
    return AAE_OK;
}
