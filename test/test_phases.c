/* Each training phase with its own optimizer and milestone schedule, and
 * the trainer's per-phase learning-rate callback: a phase's setting
 * changes only that phase, checkpoints keep it, resume stays exact. */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "golden/v1_fixture.h"
#include "model_fixture.h"

enum { ROWS = 64, BATCH = 16 };

static float X[ROWS * MF_WIDTH];
static int32_t Y[ROWS];

static void setup(void) { mf_blobs(X, Y, ROWS, 3); }

/* The semi-supervised preset (every phase) on the blobs, each phase back
 * on its networks' part optimizers, Adam as the parts' (the preset's own
 * phase optimizers are the subject of other tests). */
static aae_builder *semi_builder(void)
{
    aae_builder *b = mf_builder(AAE_PRESET_SEMI_SUPERVISED_AAE);
    ck_assert_ptr_nonnull(b);
    for (int ph = 0; ph < 5; ph++) {
        TU_ASSERT_OK(aae_builder_set_phase_optimizer(b, (aae_phase)ph, AAE_OPTIMIZER_PART));
        TU_ASSERT_OK(aae_builder_set_phase_milestones(b, (aae_phase)ph, NULL, 0, 0.1));
    }
    for (int p = 0; p < 5; p++) {
        int disc = p == AAE_PART_Z_DISCRIMINATOR || p == AAE_PART_Y_DISCRIMINATOR;
        TU_ASSERT_OK(aae_builder_set_optimizer(b, (aae_part)p, AAE_OPTIMIZER_ADAM));
        TU_ASSERT_OK(aae_builder_set_optimizer_param(b, (aae_part)p, AAE_OPT_LR, disc ? 2e-4 : 1e-3));
    }
    return b;
}

static aae_model *build(const aae_builder *b)
{
    aae_model *m = NULL;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    return m;
}

static void steps(aae_model *m, uint64_t n)
{
    for (uint64_t s = 0; s < n; s++)
        TU_ASSERT_OK(aae_model_train_step(m, X + (s % 4) * BATCH * MF_WIDTH, Y + (s % 4) * BATCH, BATCH, X, Y,
                                          8, s, NULL));
}

static uint8_t *saved(const aae_model *m, size_t *n)
{
    TU_ASSERT_OK(aae_model_save_memory(m, NULL, 0, n));
    uint8_t *b = malloc(*n);
    TU_ASSERT_OK(aae_model_save_memory(m, b, *n, n));
    return b;
}

/* 1 if every tensor whose name starts with `prefix` is the same in a and b. */
static int same_tensors(const aae_model *a, const aae_model *b, const char *prefix)
{
    size_t n;
    TU_ASSERT_OK(aae_model_tensor_count(a, &n));
    int same = 1;
    for (size_t i = 0; i < n; i++) {
        const char *name;
        size_t r, c;
        TU_ASSERT_OK(aae_model_tensor_info(a, i, &name, &r, &c));
        if (strncmp(name, prefix, strlen(prefix)) != 0) continue;
        float *u = malloc(r * c * sizeof *u), *v = malloc(r * c * sizeof *v);
        TU_ASSERT_OK(aae_model_tensor_get(a, i, u, r * c));
        TU_ASSERT_OK(aae_model_tensor_get(b, i, v, r * c));
        same &= memcmp(u, v, r * c * sizeof *u) == 0;
        free(u);
        free(v);
    }
    return same;
}

