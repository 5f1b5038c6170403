#include "axes.h"

#include <math.h>
#include <stdio.h>

enum {
    GRID = 0xdddddd,       /* light grey: grid at numbered and major ticks */
    GRID_MINOR = 0xf0f0f0, /* fainter: a log axis's 2..9 */
    INK = 0x000000,
    FRAME = 0x404040,
    TICK = 5,              /* major tick length; minor ones are 3 */
    PAD = 6                /* around the panel and between its parts */
};

void range_of(const double *v, size_t n, size_t stride, int positive, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double x = v[i * stride];
        if (!isfinite(x) || (positive && x <= 0)) continue;
        if (x < *lo) *lo = x;
        if (x > *hi) *hi = x;
    }
}

int axis_has(const axis *a, double v)
{
    return isfinite(v) && (!a->log || v > 0);
}

/* The smallest 1, 2 or 5 times a power of ten that is >= raw (> 0). */
static double nice_step(double raw)
{
    double mag = pow(10, floor(log10(raw)));
    double m = raw / mag;
    return (m <= 1 + 1e-9 ? 1 : m <= 2 + 1e-9 ? 2 : m <= 5 + 1e-9 ? 5 : 10) * mag;
}

void axis_number(const axis *a, double v, char *buf, size_t size)
{
    if (a->log) {
        int k = (int)floor(log10(v) + 1e-9);
        int m = (int)lrint(v / pow(10, k));
        if (k >= 0 && k <= 6) snprintf(buf, size, "%.0f", v);
        else if (k >= -4) snprintf(buf, size, "%.*f", -k, v);
        else snprintf(buf, size, "%de%d", m, k);
        return;
    }
    if (fabs(v) < a->step * 1e-6) v = 0; /* not "-0.00" nor "1e-17" */
    int decimals = a->step >= 1 ? 0 : (int)ceil(-log10(a->step) - 1e-9);
    if (decimals > 6 || fabs(v) >= 1e7) snprintf(buf, size, "%.3g", v);
    else snprintf(buf, size, "%.*f", decimals, v);
}

/* The room one number needs along the axis, and the widest number. */
static long number_room(const axis *a, int horizontal, int ts, long *widest)
{
    tick t[AXES_MAX_TICKS];
    size_t n = axis_ticks(a, t);
    char buf[32];
    *widest = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].kind != TICK_NUMBERED) continue;
        axis_number(a, t[i].v, buf, sizeof buf);
        long w = text_width(buf, ts);
        if (w > *widest) *widest = w;
    }
    return horizontal ? *widest + 4 * 6 * ts / 2 : 7 * ts * 5 / 2;
}

static void fit_linear(axis *a, double lo, double hi, long pixels, int horizontal, int ts)
{
    if (hi - lo <= 1e-12 * fmax(1, fabs(lo))) { /* one value: a range around it */
        double d = a->integer ? 1 : lo == 0 ? 1 : fabs(lo) * 0.1;
        lo -= d;
        hi += d;
    }
    a->step = nice_step((hi - lo) / 12);
    for (int tries = 0; tries < 64; tries++) {
        if (a->integer && a->step < 1) a->step = 1;
        a->lo = floor(lo / a->step + 1e-9) * a->step;
        a->hi = ceil(hi / a->step - 1e-9) * a->step;
        long widest, room = number_room(a, horizontal, ts, &widest);
        if ((double)pixels * a->step / (a->hi - a->lo) >= (double)room) return;
        a->step = nice_step(a->step * 1.01); /* the next 1-2-5 step */
    }
}

/* Whether m x 10^k gets a number at a log axis's level (axis.numbers). */
static int numbered_at(int level, int m)
{
    return m == 1 || level == 2 || (level == 1 && (m == 2 || m == 5));
}

/* The largest (up: smallest) m x 10^k numbered at `level` below (above)
 * v > 0. */
static double snap_log(double v, int level, int up)
{
    double p = pow(10, floor(log10(v) + 1e-9)), best = up ? 10 * p : p;
    for (int m = 1; m <= 9; m++) {
        double t = m * p;
        if (!numbered_at(level, m)) continue;
        if (up ? t >= v * (1 - 1e-9) && t < best : t <= v * (1 + 1e-9)) best = t;
    }
    return best;
}

