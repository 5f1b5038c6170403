/* Hostile checkpoint files and hostile places to save them: what no save
 * writes is refused as AAE_ERR_FORMAT before anything it claims is
 * allocated, a FIFO or directory never blocks a load, and a save follows
 * symbolic links, keeps the file's mode, copes with long names and cleans
 * up after killed saves of its own. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint_fixture.h"
#include "core/alloc.h"
#include "model/model.h"

static char DIR_[64];

static void setup(void) { tu_make_tmpdir(DIR_, "ckh"); }

static void teardown(void) { tu_remove_tmpdir(DIR_); }

static const char *in_dir(const char *name) { return tu_in_dir(DIR_, name); }

static void write_bytes(const char *path, const uint8_t *buf, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* ---- taking a checkpoint apart and putting it back together ---- */

typedef struct section {
    char tag[5];
    size_t at; /* payload offset */
    size_t len;
} section;

static uint64_t le(const uint8_t *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* The sections between the header and END; returns how many. */
static int sections_of(const uint8_t *buf, size_t size, section *out, int max)
{
    int n = 0;
    for (size_t at = 16; at < size - 16 && n < max; n++) {
        memcpy(out[n].tag, buf + at, 4);
        out[n].tag[4] = '\0';
        out[n].len = (size_t)le(buf + at + 4, 8);
        out[n].at = at + 12;
        at += 12 + out[n].len;
    }
    return n;
}

/* Payload offset of the first section `tag`. */
static size_t payload_of(const uint8_t *buf, size_t size, const char *tag)
{
    section s[16];
    int n = sections_of(buf, size, s, 16);
    for (int i = 0; i < n; i++)
        if (strcmp(s[i].tag, tag) == 0) return s[i].at;
    ck_abort_msg("no section %s", tag);
    return 0;
}

/* A new checkpoint: buf's header, then the sections listed by `order` (a
 * string of indices into buf's sections, '-' for `extra` with tag
 * `extra_tag`), then END with a correct CRC. */
static uint8_t *assemble(const uint8_t *buf, size_t size, const char *order, const char *extra_tag,
                         size_t extra_len, size_t *out_size)
{
    section s[16];
    sections_of(buf, size, s, 16);
    size_t total = 16 + 16;
    for (const char *c = order; *c; c++) total += 12 + (*c == '-' ? extra_len : s[*c - '0'].len);
    uint8_t *out = calloc(1, total), *p = out + 16;
    memcpy(out, buf, 16);
    for (const char *c = order; *c; c++) {
        int extra = *c == '-';
        size_t len = extra ? extra_len : s[*c - '0'].len;
        memcpy(p, extra ? extra_tag : s[*c - '0'].tag, 4);
        put_le(p + 4, len, 8);
        if (!extra) memcpy(p + 12, buf + s[*c - '0'].at, len);
        p += 12 + len;
    }
    memcpy(p, "END ", 4);
    put_le(p + 4, 4, 8);
    refresh_crc(out, total);
    *out_size = total;
    return out;
}

/* Offset of option `id`'s f64 value in OPTS. */
static size_t option_value_at(const uint8_t *buf, aae_option id)
{
    uint32_t count = (uint32_t)le(buf + 32, 4);
    for (uint32_t i = 0; i < count; i++)
        if (le(buf + 36 + 12 * i, 4) == (uint64_t)id) return 36 + 12 * i + 4;
    ck_abort_msg("option %d not in OPTS", (int)id);
    return 0;
}

/* Offset of part 0's optimizer kind in OPTS (u32 kind, 7 x f64, u32 nesterov). */
static size_t part0_optimizer_at(const uint8_t *buf)
{
    size_t at = 36 + 12 * (size_t)le(buf + 32, 4) + 4;
    return at + 4 + 24 * (size_t)le(buf + at, 4);
}

static aae_status load(const uint8_t *buf, size_t size)
{
    aae_model *m = NULL;
    aae_status st = aae_model_load_memory(&m, buf, size);
    aae_model_free(m);
    return st;
}

#define ASSERT_REFUSED(st_expr, status, needle)                                                  \
    do {                                                                                         \
        aae_status st_ = (st_expr);                                                              \
        ck_assert_msg(st_ == (status), "%s: %s (%s)", #st_expr, aae_status_name(st_),            \
                      aae_last_error());                                                         \
        ck_assert_msg(strstr(aae_last_error(), (needle)) != NULL, "message '%s' lacks '%s'",     \
                      aae_last_error(), (needle));                                               \
    } while (0)

/* ---- item 5: validate before reading and allocating ---- */

/* A 1 GiB sparse file that is no checkpoint: refused as FORMAT after a
 * look at its header, with no allocation at all (so under a memory limit
 * it is still FORMAT, not NOMEM). */
START_TEST(large_non_checkpoint_is_refused_unread)
{
    const char *path = in_dir("big.bin");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)1 << 30), 0);
    close(fd);
    aae_model *m = NULL;
    unsigned long before = aaei_alloc_count();
    aaei_alloc_fail_after(1); /* the first allocation would fail */
    aae_status st = aae_model_load(&m, path);
    aaei_alloc_fail_after(0);
    ASSERT_REFUSED(st, AAE_ERR_FORMAT, "magic");
    ck_assert_uint_eq(aaei_alloc_count(), before);
    ck_assert_ptr_null(m);
}
END_TEST

