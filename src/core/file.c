#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"

/* What a non-regular file is, for messages. */
static const char *kind_of(mode_t mode)
{
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    return "not a plain file";
}

static aae_status refuse_kind(const char *path, const char *fn, mode_t mode)
{
    if (S_ISDIR(mode)) return aaei_fail(AAE_ERR_IO, "%s: %s is a directory, not a file", fn, path);
    return aaei_fail(AAE_ERR_IO, "%s: %s is not a regular file (it is %s)", fn, path, kind_of(mode));
}

aae_status aaei_open_regular(const char *path, const char *fn, int *fd, uint64_t *size)
{
    struct stat st;
    /* stat first: a device is not even opened (opening some has effects) */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) return refuse_kind(path, fn, st.st_mode);
    /* O_NONBLOCK: if path became a FIFO meanwhile, open does not wait for a
     * writer; fstat of what was opened is the final word. */
    int f = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (f < 0) return aaei_fail(AAE_ERR_IO, "%s: cannot open %s: %s", fn, path, strerror(errno));
    aae_status s = AAE_OK;
    if (fstat(f, &st) != 0) s = aaei_fail(AAE_ERR_IO, "%s: cannot stat %s: %s", fn, path, strerror(errno));
    else if (!S_ISREG(st.st_mode)) s = refuse_kind(path, fn, st.st_mode);
    else if (st.st_size < 0) s = aaei_fail(AAE_ERR_IO, "%s: %s has a negative size", fn, path);
    if (s != AAE_OK) {
        close(f);
        return s;
    }
    *fd = f;
    *size = (uint64_t)st.st_size;
    return AAE_OK;
}
