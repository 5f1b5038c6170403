/* NumPy .npy files (format versions 1-3): reading float32, float64, uint8,
 * int8, int32 and int64 arrays in C order as rows of floats, and writing
 * float32 rows. Every header field is checked against the file's size
 * before anything is allocated. Also raw little-endian float32 rows. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { MAX_HEADER = 1 << 16, MAX_DIMS = 32 };

typedef struct npy_type {
    const char *descr;
    size_t size;
    char kind; /* f float, u unsigned, i signed */
} npy_type;

static const npy_type types[] = {
    {"<f4", 4, 'f'}, {"<f8", 8, 'f'}, {"|u1", 1, 'u'}, {"<u1", 1, 'u'}, {"u1", 1, 'u'},
    {"|i1", 1, 'i'}, {"<i1", 1, 'i'}, {"<i4", 4, 'i'}, {"<i8", 8, 'i'},
};

/* The value of `key` in the header dict: a pointer just past its colon. */
static const char *field(const char *h, const char *key)
{
    char q[32];
    for (int quote = 0; quote < 2; quote++) {
        snprintf(q, sizeof q, quote ? "\"%s\"" : "'%s'", key);
        const char *p = strstr(h, q);
        if (!p) continue;
        p += strlen(q);
        while (*p == ' ') p++;
        if (*p != ':') return NULL;
        p++;
        while (*p == ' ') p++;
        return p;
    }
    return NULL;
}

static int bad(const char *path, const char *what)
{
    fprintf(stderr, CLI_PROG ": %s: not a valid .npy file: %s\n", path, what);
    return -1;
}

/* Parses the header dict: type, C order, shape as rows x width. */
static int parse_header(const char *path, const char *h, const npy_type **type, size_t *rows, size_t *width)
{
    const char *d = field(h, "descr"), *fo = field(h, "fortran_order"), *sh = field(h, "shape");
    if (!d || !fo || !sh) return bad(path, "the header lacks descr, fortran_order or shape");
    char quote = *d++, descr[16];
    size_t n = 0;
    while (d[n] && d[n] != quote && n < sizeof descr - 1) descr[n] = d[n], n++;
    descr[n] = '\0';
    if ((quote != '\'' && quote != '"') || d[n] != quote) return bad(path, "descr is not a short string");
    *type = NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(descr, types[i].descr)) *type = &types[i];
    if (!*type) {
        fprintf(stderr, CLI_PROG ": %s: dtype '%s' is not supported (float32, float64, uint8, int8, int32 or "
                        "int64, little-endian)\n", path, descr);
        return -1;
    }
    if (!strncmp(fo, "True", 4)) {
        fprintf(stderr, CLI_PROG ": %s: Fortran-order arrays are not supported (save with "
                        "numpy.ascontiguousarray)\n", path);
        return -1;
    }
    if (strncmp(fo, "False", 5)) return bad(path, "fortran_order is neither True nor False");
    if (*sh++ != '(') return bad(path, "shape is not a tuple");
    size_t dims[MAX_DIMS], nd = 0;
    for (;;) {
        while (*sh == ' ') sh++;
        if (*sh == ')') break;
        if (*sh < '0' || *sh > '9' || nd == MAX_DIMS) return bad(path, "shape holds something other than sizes");
        char *end;
        errno = 0;
        unsigned long long v = strtoull(sh, &end, 10);
        if (errno || v > (size_t)-1) return bad(path, "a dimension is too large");
        dims[nd++] = (size_t)v;
        sh = end;
        while (*sh == ' ') sh++;
        if (*sh == ',') sh++;
        else if (*sh != ')') return bad(path, "shape is malformed");
    }
    if (nd == 0) return bad(path, "a scalar, not an array of rows");
    *rows = dims[0];
    *width = 1;
    for (size_t i = 1; i < nd; i++) {
        if (dims[i] && *width > (size_t)-1 / dims[i]) return bad(path, "the shape overflows");
        *width *= dims[i];
    }
    if (!*rows || !*width) {
        fprintf(stderr, CLI_PROG ": %s: the array is empty\n", path);
        return -1;
    }
    return 0;
}

static float convert(const unsigned char *b, const npy_type *t)
{
    uint64_t u = 0;
    for (size_t k = 0; k < t->size; k++) u |= (uint64_t)b[k] << (8 * k);
    if (t->kind == 'u') return (float)u;
    if (t->kind == 'f' && t->size == 4) {
        uint32_t w = (uint32_t)u;
        float f;
        memcpy(&f, &w, sizeof f);
        return f;
    }
    if (t->kind == 'f') {
        double d;
        memcpy(&d, &u, sizeof d);
        return (float)d;
    }
    if (t->size == 1) return (float)(int8_t)u;
    if (t->size == 4) return (float)(int32_t)(uint32_t)u;
    return (float)(int64_t)u;
}

/* count values of type t from raw into x, each finite. 0, or -1 after
 * naming the row and column (of rows of `width`). */
