#include "ex.h"
#include "names.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "draw.h"
#include "shape.h"

/* ---- command line ----------------------------------------------------- */

ex_args ex_defaults(const char *prog, int epochs)
{
    static char out[256];
    snprintf(out, sizeof out, "out/%s", prog);
    return (ex_args){.prog = prog, .epochs = epochs, .threads = 1, .seed = 0, .limit = 0,
                     .batch = 64, .out = out, .data = "data/mnist", .lr_gamma = 0.1,
                     .w_adv = EX_PRESET_W_ADV};
}

static void print_value(FILE *f, const ex_opt *o)
{
    switch (o->type) {
    case 'i': fprintf(f, "%d", *(const int *)o->ptr); break;
    case 'z': fprintf(f, "%zu", *(const size_t *)o->ptr); break;
    case 'f': fprintf(f, "%g", *(const double *)o->ptr); break;
    case 'u': fprintf(f, "%llu", *(const unsigned long long *)o->ptr); break;
    case 'S':
    case 'P': fprintf(f, "none"); break;
    default: fprintf(f, "%s", *(const char *const *)o->ptr ? *(const char *const *)o->ptr : "none");
    }
}

static void usage(FILE *f, const ex_args *a, const char *about, const ex_opt *common, const ex_opt *extra)
{
    fprintf(f, "usage: %s [options]\n%s\n\noptions (default in brackets):\n", a->prog, about);
    for (int pass = 0; pass < 2; pass++)
        for (const ex_opt *o = pass ? extra : common; o && o->name; o++) {
            fprintf(f, "  --%-14s %s [", o->name, o->help);
            print_value(f, o);
            fprintf(f, "]\n");
        }
    fprintf(f, "  --%-14s this text\n", "help");
}

static int set_value(const ex_args *a, const ex_opt *o, const char *v)
{
    char *end = NULL;
    errno = 0;
    switch (o->type) {
    case 'i': {
        long x = strtol(v, &end, 10);
        if (*v && !*end && !errno && x >= 0 && x <= 1000000000L) {
            *(int *)o->ptr = (int)x;
            return 0;
        }
        break;
    }
    case 'z': {
        unsigned long long x = strtoull(v, &end, 10);
        if (*v && *v != '-' && !*end && !errno && x <= (size_t)-1) {
            *(size_t *)o->ptr = (size_t)x;
            return 0;
        }
        break;
    }
    case 'f': {
        double x = strtod(v, &end);
        if (*v && !*end && !errno && isfinite(x)) {
            *(double *)o->ptr = x;
            return 0;
        }
        break;
    }
    case 'u': {
        unsigned long long x = strtoull(v, &end, 10);
        if (*v && *v != '-' && !*end && !errno) {
            *(unsigned long long *)o->ptr = x;
            return 0;
        }
        break;
    }
    case 'S':
    case 'P': {
        ex_args *w = o->ptr; /* the same ex_args as a, writable: the lists grow */
        size_t *n = o->type == 'S' ? &w->n_sets : &w->n_phase_lrs;
        if (*n == EX_MAX_SETTINGS) {
            fprintf(stderr, "%s: at most %d --%s options\n", a->prog, EX_MAX_SETTINGS, o->name);
            return -1;
        }
        int rc = o->type == 'S' ? ex_parse_setting(a->prog, v, &w->sets[*n])
                                : ex_parse_phase_value(a->prog, o->name, v, &w->phase_lrs[*n].phase,
                                                       &w->phase_lrs[*n].lr);
        *n += rc == 0;
        return rc;
    }
    default:
        *(const char **)o->ptr = v;
        return 0;
    }
    fprintf(stderr, "%s: --%s: '%s' is not a valid value\n", a->prog, o->name, v);
    return -1;
}

static const ex_opt *find_opt(const ex_opt *common, const ex_opt *extra, const char *name, size_t len)
{
    for (int pass = 0; pass < 2; pass++)
        for (const ex_opt *o = pass ? extra : common; o && o->name; o++)
            if (strlen(o->name) == len && !strncmp(o->name, name, len)) return o;
    return NULL;
}

