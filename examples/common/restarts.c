/* --restarts: the start of a run chosen among several model seeds on the
 * validation split. How an early assignment of digits to clusters (or of
 * styles to y) turns out is settled by the initial weights in the first
 * epochs and rarely undone later, so a few short starts, compared where
 * the test set plays no part, buy more than the same epochs spent on one. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/ex.h"

/* The validation error a start is judged by, s->choose_by: lower is
 * better. */
static double score(const ex_session *s, const double *v)
{
    double x = v[s->choose_by];
    return s->choose_by == AAE_METRIC_CLUSTER_ACCURACY ? 1.0 - x : x;
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[1 << 16];
    size_t n = 0;
    int rc = !in || !out;
    while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0) rc = fwrite(buf, 1, n, out) != n;
    rc |= in && ferror(in);
    if (out) rc |= fclose(out) != 0;
    if (in) fclose(in);
    return rc;
}

/* Trains start i in <out>/restart-<i>; its score into *err, the model into
 * *m (the caller frees it). 0, or 1 after reporting the failure. */
static int train_start(ex_session *s, size_t i, uint64_t seed, aae_model **m, double *err)
{
    const ex_args *a = s->a;
    char dir[EX_PATH_MAX], name[32];
    snprintf(name, sizeof name, "restart-%zu", i);
    ex_path(dir, a, name);
    ex_args c = *a;
    c.out = dir;
    c.epochs = a->restart_epochs;
    c.restarts = 0;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: cannot create %s: %s\n", a->prog, dir, strerror(errno));
        return 1;
    }
    fprintf(stderr, "%s: start %zu of %zu (model seed %llu) in %s\n", a->prog, i + 1, a->restarts,
            (unsigned long long)seed, dir);
    ex_session t = *s;
    t.a = &c;
    t.model = NULL;
    if (ex_open_model(s, &c, &seed, &t.model) || ex_train(&t)) {
        aae_model_free(t.model);
        return 1;
    }
    *m = t.model;
    *err = score(s, t.valid_metrics);
    if (t.interrupted) {
        fprintf(stderr, "%s: interrupted while choosing the start; run again with --resume 1 to go on\n", a->prog);
        return 1;
    }
    if (!isfinite(*err)) {
        fprintf(stderr, "%s: start %zu has no validation error to be chosen by\n", a->prog, i + 1);
        return 1;
    }
    return 0;
}

/* Makes start `best` the run in <out>: its checkpoint and log, and the
 * model in s (which takes m, or frees it on failure). */
static int adopt(ex_session *s, size_t best, aae_model *m)
{
    const ex_args *a = s->a;
    char name[256], from[EX_PATH_MAX], to[EX_PATH_MAX], dir[64];
    snprintf(dir, sizeof dir, "restart-%zu/log.csv", best);
    if (copy_file(ex_path(from, a, dir), ex_path(to, a, "log.csv"))) {
        fprintf(stderr, "%s: cannot copy %s to %s\n", a->prog, from, to);
        aae_model_free(m);
        return 1;
    }
    aae_status st = aae_model_save(m, ex_path(to, a, ex_model_name(name, a)));
    if (st != AAE_OK) {
        aae_model_free(m);
        return ex_report(a, "saving the chosen start", st);
    }
    aae_model_free(s->model);
    s->model = m;
    return ex_write_recipe(a, m);
}

int ex_choose_start(ex_session *s)
{
    const ex_args *a = s->a;
    char path[EX_PATH_MAX];
    if (!s->valid) {
        fprintf(stderr, "%s: --restarts chooses on a validation set, and this run has none\n", a->prog);
        return 1;
    }
    double first = 0;
    aae_status st = aae_model_get(s->model, AAE_OPTION_SEED, &first);
    if (st != AAE_OK) return ex_report(a, "reading the model seed", st);
    FILE *f = fopen(ex_path(path, a, "restarts.csv"), "w");
    if (!f) {
        fprintf(stderr, "%s: cannot write %s: %s\n", a->prog, path, strerror(errno));
        return 1;
    }
    fprintf(f, "start,model_seed,epochs,valid_error,chosen\n");
    aae_model *best = NULL;
    double best_err = INFINITY, *errs = calloc(a->restarts, sizeof *errs);
    size_t chosen = 0;
    int rc = !errs;
    for (size_t i = 0; !rc && i < a->restarts; i++) {
        aae_model *m = NULL;
        rc = train_start(s, i, (uint64_t)first + i, &m, &errs[i]);
        if (!rc && errs[i] < best_err) {
            aae_model_free(best);
            best = m, best_err = errs[i], chosen = i;
        } else {
            aae_model_free(m);
        }
    }
    for (size_t i = 0; !rc && i < a->restarts; i++)
        fprintf(f, "%zu,%llu,%d,%.6g,%d\n", i, (unsigned long long)first + i, a->restart_epochs, errs[i], i == chosen);
    rc |= fclose(f) != 0;
    free(errs);
    if (!rc) {
        fprintf(stderr, "%s: start %zu (model seed %llu) has the lowest validation error, %.4g; it goes on here\n",
                a->prog, chosen + 1, (unsigned long long)first + chosen, best_err);
        rc = adopt(s, chosen, best);
    } else {
        aae_model_free(best);
    }
    return rc;
}
