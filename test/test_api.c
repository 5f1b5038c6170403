/* Error paths of the public API: NULL, zero, huge and out-of-range
 * arguments and wrong call order give the documented status, a message
 * naming the problem, and leave outputs and handles as they were. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "test_util.h"

/* Asserts `call` fails with `status` and a message containing `needle`. */
#define EXPECT_FAIL(call, status, needle)                                               \
    do {                                                                                \
        aae_clear_error();                                                              \
        aae_status st_ = (call);                                                        \
        ck_assert_msg(st_ == (status), "%s gave %s, want %s (%s)", #call,               \
                      aae_status_name(st_), aae_status_name(status), aae_last_error()); \
        ck_assert_msg(strstr(aae_last_error(), needle) != NULL,                         \
                      "%s: message '%s' lacks '%s'", #call, aae_last_error(), needle);  \
    } while (0)

START_TEST(status_strings_and_version)
{
    for (int s = AAE_OK; s <= AAE_ERR_CANCELLED; s++) {
        ck_assert_str_ne(aae_status_string((aae_status)s), "unknown status");
        ck_assert(strncmp(aae_status_name((aae_status)s), "AAE_", 4) == 0);
    }
    ck_assert_str_eq(aae_status_string((aae_status)999), "unknown status");
    ck_assert_str_eq(aae_status_name((aae_status)-3), "AAE_ERR_UNKNOWN");
    ck_assert_str_eq(aae_status_name(AAE_ERR_NOMEM), "AAE_ERR_NOMEM");
    ck_assert_uint_eq(aae_version(), AAE_VERSION_NUMBER);
    ck_assert_str_eq(aae_version_string(), AAE_VERSION_STRING);
    ck_assert_ptr_nonnull(aae_blas_info());
    aae_clear_error();
    ck_assert_str_eq(aae_last_error(), "");
}
END_TEST

START_TEST(threads_setting)
{
    int before = aae_get_num_threads();
    EXPECT_FAIL(aae_set_num_threads(0), AAE_ERR_INVALID_ARGUMENT, "aae_set_num_threads");
    EXPECT_FAIL(aae_set_num_threads(-4), AAE_ERR_INVALID_ARGUMENT, "aae_set_num_threads");
    TU_ASSERT_OK(aae_set_num_threads(1));
    ck_assert_int_eq(aae_get_num_threads(), 1);
    if (before > 1) ck_assert(aae_set_num_threads(before) == AAE_OK);
}
END_TEST

static void *fail_in_thread(void *arg)
{
    (void)arg;
    aae_net_add_dense(NULL, 3);
    return strstr(aae_last_error(), "aae_net_add_dense") ? (void *)1 : NULL;
}

START_TEST(last_error_is_thread_local)
{
    EXPECT_FAIL(aae_net_widths(NULL, NULL, NULL), AAE_ERR_INVALID_ARGUMENT, "aae_net_widths");
    pthread_t th;
    void *ok;
    ck_assert_int_eq(pthread_create(&th, NULL, fail_in_thread, NULL), 0);
    pthread_join(th, &ok);
    ck_assert_ptr_nonnull(ok);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "aae_net_widths"));
}
END_TEST

