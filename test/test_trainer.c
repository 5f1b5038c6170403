/* The trainer: epochs over a dataset, callbacks, schedules, resuming. */
#include <string.h>

#include "core/alloc.h"
#include "model_fixture.h"
#include "train/trainer.h"

enum { N = 256 };

static float X[N * MF_WIDTH];
static int32_t Y[N];
static aae_dataset *DS;

static void setup(void)
{
    mf_blobs(X, Y, N, 3);
    TU_ASSERT_OK(aae_dataset_from_memory(&DS, X, Y, N, MF_WIDTH, AAE_BORROW));
}

static void teardown(void) { aae_dataset_free(DS); }

static aae_model *model(aae_preset p)
{
    aae_builder *b = mf_builder(p);
    aae_model *m;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_builder_free(b);
    return m;
}

static aae_trainer *trainer(int epochs)
{
    aae_trainer *t;
    TU_ASSERT_OK(aae_trainer_create(&t));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_EPOCHS, epochs));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, 32));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_SEED, 5));
    return t;
}

typedef struct log {
    int batches, epochs;
    double first_mse, last_mse;
    int stop_at_batch;
} log_t;

static int on_batch(void *user, uint64_t epoch, uint64_t batch, uint64_t batches,
                    const float *losses, double rate)
{
    log_t *l = user;
    (void)epoch;
    ck_assert_uint_eq(batches, N / 32);
    ck_assert_uint_lt(batch, batches);
    ck_assert(isfinite(losses[AAE_SLOT_REC]) && rate > 0);
    return ++l->batches == l->stop_at_batch;
}

static int on_epoch(void *user, uint64_t epoch, const float *mean, const double *metrics,
                    double rate)
{
    log_t *l = user;
    ck_assert_uint_eq(epoch, (uint64_t)l->epochs);
    ck_assert_ptr_nonnull(metrics);
    ck_assert(isfinite(mean[AAE_SLOT_REC]) && rate > 0);
    if (l->epochs++ == 0) l->first_mse = metrics[AAE_METRIC_MSE];
    l->last_mse = metrics[AAE_METRIC_MSE];
    return 0;
}

START_TEST(fit_reports_and_learns)
{
    aae_model *m = model(AAE_PRESET_AE);
    aae_trainer *t = trainer(40);
    log_t l = {0, 0, 0, 0, -1};
    TU_ASSERT_OK(aae_trainer_set_callbacks(t, on_batch, on_epoch, &l));
    TU_ASSERT_OK(aae_trainer_set_eval(t, DS));
    TU_ASSERT_OK(aae_trainer_fit(t, m, DS, NULL));
    ck_assert_int_eq(l.epochs, 40);
    ck_assert_int_eq(l.batches, 40 * (N / 32));
    ck_assert_msg(l.last_mse < 0.2 * l.first_mse && l.last_mse < 0.02, "MSE %g -> %g",
                  l.first_mse, l.last_mse);
    uint64_t steps;
    TU_ASSERT_OK(aae_model_steps(m, &steps));
    ck_assert_uint_eq(steps, 40 * (N / 32));
    aae_trainer_free(t);
    aae_model_free(m);
}
END_TEST

START_TEST(callback_stops_training)
{
    aae_model *m = model(AAE_PRESET_AE);
    aae_trainer *t = trainer(3);
    log_t l = {0, 0, 0, 0, 5};
    TU_ASSERT_OK(aae_trainer_set_callbacks(t, on_batch, NULL, &l));
    ck_assert_int_eq(aae_trainer_fit(t, m, DS, NULL), AAE_ERR_CANCELLED);
    ck_assert_int_eq(l.batches, 5);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "callback"));
    aae_trainer_free(t);
    aae_model_free(m);
}
END_TEST

static void snapshot(const aae_model *m, float *out)
{
    TU_ASSERT_OK(aae_model_reconstruct(m, X, Y, 32, out, NULL, 0));
}

/* Two fits of 2 epochs continue the shuffle sequence of one fit of 4. */
START_TEST(fits_continue_where_they_stopped)
{
    static float a[32 * MF_WIDTH], b[32 * MF_WIDTH];
    aae_model *m1 = model(AAE_PRESET_CLUSTERING_AAE), *m2 = model(AAE_PRESET_CLUSTERING_AAE);
    aae_trainer *t4 = trainer(4), *t2 = trainer(2);
    TU_ASSERT_OK(aae_trainer_fit(t4, m1, DS, NULL));
    TU_ASSERT_OK(aae_trainer_fit(t2, m2, DS, NULL));
    TU_ASSERT_OK(aae_trainer_fit(t2, m2, DS, NULL));
    snapshot(m1, a);
    snapshot(m2, b);
    ck_assert(memcmp(a, b, sizeof a) == 0);
    aae_trainer_free(t4);
    aae_trainer_free(t2);
    aae_model_free(m1);
    aae_model_free(m2);
}
END_TEST

