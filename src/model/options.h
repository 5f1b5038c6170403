/* Builder options: every numbered option is one double in `v`, indexed by
 * its aae_option value, so set/get/bounds/checkpoint are one table. Hidden
 * layers and optimizer configs are per part. */
#ifndef AAEI_OPTIONS_H
#define AAEI_OPTIONS_H

#include "aae/aae.h"
#include "nn/optim.h"

#define AAEI_OPTION_LAST AAE_OPTION_Z_DISC_SEES_Y
#define AAEI_PARTS 5
#define AAEI_MAX_HIDDEN 16

typedef struct aaei_layer_spec {
    size_t width;
    aae_activation act;
    float slope;
    int batchnorm;
    float dropout;
} aaei_layer_spec;

typedef struct aaei_part_spec {
    aaei_layer_spec layers[AAEI_MAX_HIDDEN];
    size_t nlayers;
    aaei_optim_config optim;
} aaei_part_spec;

#define AAEI_PHASES 5
#define AAEI_MAX_MILESTONE 1000000000000ull /* epochs */

/* A phase's own optimizer (own_optim 0: each network uses its part's) and
 * milestone schedule. */
typedef struct aaei_phase_spec {
    int own_optim;
    aaei_optim_config optim;
    size_t nmilestones;
    uint64_t milestones[AAE_MAX_MILESTONES];
    double gamma;
} aaei_phase_spec;

typedef struct aaei_options {
    aae_preset preset;
    double v[AAEI_OPTION_LAST + 1];
    aaei_part_spec parts[AAEI_PARTS];
    aaei_phase_spec phases[AAEI_PHASES];
} aaei_options;

/* "AAE_PHASE_GENERATOR", ... */
const char *aaei_phase_name(int phase);

/* Checks one phase's spec (message names the phase). */
aae_status aaei_phase_check(const aaei_phase_spec *s, int phase);

/* gamma ^ (milestones <= epoch) of the phase. */
double aaei_phase_milestone_factor(const aaei_phase_spec *s, uint64_t epoch);

/* Fills `o` with the preset's defaults; AAE_ERR_INVALID_ARGUMENT if unknown. */
aae_status aaei_options_preset(aaei_options *o, aae_preset preset);

/* Range and integrality of one option; 0 if the option does not exist. */
int aaei_option_range(aae_option option, double *lo, double *hi, int *integer);

/* Checks one value against its range (message names the option). */
aae_status aaei_option_check(aae_option option, double value);

/* Checks the combination; the message names the conflicting options. */
aae_status aaei_options_validate(const aaei_options *o);

/* 1 if a and b describe the same model (field by field: no padding read). */
int aaei_options_equal(const aaei_options *a, const aaei_options *b);

/* The option's name, e.g. "AAE_OPTION_Z_WIDTH". */
const char *aaei_option_name(aae_option option);

/* Shorthands for whole-number options. */
static inline size_t aaei_opt_size(const aaei_options *o, aae_option k)
{
    return (size_t)o->v[k];
}
static inline int aaei_opt_int(const aaei_options *o, aae_option k)
{
    return (int)o->v[k];
}

#endif
