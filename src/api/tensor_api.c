/* Public tensor access: named views of a model's parameters. */
#include <string.h>

#include "core/error.h"
#include "model/model.h"
#include "nn/txn.h"

static aae_status check_index(const aae_model *m, size_t index, const char *fn)
{
    AAEI_REQUIRE(m != NULL, "%s: model is NULL", fn);
    AAEI_REQUIRE(index < m->ntensors, "%s: index %zu, the model has %zu tensors", fn, index,
                 m->ntensors);
    return AAE_OK;
}

AAE_API aae_status aae_model_tensor_count(const aae_model *model, size_t *count)
{
    AAEI_REQUIRE(model && count, "aae_model_tensor_count: model or count is NULL");
    *count = model->ntensors;
    return AAE_OK;
}

AAE_API aae_status aae_model_tensor_info(const aae_model *model, size_t index, const char **name,
                                         size_t *rows, size_t *cols)
{
    AAEI_TRY(check_index(model, index, "aae_model_tensor_info"));
    const aaei_tensor *t = &model->tensors[index];
    if (name) *name = t->name;
    if (rows) *rows = t->rows;
    if (cols) *cols = t->cols;
    return AAE_OK;
}

static aae_status check_copy(const aae_model *m, size_t index, const void *buf, size_t count,
                             const char *fn)
{
    AAEI_TRY(check_index(m, index, fn));
    const aaei_tensor *t = &m->tensors[index];
    AAEI_REQUIRE(buf != NULL, "%s: buffer is NULL", fn);
    AAEI_REQUIRE(count == t->rows * t->cols, "%s: count %zu, tensor %s holds %zu x %zu", fn, count,
                 t->name, t->rows, t->cols);
    return AAE_OK;
}

AAE_API aae_status aae_model_tensor_get(const aae_model *model, size_t index, float *dst,
                                        size_t count)
{
    AAEI_TRY(check_copy(model, index, dst, count, "aae_model_tensor_get"));
    memcpy(dst, aaei_tensor_data(&model->tensors[index]), count * sizeof *dst);
    return AAE_OK;
}

AAE_API aae_status aae_model_tensor_set(aae_model *model, size_t index, const float *src,
                                        size_t count)
{
    AAEI_TRY(check_copy(model, index, src, count, "aae_model_tensor_set"));
    AAEI_TRY(aaei_tensor_check_values(&model->tensors[index], src, AAE_ERR_INVALID_ARGUMENT,
                                      "aae_model_tensor_set"));
    memcpy(aaei_tensor_data(&model->tensors[index]), src, count * sizeof *src);
    aaei_net_txn_forget(model->tensors[index].net);
    return AAE_OK;
}
