#include "nn/optim.h"

#include <float.h>
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
    aaei_free(o->m_spare);
    aaei_free(o->v_spare);
    o->m = o->v = o->m_spare = o->v_spare = NULL;
}

/* The update kernels. Each is written once over separate input and output
 * arrays (a transactional step writes a parameter or moment array's update
 * into its spare buffer: nn/txn.c) and instantiated below for each case of
 * in place or moved, with restrict-qualified parameters: so every case
 * vectorizes (GCC gives up on the alias checks of six unqualified arrays)
 * and in place stays legal (one restrict pointer reads and writes).
 * The arithmetic is the same in every case: the same bits as in place.
 * Each also reports whether a value it wrote is not finite, fused into the
 * loop (an OR of comparisons vectorizes; no second pass over the arrays). */
#if defined(__GNUC__)
#define BODY static inline __attribute__((always_inline))
#else
#define BODY static inline
#endif

/* |x| <= FLT_MAX is false for an infinity and for NaN. */
#define NONFINITE(x) (!(fabsf(x) <= FLT_MAX))

BODY int sgd_body(const aaei_optim *o, const float *pi, float *po, const float *mi, float *mo,
                  const float *g, size_t lo, size_t hi)
{
    const float lr = (float)o->cfg.lr, wd = (float)o->cfg.weight_decay;
    const float mom = (float)o->cfg.momentum, damp = (float)o->cfg.dampening;
    const int first = o->steps == 0, nesterov = o->cfg.nesterov;
    int bad = 0;
    for (size_t i = lo; i < hi; i++) {
        float d = g[i];
        if (wd != 0.0f) d += wd * pi[i];
        if (mom != 0.0f) {
            /* PyTorch seeds the buffer with the first gradient, undamped. */
            float b = first ? d : mom * mi[i] + (1.0f - damp) * d;
            mo[i] = b;
            bad |= NONFINITE(b);
            d = nesterov ? d + mom * b : b;
        }
        float p = pi[i] - lr * d;
        po[i] = p;
        bad |= NONFINITE(p);
    }
    return bad;
}

BODY int adam_body(const aaei_optim *o, const float *pi, float *po, const float *mi, float *mo,
                   const float *vi, float *vo, const float *g, size_t lo, size_t hi)
{
    const float lr = (float)o->cfg.lr, wd = (float)o->cfg.weight_decay;
    const float b1 = (float)o->cfg.beta1, b2 = (float)o->cfg.beta2;
    const float eps = (float)o->cfg.eps;
    double t = (double)(o->steps + 1);
    /* PyTorch: step_size = lr / (1 - b1^t); denom = sqrt(v) / sqrt(1 - b2^t) + eps */
    const float bc1 = (float)(1.0 - pow(o->cfg.beta1, t));
    const float bc2_sqrt = sqrtf((float)(1.0 - pow(o->cfg.beta2, t)));
    const float step_size = lr / bc1;
    int bad = 0;
    for (size_t i = lo; i < hi; i++) {
        float d = g[i];
        if (wd != 0.0f) d += wd * pi[i];
        float m = b1 * mi[i] + (1.0f - b1) * d;
        float v = b2 * vi[i] + (1.0f - b2) * d * d;
        float denom = sqrtf(v) / bc2_sqrt + eps;
        float p = pi[i] - step_size * (m / denom);
        mo[i] = m;
        vo[i] = v;
        po[i] = p;
        bad |= NONFINITE(p) | NONFINITE(m) | NONFINITE(v);
    }
    return bad;
}

