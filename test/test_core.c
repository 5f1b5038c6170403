/* Core internals: keyed RNG, allocation seam and overflow checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/crc32.h"
#include "core/rng.h"
#include "nn/layer.h"
#include "test_util.h"

START_TEST(rng_is_keyed)
{
    aaei_rng a = aaei_rng_keyed(1, 2, 3, 4), b = aaei_rng_keyed(1, 2, 3, 4);
    aaei_rng c = aaei_rng_keyed(1, 2, 3, 5);
    uint64_t x = aaei_rng_u64(&a);
    ck_assert_uint_eq(x, aaei_rng_u64(&b));
    ck_assert_uint_ne(x, aaei_rng_u64(&c));
    /* A fixed value pins the generator across platforms and releases. */
    aaei_rng d = aaei_rng_keyed(0, 0, 0, 0);
    ck_assert_uint_eq(aaei_rng_u64(&d), UINT64_C(0xbc2b7f15ad019952));
}
END_TEST

START_TEST(rng_uniform_and_normal_moments)
{
    aaei_rng r = aaei_rng_keyed(7, AAEI_STREAM_NOISE, 0, 0);
    const int n = 200000;
    double su = 0, sn = 0, sn2 = 0;
    for (int i = 0; i < n; i++) {
        float u = aaei_rng_uniform(&r);
        ck_assert(u >= 0.0f && u < 1.0f);
        su += u;
        float z = aaei_rng_normal(&r);
        ck_assert(isfinite(z));
        sn += z;
        sn2 += (double)z * z;
    }
    ck_assert_double_eq_tol(su / n, 0.5, 0.005);
    ck_assert_double_eq_tol(sn / n, 0.0, 0.01);
    ck_assert_double_eq_tol(sn2 / n, 1.0, 0.02);
}
END_TEST

/* The pair fill: N(0, 1) moments, its cosine and sine halves uncorrelated,
 * and a row's values independent of how it is cut into even chunks (the
 * noise layer fills in chunks); an odd count ends with one aaei_rng_normal. */
START_TEST(rng_normals_in_pairs)
{
    enum { N = 200001 };
    static float z[N], part[N];
    aaei_rng r = aaei_rng_keyed(7, AAEI_STREAM_INPUT_NOISE, 3, 1);
    aaei_rng_normals(&r, z, N);
    double s = 0, s2 = 0, s4 = 0, pair = 0;
    for (int i = 0; i < N; i++) {
        ck_assert(isfinite(z[i]));
        s += z[i];
        s2 += (double)z[i] * z[i];
        s4 += (double)z[i] * z[i] * z[i] * z[i];
    }
    for (int i = 0; i + 1 < N; i += 2) pair += (double)z[i] * z[i + 1];
    ck_assert_double_eq_tol(s / N, 0.0, 0.01);
    ck_assert_double_eq_tol(s2 / N, 1.0, 0.02);
    ck_assert_double_eq_tol(s4 / N, 3.0, 0.1);
    ck_assert_double_eq_tol(pair / (N / 2), 0.0, 0.02);

    aaei_rng a = aaei_rng_keyed(7, AAEI_STREAM_INPUT_NOISE, 3, 1);
    for (int i = 0; i < N; i += 256) aaei_rng_normals(&a, part + i, N - i < 256 ? (size_t)(N - i) : 256);
    ck_assert_mem_eq(part, z, sizeof z);

    aaei_rng b = aaei_rng_keyed(7, AAEI_STREAM_INPUT_NOISE, 3, 1), c = b;
    float two[2];
    aaei_rng_normals(&b, two, 2);
    aaei_rng_normals(&b, part, 1);
    ck_assert_mem_eq(two, z, sizeof two);
    aaei_rng_u64(&c);
    aaei_rng_u64(&c);
    ck_assert_float_eq(part[0], aaei_rng_normal(&c));
}
END_TEST

