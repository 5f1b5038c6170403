/* aae-cli (examples/cli/) and the lessons (examples/lessons/), run as
 * programs: every preset trains on synthetic .npy and CSV data of two
 * widths and on an IDX slice of MNIST; encode, reconstruct and generate
 * write what the library's calls compute (bit for bit: the tool encodes
 * chunks of up to 256 rows, the test the same rows in one call); the
 * readers take good files of each kind and refuse hostile ones with a
 * message, a non-zero exit and no output file; the lessons run. make
 * check passes the programs' directory in AAE_EXAMPLES_DIR; run_util.h
 * runs them. */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_util.h"

enum { ROWS = 96, SIDE = 28 };

static char DIR_[64];

static const char *in_dir(const char *name)
{
    static char p[16][256];
    static int k;
    k = (k + 1) % 16;
    snprintf(p[k], sizeof p[k], "%s/%s", DIR_, name);
    return p[k];
}

/* Runs a program of AAE_EXAMPLES_DIR, its output into <DIR_>/<tag>.out and
 * .err; its exit status. */
static int run(const char *tag, const char *prog, const char *const *args) { return ru_run(DIR_, tag, prog, args); }

static int cli(const char *tag, const char *const *args) { return run(tag, "aae-cli", args); }

static void cli_ok(const char *tag, const char *const *args)
{
    int rc = cli(tag, args);
    char err[64];
    snprintf(err, sizeof err, "%s.err", tag);
    ck_assert_msg(rc == 0, "%s exited with %d: %s", tag, rc, ru_slurp(in_dir(err), NULL));
}

/* A .npy file: descr, shape text ("3, 4"), raw little-endian data. */
static void write_npy(const char *name, const char *descr, const char *shape, const void *data, size_t bytes)
{
    char dict[160];
    int n = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, shape);
    size_t pad = (64 - (10 + (size_t)n + 1) % 64) % 64, hlen = (size_t)n + pad + 1;
    FILE *f = fopen(in_dir(name), "wb");
    ck_assert_ptr_nonnull(f);
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)hlen, (unsigned char)(hlen >> 8)};
    fwrite(pre, 1, 10, f);
    fwrite(dict, 1, (size_t)n, f);
    for (size_t i = 0; i < pad; i++) fputc(' ', f);
    fputc('\n', f);
    if (bytes) ck_assert_uint_eq(fwrite(data, 1, bytes, f), bytes);
    ck_assert_int_eq(fclose(f), 0);
}