START_TEST(settings_are_checked_and_read_back)
{
    aae_builder *b = semi_builder();
    aae_optimizer_kind kind;
    double v;
    TU_ASSERT_OK(aae_builder_get_phase_optimizer(b, AAE_PHASE_GENERATOR, &kind));
    ck_assert_int_eq(kind, AAE_OPTIMIZER_PART);
    /* A setting needs the phase's own optimizer first. */
    ck_assert_int_eq(aae_builder_set_phase_optimizer_param(b, AAE_PHASE_GENERATOR, AAE_OPT_LR, 0.1),
                     AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "AAE_PHASE_GENERATOR"));
    ck_assert_int_eq(aae_builder_get_phase_optimizer_param(b, AAE_PHASE_GENERATOR, AAE_OPT_LR, &v),
                     AAE_ERR_INVALID_ARGUMENT);
    TU_ASSERT_OK(aae_builder_set_phase_optimizer(b, AAE_PHASE_GENERATOR, AAE_OPTIMIZER_SGD));
    TU_ASSERT_OK(aae_builder_get_phase_optimizer_param(b, AAE_PHASE_GENERATOR, AAE_OPT_LR, &v));
    ck_assert(v == 0.01); /* PyTorch's SGD default */
    TU_ASSERT_OK(aae_builder_set_phase_optimizer_param(b, AAE_PHASE_GENERATOR, AAE_OPT_MOMENTUM, 0.1));
    ck_assert_int_eq(aae_builder_set_phase_optimizer_param(b, AAE_PHASE_GENERATOR, AAE_OPT_BETA1, 0.5),
                     AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_set_phase_optimizer(b, (aae_phase)5, AAE_OPTIMIZER_SGD), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_set_phase_optimizer(b, AAE_PHASE_GENERATOR, (aae_optimizer_kind)9),
                     AAE_ERR_INVALID_ARGUMENT);
    TU_ASSERT_OK(aae_builder_get_phase_optimizer_param(b, AAE_PHASE_GENERATOR, AAE_OPT_MOMENTUM, &v));
    ck_assert(v == 0.1);

    /* Milestones: refused whole, the old schedule kept. */
    uint64_t ms[3] = {50, 1000, 0}, got[4];
    size_t n;
    double gamma;
    TU_ASSERT_OK(aae_builder_set_phase_milestones(b, AAE_PHASE_GENERATOR, ms, 2, 0.1));
    uint64_t bad_order[2] = {50, 50}, zero[1] = {0};
    ck_assert_int_eq(aae_builder_set_phase_milestones(b, AAE_PHASE_GENERATOR, bad_order, 2, 0.1),
                     AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_set_phase_milestones(b, AAE_PHASE_GENERATOR, zero, 1, 0.1),
                     AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_set_phase_milestones(b, AAE_PHASE_GENERATOR, ms, 2, 0.0),
                     AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_set_phase_milestones(b, AAE_PHASE_GENERATOR, ms, AAE_MAX_MILESTONES + 1, 0.1),
                     AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_builder_set_phase_milestones(b, AAE_PHASE_GENERATOR, NULL, 2, 0.1),
                     AAE_ERR_INVALID_ARGUMENT);
    TU_ASSERT_OK(aae_builder_get_phase_milestones(b, AAE_PHASE_GENERATOR, got, 1, &n, &gamma));
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(got[0], 50);
    ck_assert(gamma == 0.1);
    TU_ASSERT_OK(aae_builder_get_phase_milestones(b, AAE_PHASE_GENERATOR, got, 4, &n, NULL));
    ck_assert_uint_eq(got[1], 1000);
    TU_ASSERT_OK(aae_builder_get_phase_milestones(b, AAE_PHASE_RECONSTRUCTION, NULL, 0, &n, &gamma));
    ck_assert_uint_eq(n, 0);

    /* A kind of PART goes back to the parts' optimizers. */
    TU_ASSERT_OK(aae_builder_set_phase_optimizer(b, AAE_PHASE_GENERATOR, AAE_OPTIMIZER_PART));
    TU_ASSERT_OK(aae_builder_get_phase_optimizer(b, AAE_PHASE_GENERATOR, &kind));
    ck_assert_int_eq(kind, AAE_OPTIMIZER_PART);
    /* PART is for phases only. */
    aae_net *net;
    aae_optimizer *o = NULL;
    TU_ASSERT_OK(aae_net_create(&net, 3, 1));
    TU_ASSERT_OK(aae_net_add_dense(net, 2));
    ck_assert_int_ne(aae_optimizer_create(&o, AAE_OPTIMIZER_PART, net), AAE_OK);
    ck_assert_ptr_null(o);
    aae_net_free(net);
    aae_builder_free(b);
}
END_TEST

