/* Public network functions: argument checks and status translation only. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "nn/net.h"

#define REQUIRE_NET(net, fn) AAEI_REQUIRE((net) != NULL, fn ": net is NULL")

AAE_API aae_status aae_net_create(aae_net **net, size_t in_width, uint64_t seed)
{
    AAEI_REQUIRE(net != NULL, "aae_net_create: net (output pointer) is NULL");
    aae_net *n = aaei_malloc(1, sizeof *n, "network");
    if (!n) return AAE_ERR_NOMEM;
    aae_status st = aaei_net_init(n, in_width, seed);
    if (st != AAE_OK) {
        aaei_free(n);
        return st;
    }
    *net = n;
    return AAE_OK;
}

AAE_API void aae_net_free(aae_net *net)
{
    if (!net) return;
    aaei_net_release(net);
    aaei_free(net);
}

AAE_API aae_status aae_net_add_dense(aae_net *net, size_t width)
{
    REQUIRE_NET(net, "aae_net_add_dense");
    AAEI_REQUIRE(width >= 1, "aae_net_add_dense: width must be >= 1");
    return aaei_net_add(net, AAEI_DENSE, width, 0.0f, 0.0f);
}

AAE_API aae_status aae_net_add_activation(aae_net *net, aae_activation act)
{
    REQUIRE_NET(net, "aae_net_add_activation");
    switch (act) {
    case AAE_ACT_RELU: return aaei_net_add(net, AAEI_RELU, 0, 0.0f, 0.0f);
    case AAE_ACT_LEAKY_RELU: return aaei_net_add(net, AAEI_LEAKY_RELU, 0, 0.01f, 0.0f);
    case AAE_ACT_SIGMOID: return aaei_net_add(net, AAEI_SIGMOID, 0, 0.0f, 0.0f);
    case AAE_ACT_TANH: return aaei_net_add(net, AAEI_TANH, 0, 0.0f, 0.0f);
    case AAE_ACT_SOFTMAX: return aaei_net_add(net, AAEI_SOFTMAX, 0, 0.0f, 0.0f);
    case AAE_ACT_NONE: break;
    }
    return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "aae_net_add_activation: unknown activation %d",
                     (int)act);
}

AAE_API aae_status aae_net_add_leaky_relu(aae_net *net, float slope)
{
    REQUIRE_NET(net, "aae_net_add_leaky_relu");
    AAEI_REQUIRE(isfinite(slope) && slope >= 0.0f,
                 "aae_net_add_leaky_relu: slope %g must be finite and >= 0", (double)slope);
    return aaei_net_add(net, AAEI_LEAKY_RELU, 0, slope, 0.0f);
}

AAE_API aae_status aae_net_add_batchnorm(aae_net *net, float momentum, float eps)
{
    REQUIRE_NET(net, "aae_net_add_batchnorm");
    AAEI_REQUIRE(momentum > 0.0f && momentum <= 1.0f,
                 "aae_net_add_batchnorm: momentum %g must be in (0, 1]", (double)momentum);
    AAEI_REQUIRE(eps > 0.0f && isfinite(eps),
                 "aae_net_add_batchnorm: eps %g must be finite and > 0", (double)eps);
    return aaei_net_add(net, AAEI_BATCHNORM, 0, momentum, eps);
}

AAE_API aae_status aae_net_add_dropout(aae_net *net, float p)
{
    REQUIRE_NET(net, "aae_net_add_dropout");
    AAEI_REQUIRE(p >= 0.0f && p < 1.0f, "aae_net_add_dropout: p %g must be in [0, 1)",
                 (double)p);
    return aaei_net_add(net, AAEI_DROPOUT, 0, p, 0.0f);
}

AAE_API aae_status aae_net_add_gaussian_noise(aae_net *net, float std)
{
    REQUIRE_NET(net, "aae_net_add_gaussian_noise");
    AAEI_REQUIRE(std >= 0.0f && std <= 1e3f, "aae_net_add_gaussian_noise: std %g must be in [0, 1000]",
                 (double)std);
    return aaei_net_add(net, AAEI_GAUSSIAN_NOISE, 0, std, 0.0f);
}

AAE_API aae_status aae_net_widths(const aae_net *net, size_t *in_width, size_t *out_width)
{
    REQUIRE_NET(net, "aae_net_widths");
    AAEI_REQUIRE(in_width || out_width, "aae_net_widths: both outputs are NULL");
    if (in_width) *in_width = net->in_width;
    if (out_width) *out_width = net->out_width;
    return AAE_OK;
}

AAE_API aae_status aae_net_param_count(const aae_net *net, size_t *count)
{
    REQUIRE_NET(net, "aae_net_param_count");
    AAEI_REQUIRE(count != NULL, "aae_net_param_count: count is NULL");
    *count = net->nparams;
    return AAE_OK;
}

static aae_status check_count(const aae_net *net, const void *buf, size_t count,
                              const char *fn)
{
    REQUIRE_NET(net, "aae_net parameter access");
    AAEI_REQUIRE(buf != NULL || count == 0, "%s: buffer is NULL", fn);
    AAEI_REQUIRE(count == net->nparams, "%s: count %zu != the network's %zu parameters",
                 fn, count, net->nparams);
    return AAE_OK;
}

AAE_API aae_status aae_net_get_params(const aae_net *net, float *dst, size_t count)
{
    AAEI_TRY(check_count(net, dst, count, "aae_net_get_params"));
    if (count) memcpy(dst, net->params, count * sizeof *dst);
    return AAE_OK;
}

AAE_API aae_status aae_net_set_params(aae_net *net, const float *src, size_t count)
{
    AAEI_TRY(check_count(net, src, count, "aae_net_set_params"));
    if (count) memcpy(net->params, src, count * sizeof *src);
    return AAE_OK;
}

AAE_API aae_status aae_net_get_grads(const aae_net *net, float *dst, size_t count)
{
    AAEI_TRY(check_count(net, dst, count, "aae_net_get_grads"));
    if (count) memcpy(dst, net->grads, count * sizeof *dst);
    return AAE_OK;
}

AAE_API aae_status aae_net_zero_grad(aae_net *net)
{
    REQUIRE_NET(net, "aae_net_zero_grad");
    aaei_net_zero_grad(net);
    return AAE_OK;
}

AAE_API aae_status aae_net_forward(aae_net *net, const float *x, size_t rows,
                                   aae_mode mode, uint64_t step, float *y)
{
    REQUIRE_NET(net, "aae_net_forward");
    AAEI_REQUIRE(x != NULL && y != NULL, "aae_net_forward: x or y is NULL");
    AAEI_REQUIRE(mode == AAE_MODE_TRAINING || mode == AAE_MODE_INFERENCE,
                 "aae_net_forward: unknown mode %d", (int)mode);
    AAEI_REQUIRE(rows >= 1, "aae_net_forward: rows must be >= 1");
    AAEI_TRY(aaei_net_reserve(net, rows));
    /* The caller's x is borrowed for this call only, but backward needs it. */
    memcpy(net->input, x, rows * net->in_width * sizeof *x);
    const float *out;
    AAEI_TRY(aaei_net_forward(net, net->input, rows, mode == AAE_MODE_TRAINING, step, NULL, NULL, &out));
    memcpy(y, out, rows * net->out_width * sizeof *y);
    return AAE_OK;
}

