/* The recipe a run trains with: the public reimplementations' settings
 * reachable from the paper's presets, and a readable record of a model's
 * per-phase optimizers, schedules and input corruption. */
#include <stdio.h>

#include "common/ex.h"

static const char *const phase_names[] = {"reconstruction", "z discriminator", "y discriminator", "generator",
                                          "semi-supervised"};

/* What the clustering and semi-supervised presets were before they became
 * the paper's (and what the public reimplementations run, after musyoku's
 * Chainer code): 1000-unit ReLU nets, z 10, Adam (1e-3, 0.9; the
 * discriminators 2e-4, 0.5), noise 0.3 on the discriminators' inputs, mean
 * squared error, PyTorch's initialization, no schedule. */
aae_status ex_reimplementation_recipe(aae_builder *b)
{
    static const struct {
        aae_option option;
        double value;
    } opts[] = {{AAE_OPTION_Z_WIDTH, 10},        {AAE_OPTION_REC_SUM, 0},         {AAE_OPTION_W_REC, 1},
                {AAE_OPTION_DISC_NOISE, 0.3},    {AAE_OPTION_INPUT_NOISE, 0},     {AAE_OPTION_INPUT_DROPOUT, 0},
                {AAE_OPTION_HEAD_BATCHNORM, 0},  {AAE_OPTION_INIT_STD, 0}};
    aae_status st = AAE_OK;
    for (size_t i = 0; st == AAE_OK && i < sizeof opts / sizeof opts[0]; i++)
        st = aae_builder_set(b, opts[i].option, opts[i].value);
    for (int p = 0; st == AAE_OK && p < 5; p++) {
        int disc = p == AAE_PART_Z_DISCRIMINATOR || p == AAE_PART_Y_DISCRIMINATOR;
        st = aae_builder_clear_layers(b, (aae_part)p);
        for (int l = 0; st == AAE_OK && p != AAE_PART_CLASSIFIER && l < 2; l++)
            st = aae_builder_add_layer(b, (aae_part)p, 1000, AAE_ACT_RELU, 0.0f, 0, 0.0f);
        if (st == AAE_OK) st = aae_builder_set_optimizer(b, (aae_part)p, AAE_OPTIMIZER_ADAM);
        if (st == AAE_OK) st = aae_builder_set_optimizer_param(b, (aae_part)p, AAE_OPT_LR, disc ? 2e-4 : 1e-3);
        if (st == AAE_OK) st = aae_builder_set_optimizer_param(b, (aae_part)p, AAE_OPT_BETA1, disc ? 0.5 : 0.9);
    }
    for (int ph = 0; st == AAE_OK && ph < 5; ph++) {
        st = aae_builder_set_phase_optimizer(b, (aae_phase)ph, AAE_OPTIMIZER_PART);
        if (st == AAE_OK) st = aae_builder_set_phase_milestones(b, (aae_phase)ph, NULL, 0, 0.1);
    }
    return st;
}

static void describe_phase(FILE *f, const aae_builder *b, aae_phase ph)
{
    aae_optimizer_kind kind;
    double lr = 0, mom = 0, gamma = 0;
    uint64_t ms[AAE_MAX_MILESTONES];
    size_t n = 0;
    aae_builder_get_phase_optimizer(b, ph, &kind);
    aae_builder_get_phase_milestones(b, ph, ms, AAE_MAX_MILESTONES, &n, &gamma);
    fprintf(f, "phase %s: ", phase_names[ph]);
    if (kind == AAE_OPTIMIZER_PART) {
        fprintf(f, "each network's part optimizer");
    } else {
        aae_builder_get_phase_optimizer_param(b, ph, AAE_OPT_LR, &lr);
        if (kind == AAE_OPTIMIZER_SGD) aae_builder_get_phase_optimizer_param(b, ph, AAE_OPT_MOMENTUM, &mom);
        else aae_builder_get_phase_optimizer_param(b, ph, AAE_OPT_BETA1, &mom);
        fprintf(f, "%s lr %g %s %g", kind == AAE_OPTIMIZER_SGD ? "SGD" : "Adam", lr,
                kind == AAE_OPTIMIZER_SGD ? "momentum" : "beta1", mom);
    }
    for (size_t i = 0; i < n; i++) fprintf(f, "%s%llu", i ? ", " : "; x gamma at epochs ", (unsigned long long)ms[i]);
    if (n) fprintf(f, " (gamma %g)", gamma);
    fprintf(f, "\n");
}

/* The recipe as text: the options that shape training, then each phase. */
static void describe(FILE *f, const aae_model *m, const aae_builder *b)
{
    static const struct {
        aae_option option;
        const char *name;
    } opts[] = {{AAE_OPTION_Z_WIDTH, "z width"},           {AAE_OPTION_CLASSES, "classes"},
                {AAE_OPTION_INPUT_NOISE, "input noise"},   {AAE_OPTION_INPUT_DROPOUT, "input dropout"},
                {AAE_OPTION_HEAD_BATCHNORM, "head batch norm"}, {AAE_OPTION_DISC_NOISE, "discriminator noise"},
                {AAE_OPTION_INIT_STD, "init std (0: PyTorch's)"}, {AAE_OPTION_W_REC, "reconstruction weight"},
                {AAE_OPTION_Z_DISC_SEES_Y, "z discriminator sees y"}, {AAE_OPTION_SEED, "model seed"}};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        double v = 0;
        aae_model_get(m, opts[i].option, &v);
        fprintf(f, "%s: %g\n", opts[i].name, v);
    }
    for (int ph = 0; ph < 5; ph++) describe_phase(f, b, (aae_phase)ph);
}

int ex_write_recipe(const ex_args *a, const aae_model *m)
{
    aae_builder *b = NULL;
    aae_status st = aae_builder_from_model(&b, m);
    if (st != AAE_OK) return ex_report(a, "aae_builder_from_model", st);
    char path[EX_PATH_MAX];
    FILE *f = fopen(ex_path(path, a, "recipe.txt"), "w");
    if (f) {
        describe(f, m, b);
        fclose(f);
    }
    fprintf(stderr, "%s: recipe (%s):\n", a->prog, f ? path : "recipe.txt not written");
    describe(stderr, m, b);
    aae_builder_free(b);
    return 0;
}
