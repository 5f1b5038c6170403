/* What training refuses while it runs: a second trainer or a train_step on
 * the same model (another thread or this epoch's own callback), a nested
 * epoch, freeing what an epoch uses; and what it checks or keeps: the
 * evaluation set before any step, one rule for a final batch too small to
 * train on, the explanation a stopping callback gives. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "model_fixture.h"

enum { N = 64, BATCH = 16 };

static float X[N * MF_WIDTH];
static int32_t Y[N];
static aae_dataset *DS;

static void setup(void)
{
    mf_blobs(X, Y, N, 7);
    TU_ASSERT_OK(aae_dataset_from_memory(&DS, X, Y, N, MF_WIDTH, AAE_BORROW));
}

static void teardown(void) { aae_dataset_free(DS); }

static aae_model *model(void)
{
    aae_builder *b = mf_builder(AAE_PRESET_AAE);
    TU_ASSERT_OK(aae_builder_clear_layers(b, AAE_PART_ENCODER)); /* with batch norm */
    TU_ASSERT_OK(aae_builder_add_layer(b, AAE_PART_ENCODER, 32, AAE_ACT_RELU, 0.0f, 1, 0.0f));
    aae_model *m;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_builder_free(b);
    return m;
}

static aae_trainer *trainer(void)
{
    aae_trainer *t;
    TU_ASSERT_OK(aae_trainer_create(&t));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, BATCH));
    return t;
}

static void assert_same_model(const aae_model *a, const aae_model *b)
{
    static float za[N * 64], zb[N * 64];
    TU_ASSERT_OK(aae_model_encode(a, X, N, za, NULL, NULL, 0));
    TU_ASSERT_OK(aae_model_encode(b, X, N, zb, NULL, NULL, 0));
    ck_assert(memcmp(za, zb, sizeof za) == 0); /* same shapes, same thread: same bits */
    uint64_t sa, sb;
    TU_ASSERT_OK(aae_model_steps(a, &sa));
    TU_ASSERT_OK(aae_model_steps(b, &sb));
    ck_assert_uint_eq(sa, sb);
}

/* What a callback tried, and what it got. */
typedef struct attempt {
    aae_trainer *t, *other;
    aae_model *m;
    aae_status step, nested, second_trainer;
    char message[256];
    int frees; /* 1: try to free the model, dataset and trainer instead */
} attempt;

static int try_from_callback(void *user, uint64_t epoch, uint64_t batch, uint64_t batches,
                             const float *losses, double rate)
{
    (void)epoch, (void)batches, (void)losses, (void)rate;
    attempt *a = user;
    if (batch != 1) return 0;
    if (a->frees) {
        aae_model_free(a->m);
        ck_assert_ptr_nonnull(strstr(aae_last_error(), "aae_model_free: the model is being trained"));
        aae_dataset_free(DS);
        ck_assert_ptr_nonnull(strstr(aae_last_error(), "aae_dataset_free: a training epoch"));
        aae_trainer_free(a->t);
        ck_assert_ptr_nonnull(strstr(aae_last_error(), "aae_trainer_free: the trainer is running"));
        return 0;
    }
    a->step = aae_model_train_step(a->m, X, Y, BATCH, NULL, NULL, 0, 99, NULL);
    snprintf(a->message, sizeof a->message, "%s", aae_last_error());
    a->nested = aae_trainer_epoch(a->t, a->m, DS, NULL);
    a->second_trainer = aae_trainer_epoch(a->other, a->m, DS, NULL);
    return 0;
}