START_TEST(a_phase_the_model_lacks_is_refused_at_build)
{
    aae_builder *b = mf_builder(AAE_PRESET_AE);
    uint64_t ms[1] = {5};
    TU_ASSERT_OK(aae_builder_set_phase_optimizer(b, AAE_PHASE_Z_DISCRIMINATOR, AAE_OPTIMIZER_SGD));
    aae_model *m = NULL;
    ck_assert_int_eq(aae_builder_build(b, &m), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "AAE_PHASE_Z_DISCRIMINATOR"));
    ck_assert_ptr_null(m);
    TU_ASSERT_OK(aae_builder_set_phase_optimizer(b, AAE_PHASE_Z_DISCRIMINATOR, AAE_OPTIMIZER_PART));
    TU_ASSERT_OK(aae_builder_set_phase_milestones(b, AAE_PHASE_SEMI_SUPERVISED, ms, 1, 0.1));
    ck_assert_int_eq(aae_builder_build(b, &m), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "milestones"));
    TU_ASSERT_OK(aae_builder_set_phase_milestones(b, AAE_PHASE_SEMI_SUPERVISED, NULL, 0, 0.1));
    TU_ASSERT_OK(aae_builder_set_phase_milestones(b, AAE_PHASE_RECONSTRUCTION, ms, 1, 0.1));
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_model_free(m);
    aae_builder_free(b);
}
END_TEST

/* Copies part p's optimizer into phase ph's own. */
static void phase_like_part(aae_builder *b, aae_phase ph, aae_part p)
{
    aae_optimizer_kind kind;
    TU_ASSERT_OK(aae_builder_get_optimizer(b, p, &kind));
    TU_ASSERT_OK(aae_builder_set_phase_optimizer(b, ph, kind));
    for (int k = AAE_OPT_LR; k <= AAE_OPT_EPS; k++) {
        double v;
        if (aae_builder_get_optimizer_param(b, p, (aae_optimizer_param)k, &v) == AAE_OK)
            TU_ASSERT_OK(aae_builder_set_phase_optimizer_param(b, ph, (aae_optimizer_param)k, v));
    }
}

START_TEST(a_phase_optimizer_equal_to_the_parts_trains_the_same_bits)
{
    static const aae_part like[5] = {AAE_PART_ENCODER, AAE_PART_Z_DISCRIMINATOR, AAE_PART_Y_DISCRIMINATOR,
                                     AAE_PART_ENCODER, AAE_PART_ENCODER};
    aae_builder *b = semi_builder();
    aae_model *base = build(b);
    steps(base, 6);
    size_t n0, n1;
    uint8_t *want = saved(base, &n0);
    for (int ph = 0; ph < 5; ph++) {
        aae_builder *c;
        TU_ASSERT_OK(aae_builder_from_model(&c, base));
        phase_like_part(c, (aae_phase)ph, like[ph]);
        aae_model *m = build(c);
        steps(m, 6);
        ck_assert_msg(same_tensors(base, m, ""), "phase %d", ph);
        uint8_t *got = saved(m, &n1);
        /* The same state; the files differ only in the phase record. */
        ck_assert_uint_eq(n1, n0 + 4 + 7 * 8 + 4); /* kind, 7 settings, nesterov */
        free(got);
        aae_model_free(m);
        aae_builder_free(c);
    }
    free(want);
    aae_model_free(base);
    aae_builder_free(b);
}
END_TEST

/* Phases run in order: a later phase's setting leaves, after one step,
 * every network the earlier phases alone step as the baseline has it. */
