/* Pictures for the example programs: an RGB canvas with a tiny bitmap font,
 * image grids, latent scatter plots with a colour key, loss curves and
 * general line/marker plots with ticked axes and a legend, saved as PNG
 * through libpng. Not part of the library. Functions returning int give 0
 * on success and -1 on failure (out of memory or a file error). */
#ifndef AAE_EXAMPLES_DRAW_H
#define AAE_EXAMPLES_DRAW_H

#include <stddef.h>
#include <stdint.h>

typedef struct canvas {
    size_t w, h;
    unsigned char *rgb; /* h rows of w pixels, 3 bytes each */
} canvas;

typedef uint32_t rgb_color; /* 0xRRGGBB */

int canvas_init(canvas *c, size_t w, size_t h);
void canvas_free(canvas *c);
void canvas_fill(canvas *c, long x, long y, long w, long h, rgb_color color);
void canvas_line(canvas *c, long x0, long y0, long x1, long y1, rgb_color color);
/* Text in a 5x7 font (letters, digits, a little punctuation; anything else
 * is a blank), each font pixel `scale` pixels wide: 7 * scale pixels high
 * from y down, text_width() wide from x. */
void canvas_text(canvas *c, long x, long y, const char *text, rgb_color color, int scale);
long text_width(const char *text, int scale);
int canvas_save_png(const canvas *c, const char *path);

/* Colour of class k (ten distinct colours, repeated past ten). */
rgb_color class_color(size_t k);

/* n images of h x w floats tiled `cols` to a row with a 1-pixel gap;
 * values lo..hi map to black..white. */
int draw_image_grid(const char *path, const float *images, size_t n, size_t h,
                    size_t w, size_t cols, float lo, float hi);

/* n 2-D points (xy: n x 2) coloured by label (0..classes-1, others grey),
 * on ticked axes labelled z0 and z1, with a colour key of the classes;
 * the fewer the points, the bigger their dots; 600 x 500 pixels. */
int draw_scatter(const char *path, const char *title, const float *xy,
                 const int32_t *labels, size_t n, size_t classes);

/* One panel per series: series s has `points` values at
 * values[s * points .. ), drawn against the epoch (1..points) with its own
 * ticked y axis. draw_curves_from numbers the epochs from `first` (a
 * resumed run's). */
int draw_curves(const char *path, const char *const *names,
                const double *values, size_t series, size_t points);
int draw_curves_from(const char *path, const char *const *names, const double *values,
                     size_t series, size_t points, int first);

/* A panel of draw_panels: `count` series (at most 8) from series `first`
 * on, under `title` (NULL: the first series' name), with a legend of their
 * names when there are two or more. */
typedef struct draw_panel {
    const char *title;
    size_t first, count;
} draw_panel;

/* Panels of series against the epoch (first, first + 1, ...; series i has
 * `points` values at values[i * points ..) and is named names[i]), three to
 * a row, each with its own ticked axes. */
int draw_panels(const char *path, const draw_panel *panels, size_t n_panels, const char *const *names,
                const double *values, size_t points, int first);

/* A series of draw_plot: n points (x[i], y[i]). A point that is not finite
 * (or not positive on a log axis) is left out and breaks the line. With lo
 * and hi (n values each) a band from lo[i] to hi[i] is shaded in a light
 * tint of the colour under the line (a spread, e.g. over seeds). */
enum { DRAW_LINE = 1, DRAW_MARKERS = 2 }; /* draw_series.style bits */
typedef enum draw_marker { DRAW_CIRCLE, DRAW_SQUARE } draw_marker;
typedef struct draw_series {
    const char *name; /* legend entry (NULL or "": none) */
    const double *x, *y;
    size_t n;
    rgb_color color;
    int style;          /* DRAW_LINE, DRAW_MARKERS or both (0: DRAW_LINE) */
    draw_marker marker; /* of DRAW_MARKERS */
    const double *lo, *hi; /* the band (NULL: none) */
} draw_series;

typedef struct draw_axes {
    const char *title, *x_label, *y_label; /* NULL: none */
    int log_x, log_y;     /* 1: log10 axis, ticks at the decades */
    int integer_x;        /* 1: linear x ticks at whole numbers (epochs) */
    size_t width, height; /* of the picture; 0: 800 x 500 */
    int text_scale;       /* font pixel size; 0: 2 */
} draw_axes;

/* The n series on one panel sharing its axes (ranges from the data), with
 * a legend of the named series where it hides the fewest drawn pixels. */
int draw_plot(const char *path, const draw_series *series, size_t n, const draw_axes *axes);

#endif
