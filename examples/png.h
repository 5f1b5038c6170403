/* Minimal grayscale/RGB PNG writer for the examples (stored deflate blocks,
 * no compression library needed). Not part of the library. */
#ifndef AAE_EXAMPLES_PNG_H
#define AAE_EXAMPLES_PNG_H

#include <stddef.h>

/* Writes width x height pixels of `channels` (1 = gray, 3 = RGB) bytes each,
 * row-major. Returns 0 on success, -1 (errno set) on failure. */
int png_write(const char *path, const unsigned char *pixels, size_t width,
              size_t height, int channels);

/* Tiles n images of h x w floats (value lo..hi maps to black..white) into a
 * grid with `cols` columns and a 1-pixel gap, written as a gray PNG. */
int png_write_grid(const char *path, const float *images, size_t n, size_t h,
                   size_t w, size_t cols, float lo, float hi);

#endif
