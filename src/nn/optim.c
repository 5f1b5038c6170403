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

/* The bits of |x|: ordered as |x| (an infinity above every finite value,
 * NaN above that), so the largest is an integer max, which vectorizes. */
static inline uint32_t abs_bits(float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    return b & 0x7fffffffu;
}

static inline uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

static float from_bits(uint32_t b)
{
    float x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* The maxima of what an update wrote; 1 if one is not finite. */
static int set_max(aaei_optim_max *mx, uint32_t p, uint32_t m, uint32_t v)
{
    mx->p = from_bits(p);
    mx->m = from_bits(m);
    mx->v = from_bits(v);
    return max_u32(p, max_u32(m, v)) >= 0x7f800000u;
}

BODY int sgd_body(const aaei_optim *o, const float *pi, float *po, const float *mi, float *mo,
                  const float *g, float *gz, size_t lo, size_t hi, aaei_optim_max *mx)
{
    const float lr = (float)o->cfg.lr, wd = (float)o->cfg.weight_decay;
    const float mom = (float)o->cfg.momentum, damp = (float)o->cfg.dampening;
    const int first = o->steps == 0, nesterov = o->cfg.nesterov;
    uint32_t mp = 0, mm = 0;
    for (size_t i = lo; i < hi; i++) {
        float d = g[i];
        if (wd != 0.0f) d += wd * pi[i];
        if (mom != 0.0f) {
            /* PyTorch seeds the buffer with the first gradient, undamped. */
            float b = first ? d : mom * mi[i] + (1.0f - damp) * d;
            mo[i] = b;
            mm = max_u32(mm, abs_bits(b));
            d = nesterov ? d + mom * b : b;
        }
        float p = pi[i] - lr * d;
        po[i] = p;
        mp = max_u32(mp, abs_bits(p));
        if (gz) gz[i] = 0.0f;
    }
    return set_max(mx, mp, mm, 0);
}

BODY int adam_body(const aaei_optim *o, const float *pi, float *po, const float *mi, float *mo,
                   const float *vi, float *vo, const float *g, float *gz, size_t lo, size_t hi,
                   aaei_optim_max *mx)
{
    const float lr = (float)o->cfg.lr, wd = (float)o->cfg.weight_decay;
    const float b1 = (float)o->cfg.beta1, b2 = (float)o->cfg.beta2;
    const float eps = (float)o->cfg.eps;
    double t = (double)(o->steps + 1);
    /* PyTorch: step_size = lr / (1 - b1^t); denom = sqrt(v) / sqrt(1 - b2^t) + eps */
    const float bc1 = (float)(1.0 - pow(o->cfg.beta1, t));
    const float bc2_sqrt = sqrtf((float)(1.0 - pow(o->cfg.beta2, t)));
    const float step_size = lr / bc1;
    uint32_t mp = 0, mm = 0, mv = 0;
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
        mp = max_u32(mp, abs_bits(p));
        mm = max_u32(mm, abs_bits(m));
        mv = max_u32(mv, abs_bits(v));
        if (gz) gz[i] = 0.0f;
    }
    return set_max(mx, mp, mm, mv);
}

/* The cases, named parameters-moments: i in place, m moved. */
#define G const float *restrict g, size_t lo, size_t hi, aaei_optim_max *mx
AAEI_CLONES static int sgd_ii(const aaei_optim *o, float *restrict p, float *restrict m, G)
{
    return sgd_body(o, p, p, m, m, g, NULL, lo, hi, mx);
}
AAEI_CLONES static int sgd_im(const aaei_optim *o, float *restrict p, const float *restrict mi,
                              float *restrict mo, G)
{
    return sgd_body(o, p, p, mi, mo, g, NULL, lo, hi, mx);
}
AAEI_CLONES static int sgd_mi(const aaei_optim *o, const float *restrict pi, float *restrict po,
                              float *restrict m, G)
{
    return sgd_body(o, pi, po, m, m, g, NULL, lo, hi, mx);
}
AAEI_CLONES static int sgd_mm(const aaei_optim *o, const float *restrict pi, float *restrict po,
                              const float *restrict mi, float *restrict mo, G)
{
    return sgd_body(o, pi, po, mi, mo, g, NULL, lo, hi, mx);
}
AAEI_CLONES static int adam_ii(const aaei_optim *o, float *restrict p, float *restrict m,
                               float *restrict v, G)
{
    return adam_body(o, p, p, m, m, v, v, g, NULL, lo, hi, mx);
}
AAEI_CLONES static int adam_im(const aaei_optim *o, float *restrict p, const float *restrict mi,
                               float *restrict mo, const float *restrict vi, float *restrict vo, G)
{
    return adam_body(o, p, p, mi, mo, vi, vo, g, NULL, lo, hi, mx);
}
AAEI_CLONES static int adam_mi(const aaei_optim *o, const float *restrict pi, float *restrict po,
                               float *restrict m, float *restrict v, G)
{
    return adam_body(o, pi, po, m, m, v, v, g, NULL, lo, hi, mx);
}
AAEI_CLONES static int adam_mm(const aaei_optim *o, const float *restrict pi, float *restrict po,
                               const float *restrict mi, float *restrict mo, const float *restrict vi,
                               float *restrict vo, G)
{
    return adam_body(o, pi, po, mi, mo, vi, vo, g, NULL, lo, hi, mx);
}
#undef G

