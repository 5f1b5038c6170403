/* The example programs, run on a tiny synthetic MNIST-shaped IDX dataset:
 * each trains an epoch and writes its pictures (valid PNG of the expected
 * size), its CSV log (the documented columns) and a model that loads;
 * aae-cli encode writes their codes as CSV and .npy; the progress display
 * is a bar on a terminal (driven through a pseudo-terminal) and plain
 * lines otherwise; bad arguments and missing data fail with a message;
 * plot_curves draws CSV columns. make check passes the programs'
 * directory in AAE_EXAMPLES_DIR; run_util.h runs them. */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_util.h"

enum { TRAIN_ROWS = 320, TEST_ROWS = 80, SIDE = 28 };

static char DIR_[64];

static void write_be32(FILE *f, uint32_t v)
{
    unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
                          (unsigned char)v};
    ck_assert_uint_eq(fwrite(b, 1, 4, f), 4);
}

/* <DIR_>/<dir>/<prefix>-images-idx3-ubyte opened for writing, its IDX
 * header (unsigned bytes, n dimensions) written. */
static FILE *open_images(const char *dir, const char *prefix, const uint32_t *dims, int n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s/%s-images-idx3-ubyte", DIR_, dir, prefix);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    write_be32(f, 0x00000800u | (uint32_t)n);
    for (int i = 0; i < n; i++) write_be32(f, dims[i]);
    return f;
}

/* <DIR_>/<dir>/<prefix>-labels-idx1-ubyte: labels 0, 1, ..., 9, 0, ... */
static void write_labels(const char *dir, const char *prefix, size_t rows)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s/%s-labels-idx1-ubyte", DIR_, dir, prefix);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    write_be32(f, 0x00000801);
    write_be32(f, (uint32_t)rows);
    for (size_t r = 0; r < rows; r++) fputc((int)(r % 10), f);
    ck_assert_int_eq(fclose(f), 0);
}

/* Digit d is a bright bar at row (2 + 2d) mod h plus a dimmer column at
 * (4 + 2d) mod w, with a little per-row noise: ten easy classes of h x w
 * bytes, written as <DIR_>/<dir>/<prefix>-{images,labels}-idx*-ubyte. */
static void write_idx_shaped(const char *dir, const char *prefix, size_t rows, uint64_t seed, int h, int w)
{
    const uint32_t dims[] = {(uint32_t)rows, (uint32_t)h, (uint32_t)w};
    FILE *f = open_images(dir, prefix, dims, 3);
    float noise[SIDE * SIDE];
    unsigned char img[SIDE * SIDE];
    ck_assert(h * w <= SIDE * SIDE);
    for (size_t r = 0; r < rows; r++) {
        int d = (int)(r % 10);
        tu_fill(noise, (size_t)(h * w), seed + r, 0.0f, 40.0f);
        for (int i = 0; i < h * w; i++) {
            int y = i / w, x = i % w;
            float v = noise[i] + (y == (2 + 2 * d) % h ? 200.0f : 0.0f) + (x == (4 + 2 * d) % w ? 120.0f : 0.0f);
            img[i] = (unsigned char)(v > 255.0f ? 255.0f : v);
        }
        ck_assert_uint_eq(fwrite(img, 1, (size_t)(h * w), f), (size_t)(h * w));
    }
    ck_assert_int_eq(fclose(f), 0);
    write_labels(dir, prefix, rows);
}

/* <DIR_>/<dir> with a training and a test set of h x w pictures. */
static void write_data(const char *dir, int h, int w)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", DIR_, dir);
    ck_assert_int_eq(mkdir(path, 0777), 0);
    write_idx_shaped(dir, "train", TRAIN_ROWS, 1, h, w);
    write_idx_shaped(dir, "t10k", TEST_ROWS, 1000, h, w);
}

static void setup(void)
{
    tu_make_tmpdir(DIR_, "examples");
    write_data("data", SIDE, SIDE);
}

static void teardown(void) { tu_remove_tmpdir(DIR_); }

static const char *path_of(const char *fmt, const char *name)
{
    static char p[16][256];
    static int k;
    k = (k + 1) % 16;
    char rel[160];
    snprintf(rel, sizeof rel, fmt, name);
    snprintf(p[k], sizeof p[k], "%s/%s", DIR_, rel);
    return p[k];
}

/* Runs a program of AAE_EXAMPLES_DIR, its output into <DIR_>/<tag>.out and
 * .err; its exit status. A new cluster_aae model gets 128-unit encoder and
 * decoder layers (--hidden 128) unless the test sets --hidden or resumes:
 * the preset's 3000 units made these few hundred rows cost most of the
 * suite's time, and nothing tested here depends on the width. */
static int run(const char *tag, const char *prog, const char *const *args)
{
    const char *with[32];
    size_t n = 0;
    int narrow = !strcmp(prog, "cluster_aae");
    for (; args[n]; n++) {
        ck_assert_uint_lt(n, 32 - 3);
        with[n] = args[n];
        if (!strcmp(args[n], "--hidden") || !strcmp(args[n], "--resume")) narrow = 0;
    }
    if (narrow) with[n++] = "--hidden", with[n++] = "128";
    with[n] = NULL;
    return ru_run(DIR_, tag, prog, with);
}

/* A PNG signature and an IHDR of width x height (0: any size). */
static void assert_png(const char *path, uint32_t width, uint32_t height)
{
    size_t n;
    const unsigned char *b = (const unsigned char *)ru_slurp(path, &n);
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    ck_assert_msg(n > 33 && !memcmp(b, sig, 8) && !memcmp(b + 12, "IHDR", 4), "%s is not a PNG", path);
    uint32_t w = (uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19];
    uint32_t h = (uint32_t)b[20] << 24 | (uint32_t)b[21] << 16 | (uint32_t)b[22] << 8 | b[23];
    ck_assert_msg(w > 0 && h > 0, "%s: empty picture", path);
    if (width) ck_assert_msg(w == width && h == height, "%s: %ux%u, want %ux%u", path, w, h, width, height);
}

static const char LOG_HEADER[] =
    "epoch,rec,kl,ce,disc_z,gen_z,disc_y,gen_y,test_mse,test_l1,test_class_error,"
    "test_cluster_accuracy,test_elbo,samples_per_s,seconds,valid_mse,valid_l1,valid_class_error,"
    "valid_cluster_accuracy,valid_elbo\n";

/* log.csv: the header, then one row per epoch with a value in each of
 * `columns` (names that must be filled) and a finite test_mse. */
static void assert_log(const char *ex, int epochs, const char *const *filled)
{
    char *csv = ru_slurp(path_of("%s/log.csv", ex), NULL);
    /* a program's own columns may follow the standard ones */
    ck_assert_msg(!strncmp(csv, LOG_HEADER, sizeof LOG_HEADER - 2), "%s log header: %.200s", ex, csv);
    char *row = strchr(csv, '\n') + 1;
    int rows = 0;
    for (char *p = row; *p; p++) rows += *p == '\n';
    ck_assert_int_eq(rows, epochs);
    /* The last row's fields, by header position. */
    char *last = row;
    for (int i = 0; i < epochs - 1; i++) last = strchr(last, '\n') + 1;
    const char *names[] = {"epoch", "rec", "kl", "ce", "disc_z", "gen_z", "disc_y", "gen_y", "test_mse",
                           "test_l1", "test_class_error", "test_cluster_accuracy", "test_elbo",
                           "samples_per_s", "seconds", "valid_mse", "valid_l1", "valid_class_error",
                           "valid_cluster_accuracy", "valid_elbo"};
    char *field = last;
    for (size_t c = 0; c < sizeof names / sizeof names[0]; c++) {
        size_t len = strcspn(field, ",\n");
        for (const char *const *f = filled; *f; f++)
            if (!strcmp(*f, names[c])) {
                ck_assert_msg(len > 0, "%s: column %s is empty", ex, names[c]);
                char *end;
                double v = strtod(field, &end);
                ck_assert_msg(end == field + len && isfinite(v), "%s: column %s = %.*s", ex, names[c],
                              (int)len, field);
            }
        field += len + 1;
    }
}

