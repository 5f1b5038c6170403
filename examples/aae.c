/* Adversarial autoencoder on MNIST: the AAE preset (PyTorch-GAN's recipe:
 * 784-512-512(BN) LeakyReLU encoder to a Gaussian z of 10, tanh decoder,
 * discriminator 10-512-256-1, 0.001 adversarial + 0.999 L1, Adam 2e-4).
 * Writes a 10x10 grid of samples from the prior every --sample-every
 * batches and after each epoch, test inputs above their reconstructions,
 * the log and the model. --prior mixture instead makes z 2-D with a prior
 * of ten Gaussians on a circle and draws the test codes' scatter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/draw.h"
#include "common/ex.h"

static int write_samples(const ex_session *st, const char *name)
{
    float *x = malloc(100 * ex_pixels(st->a) * sizeof *x);
    char path[EX_PATH_MAX];
    int rc = !x || aae_model_generate(st->model, 100, st->a->seed + 1234, NULL, x, NULL, 0) != AAE_OK ||
             draw_image_grid(ex_path(path, st->a, name), x, 100, st->a->image_h, st->a->image_w, 10, -1.0f,
                             1.0f) != 0;
    if (rc) fprintf(stderr, "%s: writing %s failed: %s\n", st->a->prog, name, aae_last_error());
    free(x);
    return rc;
}

/* s->user holds --sample-every. */
static int after_batch(const ex_session *s, uint64_t step)
{
    size_t every = *(const size_t *)s->user;
    if (!every || step % every) return 0;
    char name[64];
    snprintf(name, sizeof name, "samples_step%06llu.png", (unsigned long long)step);
    return write_samples(s, name);
}

static int after_epoch(const ex_session *s, int epoch, const double *m)
{
    (void)m;
    char name[64];
    snprintf(name, sizeof name, "samples_epoch%02d.png", epoch);
    return write_samples(s, name);
}

/* 20 test digits (top) above their reconstructions (bottom). */
static int write_reconstructions(const ex_args *a, const aae_model *model, const aae_dataset *test)
{
    float *x = malloc(40 * ex_pixels(a) * sizeof *x);
    char path[EX_PATH_MAX];
    int rc = !x;
    if (!rc) {
        size_t n = ex_first_rows(test, 20, x, NULL);
        rc = aae_model_reconstruct(model, x, NULL, n, x + n * ex_pixels(a), NULL, 0) != AAE_OK ||
             draw_image_grid(ex_path(path, a, "reconstructions.png"), x, 2 * n, a->image_h, a->image_w, n, -1.0f,
                             1.0f);
    }
    free(x);
    return rc;
}

/* The 2-D codes of (up to) 5000 test digits, coloured by digit. */
static int write_scatter(const ex_args *a, const aae_model *model, const aae_dataset *test)
{
    enum { N = 5000 };
    float *x = malloc((size_t)N * ex_pixels(a) * sizeof *x), *z = malloc((size_t)N * 2 * sizeof *z);
    int32_t *labels = malloc(N * sizeof *labels);
    char path[EX_PATH_MAX];
    int rc = !x || !z || !labels;
    if (!rc) {
        size_t n = ex_first_rows(test, N, x, labels);
        rc = aae_model_encode(model, x, n, z, NULL, NULL, 0) != AAE_OK ||
             draw_scatter(ex_path(path, a, "latent.png"), "AAE codes, mixture prior", z, labels, n, 10);
    }
    free(x);
    free(z);
    free(labels);
    return rc;
}

int main(int argc, char **argv)
{
    ex_args a = ex_defaults("aae", 5);
    const char *prior = "gaussian";
    size_t sample_every = 300;
    const ex_opt extra[] = {
        {"prior", 's', &prior, "gaussian (z of 10) or mixture (2-D z, ten Gaussians on a circle)"},
        {"sample-every", 'z', &sample_every, "batches between sample grids (0: epochs only)"},
        {NULL, 0, NULL, NULL},
    };
    int p = ex_parse(argc, argv, &a, "Adversarial autoencoder on MNIST (the AAE preset).", extra);
    if (p) return p == 1 ? 0 : 2;
    int mixture = !strcmp(prior, "mixture");
    if (!mixture && strcmp(prior, "gaussian") != 0) {
        fprintf(stderr, "aae: --prior must be gaussian or mixture\n");
        return 2;
    }
    if (ex_setup_images(&a)) return 1;

    /* The paper's 2-D run: a deterministic code pushed onto the mixture in
     * its own generator phase with full adversarial weight. */
    const ex_setting mixture_settings[] = {
        {AAE_OPTION_Z_WIDTH, 2},           {AAE_OPTION_POSTERIOR, AAE_POSTERIOR_DETERMINISTIC},
        {AAE_OPTION_Z_PRIOR, AAE_PRIOR_MIXTURE}, {AAE_OPTION_PRIOR_COMPONENTS, 10},
        {AAE_OPTION_JOINT_GENERATOR, 0},   {AAE_OPTION_W_REC, 1},
        {AAE_OPTION_W_ADV, 1},
    };
    ex_session s = {.a = &a, .after_batch = after_batch, .after_epoch = after_epoch, .user = &sample_every};
    size_t n = mixture ? sizeof mixture_settings / sizeof mixture_settings[0] : 0;
    int rc = ex_open(&s, AAE_PRESET_AAE, mixture_settings, n) || ex_train(&s);
    if (!rc && (write_reconstructions(&a, s.model, s.eval) || (mixture && write_scatter(&a, s.model, s.eval)))) {
        fprintf(stderr, "aae: writing pictures failed: %s\n", aae_last_error());
        rc = 1;
    }
    if (!rc) {
        printf("aae: %d epochs in %.0f s, test MSE %.4f, L1 %.4f (pixels in [0, 1], as in log.csv)\n",
               s.epochs_done, s.seconds, s.metrics[AAE_METRIC_MSE], s.metrics[AAE_METRIC_L1]);
        printf("aae: pictures in %s (samples_*.png, reconstructions.png%s, loss_curves.png), "
               "log %s/log.csv, model %s/aae.model\n",
               a.out, mixture ? ", latent.png" : "", a.out, a.out);
    }
    ex_close(&s);
    return rc;
}
