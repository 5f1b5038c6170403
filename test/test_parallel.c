/* Data parallelism through the trainer's hooks, without MPI: N "processes"
 * are N threads, each with its own model and trainer, joined by an
 * in-memory allreduce and broadcast. N of them with batch B must train the
 * model one process trains with batch B (up to summation order), including
 * synchronized batch norm, dropout, noise and an uneven split. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_fixture.h"

enum { ROWS = 96, BATCH = 32, MAXP = 4 };

static float X[ROWS * MF_WIDTH];
static int32_t Y[ROWS];

static void setup(void) { mf_blobs(X, Y, ROWS, 11); }

/* The group every member thread belongs to. */
typedef struct group {
    unsigned size;
    pthread_barrier_t bar;
    float *bufs[MAXP];
    size_t ns[MAXP];
    void *bbufs[MAXP];
    int fail_rank, fail_after; /* member fail_rank's hook fails after that many calls */
} group;

typedef struct member {
    group *g;
    unsigned rank;
    float *tmp;
    size_t cap;
    long calls, kinds[5], grad_floats;
} member;

static aae_status t_allreduce(void *user, aae_reduce_kind kind, float *data, size_t n)
{
    member *me = user;
    group *g = me->g;
    if ((int)me->rank == g->fail_rank && me->calls >= g->fail_after)
        return aae_set_error(AAE_ERR_IO, "test link down");
    me->calls++;
    me->kinds[kind]++;
    if (kind == AAE_REDUCE_GRADIENTS) me->grad_floats += (long)n;
    if (n > me->cap) {
        me->tmp = realloc(me->tmp, n * sizeof *me->tmp);
        me->cap = n;
    }
    g->bufs[me->rank] = data;
    g->ns[me->rank] = n;
    pthread_barrier_wait(&g->bar);
    for (unsigned r = 0; r < g->size; r++) ck_assert_uint_eq(g->ns[r], n);
    for (size_t i = 0; i < n; i++) {
        float s = 0.0f;
        for (unsigned r = 0; r < g->size; r++) s += g->bufs[r][i];
        me->tmp[i] = s;
    }
    pthread_barrier_wait(&g->bar); /* everyone has read every buffer */
    memcpy(data, me->tmp, n * sizeof *data);
    return AAE_OK;
}

static aae_status t_broadcast(void *user, void *data, size_t bytes)
{
    member *me = user;
    group *g = me->g;
    me->calls++;
    g->bbufs[me->rank] = data;
    pthread_barrier_wait(&g->bar);
    if (me->rank != 0) memcpy(data, g->bbufs[0], bytes);
    pthread_barrier_wait(&g->bar);
    return AAE_OK;
}

static aae_trainer *trainer_for(size_t batch)
{
    aae_trainer *t;
    TU_ASSERT_OK(aae_trainer_create(&t));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, (double)batch));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_EPOCHS, 2));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_LABELLED_BATCH, 24));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_SEED, 5));
    return t;
}

typedef struct job {
    member me;
    int stop_at_batch; /* >= 1: this process's batch callback stops training there */
    aae_model *m;
    aae_trainer *t;
    const aae_dataset *ds, *labelled;
    aae_status st;
    char msg[256]; /* the thread's last error */
    float last[AAE_SLOT_COUNT];
} job;

static int keep_losses(void *user, uint64_t e, uint64_t b, uint64_t nb, const float *l, double r)
{
    (void)e, (void)b, (void)nb, (void)r;
    memcpy(user, l, AAE_SLOT_COUNT * sizeof *l);
    return 0;
}

static int job_batch(void *user, uint64_t e, uint64_t b, uint64_t nb, const float *l, double r)
{
    job *j = user;
    keep_losses(j->last, e, b, nb, l, r);
    return j->stop_at_batch > 0 && b + 1 == (uint64_t)j->stop_at_batch;
}

