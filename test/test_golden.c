/* libaae against PyTorch: fixtures written by test/golden/make_golden.py
 * (PyTorch 1.13, float32). Values agree to 1e-5 relative; an absolute floor
 * of 1e-6 covers entries near zero, where float32 round-off of a sum of
 * O(1) terms (~1e-7) dominates any relative measure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/net.h"
#include "nn/optim.h"
#include "test_util.h"

#define RTOL 1e-5
#define ATOL 1e-6

/* Reads fixture `name` from golden/<file> into a new array; fails the test
 * if the file or the name is missing. */
static float *fixture(const char *file, const char *name, size_t *count)
{
    char path[256], key[128];
    snprintf(path, sizeof path, "golden/%s", file);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "missing fixture file %s (run test/golden/make_golden.py)", path);
    size_t n;
    while (fscanf(f, "%127s %zu", key, &n) == 2) {
        float *v = malloc((n ? n : 1) * sizeof *v);
        for (size_t i = 0; i < n; i++) ck_assert_int_eq(fscanf(f, "%f", &v[i]), 1);
        if (strcmp(key, name) == 0) {
            fclose(f);
            *count = n;
            return v;
        }
        free(v);
    }
    fclose(f);
    ck_abort_msg("fixture %s not found in %s", name, path);
    return NULL;
}

static void compare(const float *got, const char *file, const char *name, size_t n)
{
    size_t m;
    float *want = fixture(file, name, &m);
    ck_assert_msg(m == n, "%s: %zu values, fixture has %zu", name, n, m);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(fabs((double)got[i] - want[i]) <= ATOL + RTOL * fabs(want[i]),
                      "%s[%zu]: libaae %.9g, PyTorch %.9g", name, i, got[i], want[i]);
    free(want);
}

START_TEST(linear_batchnorm_leaky_linear_tanh)
{
    aae_net *net;
    TU_ASSERT_OK(aae_net_create(&net, 5, 0));
    TU_ASSERT_OK(aae_net_add_dense(net, 7));
    TU_ASSERT_OK(aae_net_add_batchnorm(net, 0.1f, 1e-5f));
    TU_ASSERT_OK(aae_net_add_leaky_relu(net, 0.2f));
    TU_ASSERT_OK(aae_net_add_dense(net, 3));
    TU_ASSERT_OK(aae_net_add_activation(net, AAE_ACT_TANH));
    size_t np, nx, nr;
    float *params = fixture("stack.txt", "params", &np);
    float *x = fixture("stack.txt", "x", &nx), *r = fixture("stack.txt", "r", &nr);
    TU_ASSERT_OK(aae_net_set_params(net, params, np));
    float y[18], dx[30], grads[80];
    ck_assert_uint_eq(np, 80);
    TU_ASSERT_OK(aae_net_forward(net, x, 6, AAE_MODE_TRAINING, 0, y));
    compare(y, "stack.txt", "y_train", 18);
    TU_ASSERT_OK(aae_net_backward(net, r, dx));
    TU_ASSERT_OK(aae_net_get_grads(net, grads, np));
    compare(grads, "stack.txt", "grads", np);
    compare(dx, "stack.txt", "dx", 30);
    /* Running statistics after one training forward (no public getter:
     * the network's state array holds mean then var). */
    compare(net->state, "stack.txt", "running_mean", 7);
    compare(net->state + 7, "stack.txt", "running_var", 7);
    TU_ASSERT_OK(aae_net_forward(net, x, 6, AAE_MODE_INFERENCE, 0, y));
    compare(y, "stack.txt", "y_eval", 18);
    free(params);
    free(x);
    free(r);
    aae_net_free(net);
}
END_TEST

static void elementwise(aae_loss_kind kind, const char *prefix)
{
    char name[64];
    size_t n, m;
    snprintf(name, sizeof name, "%s_p", prefix);
    float *p = fixture("losses.txt", name, &n);
    snprintf(name, sizeof name, "%s_t", prefix);
    float *t = fixture("losses.txt", name, &m);
    float loss, *g = malloc(n * sizeof *g);
    TU_ASSERT_OK(aae_loss(kind, p, t, 4, n / 4, &loss, g));
    snprintf(name, sizeof name, "%s_loss", prefix);
    compare(&loss, "losses.txt", name, 1);
    snprintf(name, sizeof name, "%s_grad", prefix);
    compare(g, "losses.txt", name, n);
    free(p);
    free(t);
    free(g);
}

START_TEST(losses_match)
{
    elementwise(AAE_LOSS_MSE, "mse");
    elementwise(AAE_LOSS_L1, "l1");
    elementwise(AAE_LOSS_BCE, "bce");
    elementwise(AAE_LOSS_BCE_WITH_LOGITS, "bcel");

    size_t n, nl;
    float *logits = fixture("losses.txt", "ce_logits", &n);
    float *lf = fixture("losses.txt", "ce_labels", &nl);
    int32_t labels[6];
    for (size_t i = 0; i < nl; i++) labels[i] = (int32_t)lf[i];
    float loss, g[24];
    TU_ASSERT_OK(aae_loss_cross_entropy(logits, labels, 6, 4, &loss, g));
    compare(&loss, "losses.txt", "ce_loss", 1);
    compare(g, "losses.txt", "ce_grad", 24);
    free(logits);
    free(lf);

    float *mu = fixture("losses.txt", "kl_mu", &n), *lv = fixture("losses.txt", "kl_logvar", &n);
    float dmu[12], dlv[12];
    TU_ASSERT_OK(aae_loss_kl_gaussian(mu, lv, 3, 4, &loss, dmu, dlv));
    compare(&loss, "losses.txt", "kl_loss", 1);
    compare(dmu, "losses.txt", "kl_dmu", 12);
    compare(dlv, "losses.txt", "kl_dlogvar", 12);
    free(mu);
    free(lv);
}
END_TEST