static void assert_model(const char *ex)
{
    aae_model *m = NULL;
    char name[64];
    snprintf(name, sizeof name, "%s/%s.model", ex, ex);
    TU_ASSERT_OK(aae_model_load(&m, path_of("%s", name)));
    aae_model_free(m);
}

/* Trains `ex` for `epochs` epochs with plain progress lines and checks the
 * files every trainer example writes. */
static void train(const char *ex, const char *epochs, const char *const *extra)
{
    const char *args[24] = {"--data", path_of("%s", "data"), "--out", path_of("%s", ex), "--epochs", epochs,
                            "--batch", "32", "--seed", "3"};
    size_t n = 10;
    for (; extra && *extra; extra++) args[n++] = *extra;
    args[n] = NULL;
    int rc = run(ex, ex, args);
    ck_assert_msg(rc == 0, "%s exited with %d: %s", ex, rc, ru_slurp(path_of("%s.err", ex), NULL));
    const char *out = ru_slurp(path_of("%s.out", ex), NULL);
    ck_assert_msg(strstr(out, ex) && strstr(out, "epochs in"), "%s printed no summary: %s", ex, out);
    assert_png(path_of("%s/loss_curves.png", ex), 0, 0);
    assert_model(ex);
}

START_TEST(ae_writes_scatter_plane_and_log)
{
    train("ae", "2", NULL);
    const char *filled[] = {"epoch", "rec", "test_mse", "test_l1", "samples_per_s", "seconds", NULL};
    assert_log("ae", 2, filled);
    assert_png(path_of("%s/latent.png", "ae"), 600, 500);
    assert_png(path_of("%s/latent_plane.png", "ae"), 20 * 29 + 1, 20 * 29 + 1);
}
END_TEST

/* Field `column` (0-based) of data row `row` (1-based) of ex's log.csv (NaN: empty). */
static double log_field(const char *dir, int row, int column)
{
    const char *p = ru_slurp(path_of("%s/log.csv", dir), NULL);
    for (int r = 0; r < row; r++) p = strchr(p, '\n') + 1;
    for (int c = 0; c < column; c++) p = strchr(p, ',') + 1;
    char *end;
    double v = strtod(p, &end);
    return end == p ? NAN : v; /* an empty cell */
}

enum { COL_TEST_MSE = 8, COL_VALID_CLUSTER_ACCURACY = 18, COL_PAPER_ERROR = 20 /* cluster_aae's, after the standard columns */ };

/* --lr-step 1 --lr-gamma 0: the first epoch trains, then the learning rates
 * are 0, so the ae (no batch norm) is frozen: the same test MSE after
 * epochs 1 and 2, where a constant rate changes it (the control). */
START_TEST(lr_step_decays_the_learning_rate)
{
    const char *frozen[] = {"--data", path_of("%s", "data"), "--out", path_of("%s", "ae_frozen"), "--epochs", "2",
                            "--batch", "32", "--lr-step", "1", "--lr-gamma", "0", NULL};
    const char *plain[] = {"--data", path_of("%s", "data"), "--out", path_of("%s", "ae_plain"), "--epochs", "2",
                           "--batch", "32", NULL};
    ck_assert_int_eq(run("ae_frozen", "ae", frozen), 0);
    ck_assert_int_eq(run("ae_plain", "ae", plain), 0);
    ck_assert(log_field("ae_frozen", 1, COL_TEST_MSE) == log_field("ae_frozen", 2, COL_TEST_MSE));
    ck_assert(log_field("ae_plain", 1, COL_TEST_MSE) != log_field("ae_plain", 2, COL_TEST_MSE));
    ck_assert(log_field("ae_plain", 1, COL_TEST_MSE) == log_field("ae_frozen", 1, COL_TEST_MSE));
}
END_TEST

/* BatchNorm layers of each part of the model saved in `dir` (one
 * running_mean per BatchNorm). */
static void count_batchnorms(const char *dir, int *enc, int *dec, int *other, double *w_adv)
{
    aae_model *m = NULL;
    TU_ASSERT_OK(aae_model_load(&m, path_of("%s/cluster_aae.model", dir)));
    size_t n;
    TU_ASSERT_OK(aae_model_tensor_count(m, &n));
    *enc = *dec = *other = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name;
        TU_ASSERT_OK(aae_model_tensor_info(m, i, &name, NULL, NULL));
        if (!strstr(name, ".running_mean")) continue;
        if (!strncmp(name, "encoder.", 8)) ++*enc;
        else if (!strncmp(name, "decoder.", 8)) ++*dec;
        else ++*other;
    }
    TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_W_ADV, w_adv));
    aae_model_free(m);
}

/* --batchnorm 1 --w-adv W reshape a new model: batch norm in each hidden
 * layer of the encoder and decoder (two each), none in the discriminators;
 * the preset's model (the paper's clustering recipe) has it in the
 * encoder only, and its own weight. Both have the head's batch norm. */
START_TEST(batchnorm_and_adversarial_weight_options_shape_a_new_model)
{
    const char *bn[] = {"--data", path_of("%s", "data"), "--out", path_of("%s", "bn"), "--epochs", "1",
                        "--batch", "32", "--clusters", "4", "--batchnorm", "1", "--w-adv", "0.25", NULL};
    const char *plain[] = {"--data", path_of("%s", "data"), "--out", path_of("%s", "nobn"), "--epochs", "1",
                           "--batch", "32", "--clusters", "4", NULL};
    ck_assert_int_eq(run("bn", "cluster_aae", bn), 0);
    ck_assert_int_eq(run("nobn", "cluster_aae", plain), 0);
    int enc, dec, other;
    double w;
    count_batchnorms("bn", &enc, &dec, &other, &w);
    ck_assert_int_eq(enc, 2 + 1);
    ck_assert_int_eq(dec, 2);
    ck_assert_int_eq(other, 0);
    ck_assert(w == 0.25);
    count_batchnorms("nobn", &enc, &dec, &other, &w);
    ck_assert_int_eq(enc, 2 + 1);
    ck_assert_int_eq(dec + other, 0);
    ck_assert(w == 1.0);
}
END_TEST

/* --set NAME=VALUE and --phase-lr PHASE=LR shape a new model after the
 * program's own settings: the saved model has them, and the recipe the
 * program prints says so. Unknown names and bad values are refused before
 * anything trains; a phase without an optimizer of its own, by the
 * library. */
