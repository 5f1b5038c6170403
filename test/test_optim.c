/* Optimizer updates against values worked out by hand in this file (double
 * arithmetic written from PyTorch's update rules), and the settings API. */
#include <string.h>

#include "nn/optim.h"
#include "test_util.h"

enum { N = 3, STEPS = 3 };

static const float P0[N] = {0.5f, -1.0f, 2.0f};
/* The gradient seen at step s (fixed, not a function of p, to keep the hand
 * computation a recurrence). */
static const float G[STEPS][N] = {{0.1f, -0.2f, 0.3f}, {-0.4f, 0.5f, 0.0f}, {0.2f, 0.2f, -0.1f}};

static void run(const aaei_optim_config *cfg, float *p)
{
    aaei_optim o;
    TU_ASSERT_OK(aaei_optim_init(&o, cfg, N));
    memcpy(p, P0, sizeof P0);
    for (int s = 0; s < STEPS; s++) aaei_optim_step(&o, p, G[s]);
    ck_assert_uint_eq(o.steps, STEPS);
    aaei_optim_release(&o);
}

static void expect(const float *p, const double *want)
{
    for (int i = 0; i < N; i++) TU_ASSERT_CLOSE(p[i], want[i], 1e-6, 1e-5, i);
}

START_TEST(sgd_plain_and_weight_decay)
{
    aaei_optim_config c = aaei_optim_defaults(AAE_OPTIMIZER_SGD);
    c.lr = 0.1;
    c.weight_decay = 0.01;
    float p[N];
    run(&c, p);
    double want[N];
    for (int i = 0; i < N; i++) {
        double q = P0[i];
        for (int s = 0; s < STEPS; s++) q -= 0.1 * (G[s][i] + 0.01 * q);
        want[i] = q;
    }
    expect(p, want);
}
END_TEST

START_TEST(sgd_momentum_dampening)
{
    aaei_optim_config c = aaei_optim_defaults(AAE_OPTIMIZER_SGD);
    c.lr = 0.1;
    c.momentum = 0.9;
    c.dampening = 0.1;
    float p[N];
    run(&c, p);
    double want[N];
    for (int i = 0; i < N; i++) {
        /* buf_1 = g_1 (undamped); buf_t = 0.9 buf + 0.9 g_t */
        double q = P0[i], buf = 0;
        for (int s = 0; s < STEPS; s++) {
            buf = s == 0 ? G[s][i] : 0.9 * buf + (1 - 0.1) * G[s][i];
            q -= 0.1 * buf;
        }
        want[i] = q;
    }
    expect(p, want);
}
END_TEST

START_TEST(sgd_nesterov)
{
    aaei_optim_config c = aaei_optim_defaults(AAE_OPTIMIZER_SGD);
    c.lr = 0.05;
    c.momentum = 0.8;
    c.nesterov = 1;
    float p[N];
    run(&c, p);
    double want[N];
    for (int i = 0; i < N; i++) {
        double q = P0[i], buf = 0;
        for (int s = 0; s < STEPS; s++) {
            buf = s == 0 ? G[s][i] : 0.8 * buf + G[s][i];
            q -= 0.05 * (G[s][i] + 0.8 * buf);
        }
        want[i] = q;
    }
    expect(p, want);
}
END_TEST

static void adam_by_hand(double lr, double b1, double b2, double eps, double wd, double *want)
{
    for (int i = 0; i < N; i++) {
        double q = P0[i], m = 0, v = 0;
        for (int s = 0; s < STEPS; s++) {
            double g = G[s][i] + wd * q;
            m = b1 * m + (1 - b1) * g;
            v = b2 * v + (1 - b2) * g * g;
            double t = s + 1;
            double mhat = m / (1 - pow(b1, t)), vhat = v / (1 - pow(b2, t));
            q -= lr * mhat / (sqrt(vhat) + eps);
        }
        want[i] = q;
    }
}

START_TEST(adam_bias_correction)
{
    aaei_optim_config c = aaei_optim_defaults(AAE_OPTIMIZER_ADAM);
    c.lr = 0.01;
    c.beta1 = 0.5;
    float p[N];
    run(&c, p);
    double want[N];
    adam_by_hand(0.01, 0.5, 0.999, 1e-8, 0, want);
    expect(p, want);
    /* The first Adam step moves every parameter by lr against its gradient's
     * sign, whatever the gradient's size (bias correction). */
    aaei_optim o;
    float q[N];
    memcpy(q, P0, sizeof q);
    TU_ASSERT_OK(aaei_optim_init(&o, &c, N));
    aaei_optim_step(&o, q, G[0]);
    for (int i = 0; i < N; i++) TU_ASSERT_CLOSE(P0[i] - q[i], 0.01 * (G[0][i] > 0 ? 1 : -1), 1e-6, 1e-4, i);
    aaei_optim_release(&o);
}
END_TEST

