/* One training step: reconstruction, regularization (discriminators, then
 * generator), semi-supervised, in the paper's order. The step is a
 * transaction (model/txn.c): each phase checks its loss before it steps and
 * what its updates wrote after, and any failure undoes the whole step. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/rng.h"
#include "model/model.h"
#include "nn/loss.h"
#include "nn/txn.h"

/* A random number is keyed by (seed, stream, step, row) (core/rng.h).
 * Within a step, each use of the noise and prior streams has a substream
 * of its own (stream + (substream << 8)) so that no two uses share
 * numbers: the encodings' z samples (an `encoding`, below), the priors'
 * samples and the discriminators' input noise. */
enum { SUB_ZPRIOR = 2, SUB_YPRIOR = 3, SUB_ZNOISE = 4, SUB_YNOISE = 5 };
/* The uniform one-hot beside the z discriminator's prior rows
 * (AAE_OPTION_Z_DISC_SEES_Y): the value of the experiment whose runs
 * docs/results.md reports, so the option repeats them bit for bit. */
enum { SUB_ZPRIOR_Y = 77 };

/* Each encoding of x in a step draws its own randomness (z samples, and
 * the input noise and dropout masks), as a framework's modules do on every
 * forward: its substream, and row keys offset by which encoding it is (so
 * the labelled batch's rows are apart from the unlabelled rows with the
 * same index too). */
typedef enum { ENCODE_RECONSTRUCTION = 0, ENCODE_REGULARIZATION = 1, ENCODE_LABELLED = 2 } encoding;

typedef struct step_ctx {
    aae_model *m;
    const float *x;
    const int32_t *labels;
    size_t rows;
    uint64_t step, seed;
    float *losses;
    /* Data parallelism: x holds global rows [row0, row0 + rows) of a batch
     * of `total`; losses are weighted by share = rows / total before their
     * gradients are summed across processes. One process: 0, rows, 1. */
    size_t row0, total;
    float share;
    const aaei_group *group;
    aaei_reduce *reduce;   /* batch norm's sums over the group (NULL: one process) */
    aaei_deferred *later;  /* updates wait here for the step's end; NULL: made at once */
} step_ctx;

static int finite(float v) { return isfinite(v); }

/* 1 if the y head is a network of its own (the classifier). */
static int has_cls(const aae_model *m) { return m->has[AAE_PART_CLASSIFIER]; }

/* The y head's network: the classifier, else the encoder. */
static aae_net *y_net(aae_model *m)
{
    return &m->nets[has_cls(m) ? AAE_PART_CLASSIFIER : AAE_PART_ENCODER];
}

static aae_status diverged(const char *phase, float loss)
{
    return aaei_fail(AAE_ERR_DIVERGED, "%s phase: its loss is %g: training diverged (the step was undone)",
                     phase, (double)loss);
}

/* A phase's update wrote a non-finite value: names the first one (every
 * value before the step was finite: builds, loads and tensor_set allow no
 * other), read before the step is undone. */
static aae_status update_diverged(const step_ctx *c, const char *phase)
{
    char who[96];
    snprintf(who, sizeof who, "%s phase: training diverged (the step was undone)", phase);
    AAEI_TRY(aaei_model_check_values(c->m, AAE_ERR_DIVERGED, who));
    return aaei_fail(AAE_ERR_DIVERGED, "%s: its update wrote a non-finite value", who);
}

/* Sums the gradients of networks first..last (adjacent in the gradient
 * pool) across processes. */
static aae_status reduce_grads(const step_ctx *c, const aae_net *first, const aae_net *last)
{
    size_t n = (size_t)(last->grads - first->grads) + last->nparams;
    return aaei_group_allreduce(c->group, AAE_REDUCE_GRADIENTS, first->grads, n,
                                "the allreduce hook (gradients)");
}

/* Replaces this process's losses of a phase (means over its rows) by the
 * global batch's: sum over processes of share x loss. */
static aae_status reduce_losses(const step_ctx *c, float *const *loss, size_t n)
{
    if (c->group->size == 1) return AAE_OK;
    float buf[AAE_SLOT_COUNT + 1];
    for (size_t i = 0; i < n; i++) buf[i] = c->share * *loss[i];
    AAEI_TRY(aaei_group_allreduce(c->group, AAE_REDUCE_LOSSES, buf, n, "the allreduce hook (losses)"));
    for (size_t i = 0; i < n; i++) *loss[i] = buf[i];
    return AAE_OK;
}