START_TEST(network_arguments)
{
    aae_net *net = (aae_net *)&net, *keep = net;
    EXPECT_FAIL(aae_net_create(NULL, 3, 0), AAE_ERR_INVALID_ARGUMENT, "aae_net_create");
    EXPECT_FAIL(aae_net_create(&net, 0, 0), AAE_ERR_INVALID_ARGUMENT, "input width");
    EXPECT_FAIL(aae_net_create(&net, SIZE_MAX, 0), AAE_ERR_INVALID_ARGUMENT, "input width");
    ck_assert_ptr_eq(net, keep); /* output untouched */
    TU_ASSERT_OK(aae_net_create(&net, 4, 0));
    EXPECT_FAIL(aae_net_add_dense(NULL, 3), AAE_ERR_INVALID_ARGUMENT, "aae_net_add_dense");
    EXPECT_FAIL(aae_net_add_dense(net, 0), AAE_ERR_INVALID_ARGUMENT, "width");
    EXPECT_FAIL(aae_net_add_dense(net, SIZE_MAX), AAE_ERR_INVALID_ARGUMENT, "width");
    EXPECT_FAIL(aae_net_add_dense(net, (size_t)1 << 31), AAE_ERR_INVALID_ARGUMENT, "width");
    EXPECT_FAIL(aae_net_add_activation(net, (aae_activation)42), AAE_ERR_INVALID_ARGUMENT, "activation");
    EXPECT_FAIL(aae_net_add_activation(net, AAE_ACT_NONE), AAE_ERR_INVALID_ARGUMENT, "activation");
    EXPECT_FAIL(aae_net_add_leaky_relu(net, NAN), AAE_ERR_INVALID_ARGUMENT, "slope");
    EXPECT_FAIL(aae_net_add_leaky_relu(net, -1), AAE_ERR_INVALID_ARGUMENT, "slope");
    EXPECT_FAIL(aae_net_add_batchnorm(net, 0, 1e-5f), AAE_ERR_INVALID_ARGUMENT, "momentum");
    EXPECT_FAIL(aae_net_add_batchnorm(net, 1.5f, 1e-5f), AAE_ERR_INVALID_ARGUMENT, "momentum");
    EXPECT_FAIL(aae_net_add_batchnorm(net, 0.1f, 0), AAE_ERR_INVALID_ARGUMENT, "eps");
    EXPECT_FAIL(aae_net_add_batchnorm(net, 0.1f, INFINITY), AAE_ERR_INVALID_ARGUMENT, "eps");
    EXPECT_FAIL(aae_net_add_dropout(net, 1.0f), AAE_ERR_INVALID_ARGUMENT, "p");
    EXPECT_FAIL(aae_net_add_dropout(net, -0.1f), AAE_ERR_INVALID_ARGUMENT, "p");
    EXPECT_FAIL(aae_net_add_dropout(net, NAN), AAE_ERR_INVALID_ARGUMENT, "p");
    /* nothing was added by the refused calls */
    size_t in, out, count;
    TU_ASSERT_OK(aae_net_widths(net, &in, &out));
    ck_assert(in == 4 && out == 4);
    TU_ASSERT_OK(aae_net_param_count(net, &count));
    ck_assert_uint_eq(count, 0);
    TU_ASSERT_OK(aae_net_add_dense(net, 2));
    TU_ASSERT_OK(aae_net_param_count(net, &count));
    ck_assert_uint_eq(count, 10);
    EXPECT_FAIL(aae_net_param_count(net, NULL), AAE_ERR_INVALID_ARGUMENT, "count");
    EXPECT_FAIL(aae_net_param_count(NULL, &count), AAE_ERR_INVALID_ARGUMENT, "net");

    float p[10], x[8] = {0}, y[4], dy[4] = {0}, dx[8];
    EXPECT_FAIL(aae_net_get_params(net, p, 9), AAE_ERR_INVALID_ARGUMENT, "count");
    EXPECT_FAIL(aae_net_get_params(net, NULL, 10), AAE_ERR_INVALID_ARGUMENT, "NULL");
    EXPECT_FAIL(aae_net_set_params(net, p, 11), AAE_ERR_INVALID_ARGUMENT, "count");
    EXPECT_FAIL(aae_net_get_grads(net, p, 1), AAE_ERR_INVALID_ARGUMENT, "count");
    EXPECT_FAIL(aae_net_zero_grad(NULL), AAE_ERR_INVALID_ARGUMENT, "aae_net_zero_grad");

    EXPECT_FAIL(aae_net_backward(net, dy, dx), AAE_ERR_STATE, "training-mode forward");
    EXPECT_FAIL(aae_net_forward(net, NULL, 2, AAE_MODE_TRAINING, 0, y), AAE_ERR_INVALID_ARGUMENT, "NULL");
    EXPECT_FAIL(aae_net_forward(net, x, 0, AAE_MODE_TRAINING, 0, y), AAE_ERR_INVALID_ARGUMENT, "rows");
    EXPECT_FAIL(aae_net_forward(net, x, SIZE_MAX, AAE_MODE_TRAINING, 0, y), AAE_ERR_INVALID_ARGUMENT, "rows");
    EXPECT_FAIL(aae_net_forward(net, x, 2, (aae_mode)5, 0, y), AAE_ERR_INVALID_ARGUMENT, "mode");
    TU_ASSERT_OK(aae_net_forward(net, x, 2, AAE_MODE_INFERENCE, 0, y));
    EXPECT_FAIL(aae_net_backward(net, dy, dx), AAE_ERR_STATE, "training-mode forward");
    TU_ASSERT_OK(aae_net_forward(net, x, 2, AAE_MODE_TRAINING, 0, y));
    EXPECT_FAIL(aae_net_backward(net, NULL, dx), AAE_ERR_INVALID_ARGUMENT, "dy");
    TU_ASSERT_OK(aae_net_backward(net, dy, NULL));

    ck_assert_uint_eq(aae_net_infer_scratch(NULL, 4), 0);
    ck_assert_uint_eq(aae_net_infer_scratch(net, 0), 0);
    ck_assert_uint_eq(aae_net_infer_scratch(net, SIZE_MAX), 0);
    float scratch[64];
    EXPECT_FAIL(aae_net_infer(net, x, 2, y, NULL, 0), AAE_ERR_INVALID_ARGUMENT, "scratch");
    EXPECT_FAIL(aae_net_infer(net, x, 2, y, scratch, 1), AAE_ERR_INVALID_ARGUMENT, "scratch");
    EXPECT_FAIL(aae_net_infer(net, x, 0, y, scratch, 64), AAE_ERR_INVALID_ARGUMENT, "rows");
    EXPECT_FAIL(aae_net_infer(NULL, x, 2, y, scratch, 64), AAE_ERR_INVALID_ARGUMENT, "net");
    TU_ASSERT_OK(aae_net_infer(net, x, 2, y, scratch, 64));
    aae_net_free(net);
    aae_net_free(NULL);
}
END_TEST

