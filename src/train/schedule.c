/* Learning-rate schedules, epoch-granular like PyTorch's StepLR and
 * CosineAnnealingLR. */
#include <math.h>

#include "train/trainer.h"

double aaei_schedule_factor(const aae_trainer *t, uint64_t epoch)
{
    switch ((int)t->v[AAE_TRAIN_SCHEDULE]) {
    case AAE_SCHEDULE_STEP:
        return pow(t->v[AAE_TRAIN_GAMMA], floor((double)epoch / t->v[AAE_TRAIN_STEP_EPOCHS]));
    case AAE_SCHEDULE_COSINE: {
        double h = t->v[AAE_TRAIN_HORIZON], e = (double)epoch < h ? (double)epoch : h;
        double mn = t->v[AAE_TRAIN_MIN_FACTOR];
        return mn + (1.0 - mn) * 0.5 * (1.0 + cos(3.14159265358979323846 * e / h));
    }
    default:
        return 1.0;
    }
}
