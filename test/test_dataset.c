/* Datasets: memory and IDX loading, gathering, subsets, shuffles, splits,
 * label selection; malformed IDX files are refused before any allocation
 * they would imply. Also the metrics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "test_util.h"

static char DIR_[64];

static void setup(void) { tu_make_tmpdir(DIR_, "idx"); }

static void teardown(void) { tu_remove_tmpdir(DIR_); }

static const char *path_of(const char *name) { return tu_in_dir(DIR_, name); }

static void write_file(const char *name, const uint8_t *bytes, size_t n)
{
    FILE *f = fopen(path_of(name), "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    fclose(f);
}

/* An IDX header: magic 00 00 08 dims, then big-endian sizes. */
static size_t header(uint8_t *b, int dims, const uint32_t *sizes)
{
    b[0] = b[1] = 0;
    b[2] = 8;
    b[3] = (uint8_t)dims;
    for (int d = 0; d < dims; d++) {
        b[4 + 4 * d] = (uint8_t)(sizes[d] >> 24);
        b[5 + 4 * d] = (uint8_t)(sizes[d] >> 16);
        b[6 + 4 * d] = (uint8_t)(sizes[d] >> 8);
        b[7 + 4 * d] = (uint8_t)sizes[d];
    }
    return 4 + 4 * (size_t)dims;
}

/* 5 images of 2 x 3 bytes (value = 10 * row + col) and labels 0..4 % 3. */
static void write_good(void)
{
    uint8_t b[64];
    uint32_t s[3] = {5, 2, 3};
    size_t h = header(b, 3, s);
    for (int i = 0; i < 30; i++) b[h + (size_t)i] = (uint8_t)(10 * (i / 6) + i % 6);
    write_file("img", b, h + 30);
    uint32_t l[1] = {5};
    h = header(b, 1, l);
    for (int i = 0; i < 5; i++) b[h + (size_t)i] = (uint8_t)(i % 3);
    write_file("lab", b, h + 5);
}

START_TEST(idx_round_trip)
{
    write_good();
    aae_dataset *ds;
    TU_ASSERT_OK(aae_dataset_load_idx(&ds, path_of("img"), path_of("lab"), AAE_SCALE_UNIT));
    size_t rows, width;
    int has;
    TU_ASSERT_OK(aae_dataset_shape(ds, &rows, &width, &has));
    ck_assert(rows == 5 && width == 6 && has);
    size_t idx[2] = {4, 1};
    float x[12];
    int32_t y[2];
    TU_ASSERT_OK(aae_dataset_get_rows(ds, idx, 2, x, y));
    ck_assert_float_eq_tol(x[0], 40.0f / 255.0f, 1e-7f);
    ck_assert_float_eq_tol(x[6 + 5], 15.0f / 255.0f, 1e-7f);
    ck_assert(y[0] == 1 && y[1] == 1);
    aae_dataset_free(ds);
    TU_ASSERT_OK(aae_dataset_load_idx(&ds, path_of("img"), NULL, AAE_SCALE_SYMMETRIC));
    TU_ASSERT_OK(aae_dataset_get_rows(ds, idx, 2, x, y));
    ck_assert_float_eq_tol(x[0], 40.0f / 127.5f - 1.0f, 1e-6f);
    ck_assert(y[0] == -1 && y[1] == -1);
    TU_ASSERT_OK(aae_dataset_shape(ds, NULL, NULL, &has));
    ck_assert(!has);
    aae_dataset_free(ds);
}
END_TEST

typedef struct idx_case {
    const char *what;
    size_t n;
    aae_status st;
    const char *needle;
} idx_case;

