/* Reproducibility: one seed gives the same bits; inference equals the
 * inference-mode forward; steady training allocates nothing. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "test_util.h"

enum { ROWS = 32, IN = 12, OUT = 12, STEPS = 50 };

static aae_net *stack(uint64_t seed)
{
    aae_net *n;
    TU_ASSERT_OK(aae_net_create(&n, IN, seed));
    TU_ASSERT_OK(aae_net_add_dense(n, 24));
    TU_ASSERT_OK(aae_net_add_batchnorm(n, 0.1f, 1e-5f));
    TU_ASSERT_OK(aae_net_add_leaky_relu(n, 0.2f));
    TU_ASSERT_OK(aae_net_add_dropout(n, 0.25f));
    TU_ASSERT_OK(aae_net_add_dense(n, OUT));
    TU_ASSERT_OK(aae_net_add_activation(n, AAE_ACT_TANH));
    return n;
}

/* 50 Adam steps of MSE regression on fixed data; returns the parameters. */
static float *train(uint64_t seed, size_t *count, unsigned long *allocs_after_warmup)
{
    aae_net *n = stack(seed);
    aae_optimizer *opt;
    TU_ASSERT_OK(aae_optimizer_create(&opt, AAE_OPTIMIZER_ADAM, n));
    static float x[ROWS * IN], t[ROWS * OUT], y[ROWS * OUT], g[ROWS * OUT];
    tu_fill(x, ROWS * IN, 1, -1, 1);
    tu_fill(t, ROWS * OUT, 2, -0.5f, 0.5f);
    unsigned long before = 0;
    for (int s = 0; s < STEPS; s++) {
        if (s == 2) before = aaei_alloc_count();
        float loss;
        TU_ASSERT_OK(aae_net_zero_grad(n));
        TU_ASSERT_OK(aae_net_forward(n, x, ROWS, AAE_MODE_TRAINING, (uint64_t)s, y));
        TU_ASSERT_OK(aae_loss(AAE_LOSS_MSE, y, t, ROWS, OUT, &loss, g));
        TU_ASSERT_OK(aae_net_backward(n, g, NULL));
        TU_ASSERT_OK(aae_optimizer_step(opt));
    }
    if (allocs_after_warmup) *allocs_after_warmup = aaei_alloc_count() - before;
    TU_ASSERT_OK(aae_net_param_count(n, count));
    float *p = malloc(*count * sizeof *p);
    TU_ASSERT_OK(aae_net_get_params(n, p, *count));
    aae_optimizer_free(opt);
    aae_net_free(n);
    return p;
}

START_TEST(same_seed_same_bits)
{
    size_t n1, n2, n3;
    unsigned long allocs;
    float *a = train(42, &n1, &allocs), *b = train(42, &n2, NULL), *c = train(43, &n3, NULL);
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(a, b, n1 * sizeof *a) == 0);
    ck_assert(memcmp(a, c, n1 * sizeof *a) != 0);
    ck_assert_uint_eq(allocs, 0);
    free(a);
    free(b);
    free(c);
}
END_TEST

START_TEST(infer_equals_inference_forward)
{
    aae_net *n = stack(5);
    static float x[ROWS * IN], y1[ROWS * OUT], y2[ROWS * OUT];
    tu_fill(x, ROWS * IN, 3, -1, 1);
    /* Move the running statistics away from their initial values first. */
    for (int s = 0; s < 3; s++) TU_ASSERT_OK(aae_net_forward(n, x, ROWS, AAE_MODE_TRAINING, (uint64_t)s, y1));
    TU_ASSERT_OK(aae_net_forward(n, x, ROWS, AAE_MODE_INFERENCE, 0, y1));
    size_t need = aae_net_infer_scratch(n, ROWS);
    ck_assert_uint_gt(need, 0);
    float *scratch = malloc(need * sizeof *scratch);
    unsigned long before = aaei_alloc_count();
    TU_ASSERT_OK(aae_net_infer(n, x, ROWS, y2, scratch, need));
    ck_assert_uint_eq(aaei_alloc_count(), before);
    ck_assert(memcmp(y1, y2, sizeof y1) == 0);
    /* Inference has no dropout: two calls agree, and differ from training. */
    TU_ASSERT_OK(aae_net_infer(n, x, ROWS, y1, scratch, need));
    ck_assert(memcmp(y1, y2, sizeof y1) == 0);
    ck_assert_int_eq(aae_net_infer(n, x, ROWS, y2, scratch, need - 1), AAE_ERR_INVALID_ARGUMENT);
    free(scratch);
    aae_net_free(n);
}
END_TEST

/* Dropout masks depend on (seed, step, row), not on call history. */
START_TEST(dropout_masks_are_keyed)
{
    aae_net *a, *b;
    TU_ASSERT_OK(aae_net_create(&a, 8, 9));
    TU_ASSERT_OK(aae_net_add_dropout(a, 0.5f));
    TU_ASSERT_OK(aae_net_create(&b, 8, 9));
    TU_ASSERT_OK(aae_net_add_dropout(b, 0.5f));
    float x[4 * 8], ya[4 * 8], yb[4 * 8];
    for (int i = 0; i < 32; i++) x[i] = 1.0f;
    TU_ASSERT_OK(aae_net_forward(a, x, 4, AAE_MODE_TRAINING, 3, ya)); /* a: steps 3 */
    TU_ASSERT_OK(aae_net_forward(b, x, 4, AAE_MODE_TRAINING, 1, yb)); /* b: steps 1, 3 */
    TU_ASSERT_OK(aae_net_forward(b, x, 4, AAE_MODE_TRAINING, 3, yb));
    ck_assert(memcmp(ya, yb, sizeof ya) == 0);
    int kept = 0;
    for (int i = 0; i < 32; i++) {
        ck_assert(ya[i] == 0.0f || ya[i] == 2.0f);
        kept += ya[i] != 0.0f;
    }
    ck_assert(kept > 4 && kept < 28);
    TU_ASSERT_OK(aae_net_forward(b, x, 4, AAE_MODE_TRAINING, 4, yb));
    ck_assert(memcmp(ya, yb, sizeof ya) != 0);
    aae_net_free(a);
    aae_net_free(b);
}
END_TEST

Suite *suite_determinism(void)
{
    Suite *s = suite_create("determinism");
    TCase *tc = tcase_create("determinism");
    tcase_add_test(tc, same_seed_same_bits);
    tcase_add_test(tc, infer_equals_inference_forward);
    tcase_add_test(tc, dropout_masks_are_keyed);
    suite_add_tcase(s, tc);
    return s;
}
