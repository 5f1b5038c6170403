/* The model graph: every kind is this one struct with some parts unused.
 *
 *   x -> encoder -> [mu | logvar? | y logits?]      (one output dense)
 *   x -> classifier -> y logits                      (AAE_Y_SEPARATE)
 *   z = mu (+ exp(logvar/2) * eps),  y = softmax(logits)
 *   [z | c] -> decoder -> x_hat,   c = one-hot label or y (or nothing)
 *   z -> z discriminator -> logit,  y -> y discriminator -> logit
 */
#ifndef AAEI_MODEL_H
#define AAEI_MODEL_H

#include <stdatomic.h>

#include "model/group.h"
#include "model/options.h"
#include "model/prior.h"
#include "nn/net.h"
#include "nn/optim.h"

/* Optimizer groups: each owns the state of the networks it steps. */
enum {
    AAEI_OPT_ENC,      /* encoder, reconstruction phase */
    AAEI_OPT_DEC,
    AAEI_OPT_CLS,      /* classifier, reconstruction phase */
    AAEI_OPT_ZDISC,
    AAEI_OPT_YDISC,
    AAEI_OPT_GEN_ENC,  /* encoder, generator phase (own state, as the paper) */
    AAEI_OPT_GEN_CLS,  /* classifier, generator phase */
    AAEI_OPT_SEMI,     /* y head's network, semi-supervised phase */
    AAEI_OPT_COUNT
};

/* A named view of parameters or BN statistics (aae_model_tensor_*): an
 * offset into its network's array, resolved on each use (aaei_tensor_data),
 * since a training step moves the parameters to their other buffer. */
typedef struct aaei_tensor {
    char name[48];
    size_t rows, cols;
    aae_net *net;
    size_t off;
    int is_state;            /* in net->state, else in net->params */
} aaei_tensor;

/* Where tensor t's values are now. */
float *aaei_tensor_data(const aaei_tensor *t);

/* This member's rows of a data-parallel step's batches (the group, see
 * model/group.h, says who the members are). */
typedef struct aaei_shard {
    size_t row0, total;     /* first global row of x; rows of the global batch */
    size_t row0_l, total_l; /* the same for the labelled batch */
} aaei_shard;

struct aae_model {
    aaei_options opt;
    aae_net nets[AAEI_PARTS]; /* indexed by aae_part */
    int has[AAEI_PARTS];      /* the model has that part's network (else it is empty) */
    aae_net corruption;      /* noise / dropout on x in training (if has_corruption) */
    int has_corruption;
    aaei_optim optims[AAEI_OPT_COUNT];
    /* Every network's gradients in one block, in aaei_pool_order. */
    float *grad_pool;

    /* Widths derived from the options. */
    size_t in_width, z_width, classes;
    size_t enc_out;          /* zw (mu) + zw (logvar, Gaussian) + k (shared y) */
    size_t off_logvar, off_y;/* column offsets in the encoder output */
    size_t c_width;          /* width of c at the decoder: classes or 0 */
    size_t zd_width;         /* the z discriminator's input: z, or [z | one-hot y] */
    int zdisc_sees_y;        /* AAE_OPTION_Z_DISC_SEES_Y */
    int gaussian, yhead, dec_input, z_adversarial, y_adversarial, supervised, joint_gen, detach_y;
    aaei_prior zprior, yprior;

    /* Training scratch, grown to the largest batch; one block. */
    float *scratch_block;
    size_t scratch_rows;
    float *eps, *z, *y, *ylog_sep, *dec_in, *enc_out_grad, *cls_out_grad, *dz, *dy, *dxhat,
        *disc_in, *disc_logit_grad, *disc_target;
    int32_t *label_scratch;

    aaei_tensor *tensors;    /* PyTorch state_dict order */
    size_t ntensors;

    uint64_t steps;
    atomic_flag busy;
};

/* The networks in file order (checkpoint sections, tensors, aaei_layout):
 * encoder, decoder, classifier, z and y discriminator. */
extern const aae_part aaei_file_order[AAEI_PARTS];
/* The gradient pool's order: decoder, encoder, classifier, z and y
 * discriminator. The networks one phase updates are adjacent, so one
 * allreduce covers the phase. */