START_TEST(malformed_idx_files)
{
    write_good();
    uint8_t b[200] = {0};
    aae_dataset *ds = NULL;
    idx_case cases[8];
    int nc = 0;
    uint32_t s3[3] = {5, 2, 3};
    /* truncated header */
    header(b, 3, s3);
    write_file("c0", b, 6);
    cases[nc++] = (idx_case){"c0", 0, AAE_ERR_FORMAT, "header"};
    /* wrong magic */
    size_t h = header(b, 3, s3);
    memset(b + h, 1, 30);
    b[0] = 1;
    write_file("c1", b, h + 30);
    cases[nc++] = (idx_case){"c1", 0, AAE_ERR_FORMAT, "magic"};
    /* wrong element type (0x0D = float) */
    header(b, 3, s3);
    b[2] = 0x0d;
    write_file("c2", b, h + 30);
    cases[nc++] = (idx_case){"c2", 0, AAE_ERR_FORMAT, "type"};
    /* zero dimension */
    uint32_t z[3] = {5, 0, 3};
    header(b, 3, z);
    write_file("c3", b, h + 30);
    cases[nc++] = (idx_case){"c3", 0, AAE_ERR_FORMAT, "zero"};
    /* dimensions whose product overflows, in a tiny file */
    uint32_t big[4] = {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu};
    h = header(b, 4, big);
    write_file("c4", b, h + 10);
    cases[nc++] = (idx_case){"c4", 0, AAE_ERR_FORMAT, ""};
    /* huge but not overflowing dims in a 100-byte file: refused, no
     * allocation of gigabytes */
    uint32_t huge[3] = {60000000u, 28, 28};
    h = header(b, 3, huge);
    write_file("c5", b, 100);
    cases[nc++] = (idx_case){"c5", 0, AAE_ERR_FORMAT, "header says"};
    /* one byte longer than the header says */
    h = header(b, 3, s3);
    write_file("c6", b, h + 31);
    cases[nc++] = (idx_case){"c6", 0, AAE_ERR_FORMAT, "header says"};
    /* images with 1 dimension */
    uint32_t one[1] = {5};
    h = header(b, 1, one);
    write_file("c7", b, h + 5);
    cases[nc++] = (idx_case){"c7", 0, AAE_ERR_FORMAT, "dimensions"};
    for (int i = 0; i < nc; i++) {
        unsigned long allocs = aaei_alloc_count();
        aae_status st = aae_dataset_load_idx(&ds, path_of(cases[i].what), NULL, AAE_SCALE_UNIT);
        ck_assert_msg(st == cases[i].st, "%s: %s (%s)", cases[i].what, aae_status_name(st), aae_last_error());
        ck_assert_msg(strstr(aae_last_error(), cases[i].needle) != NULL, "%s: '%s'", cases[i].what,
                      aae_last_error());
        ck_assert_ptr_nonnull(strstr(aae_last_error(), cases[i].what));
        ck_assert_ptr_null(ds);
        ck_assert_uint_eq(aaei_alloc_count(), allocs);
    }
    /* labels that disagree with the images */
    uint32_t four[1] = {4};
    h = header(b, 1, four);
    write_file("lab4", b, h + 4);
    ck_assert_int_eq(aae_dataset_load_idx(&ds, path_of("img"), path_of("lab4"), AAE_SCALE_UNIT), AAE_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "4 labels for 5 images"));
    ck_assert_int_eq(aae_dataset_load_idx(&ds, path_of("nope"), NULL, AAE_SCALE_UNIT), AAE_ERR_IO);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "nope"));
    ck_assert_int_eq(aae_dataset_load_idx(&ds, path_of("img"), NULL, (aae_scale)9), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_dataset_load_idx(NULL, path_of("img"), NULL, AAE_SCALE_UNIT), AAE_ERR_INVALID_ARGUMENT);
    /* every truncation of a good file is refused */
    FILE *f = fopen(path_of("img"), "rb");
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    for (size_t k = 0; k < n; k++) {
        write_file("t", b, k);
        ck_assert_int_eq(aae_dataset_load_idx(&ds, path_of("t"), NULL, AAE_SCALE_UNIT), AAE_ERR_FORMAT);
    }
}
END_TEST

