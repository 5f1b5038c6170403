/* Epochs of shuffled minibatches over a dataset, built on the public
 * dataset calls and the model's training step. Buffers are sized once per
 * epoch call; the batch loop allocates nothing. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"
#include "io/dataset.h"
#include "model/model.h"
#include "train/parallel.h"
#include "train/trainer.h"

static const struct {
    double lo, hi, def;
    int integer;
} params[AAEI_TRAIN_LAST + 1] = {
    [AAE_TRAIN_EPOCHS] = {1, 1e9, 10, 1},
    [AAE_TRAIN_BATCH_SIZE] = {1, 1 << 24, 64, 1},
    [AAE_TRAIN_SHUFFLE] = {0, 1, 1, 1},
    [AAE_TRAIN_SEED] = {0, 9007199254740992.0, 0, 1},
    [AAE_TRAIN_DROP_LAST] = {0, 1, 1, 1},
    [AAE_TRAIN_LABELLED_BATCH] = {1, 1 << 24, 64, 1},
    [AAE_TRAIN_SCHEDULE] = {0, 2, 0, 1},
    [AAE_TRAIN_STEP_EPOCHS] = {1, 1e9, 10, 1},
    [AAE_TRAIN_GAMMA] = {0, 1, 0.1, 0},
    [AAE_TRAIN_HORIZON] = {1, 1e9, 100, 1},
    [AAE_TRAIN_MIN_FACTOR] = {0, 1, 0, 0},
    [AAE_TRAIN_THREADS] = {0, 256, 1, 1},
};

static int known(aae_trainer_param p)
{
    return (int)p >= 1 && (int)p <= AAEI_TRAIN_LAST;
}

AAE_API aae_status aae_trainer_bounds(aae_trainer_param param, double *lo, double *hi)
{
    AAEI_REQUIRE(lo && hi, "aae_trainer_bounds: lo or hi is NULL");
    AAEI_REQUIRE(known(param), "aae_trainer_bounds: unknown setting %d", (int)param);
    *lo = params[param].lo;
    *hi = params[param].hi;
    return AAE_OK;
}

AAE_API aae_status aae_trainer_create(aae_trainer **trainer)
{
    AAEI_REQUIRE(trainer != NULL, "aae_trainer_create: trainer (output pointer) is NULL");
    aae_trainer *t = aaei_calloc(1, sizeof *t, "trainer");
    if (!t) return AAE_ERR_NOMEM;
    for (int i = 1; i <= AAEI_TRAIN_LAST; i++) t->v[i] = params[i].def;
    t->group = *aaei_group_one();
    atomic_flag_clear(&t->running);
    *trainer = t;
    return AAE_OK;
}

AAE_API void aae_trainer_free(aae_trainer *t)
{
    if (!t) return;
    if (atomic_flag_test_and_set(&t->running)) {
        aaei_fail(AAE_ERR_BUSY, "aae_trainer_free: the trainer is running an epoch; it was not freed "
                                "(free it after the epoch returns)");
        return;
    }
    aaei_team_free(t->team);
    aaei_free(t->perm);
    aaei_free(t->x);
    aaei_free(t->y);
    aaei_free(t->lidx);
    aaei_free(t->lbatch);
    aaei_free(t->xl);
    aaei_free(t->yl);
    aaei_free(t);
}

AAE_API aae_status aae_trainer_set(aae_trainer *t, aae_trainer_param param, double value)
{
    AAEI_REQUIRE(t != NULL, "aae_trainer_set: trainer is NULL");
    AAEI_REQUIRE(known(param), "aae_trainer_set: unknown setting %d", (int)param);
    AAEI_REQUIRE(value >= params[param].lo && value <= params[param].hi,
                 "aae_trainer_set: setting %d = %g is outside [%g, %g]", (int)param, value,
                 params[param].lo, params[param].hi);
    AAEI_REQUIRE(!params[param].integer || value == floor(value),
                 "aae_trainer_set: setting %d = %g must be a whole number", (int)param, value);
    t->v[param] = value;
    return AAE_OK;
}

AAE_API aae_status aae_trainer_get(const aae_trainer *t, aae_trainer_param param, double *value)
{
    AAEI_REQUIRE(t != NULL && value != NULL, "aae_trainer_get: trainer or value is NULL");
    AAEI_REQUIRE(known(param), "aae_trainer_get: unknown setting %d", (int)param);
    *value = t->v[param];
    return AAE_OK;
}

AAE_API aae_status aae_trainer_set_callbacks(aae_trainer *t, aae_batch_callback on_batch,
                                             aae_epoch_callback on_epoch, void *user)
{
    AAEI_REQUIRE(t != NULL, "aae_trainer_set_callbacks: trainer is NULL");
    t->on_batch = on_batch;
    t->on_epoch = on_epoch;
    t->user = user;
    return AAE_OK;
}

AAE_API aae_status aae_trainer_set_lr_callback(aae_trainer *t, aae_lr_callback fn, void *user)
{
    AAEI_REQUIRE(t != NULL, "aae_trainer_set_lr_callback: trainer is NULL");
    t->lr_fn = fn;
    t->lr_user = user;
    return AAE_OK;
}

AAE_API aae_status aae_trainer_set_eval(aae_trainer *t, const aae_dataset *eval)
{
    AAEI_REQUIRE(t != NULL, "aae_trainer_set_eval: trainer is NULL");
    t->eval = eval;
    return AAE_OK;
}

AAE_API aae_status aae_trainer_set_parallel(aae_trainer *t, unsigned rank, unsigned size,
                                            aae_allreduce_fn allreduce, aae_broadcast_fn broadcast,
                                            void *user)
{
    static const char fn[] = "aae_trainer_set_parallel";
    AAEI_REQUIRE(t != NULL, "%s: trainer is NULL", fn);
    AAEI_REQUIRE(size >= 1 && rank < size, "%s: rank %u is not in [0, size %u)", fn, rank, size);
    AAEI_REQUIRE(size == 1 || (allreduce && broadcast),
                 "%s: %u processes need both the allreduce and the broadcast hook", fn, size);
    t->group = *aaei_group_one();
    if (size > 1) t->group = (aaei_group){rank, size, 0, allreduce, broadcast, user};
    return AAE_OK;
}

/* Grows a buffer to hold n elements of `size` bytes; *out gets the block. */
static aae_status grow(void *buf, size_t *cap, size_t n, size_t size, const char *what,
                       void **out)
{
    *out = buf;
    if (n <= *cap && buf) return AAE_OK;
    void *p = aaei_realloc(buf, n ? n : 1, size, what);
    if (!p) return AAE_ERR_NOMEM;
    *out = p;
    *cap = n;
    return AAE_OK;
}

