#include "draw.h"

#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- canvas ----------------------------------------------------------- */

int canvas_init(canvas *c, size_t w, size_t h)
{
    c->w = w;
    c->h = h;
    c->rgb = malloc(w * h * 3);
    if (!c->rgb) return -1;
    memset(c->rgb, 0xff, w * h * 3);
    return 0;
}

void canvas_free(canvas *c)
{
    free(c->rgb);
    c->rgb = NULL;
}

static void put(canvas *c, long x, long y, rgb_color color)
{
    if (x < 0 || y < 0 || (size_t)x >= c->w || (size_t)y >= c->h) return;
    unsigned char *p = c->rgb + ((size_t)y * c->w + (size_t)x) * 3;
    p[0] = (unsigned char)(color >> 16);
    p[1] = (unsigned char)(color >> 8);
    p[2] = (unsigned char)color;
}

void canvas_fill(canvas *c, long x, long y, long w, long h, rgb_color color)
{
    for (long j = y; j < y + h; j++)
        for (long i = x; i < x + w; i++) put(c, i, j, color);
}

void canvas_line(canvas *c, long x0, long y0, long x1, long y1, rgb_color color)
{
    long dx = labs(x1 - x0), dy = -labs(y1 - y0);
    long sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
    for (;;) {
        put(c, x0, y0, color);
        if (x0 == x1 && y0 == y1) break;
        long e2 = 2 * err;
        if (e2 >= dy) { err += dy; x0 += sx; }
        if (e2 <= dx) { err += dx; y0 += sy; }
    }
}

/* 5x7 glyphs, one byte per row, bit 4 the leftmost pixel. */
static const struct glyph { char ch; unsigned char row[7]; } font[] = {
    {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}}, {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}}, {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
    {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}}, {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
    {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}}, {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}}, {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
    {'A', {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}}, {'B', {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}},
    {'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}}, {'D', {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C}},
    {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}}, {'F', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10}},
    {'G', {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}}, {'H', {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'I', {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}}, {'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C}},
    {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}}, {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}},
    {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}}, {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
    {'O', {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}}, {'P', {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10}},
    {'Q', {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D}}, {'R', {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}},
    {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}}, {'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
    {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}}, {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04}},
    {'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A}}, {'X', {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11}},
    {'Y', {0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04}}, {'Z', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F}},
    {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}}, {'-', {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}},
    {':', {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00}}, {'/', {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00}},
    {'%', {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03}}, {'_', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F}},
    {'=', {0x00, 0x00, 0x1F, 0x00, 0x1F, 0x00, 0x00}}, {'(', {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}},
    {')', {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}}, {'+', {0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00}},
    {',', {0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08}}, {'[', {0x0E, 0x08, 0x08, 0x08, 0x08, 0x08, 0x0E}},
    {']', {0x0E, 0x02, 0x02, 0x02, 0x02, 0x02, 0x0E}},
};

static const unsigned char *glyph_rows(char ch)
{
    if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 'a' + 'A');
    for (size_t i = 0; i < sizeof font / sizeof font[0]; i++)
        if (font[i].ch == ch) return font[i].row;
    return NULL; /* space and anything unknown: blank */
}

void canvas_text(canvas *c, long x, long y, const char *text, rgb_color color, int scale)
{
    for (; *text; text++, x += 6 * scale) {
        const unsigned char *rows = glyph_rows(*text);
        if (!rows) continue;
        for (int r = 0; r < 7; r++)
            for (int b = 0; b < 5; b++)
                if (rows[r] & (0x10 >> b)) canvas_fill(c, x + b * scale, y + r * scale, scale, scale, color);
    }
}

static long text_width(const char *text, int scale)
{
    return (long)strlen(text) * 6 * scale;
}

int canvas_save_png(const canvas *c, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fclose(f);
        return -1;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)c->w, (png_uint_32)c->h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (size_t y = 0; y < c->h; y++) png_write_row(png, c->rgb + y * c->w * 3);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    return fclose(f) == 0 ? 0 : -1;
}

rgb_color class_color(size_t k)
{
    static const rgb_color tab10[10] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                        0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
    return tab10[k % 10];
}

/* ---- plots ------------------------------------------------------------ */

int draw_image_grid(const char *path, const float *images, size_t n, size_t h, size_t w,
                    size_t cols, float lo, float hi)
{
    size_t rows = (n + cols - 1) / cols;
    canvas c;
    if (canvas_init(&c, cols * (w + 1) + 1, rows * (h + 1) + 1) != 0) return -1;
    canvas_fill(&c, 0, 0, (long)c.w, (long)c.h, 0x404040);
    for (size_t k = 0; k < n; k++) {
        size_t x0 = 1 + (k % cols) * (w + 1), y0 = 1 + (k / cols) * (h + 1);
        for (size_t y = 0; y < h; y++)
            for (size_t x = 0; x < w; x++) {
                float v = (images[k * h * w + y * w + x] - lo) / (hi - lo);
                v = v < 0 ? 0 : v > 1 ? 1 : v;
                unsigned g = (unsigned)lrintf(v * 255.0f);
                put(&c, (long)(x0 + x), (long)(y0 + y), (rgb_color)(g << 16 | g << 8 | g));
            }
    }
    int rc = canvas_save_png(&c, path);
    canvas_free(&c);
    return rc;
}

/* A "nice" number label: %.3g. */
static void fmt_num(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.3g", v);
}

