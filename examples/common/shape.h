/* The picture shape of a data row, shared by the MNIST examples and
 * aae-cli: --image-shape HxW, an IDX file's own dimensions, or a square.
 * Not part of the library. */
#ifndef AAE_EXAMPLES_SHAPE_H
#define AAE_EXAMPLES_SHAPE_H

#include <stddef.h>

/* The shape of rows of `cols` values: spec "HxW" (H * W must be cols), or
 * a square when spec is NULL. 0, or -1 after saying on stderr, after
 * "<prog>: ", what is wrong. */
int shape_parse(const char *prog, const char *spec, size_t cols, size_t *h, size_t *w);

/* Reads the header of the IDX file at path: *rows (its first dimension),
 * *cols (the values per row: the product of the others) and, for a 3-D
 * file, *h x *w its last two (else both 0), checking that the file holds
 * the bytes its header says. 0, or -1 after saying on stderr which file
 * and why. */
int shape_of_idx(const char *prog, const char *path, size_t *rows, size_t *cols, size_t *h, size_t *w);

#endif
