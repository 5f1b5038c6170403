/* libaae's side of `make bench`: training and encoding throughput of the
 * three reference architectures, allocations per step, the training
 * step's GFLOP/s against cblas_sgemm on the very GEMMs the step runs, and
 * floors: the samples/s of a step's or an encode's GEMMs timed alone, and
 * of reading a batch-1 encode's weights once. Then the paper's two
 * recipes at their presets' defaults (semi: AAE_PRESET_SEMI_SUPERVISED_AAE,
 * batch 100 plus a labelled batch of 100; cluster:
 * AAE_PRESET_CLUSTERING_AAE, batch 100): training only, with the epoch
 * time projected from the step rate, or measured on MNIST (--epoch).
 * Prints "key value" lines (bench/compare.sh joins them with PyTorch's).
 * Linked against libaae.a so it can reach the allocation counter and wrap
 * the library's product routine (the GEMM trace).
 *
 *   bench [--arch aae|ae|vaecls|semi|cluster] [--windows N] [--threads T] [--blas-threads B]
 *         [--train-only 1] [--encode-only 1] [--rss MNIST_DIR] [--epoch MNIST_DIR]
 *         [--profile train|encode --steps N]
 *
 * --threads T: BLAS threads for encoding, AAE_TRAIN_THREADS for training.
 * --blas-threads B: BLAS threads B instead (training keeps T threads).
 * --epoch MNIST_DIR: one real MNIST epoch of --arch semi or cluster through
 * aae_trainer, as examples/semi_supervised_aae.c and cluster_aae.c train
 * (all 60000 digits with 100 labels; 55000 with 5000 held out), timed.
 * --profile train|encode --steps N: only N training steps of --arch (batch
 * 64; the recipes: 100 plus 100 labelled) or N batch-1 encodes, nothing
 * timed or printed: the program to run under `perf record`.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "aae/aae.h"
#include "core/alloc.h"
#include "core/blas.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what, aae_status st)
{
    fprintf(stderr, "bench: %s: %s (%s)\n", what, aae_last_error(), aae_status_name(st));
    exit(1);
}

#define TRY(call)                           \
    do {                                    \
        aae_status st_ = (call);            \
        if (st_ != AAE_OK) die(#call, st_); \
    } while (0)

static aae_preset preset_of(const char *arch)
{
    if (!strcmp(arch, "aae")) return AAE_PRESET_AAE;
    if (!strcmp(arch, "ae")) return AAE_PRESET_AE;
    if (!strcmp(arch, "vaecls")) return AAE_PRESET_VAE_CLASSIFIER;
    if (!strcmp(arch, "semi")) return AAE_PRESET_SEMI_SUPERVISED_AAE;
    if (!strcmp(arch, "cluster")) return AAE_PRESET_CLUSTERING_AAE;
    fprintf(stderr, "bench: unknown architecture %s\n", arch);
    exit(2);
}

static aae_model *build(const char *arch)
{
    aae_builder *b;
    aae_model *m;
    TRY(aae_builder_create(&b, preset_of(arch)));
    TRY(aae_builder_build(b, &m));
    aae_builder_free(b);
    return m;
}

/* Synthetic rows in the model's output range and labels 0..9. */
static void fill(float *x, int32_t *y, size_t rows, size_t width)
{
    uint64_t s = 88172645463325252ULL;
    for (size_t i = 0; i < rows * width; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        x[i] = (float)(s >> 40) / 16777216.0f;
    }
    for (size_t r = 0; r < rows; r++) y[r] = (int32_t)(r % 10);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median over `windows` windows of samples/s, each window at least 0.25 s
 * and 5 calls of fn(arg, i). */
static double median_rate(void (*fn)(void *, uint64_t), void *arg, size_t rows, int windows)
{
    double rates[64];
    uint64_t i = 0;
    for (int w = 0; w < windows && w < 64; w++) {
        double t0 = now(), t;
        uint64_t n = 0;
        do {
            fn(arg, i++);
            n++;
        } while ((t = now()) - t0 < 0.25 || n < 5);
        rates[w] = (double)(n * rows) / (t - t0);
    }
    qsort(rates, (size_t)windows, sizeof rates[0], cmp_double);
    return rates[windows / 2];
}

typedef struct job {
    aae_model *m;
    const float *x;
    const int32_t *y;
    size_t rows;
    float *out, *scratch;
    size_t scratch_count;
    const float *xl; /* the semi-supervised phase's labelled batch (rows_l rows), or NULL */
    const int32_t *yl;
    size_t rows_l;
} job;

static void train_once(void *arg, uint64_t i)
{
    job *j = arg;
    TRY(aae_model_train_step(j->m, j->x, j->y, j->rows, j->xl, j->yl, j->rows_l, i, NULL));
}

/* Training as users run it: the trainer over a dataset, with
 * AAE_TRAIN_THREADS = threads. Times come from the batch callback, so the
 * start of an epoch (thread start, the replicas' broadcast) is left out:
 * windows are runs of consecutive batches inside an epoch. */
enum { EPOCH_BATCHES = 48 };
typedef struct clock_job {
    double t[EPOCH_BATCHES];
    unsigned long allocs[EPOCH_BATCHES];
} clock_job;

static int on_batch(void *user, uint64_t e, uint64_t b, uint64_t nb, const float *l, double r)
{
    (void)e, (void)nb, (void)l, (void)r;
    clock_job *c = user;
    c->t[b] = now();
    c->allocs[b] = aaei_alloc_count();
    return 0;
}

/* labelled (NULL if none): the semi-supervised phase's rows, batches of
 * `batch` rows. The reference architectures run epochs of EPOCH_BATCHES
 * batches and time windows of at least 5 steps; the paper's big shapes
 * (paper != 0: a third of a second a step and more) epochs of windows + 2
 * batches and windows of at least one step. The warm-up is a whole epoch:
 * the trainer resumes where the model's step count says (a shorter
 * warm-up would shift the next epoch's batches). */
static double trainer_rate(aae_model *m, const float *x, size_t width, size_t batch, int threads,
                           int windows, const aae_dataset *labelled, int paper, double *allocs_per_step)
{
    aae_dataset *ds;
    aae_trainer *t;
    clock_job c;
    size_t batches = paper ? (size_t)windows + 2 : EPOCH_BATCHES, min_steps = paper ? 1 : 5;
    if (batches > EPOCH_BATCHES) batches = EPOCH_BATCHES;
    TRY(aae_dataset_from_memory(&ds, x, NULL, batches * batch, width, AAE_BORROW));
    TRY(aae_trainer_create(&t));
    TRY(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, (double)batch));
    TRY(aae_trainer_set(t, AAE_TRAIN_LABELLED_BATCH, (double)batch));
    TRY(aae_trainer_set(t, AAE_TRAIN_THREADS, threads));
    TRY(aae_trainer_set_callbacks(t, on_batch, NULL, &c));
    TRY(aae_trainer_epoch(t, m, ds, labelled)); /* warm-up */
    double rates[64];
    int w = 0;
    while (w < windows) {
        TRY(aae_trainer_epoch(t, m, ds, labelled));
        *allocs_per_step = (double)(c.allocs[batches - 1] - c.allocs[1]) / (double)(batches - 2);
        for (size_t b0 = 1, b = 1; b < batches && w < windows; b++)
            if (c.t[b] - c.t[b0] >= 0.25 && b - b0 >= min_steps) {
                rates[w++] = (double)((b - b0) * batch) / (c.t[b] - c.t[b0]);
                b0 = b;
            }
    }
    qsort(rates, (size_t)windows, sizeof rates[0], cmp_double);
    aae_trainer_free(t);
    aae_dataset_free(ds);
    return rates[windows / 2];
}

