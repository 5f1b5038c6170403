#include "png.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc(uint32_t c, const unsigned char *p, size_t n)
{
    c = ~c;
    while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

static void be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static int chunk(FILE *f, const char *type, const unsigned char *data, size_t n)
{
    unsigned char head[8];
    be32(head, (uint32_t)n);
    memcpy(head + 4, type, 4);
    uint32_t c = crc(crc(0, head + 4, 4), data, n);
    unsigned char tail[4];
    be32(tail, c);
    return fwrite(head, 1, 8, f) == 8 && (n == 0 || fwrite(data, 1, n, f) == n) &&
                   fwrite(tail, 1, 4, f) == 4
               ? 0
               : -1;
}

int png_write(const char *path, const unsigned char *pixels, size_t width, size_t height,
              int channels)
{
    crc_init();
    size_t row = width * (size_t)channels + 1, raw_n = row * height;
    /* zlib stream of stored blocks (<= 65535 bytes each) + adler32 */
    size_t blocks = raw_n / 65535 + 1, z_n = 2 + raw_n + 5 * blocks + 4;
    unsigned char *raw = malloc(raw_n), *z = malloc(z_n);
    if (!raw || !z) {
        free(raw);
        free(z);
        errno = ENOMEM;
        return -1;
    }
    for (size_t y = 0; y < height; y++) {
        raw[y * row] = 0; /* filter: none */
        memcpy(raw + y * row + 1, pixels + y * (row - 1), row - 1);
    }
    size_t o = 0;
    z[o++] = 0x78;
    z[o++] = 0x01;
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < raw_n; i++) {
        a = (a + raw[i]) % 65521;
        b = (b + a) % 65521;
    }
    for (size_t done = 0; done < raw_n || done == 0;) {
        size_t len = raw_n - done > 65535 ? 65535 : raw_n - done;
        z[o++] = done + len == raw_n ? 1 : 0;
        z[o++] = (unsigned char)len;
        z[o++] = (unsigned char)(len >> 8);
        z[o++] = (unsigned char)~len;
        z[o++] = (unsigned char)(~len >> 8);
        memcpy(z + o, raw + done, len);
        o += len;
        done += len;
        if (raw_n == 0) break;
    }
    be32(z + o, (b << 16) | a);
    o += 4;
    unsigned char ihdr[13];
    be32(ihdr, (uint32_t)width);
    be32(ihdr + 4, (uint32_t)height);
    ihdr[8] = 8;
    ihdr[9] = channels == 3 ? 2 : 0;
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    FILE *f = fopen(path, "wb");
    int rc = -1;
    if (f) {
        static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        rc = fwrite(sig, 1, 8, f) == 8 && chunk(f, "IHDR", ihdr, 13) == 0 &&
                     chunk(f, "IDAT", z, o) == 0 && chunk(f, "IEND", NULL, 0) == 0
                 ? 0
                 : -1;
        if (fclose(f) != 0) rc = -1;
    }
    free(raw);
    free(z);
    return rc;
}

int png_write_grid(const char *path, const float *images, size_t n, size_t h, size_t w,
                   size_t cols, float lo, float hi)
{
    size_t rows = (n + cols - 1) / cols;
    size_t W = cols * (w + 1) + 1, H = rows * (h + 1) + 1;
    unsigned char *px = calloc(W * H, 1);
    if (!px) return -1;
    memset(px, 64, W * H); /* gaps in dark gray */
    for (size_t i = 0; i < n; i++) {
        size_t gx = (i % cols) * (w + 1) + 1, gy = (i / cols) * (h + 1) + 1;
        for (size_t y = 0; y < h; y++)
            for (size_t x = 0; x < w; x++) {
                float v = (images[i * h * w + y * w + x] - lo) / (hi - lo);
                v = v < 0 ? 0 : v > 1 ? 1 : v;
                px[(gy + y) * W + gx + x] = (unsigned char)(v * 255.0f + 0.5f);
            }
    }
    int rc = png_write(path, px, W, H, 1);
    free(px);
    return rc;
}
