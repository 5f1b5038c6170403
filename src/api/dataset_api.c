/* Public dataset functions: argument checks, then src/io. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"
#include "io/dataset.h"

static int row_is_finite(const float *x, size_t width)
{
    for (size_t j = 0; j < width; j++)
        if (!isfinite(x[j])) return 0;
    return 1;
}

AAE_API aae_status aae_dataset_from_memory(aae_dataset **ds, const float *x,
                                           const int32_t *labels, size_t rows, size_t width,
                                           aae_ownership own)
{
    static const char fn[] = "aae_dataset_from_memory";
    size_t n;
    AAEI_REQUIRE(ds && x, "%s: ds or x is NULL", fn);
    AAEI_REQUIRE(rows >= 1 && width >= 1 && width <= (1u << 24),
                 "%s: rows must be >= 1 and width in [1, %u] (got %zu x %zu)", fn, 1u << 24, rows, width);
    AAEI_REQUIRE(aaei_mul_size(rows, width, &n) && n <= SIZE_MAX / sizeof(float),
                 "%s: %zu x %zu overflows", fn, rows, width);
    AAEI_REQUIRE(own == AAE_COPY || own == AAE_BORROW || own == AAE_COPY_FINITE,
                 "%s: unknown ownership %d", fn, (int)own);
    size_t kept = rows;
    if (own == AAE_COPY_FINITE) {
        kept = 0;
        for (size_t r = 0; r < rows; r++) kept += row_is_finite(x + r * width, width);
        AAEI_REQUIRE(kept > 0, "%s: none of the %zu rows is all finite", fn, rows);
    } else {
        for (size_t i = 0; i < n; i++)
            if (!isfinite(x[i]))
                return aaei_fail(AAE_ERR_INVALID_ARGUMENT, "%s: row %zu column %zu is %g", fn,
                                 i / width, i % width, (double)x[i]);
    }
    for (size_t r = 0; labels && r < rows; r++)
        AAEI_REQUIRE(labels[r] >= -1, "%s: label of row %zu is %d (use -1 for unlabelled)", fn, r,
                     (int)labels[r]);
    aae_dataset *d = aaei_calloc(1, sizeof *d, "dataset");
    if (!d) return AAE_ERR_NOMEM;
    d->rows = kept;
    d->width = width;
    d->x = x;
    d->labels = labels;
    if (own != AAE_BORROW) {
        float *cx = aaei_malloc(kept * width, sizeof *cx, "dataset rows");
        int32_t *cl = labels ? aaei_malloc(kept, sizeof *cl, "dataset labels") : NULL;
        if (!cx || (labels && !cl)) {
            aaei_free(cx);
            aaei_free(cl);
            aaei_free(d);
            return AAE_ERR_NOMEM;
        }
        for (size_t r = 0, k = 0; r < rows; r++) {
            if (own == AAE_COPY_FINITE && !row_is_finite(x + r * width, width)) continue;
            memcpy(cx + k * width, x + r * width, width * sizeof *cx);
            if (cl) cl[k] = labels[r];
            k++;
        }
        d->x = cx;
        d->owned_x = cx;
        d->labels = d->owned_labels = cl;
    }
    *ds = d;
    return AAE_OK;
}

AAE_API aae_status aae_dataset_load_idx(aae_dataset **ds, const char *images_path,
                                        const char *labels_path, aae_scale scale)
{
    static const char fn[] = "aae_dataset_load_idx";
    AAEI_REQUIRE(ds && images_path, "%s: ds or images_path is NULL", fn);
    AAEI_REQUIRE(scale == AAE_SCALE_UNIT || scale == AAE_SCALE_SYMMETRIC, "%s: unknown scale %d",
                 fn, (int)scale);
    uint8_t *img = NULL, *lab = NULL;
    size_t n, width, nl = 0, one = 0;
    AAEI_TRY(aaei_idx_read(images_path, 2, 255, &img, &n, &width));
    int32_t *labels = NULL;
    aae_status st = AAE_OK;
    if (labels_path) {
        st = aaei_idx_read(labels_path, 1, 1, &lab, &nl, &one);
        if (st == AAE_OK && nl != n)
            st = aaei_fail(AAE_ERR_FORMAT, "%s: %zu labels for %zu images in %s", fn, nl, n, images_path);
        if (st == AAE_OK && !(labels = aaei_malloc(n, sizeof *labels, "dataset labels")))
            st = AAE_ERR_NOMEM;
        for (size_t i = 0; st == AAE_OK && i < n; i++) labels[i] = lab[i];
        aaei_free(lab);
    }
    if (st == AAE_OK && width > (1u << 24))
        st = aaei_fail(AAE_ERR_FORMAT, "%s: rows of %zu features are too wide", fn, width);
    if (st == AAE_OK) st = aaei_dataset_adopt_bytes(ds, img, labels, n, width, scale);
    if (st != AAE_OK) {
        aaei_free(img);
        aaei_free(labels);
    }
    return st;
}

AAE_API void aae_dataset_free(aae_dataset *ds)
{
    if (!ds) return;
    if (atomic_load(&ds->users) != 0) {
        aaei_fail(AAE_ERR_BUSY, "aae_dataset_free: a training epoch is reading this dataset; "
                                "it was not freed (free it after the epoch returns)");
        return;
    }
    aaei_free(ds->owned_x);
    aaei_free(ds->owned_labels);
    aaei_free(ds);
}

AAE_API aae_status aae_dataset_shape(const aae_dataset *ds, size_t *rows, size_t *width,
                                     int *has_labels)
{
    AAEI_REQUIRE(ds != NULL, "aae_dataset_shape: ds is NULL");
    if (rows) *rows = ds->rows;
    if (width) *width = ds->width;
    if (has_labels) *has_labels = ds->labels != NULL;
    return AAE_OK;
}

static aae_status check_indices(const aae_dataset *ds, const size_t *idx, size_t n, const char *fn)
{
    AAEI_REQUIRE(idx != NULL && n >= 1, "%s: indices is NULL or n is 0", fn);
    for (size_t i = 0; i < n; i++)
        AAEI_REQUIRE(idx[i] < ds->rows, "%s: index %zu is %zu, the dataset has %zu rows", fn, i,
                     idx[i], ds->rows);
    return AAE_OK;
}

AAE_API aae_status aae_dataset_get_rows(const aae_dataset *ds, const size_t *indices, size_t n,
                                        float *x, int32_t *labels)
{
    static const char fn[] = "aae_dataset_get_rows";
    AAEI_REQUIRE(ds && x, "%s: ds or x is NULL", fn);
    AAEI_TRY(check_indices(ds, indices, n, fn));
    aaei_dataset_gather(ds, indices, n, x, labels);
    return AAE_OK;
}

AAE_API aae_status aae_dataset_subset(const aae_dataset *ds, const size_t *indices, size_t n,
                                      aae_dataset **out)
{
    static const char fn[] = "aae_dataset_subset";
    AAEI_REQUIRE(ds && out, "%s: ds or out is NULL", fn);
    AAEI_TRY(check_indices(ds, indices, n, fn));
    return aaei_dataset_copy_rows(ds, indices, n, NULL, out);
}

AAE_API aae_status aae_dataset_shuffle(const aae_dataset *ds, uint64_t seed, uint64_t epoch,
                                       size_t *perm, size_t rows)
{
    AAEI_REQUIRE(ds && perm, "aae_dataset_shuffle: ds or perm is NULL");
    AAEI_REQUIRE(rows == ds->rows, "aae_dataset_shuffle: perm holds %zu entries, the dataset %zu rows",
                 rows, ds->rows);
    aaei_rng r = aaei_rng_keyed(seed, AAEI_STREAM_SHUFFLE, epoch, 0);
    aaei_rng_permutation(&r, perm, rows);
    return AAE_OK;
}

AAE_API aae_status aae_dataset_split(const aae_dataset *ds, size_t valid_rows, uint64_t seed,
                                     aae_dataset **train, aae_dataset **valid)
{
    static const char fn[] = "aae_dataset_split";
    AAEI_REQUIRE(ds && train && valid, "%s: ds, train or valid is NULL", fn);
    AAEI_REQUIRE(valid_rows >= 1 && valid_rows < ds->rows,
                 "%s: valid_rows %zu must be in [1, %zu)", fn, valid_rows, ds->rows);
    size_t *perm = aaei_malloc(ds->rows, sizeof *perm, "split order");
    uint8_t *is_valid = aaei_calloc(ds->rows, 1, "split mask");
    aae_dataset *tr = NULL, *va = NULL;
    aae_status st = perm && is_valid ? AAE_OK : AAE_ERR_NOMEM;
    if (st == AAE_OK) {
        aaei_rng r = aaei_rng_keyed(seed, AAEI_STREAM_SHUFFLE, UINT64_MAX, 0);
        aaei_rng_permutation(&r, perm, ds->rows);
        for (size_t i = 0; i < valid_rows; i++) is_valid[perm[i]] = 1;
        /* Both parts keep the original row order. */
        size_t nv = 0, nt = 0;
        for (size_t i = 0; i < ds->rows; i++) {
            if (is_valid[i]) perm[nv++] = i;
        }
        size_t *tidx = perm + nv;
        for (size_t i = 0; i < ds->rows; i++)
            if (!is_valid[i]) tidx[nt++] = i;
        st = aaei_dataset_copy_rows(ds, perm, nv, NULL, &va);
        if (st == AAE_OK) st = aaei_dataset_copy_rows(ds, tidx, nt, NULL, &tr);
    }
    aaei_free(perm);
    aaei_free(is_valid);
    if (st != AAE_OK) {
        aae_dataset_free(va);
        return st;
    }
    *train = tr;
    *valid = va;
    return AAE_OK;
}

