/* Prior samplers, parameter initialization and the busy flag. */
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "model/prior.h"
#include "nn/net.h"
#include "test_util.h"

enum { R = 4000 };

#define PI 3.14159265358979323846

static float OUT[R * 4];

START_TEST(gaussian_and_uniform_moments)
{
    aaei_prior p = {0, AAE_PRIOR_GAUSSIAN, 3, 2.0f, 0, 0, 0, 0};
    aaei_prior_sample(&p, 1, 2, 0, 0, NULL, R, OUT);
    double s = 0, s2 = 0;
    for (int i = 0; i < R * 3; i++) {
        s += OUT[i];
        s2 += (double)OUT[i] * OUT[i];
    }
    ck_assert_double_eq_tol(s / (R * 3), 0.0, 0.06);
    ck_assert_double_eq_tol(s2 / (R * 3), 4.0, 0.2);
    p.kind = AAE_PRIOR_UNIFORM;
    aaei_prior_sample(&p, 1, 2, 0, 0, NULL, R, OUT);
    s2 = 0;
    for (int i = 0; i < R * 3; i++) {
        ck_assert(OUT[i] >= -2.0f && OUT[i] < 2.0f);
        s2 += (double)OUT[i] * OUT[i];
    }
    ck_assert_double_eq_tol(s2 / (R * 3), 4.0 / 3.0, 0.06);
    /* Row r depends on (seed, step, row0 + r) only: a split batch draws
     * the same rows. */
    float a[2 * 3], b[3];
    aaei_prior_sample(&p, 9, 4, 0, 0, NULL, 2, a);
    aaei_prior_sample(&p, 9, 4, 0, 1, NULL, 1, b);
    ck_assert(memcmp(a + 3, b, sizeof b) == 0);
}
END_TEST

START_TEST(mixture_follows_labels)
{
    aaei_prior p = {0, AAE_PRIOR_MIXTURE, 2, 1.0f, 4.0f, 0.5f, 10, 1};
    int32_t labels[R];
    for (int i = 0; i < R; i++) labels[i] = i % 10;
    aaei_prior_sample(&p, 3, 0, 0, 0, labels, R, OUT);
    for (int i = 0; i < R; i++) {
        /* the angle of each point is within its petal's 36 degrees */
        double a = atan2(OUT[2 * i + 1], OUT[2 * i]), want = 2 * PI * labels[i] / 10.0;
        double d = fabs(remainder(a - want, 2 * PI));
        ck_assert_msg(d < PI / 10 || hypot(OUT[2 * i], OUT[2 * i + 1]) < 1.5, "row %d angle off by %g", i, d);
    }
    /* unlabelled rows (-1) spread over all components */
    for (int i = 0; i < R; i++) labels[i] = -1;
    aaei_prior_sample(&p, 3, 0, 0, 0, labels, R, OUT);
    int hist[10] = {0};
    for (int i = 0; i < R; i++) {
        double a = atan2(OUT[2 * i + 1], OUT[2 * i]);
        hist[(int)lround((a < 0 ? a + 2 * PI : a) / (2 * PI / 10)) % 10]++;
    }
    for (int k = 0; k < 10; k++) ck_assert_int_gt(hist[k], R / 10 / 2);
}
END_TEST

START_TEST(swiss_roll_and_categorical)
{
    aaei_prior p = {0, AAE_PRIOR_SWISS_ROLL, 2, 1.0f, 3.0f, 0.5f, 10, 1};
    int32_t labels[R];
    for (int i = 0; i < R; i++) labels[i] = i % 10;
    aaei_prior_sample(&p, 5, 0, 0, 0, labels, R, OUT);
    for (int i = 0; i < R; i++) {
        double rad = hypot(OUT[2 * i], OUT[2 * i + 1]);
        /* label k lies on the k-th tenth of the roll: radius grows with k */
        double lo = 3.0 * (0.1 + 0.9 * labels[i] / 10.0), hi = 3.0 * (0.1 + 0.9 * (labels[i] + 1) / 10.0);
        ck_assert_msg(rad > lo - 0.3 && rad < hi + 0.3, "row %d radius %g not in [%g, %g]", i, rad, lo, hi);
    }
    aaei_prior c = {1, AAE_PRIOR_GAUSSIAN, 4, 0, 0, 0, 0, 0};
    aaei_prior_sample(&c, 5, 0, 0, 0, NULL, R, OUT);
    int hist[4] = {0};
    for (int i = 0; i < R; i++) {
        int ones = 0;
        for (int j = 0; j < 4; j++) {
            ck_assert(OUT[4 * i + j] == 0.0f || OUT[4 * i + j] == 1.0f);
            if (OUT[4 * i + j] == 1.0f) {
                ones++;
                hist[j]++;
            }
        }
        ck_assert_int_eq(ones, 1);
    }
    for (int j = 0; j < 4; j++) ck_assert_int_gt(hist[j], R / 4 - 200);
}
END_TEST

/* PyTorch's Linear init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias. */
START_TEST(dense_init_matches_pytorch)
{
    aae_net net;
    TU_ASSERT_OK(aaei_net_init(&net, 400, 1));
    TU_ASSERT_OK(aaei_net_add(&net, AAEI_DENSE, 300, 0, 0));
    float bound = 1.0f / 20.0f;
    double s = 0, s2 = 0;
    size_t n = net.nparams;
    for (size_t i = 0; i < n; i++) {
        ck_assert(net.params[i] >= -bound && net.params[i] <= bound);
        s += net.params[i];
        s2 += (double)net.params[i] * net.params[i];
    }
    ck_assert_double_eq_tol(s / n, 0.0, 1e-3);
    ck_assert_double_eq_tol(s2 / n, bound * bound / 3.0, 2e-5);
    aaei_net_release(&net);
}
END_TEST

START_TEST(concurrent_training_is_refused)
{
    aae_builder *b;
    aae_model *m;
    TU_ASSERT_OK(aae_builder_create(&b, AAE_PRESET_AE));
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, 4));
    TU_ASSERT_OK(aae_builder_build(b, &m));
    float x[8] = {0};
    /* As if another thread were inside aae_model_train_step. */
    atomic_flag_test_and_set(&m->busy);
    ck_assert_int_eq(aae_model_train_step(m, x, NULL, 2, NULL, NULL, 0, 0, NULL), AAE_ERR_BUSY);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "another thread"));
    atomic_flag_clear(&m->busy);
    TU_ASSERT_OK(aae_model_train_step(m, x, NULL, 2, NULL, NULL, 0, 0, NULL));
    aae_model_free(m);
    aae_builder_free(b);
}
END_TEST

Suite *suite_prior(void)
{
    Suite *s = suite_create("prior");
    TCase *tc = tcase_create("prior");
    tcase_add_test(tc, gaussian_and_uniform_moments);
    tcase_add_test(tc, mixture_follows_labels);
    tcase_add_test(tc, swiss_roll_and_categorical);
    tcase_add_test(tc, dense_init_matches_pytorch);
    tcase_add_test(tc, concurrent_training_is_refused);
    suite_add_tcase(s, tc);
    return s;
}
