/* AAE_OPTION_Z_DISC_SEES_Y: the z discriminator reads [z | one-hot y], the
 * prior's rows a uniform one-hot, the encoder's the one-hot of argmax y,
 * and no gradient reaches y through it. */
#include <math.h>
#include <string.h>

#include "model/model.h"
#include "model_fixture.h"

enum { ROWS = 32, MANY = 4000 };

static float X[ROWS * MF_WIDTH];
static int32_t Y[ROWS];

static void setup(void) { mf_blobs(X, Y, ROWS, 5); }

/* The clustering preset on the blobs, the option on or off, with the
 * paper's separate generator phase or the joint one; frozen: the z
 * discriminator's learning rate 0. */
static aae_model *clustering_model(int sees_y, int joint, int frozen)
{
    aae_builder *b = mf_builder(AAE_PRESET_CLUSTERING_AAE);
    ck_assert_ptr_nonnull(b);
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_Z_DISC_SEES_Y, sees_y));
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_JOINT_GENERATOR, joint));
    if (joint) { /* no generator phase of its own */
        TU_ASSERT_OK(aae_builder_set_phase_optimizer(b, AAE_PHASE_GENERATOR, AAE_OPTIMIZER_PART));
        TU_ASSERT_OK(aae_builder_set_phase_milestones(b, AAE_PHASE_GENERATOR, NULL, 0, 0.1));
    }
    if (frozen) TU_ASSERT_OK(aae_builder_set_phase_optimizer_param(b, AAE_PHASE_Z_DISCRIMINATOR, AAE_OPT_LR, 0.0));
    aae_model *m = NULL;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_builder_free(b);
    return m;
}

static aae_model *clustering(int sees_y, int joint) { return clustering_model(sees_y, joint, 0); }

static size_t tensor_index(const aae_model *m, const char *want)
{
    size_t n;
    TU_ASSERT_OK(aae_model_tensor_count(m, &n));
    for (size_t i = 0; i < n; i++) {
        const char *name;
        TU_ASSERT_OK(aae_model_tensor_info(m, i, &name, NULL, NULL));
        if (strcmp(name, want) == 0) return i;
    }
    ck_abort_msg("no tensor %s", want);
    return 0;
}

static float *tensor(const aae_model *m, size_t i, size_t *rows, size_t *cols)
{
    TU_ASSERT_OK(aae_model_tensor_info(m, i, NULL, rows, cols));
    float *t = malloc(*rows * *cols * sizeof *t);
    TU_ASSERT_OK(aae_model_tensor_get(m, i, t, *rows * *cols));
    return t;
}

START_TEST(the_option_needs_a_y_head_and_an_adversarial_z)
{
    static const aae_preset refused[] = {AAE_PRESET_AAE, AAE_PRESET_VAE_CLASSIFIER};
    for (int i = 0; i < 2; i++) {
        aae_builder *b = mf_builder(refused[i]);
        TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_Z_DISC_SEES_Y, 1));
        aae_model *m = NULL;
        ck_assert_int_eq(aae_builder_build(b, &m), AAE_ERR_INVALID_ARGUMENT);
        ck_assert_ptr_null(m);
        ck_assert_ptr_nonnull(strstr(aae_last_error(), "AAE_OPTION_Z_DISC_SEES_Y"));
        TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_Z_DISC_SEES_Y, 0));
        TU_ASSERT_OK(aae_builder_build(b, &m));
        aae_model_free(m);
        aae_builder_free(b);
    }
    aae_builder *b = mf_builder(AAE_PRESET_CLUSTERING_AAE);
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_Z_DISC_SEES_Y, 1));
    ck_assert_int_eq(aae_builder_set(b, AAE_OPTION_Z_DISC_SEES_Y, 2), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_set(b, AAE_OPTION_Z_DISC_SEES_Y, 0.5), AAE_ERR_INVALID_ARGUMENT);
    double v;
    TU_ASSERT_OK(aae_builder_get(b, AAE_OPTION_Z_DISC_SEES_Y, &v));
    ck_assert(v == 1.0);
    aae_builder_free(b);
}
END_TEST

START_TEST(the_z_discriminator_reads_z_and_a_one_hot)
{
    for (int sees_y = 0; sees_y < 2; sees_y++) {
        aae_model *m = clustering(sees_y, 0);
        double z, k, got;
        TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_Z_WIDTH, &z));
        TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_CLASSES, &k));
        TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_Z_DISC_SEES_Y, &got));
        ck_assert(got == sees_y);
        size_t rows, cols;
        TU_ASSERT_OK(aae_model_tensor_info(m, tensor_index(m, "z_discriminator.0.weight"), NULL, &rows, &cols));
        ck_assert_uint_eq(cols, (size_t)(z + (sees_y ? k : 0)));
        aae_model_free(m);
    }
}
END_TEST

