/* Feature extraction from the command line: loads a saved model and writes
 * the code of every row of an IDX images file or a raw float32 file as CSV
 * or NumPy .npy: z (the posterior mean for a Gaussian posterior), then the
 * class probabilities when the model has a y head, then the label when an
 * IDX labels file is given.
 *
 *   encode --model out/aae/aae.model --input data/mnist/t10k-images-idx3-ubyte \
 *          --output features.npy
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* The size of an open regular file in bytes, or -1 (errno set). */
static long file_size(FILE *f)
{
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0) return -1;
    if (!S_ISREG(sb.st_mode)) {
        errno = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
        return -1;
    }
    return sb.st_size <= LONG_MAX ? (long)sb.st_size : (errno = EFBIG, -1);
}

/* Reads a raw file of little-endian float32 rows of `width` into a new
 * dataset. 0, or 1 after saying which file failed and why. */
static int load_raw(const char *path, size_t width, aae_dataset **ds)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "encode: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    errno = 0;
    long size = file_size(f);
    float *x = NULL;
    int rc = 1;
    if (size < 0 || ferror(f))
        fprintf(stderr, "encode: cannot read %s: %s\n", path, strerror(errno ? errno : EIO));
    else if (size == 0)
        fprintf(stderr, "encode: %s is empty\n", path);
    else if ((size_t)size % (width * sizeof(float)) != 0)
        fprintf(stderr, "encode: %s (%ld bytes) is not a whole number of rows of %zu float32 values\n", path,
                size, width);
    else if (!(x = malloc((size_t)size)))
        fprintf(stderr, "encode: out of memory reading %s (%ld bytes)\n", path, size);
    else if (fread(x, 1, (size_t)size, f) != (size_t)size)
        fprintf(stderr, "encode: cannot read %s: %s\n", path, ferror(f) ? strerror(errno) : "it ended early");
    else if (aae_dataset_from_memory(ds, x, NULL, (size_t)size / (width * sizeof(float)), width, AAE_COPY) != AAE_OK)
        fprintf(stderr, "encode: %s: %s\n", path, aae_last_error());
    else
        rc = 0;
    free(x);
    fclose(f);
    return rc;
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
    int named_scale = -1; /* aae_scale by the library's names: unit, symmetric */
    if (strcmp(scale, "auto") && aae_enum_value("aae_scale", scale, &named_scale) != AAE_OK) {
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
    aae_status st = aae_model_load(&model, model_path);
    if (st != AAE_OK) {
        ex_report(&a, "loading the model", st);
        goto fail;
    }
    double zw, in, yhead, k;
    aae_model_get(model, AAE_OPTION_Z_WIDTH, &zw);
    aae_model_get(model, AAE_OPTION_INPUT_WIDTH, &in);
    aae_model_get(model, AAE_OPTION_Y_HEAD, &yhead);
    aae_model_get(model, AAE_OPTION_CLASSES, &k);
    size_t width = (size_t)in, nz = (size_t)zw, ny = yhead != AAE_Y_NONE ? (size_t)k : 0;
    aae_scale sc = named_scale >= 0 ? (aae_scale)named_scale : ex_scale_for(model);
    if (raw && load_raw(input, width, &ds)) goto fail;
    if (!raw && (st = aae_dataset_load_idx(&ds, input, labels_path, sc)) != AAE_OK) {
        ex_report(&a, labels_path ? "loading the IDX images and labels" : "loading the IDX images", st);
        goto fail;
    }
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
    if (!out.f) {
        fprintf(stderr, "encode: cannot open %s for writing: %s\n", output, strerror(errno));
        goto fail;
    }
    if (!x || !z || !y || !scratch) {
        fprintf(stderr, "encode: out of memory for chunks of %d rows\n", CHUNK);
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
    fprintf(stderr, "encode: writing %s failed: %s\n", output, errno ? strerror(errno) : "output error");
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
