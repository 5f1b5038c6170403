/* Curves from CSV files on one panel: a chosen y column against a chosen x
 * column (by header name) of each --series, with reference points given on
 * the command line drawn as squares, and a legend. Empty cells (log.csv
 * leaves the columns a model does not use empty) are skipped. A --band is
 * the mean of several files' columns (runs of several seeds) with their
 * minimum to maximum shaded, at the x values every file has.
 *
 *   plot_curves --out docs/img/semi100.png --title "100 labels: test error" \
 *       --log-x 1 --y-scale 100 --y-label "test error (%)" \
 *       --series "libaae=out/semi_supervised_aae/log.csv:test_class_error" \
 *       --points "paper=1:16.5,50:3.4,500:2.21,5000:1.8"
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/draw.h"

enum { MAX_SERIES = 32 };

typedef struct options {
    const char *out, *title, *x, *y, *x_label, *y_label;
    int log_x, log_y;
    double y_scale;
    size_t width, height;
    const char *series[MAX_SERIES], *points[MAX_SERIES], *bands[MAX_SERIES];
    size_t n_series, n_points, n_bands;
} options;

/* An option: 's' text, 'i' 0 or 1, 'f' a finite number, 'z' pixels,
 * 'm' text that may be repeated (up to MAX_SERIES times). */
typedef struct opt {
    const char *name;
    char type;
    void *ptr;
    const char *help;
} opt;

static void usage(const opt *o)
{
    printf("usage: plot_curves [options]\n"
           "Draws CSV columns against another column (by header name) on one panel with a legend.\n\n"
           "options (default in brackets):\n");
    for (; o->name; o++) {
        printf("  --%-10s %s", o->name, o->help);
        if (o->type == 's') printf(" [%s]", *(const char **)o->ptr ? *(const char **)o->ptr : "none");
        if (o->type == 'i') printf(" [%d]", *(int *)o->ptr);
        if (o->type == 'f') printf(" [%g]", *(double *)o->ptr);
        if (o->type == 'z') printf(" [%zu]", *(size_t *)o->ptr);
        printf("\n");
    }
    printf("  --%-10s this text\n", "help");
}

/* Stores v through o (n: the repeated option's count). 0, or -1 after
 * saying what is wrong. */
static int set_value(const opt *o, const char *v, size_t *n)
{
    char *end = NULL;
    errno = 0;
    switch (o->type) {
    case 's': *(const char **)o->ptr = v; return 0;
    case 'm':
        if (*n == MAX_SERIES) return fprintf(stderr, "plot_curves: more than %d --%s\n", MAX_SERIES, o->name), -1;
        ((const char **)o->ptr)[(*n)++] = v;
        return 0;
    case 'i':
        if (strcmp(v, "0") && strcmp(v, "1")) break;
        *(int *)o->ptr = *v == '1';
        return 0;
    case 'f': {
        double x = strtod(v, &end);
        if (!*v || *end || errno || !isfinite(x) || x == 0) break;
        *(double *)o->ptr = x;
        return 0;
    }
    default: {
        unsigned long x = strtoul(v, &end, 10);
        if (!*v || *end || errno || x < 200 || x > 8000) break;
        *(size_t *)o->ptr = x;
        return 0;
    }
    }
    fprintf(stderr, "plot_curves: --%s: '%s' is not a valid value\n", o->name, v);
    return -1;
}

