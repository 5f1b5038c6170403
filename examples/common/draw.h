/* Pictures for the example programs: an RGB canvas with a tiny bitmap font,
 * image grids, latent scatter plots with a legend and loss curves, saved as
 * PNG through libpng. Not part of the library. Functions returning int give
 * 0 on success and -1 on failure (out of memory or a file error). */
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
/* Text in a 5x7 font (upper case, digits, a little punctuation; lower case
 * is drawn as upper case), each font pixel `scale` pixels wide. */
void canvas_text(canvas *c, long x, long y, const char *text, rgb_color color, int scale);
int canvas_save_png(const canvas *c, const char *path);

/* Colour of class k (ten distinct colours, repeated past ten). */
rgb_color class_color(size_t k);

/* n images of h x w floats tiled `cols` to a row with a 1-pixel gap;
 * values lo..hi map to black..white. */
int draw_image_grid(const char *path, const float *images, size_t n, size_t h,
                    size_t w, size_t cols, float lo, float hi);

/* n 2-D points (xy: n x 2) coloured by label (0..classes-1, others grey),
 * with axes ranges and a legend of the classes. */
int draw_scatter(const char *path, const char *title, const float *xy,
                 const int32_t *labels, size_t n, size_t classes);

/* One panel per series: series s has `points` values at
 * values[s * points .. ), drawn against the epoch with its own range. */
int draw_curves(const char *path, const char *const *names,
                const double *values, size_t series, size_t points);

#endif
