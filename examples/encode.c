/* Feature extraction from the command line: loads a saved model and writes
 * the code of every row of an IDX images file or a raw float32 file as CSV
 * or NumPy .npy: z (the posterior mean for a Gaussian posterior), then the
 * class probabilities when the model has a y head, then the label when an
 * IDX labels file is given.
 *
 *   encode --model out/aae/aae.model --input data/mnist/t10k-images-idx3-ubyte \
 *          --output features.npy
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ex.h"

enum { CHUNK = 256 };

typedef struct sink {
    FILE *f;
    int npy;
    size_t cols;
} sink;

/* A .npy version 1.0 header for a little-endian float32 rows x cols array,
 * padded so the data starts at a multiple of 64 bytes. */
static int write_npy_header(FILE *f, size_t rows, size_t cols)
{
    char dict[128];
    int n = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%zu, %zu), }",
                     rows, cols);
    size_t total = 10 + (size_t)n + 1, pad = (64 - total % 64) % 64, hlen = (size_t)n + pad + 1;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hlen & 0xff),
                             (unsigned char)(hlen >> 8)};
    if (fwrite(pre, 1, 10, f) != 10 || fwrite(dict, 1, (size_t)n, f) != (size_t)n) return -1;
    for (size_t i = 0; i < pad; i++) fputc(' ', f);
    return fputc('\n', f) == EOF ? -1 : 0;
}