extern const aae_part aaei_pool_order[AAEI_PARTS];

/* The network after `net` (NULL: before the first) in file order, among
 * those the model has (all: every one, absent ones empty); NULL after the
 * last. */
aae_net *aaei_model_next_net(const aae_model *m, const aae_net *net, int all);
/* Every network the model has, in file order. */
#define AAEI_FOR_EACH_NET(m, net) \
    for (aae_net *net = aaei_model_next_net((m), NULL, 0); net; net = aaei_model_next_net((m), net, 0))
/* Every network, absent ones too (empty: no parameters, no state), in
 * file order. */
#define AAEI_FOR_ALL_NETS(m, net) \
    for (aae_net *net = aaei_model_next_net((m), NULL, 1); net; net = aaei_model_next_net((m), net, 1))

/* Builds the networks and optimizers from validated options. */
aae_status aaei_model_create(const aaei_options *o, aae_model **out);

/* The arrays a model built from valid options holds, computed without
 * allocating (counts saturate at SIZE_MAX): lets a loader prove a file's
 * sizes before it allocates anything. Networks in aaei_file_order. */
typedef struct aaei_layout {
    int present[AAEI_PARTS];
    size_t params[AAEI_PARTS], state[AAEI_PARTS]; /* parameters; BatchNorm running statistics */
    size_t optim_n[AAEI_OPT_COUNT]; /* 0: the model has no such optimizer slot */
    int optim_v[AAEI_OPT_COUNT];    /* the slot keeps a second moment (Adam) */
} aaei_layout;
void aaei_model_layout(const aaei_options *o, aaei_layout *l);

void aaei_model_destroy(aae_model *m);

/* The fewest rows a training step takes: 2 with batch norm anywhere, else 1. */
size_t aaei_model_min_step_rows(const aae_model *m);

/* Training scratch for `rows` rows (grows only). */
aae_status aaei_model_reserve(aae_model *m, size_t rows);

/* The z discriminator's rows (zd_width each; model/zdisc_rows.c). Real:
 * z ~ p(z) from substream z_sub, beside it (Z_DISC_SEES_Y) a uniform one-hot
 * from substream y_sub; keyed by row as aaei_prior_sample. Fake: z, beside
 * it the one-hot of argmax y. */
void aaei_zdisc_real_rows(const aae_model *m, uint64_t seed, uint64_t step, uint64_t z_sub, uint64_t y_sub,
                          uint64_t row0, const int32_t *labels, size_t rows, float *out);
void aaei_zdisc_fake_rows(const aae_model *m, const float *z, const float *y, size_t rows, float *out);

/* Builds m->tensors from the networks (called by aaei_model_create). */
aae_status aaei_model_index_tensors(aae_model *m);

/* Step counters above this are refused: no run reaches them, and the Adam
 * bias correction computes with the counter as a double. */
#define AAEI_MAX_STEPS ((uint64_t)1 << 53)

/* The values a checkpoint may hold: every parameter, statistic and
 * optimizer moment finite, running variances and Adam second moments >= 0,
 * step counters <= AAEI_MAX_STEPS. Otherwise `status` with a message
 * "who: ..." naming the tensor (or optimizer slot) and element. */
aae_status aaei_model_check_values(const aae_model *m, aae_status status, const char *who);
/* The same for values about to be stored in tensor t. */
aae_status aaei_tensor_check_values(const aaei_tensor *t, const float *values, aae_status status,
                                    const char *who);

/* Sets every optimizer's learning rate to factor[its phase] x its
 * configured value. */
void aaei_model_set_lr_factors(aae_model *m, const double factor[AAEI_PHASES]);

/* 1 if the model's step runs `phase` (an aae_phase). */
int aaei_model_has_phase(const aae_model *m, int phase);

/* rows in [1, INT32_MAX / 2] and rows x width without overflow. */
aae_status aaei_model_check_rows(size_t rows, size_t width, const char *fn);

/* Every value of rows x width finite, else the first that is not, named. */
aae_status aaei_model_check_finite(const float *x, size_t rows, size_t width, const char *fn);

/* Labels are -1 (when allowed) or >= 0, and below the class count when
 * they pick one of the model's classes (`classes` 0: any class index). */