static void write_text(const char *name, const char *text)
{
    FILE *f = fopen(in_dir(name), "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

/* Synthetic rows: class r % 4 lifts a quarter of the columns; values in
 * [0, 1] and multiples of 1/256, so float32, float64, uint8 / 255 and CSV
 * text of them are exact. */
static void synth(float *x, int32_t *labels, size_t rows, size_t width)
{
    tu_fill(x, rows * width, 7 + width, 0.0f, 0.5f);
    for (size_t r = 0; r < rows; r++) {
        if (labels) labels[r] = (int32_t)(r % 4);
        for (size_t j = 0; j < width; j++) {
            float v = x[r * width + j] + ((j * 4 / width) == r % 4 ? 0.45f : 0.0f);
            x[r * width + j] = (float)(int)(v * 256.0f) / 256.0f;
        }
    }
}

/* x.npy (float32), labels.npy (int64) and x.csv (header, label last) of width w. */
static void write_data(size_t w, float *x, int32_t *labels)
{
    char name[64], shape[32];
    synth(x, labels, ROWS, w);
    snprintf(name, sizeof name, "x%zu.npy", w);
    snprintf(shape, sizeof shape, "%d, %zu", ROWS, w);
    write_npy(name, "<f4", shape, x, ROWS * w * sizeof *x);
    int64_t l64[ROWS];
    for (int r = 0; r < ROWS; r++) l64[r] = labels[r];
    snprintf(name, sizeof name, "labels%zu.npy", w);
    snprintf(shape, sizeof shape, "%d,", ROWS);
    write_npy(name, "<i8", shape, l64, sizeof l64);
    snprintf(name, sizeof name, "x%zu.csv", w);
    FILE *f = fopen(in_dir(name), "w");
    ck_assert_ptr_nonnull(f);
    for (size_t j = 0; j < w; j++) fprintf(f, "f%zu,", j);
    fprintf(f, "label\n");
    for (int r = 0; r < ROWS; r++) {
        for (size_t j = 0; j < w; j++) fprintf(f, "%.9g,", (double)x[r * w + j]);
        fprintf(f, "%d\n", labels[r]);
    }
    ck_assert_int_eq(fclose(f), 0);
}

/* A float32 .npy the tool wrote: rows x cols values into a static buffer. */
static const float *read_npy(const char *name, size_t rows, size_t cols)
{
    size_t n;
    const unsigned char *b = (const unsigned char *)ru_slurp(in_dir(name), &n);
    ck_assert_msg(n > 10 && !memcmp(b, "\x93NUMPY", 6), "%s is not .npy", name);
    size_t hlen = (size_t)b[8] | (size_t)b[9] << 8;
    char want[64];
    snprintf(want, sizeof want, "'shape': (%zu, %zu)", rows, cols);
    ck_assert_msg(strstr((const char *)b + 10, want) != NULL, "%s: no %s", name, want);
    ck_assert_uint_eq(n, 10 + hlen + rows * cols * 4);
    static float v[1 << 18];
    memcpy(v, b + 10 + hlen, rows * cols * 4);
    return v;
}

static aae_model *load_model(const char *name)
{
    aae_model *m = NULL;
    TU_ASSERT_OK(aae_model_load(&m, in_dir(name)));
    return m;
}

/* The tool runs one BLAS thread: so does the test, for the same bits. */
static void setup(void)
{
    tu_make_tmpdir(DIR_, "cli");
    aae_set_num_threads(1);
}
static void teardown(void) { tu_remove_tmpdir(DIR_); }

static const char *const presets[] = {"ae", "vae", "aae", "supervised_aae", "vae_classifier", "clustering_aae",
                                      "semi_supervised_aae"};

/* Each preset on .npy data of width 6 (labels from a second .npy) and on
 * CSV of width 11 (a header, labels in the last column); z_width by --set. */
START_TEST(every_preset_trains_on_npy_and_csv_of_two_widths)
{
    static float x[ROWS * 16];
    int32_t labels[ROWS];
    write_data(6, x, labels);
    write_data(11, x, labels);
    for (size_t p = 0; p < sizeof presets / sizeof presets[0]; p++)
        for (int csv = 0; csv < 2; csv++) {
            char out[64], tag[80];
            snprintf(out, sizeof out, "%s_%s", presets[p], csv ? "csv" : "npy");
            snprintf(tag, sizeof tag, "train_%s", out);
            const char *npy[] = {"train", "--preset", presets[p], "--input", in_dir("x6.npy"), "--labels",
                                 in_dir("labels6.npy"), "--out", in_dir(out), "--epochs", "2", "--batch", "16",
                                 "--hidden", "16", "--set", "z_width=3", "--valid", "16", NULL};
            const char *text[] = {"train", "--preset", presets[p], "--input", in_dir("x11.csv"), "--label-column",
                                  "11", "--out", in_dir(out), "--epochs", "2", "--batch", "16", "--hidden", "16",
                                  "--set", "z_width=3", NULL};
            int rc = cli(tag, csv ? text : npy);
            char err[96];
            snprintf(err, sizeof err, "%s.err", tag);
            ck_assert_msg(rc == 0, "%s exited with %d: %s", tag, rc, ru_slurp(in_dir(err), NULL));
            char model[96], log[96];
            snprintf(model, sizeof model, "%s/model.aae", out);
            snprintf(log, sizeof log, "%s/log.csv", out);
            aae_model *m = load_model(model);
            double w = 0, z = 0;
            TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_INPUT_WIDTH, &w));
            TU_ASSERT_OK(aae_model_get(m, AAE_OPTION_Z_WIDTH, &z));
            ck_assert_msg(w == (csv ? 11 : 6) && z == 3, "%s: width %g z %g", out, w, z);
            aae_model_free(m);
            const char *l = ru_slurp(in_dir(log), NULL);
            int lines = 0;
            for (const char *c = l; *c; c++) lines += *c == '\n';
            ck_assert_msg(lines == 3 && !strncmp(l, "epoch,rec,", 10), "%s: log %s", out, l);
        }
}
END_TEST

/* The tool's codes of x.npy (.npy and CSV output) are aae_model_encode's of
 * the same rows in one call, bit for bit; y follows z for a y-head model.
 * Reconstructions match aae_model_reconstruct the same way. */
