/* The model builder: every preset trains on synthetic blobs to a stated
 * metric; presets equal option-by-option builds; invalid combinations and
 * bad arguments are refused; inference is reentrant. */
#include <pthread.h>
#include <string.h>

#include "core/alloc.h"
#include "model_fixture.h"

enum { N = 256, B = 32 };

static float X[N * MF_WIDTH];
static int32_t Y[N];

static void setup(void) { mf_blobs(X, Y, N, 1); }

/* Trains `steps` steps over the blobs; the labelled batch is rows 0..7. */
static void train(aae_model *m, int steps, uint64_t first)
{
    for (int s = 0; s < steps; s++) {
        size_t off = (size_t)(s % (N / B)) * B;
        TU_ASSERT_OK(aae_model_train_step(m, X + off * MF_WIDTH, Y + off, B, X, Y, 8,
                                          first + (uint64_t)s, NULL));
    }
}

static aae_model *small_model(aae_preset p)
{
    aae_builder *b = mf_builder(p);
    ck_assert_ptr_nonnull(b);
    for (int q = 0; q < 5; q++) TU_ASSERT_OK(aae_builder_set_optimizer_param(b, (aae_part)q, AAE_OPT_LR, 1e-3));
    aae_model *m;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_builder_free(b);
    return m;
}

static double recon_mse(const aae_model *m)
{
    static float rec[N * MF_WIDTH];
    TU_ASSERT_OK(aae_model_reconstruct(m, X, Y, N, rec, NULL, 0));
    double s = 0;
    for (size_t i = 0; i < N * MF_WIDTH; i++) s += (rec[i] - X[i]) * (double)(rec[i] - X[i]);
    return s / (N * MF_WIDTH);
}

/* Fraction of rows whose cluster's majority label is their own. */
static double cluster_accuracy(const aae_model *m)
{
    int32_t cl[N];
    int counts[64][MF_CLASSES] = {{0}};
    double k;
    TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_CLASSES, &k));
    TU_ASSERT_OK(aae_model_classify(m, X, N, cl, NULL, NULL, 0));
    for (int i = 0; i < N; i++) counts[cl[i]][Y[i]]++;
    int ok = 0;
    for (int c = 0; c < (int)k; c++) {
        int best = 0;
        for (int j = 0; j < MF_CLASSES; j++) best = counts[c][j] > best ? counts[c][j] : best;
        ok += best;
    }
    return ok / (double)N;
}

static double class_accuracy(const aae_model *m)
{
    int32_t cl[N];
    int ok = 0;
    TU_ASSERT_OK(aae_model_classify(m, X, N, cl, NULL, NULL, 0));
    for (int i = 0; i < N; i++) ok += cl[i] == Y[i];
    return ok / (double)N;
}

/* Predicting the per-pixel mean would give MSE 0.12: every preset must
 * reconstruct an order of magnitude better after 600 steps (the paper's
 * recipes 3000). */
START_TEST(every_preset_learns_the_blobs)
{
    static const aae_preset presets[] = {AAE_PRESET_AE, AAE_PRESET_VAE, AAE_PRESET_AAE,
                                         AAE_PRESET_SUPERVISED_AAE, AAE_PRESET_VAE_CLASSIFIER,
                                         AAE_PRESET_CLUSTERING_AAE,
                                         AAE_PRESET_SEMI_SUPERVISED_AAE};
    aae_preset p = presets[_i];
    aae_model *m = small_model(p);
    /* The paper's recipes train with SGD at 0.01 for the reconstruction
     * and fresh input noise on every encoding: slower than Adam. */
    int paper = p == AAE_PRESET_CLUSTERING_AAE || p == AAE_PRESET_SEMI_SUPERVISED_AAE;
    train(m, paper ? 3000 : 600, 0);
    double mse = recon_mse(m);
    ck_assert_msg(mse < 0.012, "preset %d: reconstruction MSE %g", (int)p, mse);
    if (p == AAE_PRESET_VAE_CLASSIFIER || p == AAE_PRESET_SEMI_SUPERVISED_AAE)
        ck_assert_msg(class_accuracy(m) > 0.95, "preset %d: accuracy %g", (int)p, class_accuracy(m));
    if (p == AAE_PRESET_CLUSTERING_AAE)
        ck_assert_msg(cluster_accuracy(m) > 0.95, "clustering accuracy %g", cluster_accuracy(m));
    aae_model_free(m);
}
END_TEST