/* Row keys of x (global rows row0...). */
static aaei_row_keys x_keys(const step_ctx *c)
{
    return (aaei_row_keys){c->row0, c->rows, c->row0 + c->rows};
}

/* This member's update of net (all of it, or its slice when the
 * parameters are shared), moved to the spare buffers on the step's first
 * write, or kept for the step's end. Returns 1 if a value it wrote is not
 * finite. */
static int step_net(const step_ctx *c, int slot, aae_net *net, const char *phase)
{
    if (c->later) {
        aaei_deferred *d = c->later;
        d->at[d->n].slot = slot;
        d->at[d->n].net = net;
        d->at[d->n].phase = phase;
        d->n++;
        return 0;
    }
    size_t lo, hi;
    aaei_group_slice(c->group, net->nparams, &lo, &hi);
    int bad = aaei_txn_update(&c->m->optims[slot], net, lo, hi);
    aaei_net_zero_grad(net);
    return bad;
}

/* End of a phase's updates (bad: one of them wrote a non-finite value).
 * With shared parameters nobody reads them before every slice is updated,
 * and each member checked only its slice: the barrier carries the flags,
 * so all members decide alike. Separate processes (not shared) apply the
 * same reduced gradients to the same values: their flags already agree. */
static aae_status steps_done(const step_ctx *c, int bad, const char *phase)
{
    float flag = bad || aaei_model_txn_state_bad(c->m) ? 1.0f : 0.0f;
    if (c->group->shared)
        AAEI_TRY(aaei_group_allreduce(c->group, AAE_REDUCE_STATUS, &flag, 1, "the allreduce hook (barrier)"));
    return flag > 0.0f ? update_diverged(c, phase) : AAE_OK;
}

static aaei_rng noise_rng(const step_ctx *c, uint64_t substream, uint64_t row)
{
    return aaei_rng_keyed(c->seed, AAEI_STREAM_NOISE + (substream << 8), c->step, row);
}

/* z from the encoder output E: mu, or mu + exp(logvar / 2) * eps. */
static void sample_z(const step_ctx *c, const float *E, encoding which)
{
    aae_model *m = c->m;
    for (size_t r = 0; r < c->rows; r++) {
        const float *e = E + r * m->enc_out;
        float *z = m->z + r * m->z_width, *eps = m->eps + r * m->z_width;
        if (!m->gaussian) {
            memcpy(z, e, m->z_width * sizeof *z);
            continue;
        }
        aaei_rng g = noise_rng(c, which, c->row0 + r);
        for (size_t j = 0; j < m->z_width; j++) {
            eps[j] = aaei_rng_normal(&g);
            z[j] = e[j] + expf(0.5f * e[m->off_logvar + j]) * eps[j];
        }
    }
}

/* Adds dz (rows x z_width) into the mu (and logvar) columns of enc_out_grad. */
static void z_grad_to_enc(const step_ctx *c, const float *E, const float *dz)
{
    aae_model *m = c->m;
    for (size_t r = 0; r < c->rows; r++) {
        const float *e = E + r * m->enc_out, *g = dz + r * m->z_width, *eps = m->eps + r * m->z_width;
        float *d = m->enc_out_grad + r * m->enc_out;
        for (size_t j = 0; j < m->z_width; j++) {
            d[j] += g[j];
            if (m->gaussian)
                d[m->off_logvar + j] += g[j] * eps[j] * 0.5f * expf(0.5f * e[m->off_logvar + j]);
        }
    }
}

/* Where the y logits' gradient goes: encoder columns or classifier output. */
static float *ylog_grad(const step_ctx *c, size_t *ld)
{
    aae_model *m = c->m;
    *ld = has_cls(m) ? m->classes : m->enc_out;
    return has_cls(m) ? m->cls_out_grad : m->enc_out_grad + m->off_y;
}

/* Adds the softmax backward of dy (through y = softmax(logits)). */
static void y_grad_to_logits(const step_ctx *c, const float *dy)
{
    aae_model *m = c->m;
    size_t ld;
    float *dl = ylog_grad(c, &ld);
    aaei_softmax_backward_rows(m->y, dy, c->rows, m->classes, dl, ld, 1);
}