/* Options describing a model of ~700k parameters in a file padded to hold
 * that many bytes, but without PARM (or with the tiny model's PARM): refused
 * before the model (parameters, gradients, optimizer state) is allocated. */
START_TEST(big_options_without_their_arrays_allocate_nothing)
{
    size_t size, crafted_size;
    uint8_t *good = tiny_checkpoint(&size);
    double width = 100000.0;
    memcpy(good + option_value_at(good, AAE_OPTION_INPUT_WIDTH), &width, 8);
    /* sections: 0 OPTS, 1 PARM, 2 STAT, 3 OPTM, 4 STEP, 5 PHAS */
    static const char *const orders[] = {"0-2345", "01-2345"};
    for (int k = 0; k < 2; k++) {
        uint8_t *crafted = assemble(good, size, orders[k], "PADS", 12u << 20, &crafted_size);
        aae_model *m = NULL;
        unsigned long before = aaei_alloc_count();
        ASSERT_REFUSED(aae_model_load_memory(&m, crafted, crafted_size), AAE_ERR_FORMAT, "PARM");
        ck_assert_uint_eq(aaei_alloc_count(), before);
        /* and from a file */
        write_bytes(in_dir("crafted.aae"), crafted, crafted_size);
        before = aaei_alloc_count();
        ck_assert_int_eq(aae_model_load(&m, in_dir("crafted.aae")), AAE_ERR_FORMAT);
        ck_assert_uint_eq(aaei_alloc_count(), before);
        ck_assert_ptr_null(m);
        free(crafted);
    }
    free(good);
}
END_TEST

/* Loading a good checkpoint from a file reads it piecewise: the model's own
 * allocations only, no buffer of the file's size. */
START_TEST(file_load_allocates_no_file_buffer)
{
    size_t size;
    uint8_t *good = tiny_checkpoint(&size);
    write_bytes(in_dir("good.aae"), good, size);
    aae_model *from_memory, *from_file;
    unsigned long before = aaei_alloc_count();
    TU_ASSERT_OK(aae_model_load_memory(&from_memory, good, size));
    unsigned long memory_allocs = aaei_alloc_count() - before;
    before = aaei_alloc_count();
    TU_ASSERT_OK(aae_model_load(&from_file, in_dir("good.aae")));
    ck_assert_uint_eq(aaei_alloc_count() - before, memory_allocs);
    aae_model_free(from_memory);
    aae_model_free(from_file);
    free(good);
}
END_TEST

/* ---- item 6: FIFOs and directories ---- */

/* Runs a load in a child so that a blocking open fails the test instead of
 * hanging it; returns the child's exit code (99: it hung). */
