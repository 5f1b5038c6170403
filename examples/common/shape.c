/* Picture shapes: --image-shape HxW, IDX dimensions, square rows. */
#include "shape.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int shape_parse(const char *prog, const char *spec, size_t cols, size_t *h, size_t *w)
{
    if (spec) {
        char *end = NULL;
        errno = 0;
        unsigned long long a = 0, b = 0;
        if (*spec >= '0' && *spec <= '9') a = strtoull(spec, &end, 10);
        if (end && *end == 'x' && end[1] >= '0' && end[1] <= '9') b = strtoull(end + 1, &end, 10);
        if (errno || !b || *end || !a || a > cols || b > cols / a || a * b != cols) {
            fprintf(stderr, "%s: --image-shape %s: need HxW with H*W = %zu, the values per row\n", prog, spec,
                    cols);
            return -1;
        }
        *h = (size_t)a;
        *w = (size_t)b;
        return 0;
    }
    size_t s = (size_t)sqrt((double)cols);
    while (s && s * s > cols) s--;
    while ((s + 1) * (s + 1) <= cols) s++;
    if (!s || s * s != cols) {
        fprintf(stderr, "%s: rows of %zu values are not square pictures: give --image-shape HxW\n", prog, cols);
        return -1;
    }
    *h = *w = s;
    return 0;
}

int shape_of_idx(const char *prog, const char *path, size_t *rows, size_t *cols, size_t *h, size_t *w)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open %s: %s\n", prog, path, strerror(errno));
        return -1;
    }
    unsigned char b[4 + 4 * 255] = {0};
    size_t got = fread(b, 1, 4, f), nd = b[3];
    int ok = got == 4 && b[0] == 0 && b[1] == 0 && b[2] == 0x08 && nd >= 2 && fread(b + 4, 4, nd, f) == nd;
    long size = ok && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    fclose(f);
    if (!ok) {
        fprintf(stderr, "%s: %s is not an IDX file of unsigned-byte rows (2 or more dimensions)\n", prog, path);
        return -1;
    }
    size_t d[3] = {0}, per_row = 1;
    for (size_t i = 0; i < nd; i++) {
        const unsigned char *p = b + 4 + 4 * i;
        size_t k = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
        if (i && (!k || per_row > (size_t)-1 / k)) {
            fprintf(stderr, "%s: %s: dimension %zu is %zu, not a picture's\n", prog, path, i + 1, k);
            return -1;
        }
        if (i) per_row *= k;
        if (i < 3) d[i] = k;
    }
    size_t header = 4 + 4 * nd;
    if (!d[0] || size < 0 || (size_t)size < header || per_row > ((size_t)size - header) / d[0] ||
        d[0] * per_row != (size_t)size - header) {
        fprintf(stderr, "%s: %s: the header says %zu rows of %zu bytes, the file holds %ld bytes of data\n", prog,
                path, d[0], per_row, size < 0 ? -1L : size - (long)header);
        return -1;
    }
    *rows = d[0];
    *cols = per_row;
    *h = nd == 3 ? d[1] : 0;
    *w = nd == 3 ? d[2] : 0;
    return 0;
}