/* The closest two numbered ticks of a on an axis of `pixels`. */
static double min_gap(const axis *a, long pixels)
{
    tick t[AXES_MAX_TICKS];
    size_t n = axis_ticks(a, t);
    double gap = INFINITY, last = NAN;
    for (size_t i = 0; i < n; i++) {
        if (t[i].kind != TICK_NUMBERED) continue;
        double at = log10(t[i].v / a->lo) / log10(a->hi / a->lo) * (double)pixels;
        if (at - last < gap) gap = at - last;
        last = at;
    }
    return gap;
}

/* Most numbers first: the ends snapped to numbered values, as long as the
 * numbers fit; at the last level, numbers every 1, 2, 5... decades. */
static void fit_log(axis *a, double lo, double hi, long pixels, int horizontal, int ts)
{
    static const double most_decades[3] = {0, 2.5, 1.2}; /* for each level */
    long widest;
    a->every = 1;
    for (a->numbers = 2; a->numbers >= 0; a->numbers--) {
        a->lo = snap_log(lo, a->numbers, 0);
        a->hi = snap_log(hi, a->numbers, 1);
        if (a->hi <= a->lo) a->hi = snap_log(a->lo * 1.01, a->numbers, 1);
        if (a->numbers == 0) break;
        if (log10(a->hi / a->lo) <= most_decades[a->numbers] &&
            min_gap(a, pixels) >= (double)number_room(a, horizontal, ts, &widest))
            return;
    }
    while (a->every < 1000 && min_gap(a, pixels) < (double)number_room(a, horizontal, ts, &widest))
        a->every = a->every == 1 ? 2 : a->every == 2 ? 5 : a->every * 2;
}

void axis_fit(axis *a, double lo, double hi, long pixels, int horizontal, int ts)
{
    if (!(lo <= hi)) lo = a->log ? 1 : 0, hi = a->log ? 10 : 1;
    if (pixels < 1) pixels = 1;
    if (a->log) fit_log(a, lo, hi, pixels, horizontal, ts);
    else fit_linear(a, lo, hi, pixels, horizontal, ts);
}

static size_t log_ticks(const axis *a, tick *t)
{
    size_t n = 0;
    int k0 = (int)floor(log10(a->lo) + 1e-9), k1 = (int)ceil(log10(a->hi) - 1e-9);
    int minors = k1 - k0 <= 8; /* past eight decades they are a smear */
    for (int k = k0; k <= k1; k++)
        for (int m = 1; m <= 9 && n < AXES_MAX_TICKS; m++) {
            double v = m * pow(10, k);
            if (v < a->lo * (1 - 1e-9) || v > a->hi * (1 + 1e-9) || (m > 1 && !minors)) continue;
            int numbered = m == 1 ? ((k % a->every) + a->every) % a->every == 0 : numbered_at(a->numbers, m);
            t[n++] = (tick){v, numbered ? TICK_NUMBERED : m == 1 ? TICK_MAJOR : TICK_MINOR};
        }
    return n;
}

size_t axis_ticks(const axis *a, tick *t)
{
    if (a->log) return log_ticks(a, t);
    long k0 = lrint(a->lo / a->step), k1 = lrint(a->hi / a->step);
    size_t n = 0;
    for (long k = k0; k <= k1 && n < AXES_MAX_TICKS; k++) t[n++] = (tick){(double)k * a->step, TICK_NUMBERED};
    return n;
}

/* Where v falls in a's range, 0..1. */
static double axis_frac(const axis *a, double v)
{
    if (a->log) return log10(v / a->lo) / log10(a->hi / a->lo);
    return (v - a->lo) / (a->hi - a->lo);
}

long frame_px(const frame *f, double x)
{
    return f->x + lrint(axis_frac(&f->ax, x) * (double)(f->w - 1));
}

long frame_py(const frame *f, double y)
{
    return f->y + f->h - 1 - lrint(axis_frac(&f->ay, y) * (double)(f->h - 1));
}

