/* From options to networks and optimizer groups. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"
#include "model/model.h"

/* Each network's initialization is keyed by (seed, part). */
static uint64_t part_seed(const aaei_options *o, aae_part part)
{
    aaei_rng r = aaei_rng_keyed((uint64_t)o->v[AAE_OPTION_SEED], AAEI_STREAM_INIT,
                                1000 + (uint64_t)part, 0);
    return aaei_rng_u64(&r);
}

static aae_status add_activation(aae_net *net, aae_activation act, float slope)
{
    switch (act) {
    case AAE_ACT_NONE: return AAE_OK;
    case AAE_ACT_RELU: return aaei_net_add(net, AAEI_RELU, 0, 0.0f, 0.0f);
    case AAE_ACT_LEAKY_RELU: return aaei_net_add(net, AAEI_LEAKY_RELU, 0, slope, 0.0f);
    case AAE_ACT_SIGMOID: return aaei_net_add(net, AAEI_SIGMOID, 0, 0.0f, 0.0f);
    case AAE_ACT_TANH: return aaei_net_add(net, AAEI_TANH, 0, 0.0f, 0.0f);
    case AAE_ACT_SOFTMAX: return aaei_net_add(net, AAEI_SOFTMAX, 0, 0.0f, 0.0f);
    }
    return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "unknown activation %d", (int)act);
}

/* The encoder and the classifier read x: the input corruptions and the
 * head's batch norm are theirs. */
static int reads_x(aae_part part)
{
    return part == AAE_PART_ENCODER || part == AAE_PART_CLASSIFIER;
}

static int head_batchnorm(const aaei_options *o, aae_part part)
{
    return reads_x(part) && aaei_opt_int(o, AAE_OPTION_HEAD_BATCHNORM);
}

/* Hidden layers of `part` -> dense(out) [-> batch norm] [-> output
 * activation]. */
static aae_status build_net(aae_net *net, const aaei_options *o, aae_part part, size_t in,
                            size_t out, int output)
{
    const aaei_part_spec *p = &o->parts[part];
    float bn_momentum = (float)o->v[AAE_OPTION_BN_MOMENTUM], bn_eps = (float)o->v[AAE_OPTION_BN_EPS];
    AAEI_TRY(aaei_net_init(net, in, part_seed(o, part)));
    for (size_t i = 0; i < p->nlayers; i++) {
        const aaei_layer_spec *l = &p->layers[i];
        AAEI_TRY(aaei_net_add(net, AAEI_DENSE, l->width, 0.0f, 0.0f));
        if (l->batchnorm) AAEI_TRY(aaei_net_add(net, AAEI_BATCHNORM, 0, bn_momentum, bn_eps));
        AAEI_TRY(add_activation(net, l->act, l->slope));
        if (l->dropout > 0.0f) AAEI_TRY(aaei_net_add(net, AAEI_DROPOUT, 0, l->dropout, 0.0f));
    }
    AAEI_TRY(aaei_net_add(net, AAEI_DENSE, out, 0.0f, 0.0f));
    if (head_batchnorm(o, part)) AAEI_TRY(aaei_net_add(net, AAEI_BATCHNORM, 0, bn_momentum, bn_eps));
    if (o->v[AAE_OPTION_INIT_STD] > 0.0) aaei_net_init_normal(net, (float)o->v[AAE_OPTION_INIT_STD]);
    if (output == AAE_OUTPUT_SIGMOID) AAEI_TRY(aaei_net_add(net, AAEI_SIGMOID, 0, 0.0f, 0.0f));
    if (output == AAE_OUTPUT_TANH) AAEI_TRY(aaei_net_add(net, AAEI_TANH, 0, 0.0f, 0.0f));
    return AAE_OK;
}