START_TEST(set_and_phase_lr_options_shape_a_new_model)
{
    const char *args[] = {"--data", path_of("%s", "data"), "--out", path_of("%s", "sets"), "--epochs", "1",
                          "--batch", "32", "--clusters", "4", "--set", "head_batchnorm=0", "--set", "z_width=3",
                          "--phase-lr", "generator=0.02", "--phase-lr", "z_discriminator=0.03", NULL};
    ck_assert_int_eq(run("sets", "cluster_aae", args), 0);
    int enc, dec, other;
    double w;
    count_batchnorms("sets", &enc, &dec, &other, &w);
    ck_assert_int_eq(enc, 2);
    aae_model *m = NULL;
    double z = 0;
    TU_ASSERT_OK(aae_model_load(&m, path_of("%s/cluster_aae.model", "sets")));
    TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_Z_WIDTH, &z));
    aae_model_free(m);
    ck_assert(z == 3);
    const char *recipe = ru_slurp(path_of("%s/recipe.txt", "sets"), NULL);
    ck_assert_msg(strstr(recipe, "head batch norm: 0\n") && strstr(recipe, "z width: 3\n") &&
                      strstr(recipe, "phase generator: SGD lr 0.02 momentum 0.1") &&
                      strstr(recipe, "phase z discriminator: SGD lr 0.03 momentum 0.1") &&
                      strstr(recipe, "phase y discriminator: SGD lr 0.1 momentum 0.1"),
                  "recipe.txt: %s", recipe);

    static const struct {
        const char *option, *value, *says;
        int rc;
    } bad[] = {
        {"--set", "frobnicate=1", "--set: unknown option 'frobnicate'; the options are:", 2},
        {"--set", "input_dropout=2", "--set input_dropout=2 is out of range [0, 0.99]", 2},
        {"--set", "z_width", "--set z_width needs a value", 2},
        {"--phase-lr", "decoder=0.1", "--phase-lr: unknown phase 'decoder'; the phases are: reconstruction", 2},
        {"--phase-lr", "generator=-1", "--phase-lr generator: needs a finite value >= 0", 2},
        {"--phase-lr", "generator=x", "--phase-lr generator: needs a finite value >= 0", 2},
        /* the ae preset's reconstruction phase steps with the parts' optimizers */
        {"--phase-lr", "reconstruction=0.1", "has no optimizer of its own", 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *a[] = {"--data", path_of("%s", "data"), "--out", path_of("%s", "bad_sets"), "--epochs", "1",
                           bad[i].option, bad[i].value, NULL};
        int rc = run("bad_sets", bad[i].rc == 1 ? "ae" : "cluster_aae", a);
        const char *err = ru_slurp(path_of("%s.err", "bad_sets"), NULL);
        ck_assert_msg(rc == bad[i].rc && strstr(err, bad[i].says), "%s %s: exit %d, %s", bad[i].option,
                      bad[i].value, rc, err);
        ck_assert_msg(access(path_of("%s/log.csv", "bad_sets"), F_OK) != 0, "%s %s trained", bad[i].option,
                      bad[i].value);
    }
}
END_TEST

START_TEST(aae_writes_samples_reconstructions_and_mixture_scatter)
{
    const char *extra[] = {"--sample-every", "5", NULL};
    train("aae", "1", extra);
    const char *filled[] = {"rec", "disc_z", "gen_z", "test_mse", NULL};
    assert_log("aae", 1, filled);
    assert_png(path_of("%s/samples_epoch01.png", "aae"), 10 * 29 + 1, 10 * 29 + 1);
    assert_png(path_of("%s/samples_step000005.png", "aae"), 10 * 29 + 1, 10 * 29 + 1);
    assert_png(path_of("%s/reconstructions.png", "aae"), 20 * 29 + 1, 2 * 29 + 1);

    const char *mix[] = {"--data", path_of("%s", "data"), "--out", path_of("%s", "mix"), "--epochs", "1",
                         "--prior", "mixture", NULL};
    ck_assert_int_eq(run("mix", "aae", mix), 0);
    assert_png(path_of("%s/latent.png", "mix"), 600, 500);
}
END_TEST

START_TEST(supervised_aae_writes_style_grid)
{
    train("supervised_aae", "1", NULL);
    const char *filled[] = {"rec", "disc_z", "gen_z", "test_mse", NULL};
    assert_log("supervised_aae", 1, filled);
    assert_png(path_of("%s/styles_epoch01.png", "supervised_aae"), 10 * 29 + 1, 10 * 29 + 1);
}
END_TEST

START_TEST(vae_classifier_reports_accuracy)
{
    train("vae_classifier", "2", NULL);
    const char *filled[] = {"rec", "kl", "ce", "test_class_error", "test_elbo", NULL};
    assert_log("vae_classifier", 2, filled);
    assert_png(path_of("%s/digits_epoch02.png", "vae_classifier"), 10 * 29 + 1, 10 * 29 + 1);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s.out", "vae_classifier"), NULL), "accuracy"));
}
END_TEST

START_TEST(cluster_aae_writes_a_row_per_cluster)
{
    const char *extra[] = {"--clusters", "6", NULL};
    train("cluster_aae", "1", extra);
    const char *filled[] = {"rec", "disc_z", "gen_z", "disc_y", "gen_y", "test_cluster_accuracy", NULL};
    assert_log("cluster_aae", 1, filled);
    assert_png(path_of("%s/clusters.png", "cluster_aae"), 12 * 29 + 1, 6 * 29 + 1);
    /* Both errors: the paper's (validation-labelled clusters) and majority. */
    const char *out = ru_slurp(path_of("%s.out", "cluster_aae"), NULL);
    double paper = -1, majority = -1;
    const char *p = strstr(out, "test error ");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(sscanf(p, "test error %lf%%", &paper), 1);
    p = strstr(p, "), ");
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(sscanf(p, "), %lf%% (by majority)", &majority), 1);
    ck_assert(paper >= 0 && paper <= 100 && majority >= 0 && majority <= 100);
    /* Majority labelling is never worse than any other labelling. */
    ck_assert_msg(majority <= paper + 1e-9, "majority %g > paper %g", majority, paper);
    /* log.csv carries the paper's error of every epoch in one more column;
     * after one epoch it is the summary's. */
    const char *csv = ru_slurp(path_of("%s/log.csv", "cluster_aae"), NULL);
    ck_assert_msg(!strncmp(csv, LOG_HEADER, sizeof LOG_HEADER - 2) &&
                      !strncmp(csv + sizeof LOG_HEADER - 2, ",test_paper_error\n", 18),
                  "header: %.300s", csv);
    double logged = log_field("cluster_aae", 1, COL_PAPER_ERROR);
    ck_assert_msg(fabs(100.0 * logged - paper) < 0.006, "log.csv %g, summary %g %%", logged, paper);
}
END_TEST

START_TEST(semi_supervised_aae_reports_error)
{
    const char *extra[] = {"--labels", "20", "--valid", "40", NULL};
    train("semi_supervised_aae", "1", extra);
    const char *filled[] = {"rec", "ce", "disc_z", "disc_y", "test_class_error", "valid_class_error", NULL};
    assert_log("semi_supervised_aae", 1, filled);
    const char *err = ru_slurp(path_of("%s.err", "semi_supervised_aae"), NULL);
    ck_assert_ptr_nonnull(strstr(err, "test classification error"));
    double valid = -1;
    const char *v = strstr(err, "valid_class_error ");
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(sscanf(v, "valid_class_error %lf", &valid), 1);
    ck_assert(valid >= 0 && valid <= 1);
    /* and the recipe it ran */
    ck_assert_ptr_nonnull(strstr(err, "phase generator: SGD lr 0.1 momentum 0.1"));
    ck_assert_ptr_nonnull(ru_slurp(path_of("%s/recipe.txt", "semi_supervised_aae"), NULL));
    assert_png(path_of("%s/styles.png", "semi_supervised_aae"), 10 * 29 + 1, 10 * 29 + 1);
    /* Eight panels of 420 x 280, three to a row: rec, ce, disc_z with
     * gen_z, disc_y with gen_y, and test with valid for each of the four
     * metrics (ten panels, four rows, if every series had its own). */
    assert_png(path_of("%s/loss_curves.png", "semi_supervised_aae"), 3 * 420, 3 * 280);
}
END_TEST