static void *run(void *arg)
{
    job *j = arg;
    aae_trainer_set_callbacks(j->t, job_batch, NULL, j);
    j->st = aae_trainer_fit(j->t, j->m, j->ds, j->labelled);
    snprintf(j->msg, sizeof j->msg, "%s", aae_last_error());
    return NULL;
}

/* Every parameter and statistic of a and b agree to atol + rtol |b|. */
static void assert_models_close(const aae_model *a, const aae_model *b, double atol, double rtol)
{
    size_t count;
    TU_ASSERT_OK(aae_model_tensor_count(a, &count));
    for (size_t i = 0; i < count; i++) {
        const char *name;
        size_t r, c;
        TU_ASSERT_OK(aae_model_tensor_info(a, i, &name, &r, &c));
        float *va = malloc(r * c * sizeof *va), *vb = malloc(r * c * sizeof *vb);
        TU_ASSERT_OK(aae_model_tensor_get(a, i, va, r * c));
        TU_ASSERT_OK(aae_model_tensor_get(b, i, vb, r * c));
        for (size_t k = 0; k < r * c; k++)
            ck_assert_msg(fabs((double)va[k] - vb[k]) <= atol + rtol * fabs((double)vb[k]),
                          "%s[%zu]: %.9g vs %.9g", name, k, (double)va[k], (double)vb[k]);
        free(va);
        free(vb);
    }
}

typedef struct run_setup {
    aae_preset preset;
    unsigned procs;
    int sgd;
    uint64_t seed_rank1; /* rank 1's own model seed (0: the same) */
    size_t batch_rank1;  /* 0: BATCH */
    int phases;          /* see model_for */
    int pretrain_rank1;  /* rank 1's model first trains alone: the broadcast must undo it */
    int stop_rank0;      /* rank 0's batch callback stops training at this batch (1-based) */
} run_setup;

/* Runs `procs` members to completion; jobs[] keeps their models. */
static void run_group(const run_setup *s, group *g, job *jobs, const aae_dataset *ds,
                      const aae_dataset *labelled)
{
    g->size = s->procs;
    pthread_barrier_init(&g->bar, NULL, s->procs);
    pthread_t th[MAXP];
    for (unsigned r = 0; r < s->procs; r++) {
        job *j = &jobs[r];
        memset(j, 0, sizeof *j);
        j->me.g = g;
        j->me.rank = r;
        j->m = mf_parallel_model(s->preset, r == 1 && s->seed_rank1 ? s->seed_rank1 : 3, s->sgd, s->phases);
        j->t = trainer_for(r == 1 && s->batch_rank1 ? s->batch_rank1 : BATCH);
        if (r == 1 && s->pretrain_rank1) TU_ASSERT_OK(aae_trainer_epoch(j->t, j->m, ds, labelled));
        j->ds = ds;
        j->labelled = labelled;
        if (r == 0) j->stop_at_batch = s->stop_rank0;
        TU_ASSERT_OK(aae_trainer_set_parallel(j->t, r, s->procs, t_allreduce, t_broadcast, &j->me));
        ck_assert_int_eq(pthread_create(&th[r], NULL, run, j), 0);
    }
    for (unsigned r = 0; r < s->procs; r++) pthread_join(th[r], NULL);
    pthread_barrier_destroy(&g->bar);
}

static void free_jobs(job *jobs, unsigned procs)
{
    for (unsigned r = 0; r < procs; r++) {
        aae_model_free(jobs[r].m);
        aae_trainer_free(jobs[r].t);
        free(jobs[r].me.tmp);
    }
}