static void encode_once(void *arg, uint64_t i)
{
    (void)i;
    job *j = arg;
    TRY(aae_model_encode(j->m, j->x, j->rows, j->out, NULL, j->scratch, j->scratch_count));
}

/* Times the traced GEMMs alone: as many repetitions as the step ran. */
/* One product's shape, for the efficiency figures. */
typedef struct gemm_shape {
    int trans_a, trans_b, m, n, k, accumulate;
} gemm_shape;

/* The shapes of the products run while tracing: the benchmark is linked
 * with -Wl,--wrap=aaei_sgemm, so the library's one product routine comes
 * here first (the shipped library carries no trace). One thread. */
static gemm_shape *trace_buf;
static size_t trace_cap, trace_len;

void __real_aaei_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda, const float *b,
                       int ldb, float beta, float *c, int ldc);
void __wrap_aaei_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda, const float *b,
                       int ldb, float beta, float *c, int ldc);

void __wrap_aaei_sgemm(int trans_a, int trans_b, int m, int n, int k, const float *a, int lda, const float *b,
                       int ldb, float beta, float *c, int ldc)
{
    if (trace_buf) {
        if (trace_len < trace_cap)
            trace_buf[trace_len] = (gemm_shape){trans_a, trans_b, m, n, k, beta != 0.0f};
        trace_len++;
    }
    __real_aaei_sgemm(trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

static void gemm_trace(gemm_shape *buf, size_t cap)
{
    trace_buf = buf;
    trace_cap = cap;
    trace_len = 0;
}

static double sgemm_seconds(const gemm_shape *g, size_t n, int reps)
{
    size_t big = 0;
    for (size_t i = 0; i < n; i++) {
        size_t a = (size_t)g[i].m * (size_t)g[i].k, b = (size_t)g[i].k * (size_t)g[i].n,
               c = (size_t)g[i].m * (size_t)g[i].n;
        if (a > big) big = a;
        if (b > big) big = b;
        if (c > big) big = c;
    }
    float *A = calloc(big, sizeof *A), *B = calloc(big, sizeof *B), *C = calloc(big, sizeof *C);
    for (size_t i = 0; i < big; i++) A[i] = B[i] = 0.001f * (float)(i % 1000);
    double t0 = now();
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++) {
            int lda = g[i].trans_a ? g[i].m : g[i].k, ldb = g[i].trans_b ? g[i].k : g[i].n;
            aaei_sgemm(g[i].trans_a, g[i].trans_b, g[i].m, g[i].n, g[i].k, A, lda, B, ldb,
                       g[i].accumulate ? 1.0f : 0.0f, C, g[i].n);
        }
    double t = now() - t0;
    free(A);
    free(B);
    free(C);
    return t;
}

/* Calls/s of fn's GEMMs alone: one call is traced, then its GEMMs are timed
 * on their own for about half a second and at least min_reps calls' worth
 * (calls_per_s: fn's measured rate).
 * flops: the call's GEMM flops; weight_bytes (may be NULL): the bytes of
 * the GEMMs' second operands, the weights of a layer x W^T. */
static double gemm_floor(void (*fn)(void *, uint64_t), void *arg, double calls_per_s, int min_reps,
                         double *flops, double *weight_bytes)
{
    static gemm_shape g[4096];
    gemm_trace(g, 4096);
    fn(arg, 1000);
    size_t n = trace_len;
    gemm_trace(NULL, 0);
    *flops = 0;
    if (weight_bytes) *weight_bytes = 0;
    for (size_t i = 0; i < n; i++) {
        *flops += 2.0 * g[i].m * g[i].n * g[i].k;
        if (weight_bytes) *weight_bytes += 4.0 * g[i].n * g[i].k;
    }
    int reps = (int)(0.5 * calls_per_s) + min_reps;
    return (double)reps / sgemm_seconds(g, n, reps);
}

/* Bytes/s of reading a buffer of `bytes` that stays where the cache
 * hierarchy puts it after the first pass: the floor of a batch-1 encode,
 * which reads every weight once. glibc's memchr reads at full vector width
 * and finds nothing in zeros. */
static double read_bandwidth(size_t bytes)
{
    unsigned char *buf = calloc(bytes, 1);
    if (!buf) return 0;
    volatile size_t found = 0;
    int reps = 0;
    double t0 = now(), t;
    do {
        found += memchr(buf, 1, bytes) != NULL;
        reps++;
    } while ((t = now()) - t0 < 0.5);
    free(buf);
    return (double)reps * (double)bytes / (t - t0);
}

static void bench_arch(const char *arch, int windows, int threads, int train_only, int encode_only)
{
    aae_model *m = build(arch);
    double in;
    aae_model_get(m, AAE_OPTION_INPUT_WIDTH, &in);
    double zw;
    aae_model_get(m, AAE_OPTION_Z_WIDTH, &zw);
    size_t width = (size_t)in, max_rows = EPOCH_BATCHES * 256;
    float *x = malloc(max_rows * width * sizeof *x), *z = malloc(max_rows * (size_t)zw * sizeof *z);
    int32_t *y = malloc(max_rows * sizeof *y);
    fill(x, y, max_rows, width);

    static const size_t train_batches[] = {64, 256};
    for (size_t t = 0; t < 2 && !encode_only; t++) {
        job j = {m, x, y, train_batches[t], NULL, NULL, 0, NULL, NULL, 0};
        double allocs;
        double rate = trainer_rate(m, x, width, j.rows, threads, windows, NULL, 0, &allocs);
        printf("%s.train_b%zu.allocs_per_step %.1f\n", arch, j.rows, allocs);
        printf("%s.train_b%zu %.0f\n", arch, j.rows, rate);
        if (threads > 1) continue; /* the efficiency figure is for one thread */

        /* The step's GEMMs, timed on their own: the efficiency figure. */
        double flops, step_rate = rate / (double)j.rows;
        double gemm_rate = gemm_floor(train_once, &j, step_rate, 5, &flops, NULL);
        printf("%s.train_b%zu.step_gflops %.1f\n", arch, j.rows, flops * step_rate * 1e-9);
        printf("%s.train_b%zu.sgemm_gflops %.1f\n", arch, j.rows, flops * gemm_rate * 1e-9);
        printf("%s.train_b%zu.sgemm_floor %.0f\n", arch, j.rows, gemm_rate * (double)j.rows);
    }

    static const size_t encode_batches[] = {1, 64, 1024};
    for (size_t e = 0; e < 3 && !train_only; e++) {
        size_t rows = encode_batches[e], sc = aae_model_scratch(m, rows);
        float *scratch = malloc(sc * sizeof *scratch);
        job j = {m, x, y, rows, z, scratch, sc, NULL, NULL, 0};
        encode_once(&j, 0);
        unsigned long a0 = aaei_alloc_count();
        encode_once(&j, 1);
        printf("%s.encode_b%zu.allocs_per_call %lu\n", arch, rows, aaei_alloc_count() - a0);
        double rate = median_rate(encode_once, &j, rows, windows), flops, weights;
        printf("%s.encode_b%zu %.0f\n", arch, rows, rate);
        /* Floors (one thread's, as for training): the encode's GEMMs alone,
         * and for one row, reading its weights once (bench/compare.sh sets
         * PyTorch's rate against them). */
        if (threads == 1) {
            double floor = gemm_floor(encode_once, &j, rate / (double)rows, 5, &flops, &weights);
            printf("%s.encode_b%zu.sgemm_floor %.0f\n", arch, rows, floor * (double)rows);
            if (rows == 1) {
                printf("%s.encode_b1.weights_mib %.2f\n", arch, weights / 1048576.0);
                printf("%s.encode_b1.read_floor %.0f\n", arch, read_bandwidth((size_t)weights) / weights);
            }
        }
        free(scratch);
    }
    aae_model_free(m);
    free(x);
    free(z);
    free(y);
}

/* The paper's recipes: batch 100 (the paper's, and the examples'), the
 * semi-supervised one with a labelled batch of 100; an MNIST epoch is the
 * examples' (semi_supervised_aae: all 60000 training digits, 100 of them
 * labelled; cluster_aae: 55000, 5000 held out), the last partial batch
 * dropped. */
enum { PAPER_BATCH = 100 };

static int is_paper(const char *arch)
{
    return !strcmp(arch, "semi") || !strcmp(arch, "cluster");
}

static size_t paper_epoch_rows(const char *arch)
{
    return !strcmp(arch, "semi") ? 60000 : 55000;
}

/* One training step of a recipe at its preset's defaults through the
 * trainer (threads: AAE_TRAIN_THREADS; BLAS threads as set in main), on
 * synthetic rows: samples/s (rows of the unlabelled batch), allocations
 * per step, the projected epoch (its steps at this rate) and, on one
 * thread of each kind, the floor of the step's GEMMs alone. */
static void bench_paper(const char *arch, int windows, int threads, int blas_threads)
{
    aae_model *m = build(arch);
    double in, sup;
    aae_model_get(m, AAE_OPTION_INPUT_WIDTH, &in);
    aae_model_get(m, AAE_OPTION_Y_SUPERVISED, &sup);
    int semi = (int)sup == AAE_SUPERVISE_PHASE;
    size_t width = (size_t)in, batch = PAPER_BATCH, rows = EPOCH_BATCHES * batch, lrows = 10 * batch;
    float *x = malloc((rows + lrows) * width * sizeof *x);
    int32_t *y = malloc((rows + lrows) * sizeof *y);
    fill(x, y, rows + lrows, width);
    /* The labelled rows: their own, labels 0..9. */
    const float *xl = x + rows * width;
    const int32_t *yl = y + rows;
    aae_dataset *labelled = NULL;
    if (semi) TRY(aae_dataset_from_memory(&labelled, xl, yl, lrows, width, AAE_BORROW));

    double allocs, rate = trainer_rate(m, x, width, batch, threads, windows, labelled, 1, &allocs);
    printf("%s.train_b%zu.allocs_per_step %.1f\n", arch, batch, allocs);
    printf("%s.train_b%zu %.0f\n", arch, batch, rate);
    size_t steps = paper_epoch_rows(arch) / batch;
    printf("%s.epoch_projected_s %.1f\n", arch, (double)(steps * batch) / rate);
    if (threads == 1 && blas_threads == 1) {
        job j = {m, x, NULL, batch, NULL, NULL, 0, semi ? xl : NULL, semi ? yl : NULL, semi ? batch : 0};
        double flops, step_rate = rate / (double)batch;
        /* At up to a second a step, 2 steps' GEMMs at least (not 5). */
        double gemm_rate = gemm_floor(train_once, &j, step_rate, 2, &flops, NULL);
        printf("%s.train_b%zu.step_gflops %.1f\n", arch, batch, flops * step_rate * 1e-9);
        printf("%s.train_b%zu.sgemm_gflops %.1f\n", arch, batch, flops * gemm_rate * 1e-9);
        printf("%s.train_b%zu.sgemm_floor %.0f\n", arch, batch, gemm_rate * (double)batch);
    }
    fflush(stdout);
    aae_dataset_free(labelled);
    aae_model_free(m);
    free(x);
    free(y);
}

/* One real MNIST epoch of a recipe through aae_trainer, as its example
 * trains it (seed 0), timed from the call to its return. */
static void paper_epoch(const char *arch, const char *dir, int threads)
{
    char img[1024], lab[1024];
    snprintf(img, sizeof img, "%s/train-images-idx3-ubyte", dir);
    snprintf(lab, sizeof lab, "%s/train-labels-idx1-ubyte", dir);
    aae_dataset *full, *train = NULL, *valid = NULL;
    TRY(aae_dataset_load_idx(&full, img, lab, AAE_SCALE_UNIT));
    int semi = !strcmp(arch, "semi");
    if (semi) TRY(aae_dataset_keep_labels(full, 10, 0, &train));
    else {
        size_t rows;
        TRY(aae_dataset_shape(full, &rows, NULL, NULL));
        TRY(aae_dataset_split(full, rows > 10000 ? 5000 : rows / 10, 0, &train, &valid)); /* as cluster_aae */
    }
    aae_model *m = build(arch);
    aae_trainer *t;
    TRY(aae_trainer_create(&t));
    TRY(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, PAPER_BATCH));
    TRY(aae_trainer_set(t, AAE_TRAIN_LABELLED_BATCH, PAPER_BATCH));
    TRY(aae_trainer_set(t, AAE_TRAIN_THREADS, threads));
    double t0 = now();
    TRY(aae_trainer_epoch(t, m, train, semi ? train : NULL));
    printf("%s.epoch_measured_s %.1f\n", arch, now() - t0);
    fflush(stdout);
    aae_trainer_free(t);
    aae_model_free(m);
    aae_dataset_free(train);
    aae_dataset_free(valid);
    aae_dataset_free(full);
}