/* Line `row` (0: the header) of a text file, without its newline, into a
 * static buffer. */
static const char *file_line(const char *path, int row)
{
    static char line[4096];
    const char *p = ru_slurp(path, NULL);
    for (int r = 0; r < row && p; r++) p = strchr(p, '\n'), p = p ? p + 1 : NULL;
    ck_assert_msg(p && *p, "%s has no line %d", path, row);
    snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
    return line;
}

/* Whether files a and b hold the same bytes, all of them. */
static int same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    ck_assert_msg(fa && fb, "cannot open %s or %s", a, b);
    static char ba[1 << 16], bb[1 << 16];
    size_t na, nb;
    int same = 1;
    do {
        na = fread(ba, 1, sizeof ba, fa);
        nb = fread(bb, 1, sizeof bb, fb);
        same = na == nb && memcmp(ba, bb, na) == 0;
    } while (same && na == sizeof ba);
    fclose(fa);
    fclose(fb);
    return same;
}

/* --restarts 3 --restart-epochs 1: three model seeds train an epoch each in
 * restart-<i>; the lowest validation error (1 - cluster accuracy) goes on
 * in <out>, and is then the very run that seed gives on its own. (With
 * --seed 1 the second start wins on this data, on all nine OpenBLAS
 * kernels tried: a choice of the first start alone would fail here.) */
START_TEST(restarts_continue_the_start_with_the_lowest_validation_error)
{
    const char *extra[] = {"--clusters", "4", "--restarts", "3", "--restart-epochs", "1", "--seed", "1", NULL};
    train("cluster_aae", "2", extra);
    const char *csv = path_of("%s/restarts.csv", "cluster_aae");
    ck_assert_str_eq(file_line(csv, 0), "start,model_seed,epochs,valid_error,chosen");
    double err[3], best = INFINITY;
    int chosen = -1, n_chosen = 0;
    for (int i = 0; i < 3; i++) {
        int start, flag;
        unsigned long long seed;
        int epochs;
        ck_assert_int_eq(sscanf(file_line(csv, i + 1), "%d,%llu,%d,%lf,%d", &start, &seed, &epochs, &err[i], &flag), 5);
        ck_assert_int_eq(start, i);
        ck_assert_uint_eq(seed, 1 + (unsigned)i); /* --seed 1, then 2, 3 */
        ck_assert_int_eq(epochs, 1);
        char dir[32];
        snprintf(dir, sizeof dir, "cluster_aae/restart-%d", i);
        double acc = log_field(dir, 1, COL_VALID_CLUSTER_ACCURACY);
        ck_assert_msg(fabs(err[i] - (1.0 - acc)) < 1e-5, "start %d: %g against 1 - %g", i, err[i], acc);
        if (err[i] < best) best = err[i], chosen = i;
        n_chosen += flag;
        if (flag) ck_assert_int_eq(i, chosen);
    }
    ck_assert_int_eq(n_chosen, 1);
    ck_assert_msg(err[chosen] == best, "chose %g, lowest %g", err[chosen], best);
    /* The run's first epoch is the chosen start's. */
    char from[256];
    snprintf(from, sizeof from, "%s/cluster_aae/restart-%d/log.csv", DIR_, chosen);
    char first[4096];
    snprintf(first, sizeof first, "%s", file_line(from, 1));
    ck_assert_str_eq(file_line(path_of("%s/log.csv", "cluster_aae"), 1), first);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s/recipe.txt", "cluster_aae"), NULL), "model seed: "));
    /* The same bits as that model seed trained straight for two epochs. */
    char seed[32];
    snprintf(seed, sizeof seed, "seed=%d", 1 + chosen);
    const char *direct[] = {"--data", path_of("%s", "data"), "--out", path_of("%s", "direct"), "--epochs", "2",
                            "--batch", "32", "--seed", "1", "--clusters", "4", "--set", seed, NULL};
    ck_assert_int_eq(run("direct", "cluster_aae", direct), 0);
    ck_assert(same_file(path_of("%s/cluster_aae.model", "cluster_aae"), path_of("%s/cluster_aae.model", "direct")));
    /* Resumed, the choice stands: no start trains again. */
    const char *resume[] = {"--clusters", "4", "--restarts", "3", "--restart-epochs", "1", "--seed", "1", "--resume", "1", NULL};
    train("cluster_aae", "3", resume);
    const char *err_text = ru_slurp(path_of("%s.err", "cluster_aae"), NULL);
    ck_assert_ptr_null(strstr(err_text, "start 1 of 3"));
    const char *filled[] = {"epoch", "rec", "valid_cluster_accuracy", NULL};
    assert_log("cluster_aae", 3, filled);
    /* Refused: no --restart-epochs, more than --epochs, no validation set. */
    const char *no_epochs[] = {"--restarts", "2", NULL};
    ck_assert_int_eq(run("bad", "cluster_aae", no_epochs), 2);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s.err", "bad"), NULL), "--restarts needs --restart-epochs"));
    const char *too_many[] = {"--restarts", "2", "--restart-epochs", "3", "--epochs", "2", NULL};
    ck_assert_int_eq(run("bad", "cluster_aae", too_many), 2);
    const char *no_valid[] = {"--restarts", "2", "--restart-epochs", "1", "--data", path_of("%s", "data"), "--out",
                              path_of("%s", "ae_restarts"), NULL};
    ck_assert_int_eq(run("bad", "ae", no_valid), 1);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s.err", "bad"), NULL), "validation set"));
}
END_TEST

/* ---- any picture size ------------------------------------------------ */

/* Runs `ex` for one epoch on <DIR_>/<data> into <DIR_>/<out> (stdout and
 * stderr in <DIR_>/<out>.out and .err) with extra arguments; returns its
 * exit status. */
static int run_on(const char *ex, const char *data, const char *out, const char *const *extra)
{
    const char *args[24] = {"--data", path_of("%s", data), "--out", path_of("%s", out), "--epochs", "1",
                            "--batch", "32", "--seed", "3"};
    size_t n = 10;
    for (; extra && *extra; extra++) args[n++] = *extra;
    args[n] = NULL;
    return run(out, ex, args);
}

/* `ex` trains on <DIR_>/<data> into <DIR_>/<out>, and its model reads
 * `width` values. */
static void train_on(const char *ex, const char *data, const char *out, const char *const *extra, size_t width)
{
    int rc = run_on(ex, data, out, extra);
    ck_assert_msg(rc == 0, "%s on %s exited with %d: %s", ex, data, rc, ru_slurp(path_of("%s.err", out), NULL));
    assert_png(path_of("%s/loss_curves.png", out), 0, 0);
    char rel[128];
    snprintf(rel, sizeof rel, "%s/%s.model", out, ex);
    aae_model *m = NULL;
    double w = 0;
    TU_ASSERT_OK(aae_model_load(&m, path_of("%s", rel)));
    TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_INPUT_WIDTH, &w));
    aae_model_free(m);
    ck_assert_msg(w == (double)width, "%s on %s: a model of %g inputs, want %zu", ex, data, w, width);
}

/* The pixels across n pictures of `side` pixels in draw_image_grid's
 * layout (a 1-pixel gap around each). */
static uint32_t grid(int n, int side) { return (uint32_t)(n * (side + 1) + 1); }

