/* The input of train, encode and reconstruct as a dataset: IDX files go
 * to the library's loader (bytes stay bytes); .npy, CSV and raw float32
 * rows are read here, with labels from a second file or a column. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* idx, npy, csv or raw: --input-format, else the extension, else IDX's
 * magic (raw only when asked for). */
static const char *format_of(const char *path, const char *given)
{
    if (strcmp(given, "auto")) {
        if (strcmp(given, "idx") && strcmp(given, "npy") && strcmp(given, "csv") && strcmp(given, "raw")) {
            fprintf(stderr, CLI_PROG ": --input-format must be auto, idx, npy, csv or raw, not '%s'\n", given);
            return NULL;
        }
        return given;
    }
    if (cli_ends_with(path, ".npy")) return "npy";
    if (cli_ends_with(path, ".csv") || cli_ends_with(path, ".txt")) return "csv";
    size_t size;
    unsigned char m[4] = {1, 1, 1, 1};
    FILE *f = cli_open_input(path, &size);
    if (!f) return NULL;
    size_t got = fread(m, 1, 4, f);
    fclose(f);
    if (got == 4 && m[0] == 0 && m[1] == 0 && m[2] == 0x08) return "idx";
    fprintf(stderr, CLI_PROG ": cannot tell the format of %s (not .npy, .csv nor IDX): use --input-format\n", path);
    return NULL;
}

static int read_matrix(const char *path, const char *fmt, const char *header, float **x, size_t *rows,
                       size_t *width, int *bytes)
{
    *bytes = 0;
    return !strcmp(fmt, "npy") ? npy_read(path, x, rows, width, bytes) : csv_read(path, header, x, rows, width);
}

/* The first --limit rows of *ds (all if it has fewer) replace it. */
static int limit_rows(const cli *c, aae_dataset **ds)
{
    size_t rows = 0;
    aae_dataset_shape(*ds, &rows, NULL, NULL);
    if (!c->limit || c->limit >= rows) return 0;
    size_t *idx = malloc(c->limit * sizeof *idx);
    aae_dataset *sub = NULL;
    for (size_t i = 0; idx && i < c->limit; i++) idx[i] = i;
    aae_status st = idx ? aae_dataset_subset(*ds, idx, c->limit, &sub) : AAE_ERR_NOMEM;
    free(idx);
    if (st != AAE_OK) {
        fprintf(stderr, CLI_PROG ": --limit: %s (%s)\n", aae_last_error(), aae_status_string(st));
        return -1;
    }
    aae_dataset_free(*ds);
    *ds = sub;
    return 0;
}

/* Whole values in [-1, 2^31) as int32 labels. */
static int to_labels(const char *path, const float *v, size_t n, size_t stride, int32_t *labels)
{
    for (size_t i = 0; i < n; i++) {
        float l = v[i * stride];
        if (l != floorf(l) || l < -1.0f || l >= 2147483648.0f) {
            fprintf(stderr, CLI_PROG ": %s: label of row %zu is %g; labels are whole numbers >= 0 (-1: none)\n",
                    path, i, (double)l);
            return -1;
        }
        labels[i] = (int32_t)l;
    }
    return 0;
}

/* Moves column k of x (rows x *width) into labels; *width shrinks by one. */
static int take_column(const cli *c, float *x, size_t rows, size_t *width, int32_t *labels)
{
    size_t k = (size_t)c->label_column, w = *width;
    if (k >= w || w < 2) {
        fprintf(stderr, CLI_PROG ": --label-column %zu: %s has %zu column%s (numbered from 0), and a label column "
                        "needs another beside it\n", k, c->input, w, w == 1 ? "" : "s");
        return -1;
    }
    if (to_labels(c->input, x + k, rows, w, labels)) return -1;
    size_t o = 0;
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < w; j++)
            if (j != k) x[o++] = x[i * w + j];
    *width = w - 1;
    return 0;
}

static int labels_file(const cli *c, size_t rows, int32_t *labels)
{
    const char *fmt = cli_ends_with(c->labels, ".npy") ? "npy" : cli_ends_with(c->labels, ".csv") ? "csv" : NULL;
    if (!fmt) {
        fprintf(stderr, CLI_PROG ": --labels %s: labels of .npy or CSV data come from a .npy or .csv file\n",
                c->labels);
        return -1;
    }
    float *v = NULL;
    size_t n = 0, w = 0;
    int bytes = 0, rc = read_matrix(c->labels, fmt, c->header, &v, &n, &w, &bytes);
    if (!rc && (n != rows || w != 1)) {
        fprintf(stderr, CLI_PROG ": %s holds %zu x %zu values; %s needs one label for each of its %zu rows\n",
                c->labels, n, w, c->input, rows);
        rc = -1;
    }
    if (!rc) rc = to_labels(c->labels, v, rows, 1, labels);
    free(v);
    return rc;
}

int cli_load_data(const cli *c, aae_scale scale, size_t width, aae_dataset **ds)
{
    const char *fmt = format_of(c->input, c->input_format);
    if (!fmt) return -1;
    if (c->scale >= 0) scale = (aae_scale)c->scale;
    if (!strcmp(fmt, "raw") && !width) {
        fprintf(stderr, CLI_PROG ": raw float32 input has no shape: encode or reconstruct it with a model of "
                        "its width, train on .npy, CSV or IDX\n");
        return -1;
    }
    if (!strcmp(fmt, "raw") && c->label_column >= 0) {
        fprintf(stderr, CLI_PROG ": raw float32 rows hold the model's inputs only: give labels by --labels\n");
        return -1;
    }
    if (!strcmp(fmt, "idx")) {
        if (c->label_column >= 0) {
            fprintf(stderr, CLI_PROG ": --label-column goes with .npy or CSV input; IDX labels come by --labels\n");
            return -1;
        }
        aae_status st = aae_dataset_load_idx(ds, c->input, c->labels, scale);
        if (st != AAE_OK) fprintf(stderr, CLI_PROG ": %s (%s)\n", aae_last_error(), aae_status_string(st));
        return st == AAE_OK ? limit_rows(c, ds) : -1;
    }
    float *x = NULL;
    int32_t *labels = NULL;
    size_t rows = 0;
    int bytes = 0, rc = !strcmp(fmt, "raw") ? raw_read(c->input, width, &x, &rows)
                                            : read_matrix(c->input, fmt, c->header, &x, &rows, &width, &bytes);
    /* uint8 as the library converts IDX bytes, to the same floats. */
    float mul = scale == AAE_SCALE_SYMMETRIC ? 1.0f / 127.5f : 1.0f / 255.0f;
    float add = scale == AAE_SCALE_SYMMETRIC ? -1.0f : 0.0f;
    for (size_t i = 0; !rc && bytes && i < rows * width; i++) x[i] = x[i] * mul + add;
    if (!rc && (c->labels || c->label_column >= 0) && !(labels = malloc(rows * sizeof *labels))) {
        fprintf(stderr, CLI_PROG ": out of memory for %zu labels\n", rows);
        rc = -1;
    }
    if (!rc && c->label_column >= 0) rc = take_column(c, x, rows, &width, labels);
    if (!rc && c->labels) rc = labels_file(c, rows, labels);
    if (!rc) {
        aae_status st = aae_dataset_from_memory(ds, x, labels, rows, width, AAE_COPY);
        if (st != AAE_OK) {
            fprintf(stderr, CLI_PROG ": %s: %s (%s)\n", c->input, aae_last_error(), aae_status_string(st));
            rc = -1;
        }
    }
    free(x);
    free(labels);
    return rc ? rc : limit_rows(c, ds);
}
