#include "nn/net.h"

#include <limits.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* base + off that stays defined when a network has no parameters. */
static float *at(float *base, size_t off) { return base ? base + off : NULL; }

/* BLAS takes int sizes: every width and batch must fit. */
#define AAEI_MAX_DIM ((size_t)INT_MAX)

aae_status aaei_net_init(aae_net *net, size_t in_width, uint64_t seed)
{
    memset(net, 0, sizeof *net);
    AAEI_REQUIRE(in_width >= 1 && in_width <= AAEI_MAX_DIM,
                 "network input width %zu must be in [1, %d]", in_width, INT_MAX);
    net->in_width = net->out_width = net->max_width = in_width;
    net->seed = seed;
    return AAE_OK;
}

static void free_workspace(aae_net *net)
{
    aaei_free(net->ws);
    aaei_free(net->outs);
    net->ws = NULL;
    net->outs = net->auxs = NULL;
    net->ws_rows = 0;
    net->trained = 0;
}

void aaei_net_release(aae_net *net)
{
    if (!net) return;
    free_workspace(net);
    aaei_free(net->layers);
    aaei_free(net->params);
    aaei_free(net->grads);
    aaei_free(net->state);
    aaei_free(net->params_spare);
    aaei_free(net->state_saved);
    memset(net, 0, sizeof *net);
}

/* Grows one flat array to n floats, keeping its contents. */
static aae_status grow(float **arr, size_t n, const char *what)
{
    float *p = aaei_realloc(*arr, n, sizeof **arr, what);
    if (!p) return AAE_ERR_NOMEM;
    *arr = p;
    return AAE_OK;
}

aae_status aaei_net_add(aae_net *net, aaei_layer_kind kind, size_t width,
                        float a, float eps)
{
    aaei_layer L;
    memset(&L, 0, sizeof L);
    L.kind = kind;
    L.in = net->out_width;
    L.out = kind == AAEI_DENSE ? width : L.in;
    L.setting.slope = a; /* (every member is this one float) */
    L.eps = eps;
    AAEI_REQUIRE(L.out >= 1 && L.out <= AAEI_MAX_DIM,
                 "layer width %zu must be in [1, %d]", L.out, INT_MAX);
    size_t np = 0, ns = 0;
    if (kind == AAEI_DENSE) {
        if (!aaei_mul_size(L.in + 1, L.out, &np))
            return aaei_fail(AAE_ERR_NOMEM, "dense layer %zu x %zu overflows", L.in, L.out);
    } else if (kind == AAEI_BATCHNORM) {
        np = ns = 2 * L.out;
    }
    L.param_off = net->nparams;
    L.nparam = np;
    L.state_off = net->nstate;
    L.nstate = ns;
    size_t total_p, total_s;
    if (!aaei_add_size(net->nparams, np, &total_p) ||
        !aaei_add_size(net->nstate, ns, &total_s))
        return aaei_fail(AAE_ERR_NOMEM, "network parameter count overflows");

    if (net->nlayers == net->layer_cap) {
        size_t cap = net->layer_cap ? 2 * net->layer_cap : 8;
        aaei_layer *p = aaei_realloc(net->layers, cap, sizeof *p, "network layers");
        if (!p) return AAE_ERR_NOMEM;
        net->layers = p;
        net->layer_cap = cap;
    }
    if (np) {
        AAEI_TRY(grow(&net->params, total_p, "network parameters"));
        AAEI_TRY(grow(&net->grads, total_p, "network gradients"));
        memset(net->grads + L.param_off, 0, np * sizeof *net->grads);
    }
    if (ns) AAEI_TRY(grow(&net->state, total_s, "network state"));
    /* Only now is nothing left that can fail: commit the layer. */
    aaei_layer_init(&L, at(net->params, L.param_off), at(net->state, L.state_off), net->seed,
                    net->nlayers);
    net->layers[net->nlayers++] = L;
    net->nparams = total_p;
    net->nstate = total_s;
    net->out_width = L.out;
    if (L.out > net->max_width) net->max_width = L.out;
    free_workspace(net); /* layout changed */
    aaei_free(net->params_spare); /* (a model's networks never change once trained) */
    aaei_free(net->state_saved);
    net->params_spare = net->state_saved = NULL;
    net->params_max_known = 0;
    return AAE_OK;
}

aae_status aaei_net_reserve(aae_net *net, size_t rows)
{
    AAEI_REQUIRE(rows >= 1 && rows <= AAEI_MAX_DIM, "batch of %zu rows must be in [1, %d]",
                 rows, INT_MAX);
    if (rows <= net->ws_rows) return AAE_OK;
    /* Layout: input copy, per layer output + aux, two gradient buffers. */
    size_t total = 0, t;
    int ok = aaei_mul_size(rows, net->in_width, &total);
    for (size_t i = 0; ok && i < net->nlayers; i++) {
        const aaei_layer *L = &net->layers[i];
        ok = aaei_mul_size(rows, L->out, &t) && aaei_add_size(total, t, &total) &&
             aaei_add_size(total, aaei_layer_aux_floats(L, rows), &total);
    }
    ok = ok && aaei_mul_size(rows, net->max_width, &t) && aaei_mul_size(t, 2, &t) &&
         aaei_add_size(total, t, &total);
    if (!ok) return aaei_fail(AAE_ERR_NOMEM, "workspace for %zu rows overflows", rows);

    float *ws = aaei_malloc(total, sizeof *ws, "network workspace");
    if (!ws) return AAE_ERR_NOMEM;
    float **ptrs = aaei_malloc(2 * net->nlayers + 1, sizeof *ptrs, "network workspace index");
    if (!ptrs) {
        aaei_free(ws);
        return AAE_ERR_NOMEM;
    }
    free_workspace(net);
    net->ws = ws;
    net->outs = ptrs;
    net->auxs = ptrs + net->nlayers;
    float *p = ws;
    net->input = p;
    p += rows * net->in_width;
    for (size_t i = 0; i < net->nlayers; i++) {
        net->outs[i] = p;
        p += rows * net->layers[i].out;
        net->auxs[i] = p;
        p += aaei_layer_aux_floats(&net->layers[i], rows);
    }
    net->grad_a = p;
    net->grad_b = p + rows * net->max_width;
    net->ws_rows = rows;
    return AAE_OK;
}

