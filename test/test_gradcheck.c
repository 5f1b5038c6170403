/* Central-difference gradient checks for every layer (both BatchNorm
 * modes, dropout with a fixed mask) and every loss, on random shapes
 * including batch 1.
 *
 * Tolerance: the library computes in float32. With step h = 1e-2 on inputs
 * of order 1 and a smooth objective f = sum(r .* y), the central difference
 * has truncation error O(h^2 f''') ~ 1e-4 and round-off ~ eps_f32 * |f| / h
 * ~ 1e-4 for |f| ~ 10; so |analytic - numeric| <= 2e-3 + 1e-2 * |numeric|
 * holds for a correct gradient, while a wrong one (a missing factor, a
 * transposed weight, a dropped term) is off by O(1). Kinked ops (ReLU,
 * LeakyReLU, L1) get inputs at least 0.1 away from the kink. */
#include <stdlib.h>
#include <string.h>

#include "nn/loss.h"
#include "nn/net.h"
#include "test_util.h"

#define H 1e-2f
#define ATOL 2e-3
#define RTOL 1e-2

/* f = sum(r .* net(x)) in double, in training or inference mode. */
static double objective(aae_net *net, const float *x, size_t rows, int training, const float *r)
{
    const float *y;
    TU_ASSERT_OK(aaei_net_forward(net, x, rows, training, 7, 0, NULL, &y));
    double f = 0;
    for (size_t i = 0; i < rows * net->out_width; i++) f += (double)r[i] * y[i];
    return f;
}

/* Keeps values away from 0 where a kink would spoil the difference. */
static void push_from_zero(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fabsf(x[i]) < 0.1f) x[i] = x[i] < 0 ? x[i] - 0.1f : x[i] + 0.1f;
}

/* Checks d f / d x and d f / d params of `net` at x against differences
 * in training mode. */
static void check_net(aae_net *net, float *x, size_t rows, uint64_t seed)
{
    size_t nin = rows * net->in_width, nout = rows * net->out_width;
    float *r = malloc(nout * sizeof *r), *dx = malloc(nin * sizeof *dx);
    tu_fill(r, nout, seed + 1, -1.0f, 1.0f);
    aaei_net_zero_grad(net);
    const float *y, *g;
    TU_ASSERT_OK(aaei_net_forward(net, x, rows, 1, 7, 0, NULL, &y));
    TU_ASSERT_OK(aaei_net_backward(net, r, NULL, &g));
    memcpy(dx, g, nin * sizeof *dx);
    for (size_t i = 0; i < nin; i++) {
        float keep = x[i];
        x[i] = keep + H;
        double fp = objective(net, x, rows, 1, r);
        x[i] = keep - H;
        double fm = objective(net, x, rows, 1, r);
        x[i] = keep;
        TU_ASSERT_CLOSE(dx[i], (fp - fm) / (2 * H), ATOL, RTOL, i);
    }
    for (size_t i = 0; i < net->nparams; i++) {
        float keep = net->params[i];
        net->params[i] = keep + H;
        double fp = objective(net, x, rows, 1, r);
        net->params[i] = keep - H;
        double fm = objective(net, x, rows, 1, r);
        net->params[i] = keep;
        TU_ASSERT_CLOSE(net->grads[i], (fp - fm) / (2 * H), ATOL, RTOL, 100000 + i);
    }
    free(r);
    free(dx);
}

typedef struct layer_case {
    const char *name;
    aaei_layer_kind kind;
    float a;
    int kinked;
} layer_case;

static const layer_case LAYERS[] = {
    {"dense", AAEI_DENSE, 0, 0},          {"relu", AAEI_RELU, 0, 1},
    {"leaky", AAEI_LEAKY_RELU, 0.2f, 1},  {"sigmoid", AAEI_SIGMOID, 0, 0},
    {"tanh", AAEI_TANH, 0, 0},            {"softmax", AAEI_SOFTMAX, 0, 0},
    {"batchnorm", AAEI_BATCHNORM, 0.1f, 0}, {"dropout", AAEI_DROPOUT, 0.3f, 0},
    {"noise", AAEI_GAUSSIAN_NOISE, 0.3f, 0},
};