static aaei_row_keys encoding_keys(const step_ctx *c, encoding which)
{
    aaei_row_keys keys = x_keys(c);
    uint64_t base = (uint64_t)which << 40;
    keys.row0 += base;
    keys.row0b += base;
    return keys;
}

/* x as the encoder reads it in training: corrupted by the input noise and
 * dropout options, if any (the reconstruction target stays x). */
static aae_status encoder_input(const step_ctx *c, const float *x, size_t rows, const aaei_row_keys *keys,
                                const float **in)
{
    aae_model *m = c->m;
    *in = x;
    if (!m->has_corruption) return AAE_OK;
    return aaei_net_forward(&m->corruption, x, rows, 1, c->step, keys, c->reduce, in);
}

/* Encoder (and classifier) forward in training mode; y = softmax(logits).
 * Returns the encoder output. */
static aae_status forward_encoders(const step_ctx *c, encoding which, const float **E, const float **ylog,
                                   size_t *ld)
{
    aae_model *m = c->m;
    aae_net *enc = &m->nets[AAE_PART_ENCODER];
    aae_net *cls = &m->nets[AAE_PART_CLASSIFIER];
    size_t rows = c->rows;
    aaei_row_keys keys = encoding_keys(c, which);
    const float *x;
    AAEI_TRY(encoder_input(c, c->x, rows, &keys, &x));
    AAEI_TRY(aaei_net_forward(enc, x, rows, 1, c->step, &keys, c->reduce, E));
    *ylog = NULL;
    *ld = 0;
    if (has_cls(m)) {
        AAEI_TRY(aaei_net_forward(cls, x, rows, 1, c->step, &keys, c->reduce, ylog));
        *ld = m->classes;
    } else if (m->yhead == AAE_Y_SHARED) {
        *ylog = *E + m->off_y;
        *ld = m->enc_out;
    }
    if (*ylog) aaei_softmax_rows(*ylog, *ld, rows, m->classes, m->y);
    return AAE_OK;
}

static void zero_enc_grads(const step_ctx *c, size_t rows)
{
    aae_model *m = c->m;
    memset(m->enc_out_grad, 0, rows * m->enc_out * sizeof *m->enc_out_grad);
    if (has_cls(m)) memset(m->cls_out_grad, 0, rows * m->classes * sizeof *m->cls_out_grad);
}

static aae_status backward_encoders(const step_ctx *c)
{
    aae_model *m = c->m;
    aae_net *enc = &m->nets[AAE_PART_ENCODER];
    aae_net *cls = &m->nets[AAE_PART_CLASSIFIER];
    AAEI_TRY(aaei_net_backward(enc, m->enc_out_grad, c->reduce, NULL));
    if (has_cls(m)) AAEI_TRY(aaei_net_backward(cls, m->cls_out_grad, c->reduce, NULL));
    return AAE_OK;
}

/* The generator's adversarial loss w_adv * BCE(D(fake), 1) on the fakes
 * in disc_in (rows x dim): writes d loss / d fake, the first `keep` columns
 * of each row (rows x keep), and leaves D's gradients zeroed. */
static aae_status generator_grad(const step_ctx *c, aae_net *D, size_t dim, size_t keep, uint64_t substream,
                                 float *dfake, float *loss)
{
    aae_model *m = c->m;
    size_t rows = c->rows;
    float noise = (float)m->opt.v[AAE_OPTION_DISC_NOISE];
    for (size_t r = 0; noise > 0.0f && r < rows; r++) {
        aaei_rng g = noise_rng(c, substream, c->total + c->row0 + r);
        for (size_t j = 0; j < dim; j++) m->disc_in[r * dim + j] += noise * aaei_rng_normal(&g);
    }
    const float *logit, *dx;
    aaei_row_keys keys = x_keys(c);
    AAEI_TRY(aaei_net_forward(D, m->disc_in, rows, 1, c->step, &keys, c->reduce, &logit));
    for (size_t r = 0; r < rows; r++) m->disc_target[r] = 1.0f;
    *loss = aaei_loss_bce_logits(logit, m->disc_target, rows, m->disc_logit_grad);
    float w = (float)m->opt.v[AAE_OPTION_W_ADV] * c->share;
    for (size_t r = 0; r < rows; r++) m->disc_logit_grad[r] *= w;
    AAEI_TRY(aaei_net_backward(D, m->disc_logit_grad, c->reduce, &dx));
    for (size_t r = 0; r < rows; r++) memcpy(dfake + r * keep, dx + r * dim, keep * sizeof *dfake);
    aaei_net_zero_grad(D);
    return AAE_OK;
}