/* Every training example reads pictures of the data's size (8x8, 12x10),
 * builds its model for it and draws its pictures at that shape;
 * --image-shape draws rows of H*W values as H x W. */
START_TEST(every_example_trains_and_draws_at_the_data_picture_size)
{
    write_data("d8", 8, 8);
    write_data("d12x10", 12, 10);
    train_on("ae", "d8", "ae8", NULL, 64);
    assert_png(path_of("%s/latent_plane.png", "ae8"), grid(20, 8), grid(20, 8));
    assert_png(path_of("%s/latent.png", "ae8"), 600, 500);
    train_on("aae", "d12x10", "aae12", NULL, 120);
    assert_png(path_of("%s/samples_epoch01.png", "aae12"), grid(10, 10), grid(10, 12));
    assert_png(path_of("%s/reconstructions.png", "aae12"), grid(20, 10), grid(2, 12));
    const char *turned[] = {"--image-shape", "10x12", NULL};
    train_on("aae", "d12x10", "aae10", turned, 120);
    assert_png(path_of("%s/reconstructions.png", "aae10"), grid(20, 12), grid(2, 10));
    train_on("supervised_aae", "d12x10", "sup12", NULL, 120);
    assert_png(path_of("%s/styles_epoch01.png", "sup12"), grid(10, 10), grid(10, 12));
    train_on("vae_classifier", "d8", "vae8", NULL, 64);
    assert_png(path_of("%s/digits_epoch01.png", "vae8"), grid(10, 8), grid(10, 8));
    const char *four[] = {"--clusters", "4", NULL};
    train_on("cluster_aae", "d12x10", "clu12", four, 120);
    assert_png(path_of("%s/clusters.png", "clu12"), grid(12, 10), grid(4, 12));
    const char *labels[] = {"--labels", "20", NULL};
    train_on("semi_supervised_aae", "d8", "semi8", labels, 64);
    assert_png(path_of("%s/styles.png", "semi8"), grid(10, 8), grid(10, 8));
}
END_TEST

/* `ex` on <DIR_>/<data> with extra arguments exits 1, saying `why`, and
 * never creates its --out folder. */
static void assert_refused(const char *ex, const char *data, const char *const *extra, const char *why)
{
    int rc = run_on(ex, data, "refused", extra);
    const char *err = ru_slurp(path_of("%s.err", "refused"), NULL);
    ck_assert_msg(rc == 1 && strstr(err, why), "%s on %s: exit %d, want 1 saying '%s': %s", ex, data, rc, why, err);
    ck_assert_msg(access(path_of("%s", "refused"), F_OK) != 0, "%s created --out before refusing", ex);
}

/* Writes a 2-D IDX image file (rows of `cols` bytes) and its labels as
 * <DIR_>/<dir>/<prefix>-*. */
static void write_idx_2d(const char *dir, const char *prefix, size_t rows, size_t cols)
{
    const uint32_t dims[] = {(uint32_t)rows, (uint32_t)cols};
    FILE *f = open_images(dir, prefix, dims, 2);
    for (size_t i = 0; i < rows * cols; i++) fputc((int)(i * 37 % 256), f);
    ck_assert_int_eq(fclose(f), 0);
    write_labels(dir, prefix, rows);
}

/* Data whose rows cannot be drawn as asked is refused before anything is
 * written: an --image-shape whose H*W is not the values per row (every
 * training example), a malformed one, rows of 30 values in a 2-D file
 * (not square: they need --image-shape, and then train), test rows unlike
 * the training rows, a file shorter than its header says, a missing labels
 * file and no data at all. */
START_TEST(data_the_pictures_cannot_show_is_refused_before_any_output)
{
    write_data("d12x10", 12, 10);
    const char *const progs[] = {"ae", "aae", "supervised_aae", "vae_classifier", "cluster_aae",
                                 "semi_supervised_aae"};
    const char *eight[] = {"--image-shape", "8x8", NULL};
    for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++)
        assert_refused(progs[i], "d12x10", eight, "--image-shape 8x8: need HxW with H*W = 120, the values per row");
    const char *const bad[] = {"12x", "x10", "0x120", "12x10x1", "-12x-10", "12 x 10", "120"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *shape[] = {"--image-shape", bad[i], NULL};
        assert_refused("aae", "d12x10", shape, "need HxW with H*W = 120");
    }
    ck_assert_int_eq(mkdir(path_of("%s", "flat"), 0777), 0);
    write_idx_2d("flat", "train", TRAIN_ROWS, 30);
    write_idx_2d("flat", "t10k", TEST_ROWS, 30);
    assert_refused("ae", "flat", NULL, "rows of 30 values are not square pictures: give --image-shape HxW");
    const char *five_by_six[] = {"--image-shape", "5x6", NULL};
    train_on("ae", "flat", "flat5x6", five_by_six, 30);
    assert_png(path_of("%s/latent_plane.png", "flat5x6"), grid(20, 6), grid(20, 5));
    ck_assert_int_eq(mkdir(path_of("%s", "mixed"), 0777), 0);
    write_idx_shaped("mixed", "train", TRAIN_ROWS, 1, 8, 8);
    write_idx_shaped("mixed", "t10k", TEST_ROWS, 1, 12, 10);
    assert_refused("vae_classifier", "mixed", NULL, "rows of 64 values");
    write_data("short", 12, 10);
    ck_assert_int_eq(truncate(path_of("%s/train-images-idx3-ubyte", "short"), 1000), 0);
    assert_refused("supervised_aae", "short", NULL, "the header says 320 rows of 120 bytes, the file holds 984");
    write_data("nolabels", 12, 10);
    ck_assert_int_eq(unlink(path_of("%s/t10k-labels-idx1-ubyte", "nolabels")), 0);
    assert_refused("semi_supervised_aae", "nolabels", NULL, "t10k-labels-idx1-ubyte: No such file");
    assert_refused("cluster_aae", "nowhere", NULL, "make mnist");
}
END_TEST

/* The aae example's model outputs tanh on data in [-1, 1]; its log and its
 * summary both give the reconstruction errors on pixels in [0, 1]: a
 * quarter of the library's MSE (half its L1) on the [-1, 1] test set. */
START_TEST(reconstruction_errors_are_on_unit_pixels_in_log_and_summary)
{
    train("aae", "1", NULL);
    double mse = log_field("aae", 1, COL_TEST_MSE), l1 = log_field("aae", 1, COL_TEST_MSE + 1);
    aae_model *m = NULL;
    aae_dataset *test = NULL;
    double lib[AAE_METRIC_COUNT];
    TU_ASSERT_OK(aae_model_load(&m, path_of("%s", "aae/aae.model")));
    TU_ASSERT_OK(aae_dataset_load_idx(&test, path_of("%s", "data/t10k-images-idx3-ubyte"),
                                      path_of("%s", "data/t10k-labels-idx1-ubyte"), AAE_SCALE_SYMMETRIC));
    TU_ASSERT_OK(aae_model_evaluate(m, test, lib));
    aae_dataset_free(test);
    aae_model_free(m);
    ck_assert_msg(fabs(mse - lib[AAE_METRIC_MSE] / 4) <= 1e-5 * mse, "log %g, library %g / 4", mse,
                  lib[AAE_METRIC_MSE]);
    ck_assert_msg(fabs(l1 - lib[AAE_METRIC_L1] / 2) <= 1e-5 * l1, "log %g, library %g / 2", l1, lib[AAE_METRIC_L1]);
    const char *out = ru_slurp(path_of("%s.out", "aae"), NULL), *p = strstr(out, "test MSE ");
    double said_mse = -1, said_l1 = -1;
    ck_assert_msg(p && sscanf(p, "test MSE %lf, L1 %lf (pixels in [0, 1]", &said_mse, &said_l1) == 2, "%s", out);
    ck_assert_msg(fabs(said_mse - mse) < 6e-5 && fabs(said_l1 - l1) < 6e-5, "summary %g %g, log %g %g", said_mse,
                  said_l1, mse, l1);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s.err", "aae"), NULL), "(mse, l1 on pixels in [0, 1])"));
}
END_TEST