/* One layer on several shapes, training mode (the mode that has a
 * backward); batch norm refuses a single-row batch there. */
START_TEST(layer_gradients)
{
    const layer_case *c = &LAYERS[_i];
    static const size_t shapes[][2] = {{1, 3}, {2, 5}, {7, 4}, {16, 9}};
    for (size_t s = 0; s < 4; s++) {
        size_t rows = shapes[s][0], in = shapes[s][1];
        aae_net net;
        TU_ASSERT_OK(aaei_net_init(&net, in, 11 + s));
        TU_ASSERT_OK(aaei_net_add(&net, c->kind, c->kind == AAEI_DENSE ? in + 2 : 0, c->a, 1e-5f));
        if (c->kind == AAEI_BATCHNORM) tu_fill(net.params, net.nparams, 5, 0.5f, 1.5f);
        float *x = malloc(rows * in * sizeof *x);
        tu_fill(x, rows * in, 100 + s, -1.5f, 1.5f);
        if (c->kinked) push_from_zero(x, rows * in);
        /* Batch norm of two nearly equal rows is a near-step in x: spread
         * the rows so h stays small against their distance. */
        if (c->kind == AAEI_BATCHNORM)
            for (size_t i = 0; i < rows * in; i++) x[i] += 4.0f * (float)(i / in);
        if (c->kind == AAEI_BATCHNORM && rows == 1) {
            const float *y;
            ck_assert_int_eq(aaei_net_forward(&net, x, 1, 1, 0, 0, NULL, &y), AAE_ERR_INVALID_ARGUMENT);
            ck_assert_ptr_nonnull(strstr(aae_last_error(), "batch norm"));
        } else {
            check_net(&net, x, rows, 40 + s);
        }
        free(x);
        aaei_net_release(&net);
    }
}
END_TEST

/* Eval-mode BatchNorm and dropout: y is affine in x with known slope. */
START_TEST(inference_mode_gradients)
{
    aae_net net;
    TU_ASSERT_OK(aaei_net_init(&net, 4, 3));
    TU_ASSERT_OK(aaei_net_add(&net, AAEI_BATCHNORM, 0, 0.1f, 1e-5f));
    TU_ASSERT_OK(aaei_net_add(&net, AAEI_DROPOUT, 0, 0.5f, 0));
    tu_fill(net.params, net.nparams, 2, 0.5f, 1.5f);
    tu_fill(net.state, 4, 3, -0.5f, 0.5f);        /* running mean */
    tu_fill(net.state + 4, 4, 4, 0.5f, 2.0f);     /* running var */
    float x[3 * 4], r[3 * 4];
    tu_fill(x, 12, 5, -1, 1);
    tu_fill(r, 12, 6, -1, 1);
    for (size_t i = 0; i < 12; i++) {
        float keep = x[i];
        x[i] = keep + H;
        double fp = objective(&net, x, 3, 0, r);
        x[i] = keep - H;
        double fm = objective(&net, x, 3, 0, r);
        x[i] = keep;
        size_t j = i % 4;
        double slope = r[i] * net.params[j] / sqrt(net.state[4 + j] + 1e-5);
        TU_ASSERT_CLOSE((fp - fm) / (2 * H), slope, ATOL, RTOL, i);
    }
    aaei_net_release(&net);
}
END_TEST