START_TEST(loss_arguments)
{
    float p[4] = {0.1f, 0.5f, 0.9f, 0.3f}, t[4] = {0, 1, 1, 0}, loss = 7.0f, g[4];
    int32_t labels[2] = {1, 0}, bad[2] = {1, 2};
    EXPECT_FAIL(aae_loss(AAE_LOSS_MSE, NULL, t, 2, 2, &loss, g), AAE_ERR_INVALID_ARGUMENT, "aae_loss");
    EXPECT_FAIL(aae_loss(AAE_LOSS_MSE, p, t, 0, 2, &loss, g), AAE_ERR_INVALID_ARGUMENT, "rows");
    EXPECT_FAIL(aae_loss(AAE_LOSS_MSE, p, t, SIZE_MAX, 3, &loss, g), AAE_ERR_INVALID_ARGUMENT, "overflow");
    EXPECT_FAIL(aae_loss((aae_loss_kind)0, p, t, 2, 2, &loss, g), AAE_ERR_INVALID_ARGUMENT, "kind");
    p[2] = 1.5f;
    EXPECT_FAIL(aae_loss(AAE_LOSS_BCE, p, t, 2, 2, &loss, g), AAE_ERR_INVALID_ARGUMENT, "outside [0, 1]");
    ck_assert(loss == 7.0f); /* output untouched */
    EXPECT_FAIL(aae_loss_cross_entropy(p, bad, 2, 2, &loss, g), AAE_ERR_INVALID_ARGUMENT, "row 1");
    EXPECT_FAIL(aae_loss_cross_entropy(p, NULL, 2, 2, &loss, g), AAE_ERR_INVALID_ARGUMENT, "labels");
    TU_ASSERT_OK(aae_loss_cross_entropy(p, labels, 2, 2, &loss, NULL));
    EXPECT_FAIL(aae_loss_kl_gaussian(p, NULL, 2, 2, &loss, NULL, NULL), AAE_ERR_INVALID_ARGUMENT, "logvar");
    EXPECT_FAIL(aae_loss_kl_gaussian(p, t, 2, 0, &loss, NULL, NULL), AAE_ERR_INVALID_ARGUMENT, "width");
}
END_TEST

START_TEST(optimizer_arguments)
{
    aae_net *net;
    aae_optimizer *opt = NULL;
    double v;
    TU_ASSERT_OK(aae_net_create(&net, 2, 0));
    EXPECT_FAIL(aae_optimizer_create(NULL, AAE_OPTIMIZER_SGD, net), AAE_ERR_INVALID_ARGUMENT, "aae_optimizer_create");
    EXPECT_FAIL(aae_optimizer_create(&opt, AAE_OPTIMIZER_SGD, NULL), AAE_ERR_INVALID_ARGUMENT, "net");
    EXPECT_FAIL(aae_optimizer_create(&opt, (aae_optimizer_kind)0, net), AAE_ERR_INVALID_ARGUMENT, "kind");
    ck_assert_ptr_null(opt);
    TU_ASSERT_OK(aae_optimizer_create(&opt, AAE_OPTIMIZER_ADAM, net));
    EXPECT_FAIL(aae_optimizer_set(NULL, AAE_OPT_LR, 1), AAE_ERR_INVALID_ARGUMENT, "aae_optimizer_set");
    EXPECT_FAIL(aae_optimizer_set(opt, (aae_optimizer_param)0, 1), AAE_ERR_INVALID_ARGUMENT, "setting");
    EXPECT_FAIL(aae_optimizer_set(opt, AAE_OPT_BETA2, 1.0), AAE_ERR_INVALID_ARGUMENT, "outside");
    EXPECT_FAIL(aae_optimizer_get(opt, AAE_OPT_LR, NULL), AAE_ERR_INVALID_ARGUMENT, "aae_optimizer_get");
    EXPECT_FAIL(aae_optimizer_get(opt, AAE_OPT_DAMPENING, &v), AAE_ERR_INVALID_ARGUMENT, "does not apply");
    EXPECT_FAIL(aae_optimizer_bounds(AAE_OPT_LR, NULL, &v), AAE_ERR_INVALID_ARGUMENT, "aae_optimizer_bounds");
    EXPECT_FAIL(aae_optimizer_step(NULL), AAE_ERR_INVALID_ARGUMENT, "aae_optimizer_step");
    EXPECT_FAIL(aae_optimizer_steps(opt, NULL), AAE_ERR_INVALID_ARGUMENT, "aae_optimizer_steps");
    aae_optimizer_free(opt);
    aae_net_free(net);
}
END_TEST

Suite *suite_api(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_add_test(tc, status_strings_and_version);
    tcase_add_test(tc, threads_setting);
    tcase_add_test(tc, last_error_is_thread_local);
    tcase_add_test(tc, network_arguments);
    tcase_add_test(tc, loss_arguments);
    tcase_add_test(tc, optimizer_arguments);
    suite_add_tcase(s, tc);
    return s;
}