/* Real rows: the z a whole-batch prior draw gives, beside it a one-hot
 * whose classes come up alike. Fake rows: z, beside it the one-hot of the
 * first maximum of y (as torch.argmax). */
START_TEST(real_and_fake_rows)
{
    aae_model *m = clustering(1, 0);
    size_t zw = m->z_width, k = m->classes, w = m->zd_width;
    ck_assert_uint_eq(w, zw + k);
    float *rows = malloc(MANY * w * sizeof *rows), *z = malloc(MANY * zw * sizeof *z);
    aaei_zdisc_real_rows(m, 7, 3, 2, 77, 100, NULL, MANY, rows);
    aaei_prior_sample(&m->zprior, 7, 3, 2, 100, NULL, MANY, z);
    size_t count[MF_CLASSES] = {0};
    for (size_t r = 0; r < MANY; r++) {
        ck_assert(memcmp(rows + r * w, z + r * zw, zw * sizeof *z) == 0);
        size_t ones = 0, at = 0;
        for (size_t j = 0; j < k; j++) {
            float v = rows[r * w + zw + j];
            ck_assert(v == 0.0f || v == 1.0f);
            if (v == 1.0f) ones++, at = j;
        }
        ck_assert_uint_eq(ones, 1);
        count[at]++;
    }
    for (size_t j = 0; j < k; j++) /* 5 standard deviations of a binomial */
        ck_assert_msg(fabs((double)count[j] - MANY / 4.0) < 5 * sqrt(MANY * 0.25 * 0.75), "class %zu: %zu", j,
                      count[j]);

    static const float y[2 * MF_CLASSES] = {0.1f, 0.4f, 0.4f, 0.1f, 0.7f, 0.1f, 0.1f, 0.1f};
    aaei_zdisc_fake_rows(m, z, y, 2, rows);
    static const float onehot[2 * MF_CLASSES] = {0, 1, 0, 0, 1, 0, 0, 0};
    for (size_t r = 0; r < 2; r++) {
        ck_assert(memcmp(rows + r * w, z + r * zw, zw * sizeof *z) == 0);
        ck_assert(memcmp(rows + r * w + zw, onehot + r * k, k * sizeof *onehot) == 0);
    }
    free(rows);
    free(z);
    aae_model_free(m);
}
END_TEST

/* Zeroes the weights of the one-hot's columns of the z discriminator. */
static void zero_one_hot_weights(aae_model *m)
{
    size_t i = tensor_index(m, "z_discriminator.0.weight"), r, c;
    float *t = tensor(m, i, &r, &c);
    for (size_t a = 0; a < r; a++)
        for (size_t b = m->z_width; b < c; b++) t[a * c + b] = 0.0f;
    TU_ASSERT_OK(aae_model_tensor_set(m, i, t, r * c));
    free(t);
}

/* Copies plain's z discriminator into sees's; the one-hot's columns, which
 * plain lacks, are left alone. */
static void copy_zdisc(const aae_model *plain, aae_model *sees)
{
    size_t n;
    TU_ASSERT_OK(aae_model_tensor_count(plain, &n));
    for (size_t i = 0; i < n; i++) {
        const char *name;
        size_t r, c, rs, cs;
        TU_ASSERT_OK(aae_model_tensor_info(plain, i, &name, &r, &c));
        if (strncmp(name, "z_discriminator.", 16) != 0) continue;
        size_t j = tensor_index(sees, name);
        float *from = tensor(plain, i, &r, &c), *to = tensor(sees, j, &rs, &cs);
        ck_assert_uint_eq(rs, r);
        for (size_t a = 0; a < r; a++)
            for (size_t b = 0; b < c; b++) to[a * cs + b] = from[a * c + b];
        TU_ASSERT_OK(aae_model_tensor_set(sees, j, to, rs * cs));
        free(from);
        free(to);
    }
}

/* With the one-hot's weights at zero the discriminator computes what the
 * plain one does. frozen: it stays so, and steps change every network as
 * the plain steps do; else its first update learns weights for the
 * one-hot, so one step is compared, and in the paper's mode (the generator
 * after the discriminator) the z discriminator only. */
