/* One member's epoch: shuffled minibatches over a dataset, built on the
 * public dataset calls and the model's training step, for explicit
 * settings and a data-parallel group. A trainer runs it directly (one
 * process, or one of the processes of aae_trainer_set_parallel); with
 * AAE_TRAIN_THREADS every thread of the team runs it on its replica.
 * Buffers are sized once per epoch call; the batch loop allocates nothing. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/rng.h"
#include "io/dataset.h"
#include "model/model.h"
#include "train/epoch.h"
#include "train/parallel.h"

void aaei_batch_buffers_free(aaei_batch_buffers *b)
{
    aaei_free(b->perm);
    aaei_free(b->x);
    aaei_free(b->y);
    aaei_free(b->lidx);
    aaei_free(b->lbatch);
    aaei_free(b->xl);
    aaei_free(b->yl);
    memset(b, 0, sizeof *b);
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
        AAEI_TRY(grow(b->field, &b->field##_cap, (n), sizeof *b->field, what, &grown_)); \
        b->field = grown_;                                                          \
    } while (0)

/* Finds the rows of `labelled` that carry a label (once per epoch call). */
static aae_status collect_labelled(aaei_batch_buffers *b, const aae_dataset *ds, size_t rows,
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
            if (lab[i] >= 0) b->lidx[n++] = r0 + i;
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
static void labelled_batch(aaei_batch_buffers *buf, size_t nl, size_t rows_l, uint64_t b)
{
    for (size_t i = 0; i < rows_l; i++) buf->lbatch[i] = buf->lidx[(b * rows_l + i) % nl];
}

/* A callback's explanation (aae_set_error inside it), kept across the
 * collective that follows; "" if it gave none. */
typedef struct callback_note {
    char text[256];
} callback_note;

static int call_batch_callback(const aaei_epoch_settings *set, callback_note *note, uint64_t epoch,
                               uint64_t b, uint64_t batches, const float *losses, double rate)
{
    aae_clear_error();
    int stop = set->on_batch && set->on_batch(set->user, epoch, b, batches, losses, rate);
    snprintf(note->text, sizeof note->text, "%s", aae_last_error());
    return stop;
}

static int call_epoch_callback(const aaei_epoch_settings *set, callback_note *note, uint64_t epoch,
                               const float *mean, const double *metrics, double rate)
{
    aae_clear_error();
    int stop = set->on_epoch && set->on_epoch(set->user, epoch, mean, metrics, rate);
    snprintf(note->text, sizeof note->text, "%s", aae_last_error());
    return stop;
}

static aae_status stopped_by(const char *fn, const char *where, const callback_note *note)
{
    return aaei_fail(AAE_ERR_CANCELLED, "%s: the %s%s%s", fn, where, note->text[0] ? ": " : "", note->text);
}

/* In parallel, a callback that stops one process stops all of them at the
 * same batch (the others would otherwise wait in a collective forever). */
static aae_status agree_to_stop(const aaei_group *g, int *stop, const char *fn)
{
    return aaei_context(aaei_group_any(g, *stop, stop), fn);
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
aae_status aaei_epoch_batches(const double *v, unsigned members, const aae_model *m, size_t rows,
                              uint64_t *batches, const char *fn)
{
    size_t B = (size_t)v[AAE_TRAIN_BATCH_SIZE];
    int drop_last = v[AAE_TRAIN_DROP_LAST] != 0;
    AAEI_REQUIRE(rows >= (drop_last ? B : 1),
                 "%s: the dataset has %zu rows, fewer than one batch of %zu", fn, rows, B);
    AAEI_REQUIRE(B >= members, "%s: a batch of %zu rows cannot be split over %u processes", fn, B, members);
    *batches = drop_last ? rows / B : (rows + B - 1) / B;
    size_t min_rows = aaei_model_min_step_rows(m);
    if (min_rows < members) min_rows = members;
    if (!drop_last && rows % B != 0 && rows % B < min_rows) --*batches;
    AAEI_REQUIRE(*batches > 0, "%s: the dataset has %zu rows; a step here needs %zu or more", fn, rows,
                 min_rows);
    return AAE_OK;
}

/* Every input checked before anything trains (the evaluation set too). */
static aae_status plan_epoch(const aaei_epoch_settings *set, unsigned members, aae_model *m,
                             const aae_dataset *train, const aae_dataset *labelled, epoch_plan *p,
                             const char *fn)
{
    memset(p, 0, sizeof *p);
    p->train = train;
    p->batch = (size_t)set->v[AAE_TRAIN_BATCH_SIZE];
    AAEI_TRY(aae_dataset_shape(train, &p->rows, &p->width, &p->has_labels));
    AAEI_REQUIRE(p->width == m->in_width, "%s: dataset rows have %zu features, the model reads %zu", fn,
                 p->width, m->in_width);
    AAEI_TRY(aaei_epoch_batches(set->v, members, m, p->rows, &p->batches, fn));
    if (set->eval) AAEI_TRY(aaei_evaluate_check(m, set->eval, fn));
    if (m->supervised != AAE_SUPERVISE_PHASE || !labelled) return AAE_OK;
    size_t lwidth;
    int lhas;
    AAEI_TRY(aae_dataset_shape(labelled, &p->labelled_rows, &lwidth, &lhas));
    AAEI_REQUIRE(lwidth == m->in_width && lhas, "%s: the labelled dataset must have labels and %zu features", fn,
                 m->in_width);
    p->labelled = labelled;
    return AAE_OK;
}

/* Buffers for the epoch's batches (no batch holds more rows than the
 * dataset); nothing is allocated after this. */
static aae_status reserve_buffers(const aaei_epoch_settings *set, unsigned members,
                                  aaei_batch_buffers *b, aae_model *m, epoch_plan *p, const char *fn)
{
    size_t batch_rows = p->batch < p->rows ? p->batch : p->rows;
    GROW(perm, p->rows, "shuffle order");
    GROW(x, batch_rows * p->width, "batch buffer");
    GROW(y, batch_rows, "batch labels");
    if (p->labelled) {
        size_t nl;
        AAEI_TRY(collect_labelled(b, p->labelled, p->labelled_rows, p->width, &nl));
        AAEI_REQUIRE(nl > 0, "%s: the labelled dataset has no labelled rows", fn);
        p->labelled_rows = nl;
        p->rows_l = (size_t)set->v[AAE_TRAIN_LABELLED_BATCH];
        if (p->rows_l > nl) p->rows_l = nl;
        AAEI_REQUIRE(p->rows_l >= members, "%s: a labelled batch of %zu rows cannot be split over %u processes",
                     fn, p->rows_l, members);
        GROW(xl, p->rows_l * p->width, "labelled batch");
        GROW(yl, p->rows_l, "labelled labels");
        GROW(lbatch, p->rows_l, "labelled batch index");
    }
    return aaei_model_reserve(m, batch_rows > p->rows_l ? batch_rows : p->rows_l);
}

/* The epoch (from the model's step counter, so a resumed run continues its
 * sequence), its row orders and its learning-rate factor. */
static aae_status order_rows(const aaei_epoch_settings *set, const aaei_group *g, aaei_batch_buffers *b,
                             aae_model *m, epoch_plan *p, const char *fn)
{
    p->epoch = m->steps / p->batches;
    p->first = m->steps % p->batches;
    uint64_t seed = (uint64_t)set->v[AAE_TRAIN_SEED];
    if (set->v[AAE_TRAIN_SHUFFLE] != 0)
        AAEI_TRY(aae_dataset_shuffle(p->train, seed, p->epoch, b->perm, p->rows));
    else
        for (size_t i = 0; i < p->rows; i++) b->perm[i] = i;
    if (p->labelled) {
        aaei_rng r = aaei_rng_keyed(seed, AAEI_STREAM_SHUFFLE, p->epoch, 1);
        aaei_rng_shuffle(&r, b->lidx, p->labelled_rows);
    }
    double factor[AAEI_PHASES];
    AAEI_TRY(aaei_epoch_lr_factors(set, g, m, p->epoch, factor, fn));
    aaei_model_set_lr_factors(m, factor);
    return AAE_OK;
}

/* Batch b: this member's slice of it (all of it in one process), one step. */
static aae_status train_batch(const aaei_group *g, aaei_batch_buffers *buf, aae_model *m,
                              const epoch_plan *p, uint64_t b, size_t *n, float *losses, const char *fn)
{
    size_t r0 = (size_t)b * p->batch, rows_l = p->rows_l;
    *n = p->rows - r0 < p->batch ? p->rows - r0 : p->batch;
    size_t lo, hi, lo_l, hi_l;
    aaei_group_rows(g, *n, &lo, &hi);
    aaei_group_rows(g, rows_l, &lo_l, &hi_l);
    AAEI_TRY(aae_dataset_get_rows(p->train, buf->perm + r0 + lo, hi - lo, buf->x, buf->y));
    if (p->labelled) {
        labelled_batch(buf, p->labelled_rows, rows_l, b);
        AAEI_TRY(aae_dataset_get_rows(p->labelled, buf->lbatch + lo_l, hi_l - lo_l, buf->xl, buf->yl));
    }
    const int32_t *y = p->has_labels ? buf->y : NULL;
    if (g->size == 1)
        return aaei_model_checked_step(m, buf->x, y, *n, buf->xl, buf->yl, rows_l, m->steps, losses, fn);
    aaei_slice s = {.x = buf->x, .y = y, .rows = hi - lo, .row0 = lo, .total = *n,
                    .xl = buf->xl, .yl = buf->yl, .rows_l = hi_l - lo_l, .row0_l = lo_l, .total_l = rows_l};
    return aaei_parallel_step(g, m, &s, m->steps, losses, fn);
}

/* The epoch's mean losses, its evaluation and the epoch callback. */
static aae_status end_epoch(const aaei_epoch_settings *set, const aaei_group *g, const aae_model *m,
                            const epoch_plan *p, const double *sums, double rate, const char *fn)
{
    float mean[AAE_SLOT_COUNT];
    uint64_t done = p->batches - p->first;
    for (int k = 0; k < AAE_SLOT_COUNT; k++) mean[k] = done ? (float)(sums[k] / (double)done) : 0.0f;
    double metrics[AAE_METRIC_COUNT];
    if (set->eval) AAEI_TRY(aae_model_evaluate(m, set->eval, metrics));
    callback_note note;
    int stop = call_epoch_callback(set, &note, p->epoch, mean, set->eval ? metrics : NULL, rate);
    AAEI_TRY(agree_to_stop(g, &stop, fn));
    if (!stop) return AAE_OK;
    char where[96];
    snprintf(where, sizeof where, "epoch callback stopped training after epoch %llu", (unsigned long long)p->epoch);
    return stopped_by(fn, where, &note);
}

aae_status aaei_epoch_run(const aaei_epoch_settings *set, const aaei_group *g, aaei_batch_buffers *buf,
                          aae_model *m, const aae_dataset *train, const aae_dataset *labelled,
                          const char *fn)
{
    epoch_plan p;
    AAEI_TRY(plan_epoch(set, g->size, m, train, labelled, &p, fn));
    AAEI_TRY(reserve_buffers(set, g->size, buf, m, &p, fn));
    if (g->size > 1) AAEI_TRY(aaei_parallel_begin(set, g, m, p.rows, p.rows_l, fn));
    AAEI_TRY(order_rows(set, g, buf, m, &p, fn));

    double sums[AAE_SLOT_COUNT] = {0}, t0 = now_seconds();
    float losses[AAE_SLOT_COUNT];
    size_t seen = 0;
    for (uint64_t b = p.first; b < p.batches; b++) {
        size_t n;
        AAEI_TRY(train_batch(g, buf, m, &p, b, &n, losses, fn));
        seen += n;
        for (int k = 0; k < AAE_SLOT_COUNT; k++) sums[k] += losses[k];
        double rate = (double)seen / fmax(now_seconds() - t0, 1e-9);
        callback_note note;
        int stop = call_batch_callback(set, &note, p.epoch, b, p.batches, losses, rate);
        AAEI_TRY(agree_to_stop(g, &stop, fn));
        if (stop) {
            char where[96];
            snprintf(where, sizeof where, "batch callback stopped training at epoch %llu batch %llu",
                     (unsigned long long)p.epoch, (unsigned long long)b);
            return stopped_by(fn, where, &note);
        }
    }
    return end_epoch(set, g, m, &p, sums, (double)seen / fmax(now_seconds() - t0, 1e-9), fn);
}
