/* Adversarial autoencoder on MNIST (the AAE preset: PyTorch-GAN's recipe).
 * Writes a grid of samples from the prior after every epoch, test
 * reconstructions beside their inputs, and the trained model.
 *
 *   aae [--epochs N] [--seed S] [--out DIR] [--threads T] [--data DIR]
 *       [--limit ROWS] [--batch B]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <aae/aae.h>

#include "png.h"

typedef struct args {
    int epochs, threads;
    unsigned long long seed;
    size_t limit, batch;
    const char *out, *data;
} args;

static void usage(FILE *f)
{
    fprintf(f, "usage: aae [--epochs N (3)] [--seed S (0)] [--out DIR (out/aae)] [--threads T (1)]\n"
               "           [--data DIR (data/mnist)] [--limit ROWS (all)] [--batch B (64)]\n");
}

static int parse(int argc, char **argv, args *a)
{
    *a = (args){3, 1, 0, 0, 64, "out/aae", "data/mnist"};
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(k, "--help") || !strcmp(k, "-h")) {
            usage(stdout);
            exit(0);
        }
        if (!v) {
            fprintf(stderr, "aae: %s needs a value\n", k);
            return -1;
        }
        i++;
        if (!strcmp(k, "--epochs")) a->epochs = atoi(v);
        else if (!strcmp(k, "--seed")) a->seed = strtoull(v, NULL, 10);
        else if (!strcmp(k, "--out")) a->out = v;
        else if (!strcmp(k, "--threads")) a->threads = atoi(v);
        else if (!strcmp(k, "--data")) a->data = v;
        else if (!strcmp(k, "--limit")) a->limit = strtoull(v, NULL, 10);
        else if (!strcmp(k, "--batch")) a->batch = strtoull(v, NULL, 10);
        else {
            fprintf(stderr, "aae: unknown option %s\n", k);
            usage(stderr);
            return -1;
        }
    }
    if (a->epochs < 1 || a->threads < 1 || a->batch < 2) {
        fprintf(stderr, "aae: --epochs and --threads must be >= 1, --batch >= 2\n");
        return -1;
    }
    return 0;
}

#define CHECK(call)                                                                   \
    do {                                                                              \
        aae_status st_ = (call);                                                      \
        if (st_ != AAE_OK) {                                                          \
            fprintf(stderr, "aae: %s: %s (%s)\n", #call, aae_last_error(),            \
                    aae_status_string(st_));                                          \
            goto fail;                                                                \
        }                                                                             \
    } while (0)

typedef struct ctx {
    const args *a;
    aae_model *model;
    const aae_dataset *test;
    int tty;
} ctx;

static char path_buf[4096];

static const char *out_path(const char *dir, const char *name)
{
    snprintf(path_buf, sizeof path_buf, "%s/%s", dir, name);
    return path_buf;
}

static int on_batch(void *user, uint64_t epoch, uint64_t batch, uint64_t batches,
                    const float *l, double rate)
{
    ctx *c = user;
    if (c->tty && (batch % 20 == 0 || batch + 1 == batches)) {
        double eta = (double)(batches - batch - 1) * (double)c->a->batch / (rate > 0 ? rate : 1);
        fprintf(stderr, "\repoch %llu [%4llu/%llu] rec %.4f D %.3f G %.3f | %.0f samples/s, ETA %.0fs   ",
                (unsigned long long)epoch + 1, (unsigned long long)batch + 1,
                (unsigned long long)batches, l[AAE_SLOT_REC], l[AAE_SLOT_DISC_Z], l[AAE_SLOT_GEN_Z],
                rate, eta);
    }
    return 0;
}

/* Writes the epoch's prior samples: 10 x 10 digits. */
static int on_epoch(void *user, uint64_t epoch, const float *l, const double *m, double rate)
{
    ctx *c = user;
    static float samples[100 * 784];
    if (c->tty) fputc('\n', stderr);
    fprintf(stderr, "epoch %llu: rec %.4f D %.3f G %.3f, test MSE %.4f L1 %.4f (pixels in [0,1]), %.0f samples/s\n",
            (unsigned long long)epoch + 1, l[AAE_SLOT_REC], l[AAE_SLOT_DISC_Z], l[AAE_SLOT_GEN_Z],
            m ? m[AAE_METRIC_MSE] / 4 : 0.0, m ? m[AAE_METRIC_L1] / 2 : 0.0, rate);
    char name[64];
    snprintf(name, sizeof name, "samples_epoch%02llu.png", (unsigned long long)epoch + 1);
    if (aae_model_generate(c->model, 100, 1234, NULL, samples, NULL, 0) != AAE_OK ||
        png_write_grid(out_path(c->a->out, name), samples, 100, 28, 28, 10, -1.0f, 1.0f) != 0) {
        fprintf(stderr, "aae: writing %s failed: %s\n", name, aae_last_error());
        return 1;
    }
    return 0;
}

