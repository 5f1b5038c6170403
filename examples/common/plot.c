/* draw_plot (series sharing one panel, with a legend), draw_curves (a
 * panel per series) and draw_panels (panels of one or more series, a
 * legend on each shared one), on the ticked axes of axes.c. */
#include <math.h>
#include <stdlib.h>

#include "axes.h"

enum { BACKGROUND = 0xffffff, LEGEND_BORDER = 0x808080 };

/* A disc or square of radius r, a darker rim around the colour so that
 * light colours and overlapping markers stay distinct. */
static void marker(canvas *c, long x, long y, long r, draw_marker m, rgb_color color)
{
    rgb_color rim = (color >> 1) & 0x7f7f7f;
    for (long dy = -r; dy <= r; dy++)
        for (long dx = -r; dx <= r; dx++) {
            long d2 = dx * dx + dy * dy;
            if (m == DRAW_CIRCLE && d2 > r * r + r / 2) continue;
            int edge = m == DRAW_CIRCLE ? d2 > (r - 1) * (r - 1) + (r - 1) / 2 : labs(dx) == r || labs(dy) == r;
            canvas_fill(c, x + dx, y + dy, 1, 1, edge ? rim : color);
        }
}

/* A line `width` pixels thick: the one-pixel line repeated across. */
static void thick_line(canvas *c, long x0, long y0, long x1, long y1, int width, rgb_color color)
{
    for (int i = 0; i < width; i++)
        for (int j = 0; j < width; j++) canvas_line(c, x0 + i, y0 + j, x1 + i, y1 + j, color);
}

/* A quarter of the colour on white: a band's shade. */
static rgb_color tint(rgb_color c)
{
    rgb_color t = 0;
    for (int shift = 0; shift < 24; shift += 8) t |= ((((c >> shift) & 0xff) + 3u * 0xff) / 4) << shift;
    return t;
}

/* The band of s (lo..hi), linearly between its points, a pixel column at a
 * time; a point off the axes breaks it as it breaks the line. */
static void draw_band_on(canvas *c, const frame *f, const draw_series *s)
{
    if (!s->lo || !s->hi) return;
    rgb_color shade = tint(s->color);
    long px = 0, plo = 0, phi = 0;
    int have = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!axis_has(&f->ax, s->x[i]) || !axis_has(&f->ay, s->lo[i]) || !axis_has(&f->ay, s->hi[i])) {
            have = 0;
            continue;
        }
        long x = frame_px(f, s->x[i]), lo = frame_py(f, s->lo[i]), hi = frame_py(f, s->hi[i]);
        if (!have) px = x, plo = lo, phi = hi;
        for (long u = px; u <= x; u++) {
            double t = x > px ? (double)(u - px) / (double)(x - px) : 1.0;
            long a = lround((double)plo + t * (double)(lo - plo)), b = lround((double)phi + t * (double)(hi - phi));
            canvas_fill(c, u, a < b ? a : b, 1, labs(a - b) + 1, shade);
        }
        px = x, plo = lo, phi = hi, have = 1;
    }
}

static void draw_series_on(canvas *c, const frame *f, const draw_series *s, int lw, long r)
{
    int style = s->style ? s->style : DRAW_LINE;
    long px = 0, py = 0;
    int have = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (!axis_has(&f->ax, s->x[i]) || !axis_has(&f->ay, s->y[i])) {
            have = 0; /* a gap breaks the line */
            continue;
        }
        long x = frame_px(f, s->x[i]), y = frame_py(f, s->y[i]);
        if (have && (style & DRAW_LINE)) thick_line(c, px, py, x, y, lw, s->color);
        px = x, py = y, have = 1;
    }
    if (!(style & DRAW_MARKERS)) return;
    for (size_t i = 0; i < s->n; i++)
        if (axis_has(&f->ax, s->x[i]) && axis_has(&f->ay, s->y[i]))
            marker(c, frame_px(f, s->x[i]) + lw / 2, frame_py(f, s->y[i]) + lw / 2, r, s->marker, s->color);
}

/* Drawn pixels (neither background nor grid grey) in a rectangle. */
static size_t inked(const canvas *c, long x, long y, long w, long h)
{
    size_t n = 0;
    for (long j = y; j < y + h; j++)
        for (long i = x; i < x + w; i++) {
            if (i < 0 || j < 0 || (size_t)i >= c->w || (size_t)j >= c->h) continue;
            const unsigned char *p = c->rgb + ((size_t)j * c->w + (size_t)i) * 3;
            n += !(p[0] == p[1] && p[1] == p[2] && p[0] >= 0xd0);
        }
    return n;
}

/* The legend of the named series in the inner corner of the frame where it
 * covers the fewest drawn pixels (ties: top right, top left, ...). */
