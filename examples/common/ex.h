/* What every example program shares: the command line, MNIST loading (any
 * picture size: the IDX files' rows x cols or --image-shape HxW), and a
 * training session with a progress bar (plain lines when stderr is not a
 * terminal), a per-epoch CSV log, loss curves and the saved model. Uses the
 * public libaae API only. Not part of the library. */
#ifndef AAE_EXAMPLES_EX_H
#define AAE_EXAMPLES_EX_H

#include <stddef.h>
#include <stdint.h>

#include <aae/aae.h>

enum { EX_PATH_MAX = 4096 };

/* An extra command-line option: --name VALUE stored through ptr. */
typedef struct ex_opt {
    const char *name; /* without the leading dashes */
    char type;        /* 'i' int, 'z' size_t, 'u' unsigned long long,
                         'f' double, 's' const char * */
    void *ptr;
    const char *help; /* shown by --help, with the default */
} ex_opt;

/* One option a program sets on top of its preset. */
typedef struct ex_setting {
    aae_option option;
    double value;
} ex_setting;

/* One phase's own learning rate (--phase-lr). */
typedef struct ex_phase_lr {
    aae_phase phase;
    double lr;
} ex_phase_lr;

enum { EX_MAX_SETTINGS = 16 };

#define EX_PRESET_W_ADV (-1.0) /* --w-adv's default: keep the preset's weight */

typedef struct ex_args {
    const char *prog;  /* program name: messages, default --out, model file */
    int epochs, threads;
    int resume;        /* continue <out>/<prog>.model up to `epochs` in all */
    size_t lr_step;    /* multiply the learning rates by lr_gamma every
                          lr_step epochs of the model's life (0: constant) */
    double lr_gamma;
    double w_adv;      /* a new model's adversarial weight (EX_PRESET_W_ADV:
                          the preset's) */
    int batchnorm;     /* 1: a new model gets batch norm in every hidden
                          layer of its encoder and decoder */
    size_t hidden;     /* > 0: their hidden layers' width in a new model */
    unsigned long long seed;
    size_t limit;      /* use only the first ROWS of each MNIST set (0: all) */
    size_t batch;
    int reimpl;        /* 1: a new model gets ex_reimplementation_recipe */
    size_t restarts;   /* > 1: a new model is the best of this many starts
                          (ex_train; model seeds seed, seed + 1, ...) */
    int restart_epochs; /* the epochs each start trains before the choice */
    ex_setting sets[EX_MAX_SETTINGS]; /* --set NAME=VALUE: builder options of
                                         a new model, after all the above */
    size_t n_sets;
    ex_phase_lr phase_lrs[EX_MAX_SETTINGS]; /* --phase-lr PHASE=LR: a new
                                               model's phase optimizers */
    size_t n_phase_lrs;
    const char *out;   /* output directory (created with its parents) */
    const char *data;  /* directory with the four MNIST IDX files */
    const char *image_shape; /* --image-shape "HxW" or NULL: the IDX files' */
    size_t image_h, image_w; /* a row's picture shape, set by ex_setup_images */
    const char *model_file; /* the checkpoint's name in `out` (NULL:
                               "<prog>.model") */
} ex_args;

/* Defaults for `prog`: out/<prog>, data/mnist, batch 64, seed 0, 1 thread.
 * epochs 0 marks a program that does not train: ex_parse then offers
 * --threads only. */
ex_args ex_defaults(const char *prog, int epochs);

/* Parses the common options and `extra` (terminated by a {NULL} entry; may be
 * NULL). Returns 0 to go on, 1 after --help (exit 0), 2 on a usage error
 * (already reported). */
int ex_parse(int argc, char **argv, ex_args *a, const char *about, const ex_opt *extra);

/* Creates the output directory (of a training program) and sets the BLAS
 * threads. 0 or -1 after reporting the failure. */
int ex_setup(const ex_args *a);