/* 20 test digits (top) above their reconstructions (bottom). */
static int write_reconstructions(const ctx *c)
{
    static float grid[40 * 784];
    size_t idx[20];
    for (size_t i = 0; i < 20; i++) idx[i] = i;
    if (aae_dataset_get_rows(c->test, idx, 20, grid, NULL) != AAE_OK ||
        aae_model_reconstruct(c->model, grid, NULL, 20, grid + 20 * 784, NULL, 0) != AAE_OK)
        return -1;
    return png_write_grid(out_path(c->a->out, "reconstructions.png"), grid, 40, 28, 28, 20, -1.0f, 1.0f);
}

int main(int argc, char **argv)
{
    args a;
    aae_builder *b = NULL;
    aae_model *model = NULL;
    aae_trainer *t = NULL;
    aae_dataset *full = NULL, *train = NULL, *test = NULL;
    int rc = 1;
    if (parse(argc, argv, &a)) return 2;
    if (mkdir(a.out, 0777) != 0 && errno != EEXIST) {
        /* one level of parents, enough for the default out/aae */
        char parent[4096];
        snprintf(parent, sizeof parent, "%s", a.out);
        char *slash = strrchr(parent, '/');
        if (slash) *slash = '\0';
        if (!slash || (mkdir(parent, 0777) != 0 && errno != EEXIST) || mkdir(a.out, 0777) != 0) {
            fprintf(stderr, "aae: cannot create %s: %s\n", a.out, strerror(errno));
            return 1;
        }
    }
    CHECK(aae_set_num_threads(a.threads));
    char img[4096], lab[4096];
    snprintf(img, sizeof img, "%s/train-images-idx3-ubyte", a.data);
    snprintf(lab, sizeof lab, "%s/train-labels-idx1-ubyte", a.data);
    CHECK(aae_dataset_load_idx(&full, img, lab, AAE_SCALE_SYMMETRIC));
    snprintf(img, sizeof img, "%s/t10k-images-idx3-ubyte", a.data);
    snprintf(lab, sizeof lab, "%s/t10k-labels-idx1-ubyte", a.data);
    CHECK(aae_dataset_load_idx(&test, img, lab, AAE_SCALE_SYMMETRIC));
    size_t rows, width;
    int has_labels;
    CHECK(aae_dataset_shape(full, &rows, &width, &has_labels));
    if (a.limit && a.limit < rows) {
        size_t *idx = malloc(a.limit * sizeof *idx);
        if (!idx) goto fail;
        for (size_t i = 0; i < a.limit; i++) idx[i] = i;
        aae_status st = aae_dataset_subset(full, idx, a.limit, &train);
        free(idx);
        CHECK(st);
    } else {
        train = full;
        full = NULL;
    }

    CHECK(aae_builder_create(&b, AAE_PRESET_AAE));
    CHECK(aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, (double)width));
    CHECK(aae_builder_set(b, AAE_OPTION_SEED, (double)a.seed));
    CHECK(aae_builder_build(b, &model));
    CHECK(aae_trainer_create(&t));
    CHECK(aae_trainer_set(t, AAE_TRAIN_EPOCHS, a.epochs));
    CHECK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, (double)a.batch));
    CHECK(aae_trainer_set(t, AAE_TRAIN_SEED, (double)a.seed));
    CHECK(aae_trainer_set_eval(t, test));
    ctx c = {&a, model, test, isatty(2)};
    CHECK(aae_trainer_set_callbacks(t, on_batch, on_epoch, &c));
    CHECK(aae_trainer_fit(t, model, train, NULL));
    if (write_reconstructions(&c) != 0) {
        fprintf(stderr, "aae: writing reconstructions failed\n");
        goto fail;
    }
    CHECK(aae_model_save(model, out_path(a.out, "aae.model")));
    double m[AAE_METRIC_COUNT];
    CHECK(aae_model_evaluate(model, test, m));
    printf("aae: %d epochs, test MSE %.4f, L1 %.4f (pixels in [0,1])\n", a.epochs,
           m[AAE_METRIC_MSE] / 4, m[AAE_METRIC_L1] / 2);
    printf("aae: pictures %s/samples_epoch*.png %s/reconstructions.png, model %s/aae.model\n",
           a.out, a.out, a.out);
    rc = 0;
fail:
    aae_trainer_free(t);
    aae_model_free(model);
    aae_builder_free(b);
    aae_dataset_free(full);
    aae_dataset_free(train);
    aae_dataset_free(test);
    return rc;
}