#define GROW(field, n, what)                                                        \
    do {                                                                            \
        void *grown_;                                                               \
        AAEI_TRY(grow(t->field, &t->field##_cap, (n), sizeof *t->field, what, &grown_)); \
        t->field = grown_;                                                          \
    } while (0)

/* Finds the rows of `labelled` that carry a label (once per epoch call). */
static aae_status collect_labelled(aae_trainer *t, const aae_dataset *ds, size_t rows,
                                   size_t width, size_t *count)
{
    size_t n = 0;
    GROW(lidx, rows, "labelled index");
    /* Labels are read through the public gather, a chunk of rows at a time. */
    enum { CHUNK = 256 };
    size_t idx[CHUNK];
    int32_t lab[CHUNK];
    float *x = aaei_malloc(CHUNK, width * sizeof *x, "label scan buffer");
    if (!x) return AAE_ERR_NOMEM;
    aae_status st = AAE_OK;
    for (size_t r0 = 0; r0 < rows && st == AAE_OK; r0 += CHUNK) {
        size_t k = rows - r0 < CHUNK ? rows - r0 : CHUNK;
        for (size_t i = 0; i < k; i++) idx[i] = r0 + i;
        st = aae_dataset_get_rows(ds, idx, k, x, lab);
        for (size_t i = 0; st == AAE_OK && i < k; i++)
            if (lab[i] >= 0) t->lidx[n++] = r0 + i;
    }
    aaei_free(x);
    *count = n;
    return st;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The rows of labelled batch `b` of an epoch: a window of the epoch's
 * permutation of labelled rows, wrapping around. */
static void labelled_batch(aae_trainer *t, size_t nl, size_t rows_l, uint64_t b)
{
    for (size_t i = 0; i < rows_l; i++) t->lbatch[i] = t->lidx[(b * rows_l + i) % nl];
}

/* A callback's explanation (aae_set_error inside it), kept across the
 * collective that follows; "" if it gave none. */
typedef struct callback_note {
    char text[256];
} callback_note;

static int call_batch_callback(const aae_trainer *t, callback_note *note, uint64_t epoch, uint64_t b,
                               uint64_t batches, const float *losses, double rate)
{
    aae_clear_error();
    int stop = t->on_batch && t->on_batch(t->user, epoch, b, batches, losses, rate);
    snprintf(note->text, sizeof note->text, "%s", aae_last_error());
    return stop;
}

static int call_epoch_callback(const aae_trainer *t, callback_note *note, uint64_t epoch, const float *mean,
                               const double *metrics, double rate)
{
    aae_clear_error();
    int stop = t->on_epoch && t->on_epoch(t->user, epoch, mean, metrics, rate);
    snprintf(note->text, sizeof note->text, "%s", aae_last_error());
    return stop;
}

static aae_status stopped_by(const char *fn, const char *where, const callback_note *note)
{
    return aaei_fail(AAE_ERR_CANCELLED, "%s: the %s%s%s", fn, where, note->text[0] ? ": " : "", note->text);
}

/* In parallel, a callback that stops one process stops all of them at the
 * same batch (the others would otherwise wait in a collective forever). */
static aae_status agree_to_stop(const aae_trainer *t, int *stop, const char *fn)
{
    return aaei_context(aaei_group_any(&t->group, *stop, stop), fn);
}

/* The datasets an epoch reads (NULL entries allowed) gain or lose a user. */
static void hold_datasets(const aae_dataset *const *ds, int n, int delta)
{
    for (int i = 0; i < n; i++)
        if (ds[i]) {
            /* The counter is the one field an epoch writes in a borrowed dataset. */
            aae_dataset *d = (aae_dataset *)ds[i];
            if (delta > 0) atomic_fetch_add(&d->users, 1);
            else atomic_fetch_sub(&d->users, 1);
        }
}

/* `epochs` epochs with the trainer and the model held for their whole
 * length: a second trainer, a train_step or a free of either from another
 * thread or from this epoch's own callbacks is refused (AAE_ERR_BUSY). */
static aae_status guarded_epochs(aae_trainer *t, aae_model *m, const aae_dataset *train,
                                 const aae_dataset *labelled, uint64_t epochs, const char *fn)
{
    AAEI_REQUIRE(t && m && train, "%s: trainer, model or train is NULL", fn);
    if (atomic_flag_test_and_set(&t->running))
        return aaei_fail(AAE_ERR_BUSY, "%s: this trainer is already running an epoch (from another thread, "
                                       "or called again from its own callback)", fn);
    if (atomic_flag_test_and_set(&m->busy)) {
        atomic_flag_clear(&t->running);
        return aaei_fail(AAE_ERR_BUSY, "%s: the model is being trained (by another thread or trainer, or "
                                       "this call came from a callback of its training)", fn);
    }
    const aae_dataset *held[] = {train, labelled, t->eval};
    hold_datasets(held, 3, +1);
    unsigned threads = (unsigned)t->v[AAE_TRAIN_THREADS];
    if (threads == 0) threads = (unsigned)aae_get_num_threads();
    aae_status st = AAE_OK;
    for (uint64_t e = 0; e < epochs && st == AAE_OK; e++)
        st = threads > 1 ? aaei_team_epoch(t, m, train, labelled, threads, fn)
                         : aaei_trainer_epoch(t, m, train, labelled, fn);
    hold_datasets(held, 3, -1);
    atomic_flag_clear(&m->busy);
    atomic_flag_clear(&t->running);
    return st;
}

AAE_API aae_status aae_trainer_epoch(aae_trainer *t, aae_model *m, const aae_dataset *train,
                                     const aae_dataset *labelled)
{
    return guarded_epochs(t, m, train, labelled, 1, "aae_trainer_epoch");
}

/* What an epoch call works out before its first step. */
typedef struct epoch_plan {
    const aae_dataset *train, *labelled; /* labelled: NULL unless the model has a semi-supervised phase */
    size_t rows, width, batch;           /* the training set's shape; rows per batch */
    size_t rows_l, labelled_rows;        /* rows per labelled batch; labelled rows found */
    uint64_t batches, epoch, first;      /* this epoch's batches, its number, its first batch */
    int has_labels;
} epoch_plan;

/* The epoch's batches under the DROP_LAST rule: a final partial batch too
 * small to train on (fewer rows than processes, or one row when the model
 * has batch norm) is skipped, whatever the thread or process count. */
static aae_status count_batches(const aae_trainer *t, const aae_model *m, epoch_plan *p, const char *fn)
{
    size_t rows = p->rows, B = p->batch;
    int drop_last = t->v[AAE_TRAIN_DROP_LAST] != 0;
    AAEI_REQUIRE(rows >= (drop_last ? B : 1),
                 "%s: the dataset has %zu rows, fewer than one batch of %zu", fn, rows, B);
    AAEI_REQUIRE(B >= t->group.size, "%s: a batch of %zu rows cannot be split over %u processes", fn, B,
                 t->group.size);
    p->batches = drop_last ? rows / B : (rows + B - 1) / B;
    size_t min_rows = aaei_model_min_step_rows(m);
    if (min_rows < t->group.size) min_rows = t->group.size;
    if (!drop_last && rows % B != 0 && rows % B < min_rows) p->batches--;
    AAEI_REQUIRE(p->batches > 0, "%s: the dataset has %zu rows; a step here needs %zu or more", fn, rows,
                 min_rows);
    return AAE_OK;
}

/* Members an epoch splits each batch over: the processes, else the
 * threads the epoch would start. */
static unsigned members(const aae_trainer *t)
{
    unsigned threads = (unsigned)t->v[AAE_TRAIN_THREADS];
    if (threads == 0) threads = (unsigned)aae_get_num_threads();
    return t->group.size > 1 ? t->group.size : (threads > 1 ? threads : 1);
}

AAE_API aae_status aae_trainer_position(const aae_trainer *t, const aae_model *m, const aae_dataset *train,
                                        uint64_t *epoch, uint64_t *batch, uint64_t *batches)
{
    const char *fn = "aae_trainer_position";
    AAEI_REQUIRE(t && m && train, "%s: trainer, model or train is NULL", fn);
    epoch_plan p;
    memset(&p, 0, sizeof p);
    p.batch = (size_t)t->v[AAE_TRAIN_BATCH_SIZE];
    AAEI_TRY(aae_dataset_shape(train, &p.rows, &p.width, &p.has_labels));
    aae_trainer counted = *t; /* the batches as the epoch will count them */
    counted.group.size = members(t);
    AAEI_TRY(count_batches(&counted, m, &p, fn));
    if (epoch) *epoch = m->steps / p.batches;
    if (batch) *batch = m->steps % p.batches;
    if (batches) *batches = p.batches;
    return AAE_OK;
}

/* Every input checked before anything trains (the evaluation set too). */
static aae_status plan_epoch(const aae_trainer *t, aae_model *m, const aae_dataset *train,
                             const aae_dataset *labelled, epoch_plan *p, const char *fn)
{
    memset(p, 0, sizeof *p);
    p->train = train;
    p->batch = (size_t)t->v[AAE_TRAIN_BATCH_SIZE];
    AAEI_TRY(aae_dataset_shape(train, &p->rows, &p->width, &p->has_labels));
    AAEI_REQUIRE(p->width == m->in, "%s: dataset rows have %zu features, the model reads %zu", fn,
                 p->width, m->in);
    AAEI_TRY(count_batches(t, m, p, fn));
    if (t->eval) AAEI_TRY(aaei_evaluate_check(m, t->eval, fn));
    if (m->supervised != AAE_SUPERVISE_PHASE || !labelled) return AAE_OK;
    size_t lwidth;
    int lhas;
    AAEI_TRY(aae_dataset_shape(labelled, &p->labelled_rows, &lwidth, &lhas));
    AAEI_REQUIRE(lwidth == m->in && lhas, "%s: the labelled dataset must have labels and %zu features", fn,
                 m->in);
    p->labelled = labelled;
    return AAE_OK;
}

/* Buffers for the epoch's batches (no batch holds more rows than the
 * dataset); nothing is allocated after this. */
static aae_status reserve_buffers(aae_trainer *t, aae_model *m, epoch_plan *p, const char *fn)
{
    size_t batch_rows = p->batch < p->rows ? p->batch : p->rows;
    GROW(perm, p->rows, "shuffle order");
    GROW(x, batch_rows * p->width, "batch buffer");
    GROW(y, batch_rows, "batch labels");
    if (p->labelled) {
        size_t nl;
        AAEI_TRY(collect_labelled(t, p->labelled, p->labelled_rows, p->width, &nl));
        AAEI_REQUIRE(nl > 0, "%s: the labelled dataset has no labelled rows", fn);
        p->labelled_rows = nl;
        p->rows_l = (size_t)t->v[AAE_TRAIN_LABELLED_BATCH];
        if (p->rows_l > nl) p->rows_l = nl;
        AAEI_REQUIRE(p->rows_l >= t->group.size, "%s: a labelled batch of %zu rows cannot be split over %u processes",
                     fn, p->rows_l, t->group.size);
        GROW(xl, p->rows_l * p->width, "labelled batch");
        GROW(yl, p->rows_l, "labelled labels");
        GROW(lbatch, p->rows_l, "labelled batch index");
    }
    return aaei_model_reserve(m, batch_rows > p->rows_l ? batch_rows : p->rows_l);
}

/* The epoch (from the model's step counter, so a resumed run continues its
 * sequence), its row orders and its learning-rate factor. */
static aae_status order_rows(aae_trainer *t, aae_model *m, epoch_plan *p, const char *fn)
{
    p->epoch = m->steps / p->batches;
    p->first = m->steps % p->batches;
    uint64_t seed = (uint64_t)t->v[AAE_TRAIN_SEED];
    if (t->v[AAE_TRAIN_SHUFFLE] != 0)
        AAEI_TRY(aae_dataset_shuffle(p->train, seed, p->epoch, t->perm, p->rows));
    else
        for (size_t i = 0; i < p->rows; i++) t->perm[i] = i;
    if (p->labelled) {
        aaei_rng r = aaei_rng_keyed(seed, AAEI_STREAM_SHUFFLE, p->epoch, 1);
        aaei_rng_shuffle(&r, t->lidx, p->labelled_rows);
    }
    double factor[AAEI_PHASES];
    AAEI_TRY(aaei_epoch_lr_factors(t, m, p->epoch, factor, fn));
    aaei_model_set_lr_factors(m, factor);
    return AAE_OK;
}

/* Batch b: this process's slice of it (all of it in one process), one step. */
static aae_status train_batch(aae_trainer *t, aae_model *m, const epoch_plan *p, uint64_t b, size_t *n,
                              float *losses, const char *fn)
{
    size_t r0 = (size_t)b * p->batch, rows_l = p->rows_l;
    *n = p->rows - r0 < p->batch ? p->rows - r0 : p->batch;
    size_t lo, hi, lo_l, hi_l;
    aaei_group_rows(&t->group, *n, &lo, &hi);
    aaei_group_rows(&t->group, rows_l, &lo_l, &hi_l);
    AAEI_TRY(aae_dataset_get_rows(p->train, t->perm + r0 + lo, hi - lo, t->x, t->y));
    if (p->labelled) {
        labelled_batch(t, p->labelled_rows, rows_l, b);
        AAEI_TRY(aae_dataset_get_rows(p->labelled, t->lbatch + lo_l, hi_l - lo_l, t->xl, t->yl));
    }
    const int32_t *y = p->has_labels ? t->y : NULL;
    if (t->group.size == 1)
        return aaei_model_checked_step(m, t->x, y, *n, t->xl, t->yl, rows_l, m->steps, losses, fn);
    aaei_slice s = {.x = t->x, .y = y, .rows = hi - lo, .row0 = lo, .total = *n, .xl = t->xl, .yl = t->yl,
                    .rows_l = hi_l - lo_l, .row0_l = lo_l, .total_l = rows_l};
    return aaei_parallel_step(t, m, &s, m->steps, losses, fn);
}

/* The epoch's mean losses, its evaluation and the epoch callback. */
static aae_status end_epoch(const aae_trainer *t, const aae_model *m, const epoch_plan *p, const double *sums,
                            double rate, const char *fn)
{
    float mean[AAE_SLOT_COUNT];
    uint64_t done = p->batches - p->first;
    for (int k = 0; k < AAE_SLOT_COUNT; k++) mean[k] = done ? (float)(sums[k] / (double)done) : 0.0f;
    double metrics[AAE_METRIC_COUNT];
    if (t->eval) AAEI_TRY(aae_model_evaluate(m, t->eval, metrics));
    callback_note note;
    int stop = call_epoch_callback(t, &note, p->epoch, mean, t->eval ? metrics : NULL, rate);
    AAEI_TRY(agree_to_stop(t, &stop, fn));
    if (!stop) return AAE_OK;
    char where[96];
    snprintf(where, sizeof where, "epoch callback stopped training after epoch %llu", (unsigned long long)p->epoch);
    return stopped_by(fn, where, &note);
}

aae_status aaei_trainer_epoch(aae_trainer *t, aae_model *m, const aae_dataset *train,
                              const aae_dataset *labelled, const char *fn)
{
    epoch_plan p;
    AAEI_TRY(plan_epoch(t, m, train, labelled, &p, fn));
    AAEI_TRY(reserve_buffers(t, m, &p, fn));
    if (t->group.size > 1) AAEI_TRY(aaei_parallel_begin(t, m, p.rows, p.rows_l, fn));
    AAEI_TRY(order_rows(t, m, &p, fn));

    double sums[AAE_SLOT_COUNT] = {0}, t0 = now_seconds();
    float losses[AAE_SLOT_COUNT];
    size_t seen = 0;
    for (uint64_t b = p.first; b < p.batches; b++) {
        size_t n;
        AAEI_TRY(train_batch(t, m, &p, b, &n, losses, fn));
        seen += n;
        for (int k = 0; k < AAE_SLOT_COUNT; k++) sums[k] += losses[k];
        double rate = (double)seen / fmax(now_seconds() - t0, 1e-9);
        callback_note note;
        int stop = call_batch_callback(t, &note, p.epoch, b, p.batches, losses, rate);
        AAEI_TRY(agree_to_stop(t, &stop, fn));
        if (stop) {
            char where[96];
            snprintf(where, sizeof where, "batch callback stopped training at epoch %llu batch %llu",
                     (unsigned long long)p.epoch, (unsigned long long)b);
            return stopped_by(fn, where, &note);
        }
    }
    return end_epoch(t, m, &p, sums, (double)seen / fmax(now_seconds() - t0, 1e-9), fn);
}

AAE_API aae_status aae_trainer_fit(aae_trainer *t, aae_model *m, const aae_dataset *train,
                                   const aae_dataset *labelled)
{
    uint64_t epochs = t ? (uint64_t)t->v[AAE_TRAIN_EPOCHS] : 0;
    return guarded_epochs(t, m, train, labelled, epochs, "aae_trainer_fit");
}
