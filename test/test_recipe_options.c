/* The options the paper's recipes need: noise and dropout on the encoder's
 * input in training, batch norm on the encoder's output heads, and N(0,
 * sigma) initialization. */
#include <math.h>
#include <string.h>

#include "model_fixture.h"

enum { ROWS = 32 };

static float X[ROWS * MF_WIDTH];
static int32_t Y[ROWS];

static void setup(void) { mf_blobs(X, Y, ROWS, 5); }

static aae_model *model(aae_preset preset, aae_option option, double value)
{
    aae_builder *b = mf_builder(preset);
    ck_assert_ptr_nonnull(b);
    if (option) TU_ASSERT_OK(aae_builder_set(b, option, value));
    aae_model *m = NULL;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_builder_free(b);
    return m;
}

static size_t tensor_floats(const aae_model *m, float **out)
{
    size_t n, total = 0;
    TU_ASSERT_OK(aae_model_tensor_count(m, &n));
    for (size_t i = 0; i < n; i++) {
        size_t r, c;
        TU_ASSERT_OK(aae_model_tensor_info(m, i, NULL, &r, &c));
        total += r * c;
    }
    float *all = malloc(total * sizeof *all), *p = all;
    for (size_t i = 0; i < n; i++) {
        size_t r, c;
        TU_ASSERT_OK(aae_model_tensor_info(m, i, NULL, &r, &c));
        TU_ASSERT_OK(aae_model_tensor_get(m, i, p, r * c));
        p += r * c;
    }
    *out = all;
    return total;
}

static int same_state(const aae_model *a, const aae_model *b)
{
    float *u, *v;
    size_t n = tensor_floats(a, &u), k = tensor_floats(b, &v);
    int same = n == k && memcmp(u, v, n * sizeof *u) == 0;
    free(u);
    free(v);
    return same;
}

static void step(aae_model *m, uint64_t s, float *losses)
{
    TU_ASSERT_OK(aae_model_train_step(m, X, Y, ROWS, X, Y, 8, s, losses));
}

/* Noise and dropout on x: the same initialization and tensors as without,
 * other training, inference untouched, and the reconstruction target
 * clean. */
START_TEST(input_corruption_changes_training_only)
{
    static const aae_option corruptions[] = {AAE_OPTION_INPUT_NOISE, AAE_OPTION_INPUT_DROPOUT};
    static const aae_preset presets[] = {AAE_PRESET_AE, AAE_PRESET_SEMI_SUPERVISED_AAE, AAE_PRESET_VAE_CLASSIFIER};
    for (size_t p = 0; p < 3; p++)
        for (size_t k = 0; k < 2; k++) {
            aae_model *plain = model(presets[p], corruptions[k], 0.0), *noisy = model(presets[p], corruptions[k], 0.3);
            ck_assert(same_state(plain, noisy));
            float z0[ROWS * 64], z1[ROWS * 64];
            TU_ASSERT_OK(aae_model_encode(plain, X, ROWS, z0, NULL, NULL, 0));
            TU_ASSERT_OK(aae_model_encode(noisy, X, ROWS, z1, NULL, NULL, 0));
            double zw;
            TU_ASSERT_OK(aae_model_get(plain, AAE_OPTION_Z_WIDTH, &zw));
            ck_assert(memcmp(z0, z1, ROWS * (size_t)zw * sizeof *z0) == 0);
            float l0[AAE_SLOT_COUNT], l1[AAE_SLOT_COUNT];
            step(plain, 0, l0);
            step(noisy, 0, l1);
            ck_assert_msg(!same_state(plain, noisy), "preset %d option %d", (int)presets[p], (int)corruptions[k]);
            /* The same seed gives the same corruption. */
            aae_model *again = model(presets[p], corruptions[k], 0.3);
            step(again, 0, l0);
            ck_assert(same_state(noisy, again));
            aae_model_free(again);
            aae_model_free(plain);
            aae_model_free(noisy);
        }
}
END_TEST

