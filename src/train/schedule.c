/* Learning-rate factors of an epoch: the trainer's schedule (epoch-granular
 * like PyTorch's StepLR and CosineAnnealingLR) x each phase's milestones
 * (MultiStepLR) x the user's learning-rate callback. */
#include <math.h>

#include "core/error.h"
#include "model/model.h"
#include "train/epoch.h"

double aaei_schedule_factor(const double *v, uint64_t epoch)
{
    switch ((int)v[AAE_TRAIN_SCHEDULE]) {
    case AAE_SCHEDULE_STEP:
        return pow(v[AAE_TRAIN_GAMMA], floor((double)epoch / v[AAE_TRAIN_STEP_EPOCHS]));
    case AAE_SCHEDULE_COSINE: {
        double h = v[AAE_TRAIN_HORIZON], e = (double)epoch < h ? (double)epoch : h;
        double mn = v[AAE_TRAIN_MIN_FACTOR];
        return mn + (1.0 - mn) * 0.5 * (1.0 + cos(3.14159265358979323846 * e / h));
    }
    default:
        return 1.0;
    }
}

/* Rank 0 (or the only process) works the factors out; the others receive
 * them, so a callback is called once, on the epoch's calling thread. A
 * factor the callback got wrong travels as NaN, so all members fail; *bad
 * is the first such phase (-1: none) and *value what the callback said. */
static void local_factors(const aaei_epoch_settings *t, const aae_model *m, uint64_t epoch,
                          double factor[AAEI_PHASES], int *bad, double *value)
{
    double common = aaei_schedule_factor(t->v, epoch);
    *bad = -1;
    for (int ph = 0; ph < AAEI_PHASES; ph++) {
        factor[ph] = common * aaei_phase_milestone_factor(&m->opt.phases[ph], epoch);
        if (!t->lr_fn || !aaei_model_has_phase(m, ph) || *bad >= 0) continue;
        double f = t->lr_fn(t->lr_user, epoch, (aae_phase)ph);
        if (isfinite(f) && f >= 0.0) {
            factor[ph] *= f;
        } else {
            *bad = ph;
            *value = f;
            factor[ph] = NAN;
        }
    }
}

aae_status aaei_epoch_lr_factors(const aaei_epoch_settings *t, const aaei_group *g, const aae_model *m,
                                 uint64_t epoch, double factor[AAEI_PHASES], const char *fn)
{
    int bad = -1;
    double value = 0.0;
    if (g->rank == 0) local_factors(t, m, epoch, factor, &bad, &value);
    AAEI_TRY(aaei_context(aaei_group_broadcast(g, factor, AAEI_PHASES * sizeof *factor,
                                               "the broadcast hook (learning rates)"),
                          fn));
    if (bad >= 0)
        return aaei_fail(AAE_ERR_INVALID_ARGUMENT,
                         "%s: the learning-rate callback returned %g for %s at epoch %llu "
                         "(a factor must be finite and >= 0)",
                         fn, value, aaei_phase_name(bad), (unsigned long long)epoch);
    for (int ph = 0; ph < AAEI_PHASES; ph++)
        AAEI_REQUIRE(!isnan(factor[ph]), "%s: rank 0's learning-rate callback returned an invalid factor for %s",
                     fn, aaei_phase_name(ph));
    return AAE_OK;
}