int ex_parse(int argc, char **argv, ex_args *a, const char *about, const ex_opt *extra)
{
    /* A program that trains nothing (ex_defaults with 0 epochs) takes only
     * the options that make sense without training. */
    int trains = a->epochs > 0;
    const ex_opt all[] = {
        {"threads", 'i', &a->threads, "threads (training: each takes a slice of every batch)"},
        {"epochs", 'i', &a->epochs, "training epochs"},
        {"seed", 'u', &a->seed, "seed of initialization, sampling and shuffling"},
        {"out", 's', &a->out, "output directory"},
        {"data", 's', &a->data, "directory with the MNIST IDX files"},
        {"image-shape", 's', &a->image_shape, "HxW of a row's picture (default: the IDX files' rows x cols)"},
        {"limit", 'z', &a->limit, "use the first N rows of each set (0: all)"},
        {"batch", 'z', &a->batch, "minibatch rows"},
        {"resume", 'i', &a->resume, "1: continue <out>/<prog>.model (saved every epoch) up to --epochs in all"},
        {"lr-step", 'z', &a->lr_step, "multiply the learning rates by --lr-gamma every N epochs (0: never)"},
        {"lr-gamma", 'f', &a->lr_gamma, "the learning-rate decay factor of --lr-step"},
        {"w-adv", 'f', &a->w_adv, "adversarial weight of a new model (-1: the preset's)"},
        {"batchnorm", 'i', &a->batchnorm, "1: batch norm in a new model's encoder and decoder hidden layers"},
        {"hidden", 'z', &a->hidden, "units of each hidden layer of a new model's encoder and decoder (0: the preset's)"},
        {"set", 'S', a, "NAME=VALUE: a builder option of a new model by name, after the above (repeatable): input_dropout=0"},
        {"phase-lr", 'P', a, "PHASE=LR: the learning rate of a new model's phase optimizer (repeatable): generator=0.01"},
        {"restarts", 'z', &a->restarts, "N > 1: a new model is the one of N model seeds with the lowest validation error after --restart-epochs"},
        {"restart-epochs", 'i', &a->restart_epochs, "the epochs each of --restarts trains before the choice"},
        {NULL, 0, NULL, NULL},
    };
    const ex_opt only_threads[] = {all[0], {NULL, 0, NULL, NULL}};
    const ex_opt *common = trains ? all : only_threads;
    int gamma_given = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(stdout, a, about, common, extra);
            return 1;
        }
        if (strncmp(arg, "--", 2) != 0) {
            fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n", a->prog, arg);
            return 2;
        }
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const ex_opt *o = find_opt(common, extra, name, len);
        if (!o) {
            fprintf(stderr, "%s: unknown option '%s' (see --help)\n", a->prog, arg);
            return 2;
        }
        const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v) {
            fprintf(stderr, "%s: --%s needs a value\n", a->prog, o->name);
            return 2;
        }
        if (set_value(a, o, v) != 0) return 2;
        gamma_given |= o->ptr == &a->lr_gamma;
    }
    if (gamma_given && !a->lr_step) {
        fprintf(stderr, "%s: --lr-gamma needs --lr-step (the epochs between two decays)\n", a->prog);
        return 2;
    }
    if (a->restarts > 1 && (a->restart_epochs < 1 || a->restart_epochs > a->epochs)) {
        fprintf(stderr, "%s: --restarts needs --restart-epochs between 1 and --epochs\n", a->prog);
        return 2;
    }
    if ((trains && a->epochs < 1) || a->threads < 1 || a->batch < 2) {
        fprintf(stderr, "%s: --epochs and --threads must be at least 1, --batch at least 2\n", a->prog);
        return 2;
    }
    return 0;
}

/* ---- files and data ---------------------------------------------------- */

static int make_dirs(const char *path)
{
    char buf[EX_PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return -1;
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
            if (!c) return 0;
            *p = c;
        }
    }
}

/* The IDX images of set `prefix` in a->data into buf. */
static char *images_path(char *buf, const ex_args *a, const char *prefix)
{
    snprintf(buf, EX_PATH_MAX, "%s/%s-images-idx3-ubyte", a->data, prefix);
    return buf;
}

static int no_data(const ex_args *a)
{
    fprintf(stderr, "%s: get MNIST with `make mnist` or point --data at the IDX files\n", a->prog);
    return -1;
}

int ex_setup_images(ex_args *a)
{
    char train[EX_PATH_MAX], test[EX_PATH_MAX];
    size_t rows, cols, h, w, test_rows, test_cols, th, tw;
    if (shape_of_idx(a->prog, images_path(train, a, "train"), &rows, &cols, &h, &w) ||
        shape_of_idx(a->prog, images_path(test, a, "t10k"), &test_rows, &test_cols, &th, &tw))
        return no_data(a);
    for (int i = 0; i < 2; i++) {
        char labels[EX_PATH_MAX];
        snprintf(labels, sizeof labels, "%s/%s-labels-idx1-ubyte", a->data, i ? "t10k" : "train");
        if (access(labels, R_OK) != 0) {
            fprintf(stderr, "%s: cannot read %s: %s\n", a->prog, labels, strerror(errno));
            return no_data(a);
        }
    }
    if (test_cols != cols) {
        fprintf(stderr, "%s: %s holds rows of %zu values, %s rows of %zu: the sets must match\n", a->prog, train,
                cols, test, test_cols);
        return -1;
    }
    if ((a->image_shape || !h) && shape_parse(a->prog, a->image_shape, cols, &h, &w)) return -1;
    a->image_h = h;
    a->image_w = w;
    return ex_setup(a);
}

int ex_setup(const ex_args *a)
{
    if (a->epochs > 0 && make_dirs(a->out) != 0) {
        fprintf(stderr, "%s: cannot create %s: %s\n", a->prog, a->out, strerror(errno));
        return -1;
    }
    aae_status st = aae_set_num_threads(a->threads);
    if (st != AAE_OK) return ex_report(a, "aae_set_num_threads", st), -1;
    return 0;
}

char *ex_path(char *buf, const ex_args *a, const char *name)
{
    snprintf(buf, EX_PATH_MAX, "%s/%s", a->out, name);
    return buf;
}

char *ex_model_name(char *buf, const ex_args *a)
{
    if (a->model_file) snprintf(buf, 256, "%s", a->model_file);
    else snprintf(buf, 256, "%s.model", a->prog);
    return buf;
}

int ex_report(const ex_args *a, const char *what, aae_status st)
{
    if (what) fprintf(stderr, "%s: %s failed: %s (%s)\n", a->prog, what, aae_last_error(), aae_status_string(st));
    else fprintf(stderr, "%s: %s (%s)\n", a->prog, aae_last_error(), aae_status_string(st));
    return 1;
}