static int to_floats(const char *path, const unsigned char *raw, const npy_type *t, size_t count, size_t width,
                     float *x)
{
    for (size_t i = 0; i < count; i++) {
        float v = convert(raw + i * t->size, t);
        if (!isfinite(v)) {
            fprintf(stderr, CLI_PROG ": %s: row %zu column %zu is %s (not a finite float32)\n", path, i / width,
                    i % width, isnan(v) ? "NaN" : "infinite or too large");
            return -1;
        }
        x[i] = v;
    }
    return 0;
}

/* The next count values of type t in f (rows of `width`) as newly
 * allocated floats in *x (NULL on failure, with a message). */
static int read_values(FILE *f, const char *path, const npy_type *t, size_t count, size_t width, float **x)
{
    size_t data = count * t->size;
    unsigned char *raw = malloc(data);
    int rc = -1;
    *x = malloc(count * sizeof **x);
    if (!raw || !*x)
        fprintf(stderr, CLI_PROG ": %s: out of memory for %zu values\n", path, count);
    else if (fread(raw, 1, data, f) != data)
        fprintf(stderr, CLI_PROG ": cannot read %s: %s\n", path, ferror(f) ? strerror(errno) : "it ended early");
    else
        rc = to_floats(path, raw, t, count, width, *x);
    if (rc) {
        free(*x);
        *x = NULL;
    }
    free(raw);
    return rc;
}

int npy_read(const char *path, float **x, size_t *rows, size_t *width, int *bytes)
{
    size_t size = 0, hlen = 0;
    FILE *f = cli_open_input(path, &size);
    if (!f) return -1;
    unsigned char pre[12];
    char *h = NULL;
    int rc = -1;
    const npy_type *t = NULL;
    *x = NULL;
    if (size < 10 || fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6)) {
        bad(path, "it does not start with the .npy magic");
        goto done;
    }
    size_t pre_len = pre[6] == 1 ? 10 : 12;
    if (pre[6] < 1 || pre[6] > 3) {
        bad(path, "unknown format version");
        goto done;
    }
    if (pre_len == 12 && fread(pre + 10, 1, 2, f) != 2) {
        bad(path, "it ends inside the header");
        goto done;
    }
    hlen = pre_len == 10 ? (size_t)pre[8] | (size_t)pre[9] << 8
                         : (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    if (hlen > MAX_HEADER || hlen > size - pre_len) {
        bad(path, "the header length exceeds the file");
        goto done;
    }
    if (!(h = malloc(hlen + 1)) || fread(h, 1, hlen, f) != hlen) {
        bad(path, "the header cannot be read");
        goto done;
    }
    h[hlen] = '\0';
    if (strlen(h) != hlen) {
        bad(path, "the header holds a NUL byte");
        goto done;
    }
    if (parse_header(path, h, &t, rows, width)) goto done;
    size_t data = size - pre_len - hlen, count = *rows;
    if (count > (size_t)-1 / *width || count * *width > data / t->size || count * *width * t->size != data) {
        fprintf(stderr, CLI_PROG ": %s: the shape (%zu rows of %zu) needs %s bytes of data, the file has %zu\n",
                path, *rows, *width, count > (size_t)-1 / *width ? "more" : "other", data);
        goto done;
    }
    if (bytes) *bytes = t->kind == 'u';
    rc = read_values(f, path, t, count * *width, *width, x);
done:
    free(h);
    fclose(f);
    return rc;
}

int npy_write(FILE *f, const float *x, size_t rows, size_t cols)
{
    char dict[160];
    int n = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%zu, %zu), }",
                     rows, cols);
    size_t total = 10 + (size_t)n + 1, pad = (64 - total % 64) % 64, hlen = (size_t)n + pad + 1;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hlen & 0xff),
                             (unsigned char)(hlen >> 8)};
    if (fwrite(pre, 1, 10, f) != 10 || fwrite(dict, 1, (size_t)n, f) != (size_t)n) return -1;
    for (size_t i = 0; i < pad; i++) fputc(' ', f);
    fputc('\n', f);
    for (size_t i = 0; i < rows * cols; i++) {
        uint32_t u;
        memcpy(&u, &x[i], sizeof u);
        unsigned char b[4] = {(unsigned char)u, (unsigned char)(u >> 8), (unsigned char)(u >> 16),
                              (unsigned char)(u >> 24)};
        fwrite(b, 1, 4, f);
    }
    return ferror(f) ? -1 : 0;
}

int raw_read(const char *path, size_t width, float **x, size_t *rows)
{
    size_t size = 0;
    FILE *f = cli_open_input(path, &size);
    if (!f) return -1;
    int rc = -1;
    *x = NULL;
    if (!size) {
        fprintf(stderr, CLI_PROG ": %s is empty\n", path);
        goto done;
    }
    if (size % (width * 4) != 0) {
        fprintf(stderr, CLI_PROG ": %s (%zu bytes) is not a whole number of rows of %zu float32 values\n", path,
                size, width);
        goto done;
    }
    if (read_values(f, path, &types[0], size / 4, width, x)) goto done; /* types[0]: <f4 */
    *rows = size / (width * 4);
    rc = 0;
done:
    fclose(f);
    return rc;
}