START_TEST(a_phase_setting_changes_only_its_phase)
{
    aae_builder *b = semi_builder();
    aae_model *base = build(b);
    steps(base, 1);
    struct {
        aae_phase phase;
        const char *same[3];
        const char *differs;
    } cases[] = {
        {AAE_PHASE_SEMI_SUPERVISED, {"decoder", "z_discriminator", "y_discriminator"}, "encoder"},
        {AAE_PHASE_GENERATOR, {"decoder", "z_discriminator", "y_discriminator"}, "encoder"},
        {AAE_PHASE_Y_DISCRIMINATOR, {"decoder", "z_discriminator", NULL}, "y_discriminator"},
        {AAE_PHASE_Z_DISCRIMINATOR, {"decoder", "y_discriminator", NULL}, "z_discriminator"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aae_builder *c;
        TU_ASSERT_OK(aae_builder_from_model(&c, base));
        TU_ASSERT_OK(aae_builder_set_phase_optimizer(c, cases[i].phase, AAE_OPTIMIZER_SGD));
        TU_ASSERT_OK(aae_builder_set_phase_optimizer_param(c, cases[i].phase, AAE_OPT_LR, 0.5));
        aae_model *m = build(c);
        steps(m, 1);
        /* The y discriminator's phase reads the encoder as the
         * reconstruction phase left it, not the z discriminator. */
        for (int k = 0; k < 3 && cases[i].same[k]; k++)
            ck_assert_msg(same_tensors(base, m, cases[i].same[k]), "phase %d: %s", (int)cases[i].phase,
                          cases[i].same[k]);
        ck_assert_msg(!same_tensors(base, m, cases[i].differs), "phase %d: %s", (int)cases[i].phase,
                      cases[i].differs);
        aae_model_free(m);
        aae_builder_free(c);
    }
    aae_model_free(base);
    aae_builder_free(b);
}
END_TEST

static aae_trainer *trainer(void)
{
    aae_trainer *t;
    TU_ASSERT_OK(aae_trainer_create(&t));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, BATCH));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_LABELLED_BATCH, 8));
    return t;
}

static aae_dataset *dataset(void)
{
    aae_dataset *ds;
    TU_ASSERT_OK(aae_dataset_from_memory(&ds, X, Y, ROWS, MF_WIDTH, AAE_COPY));
    return ds;
}

START_TEST(milestones_count_epochs_over_the_model_life)
{
    aae_dataset *ds = dataset();
    /* Milestone 1 with gamma 0.5 on every phase == the trainer's step
     * schedule halving every epoch, over two epochs. */
    aae_builder *b = semi_builder();
    aae_model *sched = build(b);
    aae_trainer *t = trainer();
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_SCHEDULE, AAE_SCHEDULE_STEP));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_STEP_EPOCHS, 1));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_GAMMA, 0.5));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_EPOCHS, 2));
    TU_ASSERT_OK(aae_trainer_fit(t, sched, ds, ds));
    aae_trainer_free(t);

    uint64_t one[1] = {1};
    for (int ph = 0; ph < 5; ph++) TU_ASSERT_OK(aae_builder_set_phase_milestones(b, (aae_phase)ph, one, 1, 0.5));
    aae_model *ms = build(b);
    t = trainer();
    TU_ASSERT_OK(aae_trainer_epoch(t, ms, ds, ds));
    /* Resumed from a checkpoint for epoch 1, where the milestone is. */
    size_t n;
    uint8_t *buf = saved(ms, &n);
    aae_model *resumed = NULL;
    TU_ASSERT_OK(aae_model_load_memory(&resumed, buf, n));
    TU_ASSERT_OK(aae_trainer_epoch(t, resumed, ds, ds));
    TU_ASSERT_OK(aae_trainer_epoch(t, ms, ds, ds));
    ck_assert(same_tensors(sched, ms, ""));
    ck_assert(same_tensors(ms, resumed, ""));
    free(buf);
    aae_trainer_free(t);
    aae_model_free(resumed);
    aae_model_free(ms);
    aae_model_free(sched);
    aae_builder_free(b);
    aae_dataset_free(ds);
}
END_TEST

typedef struct calls {
    int n, per_phase[5];
    double z_factor;
    pthread_t thread;
    int other_thread;
} calls;

static double lr_callback(void *user, uint64_t epoch, aae_phase phase)
{
    calls *c = user;
    (void)epoch;
    c->n++;
    c->per_phase[phase]++;
    if (!pthread_equal(pthread_self(), c->thread)) c->other_thread = 1;
    return phase == AAE_PHASE_Z_DISCRIMINATOR ? c->z_factor : 1.0;
}