/* The options that decide what a model reads, computes and writes. */
static const struct {
    aae_option option;
    const char *name;
} model_shape[] = {
    {AAE_OPTION_INPUT_WIDTH, "input width"},     {AAE_OPTION_OUTPUT, "output activation"},
    {AAE_OPTION_Z_WIDTH, "z width"},             {AAE_OPTION_POSTERIOR, "posterior"},
    {AAE_OPTION_Y_HEAD, "y head"},               {AAE_OPTION_CLASSES, "number of classes"},
    {AAE_OPTION_DECODER_INPUT, "decoder input"}, {AAE_OPTION_Z_REGULARIZER, "z regularizer"},
    {AAE_OPTION_Z_PRIOR, "z prior"},             {AAE_OPTION_Y_ADVERSARIAL, "y regularizer"},
    {AAE_OPTION_Y_SUPERVISED, "supervision"},
};

int ex_check_resumed(const ex_args *a, const char *path, const aae_model *m, const aae_builder *b)
{
    for (size_t i = 0; i < sizeof model_shape / sizeof model_shape[0]; i++) {
        double have = NAN, want = NAN;
        aae_status st = aae_model_get(m, model_shape[i].option, &have);
        if (st == AAE_OK) st = aae_builder_get(b, model_shape[i].option, &want);
        if (st != AAE_OK) return ex_report(a, NULL, st);
        if (have != want) {
            fprintf(stderr, "%s: cannot resume %s: its %s is %g, %s needs %g (resume only a model %s "
                            "saved with the same options, or choose another --out)\n",
                    a->prog, path, model_shape[i].name, have, a->prog, want, a->prog);
            return 1;
        }
    }
    return 0;
}

aae_scale ex_scale_for(const aae_model *model)
{
    double out = AAE_OUTPUT_SIGMOID;
    aae_model_get(model, AAE_OPTION_OUTPUT, &out);
    return (int)out == AAE_OUTPUT_TANH ? AAE_SCALE_SYMMETRIC : AAE_SCALE_UNIT;
}

static int load_set(const ex_args *a, const char *prefix, aae_scale scale, aae_dataset **ds)
{
    char img[EX_PATH_MAX], lab[EX_PATH_MAX];
    snprintf(img, sizeof img, "%s/%s-images-idx3-ubyte", a->data, prefix);
    snprintf(lab, sizeof lab, "%s/%s-labels-idx1-ubyte", a->data, prefix);
    aae_dataset *full = NULL;
    aae_status st = aae_dataset_load_idx(&full, img, lab, scale);
    if (st != AAE_OK) {
        ex_report(a, "loading MNIST", st);
        no_data(a);
        return 1;
    }
    size_t rows, width;
    aae_dataset_shape(full, &rows, &width, NULL);
    if (width != ex_pixels(a)) { /* changed since ex_setup_images read it */
        fprintf(stderr, "%s: %s holds rows of %zu values, not the %zux%zu pictures expected\n", a->prog, img,
                width, a->image_h, a->image_w);
        aae_dataset_free(full);
        return 1;
    }
    if (!a->limit || a->limit >= rows) {
        *ds = full;
        return 0;
    }
    size_t *idx = malloc(a->limit * sizeof *idx);
    if (!idx) st = AAE_ERR_NOMEM;
    for (size_t i = 0; idx && i < a->limit; i++) idx[i] = i;
    if (idx) st = aae_dataset_subset(full, idx, a->limit, ds);
    free(idx);
    aae_dataset_free(full);
    return st == AAE_OK ? 0 : ex_report(a, "aae_dataset_subset", st);
}

int ex_load_mnist(const ex_args *a, aae_scale scale, aae_dataset **train, aae_dataset **test)
{
    *train = *test = NULL;
    if (load_set(a, "train", scale, train) || load_set(a, "t10k", scale, test)) {
        aae_dataset_free(*train);
        *train = NULL;
        return 1;
    }
    return 0;
}

size_t ex_first_rows(const aae_dataset *ds, size_t n, float *x, int32_t *labels)
{
    size_t rows = 0, width = 0, idx[256];
    aae_dataset_shape(ds, &rows, &width, NULL);
    if (n > rows) n = rows;
    for (size_t done = 0; done < n;) {
        size_t k = n - done < 256 ? n - done : 256;
        for (size_t i = 0; i < k; i++) idx[i] = done + i;
        aae_dataset_get_rows(ds, idx, k, x + done * width, labels ? labels + done : NULL);
        done += k;
    }
    return n;
}

int ex_write_styles(const ex_args *a, const aae_model *model, const char *name)
{
    enum { ROWS = 10, DIGITS = 10 };
    double zw = 0;
    aae_model_get(model, AAE_OPTION_Z_WIDTH, &zw);
    size_t w = (size_t)zw, n = ROWS * DIGITS;
    float *style = malloc(ROWS * w * sizeof *style), *z = malloc(n * w * sizeof *z);
    float *c = calloc(n * DIGITS, sizeof *c), *x = malloc(n * ex_pixels(a) * sizeof *x);
    char path[EX_PATH_MAX];
    int rc = !style || !z || !c || !x ||
             aae_model_sample_prior(model, ROWS, a->seed + 99, NULL, style) != AAE_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        for (size_t k = 0; k < w; k++) z[i * w + k] = style[(i / DIGITS) * w + k];
        c[i * DIGITS + i % DIGITS] = 1.0f;
    }
    if (!rc)
        rc = aae_model_decode(model, z, c, n, x, NULL, 0) != AAE_OK ||
             draw_image_grid(ex_path(path, a, name), x, n, a->image_h, a->image_w, DIGITS,
                             ex_scale_for(model) == AAE_SCALE_UNIT ? 0.0f : -1.0f, 1.0f);
    if (rc) fprintf(stderr, "%s: writing %s failed: %s\n", a->prog, name, aae_last_error());
    free(style);
    free(z);
    free(c);
    free(x);
    return rc;
}