/* Supervised AAE: decoding one z with each label, block c is brightest
 * under label c — the label chooses the content. (Blobs have no style, so
 * z may still carry the class too: only the label's effect is tested.) */
START_TEST(supervised_aae_label_chooses_content)
{
    aae_model *m = small_model(AAE_PRESET_SUPERVISED_AAE);
    train(m, 600, 0);
    float z[2], out[MF_CLASSES][MF_WIDTH];
    TU_ASSERT_OK(aae_model_encode(m, X, 1, z, NULL, NULL, 0));
    for (int c = 0; c < MF_CLASSES; c++) {
        float onehot[MF_CLASSES] = {0};
        onehot[c] = 1.0f;
        TU_ASSERT_OK(aae_model_decode(m, z, onehot, 1, out[c], NULL, 0));
    }
    for (int blk = 0; blk < MF_CLASSES; blk++) {
        float *o = out[blk];
        double own = o[4 * blk] + o[4 * blk + 1] + o[4 * blk + 2] + o[4 * blk + 3];
        for (int c = 0; c < MF_CLASSES; c++) {
            if (c == blk) continue;
            o = out[c];
            double other = o[4 * blk] + o[4 * blk + 1] + o[4 * blk + 2] + o[4 * blk + 3];
            ck_assert_msg(own > other + 0.4, "block %d: label %d gives %g, its own label %g", blk, c,
                          other / 4, own / 4);
        }
    }
    aae_model_free(m);
}
END_TEST

/* Bits of every output after a few steps: two builds agree iff equal. */
static void fingerprint(aae_model *m, float *out)
{
    train(m, 5, 0);
    TU_ASSERT_OK(aae_model_reconstruct(m, X, Y, 16, out, NULL, 0));
}

/* Models built from a and b train to the same bits. */
static void assert_same_training(const aae_builder *a, const aae_builder *b)
{
    aae_model *ma, *mb;
    TU_ASSERT_OK(aae_builder_build(a, &ma));
    TU_ASSERT_OK(aae_builder_build(b, &mb));
    static float oa[16 * MF_WIDTH], ob[16 * MF_WIDTH];
    fingerprint(ma, oa);
    fingerprint(mb, ob);
    ck_assert(memcmp(oa, ob, sizeof oa) == 0);
    aae_model_free(ma);
    aae_model_free(mb);
}

/* The AAE preset is only defaults: the same model built option by option
 * from the AE preset trains to the same bits. */
START_TEST(preset_equals_option_by_option_build)
{
    aae_builder *a, *b;
    TU_ASSERT_OK(aae_builder_create(&a, AAE_PRESET_AAE));
    TU_ASSERT_OK(aae_builder_create(&b, AAE_PRESET_AE));
    static const struct { aae_option o; double v; } opts[] = {
        {AAE_OPTION_OUTPUT, AAE_OUTPUT_TANH}, {AAE_OPTION_REC_LOSS, AAE_REC_L1},
        {AAE_OPTION_Z_WIDTH, 10}, {AAE_OPTION_POSTERIOR, AAE_POSTERIOR_GAUSSIAN},
        {AAE_OPTION_Z_REGULARIZER, AAE_ZREG_ADVERSARIAL}, {AAE_OPTION_W_REC, 0.999},
        {AAE_OPTION_W_ADV, 0.001}, {AAE_OPTION_W_DISC, 0.5}, {AAE_OPTION_JOINT_GENERATOR, 1}};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) TU_ASSERT_OK(aae_builder_set(b, opts[i].o, opts[i].v));
    for (int p = 0; p < 5; p++) {
        TU_ASSERT_OK(aae_builder_clear_layers(b, (aae_part)p));
        TU_ASSERT_OK(aae_builder_set_optimizer(b, (aae_part)p, AAE_OPTIMIZER_ADAM));
        TU_ASSERT_OK(aae_builder_set_optimizer_param(b, (aae_part)p, AAE_OPT_LR, 2e-4));
        TU_ASSERT_OK(aae_builder_set_optimizer_param(b, (aae_part)p, AAE_OPT_BETA1, 0.5));
    }
    const aae_part parts[3] = {AAE_PART_ENCODER, AAE_PART_DECODER, AAE_PART_Z_DISCRIMINATOR};
    for (int i = 0; i < 3; i++) {
        TU_ASSERT_OK(aae_builder_add_layer(b, parts[i], 512, AAE_ACT_LEAKY_RELU, 0.2f, 0, 0.0f));
        TU_ASSERT_OK(aae_builder_add_layer(b, parts[i], i == 2 ? 256 : 512, AAE_ACT_LEAKY_RELU,
                                           0.2f, i < 2, 0.0f));
    }
    for (int k = 1; k <= AAE_OPTION_SEED; k++) {
        double va, vb;
        TU_ASSERT_OK(aae_builder_get(a, (aae_option)k, &va));
        TU_ASSERT_OK(aae_builder_get(b, (aae_option)k, &vb));
        ck_assert_msg(va == vb, "option %d: preset %g, by hand %g", k, va, vb);
    }
    /* Shrink both the same way so the test stays fast. */
    TU_ASSERT_OK(aae_builder_set(a, AAE_OPTION_INPUT_WIDTH, MF_WIDTH));
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, MF_WIDTH));
    assert_same_training(a, b);
    aae_builder_free(a);
    aae_builder_free(b);
}
END_TEST