START_TEST(adam_weight_decay)
{
    aaei_optim_config c = aaei_optim_defaults(AAE_OPTIMIZER_ADAM);
    c.lr = 0.02;
    c.weight_decay = 0.1;
    float p[N];
    run(&c, p);
    double want[N];
    adam_by_hand(0.02, 0.9, 0.999, 1e-8, 0.1, want);
    expect(p, want);
}
END_TEST

START_TEST(settings_and_bounds)
{
    aae_net *net;
    aae_optimizer *sgd, *adam;
    double v, lo, hi;
    TU_ASSERT_OK(aae_net_create(&net, 3, 0));
    TU_ASSERT_OK(aae_net_add_dense(net, 2));
    TU_ASSERT_OK(aae_optimizer_create(&sgd, AAE_OPTIMIZER_SGD, net));
    TU_ASSERT_OK(aae_optimizer_create(&adam, AAE_OPTIMIZER_ADAM, net));
    /* PyTorch's defaults */
    TU_ASSERT_OK(aae_optimizer_get(sgd, AAE_OPT_LR, &v));
    ck_assert_double_eq(v, 0.01);
    TU_ASSERT_OK(aae_optimizer_get(adam, AAE_OPT_LR, &v));
    ck_assert_double_eq(v, 0.001);
    TU_ASSERT_OK(aae_optimizer_get(adam, AAE_OPT_BETA2, &v));
    ck_assert_double_eq(v, 0.999);
    TU_ASSERT_OK(aae_optimizer_get(adam, AAE_OPT_EPS, &v));
    ck_assert_double_eq(v, 1e-8);
    TU_ASSERT_OK(aae_optimizer_get(sgd, AAE_OPT_NESTEROV, &v));
    ck_assert_double_eq(v, 0);
    /* bounds */
    TU_ASSERT_OK(aae_optimizer_bounds(AAE_OPT_MOMENTUM, &lo, &hi));
    ck_assert(lo == 0 && hi == 1);
    ck_assert_int_eq(aae_optimizer_bounds((aae_optimizer_param)99, &lo, &hi), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_optimizer_set(sgd, AAE_OPT_LR, -1), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_optimizer_set(sgd, AAE_OPT_LR, NAN), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_optimizer_set(sgd, AAE_OPT_BETA1, 0.5), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "does not apply"));
    ck_assert_int_eq(aae_optimizer_set(adam, AAE_OPT_MOMENTUM, 0.5), AAE_ERR_INVALID_ARGUMENT);
    /* nesterov needs momentum and no dampening */
    ck_assert_int_eq(aae_optimizer_set(sgd, AAE_OPT_NESTEROV, 1), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "nesterov"));
    TU_ASSERT_OK(aae_optimizer_set(sgd, AAE_OPT_MOMENTUM, 0.9));
    TU_ASSERT_OK(aae_optimizer_set(sgd, AAE_OPT_NESTEROV, 1));
    ck_assert_int_eq(aae_optimizer_set(sgd, AAE_OPT_DAMPENING, 0.1), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_optimizer_set(sgd, AAE_OPT_NESTEROV, 0.5), AAE_ERR_INVALID_ARGUMENT);
    /* a refused setting leaves the old value */
    TU_ASSERT_OK(aae_optimizer_get(sgd, AAE_OPT_DAMPENING, &v));
    ck_assert_double_eq(v, 0);
    uint64_t steps;
    TU_ASSERT_OK(aae_optimizer_step(sgd));
    TU_ASSERT_OK(aae_optimizer_step(sgd));
    TU_ASSERT_OK(aae_optimizer_steps(sgd, &steps));
    ck_assert_uint_eq(steps, 2);
    /* the network changed under the optimizer */
    TU_ASSERT_OK(aae_net_add_dense(net, 2));
    ck_assert_int_eq(aae_optimizer_step(sgd), AAE_ERR_STATE);
    ck_assert_int_eq(aae_optimizer_create(&sgd, (aae_optimizer_kind)7, net), AAE_ERR_INVALID_ARGUMENT);
    aae_optimizer_free(sgd);
    aae_optimizer_free(adam);
    aae_optimizer_free(NULL);
    aae_net_free(net);
}
END_TEST

Suite *suite_optim(void)
{
    Suite *s = suite_create("optim");
    TCase *tc = tcase_create("optim");
    tcase_add_test(tc, sgd_plain_and_weight_decay);
    tcase_add_test(tc, sgd_momentum_dampening);
    tcase_add_test(tc, sgd_nesterov);
    tcase_add_test(tc, adam_bias_correction);
    tcase_add_test(tc, adam_weight_decay);
    tcase_add_test(tc, settings_and_bounds);
    suite_add_tcase(s, tc);
    return s;
}
