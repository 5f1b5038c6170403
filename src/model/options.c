#include "model/options.h"

#include <math.h>
#include <string.h>

#include "core/error.h"

/* Range and integrality by option; names come from aae_enum_name. */
static const struct {
    double lo, hi;
    int integer;
} table[AAEI_OPTION_LAST + 1] = {
    [AAE_OPTION_INPUT_WIDTH] = {1, 1 << 24, 1},
    [AAE_OPTION_OUTPUT] = {0, 2, 1},
    [AAE_OPTION_REC_LOSS] = {0, 2, 1},
    [AAE_OPTION_REC_SUM] = {0, 1, 1},
    [AAE_OPTION_Z_WIDTH] = {1, 1 << 16, 1},
    [AAE_OPTION_POSTERIOR] = {0, 1, 1},
    [AAE_OPTION_Y_HEAD] = {0, 2, 1},
    [AAE_OPTION_CLASSES] = {2, 1 << 16, 1},
    [AAE_OPTION_DECODER_INPUT] = {0, 2, 1},
    [AAE_OPTION_Z_REGULARIZER] = {0, 2, 1},
    [AAE_OPTION_Z_PRIOR] = {0, 3, 1},
    [AAE_OPTION_PRIOR_SIGMA] = {1e-6, 1e6, 0},
    [AAE_OPTION_PRIOR_COMPONENTS] = {1, 1 << 16, 1},
    [AAE_OPTION_PRIOR_RADIUS] = {0, 1e6, 0},
    [AAE_OPTION_PRIOR_SPREAD] = {1e-6, 1e6, 0},
    [AAE_OPTION_PRIOR_LABEL_GUIDED] = {0, 1, 1},
    [AAE_OPTION_Y_ADVERSARIAL] = {0, 1, 1},
    [AAE_OPTION_Y_SUPERVISED] = {0, 2, 1},
    [AAE_OPTION_DETACH_Y] = {0, 1, 1},
    [AAE_OPTION_W_REC] = {0, 1e6, 0},
    [AAE_OPTION_W_KL] = {0, 1e6, 0},
    [AAE_OPTION_W_ADV] = {0, 1e6, 0},
    [AAE_OPTION_W_CE] = {0, 1e6, 0},
    [AAE_OPTION_W_DISC] = {0, 1e6, 0},
    [AAE_OPTION_JOINT_GENERATOR] = {0, 1, 1},
    [AAE_OPTION_DISC_NOISE] = {0, 1e3, 0},
    [AAE_OPTION_BN_MOMENTUM] = {1e-6, 1, 0},
    [AAE_OPTION_BN_EPS] = {1e-12, 1, 0},
    [AAE_OPTION_SEED] = {0, 9007199254740992.0, 1},
    [AAE_OPTION_INPUT_NOISE] = {0, 1e3, 0},
    [AAE_OPTION_INPUT_DROPOUT] = {0, 0.99, 0},
    [AAE_OPTION_HEAD_BATCHNORM] = {0, 1, 1},
    [AAE_OPTION_INIT_STD] = {0, 10, 0},
    [AAE_OPTION_Z_DISC_SEES_Y] = {0, 1, 1},
};

int aaei_option_range(aae_option option, double *lo, double *hi, int *integer)
{
    if ((int)option < 1 || (int)option > AAEI_OPTION_LAST || !aae_enum_name("aae_option", (int)option))
        return 0;
    *lo = table[option].lo;
    *hi = table[option].hi;
    *integer = table[option].integer;
    return 1;
}

const char *aaei_option_name(aae_option option)
{
    const char *name = aae_enum_name("aae_option", (int)option);
    return name ? name : "unknown option";
}

aae_status aaei_option_check(aae_option option, double value)
{
    double lo, hi;
    int integer;
    if (!aaei_option_range(option, &lo, &hi, &integer))
        return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "unknown option %d", (int)option);
    AAEI_REQUIRE(value >= lo && value <= hi, "%s = %g is outside [%g, %g]",
                 aaei_option_name(option), value, lo, hi);
    AAEI_REQUIRE(!integer || value == floor(value), "%s = %g must be a whole number",
                 aaei_option_name(option), value);
    return AAE_OK;
}

#define CONFLICT(cond, ...) \
    do {                    \
        if (cond) return aaei_fail(AAE_ERR_INVALID_ARGUMENT, __VA_ARGS__); \
    } while (0)