/* Each conflicting combination is refused naming the options involved. */
START_TEST(invalid_combinations_are_refused)
{
    static const struct {
        aae_preset preset;
        aae_option o;
        double v;
        const char *names;
    } cases[] = {
        {AAE_PRESET_AE, AAE_OPTION_Z_REGULARIZER, AAE_ZREG_KL, "AAE_OPTION_POSTERIOR"},
        {AAE_PRESET_AE, AAE_OPTION_DECODER_INPUT, AAE_DECODE_Z_Y, "AAE_OPTION_Y_HEAD"},
        {AAE_PRESET_AE, AAE_OPTION_Y_ADVERSARIAL, 1, "AAE_OPTION_Y_HEAD"},
        {AAE_PRESET_AE, AAE_OPTION_Y_SUPERVISED, AAE_SUPERVISE_PHASE, "AAE_OPTION_Y_HEAD"},
        {AAE_PRESET_AE, AAE_OPTION_DETACH_Y, 1, "AAE_OPTION_DECODER_INPUT"},
        {AAE_PRESET_AAE, AAE_OPTION_Z_PRIOR, AAE_PRIOR_MIXTURE, "AAE_OPTION_Z_WIDTH"},
        {AAE_PRESET_AE, AAE_OPTION_PRIOR_LABEL_GUIDED, 1, "AAE_OPTION_Z_PRIOR"},
        {AAE_PRESET_AE, AAE_OPTION_REC_LOSS, AAE_REC_BCE, "AAE_OPTION_OUTPUT"},
        {AAE_PRESET_AE, AAE_OPTION_JOINT_GENERATOR, 1, "AAE_OPTION_JOINT_GENERATOR"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aae_builder *b;
        aae_model *m = NULL;
        TU_ASSERT_OK(aae_builder_create(&b, cases[i].preset));
        TU_ASSERT_OK(aae_builder_set(b, cases[i].o, cases[i].v));
        if (cases[i].o == AAE_OPTION_REC_LOSS) TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_OUTPUT, AAE_OUTPUT_TANH));
        ck_assert_int_eq(aae_builder_build(b, &m), AAE_ERR_INVALID_ARGUMENT);
        ck_assert_ptr_null(m);
        ck_assert_msg(strstr(aae_last_error(), cases[i].names) != NULL, "case %zu: '%s'", i,
                      aae_last_error());
        ck_assert_msg(strncmp(aae_last_error(), "aae_builder_build: ", 19) == 0, "'%s'", aae_last_error());
        aae_builder_free(b);
    }
    /* Single values out of range are refused by the setter itself. */
    aae_builder *b;
    TU_ASSERT_OK(aae_builder_create(&b, AAE_PRESET_AE));
    ck_assert_int_eq(aae_builder_set(b, AAE_OPTION_Z_WIDTH, 0), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_str_eq(aae_last_error(), "aae_builder_set: AAE_OPTION_Z_WIDTH = 0 is outside [1, 65536]");
    ck_assert_int_eq(aae_builder_set(b, AAE_OPTION_Z_WIDTH, 2.5), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_set(b, AAE_OPTION_CLASSES, 1), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_set(b, (aae_option)999, 1), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_set(b, AAE_OPTION_W_REC, NAN), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_add_layer(b, (aae_part)9, 4, AAE_ACT_RELU, 0, 0, 0), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_add_layer(b, AAE_PART_ENCODER, 0, AAE_ACT_RELU, 0, 0, 0), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_create(NULL, AAE_PRESET_AE), AAE_ERR_INVALID_ARGUMENT);
    aae_builder *none = NULL;
    ck_assert_int_eq(aae_builder_create(&none, (aae_preset)42), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(none);
    aae_builder_free(b);
    aae_builder_free(NULL);
    aae_model_free(NULL);
}
END_TEST

START_TEST(train_step_refuses_bad_input)
{
    aae_model *m = small_model(AAE_PRESET_SUPERVISED_AAE);
    float bad[2 * MF_WIDTH];
    memcpy(bad, X, sizeof bad);
    bad[MF_WIDTH + 3] = NAN;
    int32_t labels[2] = {0, 1}, wrong[2] = {0, 7};
    ck_assert_int_eq(aae_model_train_step(m, bad, labels, 2, NULL, NULL, 0, 0, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "row 1"));
    ck_assert_int_eq(aae_model_train_step(m, X, NULL, 2, NULL, NULL, 0, 0, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "labels"));
    ck_assert_int_eq(aae_model_train_step(m, X, wrong, 2, NULL, NULL, 0, 0, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "row 1"));
    ck_assert_int_eq(aae_model_train_step(m, X, labels, 0, NULL, NULL, 0, 0, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_model_train_step(NULL, X, labels, 2, NULL, NULL, 0, 0, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_model_train_step(m, X, labels, SIZE_MAX, NULL, NULL, 0, 0, NULL), AAE_ERR_INVALID_ARGUMENT);
    /* Batch norm in the encoder needs two rows in training. */
    ck_assert_int_eq(aae_model_train_step(m, X, labels, 1, NULL, NULL, 0, 0, NULL), AAE_OK);
    float z[2], out[MF_WIDTH];
    ck_assert_int_eq(aae_model_decode(m, z, NULL, 1, out, NULL, 0), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_model_classify(m, X, 1, labels, NULL, NULL, 0), AAE_ERR_INVALID_ARGUMENT);
    float small[4];
    ck_assert_int_eq(aae_model_encode(m, X, 1, z, NULL, small, 4), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "scratch"));
    aae_model_free(m);
}
END_TEST

/* Labels are validated against the classes only where the model reads them
 * as classes: a clustering model with fewer clusters than the data has
 * digits trains on the labelled data it is given. */
START_TEST(labels_are_checked_only_where_read)
{
    aae_model *m = small_model(AAE_PRESET_CLUSTERING_AAE); /* K = MF_CLASSES */
    int32_t many[4] = {0, 9, 5, -1}, negative[4] = {0, 1, -2, 3};
    ck_assert_int_eq(aae_model_train_step(m, X, many, 4, NULL, NULL, 0, 0, NULL), AAE_OK);
    float x[4 * MF_WIDTH];
    ck_assert_int_eq(aae_model_generate(m, 4, 1, many, x, NULL, 0), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "row 1"));
    aae_model_free(m);
    m = small_model(AAE_PRESET_VAE_CLASSIFIER); /* joint cross-entropy reads them */
    ck_assert_int_eq(aae_model_train_step(m, X, many, 4, NULL, NULL, 0, 0, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "row 1"));
    ck_assert_int_eq(aae_model_train_step(m, X, negative, 4, NULL, NULL, 0, 0, NULL), AAE_ERR_INVALID_ARGUMENT);
    aae_model_free(m);
}
END_TEST

/* sample_prior draws the codes generate decodes: decoding them by hand
 * gives generate's output. */
START_TEST(sample_prior_is_what_generate_decodes)
{
    aae_model *m = small_model(AAE_PRESET_SUPERVISED_AAE);
    int32_t labels[3] = {2, 0, 3};
    float z[3 * 2], c[3 * MF_CLASSES] = {0}, by_hand[3 * MF_WIDTH], generated[3 * MF_WIDTH];
    TU_ASSERT_OK(aae_model_sample_prior(m, 3, 42, labels, z));
    for (int i = 0; i < 3; i++) c[i * MF_CLASSES + labels[i]] = 1.0f;
    TU_ASSERT_OK(aae_model_decode(m, z, c, 3, by_hand, NULL, 0));
    TU_ASSERT_OK(aae_model_generate(m, 3, 42, labels, generated, NULL, 0));
    ck_assert(memcmp(by_hand, generated, sizeof by_hand) == 0);
    ck_assert_int_eq(aae_model_sample_prior(m, 3, 42, NULL, NULL), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_model_sample_prior(m, 0, 42, NULL, z), AAE_ERR_INVALID_ARGUMENT);
    aae_model_free(m);
}
END_TEST

START_TEST(divergence_is_reported)
{
    aae_builder *b = mf_builder(AAE_PRESET_AE);
    for (int q = 0; q < 5; q++) {
        TU_ASSERT_OK(aae_builder_set_optimizer(b, (aae_part)q, AAE_OPTIMIZER_SGD));
        TU_ASSERT_OK(aae_builder_set_optimizer_param(b, (aae_part)q, AAE_OPT_LR, 1e5));
    }
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_OUTPUT, AAE_OUTPUT_LINEAR));
    aae_model *m;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_status st = AAE_OK;
    for (int s = 0; s < 50 && st == AAE_OK; s++)
        st = aae_model_train_step(m, X, Y, B, NULL, NULL, 0, (uint64_t)s, NULL);
    ck_assert_int_eq(st, AAE_ERR_DIVERGED);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "diverged"));
    aae_model_free(m);
    aae_builder_free(b);
}
END_TEST

