/* The command line: one table of options, each marked with the commands
 * that take it; --set may repeat. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { TRAIN = 1, ENCODE = 2, GENERATE = 4, RECONSTRUCT = 8, INFO = 16, READS = TRAIN | ENCODE | RECONSTRUCT,
       WRITES = ENCODE | GENERATE | RECONSTRUCT };

typedef struct opt {
    const char *name;
    char type; /* i int >= 0, l long >= -1, z size_t, u seed, f double, s string, S --set */
    void *ptr;
    int cmds;
    const char *help;
} opt;

static const struct {
    const char *name;
    int bit;
    const char *about;
} commands[] = {
    {"train", TRAIN, "train a model on --input, saving it, log.csv and per-epoch checkpoints in --out"},
    {"encode", ENCODE, "write the codes z (then class probabilities, then labels if given) of --input's rows to --output"},
    {"generate", GENERATE, "write --n samples decoded from the prior to --output"},
    {"reconstruct", RECONSTRUCT, "write the reconstructions of --input's rows to --output"},
    {"info", INFO, "print a model's options by name, layers and parameter counts"},
};

static int command_bit(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name)) return commands[i].bit;
    return 0;
}

void cli_usage(FILE *f)
{
    fprintf(f, "usage: " CLI_PROG " COMMAND [options]   (" CLI_PROG " COMMAND --help for its options)\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].about);
    fprintf(f, "\nData: IDX (uint8), NumPy .npy (float32, float64, uint8; C order) or CSV (numbers,\n"
               "optional header line), by extension or --input-format.\n");
}

static void print_value(FILE *f, const opt *o)
{
    switch (o->type) {
    case 'i': fprintf(f, "%d", *(const int *)o->ptr); break;
    case 'l': fprintf(f, "%ld", *(const long *)o->ptr); break;
    case 'z': fprintf(f, "%zu", *(const size_t *)o->ptr); break;
    case 'u': fprintf(f, "%llu", *(const unsigned long long *)o->ptr); break;
    case 'f': fprintf(f, "%g", *(const double *)o->ptr); break;
    case 'S': fprintf(f, "none"); break;
    default: fprintf(f, "%s", *(const char *const *)o->ptr ? *(const char *const *)o->ptr : "none");
    }
}

static int set_value(cli *c, const opt *o, const char *v)
{
    char *end = NULL;
    errno = 0;
    switch (o->type) {
    case 'i': {
        long x = strtol(v, &end, 10);
        if (*v && !*end && !errno && x >= 0 && x <= 1000000000L) return *(int *)o->ptr = (int)x, 0;
        break;
    }
    case 'l': {
        long x = strtol(v, &end, 10);
        if (*v && !*end && !errno && x >= -1 && x <= 2147483647L) return *(long *)o->ptr = x, 0;
        break;
    }
    case 'z':
    case 'u': {
        unsigned long long x = strtoull(v, &end, 10);
        if (!*v || *v == '-' || *end || errno) break;
        if (o->type == 'u') return *(unsigned long long *)o->ptr = x, 0;
        if (x <= (size_t)-1) return *(size_t *)o->ptr = (size_t)x, 0;
        break;
    }
    case 'f': {
        double x = strtod(v, &end);
        if (*v && !*end && !errno && isfinite(x)) return *(double *)o->ptr = x, 0;
        break;
    }
    case 'S':
        if (c->n_settings == CLI_MAX_SETTINGS) {
            fprintf(stderr, CLI_PROG ": at most %d --set options\n", CLI_MAX_SETTINGS);
            return -1;
        }
        return ex_parse_setting(CLI_PROG, v, &c->settings[c->n_settings++]);
    default:
        *(const char **)o->ptr = v;
        return 0;
    }
    fprintf(stderr, CLI_PROG ": --%s: '%s' is not a valid value\n", o->name, v);
    return -1;
}

int cli_parse(int argc, char **argv, cli *c)
{
    ex_args *a = &c->a;
    *a = ex_defaults(CLI_PROG, 10);
    a->out = "aae-out";
    a->model_file = "model.aae";
    c->preset = "aae";
    c->input_format = c->format = c->header = c->scale_name = "auto";
    c->output = "-";
    c->label_column = c->label = -1;
    c->n = 100;
    const opt table[] = {
        {"preset", 's', &c->preset, TRAIN, "preset: ae vae aae supervised_aae vae_classifier clustering_aae "
                                           "semi_supervised_aae"},
        {"set", 'S', NULL, TRAIN, "NAME=VALUE: a builder option by name (repeatable): z_width=16, output=sigmoid"},
        {"hidden", 'z', &a->hidden, TRAIN, "units of each encoder and decoder hidden layer (0: the preset's)"},
        {"batchnorm", 'i', &a->batchnorm, TRAIN, "1: batch norm in every encoder and decoder hidden layer"},
        {"input", 's', &c->input, READS, "data file: IDX images, .npy or .csv"},
        {"input-format", 's', &c->input_format, READS, "auto (by extension), idx, npy, csv, or raw (little-endian "
                                                       "float32 rows of the model's width)"},
        {"scale", 's', &c->scale_name, READS, "IDX and uint8 bytes to [0,1] (unit), [-1,1] (symmetric), or auto: "
                                              "as the model's output"},
        {"labels", 's', &c->labels, READS, "labels file (IDX labels for IDX, .npy or one-column .csv); "
                                          "encode writes them last"},
        {"label-column", 'l', &c->label_column, READS, "column K of a 2-D .npy or CSV input holds the labels"},
        {"limit", 'z', &c->limit, READS, "use the first N rows of --input (0: all)"},
        {"header", 's', &c->header, READS, "CSV header line: auto, 1 or 0"},
        {"valid", 'z', &c->valid, TRAIN, "rows held out as a validation set (aae_dataset_split), logged"},
        {"out", 's', &a->out, TRAIN, "output directory: model.aae (saved every epoch), log.csv"},
        {"epochs", 'i', &a->epochs, TRAIN, "epochs in all (a resumed run counts the ones done)"},
        {"batch", 'z', &a->batch, TRAIN, "minibatch rows"},
        {"resume", 'i', &a->resume, TRAIN, "1: continue <out>/model.aae if it exists"},
        {"lr-step", 'z', &a->lr_step, TRAIN, "multiply the learning rates by --lr-gamma every N epochs"},
        {"lr-gamma", 'f', &a->lr_gamma, TRAIN, "the decay factor of --lr-step"},
        {"threads", 'i', &a->threads, TRAIN | READS | GENERATE, "threads (training: a slice of every batch each)"},
        {"seed", 'u', &a->seed, TRAIN | GENERATE, "seed of initialization, shuffling, the split and sampling"},
        {"model", 's', &c->model, WRITES | INFO, "a saved model (train's <out>/model.aae)"},
        {"output", 's', &c->output, WRITES, "output file (.npy, .csv or .png; - is standard output)"},
        {"format", 's', &c->format, WRITES, "auto (by extension), npy, csv or png"},
        {"image-shape", 's', &c->image_shape, WRITES & ~ENCODE, "HxW of a row, for png (default: square rows)"},
        {"n", 'z', &c->n, GENERATE, "samples to draw"},
        {"label", 'l', &c->label, GENERATE, "class of every sample for a decoder that reads one (-1: any)"},
        {NULL, 0, NULL, 0, NULL},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        cli_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 1;
    }
    c->cmd = argv[1];
    int bit = command_bit(c->cmd);
    if (!bit) {
        fprintf(stderr, CLI_PROG ": unknown command '%s'\n", c->cmd);
        cli_usage(stderr);
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            printf("usage: " CLI_PROG " %s [options]\n\noptions (default in brackets):\n", c->cmd);
            for (const opt *o = table; o->name; o++)
                if (o->cmds & bit) {
                    printf("  --%-13s %s [", o->name, o->help);
                    print_value(stdout, o);
                    printf("]\n");
                }
            return 1;
        }
        if (strncmp(arg, "--", 2) != 0) {
            fprintf(stderr, CLI_PROG ": unexpected argument '%s' (see " CLI_PROG " %s --help)\n", arg, c->cmd);
            return 2;
        }
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const opt *o = table;
        while (o->name && (strlen(o->name) != len || strncmp(o->name, name, len) || !(o->cmds & bit))) o++;
        if (!o->name) {
            fprintf(stderr, CLI_PROG " %s: unknown option '%s' (see " CLI_PROG " %s --help)\n", c->cmd, arg, c->cmd);
            return 2;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) {
            fprintf(stderr, CLI_PROG ": --%s needs a value\n", o->name);
            return 2;
        }
        if (set_value(c, o, v) != 0) return 2;
    }
    if ((bit & READS) && !c->input) {
        fprintf(stderr, CLI_PROG " %s: --input FILE is required\n", c->cmd);
        return 2;
    }
    if ((bit & (WRITES | INFO)) && !c->model) {
        fprintf(stderr, CLI_PROG " %s: --model FILE is required\n", c->cmd);
        return 2;
    }
    c->scale = -1;
    if (strcmp(c->scale_name, "auto") && aae_enum_value("aae_scale", c->scale_name, &c->scale) != AAE_OK) {
        fprintf(stderr, CLI_PROG ": --scale must be auto, unit or symmetric, not '%s'\n", c->scale_name);
        return 2;
    }
    if (c->labels && c->label_column >= 0) {
        fprintf(stderr, CLI_PROG ": give labels by --labels or --label-column, not both\n");
        return 2;
    }
    if (a->epochs < 1 || a->threads < 1 || a->batch < 2 || ((bit & GENERATE) && c->n < 1)) {
        fprintf(stderr, CLI_PROG ": --epochs, --threads and --n must be at least 1, --batch at least 2\n");
        return 2;
    }
    return 0;
}