static void derive_widths(aae_model *m)
{
    const aaei_options *o = &m->opt;
    m->in_width = aaei_opt_size(o, AAE_OPTION_INPUT_WIDTH);
    m->z_width = aaei_opt_size(o, AAE_OPTION_Z_WIDTH);
    m->classes = aaei_opt_size(o, AAE_OPTION_CLASSES);
    m->gaussian = aaei_opt_int(o, AAE_OPTION_POSTERIOR) == AAE_POSTERIOR_GAUSSIAN;
    m->yhead = aaei_opt_int(o, AAE_OPTION_Y_HEAD);
    m->dec_input = aaei_opt_int(o, AAE_OPTION_DECODER_INPUT);
    m->z_adversarial = aaei_opt_int(o, AAE_OPTION_Z_REGULARIZER) == AAE_ZREG_ADVERSARIAL;
    m->y_adversarial = aaei_opt_int(o, AAE_OPTION_Y_ADVERSARIAL);
    m->supervised = aaei_opt_int(o, AAE_OPTION_Y_SUPERVISED);
    m->joint_gen = aaei_opt_int(o, AAE_OPTION_JOINT_GENERATOR);
    m->detach_y = aaei_opt_int(o, AAE_OPTION_DETACH_Y);
    m->off_logvar = m->z_width;
    m->off_y = m->z_width * (m->gaussian ? 2 : 1);
    m->enc_out = m->off_y + (m->yhead == AAE_Y_SHARED ? m->classes : 0);
    m->c_width = m->dec_input == AAE_DECODE_Z ? 0 : m->classes;
    m->zdisc_sees_y = aaei_opt_int(o, AAE_OPTION_Z_DISC_SEES_Y);
    m->zd_width = m->z_width + (m->zdisc_sees_y ? m->classes : 0);
    m->has[AAE_PART_ENCODER] = m->has[AAE_PART_DECODER] = 1;
    m->has[AAE_PART_CLASSIFIER] = m->yhead == AAE_Y_SEPARATE;
    m->has[AAE_PART_Z_DISCRIMINATOR] = m->z_adversarial;
    m->has[AAE_PART_Y_DISCRIMINATOR] = m->y_adversarial;

    aaei_prior *zp = &m->zprior;
    zp->kind = (aae_prior_kind)aaei_opt_int(o, AAE_OPTION_Z_PRIOR);
    zp->dim = m->z_width;
    zp->sigma = (float)o->v[AAE_OPTION_PRIOR_SIGMA];
    zp->radius = (float)o->v[AAE_OPTION_PRIOR_RADIUS];
    zp->spread = (float)o->v[AAE_OPTION_PRIOR_SPREAD];
    zp->components = aaei_opt_size(o, AAE_OPTION_PRIOR_COMPONENTS);
    zp->label_guided = aaei_opt_int(o, AAE_OPTION_PRIOR_LABEL_GUIDED);
    m->yprior.categorical = 1;
    m->yprior.dim = m->classes;
}

/* Input and output widths of a part's network. */
static void part_widths(const aae_model *m, aae_part part, size_t *in, size_t *out)
{
    switch (part) {
    case AAE_PART_ENCODER: *in = m->in_width, *out = m->enc_out; return;
    case AAE_PART_DECODER: *in = m->z_width + m->c_width, *out = m->in_width; return;
    case AAE_PART_CLASSIFIER: *in = m->in_width, *out = m->classes; return;
    case AAE_PART_Z_DISCRIMINATOR: *in = m->zd_width, *out = 1; return;
    case AAE_PART_Y_DISCRIMINATOR: *in = m->classes, *out = 1; return;
    }
    *in = *out = 0;
}

/* The part whose network (and configured optimizer) an optimizer slot
 * steps, or -1 if the model has no such slot. */