/* Where a model stands: its steps over the batches an epoch of this
 * trainer makes (DROP_LAST, a final batch too small for the threads). */
START_TEST(position_counts_the_epochs_a_model_has_done)
{
    aae_model *m = model(AAE_PRESET_AE);
    aae_trainer *t = trainer(1);
    uint64_t epoch = 9, batch = 9, batches = 0;
    TU_ASSERT_OK(aae_trainer_position(t, m, DS, &epoch, &batch, &batches));
    ck_assert(epoch == 0 && batch == 0 && batches == N / 32);
    TU_ASSERT_OK(aae_trainer_fit(t, m, DS, NULL));
    for (int s = 0; s < 3; s++)
        TU_ASSERT_OK(aae_model_train_step(m, X, NULL, 32, NULL, NULL, 0, 100 + (uint64_t)s, NULL));
    TU_ASSERT_OK(aae_trainer_position(t, m, DS, &epoch, &batch, NULL));
    ck_assert(epoch == 1 && batch == 3);
    /* 256 rows in batches of 100: 2 (dropped last) or 3 (kept), and kept
     * 56-row batches still count on 2 threads. */
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, 100));
    TU_ASSERT_OK(aae_trainer_position(t, m, DS, NULL, NULL, &batches));
    ck_assert_uint_eq(batches, 2);
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_DROP_LAST, 0));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_THREADS, 2));
    TU_ASSERT_OK(aae_trainer_position(t, m, DS, &epoch, NULL, &batches));
    ck_assert(batches == 3 && epoch == (8 + 3) / 3);
    ck_assert_int_eq(aae_trainer_position(t, m, NULL, &epoch, NULL, NULL), AAE_ERR_INVALID_ARGUMENT);
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, 1000)); /* more than the rows */
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_DROP_LAST, 1));
    ck_assert_int_eq(aae_trainer_position(t, m, DS, &epoch, NULL, NULL), AAE_ERR_INVALID_ARGUMENT);
    aae_trainer_free(t);
    aae_model_free(m);
}
END_TEST

START_TEST(semi_supervised_fit_uses_the_labelled_rows)
{
    aae_dataset *few;
    TU_ASSERT_OK(aae_dataset_keep_labels(DS, 2, 9, &few));
    aae_model *m = model(AAE_PRESET_SEMI_SUPERVISED_AAE);
    aae_trainer *t = trainer(30);
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_LABELLED_BATCH, 8));
    TU_ASSERT_OK(aae_trainer_fit(t, m, DS, few));
    double metrics[AAE_METRIC_COUNT];
    TU_ASSERT_OK(aae_model_evaluate(m, DS, metrics));
    ck_assert_msg(metrics[AAE_METRIC_CLASS_ERROR] < 0.05, "error %g with 2 labels per class",
                  metrics[AAE_METRIC_CLASS_ERROR]);
    ck_assert(metrics[AAE_METRIC_CLUSTER_ACCURACY] > 0.95);
    ck_assert(isnan(metrics[AAE_METRIC_ELBO]));
    aae_trainer_free(t);
    aae_model_free(m);
    aae_dataset_free(few);
}
END_TEST

START_TEST(vae_evaluation_reports_an_elbo)
{
    aae_model *m = model(AAE_PRESET_VAE_CLASSIFIER);
    aae_trainer *t = trainer(20);
    double before[AAE_METRIC_COUNT], after[AAE_METRIC_COUNT];
    TU_ASSERT_OK(aae_model_evaluate(m, DS, before));
    TU_ASSERT_OK(aae_trainer_fit(t, m, DS, NULL));
    TU_ASSERT_OK(aae_model_evaluate(m, DS, after));
    ck_assert(isfinite(after[AAE_METRIC_ELBO]) && after[AAE_METRIC_ELBO] < 0);
    ck_assert_msg(after[AAE_METRIC_ELBO] > before[AAE_METRIC_ELBO] + 1.0, "ELBO %g -> %g",
                  before[AAE_METRIC_ELBO], after[AAE_METRIC_ELBO]);
    ck_assert(after[AAE_METRIC_CLASS_ERROR] < 0.05);
    aae_trainer_free(t);
    aae_model_free(m);
}
END_TEST

