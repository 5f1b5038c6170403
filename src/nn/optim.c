#include "nn/optim.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

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

static void sgd_step(aaei_optim *o, float *p, const float *g)
{
    const float lr = (float)o->cfg.lr, wd = (float)o->cfg.weight_decay;
    const float mom = (float)o->cfg.momentum, damp = (float)o->cfg.dampening;
    const int first = o->steps == 0, nesterov = o->cfg.nesterov;
    float *buf = o->m;
    for (size_t i = 0; i < o->n; i++) {
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

static void adam_step(aaei_optim *o, float *p, const float *g)
{
    const float lr = (float)o->cfg.lr, wd = (float)o->cfg.weight_decay;
    const float b1 = (float)o->cfg.beta1, b2 = (float)o->cfg.beta2;
    const float eps = (float)o->cfg.eps;
    double t = (double)(o->steps + 1);
    /* PyTorch: step_size = lr / (1 - b1^t); denom = sqrt(v) / sqrt(1 - b2^t) + eps */
    const float bc1 = (float)(1.0 - pow(o->cfg.beta1, t));
    const float bc2_sqrt = sqrtf((float)(1.0 - pow(o->cfg.beta2, t)));
    const float step_size = lr / bc1;
    float *m = o->m, *v = o->v;
    for (size_t i = 0; i < o->n; i++) {
        float d = g[i];
        if (wd != 0.0f) d += wd * p[i];
        m[i] = b1 * m[i] + (1.0f - b1) * d;
        v[i] = b2 * v[i] + (1.0f - b2) * d * d;
        float denom = sqrtf(v[i]) / bc2_sqrt + eps;
        p[i] -= step_size * (m[i] / denom);
    }
}

void aaei_optim_step(aaei_optim *o, float *params, const float *grads)
{
    if (o->cfg.kind == AAE_OPTIMIZER_ADAM)
        adam_step(o, params, grads);
    else
        sgd_step(o, params, grads);
    o->steps++;
}
