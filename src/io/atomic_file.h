/* Replacing a file atomically (docs/FORMAT.md, "Saving"): the bytes go to a
 * temporary file beside the target, flushed and renamed over it. */
#ifndef AAEI_ATOMIC_FILE_H
#define AAEI_ATOMIC_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "aae/aae.h"

/* A temporary file of a killed save is removed by a later save to the same
 * file once it is this old (seconds) and its process is gone. */
#define AAEI_STALE_TEMP_AGE 60

/* Writes n bytes to path: afterwards path holds either all of its old
 * content or all of the new, even across a crash. A symbolic link is
 * followed (its target is replaced, the link stays); an existing file keeps
 * its permission bits; a new one gets 0666 minus the umask. AAE_ERR_IO
 * names the failing operation ("fn: ..."). */
aae_status aaei_write_atomic(const char *path, const uint8_t *buf, size_t n, const char *fn);

#endif