/* procs members against one process; returns nothing, asserts agreement. */
static void check_equivalence(const run_setup *s, double atol, double rtol)
{
    aae_dataset *ds, *labelled = NULL;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, ROWS, MF_WIDTH, AAE_COPY));
    if (s->preset == AAE_PRESET_SEMI_SUPERVISED_AAE)
        TU_ASSERT_OK(aae_dataset_keep_labels(ds, 8, 1, &labelled));

    aae_model *one = mf_parallel_model(s->preset, 3, s->sgd, s->phases);
    aae_trainer *t1 = trainer_for(BATCH);
    float last[AAE_SLOT_COUNT];
    aae_trainer_set_callbacks(t1, keep_losses, NULL, last);
    TU_ASSERT_OK(aae_trainer_fit(t1, one, ds, labelled));

    group g = {.fail_rank = -1};
    job jobs[MAXP];
    run_group(s, &g, jobs, ds, labelled);
    for (unsigned r = 0; r < s->procs; r++) {
        ck_assert_msg(jobs[r].st == AAE_OK, "rank %u: %s", r, aae_status_name(jobs[r].st));
        assert_models_close(jobs[r].m, one, atol, rtol);
        for (int k = 0; k < AAE_SLOT_COUNT; k++) TU_ASSERT_CLOSE(jobs[r].last[k], last[k], 1e-5, 1e-4, k);
    }
    /* Ranks hold the same model: the same reductions reached all. */
    for (unsigned r = 1; r < s->procs; r++) assert_models_close(jobs[r].m, jobs[0].m, 0.0, 0.0);
    free_jobs(jobs, s->procs);
    aae_model_free(one);
    aae_trainer_free(t1);
    aae_dataset_free(labelled);
    aae_dataset_free(ds);
}

START_TEST(two_processes_match_one)
{
    run_setup s = {AAE_PRESET_AAE, 2, 1, 0, 0, 0, 0, 0};
    check_equivalence(&s, 2e-5, 1e-4);
}
END_TEST

START_TEST(three_processes_uneven_split_match_one)
{
    run_setup s = {AAE_PRESET_AAE, 3, 1, 0, 0, 1, 0, 0}; /* 32 rows: 10 + 11 + 11 */
    check_equivalence(&s, 2e-5, 1e-4);
}
END_TEST

START_TEST(semi_supervised_phase_is_split_too)
{
    run_setup s = {AAE_PRESET_SEMI_SUPERVISED_AAE, 3, 1, 0, 0, 0, 0, 0}; /* labelled 24: 8 x 3 */
    check_equivalence(&s, 2e-5, 1e-4);
}
END_TEST

START_TEST(adam_presets_match_closely)
{
    /* Adam: rounding in near-zero gradients can flip an update of size lr,
     * so only a looser bound holds for every parameter. */
    run_setup s = {AAE_PRESET_AAE, 2, 0, 0, 0, 0, 0, 0};
    check_equivalence(&s, 2e-3, 1e-3);
}
END_TEST

START_TEST(broadcast_starts_every_process_from_rank_0)
{
    run_setup s = {AAE_PRESET_AAE, 2, 1, 0, 0, 0, 1, 0};
    check_equivalence(&s, 2e-5, 1e-4);
}
END_TEST

START_TEST(one_gradient_reduction_per_phase)
{
    aae_dataset *ds;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, ROWS, MF_WIDTH, AAE_COPY));
    group g = {.fail_rank = -1};
    job jobs[MAXP];
    run_setup s = {AAE_PRESET_AAE, 2, 1, 0, 0, 1, 0, 0};
    run_group(&s, &g, jobs, ds, NULL);
    TU_ASSERT_OK(jobs[0].st);
    /* AAE: reconstruction, discriminator, generator = 3 per step, 6 steps. */
    long steps = 2 * (ROWS / BATCH);
    ck_assert_int_eq(jobs[0].me.kinds[AAE_REDUCE_GRADIENTS], 3 * steps);
    ck_assert_int_eq(jobs[0].me.kinds[AAE_REDUCE_LOSSES], 3 * steps);
    /* Per step: its checks and the batch callback's verdict; per epoch: the
     * start's agreement and the epoch callback's verdict. */
    ck_assert_int_eq(jobs[0].me.kinds[AAE_REDUCE_STATUS], 2 * steps + 2 * 2);
    /* Two BN layers in the encoder, forward twice per step (reconstruction,
     * regularization), each 2 reductions, and backward twice, 1 each. */
    ck_assert_int_eq(jobs[0].me.kinds[AAE_REDUCE_BATCH_STATS], steps * 2 * (2 * 2 + 2 * 1));
    /* Gradients: decoder + encoder, z discriminator, encoder per step. */
    size_t count;
    long floats = 0, enc = 0;
    TU_ASSERT_OK(aae_model_tensor_count(jobs[0].m, &count));
    for (size_t i = 0; i < count; i++) {
        const char *name;
        size_t r, c;
        TU_ASSERT_OK(aae_model_tensor_info(jobs[0].m, i, &name, &r, &c));
        if (strstr(name, "running_")) continue;
        floats += (long)(r * c);
        if (strncmp(name, "encoder.", 8) == 0) enc += (long)(r * c);
    }
    ck_assert_int_eq(jobs[0].me.grad_floats, steps * (floats + enc));
    free_jobs(jobs, 2);
    aae_dataset_free(ds);
}
END_TEST