/* Steady-state training allocates nothing. */
START_TEST(train_step_allocates_nothing_after_warmup)
{
    aae_model *m = small_model(AAE_PRESET_SEMI_SUPERVISED_AAE);
    train(m, 2, 0);
    unsigned long before = aaei_alloc_count();
    train(m, 20, 2);
    ck_assert_uint_eq(aaei_alloc_count(), before);
    aae_model_free(m);
}
END_TEST

/* With caller scratch, no inference call allocates. */
START_TEST(inference_with_scratch_allocates_nothing)
{
    aae_model *m = small_model(AAE_PRESET_SUPERVISED_AAE);
    train(m, 4, 0);
    size_t need = aae_model_scratch(m, 16);
    float *s = malloc(need * sizeof *s), z[16 * 2], out[16 * MF_WIDTH];
    float onehot[16 * MF_CLASSES] = {0};
    for (int r = 0; r < 16; r++) onehot[r * MF_CLASSES + r % MF_CLASSES] = 1.0f;
    unsigned long before = aaei_alloc_count();
    TU_ASSERT_OK(aae_model_encode(m, X, 16, z, NULL, s, need));
    TU_ASSERT_OK(aae_model_decode(m, z, onehot, 16, out, s, need));
    TU_ASSERT_OK(aae_model_reconstruct(m, X, Y, 16, out, s, need));
    TU_ASSERT_OK(aae_model_generate(m, 16, 3, Y, out, s, need));
    ck_assert_uint_eq(aaei_alloc_count(), before);
    free(s);
    aae_model_free(m);
}
END_TEST

