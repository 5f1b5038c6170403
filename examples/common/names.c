/* Names on the command line for presets and builder options, through the
 * library's enum lookup (aae_enum_value: "z_width" is AAE_OPTION_Z_WIDTH,
 * case-insensitive, the full C name too); option values are checked with
 * aae_option_bounds. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"

/* A member's C name without `prefix`, in lower case ("z_width"), into buf. */
static const char *short_name(const char *cname, const char *prefix, char *buf, size_t n)
{
    size_t p = strlen(prefix), i = 0;
    if (!cname) return NULL;
    if (!strncmp(cname, prefix, p)) cname += p;
    for (; cname[i] && i + 1 < n; i++) buf[i] = (char)tolower((unsigned char)cname[i]);
    buf[i] = '\0';
    return buf;
}

/* "<what>: the NAMEs are: a b c" on stderr, from the library's list. */
static void list(const char *type, const char *prefix, const char *what)
{
    const char *cname;
    char buf[64];
    fprintf(stderr, "; the %s are:", what);
    for (size_t i = 0; aae_enum_member(type, i, &cname, NULL) == AAE_OK; i++)
        fprintf(stderr, " %s", short_name(cname, prefix, buf, sizeof buf));
    fputc('\n', stderr);
}

/* The enumerated options and the enum their values come from, so that
 * `--set output=sigmoid` and info's "output 1 (sigmoid)" work. */
static const struct {
    aae_option option;
    const char *type, *prefix;
} kinds[] = {
    {AAE_OPTION_OUTPUT, "aae_output_kind", "AAE_OUTPUT_"},
    {AAE_OPTION_REC_LOSS, "aae_rec_loss_kind", "AAE_REC_"},
    {AAE_OPTION_POSTERIOR, "aae_posterior_kind", "AAE_POSTERIOR_"},
    {AAE_OPTION_Y_HEAD, "aae_y_head_kind", "AAE_Y_"},
    {AAE_OPTION_DECODER_INPUT, "aae_decoder_input_kind", "AAE_DECODE_"},
    {AAE_OPTION_Z_REGULARIZER, "aae_z_regularizer_kind", "AAE_ZREG_"},
    {AAE_OPTION_Z_PRIOR, "aae_prior_kind", "AAE_PRIOR_"},
    {AAE_OPTION_Y_SUPERVISED, "aae_supervision_kind", "AAE_SUPERVISE_"},
};

static int kind_of(aae_option option)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].option == option) return (int)i;
    return -1;
}

const char *ex_value_name(aae_option option, double value, char *buf, size_t n)
{
    int k = kind_of(option);
    if (k < 0 || value != (double)(int)value) return NULL;
    return short_name(aae_enum_name(kinds[k].type, (int)value), kinds[k].prefix, buf, n);
}

int ex_preset_from_name(const char *prog, const char *name, aae_preset *preset)
{
    int v = 0;
    if (aae_enum_value("aae_preset", name, &v) == AAE_OK) {
        *preset = (aae_preset)v;
        return 0;
    }
    fprintf(stderr, "%s: unknown preset '%s'", prog, name);
    list("aae_preset", "AAE_PRESET_", "presets");
    return -1;
}

const char *ex_option_name(aae_option option, char *buf, size_t n)
{
    return short_name(aae_enum_name("aae_option", (int)option), "AAE_OPTION_", buf, n);
}

size_t ex_option_count(void)
{
    size_t n = 0;
    while (aae_enum_member("aae_option", n, NULL, NULL) == AAE_OK) n++;
    return n;
}

aae_option ex_option_at(size_t i)
{
    int v = 0;
    aae_enum_member("aae_option", i, NULL, &v);
    return (aae_option)v;
}

/* The member of enum `type` named by arg up to its '=' (all of arg without
 * one): 0 with *value, its name as typed in name (64 bytes) and *eq (the
 * '=' or NULL); -1 if there is no such member. */
static int member_before_eq(const char *type, const char *arg, char *name, int *value, const char **eq)
{
    *eq = strchr(arg, '=');
    size_t len = *eq ? (size_t)(*eq - arg) : strlen(arg);
    snprintf(name, 64, "%.*s", (int)(len < 64 ? len : 63), arg);
    return len < 64 && aae_enum_value(type, name, value) == AAE_OK ? 0 : -1;
}

int ex_parse_setting(const char *prog, const char *arg, ex_setting *out)
{
    const char *eq;
    char name[64], buf[64];
    int v = 0;
    if (member_before_eq("aae_option", arg, name, &v, &eq)) {
        fprintf(stderr, "%s: --set: unknown option '%.*s'", prog, (int)(eq ? eq - arg : (long)strlen(arg)), arg);
        list("aae_option", "AAE_OPTION_", "options");
        return -1;
    }
    aae_option option = (aae_option)v;
    const char *oname = ex_option_name(option, buf, sizeof buf);
    if (!eq) {
        fprintf(stderr, "%s: --set %s needs a value: --set %s=VALUE\n", prog, oname, oname);
        return -1;
    }
    char *end;
    errno = 0;
    double value = strtod(eq + 1, &end), lo = 0, hi = 0;
    int k = kind_of(option), named = 0;
    if (k >= 0 && (!eq[1] || *end) && aae_enum_value(kinds[k].type, eq + 1, &named) == AAE_OK) {
        value = named, end = "", errno = 0; /* a value by name: output=sigmoid */
    }
    if (!eq[1] || *end || errno || !isfinite(value)) {
        fprintf(stderr, "%s: --set %s: '%s' is not a finite number%s", prog, oname, eq + 1, k >= 0 ? " nor a name" : "\n");
        if (k >= 0) list(kinds[k].type, kinds[k].prefix, "names");
        return -1;
    }
    if (aae_option_bounds(option, &lo, &hi) != AAE_OK) {
        fprintf(stderr, "%s: --set %s: %s\n", prog, oname, aae_last_error());
        return -1;
    }
    if (value < lo || value > hi) {
        fprintf(stderr, "%s: --set %s=%g is out of range [%g, %g]\n", prog, oname, value, lo, hi);
        return -1;
    }
    out->option = option;
    out->value = value;
    return 0;
}

int ex_parse_phase_value(const char *prog, const char *option, const char *arg, aae_phase *phase, double *value)
{
    const char *eq;
    char name[64];
    int v = 0;
    if (member_before_eq("aae_phase", arg, name, &v, &eq)) {
        fprintf(stderr, "%s: --%s: unknown phase '%.*s'", prog, option, (int)(eq ? eq - arg : (long)strlen(arg)), arg);
        list("aae_phase", "AAE_PHASE_", "phases");
        return -1;
    }
    char *end;
    errno = 0;
    double x = eq ? strtod(eq + 1, &end) : NAN;
    if (!eq || !eq[1] || *end || errno || !isfinite(x) || x < 0) {
        fprintf(stderr, "%s: --%s %s: needs a finite value >= 0: --%s %s=VALUE\n", prog, option, name, option, name);
        return -1;
    }
    *phase = (aae_phase)v;
    *value = x;
    return 0;
}
