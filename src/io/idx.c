/* IDX files (MNIST's format): big-endian header, unsigned bytes. Every size
 * is checked against the file's real size before anything is allocated. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/file.h"
#include "io/dataset.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static aae_status read_exact(FILE *f, void *buf, size_t n, const char *path)
{
    if (fread(buf, 1, n, f) != n)
        return aaei_fail(ferror(f) ? AAE_ERR_IO : AAE_ERR_FORMAT, "%s: %s", path,
                         ferror(f) ? strerror(errno) : "file is shorter than its header says");
    return AAE_OK;
}

aae_status aaei_idx_read_stream(FILE *f, size_t size, const char *path, int dmin, int dmax,
                                uint8_t **data, size_t *count, size_t *item)
{
    uint8_t head[4];
    if (size < 4)
        return aaei_fail(AAE_ERR_FORMAT, "%s: %zu bytes, too short for an IDX header", path, size);
    AAEI_TRY(read_exact(f, head, 4, path));
    if (head[0] != 0 || head[1] != 0)
        return aaei_fail(AAE_ERR_FORMAT, "%s: bad IDX magic %02x %02x (want 00 00)", path,
                         head[0], head[1]);
    if (head[2] != 0x08)
        return aaei_fail(AAE_ERR_FORMAT, "%s: IDX element type 0x%02x, only unsigned byte (0x08) is read",
                         path, head[2]);
    int dims = head[3];
    if (dims < dmin || dims > dmax)
        return aaei_fail(AAE_ERR_FORMAT, "%s: %d dimensions, expected %d to %d", path, dims, dmin, dmax);
    size_t header = 4 + 4 * (size_t)dims;
    if (size < header)
        return aaei_fail(AAE_ERR_FORMAT, "%s: file ends inside the IDX header", path);
    uint8_t dimbuf[4 * 255];
    AAEI_TRY(read_exact(f, dimbuf, 4 * (size_t)dims, path));
    size_t n = be32(dimbuf), per = 1;
    if (n == 0) return aaei_fail(AAE_ERR_FORMAT, "%s: dimension 0 is zero", path);
    for (int d = 1; d < dims; d++) {
        size_t k = be32(dimbuf + 4 * d);
        if (k == 0) return aaei_fail(AAE_ERR_FORMAT, "%s: dimension %d is zero", path, d);
        if (!aaei_mul_size(per, k, &per))
            return aaei_fail(AAE_ERR_FORMAT, "%s: dimensions overflow", path);
    }
    size_t total;
    if (!aaei_mul_size(n, per, &total) || size - header != total)
        return aaei_fail(AAE_ERR_FORMAT, "%s: header says %zu x %zu bytes of data, the file holds %zu",
                         path, n, per, size - header);
    uint8_t *buf = aaei_malloc(total, 1, path);
    if (!buf) return AAE_ERR_NOMEM;
    aae_status s = read_exact(f, buf, total, path);
    if (s != AAE_OK) {
        aaei_free(buf);
        return s;
    }
    *data = buf;
    *count = n;
    *item = per;
    return AAE_OK;
}

aae_status aaei_idx_read(const char *path, int dmin, int dmax, uint8_t **data, size_t *count,
                         size_t *item)
{
    int fd;
    uint64_t size;
    AAEI_TRY(aaei_open_regular(path, "aae_dataset_load_idx", &fd, &size));
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        aae_status s = aaei_fail(AAE_ERR_IO, "aae_dataset_load_idx: cannot read %s: %s", path, strerror(errno));
        close(fd);
        return s;
    }
    if (size > SIZE_MAX) size = SIZE_MAX; /* (32-bit hosts) the header check refuses it */
    aae_status s = aaei_idx_read_stream(f, (size_t)size, path, dmin, dmax, data, count, item);
    fclose(f);
    return s;
}
