/* The trainer handle: its settings and callbacks, and epoch calls that
 * hold the trainer and the model while they run an epoch (epoch.c) in
 * this process, or on a team of threads (team.c). */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/dataset.h"
#include "model/model.h"
#include "train/team.h"
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
    for (int i = 1; i <= AAEI_TRAIN_LAST; i++) t->set.v[i] = params[i].def;
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
    aaei_batch_buffers_free(&t->buf);
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
    t->set.v[param] = value;
    return AAE_OK;
}

AAE_API aae_status aae_trainer_get(const aae_trainer *t, aae_trainer_param param, double *value)
{
    AAEI_REQUIRE(t != NULL && value != NULL, "aae_trainer_get: trainer or value is NULL");
    AAEI_REQUIRE(known(param), "aae_trainer_get: unknown setting %d", (int)param);
    *value = t->set.v[param];
    return AAE_OK;
}

AAE_API aae_status aae_trainer_set_callbacks(aae_trainer *t, aae_batch_callback on_batch,
                                             aae_epoch_callback on_epoch, void *user)
{
    AAEI_REQUIRE(t != NULL, "aae_trainer_set_callbacks: trainer is NULL");
    t->set.on_batch = on_batch;
    t->set.on_epoch = on_epoch;
    t->set.user = user;
    return AAE_OK;
}

AAE_API aae_status aae_trainer_set_lr_callback(aae_trainer *t, aae_lr_callback fn, void *user)
{
    AAEI_REQUIRE(t != NULL, "aae_trainer_set_lr_callback: trainer is NULL");
    t->set.lr_fn = fn;
    t->set.lr_user = user;
    return AAE_OK;
}

AAE_API aae_status aae_trainer_set_eval(aae_trainer *t, const aae_dataset *eval)
{
    AAEI_REQUIRE(t != NULL, "aae_trainer_set_eval: trainer is NULL");
    t->set.eval = eval;
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

static unsigned thread_count(const aae_trainer *t)
{
    unsigned threads = (unsigned)t->set.v[AAE_TRAIN_THREADS];
    return threads == 0 ? (unsigned)aae_get_num_threads() : threads;
}

/* One epoch in this process, or on the team of AAE_TRAIN_THREADS. */
static aae_status one_epoch(aae_trainer *t, aae_model *m, const aae_dataset *train,
                            const aae_dataset *labelled, const char *fn)
{
    /* A copy: the callbacks may change the trainer's, from the next epoch on. */
    aaei_epoch_settings set = t->set;
    unsigned threads = thread_count(t);
    if (threads <= 1) return aaei_epoch_run(&set, &t->group, &t->buf, m, train, labelled, fn);
    AAEI_REQUIRE(t->group.size == 1,
                 "%s: AAE_TRAIN_THREADS > 1 cannot be combined with aae_trainer_set_parallel", fn);
    return aaei_team_epoch(&t->team, &set, &t->buf, m, train, labelled, threads, fn);
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
    const aae_dataset *held[] = {train, labelled, t->set.eval};
    hold_datasets(held, 3, +1);
    aae_status st = AAE_OK;
    for (uint64_t e = 0; e < epochs && st == AAE_OK; e++) st = one_epoch(t, m, train, labelled, fn);
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

/* Members an epoch splits each batch over: the processes, else the
 * threads the epoch would start. */
static unsigned members(const aae_trainer *t)
{
    unsigned threads = thread_count(t);
    return t->group.size > 1 ? t->group.size : (threads > 1 ? threads : 1);
}

AAE_API aae_status aae_trainer_position(const aae_trainer *t, const aae_model *m, const aae_dataset *train,
                                        uint64_t *epoch, uint64_t *batch, uint64_t *batches)
{
    const char *fn = "aae_trainer_position";
    AAEI_REQUIRE(t && m && train, "%s: trainer, model or train is NULL", fn);
    size_t rows, width;
    int has_labels;
    uint64_t n;
    AAEI_TRY(aae_dataset_shape(train, &rows, &width, &has_labels));
    /* The batches as the epoch will count them. */
    AAEI_TRY(aaei_epoch_batches(t->set.v, members(t), m, rows, &n, fn));
    if (epoch) *epoch = m->steps / n;
    if (batch) *batch = m->steps % n;
    if (batches) *batches = n;
    return AAE_OK;
}

AAE_API aae_status aae_trainer_fit(aae_trainer *t, aae_model *m, const aae_dataset *train,
                                   const aae_dataset *labelled)
{
    uint64_t epochs = t ? (uint64_t)t->set.v[AAE_TRAIN_EPOCHS] : 0;
    return guarded_epochs(t, m, train, labelled, epochs, "aae_trainer_fit");
}