int aaei_net_has_batchnorm(const aae_net *net)
{
    for (size_t i = 0; i < net->nlayers; i++)
        if (net->layers[i].kind == AAEI_BATCHNORM) return 1;
    return 0;
}

static aae_status check_batchnorm_rows(const aae_net *net, size_t rows, int training,
                                       const aaei_reduce *reduce)
{
    /* Synchronized batch norm takes its statistics over the global batch
     * (at least one row per process, so two or more): one local row is fine,
     * and refusing it here would fail one process of a collective alone. */
    if (!training || rows > 1 || reduce) return AAE_OK;
    for (size_t i = 0; i < net->nlayers; i++)
        if (net->layers[i].kind == AAEI_BATCHNORM)
            return aaei_fail(AAE_ERR_INVALID_ARGUMENT,
                             "batch norm (layer %zu) needs more than 1 row per batch in training mode",
                             i);
    return AAE_OK;
}

/* A failed sum of a data-parallel step (its message is already set). */
static aae_status reduce_status(const aaei_reduce *reduce)
{
    return reduce ? reduce->status : AAE_OK;
}

aae_status aaei_net_forward(aae_net *net, const float *x, size_t rows,
                            int training, uint64_t step, const aaei_row_keys *keys,
                            aaei_reduce *reduce, const float **y)
{
    if (!training) reduce = NULL;
    AAEI_TRY(check_batchnorm_rows(net, rows, training, reduce));
    AAEI_TRY(aaei_net_reserve(net, rows));
    aaei_pass pass = {.rows = rows, .training = training, .seed = net->seed, .step = step,
                      .keys = {0, rows, rows}, .layer_index = 0, .reduce = reduce};
    if (keys) pass.keys = *keys;
    /* A transactional step keeps the statistics its first forward updates. */
    if (training && net->state_saved && !net->state_is_saved) {
        memcpy(net->state_saved, net->state, net->nstate * sizeof *net->state);
        net->state_is_saved = 1;
    }
    const float *in = x;
    for (size_t i = 0; i < net->nlayers; i++) {
        const aaei_layer *L = &net->layers[i];
        pass.layer_index = i;
        aaei_layer_forward(L, at(net->params, L->param_off), at(net->state, L->state_off),
                           in, net->outs[i], net->auxs[i], &pass);
        in = net->outs[i];
    }
    AAEI_TRY(reduce_status(reduce));
    net->x = x;
    net->rows = rows;
    net->trained = training;
    *y = in;
    return AAE_OK;
}

aae_status aaei_net_backward(aae_net *net, const float *dy, aaei_reduce *reduce, const float **dx)
{
    if (!net->trained)
        return aaei_fail(AAE_ERR_STATE, "backward needs a training-mode forward first");
    const float *g = dy;
    float *bufs[2] = {net->grad_a, net->grad_b};
    int which = 0;
    for (size_t i = net->nlayers; i-- > 0;) {
        const aaei_layer *L = &net->layers[i];
        const float *x = i ? net->outs[i - 1] : net->x;
        float *out = (i > 0 || dx) ? bufs[which] : NULL;
        aaei_layer_backward(L, at(net->params, L->param_off), at(net->grads, L->param_off),
                            x, net->outs[i], net->auxs[i], g, out, net->rows, reduce);
        g = out;
        which ^= 1;
    }
    AAEI_TRY(reduce_status(reduce));
    if (dx) *dx = g;
    return AAE_OK;
}

size_t aaei_net_infer_scratch(const aae_net *net, size_t rows)
{
    size_t t;
    if (!aaei_mul_size(rows, net->max_width, &t) || !aaei_mul_size(t, 2, &t)) return 0;
    return t;
}

void aaei_net_infer(const aae_net *net, const float *x, size_t rows, float *y,
                    float *scratch)
{
    aaei_pass pass = {.rows = rows, .training = 0, .seed = net->seed, .keys = {0, rows, rows}};
    float *bufs[2] = {scratch, scratch + rows * net->max_width};
    const float *in = x;
    if (net->nlayers == 0) {
        memmove(y, x, rows * net->in_width * sizeof *y);
        return;
    }
    for (size_t i = 0; i < net->nlayers; i++) {
        const aaei_layer *L = &net->layers[i];
        float *out = i + 1 == net->nlayers ? y : bufs[i & 1];
        pass.layer_index = i;
        /* Inference mode never writes the state it is handed. */
        aaei_layer_forward(L, at(net->params, L->param_off),
                           at(net->state, L->state_off), in, out, NULL, &pass);
        in = out;
    }
}

void aaei_net_zero_grad(aae_net *net)
{
    if (net->nparams) memset(net->grads, 0, net->nparams * sizeof *net->grads);
}

void aaei_net_init_normal(aae_net *net, float std)
{
    for (size_t i = 0; i < net->nlayers; i++) {
        const aaei_layer *L = &net->layers[i];
        if (L->kind == AAEI_DENSE) aaei_dense_init_normal(L, net->params + L->param_off, net->seed, i, std);
    }
}