/* A run stopped after its first epoch continues from the checkpoint saved
 * every epoch: --epochs counts them all, log.csv grows, and a finished run
 * trains no more but still reports its last epoch's metrics (from log.csv). */
START_TEST(a_stopped_run_resumes_from_its_checkpoint)
{
    train("cluster_aae", "1", NULL);
    const char *resume[] = {"--resume", "1", NULL};
    train("cluster_aae", "2", resume);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s.err", "cluster_aae"), NULL), "resuming"));
    const char *filled[] = {"epoch", "rec", "disc_z", "disc_y", "test_cluster_accuracy", NULL};
    assert_log("cluster_aae", 2, filled);
    const char *csv = ru_slurp(path_of("%s/log.csv", "cluster_aae"), NULL);
    ck_assert_ptr_nonnull(strstr(csv, "\n2,")); /* the second row is epoch 2 */
    for (int row = 1; row <= 2; row++) { /* the paper's error, before and after resuming */
        double e = log_field("cluster_aae", row, COL_PAPER_ERROR);
        ck_assert_msg(e >= 0 && e <= 1, "row %d: test_paper_error %g", row, e);
    }
    aae_model *m = NULL;
    uint64_t steps;
    TU_ASSERT_OK(aae_model_load(&m, path_of("%s", "cluster_aae/cluster_aae.model")));
    TU_ASSERT_OK(aae_model_steps(m, &steps));
    aae_model_free(m);
    /* The majority error the last training printed, e.g. " 85.50% (by majority)". */
    const char *out = ru_slurp(path_of("%s.out", "cluster_aae"), NULL), *p = strstr(out, "% (by majority)");
    ck_assert_msg(p != NULL, "%s", out);
    while (p > out && p[-1] != ' ') p--;
    char trained[64];
    snprintf(trained, sizeof trained, "%.*s", (int)(strchr(p, ')') + 1 - p), p);
    train("cluster_aae", "2", resume);
    assert_log("cluster_aae", 2, filled);
    /* Six panels of 420 x 280, three to a row: rec, the z and y adversaries,
     * MSE, L1, cluster accuracy (no class error: y holds clusters here). */
    assert_png(path_of("%s/loss_curves.png", "cluster_aae"), 3 * 420, 2 * 280);
    out = ru_slurp(path_of("%s.out", "cluster_aae"), NULL);
    ck_assert_msg(strstr(out, "2 epochs in 0 s") && strstr(out, trained), "finished run's summary: %s (was%s)",
                  out, trained);
    TU_ASSERT_OK(aae_model_load(&m, path_of("%s", "cluster_aae/cluster_aae.model")));
    uint64_t again;
    TU_ASSERT_OK(aae_model_steps(m, &again));
    ck_assert_uint_eq(again, steps);
    aae_model_free(m);
}
END_TEST

/* Saves a `preset` model of `width` inputs (and `settings` pairs of option
 * and value) that has taken `steps` steps, as <DIR_>/<rel>. */
static void save_model(const char *rel, aae_preset preset, size_t width, const double *settings, size_t n,
                       int steps)
{
    aae_builder *b = NULL;
    aae_model *m = NULL;
    TU_ASSERT_OK(aae_builder_create(&b, preset));
    TU_ASSERT_OK(aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, (double)width));
    for (size_t i = 0; i < n; i++) TU_ASSERT_OK(aae_builder_set(b, (aae_option)settings[2 * i], settings[2 * i + 1]));
    TU_ASSERT_OK(aae_builder_build(b, &m));
    float *x = calloc(32 * width, sizeof *x);
    float losses[AAE_SLOT_COUNT];
    ck_assert_ptr_nonnull(x);
    for (int s = 0; s < steps; s++) TU_ASSERT_OK(aae_model_train_step(m, x, NULL, 32, NULL, NULL, 0, (uint64_t)s, losses));
    char dir[256];
    snprintf(dir, sizeof dir, "%s", path_of("%s", rel));
    *strrchr(dir, '/') = '\0';
    ck_assert(mkdir(dir, 0777) == 0 || access(dir, F_OK) == 0);
    TU_ASSERT_OK(aae_model_save(m, path_of("%s", rel)));
    free(x);
    aae_model_free(m);
    aae_builder_free(b);
}

/* Runs `ex` --resume 1 for one epoch; it must refuse (exit 1) and say why. */
static void assert_resume_refused(const char *ex, const char *why, const char *extra)
{
    const char *args[] = {"--data", path_of("%s", "data"), "--out", path_of("%s", ex), "--epochs", "1",
                          "--batch", "32", "--resume", "1", extra ? "--prior" : NULL, extra, NULL};
    int rc = run("resume", ex, args);
    const char *err = ru_slurp(path_of("%s.err", "resume"), NULL);
    ck_assert_msg(rc == 1, "%s resumed a model that does not fit (exit %d): %s", ex, rc, err);
    ck_assert_msg(strstr(err, "cannot resume") && strstr(err, why), "%s: %s", ex, err);
}

/* A resumed model that has done its epochs already is still checked against
 * the program before use: its input width (write_reconstructions would
 * overflow), its code (--prior mixture draws 2-D codes) and its kind. */
START_TEST(a_resumed_model_must_fit_the_program)
{
    save_model("aae/aae.model", AAE_PRESET_AAE, 1000, NULL, 0, TRAIN_ROWS / 32);
    assert_resume_refused("aae", "input width is 1000, aae needs 784", NULL);
    save_model("aae/aae.model", AAE_PRESET_AAE, 784, NULL, 0, TRAIN_ROWS / 32);
    assert_resume_refused("aae", "z width is 10, aae needs 2", "mixture");
    save_model("cluster_aae/cluster_aae.model", AAE_PRESET_AE, 784, NULL, 0, 0);
    assert_resume_refused("cluster_aae", "its z width is 2, cluster_aae needs 5", NULL); /* an AE */
    const double five[] = {AAE_OPTION_CLASSES, 5};
    save_model("supervised_aae/supervised_aae.model", AAE_PRESET_SUPERVISED_AAE, 784, five, 1, 0);
    assert_resume_refused("supervised_aae", "number of classes is 5, supervised_aae needs 10", NULL);
}
END_TEST

/* aae-cli encode's failures on an example's files name the file and the
 * reason, never the program's code. */
START_TEST(encode_names_the_file_and_the_reason)
{
    save_model("m/enc.model", AAE_PRESET_AE, 784, NULL, 0, 0);
    const char *model = path_of("%s", "m/enc.model");
    const char *missing = path_of("%s", "missing.raw");
    const char *raw[] = {"encode", "--model", model, "--input", missing, "--input-format", "raw", NULL};
    ck_assert_int_eq(run("enc", "aae-cli", raw), 1);
    const char *err = ru_slurp(path_of("%s.err", "enc"), NULL);
    ck_assert_msg(strstr(err, missing) && strstr(err, "No such file or directory"), "%s", err);
    const char *labels = path_of("%s", "data/t10k-labels-idx1-ubyte");
    const char *one_d[] = {"encode", "--model", model, "--input", labels, NULL};
    ck_assert_int_eq(run("enc", "aae-cli", one_d), 1);
    err = ru_slurp(path_of("%s.err", "enc"), NULL);
    ck_assert_msg(strstr(err, labels) && strstr(err, "1 dimensions") && !strstr(err, "(&ds"), "%s", err);
    const char *nomodel[] = {"encode", "--model", path_of("%s", "none.model"), "--input", labels, NULL};
    ck_assert_int_eq(run("enc", "aae-cli", nomodel), 1);
    err = ru_slurp(path_of("%s.err", "enc"), NULL);
    ck_assert_msg(strstr(err, "none.model") && strstr(err, "No such file") && !strstr(err, "(&model"), "%s", err);
}
END_TEST