START_TEST(encode_and_reconstruct_are_the_library_s)
{
    static float x[ROWS * 6], out[ROWS * 32];
    int32_t labels[ROWS];
    write_data(6, x, labels);
    const char *train[] = {"train", "--preset", "semi_supervised_aae", "--input", in_dir("x6.npy"), "--labels",
                           in_dir("labels6.npy"), "--out", in_dir("semi"), "--epochs", "1", "--batch", "16",
                           "--hidden", "16", NULL};
    cli_ok("train", train);
    const char *enc[] = {"encode", "--model", in_dir("semi/model.aae"), "--input", in_dir("x6.npy"), "--output",
                         in_dir("z.npy"), NULL};
    const char *enc_csv[] = {"encode", "--model", in_dir("semi/model.aae"), "--input", in_dir("x6.npy"),
                             "--output", in_dir("z.csv"), NULL};
    const char *rec[] = {"reconstruct", "--model", in_dir("semi/model.aae"), "--input", in_dir("x6.csv"),
                         "--label-column", "6", "--output", in_dir("r.npy"), NULL};
    const char *enc_label[] = {"encode", "--model", in_dir("semi/model.aae"), "--input", in_dir("x6.csv"),
                               "--label-column", "6", "--output", in_dir("zl.csv"), NULL};
    cli_ok("encode", enc);
    cli_ok("encode_csv", enc_csv);
    cli_ok("encode_label", enc_label);
    cli_ok("reconstruct", rec);
    aae_model *m = load_model("semi/model.aae");
    double zw = 0, k = 0;
    aae_model_get(m, AAE_OPTION_Z_WIDTH, &zw);
    aae_model_get(m, AAE_OPTION_CLASSES, &k);
    size_t nz = (size_t)zw, ny = (size_t)k, cols = nz + ny;
    ck_assert(nz <= 16 && ny <= 16);
    static float z[ROWS * 16], y[ROWS * 16];
    TU_ASSERT_OK(aae_model_encode(m, x, ROWS, z, y, NULL, 0));
    for (size_t r = 0; r < ROWS; r++) {
        memcpy(out + r * cols, z + r * nz, nz * sizeof *z);
        memcpy(out + r * cols + nz, y + r * ny, ny * sizeof *y);
    }
    ck_assert_msg(!memcmp(read_npy("z.npy", ROWS, cols), out, ROWS * cols * sizeof *out), "z.npy differs");
    const char *csv = ru_slurp(in_dir("z.csv"), NULL);
    ck_assert_msg(!strncmp(csv, "z0,", 3) && strstr(csv, ",y0,"), "z.csv header: %.80s", csv);
    csv = strchr(csv, '\n') + 1;
    for (size_t i = 0; i < ROWS * cols; i++) {
        char *end;
        float v = strtof(csv, &end);
        ck_assert_msg(end != csv && v == out[i], "z.csv value %zu: %.9g, want %.9g", i, (double)v, (double)out[i]);
        csv = end + 1;
    }
    /* With labels, encode writes them last: the label of row 5 is 1. */
    csv = ru_slurp(in_dir("zl.csv"), NULL);
    const char *row5 = csv;
    for (int i = 0; i < 6; i++) row5 = strchr(row5, '\n') + 1;
    ck_assert_msg(strstr(csv, ",y0,") && !strncmp(strchr(csv, '\n') - 6, ",label", 6) &&
                      !strncmp(strchr(row5, '\n') - 2, ",1", 2), "zl.csv: %.300s", csv);
    TU_ASSERT_OK(aae_model_reconstruct(m, x, NULL, ROWS, out, NULL, 0));
    ck_assert_msg(!memcmp(read_npy("r.npy", ROWS, 6), out, ROWS * 6 * sizeof *out), "r.npy differs");
    aae_model_free(m);
}
END_TEST

/* The same values as float32, float64, a 3-D float32 array and uint8 (as
 * IDX bytes are scaled) encode to the same codes; CSV with or without a
 * header and raw float32 rows (--input-format raw) too. */