/* ---- the training session ---------------------------------------------- */

aae_status ex_reshape_layers(aae_builder *b, aae_part part, int batchnorm, size_t width)
{
    enum { MAX = 16 };
    size_t n = 0, w[MAX];
    aae_activation act[MAX];
    float slope[MAX], dropout[MAX];
    int bn[MAX];
    aae_status st = aae_builder_layer_count(b, part, &n);
    for (size_t i = 0; st == AAE_OK && i < n && i < MAX; i++)
        st = aae_builder_get_layer(b, part, i, &w[i], &act[i], &slope[i], &bn[i], &dropout[i]);
    if (st == AAE_OK) st = aae_builder_clear_layers(b, part);
    for (size_t i = 0; st == AAE_OK && i < n && i < MAX; i++)
        st = aae_builder_add_layer(b, part, width ? width : w[i], act[i], slope[i], batchnorm || bn[i], dropout[i]);
    return st;
}

/* The builder of a new model: `preset` with --seed, the n settings,
 * --w-adv, --reimpl, --batchnorm, --hidden, then --set and --phase-lr. */
static aae_status configure(const ex_args *a, aae_preset preset, const ex_setting *settings, size_t n,
                            aae_builder **out)
{
    aae_builder *b = NULL;
    aae_status st = aae_builder_create(&b, preset);
    if (st == AAE_OK) st = aae_builder_set(b, AAE_OPTION_SEED, (double)a->seed);
    if (st == AAE_OK) st = aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, (double)ex_pixels(a));
    for (size_t i = 0; st == AAE_OK && i < n; i++) st = aae_builder_set(b, settings[i].option, settings[i].value);
    /* Any other value, negative too, goes to the library, which checks it. */
    if (st == AAE_OK && a->w_adv != EX_PRESET_W_ADV) st = aae_builder_set(b, AAE_OPTION_W_ADV, a->w_adv);
    if (st == AAE_OK && a->reimpl) st = ex_reimplementation_recipe(b);
    for (int p = 0; p < 2 && st == AAE_OK && (a->batchnorm || a->hidden); p++)
        st = ex_reshape_layers(b, p ? AAE_PART_DECODER : AAE_PART_ENCODER, a->batchnorm, a->hidden);
    for (size_t i = 0; st == AAE_OK && i < a->n_sets; i++) st = aae_builder_set(b, a->sets[i].option, a->sets[i].value);
    for (size_t i = 0; st == AAE_OK && i < a->n_phase_lrs; i++)
        st = aae_builder_set_phase_optimizer_param(b, a->phase_lrs[i].phase, AAE_OPT_LR, a->phase_lrs[i].lr);
    if (st != AAE_OK) aae_builder_free(b);
    else *out = b;
    return st;
}

/* Loads the model saved at path, if it is one this program would build. */
static int resume(const ex_args *a, const char *path, const aae_builder *b, aae_model **model)
{
    aae_status st = aae_model_load(model, path);
    if (st != AAE_OK) return ex_report(a, "resuming the saved model", st);
    if (ex_check_resumed(a, path, *model, b)) return 1;
    fprintf(stderr, "%s: resuming %s\n", a->prog, path);
    if (a->w_adv != EX_PRESET_W_ADV || a->batchnorm || a->hidden || a->n_sets || a->n_phase_lrs)
        fprintf(stderr, "%s: --w-adv, --batchnorm, --hidden, --set and --phase-lr shape a new model; the saved one "
                        "keeps its own\n",
                a->prog);
    return 0;
}

int ex_open_model(const ex_session *s, const ex_args *a, const uint64_t *seed, aae_model **m)
{
    aae_builder *b = NULL;
    int rc = 1;
    char path[EX_PATH_MAX], name[256];
    ex_model_name(name, a);
    ex_path(path, a, name);
    EX_TRY(a, configure(a, s->preset, s->settings, s->n_settings, &b));
    if (seed) EX_TRY(a, aae_builder_set(b, AAE_OPTION_SEED, (double)*seed));
    if (a->resume && access(path, F_OK) == 0) {
        if (resume(a, path, b, m)) goto fail;
    } else {
        EX_TRY(a, aae_builder_build(b, m));
    }
    rc = 0;
fail:
    aae_builder_free(b);
    return rc;
}

int ex_open(ex_session *s, aae_preset preset, const ex_setting *settings, size_t n)
{
    const ex_args *a = s->a;
    s->preset = preset;
    s->settings = settings;
    s->n_settings = n;
    if (ex_open_model(s, a, NULL, &s->model) || ex_write_recipe(a, s->model)) return 1;
    aae_scale scale = ex_scale_for(s->model);
    if (ex_load_mnist(a, scale, &s->mnist_train, &s->mnist_test)) return 1;
    s->range = scale == AAE_SCALE_SYMMETRIC ? 2.0 : 1.0;
    s->train = s->mnist_train;
    s->eval = s->mnist_test;
    return 0;
}