AAE_API aae_status aae_net_backward(aae_net *net, const float *dy, float *dx)
{
    REQUIRE_NET(net, "aae_net_backward");
    AAEI_REQUIRE(dy != NULL, "aae_net_backward: dy is NULL");
    const float *g;
    AAEI_TRY(aaei_net_backward(net, dy, NULL, dx ? &g : NULL));
    if (dx) memcpy(dx, g, net->rows * net->in_width * sizeof *dx);
    return AAE_OK;
}

AAE_API size_t aae_net_infer_scratch(const aae_net *net, size_t rows)
{
    return net && rows ? aaei_net_infer_scratch(net, rows) : 0;
}

AAE_API aae_status aae_net_infer(const aae_net *net, const float *x, size_t rows,
                                 float *y, float *scratch, size_t scratch_count)
{
    REQUIRE_NET(net, "aae_net_infer");
    AAEI_REQUIRE(x != NULL && y != NULL, "aae_net_infer: x or y is NULL");
    AAEI_REQUIRE(rows >= 1 && rows <= (size_t)INT32_MAX,
                 "aae_net_infer: rows %zu must be in [1, %d]", rows, INT32_MAX);
    size_t need = aaei_net_infer_scratch(net, rows);
    AAEI_REQUIRE(need != 0, "aae_net_infer: %zu rows overflow the scratch size", rows);
    AAEI_REQUIRE(scratch != NULL && scratch_count >= need,
                 "aae_net_infer: scratch holds %zu floats, %zu needed", scratch_count, need);
    aaei_net_infer(net, x, rows, y, scratch);
    return AAE_OK;
}