START_TEST(a_process_that_differs_fails_everywhere)
{
    aae_dataset *ds;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, ROWS, MF_WIDTH, AAE_COPY));
    group g = {.fail_rank = -1};
    job jobs[MAXP];
    const run_setup differing[] = {
        {AAE_PRESET_AAE, 2, 1, 0, 16, 0, 0, 0}, /* rank 1: batch 16 */
        {AAE_PRESET_AAE, 2, 1, 99, 0, 0, 0, 0}, /* rank 1: another model seed */
    };
    for (size_t i = 0; i < 2; i++) {
        run_group(&differing[i], &g, jobs, ds, NULL);
        for (unsigned r = 0; r < 2; r++) ck_assert_int_eq(jobs[r].st, AAE_ERR_INVALID_ARGUMENT);
        ck_assert_ptr_nonnull(strstr(jobs[1].msg, "process 1 differs from rank 0"));
        ck_assert_ptr_nonnull(strstr(jobs[0].msg, "another process differs from rank 0"));
        free_jobs(jobs, 2);
    }
    aae_dataset_free(ds);
}
END_TEST

START_TEST(a_callback_stopping_one_process_stops_all)
{
    aae_dataset *ds;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, ROWS, MF_WIDTH, AAE_COPY));
    group g = {.fail_rank = -1};
    job jobs[MAXP];
    run_setup s = {AAE_PRESET_AAE, 3, 1, 0, 0, 0, 0, 2}; /* rank 0 stops after batch 2 */
    run_group(&s, &g, jobs, ds, NULL);
    for (unsigned r = 0; r < 3; r++) {
        uint64_t steps;
        ck_assert_int_eq(jobs[r].st, AAE_ERR_CANCELLED);
        TU_ASSERT_OK(aae_model_steps(jobs[r].m, &steps));
        ck_assert_uint_eq(steps, 2);
    }
    free_jobs(jobs, 3);
    aae_dataset_free(ds);
}
END_TEST

START_TEST(a_failing_hook_stops_training_with_its_status)
{
    aae_dataset *ds;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, ROWS, MF_WIDTH, AAE_COPY));
    group g = {.fail_rank = 0, .fail_after = 5}; /* inside the first step */
    job jobs[MAXP];
    run_setup s = {AAE_PRESET_AAE, 1, 1, 0, 0, 0, 0, 0};
    /* A single member: its own hook fails at the first reduction. */
    g.size = 1;
    pthread_barrier_init(&g.bar, NULL, 1);
    memset(&jobs[0], 0, sizeof jobs[0]);
    jobs[0].me.g = &g;
    aae_model *m = mf_parallel_model(s.preset, 3, 1, 0);
    aae_trainer *t = trainer_for(BATCH);
    /* size 2 with one member: broadcasts pass, the first allreduce fails. */
    TU_ASSERT_OK(aae_trainer_set_parallel(t, 0, 2, t_allreduce, t_broadcast, &jobs[0].me));
    ck_assert_int_eq(aae_trainer_epoch(t, m, ds, NULL), AAE_ERR_IO);
    ck_assert_msg(strstr(aae_last_error(), "aae_trainer_epoch: the allreduce hook") &&
                      strstr(aae_last_error(), ": test link down"),
                  "%s", aae_last_error());
    /* Switched off, the same trainer and model train alone. */
    TU_ASSERT_OK(aae_trainer_set_parallel(t, 0, 1, NULL, NULL, NULL));
    TU_ASSERT_OK(aae_trainer_epoch(t, m, ds, NULL));
    pthread_barrier_destroy(&g.bar);
    free(jobs[0].me.tmp);
    aae_model_free(m);
    aae_trainer_free(t);
    aae_dataset_free(ds);
}
END_TEST