static void range_of(const double *v, size_t n, size_t stride, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double x = v[i * stride];
        if (!isfinite(x)) continue;
        if (x < *lo) *lo = x;
        if (x > *hi) *hi = x;
    }
    if (!(*lo <= *hi)) *lo = 0, *hi = 1;
    if (*hi - *lo < 1e-12) *lo -= 0.5, *hi += 0.5;
}

int draw_scatter(const char *path, const char *title, const float *xy, const int32_t *labels,
                 size_t n, size_t classes)
{
    enum { PLOT = 440, LEFT = 50, TOP = 30, LEGEND = 110 };
    canvas c;
    if (canvas_init(&c, LEFT + PLOT + LEGEND, TOP + PLOT + 30) != 0) return -1;
    double *d = malloc((n ? n : 1) * 2 * sizeof *d);
    if (!d) {
        canvas_free(&c);
        return -1;
    }
    for (size_t i = 0; i < 2 * n; i++) d[i] = xy[i];
    double xlo, xhi, ylo, yhi;
    range_of(d, n, 2, &xlo, &xhi);
    range_of(d + 1, n, 2, &ylo, &yhi);
    free(d);
    canvas_text(&c, LEFT, 8, title, 0x000000, 2);
    canvas_line(&c, LEFT - 1, TOP, LEFT - 1, TOP + PLOT, 0x000000);
    canvas_line(&c, LEFT - 1, TOP + PLOT, LEFT + PLOT, TOP + PLOT, 0x000000);
    char buf[32];
    fmt_num(buf, sizeof buf, xlo);
    canvas_text(&c, LEFT, TOP + PLOT + 6, buf, 0x000000, 1);
    fmt_num(buf, sizeof buf, xhi);
    canvas_text(&c, LEFT + PLOT - text_width(buf, 1), TOP + PLOT + 6, buf, 0x000000, 1);
    fmt_num(buf, sizeof buf, yhi);
    canvas_text(&c, LEFT - 6 - text_width(buf, 1), TOP, buf, 0x000000, 1);
    fmt_num(buf, sizeof buf, ylo);
    canvas_text(&c, LEFT - 6 - text_width(buf, 1), TOP + PLOT - 7, buf, 0x000000, 1);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(xy[2 * i]) || !isfinite(xy[2 * i + 1])) continue;
        long px = LEFT + (long)lrint((xy[2 * i] - xlo) / (xhi - xlo) * (PLOT - 2));
        long py = TOP + PLOT - 2 - (long)lrint((xy[2 * i + 1] - ylo) / (yhi - ylo) * (PLOT - 2));
        int32_t l = labels ? labels[i] : -1;
        rgb_color col = l >= 0 && (size_t)l < classes ? class_color((size_t)l) : 0xa0a0a0;
        canvas_fill(&c, px, py, 2, 2, col);
    }
    for (size_t k = 0; k < classes && k < 40; k++) {
        long y = TOP + 10 + (long)k * 16;
        canvas_fill(&c, LEFT + PLOT + 20, y, 10, 10, class_color(k));
        snprintf(buf, sizeof buf, "%zu", k);
        canvas_text(&c, LEFT + PLOT + 36, y + 1, buf, 0x000000, 1);
    }
    int rc = canvas_save_png(&c, path);
    canvas_free(&c);
    return rc;
}

int draw_curves(const char *path, const char *const *names, const double *values, size_t series,
                size_t points)
{
    enum { PW = 260, PH = 150, PAD = 50, PER_ROW = 3 };
    size_t per_row = series < PER_ROW ? (series ? series : 1) : PER_ROW;
    size_t rows = (series + per_row - 1) / per_row;
    canvas c;
    if (canvas_init(&c, per_row * (PW + PAD) + PAD / 2, (rows ? rows : 1) * (PH + PAD) + 10) != 0)
        return -1;
    char buf[32];
    for (size_t s = 0; s < series; s++) {
        const double *v = values + s * points;
        long x0 = PAD + (long)(s % per_row) * (PW + PAD), y0 = 24 + (long)(s / per_row) * (PH + PAD);
        double lo, hi;
        range_of(v, points, 1, &lo, &hi);
        canvas_text(&c, x0, y0 - 18, names[s], 0x000000, 1);
        canvas_line(&c, x0, y0, x0, y0 + PH, 0x000000);
        canvas_line(&c, x0, y0 + PH, x0 + PW, y0 + PH, 0x000000);
        fmt_num(buf, sizeof buf, hi);
        canvas_text(&c, x0 - 4 - text_width(buf, 1), y0, buf, 0x000000, 1);
        fmt_num(buf, sizeof buf, lo);
        canvas_text(&c, x0 - 4 - text_width(buf, 1), y0 + PH - 7, buf, 0x000000, 1);
        canvas_text(&c, x0, y0 + PH + 5, "1", 0x000000, 1);
        snprintf(buf, sizeof buf, "epoch %zu", points);
        canvas_text(&c, x0 + PW - text_width(buf, 1), y0 + PH + 5, buf, 0x000000, 1);
        long px = -1, py = -1;
        for (size_t i = 0; i < points; i++) {
            if (!isfinite(v[i])) continue;
            long x = x0 + 2 + (points > 1 ? (long)(i * (PW - 4) / (points - 1)) : (PW - 4) / 2);
            long y = y0 + PH - 2 - (long)lrint((v[i] - lo) / (hi - lo) * (PH - 4));
            if (px >= 0) canvas_line(&c, px, py, x, y, class_color(s));
            canvas_fill(&c, x - 1, y - 1, 3, 3, class_color(s));
            px = x;
            py = y;
        }
    }
    int rc = canvas_save_png(&c, path);
    canvas_free(&c);
    return rc;
}
