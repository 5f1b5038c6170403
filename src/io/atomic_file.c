/* Atomic replacement of a file. The temporary file is named
 * ".aae-<hash>-<pid>-<counter>.tmp" in the target's directory: short (a
 * target name of NAME_MAX bytes still works), hidden, and telling which
 * target (FNV-1a 64 of its file name) and which process it belongs to, so
 * that a later save can remove what a killed one left (remove_stale). */
#include "io/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"

static aae_status io_fail(const char *fn, const char *op, const char *path)
{
    return aaei_fail(AAE_ERR_IO, "%s: %s %s: %s", fn, op, path, strerror(errno));
}

/* The file a save to path replaces: path itself or, if it is a symbolic
 * link, the end of its chain of links (which need not exist yet). */
static aae_status resolve_links(const char *path, char out[PATH_MAX], const char *fn)
{
    size_t n = strlen(path);
    if (n >= PATH_MAX) return aaei_fail(AAE_ERR_IO, "%s: the path is longer than %d bytes", fn, PATH_MAX - 1);
    memcpy(out, path, n + 1);
    for (int hops = 0; hops <= 40; hops++) {
        char link[PATH_MAX];
        ssize_t k = readlink(out, link, sizeof link - 1);
        if (k < 0) return AAE_OK; /* not a link: the file itself (open reports other errors) */
        link[k] = '\0';
        const char *slash = strrchr(out, '/');
        size_t keep = link[0] == '/' || !slash ? 0 : (size_t)(slash - out) + 1;
        if (keep + (size_t)k >= PATH_MAX)
            return aaei_fail(AAE_ERR_IO, "%s: the target of the link %s is too long", fn, out);
        memcpy(out + keep, link, (size_t)k + 1);
    }
    return aaei_fail(AAE_ERR_IO, "%s: %s: too many levels of symbolic links", fn, path);
}

static uint64_t name_hash(const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *name; name++) h = (h ^ (uint8_t)*name) * 0x100000001b3ULL;
    return h;
}

/* Where the target's directory part ends (0: the current directory). */
static size_t dir_length(const char *target)
{
    const char *slash = strrchr(target, '/');
    return slash ? (size_t)(slash - target) + 1 : 0;
}

/* A new temporary file beside target, named into tmp (PATH_MAX + 64). */
static int create_temp(char *tmp, const char *target)
{
    static atomic_uint counter;
    size_t dir = dir_length(target);
    unsigned long long hash = (unsigned long long)name_hash(target + dir);
    for (int tries = 0; tries < 100; tries++) {
        snprintf(tmp, PATH_MAX + 64, "%.*s.aae-%016llx-%ld-%u.tmp", (int)dir, target, hash, (long)getpid(),
                 atomic_fetch_add(&counter, 1u));
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    return -1;
}

/* Writes all of buf to fd. */
static int write_all(int fd, const uint8_t *buf, size_t n)
{
    while (n) {
        ssize_t k = write(fd, buf, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        buf += k;
        n -= (size_t)k;
    }
    return 0;
}

/* fsync of the directory holding target, so the rename itself is durable. */
static void sync_dir(const char *target)
{
    char dir[PATH_MAX];
    size_t n = dir_length(target);
    snprintf(dir, sizeof dir, "%.*s", (int)n, n ? target : ".");
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* The content into the temporary file, the old file's permissions kept. */
static aae_status fill_temp(int fd, const char *tmp, const char *target, const uint8_t *buf, size_t n,
                            const char *fn)
{
    struct stat old;
    if (stat(target, &old) == 0 && S_ISREG(old.st_mode) && fchmod(fd, old.st_mode & 0777) != 0)
        return io_fail(fn, "setting the permissions of", tmp);
    if (write_all(fd, buf, n) != 0) return io_fail(fn, "writing", tmp);
    if (fsync(fd) != 0) return io_fail(fn, "flushing", tmp);
    return AAE_OK;
}

/* "<digits><sep><digits><end>" at s; *pid = the first number. */
static int parse_pid_counter(const char *s, char sep, const char *end, long *pid)
{
    char *p;
    if (*s < '0' || *s > '9') return 0;
    long v = strtol(s, &p, 10);
    if (*p != sep || p[1] < '0' || p[1] > '9' || v <= 0 || v > INT_MAX) return 0;
    strtoul(p + 1, &p, 10);
    if (strcmp(p, end) != 0) return 0;
    *pid = v;
    return 1;
}

/* A temporary file of a save to the target named `base`: ours
 * (".aae-<hash>-<pid>-<n>.tmp") or what earlier builds made
 * ("<base>.tmp.<pid>.<n>"); *pid is its writer. */
static int temp_of(const char *name, const char *base, const char *ours, long *pid)
{
    size_t n = strlen(ours), b = strlen(base);
    if (strncmp(name, ours, n) == 0) return parse_pid_counter(name + n, '-', ".tmp", pid);
    if (strncmp(name, base, b) == 0 && strncmp(name + b, ".tmp.", 5) == 0)
        return parse_pid_counter(name + b + 5, '.', "", pid);
    return 0;
}

static int process_exists(long pid) { return kill((pid_t)pid, 0) == 0 || errno == EPERM; }

/* Removes temporary files of saves to target that were killed: named as
 * ours for this very target, regular files of this user, written by a
 * process that no longer exists and untouched for AAEI_STALE_TEMP_AGE
 * seconds (a save in another PID namespace sharing the directory is still
 * writing to its file). Best effort: errors are ignored. */
static void remove_stale(const char *target)
{
    char dir[PATH_MAX], ours[64];
    size_t n = dir_length(target);
    const char *base = target + n;
    snprintf(dir, sizeof dir, "%.*s", (int)n, n ? target : ".");
    snprintf(ours, sizeof ours, ".aae-%016llx-", (unsigned long long)name_hash(base));
    DIR *d = opendir(dir);
    if (!d) return;
    time_t now = time(NULL);
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        long pid;
        struct stat st;
        if (!temp_of(e->d_name, base, ours, &pid) || pid == (long)getpid() || process_exists(pid)) continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
            st.st_uid != geteuid() || now - st.st_mtime < AAEI_STALE_TEMP_AGE)
            continue;
        unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

aae_status aaei_write_atomic(const char *path, const uint8_t *buf, size_t n, const char *fn)
{
    char target[PATH_MAX], tmp[PATH_MAX + 64];
    AAEI_TRY(resolve_links(path, target, fn));
    int fd = create_temp(tmp, target);
    if (fd < 0) return io_fail(fn, "creating a temporary file beside", target);
    aae_status st = fill_temp(fd, tmp, target, buf, n, fn);
    if (close(fd) != 0 && st == AAE_OK) st = io_fail(fn, "closing", tmp);
    if (st == AAE_OK && rename(tmp, target) != 0) st = io_fail(fn, "renaming the temporary file to", target);
    if (st != AAE_OK) {
        unlink(tmp);
        return st;
    }
    sync_dir(target);
    remove_stale(target);
    return AAE_OK;
}