static int load_in_child(int dataset, const char *path, const char *needle)
{
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        aae_status st;
        if (dataset) {
            aae_dataset *ds = NULL;
            st = aae_dataset_load_idx(&ds, path, NULL, AAE_SCALE_UNIT);
        } else {
            aae_model *m = NULL;
            st = aae_model_load(&m, path);
        }
        _exit(st == AAE_ERR_IO && strstr(aae_last_error(), needle) ? 0 : 1);
    }
    int status = 0;
    for (int i = 0; i < 1000; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 98;
        struct timespec tick = {0, 10000000L};
        nanosleep(&tick, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return 99;
}

START_TEST(fifo_and_directory_are_refused)
{
    const char *fifo = in_dir("fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    ck_assert_int_eq(load_in_child(0, fifo, "not a regular file"), 0);
    ck_assert_int_eq(load_in_child(1, fifo, "not a regular file"), 0);
    ck_assert_int_eq(load_in_child(0, DIR_, "is a directory"), 0);
    ck_assert_int_eq(load_in_child(1, DIR_, "is a directory"), 0);
    ck_assert_int_eq(load_in_child(0, "/dev/null", "not a regular file"), 0);
}
END_TEST

/* ---- item 10: options that the builder refuses are FORMAT errors ---- */

START_TEST(invalid_options_are_format_errors)
{
    size_t size;
    uint8_t *good = tiny_checkpoint(&size), *bad = malloc(size);
    static const struct {
        aae_option id;
        double value;
        const char *needle;
    } cases[] = {
        {AAE_OPTION_INPUT_WIDTH, 0.0, "AAE_OPTION_INPUT_WIDTH"},
        {AAE_OPTION_INPUT_WIDTH, NAN, "AAE_OPTION_INPUT_WIDTH"},
        {AAE_OPTION_INPUT_WIDTH, 8.5, "whole number"},
        {AAE_OPTION_W_REC, -1.0, "AAE_OPTION_W_REC"},
        {AAE_OPTION_POSTERIOR, AAE_POSTERIOR_DETERMINISTIC, "needs AAE_OPTION_POSTERIOR"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(bad, good, size);
        memcpy(bad + option_value_at(bad, cases[i].id), &cases[i].value, 8);
        if (cases[i].id == AAE_OPTION_POSTERIOR) { /* with a KL regularizer */
            double kl = AAE_ZREG_KL;
            memcpy(bad + option_value_at(bad, AAE_OPTION_Z_REGULARIZER), &kl, 8);
        }
        refresh_crc(bad, size);
        ASSERT_REFUSED(load(bad, size), AAE_ERR_FORMAT, cases[i].needle);
        ck_assert_ptr_nonnull(strstr(aae_last_error(), "section OPTS at offset"));
    }
    /* nesterov with momentum 0 in part 0's optimizer */
    memcpy(bad, good, size);
    put_le(bad + part0_optimizer_at(bad) + 4 + 7 * 8, 1, 4);
    refresh_crc(bad, size);
    ASSERT_REFUSED(load(bad, size), AAE_ERR_FORMAT, "nesterov");
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "section OPTS at offset"));
    free(good);
    free(bad);
}
END_TEST

/* ---- item 11: values no save writes ---- */

START_TEST(impossible_values_are_refused)
{
    size_t size;
    uint8_t *good = tiny_checkpoint(&size), *bad = malloc(size);
    size_t parm = payload_of(good, size, "PARM"), stat = payload_of(good, size, "STAT");
    size_t optm = payload_of(good, size, "OPTM"), step = payload_of(good, size, "STEP");
    ck_assert_uint_eq(le(good + stat + 4, 8), 6); /* encoder.1: mean[3], var[3] */
    uint64_t n0 = le(good + optm + 12, 8);
    ck_assert_uint_eq(le(good + optm + 20, 4), 1); /* Adam */
    const float nan = NAN, inf = -INFINITY, neg = -1.0f;
    static const struct {
        int where; /* 0 PARM[0], 1 STAT var[0], 2 OPTM v[0], 3 OPTM m[0] */
        int which;
        const char *needle;
    } floats[] = {{0, 0, "encoder.0.weight"}, {0, 1, "encoder.0.weight"}, {1, 2, "encoder.1.running_var"},
                  {1, 0, "encoder.1.running_var"}, {2, 2, "second moment"}, {3, 0, "first moment"}};
    const float *value[3] = {&nan, &inf, &neg};
    for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++) {
        size_t at[4] = {parm + 12, stat + 12 + 12, optm + 24 + 4 * n0, optm + 24};
        memcpy(bad, good, size);
        memcpy(bad + at[floats[i].where], value[floats[i].which], 4);
        refresh_crc(bad, size);
        ASSERT_REFUSED(load(bad, size), AAE_ERR_FORMAT, floats[i].needle);
    }
    /* step counters that wrap (the next Adam step would divide by zero) */
    size_t counters[2] = {optm + 4, step};
    for (int i = 0; i < 2; i++) {
        memcpy(bad, good, size);
        put_le(bad + counters[i], UINT64_MAX, 8);
        refresh_crc(bad, size);
        ASSERT_REFUSED(load(bad, size), AAE_ERR_FORMAT, "step");
    }
    ck_assert_int_eq(load(good, size), AAE_OK);
    free(good);
    free(bad);
}
END_TEST