/* 0 to go on, 1 after --help, 2 on a usage error (reported). */
static int parse(int argc, char **argv, options *p)
{
    const opt opts[] = {
        {"series", 'm', p->series, "NAME=FILE:COLUMN, a curve (repeat for more); NAME= and :COLUMN (then --y) optional"},
        {"band", 'm', p->bands, "NAME=FILE,FILE,...:COLUMN, their mean, min..max shaded, at the x all have"},
        {"points", 'm', p->points, "NAME=X:Y,X:Y,... reference points as squares, in the plotted units (repeatable)"},
        {"x", 's', &p->x, "the x column of every file"},
        {"y", 's', &p->y, "the y column of a --series without :COLUMN"},
        {"out", 's', &p->out, "the PNG file written"},
        {"title", 's', &p->title, "title above the panel"},
        {"x-label", 's', &p->x_label, "x axis label (none: the x column)"},
        {"y-label", 's', &p->y_label, "y axis label (none: the first series' column)"},
        {"log-x", 'i', &p->log_x, "1: log10 x axis"},
        {"log-y", 'i', &p->log_y, "1: log10 y axis"},
        {"y-scale", 'f', &p->y_scale, "multiplies the --series values (100: fractions as %)"},
        {"width", 'z', &p->width, "picture width in pixels (200-8000)"},
        {"height", 'z', &p->height, "picture height in pixels (200-8000)"},
        {NULL, 0, NULL, NULL},
    };
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *name = arg + 2, *eq = strchr(arg, '=');
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) return usage(opts), 1;
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const opt *o = opts;
        while (o->name && (strncmp(arg, "--", 2) || strlen(o->name) != len || strncmp(o->name, name, len))) o++;
        if (!o->name) return fprintf(stderr, "plot_curves: unknown option '%s' (see --help)\n", arg), 2;
        const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
        if (!v) return fprintf(stderr, "plot_curves: --%s needs a value\n", o->name), 2;
        size_t *count = o->ptr == p->series ? &p->n_series : o->ptr == p->bands ? &p->n_bands : &p->n_points;
        if (set_value(o, v, count) != 0) return 2;
    }
    if (!p->n_series && !p->n_bands && !p->n_points)
        return fprintf(stderr, "plot_curves: nothing to plot: give --series, --band or --points (see --help)\n"), 2;
    return 0;
}

/* Cell `col` of a CSV line, spaces and quotes trimmed, as [*start, +len)
 * (len 0: empty or missing). */
static size_t cell(const char *line, size_t col, const char **start)
{
    for (size_t c = 0; c < col; c++) {
        line = strchr(line, ',');
        if (!line) return 0;
        line++;
    }
    size_t len = strcspn(line, ",\r\n");
    while (len && (*line == ' ' || *line == '"')) line++, len--;
    while (len && (line[len - 1] == ' ' || line[len - 1] == '"')) len--;
    *start = line;
    return len;
}

/* The index of the column named `name` in the header, or -1 after saying
 * which columns there are. */
static long column_of(const char *file, const char *header, const char *name)
{
    const char *s;
    size_t cols = 1;
    for (const char *p = header; (p = strchr(p, ',')); p++) cols++;
    for (size_t c = 0; c < cols; c++) {
        size_t len = cell(header, c, &s);
        if (len == strlen(name) && !strncmp(s, name, len)) return (long)c;
    }
    fprintf(stderr, "plot_curves: %s has no column '%s'; its columns: %.*s\n", file, name,
            (int)strcspn(header, "\r\n"), header);
    return -1;
}

/* The number in cell `col` of `line` into *v: 1 (a value), 0 (an empty or
 * non-finite cell, skipped), or -1 after saying where the text is. */
static int number_at(const char *file, size_t line_no, const char *line, long col, const char *name, double *v)
{
    const char *s;
    size_t len = cell(line, (size_t)col, &s);
    if (!len) return 0;
    char buf[64], *end;
    snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), s);
    *v = strtod(buf, &end);
    if (len >= sizeof buf || end == buf || *end) {
        fprintf(stderr, "plot_curves: %s line %zu: column '%s' holds '%.*s', not a number\n", file, line_no, name,
                (int)len, s);
        return -1;
    }
    return isfinite(*v) ? 1 : 0;
}

typedef struct curve {
    double *x, *y;
    double *lo, *hi; /* a band's spread (NULL: none) */
    size_t n, cap;
} curve;

static int push(curve *c, double x, double y)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        double *nx = realloc(c->x, cap * sizeof *nx);
        if (nx) c->x = nx;
        double *ny = nx ? realloc(c->y, cap * sizeof *ny) : NULL;
        if (!ny) return fprintf(stderr, "plot_curves: out of memory\n"), -1;
        c->y = ny;
        c->cap = cap;
    }
    c->x[c->n] = x;
    c->y[c->n++] = y;
    return 0;
}

/* Rows of `file` with both cells filled, y times `scale`. 0, or 1 after
 * saying what is wrong. */