/* The generator's loss against the z discriminator: d loss / d z into dz
 * (a one-hot y beside z is a constant: its gradient is dropped). */
static aae_status z_generator_grad(const step_ctx *c, float *loss)
{
    aae_model *m = c->m;
    aaei_zdisc_fake_rows(m, m->z, m->y, c->rows, m->disc_in);
    return generator_grad(c, &m->nets[AAE_PART_Z_DISCRIMINATOR], m->zd_width, m->z_width, SUB_ZNOISE, m->dz,
                          loss);
}

/* The same against the y discriminator, into dy. */
static aae_status y_generator_grad(const step_ctx *c, float *loss)
{
    aae_model *m = c->m;
    memcpy(m->disc_in, m->y, c->rows * m->classes * sizeof *m->y);
    return generator_grad(c, &m->nets[AAE_PART_Y_DISCRIMINATOR], m->classes, m->classes, SUB_YNOISE, m->dy,
                          loss);
}

/* One discriminator update on disc_in: rows prior samples labelled 1,
 * then rows fakes labelled 0, each `dim` wide; loss = w_disc * (BCE_real +
 * BCE_fake). */
static aae_status disc_step(const step_ctx *c, aae_net *D, int slot, size_t dim, uint64_t noise_substream,
                            float *loss)
{
    aae_model *m = c->m;
    size_t rows = c->rows;
    float noise = (float)m->opt.v[AAE_OPTION_DISC_NOISE];
    /* Global layout: B prior rows, then B fakes; this process has a slice
     * of each. */
    aaei_row_keys keys = {c->row0, rows, c->total + c->row0};
    for (size_t r = 0; noise > 0.0f && r < 2 * rows; r++) {
        aaei_rng g = noise_rng(c, noise_substream, aaei_row_key(&keys, r));
        for (size_t j = 0; j < dim; j++) m->disc_in[r * dim + j] += noise * aaei_rng_normal(&g);
    }
    for (size_t r = 0; r < 2 * rows; r++) m->disc_target[r] = r < rows ? 1.0f : 0.0f;
    const float *logit;
    aaei_net_zero_grad(D);
    AAEI_TRY(aaei_net_forward(D, m->disc_in, 2 * rows, 1, c->step, &keys, c->reduce, &logit));
    /* mean over 2B rows = (real mean + fake mean) / 2 */
    float w = 2.0f * (float)m->opt.v[AAE_OPTION_W_DISC];
    *loss = w * aaei_loss_bce_logits(logit, m->disc_target, 2 * rows, m->disc_logit_grad);
    const char *name = D == &m->nets[AAE_PART_Z_DISCRIMINATOR] ? "z discriminator" : "y discriminator";
    AAEI_TRY(reduce_losses(c, &loss, 1));
    if (!finite(*loss)) return diverged(name, *loss);
    w *= c->share;
    for (size_t r = 0; r < 2 * rows; r++) m->disc_logit_grad[r] *= w;
    AAEI_TRY(aaei_net_backward(D, m->disc_logit_grad, c->reduce, NULL));
    AAEI_TRY(reduce_grads(c, D, D));
    return steps_done(c, step_net(c, slot, D, name), name);
}

static float reconstruction_loss(const step_ctx *c, const float *xhat)
{
    aae_model *m = c->m;
    size_t n = c->rows * m->in_width;
    float l;
    switch (aaei_opt_int(&m->opt, AAE_OPTION_REC_LOSS)) {
    case AAE_REC_L1: l = aaei_loss_l1(xhat, c->x, n, m->dxhat); break;
    case AAE_REC_BCE: l = aaei_loss_bce(xhat, c->x, n, m->dxhat); break;
    default: l = aaei_loss_mse(xhat, c->x, n, m->dxhat); break;
    }
    /* REC_SUM: sum over features, mean over rows = mean * width. */
    float scale = m->opt.v[AAE_OPTION_REC_SUM] != 0 ? (float)m->in_width : 1.0f;
    float w = (float)m->opt.v[AAE_OPTION_W_REC] * scale * c->share;
    for (size_t i = 0; i < n; i++) m->dxhat[i] *= w;
    return l * scale;
}