START_TEST(memory_copy_borrow_and_checks)
{
    float x[4 * 2] = {0, 1, 2, 3, 4, 5, 6, 7};
    int32_t y[4] = {0, 1, -1, 1};
    aae_dataset *copy, *borrow, *ds = NULL;
    TU_ASSERT_OK(aae_dataset_from_memory(&copy, x, y, 4, 2, AAE_COPY));
    TU_ASSERT_OK(aae_dataset_from_memory(&borrow, x, y, 4, 2, AAE_BORROW));
    x[0] = 99;
    size_t idx[1] = {0};
    float row[2];
    TU_ASSERT_OK(aae_dataset_get_rows(copy, idx, 1, row, NULL));
    ck_assert(row[0] == 0);
    TU_ASSERT_OK(aae_dataset_get_rows(borrow, idx, 1, row, NULL));
    ck_assert(row[0] == 99);
    x[3] = NAN;
    ck_assert_int_eq(aae_dataset_from_memory(&ds, x, y, 4, 2, AAE_COPY), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "row 1 column 1"));
    x[3] = 3;
    int32_t bad[4] = {0, -2, 0, 0};
    ck_assert_int_eq(aae_dataset_from_memory(&ds, x, bad, 4, 2, AAE_COPY), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "row 1"));
    ck_assert_int_eq(aae_dataset_from_memory(&ds, x, y, SIZE_MAX, 2, AAE_COPY), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_dataset_from_memory(&ds, x, y, 0, 2, AAE_COPY), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_dataset_from_memory(&ds, x, y, 4, 2, (aae_ownership)5), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(ds);
    size_t out_of_range[1] = {4};
    ck_assert_int_eq(aae_dataset_get_rows(copy, out_of_range, 1, row, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "4 rows"));
    aae_dataset_free(copy);
    aae_dataset_free(borrow);
    aae_dataset_free(NULL);
}
END_TEST

START_TEST(subsets_shuffles_splits_labels)
{
    enum { R = 60 };
    float x[R];
    int32_t y[R];
    for (int i = 0; i < R; i++) {
        x[i] = (float)i;
        y[i] = i % 3;
    }
    aae_dataset *ds, *sub, *train, *valid, *few;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, x, y, R, 1, AAE_BORROW));
    size_t p1[R], p2[R], p3[R];
    TU_ASSERT_OK(aae_dataset_shuffle(ds, 7, 0, p1, R));
    TU_ASSERT_OK(aae_dataset_shuffle(ds, 7, 0, p2, R));
    TU_ASSERT_OK(aae_dataset_shuffle(ds, 7, 1, p3, R));
    ck_assert(memcmp(p1, p2, sizeof p1) == 0);
    ck_assert(memcmp(p1, p3, sizeof p1) != 0);
    int seen[R] = {0};
    for (int i = 0; i < R; i++) seen[p1[i]]++;
    for (int i = 0; i < R; i++) ck_assert_int_eq(seen[i], 1);
    ck_assert_int_eq(aae_dataset_shuffle(ds, 7, 0, p1, R - 1), AAE_ERR_INVALID_ARGUMENT);

    size_t idx[3] = {5, 0, 59};
    TU_ASSERT_OK(aae_dataset_subset(ds, idx, 3, &sub));
    float v[3];
    int32_t l[3];
    size_t all[3] = {0, 1, 2};
    TU_ASSERT_OK(aae_dataset_get_rows(sub, all, 3, v, l));
    ck_assert(v[0] == 5 && v[1] == 0 && v[2] == 59 && l[0] == 2 && l[2] == 2);

    TU_ASSERT_OK(aae_dataset_split(ds, 12, 3, &train, &valid));
    size_t nt, nv;
    TU_ASSERT_OK(aae_dataset_shape(train, &nt, NULL, NULL));
    TU_ASSERT_OK(aae_dataset_shape(valid, &nv, NULL, NULL));
    ck_assert(nt == 48 && nv == 12);
    int in_split[R] = {0};
    float tv[48], vv[12];
    size_t it[48], iv[12];
    for (size_t i = 0; i < 48; i++) it[i] = i;
    for (size_t i = 0; i < 12; i++) iv[i] = i;
    TU_ASSERT_OK(aae_dataset_get_rows(train, it, 48, tv, NULL));
    TU_ASSERT_OK(aae_dataset_get_rows(valid, iv, 12, vv, NULL));
    for (int i = 0; i < 48; i++) in_split[(int)tv[i]]++;
    for (int i = 0; i < 12; i++) in_split[(int)vv[i]]++;
    for (int i = 0; i < R; i++) ck_assert_int_eq(in_split[i], 1); /* disjoint, complete */
    for (int i = 1; i < 48; i++) ck_assert(tv[i] > tv[i - 1]);     /* original order */
    ck_assert_int_eq(aae_dataset_split(ds, R, 3, &train, &valid), AAE_ERR_INVALID_ARGUMENT);

    TU_ASSERT_OK(aae_dataset_keep_labels(ds, 4, 1, &few));
    int32_t kept[R];
    float xs[R];
    size_t every[R];
    for (size_t i = 0; i < R; i++) every[i] = i;
    TU_ASSERT_OK(aae_dataset_get_rows(few, every, R, xs, kept));
    int per[3] = {0};
    for (int i = 0; i < R; i++) {
        if (kept[i] >= 0) {
            ck_assert_int_eq(kept[i], y[i]);
            per[kept[i]]++;
        }
    }
    ck_assert(per[0] == 4 && per[1] == 4 && per[2] == 4);
    aae_dataset *none = NULL;
    ck_assert_int_eq(aae_dataset_keep_labels(ds, 21, 1, &none), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "class 0 has only 20"));
    ck_assert_ptr_null(none);
    aae_dataset_free(few);
    aae_dataset_free(train);
    aae_dataset_free(valid);
    aae_dataset_free(sub);
    aae_dataset_free(ds);
}
END_TEST