/* A trained AE measured with a learning rate of 0: noise of std 0.5 on its
 * input costs some reconstruction, but far less than the 0.25 per pixel a
 * noisy target would cost. */
START_TEST(the_reconstruction_target_stays_clean)
{
    aae_model *trained = model(AAE_PRESET_AE, 0, 0);
    for (uint64_t s = 0; s < 300; s++) step(trained, s, NULL);
    float *t;
    tensor_floats(trained, &t);
    float losses[2][AAE_SLOT_COUNT];
    for (int i = 0; i < 2; i++) {
        aae_builder *b = mf_builder(AAE_PRESET_AE);
        TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_INPUT_NOISE, i ? 0.5 : 0.0));
        for (int p = 0; p < 2; p++) TU_ASSERT_OK(aae_builder_set_optimizer_param(b, (aae_part)p, AAE_OPT_LR, 0.0));
        aae_model *m;
        TU_ASSERT_OK(aae_builder_build(b, &m));
        size_t n, at = 0;
        TU_ASSERT_OK(aae_model_tensor_count(m, &n));
        for (size_t k = 0; k < n; k++) {
            size_t r, c;
            TU_ASSERT_OK(aae_model_tensor_info(m, k, NULL, &r, &c));
            TU_ASSERT_OK(aae_model_tensor_set(m, k, t + at, r * c));
            at += r * c;
        }
        step(m, 1000, losses[i]);
        aae_model_free(m);
        aae_builder_free(b);
    }
    float clean = losses[0][AAE_SLOT_REC], noisy = losses[1][AAE_SLOT_REC];
    ck_assert_msg(clean < 0.02f && noisy > clean && noisy < 0.2f, "clean %g, noisy %g", (double)clean,
                  (double)noisy);
    free(t);
    aae_model_free(trained);
}
END_TEST

/* Head batch norm: encoder (and a separate classifier) end in BN, whose
 * running statistics follow the heads' outputs; a 1-row step is refused. */
START_TEST(head_batchnorm_normalizes_the_codes)
{
    aae_model *m = model(AAE_PRESET_SEMI_SUPERVISED_AAE, AAE_OPTION_HEAD_BATCHNORM, 1);
    size_t n;
    TU_ASSERT_OK(aae_model_tensor_count(m, &n));
    const char *last_enc = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *name;
        TU_ASSERT_OK(aae_model_tensor_info(m, i, &name, NULL, NULL));
        if (!strncmp(name, "encoder.", 8)) last_enc = name;
    }
    ck_assert_ptr_nonnull(strstr(last_enc, "running_var"));
    ck_assert_int_eq(aae_model_train_step(m, X, Y, 1, NULL, NULL, 0, 0, NULL), AAE_ERR_INVALID_ARGUMENT);
    /* Weight 1, bias 0 and batch statistics: in training mode each code
     * column of a batch has mean 0; after many steps with momentum 1 the
     * running mean is the last batch's, so inference codes centre too. */
    aae_builder *b = mf_builder(AAE_PRESET_AE);
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_HEAD_BATCHNORM, 1));
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_BN_MOMENTUM, 1.0));
    for (int p = 0; p < 2; p++) TU_ASSERT_OK(aae_builder_set_optimizer_param(b, (aae_part)p, AAE_OPT_LR, 0.0));
    aae_model *ae;
    TU_ASSERT_OK(aae_builder_build(b, &ae));
    TU_ASSERT_OK(aae_model_train_step(ae, X, NULL, ROWS, NULL, NULL, 0, 0, NULL));
    float z[ROWS * 2];
    TU_ASSERT_OK(aae_model_encode(ae, X, ROWS, z, NULL, NULL, 0));
    for (int j = 0; j < 2; j++) {
        double mean = 0, var = 0;
        for (int r = 0; r < ROWS; r++) mean += z[r * 2 + j] / ROWS;
        for (int r = 0; r < ROWS; r++) var += (z[r * 2 + j] - mean) * (z[r * 2 + j] - mean) / ROWS;
        ck_assert_msg(fabs(mean) < 1e-4 && fabs(var - 1.0) < 0.05, "column %d: mean %g var %g", j, mean, var);
    }
    aae_model_free(ae);
    aae_builder_free(b);
    aae_model_free(m);
}
END_TEST