/* The steady state alone, for a profiler: n training steps (rotating over
 * EPOCH_BATCHES batches of synthetic rows) or n batch-1 encodes. */
static void profile_run(const char *arch, const char *what, long n)
{
    aae_model *m = build(arch);
    double in, zw, sup;
    aae_model_get(m, AAE_OPTION_INPUT_WIDTH, &in);
    aae_model_get(m, AAE_OPTION_Z_WIDTH, &zw);
    aae_model_get(m, AAE_OPTION_Y_SUPERVISED, &sup);
    int semi = (int)sup == AAE_SUPERVISE_PHASE;
    size_t width = (size_t)in, batch = is_paper(arch) ? PAPER_BATCH : 64, rows = (EPOCH_BATCHES + 1) * batch;
    float *x = malloc(rows * width * sizeof *x);
    int32_t *y = malloc(rows * sizeof *y);
    fill(x, y, rows, width);
    if (!strcmp(what, "encode")) {
        size_t sc = aae_model_scratch(m, 1);
        float *scratch = malloc(sc * sizeof *scratch), *z = malloc((size_t)zw * sizeof *z);
        for (long i = 0; i < n; i++) TRY(aae_model_encode(m, x, 1, z, NULL, scratch, sc));
        free(scratch);
        free(z);
    } else {
        /* The labelled batch: the rows after the last unlabelled one. */
        const float *xl = x + EPOCH_BATCHES * batch * width;
        const int32_t *yl = y + EPOCH_BATCHES * batch;
        for (long i = 0; i < n; i++) {
            size_t o = (size_t)(i % EPOCH_BATCHES) * batch;
            TRY(aae_model_train_step(m, x + o * width, y + o, batch, semi ? xl : NULL, semi ? yl : NULL,
                                     semi ? batch : 0, (uint64_t)i, NULL));
        }
    }
    aae_model_free(m);
    free(x);
    free(y);
}

