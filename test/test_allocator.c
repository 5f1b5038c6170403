/* aae_set_allocator: an embedder's allocator sees every allocation and free
 * of a whole session, is refused while blocks of the current allocator are
 * live, and its failures are AAE_ERR_NOMEM. (test_faults.c runs the
 * allocation-failure sweep through it.) */
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "counting_alloc.h"
#include "model_fixture.h"

enum { ROWS = 64 };

START_TEST(sees_every_allocation_of_a_session)
{
    static float x[ROWS * MF_WIDTH];
    static int32_t y[ROWS];
    mf_blobs(x, y, ROWS, 5);
    char file[64];
    snprintf(file, sizeof file, "/tmp/aae-allocator-%ld.aae", (long)getpid());
    counting_alloc c;
    ca_init(&c);
    TU_ASSERT_OK(ca_install(&c));
    unsigned long seam = aaei_alloc_count();

    aae_builder *b = mf_builder(AAE_PRESET_AAE);
    ck_assert_ptr_nonnull(b);
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_Z_WIDTH, 2));
    aae_model *m, *loaded, *from_memory;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_dataset *ds;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, x, y, ROWS, MF_WIDTH, AAE_COPY));
    aae_trainer *t;
    TU_ASSERT_OK(aae_trainer_create(&t));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_EPOCHS, 2));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, 16));
    TU_ASSERT_OK(aae_trainer_set_eval(t, ds));
    TU_ASSERT_OK(aae_trainer_fit(t, m, ds, NULL));
    TU_ASSERT_OK(aae_model_save(m, file));
    TU_ASSERT_OK(aae_model_load(&loaded, file));
    size_t need;
    TU_ASSERT_OK(aae_model_save_memory(m, NULL, 0, &need));
    void *buf = malloc(need);
    TU_ASSERT_OK(aae_model_save_memory(m, buf, need, &need));
    TU_ASSERT_OK(aae_model_load_memory(&from_memory, buf, need));
    float z[ROWS * 2];
    TU_ASSERT_OK(aae_model_encode(from_memory, x, ROWS, z, NULL, NULL, 0));
    ck_assert_uint_gt(c.live, 0);

    aae_model_free(from_memory);
    aae_model_free(loaded);
    aae_model_free(m);
    aae_trainer_free(t);
    aae_dataset_free(ds);
    aae_builder_free(b);
    free(buf);
    unlink(file);
    /* Every allocation through the library's seam reached the hook. */
    ck_assert_uint_eq(c.mallocs + c.reallocs, aaei_alloc_count() - seam);
    ck_assert_uint_gt(c.mallocs, 50);
    ck_assert_uint_eq(c.live, 0);
    ck_assert_uint_eq(c.foreign_frees, 0);
    ck_assert_uint_gt(c.frees, 50);
    TU_ASSERT_OK(aae_set_allocator(NULL, NULL, NULL, NULL));
    ca_destroy(&c);
}
END_TEST

START_TEST(refused_while_blocks_are_live)
{
    counting_alloc c, other;
    ca_init(&c);
    ca_init(&other);
    /* The C library's blocks are live: no hook may take over. */
    aae_builder *b;
    TU_ASSERT_OK(aae_builder_create(&b, AAE_PRESET_VAE));
    ck_assert_int_eq(ca_install(&c), AAE_ERR_STATE);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "aae_set_allocator"));
    aae_builder_free(b);
    ck_assert_uint_eq(c.mallocs + c.reallocs + c.frees, 0);

    /* The hook's blocks are live: neither the C library nor another hook. */
    TU_ASSERT_OK(ca_install(&c));
    TU_ASSERT_OK(aae_builder_create(&b, AAE_PRESET_VAE));
    ck_assert_int_eq(aae_set_allocator(NULL, NULL, NULL, NULL), AAE_ERR_STATE);
    ck_assert_int_eq(ca_install(&other), AAE_ERR_STATE);
    aae_model *m;
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, MF_WIDTH));
    TU_ASSERT_OK(aae_builder_build(b, &m)); /* still the first hook's */
    aae_model_free(m);
    aae_builder_free(b);
    ck_assert_uint_eq(other.mallocs + other.reallocs + other.frees, 0);
    ck_assert_uint_eq(c.live, 0);
    ck_assert_uint_eq(c.foreign_frees, 0);

    /* A partial set is refused and changes nothing. */
    ck_assert_int_eq(aae_set_allocator(ca_malloc, NULL, ca_free, &other), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_set_allocator(NULL, NULL, ca_free, &other), AAE_ERR_INVALID_ARGUMENT);
    unsigned long before = c.mallocs;
    TU_ASSERT_OK(aae_builder_create(&b, AAE_PRESET_VAE));
    aae_builder_free(b);
    ck_assert_uint_gt(c.mallocs, before);
    ck_assert_uint_eq(other.mallocs, 0);
    TU_ASSERT_OK(aae_set_allocator(NULL, NULL, NULL, NULL));
    ca_destroy(&other);
    ca_destroy(&c);
}
END_TEST

START_TEST(a_failing_hook_is_out_of_memory)
{
    counting_alloc c;
    ca_init(&c);
    c.fail_at = 1;
    TU_ASSERT_OK(ca_install(&c));
    aae_builder *b = (aae_builder *)&c; /* untouched on failure */
    ck_assert_int_eq(aae_builder_create(&b, AAE_PRESET_VAE), AAE_ERR_NOMEM);
    ck_assert_ptr_eq(b, (aae_builder *)&c);
    ck_assert_uint_eq(c.live, 0);
    TU_ASSERT_OK(aae_set_allocator(NULL, NULL, NULL, NULL));
    ca_destroy(&c);
}
END_TEST

Suite *suite_allocator(void)
{
    Suite *s = suite_create("allocator");
    TCase *tc = tcase_create("hook");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sees_every_allocation_of_a_session);
    tcase_add_test(tc, refused_while_blocks_are_live);
    tcase_add_test(tc, a_failing_hook_is_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}