static int slot_part(const aae_model *m, int slot)
{
    /* The y head's own network: the encoder trunk or the classifier. */
    int has_cls = m->has[AAE_PART_CLASSIFIER];
    int ypart = has_cls ? AAE_PART_CLASSIFIER : AAE_PART_ENCODER;
    switch (slot) {
    case AAEI_OPT_ENC: return AAE_PART_ENCODER;
    case AAEI_OPT_DEC: return AAE_PART_DECODER;
    case AAEI_OPT_CLS: return has_cls ? AAE_PART_CLASSIFIER : -1;
    case AAEI_OPT_ZDISC: return m->has[AAE_PART_Z_DISCRIMINATOR] ? AAE_PART_Z_DISCRIMINATOR : -1;
    case AAEI_OPT_YDISC: return m->has[AAE_PART_Y_DISCRIMINATOR] ? AAE_PART_Y_DISCRIMINATOR : -1;
    case AAEI_OPT_GEN_ENC:
        return !m->joint_gen && (m->z_adversarial || (m->y_adversarial && !has_cls)) ? AAE_PART_ENCODER : -1;
    case AAEI_OPT_GEN_CLS: return !m->joint_gen && m->y_adversarial && has_cls ? AAE_PART_CLASSIFIER : -1;
    case AAEI_OPT_SEMI: return m->supervised == AAE_SUPERVISE_PHASE ? ypart : -1;
    }
    return -1;
}

/* The phase an optimizer slot belongs to. */
static int slot_phase(int slot)
{
    switch (slot) {
    case AAEI_OPT_ZDISC: return AAE_PHASE_Z_DISCRIMINATOR;
    case AAEI_OPT_YDISC: return AAE_PHASE_Y_DISCRIMINATOR;
    case AAEI_OPT_GEN_ENC:
    case AAEI_OPT_GEN_CLS: return AAE_PHASE_GENERATOR;
    case AAEI_OPT_SEMI: return AAE_PHASE_SEMI_SUPERVISED;
    default: return AAE_PHASE_RECONSTRUCTION;
    }
}

/* A slot's settings: its phase's own optimizer, else its part's. */
static const aaei_optim_config *slot_config(const aae_model *m, int slot)
{
    const aaei_phase_spec *ph = &m->opt.phases[slot_phase(slot)];
    return ph->own_optim ? &ph->optim : &m->opt.parts[slot_part(m, slot)].optim;
}

int aaei_model_has_phase(const aae_model *m, int phase)
{
    for (int slot = 0; slot < AAEI_OPT_COUNT; slot++)
        if (slot_part(m, slot) >= 0 && slot_phase(slot) == phase) return 1;
    return 0;
}

/* A phase's own optimizer or schedule on a phase the graph lacks is a
 * setting that would silently do nothing: refused. */
static aae_status check_phases(const aae_model *m)
{
    for (int ph = 0; ph < AAEI_PHASES; ph++) {
        const aaei_phase_spec *s = &m->opt.phases[ph];
        AAEI_REQUIRE(aaei_model_has_phase(m, ph) || (!s->own_optim && !s->nmilestones),
                     "%s has its own %s, but this model has no such phase (see aae_phase)",
                     aaei_phase_name(ph), s->own_optim ? "optimizer" : "milestones");
    }
    return AAE_OK;
}

/* The training-time corruption of x before the encoder and classifier
 * read it: noise, then dropout. Its own network (no parameters, its own
 * seed), so switching it on renames no tensor and keeps the
 * initialization. */
static aae_status build_corruption(aae_model *m)
{
    const aaei_options *o = &m->opt;
    float noise = (float)o->v[AAE_OPTION_INPUT_NOISE], drop = (float)o->v[AAE_OPTION_INPUT_DROPOUT];
    m->has_corruption = noise > 0.0f || drop > 0.0f;
    if (!m->has_corruption) return AAE_OK;
    AAEI_TRY(aaei_net_init(&m->corruption, m->in_width, part_seed(o, (aae_part)AAEI_PARTS)));
    if (noise > 0.0f) AAEI_TRY(aaei_net_add(&m->corruption, AAEI_GAUSSIAN_NOISE, 0, noise, 0.0f));
    if (drop > 0.0f) AAEI_TRY(aaei_net_add(&m->corruption, AAEI_DROPOUT, 0, drop, 0.0f));
    return AAE_OK;
}