static int compare_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* The labels >= 0 of ds, sorted ascending, in *sorted (*n of them). */
static aae_status sorted_labels(const aae_dataset *ds, int32_t **sorted, size_t *n)
{
    int32_t *s = aaei_malloc(ds->rows, sizeof *s, "sorted labels");
    if (!s) return AAE_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < ds->rows; i++)
        if (ds->labels[i] >= 0) s[k++] = ds->labels[i];
    qsort(s, k, sizeof *s, compare_int32);
    *sorted = s;
    *n = k;
    return AAE_OK;
}

/* Whether every class 0..largest label has per_class rows, counted from the
 * sorted labels (memory never depends on a label's value); *classes is the
 * number of classes when it has. */
static aae_status check_class_sizes(const int32_t *sorted, size_t n, size_t per_class,
                                    size_t *classes, const char *fn)
{
    AAEI_REQUIRE(n > 0, "%s: no row is labelled", fn);
    size_t want = 0;
    for (size_t i = 0, j; i < n; i = j, want++) {
        for (j = i; j < n && sorted[j] == sorted[i]; j++) continue;
        size_t have = (size_t)sorted[i] == want ? j - i : 0;
        AAEI_REQUIRE(have >= per_class, "%s: class %zu has only %zu rows, %zu asked", fn, want,
                     have, per_class);
    }
    *classes = want;
    return AAE_OK;
}

