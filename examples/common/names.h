/* Presets, builder options and phases by name on a command line, through
 * the library's enum lookup (aae_enum_value): aae-cli's --set and the
 * example programs' --set and --phase-lr. Not part of the library. */
#ifndef AAE_EXAMPLES_NAMES_H
#define AAE_EXAMPLES_NAMES_H

#include <stddef.h>

#include "common/ex.h"

/* The preset called `name`. 0, or -1 after listing the presets on stderr
 * ("<prog>: unknown preset ..."). */
int ex_preset_from_name(const char *prog, const char *name, aae_preset *preset);
/* "z_width" for AAE_OPTION_Z_WIDTH into buf (n bytes); NULL if unknown. */
const char *ex_option_name(aae_option option, char *buf, size_t n);
/* The name of an enumerated option's value ("sigmoid" for output 1) into
 * buf; NULL for other options and values. */
const char *ex_value_name(aae_option option, double value, char *buf, size_t n);
size_t ex_option_count(void);
aae_option ex_option_at(size_t i);
/* "name=value" checked against aae_option_bounds. 0, or -1 after saying
 * why not. */
int ex_parse_setting(const char *prog, const char *arg, ex_setting *out);
/* "phase=value" (a phase by name: generator, z_discriminator, ...; value a
 * finite number >= 0). 0, or -1 after saying why not. */
int ex_parse_phase_value(const char *prog, const char *option, const char *arg, aae_phase *phase, double *value);

#endif