/* A whole stack through the internal and the public API. */
START_TEST(network_gradients)
{
    aae_net net;
    TU_ASSERT_OK(aaei_net_init(&net, 6, 21));
    TU_ASSERT_OK(aaei_net_add(&net, AAEI_DENSE, 8, 0, 0));
    TU_ASSERT_OK(aaei_net_add(&net, AAEI_BATCHNORM, 0, 0.1f, 1e-5f));
    TU_ASSERT_OK(aaei_net_add(&net, AAEI_SIGMOID, 0, 0, 0));
    TU_ASSERT_OK(aaei_net_add(&net, AAEI_DENSE, 5, 0, 0));
    TU_ASSERT_OK(aaei_net_add(&net, AAEI_TANH, 0, 0, 0));
    float x[5 * 6];
    tu_fill(x, 30, 9, -1, 1);
    check_net(&net, x, 5, 77);
    aaei_net_release(&net);

    /* Public API: aae_net_backward's dx and grads equal the internal ones. */
    aae_net *p;
    TU_ASSERT_OK(aae_net_create(&p, 6, 21));
    TU_ASSERT_OK(aae_net_add_dense(p, 8));
    TU_ASSERT_OK(aae_net_add_batchnorm(p, 0.1f, 1e-5f));
    TU_ASSERT_OK(aae_net_add_leaky_relu(p, 0.2f));
    TU_ASSERT_OK(aae_net_add_dense(p, 5));
    TU_ASSERT_OK(aae_net_add_activation(p, AAE_ACT_TANH));
    float y[25], r[25], dx[30];
    tu_fill(r, 25, 3, -1, 1);
    TU_ASSERT_OK(aae_net_forward(p, x, 5, AAE_MODE_TRAINING, 7, y));
    TU_ASSERT_OK(aae_net_backward(p, r, dx));
    for (size_t i = 0; i < 30; i++) {
        float keep = x[i];
        x[i] = keep + H;
        TU_ASSERT_OK(aae_net_forward(p, x, 5, AAE_MODE_TRAINING, 7, y));
        double fp = 0, fm = 0;
        for (int k = 0; k < 25; k++) fp += (double)r[k] * y[k];
        x[i] = keep - H;
        TU_ASSERT_OK(aae_net_forward(p, x, 5, AAE_MODE_TRAINING, 7, y));
        for (int k = 0; k < 25; k++) fm += (double)r[k] * y[k];
        x[i] = keep;
        TU_ASSERT_CLOSE(dx[i], (fp - fm) / (2 * H), ATOL, RTOL, i);
    }
    aae_net_free(p);
}
END_TEST

/* Gradients accumulate over backward calls until zero_grad, as in PyTorch. */
START_TEST(gradients_accumulate)
{
    aae_net *p;
    TU_ASSERT_OK(aae_net_create(&p, 3, 1));
    TU_ASSERT_OK(aae_net_add_dense(p, 2));
    size_t n;
    TU_ASSERT_OK(aae_net_param_count(p, &n));
    float x[6], y[4], dy[4] = {1, -2, 0.5f, 3}, g1[8], g2[8];
    tu_fill(x, 6, 1, -1, 1);
    TU_ASSERT_OK(aae_net_forward(p, x, 2, AAE_MODE_TRAINING, 0, y));
    TU_ASSERT_OK(aae_net_backward(p, dy, NULL));
    TU_ASSERT_OK(aae_net_get_grads(p, g1, n));
    TU_ASSERT_OK(aae_net_backward(p, dy, NULL));
    TU_ASSERT_OK(aae_net_get_grads(p, g2, n));
    for (size_t i = 0; i < n; i++) TU_ASSERT_CLOSE(g2[i], 2 * g1[i], 1e-6, 1e-6, i);
    TU_ASSERT_OK(aae_net_zero_grad(p));
    TU_ASSERT_OK(aae_net_get_grads(p, g2, n));
    for (size_t i = 0; i < n; i++) ck_assert(g2[i] == 0.0f);
    aae_net_free(p);
}
END_TEST

/* ---- losses: analytic gradient vs central differences in double ---- */

typedef float (*elementwise_loss)(const float *, const float *, size_t, float *);

static void check_elementwise(elementwise_loss f, float plo, float phi, float tlo, float thi,
                              int kinked)
{
    static const size_t sizes[] = {1, 3, 17};
    for (size_t s = 0; s < 3; s++) {
        size_t n = sizes[s];
        float p[17], t[17], g[17];
        tu_fill(p, n, 10 + s, plo, phi);
        tu_fill(t, n, 20 + s, tlo, thi);
        if (kinked)
            for (size_t i = 0; i < n; i++)
                if (fabsf(p[i] - t[i]) < 0.1f) p[i] = t[i] + 0.2f;
        f(p, t, n, g);
        for (size_t i = 0; i < n; i++) {
            float keep = p[i], h = 1e-3f;
            p[i] = keep + h;
            double lp = f(p, t, n, NULL);
            p[i] = keep - h;
            double lm = f(p, t, n, NULL);
            p[i] = keep;
            TU_ASSERT_CLOSE(g[i], (lp - lm) / (2 * h), 2e-3, 1e-2, i);
        }
    }
}

