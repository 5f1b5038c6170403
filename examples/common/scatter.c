/* draw_scatter: 2-D codes coloured by label on ticked axes, with a key. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "axes.h"

enum { WIDTH = 600, HEIGHT = 500, KEY = 70, UNLABELLED = 0xa0a0a0 };

/* The colour key right of the frame: a swatch and the class per row, as
 * many rows as fit (at most 40). */
static void key(canvas *c, const frame *f, size_t classes)
{
    long x = f->x + f->w + 16, top = f->y, row = 7L * f->ts + 8;
    int ts = f->ts;
    if (classes > 0 && row * (long)classes > f->h) { /* many classes: smaller rows */
        ts = 1;
        row = 12;
    }
    canvas_text(c, x, top, "label", 0x000000, ts);
    for (size_t k = 0; k < classes && k < 40; k++) {
        long y = top + (long)(k + 1) * row + 4;
        if (y + row > (long)c->h) break;
        canvas_fill(c, x, y, 7L * ts, 7L * ts, class_color(k));
        char buf[24];
        snprintf(buf, sizeof buf, "%zu", k);
        canvas_text(c, x + 7L * ts + 6, y, buf, 0x000000, ts);
    }
}

int draw_scatter(const char *path, const char *title, const float *xy, const int32_t *labels, size_t n,
                 size_t classes)
{
    canvas c;
    if (canvas_init(&c, WIDTH, HEIGHT) != 0) return -1;
    double *d = malloc((n ? n : 1) * 2 * sizeof *d);
    if (!d) {
        canvas_free(&c);
        return -1;
    }
    for (size_t i = 0; i < 2 * n; i++) d[i] = xy[i];
    double xlo, xhi, ylo, yhi;
    range_of(d, n, 2, 0, &xlo, &xhi);
    range_of(d + 1, n, 2, 0, &ylo, &yhi);
    free(d);
    frame f = {.ts = 2, .title = title, .x_label = "z0", .y_label = "z1"};
    frame_layout(&f, 0, 0, WIDTH - KEY, HEIGHT, xlo, xhi, ylo, yhi);
    frame_grid(&c, &f);
    /* Dots that stay visible when few, and apart when many. */
    long dot = n <= 500 ? 5 : n <= 3000 ? 3 : 2;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1])) continue;
        int32_t l = labels ? labels[i] : -1;
        rgb_color col = l >= 0 && (size_t)l < classes ? class_color((size_t)l) : UNLABELLED;
        canvas_fill(&c, frame_px(&f, xy[2 * i]) - dot / 2, frame_py(&f, xy[2 * i + 1]) - dot / 2, dot, dot, col);
    }
    frame_axes(&c, &f);
    key(&c, &f, classes);
    int rc = canvas_save_png(&c, path);
    canvas_free(&c);
    return rc;
}