/* The decoder's input rows: [z | one-hot label or y] (or z alone). */
static void decoder_input(const step_ctx *c)
{
    aae_model *m = c->m;
    size_t dw = m->z_width + m->c_width;
    for (size_t r = 0; r < c->rows; r++) {
        float *d = m->dec_in + r * dw;
        memcpy(d, m->z + r * m->z_width, m->z_width * sizeof *d);
        if (m->dec_input == AAE_DECODE_Z_LABEL) {
            memset(d + m->z_width, 0, m->classes * sizeof *d);
            d[m->z_width + (size_t)c->labels[r]] = 1.0f;
        } else if (m->dec_input == AAE_DECODE_Z_Y) {
            memcpy(d + m->z_width, m->y + r * m->classes, m->classes * sizeof *d);
        }
    }
}

/* beta x KL(N(mu, exp(lv)) || N(0, I)), summed over z, mean over rows:
 * its gradient joins d_enc; returns the weighted term. */
static float kl_term(const step_ctx *c, const float *E)
{
    aae_model *m = c->m;
    float beta = (float)m->opt.v[AAE_OPTION_W_KL], k = beta * c->share / (float)c->rows;
    double kl = aaei_kl_gaussian_rows(E, E + m->off_logvar, m->enc_out, c->rows, m->z_width, k, m->enc_out_grad,
                                      m->enc_out_grad + m->off_logvar);
    c->losses[AAE_SLOT_KL] = (float)(kl / (double)c->rows);
    return beta * c->losses[AAE_SLOT_KL];
}

/* w_ce x the y head's cross-entropy on the batch's labels (the joint
 * supervised mode): its gradient joins the logits'; returns the term. */
static float joint_ce_term(const step_ctx *c, const float *ylog, size_t ld)
{
    aae_model *m = c->m;
    size_t gld, rows = c->rows;
    float *dl = ylog_grad(c, &gld);
    float w = (float)m->opt.v[AAE_OPTION_W_CE];
    for (size_t r = 0; r < rows; r++) memcpy(m->ylog_sep + r * m->classes, ylog + r * ld, m->classes * sizeof(float));
    /* In place: each row's logits are read before its gradient is written. */
    float ce = aaei_loss_cross_entropy(m->ylog_sep, c->labels, rows, m->classes, m->ylog_sep);
    float ws = w * c->share;
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < m->classes; j++) dl[r * gld + j] += ws * m->ylog_sep[r * m->classes + j];
    c->losses[AAE_SLOT_CE] = ce;
    return w * ce;
}

/* The generator's terms inside the reconstruction loss (joint mode, as
 * PyTorch-GAN): their gradients go to dz and dy; returns their sum. */
static aae_status joint_generator_terms(const step_ctx *c, float *total)
{
    aae_model *m = c->m;
    float gl, w = (float)m->opt.v[AAE_OPTION_W_ADV];
    if (m->z_adversarial) {
        AAEI_TRY(z_generator_grad(c, &gl));
        c->losses[AAE_SLOT_GEN_Z] = gl;
        *total += w * gl;
    }
    if (m->y_adversarial) {
        AAEI_TRY(y_generator_grad(c, &gl));
        c->losses[AAE_SLOT_GEN_Y] = gl;
        *total += w * gl;
    }
    return AAE_OK;
}

/* Decoder backward, its input's gradient split into z's and y's, then
 * back through the encoders; one reduction, then every network steps. */
