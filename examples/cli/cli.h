/* aae-cli: libaae from the command line for any data (IDX, NumPy .npy,
 * CSV). `aae-cli train | encode | generate | reconstruct | info`; see
 * main.c. What the tool's files share: the parsed command line and each
 * file's entry points. Uses the public libaae API and examples/common/
 * only. Not part of the library. */
#ifndef AAE_CLI_H
#define AAE_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/ex.h"
#include "common/names.h"

#define CLI_PROG "aae-cli"

enum { CLI_MAX_SETTINGS = 64 };

/* The parsed command line (args.c). Strings point into argv. */
typedef struct cli {
    const char *cmd;
    ex_args a; /* out, epochs, batch, seed, threads, resume, lr_step,
                  lr_gamma, hidden, batchnorm: ex_train reads them */
    const char *preset, *model, *input, *labels, *output;
    const char *input_format;  /* auto, idx, npy, csv, raw */
    const char *format;        /* output: auto, npy, csv, png */
    const char *header;        /* CSV input: auto, 0, 1 */
    const char *image_shape;   /* "HxW" or NULL */
    const char *scale_name;    /* --scale: auto, unit, symmetric */
    int scale;                 /* that as an aae_scale, or -1 for auto */
    long label_column;         /* -1: none */
    long label;                /* generate: -1 any */
    size_t valid, n, limit;
    ex_setting settings[CLI_MAX_SETTINGS];
    size_t n_settings;
} cli;

/* args.c: parses argv[2..] for command argv[1] into *c. 0 to go on, 1
 * after --help (exit 0), 2 on a usage error (already reported). */
int cli_parse(int argc, char **argv, cli *c);
/* The commands and what they do. */
void cli_usage(FILE *f);

/* io.c: opens a regular file for reading without blocking on a FIFO;
 * *size its bytes. NULL after saying why not. */
FILE *cli_open_input(const char *path, size_t *size);
/* Whether path ends with suffix (case-sensitive). */
int cli_ends_with(const char *path, const char *suffix);

/* npy.c: a float32, float64, uint8, int8, int32 or int64 C-order array of
 * 1 or more dimensions as rows x width floats (width: the product of the
 * dimensions after the first, 1 for a 1-D array); *bytes (may be NULL)
 * says whether it held uint8, which callers scale as IDX bytes. 0, or -1
 * after naming the file and the problem. *x is malloc'd. */
int npy_read(const char *path, float **x, size_t *rows, size_t *width, int *bytes);
/* A little-endian float32 rows x cols .npy to f. 0 or -1. */
int npy_write(FILE *f, const float *x, size_t rows, size_t cols);

/* npy.c too: a little-endian float32 file of rows of `width` values (no header) as
 * rows x width floats. 0, or -1 after naming the file and the problem.
 * *x is malloc'd. */
int raw_read(const char *path, size_t width, float **x, size_t *rows);

/* csv.c: numeric CSV (header line: "auto" detects a non-numeric first
 * line, "1" skips it, "0" has none) as rows x cols floats. 0, or -1 after
 * naming the line and column. */
int csv_read(const char *path, const char *header, float **x, size_t *rows, size_t *cols);
/* The names of written columns: j < split is "<p0><j>", the others
 * "<p1><j - split>", but the last is `last` when that is not NULL. */
typedef struct cli_columns {
    const char *p0, *p1;
    size_t split;
    const char *last;
} cli_columns;

/* CSV with a header of column names. 0 or -1. */
int csv_write(FILE *f, const float *x, size_t rows, size_t cols, const cli_columns *names);

/* data.c: the input of c (--input, --labels or --label-column,
 * --input-format, --limit), IDX and .npy uint8 bytes scaled by --scale,
 * else by `scale`, as IDX's are (byte / 255 or byte / 127.5 - 1), as a
 * new dataset. `width`: the model's input width, which raw float32 input
 * needs (0: none known, raw refused). 0, or -1 after saying what is
 * wrong. */
int cli_load_data(const cli *c, aae_scale scale, size_t width, aae_dataset **ds);

/* output.c: writes rows x cols to c->output as --format says (png needs
 * square rows or --image-shape), through a temporary file renamed into
 * place, so a failure leaves no partial file. lo..hi: the PNG's black and
 * white. 0, or -1 after saying why not. */
int cli_write_output(const cli *c, const float *x, size_t rows, size_t cols, const cli_columns *names,
                     float lo, float hi);

/* The range of a model's outputs for pictures. */
void cli_output_range(const aae_model *m, const float *x, size_t n, float *lo, float *hi);

/* The subcommands: exit statuses. */
int cli_train(cli *c);
int cli_encode(cli *c);
int cli_reconstruct(cli *c);
int cli_generate(cli *c);
int cli_info(cli *c);

/* model.c: loads --model, reporting failure. NULL on failure. */
aae_model *cli_load_model(const cli *c);
/* An option of the model as a size_t (0 if it cannot be read). */
size_t cli_model_size(const aae_model *m, aae_option o);

#endif
