/* Threads: eight threads running every inference call on one trained model
 * get exactly the single-thread results, and separate models trained in
 * separate threads at once match models trained alone. This suite is what
 * `make check SANITIZE=thread` runs under ThreadSanitizer. */
#include <pthread.h>
#include <string.h>

#include "model_fixture.h"

enum { ROWS = 64, THREADS = 8, STEPS = 15 };

static float X[ROWS * MF_WIDTH];
static int32_t Y[ROWS];

static void setup(void) { mf_blobs(X, Y, ROWS, 7); }

/* Everything inference gives for X, from one thread. */
typedef struct outputs {
    float z[ROWS * 2], y[ROWS * MF_CLASSES], rec[ROWS * MF_WIDTH], dec[ROWS * MF_WIDTH],
        gen[ROWS * MF_WIDTH], probs[ROWS * MF_CLASSES], log_probs[ROWS * MF_CLASSES];
    int32_t cls[ROWS];
} outputs;

typedef struct job {
    const aae_model *m;
    int own_scratch;
    outputs out;
    int failed;
} job;

static void *infer(void *arg)
{
    job *j = arg;
    outputs *o = &j->out;
    /* Half the threads bring their own scratch, half let each call allocate. */
    static _Thread_local float scratch[1 << 16];
    size_t need = aae_model_scratch(j->m, ROWS);
    float *s = j->own_scratch && need <= sizeof scratch / sizeof scratch[0] ? scratch : NULL;
    size_t ns = s ? need : 0;
    for (int rep = 0; rep < 3; rep++) {
        j->failed |= aae_model_encode(j->m, X, ROWS, o->z, o->y, s, ns) != AAE_OK;
        j->failed |= aae_model_decode(j->m, o->z, o->y, ROWS, o->dec, s, ns) != AAE_OK;
        j->failed |= aae_model_reconstruct(j->m, X, Y, ROWS, o->rec, s, ns) != AAE_OK;
        j->failed |= aae_model_generate(j->m, ROWS, 5, NULL, o->gen, s, ns) != AAE_OK;
        j->failed |= aae_model_classify(j->m, X, ROWS, o->cls, o->probs, s, ns) != AAE_OK;
        j->failed |= aae_model_class_log_probs(j->m, X, ROWS, o->log_probs, s, ns) != AAE_OK;
    }
    return NULL;
}

static aae_model *small(uint64_t seed)
{
    aae_builder *b = mf_builder(AAE_PRESET_CLUSTERING_AAE);
    ck_assert_ptr_nonnull(b);
    aae_builder_set(b, AAE_OPTION_Z_WIDTH, 2);
    aae_builder_set(b, AAE_OPTION_SEED, (double)seed);
    aae_model *m = NULL;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_builder_free(b);
    return m;
}

static void train(aae_model *m)
{
    for (uint64_t s = 0; s < STEPS; s++) TU_ASSERT_OK(aae_model_train_step(m, X, Y, ROWS, NULL, NULL, 0, s, NULL));
}

START_TEST(eight_threads_infer_as_one)
{
    aae_model *m = small(1);
    train(m);
    static job alone, jobs[THREADS];
    alone.m = m;
    infer(&alone);
    ck_assert(!alone.failed);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i].m = m;
        jobs[i].own_scratch = i % 2;
        ck_assert_int_eq(pthread_create(&th[i], NULL, infer, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        ck_assert_msg(!jobs[i].failed, "thread %d: %s", i, aae_last_error());
        ck_assert_msg(memcmp(&jobs[i].out, &alone.out, sizeof alone.out) == 0, "thread %d differs", i);
    }
    aae_model_free(m);
}
END_TEST

typedef struct trainer_job {
    aae_model *m;
    uint64_t seed;
} trainer_job;

static void *train_own(void *arg)
{
    trainer_job *j = arg;
    for (uint64_t s = 0; s < STEPS; s++)
        if (aae_model_train_step(j->m, X, Y, ROWS, NULL, NULL, 0, s, NULL) != AAE_OK) return arg;
    return NULL;
}

/* Four models, two seeds, trained at once: each equals its seed's model
 * trained alone, bit for bit (no shared state between models). */
START_TEST(separate_models_train_at_once)
{
    aae_model *ref[2] = {small(11), small(12)};
    train(ref[0]);
    train(ref[1]);
    trainer_job jobs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        jobs[i].m = small(11 + (uint64_t)(i % 2));
        ck_assert_int_eq(pthread_create(&th[i], NULL, train_own, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        void *ret;
        pthread_join(th[i], &ret);
        ck_assert_ptr_null(ret);
    }
    float za[ROWS * 2], zb[ROWS * 2];
    for (int i = 0; i < 4; i++) {
        TU_ASSERT_OK(aae_model_encode(jobs[i].m, X, ROWS, za, NULL, NULL, 0));
        TU_ASSERT_OK(aae_model_encode(ref[i % 2], X, ROWS, zb, NULL, NULL, 0));
        ck_assert_msg(memcmp(za, zb, sizeof za) == 0, "model %d differs from its seed's", i);
        aae_model_free(jobs[i].m);
    }
    aae_model_free(ref[0]);
    aae_model_free(ref[1]);
}
END_TEST

Suite *suite_threads(void)
{
    Suite *s = suite_create("threads");
    TCase *tc = tcase_create("threads");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, eight_threads_infer_as_one);
    tcase_add_test(tc, separate_models_train_at_once);
    suite_add_tcase(s, tc);
    return s;
}