/* Optimizers on a flat vector with PyTorch's gradient sequence: the
 * internal update that aae_optimizer_step runs over a network's params. */
static void optimizer_case(const char *name, aaei_optim_config c)
{
    size_t n, ng;
    float *p0 = fixture("optim.txt", "p0", &n), *grads = fixture("optim.txt", "grads", &ng);
    float after[5 * 10];
    aaei_optim o;
    TU_ASSERT_OK(aaei_optim_init(&o, &c, n));
    for (int s = 0; s < 5; s++) {
        aaei_optim_step(&o, p0, grads + s * n);
        memcpy(after + s * n, p0, n * sizeof *p0);
    }
    compare(after, "optim.txt", name, 5 * n);
    aaei_optim_release(&o);
    free(p0);
    free(grads);
}

START_TEST(optimizers_match)
{
    aaei_optim_config c = aaei_optim_defaults(AAE_OPTIMIZER_SGD);
    c.lr = 0.1;
    c.momentum = 0.9;
    c.dampening = 0.1;
    optimizer_case("sgd_momentum", c);
    c = aaei_optim_defaults(AAE_OPTIMIZER_SGD);
    c.lr = 0.1;
    c.momentum = 0.9;
    c.nesterov = 1;
    c.weight_decay = 0.01;
    optimizer_case("sgd_nesterov", c);
    c = aaei_optim_defaults(AAE_OPTIMIZER_ADAM);
    c.lr = 0.01;
    c.beta1 = 0.5;
    optimizer_case("adam", c);
    c = aaei_optim_defaults(AAE_OPTIMIZER_ADAM);
    c.lr = 0.01;
    c.weight_decay = 0.1;
    optimizer_case("adam_wd", c);
}
END_TEST

/* One whole AAE training step (reconstruction, discriminator, generator)
 * against the same step in PyTorch, from the same initial tensors. */
START_TEST(aae_training_step_matches)
{
    aae_builder *b;
    TU_ASSERT_OK(aae_builder_create(&b, AAE_PRESET_AAE));
    static const struct { aae_option o; double v; } opts[] = {
        {AAE_OPTION_INPUT_WIDTH, 6}, {AAE_OPTION_Z_WIDTH, 2},
        {AAE_OPTION_POSTERIOR, AAE_POSTERIOR_DETERMINISTIC}, {AAE_OPTION_JOINT_GENERATOR, 0},
        {AAE_OPTION_W_REC, 0.999}, {AAE_OPTION_W_ADV, 0.5}, {AAE_OPTION_W_DISC, 1.0},
        {AAE_OPTION_SEED, 3}};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) TU_ASSERT_OK(aae_builder_set(b, opts[i].o, opts[i].v));
    for (int p = 0; p < 3; p++) {
        TU_ASSERT_OK(aae_builder_clear_layers(b, (aae_part)p));
        TU_ASSERT_OK(aae_builder_add_layer(b, (aae_part)p, 8, AAE_ACT_LEAKY_RELU, 0.2f, p == 0, 0));
        TU_ASSERT_OK(aae_builder_set_optimizer(b, (aae_part)p, AAE_OPTIMIZER_SGD));
        TU_ASSERT_OK(aae_builder_set_optimizer_param(b, (aae_part)p, AAE_OPT_LR, 0.05));
        TU_ASSERT_OK(aae_builder_set_optimizer_param(b, (aae_part)p, AAE_OPT_MOMENTUM, 0.9));
    }
    aae_model *m;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    size_t count, n;
    TU_ASSERT_OK(aae_model_tensor_count(m, &count));
    ck_assert_uint_eq(count, 16);
    char key[96];
    for (size_t i = 0; i < count; i++) {
        const char *name;
        TU_ASSERT_OK(aae_model_tensor_info(m, i, &name, NULL, NULL));
        snprintf(key, sizeof key, "init.%s", name);
        float *v = fixture("aae_step.txt", key, &n);
        TU_ASSERT_OK(aae_model_tensor_set(m, i, v, n));
        free(v);
    }
    float *x = fixture("aae_step.txt", "x", &n), losses[AAE_SLOT_COUNT];
    TU_ASSERT_OK(aae_model_train_step(m, x, NULL, 8, NULL, NULL, 0, 5, losses));
    compare(&losses[AAE_SLOT_REC], "aae_step.txt", "loss_rec", 1);
    compare(&losses[AAE_SLOT_DISC_Z], "aae_step.txt", "loss_disc", 1);
    compare(&losses[AAE_SLOT_GEN_Z], "aae_step.txt", "loss_gen", 1);
    for (size_t i = 0; i < count; i++) {
        const char *name;
        size_t r, c;
        TU_ASSERT_OK(aae_model_tensor_info(m, i, &name, &r, &c));
        float *v = malloc(r * c * sizeof *v);
        TU_ASSERT_OK(aae_model_tensor_get(m, i, v, r * c));
        snprintf(key, sizeof key, "after.%s", name);
        compare(v, "aae_step.txt", key, r * c);
        free(v);
    }
    free(x);
    aae_model_free(m);
    aae_builder_free(b);
}
END_TEST

Suite *suite_golden(void)
{
    Suite *s = suite_create("golden");
    TCase *tc = tcase_create("golden");
    tcase_add_test(tc, linear_batchnorm_leaky_linear_tanh);
    tcase_add_test(tc, losses_match);
    tcase_add_test(tc, optimizers_match);
    tcase_add_test(tc, aae_training_step_matches);
    suite_add_tcase(s, tc);
    return s;
}