/* What the loader refuses, the saver does not write and tensor_set does
 * not store. */
START_TEST(non_finite_models_are_not_saved)
{
    size_t size;
    uint8_t *good = tiny_checkpoint(&size);
    aae_model *m;
    TU_ASSERT_OK(aae_model_load_memory(&m, good, size));
    float w[9] = {0};
    w[2] = NAN;
    ck_assert_int_eq(aae_model_tensor_set(m, 0, w, 9), AAE_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "encoder.0.weight"));
    m->nets[AAE_PART_ENCODER].params[1] = INFINITY;
    ASSERT_REFUSED(aae_model_save(m, in_dir("inf.aae")), AAE_ERR_INVALID_ARGUMENT, "encoder.0.weight");
    ck_assert_int_eq(access(in_dir("inf.aae"), F_OK), -1);
    uint8_t *buf = malloc(size);
    ASSERT_REFUSED(aae_model_save_memory(m, buf, size, &size), AAE_ERR_INVALID_ARGUMENT, "encoder.0.weight");
    free(buf);
    aae_model_free(m);
    free(good);
}
END_TEST

/* ---- item 12: CRC before version; version 0 and reserved bits ---- */

START_TEST(header_fields_are_checked_after_the_crc)
{
    size_t size;
    uint8_t *good = tiny_checkpoint(&size), *bad = malloc(size);
    memcpy(bad, good, size);
    bad[11] ^= 0x80; /* a flipped high bit of the version, CRC not fixed */
    ASSERT_REFUSED(load(bad, size), AAE_ERR_FORMAT, "CRC");
    memcpy(bad, good, size);
    put_le(bad + 8, 0, 4);
    refresh_crc(bad, size);
    ASSERT_REFUSED(load(bad, size), AAE_ERR_FORMAT, "version 0");
    memcpy(bad, good, size);
    put_le(bad + 12, 1, 4);
    refresh_crc(bad, size);
    ASSERT_REFUSED(load(bad, size), AAE_ERR_FORMAT, "reserved");
    memcpy(bad, good, size);
    put_le(bad + 8, 3, 4);
    refresh_crc(bad, size);
    ASSERT_REFUSED(load(bad, size), AAE_ERR_VERSION, "version 3");
    free(good);
    free(bad);
}
END_TEST

/* ---- item 13: missing optimizer state, duplicate sections ---- */

START_TEST(empty_optm_and_duplicate_sections_are_refused)
{
    size_t size, n;
    uint8_t *good = tiny_checkpoint(&size);
    /* sections: 0 OPTS, 1 PARM, 2 STAT, 3 OPTM, 4 STEP, 5 PHAS */
    uint8_t *bad = assemble(good, size, "012-45", "OPTM", 0, &n);
    ASSERT_REFUSED(load(bad, n), AAE_ERR_FORMAT, "OPTM");
    ck_assert_ptr_nonnull(strstr(aae_last_error(), "missing"));
    free(bad);
    static const char *const twice[] = {"0112345", "0123445", "0012345", "0123345", "0122345", "0123455"};
    for (int i = 0; i < 6; i++) {
        bad = assemble(good, size, twice[i], NULL, 0, &n);
        ASSERT_REFUSED(load(bad, n), AAE_ERR_FORMAT, "second");
        free(bad);
    }
    /* an unknown section is still skipped, as the format promises */
    bad = assemble(good, size, "01-2345", "XTRA", 5, &n);
    ck_assert_int_eq(load(bad, n), AAE_OK);
    free(bad);
    free(good);
}
END_TEST

