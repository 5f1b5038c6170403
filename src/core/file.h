/* Opening files for reading without surprises: a FIFO, device or
 * directory is refused with a message saying what it is, and opening never
 * blocks (a FIFO without a writer would block fopen forever). */
#ifndef AAEI_FILE_H
#define AAEI_FILE_H

#include <stdint.h>

#include "aae/aae.h"

/* Opens path read-only if it is a regular file: *fd and its *size then
 * belong to the caller (close(*fd)). Otherwise AAE_ERR_IO, the message
 * starting "fn: " and naming path and the reason. */
aae_status aaei_open_regular(const char *path, const char *fn, int *fd, uint64_t *size);

#endif
