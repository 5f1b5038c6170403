/* Checkpoints and named tensors: round trips are bit-exact, training
 * resumes exactly, and every malformed file is refused cleanly. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/crc32.h"
#include "checkpoint_fixture.h"

enum { N = 128 };

static float X[N * MF_WIDTH];
static int32_t Y[N];
static aae_dataset *DS;
static char DIR_[64];

static void setup(void)
{
    mf_blobs(X, Y, N, 4);
    TU_ASSERT_OK(aae_dataset_from_memory(&DS, X, Y, N, MF_WIDTH, AAE_BORROW));
    tu_make_tmpdir(DIR_, "ckpt");
}

static void teardown(void)
{
    aae_dataset_free(DS);
    tu_remove_tmpdir(DIR_);
}

static aae_model *small(aae_preset p)
{
    aae_builder *b = mf_builder(p);
    aae_model *m;
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_builder_free(b);
    return m;
}

static void fit(aae_model *m, int epochs)
{
    aae_trainer *t;
    TU_ASSERT_OK(aae_trainer_create(&t));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_EPOCHS, epochs));
    TU_ASSERT_OK(aae_trainer_set(t, AAE_TRAIN_BATCH_SIZE, 16));
    TU_ASSERT_OK(aae_trainer_fit(t, m, DS, DS));
    aae_trainer_free(t);
}

/* Every tensor of a and b has the same bits. */
static void assert_same_tensors(const aae_model *a, const aae_model *b)
{
    size_t na, nb;
    TU_ASSERT_OK(aae_model_tensor_count(a, &na));
    TU_ASSERT_OK(aae_model_tensor_count(b, &nb));
    ck_assert_uint_eq(na, nb);
    for (size_t i = 0; i < na; i++) {
        const char *name_a, *name_b;
        size_t r, c, r2, c2;
        TU_ASSERT_OK(aae_model_tensor_info(a, i, &name_a, &r, &c));
        TU_ASSERT_OK(aae_model_tensor_info(b, i, &name_b, &r2, &c2));
        ck_assert_str_eq(name_a, name_b);
        ck_assert(r == r2 && c == c2);
        float *va = malloc(r * c * sizeof *va), *vb = malloc(r * c * sizeof *vb);
        TU_ASSERT_OK(aae_model_tensor_get(a, i, va, r * c));
        TU_ASSERT_OK(aae_model_tensor_get(b, i, vb, r * c));
        ck_assert_msg(memcmp(va, vb, r * c * sizeof *va) == 0, "tensor %s differs", name_a);
        free(va);
        free(vb);
    }
}

static void assert_same_outputs(const aae_model *a, const aae_model *b)
{
    static float ra[N * MF_WIDTH], rb[N * MF_WIDTH];
    TU_ASSERT_OK(aae_model_reconstruct(a, X, Y, N, ra, NULL, 0));
    TU_ASSERT_OK(aae_model_reconstruct(b, X, Y, N, rb, NULL, 0));
    ck_assert(memcmp(ra, rb, sizeof ra) == 0);
}

static const aae_preset PRESETS[] = {AAE_PRESET_AE, AAE_PRESET_VAE, AAE_PRESET_AAE,
                                     AAE_PRESET_SUPERVISED_AAE, AAE_PRESET_VAE_CLASSIFIER,
                                     AAE_PRESET_CLUSTERING_AAE, AAE_PRESET_SEMI_SUPERVISED_AAE};

/* Save -> load gives the same bits, from memory and from a file; and
 * 2 epochs + save + load + 2 epochs equals 4 epochs straight. */
START_TEST(round_trip_and_resume)
{
    aae_preset p = PRESETS[_i];
    aae_model *straight = small(p), *first = small(p), *loaded, *from_file;
    fit(first, 2);
    size_t size;
    TU_ASSERT_OK(aae_model_save_memory(first, NULL, 0, &size));
    uint8_t *buf = malloc(size);
    TU_ASSERT_OK(aae_model_save_memory(first, buf, size, &size));
    TU_ASSERT_OK(aae_model_load_memory(&loaded, buf, size));
    char path[128];
    snprintf(path, sizeof path, "%s/m.aae", DIR_);
    TU_ASSERT_OK(aae_model_save(first, path));
    TU_ASSERT_OK(aae_model_load(&from_file, path));
    assert_same_tensors(first, loaded);
    assert_same_tensors(first, from_file);
    assert_same_outputs(first, from_file);
    uint64_t s1, s2;
    TU_ASSERT_OK(aae_model_steps(first, &s1));
    TU_ASSERT_OK(aae_model_steps(loaded, &s2));
    ck_assert_uint_eq(s1, s2);
    for (int k = 1; k <= AAE_OPTION_SEED; k++) {
        double a, b;
        TU_ASSERT_OK(aae_model_get(first, (aae_option)k, &a));
        TU_ASSERT_OK(aae_model_get(loaded, (aae_option)k, &b));
        ck_assert(a == b);
    }
    fit(straight, 4);
    fit(loaded, 2);
    assert_same_tensors(straight, loaded);
    assert_same_outputs(straight, loaded);
    free(buf);
    aae_model_free(straight);
    aae_model_free(first);
    aae_model_free(loaded);
    aae_model_free(from_file);
}
END_TEST