/* aae-cli encode on an example's model and IDX data: z, the class
 * probabilities and the label as CSV, z and the probabilities as .npy. */
START_TEST(encode_writes_csv_and_npy)
{
    train("vae_classifier", "1", NULL);
    const char *model = path_of("%s/vae_classifier.model", "vae_classifier");
    const char *images = path_of("%s/t10k-images-idx3-ubyte", "data");
    const char *labels = path_of("%s/t10k-labels-idx1-ubyte", "data");
    const char *csv_args[] = {"encode", "--model", model, "--input", images, "--labels", labels, "--output",
                              path_of("%s", "f.csv"), NULL};
    ck_assert_int_eq(run("enc", "aae-cli", csv_args), 0);
    char *csv = ru_slurp(path_of("%s", "f.csv"), NULL);
    ck_assert_msg(!strncmp(csv, "z0,z1,", 6) && strstr(csv, ",y9,label\n"), "header: %.100s", csv);
    int lines = 0;
    for (char *p = csv; *p; p++) lines += *p == '\n';
    ck_assert_int_eq(lines, TEST_ROWS + 1);
    /* 20 z + 10 probabilities + label per row; the label of row 3 is 3 */
    char *row3 = csv;
    for (int i = 0; i < 4; i++) row3 = strchr(row3, '\n') + 1;
    int commas = 0;
    char *end = strchr(row3, '\n');
    for (char *p = row3; p < end; p++) commas += *p == ',';
    ck_assert_int_eq(commas, 30);
    *end = '\0';
    ck_assert_int_eq(atoi(strrchr(row3, ',') + 1), 3);

    const char *npy_args[] = {"encode", "--model", model, "--input", images, "--output", path_of("%s", "f.npy"),
                              NULL};
    ck_assert_int_eq(run("enc", "aae-cli", npy_args), 0);
    size_t n;
    char *npy = ru_slurp(path_of("%s", "f.npy"), &n);
    ck_assert(!memcmp(npy, "\x93NUMPY\x01\x00", 8));
    size_t hlen = (unsigned char)npy[8] | (size_t)(unsigned char)npy[9] << 8;
    ck_assert_uint_eq((10 + hlen) % 64, 0);
    ck_assert_ptr_nonnull(strstr(npy + 10, "'shape': (80, 30)"));
    ck_assert_uint_eq(n, 10 + hlen + (size_t)TEST_ROWS * 30 * 4);
}
END_TEST

START_TEST(progress_is_a_bar_on_a_terminal)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    ck_assert_int_ge(master, 0);
    ck_assert_int_eq(grantpt(master), 0);
    ck_assert_int_eq(unlockpt(master), 0);
    int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    ck_assert_int_ge(slave, 0);
    const char *args[] = {"--data", path_of("%s", "data"), "--out", path_of("%s", "tty"), "--epochs", "2",
                          "--batch", "32", NULL};
    pid_t pid = ru_spawn(DIR_, "tty", slave, "aae", args);
    close(slave);
    /* Drain the terminal while the child runs; read fails (EIO) once the
     * child has exited and no one holds the other end. */
    static char buf[1 << 16];
    size_t n = 0;
    for (ssize_t k; (k = read(master, buf + n, sizeof buf - 1 - n)) > 0;)
        if ((n += (size_t)k) == sizeof buf - 1) n = 0; /* keep the tail */
    buf[n] = '\0';
    close(master);
    ck_assert_int_eq(ru_wait(pid), 0);
    ck_assert_msg(strstr(buf, "\r\033[Kepoch 1/2 [") && strstr(buf, "ETA") && strstr(buf, "samples/s"),
                  "no progress bar: %.300s", buf);
    ck_assert_msg(strstr(buf, "epoch 2/2:"), "no epoch summary: %.300s", buf);
}
END_TEST

START_TEST(progress_is_plain_lines_in_a_file)
{
    const char *args[] = {"--data", path_of("%s", "data"), "--out", path_of("%s", "plain"), "--epochs", "1",
                          "--batch", "16", NULL};
    ck_assert_int_eq(run("plain", "aae", args), 0);
    const char *err = ru_slurp(path_of("%s.err", "plain"), NULL);
    ck_assert_msg(!strchr(err, '\r') && !strchr(err, '\033'), "terminal codes in a file: %.300s", err);
    ck_assert_msg(strstr(err, "epoch 1/1 batch 5/20: rec ") && strstr(err, "epoch 1/1: rec "),
                  "plain progress: %.300s", err);
}
END_TEST

START_TEST(bad_arguments_and_missing_data_fail_clearly)
{
    const char *bad[] = {"--epochs", "zero", NULL};
    ck_assert_int_eq(run("bad", "ae", bad), 2);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s.err", "bad"), NULL), "--epochs: 'zero' is not a valid value"));
    const char *unknown[] = {"--frobnicate", "1", NULL};
    ck_assert_int_eq(run("bad", "cluster_aae", unknown), 2);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s.err", "bad"), NULL), "unknown option"));
    const char *gamma_alone[] = {"--lr-gamma", "0.5", NULL};
    ck_assert_int_eq(run("bad", "ae", gamma_alone), 2);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s.err", "bad"), NULL), "--lr-gamma needs --lr-step"));
    const char *bad_weight[] = {"--w-adv", "-3", "--data", path_of("%s", "data"), "--out", path_of("%s", "bad_weight"),
                                NULL};
    ck_assert_int_eq(run("bad", "ae", bad_weight), 1);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s.err", "bad"), NULL), "AAE_OPTION_W_ADV = -3 is outside"));
    const char *help[] = {"--help", NULL};
    ck_assert_int_eq(run("help", "semi_supervised_aae", help), 0);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s.out", "help"), NULL), "--labels"));
    const char *nodata[] = {"--data", path_of("%s", "nowhere"), "--out", path_of("%s", "nodata"), NULL};
    ck_assert_int_eq(run("nodata", "supervised_aae", nodata), 1);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s.err", "nodata"), NULL), "make mnist"));
    const char *nomodel[] = {"encode", "--model", path_of("%s", "none.model"), "--input", path_of("%s", "none"),
                             NULL};
    ck_assert_int_eq(run("nomodel", "aae-cli", nomodel), 1);
}
END_TEST