START_TEST(training_from_a_callback_is_refused)
{
    aae_model *m = model(), *alone = model();
    aae_trainer *t = trainer(), *other = trainer();
    attempt a = {.t = t, .other = other, .m = m};
    TU_ASSERT_OK(aae_trainer_set_callbacks(t, try_from_callback, NULL, &a));
    TU_ASSERT_OK(aae_trainer_epoch(t, m, DS, NULL));
    ck_assert_int_eq(a.step, AAE_ERR_BUSY);
    ck_assert_ptr_nonnull(strstr(a.message, "callback of its training"));
    ck_assert_int_eq(a.nested, AAE_ERR_BUSY);
    ck_assert_int_eq(a.second_trainer, AAE_ERR_BUSY);
    /* The refused calls changed nothing: the epoch equals one run alone. */
    TU_ASSERT_OK(aae_trainer_set_callbacks(t, NULL, NULL, NULL));
    TU_ASSERT_OK(aae_trainer_epoch(t, alone, DS, NULL));
    assert_same_model(m, alone);
    aae_trainer_free(t);
    aae_trainer_free(other);
    aae_model_free(m);
    aae_model_free(alone);
}
END_TEST

START_TEST(freeing_what_an_epoch_uses_is_refused)
{
    aae_model *m = model();
    aae_trainer *t = trainer();
    attempt a = {.t = t, .m = m, .frees = 1};
    TU_ASSERT_OK(aae_trainer_set_callbacks(t, try_from_callback, NULL, &a));
    TU_ASSERT_OK(aae_trainer_epoch(t, m, DS, NULL));
    /* All three are still whole (ASan and valgrind would see otherwise) and
     * free normally once the epoch is over. */
    uint64_t steps;
    TU_ASSERT_OK(aae_model_steps(m, &steps));
    ck_assert_uint_eq(steps, N / BATCH);
    aae_trainer_free(t);
    aae_model_free(m);
}
END_TEST

/* A fit held inside its first callback while another thread tries to
 * train the same model. */
typedef struct race {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int inside, tried;
} race;

static int hold_until_tried(void *user, uint64_t epoch, uint64_t batch, uint64_t batches,
                            const float *losses, double rate)
{
    (void)epoch, (void)batches, (void)losses, (void)rate;
    race *r = user;
    if (batch != 0) return 0;
    pthread_mutex_lock(&r->lock);
    r->inside = 1;
    pthread_cond_broadcast(&r->cond);
    while (!r->tried) pthread_cond_wait(&r->cond, &r->lock);
    pthread_mutex_unlock(&r->lock);
    return 0;
}

typedef struct fit_job {
    aae_trainer *t;
    aae_model *m;
    aae_status st;
} fit_job;

static void *run_epoch(void *arg)
{
    fit_job *j = arg;
    j->st = aae_trainer_epoch(j->t, j->m, DS, NULL);
    return NULL;
}

START_TEST(a_second_thread_gets_busy_and_changes_nothing)
{
    aae_model *m = model(), *alone = model();
    aae_trainer *t = trainer(), *other = trainer();
    race r = {.inside = 0, .tried = 0};
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.cond, NULL);
    TU_ASSERT_OK(aae_trainer_set_callbacks(t, hold_until_tried, NULL, &r));
    fit_job j = {t, m, AAE_OK};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, run_epoch, &j), 0);
    pthread_mutex_lock(&r.lock);
    while (!r.inside) pthread_cond_wait(&r.cond, &r.lock);
    pthread_mutex_unlock(&r.lock);
    ck_assert_int_eq(aae_trainer_epoch(other, m, DS, NULL), AAE_ERR_BUSY);
    ck_assert_int_eq(aae_trainer_epoch(t, alone, DS, NULL), AAE_ERR_BUSY); /* the trainer is in use */
    ck_assert_int_eq(aae_model_train_step(m, X, Y, BATCH, NULL, NULL, 0, 0, NULL), AAE_ERR_BUSY);
    pthread_mutex_lock(&r.lock);
    r.tried = 1;
    pthread_cond_broadcast(&r.cond);
    pthread_mutex_unlock(&r.lock);
    pthread_join(th, NULL);
    TU_ASSERT_OK(j.st);
    TU_ASSERT_OK(aae_trainer_epoch(other, alone, DS, NULL));
    assert_same_model(m, alone);
    pthread_mutex_destroy(&r.lock);
    pthread_cond_destroy(&r.cond);
    aae_trainer_free(t);
    aae_trainer_free(other);
    aae_model_free(m);
    aae_model_free(alone);
}
END_TEST