START_TEST(every_corruption_is_refused)
{
    size_t size;
    uint8_t *good = tiny_checkpoint(&size), *bad = malloc(size);
    aae_model *m = (aae_model *)&m, *keep = m;
    for (size_t i = 0; i < size; i++) {
        memcpy(bad, good, size);
        bad[i] ^= 0x5a;
        aae_status st = aae_model_load_memory(&m, bad, size);
        ck_assert_msg(st == AAE_ERR_FORMAT || st == AAE_ERR_VERSION, "flip at %zu: %s", i,
                      aae_status_name(st));
        ck_assert_ptr_eq(m, keep);
    }
    for (size_t n = 0; n < size; n++) {
        ck_assert_int_eq(aae_model_load_memory(&m, good, n), AAE_ERR_FORMAT);
        ck_assert_ptr_eq(m, keep);
    }
    /* A newer format version, CRC fixed: refused naming both versions. */
    memcpy(bad, good, size);
    bad[8] = 7;
    refresh_crc(bad, size);
    ck_assert_int_eq(aae_model_load_memory(&m, bad, size), AAE_ERR_VERSION);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "version 7"));
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "1 to 2"));
    /* A section length running past the end, CRC fixed. */
    memcpy(bad, good, size);
    bad[16 + 4 + 5] = 0x7f; /* OPTS length, high byte */
    refresh_crc(bad, size);
    ck_assert_int_eq(aae_model_load_memory(&m, bad, size), AAE_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "past the end"));
    /* Structurally valid but semantically wrong, CRC fixed: bytes inside
     * OPTS (values out of range, bad counts) must be refused, never used. */
    for (size_t i = 16 + 12; i < 16 + 12 + 64; i++) {
        memcpy(bad, good, size);
        bad[i] ^= 0xff;
        refresh_crc(bad, size);
        aae_status st = aae_model_load_memory(&m, bad, size);
        if (st == AAE_OK) {
            aae_model_free(m); /* a still-valid value: fine, must be usable */
            m = keep;
        } else {
            /* options the builder refuses are malformed files too */
            ck_assert_msg(st == AAE_ERR_FORMAT, "offset %zu: %s", i, aae_status_name(st));
        }
    }
    TU_ASSERT_OK(aae_model_load_memory(&m, good, size));
    aae_model_free(m);
    free(good);
    free(bad);
}
END_TEST

/* Options that claim a model larger than the file are refused before the
 * model is built: a few kB cannot make the loader allocate gigabytes. */
START_TEST(options_claiming_more_than_the_file_are_refused)
{
    size_t size;
    uint8_t *buf = tiny_checkpoint(&size);
    ck_assert(memcmp(buf + 16, "OPTS", 4) == 0);
    /* OPTS: preset u32, count u32, then (id u32, value f64) pairs */
    uint8_t *pair = buf + 16 + 12 + 8;
    uint32_t count = (uint32_t)buf[32] | (uint32_t)buf[33] << 8;
    int patched = 0;
    for (uint32_t i = 0; i < count; i++, pair += 12)
        if (pair[0] == AAE_OPTION_INPUT_WIDTH && !pair[1] && !pair[2] && !pair[3]) {
            double huge = 16777216.0; /* the largest input width allowed */
            memcpy(pair + 4, &huge, 8);
            patched = 1;
        }
    ck_assert(patched);
    refresh_crc(buf, size);
    aae_model *m = NULL;
    unsigned long before = aaei_alloc_count();
    ck_assert_int_eq(aae_model_load_memory(&m, buf, size), AAE_ERR_FORMAT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "differs from the model's"));
    ck_assert_uint_le(aaei_alloc_count() - before, 1);
    ck_assert_ptr_null(m);
    free(buf);
}
END_TEST