static aae_status reconstruction_backward(const step_ctx *c, const float *E)
{
    aae_model *m = c->m;
    aae_net *enc = &m->nets[AAE_PART_ENCODER];
    aae_net *dec = &m->nets[AAE_PART_DECODER];
    aae_net *cls = &m->nets[AAE_PART_CLASSIFIER];
    size_t dw = m->z_width + m->c_width;
    const float *ddec;
    AAEI_TRY(aaei_net_backward(dec, m->dxhat, c->reduce, &ddec));
    for (size_t r = 0; r < c->rows; r++) {
        const float *g = ddec + r * dw;
        for (size_t j = 0; j < m->z_width; j++) m->dz[r * m->z_width + j] += g[j];
        if (m->dec_input == AAE_DECODE_Z_Y && !m->detach_y)
            for (size_t j = 0; j < m->classes; j++) m->dy[r * m->classes + j] += g[m->z_width + j];
    }
    z_grad_to_enc(c, E, m->dz);
    if (m->yhead) y_grad_to_logits(c, m->dy);
    AAEI_TRY(backward_encoders(c));
    AAEI_TRY(reduce_grads(c, dec, y_net(m)));
    static const char phase[] = "reconstruction";
    int bad = step_net(c, AAEI_OPT_ENC, enc, phase);
    bad |= step_net(c, AAEI_OPT_DEC, dec, phase);
    if (has_cls(m)) bad |= step_net(c, AAEI_OPT_CLS, cls, phase);
    return steps_done(c, bad, phase);
}

static aae_status phase_reconstruction(const step_ctx *c)
{
    aae_model *m = c->m;
    aae_net *enc = &m->nets[AAE_PART_ENCODER];
    aae_net *dec = &m->nets[AAE_PART_DECODER];
    aae_net *cls = &m->nets[AAE_PART_CLASSIFIER];
    size_t rows = c->rows, ld;
    const float *E, *ylog, *xhat;
    AAEI_TRY(forward_encoders(c, ENCODE_RECONSTRUCTION, &E, &ylog, &ld));
    sample_z(c, E, ENCODE_RECONSTRUCTION);
    decoder_input(c);
    aaei_row_keys keys = x_keys(c);
    AAEI_TRY(aaei_net_forward(dec, m->dec_in, rows, 1, c->step, &keys, c->reduce, &xhat));
    float rec = reconstruction_loss(c, xhat), total = rec;
    c->losses[AAE_SLOT_REC] = rec;

    zero_enc_grads(c, rows);
    memset(m->dz, 0, rows * m->z_width * sizeof *m->dz);
    if (m->yhead) memset(m->dy, 0, rows * m->classes * sizeof *m->dy);
    if (aaei_opt_int(&m->opt, AAE_OPTION_Z_REGULARIZER) == AAE_ZREG_KL) total += kl_term(c, E);
    if (m->supervised == AAE_SUPERVISE_JOINT && c->labels) total += joint_ce_term(c, ylog, ld);
    if (m->joint_gen) AAEI_TRY(joint_generator_terms(c, &total));
    float *rec_losses[] = {&c->losses[AAE_SLOT_REC], &c->losses[AAE_SLOT_KL],
                           &c->losses[AAE_SLOT_CE], &c->losses[AAE_SLOT_GEN_Z],
                           &c->losses[AAE_SLOT_GEN_Y], &total};
    AAEI_TRY(reduce_losses(c, rec_losses, 6));
    if (!finite(total)) {
        aaei_net_zero_grad(enc);
        aaei_net_zero_grad(dec);
        if (has_cls(m)) aaei_net_zero_grad(cls);
        return diverged("reconstruction", total);
    }
    return reconstruction_backward(c, E);
}