/* A whole-MNIST AAE training process: its peak RSS is the figure. */
static void rss_run(const char *dir)
{
    char img[1024], lab[1024];
    snprintf(img, sizeof img, "%s/train-images-idx3-ubyte", dir);
    snprintf(lab, sizeof lab, "%s/train-labels-idx1-ubyte", dir);
    aae_dataset *ds;
    TRY(aae_dataset_load_idx(&ds, img, lab, AAE_SCALE_SYMMETRIC));
    aae_model *m = build("aae");
    /* 200 batches drawn from the whole set show the steady state. */
    for (uint64_t i = 0; i < 200; i++) {
        size_t idx[64];
        float x[64 * 784];
        for (size_t r = 0; r < 64; r++) idx[r] = (i * 64 + r) % 60000;
        TRY(aae_dataset_get_rows(ds, idx, 64, x, NULL));
        TRY(aae_model_train_step(m, x, NULL, 64, NULL, NULL, 0, i, NULL));
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("aae.rss_mnist_mib %.1f\n", (double)ru.ru_maxrss / 1024.0);
    aae_model_free(m);
    aae_dataset_free(ds);
}

int main(int argc, char **argv)
{
    const char *arch = NULL, *rss = NULL, *epoch = NULL, *profile = NULL;
    long steps = 100;
    int windows = 5, threads = 1, blas_threads = 0, train_only = 0, encode_only = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--arch")) arch = argv[i + 1];
        else if (!strcmp(argv[i], "--windows")) windows = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--rss")) rss = argv[i + 1];
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--blas-threads")) blas_threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--epoch")) epoch = argv[i + 1];
        else if (!strcmp(argv[i], "--train-only")) train_only = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--encode-only")) encode_only = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--profile")) profile = argv[i + 1];
        else if (!strcmp(argv[i], "--steps")) steps = atol(argv[i + 1]);
        else {
            fprintf(stderr, "usage: bench [--arch aae|ae|vaecls|semi|cluster] [--windows N] [--threads T] "
                            "[--blas-threads B] [--train-only 1] [--encode-only 1] [--rss MNIST_DIR] "
                            "[--epoch MNIST_DIR] [--profile train|encode --steps N]\n");
            return 2;
        }
    }
    if (windows < 1 || windows > 63) windows = 5;
    if (threads < 1) threads = 1;
    if (blas_threads < 1) blas_threads = threads;
    aae_status st = aae_set_num_threads(blas_threads);
    if (st != AAE_OK && blas_threads != 1) die("aae_set_num_threads", st);
    if (rss) {
        rss_run(rss);
        return 0;
    }
    if (profile) {
        if (!arch || (strcmp(profile, "train") && strcmp(profile, "encode"))) {
            fprintf(stderr, "bench: --profile train|encode needs --arch\n");
            return 2;
        }
        profile_run(arch, profile, steps);
        return 0;
    }
    if (epoch) {
        if (!arch || !is_paper(arch)) {
            fprintf(stderr, "bench: --epoch needs --arch semi or cluster\n");
            return 2;
        }
        paper_epoch(arch, epoch, threads);
        return 0;
    }
    printf("libaae.version %s\nlibaae.blas %s\nlibaae.threads %d\n", aae_version_string(), aae_blas_info(),
           aae_get_num_threads());
    const char *archs[] = {"aae", "ae", "vaecls", "semi", "cluster"};
    for (int i = 0; i < 5; i++) {
        if (arch && strcmp(arch, archs[i])) continue;
        if (!is_paper(archs[i])) bench_arch(archs[i], windows, threads, train_only, encode_only);
        else if (!encode_only) bench_paper(archs[i], windows, threads, blas_threads);
    }
    return 0;
}
