/* Datasets: float rows (copied or borrowed) or byte rows with a scale (IDX
 * data stays bytes and is converted per gathered row), optional labels. */
#ifndef AAEI_DATASET_H
#define AAEI_DATASET_H

#include <stdatomic.h>

#include <stdio.h>

#include "aae/aae.h"

struct aae_dataset {
    size_t rows, width;
    const float *x;          /* float rows, or NULL */
    const uint8_t *bytes;    /* byte rows, or NULL */
    aae_scale scale;
    const int32_t *labels;   /* NULL: unlabelled */
    void *owned_x;           /* what this dataset frees (x or bytes) */
    int32_t *owned_labels;
    /* Epochs in progress that read this dataset (aae_dataset_free refuses
     * while non-zero). Zeroed by calloc, as every dataset is allocated. */
    atomic_uint users;
};

/* A dataset that owns `bytes` (rows x width) and `labels` (may be NULL). */
aae_status aaei_dataset_adopt_bytes(aae_dataset **ds, uint8_t *bytes, int32_t *labels,
                                    size_t rows, size_t width, aae_scale scale);

/* Gathers rows idx[0..n) as floats into x and, unless labels is NULL, their
 * labels (-1 when unlabelled). Indices are trusted; never allocates. */
void aaei_dataset_gather(const aae_dataset *ds, const size_t *idx, size_t n, float *x,
                         int32_t *labels);

/* A new dataset of copies of rows idx[0..n); labels replaced by new_labels
 * (n entries, copied) when not NULL. */
aae_status aaei_dataset_copy_rows(const aae_dataset *ds, const size_t *idx, size_t n,
                                  const int32_t *new_labels, aae_dataset **out);

/* Reads an IDX file: *data (owned, malloc'd via aaei_malloc) holds
 * count x item bytes; dims beyond the first multiply into item. */
aae_status aaei_idx_read(const char *path, int want_dims_min, int want_dims_max,
                         uint8_t **data, size_t *count, size_t *item);

/* The same from an open stream of `size` bytes (`path` names it in
 * messages); the IDX fuzzer feeds it memory through fmemopen. */
aae_status aaei_idx_read_stream(FILE *f, size_t size, const char *path, int want_dims_min,
                                int want_dims_max, uint8_t **data, size_t *count, size_t *item);

#endif