static aae_status build_all(aae_model *m)
{
    const aaei_options *o = &m->opt;
    AAEI_TRY(build_corruption(m));
    AAEI_FOR_EACH_NET(m, net) {
        aae_part part = (aae_part)(net - m->nets);
        size_t in, out;
        part_widths(m, part, &in, &out);
        int act = part == AAE_PART_DECODER ? aaei_opt_int(o, AAE_OPTION_OUTPUT) : AAE_OUTPUT_LINEAR;
        AAEI_TRY(build_net(net, o, part, in, out, act));
    }
    for (int slot = 0; slot < AAEI_OPT_COUNT; slot++) {
        int part = slot_part(m, slot);
        if (part >= 0)
            AAEI_TRY(aaei_optim_init(&m->optims[slot], slot_config(m, slot),
                                     m->nets[part].nparams));
    }
    return AAE_OK;
}

/* Parameters of one part as build_net lays it out (saturating). */
static size_t part_params(const aaei_options *o, aae_part part, size_t in, size_t out)
{
    const aaei_part_spec *p = &o->parts[part];
    size_t total = 0, t;
    for (size_t i = 0; i < p->nlayers; i++) {
        size_t w = p->layers[i].width;
        if (!aaei_mul_size(in, w, &t) || !aaei_add_size(total, t, &total) ||
            !aaei_add_size(total, w * (p->layers[i].batchnorm ? 3 : 1), &total))
            return SIZE_MAX;
        in = w;
    }
    if (!aaei_mul_size(in, out, &t) || !aaei_add_size(total, t, &total) || !aaei_add_size(total, out, &total) ||
        !aaei_add_size(total, head_batchnorm(o, part) ? 2 * out : 0, &total))
        return SIZE_MAX;
    return total;
}

/* BatchNorm statistics of one part: running mean and variance per layer. */
static size_t part_state(const aaei_options *o, aae_part part, size_t out)
{
    const aaei_part_spec *p = &o->parts[part];
    size_t total = head_batchnorm(o, part) ? 2 * out : 0;
    for (size_t i = 0; i < p->nlayers; i++)
        if (p->layers[i].batchnorm) total += 2 * p->layers[i].width;
    return total;
}

void aaei_model_layout(const aaei_options *o, aaei_layout *l)
{
    aae_model m;
    memset(&m, 0, sizeof m);
    memset(l, 0, sizeof *l);
    m.opt = *o;
    derive_widths(&m);
    size_t params[AAEI_PARTS] = {0};
    for (int i = 0; i < AAEI_PARTS; i++) {
        aae_part part = aaei_file_order[i];
        size_t in, out;
        if (!(l->present[i] = m.has[part])) continue;
        part_widths(&m, part, &in, &out);
        l->params[i] = params[part] = part_params(o, part, in, out);
        l->state[i] = part_state(o, part, out);
    }
    for (int slot = 0; slot < AAEI_OPT_COUNT; slot++) {
        int part = slot_part(&m, slot);
        if (part < 0) continue;
        l->optim_n[slot] = params[part];
        l->optim_v[slot] = slot_config(&m, slot)->kind == AAE_OPTIMIZER_ADAM;
    }
}

/* Moves every network's gradients into m->grad_pool (see model.h). */
static aae_status pool_gradients(aae_model *m)
{
    size_t total = 0;
    for (int i = 0; i < AAEI_PARTS; i++) total += m->nets[aaei_pool_order[i]].nparams;
    float *pool = aaei_calloc(total ? total : 1, sizeof *pool, "gradient pool");
    if (!pool) return AAE_ERR_NOMEM;
    float *p = pool;
    for (int i = 0; i < AAEI_PARTS; i++) {
        aae_net *net = &m->nets[aaei_pool_order[i]];
        aaei_free(net->grads);
        net->grads = p;
        p += net->nparams;
    }
    m->grad_pool = pool;
    return AAE_OK;
}