void frame_layout(frame *f, long x, long y, long w, long h, double xlo, double xhi, double ylo, double yhi)
{
    long ch = 7L * f->ts, top = y + PAD, bottom = y + h - PAD;
    if (f->title && *f->title) top += 7L * (f->ts + 1) + PAD + 2;
    if (f->y_label && *f->y_label) top += ch + PAD;
    top += ch / 2 + 2; /* half of the top number stands above the frame */
    if (f->x_label && *f->x_label) bottom -= ch + PAD;
    bottom -= TICK + 4 + ch;
    f->y = top;
    f->h = bottom - top > 10 ? bottom - top : 10;
    axis_fit(&f->ay, ylo, yhi, f->h, 0, f->ts);
    long widest;
    number_room(&f->ay, 0, f->ts, &widest);
    f->x = x + PAD + widest + TICK + 4;
    /* Half of the last x number may stand right of the frame: fit, then
     * make that room and fit again. */
    long right = PAD + 6L * f->ts;
    for (int pass = 0; pass < 2; pass++) {
        f->w = x + w - right - f->x > 10 ? x + w - right - f->x : 10;
        axis_fit(&f->ax, xlo, xhi, f->w, 1, f->ts);
        char buf[32];
        axis_number(&f->ax, f->ax.hi, buf, sizeof buf);
        long half = text_width(buf, f->ts) / 2 + PAD;
        if (half <= right) break;
        right = half;
    }
    f->box_x = x;
    f->box_y = y;
    f->box_w = w;
}

void frame_grid(canvas *c, const frame *f)
{
    tick t[AXES_MAX_TICKS];
    size_t n = axis_ticks(&f->ax, t);
    for (size_t i = 0; i < n; i++) {
        long px = frame_px(f, t[i].v);
        canvas_line(c, px, f->y, px, f->y + f->h - 1, t[i].kind == TICK_MINOR ? GRID_MINOR : GRID);
    }
    n = axis_ticks(&f->ay, t);
    for (size_t i = 0; i < n; i++) {
        long py = frame_py(f, t[i].v);
        canvas_line(c, f->x, py, f->x + f->w - 1, py, t[i].kind == TICK_MINOR ? GRID_MINOR : GRID);
    }
    /* The frame too, so that points on its edge are drawn over it. */
    long x1 = f->x + f->w - 1, y1 = f->y + f->h - 1;
    canvas_line(c, f->x, f->y, x1, f->y, FRAME);
    canvas_line(c, f->x, y1, x1, y1, FRAME);
    canvas_line(c, f->x, f->y, f->x, y1, FRAME);
    canvas_line(c, x1, f->y, x1, y1, FRAME);
}

/* Ticks out of the frame with their numbers: below it (x) or left (y). */
static void ticks(canvas *c, const frame *f, const axis *a, int is_x)
{
    tick t[AXES_MAX_TICKS];
    size_t n = axis_ticks(a, t);
    long bottom = f->y + f->h - 1;
    char buf[32];
    for (size_t i = 0; i < n; i++) {
        long len = t[i].kind == TICK_MINOR ? TICK - 2 : TICK;
        long p = is_x ? frame_px(f, t[i].v) : frame_py(f, t[i].v);
        if (is_x) canvas_line(c, p, bottom + 1, p, bottom + len, FRAME);
        else canvas_line(c, f->x - 1, p, f->x - len, p, FRAME);
        if (t[i].kind != TICK_NUMBERED) continue;
        axis_number(a, t[i].v, buf, sizeof buf);
        long tw = text_width(buf, f->ts);
        if (is_x) canvas_text(c, p - tw / 2, bottom + TICK + 4, buf, INK, f->ts);
        else canvas_text(c, f->x - TICK - 4 - tw, p - 7L * f->ts / 2, buf, INK, f->ts);
    }
}

void frame_axes(canvas *c, const frame *f)
{
    long y1 = f->y + f->h - 1, ch = 7L * f->ts;
    ticks(c, f, &f->ax, 1);
    ticks(c, f, &f->ay, 0);
    long top = f->box_y + PAD;
    if (f->title && *f->title) {
        /* One size up where the title fits the panel, else the numbers' size. */
        int ts = text_width(f->title, f->ts + 1) <= f->box_w - 2 * PAD ? f->ts + 1 : f->ts;
        canvas_text(c, f->box_x + (f->box_w - text_width(f->title, ts)) / 2, top, f->title, INK, ts);
        top += 7L * (f->ts + 1) + PAD + 2; /* the room frame_layout kept */
    }
    /* No rotated text: the y label heads the y axis, centred on it where
     * the panel leaves room. */
    if (f->y_label && *f->y_label) {
        long lx = f->x - text_width(f->y_label, f->ts) / 2;
        if (lx < f->box_x + PAD) lx = f->box_x + PAD;
        canvas_text(c, lx, top, f->y_label, INK, f->ts);
    }
    if (f->x_label && *f->x_label)
        canvas_text(c, f->x + (f->w - text_width(f->x_label, f->ts)) / 2, y1 + TICK + 4 + ch + PAD, f->x_label,
                    INK, f->ts);
}
