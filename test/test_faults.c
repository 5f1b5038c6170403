/* Allocation failure at every point of a whole session: build, train,
 * train with the trainer, save and load (memory and file), encode, datasets.
 * For each N the N-th allocation fails: the call that hit it returns
 * AAE_ERR_NOMEM, the handles made so far still work once memory is back,
 * and freeing them leaks nothing (valgrind and LSan in CI). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/alloc.h"
#include "counting_alloc.h"
#include "model_fixture.h"

enum { ROWS = 32 };

static float X[ROWS * MF_WIDTH];
static int32_t Y[ROWS];

typedef struct session {
    aae_builder *b;
    aae_model *m, *loaded;
    aae_dataset *ds, *sub;
    aae_trainer *t;
    void *buf;
} session;

/* Runs the path until the first failure; returns its status. */
static aae_status run_path(session *s, const char *file)
{
    aae_status st;
#define STEP(call)                          \
    do {                                    \
        if ((st = (call)) != AAE_OK) return st; \
    } while (0)
    STEP(aae_builder_create(&s->b, AAE_PRESET_SEMI_SUPERVISED_AAE));
    STEP(aae_builder_set(s->b, AAE_OPTION_INPUT_WIDTH, MF_WIDTH));
    STEP(aae_builder_set(s->b, AAE_OPTION_CLASSES, MF_CLASSES));
    STEP(aae_builder_set(s->b, AAE_OPTION_Z_WIDTH, 2));
    for (int p = 0; p < 5; p++) {
        STEP(aae_builder_clear_layers(s->b, (aae_part)p));
        STEP(aae_builder_add_layer(s->b, (aae_part)p, 8, AAE_ACT_RELU, 0.0f, p == 0, 0.0f));
    }
    STEP(aae_builder_build(s->b, &s->m));
    STEP(aae_model_train_step(s->m, X, Y, ROWS, X, Y, ROWS, 0, NULL));
    STEP(aae_dataset_from_memory(&s->ds, X, Y, ROWS, MF_WIDTH, AAE_COPY));
    STEP(aae_dataset_keep_labels(s->ds, 2, 1, &s->sub));
    STEP(aae_trainer_create(&s->t));
    STEP(aae_trainer_set(s->t, AAE_TRAIN_EPOCHS, 1));
    STEP(aae_trainer_set(s->t, AAE_TRAIN_BATCH_SIZE, 8));
    STEP(aae_trainer_set_eval(s->t, s->ds));
    STEP(aae_trainer_fit(s->t, s->m, s->sub, s->sub));
    size_t need;
    STEP(aae_model_save_memory(s->m, NULL, 0, &need));
    s->buf = malloc(need);
    STEP(aae_model_save_memory(s->m, s->buf, need, &need));
    STEP(aae_model_load_memory(&s->loaded, s->buf, need));
    aae_model_free(s->loaded);
    s->loaded = NULL;
    STEP(aae_model_save(s->m, file));
    STEP(aae_model_load(&s->loaded, file));
    float z[ROWS * 2];
    STEP(aae_model_encode(s->loaded, X, ROWS, z, NULL, NULL, 0));
    double metrics[AAE_METRIC_COUNT];
    STEP(aae_model_evaluate(s->loaded, s->ds, metrics));
#undef STEP
    return AAE_OK;
}

/* With memory back, whatever exists still works. */
static void still_usable(const session *s)
{
    float z[ROWS * 2];
    if (s->m) {
        TU_ASSERT_OK(aae_model_train_step(s->m, X, Y, ROWS, X, Y, ROWS, 99, NULL));
        TU_ASSERT_OK(aae_model_encode(s->m, X, ROWS, z, NULL, NULL, 0));
    }
    if (s->loaded) TU_ASSERT_OK(aae_model_encode(s->loaded, X, ROWS, z, NULL, NULL, 0));
    if (s->b && !s->m) {
        aae_model *m = NULL;
        aae_status st = aae_builder_build(s->b, &m); /* may be a half-configured builder */
        ck_assert(st == AAE_OK || st == AAE_ERR_INVALID_ARGUMENT);
        aae_model_free(m);
    }
    if (s->ds) {
        size_t rows;
        TU_ASSERT_OK(aae_dataset_shape(s->ds, &rows, NULL, NULL));
        ck_assert_uint_eq(rows, ROWS);
    }
}

static void sweep(void)
{
    mf_blobs(X, Y, ROWS, 3);
    char file[64];
    snprintf(file, sizeof file, "/tmp/aae-faults-%ld.aae", (long)getpid());
    long n = 1;
    for (;; n++) {
        session s = {0};
        aaei_alloc_fail_after(n);
        aae_status st = run_path(&s, file);
        aaei_alloc_fail_after(0);
        ck_assert_msg(st == AAE_OK || st == AAE_ERR_NOMEM, "failure %ld gave %s: %s", n, aae_status_name(st),
                      aae_last_error());
        if (st == AAE_ERR_NOMEM) still_usable(&s);
        aae_model_free(s.loaded);
        aae_model_free(s.m);
        aae_builder_free(s.b);
        aae_dataset_free(s.sub);
        aae_dataset_free(s.ds);
        aae_trainer_free(s.t);
        free(s.buf);
        if (st == AAE_OK) break; /* the N-th allocation is past the path */
        ck_assert_int_lt(n, 100000);
    }
    unlink(file);
    /* The path has a few hundred allocation points; each one was failed. */
    ck_assert_int_gt(n, 20);
    printf("faults: %ld allocation points along the session each failed once\n", n - 1);
}

START_TEST(every_allocation_can_fail)
{
    sweep();
}
END_TEST

/* The same through an embedder's allocator (aae_set_allocator): every
 * block it gave is freed by it, each once, at every failure point. */
START_TEST(every_allocation_can_fail_through_a_hook)
{
    counting_alloc c;
    ca_init(&c);
    TU_ASSERT_OK(ca_install(&c));
    sweep();
    TU_ASSERT_OK(aae_set_allocator(NULL, NULL, NULL, NULL));
    ck_assert_uint_gt(c.mallocs, 1000);
    ck_assert_uint_eq(c.live, 0);
    ck_assert_uint_eq(c.foreign_frees, 0);
    ca_destroy(&c);
}
END_TEST

Suite *suite_faults(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("allocation");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, every_allocation_can_fail);
    tcase_add_test(tc, every_allocation_can_fail_through_a_hook);
    suite_add_tcase(s, tc);
    return s;
}