/* In place, zeroing each gradient once read (a network's whole update:
 * saves the separate pass that would zero them). */
AAEI_CLONES static int sgd_iiz(const aaei_optim *o, float *restrict p, float *restrict m, float *restrict g,
                               size_t n, aaei_optim_max *mx)
{
    return sgd_body(o, p, p, m, m, g, g, 0, n, mx);
}
AAEI_CLONES static int adam_iiz(const aaei_optim *o, float *restrict p, float *restrict m, float *restrict v,
                                float *restrict g, size_t n, aaei_optim_max *mx)
{
    return adam_body(o, p, p, m, m, v, v, g, g, 0, n, mx);
}

int aaei_optim_update_zeroing(aaei_optim *o, float *params, float *grads, size_t n, aaei_optim_max *mx)
{
    int bad = o->cfg.kind == AAE_OPTIMIZER_ADAM ? adam_iiz(o, params, o->m, o->v, grads, n, mx)
                                                : sgd_iiz(o, params, o->m, grads, n, mx);
    o->steps++;
    return bad;
}

static int adam_update(const aaei_optim *o, const aaei_optim_io *io, const float *g, size_t lo,
                       size_t hi, aaei_optim_max *mx)
{
    int p_moved = io->p_in != io->p_out, m_moved = io->m_in != io->m_out;
    if (!p_moved && !m_moved) return adam_ii(o, io->p_out, io->m_out, io->v_out, g, lo, hi, mx);
    if (!p_moved) return adam_im(o, io->p_out, io->m_in, io->m_out, io->v_in, io->v_out, g, lo, hi, mx);
    if (!m_moved) return adam_mi(o, io->p_in, io->p_out, io->m_out, io->v_out, g, lo, hi, mx);
    return adam_mm(o, io->p_in, io->p_out, io->m_in, io->m_out, io->v_in, io->v_out, g, lo, hi, mx);
}

static int sgd_update(const aaei_optim *o, const aaei_optim_io *io, const float *g, size_t lo,
                      size_t hi, aaei_optim_max *mx)
{
    int p_moved = io->p_in != io->p_out, m_moved = io->m_in != io->m_out;
    if (!p_moved && !m_moved) return sgd_ii(o, io->p_out, io->m_out, g, lo, hi, mx);
    if (!p_moved) return sgd_im(o, io->p_out, io->m_in, io->m_out, g, lo, hi, mx);
    if (!m_moved) return sgd_mi(o, io->p_in, io->p_out, io->m_out, g, lo, hi, mx);
    return sgd_mm(o, io->p_in, io->p_out, io->m_in, io->m_out, g, lo, hi, mx);
}

int aaei_optim_writes_moments(const aaei_optim *o)
{
    return o->cfg.kind == AAE_OPTIMIZER_ADAM || o->cfg.momentum != 0.0;
}

int aaei_optim_update(aaei_optim *o, const aaei_optim_io *io, const float *grads, size_t lo, size_t hi,
                      aaei_optim_max *mx)
{
    aaei_optim_max unused;
    if (!mx) mx = &unused;
    int bad = o->cfg.kind == AAE_OPTIMIZER_ADAM ? adam_update(o, io, grads, lo, hi, mx)
                                                : sgd_update(o, io, grads, lo, hi, mx);
    o->steps++;
    return bad;
}

void aaei_optim_step_range(aaei_optim *o, float *params, const float *grads, size_t lo, size_t hi)
{
    aaei_optim_io io = {params, params, o->m, o->m, o->v, o->v};
    aaei_optim_update(o, &io, grads, lo, hi, NULL);
}

/* Values beyond this are near enough overflow to take the exact path: the
 * bounds below are computed in double and the float operations they bound
 * round up by far less than this margin. */
#define LIMIT ((double)FLT_MAX / 64.0)

static int sgd_finite(const aaei_optim *o, double P, double M, double G)
{
    const aaei_optim_config *c = &o->cfg;
    double d = G + c->weight_decay * P, b = 0.0;
    if (c->momentum != 0.0) {
        b = o->steps == 0 ? d : c->momentum * M + (1.0 - c->dampening) * d;
        d = c->nesterov ? d + c->momentum * b : b;
    }
    return d < LIMIT && b < LIMIT && P + c->lr * d < LIMIT;
}

static int adam_finite(const aaei_optim *o, double P, double M, double V, double G)
{
    const aaei_optim_config *c = &o->cfg;
    double t = (double)(o->steps + 1), d = G + c->weight_decay * P;
    double m = c->beta1 * M + (1.0 - c->beta1) * d, v = c->beta2 * V + (1.0 - c->beta2) * d * d;
    /* step = lr / bc1 (float); the denominator is at least eps (float). */
    double step = 2.0 * c->lr / (1.0 - pow(c->beta1, t)), ratio = 2.0 * m / (float)c->eps;
    return d < LIMIT && m < LIMIT && v < LIMIT && ratio < LIMIT && P + step * ratio < LIMIT;
}

int aaei_optim_predict_finite(const aaei_optim *o, const aaei_optim_max *before, float grad_max)
{
    double P = before->p, M = before->m, V = before->v, G = grad_max;
    if (!(P < LIMIT && M < LIMIT && V < LIMIT && G < LIMIT)) return 0;
    return o->cfg.kind == AAE_OPTIMIZER_ADAM ? adam_finite(o, P, M, V, G) : sgd_finite(o, P, M, G);
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
