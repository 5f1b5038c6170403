/* Replays the fuzzers' seed corpora and every regression input through the
 * loaders in the normal test build (and so under ASan, UBSan and valgrind in
 * CI): each input loads a working model or is refused with a status. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/crc32.h"
#include "io/dataset.h"
#include "test_util.h"

typedef void (*replay_fn)(const char *path, const uint8_t *data, size_t size);

/* Calls fn on every regular file of dir; returns how many. */
static int each_file(const char *dir, replay_fn fn)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.' || strstr(e->d_name, ".md")) continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        ck_assert_ptr_nonnull(f);
        static uint8_t buf[1 << 20];
        size_t size = fread(buf, 1, sizeof buf, f);
        fclose(f);
        fn(path, buf, size);
        n++;
    }
    closedir(d);
    return n;
}

static void load_checkpoint(const char *path, const uint8_t *data, size_t size)
{
    aae_model *m = NULL;
    aae_status st = aae_model_load_memory(&m, data, size);
    ck_assert_msg(st == AAE_OK || st == AAE_ERR_FORMAT || st == AAE_ERR_VERSION,
                  "%s: %s", path, aae_status_name(st));
    if (st != AAE_OK) return;
    double in, zw;
    TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_INPUT_WIDTH, &in));
    TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_Z_WIDTH, &zw));
    float *x = calloc((size_t)in, sizeof *x), *z = calloc((size_t)zw, sizeof *z);
    TU_ASSERT_OK(aae_model_encode(m, x, 1, z, NULL, NULL, 0));
    free(x);
    free(z);
    aae_model_free(m);
}

/* As the fuzzer sees it: with the trailing CRC made to match. */
static void replay_checkpoint(const char *path, const uint8_t *data, size_t size)
{
    load_checkpoint(path, data, size);
    if (size < 16) return;
    static uint8_t fixed[1 << 20];
    memcpy(fixed, data, size);
    uint32_t crc = aaei_crc32(fixed, size - 16);
    for (int i = 0; i < 4; i++) fixed[size - 4 + (size_t)i] = (uint8_t)(crc >> (8 * i));
    load_checkpoint(path, fixed, size);
}

static void replay_idx(const char *path, const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    static const int dims[2][2] = {{2, 255}, {1, 1}};
    for (int k = 0; k < 2; k++) {
        uint8_t *bytes = NULL;
        size_t count, item;
        aae_status st = aaei_idx_read(path, dims[k][0], dims[k][1], &bytes, &count, &item);
        ck_assert_msg(st == AAE_OK || st == AAE_ERR_FORMAT, "%s: %s", path, aae_status_name(st));
        aaei_free(bytes);
    }
}

START_TEST(corpora_and_regressions_replay_cleanly)
{
    int n = each_file("fuzz/corpus/checkpoint", replay_checkpoint);
    ck_assert_int_ge(n, 7); /* one per preset */
    each_file("fuzz/regressions/checkpoint", replay_checkpoint);
    ck_assert_int_ge(each_file("fuzz/corpus/idx", replay_idx), 4);
    each_file("fuzz/regressions/idx", replay_idx);
}
END_TEST

Suite *suite_fuzz_replay(void)
{
    Suite *s = suite_create("fuzz_replay");
    TCase *tc = tcase_create("replay");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, corpora_and_regressions_replay_cleanly);
    suite_add_tcase(s, tc);
    return s;
}