START_TEST(readers_take_each_kind_of_file)
{
    static float x[ROWS * 6];
    int32_t labels[ROWS];
    write_data(6, x, labels);
    const char *train[] = {"train", "--preset", "ae", "--input", in_dir("x6.npy"), "--out", in_dir("ae"),
                           "--epochs", "1", "--batch", "16", "--hidden", "8", NULL};
    cli_ok("train", train);
    static double d[ROWS * 6];
    static unsigned char u8[ROWS * 6];
    static float xs[ROWS * 6];
    for (size_t i = 0; i < ROWS * 6; i++) {
        d[i] = x[i];
        u8[i] = (unsigned char)(x[i] * 255.0f);
        xs[i] = (float)u8[i] * (1.0f / 255.0f);
    }
    write_npy("d.npy", "<f8", "96, 6", d, sizeof d);
    write_npy("cube.npy", "<f4", "96, 2, 3", x, sizeof(float) * ROWS * 6);
    write_npy("u8.npy", "|u1", "96, 6", u8, sizeof u8);
    write_npy("xs.npy", "<f4", "96, 6", xs, sizeof xs);
    char *text = malloc(1 << 16), *p = text;
    for (int r = 0; r < ROWS; r++)
        for (int j = 0; j < 6; j++) p += sprintf(p, "%.9g%s", (double)x[r * 6 + j], j < 5 ? "," : "\r\n");
    write_text("plain.csv", text);
    free(text);
    FILE *f = fopen(in_dir("x6.f32"), "wb"); /* raw float32 rows (this test runs on little-endian hosts) */
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(x, sizeof *x, ROWS * 6, f), ROWS * 6);
    ck_assert_int_eq(fclose(f), 0);
    const char *inputs[] = {"x6.npy", "d.npy", "cube.npy", "plain.csv", "x6.f32", "u8.npy", "xs.npy"};
    static float first[ROWS * 2];
    for (size_t i = 0; i < 7; i++) {
        char outname[32], tag[32];
        snprintf(outname, sizeof outname, "z%zu.npy", i);
        snprintf(tag, sizeof tag, "encode%zu", i);
        const char *enc[] = {"encode", "--model", in_dir("ae/model.aae"), "--input", in_dir(inputs[i]), "--output",
                             in_dir(outname), i == 4 ? "--input-format" : NULL, "raw", NULL};
        cli_ok(tag, enc);
        const float *z = read_npy(outname, ROWS, 2);
        if (i == 0 || i == 5) memcpy(first, z, sizeof first);
        else ck_assert_msg(!memcmp(first, z, sizeof first), "%s encodes differently", inputs[i]);
    }
}
END_TEST

/* Hostile input: a message naming the problem, exit status 1 or 2, and no
 * output file. */