static void compare_with_plain(int joint, int frozen)
{
    aae_model *plain = clustering_model(0, joint, frozen), *sees = clustering_model(1, joint, frozen);
    copy_zdisc(plain, sees);
    zero_one_hot_weights(sees);
    for (uint64_t s = 0; s < (frozen ? 3u : 1u); s++) {
        float la[AAE_SLOT_COUNT], lb[AAE_SLOT_COUNT];
        TU_ASSERT_OK(aae_model_train_step(plain, X, Y, ROWS, NULL, NULL, 0, s, la));
        TU_ASSERT_OK(aae_model_train_step(sees, X, Y, ROWS, NULL, NULL, 0, s, lb));
        for (int i = 0; i < AAE_SLOT_COUNT; i++)
            if (frozen || joint || i != AAE_SLOT_GEN_Z) ck_assert_float_eq_tol(la[i], lb[i], 1e-5f);
    }
    size_t n;
    TU_ASSERT_OK(aae_model_tensor_count(plain, &n));
    for (size_t i = 0; i < n; i++) {
        const char *name;
        size_t r, c, rs, cs;
        TU_ASSERT_OK(aae_model_tensor_info(plain, i, &name, &r, &c));
        if (!frozen && !joint && strncmp(name, "z_discriminator.", 16) != 0) continue;
        float *a = tensor(plain, i, &r, &c), *b = tensor(sees, tensor_index(sees, name), &rs, &cs);
        for (size_t p = 0; p < r; p++)
            for (size_t q = 0; q < c; q++)
                ck_assert_msg(fabsf(a[p * c + q] - b[p * cs + q]) <= 1e-5f * (1.0f + fabsf(a[p * c + q])),
                              "joint %d: %s[%zu][%zu]: %g against %g", joint, name, p, q,
                              (double)a[p * c + q], (double)b[p * cs + q]);
        free(a);
        free(b);
    }
    aae_model_free(plain);
    aae_model_free(sees);
}

START_TEST(zero_one_hot_weights_give_the_plain_step)
{
    for (int joint = 0; joint < 2; joint++)
        for (int frozen = 0; frozen < 2; frozen++) compare_with_plain(joint, frozen);
}
END_TEST

/* Two models that differ only in the one-hot's weights: a step moves the
 * z columns of the encoder's output layer apart, and the y columns
 * (logits, their bias and batch norm) not by one bit, since the one-hot
 * passes no gradient to y. (One step: after it the trunks differ.) */
START_TEST(no_gradient_reaches_y_through_the_one_hot)
{
    aae_model *a = clustering(1, 0), *b = clustering(1, 0);
    zero_one_hot_weights(b);
    TU_ASSERT_OK(aae_model_train_step(a, X, Y, ROWS, NULL, NULL, 0, 0, NULL));
    TU_ASSERT_OK(aae_model_train_step(b, X, Y, ROWS, NULL, NULL, 0, 0, NULL));
    size_t n, zw = a->z_width, out = a->enc_out, y_checked = 0, z_moved = 0;
    TU_ASSERT_OK(aae_model_tensor_count(a, &n));
    for (size_t i = 0; i < n; i++) {
        const char *name;
        size_t r, c;
        TU_ASSERT_OK(aae_model_tensor_info(a, i, &name, &r, &c));
        if (strncmp(name, "encoder.", 8) != 0 || (r != out && !(r == 1 && c == out))) continue;
        float *u = tensor(a, i, &r, &c), *v = tensor(b, i, &r, &c);
        size_t per = r == out ? c : 1; /* [out x in] weights, or [1 x out] vectors */
        for (size_t e = 0; e < r * c; e++) {
            int y_col = e / per >= zw;
            if (y_col) ck_assert_msg(u[e] == v[e], "%s[%zu]: %g against %g", name, e, (double)u[e], (double)v[e]);
            y_checked += (size_t)y_col;
            z_moved += !y_col && u[e] != v[e];
        }
        free(u);
        free(v);
    }
    ck_assert_uint_gt(y_checked, 0);
    ck_assert_uint_gt(z_moved, 0);
    aae_model_free(a);
    aae_model_free(b);
}
END_TEST

Suite *suite_zdisc_sees_y(void)
{
    Suite *s = suite_create("zdisc_sees_y");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, the_option_needs_a_y_head_and_an_adversarial_z);
    tcase_add_test(tc, the_z_discriminator_reads_z_and_a_one_hot);
    tcase_add_test(tc, real_and_fake_rows);
    tcase_add_test(tc, zero_one_hot_weights_give_the_plain_step);
    tcase_add_test(tc, no_gradient_reaches_y_through_the_one_hot);
    suite_add_tcase(s, tc);
    return s;
}
