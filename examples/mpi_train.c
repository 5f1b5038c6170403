/* Data-parallel AAE training on MNIST over MPI:
 *
 *   mpirun -np 2 lib/examples/mpi_train --epochs 2
 *
 * Every process loads MNIST and builds the same model; libaae-mpi splits
 * each global batch of --batch rows across the processes and sums their
 * gradients, so the result is the model one process trains with that batch.
 * Rank 0 prints progress, evaluates and writes <out>/mpi_train.model after
 * every epoch; --resume 1 continues from that file (only rank 0 reads it)
 * up to --epochs in all. */
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include <aae/mpi.h>

#include "common/ex.h"

typedef struct run {
    const ex_args *a;
    aae_mpi *mpi;
    aae_model *model;
    const aae_dataset *test;
    double t0;
    int failed;
} run;

/* After every epoch (on every process): rank 0 reports and evaluates; all
 * take part in saving the checkpoint. */
static int after_epoch(void *user, uint64_t epoch, const float *loss, const double *metrics,
                       double samples_per_second)
{
    (void)metrics;
    run *r = user;
    if (aae_mpi_rank(r->mpi) == 0) {
        double m[AAE_METRIC_COUNT];
        aae_status st = aae_model_evaluate(r->model, r->test, m);
        double range = ex_scale_for(r->model) == AAE_SCALE_SYMMETRIC ? 2.0 : 1.0;
        printf("epoch %llu: rec %.4f disc %.4f gen %.4f | test MSE %.4f (pixels in [0, 1]) | %.0f samples/s "
               "on %d processes | %.1f s\n",
               (unsigned long long)epoch + 1, loss[AAE_SLOT_REC], loss[AAE_SLOT_DISC_Z],
               loss[AAE_SLOT_GEN_Z], st == AAE_OK ? m[AAE_METRIC_MSE] / (range * range) : -1.0, samples_per_second,
               aae_mpi_size(r->mpi), MPI_Wtime() - r->t0);
        fflush(stdout);
    }
    char path[EX_PATH_MAX];
    aae_status st = aae_mpi_save(r->mpi, r->model, ex_path(path, r->a, "mpi_train.model"));
    if (st != AAE_OK) r->failed = ex_report(r->a, "aae_mpi_save", st);
    return r->failed;
}

static aae_status configure(const ex_args *a, aae_builder **b)
{
    aae_status st = aae_builder_create(b, AAE_PRESET_AAE);
    if (st == AAE_OK) st = aae_builder_set(*b, AAE_OPTION_SEED, (double)a->seed);
    if (st == AAE_OK) st = aae_builder_set(*b, AAE_OPTION_INPUT_WIDTH, (double)ex_pixels(a));
    return st;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    ex_args a = ex_defaults("mpi_train", 2);
    int rc = ex_parse(argc, argv, &a, "Data-parallel AAE training over MPI (run with mpirun)", NULL);
    if (rc) {
        MPI_Finalize();
        return rc == 1 ? 0 : 2;
    }
    aae_mpi *mpi = NULL;
    aae_trainer *t = NULL;
    aae_builder *b = NULL;
    aae_dataset *train = NULL, *test = NULL;
    run r = {&a, NULL, NULL, NULL, 0.0, 0};
    rc = 1;
    if (ex_setup_images(&a) != 0) goto fail; /* output directory and BLAS threads, on every rank */
    EX_TRY(&a, aae_mpi_create(MPI_COMM_WORLD, &mpi));
    r.mpi = mpi;
    char path[EX_PATH_MAX];
    EX_TRY(&a, configure(&a, &b));
    if (a.resume) {
        EX_TRY(&a, aae_mpi_load(mpi, ex_path(path, &a, "mpi_train.model"), &r.model));
        if (ex_check_resumed(&a, path, r.model, b)) goto fail;
    } else {
        EX_TRY(&a, aae_builder_build(b, &r.model));
    }
    if (ex_load_mnist(&a, ex_scale_for(r.model), &train, &test)) goto fail;
    r.test = test;
    EX_TRY(&a, aae_trainer_create(&t));
    EX_TRY(&a, aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, (double)a.batch));
    EX_TRY(&a, aae_trainer_set(t, AAE_TRAIN_SEED, (double)a.seed));
    EX_TRY(&a, aae_trainer_set_callbacks(t, NULL, after_epoch, &r));
    EX_TRY(&a, aae_mpi_attach(mpi, t));
    /* --epochs counts all epochs, those of a resumed model included. */
    uint64_t done = 0;
    EX_TRY(&a, aae_trainer_position(t, r.model, train, &done, NULL, NULL));
    if (done >= (uint64_t)a.epochs) {
        if (rank == 0) printf("mpi_train: the model has done %llu epochs already\n", (unsigned long long)done);
        rc = 0;
        goto fail;
    }
    EX_TRY(&a, aae_trainer_set(t, AAE_TRAIN_EPOCHS, (double)((uint64_t)a.epochs - done)));
    if (rank == 0)
        printf("mpi_train: %d processes, global batch %zu (%zu rows per process), %s\n", aae_mpi_size(mpi),
               a.batch, a.batch / (size_t)aae_mpi_size(mpi), aae_blas_info());
    r.t0 = MPI_Wtime();
    aae_status st = aae_trainer_fit(t, r.model, train, NULL);
    if (st != AAE_OK && !r.failed) {
        ex_report(&a, "aae_trainer_fit", st);
        goto fail;
    }
    if (r.failed) goto fail;
    if (rank == 0) printf("mpi_train: model in %s\n", ex_path(path, &a, "mpi_train.model"));
    rc = 0;
fail:
    aae_builder_free(b);
    aae_trainer_free(t);
    aae_dataset_free(train);
    aae_dataset_free(test);
    aae_model_free(r.model);
    aae_mpi_free(mpi);
    MPI_Finalize();
    return rc;
}
