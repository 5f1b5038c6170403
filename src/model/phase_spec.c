/* A training phase's own optimizer and milestone schedule (options). */
#include <math.h>

#include "core/error.h"
#include "model/options.h"

const char *aaei_phase_name(int phase)
{
    const char *name = aae_enum_name("aae_phase", phase);
    return name ? name : "unknown phase";
}

aae_status aaei_phase_check(const aaei_phase_spec *s, int phase)
{
    const char *name = aaei_phase_name(phase);
    if (s->own_optim) AAEI_TRY(aaei_context(aaei_optim_validate(&s->optim), name));
    AAEI_REQUIRE(s->nmilestones <= AAE_MAX_MILESTONES, "%s: %zu milestones, at most %d", name,
                 s->nmilestones, AAE_MAX_MILESTONES);
    AAEI_REQUIRE(s->gamma > 0.0 && s->gamma <= 1000.0, "%s: milestone gamma %g must be in (0, 1000]", name,
                 s->gamma);
    for (size_t i = 0; i < s->nmilestones; i++)
        AAEI_REQUIRE(s->milestones[i] >= 1 && s->milestones[i] <= AAEI_MAX_MILESTONE &&
                         (i == 0 || s->milestones[i] > s->milestones[i - 1]),
                     "%s: milestone %zu (%llu) must be in [1, 1e12] and above the one before", name, i,
                     (unsigned long long)s->milestones[i]);
    return AAE_OK;
}

double aaei_phase_milestone_factor(const aaei_phase_spec *s, uint64_t epoch)
{
    int passed = 0;
    for (size_t i = 0; i < s->nmilestones; i++) passed += s->milestones[i] <= epoch;
    return pow(s->gamma, passed);
}
