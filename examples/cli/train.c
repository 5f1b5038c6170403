/* train: a preset with --set options on the input's width, trained by the
 * examples' session (progress line, log.csv, the model saved every epoch
 * as <out>/model.aae, --resume 1), with a validation split and, for a
 * semi-supervised model, its labelled rows as the labelled set. */
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

static int report(const char *what, aae_status st)
{
    fprintf(stderr, CLI_PROG ": %s: %s (%s)\n", what, aae_last_error(), aae_status_string(st));
    return -1;
}

/* The builder: the preset, --seed, every --set, --hidden and --batchnorm. */
static int configure(const cli *c, aae_builder **b, int *width_given)
{
    aae_preset preset;
    if (ex_preset_from_name(CLI_PROG, c->preset, &preset)) return -1;
    aae_status st = aae_builder_create(b, preset);
    if (st == AAE_OK) st = aae_builder_set(*b, AAE_OPTION_SEED, (double)c->a.seed);
    if (st != AAE_OK) return report("creating the builder", st);
    for (size_t i = 0; i < c->n_settings; i++) {
        char name[64];
        st = aae_builder_set(*b, c->settings[i].option, c->settings[i].value);
        if (st != AAE_OK) return report(ex_option_name(c->settings[i].option, name, sizeof name), st);
        *width_given |= c->settings[i].option == AAE_OPTION_INPUT_WIDTH;
    }
    for (int p = 0; p < 2 && (c->a.hidden || c->a.batchnorm); p++) {
        st = ex_reshape_layers(*b, p ? AAE_PART_DECODER : AAE_PART_ENCODER, c->a.batchnorm, c->a.hidden);
        if (st != AAE_OK) return report("--hidden / --batchnorm", st);
    }
    return 0;
}

/* The labelled rows of ds (label >= 0) as a new dataset. */
static int labelled_rows(const aae_dataset *ds, aae_dataset **out)
{
    size_t rows = 0, width = 0, n = 0, idx[256];
    aae_dataset_shape(ds, &rows, &width, NULL);
    size_t *keep = malloc(rows * sizeof *keep);
    float *x = malloc(256 * width * sizeof *x);
    int32_t lab[256];
    aae_status st = keep && x ? AAE_OK : AAE_ERR_NOMEM;
    for (size_t r0 = 0; st == AAE_OK && r0 < rows; r0 += 256) {
        size_t k = rows - r0 < 256 ? rows - r0 : 256;
        for (size_t i = 0; i < k; i++) idx[i] = r0 + i;
        st = aae_dataset_get_rows(ds, idx, k, x, lab);
        for (size_t i = 0; st == AAE_OK && i < k; i++)
            if (lab[i] >= 0) keep[n++] = r0 + i;
    }
    if (st == AAE_OK && !n) {
        fprintf(stderr, CLI_PROG ": a semi-supervised model needs some labelled rows (label >= 0)\n");
        st = AAE_ERR_INVALID_ARGUMENT;
    } else if (st == AAE_OK) {
        st = aae_dataset_subset(ds, keep, n, out);
        if (st != AAE_OK) report("the labelled rows", st);
    } else {
        report("reading labels", st);
    }
    free(keep);
    free(x);
    return st == AAE_OK ? 0 : -1;
}

static int needs_labels(const aae_model *m)
{
    double dec = 0, sup = 0, guided = 0;
    aae_model_get(m, AAE_OPTION_DECODER_INPUT, &dec);
    aae_model_get(m, AAE_OPTION_Y_SUPERVISED, &sup);
    aae_model_get(m, AAE_OPTION_PRIOR_LABEL_GUIDED, &guided);
    return (int)dec == AAE_DECODE_Z_LABEL || (int)sup != AAE_SUPERVISE_NONE || guided;
}

int cli_train(cli *c)
{
    ex_args *a = &c->a;
    aae_builder *b = NULL;
    aae_model *m = NULL;
    aae_dataset *ds = NULL, *rest = NULL, *valid = NULL, *labelled = NULL;
    char path[EX_PATH_MAX], name[256];
    int width_given = 0, rc = 1, has_labels = 0;
    size_t rows = 0, width = 0;
    double want = 0, out = AAE_OUTPUT_SIGMOID;
    if (configure(c, &b, &width_given)) goto done;
    ex_path(path, a, ex_model_name(name, a));
    aae_status st = a->resume && access(path, F_OK) == 0 ? aae_model_load(&m, path) : AAE_OK;
    if (st != AAE_OK) {
        report("resuming the saved model", st);
        goto done;
    }
    aae_builder_get(b, AAE_OPTION_OUTPUT, &out);
    if (cli_load_data(c, m ? ex_scale_for(m) : (int)out == AAE_OUTPUT_TANH ? AAE_SCALE_SYMMETRIC : AAE_SCALE_UNIT,
                      0, &ds))
        goto done;
    aae_dataset_shape(ds, &rows, &width, &has_labels);
    aae_builder_get(b, AAE_OPTION_INPUT_WIDTH, &want);
    if (width_given && (size_t)want != width) {
        fprintf(stderr, CLI_PROG ": --set input_width=%g, but %s has rows of %zu values\n", want, c->input, width);
        goto done;
    }
    st = aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, (double)width);
    if (st != AAE_OK) {
        report(c->input, st);
        goto done;
    }
    if (m) {
        if (ex_check_resumed(a, path, m, b)) goto done;
        fprintf(stderr, CLI_PROG ": resuming %s\n", path);
    } else if ((st = aae_builder_build(b, &m)) != AAE_OK) {
        report("building the model", st);
        goto done;
    }
    if (needs_labels(m) && !has_labels) {
        fprintf(stderr, CLI_PROG ": preset %s reads labels: give --labels FILE or --label-column K\n", c->preset);
        goto done;
    }
    if (c->valid && c->valid >= rows) {
        fprintf(stderr, CLI_PROG ": --valid %zu leaves no training rows (%s has %zu)\n", c->valid, c->input, rows);
        goto done;
    }
    if (c->valid && (st = aae_dataset_split(ds, c->valid, a->seed, &rest, &valid)) != AAE_OK) {
        report("--valid", st);
        goto done;
    }
    const aae_dataset *train = rest ? rest : ds;
    double sup = 0;
    aae_model_get(m, AAE_OPTION_Y_SUPERVISED, &sup);
    if ((int)sup == AAE_SUPERVISE_PHASE && labelled_rows(train, &labelled)) goto done;
    if (ex_setup(a)) goto done;
    ex_session s = {.a = a, .model = m, .train = train, .labelled = labelled, .valid = valid};
    if (ex_train(&s)) goto done;
    printf(CLI_PROG ": %d epochs in %.1f s; model %s, log %s/log.csv\n", s.epochs_done, s.seconds, path, a->out);
    rc = 0;
done:
    aae_dataset_free(labelled);
    aae_dataset_free(valid);
    aae_dataset_free(rest);
    aae_dataset_free(ds);
    aae_model_free(m);
    aae_builder_free(b);
    return rc;
}