START_TEST(files_errors_and_atomic_save)
{
    aae_model *m = small(AAE_PRESET_AE), *l = NULL;
    char path[160], missing[160];
    snprintf(path, sizeof path, "%s/keep.aae", DIR_);
    snprintf(missing, sizeof missing, "%s/no/such/dir/m.aae", DIR_);
    ck_assert_int_eq(aae_model_save(m, missing), AAE_ERR_IO);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "no/such/dir"));
    ck_assert_int_eq(aae_model_load(&l, missing), AAE_ERR_IO);
    ck_assert_int_eq(aae_model_save(NULL, path), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_model_save(m, ""), AAE_ERR_INVALID_ARGUMENT);
    /* The file gets 0666 minus the umask, like any file the program writes. */
    mode_t old = umask(022);
    TU_ASSERT_OK(aae_model_save(m, path));
    umask(old);
    struct stat sb;
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0644);
    /* Train on, then make every allocation of a second save fail in turn:
     * the first file must survive each failure and still load. */
    fit(m, 1);
    for (long n = 1; n < 8; n++) {
        aaei_alloc_fail_after(n);
        aae_status st = aae_model_save(m, path);
        aaei_alloc_fail_after(0);
        if (st == AAE_OK) break;
        ck_assert_int_eq(st, AAE_ERR_NOMEM);
        TU_ASSERT_OK(aae_model_load(&l, path));
        uint64_t steps;
        TU_ASSERT_OK(aae_model_steps(l, &steps));
        ck_assert_uint_eq(steps, 0);
        aae_model_free(l);
    }
    /* No temporary files are left behind. */
    char cmd[200];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 1", DIR_);
    ck_assert_int_eq(system(cmd), 0);
    /* A file that is not a checkpoint. */
    FILE *f = fopen(path, "w");
    fputs("hello", f);
    fclose(f);
    ck_assert_int_eq(aae_model_load(&l, path), AAE_ERR_FORMAT);
    size_t need;
    uint8_t small_buf[8];
    TU_ASSERT_OK(aae_model_save_memory(m, NULL, 0, &need));
    ck_assert_int_eq(aae_model_save_memory(m, small_buf, 8, &need), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_model_load_memory(&l, NULL, 10), AAE_ERR_INVALID_ARGUMENT);
    aae_model_free(m);
}
END_TEST

static int temp_files(int remove);

/* A write that fails (the file size limit, as a full disk would) reports
 * AAE_ERR_IO, removes its temporary file and leaves the old checkpoint. */
START_TEST(failed_write_keeps_the_old_checkpoint)
{
    char path[160];
    snprintf(path, sizeof path, "%s/full.aae", DIR_);
    aae_model *m = small(AAE_PRESET_AAE);
    TU_ASSERT_OK(aae_model_save(m, path));
    fit(m, 1);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit lim = {1000, 1000};
        setrlimit(RLIMIT_FSIZE, &lim);
        aae_status st = aae_model_save(m, path);
        _exit(st == AAE_ERR_IO && strstr(aae_last_error(), "writing") ? 0 : 1);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the failed write was not reported as I/O");
    ck_assert(!temp_files(0));
    aae_model *l = NULL;
    TU_ASSERT_OK(aae_model_load(&l, path));
    uint64_t steps;
    TU_ASSERT_OK(aae_model_steps(l, &steps));
    ck_assert_uint_eq(steps, 0); /* the first save, not the partial second */
    aae_model_free(l);
    aae_model_free(m);
}
END_TEST

/* True once a temporary file of a save exists in DIR_ (".aae-<hash of the
 * target's name>-<pid>-<n>.tmp", docs/FORMAT.md); with `remove`, deletes
 * those files instead (what a killed save left). */
static int temp_files(int remove)
{
    DIR *d = opendir(DIR_);
    int found = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, ".aae-", 5) != 0 || n < 4 || strcmp(e->d_name + n - 4, ".tmp") != 0) continue;
        found = 1;
        if (!remove) break;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", DIR_, e->d_name);
        unlink(p);
    }
    if (d) closedir(d);
    return found;
}

/* A process killed while it is writing a checkpoint (its temporary file
 * exists), over and over, at varying points of the write: the checkpoint
 * on disk always loads whole. */
