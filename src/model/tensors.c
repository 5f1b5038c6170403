/* The model's parameters and BatchNorm statistics as named tensors, named
 * like PyTorch's state_dict of an nn.Sequential per part. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/model.h"

typedef struct view {
    const char *what;
    size_t rows, cols;
    size_t off;
    int is_state;
} view;

float *aaei_tensor_data(const aaei_tensor *t)
{
    return (t->is_state ? t->net->state : t->net->params) + t->off;
}

/* Tensors of one network; only counts when out is NULL. */
static size_t index_net(aae_net *net, const char *part, aaei_tensor *out)
{
    size_t n = 0;
    for (size_t i = 0; i < net->nlayers; i++) {
        const aaei_layer *L = &net->layers[i];
        view t[4];
        size_t k = 0, p = L->param_off, s = L->state_off;
        if (L->kind == AAEI_DENSE) {
            t[k++] = (view){"weight", L->out, L->in, p, 0};
            t[k++] = (view){"bias", 1, L->out, p + L->out * L->in, 0};
        } else if (L->kind == AAEI_BATCHNORM) {
            t[k++] = (view){"weight", 1, L->out, p, 0};
            t[k++] = (view){"bias", 1, L->out, p + L->out, 0};
            t[k++] = (view){"running_mean", 1, L->out, s, 1};
            t[k++] = (view){"running_var", 1, L->out, s + L->out, 1};
        }
        for (size_t j = 0; j < k; j++, n++) {
            if (!out) continue;
            snprintf(out[n].name, sizeof out[n].name, "%s.%zu.%s", part, i, t[j].what);
            out[n].rows = t[j].rows;
            out[n].cols = t[j].cols;
            out[n].net = net;
            out[n].off = t[j].off;
            out[n].is_state = t[j].is_state;
        }
    }
    return n;
}

/* A network's name in tensor names (PyTorch's module name). */
static const char *net_name(const aae_model *m, const aae_net *net)
{
    static const char *const names[AAEI_PARTS] = {
        [AAE_PART_ENCODER] = "encoder", [AAE_PART_DECODER] = "decoder",
        [AAE_PART_CLASSIFIER] = "classifier", [AAE_PART_Z_DISCRIMINATOR] = "z_discriminator",
        [AAE_PART_Y_DISCRIMINATOR] = "y_discriminator"};
    return names[net - m->nets];
}

aae_status aaei_model_index_tensors(aae_model *m)
{
    size_t n = 0;
    AAEI_FOR_EACH_NET(m, net) n += index_net(net, net_name(m, net), NULL);
    m->tensors = aaei_malloc(n, sizeof *m->tensors, "tensor index");
    if (!m->tensors) return AAE_ERR_NOMEM;
    m->ntensors = 0;
    AAEI_FOR_EACH_NET(m, net) m->ntensors += index_net(net, net_name(m, net), m->tensors + m->ntensors);
    return AAE_OK;
}

/* Element i of n values that is not allowed (non-finite; negative if
 * nonneg), or n. */
static size_t first_bad(const float *x, size_t n, int nonneg)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]) || (nonneg && x[i] < 0.0f)) return i;
    return n;
}

static aae_status bad_value(aae_status status, const char *who, const char *what, size_t i, float v,
                            int nonneg)
{
    return aaei_fail(status, "%s: %s element %zu is %g (must be finite%s)", who, what, i, (double)v,
                     nonneg ? " and >= 0" : "");
}

aae_status aaei_tensor_check_values(const aaei_tensor *t, const float *values, aae_status status,
                                    const char *who)
{
    size_t n = t->rows * t->cols;
    int nonneg = strstr(t->name, "running_var") != NULL;
    size_t i = first_bad(values, n, nonneg);
    if (i == n) return AAE_OK;
    char what[64];
    snprintf(what, sizeof what, "tensor %s", t->name);
    return bad_value(status, who, what, i, values[i], nonneg);
}

static aae_status check_steps(uint64_t steps, aae_status status, const char *who, const char *what)
{
    if (steps <= AAEI_MAX_STEPS) return AAE_OK;
    return aaei_fail(status, "%s: %s step counter %llu exceeds 2^53", who, what, (unsigned long long)steps);
}

static aae_status check_optimizer(const aaei_optim *o, int slot, aae_status status, const char *who)
{
    static const char *const names[AAEI_OPT_COUNT] = {
        "encoder", "decoder", "classifier", "z discriminator", "y discriminator",
        "encoder as generator", "classifier as generator", "semi-supervised"};
    char what[96];
    snprintf(what, sizeof what, "optimizer slot %d (%s)", slot, names[slot]);
    AAEI_TRY(check_steps(o->steps, status, who, what));
    const float *moments[2] = {o->m, o->v};
    for (int k = 0; k < 2 && moments[k]; k++) {
        size_t i = first_bad(moments[k], o->n, k == 1);
        if (i == o->n) continue;
        snprintf(what, sizeof what, "optimizer slot %d (%s) %s moment", slot, names[slot],
                 k ? "second" : "first");
        return bad_value(status, who, what, i, moments[k][i], k == 1);
    }
    return AAE_OK;
}

aae_status aaei_model_check_values(const aae_model *m, aae_status status, const char *who)
{
    AAEI_TRY(check_steps(m->steps, status, who, "model"));
    for (size_t t = 0; t < m->ntensors; t++)
        AAEI_TRY(aaei_tensor_check_values(&m->tensors[t], aaei_tensor_data(&m->tensors[t]), status, who));
    for (int s = 0; s < AAEI_OPT_COUNT; s++)
        if (m->optims[s].m) AAEI_TRY(check_optimizer(&m->optims[s], s, status, who));
    return AAE_OK;
}