START_TEST(epochs_after_the_first_allocate_nothing)
{
    aae_model *m = model(AAE_PRESET_AAE);
    aae_trainer *t = trainer(1);
    TU_ASSERT_OK(aae_trainer_fit(t, m, DS, NULL));
    unsigned long before = aaei_alloc_count();
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_EPOCHS, 3));
    TU_ASSERT_OK(aae_trainer_fit(t, m, DS, NULL));
    ck_assert_uint_eq(aaei_alloc_count(), before);
    aae_trainer_free(t);
    aae_model_free(m);
}
END_TEST

START_TEST(schedules_follow_pytorch)
{
    aae_trainer *t = trainer(1);
    ck_assert_double_eq(aaei_schedule_factor(t->set.v, 7), 1.0);
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_SCHEDULE, AAE_SCHEDULE_STEP));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_STEP_EPOCHS, 3));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_GAMMA, 0.5));
    ck_assert_double_eq_tol(aaei_schedule_factor(t->set.v, 2), 1.0, 1e-12);
    ck_assert_double_eq_tol(aaei_schedule_factor(t->set.v, 3), 0.5, 1e-12);
    ck_assert_double_eq_tol(aaei_schedule_factor(t->set.v, 7), 0.25, 1e-12);
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_SCHEDULE, AAE_SCHEDULE_COSINE));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_HORIZON, 10));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_MIN_FACTOR, 0.1));
    ck_assert_double_eq_tol(aaei_schedule_factor(t->set.v, 0), 1.0, 1e-12);
    ck_assert_double_eq_tol(aaei_schedule_factor(t->set.v, 5), 0.55, 1e-12);
    ck_assert_double_eq_tol(aaei_schedule_factor(t->set.v, 10), 0.1, 1e-12);
    ck_assert_double_eq_tol(aaei_schedule_factor(t->set.v, 15), 0.1, 1e-12);
    aae_trainer_free(t);
}
END_TEST

START_TEST(trainer_refuses_bad_input)
{
    aae_model *m = model(AAE_PRESET_AE);
    aae_trainer *t = trainer(1);
    aae_dataset *tiny, *wide;
    float w[4 * 20] = {0};
    TU_ASSERT_OK(aae_dataset_from_memory(&tiny, X, NULL, 8, MF_WIDTH, AAE_BORROW));
    TU_ASSERT_OK(aae_dataset_from_memory(&wide, w, NULL, 4, 20, AAE_BORROW));
    ck_assert_int_eq(aae_trainer_fit(t, m, tiny, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "fewer than one batch"));
    ck_assert_int_eq(aae_trainer_fit(t, m, wide, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "features"));
    ck_assert_int_eq(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, 0), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_trainer_set(t, AAE_TRAIN_GAMMA, 2), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_trainer_set(t, (aae_trainer_param)77, 1), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_trainer_fit(NULL, m, DS, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_trainer_epoch(t, NULL, DS, NULL), AAE_ERR_INVALID_ARGUMENT);
    double v;
    TU_ASSERT_OK(aae_trainer_get(t, AAE_TRAIN_BATCH_SIZE, &v));
    ck_assert_double_eq(v, 32);
    double metrics[AAE_METRIC_COUNT];
    ck_assert_int_eq(aae_model_evaluate(m, wide, metrics), AAE_ERR_INVALID_ARGUMENT);
    /* Out of memory at each of its allocations: the caller's array is left
     * as it was. */
    for (long n = 1; n <= 3; n++) {
        for (int k = 0; k < AAE_METRIC_COUNT; k++) metrics[k] = -7.0;
        aaei_alloc_fail_after(n);
        aae_status st = aae_model_evaluate(m, DS, metrics);
        aaei_alloc_fail_after(0);
        ck_assert_int_eq(st, AAE_ERR_NOMEM);
        for (int k = 0; k < AAE_METRIC_COUNT; k++) ck_assert_double_eq(metrics[k], -7.0);
    }
    /* A label-decoding model cannot evaluate unlabelled rows. */
    aae_model *sup = model(AAE_PRESET_SUPERVISED_AAE);
    int32_t some[8] = {0, 1, 2, 3, -1, 0, 1, 2};
    aae_dataset *partly;
    TU_ASSERT_OK(aae_dataset_from_memory(&partly, X, some, 8, MF_WIDTH, AAE_BORROW));
    ck_assert_int_eq(aae_model_evaluate(sup, partly, metrics), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "row 4"));
    ck_assert_int_eq(aae_model_evaluate(sup, tiny, metrics), AAE_ERR_INVALID_ARGUMENT);
    aae_dataset_free(partly);
    aae_model_free(sup);
    aae_trainer_free(NULL);
    aae_dataset_free(tiny);
    aae_dataset_free(wide);
    aae_trainer_free(t);
    aae_model_free(m);
}
END_TEST