START_TEST(set_parallel_checks_its_arguments)
{
    aae_trainer *t;
    member me = {0};
    TU_ASSERT_OK(aae_trainer_create(&t));
    ck_assert_int_eq(aae_trainer_set_parallel(NULL, 0, 2, t_allreduce, t_broadcast, &me), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_trainer_set_parallel(t, 2, 2, t_allreduce, t_broadcast, &me), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_trainer_set_parallel(t, 0, 0, t_allreduce, t_broadcast, &me), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_trainer_set_parallel(t, 0, 2, NULL, t_broadcast, &me), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_trainer_set_parallel(t, 0, 2, t_allreduce, NULL, &me), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "aae_trainer_set_parallel"));
    /* A batch smaller than the process count is refused at the epoch. */
    aae_dataset *ds;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, ROWS, MF_WIDTH, AAE_COPY));
    aae_model *m = mf_parallel_model(AAE_PRESET_AAE, 3, 1, 0);
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, 2));
    TU_ASSERT_OK(aae_trainer_set_parallel(t, 0, 3, t_allreduce, t_broadcast, &me));
    ck_assert_int_eq(aae_trainer_epoch(t, m, ds, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_uint_eq(me.calls, 0);
    aae_model_free(m);
    aae_dataset_free(ds);
    aae_trainer_free(t);
}
END_TEST

/* AAE_TRAIN_THREADS: the same group, as threads the trainer runs itself. */
static aae_model *train_with_threads(aae_preset preset, unsigned threads, size_t batch,
                                     const aae_dataset *ds, const aae_dataset *labelled, float *last)
{
    aae_model *m = mf_parallel_model(preset, 3, 1, 0);
    aae_trainer *t = trainer_for(batch);
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_THREADS, threads));
    aae_trainer_set_callbacks(t, keep_losses, NULL, last);
    TU_ASSERT_OK(aae_trainer_fit(t, m, ds, labelled));
    /* A second fit reuses the replicas (and continues the same run). */
    TU_ASSERT_OK(aae_trainer_fit(t, m, ds, labelled));
    aae_trainer_free(t);
    return m;
}

START_TEST(training_threads_match_one_thread)
{
    aae_dataset *ds, *labelled;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, ROWS, MF_WIDTH, AAE_COPY));
    TU_ASSERT_OK(aae_dataset_keep_labels(ds, 8, 1, &labelled));
    static const aae_preset presets[] = {AAE_PRESET_AAE, AAE_PRESET_SEMI_SUPERVISED_AAE};
    for (size_t p = 0; p < 2; p++) {
        const aae_dataset *l = presets[p] == AAE_PRESET_SEMI_SUPERVISED_AAE ? labelled : NULL;
        float l1[AAE_SLOT_COUNT], l2[AAE_SLOT_COUNT], l3[AAE_SLOT_COUNT], again[AAE_SLOT_COUNT];
        aae_model *one = train_with_threads(presets[p], 1, BATCH, ds, l, l1);
        aae_model *two = train_with_threads(presets[p], 2, BATCH, ds, l, l2);
        aae_model *three = train_with_threads(presets[p], 3, BATCH, ds, l, l3);
        aae_model *two_again = train_with_threads(presets[p], 2, BATCH, ds, l, again);
        assert_models_close(two, one, 2e-5, 1e-4);
        assert_models_close(three, one, 2e-5, 1e-4);
        assert_models_close(two_again, two, 0.0, 0.0); /* same thread count: same bits */
        for (int k = 0; k < AAE_SLOT_COUNT; k++) TU_ASSERT_CLOSE(l3[k], l1[k], 1e-5, 1e-4, k);
        aae_model_free(one);
        aae_model_free(two);
        aae_model_free(three);
        aae_model_free(two_again);
    }
    aae_dataset_free(labelled);
    aae_dataset_free(ds);
}
END_TEST