typedef struct {
    const aae_model *m;
    float z[N * 16], y[N * 16];
} encode_job;

static void *encode_thread(void *arg)
{
    encode_job *j = arg;
    for (int rep = 0; rep < 20; rep++)
        if (aae_model_encode(j->m, X, N, j->z, j->y, NULL, 0) != AAE_OK) return arg;
    return NULL;
}

START_TEST(inference_is_reentrant)
{
    aae_model *m = small_model(AAE_PRESET_CLUSTERING_AAE);
    train(m, 20, 0);
    static encode_job jobs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        jobs[i].m = m;
        ck_assert_int_eq(pthread_create(&th[i], NULL, encode_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        void *ret;
        pthread_join(th[i], &ret);
        ck_assert_ptr_null(ret);
    }
    for (int i = 1; i < 4; i++) {
        ck_assert(memcmp(jobs[0].z, jobs[i].z, sizeof jobs[0].z) == 0);
        ck_assert(memcmp(jobs[0].y, jobs[i].y, sizeof jobs[0].y) == 0);
    }
    aae_model_free(m);
}
END_TEST

/* Copies everything a builder holds into a builder of another preset
 * through the public getters and setters. */
/* Phase ph's own optimizer and milestones, from `from` into `to`. */
static void copy_phase(const aae_builder *from, aae_builder *to, aae_phase ph)
{
    aae_optimizer_kind kind;
    uint64_t ms[AAE_MAX_MILESTONES];
    size_t n;
    double gamma;
    TU_ASSERT_OK(aae_builder_get_phase_optimizer(from, ph, &kind));
    TU_ASSERT_OK(aae_builder_set_phase_optimizer(to, ph, kind));
    for (int q = AAE_OPT_LR; kind != AAE_OPTIMIZER_PART && q <= AAE_OPT_EPS; q++) {
        double v;
        if (aae_builder_get_phase_optimizer_param(from, ph, (aae_optimizer_param)q, &v) == AAE_OK)
            TU_ASSERT_OK(aae_builder_set_phase_optimizer_param(to, ph, (aae_optimizer_param)q, v));
    }
    TU_ASSERT_OK(aae_builder_get_phase_milestones(from, ph, ms, AAE_MAX_MILESTONES, &n, &gamma));
    TU_ASSERT_OK(aae_builder_set_phase_milestones(to, ph, ms, n, gamma));
}

static void copy_builder(const aae_builder *from, aae_builder *to)
{
    for (int ph = 0; ph < 5; ph++) copy_phase(from, to, (aae_phase)ph);
    for (int k = 1; k <= AAE_OPTION_Z_DISC_SEES_Y; k++) {
        double v;
        TU_ASSERT_OK(aae_builder_get(from, (aae_option)k, &v));
        TU_ASSERT_OK(aae_builder_set(to, (aae_option)k, v));
    }
    for (int p = 0; p < 5; p++) {
        size_t n, width;
        aae_activation act;
        float slope, dropout;
        int bn;
        aae_optimizer_kind kind;
        TU_ASSERT_OK(aae_builder_clear_layers(to, (aae_part)p));
        TU_ASSERT_OK(aae_builder_layer_count(from, (aae_part)p, &n));
        for (size_t i = 0; i < n; i++) {
            TU_ASSERT_OK(aae_builder_get_layer(from, (aae_part)p, i, &width, &act, &slope, &bn, &dropout));
            TU_ASSERT_OK(aae_builder_add_layer(to, (aae_part)p, width, act, slope, bn, dropout));
        }
        TU_ASSERT_OK(aae_builder_get_optimizer(from, (aae_part)p, &kind));
        TU_ASSERT_OK(aae_builder_set_optimizer(to, (aae_part)p, kind));
        for (int q = AAE_OPT_LR; q <= AAE_OPT_EPS; q++) {
            double v;
            if (aae_builder_get_optimizer_param(from, (aae_part)p, (aae_optimizer_param)q, &v) == AAE_OK)
                TU_ASSERT_OK(aae_builder_set_optimizer_param(to, (aae_part)p, (aae_optimizer_param)q, v));
        }
    }
}

/* Every preset is only defaults: rebuilt from another preset by setting
 * its options one by one, it trains to the same bits. */
START_TEST(every_preset_equals_its_options)
{
    aae_preset p = (aae_preset)(_i + 1), other = p == AAE_PRESET_AE ? AAE_PRESET_CLUSTERING_AAE : AAE_PRESET_AE;
    aae_builder *a = mf_builder(p), *b;
    TU_ASSERT_OK(aae_builder_create(&b, other));
    copy_builder(a, b);
    assert_same_training(a, b);
    aae_builder_free(a);
    aae_builder_free(b);
}
END_TEST

/* What is reproducible (docs/design.md): the same call on the same rows
 * gives the same bits; a row computed alone, or in a batch of another
 * size, agrees with the same row in a batch to |a - b| <= 1e-5 (1 + |b|)
 * (BLAS sums in an order chosen per shape, and one row is a matrix-vector
 * product), not bit for bit. */
enum { CONTRACT_ROWS = 16, CONTRACT_SLICE = 5 };

/* Encodes (z, and y where the model has a y head) and reconstructs rows
 * [first, first + rows) of the blobs into z, y and rec at the same offsets. */
static void infer_rows(const aae_model *m, size_t first, size_t rows, float *z, float *y, float *rec)
{
    double yhead, zw, k;
    TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_Y_HEAD, &yhead));
    TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_Z_WIDTH, &zw));
    TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_CLASSES, &k));
    TU_ASSERT_OK(aae_model_encode(m, X + first * MF_WIDTH, rows, z + first * (size_t)zw,
                                  yhead != AAE_Y_NONE ? y + first * (size_t)k : NULL, NULL, 0));
    TU_ASSERT_OK(aae_model_reconstruct(m, X + first * MF_WIDTH, Y + first, rows, rec + first * MF_WIDTH, NULL, 0));
}