/* The cases, named parameters-moments: i in place, m moved. */
#define G const float *restrict g, size_t lo, size_t hi
AAEI_CLONES static int sgd_ii(const aaei_optim *o, float *restrict p, float *restrict m, G)
{
    return sgd_body(o, p, p, m, m, g, lo, hi);
}
AAEI_CLONES static int sgd_im(const aaei_optim *o, float *restrict p, const float *restrict mi,
                              float *restrict mo, G)
{
    return sgd_body(o, p, p, mi, mo, g, lo, hi);
}
AAEI_CLONES static int sgd_mi(const aaei_optim *o, const float *restrict pi, float *restrict po,
                              float *restrict m, G)
{
    return sgd_body(o, pi, po, m, m, g, lo, hi);
}
AAEI_CLONES static int sgd_mm(const aaei_optim *o, const float *restrict pi, float *restrict po,
                              const float *restrict mi, float *restrict mo, G)
{
    return sgd_body(o, pi, po, mi, mo, g, lo, hi);
}
AAEI_CLONES static int adam_ii(const aaei_optim *o, float *restrict p, float *restrict m,
                               float *restrict v, G)
{
    return adam_body(o, p, p, m, m, v, v, g, lo, hi);
}
AAEI_CLONES static int adam_im(const aaei_optim *o, float *restrict p, const float *restrict mi,
                               float *restrict mo, const float *restrict vi, float *restrict vo, G)
{
    return adam_body(o, p, p, mi, mo, vi, vo, g, lo, hi);
}
AAEI_CLONES static int adam_mi(const aaei_optim *o, const float *restrict pi, float *restrict po,
                               float *restrict m, float *restrict v, G)
{
    return adam_body(o, pi, po, m, m, v, v, g, lo, hi);
}
AAEI_CLONES static int adam_mm(const aaei_optim *o, const float *restrict pi, float *restrict po,
                               const float *restrict mi, float *restrict mo, const float *restrict vi,
                               float *restrict vo, G)
{
    return adam_body(o, pi, po, mi, mo, vi, vo, g, lo, hi);
}
#undef G

static int adam_update(const aaei_optim *o, const aaei_optim_io *io, const float *g, size_t lo,
                       size_t hi)
{
    int p_moved = io->p_in != io->p_out, m_moved = io->m_in != io->m_out;
    if (!p_moved && !m_moved) return adam_ii(o, io->p_out, io->m_out, io->v_out, g, lo, hi);
    if (!p_moved) return adam_im(o, io->p_out, io->m_in, io->m_out, io->v_in, io->v_out, g, lo, hi);
    if (!m_moved) return adam_mi(o, io->p_in, io->p_out, io->m_out, io->v_out, g, lo, hi);
    return adam_mm(o, io->p_in, io->p_out, io->m_in, io->m_out, io->v_in, io->v_out, g, lo, hi);
}

static int sgd_update(const aaei_optim *o, const aaei_optim_io *io, const float *g, size_t lo,
                      size_t hi)
{
    int p_moved = io->p_in != io->p_out, m_moved = io->m_in != io->m_out;
    if (!p_moved && !m_moved) return sgd_ii(o, io->p_out, io->m_out, g, lo, hi);
    if (!p_moved) return sgd_im(o, io->p_out, io->m_in, io->m_out, g, lo, hi);
    if (!m_moved) return sgd_mi(o, io->p_in, io->p_out, io->m_out, g, lo, hi);
    return sgd_mm(o, io->p_in, io->p_out, io->m_in, io->m_out, g, lo, hi);
}

int aaei_optim_writes_moments(const aaei_optim *o)
{
    return o->cfg.kind == AAE_OPTIMIZER_ADAM || o->cfg.momentum != 0.0;
}

int aaei_optim_update(aaei_optim *o, const aaei_optim_io *io, const float *grads, size_t lo, size_t hi)
{
    int bad = o->cfg.kind == AAE_OPTIMIZER_ADAM ? adam_update(o, io, grads, lo, hi)
                                                : sgd_update(o, io, grads, lo, hi);
    o->steps++;
    return bad;
}

void aaei_optim_step_range(aaei_optim *o, float *params, const float *grads, size_t lo, size_t hi)
{
    aaei_optim_io io = {params, params, o->m, o->m, o->v, o->v};
    aaei_optim_update(o, &io, grads, lo, hi);
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