START_TEST(rng_below_categorical_permutation)
{
    aaei_rng r = aaei_rng_keyed(3, AAEI_STREAM_SHUFFLE, 0, 0);
    int counts[3] = {0, 0, 0};
    const float p[3] = {0.2f, 0.0f, 0.8f};
    for (int i = 0; i < 10000; i++) {
        ck_assert_uint_lt(aaei_rng_below(&r, 7), 7);
        counts[aaei_rng_categorical(&r, p, 3)]++;
    }
    ck_assert_int_eq(counts[1], 0);
    ck_assert_int_gt(counts[0], 1700);
    ck_assert_int_lt(counts[0], 2300);
    size_t perm[100];
    int seen[100] = {0};
    aaei_rng_permutation(&r, perm, 100);
    size_t fixed = 0;
    for (size_t i = 0; i < 100; i++) {
        ck_assert_uint_lt(perm[i], 100);
        seen[perm[i]]++;
        fixed += perm[i] == i;
    }
    for (size_t i = 0; i < 100; i++) ck_assert_int_eq(seen[i], 1);
    ck_assert_uint_lt(fixed, 10);
}
END_TEST

/* The table-driven CRC equals zlib's check value and a bitwise CRC-32 on
 * every length and alignment around its 8-byte blocks. */
START_TEST(crc32_matches_the_bitwise_definition)
{
    ck_assert_uint_eq(aaei_crc32((const uint8_t *)"123456789", 9), 0xcbf43926u);
    ck_assert_uint_eq(aaei_crc32(NULL, 0), 0);
    uint8_t buf[64];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(i * 37 + 11);
    for (size_t off = 0; off < 8; off++)
        for (size_t n = 0; off + n <= sizeof buf; n++) {
            uint32_t c = 0xffffffffu;
            for (size_t i = 0; i < n; i++) {
                c ^= buf[off + i];
                for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
            }
            ck_assert_uint_eq(aaei_crc32(buf + off, n), ~c);
        }
}
END_TEST

/* The vectorized tanh against double-precision tanh: every float from
 * -12 to 12 in steps of 2^-13 plus tiny, huge and special values. */
START_TEST(tanh_is_within_2_ulp)
{
    enum { N = 24 * 8192 + 1 };
    static float x[N + 8], y[N + 8];
    for (size_t i = 0; i < N; i++) x[i] = -12.0f + (float)i / 8192.0f;
    const float special[8] = {1e-30f, -1e-30f, 0.0f, -0.0f, 1e30f, -INFINITY, INFINITY, NAN};
    memcpy(x + N, special, sizeof special);
    aaei_layer L = {.kind = AAEI_TANH, .in = N + 8, .out = N + 8};
    aaei_activation_forward(&L, x, y, 1);
    double worst = 0.0;
    for (size_t i = 0; i < N + 7; i++) {
        double want = tanh((double)x[i]), ulp = nextafterf((float)fabs(want), INFINITY) - (float)fabs(want);
        double err = fabs((double)y[i] - want) / (ulp > 0 ? ulp : 1e-45);
        ck_assert_msg(err <= 2.0, "tanh(%.9g) = %.9g, want %.9g (%.2f ulp)", (double)x[i], (double)y[i], want, err);
        if (err > worst) worst = err;
    }
    ck_assert(signbit(y[N + 3]) && y[N + 3] == 0.0f); /* tanh(-0) = -0 */
    ck_assert(isnan(y[N + 7]));
}
END_TEST

/* Where softmax rounds two rows' top probability to 1, log-softmax still
 * says which row is surer, and agrees with log(softmax) where that is exact. */