/* Batch 5 over 3 threads: slices of 1, 2 and 2 rows. Batch norm takes the
 * global batch's statistics, so the 1-row slice is no error (and no thread
 * may refuse it alone: the others would wait for it forever). */
START_TEST(a_one_row_slice_trains_with_synchronized_batch_norm)
{
    aae_dataset *ds; /* 10 rows: 8 steps in all, few enough to compare closely */
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, 10, MF_WIDTH, AAE_COPY));
    float l1[AAE_SLOT_COUNT], l3[AAE_SLOT_COUNT];
    aae_model *one = train_with_threads(AAE_PRESET_AAE, 1, 5, ds, NULL, l1);
    aae_model *three = train_with_threads(AAE_PRESET_AAE, 3, 5, ds, NULL, l3);
    assert_models_close(three, one, 2e-5, 1e-4);
    aae_model_free(one);
    aae_model_free(three);
    aae_dataset_free(ds);
}
END_TEST

START_TEST(training_threads_refuse_a_parallel_trainer)
{
    aae_dataset *ds;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, ROWS, MF_WIDTH, AAE_COPY));
    aae_model *m = mf_parallel_model(AAE_PRESET_AAE, 3, 1, 0);
    aae_trainer *t = trainer_for(BATCH);
    member me = {0};
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_THREADS, 2));
    TU_ASSERT_OK(aae_trainer_set_parallel(t, 0, 2, t_allreduce, t_broadcast, &me));
    ck_assert_int_eq(aae_trainer_epoch(t, m, ds, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "AAE_TRAIN_THREADS"));
    /* A batch smaller than the thread count is refused like a process group's. */
    TU_ASSERT_OK(aae_trainer_set_parallel(t, 0, 1, NULL, NULL, NULL));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_THREADS, 4));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, 3));
    ck_assert_int_eq(aae_trainer_epoch(t, m, ds, NULL), AAE_ERR_INVALID_ARGUMENT);
    /* ...and the trainer still trains afterwards. */
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, BATCH));
    TU_ASSERT_OK(aae_trainer_epoch(t, m, ds, NULL));
    aae_model_free(m);
    aae_trainer_free(t);
    aae_dataset_free(ds);
}
END_TEST

Suite *suite_parallel(void)
{
    Suite *s = suite_create("parallel");
    TCase *tc = tcase_create("hooks");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, two_processes_match_one);
    tcase_add_test(tc, three_processes_uneven_split_match_one);
    tcase_add_test(tc, semi_supervised_phase_is_split_too);
    tcase_add_test(tc, adam_presets_match_closely);
    tcase_add_test(tc, broadcast_starts_every_process_from_rank_0);
    tcase_add_test(tc, one_gradient_reduction_per_phase);
    tcase_add_test(tc, a_process_that_differs_fails_everywhere);
    tcase_add_test(tc, a_callback_stopping_one_process_stops_all);
    tcase_add_test(tc, a_failing_hook_stops_training_with_its_status);
    tcase_add_test(tc, set_parallel_checks_its_arguments);
    tcase_add_test(tc, training_threads_match_one_thread);
    tcase_add_test(tc, a_one_row_slice_trains_with_synchronized_batch_norm);
    tcase_add_test(tc, training_threads_refuse_a_parallel_trainer);
    suite_add_tcase(s, tc);
    return s;
}