/* The number of classes of ds (labels 0..classes-1, each on at least
 * per_class rows), or the first class that is short. */
static aae_status count_classes(const aae_dataset *ds, size_t per_class, size_t *classes,
                                const char *fn)
{
    int32_t *sorted = NULL;
    size_t n = 0;
    AAEI_TRY(sorted_labels(ds, &sorted, &n));
    aae_status st = check_class_sizes(sorted, n, per_class, classes, fn);
    aaei_free(sorted);
    return st;
}

AAE_API aae_status aae_dataset_keep_labels(const aae_dataset *ds, size_t per_class, uint64_t seed,
                                           aae_dataset **out)
{
    static const char fn[] = "aae_dataset_keep_labels";
    AAEI_REQUIRE(ds && out, "%s: ds or out is NULL", fn);
    AAEI_REQUIRE(ds->labels != NULL, "%s: the dataset has no labels", fn);
    AAEI_REQUIRE(per_class >= 1, "%s: per_class must be >= 1", fn);
    size_t classes = 0;
    AAEI_TRY(count_classes(ds, per_class, &classes, fn));
    /* Every class has a row: classes <= rows. */
    size_t *perm = aaei_malloc(ds->rows, sizeof *perm, "label selection order");
    size_t *taken = aaei_calloc(classes, sizeof *taken, "label counts");
    int32_t *lab = aaei_malloc(ds->rows, sizeof *lab, "kept labels");
    aae_status st = perm && taken && lab ? AAE_OK : AAE_ERR_NOMEM;
    if (st == AAE_OK) {
        /* Walk the rows in a seeded random order, keeping the first
         * per_class of each class. */
        aaei_rng r = aaei_rng_keyed(seed, AAEI_STREAM_SHUFFLE, UINT64_MAX - 1, 0);
        aaei_rng_permutation(&r, perm, ds->rows);
        for (size_t i = 0; i < ds->rows; i++) lab[i] = -1;
        for (size_t i = 0; i < ds->rows; i++) {
            int32_t c = ds->labels[perm[i]];
            if (c >= 0 && taken[c] < per_class) {
                taken[c]++;
                lab[perm[i]] = c;
            }
        }
        for (size_t i = 0; i < ds->rows; i++) perm[i] = i;
        st = aaei_dataset_copy_rows(ds, perm, ds->rows, lab, out);
    }
    aaei_free(perm);
    aaei_free(taken);
    aaei_free(lab);
    return st;
}