START_TEST(the_evaluation_set_is_checked_before_training)
{
    aae_model *m = model(), *untouched = model();
    aae_trainer *t = trainer();
    aae_dataset *narrow;
    TU_ASSERT_OK(aae_dataset_from_memory(&narrow, X, Y, N, MF_WIDTH / 2, AAE_BORROW));
    TU_ASSERT_OK(aae_trainer_set_eval(t, narrow));
    ck_assert_int_eq(aae_trainer_epoch(t, m, DS, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "evaluation dataset"));
    assert_same_model(m, untouched); /* no step was taken */
    aae_dataset_free(narrow);
    aae_trainer_free(t);
    aae_model_free(m);
    aae_model_free(untouched);
}
END_TEST

/* Batch norm, DROP_LAST 0, one row left over: skipped on 1 and 2 threads
 * alike; two rows left over train on both. */
START_TEST(a_final_batch_too_small_is_skipped_on_any_thread_count)
{
    for (int threads = 1; threads <= 2; threads++)
        for (size_t extra = 1; extra <= 2; extra++) {
            aae_dataset *ds;
            TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, 2 * BATCH + extra, MF_WIDTH, AAE_BORROW));
            aae_model *m = model();
            aae_trainer *t = trainer();
            TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_DROP_LAST, 0));
            TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_THREADS, threads));
            TU_ASSERT_OK(aae_trainer_epoch(t, m, ds, NULL));
            uint64_t steps;
            TU_ASSERT_OK(aae_model_steps(m, &steps));
            ck_assert_msg(steps == 2 + (extra == 2), "%d threads, %zu extra rows: %llu steps", threads, extra,
                          (unsigned long long)steps);
            aae_trainer_free(t);
            aae_model_free(m);
            aae_dataset_free(ds);
        }
}
END_TEST

static int explain_and_stop_batch(void *user, uint64_t epoch, uint64_t batch, uint64_t batches,
                                  const float *losses, double rate)
{
    (void)user, (void)epoch, (void)batch, (void)batches, (void)losses, (void)rate;
    aae_set_error(AAE_ERR_CANCELLED, "the disk is full");
    return 1;
}

static int explain_and_stop_epoch(void *user, uint64_t epoch, const float *mean, const double *metrics,
                                  double rate)
{
    (void)user, (void)epoch, (void)mean, (void)metrics, (void)rate;
    aae_set_error(AAE_ERR_CANCELLED, "validation error rose");
    return 1;
}

START_TEST(a_stopping_callback_keeps_its_explanation)
{
    aae_model *m = model();
    aae_trainer *t = trainer();
    TU_ASSERT_OK(aae_trainer_set_callbacks(t, explain_and_stop_batch, NULL, NULL));
    ck_assert_int_eq(aae_trainer_epoch(t, m, DS, NULL), AAE_ERR_CANCELLED);
    ck_assert_msg(strstr(aae_last_error(), "batch callback stopped") && strstr(aae_last_error(), ": the disk is full"),
                  "%s", aae_last_error());
    TU_ASSERT_OK(aae_trainer_set_callbacks(t, NULL, explain_and_stop_epoch, NULL));
    ck_assert_int_eq(aae_trainer_fit(t, m, DS, NULL), AAE_ERR_CANCELLED);
    ck_assert_msg(strstr(aae_last_error(), "epoch callback stopped") && strstr(aae_last_error(), "validation error rose"),
                  "%s", aae_last_error());
    aae_trainer_free(t);
    aae_model_free(m);
}
END_TEST

Suite *suite_reentry(void)
{
    Suite *s = suite_create("reentry");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, training_from_a_callback_is_refused);
    tcase_add_test(tc, freeing_what_an_epoch_uses_is_refused);
    tcase_add_test(tc, a_second_thread_gets_busy_and_changes_nothing);
    tcase_add_test(tc, the_evaluation_set_is_checked_before_training);
    tcase_add_test(tc, a_final_batch_too_small_is_skipped_on_any_thread_count);
    tcase_add_test(tc, a_stopping_callback_keeps_its_explanation);
    suite_add_tcase(s, tc);
    return s;
}