static void assert_within_contract(const float *got, const float *want, size_t n)
{
    for (size_t i = 0; i < n; i++) TU_ASSERT_CLOSE(got[i], want[i], 1e-5, 1e-5, i);
}

START_TEST(rows_agree_across_batch_shapes)
{
    aae_model *m = small_model((aae_preset)(_i + 1));
    train(m, 20, 0);
    enum { N_OUT = CONTRACT_ROWS * 64 }; /* room for z, y or a reconstruction */
    static float z[3][N_OUT], y[3][N_OUT], rec[3][N_OUT], again[3][N_OUT];
    infer_rows(m, 0, CONTRACT_ROWS, z[0], y[0], rec[0]);
    infer_rows(m, 0, CONTRACT_ROWS, again[0], again[1], again[2]);
    ck_assert(memcmp(again[0], z[0], sizeof z[0]) == 0); /* same shape: same bits */
    ck_assert(memcmp(again[1], y[0], sizeof y[0]) == 0);
    ck_assert(memcmp(again[2], rec[0], sizeof rec[0]) == 0);
    for (size_t r = 0; r < CONTRACT_ROWS; r++) infer_rows(m, r, 1, z[1], y[1], rec[1]);
    for (size_t r = 0; r < CONTRACT_ROWS; r += CONTRACT_SLICE)
        infer_rows(m, r, r + CONTRACT_SLICE <= CONTRACT_ROWS ? CONTRACT_SLICE : CONTRACT_ROWS - r, z[2], y[2], rec[2]);
    double zw, k;
    TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_Z_WIDTH, &zw));
    TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_CLASSES, &k));
    size_t zn = CONTRACT_ROWS * (size_t)zw, yn = CONTRACT_ROWS * (size_t)k;
    for (int s = 1; s < 3; s++) {
        assert_within_contract(z[s], z[0], zn);
        assert_within_contract(y[s], y[0], yn);
        assert_within_contract(rec[s], rec[0], CONTRACT_ROWS * MF_WIDTH);
    }
    aae_model_free(m);
}
END_TEST