static int read_curve(const char *file, const char *xname, const char *yname, double scale, curve *c)
{
    FILE *f = fopen(file, "r");
    if (!f) return fprintf(stderr, "plot_curves: cannot open %s: %s\n", file, strerror(errno)), 1;
    char *line = NULL;
    size_t size = 0, line_no = 1;
    int rc = 1;
    long xc = -1, yc = -1;
    if (getline(&line, &size, f) < 0) fprintf(stderr, "plot_curves: %s is empty\n", file);
    else if ((xc = column_of(file, line, xname)) >= 0 && (yc = column_of(file, line, yname)) >= 0) rc = 0;
    while (!rc && getline(&line, &size, f) >= 0) {
        double x = 0, y = 0;
        int hx = number_at(file, ++line_no, line, xc, xname, &x);
        int hy = hx < 0 ? 0 : number_at(file, line_no, line, yc, yname, &y);
        if (hx < 0 || hy < 0 || (hx > 0 && hy > 0 && push(c, x, y * scale) != 0)) rc = 1;
    }
    if (!rc && ferror(f)) rc = 1, fprintf(stderr, "plot_curves: cannot read %s: %s\n", file, strerror(errno));
    if (!rc && !c->n) rc = 1, fprintf(stderr, "plot_curves: %s: column '%s' has no values\n", file, yname);
    free(line);
    fclose(f);
    return rc;
}

/* Splits a --series or --band "NAME=FILE:COLUMN" (a copy in one of the
 * static buffers) into its name (NULL: none), file part and column (the
 * :COLUMN, else --y). 0, or 1 after saying what is wrong. */
static int split_spec(const options *p, const char *spec, const char **name, char **files, const char **column)
{
    static char bufs[2 * MAX_SERIES][1024];
    static size_t used;
    char *buf = bufs[used++ % (2 * MAX_SERIES)];
    if (snprintf(buf, sizeof bufs[0], "%s", spec) >= (int)sizeof bufs[0])
        return fprintf(stderr, "plot_curves: '%.40s...' is too long\n", spec), 1;
    char *eq = strchr(buf, '='), *file = eq ? eq + 1 : buf, *colon = strrchr(file, ':');
    *column = p->y;
    if (colon && !strchr(colon, '/')) *colon = '\0', *column = colon + 1;
    if (!*column || !**column)
        return fprintf(stderr, "plot_curves: '%s' names no column: add :COLUMN or give --y\n", spec), 1;
    if (eq) *eq = '\0';
    *name = eq ? buf : NULL;
    *files = file;
    return 0;
}

/* A --series "NAME=FILE:COLUMN" read into c and described in s. 0, or 1
 * after saying what is wrong. */
static int load_series(const options *p, const char *spec, curve *c, draw_series *s, const char **column)
{
    const char *name;
    char *file;
    if (split_spec(p, spec, &name, &file, column) != 0) return 1;
    *s = (draw_series){name ? name : spec, NULL, NULL, 0, 0, DRAW_LINE, DRAW_CIRCLE, NULL, NULL};
    if (read_curve(file, p->x, *column, p->y_scale, c) != 0) return 1;
    s->x = c->x, s->y = c->y, s->n = c->n;
    if (c->n <= 30) s->style |= DRAW_MARKERS; /* few points: show where they are */
    return 0;
}

/* The index of x in c, or -1. */
static long index_of(const curve *c, double x)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->x[i] == x) return (long)i;
    return -1;
}

/* A --band "NAME=FILE,FILE,...:COLUMN": at each x of the first file that
 * every file has, the mean of their values into c (with lo and hi, the
 * least and the greatest), described in s; says on stdout what it averaged.
 * 0, or 1 after saying what is wrong. */
static int load_band(const options *p, const char *spec, curve *c, draw_series *s, const char **column)
{
    const char *name;
    char *files;
    if (split_spec(p, spec, &name, &files, column) != 0) return 1;
    curve runs[MAX_SERIES] = {{0}};
    size_t n = 0;
    int rc = 0;
    for (char *file = files, *next; file && !rc; file = next) {
        next = strchr(file, ',');
        if (next) *next++ = '\0';
        if (n == MAX_SERIES)
            rc = 1, fprintf(stderr, "plot_curves: --band '%s': more than %d files\n", spec, MAX_SERIES);
        else rc = read_curve(file, p->x, *column, p->y_scale, &runs[n++]);
    }
    size_t cap = n ? runs[0].n : 0;
    if (!rc && (!(c->lo = malloc(cap * sizeof *c->lo)) || !(c->hi = malloc(cap * sizeof *c->hi))))
        rc = 1, fprintf(stderr, "plot_curves: out of memory\n");
    for (size_t i = 0; i < cap && !rc; i++) {
        double x = runs[0].x[i], sum = 0, lo = INFINITY, hi = -INFINITY;
        size_t k = 0;
        for (; k < n; k++) {
            long at = index_of(&runs[k], x);
            if (at < 0) break;
            double v = runs[k].y[at];
            sum += v, lo = fmin(lo, v), hi = fmax(hi, v);
        }
        if (k < n) continue;
        c->lo[c->n] = lo, c->hi[c->n] = hi;
        rc = push(c, x, sum / (double)n);
    }
    if (!rc && !c->n) rc = 1, fprintf(stderr, "plot_curves: --band '%s': no %s value is in every file\n", spec, p->x);
    for (size_t k = 0; k < n; k++) free(runs[k].x), free(runs[k].y);
    if (rc) return 1;
    size_t last = c->n - 1;
    *s = (draw_series){name ? name : spec, c->x, c->y, c->n, 0, DRAW_LINE, DRAW_CIRCLE, c->lo, c->hi};
    printf("plot_curves: band '%s': %zu file%s, %zu common %s values (%g to %g); at %s %g: mean %g [%g, %g]\n",
           s->name, n, n == 1 ? "" : "s", c->n, p->x, c->x[0], c->x[last], p->x, c->x[last], c->y[last],
           c->lo[last], c->hi[last]);
    return 0;
}