START_TEST(the_lr_callback_scales_each_phase_once_per_epoch)
{
    aae_dataset *ds = dataset();
    aae_builder *b = semi_builder();
    for (unsigned threads = 1; threads <= 2; threads++) {
        aae_model *m = build(b), *before = build(b);
        aae_trainer *t = trainer();
        calls c = {.z_factor = 0.0, .thread = pthread_self()};
        TU_ASSERT_OK(aae_trainer_set_lr_callback(t, lr_callback, &c));
        TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_THREADS, threads));
        TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_EPOCHS, 2));
        TU_ASSERT_OK(aae_trainer_fit(t, m, ds, ds));
        ck_assert_int_eq(c.n, 2 * 5);
        for (int ph = 0; ph < 5; ph++) ck_assert_int_eq(c.per_phase[ph], 2);
        ck_assert_int_eq(c.other_thread, 0);
        /* Factor 0: the z discriminator never moved; the others did. */
        ck_assert(same_tensors(m, before, "z_discriminator"));
        ck_assert(!same_tensors(m, before, "y_discriminator"));

        /* A factor that is not finite and >= 0: refused, nothing trained. */
        c.z_factor = NAN;
        size_t n0, n1;
        uint8_t *b0 = saved(m, &n0);
        ck_assert_int_eq(aae_trainer_epoch(t, m, ds, ds), AAE_ERR_INVALID_ARGUMENT);
        ck_assert_msg(strstr(aae_last_error(), "learning-rate callback") != NULL, "%s", aae_last_error());
        uint8_t *b1 = saved(m, &n1);
        ck_assert(n0 == n1 && memcmp(b0, b1, n0) == 0);
        c.z_factor = -1.0;
        ck_assert_int_eq(aae_trainer_epoch(t, m, ds, ds), AAE_ERR_INVALID_ARGUMENT);
        TU_ASSERT_OK(aae_trainer_set_lr_callback(t, NULL, NULL));
        TU_ASSERT_OK(aae_trainer_epoch(t, m, ds, ds));
        free(b0);
        free(b1);
        aae_trainer_free(t);
        aae_model_free(before);
        aae_model_free(m);
    }
    aae_builder_free(b);
    aae_dataset_free(ds);
}
END_TEST

START_TEST(checkpoints_keep_the_phase_settings)
{
    aae_builder *b = semi_builder();
    uint64_t ms[2] = {50, 1000};
    TU_ASSERT_OK(aae_builder_set_phase_optimizer(b, AAE_PHASE_RECONSTRUCTION, AAE_OPTIMIZER_SGD));
    TU_ASSERT_OK(aae_builder_set_phase_optimizer_param(b, AAE_PHASE_RECONSTRUCTION, AAE_OPT_MOMENTUM, 0.9));
    TU_ASSERT_OK(aae_builder_set_phase_milestones(b, AAE_PHASE_SEMI_SUPERVISED, ms, 2, 0.2));
    aae_model *m = build(b);
    steps(m, 2);
    size_t n;
    uint8_t *buf = saved(m, &n);
    aae_model *back = NULL;
    TU_ASSERT_OK(aae_model_load_memory(&back, buf, n));
    aae_builder *c;
    TU_ASSERT_OK(aae_builder_from_model(&c, back));
    aae_optimizer_kind kind;
    double v, gamma;
    uint64_t got[2];
    size_t count;
    TU_ASSERT_OK(aae_builder_get_phase_optimizer(c, AAE_PHASE_RECONSTRUCTION, &kind));
    ck_assert_int_eq(kind, AAE_OPTIMIZER_SGD);
    TU_ASSERT_OK(aae_builder_get_phase_optimizer_param(c, AAE_PHASE_RECONSTRUCTION, AAE_OPT_MOMENTUM, &v));
    ck_assert(v == 0.9);
    TU_ASSERT_OK(aae_builder_get_phase_milestones(c, AAE_PHASE_SEMI_SUPERVISED, got, 2, &count, &gamma));
    ck_assert(count == 2 && got[0] == 50 && got[1] == 1000 && gamma == 0.2);
    /* and trains on exactly as the original */
    steps(m, 2);
    steps(back, 2);
    ck_assert(same_tensors(m, back, ""));
    free(buf);
    aae_builder_free(c);
    aae_model_free(back);
    aae_model_free(m);
    aae_builder_free(b);
}
END_TEST