aae_status aaei_model_create(const aaei_options *o, aae_model **out)
{
    AAEI_TRY(aaei_options_validate(o));
    aae_model *m = aaei_calloc(1, sizeof *m, "model");
    if (!m) return AAE_ERR_NOMEM;
    m->opt = *o;
    atomic_flag_clear(&m->busy);
    derive_widths(m);
    aae_status st = check_phases(m);
    if (st == AAE_OK) st = build_all(m);
    if (st == AAE_OK) st = pool_gradients(m);
    if (st == AAE_OK) st = aaei_model_index_tensors(m);
    if (st != AAE_OK) {
        aaei_model_destroy(m);
        return st;
    }
    *out = m;
    return AAE_OK;
}

void aaei_model_destroy(aae_model *m)
{
    if (!m) return;
    if (m->grad_pool) {
        /* The networks' gradients live in the pool: not theirs to free. */
        AAEI_FOR_ALL_NETS(m, net) net->grads = NULL;
        aaei_free(m->grad_pool);
    }
    AAEI_FOR_ALL_NETS(m, net) aaei_net_release(net);
    aaei_net_release(&m->corruption);
    for (int i = 0; i < AAEI_OPT_COUNT; i++) aaei_optim_release(&m->optims[i]);
    aaei_free(m->scratch_block);
    aaei_free(m->label_scratch);
    aaei_free(m->tensors);
    aaei_free(m);
}

aae_status aaei_model_reserve(aae_model *m, size_t rows)
{
    if (rows <= m->scratch_rows) return AAE_OK;
    size_t wmax = m->zd_width > m->classes ? m->zd_width : m->classes; /* a discriminator's input */
    /* Widths of each buffer per row, in the order they are carved. */
    const size_t widths[] = {m->z_width, m->z_width, m->classes, m->classes, m->z_width + m->c_width, m->enc_out,
                             m->classes, m->z_width, m->classes, m->in_width, 2 * wmax, 2, 2};
    float **slots[] = {&m->eps, &m->z, &m->y, &m->ylog_sep, &m->dec_in, &m->enc_out_grad,
                       &m->cls_out_grad, &m->dz, &m->dy, &m->dxhat, &m->disc_in, &m->disc_logit_grad,
                       &m->disc_target};
    size_t n = sizeof widths / sizeof widths[0], per_row = 0, total;
    for (size_t i = 0; i < n; i++) per_row += widths[i];
    if (!aaei_mul_size(per_row, rows, &total))
        return aaei_fail(AAE_ERR_NOMEM, "training buffers for %zu rows overflow", rows);
    float *buf = aaei_malloc(total, sizeof *buf, "training buffers");
    if (!buf) return AAE_ERR_NOMEM;
    int32_t *ib = aaei_malloc(rows, sizeof *ib, "training label buffer");
    if (!ib) {
        aaei_free(buf);
        return AAE_ERR_NOMEM;
    }
    aaei_free(m->scratch_block);
    aaei_free(m->label_scratch);
    m->scratch_block = buf;
    m->label_scratch = ib;
    for (size_t i = 0; i < n; i++) {
        *slots[i] = buf;
        buf += widths[i] * rows;
    }
    m->scratch_rows = rows;
    return AAE_OK;
}

void aaei_model_set_lr_factors(aae_model *m, const double factor[AAEI_PHASES])
{
    for (int slot = 0; slot < AAEI_OPT_COUNT; slot++)
        if (slot_part(m, slot) >= 0)
            m->optims[slot].cfg.lr = slot_config(m, slot)->lr * factor[slot_phase(slot)];
}

size_t aaei_model_min_step_rows(const aae_model *m)
{
    AAEI_FOR_EACH_NET(m, net)
        if (aaei_net_has_batchnorm(net)) return 2;
    return 1;
}