START_TEST(init_std_draws_normal_weights_and_zero_biases)
{
    aae_model *m = model(AAE_PRESET_AE, AAE_OPTION_INIT_STD, 0.01);
    size_t n;
    TU_ASSERT_OK(aae_model_tensor_count(m, &n));
    for (size_t i = 0; i < n; i++) {
        const char *name;
        size_t r, c;
        TU_ASSERT_OK(aae_model_tensor_info(m, i, &name, &r, &c));
        float *t = malloc(r * c * sizeof *t);
        TU_ASSERT_OK(aae_model_tensor_get(m, i, t, r * c));
        double s = 0, ss = 0;
        for (size_t j = 0; j < r * c; j++) s += t[j], ss += (double)t[j] * t[j];
        if (strstr(name, "bias")) {
            ck_assert_msg(ss == 0.0, "%s", name);
        } else if (strstr(name, "weight") && r * c >= 400) {
            double sd = sqrt(ss / (double)(r * c) - (s / (double)(r * c)) * (s / (double)(r * c)));
            ck_assert_msg(fabs(sd - 0.01) < 0.001, "%s: std %g", name, sd);
        }
        free(t);
    }
    aae_model_free(m);
}
END_TEST

START_TEST(recipe_options_are_checked_and_saved)
{
    aae_builder *b = mf_builder(AAE_PRESET_CLUSTERING_AAE);
    ck_assert_int_eq(aae_builder_set(b, AAE_OPTION_INPUT_DROPOUT, 1.0), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_set(b, AAE_OPTION_INPUT_NOISE, -0.1), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_set(b, AAE_OPTION_HEAD_BATCHNORM, 0.5), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_set(b, AAE_OPTION_INIT_STD, NAN), AAE_ERR_INVALID_ARGUMENT);
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_INPUT_DROPOUT, 0.2));
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_INPUT_NOISE, 0.1));
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_HEAD_BATCHNORM, 1));
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_INIT_STD, 0.01));
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_Z_DISC_SEES_Y, 1));
    aae_model *m, *back = NULL;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    step(m, 0, NULL);
    size_t n;
    TU_ASSERT_OK(aae_model_save_memory(m, NULL, 0, &n));
    uint8_t *buf = malloc(n);
    TU_ASSERT_OK(aae_model_save_memory(m, buf, n, &n));
    TU_ASSERT_OK(aae_model_load_memory(&back, buf, n));
    static const aae_option opts[] = {AAE_OPTION_INPUT_DROPOUT, AAE_OPTION_INPUT_NOISE, AAE_OPTION_HEAD_BATCHNORM,
                                      AAE_OPTION_INIT_STD, AAE_OPTION_Z_DISC_SEES_Y};
    for (int i = 0; i < 5; i++) {
        double a, c;
        TU_ASSERT_OK(aae_model_get(m, opts[i], &a));
        TU_ASSERT_OK(aae_model_get(back, opts[i], &c));
        ck_assert(a == c && a != 0.0);
    }
    step(m, 1, NULL);
    step(back, 1, NULL);
    ck_assert(same_state(m, back));
    free(buf);
    aae_model_free(back);
    aae_model_free(m);
    aae_builder_free(b);
}
END_TEST

Suite *suite_recipe_options(void)
{
    Suite *s = suite_create("recipe_options");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, input_corruption_changes_training_only);
    tcase_add_test(tc, the_reconstruction_target_stays_clean);
    tcase_add_test(tc, head_batchnorm_normalizes_the_codes);
    tcase_add_test(tc, init_std_draws_normal_weights_and_zero_biases);
    tcase_add_test(tc, recipe_options_are_checked_and_saved);
    suite_add_tcase(s, tc);
    return s;
}
