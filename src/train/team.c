/* Data parallelism inside the process (AAE_TRAIN_THREADS): the calling
 * thread trains the caller's model as rank 0 of a group whose other members
 * are threads training replicas, joined by the same hooks a multi-process
 * run uses (see aae_trainer_set_parallel), implemented here over shared
 * memory. Every member runs the same epoch (aaei_epoch_run) with its own
 * group and buffers; only rank 0 has the caller's callbacks. So n threads
 * compute what n processes compute: the one-process model up to summation
 * order. The replicas share the model's parameters
 * and optimizer moments; after each phase's gradient sum every thread
 * updates its own slice of them. BLAS runs single-threaded meanwhile, so
 * the team's threads are the only ones using the cores. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model/model.h"
#include "train/team.h"

typedef struct member {
    struct aaei_team *team;
    unsigned rank;
    unsigned sense; /* this member's phase of the barrier */
} member;

/* A barrier that spins briefly before it sleeps: a step makes a dozen
 * collectives, and waking a sleeping thread costs tens of microseconds,
 * while the other member usually arrives within a few. Sleeping after the
 * spin keeps an oversubscribed machine from burning its cores. */
typedef struct barrier {
    atomic_uint arrived, sense;
    unsigned n;
    pthread_mutex_t lock;
    pthread_cond_t cond;
} barrier;

enum { SPINS = 20000 };

static void barrier_wait(barrier *b, unsigned *sense)
{
    unsigned mine = *sense ^= 1u;
    if (atomic_fetch_add(&b->arrived, 1) + 1 == b->n) {
        atomic_store(&b->arrived, 0);
        pthread_mutex_lock(&b->lock);
        atomic_store(&b->sense, mine);
        pthread_cond_broadcast(&b->cond);
        pthread_mutex_unlock(&b->lock);
        return;
    }
    for (int i = 0; i < SPINS; i++)
        if (atomic_load_explicit(&b->sense, memory_order_acquire) == mine) return;
    pthread_mutex_lock(&b->lock);
    while (atomic_load(&b->sense) != mine) pthread_cond_wait(&b->cond, &b->lock);
    pthread_mutex_unlock(&b->lock);
}

typedef struct worker {
    member me;
    aae_model *replica;
    aaei_group group;          /* rank r of n, shared parameters */
    aaei_batch_buffers buf;
    pthread_t thread;
    aae_status status;
    char message[256]; /* its last error, if status is not AAE_OK */
    const aae_dataset *train, *labelled;
} worker;

struct aaei_team {
    unsigned n;                /* members, the caller's thread included */
    barrier bar;
    float **bufs;              /* each member's buffer of the current reduction */
    void **bytes;              /* each member's buffer of the current broadcast */
    member lead;               /* rank 0: the caller */
    worker *workers;           /* ranks 1..n-1 */
    aaei_options opt;          /* what the replicas were built from */
    aaei_epoch_settings settings; /* the workers': the caller's numbers, no callbacks */
    /* Start gate: workers wait until every thread exists (go = 1) or one
     * could not be created (go = -1: they leave without a collective). */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int go;
    const char *fn;
};

static void add_into(float *restrict sum, const float *restrict x, size_t n)
{
    for (size_t i = 0; i < n; i++) sum[i] += x[i];
}

/* Sums every member's data in place: member r adds up its own slice of
 * the elements over all members (in rank order) and writes the sum into
 * every member's buffer, so no element is summed twice or copied. A chunk
 * at a time through a local buffer, so that the additions run as vector
 * loops (an element's sum is the same either way: rank order). */
static aae_status team_allreduce(void *user, aae_reduce_kind kind, float *data, size_t n)
{
    (void)kind;
    enum { CHUNK = 1024 };
    member *me = user;
    struct aaei_team *g = me->team;
    g->bufs[me->rank] = data;
    barrier_wait(&g->bar, &me->sense);
    size_t lo = n * me->rank / g->n, hi = n * (me->rank + 1) / g->n;
    float sum[CHUNK];
    for (size_t i = lo; i < hi; i += CHUNK) {
        size_t m = hi - i < CHUNK ? hi - i : CHUNK;
        memcpy(sum, g->bufs[0] + i, m * sizeof *sum);
        for (unsigned r = 1; r < g->n; r++) add_into(sum, g->bufs[r] + i, m);
        for (unsigned r = 0; r < g->n; r++) memcpy(g->bufs[r] + i, sum, m * sizeof *sum);
    }
    barrier_wait(&g->bar, &me->sense);
    return AAE_OK;
}

