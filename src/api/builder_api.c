/* Public builder functions: option storage and checks; the graph is built
 * by src/model. */
#include <math.h>
#include <string.h>

#include "api/builder.h"
#include "core/alloc.h"
#include "core/error.h"
#include "model/model.h"


#define REQUIRE_PART(part, fn)                                                      \
    AAEI_REQUIRE((int)(part) >= 0 && (int)(part) < AAEI_PARTS,                      \
                 fn ": part %d is not an aae_part", (int)(part))

AAE_API aae_status aae_builder_create(aae_builder **builder, aae_preset preset)
{
    AAEI_REQUIRE(builder != NULL, "aae_builder_create: builder (output pointer) is NULL");
    aae_builder *b = aaei_malloc(1, sizeof *b, "builder");
    if (!b) return AAE_ERR_NOMEM;
    aae_status st = aaei_options_preset(&b->opt, preset);
    if (st != AAE_OK) {
        aaei_free(b);
        return st;
    }
    *builder = b;
    return AAE_OK;
}

AAE_API void aae_builder_free(aae_builder *builder) { aaei_free(builder); }

AAE_API aae_status aae_option_bounds(aae_option option, double *lo, double *hi)
{
    int integer;
    AAEI_REQUIRE(lo != NULL && hi != NULL, "aae_option_bounds: lo or hi is NULL");
    if (!aaei_option_range(option, lo, hi, &integer))
        return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "aae_option_bounds: unknown option %d",
                         (int)option);
    return AAE_OK;
}

AAE_API aae_status aae_builder_set(aae_builder *builder, aae_option option, double value)
{
    AAEI_REQUIRE(builder != NULL, "aae_builder_set: builder is NULL");
    AAEI_TRY(aaei_context(aaei_option_check(option, value), "aae_builder_set"));
    builder->opt.v[option] = value;
    return AAE_OK;
}

AAE_API aae_status aae_builder_get(const aae_builder *builder, aae_option option,
                                   double *value)
{
    AAEI_REQUIRE(builder != NULL && value != NULL, "aae_builder_get: builder or value is NULL");
    double lo, hi;
    int integer;
    if (!aaei_option_range(option, &lo, &hi, &integer))
        return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "aae_builder_get: unknown option %d",
                         (int)option);
    *value = builder->opt.v[option];
    return AAE_OK;
}

AAE_API aae_status aae_builder_clear_layers(aae_builder *builder, aae_part part)
{
    AAEI_REQUIRE(builder != NULL, "aae_builder_clear_layers: builder is NULL");
    REQUIRE_PART(part, "aae_builder_clear_layers");
    builder->opt.parts[part].nlayers = 0;
    return AAE_OK;
}

AAE_API aae_status aae_builder_add_layer(aae_builder *builder, aae_part part, size_t width,
                                         aae_activation act, float slope, int batchnorm,
                                         float dropout)
{
    AAEI_REQUIRE(builder != NULL, "aae_builder_add_layer: builder is NULL");
    REQUIRE_PART(part, "aae_builder_add_layer");
    AAEI_REQUIRE(width >= 1 && width <= (1u << 24),
                 "aae_builder_add_layer: width %zu must be in [1, %u]", width, 1u << 24);
    AAEI_REQUIRE((int)act >= AAE_ACT_NONE && (int)act <= AAE_ACT_SOFTMAX,
                 "aae_builder_add_layer: unknown activation %d", (int)act);
    AAEI_REQUIRE(isfinite(slope) && slope >= 0.0f,
                 "aae_builder_add_layer: slope %g must be finite and >= 0", (double)slope);
    AAEI_REQUIRE(dropout >= 0.0f && dropout < 1.0f,
                 "aae_builder_add_layer: dropout %g must be in [0, 1)", (double)dropout);
    aaei_part_spec *p = &builder->opt.parts[part];
    AAEI_REQUIRE(p->nlayers < AAEI_MAX_HIDDEN,
                 "aae_builder_add_layer: part %d already has the maximum of %d hidden layers",
                 (int)part, AAEI_MAX_HIDDEN);
    aaei_layer_spec *l = &p->layers[p->nlayers++];
    l->width = width;
    l->act = act;
    l->slope = act == AAE_ACT_LEAKY_RELU ? slope : 0.0f;
    l->batchnorm = batchnorm != 0;
    l->dropout = dropout;
    return AAE_OK;
}