aae_status aaei_model_check_labels(const aae_model *m, const int32_t *labels, size_t rows,
                                   int allow_unlabelled, int classes, const char *fn);

/* The argument checks of aae_model_train_step (fn names the caller). */
aae_status aaei_model_check_step(const aae_model *m, const float *x, const int32_t *labels,
                                 size_t rows, const float *xl, const int32_t *yl,
                                 size_t rows_l, const char *fn);

/* aaei_model_check_step, then one process's aaei_model_train_step: the
 * step of aae_model_train_step without its busy flag (a trainer's epoch
 * holds the flag for its whole length). */
aae_status aaei_model_checked_step(aae_model *model, const float *x, const int32_t *labels, size_t rows,
                                   const float *xl, const int32_t *yl, size_t rows_l, uint64_t step,
                                   float *losses, const char *fn);

/* One training step (see aae_model_train_step); arguments checked. group
 * is aaei_group_one() for one process (shard NULL), else shard holds this
 * member's rows of the group's step. */
aae_status aaei_model_train_step(aae_model *m, const float *x, const int32_t *labels,
                                 size_t rows, const float *xl, const int32_t *yl,
                                 size_t rows_l, uint64_t step, const aaei_group *group,
                                 const aaei_shard *shard, float *losses);

/* The transaction around one training step (model/txn.c, nn/txn.h): the
 * spare buffers (allocated by the first step, then kept), the step's start,
 * and its end: commit, or undo everything it wrote (parameters, moments,
 * statistics, step counters; gradients are zeroed). */
aae_status aaei_model_txn_reserve(aae_model *m);
void aaei_model_txn_begin(aae_model *m);
void aaei_model_txn_end(aae_model *m, int commit);
/* 1 if batch norm statistics written in this step are not all finite. */
int aaei_model_txn_state_bad(const aae_model *m);
/* Updates a step keeps for its end, when no later phase reads the
 * networks they change (train_step.c): then nothing can fail after them,
 * so they need no undo when they are sure to stay finite. */
typedef struct aaei_deferred {
    size_t n;
    struct {
        int slot;
        aae_net *net;
        const char *phase;
    } at[AAEI_OPT_COUNT];
} aaei_deferred;
/* Applies them, each network's gradients zeroed: all in place if
 * every one is sure to write finite values, else all moved (undoable).
 * Returns the phase of the first that wrote a non-finite value, or NULL. */
const char *aaei_model_txn_apply(aae_model *m, aaei_deferred *d);

/* Inference helpers (read-only, caller scratch of aaei_model_scratch). */
size_t aaei_model_scratch(const aae_model *m, size_t rows);
void aaei_model_encode(const aae_model *m, const float *x, size_t rows, float *z,
                       float *y, float *scratch);
void aaei_model_decode(const aae_model *m, const float *z, const float *c,
                       size_t rows, float *x, float *scratch);
/* decode(encode(x)); labels (rows) are read for AAE_DECODE_Z_LABEL. */
void aaei_model_reconstruct(const aae_model *m, const float *x, const int32_t *labels,
                            size_t rows, float *out, float *scratch);
/* Each row's index of its largest value (the first of equal ones). */
void aaei_argmax_rows(const float *p, size_t rows, size_t k, int32_t *out);
/* Class logits' softmax (rows x k) of x, or (log_space) its logarithm;
 * needs a y head. */
void aaei_model_class_probs(const aae_model *m, const float *x, size_t rows,
                            float *probs, float *scratch, int log_space);
/* n rows of z from the z prior (labels guide mixture components). */
void aaei_model_sample_prior(const aae_model *m, size_t n, uint64_t seed,
                             const int32_t *labels, float *z);
/* n samples: z from the prior, c one-hot of labels (NULL: uniform). */
void aaei_model_generate(const aae_model *m, size_t n, uint64_t seed,
                         const int32_t *labels, float *x, float *scratch);

/* Clustering accuracy (every cluster takes its majority label) over the
 * rows with a label >= 0; clusters >= 0. Counts sparsely: memory grows with
 * the rows, never with a cluster's or label's value. */
aae_status aaei_clustering_accuracy(const int32_t *clusters, const int32_t *labels, size_t rows,
                                    double *accuracy);

#endif