/* A --points "NAME=X:Y,X:Y" into c and s. 0, or 1 after saying which pair
 * is not X:Y. */
static int load_points(const char *spec, curve *c, draw_series *s)
{
    const char *eq = strchr(spec, '='), *p = eq ? eq + 1 : spec;
    static char names[MAX_SERIES][128];
    static size_t used;
    char *name = names[used++ % MAX_SERIES];
    snprintf(name, sizeof names[0], "%.*s", eq ? (int)(eq - spec) : 6, eq ? spec : "points");
    while (*p) {
        char *end;
        double x = strtod(p, &end), y = NAN;
        if (end != p && *end == ':') {
            const char *q = end + 1;
            y = strtod(q, &end);
            if (end == q) y = NAN;
        }
        size_t len = strcspn(p, ",");
        if (!isfinite(x) || !isfinite(y) || (*end && *end != ','))
            return fprintf(stderr, "plot_curves: --points '%s': '%.*s' is not X:Y\n", spec, (int)len, p), 1;
        if (push(c, x, y) != 0) return 1;
        p = *end ? end + 1 : end;
    }
    if (!c->n) return fprintf(stderr, "plot_curves: --points '%s' has no points\n", spec), 1;
    *s = (draw_series){name, c->x, c->y, c->n, 0, DRAW_MARKERS, DRAW_SQUARE, NULL, NULL};
    return 0;
}

int main(int argc, char **argv)
{
    options p = {.out = "plot.png", .x = "epoch", .y_scale = 1, .width = 800, .height = 500};
    int rc = parse(argc, argv, &p);
    if (rc) return rc == 1 ? 0 : 2;
    curve c[3 * MAX_SERIES] = {{0}};
    draw_series s[3 * MAX_SERIES];
    const char *column = NULL, *first = NULL;
    size_t n = 0;
    for (size_t i = 0; i < p.n_series + p.n_bands && !rc; i++, n++) {
        rc = i < p.n_series ? load_series(&p, p.series[i], &c[n], &s[n], &column)
                            : load_band(&p, p.bands[i - p.n_series], &c[n], &s[n], &column);
        s[n].color = class_color(i);
        if (!first) first = column;
    }
    /* The reference points: black, then the colours after the curves'. */
    for (size_t i = 0; i < p.n_points && !rc; i++, n++) {
        rc = load_points(p.points[i], &c[n], &s[n]);
        s[n].color = i ? class_color(p.n_series + p.n_bands + i - 1) : 0x000000;
    }
    char y_label[256];
    if (first && p.y_scale != 1) snprintf(y_label, sizeof y_label, "%s x %g", first, p.y_scale);
    else snprintf(y_label, sizeof y_label, "%s", first ? first : "");
    int whole = 1; /* x all whole numbers (epochs): no ticks between them */
    for (size_t i = 0; i < n && !rc; i++)
        for (size_t k = 0; k < s[i].n; k++) whole &= s[i].x[k] == floor(s[i].x[k]);
    draw_axes a = {p.title, p.x_label ? p.x_label : p.x, p.y_label ? p.y_label : y_label, p.log_x, p.log_y, whole,
                   p.width, p.height, 2};
    if (!rc && draw_plot(p.out, s, n, &a) != 0) {
        fprintf(stderr, "plot_curves: cannot write %s: %s\n", p.out, errno ? strerror(errno) : "libpng failed");
        rc = 1;
    }
    for (size_t i = 0; i < n; i++) free(c[i].x), free(c[i].y), free(c[i].lo), free(c[i].hi);
    if (!rc) printf("plot_curves: %s (%zu series)\n", p.out, n);
    return rc;
}