void ex_close(ex_session *s)
{
    aae_model_free(s->model);
    aae_dataset_free(s->mnist_train);
    aae_dataset_free(s->mnist_test);
    s->model = NULL;
    s->mnist_train = s->mnist_test = NULL;
}

static const char *const slot_names[AAE_SLOT_COUNT] = {"rec", "kl", "ce", "disc_z", "gen_z", "disc_y", "gen_y"};
static const char *const metric_names[AAE_METRIC_COUNT] = {"test_mse", "test_l1", "test_class_error",
                                                           "test_cluster_accuracy", "test_elbo"};
static const char *const valid_names[AAE_METRIC_COUNT] = {"valid_mse", "valid_l1", "valid_class_error",
                                                          "valid_cluster_accuracy", "valid_elbo"};
enum { CSV_COLUMNS_MAX = 64 }; /* log.csv has 20 */

typedef struct run {
    ex_session *s;
    int used[AAE_SLOT_COUNT];
    int tty;
    double t0, last_draw;
    uint64_t step;
    double *losses;  /* epochs x AAE_SLOT_COUNT */
    double *metrics; /* epochs x AAE_METRIC_COUNT */
    double *valid;   /* epochs x AAE_METRIC_COUNT: the validation set's */
    FILE *csv;
    int first;       /* epochs the model had done before this run */
    int drawn_from;  /* first epoch (0-based) the arrays hold: 0 once log.csv gave the earlier ones */
} run;

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int option_int(const aae_model *m, aae_option o)
{
    double v = 0;
    aae_model_get(m, o, &v);
    return (int)v;
}

static void find_used_slots(run *r)
{
    const aae_model *m = r->s->model;
    r->used[AAE_SLOT_REC] = 1;
    r->used[AAE_SLOT_KL] = option_int(m, AAE_OPTION_Z_REGULARIZER) == AAE_ZREG_KL;
    r->used[AAE_SLOT_CE] = option_int(m, AAE_OPTION_Y_SUPERVISED) != AAE_SUPERVISE_NONE;
    r->used[AAE_SLOT_DISC_Z] = r->used[AAE_SLOT_GEN_Z] =
        option_int(m, AAE_OPTION_Z_REGULARIZER) == AAE_ZREG_ADVERSARIAL;
    r->used[AAE_SLOT_DISC_Y] = r->used[AAE_SLOT_GEN_Y] = option_int(m, AAE_OPTION_Y_ADVERSARIAL);
}

static void print_losses(const run *r, const float *l)
{
    for (int k = 0; k < AAE_SLOT_COUNT; k++)
        if (r->used[k]) fprintf(stderr, " %s %.4g", slot_names[k], (double)l[k]);
}

