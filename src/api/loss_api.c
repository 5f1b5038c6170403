/* Public loss functions: argument checks, then the nn/loss kernels. */
#include "core/alloc.h"
#include "core/error.h"
#include "nn/loss.h"

static aae_status check_shape(size_t rows, size_t width, size_t *n, const char *fn)
{
    AAEI_REQUIRE(rows >= 1 && width >= 1, "%s: rows and width must be >= 1", fn);
    if (!aaei_mul_size(rows, width, n))
        return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "%s: %zu x %zu overflows", fn, rows, width);
    return AAE_OK;
}

AAE_API aae_status aae_loss(aae_loss_kind kind, const float *p, const float *t,
                            size_t rows, size_t width, float *loss, float *grad)
{
    size_t n;
    AAEI_REQUIRE(p && t && loss, "aae_loss: p, t or loss is NULL");
    AAEI_TRY(check_shape(rows, width, &n, "aae_loss"));
    switch (kind) {
    case AAE_LOSS_MSE: *loss = aaei_loss_mse(p, t, n, grad); return AAE_OK;
    case AAE_LOSS_L1: *loss = aaei_loss_l1(p, t, n, grad); return AAE_OK;
    case AAE_LOSS_BCE:
        for (size_t i = 0; i < n; i++)
            AAEI_REQUIRE(p[i] >= 0.0f && p[i] <= 1.0f,
                         "aae_loss: BCE input %zu is %g, outside [0, 1]", i, (double)p[i]);
        *loss = aaei_loss_bce(p, t, n, grad);
        return AAE_OK;
    case AAE_LOSS_BCE_WITH_LOGITS: *loss = aaei_loss_bce_logits(p, t, n, grad); return AAE_OK;
    }
    return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "aae_loss: unknown loss kind %d", (int)kind);
}

AAE_API aae_status aae_loss_cross_entropy(const float *logits, const int32_t *labels,
                                          size_t rows, size_t classes, float *loss,
                                          float *grad)
{
    size_t n;
    AAEI_REQUIRE(logits && labels && loss, "aae_loss_cross_entropy: logits, labels or loss is NULL");
    AAEI_TRY(check_shape(rows, classes, &n, "aae_loss_cross_entropy"));
    for (size_t r = 0; r < rows; r++)
        AAEI_REQUIRE(labels[r] < 0 || (size_t)labels[r] < classes,
                     "aae_loss_cross_entropy: label of row %zu is %d, not below %zu classes",
                     r, (int)labels[r], classes);
    *loss = aaei_loss_cross_entropy(logits, labels, rows, classes, grad);
    return AAE_OK;
}

AAE_API aae_status aae_loss_kl_gaussian(const float *mu, const float *logvar, size_t rows,
                                        size_t width, float *loss, float *dmu, float *dlogvar)
{
    size_t n;
    AAEI_REQUIRE(mu && logvar && loss, "aae_loss_kl_gaussian: mu, logvar or loss is NULL");
    AAEI_TRY(check_shape(rows, width, &n, "aae_loss_kl_gaussian"));
    *loss = aaei_loss_kl_gaussian(mu, logvar, rows, width, dmu, dlogvar);
    return AAE_OK;
}