static void write_value(const sink *s, float v, int last)
{
    if (s->npy) {
        uint32_t u;
        memcpy(&u, &v, sizeof u);
        unsigned char b[4] = {(unsigned char)u, (unsigned char)(u >> 8), (unsigned char)(u >> 16),
                              (unsigned char)(u >> 24)};
        fwrite(b, 1, 4, s->f);
    } else {
        fprintf(s->f, last ? "%.9g\n" : "%.9g,", (double)v);
    }
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* A dataset over a raw file of little-endian float32 rows of `width`. */
static aae_status load_raw(const char *path, size_t width, aae_dataset **ds)
{
    FILE *f = fopen(path, "rb");
    if (!f) return AAE_ERR_IO;
    float *x = NULL;
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    aae_status st = AAE_ERR_FORMAT;
    if (size > 0 && (size_t)size % (width * sizeof(float)) == 0 && fseek(f, 0, SEEK_SET) == 0) {
        size_t rows = (size_t)size / (width * sizeof(float));
        x = malloc((size_t)size);
        if (!x) st = AAE_ERR_NOMEM;
        else if (fread(x, sizeof(float), rows * width, f) != rows * width) st = AAE_ERR_IO;
        else st = aae_dataset_from_memory(ds, x, NULL, rows, width, AAE_COPY);
    }
    if (st == AAE_ERR_FORMAT)
        fprintf(stderr, "encode: %s is not a whole number of rows of %zu float32 values\n", path, width);
    free(x);
    fclose(f);
    return st;
}

int main(int argc, char **argv)
{
    ex_args a = ex_defaults("encode", 0);
    const char *model_path = NULL, *input = NULL, *labels_path = NULL, *output = "-", *format = "auto",
               *scale = "auto";
    int raw = 0;
    const ex_opt extra[] = {
        {"model", 's', &model_path, "saved model (aae_model_save), required"},
        {"input", 's', &input, "IDX images file, or raw float32 rows with --raw 1; required"},
        {"raw", 'i', &raw, "1: --input is raw little-endian float32 rows of the model's input width"},
        {"labels", 's', &labels_path, "IDX labels file for an IDX input: adds a label column"},
        {"output", 's', &output, "output file; - is standard output"},
        {"format", 's', &format, "csv, npy, or auto (npy for a .npy output, else csv)"},
        {"scale", 's', &scale, "IDX bytes to [0,1] (unit), [-1,1] (symmetric), or auto: as the model's output"},
        {NULL, 0, NULL, NULL},
    };
    int p = ex_parse(argc, argv, &a, "Writes a saved model's codes of a dataset as CSV or .npy.", extra);
    if (p) return p == 1 ? 0 : 2;
    if (!model_path || !input) {
        fprintf(stderr, "encode: --model and --input are required (see --help)\n");
        return 2;
    }
    int npy = !strcmp(format, "npy") || (!strcmp(format, "auto") && ends_with(output, ".npy"));
    if (strcmp(format, "npy") && strcmp(format, "csv") && strcmp(format, "auto")) {
        fprintf(stderr, "encode: --format must be csv, npy or auto\n");
        return 2;
    }
    if (strcmp(scale, "auto") && strcmp(scale, "unit") && strcmp(scale, "symmetric")) {
        fprintf(stderr, "encode: --scale must be unit, symmetric or auto\n");
        return 2;
    }
    if (raw && labels_path) {
        fprintf(stderr, "encode: --labels goes with an IDX input only\n");
        return 2;
    }
    if (ex_setup(&a)) return 1;

    aae_model *model = NULL;
    aae_dataset *ds = NULL;
    float *x = NULL, *z = NULL, *y = NULL, *scratch = NULL;
    int32_t lab[CHUNK];
    sink out = {NULL, npy, 0};
    int rc = 1;
    EX_TRY(&a, aae_model_load(&model, model_path));
    double zw, in, yhead, k;
    aae_model_get(model, AAE_OPTION_Z_WIDTH, &zw);
    aae_model_get(model, AAE_OPTION_INPUT_WIDTH, &in);
    aae_model_get(model, AAE_OPTION_Y_HEAD, &yhead);
    aae_model_get(model, AAE_OPTION_CLASSES, &k);
    size_t width = (size_t)in, nz = (size_t)zw, ny = yhead != AAE_Y_NONE ? (size_t)k : 0;
    aae_scale sc = !strcmp(scale, "unit") ? AAE_SCALE_UNIT
                 : !strcmp(scale, "symmetric") ? AAE_SCALE_SYMMETRIC : ex_scale_for(model);
    if (raw) EX_TRY(&a, load_raw(input, width, &ds));
    else EX_TRY(&a, aae_dataset_load_idx(&ds, input, labels_path, sc));
    size_t rows, dw;
    EX_TRY(&a, aae_dataset_shape(ds, &rows, &dw, NULL));
    if (dw != width) {
        fprintf(stderr, "encode: %s has rows of %zu values, the model reads %zu\n", input, dw, width);
        goto fail;
    }

    /* One scratch for every chunk: encoding allocates nothing per call. */
    size_t ns = aae_model_scratch(model, CHUNK);
    x = malloc(CHUNK * width * sizeof *x);
    z = malloc(CHUNK * nz * sizeof *z);
    y = malloc(CHUNK * (ny ? ny : 1) * sizeof *y);
    scratch = malloc(ns * sizeof *scratch);
    out.f = !strcmp(output, "-") ? stdout : fopen(output, npy ? "wb" : "w");
    if (!x || !z || !y || !scratch || !out.f) {
        fprintf(stderr, "encode: cannot write %s or out of memory\n", output);
        goto fail;
    }
    out.cols = nz + ny + (labels_path ? 1 : 0);
    if (npy) {
        if (write_npy_header(out.f, rows, out.cols)) goto io_fail;
    } else {
        for (size_t j = 0; j < nz; j++) fprintf(out.f, j ? ",z%zu" : "z%zu", j);
        for (size_t j = 0; j < ny; j++) fprintf(out.f, ",y%zu", j);
        fprintf(out.f, labels_path ? ",label\n" : "\n");
    }
    for (size_t r0 = 0; r0 < rows; r0 += CHUNK) {
        size_t n = rows - r0 < CHUNK ? rows - r0 : CHUNK, idx[CHUNK];
        for (size_t i = 0; i < n; i++) idx[i] = r0 + i;
        EX_TRY(&a, aae_dataset_get_rows(ds, idx, n, x, lab));
        EX_TRY(&a, aae_model_encode(model, x, n, z, ny ? y : NULL, scratch, ns));
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < nz; j++) write_value(&out, z[i * nz + j], j + 1 == out.cols);
            for (size_t j = 0; j < ny; j++) write_value(&out, y[i * ny + j], nz + j + 1 == out.cols);
            if (labels_path) write_value(&out, (float)lab[i], 1);
        }
    }
    if (ferror(out.f) || fflush(out.f) != 0) goto io_fail;
    if (out.f != stdout && fclose(out.f) != 0) {
        out.f = NULL;
        goto io_fail;
    }
    out.f = NULL;
    fprintf(stderr, "encode: %zu rows x %zu columns (z %zu%s%s) written to %s\n", rows, out.cols, nz,
            ny ? ", class probabilities" : "", labels_path ? ", label" : "", output);
    rc = 0;
    goto fail;
io_fail:
    fprintf(stderr, "encode: writing %s failed\n", output);
fail:
    if (out.f && out.f != stdout) fclose(out.f);
    free(x);
    free(z);
    free(y);
    free(scratch);
    aae_dataset_free(ds);
    aae_model_free(model);
    return rc;
}