/* For a program that trains on the IDX files in a->data: reads their
 * headers and sets a->image_h x a->image_w from --image-shape or the
 * training images' rows x cols (a square for 2-D files), refusing data
 * whose rows it cannot draw (H*W is not the values per row, or the test
 * rows differ) or read (a file missing or shorter than its header says)
 * before anything is created; then ex_setup. 0 or -1 after reporting the
 * failure. */
int ex_setup_images(ex_args *a);

/* The values of one picture (image_h * image_w). */
static inline size_t ex_pixels(const ex_args *a) { return a->image_h * a->image_w; }

/* "<out>/<name>" into buf (EX_PATH_MAX bytes); returns buf. */
char *ex_path(char *buf, const ex_args *a, const char *name);

/* The checkpoint's name in a->out: a->model_file or "<prog>.model", into
 * buf (256 bytes); returns buf. */
char *ex_model_name(char *buf, const ex_args *a);

/* Reports a failed libaae call on stderr: "<prog>: <what> failed: <the
 * library's message> (<status>)", or without "<what> failed: " when what
 * is NULL (the library's message names its function). Returns 1 (an exit
 * status). */
int ex_report(const ex_args *a, const char *what, aae_status st);

#define EX_TRY(a, call)                                                   \
    do {                                                                  \
        aae_status ex_st_ = (call);                                       \
        if (ex_st_ != AAE_OK) {                                           \
            ex_report((a), NULL, ex_st_);                                 \
            goto fail;                                                    \
        }                                                                 \
    } while (0)

/* Whether a loaded model (from `path`) is one that builder `b` (the
 * program's preset and settings) would make: same input width, output,
 * code, y head, classes, decoder input and regularizers. 0, or 1 after
 * saying which differs. A program checks a model it resumes before using
 * it. */
int ex_check_resumed(const ex_args *a, const char *path, const aae_model *m, const aae_builder *b);

/* The IDX scale matching the model's output activation: [0,1] for sigmoid,
 * [-1,1] for tanh. */
aae_scale ex_scale_for(const aae_model *model);

/* Loads MNIST's training and test sets from a->data (first a->limit rows
 * of each when set), rows of ex_pixels(a) values (ex_setup_images). 0, or
 * 1 after reporting the failure. */
int ex_load_mnist(const ex_args *a, aae_scale scale, aae_dataset **train, aae_dataset **test);

/* Gathers the first n rows of ds as floats (x: n x width, labels: n, may be
 * NULL); n is capped at the dataset's rows and returned. */
size_t ex_first_rows(const aae_dataset *ds, size_t n, float *x, int32_t *labels);

/* Writes <out>/<name>: ten styles z drawn from the prior (rows) decoded with
 * each of the labels 0-9 (columns), for a decoder that reads [z, one-hot].
 * 0, or 1 after reporting the failure. */
int ex_write_styles(const ex_args *a, const aae_model *model, const char *name);

/* Rebuilds the hidden layers of `part` in b with batch norm in every one
 * if `batchnorm`, and `width` units each unless width is 0. */
aae_status ex_reshape_layers(aae_builder *b, aae_part part, int batchnorm, size_t width);

/* Sets b to the public reimplementations' recipe for the clustering and
 * semi-supervised AAE (the presets follow the paper; see docs/models.md). */
aae_status ex_reimplementation_recipe(aae_builder *b);

/* Prints the model's training recipe (input corruption, each phase's
 * optimizer and milestones) and writes it to <out>/recipe.txt. 0, or 1
 * after reporting the failure. */
int ex_write_recipe(const ex_args *a, const aae_model *m);

/* A training run: ex_open builds the model and loads MNIST, ex_train
 * trains, ex_close frees what ex_open made. */