/* A label as large as int32 allows is a class like any other: counted
 * without memory by its value, and reported as the missing classes below it. */
START_TEST(keep_labels_with_the_largest_label)
{
    float x[8] = {0};
    int32_t y[4] = {0, 1, INT32_MAX, 1};
    aae_dataset *ds = NULL, *out = NULL;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, x, y, 4, 2, AAE_COPY));
    ck_assert_int_eq(aae_dataset_keep_labels(ds, 1, 1, &out), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "class 2 has only 0 rows, 1 asked"));
    ck_assert_ptr_null(out);
    ck_assert_int_eq(aae_dataset_keep_labels(ds, 2, 1, &out), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "class 0 has only 1 rows, 2 asked"));
    aae_dataset_free(ds);
    /* Gaps and unlabelled rows: the first class without rows is named. */
    int32_t gap[4] = {-1, 0, 3, 0};
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, x, gap, 4, 2, AAE_COPY));
    ck_assert_int_eq(aae_dataset_keep_labels(ds, 1, 1, &out), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "class 1 has only 0 rows"));
    ck_assert_ptr_null(out);
    aae_dataset_free(ds);
}
END_TEST

START_TEST(metrics_by_hand)
{
    int32_t pred[6] = {0, 1, 1, 2, 0, 1}, labels[6] = {0, 1, 2, 2, -1, 0};
    double e, acc;
    TU_ASSERT_OK(aae_metric_classification_error(pred, labels, 6, &e));
    ck_assert_double_eq_tol(e, 2.0 / 5.0, 1e-12);
    /* clusters 0..3 over labels 0..1: cluster 0 -> {0,0,1} majority 0,
     * cluster 1 -> {1}, cluster 3 -> {1, 1}; 5 of 6 right */
    int32_t cl[6] = {0, 0, 0, 1, 3, 3}, lab[6] = {0, 0, 1, 1, 1, 1};
    TU_ASSERT_OK(aae_metric_clustering_accuracy(cl, lab, 6, 4, 2, &acc));
    ck_assert_double_eq_tol(acc, 5.0 / 6.0, 1e-12);
    cl[2] = 4;
    ck_assert_int_eq(aae_metric_clustering_accuracy(cl, lab, 6, 4, 2, &acc), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "row 2"));
    lab[1] = 2;
    cl[2] = 0;
    ck_assert_int_eq(aae_metric_clustering_accuracy(cl, lab, 6, 4, 2, &acc), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_metric_clustering_accuracy(cl, lab, 6, 0, 2, &acc), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_metric_classification_error(NULL, lab, 6, &e), AAE_ERR_INVALID_ARGUMENT);
}
END_TEST

Suite *suite_dataset(void)
{
    Suite *s = suite_create("dataset");
    TCase *tc = tcase_create("dataset");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, idx_round_trip);
    tcase_add_test(tc, malformed_idx_files);
    tcase_add_test(tc, memory_copy_borrow_and_checks);
    tcase_add_test(tc, subsets_shuffles_splits_labels);
    tcase_add_test(tc, keep_labels_with_the_largest_label);
    tcase_add_test(tc, metrics_by_hand);
    suite_add_tcase(s, tc);
    return s;
}
