/* Writing a result: .npy, CSV or a PNG grid, through a temporary file in
 * the same directory renamed into place, so a failed write leaves nothing
 * behind and an old file is replaced whole or not at all. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "common/draw.h"
#include "common/shape.h"

static const char *format_of(const cli *c)
{
    const char *f = c->format;
    if (!strcmp(f, "auto")) {
        if (cli_ends_with(c->output, ".npy")) return "npy";
        if (cli_ends_with(c->output, ".png")) return "png";
        return "csv";
    }
    if (strcmp(f, "npy") && strcmp(f, "csv") && strcmp(f, "png")) {
        fprintf(stderr, CLI_PROG ": --format must be auto, npy, csv or png, not '%s'\n", f);
        return NULL;
    }
    return f;
}

int cli_write_output(const cli *c, const float *x, size_t rows, size_t cols, const cli_columns *names, float lo,
                     float hi)
{
    const char *fmt = format_of(c);
    size_t h = 0, w = 0;
    if (!fmt || (!strcmp(fmt, "png") && shape_parse(CLI_PROG, c->image_shape, cols, &h, &w))) return -1;
    int to_stdout = !strcmp(c->output, "-");
    if (to_stdout && !strcmp(fmt, "png")) {
        fprintf(stderr, CLI_PROG ": a PNG needs an --output file\n");
        return -1;
    }
    if (to_stdout)
        return (!strcmp(fmt, "npy") ? npy_write(stdout, x, rows, cols)
                                    : csv_write(stdout, x, rows, cols, names)) || fflush(stdout)
                   ? (fprintf(stderr, CLI_PROG ": writing standard output failed\n"), -1)
                   : 0;
    size_t len = strlen(c->output) + 32;
    char *tmp = malloc(len);
    if (!tmp) return -1;
    snprintf(tmp, len, "%s.tmp%ld", c->output, (long)getpid());
    int rc = -1;
    errno = 0;
    if (!strcmp(fmt, "png")) {
        size_t grid = 1;
        while (grid * grid < rows) grid++;
        rc = draw_image_grid(tmp, x, rows, h, w, grid, lo, hi);
    } else {
        FILE *f = fopen(tmp, "wb");
        if (f) {
            rc = !strcmp(fmt, "npy") ? npy_write(f, x, rows, cols) : csv_write(f, x, rows, cols, names);
            if (fclose(f) != 0) rc = -1;
        }
    }
    if (rc == 0 && rename(tmp, c->output) != 0) rc = -1;
    if (rc != 0) {
        fprintf(stderr, CLI_PROG ": writing %s failed: %s\n", c->output, errno ? strerror(errno) : "output error");
        unlink(tmp);
    }
    free(tmp);
    return rc;
}