AAE_API aae_status aae_builder_layer_count(const aae_builder *builder, aae_part part,
                                           size_t *count)
{
    AAEI_REQUIRE(builder != NULL && count != NULL,
                 "aae_builder_layer_count: builder or count is NULL");
    REQUIRE_PART(part, "aae_builder_layer_count");
    *count = builder->opt.parts[part].nlayers;
    return AAE_OK;
}

AAE_API aae_status aae_builder_get_layer(const aae_builder *builder, aae_part part, size_t index,
                                         size_t *width, aae_activation *act, float *slope,
                                         int *batchnorm, float *dropout)
{
    AAEI_REQUIRE(builder != NULL, "aae_builder_get_layer: builder is NULL");
    REQUIRE_PART(part, "aae_builder_get_layer");
    const aaei_part_spec *p = &builder->opt.parts[part];
    AAEI_REQUIRE(index < p->nlayers, "aae_builder_get_layer: index %zu, part %d has %zu layers",
                 index, (int)part, p->nlayers);
    const aaei_layer_spec *l = &p->layers[index];
    if (width) *width = l->width;
    if (act) *act = l->act;
    if (slope) *slope = l->slope;
    if (batchnorm) *batchnorm = l->batchnorm;
    if (dropout) *dropout = l->dropout;
    return AAE_OK;
}

AAE_API aae_status aae_builder_get_optimizer(const aae_builder *builder, aae_part part,
                                             aae_optimizer_kind *kind)
{
    AAEI_REQUIRE(builder != NULL && kind != NULL, "aae_builder_get_optimizer: builder or kind is NULL");
    REQUIRE_PART(part, "aae_builder_get_optimizer");
    *kind = builder->opt.parts[part].optim.kind;
    return AAE_OK;
}

AAE_API aae_status aae_builder_get_optimizer_param(const aae_builder *builder, aae_part part,
                                                   aae_optimizer_param param, double *value)
{
    AAEI_REQUIRE(builder != NULL && value != NULL,
                 "aae_builder_get_optimizer_param: builder or value is NULL");
    REQUIRE_PART(part, "aae_builder_get_optimizer_param");
    return aaei_context(aaei_optim_config_get(&builder->opt.parts[part].optim, param, value),
                        "aae_builder_get_optimizer_param");
}

AAE_API aae_status aae_builder_set_optimizer(aae_builder *builder, aae_part part,
                                             aae_optimizer_kind kind)
{
    AAEI_REQUIRE(builder != NULL, "aae_builder_set_optimizer: builder is NULL");
    REQUIRE_PART(part, "aae_builder_set_optimizer");
    AAEI_REQUIRE(kind == AAE_OPTIMIZER_SGD || kind == AAE_OPTIMIZER_ADAM,
                 "aae_builder_set_optimizer: unknown optimizer kind %d", (int)kind);
    /* Keep the learning rate and weight decay the user may have set. */
    aaei_optim_config *c = &builder->opt.parts[part].optim;
    double lr = c->lr, wd = c->weight_decay;
    *c = aaei_optim_defaults(kind);
    c->lr = lr;
    c->weight_decay = wd;
    return AAE_OK;
}

AAE_API aae_status aae_builder_set_optimizer_param(aae_builder *builder, aae_part part,
                                                   aae_optimizer_param param, double value)
{
    AAEI_REQUIRE(builder != NULL, "aae_builder_set_optimizer_param: builder is NULL");
    REQUIRE_PART(part, "aae_builder_set_optimizer_param");
    return aaei_context(aaei_optim_config_set(&builder->opt.parts[part].optim, param, value),
                        "aae_builder_set_optimizer_param");
}

AAE_API aae_status aae_builder_build(const aae_builder *builder, aae_model **model)
{
    AAEI_REQUIRE(builder != NULL && model != NULL, "aae_builder_build: builder or model is NULL");
    return aaei_context(aaei_model_create(&builder->opt, model), "aae_builder_build");
}
