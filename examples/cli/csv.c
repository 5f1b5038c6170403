/* Numeric CSV: reading rows of numbers (an optional header line, every
 * row as many fields as the first, every value finite), and writing rows
 * with a header of column names. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Parses one field [s, end) as a finite number; 0, or -1 with *why set. */
static int number(const char *s, const char *end, float *v, const char **why)
{
    while (s < end && (*s == ' ' || *s == '\t')) s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t')) end--;
    if (s == end) return *why = "is empty", -1;
    char buf[64], *stop;
    size_t n = (size_t)(end - s);
    if (n >= sizeof buf) return *why = "is not a number", -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    double d = strtod(buf, &stop);
    if (*stop) return *why = "is not a number", -1;
    if (!isfinite(d) || fabs(d) > 3.4028234663852886e38) return *why = "is not finite (NaN, inf or beyond float32)", -1;
    *v = (float)d;
    return 0;
}

/* Fields in line [s, end). */
static size_t count_fields(const char *s, const char *end)
{
    size_t n = 1;
    for (; s < end; s++) n += *s == ',';
    return n;
}

int csv_read(const char *path, const char *header, float **x, size_t *rows, size_t *cols)
{
    size_t size = 0;
    FILE *f = cli_open_input(path, &size);
    if (!f) return -1;
    char *buf = malloc(size + 1);
    int rc = -1;
    *x = NULL;
    if (!buf || fread(buf, 1, size, f) != size) {
        fprintf(stderr, CLI_PROG ": cannot read %s: %s\n", path, buf ? strerror(errno) : "out of memory");
        goto done;
    }
    buf[size] = '\0';
    if (strlen(buf) != size) {
        fprintf(stderr, CLI_PROG ": %s: a NUL byte: not a text file\n", path);
        goto done;
    }
    /* Blank lines at the end do not count; a last line without newline does. */
    float *v = NULL;
    size_t n = 0, width = 0, line = 0, filled = 0, cap = 0;
    for (char *p = buf; p && *p; line++) {
        char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
        char *e = end;
        if (e > p && e[-1] == '\r') e--;
        int blank = e == p;
        if (!blank) {
            size_t k = count_fields(p, e);
            int skip = 0;
            if (n == 0 && !width) {
                /* The first line: a header? */
                float tmp;
                const char *why = NULL;
                const char *fs = p;
                int numeric = 1;
                for (size_t j = 0; j < k; j++) {
                    const char *fe = memchr(fs, ',', (size_t)(e - fs));
                    if (!fe) fe = e;
                    if (number(fs, fe, &tmp, &why)) numeric = 0;
                    fs = fe + 1;
                }
                skip = !strcmp(header, "1") || (!strcmp(header, "auto") && !numeric);
                width = k;
            }
            if (!skip) {
                if (k != width) {
                    fprintf(stderr, CLI_PROG ": %s: line %zu has %zu field%s, the first line has %zu\n", path,
                            line + 1, k, k == 1 ? "" : "s", width);
                    goto done_v;
                }
                if (filled + k > cap) {
                    size_t grown = cap ? 2 * cap : 1024 + k;
                    float *g = grown < (size_t)-1 / sizeof *v ? realloc(v, grown * sizeof *v) : NULL;
                    if (!g) {
                        fprintf(stderr, CLI_PROG ": %s: out of memory\n", path);
                        goto done_v;
                    }
                    v = g;
                    cap = grown;
                }
                const char *fs = p;
                for (size_t j = 0; j < k; j++) {
                    const char *fe = memchr(fs, ',', (size_t)(e - fs)), *why = NULL;
                    if (!fe) fe = e;
                    if (number(fs, fe, &v[filled + j], &why)) {
                        fprintf(stderr, CLI_PROG ": %s: line %zu, column %zu: '%.*s' %s\n", path, line + 1,
                                j + 1, (int)(fe - fs > 40 ? 40 : fe - fs), fs, why);
                        goto done_v;
                    }
                    fs = fe + 1;
                }
                filled += k;
                n++;
            }
        } else if (nl) {
            /* A blank line inside the data is ragged input. */
            char *q = nl + 1;
            while (*q == '\n' || *q == '\r') q++;
            if (*q) {
                fprintf(stderr, CLI_PROG ": %s: line %zu is empty\n", path, line + 1);
                goto done_v;
            }
        }
        p = nl ? nl + 1 : NULL;
    }
    if (!n) {
        fprintf(stderr, CLI_PROG ": %s holds no rows of numbers\n", path);
        goto done_v;
    }
    *x = v;
    v = NULL;
    *rows = n;
    *cols = width;
    rc = 0;
done_v:
    free(v);
done:
    free(buf);
    fclose(f);
    return rc;
}

int csv_write(FILE *f, const float *x, size_t rows, size_t cols, const cli_columns *names)
{
    const cli_columns *c = names;
    for (size_t j = 0; j < cols; j++)
        if (c->last && j + 1 == cols) fprintf(f, "%s%s", j ? "," : "", c->last);
        else fprintf(f, "%s%s%zu", j ? "," : "", j < c->split ? c->p0 : c->p1, j < c->split ? j : j - c->split);
    fputc('\n', f);
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++) fprintf(f, j + 1 < cols ? "%.9g," : "%.9g\n", (double)x[i * cols + j]);
    return ferror(f) ? -1 : 0;
}