/* ---- item 19: where and how a save writes ---- */

static aae_model *tiny_model(void)
{
    size_t size;
    uint8_t *buf = tiny_checkpoint(&size);
    aae_model *m;
    TU_ASSERT_OK(aae_model_load_memory(&m, buf, size));
    free(buf);
    return m;
}

static uint64_t steps_in(const char *path)
{
    aae_model *m;
    uint64_t steps;
    TU_ASSERT_OK(aae_model_load(&m, path));
    TU_ASSERT_OK(aae_model_steps(m, &steps));
    aae_model_free(m);
    return steps;
}

START_TEST(save_follows_symbolic_links)
{
    aae_model *m = tiny_model();
    ck_assert_int_eq(mkdir(in_dir("real"), 0700), 0);
    ck_assert_int_eq(mkdir(in_dir("links"), 0700), 0);
    /* a relative link to an existing file, through a second link */
    write_bytes(in_dir("real/m.aae"), (const uint8_t *)"old", 3);
    ck_assert_int_eq(symlink("../real/m.aae", in_dir("links/a.aae")), 0);
    ck_assert_int_eq(symlink("a.aae", in_dir("links/b.aae")), 0);
    TU_ASSERT_OK(aae_model_save(m, in_dir("links/b.aae")));
    struct stat sb;
    ck_assert_int_eq(lstat(in_dir("links/b.aae"), &sb), 0);
    ck_assert(S_ISLNK(sb.st_mode));
    ck_assert_int_eq(lstat(in_dir("links/a.aae"), &sb), 0);
    ck_assert(S_ISLNK(sb.st_mode));
    ck_assert_uint_eq(steps_in(in_dir("real/m.aae")), 1);
    /* a dangling link: its target is created */
    ck_assert_int_eq(symlink(in_dir("real/new.aae"), in_dir("links/new.aae")), 0);
    TU_ASSERT_OK(aae_model_save(m, in_dir("links/new.aae")));
    ck_assert_int_eq(lstat(in_dir("links/new.aae"), &sb), 0);
    ck_assert(S_ISLNK(sb.st_mode));
    ck_assert_uint_eq(steps_in(in_dir("real/new.aae")), 1);
    /* a loop of links is an I/O error */
    ck_assert_int_eq(symlink("loop2", in_dir("loop1")), 0);
    ck_assert_int_eq(symlink("loop1", in_dir("loop2")), 0);
    ck_assert_int_eq(aae_model_save(m, in_dir("loop1")), AAE_ERR_IO);
    aae_model_free(m);
}
END_TEST

START_TEST(save_keeps_the_file_mode)
{
    aae_model *m = tiny_model();
    const char *path = in_dir("private.aae");
    mode_t old = umask(022);
    static const mode_t modes[] = {0600, 0640, 0604};
    for (int i = 0; i < 3; i++) {
        TU_ASSERT_OK(aae_model_save(m, path));
        ck_assert_int_eq(chmod(path, modes[i]), 0);
        TU_ASSERT_OK(aae_model_save(m, path));
        struct stat sb;
        ck_assert_int_eq(stat(path, &sb), 0);
        ck_assert_int_eq(sb.st_mode & 07777, modes[i]);
    }
    /* a new file still gets 0666 minus the umask */
    TU_ASSERT_OK(aae_model_save(m, in_dir("fresh.aae")));
    struct stat sb;
    ck_assert_int_eq(stat(in_dir("fresh.aae"), &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0644);
    umask(old);
    aae_model_free(m);
}
END_TEST

START_TEST(save_with_a_long_name)
{
    aae_model *m = tiny_model();
    char name[256];
    memset(name, 'n', 250);
    strcpy(name + 250, ".aae"); /* 254 bytes: NAME_MAX is 255 */
    TU_ASSERT_OK(aae_model_save(m, in_dir(name)));
    ck_assert_uint_eq(steps_in(in_dir(name)), 1);
    aae_model_free(m);
}
END_TEST

/* The documented temporary name: ".aae-" + 16 hex digits of the FNV-1a
 * 64-bit hash of the target's file name + "-" + pid + "-" + counter + ".tmp". */
static const char *temp_name(const char *target, long pid, unsigned counter)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char *c = target; *c; c++) h = (h ^ (uint8_t)*c) * 0x100000001b3ULL;
    static char name[2][96];
    static int which;
    which ^= 1;
    snprintf(name[which], sizeof name[which], ".aae-%016llx-%ld-%u.tmp", (unsigned long long)h, pid, counter);
    return name[which];
}

