/* encode, reconstruct and generate: a saved model applied to data (in
 * chunks of CHUNK rows, one scratch buffer) or to the prior. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { CHUNK = 256 };

static int report(const char *what, aae_status st)
{
    fprintf(stderr, CLI_PROG ": %s: %s (%s)\n", what, aae_last_error(), aae_status_string(st));
    return 1;
}

/* --input as a dataset of the model's width. */
static int load_input(const cli *c, const aae_model *m, aae_dataset **ds, size_t *rows, int *has_labels)
{
    size_t width = 0, want = cli_model_size(m, AAE_OPTION_INPUT_WIDTH);
    if (cli_load_data(c, ex_scale_for(m), want, ds)) return -1;
    aae_dataset_shape(*ds, rows, &width, has_labels);
    if (width != want) {
        fprintf(stderr, CLI_PROG ": %s has rows of %zu values; the model %s reads %zu\n", c->input, width,
                c->model, want);
        return -1;
    }
    return 0;
}

/* Runs `op` (encode or reconstruct) over every row of --input and writes
 * the result: for encode z, then the class probabilities of a y head,
 * then the label when the input has labels. */
static int apply(cli *c, int encode)
{
    aae_model *m = cli_load_model(c);
    aae_dataset *ds = NULL;
    float *x = NULL, *out = NULL, *z = NULL, *y = NULL, *scratch = NULL;
    int32_t lab[CHUNK];
    size_t rows = 0, idx[CHUNK];
    int has_labels = 0, rc = 1;
    if (!m || load_input(c, m, &ds, &rows, &has_labels)) goto done;
    size_t width = cli_model_size(m, AAE_OPTION_INPUT_WIDTH), nz = cli_model_size(m, AAE_OPTION_Z_WIDTH);
    double yh = 0, dec = 0;
    aae_model_get(m, AAE_OPTION_Y_HEAD, &yh);
    aae_model_get(m, AAE_OPTION_DECODER_INPUT, &dec);
    size_t ny = (int)yh != AAE_Y_NONE ? cli_model_size(m, AAE_OPTION_CLASSES) : 0;
    size_t cols = encode ? nz + ny + (has_labels ? 1 : 0) : width;
    if (!encode && (int)dec == AAE_DECODE_Z_LABEL && !has_labels) {
        fprintf(stderr, CLI_PROG ": this model's decoder reads the label: give --labels or --label-column\n");
        goto done;
    }
    size_t ns = aae_model_scratch(m, CHUNK);
    x = malloc(CHUNK * width * sizeof *x);
    z = malloc(CHUNK * (nz + ny) * sizeof *z);
    y = malloc(CHUNK * (ny ? ny : 1) * sizeof *y);
    scratch = malloc(ns * sizeof *scratch);
    out = rows <= (size_t)-1 / sizeof *out / cols ? malloc(rows * cols * sizeof *out) : NULL;
    if (!x || !z || !y || !scratch || !out) {
        fprintf(stderr, CLI_PROG ": out of memory for %zu rows of %zu values\n", rows, cols);
        goto done;
    }
    for (size_t r0 = 0; r0 < rows; r0 += CHUNK) {
        size_t n = rows - r0 < CHUNK ? rows - r0 : CHUNK;
        for (size_t i = 0; i < n; i++) idx[i] = r0 + i;
        aae_status st = aae_dataset_get_rows(ds, idx, n, x, lab);
        if (st == AAE_OK && encode) st = aae_model_encode(m, x, n, z, ny ? y : NULL, scratch, ns);
        if (st == AAE_OK && !encode)
            st = aae_model_reconstruct(m, x, has_labels ? lab : NULL, n, out + r0 * cols, scratch, ns);
        if (st != AAE_OK) {
            report(encode ? "encoding" : "reconstructing", st);
            goto done;
        }
        for (size_t i = 0; encode && i < n; i++) {
            memcpy(out + (r0 + i) * cols, z + i * nz, nz * sizeof *z);
            memcpy(out + (r0 + i) * cols + nz, y + i * ny, ny * sizeof *y);
            if (has_labels) out[(r0 + i) * cols + nz + ny] = (float)lab[i];
        }
    }
    float lo = 0, hi = 1;
    cli_output_range(m, out, rows * cols, &lo, &hi);
    cli_columns names = {encode ? "z" : "x", "y", encode ? nz : cols, encode && has_labels ? "label" : NULL};
    if (cli_write_output(c, out, rows, cols, &names, lo, hi)) goto done;
    fprintf(stderr, CLI_PROG ": %zu rows x %zu columns (%s%s%s) written to %s\n", rows, cols,
            encode ? "z" : "reconstructions", encode && ny ? ", class probabilities" : "",
            encode && has_labels ? ", label" : "", c->output);
    rc = 0;
done:
    free(x);
    free(z);
    free(y);
    free(out);
    free(scratch);
    aae_dataset_free(ds);
    aae_model_free(m);
    return rc;
}

int cli_encode(cli *c) { return apply(c, 1); }

int cli_reconstruct(cli *c) { return apply(c, 0); }

int cli_generate(cli *c)
{
    aae_model *m = cli_load_model(c);
    if (!m) return 1;
    size_t width = cli_model_size(m, AAE_OPTION_INPUT_WIDTH), k = cli_model_size(m, AAE_OPTION_CLASSES);
    double dec = 0, guided = 0;
    aae_model_get(m, AAE_OPTION_DECODER_INPUT, &dec);
    aae_model_get(m, AAE_OPTION_PRIOR_LABEL_GUIDED, &guided);
    float *x = c->n <= (size_t)-1 / sizeof *x / width ? malloc(c->n * width * sizeof *x) : NULL;
    int32_t *labels = c->label >= 0 ? malloc(c->n * sizeof *labels) : NULL;
    int rc = 1;
    if (c->label >= 0 && (int)dec == AAE_DECODE_Z && !guided) {
        fprintf(stderr, CLI_PROG ": --label needs a model whose decoder reads a class or whose prior is "
                        "label-guided; %s has neither\n", c->model);
        goto done;
    }
    if (c->label >= 0 && (size_t)c->label >= k) {
        fprintf(stderr, CLI_PROG ": --label %ld: the model has %zu classes (0 to %zu)\n", c->label, k, k - 1);
        goto done;
    }
    if (!x || (c->label >= 0 && !labels)) {
        fprintf(stderr, CLI_PROG ": out of memory for %zu samples of %zu values\n", c->n, width);
        goto done;
    }
    for (size_t i = 0; labels && i < c->n; i++) labels[i] = (int32_t)c->label;
    aae_status st = aae_model_generate(m, c->n, c->a.seed, labels, x, NULL, 0);
    if (st != AAE_OK) {
        report("generating", st);
        goto done;
    }
    float lo = 0, hi = 1;
    cli_output_range(m, x, c->n * width, &lo, &hi);
    cli_columns names = {"x", "x", width, NULL};
    if (cli_write_output(c, x, c->n, width, &names, lo, hi)) goto done;
    fprintf(stderr, CLI_PROG ": %zu samples of %zu values written to %s\n", c->n, width, c->output);
    rc = 0;
done:
    free(x);
    free(labels);
    aae_model_free(m);
    return rc;
}