static void write_text(const char *rel, const char *text)
{
    FILE *f = fopen(path_of("%s", rel), "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_ge(fputs(text, f), 0);
    ck_assert_int_eq(fclose(f), 0);
}

/* Runs plot_curves with --out <DIR_>/p.png and one --series FILE:COLUMN;
 * returns its exit status, its stderr in *err. */
static int plot_one(const char *file, const char *column, const char **err)
{
    char spec[320];
    snprintf(spec, sizeof spec, "%s:%s", path_of("%s", file), column);
    const char *args[] = {"--out", path_of("%s", "p.png"), "--series", spec, NULL};
    int rc = run("plot", "plot_curves", args);
    *err = ru_slurp(path_of("%s.err", "plot"), NULL);
    return rc;
}

/* plot_curves draws columns of CSV files, chosen by header name, on one
 * panel (empty cells skipped, as log.csv leaves them); a missing file or
 * column, text in a number's place or a column without values fails with
 * a message naming them. */
START_TEST(plot_curves_draws_csv_columns_by_name)
{
    write_text("a.csv", "epoch,rec,test_class_error\n1,0.5,\n2,0.4,0.3\n3,0.3,0.2\n");
    write_text("b.csv", "test_class_error,epoch\r\n0.35,1\r\n0.25,2\r\n");
    char a[320], b[320];
    snprintf(a, sizeof a, "libaae=%s:test_class_error", path_of("%s", "a.csv"));
    snprintf(b, sizeof b, "other=%s:test_class_error", path_of("%s", "b.csv"));
    const char *args[] = {"--out", path_of("%s", "p.png"), "--width", "640", "--height", "400", "--title", "error",
                          "--log-x", "1", "--y-scale", "100", "--series", a, "--series", b, "--points",
                          "paper=1:16.5,3:2.2", NULL};
    int rc = run("plot", "plot_curves", args);
    ck_assert_msg(rc == 0, "plot_curves exited with %d: %s", rc, ru_slurp(path_of("%s.err", "plot"), NULL));
    assert_png(path_of("%s", "p.png"), 640, 400);

    const char *err;
    ck_assert_int_eq(plot_one("a.csv", "test_accuracy", &err), 1);
    ck_assert_msg(strstr(err, "a.csv has no column 'test_accuracy'"), "%s", err);
    ck_assert_int_eq(plot_one("none.csv", "rec", &err), 1);
    ck_assert_msg(strstr(err, "none.csv") && strstr(err, "No such file or directory"), "%s", err);
    write_text("c.csv", "epoch,rec\n1,0.5\n2,lots\n");
    ck_assert_int_eq(plot_one("c.csv", "rec", &err), 1);
    ck_assert_msg(strstr(err, "c.csv line 3: column 'rec' holds 'lots', not a number"), "%s", err);
    write_text("d.csv", "epoch,rec,ce\n1,0.5,\n2,0.4,\n");
    ck_assert_int_eq(plot_one("d.csv", "ce", &err), 1);
    ck_assert_msg(strstr(err, "column 'ce' has no values"), "%s", err);
    write_text("e.csv", "");
    ck_assert_int_eq(plot_one("e.csv", "ce", &err), 1);
    ck_assert_msg(strstr(err, "e.csv is empty"), "%s", err);

    const char *bad_points[] = {"--out", path_of("%s", "p.png"), "--points", "paper=1:2,3", NULL};
    ck_assert_int_eq(run("plot", "plot_curves", bad_points), 1);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s.err", "plot"), NULL), "'3' is not X:Y"));
    const char *nothing[] = {"--out", path_of("%s", "p.png"), NULL};
    ck_assert_int_eq(run("plot", "plot_curves", nothing), 2);
    const char *help[] = {"--help", NULL};
    ck_assert_int_eq(run("plot", "plot_curves", help), 0);
    ck_assert_ptr_nonnull(strstr(ru_slurp(path_of("%s.out", "plot"), NULL), "--series"));
}
END_TEST

/* A --band averages a column over several files at the x values all of
 * them have (the spread of seeds' runs), says what it averaged, and fails
 * with a message when a file is missing or the files share no x. */
START_TEST(plot_curves_band_is_the_mean_and_spread_at_the_common_x)
{
    write_text("s1.csv", "epoch,err\n1,0.2\n2,0.1\n3,0.3\n");
    write_text("s2.csv", "err,epoch\r\n0.3,2\r\n0.1,3\r\n0.5,4\r\n");
    write_text("s3.csv", "epoch,err\n7,0.1\n");
    char band[700];
    snprintf(band, sizeof band, "seeds=%s,%s:err", path_of("%s", "s1.csv"), path_of("%s", "s2.csv"));
    const char *args[] = {"--out", path_of("%s", "p.png"), "--y-scale", "100", "--log-y", "1", "--band", band,
                          "--points", "paper=2:15", NULL};
    int rc = run("plot", "plot_curves", args);
    ck_assert_msg(rc == 0, "plot_curves exited with %d: %s", rc, ru_slurp(path_of("%s.err", "plot"), NULL));
    assert_png(path_of("%s", "p.png"), 800, 500);
    const char *out = ru_slurp(path_of("%s.out", "plot"), NULL);
    ck_assert_msg(strstr(out, "band 'seeds': 2 files, 2 common epoch values (2 to 3); at epoch 3: mean 20 [10, 30]"),
                  "%s", out);

    snprintf(band, sizeof band, "%s,%s:err", path_of("%s", "s1.csv"), path_of("%s", "s3.csv"));
    ck_assert_int_eq(run("plot", "plot_curves", args), 1);
    const char *err = ru_slurp(path_of("%s.err", "plot"), NULL);
    ck_assert_msg(strstr(err, "no epoch value is in every file"), "%s", err);
    snprintf(band, sizeof band, "%s,%s:err", path_of("%s", "s1.csv"), path_of("%s", "none.csv"));
    ck_assert_int_eq(run("plot", "plot_curves", args), 1);
    err = ru_slurp(path_of("%s.err", "plot"), NULL);
    ck_assert_msg(strstr(err, "none.csv") && strstr(err, "No such file or directory"), "%s", err);
}
END_TEST

Suite *suite_examples(void)
{
    Suite *s = suite_create("examples");
    TCase *tc = tcase_create("programs");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, ae_writes_scatter_plane_and_log);
    tcase_add_test(tc, a_stopped_run_resumes_from_its_checkpoint);
    tcase_add_test(tc, aae_writes_samples_reconstructions_and_mixture_scatter);
    tcase_add_test(tc, supervised_aae_writes_style_grid);
    tcase_add_test(tc, vae_classifier_reports_accuracy);
    tcase_add_test(tc, cluster_aae_writes_a_row_per_cluster);
    tcase_add_test(tc, semi_supervised_aae_reports_error);
    tcase_add_test(tc, restarts_continue_the_start_with_the_lowest_validation_error);
    tcase_add_test(tc, lr_step_decays_the_learning_rate);
    tcase_add_test(tc, batchnorm_and_adversarial_weight_options_shape_a_new_model);
    tcase_add_test(tc, set_and_phase_lr_options_shape_a_new_model);
    tcase_add_test(tc, encode_writes_csv_and_npy);
    tcase_add_test(tc, a_resumed_model_must_fit_the_program);
    tcase_add_test(tc, encode_names_the_file_and_the_reason);
    tcase_add_test(tc, progress_is_a_bar_on_a_terminal);
    tcase_add_test(tc, progress_is_plain_lines_in_a_file);
    tcase_add_test(tc, bad_arguments_and_missing_data_fail_clearly);
    tcase_add_test(tc, plot_curves_draws_csv_columns_by_name);
    tcase_add_test(tc, plot_curves_band_is_the_mean_and_spread_at_the_common_x);
    tcase_add_test(tc, every_example_trains_and_draws_at_the_data_picture_size);
    tcase_add_test(tc, data_the_pictures_cannot_show_is_refused_before_any_output);
    tcase_add_test(tc, reconstruction_errors_are_on_unit_pixels_in_log_and_summary);
    suite_add_tcase(s, tc);
    return s;
}
