/* The tool's names for presets and builder options: the ONE place mapping
 * a name on the command line to a libaae number. When the library gains
 * its own lookup (aae_enum_value), these two tables and their lookups are
 * what it replaces. Values are checked with aae_option_bounds. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    aae_preset preset;
} presets[] = {
    {"ae", AAE_PRESET_AE},
    {"vae", AAE_PRESET_VAE},
    {"aae", AAE_PRESET_AAE},
    {"supervised_aae", AAE_PRESET_SUPERVISED_AAE},
    {"vae_classifier", AAE_PRESET_VAE_CLASSIFIER},
    {"clustering_aae", AAE_PRESET_CLUSTERING_AAE},
    {"semi_supervised_aae", AAE_PRESET_SEMI_SUPERVISED_AAE},
};

/* aae_option's enumerators without the AAE_OPTION_ prefix, lower case. */
static const struct {
    const char *name;
    aae_option option;
} options[] = {
    {"input_width", AAE_OPTION_INPUT_WIDTH},
    {"output", AAE_OPTION_OUTPUT},
    {"rec_loss", AAE_OPTION_REC_LOSS},
    {"rec_sum", AAE_OPTION_REC_SUM},
    {"z_width", AAE_OPTION_Z_WIDTH},
    {"posterior", AAE_OPTION_POSTERIOR},
    {"y_head", AAE_OPTION_Y_HEAD},
    {"classes", AAE_OPTION_CLASSES},
    {"decoder_input", AAE_OPTION_DECODER_INPUT},
    {"z_regularizer", AAE_OPTION_Z_REGULARIZER},
    {"z_prior", AAE_OPTION_Z_PRIOR},
    {"prior_sigma", AAE_OPTION_PRIOR_SIGMA},
    {"prior_components", AAE_OPTION_PRIOR_COMPONENTS},
    {"prior_radius", AAE_OPTION_PRIOR_RADIUS},
    {"prior_spread", AAE_OPTION_PRIOR_SPREAD},
    {"prior_label_guided", AAE_OPTION_PRIOR_LABEL_GUIDED},
    {"y_adversarial", AAE_OPTION_Y_ADVERSARIAL},
    {"y_supervised", AAE_OPTION_Y_SUPERVISED},
    {"detach_y", AAE_OPTION_DETACH_Y},
    {"w_rec", AAE_OPTION_W_REC},
    {"w_kl", AAE_OPTION_W_KL},
    {"w_adv", AAE_OPTION_W_ADV},
    {"w_ce", AAE_OPTION_W_CE},
    {"w_disc", AAE_OPTION_W_DISC},
    {"joint_generator", AAE_OPTION_JOINT_GENERATOR},
    {"disc_noise", AAE_OPTION_DISC_NOISE},
    {"bn_momentum", AAE_OPTION_BN_MOMENTUM},
    {"bn_eps", AAE_OPTION_BN_EPS},
    {"seed", AAE_OPTION_SEED},
    {"input_noise", AAE_OPTION_INPUT_NOISE},
    {"input_dropout", AAE_OPTION_INPUT_DROPOUT},
    {"head_batchnorm", AAE_OPTION_HEAD_BATCHNORM},
    {"init_std", AAE_OPTION_INIT_STD},
};

#define COUNT(t) (sizeof(t) / sizeof(t)[0])

int cli_preset_from_name(const char *name, aae_preset *preset)
{
    for (size_t i = 0; i < COUNT(presets); i++)
        if (!strcmp(name, presets[i].name)) {
            *preset = presets[i].preset;
            return 0;
        }
    fprintf(stderr, CLI_PROG ": unknown preset '%s'; the presets are:", name);
    for (size_t i = 0; i < COUNT(presets); i++) fprintf(stderr, " %s", presets[i].name);
    fputc('\n', stderr);
    return -1;
}

const char *cli_option_name(aae_option option)
{
    for (size_t i = 0; i < COUNT(options); i++)
        if (options[i].option == option) return options[i].name;
    return NULL;
}

size_t cli_option_count(void) { return COUNT(options); }

aae_option cli_option_at(size_t i) { return options[i].option; }

int cli_parse_setting(const char *arg, ex_setting *out)
{
    const char *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    size_t i = 0;
    while (i < COUNT(options) && (strlen(options[i].name) != len || strncmp(options[i].name, arg, len)))
        i++;
    if (i == COUNT(options)) {
        fprintf(stderr, CLI_PROG ": --set: unknown option '%.*s'; the options are:", (int)len, arg);
        for (size_t k = 0; k < COUNT(options); k++) fprintf(stderr, " %s", options[k].name);
        fputc('\n', stderr);
        return -1;
    }
    if (!eq) {
        fprintf(stderr, CLI_PROG ": --set %s needs a value: --set %s=VALUE\n", options[i].name, options[i].name);
        return -1;
    }
    char *end;
    errno = 0;
    double v = strtod(eq + 1, &end);
    double lo = 0, hi = 0;
    if (!eq[1] || *end || errno || !isfinite(v)) {
        fprintf(stderr, CLI_PROG ": --set %s: '%s' is not a finite number\n", options[i].name, eq + 1);
        return -1;
    }
    if (aae_option_bounds(options[i].option, &lo, &hi) != AAE_OK) {
        fprintf(stderr, CLI_PROG ": --set %s: %s\n", options[i].name, aae_last_error());
        return -1;
    }
    if (v < lo || v > hi) {
        fprintf(stderr, CLI_PROG ": --set %s=%g is out of range [%g, %g]\n", options[i].name, v, lo, hi);
        return -1;
    }
    out->option = options[i].option;
    out->value = v;
    return 0;
}