START_TEST(log_softmax_orders_saturated_rows)
{
    const float logits[3 * 3] = {0.0f, -30.0f, -40.0f, 0.0f, -35.0f, -40.0f, 1.0f, 0.5f, -2.0f};
    float p[9], lp[9];
    aaei_softmax_rows(logits, 3, 3, 3, p);
    aaei_log_softmax_rows(logits, 3, 3, 3, lp);
    ck_assert(p[0] == 1.0f && p[3] == 1.0f); /* tied in probability */
    ck_assert(lp[0] < lp[3] && lp[3] < 0.0f); /* not in log-probability */
    ck_assert_float_eq_tol(lp[0], -(expf(-30.0f) + expf(-40.0f)), 1e-19f);
    ck_assert_float_eq_tol(lp[1], -30.0f, 1e-5f);
    for (int i = 6; i < 9; i++) ck_assert_float_eq_tol(lp[i], logf(p[i]), 2e-6f);
}
END_TEST

START_TEST(size_arithmetic_overflow)
{
    size_t out;
    ck_assert(aaei_mul_size(SIZE_MAX / 2 + 1, 2, &out) == 0);
    ck_assert(aaei_mul_size(3, 4, &out) == 1 && out == 12);
    ck_assert(aaei_add_size(SIZE_MAX, 1, &out) == 0);
    ck_assert(aaei_malloc(SIZE_MAX / 4, 8, "huge") == NULL);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "huge"));
}
END_TEST

START_TEST(allocation_seam_fails_nth)
{
    aaei_alloc_fail_after(2);
    void *a = aaei_malloc(4, 4, "first");
    void *b = aaei_malloc(4, 4, "second");
    void *c = aaei_malloc(4, 4, "third");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_null(b);
    ck_assert_ptr_nonnull(c);
    aaei_free(a);
    aaei_free(c);
    aaei_alloc_fail_after(0);
}
END_TEST

/* Every allocation of building a network can fail: each gives NOMEM, leaks
 * nothing (valgrind/ASan check that) and leaves no half-built handle. */
START_TEST(network_build_survives_every_allocation_failure)
{
    int failures = 0;
    for (long n = 1; n < 64; n++) {
        aaei_alloc_fail_after(n);
        aae_net *net = NULL;
        aae_status st = aae_net_create(&net, 8, 1);
        if (st == AAE_OK) st = aae_net_add_dense(net, 16);
        if (st == AAE_OK) st = aae_net_add_batchnorm(net, 0.1f, 1e-5f);
        if (st == AAE_OK) st = aae_net_add_activation(net, AAE_ACT_RELU);
        if (st == AAE_OK) st = aae_net_add_dense(net, 4);
        float x[16] = {0}, y[2 * 16]; /* room for any partial network */
        if (st == AAE_OK) st = aae_net_forward(net, x, 2, AAE_MODE_TRAINING, 0, y);
        aaei_alloc_fail_after(0);
        if (st == AAE_OK) {
            aae_net_free(net);
            break;
        }
        failures++;
        ck_assert_int_eq(st, AAE_ERR_NOMEM);
        ck_assert_ptr_nonnull(strstr(aae_last_error(), "out of memory"));
        /* The handle, if created, is still usable after the failure. */
        if (net) {
            size_t count;
            TU_ASSERT_OK(aae_net_param_count(net, &count));
            TU_ASSERT_OK(aae_net_forward(net, x, 2, AAE_MODE_TRAINING, 0, y));
        }
        aae_net_free(net);
    }
    ck_assert_int_gt(failures, 5);
}
END_TEST

Suite *suite_core(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, rng_is_keyed);
    tcase_add_test(tc, rng_uniform_and_normal_moments);
    tcase_add_test(tc, rng_normals_in_pairs);
    tcase_add_test(tc, rng_below_categorical_permutation);
    tcase_add_test(tc, size_arithmetic_overflow);
    tcase_add_test(tc, tanh_is_within_2_ulp);
    tcase_add_test(tc, log_softmax_orders_saturated_rows);
    tcase_add_test(tc, crc32_matches_the_bitwise_definition);
    tcase_add_test(tc, allocation_seam_fails_nth);
    tcase_add_test(tc, network_build_survives_every_allocation_failure);
    suite_add_tcase(s, tc);
    return s;
}