static void print_eta(double seconds)
{
    long s = (long)(seconds + 0.5);
    if (s >= 3600) fprintf(stderr, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else fprintf(stderr, "%ld:%02ld", s / 60, s % 60);
}

static int on_batch(void *user, uint64_t epoch, uint64_t batch, uint64_t batches, const float *l,
                    double rate)
{
    run *r = user;
    const ex_args *a = r->s->a;
    r->step++;
    int done = batch + 1 == batches;
    double t = now();
    int show = r->tty ? (t - r->last_draw >= 0.1 || done)
                      : (batches >= 4 && (batch + 1) % (batches / 4) == 0 && !done);
    if (show) {
        r->last_draw = t;
        uint64_t left = (uint64_t)a->epochs * batches - (epoch * batches + batch + 1);
        double eta = rate > 0 ? (double)left * (double)a->batch / rate : 0;
        if (r->tty) {
            enum { BAR = 20 };
            char bar[BAR + 1];
            size_t fill = (size_t)((batch + 1) * BAR / batches);
            for (size_t i = 0; i < BAR; i++) bar[i] = i < fill ? '#' : '-';
            bar[BAR] = '\0';
            fprintf(stderr, "\r\033[Kepoch %llu/%d [%s] %llu/%llu", (unsigned long long)epoch + 1,
                    a->epochs, bar, (unsigned long long)batch + 1, (unsigned long long)batches);
        } else {
            fprintf(stderr, "epoch %llu/%d batch %llu/%llu:", (unsigned long long)epoch + 1, a->epochs,
                    (unsigned long long)batch + 1, (unsigned long long)batches);
        }
        print_losses(r, l);
        fprintf(stderr, " | %.0f samples/s ETA ", rate);
        print_eta(eta);
        if (!r->tty) fputc('\n', stderr);
    }
    if (interrupted) return 1;
    return r->s->after_batch ? r->s->after_batch(r->s, r->step) : 0;
}

static void write_csv_row(run *r, int epoch, double rate, double seconds, double extra)
{
    if (!r->csv) return;
    fprintf(r->csv, "%d", epoch);
    for (int k = 0; k < AAE_SLOT_COUNT; k++) {
        double v = r->losses[(size_t)(epoch - 1) * AAE_SLOT_COUNT + (size_t)k];
        if (r->used[k]) fprintf(r->csv, ",%.6g", v);
        else fputc(',', r->csv);
    }
    for (int k = 0; k < AAE_METRIC_COUNT; k++) {
        double v = r->metrics[(size_t)(epoch - 1) * AAE_METRIC_COUNT + (size_t)k];
        if (isfinite(v)) fprintf(r->csv, ",%.6g", v);
        else fputc(',', r->csv);
    }
    fprintf(r->csv, ",%.1f,%.2f", rate, seconds);
    for (int k = 0; k < AAE_METRIC_COUNT; k++) {
        double v = r->valid[(size_t)(epoch - 1) * AAE_METRIC_COUNT + (size_t)k];
        if (isfinite(v)) fprintf(r->csv, ",%.6g", v);
        else fputc(',', r->csv);
    }
    if (r->s->extra_column) {
        if (isfinite(extra)) fprintf(r->csv, ",%.6g", extra);
        else fputc(',', r->csv);
    }
    fputc('\n', r->csv);
    fflush(r->csv);
}

/* The panels of loss_curves.png: a loss in use alone, a discriminator and
 * its generator together, and each metric the evaluation gave, the
 * validation set's beside the test set's; `titles` holds what they need. */
enum { CURVES_MAX = AAE_SLOT_COUNT + 2 * AAE_METRIC_COUNT };

typedef struct curves {
    const char *names[CURVES_MAX];
    draw_panel panels[CURVES_MAX];
    char titles[AAE_METRIC_COUNT][64];
    size_t series, n_panels;
    double *v; /* series x span */
} curves;

/* Series `k` (a loss slot, or AAE_SLOT_COUNT + metric; valid: the
 * validation set's metric) of epochs first..epochs-1 as the next series,
 * called `name` (NULL: its log.csv column's). */
static void add_series(const run *r, curves *c, int k, int valid, int first, int epochs, const char *name)
{
    size_t span = (size_t)(epochs - first), m = (size_t)(k - AAE_SLOT_COUNT);
    const double *src = k < AAE_SLOT_COUNT ? r->losses + k : (valid ? r->valid : r->metrics) + m;
    size_t stride = k < AAE_SLOT_COUNT ? AAE_SLOT_COUNT : AAE_METRIC_COUNT;
    for (int e = first; e < epochs; e++) c->v[c->series * span + (size_t)(e - first)] = src[(size_t)e * stride];
    c->names[c->series++] = name                 ? name
                            : k < AAE_SLOT_COUNT ? slot_names[k]
                            : valid              ? valid_names[m]
                                                 : metric_names[m];
}

static void close_panel(curves *c, size_t from, const char *title)
{
    c->panels[c->n_panels++] = (draw_panel){title, from, c->series - from};
}

static int write_curves(const run *r, int epochs)
{
    int first = r->drawn_from;
    size_t span = (size_t)(epochs - first);
    const double *last = r->metrics + (size_t)(epochs - 1) * AAE_METRIC_COUNT;
    const double *last_valid = r->valid + (size_t)(epochs - 1) * AAE_METRIC_COUNT;
    curves c = {.v = malloc(span * CURVES_MAX * sizeof *c.v)};
    if (!c.v) return -1;
    for (int k = 0; k < AAE_SLOT_COUNT; k++) {
        if (!r->used[k] || k == AAE_SLOT_GEN_Z || k == AAE_SLOT_GEN_Y) continue;
        size_t from = c.series;
        add_series(r, &c, k, 0, first, epochs, NULL);
        if (k == AAE_SLOT_DISC_Z || k == AAE_SLOT_DISC_Y) add_series(r, &c, k + 1, 0, first, epochs, NULL);
        close_panel(&c, from, k == AAE_SLOT_DISC_Z ? "z adversary" : k == AAE_SLOT_DISC_Y ? "y adversary" : NULL);
    }
    for (int m = 0; m < AAE_METRIC_COUNT; m++) {
        /* A y head trained without labels (clustering) has cluster indices,
         * not classes: its class error means nothing; cluster accuracy does. */
        if (!isfinite(last[m]) || (m == AAE_METRIC_CLASS_ERROR && !r->used[AAE_SLOT_CE])) continue;
        size_t from = c.series;
        int shared = isfinite(last_valid[m]);
        /* test and valid: the title names the metric */
        add_series(r, &c, AAE_SLOT_COUNT + m, 0, first, epochs, shared ? "test" : NULL);
        if (shared) add_series(r, &c, AAE_SLOT_COUNT + m, 1, first, epochs, "valid");
        int pixels = r->s->range > 0 && (m == AAE_METRIC_MSE || m == AAE_METRIC_L1);
        snprintf(c.titles[m], sizeof c.titles[m], "%s%s", shared ? metric_names[m] + 5 : metric_names[m],
                 pixels ? ", pixels in [0, 1]" : "");
        close_panel(&c, from, c.titles[m]);
    }
    char path[EX_PATH_MAX];
    int rc = draw_panels(ex_path(path, r->s->a, "loss_curves.png"), c.panels, c.n_panels, c.names, c.v, span,
                         first + 1);
    free(c.v);
    return rc;
}

/* MSE and L1 on pixels in [0, 1] when the session knows the pixels' range. */
static void to_unit_pixels(const ex_session *s, double *m)
{
    if (s->range <= 0) return;
    m[AAE_METRIC_MSE] /= s->range * s->range;
    m[AAE_METRIC_L1] /= s->range;
}

static int on_epoch(void *user, uint64_t epoch0, const float *l, const double *lib_m, double rate)
{
    run *r = user;
    ex_session *s = r->s;
    int epoch = (int)epoch0 + 1;
    double unit[AAE_METRIC_COUNT], *m = lib_m ? unit : NULL;
    for (int k = 0; m && k < AAE_METRIC_COUNT; k++) m[k] = lib_m[k];
    if (m) to_unit_pixels(s, m);
    double seconds = now() - r->t0;
    for (int k = 0; k < AAE_SLOT_COUNT; k++) r->losses[(size_t)epoch0 * AAE_SLOT_COUNT + (size_t)k] = l[k];
    for (int k = 0; k < AAE_METRIC_COUNT; k++)
        s->metrics[k] = r->metrics[(size_t)epoch0 * AAE_METRIC_COUNT + (size_t)k] = m ? m[k] : NAN;
    s->epochs_done = epoch;
    double *v = r->valid + (size_t)epoch0 * AAE_METRIC_COUNT;
    for (int k = 0; k < AAE_METRIC_COUNT; k++) v[k] = NAN;
    if (s->valid) {
        aae_status st = aae_model_evaluate(s->model, s->valid, v);
        if (st != AAE_OK) return ex_report(s->a, "evaluating the validation set", st);
        to_unit_pixels(s, v);
    }
    for (int k = 0; k < AAE_METRIC_COUNT; k++) s->valid_metrics[k] = v[k];
    double extra = NAN;
    if (s->extra_column && s->extra_metric(s, &extra)) return 1;
    if (r->tty) fprintf(stderr, "\r\033[K");
    fprintf(stderr, "epoch %d/%d:", epoch, s->a->epochs);
    print_losses(r, l);
    if (m) {
        fprintf(stderr, " |");
        for (int k = 0; k < AAE_METRIC_COUNT; k++)
            if (isfinite(m[k])) fprintf(stderr, " %s %.4g", metric_names[k], m[k]);
    }
    if (s->valid) {
        fprintf(stderr, " |");
        for (int k = 0; k < AAE_METRIC_COUNT; k++)
            if (isfinite(v[k])) fprintf(stderr, " valid_%s %.4g", metric_names[k] + 5, v[k]);
    }
    if (s->range > 0 && m && isfinite(m[AAE_METRIC_MSE])) fprintf(stderr, " (mse, l1 on pixels in [0, 1])");
    if (s->extra_column && isfinite(extra)) fprintf(stderr, " | %s %.4g", s->extra_column, extra);
    fprintf(stderr, " | %.0f samples/s, %.1f s\n", rate, seconds);
    write_csv_row(r, epoch, rate, seconds, extra);
    if (write_curves(r, epoch) != 0) {
        fprintf(stderr, "%s: writing loss_curves.png failed\n", s->a->prog);
        return 1;
    }
    char path[EX_PATH_MAX], name[256];
    ex_model_name(name, s->a);
    aae_status st = aae_model_save(s->model, ex_path(path, s->a, name));
    if (st != AAE_OK) return ex_report(s->a, "saving the checkpoint", st);
    return s->after_epoch ? s->after_epoch(s, epoch, m) : 0;
}

/* The array and column a log.csv header names: losses, test or validation
 * metrics; NULL for others (epoch, rates). */
static double *log_column(const run *r, const char *name, size_t *k, size_t *stride)
{
    for (size_t i = 0; i < AAE_SLOT_COUNT; i++)
        if (!strcmp(name, slot_names[i])) return *k = i, *stride = AAE_SLOT_COUNT, r->losses;
    for (size_t i = 0; i < AAE_METRIC_COUNT; i++) {
        *k = i, *stride = AAE_METRIC_COUNT;
        if (!strcmp(name, metric_names[i])) return r->metrics;
        if (!strcmp(name, valid_names[i])) return r->valid;
    }
    return NULL;
}

/* A resumed run's earlier epochs from its log.csv, so that loss_curves.png
 * and the summary cover the model's whole life. A log that lacks any of
 * epochs 1..first leaves the curves to this run's epochs. */
static void read_earlier_epochs(run *r)
{
    char path[EX_PATH_MAX], *line = NULL;
    size_t cap = 0, k[CSV_COLUMNS_MAX], stride[CSV_COLUMNS_MAX];
    double *col[CSV_COLUMNS_MAX];
    int seen = 0;
    FILE *f = r->first > 0 ? fopen(ex_path(path, r->s->a, "log.csv"), "r") : NULL;
    if (!f) return;
    size_t n = 0;
    if (getline(&line, &cap, f) > 0)
        for (char *c = strtok(line, ",\n"); c && n < CSV_COLUMNS_MAX; c = strtok(NULL, ",\n"), n++)
            col[n] = log_column(r, c, &k[n], &stride[n]);
    while (getline(&line, &cap, f) > 0) {
        char *c = line, *end;
        long epoch = strtol(c, &end, 10);
        if (end == c || epoch < 1 || epoch > r->first) continue;
        seen++;
        for (size_t i = 1; i < n && *end == ','; i++) {
            c = end + 1;
            double v = strtod(c, &end);
            if (end == c) v = NAN; /* an empty field: not measured */
            if (col[i]) col[i][(size_t)(epoch - 1) * stride[i] + k[i]] = v;
        }
    }
    free(line);
    fclose(f);
    if (seen != r->first) return;
    r->drawn_from = 0;
    for (int m = 0; m < AAE_METRIC_COUNT; m++) {
        r->s->metrics[m] = r->metrics[(size_t)(r->first - 1) * AAE_METRIC_COUNT + (size_t)m];
        r->s->valid_metrics[m] = r->valid[(size_t)(r->first - 1) * AAE_METRIC_COUNT + (size_t)m];
    }
}

static FILE *open_csv(const ex_session *s, int append)
{
    const ex_args *a = s->a;
    char path[EX_PATH_MAX];
    ex_path(path, a, "log.csv");
    if (append && access(path, F_OK) == 0) return fopen(path, "a");
    FILE *f = fopen(path, "w");
    if (!f) return NULL;
    fprintf(f, "epoch");
    for (int k = 0; k < AAE_SLOT_COUNT; k++) fprintf(f, ",%s", slot_names[k]);
    for (int k = 0; k < AAE_METRIC_COUNT; k++) fprintf(f, ",%s", metric_names[k]);
    fprintf(f, ",samples_per_s,seconds");
    for (int k = 0; k < AAE_METRIC_COUNT; k++) fprintf(f, ",valid_%s", metric_names[k] + 5); /* after "test_" */
    if (s->extra_column) fprintf(f, ",%s", s->extra_column);
    fputc('\n', f);
    return f;
}

int ex_train(ex_session *s)
{
    const ex_args *a = s->a;
    run r = {.s = s, .tty = isatty(2)};
    aae_trainer *t = NULL;
    int rc = 1;
    uint64_t steps = 0;
    double started = now(); /* the choice of a start counts in s->seconds */
    for (int k = 0; k < AAE_METRIC_COUNT; k++) s->metrics[k] = s->valid_metrics[k] = NAN;
    s->interrupted = 0;
    if (a->restarts > 1 && aae_model_steps(s->model, &steps) == AAE_OK && steps == 0 && ex_choose_start(s)) return 1;
    find_used_slots(&r);
    r.losses = calloc((size_t)a->epochs * AAE_SLOT_COUNT, sizeof *r.losses);
    r.metrics = calloc((size_t)a->epochs * AAE_METRIC_COUNT, sizeof *r.metrics);
    r.valid = calloc((size_t)a->epochs * AAE_METRIC_COUNT, sizeof *r.valid);
    EX_TRY(a, aae_trainer_create(&t));
    EX_TRY(a, aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, (double)a->batch));
    EX_TRY(a, aae_trainer_set(t, AAE_TRAIN_LABELLED_BATCH, (double)a->batch));
    EX_TRY(a, aae_trainer_set(t, AAE_TRAIN_SEED, (double)a->seed));
    EX_TRY(a, aae_trainer_set(t, AAE_TRAIN_THREADS, a->threads));
    /* Epochs the model has done (a loaded one continues its count). */
    uint64_t done = 0;
    EX_TRY(a, aae_trainer_position(t, s->model, s->train, &done, NULL, NULL));
    r.first = r.drawn_from = done < (uint64_t)a->epochs ? (int)done : a->epochs;
    s->epochs_done = r.first;
    EX_TRY(a, aae_trainer_set(t, AAE_TRAIN_EPOCHS, a->epochs - r.first > 0 ? a->epochs - r.first : 1));
    if (!r.losses || !r.metrics || !r.valid) {
        fprintf(stderr, "%s: out of memory\n", a->prog);
        goto fail;
    }
    for (size_t i = 0; i < (size_t)a->epochs * AAE_METRIC_COUNT; i++) r.metrics[i] = r.valid[i] = NAN;
    read_earlier_epochs(&r);
    r.csv = open_csv(s, r.first > 0);
    if (!r.csv) {
        fprintf(stderr, "%s: cannot start the log in %s: %s\n", a->prog, a->out, strerror(errno));
        goto fail;
    }
    if (a->lr_step) {
        /* Counted over the model's life, so a resumed run decays on time. */
        EX_TRY(a, aae_trainer_set(t, AAE_TRAIN_SCHEDULE, AAE_SCHEDULE_STEP));
        EX_TRY(a, aae_trainer_set(t, AAE_TRAIN_STEP_EPOCHS, (double)a->lr_step));
        EX_TRY(a, aae_trainer_set(t, AAE_TRAIN_GAMMA, a->lr_gamma));
    }
    EX_TRY(a, aae_trainer_set_eval(t, s->eval));
    EX_TRY(a, aae_trainer_set_callbacks(t, on_batch, on_epoch, &r));

    struct sigaction sa = {0}, old;
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    interrupted = 0;
    r.t0 = now();
    aae_status st = AAE_OK;
    if (r.first < a->epochs) st = aae_trainer_fit(t, s->model, s->train, s->labelled);
    else if (r.drawn_from == 0 && write_curves(&r, r.first) != 0) /* nothing left: redraw the log */
        fprintf(stderr, "%s: writing loss_curves.png failed\n", a->prog);
    s->seconds = now() - started;
    sigaction(SIGINT, &old, NULL);
    if (st == AAE_ERR_CANCELLED && interrupted) {
        /* Every finished epoch was saved by on_epoch; keep the partial one. */
        fprintf(stderr, "\n%s: interrupted; keeping what was learnt\n", a->prog);
        s->interrupted = 1;
        char path[EX_PATH_MAX], name[256];
        ex_model_name(name, a);
        EX_TRY(a, aae_model_save(s->model, ex_path(path, a, name)));
    } else if (st != AAE_OK) {
        if (r.tty) fputc('\n', stderr);
        ex_report(a, "training", st);
        goto fail;
    }
    rc = 0;
fail:
    if (r.csv) fclose(r.csv);
    free(r.losses);
    free(r.metrics);
    free(r.valid);
    aae_trainer_free(t);
    return rc;
}