static void legend(canvas *c, const frame *f, const draw_series *s, size_t n, int lw, long r)
{
    long ch = 7L * f->ts, row = ch + 8, sample = 8L * f->ts + 2 * r, w = 0, h = 8;
    for (size_t i = 0; i < n; i++) {
        if (!s[i].name || !*s[i].name) continue;
        long tw = text_width(s[i].name, f->ts);
        w = tw > w ? tw : w;
        h += row;
    }
    if (h == 8) return;
    w += sample + 24;
    long xs[2] = {f->x + f->w - 8 - w, f->x + 8}, ys[2] = {f->y + 8, f->y + f->h - 8 - h};
    long bx = xs[0], by = ys[0];
    size_t best = (size_t)-1;
    for (int k = 0; k < 4; k++) {
        size_t ink = inked(c, xs[k % 2], ys[k / 2], w, h);
        if (ink < best) best = ink, bx = xs[k % 2], by = ys[k / 2];
    }
    canvas_fill(c, bx, by, w, h, BACKGROUND);
    canvas_line(c, bx, by, bx + w - 1, by, LEGEND_BORDER);
    canvas_line(c, bx, by + h - 1, bx + w - 1, by + h - 1, LEGEND_BORDER);
    canvas_line(c, bx, by, bx, by + h - 1, LEGEND_BORDER);
    canvas_line(c, bx + w - 1, by, bx + w - 1, by + h - 1, LEGEND_BORDER);
    long y = by + 8;
    for (size_t i = 0; i < n; i++) {
        if (!s[i].name || !*s[i].name) continue;
        int style = s[i].style ? s[i].style : DRAW_LINE;
        long mid = y + ch / 2, x0 = bx + 8;
        if (s[i].lo && s[i].hi) canvas_fill(c, x0, y, sample, ch, tint(s[i].color));
        if (style & DRAW_LINE) thick_line(c, x0, mid - lw / 2, x0 + sample, mid - lw / 2, lw, s[i].color);
        if (style & DRAW_MARKERS) marker(c, x0 + sample / 2, mid, r, s[i].marker, s[i].color);
        canvas_text(c, x0 + sample + 8, y, s[i].name, 0x000000, f->ts);
        y += row;
    }
}

/* The series drawn in the box (x, y, w, h) of c on one panel. */
static void panel(canvas *c, long x, long y, long w, long h, const draw_series *s, size_t n, const draw_axes *a)
{
    frame f = {.ts = a->text_scale > 0 ? a->text_scale : 2, .title = a->title, .x_label = a->x_label,
               .y_label = a->y_label};
    f.ax.log = a->log_x;
    f.ax.integer = a->integer_x;
    f.ay.log = a->log_y;
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY, lo, hi;
    for (size_t i = 0; i < n; i++) {
        range_of(s[i].x, s[i].n, 1, a->log_x, &lo, &hi);
        xlo = fmin(xlo, lo), xhi = fmax(xhi, hi);
        range_of(s[i].y, s[i].n, 1, a->log_y, &lo, &hi);
        ylo = fmin(ylo, lo), yhi = fmax(yhi, hi);
        for (int k = 0; k < 2; k++) {
            const double *band = k ? s[i].hi : s[i].lo;
            if (!band) continue;
            range_of(band, s[i].n, 1, a->log_y, &lo, &hi);
            ylo = fmin(ylo, lo), yhi = fmax(yhi, hi);
        }
    }
    frame_layout(&f, x, y, w, h, xlo, xhi, ylo, yhi);
    frame_grid(c, &f);
    int lw = f.ts >= 2 ? 2 : 1;
    long r = f.ts + 3;
    for (size_t i = 0; i < n; i++) draw_band_on(c, &f, &s[i]); /* under every line */
    for (size_t i = 0; i < n; i++) draw_series_on(c, &f, &s[i], lw, r);
    frame_axes(c, &f);
    legend(c, &f, s, n, lw, r);
}

int draw_plot(const char *path, const draw_series *series, size_t n, const draw_axes *axes)
{
    size_t w = axes->width ? axes->width : 800, h = axes->height ? axes->height : 500;
    canvas c;
    if (canvas_init(&c, w, h) != 0) return -1;
    panel(&c, 0, 0, (long)w, (long)h, series, n, axes);
    int rc = canvas_save_png(&c, path);
    canvas_free(&c);
    return rc;
}

int draw_panels(const char *path, const draw_panel *panels, size_t n_panels, const char *const *names,
                const double *values, size_t points, int first)
{
    enum { PW = 420, PH = 280, PER_ROW = 3, MAX_SHARED = 8 };
    size_t per_row = n_panels < PER_ROW ? (n_panels ? n_panels : 1) : PER_ROW;
    size_t rows = n_panels ? (n_panels + per_row - 1) / per_row : 1;
    double *epochs = malloc((points ? points : 1) * sizeof *epochs);
    canvas c;
    if (!epochs || canvas_init(&c, per_row * PW, rows * PH) != 0) {
        free(epochs);
        return -1;
    }
    for (size_t i = 0; i < points; i++) epochs[i] = (double)first + (double)i;
    for (size_t p = 0; p < n_panels; p++) {
        draw_series s[MAX_SHARED];
        size_t n = panels[p].count < MAX_SHARED ? panels[p].count : MAX_SHARED;
        for (size_t k = 0; k < n; k++) {
            size_t i = panels[p].first + k;
            /* Markers while they stay apart; past that the line alone. A
             * legend names the series of a shared panel. */
            s[k] = (draw_series){n > 1 ? names[i] : NULL, epochs, values + i * points, points, class_color(i),
                                 points <= 40 ? DRAW_LINE | DRAW_MARKERS : DRAW_LINE,
                                 k % 2 ? DRAW_SQUARE : DRAW_CIRCLE, NULL, NULL};
        }
        draw_axes a = {.title = panels[p].title ? panels[p].title : names[panels[p].first], .x_label = "epoch",
                       .integer_x = 1, .text_scale = 2};
        panel(&c, (long)(p % per_row) * PW, (long)(p / per_row) * PH, PW, PH, s, n, &a);
    }
    int rc = canvas_save_png(&c, path);
    canvas_free(&c);
    free(epochs);
    return rc;
}

int draw_curves_from(const char *path, const char *const *names, const double *values, size_t series,
                     size_t points, int first)
{
    draw_panel *p = malloc((series ? series : 1) * sizeof *p);
    if (!p) return -1;
    for (size_t i = 0; i < series; i++) p[i] = (draw_panel){NULL, i, 1};
    int rc = draw_panels(path, p, series, names, values, points, first);
    free(p);
    return rc;
}

int draw_curves(const char *path, const char *const *names, const double *values, size_t series, size_t points)
{
    return draw_curves_from(path, names, values, series, points, 1);
}
