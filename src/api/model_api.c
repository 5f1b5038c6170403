/* Public model functions: argument checks, scratch handling, the busy flag. */
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/model.h"

AAE_API void aae_model_free(aae_model *model)
{
    /* Taking the busy flag for good: nothing may train the model now. */
    if (model && atomic_flag_test_and_set(&model->busy)) {
        aaei_fail(AAE_ERR_BUSY, "aae_model_free: the model is being trained; it was not freed "
                                "(free it after the training call returns)");
        return;
    }
    aaei_model_destroy(model);
}

AAE_API aae_status aae_model_get(const aae_model *model, aae_option option, double *value)
{
    double lo, hi;
    int integer;
    AAEI_REQUIRE(model != NULL && value != NULL, "aae_model_get: model or value is NULL");
    if (!aaei_option_range(option, &lo, &hi, &integer))
        return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "aae_model_get: unknown option %d",
                         (int)option);
    *value = model->opt.v[option];
    return AAE_OK;
}

AAE_API aae_status aae_model_train_step(aae_model *model, const float *x, const int32_t *labels,
                                        size_t rows, const float *xl, const int32_t *yl,
                                        size_t rows_l, uint64_t step, float *losses)
{
    static const char fn[] = "aae_model_train_step";
    AAEI_REQUIRE(model != NULL, "%s: model is NULL", fn);
    if (atomic_flag_test_and_set(&model->busy))
        return aaei_fail(AAE_ERR_BUSY, "%s: the model is being trained (by another thread or trainer, or "
                                       "this call came from a callback of its training)", fn);
    aae_status st = aaei_model_checked_step(model, x, labels, rows, xl, yl, rows_l, step, losses, fn);
    atomic_flag_clear(&model->busy);
    return st;
}

AAE_API size_t aae_model_scratch(const aae_model *model, size_t rows)
{
    return model && rows ? aaei_model_scratch(model, rows) : 0;
}

/* Uses the caller's scratch or allocates one for this call. */
static aae_status get_scratch(const aae_model *m, size_t rows, float *scratch, size_t count,
                              float **out, const char *fn)
{
    size_t need = aaei_model_scratch(m, rows);
    AAEI_REQUIRE(need != 0, "%s: scratch for %zu rows overflows", fn, rows);
    if (scratch) {
        AAEI_REQUIRE(count >= need, "%s: scratch holds %zu floats, %zu needed", fn, count, need);
        *out = scratch;
        return AAE_OK;
    }
    *out = aaei_malloc(need, sizeof **out, "inference scratch");
    return *out ? AAE_OK : AAE_ERR_NOMEM;
}

static void put_scratch(float *mine, float *callers)
{
    if (mine != callers) aaei_free(mine);
}

AAE_API aae_status aae_model_encode(const aae_model *model, const float *x, size_t rows,
                                    float *z, float *y, float *scratch, size_t scratch_count)
{
    static const char fn[] = "aae_model_encode";
    float *s = NULL;
    AAEI_REQUIRE(model && x && z, "%s: model, x or z is NULL", fn);
    AAEI_REQUIRE(!y || model->yhead != AAE_Y_NONE, "%s: y requested but the model has no y head", fn);
    AAEI_TRY(aaei_model_check_rows(rows, model->in_width, fn));
    AAEI_TRY(aaei_model_check_finite(x, rows, model->in_width, fn));
    AAEI_TRY(get_scratch(model, rows, scratch, scratch_count, &s, fn));
    aaei_model_encode(model, x, rows, z, y, s);
    put_scratch(s, scratch);
    return AAE_OK;
}

AAE_API aae_status aae_model_decode(const aae_model *model, const float *z, const float *c,
                                    size_t rows, float *x, float *scratch, size_t scratch_count)
{
    static const char fn[] = "aae_model_decode";
    float *s = NULL;
    AAEI_REQUIRE(model && z && x, "%s: model, z or x is NULL", fn);
    AAEI_REQUIRE((c != NULL) == (model->c_width != 0),
                 model->c_width ? "%s: the decoder reads [z, c]; c is NULL"
                           : "%s: the decoder reads z only; c must be NULL",
                 fn);
    AAEI_TRY(aaei_model_check_rows(rows, model->in_width, fn));
    AAEI_TRY(aaei_model_check_finite(z, rows, model->z_width, fn));
    if (c) AAEI_TRY(aaei_model_check_finite(c, rows, model->c_width, fn));
    AAEI_TRY(get_scratch(model, rows, scratch, scratch_count, &s, fn));
    aaei_model_decode(model, z, c, rows, x, s);
    put_scratch(s, scratch);
    return AAE_OK;
}

