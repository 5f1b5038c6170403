#include "nn/optim.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/simd.h"

aaei_optim_config aaei_optim_defaults(aae_optimizer_kind kind)
{
    aaei_optim_config c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    c.lr = kind == AAE_OPTIMIZER_ADAM ? 1e-3 : 1e-2;
    c.beta1 = 0.9;
    c.beta2 = 0.999;
    c.eps = 1e-8;
    return c;
}

aae_status aaei_optim_validate(const aaei_optim_config *c)
{
    AAEI_REQUIRE(c->kind == AAE_OPTIMIZER_SGD || c->kind == AAE_OPTIMIZER_ADAM,
                 "optimizer kind %d is not AAE_OPTIMIZER_SGD or AAE_OPTIMIZER_ADAM", (int)c->kind);
    if (c->nesterov && (c->momentum <= 0.0 || c->dampening != 0.0))
        return aaei_fail(AAE_ERR_INVALID_ARGUMENT,
                         "nesterov momentum requires momentum > 0 and dampening = 0");
    return AAE_OK;
}

aae_status aaei_optim_init(aaei_optim *o, const aaei_optim_config *cfg, size_t n)
{
    memset(o, 0, sizeof *o);
    AAEI_TRY(aaei_optim_validate(cfg));
    o->cfg = *cfg;
    o->n = n;
    o->m = aaei_calloc(n, sizeof *o->m, "optimizer state");
    if (!o->m) return AAE_ERR_NOMEM;
    if (cfg->kind == AAE_OPTIMIZER_ADAM) {
        o->v = aaei_calloc(n, sizeof *o->v, "optimizer state");
        if (!o->v) {
            aaei_optim_release(o);
            return AAE_ERR_NOMEM;
        }
    }
    return AAE_OK;
}

void aaei_optim_release(aaei_optim *o)
{
    aaei_free(o->m);
    aaei_free(o->v);
    o->m = o->v = NULL;
}

AAEI_CLONES
static void sgd_step(aaei_optim *o, float *restrict p, const float *restrict g, size_t lo, size_t hi)
{
    const float lr = (float)o->cfg.lr, wd = (float)o->cfg.weight_decay;
    const float mom = (float)o->cfg.momentum, damp = (float)o->cfg.dampening;
    const int first = o->steps == 0, nesterov = o->cfg.nesterov;
    float *restrict buf = o->m;
    for (size_t i = lo; i < hi; i++) {
        float d = g[i];
        if (wd != 0.0f) d += wd * p[i];
        if (mom != 0.0f) {
            /* PyTorch seeds the buffer with the first gradient, undamped. */
            buf[i] = first ? d : mom * buf[i] + (1.0f - damp) * d;
            d = nesterov ? d + mom * buf[i] : buf[i];
        }
        p[i] -= lr * d;
    }
}

AAEI_CLONES
static void adam_step(aaei_optim *o, float *restrict p, const float *restrict g, size_t lo, size_t hi)
{
    const float lr = (float)o->cfg.lr, wd = (float)o->cfg.weight_decay;
    const float b1 = (float)o->cfg.beta1, b2 = (float)o->cfg.beta2;
    const float eps = (float)o->cfg.eps;
    double t = (double)(o->steps + 1);
    /* PyTorch: step_size = lr / (1 - b1^t); denom = sqrt(v) / sqrt(1 - b2^t) + eps */
    const float bc1 = (float)(1.0 - pow(o->cfg.beta1, t));
    const float bc2_sqrt = sqrtf((float)(1.0 - pow(o->cfg.beta2, t)));
    const float step_size = lr / bc1;
    float *restrict m = o->m, *restrict v = o->v;
    for (size_t i = lo; i < hi; i++) {
        float d = g[i];
        if (wd != 0.0f) d += wd * p[i];
        m[i] = b1 * m[i] + (1.0f - b1) * d;
        v[i] = b2 * v[i] + (1.0f - b2) * d * d;
        float denom = sqrtf(v[i]) / bc2_sqrt + eps;
        p[i] -= step_size * (m[i] / denom);
    }
}

void aaei_optim_step_range(aaei_optim *o, float *params, const float *grads, size_t lo, size_t hi)
{
    if (o->cfg.kind == AAE_OPTIMIZER_ADAM)
        adam_step(o, params, grads, lo, hi);
    else
        sgd_step(o, params, grads, lo, hi);
    o->steps++;
}

void aaei_optim_step(aaei_optim *o, float *params, const float *grads)
{
    aaei_optim_step_range(o, params, grads, 0, o->n);
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

aae_status aaei_optim_bounds(aae_optimizer_param param, double *lo, double *hi)
{
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
    return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "unknown optimizer setting %d", (int)param);
}

aae_status aaei_optim_config_set(aaei_optim_config *cfg, aae_optimizer_param param,
                                 double value)
{
    double lo = 0.0, hi = 0.0;
    int has;
    AAEI_TRY(aaei_optim_bounds(param, &lo, &hi));
    AAEI_REQUIRE(value >= lo && value <= hi,
                 "optimizer setting %d = %g is outside [%g, %g]", (int)param, value, lo, hi);
    aaei_optim_config c = *cfg;
    double *f = field(&c, param, &has);
    AAEI_REQUIRE(has, "optimizer setting %d does not apply to this optimizer kind", (int)param);
    if (param == AAE_OPT_NESTEROV) {
        AAEI_REQUIRE(value == 0.0 || value == 1.0, "optimizer setting nesterov must be 0 or 1");
        c.nesterov = value != 0.0;
    } else {
        *f = value;
    }
    AAEI_TRY(aaei_optim_validate(&c));
    *cfg = c;
    return AAE_OK;
}

aae_status aaei_optim_config_get(const aaei_optim_config *cfg, aae_optimizer_param param,
                                 double *value)
{
    int has;
    aaei_optim_config c = *cfg;
    double *f = field(&c, param, &has);
    AAEI_REQUIRE(has, "optimizer setting %d does not apply to this optimizer kind", (int)param);
    *value = param == AAE_OPT_NESTEROV ? (double)c.nesterov : *f;
    return AAE_OK;
}
