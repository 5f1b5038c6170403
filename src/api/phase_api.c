/* Public builder calls for a phase's own optimizer and milestone schedule. */
#include <string.h>

#include "api/builder.h"
#include "core/alloc.h"
#include "core/error.h"
#include "model/model.h"


#define REQUIRE_PHASE(phase, fn)                                                     \
    AAEI_REQUIRE((int)(phase) >= 0 && (int)(phase) < AAEI_PHASES,                    \
                 fn ": phase %d is not an aae_phase", (int)(phase))

AAE_API aae_status aae_builder_set_phase_optimizer(aae_builder *builder, aae_phase phase,
                                                   aae_optimizer_kind kind)
{
    AAEI_REQUIRE(builder != NULL, "aae_builder_set_phase_optimizer: builder is NULL");
    REQUIRE_PHASE(phase, "aae_builder_set_phase_optimizer");
    AAEI_REQUIRE(kind == AAE_OPTIMIZER_PART || kind == AAE_OPTIMIZER_SGD || kind == AAE_OPTIMIZER_ADAM,
                 "aae_builder_set_phase_optimizer: unknown optimizer kind %d", (int)kind);
    aaei_phase_spec *s = &builder->opt.phases[phase];
    s->own_optim = kind != AAE_OPTIMIZER_PART;
    memset(&s->optim, 0, sizeof s->optim);
    if (s->own_optim) s->optim = aaei_optim_defaults(kind);
    return AAE_OK;
}

static aae_status own_optimizer(const aae_builder *builder, aae_phase phase, const char *fn)
{
    AAEI_REQUIRE(builder != NULL, "%s: builder is NULL", fn);
    AAEI_REQUIRE((int)phase >= 0 && (int)phase < AAEI_PHASES, "%s: phase %d is not an aae_phase", fn,
                 (int)phase);
    AAEI_REQUIRE(builder->opt.phases[phase].own_optim,
                 "%s: %s has no optimizer of its own (set one with aae_builder_set_phase_optimizer)", fn,
                 aaei_phase_name((int)phase));
    return AAE_OK;
}

AAE_API aae_status aae_builder_set_phase_optimizer_param(aae_builder *builder, aae_phase phase,
                                                         aae_optimizer_param param, double value)
{
    const char *fn = "aae_builder_set_phase_optimizer_param";
    AAEI_TRY(own_optimizer(builder, phase, fn));
    return aaei_context(aaei_optim_config_set(&builder->opt.phases[phase].optim, param, value), fn);
}

AAE_API aae_status aae_builder_get_phase_optimizer(const aae_builder *builder, aae_phase phase,
                                                   aae_optimizer_kind *kind)
{
    AAEI_REQUIRE(builder != NULL && kind != NULL, "aae_builder_get_phase_optimizer: builder or kind is NULL");
    REQUIRE_PHASE(phase, "aae_builder_get_phase_optimizer");
    const aaei_phase_spec *s = &builder->opt.phases[phase];
    *kind = s->own_optim ? s->optim.kind : AAE_OPTIMIZER_PART;
    return AAE_OK;
}

AAE_API aae_status aae_builder_get_phase_optimizer_param(const aae_builder *builder, aae_phase phase,
                                                         aae_optimizer_param param, double *value)
{
    const char *fn = "aae_builder_get_phase_optimizer_param";
    AAEI_REQUIRE(value != NULL, "%s: value is NULL", fn);
    AAEI_TRY(own_optimizer(builder, phase, fn));
    return aaei_context(aaei_optim_config_get(&builder->opt.phases[phase].optim, param, value), fn);
}

AAE_API aae_status aae_builder_set_phase_milestones(aae_builder *builder, aae_phase phase,
                                                    const uint64_t *epochs, size_t count, double gamma)
{
    const char *fn = "aae_builder_set_phase_milestones";
    AAEI_REQUIRE(builder != NULL, "%s: builder is NULL", fn);
    REQUIRE_PHASE(phase, "aae_builder_set_phase_milestones");
    AAEI_REQUIRE(count == 0 || epochs != NULL, "%s: epochs is NULL with count %zu", fn, count);
    AAEI_REQUIRE(count <= AAE_MAX_MILESTONES, "%s: %zu milestones, at most %d", fn, count,
                 AAE_MAX_MILESTONES);
    aaei_phase_spec s = builder->opt.phases[phase];
    s.nmilestones = count;
    s.gamma = gamma;
    memset(s.milestones, 0, sizeof s.milestones);
    if (count) memcpy(s.milestones, epochs, count * sizeof *epochs);
    AAEI_TRY(aaei_context(aaei_phase_check(&s, (int)phase), fn));
    builder->opt.phases[phase] = s;
    return AAE_OK;
}

AAE_API aae_status aae_builder_get_phase_milestones(const aae_builder *builder, aae_phase phase,
                                                    uint64_t *epochs, size_t capacity, size_t *count,
                                                    double *gamma)
{
    const char *fn = "aae_builder_get_phase_milestones";
    AAEI_REQUIRE(builder != NULL && count != NULL, "%s: builder or count is NULL", fn);
    REQUIRE_PHASE(phase, "aae_builder_get_phase_milestones");
    AAEI_REQUIRE(capacity == 0 || epochs != NULL, "%s: epochs is NULL with capacity %zu", fn, capacity);
    const aaei_phase_spec *s = &builder->opt.phases[phase];
    size_t n = s->nmilestones < capacity ? s->nmilestones : capacity;
    if (n) memcpy(epochs, s->milestones, n * sizeof *epochs);
    *count = s->nmilestones;
    if (gamma) *gamma = s->gamma;
    return AAE_OK;
}

AAE_API aae_status aae_builder_from_model(aae_builder **builder, const aae_model *model)
{
    AAEI_REQUIRE(builder != NULL && model != NULL, "aae_builder_from_model: builder or model is NULL");
    aae_builder *b = aaei_malloc(1, sizeof *b, "builder");
    if (!b) return AAE_ERR_NOMEM;
    b->opt = model->opt;
    *builder = b;
    return AAE_OK;
}