START_TEST(loss_gradients)
{
    check_elementwise(aaei_loss_mse, -2, 2, -2, 2, 0);
    check_elementwise(aaei_loss_l1, -2, 2, -2, 2, 1);
    check_elementwise(aaei_loss_bce, 0.05f, 0.95f, 0, 1, 0);
    check_elementwise(aaei_loss_bce_logits, -6, 6, 0, 1, 0);
}
END_TEST

START_TEST(cross_entropy_gradient_ignores_unlabelled_rows)
{
    enum { R = 5, C = 4 };
    float z[R * C], g[R * C];
    int32_t labels[R] = {2, -1, 0, 3, -1};
    tu_fill(z, R * C, 3, -3, 3);
    float loss = aaei_loss_cross_entropy(z, labels, R, C, g);
    /* Mean over the three labelled rows. */
    double want = 0;
    for (int r = 0; r < R; r++) {
        if (labels[r] < 0) continue;
        double se = 0;
        for (int c = 0; c < C; c++) se += exp(z[r * C + c]);
        want += log(se) - z[r * C + labels[r]];
    }
    TU_ASSERT_CLOSE(loss, want / 3, 1e-5, 1e-5, 0);
    for (size_t i = 0; i < R * C; i++) {
        float keep = z[i], h = 1e-3f;
        z[i] = keep + h;
        double lp = aaei_loss_cross_entropy(z, labels, R, C, NULL);
        z[i] = keep - h;
        double lm = aaei_loss_cross_entropy(z, labels, R, C, NULL);
        z[i] = keep;
        TU_ASSERT_CLOSE(g[i], (lp - lm) / (2 * h), 2e-3, 1e-2, i);
        if (labels[i / C] < 0) ck_assert(g[i] == 0.0f);
    }
    int32_t none[2] = {-1, -1};
    ck_assert(aaei_loss_cross_entropy(z, none, 2, C, g) == 0.0f);
}
END_TEST

START_TEST(kl_gradients)
{
    enum { R = 3, W = 4 };
    float mu[R * W], lv[R * W], dmu[R * W], dlv[R * W];
    tu_fill(mu, R * W, 1, -2, 2);
    tu_fill(lv, R * W, 2, -2, 1);
    aaei_loss_kl_gaussian(mu, lv, R, W, dmu, dlv);
    for (size_t i = 0; i < R * W; i++) {
        float h = 1e-3f, keep = mu[i];
        mu[i] = keep + h;
        double lp = aaei_loss_kl_gaussian(mu, lv, R, W, NULL, NULL);
        mu[i] = keep - h;
        double lm = aaei_loss_kl_gaussian(mu, lv, R, W, NULL, NULL);
        mu[i] = keep;
        TU_ASSERT_CLOSE(dmu[i], (lp - lm) / (2 * h), 2e-3, 1e-2, i);
        keep = lv[i];
        lv[i] = keep + h;
        lp = aaei_loss_kl_gaussian(mu, lv, R, W, NULL, NULL);
        lv[i] = keep - h;
        lm = aaei_loss_kl_gaussian(mu, lv, R, W, NULL, NULL);
        lv[i] = keep;
        TU_ASSERT_CLOSE(dlv[i], (lp - lm) / (2 * h), 2e-3, 1e-2, i);
    }
    /* KL of the prior itself is 0. */
    float zero[4] = {0}, g[4];
    ck_assert(aaei_loss_kl_gaussian(zero, zero, 1, 4, g, NULL) == 0.0f);
}
END_TEST

Suite *suite_gradcheck(void)
{
    Suite *s = suite_create("gradcheck");
    TCase *tc = tcase_create("gradcheck");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, layer_gradients, 0, (int)(sizeof LAYERS / sizeof LAYERS[0]));
    tcase_add_test(tc, inference_mode_gradients);
    tcase_add_test(tc, network_gradients);
    tcase_add_test(tc, gradients_accumulate);
    tcase_add_test(tc, loss_gradients);
    tcase_add_test(tc, cross_entropy_gradient_ignores_unlabelled_rows);
    tcase_add_test(tc, kl_gradients);
    suite_add_tcase(s, tc);
    return s;
}
