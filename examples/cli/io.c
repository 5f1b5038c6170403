/* Opening input files: regular files only, never blocking on a FIFO. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

FILE *cli_open_input(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        fprintf(stderr, CLI_PROG ": cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fprintf(stderr, CLI_PROG ": %s is not a regular file\n", path);
        close(fd);
        return NULL;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        fprintf(stderr, CLI_PROG ": cannot read %s: %s\n", path, strerror(errno));
        close(fd);
        return NULL;
    }
    *size = (size_t)sb.st_size;
    return f;
}

int cli_ends_with(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);
    return n >= m && !strcmp(path + n - m, suffix);
}