typedef struct ex_session ex_session;
struct ex_session {
    const ex_args *a;
    /* Set by ex_open and owned by the session. */
    aae_model *model;
    aae_dataset *mnist_train, *mnist_test;
    /* What ex_open built a new model from (restarts build more alike). */
    aae_preset preset;
    const ex_setting *settings;
    size_t n_settings;
    /* What ex_train reads: ex_open points train and eval at MNIST; a
     * program may point them elsewhere (labelled may be NULL). */
    const aae_dataset *train, *labelled, *eval;
    /* A validation set (NULL: none), evaluated after every epoch into
     * log.csv's valid_* columns: the numbers to choose settings by. */
    const aae_dataset *valid;
    /* The validation metric --restarts chooses by (the lowest; the cluster
     * accuracy as 1 - accuracy). Zero-initialized: AAE_METRIC_MSE. */
    aae_metric choose_by;
    /* Optional hooks, non-zero return stops with an error: after every
     * batch (global step, counted from 1) and after every epoch (1-based,
     * the evaluation metrics or NULL). `user` is the program's own. */
    int (*after_batch)(const ex_session *s, uint64_t step);
    int (*after_epoch)(const ex_session *s, int epoch, const double *metrics);
    /* One more log.csv column, after the standard ones (NULL: none): after
     * every epoch, before its row is written, extra_metric fills the value
     * (NaN: an empty cell; non-zero return stops with an error). The epoch
     * line shows it too. */
    const char *extra_column;
    int (*extra_metric)(const ex_session *s, double *value);
    void *user;
    /* Results. */
    double seconds;                   /* wall time of the training */
    double metrics[AAE_METRIC_COUNT]; /* last epoch's evaluation (NaN: none) */
    double valid_metrics[AAE_METRIC_COUNT]; /* and its validation (NaN: none) */
    int epochs_done;
    int interrupted;                  /* ex_train stopped at Ctrl-C */
    /* The pixels' range (max - min: 1 on [0, 1], 2 on [-1, 1]) when ex_open
     * loaded IDX images: test and validation MSE and L1 (log.csv, the epoch
     * lines, metrics) are then on pixels in [0, 1], whatever the model's
     * output scale (divided by range^2 and range). 0: as the library
     * computes them (aae-cli's data has no such scale). */
    double range;
};

/* Builds `preset` with --seed, the input width ex_pixels(a) and the n
 * settings into s->model (with --resume 1 and a saved <out>/<prog>.model,
 * loads that instead), then loads MNIST at the model's output scale
 * (ex_scale_for). 0, or 1 after reporting the failure; call ex_close
 * either way. */
int ex_open(ex_session *s, aae_preset preset, const ex_setting *settings, size_t n);

/* Frees the model and data ex_open made. */
void ex_close(ex_session *s);

/* Trains up to a->epochs epochs in all (with --resume, counting those the
 * loaded model has done), writing <out>/log.csv and <out>/loss_curves.png
 * and saving <out>/<prog>.model after every epoch, so a stopped run
 * continues with --resume 1. Ctrl-C stops after the current batch and keeps
 * what was learnt. A new model with --restarts N > 1 is first replaced by
 * ex_choose_start's. 0, or 1 after reporting the failure. */
int ex_train(ex_session *s);

/* The model ex_open gives for a (a new one, or with --resume 1 the one saved
 * in a->out) from s's preset and settings, with the model seed *seed (NULL:
 * the one --seed or --set seed=S gives). 0, or 1 after reporting the failure. */
int ex_open_model(const ex_session *s, const ex_args *a, const uint64_t *seed, aae_model **m);

/* --restarts N: N starts that differ only in the model seed (weights, noise,
 * priors; the same data, split and shuffles) train --restart-epochs epochs
 * each in <out>/restart-<i> (resumable like any run), and the one with the
 * lowest validation error (s->choose_by) replaces s->model, its log.csv and checkpoint copied to <out>;
 * <out>/restarts.csv lists every start's score. Needs s->valid. 0, or 1
 * after reporting the failure (an interrupted choice too). */
int ex_choose_start(ex_session *s);

#endif
