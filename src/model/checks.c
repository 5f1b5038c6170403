/* The argument checks of the model's calls (public and internal): rows,
 * finite inputs, labels, and a training step's whole argument list. */
#include <math.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/model.h"

aae_status aaei_model_check_rows(size_t rows, size_t width, const char *fn)
{
    size_t n;
    AAEI_REQUIRE(rows >= 1 && rows <= (size_t)INT32_MAX / 2, "%s: rows %zu must be in [1, %d]",
                 fn, rows, INT32_MAX / 2);
    AAEI_REQUIRE(aaei_mul_size(rows, width, &n), "%s: %zu rows x %zu overflow", fn, rows, width);
    return AAE_OK;
}

aae_status aaei_model_check_finite(const float *x, size_t rows, size_t width, const char *fn)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < width; j++)
            if (!isfinite(x[r * width + j]))
                return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "%s: row %zu column %zu is %g", fn,
                                 r, j, (double)x[r * width + j]);
    return AAE_OK;
}

aae_status aaei_model_check_labels(const aae_model *m, const int32_t *labels, size_t rows,
                                   int allow_unlabelled, int classes, const char *fn)
{
    for (size_t r = 0; r < rows; r++) {
        int32_t l = labels[r];
        if (l >= 0 && (!classes || (size_t)l < m->classes)) continue;
        if (l == -1 && allow_unlabelled) continue;
        if (!classes)
            return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "%s: label of row %zu is %d, must be >= %s", fn, r,
                             (int)l, allow_unlabelled ? "-1" : "0");
        return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "%s: label of row %zu is %d, must be in [%s, %zu)",
                         fn, r, (int)l, allow_unlabelled ? "-1" : "0", m->classes);
    }
    return AAE_OK;
}

aae_status aaei_model_check_step(const aae_model *model, const float *x, const int32_t *labels,
                                 size_t rows, const float *xl, const int32_t *yl,
                                 size_t rows_l, const char *fn)
{
    AAEI_REQUIRE(model != NULL && x != NULL, "%s: model or x is NULL", fn);
    AAEI_TRY(aaei_model_check_rows(rows, model->in_width, fn));
    AAEI_TRY(aaei_model_check_finite(x, rows, model->in_width, fn));
    int needs_labels = model->dec_input == AAE_DECODE_Z_LABEL || model->zprior.label_guided;
    AAEI_REQUIRE(labels != NULL || !needs_labels,
                 "%s: this model reads labels (decoder input or label-guided prior); labels is NULL", fn);
    /* Labels index the classes only where the decoder or the joint
     * cross-entropy reads them; a label-guided prior takes any label. */
    int label_classes = model->dec_input == AAE_DECODE_Z_LABEL || model->supervised == AAE_SUPERVISE_JOINT;
    if (labels && (label_classes || model->zprior.label_guided))
        AAEI_TRY(aaei_model_check_labels(model, labels, rows, model->dec_input != AAE_DECODE_Z_LABEL, label_classes, fn));
    if (model->supervised == AAE_SUPERVISE_PHASE && rows_l > 0) {
        AAEI_REQUIRE(xl != NULL && yl != NULL, "%s: xl or yl is NULL with rows_l = %zu", fn, rows_l);
        AAEI_TRY(aaei_model_check_rows(rows_l, model->in_width, fn));
        AAEI_TRY(aaei_model_check_finite(xl, rows_l, model->in_width, fn));
        AAEI_TRY(aaei_model_check_labels(model, yl, rows_l, 1, 1, fn));
    }
    return AAE_OK;
}

aae_status aaei_model_checked_step(aae_model *model, const float *x, const int32_t *labels, size_t rows,
                                   const float *xl, const int32_t *yl, size_t rows_l, uint64_t step,
                                   float *losses, const char *fn)
{
    AAEI_TRY(aaei_model_check_step(model, x, labels, rows, xl, yl, rows_l, fn));
    return aaei_model_train_step(model, x, labels, rows, xl, yl,
                                 model->supervised == AAE_SUPERVISE_PHASE ? rows_l : 0, step, aaei_group_one(), NULL,
                                 losses);
}