static aae_status phase_regularization(const step_ctx *c)
{
    aae_model *m = c->m;
    aae_net *enc = &m->nets[AAE_PART_ENCODER];
    aae_net *cls = &m->nets[AAE_PART_CLASSIFIER];
    aae_net *zdisc = &m->nets[AAE_PART_Z_DISCRIMINATOR];
    aae_net *ydisc = &m->nets[AAE_PART_Y_DISCRIMINATOR];
    const float *E = NULL, *ylog;
    size_t ld;
    if (!m->z_adversarial && !m->y_adversarial) return AAE_OK;
    if (!m->joint_gen) {
        /* The paper: fakes from the encoder as updated by the reconstruction
         * phase. (Joint mode reuses that phase's codes, as PyTorch-GAN.) */
        AAEI_TRY(forward_encoders(c, ENCODE_REGULARIZATION, &E, &ylog, &ld));
        sample_z(c, E, ENCODE_REGULARIZATION);
    }
    size_t rows = c->rows;
    if (m->z_adversarial) {
        const int32_t *guide = m->zprior.label_guided ? c->labels : NULL;
        aaei_zdisc_real_rows(m, c->seed, c->step, SUB_ZPRIOR, SUB_ZPRIOR_Y, c->row0, guide, rows, m->disc_in);
        aaei_zdisc_fake_rows(m, m->z, m->y, rows, m->disc_in + rows * m->zd_width);
        AAEI_TRY(disc_step(c, zdisc, AAEI_OPT_ZDISC, m->zd_width, SUB_ZNOISE, &c->losses[AAE_SLOT_DISC_Z]));
    }
    if (m->y_adversarial) {
        aaei_prior_sample(&m->yprior, c->seed, c->step, SUB_YPRIOR, c->row0, NULL, rows, m->disc_in);
        memcpy(m->disc_in + rows * m->classes, m->y, rows * m->classes * sizeof *m->y);
        AAEI_TRY(disc_step(c, ydisc, AAEI_OPT_YDISC, m->classes, SUB_YNOISE, &c->losses[AAE_SLOT_DISC_Y]));
    }
    if (m->joint_gen) return AAE_OK;

    zero_enc_grads(c, c->rows);
    float total = 0.0f, w = (float)m->opt.v[AAE_OPTION_W_ADV];
    if (m->z_adversarial) {
        AAEI_TRY(z_generator_grad(c, &c->losses[AAE_SLOT_GEN_Z]));
        total += w * c->losses[AAE_SLOT_GEN_Z];
        z_grad_to_enc(c, E, m->dz);
    }
    if (m->y_adversarial) {
        AAEI_TRY(y_generator_grad(c, &c->losses[AAE_SLOT_GEN_Y]));
        total += w * c->losses[AAE_SLOT_GEN_Y];
        y_grad_to_logits(c, m->dy);
    }
    float *gen_losses[] = {&c->losses[AAE_SLOT_GEN_Z], &c->losses[AAE_SLOT_GEN_Y], &total};
    AAEI_TRY(reduce_losses(c, gen_losses, 3));
    if (!finite(total)) return diverged("generator", total);
    AAEI_TRY(backward_encoders(c));
    AAEI_TRY(reduce_grads(c, enc, y_net(m)));
    static const char phase[] = "generator";
    int bad = 0;
    if (has_cls(m)) {
        /* A separate classifier is the generator of y; the encoder of z. */
        if (m->y_adversarial) bad |= step_net(c, AAEI_OPT_GEN_CLS, cls, phase);
        else aaei_net_zero_grad(cls);
        if (m->z_adversarial) bad |= step_net(c, AAEI_OPT_GEN_ENC, enc, phase);
        else aaei_net_zero_grad(enc);
    } else {
        bad = step_net(c, AAEI_OPT_GEN_ENC, enc, phase);
    }
    return steps_done(c, bad, phase);
}

/* Its batch is the labelled one: c describes that batch's rows. */
static aae_status phase_semi_supervised(const step_ctx *c, const float *xl, const int32_t *yl)
{
    aae_model *m = c->m;
    size_t rows_l = c->rows;
    aae_net *net = y_net(m);
    const float *out;
    aaei_row_keys keys = encoding_keys(c, ENCODE_LABELLED);
    AAEI_TRY(encoder_input(c, xl, rows_l, &keys, &xl));
    AAEI_TRY(aaei_net_forward(net, xl, rows_l, 1, c->step, &keys, c->reduce, &out));
    size_t ld = has_cls(m) ? m->classes : m->enc_out, off = has_cls(m) ? 0 : m->off_y;
    for (size_t r = 0; r < rows_l; r++)
        memcpy(m->ylog_sep + r * m->classes, out + r * ld + off, m->classes * sizeof(float));
    float ce = aaei_loss_cross_entropy(m->ylog_sep, yl, rows_l, m->classes, m->dy);
    float *ce_loss = &ce;
    AAEI_TRY(reduce_losses(c, &ce_loss, 1));
    if (!finite(ce)) return diverged("semi-supervised", ce);
    c->losses[AAE_SLOT_CE] = ce;
    float w = (float)m->opt.v[AAE_OPTION_W_CE] * c->share;
    float *d = has_cls(m) ? m->cls_out_grad : m->enc_out_grad;
    memset(d, 0, rows_l * ld * sizeof *d);
    for (size_t r = 0; r < rows_l; r++)
        for (size_t j = 0; j < m->classes; j++) d[r * ld + off + j] = w * m->dy[r * m->classes + j];
    AAEI_TRY(aaei_net_backward(net, d, c->reduce, NULL));
    AAEI_TRY(reduce_grads(c, net, net));
    return steps_done(c, step_net(c, AAEI_OPT_SEMI, net, "semi-supervised"), "semi-supervised");
}