/* Inference refuses a non-finite input, naming it, and writes nothing. */
START_TEST(inference_refuses_non_finite_inputs)
{
    aae_model *m = small_model(AAE_PRESET_SEMI_SUPERVISED_AAE);
    static float x[4 * MF_WIDTH], out[4 * 64];
    memcpy(x, X, sizeof x);
    x[1 * MF_WIDTH + 3] = NAN;
    for (size_t i = 0; i < 4 * 64; i++) out[i] = 7.0f;
    int32_t cls[4] = {9, 9, 9, 9};
    ck_assert_int_eq(aae_model_encode(m, x, 4, out, NULL, NULL, 0), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "aae_model_encode: row 1 column 3 is nan"));
    ck_assert_int_eq(aae_model_reconstruct(m, x, Y, 4, out, NULL, 0), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_model_classify(m, x, 4, cls, NULL, NULL, 0), AAE_ERR_INVALID_ARGUMENT);
    float z[4 * 64] = {0}, c[4 * MF_CLASSES] = {0};
    z[2] = INFINITY;
    ck_assert_int_eq(aae_model_decode(m, z, c, 4, out, NULL, 0), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "row 0 column 2 is inf"));
    z[2] = 0.0f;
    c[5] = -INFINITY;
    ck_assert_int_eq(aae_model_decode(m, z, c, 4, out, NULL, 0), AAE_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < 4 * 64; i++) ck_assert(out[i] == 7.0f);
    for (int i = 0; i < 4; i++) ck_assert_int_eq(cls[i], 9);
    aae_model_free(m);
}
END_TEST

/* log q(y|x) is the log of classify's probabilities (where those are
 * exact), its argmax is classify's class; refused calls write nothing. */
