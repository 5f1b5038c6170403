/* Public checkpoint functions: memory and files. A file is written to a
 * temporary file in the same directory, flushed to disk and renamed, so a
 * crash mid-save leaves the previous checkpoint intact. */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/checkpoint.h"

/* A checkpoint larger than this is not one of ours (and would not fit). */
#define MAX_FILE ((size_t)1 << 34)

AAE_API aae_status aae_model_save_memory(const aae_model *model, void *buf, size_t cap,
                                         size_t *size)
{
    AAEI_REQUIRE(model && size, "aae_model_save_memory: model or size is NULL");
    size_t need = aaei_checkpoint_size(model);
    *size = need;
    if (!buf) return AAE_OK;
    AAEI_REQUIRE(cap >= need, "aae_model_save_memory: buffer holds %zu bytes, %zu needed", cap, need);
    aaei_checkpoint_write(model, buf);
    return AAE_OK;
}

AAE_API aae_status aae_model_load_memory(aae_model **model, const void *buf, size_t size)
{
    AAEI_REQUIRE(model && buf, "aae_model_load_memory: model or buf is NULL");
    return aaei_checkpoint_read(buf, size, model);
}

static aae_status io_fail(const char *op, const char *path)
{
    return aaei_fail(AAE_ERR_IO, "aae_model_save: %s %s: %s", op, path, strerror(errno));
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

/* fsync of the directory holding path, so the rename itself is durable. */
static void sync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 1;
    if (n >= sizeof dir) return;
    memcpy(dir, slash ? path : ".", n);
    dir[n ? n : 1] = '\0';
    if (slash == path) strcpy(dir, "/");
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* A new file beside `path` named into tmp (plen + 48 bytes). Unlike mkstemp
 * (mode 0600) it takes 0666 minus the umask, as the saved model should. */
static int create_temp(char *tmp, const char *path)
{
    static atomic_uint counter;
    for (int tries = 0; tries < 100; tries++) {
        sprintf(tmp, "%s.tmp.%ld.%u", path, (long)getpid(), atomic_fetch_add(&counter, 1u));
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    return -1;
}

AAE_API aae_status aae_model_save(const aae_model *model, const char *path)
{
    AAEI_REQUIRE(model && path && *path, "aae_model_save: model or path is NULL or empty");
    size_t n = aaei_checkpoint_size(model), plen = strlen(path);
    uint8_t *buf = aaei_malloc(n, 1, "checkpoint buffer");
    char *tmp = buf ? aaei_malloc(plen + 48, 1, "checkpoint temporary name") : NULL;
    if (!buf || !tmp) {
        aaei_free(buf);
        return AAE_ERR_NOMEM;
    }
    aaei_checkpoint_write(model, buf);
    aae_status st = AAE_OK;
    int fd = create_temp(tmp, path);
    if (fd < 0) {
        st = io_fail("creating a temporary file beside", path);
    } else {
        if (write_all(fd, buf, n) != 0) st = io_fail("writing", tmp);
        else if (fsync(fd) != 0) st = io_fail("flushing", tmp);
        if (close(fd) != 0 && st == AAE_OK) st = io_fail("closing", tmp);
        if (st == AAE_OK && rename(tmp, path) != 0) st = io_fail("renaming the temporary file to", path);
        if (st != AAE_OK) unlink(tmp);
        else sync_dir(path);
    }
    aaei_free(tmp);
    aaei_free(buf);
    return st;
}

AAE_API aae_status aae_model_load(aae_model **model, const char *path)
{
    AAEI_REQUIRE(model && path, "aae_model_load: model or path is NULL");
    FILE *f = fopen(path, "rb");
    if (!f) return aaei_fail(AAE_ERR_IO, "aae_model_load: cannot open %s: %s", path, strerror(errno));
    struct stat st;
    aae_status s = AAE_OK;
    uint8_t *buf = NULL;
    size_t n = 0;
    if (fstat(fileno(f), &st) != 0) s = aaei_fail(AAE_ERR_IO, "aae_model_load: stat %s: %s", path, strerror(errno));
    else if (st.st_size < 0 || (size_t)st.st_size > MAX_FILE)
        s = aaei_fail(AAE_ERR_FORMAT, "aae_model_load: %s is %lld bytes, too large for a checkpoint",
                      path, (long long)st.st_size);
    if (s == AAE_OK) {
        n = (size_t)st.st_size;
        buf = aaei_malloc(n ? n : 1, 1, "checkpoint file");
        if (!buf) s = AAE_ERR_NOMEM;
        else if (fread(buf, 1, n, f) != n)
            s = aaei_fail(AAE_ERR_IO, "aae_model_load: reading %s failed", path);
    }
    fclose(f);
    if (s == AAE_OK) s = aaei_checkpoint_read(buf, n, model);
    aaei_free(buf);
    return s;
}
