/* libaae-mpi on loopback: run as `mpirun -np N test_mpi` (make mpi-test runs
 * N = 2 and 3). Every process runs every test; a test makes all its
 * collective calls before it asserts, so a failure on one rank cannot leave
 * the others waiting. The exit status is non-zero if any rank failed. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <aae/mpi.h>

#include "model_fixture.h"

enum { ROWS = 96, BATCH = 32 };

static float X[ROWS * MF_WIDTH];
static int32_t Y[ROWS];
static aae_mpi *G;
static int RANK, SIZE;

static aae_model *model(void) { return mf_parallel_model(AAE_PRESET_AAE, 4, 1, 0); }

static aae_trainer *trainer(int epochs, int parallel)
{
    aae_trainer *t;
    TU_ASSERT_OK(aae_trainer_create(&t));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, BATCH));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_EPOCHS, epochs));
    if (parallel) TU_ASSERT_OK(aae_mpi_attach(G, t));
    return t;
}

/* All of a model's floats, in tensor order (caller frees). */
static float *flatten(const aae_model *m, size_t *n)
{
    size_t count, total = 0, r, c;
    const char *name;
    TU_ASSERT_OK(aae_model_tensor_count(m, &count));
    for (size_t i = 0; i < count; i++) {
        TU_ASSERT_OK(aae_model_tensor_info(m, i, &name, &r, &c));
        total += r * c;
    }
    float *v = malloc(total * sizeof *v), *p = v;
    for (size_t i = 0; i < count; i++) {
        TU_ASSERT_OK(aae_model_tensor_info(m, i, &name, &r, &c));
        TU_ASSERT_OK(aae_model_tensor_get(m, i, p, r * c));
        p += r * c;
    }
    *n = total;
    return v;
}

/* 1 if this rank's model is bit for bit rank 0's (collective). */
static int same_as_rank0(const aae_model *m)
{
    size_t n;
    float *mine = flatten(m, &n), *root = malloc(n * sizeof *root);
    memcpy(root, mine, n * sizeof *root);
    MPI_Bcast(root, (int)n, MPI_FLOAT, 0, MPI_COMM_WORLD);
    int same = memcmp(root, mine, n * sizeof *root) == 0;
    free(mine);
    free(root);
    return same;
}

static int keep_losses(void *user, uint64_t e, uint64_t b, uint64_t nb, const float *l, double r)
{
    (void)e, (void)b, (void)nb, (void)r;
    memcpy(user, l, AAE_SLOT_COUNT * sizeof *l);
    return 0;
}

START_TEST(n_processes_train_the_one_process_model)
{
    aae_dataset *ds;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, ROWS, MF_WIDTH, AAE_COPY));
    aae_model *par = model(), *one = model();
    aae_trainer *tp = trainer(2, 1), *t1 = trainer(2, 0);
    float lp[AAE_SLOT_COUNT], l1[AAE_SLOT_COUNT];
    aae_trainer_set_callbacks(tp, keep_losses, NULL, lp);
    aae_trainer_set_callbacks(t1, keep_losses, NULL, l1);
    aae_status sp = aae_trainer_fit(tp, par, ds, NULL);
    TU_ASSERT_OK(aae_trainer_fit(t1, one, ds, NULL));
    int same = same_as_rank0(par);
    TU_ASSERT_OK(sp);
    ck_assert_msg(same, "rank %d's model differs from rank 0's", RANK);
    size_t n;
    float *a = flatten(par, &n), *b = flatten(one, &n);
    for (size_t i = 0; i < n; i++) TU_ASSERT_CLOSE(a[i], b[i], 2e-5, 1e-4, i);
    for (int k = 0; k < AAE_SLOT_COUNT; k++) TU_ASSERT_CLOSE(lp[k], l1[k], 1e-5, 1e-4, k);
    free(a);
    free(b);
    aae_trainer_free(tp);
    aae_trainer_free(t1);
    aae_model_free(par);
    aae_model_free(one);
    aae_dataset_free(ds);
}
END_TEST