START_TEST(class_log_probs_agree_with_classify)
{
    aae_model *m = small_model(AAE_PRESET_CLUSTERING_AAE), *ae = small_model(AAE_PRESET_AE);
    train(m, 20, 0);
    double kd;
    TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_CLASSES, &kd));
    size_t k = (size_t)kd;
    static float p[N * 64], lp[N * 64], x[4 * MF_WIDTH];
    int32_t cls[N];
    TU_ASSERT_OK(aae_model_classify(m, X, N, cls, p, NULL, 0));
    TU_ASSERT_OK(aae_model_class_log_probs(m, X, N, lp, NULL, 0));
    for (size_t r = 0; r < N; r++) {
        size_t top = 0;
        for (size_t c = 0; c < k; c++) {
            ck_assert(lp[r * k + c] <= 0.0f);
            ck_assert_float_eq_tol(expf(lp[r * k + c]), p[r * k + c], 1e-6f);
            top = lp[r * k + c] > lp[r * k + top] ? c : top;
        }
        ck_assert_int_eq((int)top, cls[r]);
    }
    for (size_t i = 0; i < N * 64; i++) lp[i] = 7.0f;
    ck_assert_int_eq(aae_model_class_log_probs(ae, X, N, lp, NULL, 0), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "aae_model_class_log_probs: the model has no y head"));
    memcpy(x, X, sizeof x);
    x[2 * MF_WIDTH] = NAN;
    ck_assert_int_eq(aae_model_class_log_probs(m, x, 4, lp, NULL, 0), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_model_class_log_probs(m, X, 4, NULL, NULL, 0), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_model_class_log_probs(m, X, 4, lp, lp + 8, 3), AAE_ERR_INVALID_ARGUMENT);
    for (size_t i = 0; i < 8; i++) ck_assert(lp[i] == 7.0f);
    aae_model_free(ae);
    aae_model_free(m);
}
END_TEST

/* The losses and metrics buffers hold exactly their frozen capacities
 * (AAE_SLOT_COUNT, AAE_METRIC_COUNT): every element is written, and not one
 * past them (callers built against the 0.1 header size them so). */
START_TEST(buffers_are_written_to_their_frozen_capacity)
{
    ck_assert_int_eq(AAE_SLOT_COUNT, 7);
    ck_assert_int_eq(AAE_METRIC_COUNT, 5);
    aae_model *m = small_model(AAE_PRESET_SEMI_SUPERVISED_AAE);
    float losses[AAE_SLOT_COUNT + 1];
    for (int k = 0; k <= AAE_SLOT_COUNT; k++) losses[k] = -1.0f;
    TU_ASSERT_OK(aae_model_train_step(m, X, Y, B, X, Y, 8, 0, losses));
    for (int k = 0; k < AAE_SLOT_COUNT; k++) ck_assert_msg(losses[k] >= 0.0f, "slot %d not written", k);
    ck_assert_float_eq(losses[AAE_SLOT_COUNT], -1.0f);
    aae_dataset *ds;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, N, MF_WIDTH, AAE_BORROW));
    double metrics[AAE_METRIC_COUNT + 1];
    for (int k = 0; k <= AAE_METRIC_COUNT; k++) metrics[k] = -1.0;
    TU_ASSERT_OK(aae_model_evaluate(m, ds, metrics));
    for (int k = 0; k < AAE_METRIC_COUNT; k++) ck_assert_msg(metrics[k] != -1.0, "metric %d not written", k);
    ck_assert_double_eq(metrics[AAE_METRIC_COUNT], -1.0);
    aae_dataset_free(ds);
    aae_model_free(m);
}
END_TEST

Suite *suite_model(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("model");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, every_preset_learns_the_blobs, 0, 7);
    tcase_add_test(tc, supervised_aae_label_chooses_content);
    tcase_add_test(tc, preset_equals_option_by_option_build);
    tcase_add_loop_test(tc, every_preset_equals_its_options, 0, 7);
    tcase_add_loop_test(tc, rows_agree_across_batch_shapes, 0, 7);
    tcase_add_test(tc, inference_refuses_non_finite_inputs);
    tcase_add_test(tc, invalid_combinations_are_refused);
    tcase_add_test(tc, train_step_refuses_bad_input);
    tcase_add_test(tc, labels_are_checked_only_where_read);
    tcase_add_test(tc, sample_prior_is_what_generate_decodes);
    tcase_add_test(tc, divergence_is_reported);
    tcase_add_test(tc, train_step_allocates_nothing_after_warmup);
    tcase_add_test(tc, inference_is_reentrant);
    tcase_add_test(tc, class_log_probs_agree_with_classify);
    tcase_add_test(tc, inference_with_scratch_allocates_nothing);
    tcase_add_test(tc, buffers_are_written_to_their_frozen_capacity);
    suite_add_tcase(s, tc);
    return s;
}