static aae_status team_broadcast(void *user, void *data, size_t bytes)
{
    member *me = user;
    struct aaei_team *g = me->team;
    g->bytes[me->rank] = data;
    barrier_wait(&g->bar, &me->sense);
    /* (Shared arrays arrive as the root's own.) */
    if (me->rank != 0 && data != g->bytes[0]) memcpy(data, g->bytes[0], bytes);
    barrier_wait(&g->bar, &me->sense);
    return AAE_OK;
}

/* Points the replica's parameters and optimizer moments, and their spare
 * buffers (nn/txn.h), at m's (its own are freed the first time): the
 * members update disjoint slices of them, and every member swaps its own
 * pointers alike in each step, so they keep pointing at the same buffer.
 * Batch norm statistics, gradients and workspaces stay the replica's. */
static void share_arrays(aae_model *replica, aae_model *m, int first)
{
    for (int p = 0; p < AAEI_PARTS; p++) {
        aae_net *rn = &replica->nets[p];
        if (first) {
            aaei_free(rn->params);
            aaei_free(rn->params_spare);
        }
        rn->params = m->nets[p].params;
        rn->params_spare = m->nets[p].params_spare;
    }
    for (int i = 0; i < AAEI_OPT_COUNT; i++) {
        aaei_optim *ro = &replica->optims[i], *mo = &m->optims[i];
        if (first) {
            aaei_free(ro->m);
            aaei_free(ro->v);
            aaei_free(ro->m_spare);
            aaei_free(ro->v_spare);
        }
        ro->m = mo->m;
        ro->v = mo->v;
        ro->m_spare = mo->m_spare;
        ro->v_spare = mo->v_spare;
    }
}

/* Frees a replica without the arrays it borrows. */
static void free_replica(aae_model *replica)
{
    if (!replica) return;
    AAEI_FOR_ALL_NETS(replica, net) net->params = net->params_spare = NULL;
    for (int i = 0; i < AAEI_OPT_COUNT; i++) {
        aaei_optim *o = &replica->optims[i];
        o->m = o->v = o->m_spare = o->v_spare = NULL;
    }
    aae_model_free(replica);
}

void aaei_team_free(struct aaei_team *g)
{
    if (!g) return;
    for (unsigned r = 1; r < g->n; r++) {
        free_replica(g->workers[r - 1].replica);
        aaei_batch_buffers_free(&g->workers[r - 1].buf);
    }
    pthread_mutex_destroy(&g->bar.lock);
    pthread_cond_destroy(&g->bar.cond);
    pthread_mutex_destroy(&g->lock);
    pthread_cond_destroy(&g->cond);
    aaei_free(g->workers);
    aaei_free(g->bufs);
    aaei_free(g->bytes);
    aaei_free(g);
}

static aae_status team_create(unsigned n, struct aaei_team **out)
{
    struct aaei_team *g = aaei_calloc(1, sizeof *g, "training threads");
    if (!g) return AAE_ERR_NOMEM;
    g->workers = aaei_calloc(n - 1, sizeof *g->workers, "training threads");
    g->bufs = aaei_calloc(n, sizeof *g->bufs, "training threads");
    g->bytes = aaei_calloc(n, sizeof *g->bytes, "training threads");
    /* (Mutex and condition variable initializers cannot fail on Linux.) */
    if (!g->workers || !g->bufs || !g->bytes || pthread_mutex_init(&g->bar.lock, NULL) != 0 ||
        pthread_cond_init(&g->bar.cond, NULL) != 0 || pthread_mutex_init(&g->lock, NULL) != 0 ||
        pthread_cond_init(&g->cond, NULL) != 0) {
        aaei_free(g->workers);
        aaei_free(g->bufs);
        aaei_free(g->bytes);
        aaei_free(g);
        return aaei_fail(AAE_ERR_NOMEM, "no resources for %u training threads", n);
    }
    g->n = g->bar.n = n;
    atomic_init(&g->bar.arrived, 0);
    atomic_init(&g->bar.sense, 0);
    g->lead = (member){g, 0, 0};
    for (unsigned r = 1; r < n; r++) g->workers[r - 1].me = (member){g, r, 0};
    *out = g;
    return AAE_OK;
}

