/* Public optimizer functions: a config plus state bound to one network. */
#include <math.h>

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

/* Where a setting lives in the config, and whether the kind has it. */
static double *field(aaei_optim_config *c, aae_optimizer_param param, int *has)
{
    int sgd = c->kind == AAE_OPTIMIZER_SGD;
    *has = 1;
    switch (param) {
    case AAE_OPT_LR: return &c->lr;
    case AAE_OPT_WEIGHT_DECAY: return &c->weight_decay;
    case AAE_OPT_MOMENTUM: *has = sgd; return &c->momentum;
    case AAE_OPT_DAMPENING: *has = sgd; return &c->dampening;
    case AAE_OPT_BETA1: *has = !sgd; return &c->beta1;
    case AAE_OPT_BETA2: *has = !sgd; return &c->beta2;
    case AAE_OPT_EPS: *has = !sgd; return &c->eps;
    case AAE_OPT_NESTEROV: *has = sgd; return NULL;
    }
    *has = 0;
    return NULL;
}

AAE_API aae_status aae_optimizer_bounds(aae_optimizer_param param, double *lo, double *hi)
{
    AAEI_REQUIRE(lo && hi, "aae_optimizer_bounds: lo or hi is NULL");
    switch (param) {
    case AAE_OPT_LR: *lo = 0.0; *hi = 1e6; return AAE_OK;
    case AAE_OPT_MOMENTUM: *lo = 0.0; *hi = 1.0; return AAE_OK;
    case AAE_OPT_DAMPENING: *lo = 0.0; *hi = 1.0; return AAE_OK;
    case AAE_OPT_NESTEROV: *lo = 0.0; *hi = 1.0; return AAE_OK;
    case AAE_OPT_WEIGHT_DECAY: *lo = 0.0; *hi = 1e6; return AAE_OK;
    case AAE_OPT_BETA1: *lo = 0.0; *hi = 0.999999; return AAE_OK;
    case AAE_OPT_BETA2: *lo = 0.0; *hi = 0.999999; return AAE_OK;
    case AAE_OPT_EPS: *lo = 1e-30; *hi = 1.0; return AAE_OK;
    }
    return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "aae_optimizer_bounds: unknown setting %d",
                     (int)param);
}

AAE_API aae_status aae_optimizer_set(aae_optimizer *opt, aae_optimizer_param param,
                                     double value)
{
    double lo, hi;
    int has;
    AAEI_REQUIRE(opt != NULL, "aae_optimizer_set: opt is NULL");
    AAEI_TRY(aae_optimizer_bounds(param, &lo, &hi));
    AAEI_REQUIRE(value >= lo && value <= hi,
                 "aae_optimizer_set: value %g of setting %d is outside [%g, %g]", value,
                 (int)param, lo, hi);
    aaei_optim_config c = opt->o.cfg;
    double *f = field(&c, param, &has);
    AAEI_REQUIRE(has, "aae_optimizer_set: setting %d does not apply to this optimizer kind",
                 (int)param);
    if (param == AAE_OPT_NESTEROV) {
        AAEI_REQUIRE(value == 0.0 || value == 1.0, "aae_optimizer_set: nesterov must be 0 or 1");
        c.nesterov = value != 0.0;
    } else {
        *f = value;
    }
    AAEI_TRY(aaei_optim_validate(&c));
    opt->o.cfg = c;
    return AAE_OK;
}

AAE_API aae_status aae_optimizer_get(const aae_optimizer *opt, aae_optimizer_param param,
                                     double *value)
{
    int has;
    AAEI_REQUIRE(opt != NULL && value != NULL, "aae_optimizer_get: opt or value is NULL");
    aaei_optim_config c = opt->o.cfg;
    double *f = field(&c, param, &has);
    AAEI_REQUIRE(has, "aae_optimizer_get: setting %d does not apply to this optimizer kind",
                 (int)param);
    *value = param == AAE_OPT_NESTEROV ? (double)c.nesterov : *f;
    return AAE_OK;
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