/* Whether every update can wait for the step's end: no phase reads a
 * network an earlier one updated (the generator's own phase encodes
 * again, the semi-supervised phase reads the y head's network; the
 * discriminators read only themselves), and the parameters are not shared
 * (whose members would have to agree on how to update them). Waiting
 * changes no value: each network is then updated once, in the same order,
 * from the same gradients. */
static int updates_can_wait(const step_ctx *c, size_t rows_l)
{
    const aae_model *m = c->m;
    int encodes_again = !m->joint_gen && (m->z_adversarial || m->y_adversarial);
    int semi = m->supervised == AAE_SUPERVISE_PHASE && rows_l > 0;
    return !c->group->shared && !encodes_again && !semi;
}

/* The updates kept for the step's end, after every check but theirs. */
static aae_status apply_later(const step_ctx *c)
{
    const char *phase = c->later ? aaei_model_txn_apply(c->m, c->later) : NULL;
    return phase ? update_diverged(c, phase) : AAE_OK;
}

static aae_status run_phases(step_ctx *c, const float *xl, const int32_t *yl, size_t rows_l,
                             const aaei_shard *shard)
{
    aae_model *m = c->m;
    AAEI_TRY(phase_reconstruction(c));
    AAEI_TRY(phase_regularization(c));
    if (m->supervised != AAE_SUPERVISE_PHASE || rows_l == 0) return apply_later(c);
    step_ctx l = *c;
    l.rows = rows_l;
    l.labels = yl;
    if (shard) {
        l.row0 = shard->row0_l;
        l.total = shard->total_l;
        l.share = (float)rows_l / (float)shard->total_l;
    } else {
        l.row0 = 0;
        l.total = rows_l;
    }
    return phase_semi_supervised(&l, xl, yl);
}

/* The group's sum as nn's reduction: batch norm statistics. */
static aae_status sum_batch_stats(const void *group, float *data, size_t n)
{
    return aaei_group_allreduce(group, AAE_REDUCE_BATCH_STATS, data, n, "the allreduce hook (batch norm)");
}

aae_status aaei_model_train_step(aae_model *m, const float *x, const int32_t *labels,
                                 size_t rows, const float *xl, const int32_t *yl,
                                 size_t rows_l, uint64_t step, const aaei_group *group,
                                 const aaei_shard *shard, float *losses)
{
    float local[AAE_SLOT_COUNT];
    step_ctx c = {.m = m, .x = x, .labels = labels, .rows = rows, .step = step,
                  .seed = (uint64_t)m->opt.v[AAE_OPTION_SEED], .losses = losses ? losses : local,
                  .row0 = 0, .total = rows, .share = 1.0f, .group = group};
    aaei_reduce reduce = {.sum = sum_batch_stats, .ctx = group, .status = AAE_OK};
    if (group->size > 1) {
        c.reduce = &reduce;
        c.row0 = shard->row0;
        c.total = shard->total;
        c.share = (float)rows / (float)shard->total;
    }
    memset(c.losses, 0, AAE_SLOT_COUNT * sizeof *c.losses);
    aaei_deferred later = {0};
    if (updates_can_wait(&c, rows_l)) c.later = &later;
    AAEI_TRY(aaei_model_reserve(m, rows > rows_l ? rows : rows_l));
    AAEI_TRY(aaei_model_txn_reserve(m));
    aaei_model_txn_begin(m);
    aae_status st = run_phases(&c, xl, yl, rows_l, c.reduce ? shard : NULL);
    /* All of the step, or none of it. */
    aaei_model_txn_end(m, st == AAE_OK);
    if (st == AAE_OK) m->steps++;
    return st;
}