/* Replicas built from m's options (reused while the options stay the same;
 * their state is replaced by m's at every epoch's start anyway), each
 * worker's group, and the workers' settings: set's numbers without its
 * callbacks and evaluation set. */
static aae_status team_prepare(struct aaei_team **team, const aaei_epoch_settings *set, aae_model *m,
                               unsigned n)
{
    if (*team && ((*team)->n != n || !aaei_options_equal(&(*team)->opt, &m->opt))) {
        aaei_team_free(*team);
        *team = NULL;
    }
    if (!*team) {
        AAEI_TRY(team_create(n, team));
        (*team)->opt = m->opt;
    }
    struct aaei_team *g = *team;
    g->settings = (aaei_epoch_settings){0};
    memcpy(g->settings.v, set->v, sizeof set->v);
    g->settings.v[AAE_TRAIN_THREADS] = 1;
    /* The spares exist before they are shared (a replica's step then
     * allocates nothing, and none allocates its own). */
    AAEI_TRY(aaei_model_txn_reserve(m));
    for (unsigned r = 1; r < n; r++) {
        worker *w = &g->workers[r - 1];
        int first = !w->replica;
        if (first) AAEI_TRY(aaei_model_create(&m->opt, &w->replica));
        share_arrays(w->replica, m, first);
        AAEI_TRY(aaei_model_txn_reserve(w->replica));
        w->group = (aaei_group){r, n, 1, team_allreduce, team_broadcast, &w->me};
    }
    return AAE_OK;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    struct aaei_team *g = w->me.team;
    pthread_mutex_lock(&g->lock);
    while (g->go == 0) pthread_cond_wait(&g->cond, &g->lock);
    int go = g->go;
    pthread_mutex_unlock(&g->lock);
    if (go > 0)
        w->status =
            aaei_epoch_run(&g->settings, &w->group, &w->buf, w->replica, w->train, w->labelled, g->fn);
    if (w->status != AAE_OK) snprintf(w->message, sizeof w->message, "%s", aae_last_error());
    return NULL;
}

static void open_gate(struct aaei_team *g, int go)
{
    pthread_mutex_lock(&g->lock);
    g->go = go;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

aae_status aaei_team_epoch(struct aaei_team **team, const aaei_epoch_settings *set,
                           aaei_batch_buffers *lead, aae_model *m, const aae_dataset *train,
                           const aae_dataset *labelled, unsigned n, const char *fn)
{
    AAEI_TRY(aaei_context(team_prepare(team, set, m, n), fn));
    struct aaei_team *g = *team;
    g->go = 0;
    g->fn = fn;
    unsigned started = 0;
    for (; started + 1 < n; started++) {
        worker *w = &g->workers[started];
        w->train = train;
        w->labelled = labelled;
        w->status = AAE_OK;
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) break;
    }
    aae_status st;
    if (started + 1 < n) {
        open_gate(g, -1);
        st = aaei_fail(AAE_ERR_NOMEM, "%s: could not start training thread %u of %u", fn, started + 2, n);
    } else {
        /* The caller's thread is rank 0 for this epoch. */
        int blas = aae_get_num_threads();
        aae_set_num_threads(1);
        aaei_group group = {0, n, 1, team_allreduce, team_broadcast, &g->lead};
        open_gate(g, 1);
        st = aaei_epoch_run(set, &group, lead, m, train, labelled, fn);
        aae_set_num_threads(blas);
    }
    for (unsigned r = 0; r < started; r++) pthread_join(g->workers[r].thread, NULL);
    /* Members fail together; rank 0's status and message come first. */
    for (unsigned r = 0; st == AAE_OK && r < started; r++)
        if (g->workers[r].status != AAE_OK)
            st = aaei_fail(g->workers[r].status, "training thread %u: %s", r + 1, g->workers[r].message);
    return st;
}