/* A directory made by rank 0, its path on every rank. */
static void shared_dir(char *dir, size_t size)
{
    if (RANK == 0) {
        snprintf(dir, size, "/tmp/aae-mpi-XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(dir));
    }
    MPI_Bcast(dir, (int)size, MPI_CHAR, 0, MPI_COMM_WORLD);
}

START_TEST(rank0_checkpoints_and_a_resumed_run_continues_exactly)
{
    char dir[64], path[128];
    shared_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/run.model", dir);
    aae_dataset *ds;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, ROWS, MF_WIDTH, AAE_COPY));
    aae_model *m = model(), *resumed = NULL;
    aae_trainer *t = trainer(1, 1);
    aae_status s1 = aae_trainer_fit(t, m, ds, NULL);
    aae_status ssave = aae_mpi_save(G, m, path);
    aae_status sload = aae_mpi_load(G, path, &resumed);
    int loaded_same = sload == AAE_OK && same_as_rank0(resumed);
    /* One more epoch each: straight on, and from the checkpoint. */
    aae_status s2 = aae_trainer_fit(t, m, ds, NULL);
    aae_status s3 = sload == AAE_OK ? aae_trainer_fit(t, resumed, ds, NULL) : sload;
    size_t n;
    float *a = flatten(m, &n), *b = resumed ? flatten(resumed, &n) : NULL;
    MPI_Barrier(MPI_COMM_WORLD);
    TU_ASSERT_OK(s1);
    TU_ASSERT_OK(ssave);
    TU_ASSERT_OK(sload);
    TU_ASSERT_OK(s2);
    TU_ASSERT_OK(s3);
    ck_assert(loaded_same);
    ck_assert_msg(memcmp(a, b, n * sizeof *a) == 0, "resumed run differs");
    if (RANK == 0) {
        ck_assert_int_eq(access(path, R_OK), 0);
        unlink(path);
        rmdir(dir);
    }
    free(a);
    free(b);
    aae_trainer_free(t);
    aae_model_free(m);
    aae_model_free(resumed);
    aae_dataset_free(ds);
}
END_TEST

START_TEST(a_failed_load_fails_on_every_rank_with_rank0s_reason)
{
    aae_model *m = NULL;
    aae_status st = aae_mpi_load(G, "/nonexistent/dir/x.model", &m);
    ck_assert_int_eq(st, AAE_ERR_IO);
    ck_assert_ptr_null(m);
    ck_assert_msg(strstr(aae_last_error(), "cannot open /nonexistent/dir/x.model"), "%s", aae_last_error());
    aae_model *small = model();
    st = aae_mpi_save(G, small, "/nonexistent/dir/x.model");
    ck_assert_int_eq(st, AAE_ERR_IO);
    aae_model_free(small);
}
END_TEST

START_TEST(group_and_arguments)
{
    ck_assert_int_eq(aae_mpi_rank(G), RANK);
    ck_assert_int_eq(aae_mpi_size(G), SIZE);
    ck_assert_int_eq(aae_mpi_rank(NULL), -1);
    ck_assert_int_eq(aae_mpi_create(MPI_COMM_WORLD, NULL), AAE_ERR_INVALID_ARGUMENT);
    aae_mpi *g = NULL;
    ck_assert_int_eq(aae_mpi_create(MPI_COMM_NULL, &g), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "MPI_COMM_NULL"));
    ck_assert_ptr_null(g);
    /* The Fortran handle: the same group as the communicator (collective). */
    TU_ASSERT_OK(aae_mpi_create_f((int)MPI_Comm_c2f(MPI_COMM_WORLD), &g));
    ck_assert_int_eq(aae_mpi_rank(g), RANK);
    ck_assert_int_eq(aae_mpi_size(g), SIZE);
    aae_mpi_free(g);
    g = NULL;
    ck_assert_int_eq(aae_mpi_create_f((int)MPI_Comm_c2f(MPI_COMM_NULL), &g), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_ne(aae_mpi_create_f(1 << 30, &g), AAE_OK); /* MPI's error, returned, not fatal */
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "aae_mpi_create: MPI_Comm_dup"));
    ck_assert_ptr_null(g);
    aae_trainer *t;
    TU_ASSERT_OK(aae_trainer_create(&t));
    ck_assert_int_eq(aae_mpi_attach(NULL, t), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "aae_mpi_attach"));
    aae_trainer_free(t);
}
END_TEST

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &RANK);
    MPI_Comm_size(MPI_COMM_WORLD, &SIZE);
    mf_blobs(X, Y, ROWS, 21);
    if (aae_mpi_create(MPI_COMM_WORLD, &G) != AAE_OK) {
        fprintf(stderr, "rank %d: aae_mpi_create: %s\n", RANK, aae_last_error());
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    Suite *s = suite_create("mpi");
    TCase *tc = tcase_create("loopback");
    tcase_add_test(tc, n_processes_train_the_one_process_model);
    tcase_add_test(tc, rank0_checkpoints_and_a_resumed_run_continues_exactly);
    tcase_add_test(tc, a_failed_load_fails_on_every_rank_with_rank0s_reason);
    tcase_add_test(tc, group_and_arguments);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    /* In-process: forked children would not be MPI processes. */
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_SILENT);
    int failed = srunner_ntests_failed(sr), any = 0;
    if (failed) {
        TestResult **r = srunner_failures(sr);
        for (int i = 0; i < failed; i++)
            fprintf(stderr, "rank %d: %s:%d: %s: %s\n", RANK, tr_lfile(r[i]), tr_lno(r[i]), tr_tcname(r[i]),
                    tr_msg(r[i]));
        free(r);
    }
    int ran = srunner_ntests_run(sr);
    srunner_free(sr);
    MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (RANK == 0)
        printf("mpi-test: %d processes, %d tests each, %d failures over all ranks\n", SIZE, ran, any);
    aae_mpi_free(G);
    MPI_Finalize();
    return any ? EXIT_FAILURE : EXIT_SUCCESS;
}