static void make_file(const char *name, time_t age)
{
    write_bytes(in_dir(name), (const uint8_t *)"x", 1);
    struct timespec t[2];
    clock_gettime(CLOCK_REALTIME, &t[0]);
    t[0].tv_sec -= age;
    t[1] = t[0];
    ck_assert_int_eq(utimensat(AT_FDCWD, in_dir(name), t, 0), 0);
}

static int exists(const char *name) { return access(in_dir(name), F_OK) == 0; }

START_TEST(save_removes_its_own_stale_temporaries)
{
    aae_model *m = tiny_model();
    fflush(NULL);
    pid_t dead = fork(), alive;
    if (dead == 0) _exit(0);
    waitpid(dead, NULL, 0); /* no process has this pid now (unless reused: unlikely in a test) */
    alive = fork();
    if (alive == 0) {
        pause();
        _exit(0);
    }
    char legacy[64];
    snprintf(legacy, sizeof legacy, "m.aae.tmp.%ld.3", (long)dead);
    make_file(temp_name("m.aae", dead, 0), 600);  /* stale: removed */
    make_file(legacy, 600);                         /* stale, older versions' name: removed */
    make_file(temp_name("m.aae", alive, 0), 600); /* its saver still runs: kept */
    make_file(temp_name("m.aae", dead, 1), 5);    /* too recent to be sure: kept */
    make_file(temp_name("other.aae", dead, 0), 600); /* another target's: kept */
    make_file("m.aae.tmp.junk", 600);               /* not our pattern: kept */
    TU_ASSERT_OK(aae_model_save(m, in_dir("m.aae")));
    kill(alive, SIGKILL);
    waitpid(alive, NULL, 0);
    ck_assert(!exists(temp_name("m.aae", dead, 0)));
    ck_assert(!exists(legacy));
    ck_assert(exists(temp_name("m.aae", alive, 0)));
    ck_assert(exists(temp_name("m.aae", dead, 1)));
    ck_assert(exists(temp_name("other.aae", dead, 0)));
    ck_assert(exists("m.aae.tmp.junk"));
    aae_model_free(m);
}
END_TEST

Suite *suite_checkpoint_hostile(void)
{
    Suite *s = suite_create("checkpoint_hostile");
    TCase *tc = tcase_create("checkpoint_hostile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, large_non_checkpoint_is_refused_unread);
    tcase_add_test(tc, big_options_without_their_arrays_allocate_nothing);
    tcase_add_test(tc, file_load_allocates_no_file_buffer);
    tcase_add_test(tc, fifo_and_directory_are_refused);
    tcase_add_test(tc, invalid_options_are_format_errors);
    tcase_add_test(tc, impossible_values_are_refused);
    tcase_add_test(tc, non_finite_models_are_not_saved);
    tcase_add_test(tc, header_fields_are_checked_after_the_crc);
    tcase_add_test(tc, empty_optm_and_duplicate_sections_are_refused);
    tcase_add_test(tc, save_follows_symbolic_links);
    tcase_add_test(tc, save_keeps_the_file_mode);
    tcase_add_test(tc, save_with_a_long_name);
    tcase_add_test(tc, save_removes_its_own_stale_temporaries);
    suite_add_tcase(s, tc);
    return s;
}
