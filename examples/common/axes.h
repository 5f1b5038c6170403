/* Ticked axes for the pictures of draw.h (internal to examples/common):
 * tick values at 1-2-5 steps or at the decades of a log axis, spaced so
 * their numbers never overlap, the map from data to pixels, and a panel's
 * layout: title, axis labels, grid, ticks and numbers around a plot area. */
#ifndef AAE_EXAMPLES_AXES_H
#define AAE_EXAMPLES_AXES_H

#include "draw.h"

enum { AXES_MAX_TICKS = 512 };

typedef struct axis {
    double lo, hi; /* the range shown, data units (lo < hi, both > 0 on log) */
    int log;       /* set before axis_fit: log10 axis */
    int integer;   /* set before axis_fit: linear steps of at least 1 */
    double step;   /* linear: between two numbered ticks */
    int every;     /* log: numbers every `every` decades */
    int numbers;   /* log: numbers at 1 x 10^k (0), also 2 and 5 (1) or at
                      every 1..9 x 10^k (2): the fewer decades, the more */
} axis;

typedef enum tick_kind { TICK_MINOR, TICK_MAJOR, TICK_NUMBERED } tick_kind;
typedef struct tick {
    double v;
    tick_kind kind;
} tick;

/* Fits `a` around the data's lo..hi (non-finite: 0..1) at tick values whose
 * numbers in font scale ts fit `pixels` along the axis, side by side
 * (horizontal) or one above the other. */
void axis_fit(axis *a, double lo, double hi, long pixels, int horizontal, int ts);
/* a's ticks in increasing order, at most AXES_MAX_TICKS; returns how many. */
size_t axis_ticks(const axis *a, tick *t);
void axis_number(const axis *a, double v, char *buf, size_t size);
/* Whether v can be placed on a (finite, positive on a log axis). */
int axis_has(const axis *a, double v);

typedef struct frame {
    long x, y, w, h; /* the plot area in pixels */
    axis ax, ay;
    int ts;          /* font scale of numbers and labels */
    const char *title, *x_label, *y_label;
    long box_x, box_y, box_w; /* the panel around it */
} frame;

/* Lays out a panel in the box (x, y, w, h) for data in xlo..xhi, ylo..yhi:
 * f->ax.log, ax.integer, ay.log, ts, title and labels set before. */
void frame_layout(frame *f, long x, long y, long w, long h, double xlo, double xhi, double ylo, double yhi);
long frame_px(const frame *f, double x);
long frame_py(const frame *f, double y);
/* Before the data: the grid lines at the ticks and the frame. */
void frame_grid(canvas *c, const frame *f);
/* After the data: ticks, numbers, title and axis labels. */
void frame_axes(canvas *c, const frame *f);

/* Lowest and highest finite values of v[0], v[stride], ... (n of them);
 * positive ones only when `positive`. lo > hi when there is none. */
void range_of(const double *v, size_t n, size_t stride, int positive, double *lo, double *hi);

#endif