aae_status aaei_options_validate(const aaei_options *o)
{
    const double *v = o->v;
    for (int k = 1; k <= AAEI_OPTION_LAST; k++) AAEI_TRY(aaei_option_check((aae_option)k, v[k]));
    int yhead = aaei_opt_int(o, AAE_OPTION_Y_HEAD);
    int zreg = aaei_opt_int(o, AAE_OPTION_Z_REGULARIZER);
    int prior = aaei_opt_int(o, AAE_OPTION_Z_PRIOR);
    CONFLICT(zreg == AAE_ZREG_KL && v[AAE_OPTION_POSTERIOR] != AAE_POSTERIOR_GAUSSIAN,
             "AAE_OPTION_Z_REGULARIZER = KL needs AAE_OPTION_POSTERIOR = GAUSSIAN");
    CONFLICT(v[AAE_OPTION_DECODER_INPUT] == AAE_DECODE_Z_Y && yhead == AAE_Y_NONE,
             "AAE_OPTION_DECODER_INPUT = Z_Y needs a y head (AAE_OPTION_Y_HEAD)");
    CONFLICT(v[AAE_OPTION_Y_ADVERSARIAL] != 0 && yhead == AAE_Y_NONE,
             "AAE_OPTION_Y_ADVERSARIAL needs a y head (AAE_OPTION_Y_HEAD)");
    CONFLICT(v[AAE_OPTION_Y_SUPERVISED] != AAE_SUPERVISE_NONE && yhead == AAE_Y_NONE,
             "AAE_OPTION_Y_SUPERVISED needs a y head (AAE_OPTION_Y_HEAD)");
    CONFLICT(v[AAE_OPTION_DETACH_Y] != 0 && v[AAE_OPTION_DECODER_INPUT] != AAE_DECODE_Z_Y,
             "AAE_OPTION_DETACH_Y needs AAE_OPTION_DECODER_INPUT = Z_Y");
    CONFLICT((prior == AAE_PRIOR_MIXTURE || prior == AAE_PRIOR_SWISS_ROLL) &&
                 v[AAE_OPTION_Z_WIDTH] != 2 && zreg == AAE_ZREG_ADVERSARIAL,
             "AAE_OPTION_Z_PRIOR mixture/swiss roll is 2-D: AAE_OPTION_Z_WIDTH must be 2, not %g",
             v[AAE_OPTION_Z_WIDTH]);
    CONFLICT(v[AAE_OPTION_PRIOR_LABEL_GUIDED] != 0 && prior != AAE_PRIOR_MIXTURE &&
                 prior != AAE_PRIOR_SWISS_ROLL,
             "AAE_OPTION_PRIOR_LABEL_GUIDED needs AAE_OPTION_Z_PRIOR = MIXTURE or SWISS_ROLL");
    CONFLICT(v[AAE_OPTION_PRIOR_LABEL_GUIDED] != 0 && zreg != AAE_ZREG_ADVERSARIAL,
             "AAE_OPTION_PRIOR_LABEL_GUIDED needs AAE_OPTION_Z_REGULARIZER = ADVERSARIAL");
    CONFLICT(v[AAE_OPTION_REC_LOSS] == AAE_REC_BCE && v[AAE_OPTION_OUTPUT] != AAE_OUTPUT_SIGMOID,
             "AAE_OPTION_REC_LOSS = BCE needs AAE_OPTION_OUTPUT = SIGMOID");
    CONFLICT(v[AAE_OPTION_JOINT_GENERATOR] != 0 && zreg != AAE_ZREG_ADVERSARIAL &&
                 v[AAE_OPTION_Y_ADVERSARIAL] == 0,
             "AAE_OPTION_JOINT_GENERATOR needs an adversarial regularizer on z or y");
    CONFLICT(v[AAE_OPTION_Z_DISC_SEES_Y] != 0 && (yhead == AAE_Y_NONE || zreg != AAE_ZREG_ADVERSARIAL),
             "AAE_OPTION_Z_DISC_SEES_Y needs a y head (AAE_OPTION_Y_HEAD) and "
             "AAE_OPTION_Z_REGULARIZER = ADVERSARIAL");
    for (int p = 0; p < AAEI_PARTS; p++) AAEI_TRY(aaei_optim_validate(&o->parts[p].optim));
    for (int ph = 0; ph < AAEI_PHASES; ph++) AAEI_TRY(aaei_phase_check(&o->phases[ph], ph));
    return AAE_OK;
}

static int optim_equal(const aaei_optim_config *a, const aaei_optim_config *b)
{
    return a->kind == b->kind && a->lr == b->lr && a->momentum == b->momentum &&
           a->dampening == b->dampening && a->weight_decay == b->weight_decay &&
           a->beta1 == b->beta1 && a->beta2 == b->beta2 && a->eps == b->eps &&
           a->nesterov == b->nesterov;
}

int aaei_options_equal(const aaei_options *a, const aaei_options *b)
{
    if (a->preset != b->preset || memcmp(a->v, b->v, sizeof a->v) != 0) return 0;
    for (int p = 0; p < AAEI_PARTS; p++) {
        const aaei_part_spec *x = &a->parts[p], *y = &b->parts[p];
        if (x->nlayers != y->nlayers || !optim_equal(&x->optim, &y->optim)) return 0;
        for (size_t i = 0; i < x->nlayers; i++) {
            const aaei_layer_spec *l = &x->layers[i], *k = &y->layers[i];
            if (l->width != k->width || l->act != k->act || l->slope != k->slope ||
                l->batchnorm != k->batchnorm || l->dropout != k->dropout)
                return 0;
        }
    }
    for (int ph = 0; ph < AAEI_PHASES; ph++) {
        const aaei_phase_spec *x = &a->phases[ph], *y = &b->phases[ph];
        if (x->own_optim != y->own_optim || (x->own_optim && !optim_equal(&x->optim, &y->optim)) ||
            x->nmilestones != y->nmilestones || x->gamma != y->gamma ||
            memcmp(x->milestones, y->milestones, x->nmilestones * sizeof *x->milestones) != 0)
            return 0;
    }
    return 1;
}