/* Evaluation counts clusters against labels sparsely: a label near
 * INT32_MAX is only a name, and scores as the same label renamed would. */
START_TEST(evaluation_memory_does_not_grow_with_a_label)
{
    aae_model *m = model(AAE_PRESET_SEMI_SUPERVISED_AAE);
    int32_t named[N], huge[N];
    memcpy(named, Y, sizeof named);
    memcpy(huge, Y, sizeof huge);
    named[5] = named[6] = MF_CLASSES;
    huge[5] = huge[6] = INT32_MAX - 1;
    aae_dataset *a, *b;
    TU_ASSERT_OK(aae_dataset_from_memory(&a, X, named, N, MF_WIDTH, AAE_BORROW));
    TU_ASSERT_OK(aae_dataset_from_memory(&b, X, huge, N, MF_WIDTH, AAE_BORROW));
    double ma[AAE_METRIC_COUNT], mb[AAE_METRIC_COUNT];
    TU_ASSERT_OK(aae_model_evaluate(m, a, ma));
    TU_ASSERT_OK(aae_model_evaluate(m, b, mb));
    ck_assert(ma[AAE_METRIC_CLUSTER_ACCURACY] > 0.0);
    ck_assert_double_eq(ma[AAE_METRIC_CLUSTER_ACCURACY], mb[AAE_METRIC_CLUSTER_ACCURACY]);
    ck_assert_double_eq(ma[AAE_METRIC_CLASS_ERROR], mb[AAE_METRIC_CLASS_ERROR]);
    aae_dataset_free(a);
    aae_dataset_free(b);
    aae_model_free(m);
}
END_TEST

/* Batch buffers hold at most the dataset's rows, whatever the batch setting
 * (2^24 rows of 4096 features would be 256 GiB). */
START_TEST(batch_buffers_are_sized_by_the_rows)
{
    enum { ROWS = 32, WIDE = 4096 };
    aae_builder *b = mf_builder(AAE_PRESET_AE);
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, WIDE));
    aae_model *m;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_builder_free(b);
    float *x = malloc(sizeof *x * ROWS * WIDE);
    ck_assert_ptr_nonnull(x);
    tu_fill(x, (size_t)ROWS * WIDE, 4, 0.0f, 1.0f);
    aae_dataset *ds;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, x, NULL, ROWS, WIDE, AAE_BORROW));
    for (int threads = 1; threads <= 2; threads++) {
        aae_trainer *t = trainer(1);
        TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, 1 << 24));
        TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_DROP_LAST, 0));
        TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_THREADS, threads));
        TU_ASSERT_OK(aae_trainer_fit(t, m, ds, NULL));
        aae_trainer_free(t);
    }
    uint64_t steps;
    TU_ASSERT_OK(aae_model_steps(m, &steps));
    ck_assert_uint_eq(steps, 2);
    aae_dataset_free(ds);
    aae_model_free(m);
    free(x);
}
END_TEST

Suite *suite_trainer(void)
{
    Suite *s = suite_create("trainer");
    TCase *tc = tcase_create("trainer");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, fit_reports_and_learns);
    tcase_add_test(tc, callback_stops_training);
    tcase_add_test(tc, fits_continue_where_they_stopped);
    tcase_add_test(tc, semi_supervised_fit_uses_the_labelled_rows);
    tcase_add_test(tc, vae_evaluation_reports_an_elbo);
    tcase_add_test(tc, epochs_after_the_first_allocate_nothing);
    tcase_add_test(tc, schedules_follow_pytorch);
    tcase_add_test(tc, trainer_refuses_bad_input);
    tcase_add_test(tc, evaluation_memory_does_not_grow_with_a_label);
    tcase_add_test(tc, batch_buffers_are_sized_by_the_rows);
    tcase_add_test(tc, position_counts_the_epochs_a_model_has_done);
    suite_add_tcase(s, tc);
    return s;
}