AAE_API aae_status aae_model_reconstruct(const aae_model *model, const float *x,
                                         const int32_t *labels, size_t rows, float *out,
                                         float *scratch, size_t scratch_count)
{
    static const char fn[] = "aae_model_reconstruct";
    float *s = NULL;
    AAEI_REQUIRE(model && x && out, "%s: model, x or out is NULL", fn);
    AAEI_TRY(aaei_model_check_rows(rows, model->in_width, fn));
    AAEI_TRY(aaei_model_check_finite(x, rows, model->in_width, fn));
    int by_label = model->dec_input == AAE_DECODE_Z_LABEL;
    AAEI_REQUIRE(!by_label || labels, "%s: the decoder reads labels; labels is NULL", fn);
    if (by_label) AAEI_TRY(aaei_model_check_labels(model, labels, rows, 0, 1, fn));
    AAEI_TRY(get_scratch(model, rows, scratch, scratch_count, &s, fn));
    aaei_model_reconstruct(model, x, labels, rows, out, s);
    put_scratch(s, scratch);
    return AAE_OK;
}

AAE_API aae_status aae_model_sample_prior(const aae_model *model, size_t n, uint64_t seed,
                                          const int32_t *labels, float *z)
{
    static const char fn[] = "aae_model_sample_prior";
    AAEI_REQUIRE(model && z, "%s: model or z is NULL", fn);
    AAEI_TRY(aaei_model_check_rows(n, model->z_width, fn));
    if (labels) AAEI_TRY(aaei_model_check_labels(model, labels, n, 1, 0, fn));
    aaei_model_sample_prior(model, n, seed, labels, z);
    return AAE_OK;
}

AAE_API aae_status aae_model_generate(const aae_model *model, size_t n, uint64_t seed,
                                      const int32_t *labels, float *x, float *scratch,
                                      size_t scratch_count)
{
    static const char fn[] = "aae_model_generate";
    float *s = NULL;
    AAEI_REQUIRE(model && x, "%s: model or x is NULL", fn);
    AAEI_TRY(aaei_model_check_rows(n, model->in_width, fn));
    if (labels) AAEI_TRY(aaei_model_check_labels(model, labels, n, model->c_width == 0, model->c_width > 0, fn));
    AAEI_TRY(get_scratch(model, n, scratch, scratch_count, &s, fn));
    aaei_model_generate(model, n, seed, labels, x, s);
    put_scratch(s, scratch);
    return AAE_OK;
}

/* What classify and class_log_probs need of the model and x. */
static aae_status check_class_input(const aae_model *m, const float *x, size_t rows, const char *fn)
{
    AAEI_REQUIRE(m->yhead != AAE_Y_NONE, "%s: the model has no y head", fn);
    AAEI_TRY(aaei_model_check_rows(rows, m->in_width, fn));
    return aaei_model_check_finite(x, rows, m->in_width, fn);
}

AAE_API aae_status aae_model_classify(const aae_model *model, const float *x, size_t rows,
                                      int32_t *classes, float *probs, float *scratch,
                                      size_t scratch_count)
{
    static const char fn[] = "aae_model_classify";
    float *s = NULL;
    AAEI_REQUIRE(model && x && classes, "%s: model, x or classes is NULL", fn);
    AAEI_TRY(check_class_input(model, x, rows, fn));
    AAEI_TRY(get_scratch(model, rows, scratch, scratch_count, &s, fn));
    /* Probabilities go to the caller's buffer or to the scratch's tail. */
    float *p = probs;
    float *tmp = NULL;
    if (!p) {
        tmp = aaei_malloc(rows * model->classes, sizeof *tmp, "class probabilities");
        if (!tmp) {
            put_scratch(s, scratch);
            return AAE_ERR_NOMEM;
        }
        p = tmp;
    }
    aaei_model_class_probs(model, x, rows, p, s, 0);
    aaei_argmax_rows(p, rows, model->classes, classes);
    aaei_free(tmp);
    put_scratch(s, scratch);
    return AAE_OK;
}

AAE_API aae_status aae_model_class_log_probs(const aae_model *model, const float *x, size_t rows,
                                             float *log_probs, float *scratch, size_t scratch_count)
{
    static const char fn[] = "aae_model_class_log_probs";
    float *s = NULL;
    AAEI_REQUIRE(model && x && log_probs, "%s: model, x or log_probs is NULL", fn);
    AAEI_TRY(check_class_input(model, x, rows, fn));
    AAEI_TRY(get_scratch(model, rows, scratch, scratch_count, &s, fn));
    aaei_model_class_probs(model, x, rows, log_probs, s, 1);
    put_scratch(s, scratch);
    return AAE_OK;
}

AAE_API aae_status aae_model_steps(const aae_model *model, uint64_t *steps)
{
    AAEI_REQUIRE(model != NULL && steps != NULL, "aae_model_steps: model or steps is NULL");
    *steps = model->steps;
    return AAE_OK;
}