START_TEST(hostile_input_fails_cleanly)
{
    static float x[ROWS * 16];
    int32_t labels[ROWS];
    write_data(6, x, labels);
    write_data(11, x, labels);
    const char *train[] = {"train", "--preset", "vae", "--input", in_dir("x6.npy"), "--out", in_dir("vae"),
                           "--epochs", "1", "--batch", "16", "--hidden", "8", NULL};
    cli_ok("train", train);
    float nan[6] = {0, 0, 0, 0, 0, 0};
    nan[4] = 0.0f / 0.0f;
    write_npy("nan.npy", "<f4", "1, 6", nan, sizeof nan);
    write_npy("short.npy", "<f4", "96, 6", x, 100);
    write_npy("fortran.npy", "<f4", "96, 6", x, ROWS * 6 * 4);
    FILE *f = fopen(in_dir("fortran.npy"), "r+b");
    char head[64];
    ck_assert_uint_eq(fread(head, 1, sizeof head, f), sizeof head);
    char *no = memchr(head, 'F', sizeof head); /* 'fortran_order': False -> True */
    ck_assert_ptr_nonnull(no);
    fseek(f, no - head, SEEK_SET);
    fwrite("True ", 1, 5, f);
    fclose(f);
    write_npy("complex.npy", "<c8", "96, 3", x, ROWS * 6 * 4);
    write_npy("big.npy", ">f4", "96, 6", x, ROWS * 6 * 4);
    write_npy("huge.npy", "<f4", "99999999999, 99999999999", x, 16);
    write_npy("scalar.npy", "<f4", "", x, 4);
    int64_t l95[95] = {0};
    write_npy("l95.npy", "<i8", "95,", l95, sizeof l95);
    write_text("magic.npy", "PK\x03\x04 not numpy at all");
    write_text("ragged.csv", "1,2,3,4,5,6\n1,2,3,4,5\n");
    write_text("nan.csv", "1,2,3,4,5,6\n1,2,nan,4,5,6\n");
    write_text("word.csv", "1,2,3,4,5,6\n1,2,three,4,5,6\n");
    write_text("empty.csv", "");
    write_text("gap.csv", "1,2,3,4,5,6\n\n1,2,3,4,5,6\n");
    write_text("badlabel.csv", "1,2,3,4,5,6,0.5\n");
    write_text("empty.f32", "");
    write_npy("odd.f32", "<f4", "", x, 100); /* a header and 100 bytes: not rows of 6 float32 */
    mkdir(in_dir("adir.npy"), 0777);
    static const struct {
        const char *input, *extra, *value, *says;
    } cases[] = {
        {"nan.npy", NULL, NULL, "NaN"},
        {"short.npy", NULL, NULL, "bytes of data"},
        {"fortran.npy", NULL, NULL, "Fortran"},
        {"complex.npy", NULL, NULL, "dtype '<c8'"},
        {"big.npy", NULL, NULL, "dtype '>f4'"},
        {"huge.npy", NULL, NULL, "bytes of data"},
        {"scalar.npy", NULL, NULL, "scalar"},
        {"magic.npy", NULL, NULL, "magic"},
        {"ragged.csv", NULL, NULL, "line 2 has 5 fields"},
        {"nan.csv", NULL, NULL, "line 2, column 3"},
        {"word.csv", NULL, NULL, "'three' is not a number"},
        {"empty.csv", NULL, NULL, "no rows"},
        {"gap.csv", NULL, NULL, "line 2 is empty"},
        {"badlabel.csv", "--label-column", "6", "label of row 0"},
        {"missing.npy", NULL, NULL, "No such file"},
        {"adir.npy", NULL, NULL, "not a regular file"},
        {"x11.npy", NULL, NULL, "reads 6"},
        {"x6.csv", NULL, NULL, "reads 6"}, /* the label column counts: 7 */
        {"x6.csv", "--label-column", "7", "--label-column 7"},
        {"x6.npy", "--labels", "labels.idx", "labels of .npy"},
        {"x6.npy", "--labels", "l95.npy", "one label for each of its 96 rows"},
        {"x6.npy", "--labels", "x6.npy", "holds 96 x 6 values"},
        {"x6.npy", "--input-format", "xml", "--input-format"},
        {"empty.f32", "--input-format", "raw", "is empty"},
        {"odd.f32", "--input-format", "raw", "not a whole number of rows of 6 float32"},
        {"x6.csv", "--scale", "big", "--scale must be"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char tag[32], err[40];
        snprintf(tag, sizeof tag, "hostile%zu", i);
        snprintf(err, sizeof err, "%s.err", tag);
        const char *args[16] = {"encode", "--model", in_dir("vae/model.aae"), "--input", in_dir(cases[i].input),
                                "--output", in_dir("out.npy"), NULL};
        if (cases[i].extra) {
            args[7] = cases[i].extra;
            args[8] = strchr(cases[i].value, '.') ? in_dir(cases[i].value) : cases[i].value;
            args[9] = NULL;
        }
        int rc = cli(tag, args);
        const char *msg = ru_slurp(in_dir(err), NULL);
        ck_assert_msg(rc == 1 || rc == 2, "%s: exit %d", cases[i].input, rc);
        ck_assert_msg(strstr(msg, cases[i].says) != NULL, "%s: message '%s' lacks '%s'", cases[i].input, msg,
                      cases[i].says);
        ck_assert_msg(access(in_dir("out.npy"), F_OK) != 0, "%s left out.npy", cases[i].input);
    }
    /* Names, values, models and pictures. */
    static const struct {
        const char *args[12], *says;
    } bad[] = {
        {{"train", "--input", "x6.npy", "--set", "zwidth=3", NULL}, "the options are: input_width"},
        {{"train", "--input", "x6.npy", "--set", "z_width=0", NULL}, "out of range"},
        {{"train", "--input", "x6.npy", "--set", "w_kl=nan", NULL}, "not a finite number"},
        {{"train", "--input", "x6.npy", "--set", "output=purple", NULL}, "the names are: linear sigmoid tanh"},
        {{"train", "--input", "x6.npy", "--preset", "gan", NULL}, "the presets are: ae vae"},
        {{"train", "--input", "x6.npy", "--preset", "supervised_aae", "--out", "sup", NULL}, "reads labels"},
        {{"train", "--input", "x6.npy", "--set", "input_width=7", NULL}, "input_width=7"},
        {{"encode", "--model", "x6.npy", "--input", "x6.npy", "--output", "out.npy", NULL}, "cannot load the model"},
        {{"generate", "--model", "vae/model.aae", "--output", "out.png", NULL}, "--image-shape"},
        {{"generate", "--model", "vae/model.aae", "--output", "out.png", "--image-shape", "4x4", NULL}, "H*W = 6"},
        {{"generate", "--model", "vae/model.aae", "--output", "out.npy", "--label", "1", NULL}, "--label needs"},
        {{"encode", "--input", "x6.npy", NULL}, "--model FILE is required"},
        {{"train", "--input", "x6.npy", "--input-format", "raw", NULL}, "raw float32 input has no shape"},
        {{"frobnicate", NULL}, "unknown command"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *args[12];
        for (size_t j = 0; j < 12; j++)
            args[j] = bad[i].args[j] && j > 0 && strcmp(bad[i].args[j - 1], "--set") &&
                              strcmp(bad[i].args[j - 1], "--preset") && strchr(bad[i].args[j], '.')
                          ? in_dir(bad[i].args[j])
                          : bad[i].args[j];
        char tag[32], err[40];
        snprintf(tag, sizeof tag, "bad%zu", i);
        snprintf(err, sizeof err, "%s.err", tag);
        int rc = cli(tag, args);
        const char *msg = ru_slurp(in_dir(err), NULL);
        ck_assert_msg(rc == 1 || rc == 2, "bad %zu: exit %d", i, rc);
        ck_assert_msg(strstr(msg, bad[i].says) != NULL, "bad %zu: message '%s' lacks '%s'", i, msg, bad[i].says);
        ck_assert(access(in_dir("out.npy"), F_OK) != 0 && access(in_dir("out.png"), F_OK) != 0);
    }
    ck_assert_msg(access(in_dir("sup"), F_OK) != 0, "a refused run created its --out");
}
END_TEST

/* A stopped run continues: one epoch, then --resume 1 up to three. */
START_TEST(train_resumes_from_its_checkpoint)
{
    static float x[ROWS * 16];
    int32_t labels[ROWS];
    write_data(6, x, labels);
    const char *first[] = {"train", "--preset", "aae", "--input", in_dir("x6.npy"), "--out", in_dir("run"),
                           "--epochs", "1", "--batch", "16", "--hidden", "8", NULL};
    const char *more[] = {"train", "--preset", "aae", "--input", in_dir("x6.npy"), "--out", in_dir("run"),
                          "--epochs", "3", "--batch", "16", "--hidden", "8", "--resume", "1", NULL};
    cli_ok("first", first);
    aae_model *m = load_model("run/model.aae");
    uint64_t s1 = 0, s3 = 0;
    aae_model_steps(m, &s1);
    aae_model_free(m);
    cli_ok("more", more);
    m = load_model("run/model.aae");
    aae_model_steps(m, &s3);
    aae_model_free(m);
    ck_assert_uint_eq(s3, 3 * s1);
    ck_assert_msg(strstr(ru_slurp(in_dir("more.err"), NULL), "resuming") != NULL, "no resume message");
    const char *log = ru_slurp(in_dir("run/log.csv"), NULL);
    ck_assert_msg(strstr(log, "\n1,") && strstr(log, "\n2,") && strstr(log, "\n3,"), "log: %s", log);
    /* A model of another width is refused. */
    write_data(11, x, labels);
    const char *other[] = {"train", "--preset", "aae", "--input", in_dir("x11.npy"), "--out", in_dir("run"),
                           "--epochs", "4", "--resume", "1", NULL};
    ck_assert_int_eq(cli("other", other), 1);
    ck_assert(strstr(ru_slurp(in_dir("other.err"), NULL), "input width") != NULL);
}
END_TEST

/* generate: n rows as .npy, CSV, a PNG grid of square rows; info names the
 * options and counts the parameters as the model's tensors do. */
START_TEST(generate_and_info)
{
    static float x[ROWS * 16];
    int32_t labels[ROWS];
    write_data(16, x, labels);
    const char *train[] = {"train", "--preset", "supervised_aae", "--input", in_dir("x16.npy"), "--labels",
                           in_dir("labels16.npy"), "--out", in_dir("sup"), "--epochs", "1", "--batch", "16",
                           "--hidden", "8", "--set", "classes=4", "--set", "output=sigmoid", NULL};
    cli_ok("train", train);
    const char *gen[] = {"generate", "--model", in_dir("sup/model.aae"), "--n", "9", "--label", "2", "--seed", "5",
                         "--output", in_dir("g.npy"), NULL};
    const char *png[] = {"generate", "--model", in_dir("sup/model.aae"), "--n", "9", "--output", in_dir("g.png"),
                         NULL};
    const char *info[] = {"info", "--model", in_dir("sup/model.aae"), NULL};
    cli_ok("gen", gen);
    cli_ok("png", png);
    cli_ok("info", info);
    aae_model *m = load_model("sup/model.aae");
    static float want[9 * 16];
    int32_t two[9] = {2, 2, 2, 2, 2, 2, 2, 2, 2};
    TU_ASSERT_OK(aae_model_generate(m, 9, 5, two, want, NULL, 0));
    ck_assert(!memcmp(read_npy("g.npy", 9, 16), want, sizeof want));
    size_t n;
    const unsigned char *b = (const unsigned char *)ru_slurp(in_dir("g.png"), &n);
    ck_assert(n > 24 && !memcmp(b + 1, "PNG", 3) && b[19] == 3 * 5 + 1); /* 3 x 3 pictures of 4 x 4 */
    size_t count = 0, total = 0;
    aae_model_tensor_count(m, &count);
    for (size_t t = 0; t < count; t++) {
        const char *name;
        size_t r, c;
        aae_model_tensor_info(m, t, &name, &r, &c);
        if (!strstr(name, "running_")) total += r * c;
    }
    aae_model_free(m);
    char line[64];
    snprintf(line, sizeof line, "total            %zu\n", total);
    const char *out = ru_slurp(in_dir("info.out"), NULL);
    ck_assert_msg(strstr(out, "classes             4\n") && strstr(out, "decoder_input       1 (z_label)\n") &&
                      strstr(out, "output              1 (sigmoid)\n") &&
                      strstr(out, line) && strstr(out, "encoder          8 "),
                  "info: %s", out);
}
END_TEST

/* An IDX pair of n MNIST-shaped images (digit d: a bright bar at row 2+2d). */
static void write_idx(const char *prefix, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s-images-idx3-ubyte", prefix);
    FILE *f = fopen(in_dir(path), "wb");
    unsigned char head[16] = {0, 0, 8, 3, 0, 0, (unsigned char)(n >> 8), (unsigned char)n, 0, 0, 0, SIDE, 0, 0, 0, SIDE};
    fwrite(head, 1, 16, f);
    for (size_t r = 0; r < n; r++)
        for (int i = 0; i < SIDE * SIDE; i++) fputc(i / SIDE == 2 + 2 * (int)(r % 10) ? 220 : (int)((r * 7 + (size_t)i) % 50), f);
    fclose(f);
    snprintf(path, sizeof path, "%s-labels-idx1-ubyte", prefix);
    f = fopen(in_dir(path), "wb");
    unsigned char lhead[8] = {0, 0, 8, 1, 0, 0, (unsigned char)(n >> 8), (unsigned char)n};
    fwrite(lhead, 1, 8, f);
    for (size_t r = 0; r < n; r++) fputc((int)(r % 10), f);
    fclose(f);
}

/* The first 256 training digits of MNIST (../data/mnist, else synthetic
 * digits of the same shape) through IDX train every preset; the AAE's codes
 * of the first 200 test digits from encode equal aae_model_encode of the
 * same rows, scaled as the model's output or as --scale says. */
START_TEST(mnist_slice_through_idx)
{
    char img[256], lab[256], test[256];
    const char *real = "../data/mnist/train-images-idx3-ubyte";
    if (access(real, R_OK) == 0) {
        snprintf(img, sizeof img, "%s", real);
        snprintf(lab, sizeof lab, "../data/mnist/train-labels-idx1-ubyte");
        snprintf(test, sizeof test, "../data/mnist/t10k-images-idx3-ubyte");
    } else {
        write_idx("train", 300);
        write_idx("t10k", 200);
        snprintf(img, sizeof img, "%s", in_dir("train-images-idx3-ubyte"));
        snprintf(lab, sizeof lab, "%s", in_dir("train-labels-idx1-ubyte"));
        snprintf(test, sizeof test, "%s", in_dir("t10k-images-idx3-ubyte"));
    }
    /* Every preset trains on the slice; the AAE's model is checked below. */
    for (size_t p = 0; p < sizeof presets / sizeof presets[0]; p++) {
        char out[64];
        snprintf(out, sizeof out, "mnist_%s", presets[p]);
        const char *train[] = {"train", "--preset", presets[p], "--input", img, "--labels", lab, "--limit", "256",
                               "--out", in_dir(strcmp(presets[p], "aae") ? out : "mnist"), "--epochs", "1",
                               "--batch", "32", "--hidden", "64", "--valid", "32", NULL};
        cli_ok(out, train);
    }
    const char *enc[] = {"encode", "--model", in_dir("mnist/model.aae"), "--input", test, "--limit", "200",
                         "--output", in_dir("z.npy"), NULL};
    const char *enc_unit[] = {"encode", "--model", in_dir("mnist/model.aae"), "--input", test, "--limit", "200",
                              "--scale", "unit", "--output", in_dir("zu.npy"), NULL};
    const char *png[] = {"reconstruct", "--model", in_dir("mnist/model.aae"), "--input", test, "--limit", "16",
                         "--output", in_dir("r.png"), NULL};
    cli_ok("encode", enc);
    cli_ok("encode_unit", enc_unit);
    cli_ok("png", png);
    aae_model *m = load_model("mnist/model.aae");
    aae_dataset *ds = NULL;
    TU_ASSERT_OK(aae_dataset_load_idx(&ds, test, NULL, AAE_SCALE_SYMMETRIC)); /* the AAE preset is tanh */
    static float x[200 * 784], z[200 * 10];
    size_t idx[200];
    for (size_t i = 0; i < 200; i++) idx[i] = i;
    TU_ASSERT_OK(aae_dataset_get_rows(ds, idx, 200, x, NULL));
    TU_ASSERT_OK(aae_model_encode(m, x, 200, z, NULL, NULL, 0));
    ck_assert(!memcmp(read_npy("z.npy", 200, 10), z, sizeof z));
    aae_dataset_free(ds);
    TU_ASSERT_OK(aae_dataset_load_idx(&ds, test, NULL, AAE_SCALE_UNIT)); /* --scale unit overrides */
    TU_ASSERT_OK(aae_dataset_get_rows(ds, idx, 200, x, NULL));
    TU_ASSERT_OK(aae_model_encode(m, x, 200, z, NULL, NULL, 0));
    ck_assert(!memcmp(read_npy("zu.npy", 200, 10), z, sizeof z));
    aae_dataset_free(ds);
    aae_model_free(m);
    const char *log = ru_slurp(in_dir("mnist/log.csv"), NULL);
    ck_assert_msg(strstr(log, "\n1,") != NULL, "log: %s", log);
}
END_TEST

/* The lessons: 1 trains and saves, 2 prints codes of that model, 3 draws a
 * digit, 4 prints a classification error (on synthetic MNIST-shaped IDX). */
START_TEST(lessons_run)
{
    write_idx("train", 300);
    write_idx("t10k", 100);
    const char *model = in_dir("lesson.model");
    const char *a1[] = {model, NULL}, *a3[] = {DIR_, "3", NULL}, *a4[] = {DIR_, NULL};
    ck_assert_int_eq(run("l1", "lessons/01_train_vae", a1), 0);
    ck_assert(strstr(ru_slurp(in_dir("l1.out"), NULL), "epoch 5: reconstruction") != NULL);
    ck_assert_int_eq(run("l2", "lessons/02_extract_features", a1), 0);
    ck_assert(strstr(ru_slurp(in_dir("l2.out"), NULL), "row 3:") != NULL);
    ck_assert_int_eq(run("l3", "lessons/03_generate_digit", a3), 0);
    size_t n;
    ru_slurp(in_dir("l3.out"), &n);
    ck_assert_uint_eq(n, SIDE * (SIDE + 1));
    ck_assert_int_eq(run("l4", "lessons/04_classify", a4), 0);
    ck_assert(strstr(ru_slurp(in_dir("l4.out"), NULL), "test digits: 100, classification error") != NULL);
    const char *nope[] = {in_dir("missing.model"), NULL};
    ck_assert_int_eq(run("l2bad", "lessons/02_extract_features", nope), 1);
}
END_TEST

Suite *suite_cli(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_preset_trains_on_npy_and_csv_of_two_widths);
    tcase_add_test(tc, encode_and_reconstruct_are_the_library_s);
    tcase_add_test(tc, readers_take_each_kind_of_file);
    tcase_add_test(tc, hostile_input_fails_cleanly);
    tcase_add_test(tc, train_resumes_from_its_checkpoint);
    tcase_add_test(tc, generate_and_info);
    tcase_add_test(tc, mnist_slice_through_idx);
    tcase_add_test(tc, lessons_run);
    suite_add_tcase(s, tc);
    return s;
}