/* The payload of section `tag` of a checkpoint (NULL if absent). */
static const uint8_t *section_of(const uint8_t *buf, size_t n, const char *tag, size_t *len)
{
    for (size_t at = 16; at + 12 <= n;) {
        uint64_t l = 0;
        for (int i = 0; i < 8; i++) l |= (uint64_t)buf[at + 4 + (size_t)i] << (8 * i);
        if (!memcmp(buf + at, tag, 4)) {
            *len = (size_t)l;
            return buf + at + 12;
        }
        at += 12 + (size_t)l;
    }
    return NULL;
}

static uint8_t *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    uint8_t *buf = malloc(1 << 16);
    *n = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

/* test/golden/v1_semi.aae: written by libaae 0.1.0 in format version 1. */
START_TEST(a_version_1_checkpoint_loads_and_resumes)
{
    size_t n;
    uint8_t *buf = read_file("golden/v1_semi.aae", &n);
    ck_assert_int_eq(buf[8], 1);
    aae_model *old = NULL;
    TU_ASSERT_OK(aae_model_load_memory(&old, buf, n));
    uint64_t s;
    TU_ASSERT_OK(aae_model_steps(old, &s));
    ck_assert_uint_eq(s, V1_STEPS);
    aae_builder *c;
    TU_ASSERT_OK(aae_builder_from_model(&c, old));
    for (int ph = 0; ph < 5; ph++) {
        aae_optimizer_kind kind;
        size_t count;
        TU_ASSERT_OK(aae_builder_get_phase_optimizer(c, (aae_phase)ph, &kind));
        TU_ASSERT_OK(aae_builder_get_phase_milestones(c, (aae_phase)ph, NULL, 0, &count, NULL));
        ck_assert(kind == AAE_OPTIMIZER_PART && count == 0);
    }
    /* Saved again (version 2), the state sections are the file's, byte
     * for byte. */
    size_t n0, n1;
    uint8_t *a = saved(old, &n0), *b;
    ck_assert_int_eq(a[8], 2);
    static const char *const state[] = {"PARM", "STAT", "OPTM", "STEP"};
    for (int i = 0; i < 4; i++) {
        size_t la = 0, lb = 0;
        const uint8_t *sa = section_of(a, n0, state[i], &la), *sb = section_of(buf, n, state[i], &lb);
        ck_assert_msg(sa && sb && la == lb && memcmp(sa, sb, la) == 0, "section %s", state[i]);
    }
    free(a);
    /* Resumed from the file, and from the file saved again (version 2),
     * training goes on to the same bits. */
    a = saved(old, &n0);
    aae_model *again = NULL;
    TU_ASSERT_OK(aae_model_load_memory(&again, a, n0));
    TU_ASSERT_OK(v1_train(old));
    TU_ASSERT_OK(v1_train(again));
    free(a);
    a = saved(old, &n0);
    b = saved(again, &n1);
    ck_assert(n0 == n1 && memcmp(a, b, n0) == 0);
    free(a);
    free(b);
    aae_model_free(again);
    free(buf);
    aae_builder_free(c);
    aae_model_free(old);
}
END_TEST

Suite *suite_phases(void)
{
    Suite *s = suite_create("phases");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, settings_are_checked_and_read_back);
    tcase_add_test(tc, a_phase_the_model_lacks_is_refused_at_build);
    tcase_add_test(tc, a_phase_optimizer_equal_to_the_parts_trains_the_same_bits);
    tcase_add_test(tc, a_phase_setting_changes_only_its_phase);
    tcase_add_test(tc, milestones_count_epochs_over_the_model_life);
    tcase_add_test(tc, the_lr_callback_scales_each_phase_once_per_epoch);
    tcase_add_test(tc, checkpoints_keep_the_phase_settings);
    tcase_add_test(tc, a_version_1_checkpoint_loads_and_resumes);
    suite_add_tcase(s, tc);
    return s;
}