START_TEST(killed_mid_save_keeps_a_loadable_checkpoint)
{
    char path[160];
    snprintf(path, sizeof path, "%s/killed.aae", DIR_);
    aae_builder *b;
    TU_ASSERT_OK(aae_builder_create(&b, AAE_PRESET_AE));
    for (int p = 0; p < 2; p++) {
        TU_ASSERT_OK(aae_builder_clear_layers(b, (aae_part)p));
        TU_ASSERT_OK(aae_builder_add_layer(b, (aae_part)p, 256, AAE_ACT_RELU, 0.0f, 0, 0.0f));
    }
    aae_model *m; /* a 2.4 MB file: a few milliseconds of writing, quick under valgrind */
    TU_ASSERT_OK(aae_builder_build(b, &m));
    aae_builder_free(b);
    TU_ASSERT_OK(aae_model_save(m, path));
    for (int round = 0; round < 10; round++) {
        fflush(NULL);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0)
            for (;;) aae_model_save(m, path);
        struct timespec tick = {0, 200000};
        for (int i = 0; i < 50000 && !temp_files(0); i++) nanosleep(&tick, NULL);
        ck_assert_msg(temp_files(0), "the child never started writing");
        /* then a little further into the write, different each round */
        struct timespec delay = {0, 300000L * round};
        nanosleep(&delay, NULL);
        kill(pid, SIGKILL);
        int status;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFSIGNALED(status));
        aae_model *l = NULL;
        TU_ASSERT_OK(aae_model_load(&l, path));
        aae_model_free(l);
        temp_files(1);
    }
    aae_model_free(m);
}
END_TEST

START_TEST(named_tensors)
{
    aae_model *m = small(AAE_PRESET_AAE);
    size_t n, r, c;
    const char *name;
    TU_ASSERT_OK(aae_model_tensor_count(m, &n));
    /* encoder: 0 dense, 2 dense(out) ; decoder: 0, 2 dense, ... */
    TU_ASSERT_OK(aae_model_tensor_info(m, 0, &name, &r, &c));
    ck_assert_str_eq(name, "encoder.0.weight");
    ck_assert(r == 32 && c == MF_WIDTH);
    TU_ASSERT_OK(aae_model_tensor_info(m, 1, &name, &r, &c));
    ck_assert_str_eq(name, "encoder.0.bias");
    ck_assert(r == 1 && c == 32);
    TU_ASSERT_OK(aae_model_tensor_info(m, 2, &name, &r, &c));
    ck_assert_str_eq(name, "encoder.2.weight");
    ck_assert(r == 20 && c == 32); /* mu and logvar heads of z = 10 */
    TU_ASSERT_OK(aae_model_tensor_info(m, n - 1, &name, &r, &c));
    ck_assert_str_eq(name, "z_discriminator.2.bias");
    ck_assert(r == 1 && c == 1);
    int saw_bn = 0;
    for (size_t i = 0; i < n; i++) {
        TU_ASSERT_OK(aae_model_tensor_info(m, i, &name, NULL, NULL));
        saw_bn |= strstr(name, "running_var") != NULL;
    }
    ck_assert(!saw_bn); /* mf_builder drops batch norm */
    /* set changes outputs; get returns what was set */
    static float before[N * MF_WIDTH], after[N * MF_WIDTH];
    TU_ASSERT_OK(aae_model_reconstruct(m, X, NULL, N, before, NULL, 0));
    float w[32 * MF_WIDTH], back[32 * MF_WIDTH];
    for (size_t i = 0; i < 32 * MF_WIDTH; i++) w[i] = 0.01f * (float)(i % 7);
    TU_ASSERT_OK(aae_model_tensor_set(m, 0, w, 32 * MF_WIDTH));
    TU_ASSERT_OK(aae_model_tensor_get(m, 0, back, 32 * MF_WIDTH));
    ck_assert(memcmp(w, back, sizeof w) == 0);
    TU_ASSERT_OK(aae_model_reconstruct(m, X, NULL, N, after, NULL, 0));
    ck_assert(memcmp(before, after, sizeof before) != 0);
    ck_assert_int_eq(aae_model_tensor_get(m, 0, back, 5), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "encoder.0.weight"));
    ck_assert_int_eq(aae_model_tensor_info(m, n, &name, &r, &c), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_int_eq(aae_model_tensor_set(m, 0, NULL, 32 * MF_WIDTH), AAE_ERR_INVALID_ARGUMENT);
    aae_model_free(m);
}
END_TEST

Suite *suite_checkpoint(void)
{
    Suite *s = suite_create("checkpoint");
    TCase *tc = tcase_create("checkpoint");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, round_trip_and_resume, 0, 7);
    tcase_add_test(tc, every_corruption_is_refused);
    tcase_add_test(tc, files_errors_and_atomic_save);
    tcase_add_test(tc, options_claiming_more_than_the_file_are_refused);
    tcase_add_test(tc, named_tensors);
    tcase_add_test(tc, killed_mid_save_keeps_a_loadable_checkpoint);
    tcase_add_test(tc, failed_write_keeps_the_old_checkpoint);
    suite_add_tcase(s, tc);
    return s;
}
