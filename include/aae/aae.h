/**
 * @file aae.h
 * @brief The libaae API: every public type and function.
 *
 * libaae: autoencoder-family generative models (AE, VAE, AAE and their
 * supervised, classifier and clustering variants) as an embeddable C library.
 *
 * ABI promise: every public type is an opaque handle, an enum, a scalar, a
 * C string or a caller-owned float/int32 buffer. No struct layout is shared.
 * Releases with the same AAE_VERSION_MAJOR are ABI compatible (SONAME
 * libaae.so.MAJOR); a minor release only adds functions and enum values.
 * The two constants that size caller buffers, AAE_SLOT_COUNT and
 * AAE_METRIC_COUNT, are frozen capacities, not counts that grow. The
 * data-parallel section near the end is an experimental tier outside this
 * promise (see there).
 *
 * Conventions used by every function below:
 *  - Fallible calls return aae_status. On failure, aae_last_error() holds a
 *    message naming the bad argument or condition, and outputs and handles are
 *    left as they were unless the function says otherwise.
 *  - The library never aborts, exits or prints.
 *  - Matrices are row-major float32: `rows` rows of `width` floats, contiguous.
 *  - Buffers passed in are borrowed for the duration of the call only.
 *  - Handles are freed by their *_free function; passing NULL is a no-op.
 *  - Thread safety is stated per handle. Functions without a handle argument
 *    are safe to call from any thread.
 *  - Reproducibility: the same build (libaae, BLAS library and BLAS kernel),
 *    BLAS thread count, options, seed, inputs, batch shape and training
 *    thread/process count give the same bits. A row computed alone or in a
 *    batch of another size, under another BLAS kernel or build, or trained
 *    with another thread/process count is not bitwise the same: inference
 *    agrees within 1e-5 * (1 + |value|); training agrees step by step to
 *    float32 rounding and drifts over many steps (docs/design.md, "What is
 *    reproducible").
 */
#ifndef AAE_AAE_H
#define AAE_AAE_H

#include <stddef.h>
#include <stdint.h>

#include "aae/version.h" /* also defines AAE_API */

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Status and errors                                                   */
/* ------------------------------------------------------------------ */

/** Result of every fallible call. Values are stable across releases. */
typedef enum aae_status {
    AAE_OK = 0,
    AAE_ERR_INVALID_ARGUMENT = 1, /**< NULL, zero, out of range, wrong width */
    AAE_ERR_NOMEM = 2,            /**< allocation failed or size overflowed */
    AAE_ERR_IO = 3,               /**< a file could not be read or written */
    AAE_ERR_FORMAT = 4,           /**< a file or buffer is malformed */
    AAE_ERR_VERSION = 5,          /**< a file was written by a newer format */
    AAE_ERR_STATE = 6,            /**< call not valid in the handle's state */
    AAE_ERR_DIVERGED = 7,         /**< a loss or parameter became NaN/Inf */
    AAE_ERR_UNSUPPORTED = 8,      /**< valid request this build cannot do */
    AAE_ERR_BUSY = 9,             /**< handle in use by another thread */
    AAE_ERR_CANCELLED = 10        /**< a user callback asked to stop */
} aae_status;

/** A short English description of `status` ("invalid argument", ...).
 * Never NULL; unknown values give "unknown status". Static storage. */
AAE_API const char *aae_status_string(aae_status status);

/** The enumerator's name ("AAE_ERR_NOMEM"), for logs and bindings (as
 * aae_enum_name("aae_status", status)). Never NULL; unknown values give "AAE_ERR_UNKNOWN". Static storage. */
AAE_API const char *aae_status_name(aae_status status);

/** The message of the last failed call on this thread ("" if none).
 * Thread-local storage, valid until the next libaae call on this thread. */
AAE_API const char *aae_last_error(void);

/** Empties this thread's last-error message. */
AAE_API void aae_clear_error(void);

/** Records `message` as this thread's last error and returns `status`: for
 * hooks and callbacks (and libraries built on libaae, such as libaae-mpi),
 * so the error the library then returns carries their explanation. */
AAE_API aae_status aae_set_error(aae_status status, const char *message);

/* ------------------------------------------------------------------ */
/* Version and runtime                                                 */
/* ------------------------------------------------------------------ */

/* aae_version() and aae_version_string() are declared in aae/version.h. */

/** Name of the BLAS the library was built against ("openblas" or
 * "reference") and, for OpenBLAS, the kernel core in use, e.g.
 * "openblas Haswell". Static storage, never NULL. */
AAE_API const char *aae_blas_info(void);

/** Sets how many threads BLAS may use (process-wide: BLAS has one setting).
 * n >= 1. Returns AAE_ERR_UNSUPPORTED when the BLAS has no such control and
 * n != 1. The library's own element-wise work is single-threaded, so it
 * never competes with BLAS's threads for cores. Call it while no training
 * or inference runs. */
AAE_API aae_status aae_set_num_threads(int n);

/** The number of BLAS threads in effect (1 when the BLAS cannot say). */
AAE_API int aae_get_num_threads(void);

/** An embedder's allocator (aae_set_allocator): `ctx` is the pointer given
 * there. */
typedef void *(*aae_malloc_fn)(void *ctx, size_t size);
typedef void *(*aae_realloc_fn)(void *ctx, void *ptr, size_t size);
typedef void (*aae_free_fn)(void *ctx, void *ptr);

/** Replaces the allocator of every heap block libaae allocates (as zstd's
 * ZSTD_customMem or libuv's uv_replace_allocator), process-wide; NULL for
 * all three restores the C library's (ctx is then ignored). Each function
 * gets `ctx` back; malloc_fn and realloc_fn return NULL on failure (the
 * call then fails with AAE_ERR_NOMEM), are never asked for 0 bytes, and
 * realloc_fn(ctx, NULL, n) must allocate as malloc_fn; zeroed blocks are
 * malloc_fn + memset. The functions must be thread-safe if libaae is used
 * from several threads. Out of scope: the BLAS library's own buffers
 * (OpenBLAS allocates through its own allocator), the C library's internal
 * ones (stdio), thread stacks and libaae-mpi.
 *
 * Call it before any handle exists and while no other libaae call runs: it
 * returns AAE_ERR_STATE, changing nothing, while any block allocated
 * through the current allocator is still live (a handle not yet freed), so
 * no block is ever freed by an allocator that did not allocate it.
 * AAE_ERR_INVALID_ARGUMENT if only one or two functions are given;
 * AAE_ERR_BUSY if another thread is changing it at the same moment. Three
 * function pointers rather than a struct: the ABI shares no struct layout,
 * and a later hook (aligned allocation, say) would be a new function. */
AAE_API aae_status aae_set_allocator(aae_malloc_fn malloc_fn,
                                     aae_realloc_fn realloc_fn,
                                     aae_free_fn free_fn, void *ctx);

/* ------------------------------------------------------------------ */
/* Enum names                                                          */
/* ------------------------------------------------------------------ */

/* The members of every `typedef enum aae_x` of this header by name, so
 * bindings and command lines take names from the library (as curl does
 * for its options). The table is generated from this header when the
 * library is built; _COUNT sentinels (AAE_SLOT_COUNT, AAE_METRIC_COUNT)
 * are not members. Static storage; safe from any thread. */

/** The index-th enum's C name ("aae_status", ...) in header order; NULL
 * past the last. */
AAE_API const char *aae_enum_type(size_t index);

/** The index-th member of enum `type` (0-based, header order): its C name
 * ("AAE_OPTION_Z_WIDTH") in *name and its value in *value (either may be
 * NULL). AAE_ERR_INVALID_ARGUMENT, outputs untouched, for an unknown type
 * or an index past the last member. */
AAE_API aae_status aae_enum_member(const char *type, size_t index,
                                   const char **name, int *value);

/** The C name of the member of `type` with `value`; NULL if none. */
AAE_API const char *aae_enum_name(const char *type, int value);

/** The value of the member of `type` called `name`: its C name or the name
 * without the prefix all the type's members share (their longest common
 * prefix up to its last '_': "z_width" for AAE_OPTION_Z_WIDTH, "z_label" for
 * AAE_DECODE_Z_LABEL), case-insensitive. AAE_ERR_INVALID_ARGUMENT, *value
 * untouched, for an unknown type or name. */
AAE_API aae_status aae_enum_value(const char *type, const char *name,
                                  int *value);

/* ------------------------------------------------------------------ */
/* Networks: sequential stacks of layers                               */
/* ------------------------------------------------------------------ */

/** A sequential network: layers appended one by one, parameters and their
 * gradients stored as two flat float arrays in layer order (dense: weight
 * [out x in] row-major as in PyTorch's Linear, then bias; batch norm: gamma
 * then beta). BatchNorm running statistics are separate "state".
 *
 * Thread safety: a network is not safe to use from two threads at once,
 * except aae_net_infer, which only reads the network and may run on many
 * threads at once as long as nobody modifies it. */
typedef struct aae_net aae_net;

/** Element-wise activations (softmax is row-wise). */
typedef enum aae_activation {
    AAE_ACT_NONE = 0,       /**< identity: only meaningful in builder layers */
    AAE_ACT_RELU = 1,
    AAE_ACT_LEAKY_RELU = 2, /**< slope 0.01 unless aae_net_add_leaky_relu */
    AAE_ACT_SIGMOID = 3,
    AAE_ACT_TANH = 4,
    AAE_ACT_SOFTMAX = 5
} aae_activation;

/** Forward mode: training uses batch statistics and dropout; inference uses
 * running statistics and no dropout (PyTorch's train() / eval()). */
typedef enum aae_mode {
    AAE_MODE_INFERENCE = 0,
    AAE_MODE_TRAINING = 1
} aae_mode;

/** Creates an empty network reading rows of `in_width` floats. `seed` keys
 * the parameter initialization (PyTorch's Linear default: kaiming-uniform
 * with a = sqrt(5), bias U(+-1/sqrt(fan_in))) and dropout masks.
 * On success *net owns the network; free it with aae_net_free. */
AAE_API aae_status aae_net_create(aae_net **net, size_t in_width,
                                  uint64_t seed);

/** Frees the network and everything it owns. NULL is a no-op. */
AAE_API void aae_net_free(aae_net *net);

/** Appends a fully connected layer with `width` outputs (y = x W^T + b). */
AAE_API aae_status aae_net_add_dense(aae_net *net, size_t width);

/** Appends an activation (AAE_ACT_LEAKY_RELU gets slope 0.01). */
AAE_API aae_status aae_net_add_activation(aae_net *net, aae_activation act);

/** Appends a LeakyReLU with the given negative slope (finite, >= 0). */
AAE_API aae_status aae_net_add_leaky_relu(aae_net *net, float slope);

/** Appends BatchNorm1d over the current width, as PyTorch's: gamma = 1,
 * beta = 0, running mean 0 / var 1, momentum in (0, 1] (PyTorch: 0.1),
 * eps > 0 (PyTorch: 1e-5). Training needs batches of at least 2 rows. */
AAE_API aae_status aae_net_add_batchnorm(aae_net *net, float momentum,
                                         float eps);

/** Appends inverted dropout with drop probability p in [0, 1). */
AAE_API aae_status aae_net_add_dropout(aae_net *net, float p);

/** Appends additive Gaussian noise of standard deviation std >= 0: training
 * forwards add std * N(0, 1) to every value (the gradient passes
 * unchanged); inference is the identity. */
AAE_API aae_status aae_net_add_gaussian_noise(aae_net *net, float std);

/** Input and output widths (out == in for a network with no layers). */
AAE_API aae_status aae_net_widths(const aae_net *net, size_t *in_width,
                                  size_t *out_width);

/** Number of parameters (and of gradients: the same). */
AAE_API aae_status aae_net_param_count(const aae_net *net, size_t *count);

/** Copies all `count` parameters (count must equal aae_net_param_count)
 * out of / into the network, in the layout described at aae_net. */
AAE_API aae_status aae_net_get_params(const aae_net *net, float *dst,
                                      size_t count);
AAE_API aae_status aae_net_set_params(aae_net *net, const float *src,
                                      size_t count);

/** Copies the accumulated gradients out (count = aae_net_param_count). */
AAE_API aae_status aae_net_get_grads(const aae_net *net, float *dst,
                                     size_t count);

/** Sets all gradients to zero (PyTorch's zero_grad with set_to_none=False). */
AAE_API aae_status aae_net_zero_grad(aae_net *net);

/** Runs `rows` rows of x (rows x in_width) through the network and writes
 * y (rows x out_width). In training mode the network keeps what backward
 * needs and updates BatchNorm running statistics; `step` keys this batch's
 * dropout masks (rows are keyed by their index in x). Buffers grow on the
 * first call with a larger batch; after that no memory is allocated. */
AAE_API aae_status aae_net_forward(aae_net *net, const float *x, size_t rows,
                                   aae_mode mode, uint64_t step, float *y);

/** Back-propagates dy (rows x out_width, for the rows of the last training
 * forward) and adds the parameter gradients to the accumulated ones, as
 * PyTorch's backward() does. Writes dx (rows x in_width) unless dx is NULL.
 * AAE_ERR_STATE if the last forward was not in training mode. */
AAE_API aae_status aae_net_backward(aae_net *net, const float *dy, float *dx);

/** Inference forward that reads the network only, so many threads may call
 * it at once on one network. `scratch` must hold at least
 * aae_net_infer_scratch(net, rows) floats; it is caller-owned. */
AAE_API aae_status aae_net_infer(const aae_net *net, const float *x,
                                 size_t rows, float *y, float *scratch,
                                 size_t scratch_count);

/** Floats of scratch aae_net_infer needs for `rows` rows (0 on bad input). */
AAE_API size_t aae_net_infer_scratch(const aae_net *net, size_t rows);

/* ------------------------------------------------------------------ */
/* Losses (reductions as PyTorch's defaults)                           */
/* ------------------------------------------------------------------ */

typedef enum aae_loss_kind {
    AAE_LOSS_MSE = 1,             /**< mean((p - t)^2) over all elements */
    AAE_LOSS_L1 = 2,              /**< mean(|p - t|) */
    AAE_LOSS_BCE = 3,             /**< p in [0,1]; logs clamped at -100 */
    AAE_LOSS_BCE_WITH_LOGITS = 4  /**< p are logits; numerically stable */
} aae_loss_kind;

/** Element-wise loss of prediction p against target t (rows x width each),
 * mean over all elements. Writes the loss to *loss and, unless grad is NULL,
 * d loss / d p (rows x width) to grad. */
AAE_API aae_status aae_loss(aae_loss_kind kind, const float *p, const float *t,
                            size_t rows, size_t width, float *loss,
                            float *grad);

/** Cross-entropy of logits (rows x classes) against int32 labels. Rows whose
 * label is negative are ignored (unlabelled); the mean is over the others
 * (PyTorch's ignore_index rule; 0 if none). Labels >= classes are invalid.
 * grad (rows x classes) may be NULL. */
AAE_API aae_status aae_loss_cross_entropy(const float *logits,
                                          const int32_t *labels, size_t rows,
                                          size_t classes, float *loss,
                                          float *grad);

/** KL(N(mu, exp(logvar)) || N(0, I)), summed over the `width` latent
 * dimensions and averaged over rows (nats per row). dmu and dlogvar
 * (rows x width) may be NULL. */
AAE_API aae_status aae_loss_kl_gaussian(const float *mu, const float *logvar,
                                        size_t rows, size_t width, float *loss,
                                        float *dmu, float *dlogvar);

/* ------------------------------------------------------------------ */
/* Optimizers                                                          */
/* ------------------------------------------------------------------ */

/** An optimizer bound to one network's parameters, as PyTorch's SGD / Adam.
 * The network must outlive the optimizer and must not gain layers after the
 * optimizer is created. Not thread-safe; use it from the thread that trains
 * its network. */
typedef struct aae_optimizer aae_optimizer;

typedef enum aae_optimizer_kind {
    AAE_OPTIMIZER_PART = 0, /**< phases only: each network keeps its part's
                                 optimizer (aae_builder_set_phase_optimizer) */
    AAE_OPTIMIZER_SGD = 1,
    AAE_OPTIMIZER_ADAM = 2
} aae_optimizer_kind;

/** Numbered settings (zstd-style: new ones are new values, never a struct
 * change). Defaults are PyTorch's; aae_optimizer_bounds gives the range. */
typedef enum aae_optimizer_param {
    AAE_OPT_LR = 1,           /**< SGD default 0.01, Adam 0.001 */
    AAE_OPT_MOMENTUM = 2,     /**< SGD: 0 */
    AAE_OPT_DAMPENING = 3,    /**< SGD: 0 */
    AAE_OPT_NESTEROV = 4,     /**< SGD: 0 or 1; needs momentum > 0, dampening 0 */
    AAE_OPT_WEIGHT_DECAY = 5, /**< both: 0 (L2 added to the gradient) */
    AAE_OPT_BETA1 = 6,        /**< Adam: 0.9 */
    AAE_OPT_BETA2 = 7,        /**< Adam: 0.999 */
    AAE_OPT_EPS = 8           /**< Adam: 1e-8 */
} aae_optimizer_param;

/** Creates an optimizer of `kind` for `net` (borrowed until the optimizer
 * is freed). */
AAE_API aae_status aae_optimizer_create(aae_optimizer **opt,
                                        aae_optimizer_kind kind, aae_net *net);

/** Frees the optimizer and its state. NULL is a no-op. */
AAE_API void aae_optimizer_free(aae_optimizer *opt);

/** Sets one setting. AAE_ERR_INVALID_ARGUMENT for a value out of bounds or a
 * setting the kind does not have. */
AAE_API aae_status aae_optimizer_set(aae_optimizer *opt,
                                     aae_optimizer_param param, double value);

/** Reads one setting. */
AAE_API aae_status aae_optimizer_get(const aae_optimizer *opt,
                                     aae_optimizer_param param, double *value);

/** The inclusive range of valid values for `param`. */
AAE_API aae_status aae_optimizer_bounds(aae_optimizer_param param, double *lo,
                                        double *hi);

/** Applies one update from the network's accumulated gradients (it does not
 * zero them: call aae_net_zero_grad, as in PyTorch). */
AAE_API aae_status aae_optimizer_step(aae_optimizer *opt);

/** Number of steps taken so far. */
AAE_API aae_status aae_optimizer_steps(const aae_optimizer *opt,
                                       uint64_t *steps);

/* ------------------------------------------------------------------ */
/* Model builder                                                       */
/* ------------------------------------------------------------------ */

/** One builder makes every model kind: a preset only fills option defaults,
 * and the options combined select the graph (see docs/models.md).
 * Thread safety: a builder is used from one thread at a time. */
typedef struct aae_builder aae_builder;

/** A built model: encoder (with optional Gaussian and categorical heads),
 * optional separate classifier, decoder, and up to two discriminators.
 * Thread safety: the inference functions (encode, decode, reconstruct,
 * generate, sample_prior, classify, evaluate, get, tensor_get,
 * save) only read the model and may run on many
 * threads at once; training, loading parameters and freeing need exclusive
 * use. A second concurrent training call fails with AAE_ERR_BUSY. */
typedef struct aae_model aae_model;

typedef enum aae_preset {
    AAE_PRESET_AE = 1,                  /**< 784-1000-1000-2 ReLU, sigmoid, MSE */
    AAE_PRESET_VAE = 2,                 /**< Gaussian z, BCE + KL */
    AAE_PRESET_AAE = 3,                 /**< PyTorch-GAN recipe, Gaussian prior */
    AAE_PRESET_SUPERVISED_AAE = 4,      /**< decoder sees [z, one-hot label] */
    AAE_PRESET_VAE_CLASSIFIER = 5,      /**< VAE + classifier whose y joins z */
    AAE_PRESET_CLUSTERING_AAE = 6,      /**< the paper's clustering recipe:
                                             softmax y over K=16 + style z 5,
                                             784-3000-3000 BN encoder with BN
                                             heads, 20 % input dropout, one SGD
                                             per phase (docs/models.md) */
    AAE_PRESET_SEMI_SUPERVISED_AAE = 7  /**< the paper's semi-supervised
                                             recipe: K = 10, z 10, 1000-unit
                                             nets, input noise 0.3, a CE
                                             phase, one SGD per phase */
} aae_preset;

/** Values of the enumerated options below. */
typedef enum aae_output_kind {
    AAE_OUTPUT_LINEAR = 0, AAE_OUTPUT_SIGMOID = 1, AAE_OUTPUT_TANH = 2
} aae_output_kind;
typedef enum aae_rec_loss_kind {
    AAE_REC_MSE = 0, AAE_REC_L1 = 1, AAE_REC_BCE = 2
} aae_rec_loss_kind;
typedef enum aae_posterior_kind {
    AAE_POSTERIOR_DETERMINISTIC = 0, AAE_POSTERIOR_GAUSSIAN = 1
} aae_posterior_kind;
typedef enum aae_y_head_kind {
    AAE_Y_NONE = 0,     /**< no categorical head */
    AAE_Y_SHARED = 1,   /**< softmax head on the encoder trunk */
    AAE_Y_SEPARATE = 2  /**< separate classifier network reading x */
} aae_y_head_kind;
typedef enum aae_decoder_input_kind {
    AAE_DECODE_Z = 0,       /**< z alone */
    AAE_DECODE_Z_LABEL = 1, /**< [z, one-hot data label] */
    AAE_DECODE_Z_Y = 2      /**< [z, y] with y the head's softmax */
} aae_decoder_input_kind;
typedef enum aae_z_regularizer_kind {
    AAE_ZREG_NONE = 0, AAE_ZREG_KL = 1, AAE_ZREG_ADVERSARIAL = 2
} aae_z_regularizer_kind;
typedef enum aae_prior_kind {
    AAE_PRIOR_GAUSSIAN = 0,   /**< N(0, sigma^2 I) */
    AAE_PRIOR_UNIFORM = 1,    /**< U(-sigma, sigma) per dimension */
    AAE_PRIOR_MIXTURE = 2,    /**< K 2-D Gaussians on a circle */
    AAE_PRIOR_SWISS_ROLL = 3  /**< 2-D swiss roll */
} aae_prior_kind;
typedef enum aae_supervision_kind {
    AAE_SUPERVISE_NONE = 0,
    AAE_SUPERVISE_JOINT = 1, /**< CE on labelled rows joins the reconstruction */
    AAE_SUPERVISE_PHASE = 2  /**< CE in its own phase on a labelled batch */
} aae_supervision_kind;

/** Numbered options (zstd-style: a new option is a new value, never a struct
 * change). All take a double; enumerated ones take the enum's value, flags
 * 0 or 1. aae_option_bounds gives each range. */
typedef enum aae_option {
    AAE_OPTION_INPUT_WIDTH = 1,     /**< features per row */
    AAE_OPTION_OUTPUT = 2,          /**< aae_output_kind */
    AAE_OPTION_REC_LOSS = 3,        /**< aae_rec_loss_kind */
    AAE_OPTION_REC_SUM = 4,         /**< 1: sum over features, mean over rows
                                       (VAE nats); 0: mean over all (PyTorch) */
    AAE_OPTION_Z_WIDTH = 5,
    AAE_OPTION_POSTERIOR = 6,       /**< aae_posterior_kind */
    AAE_OPTION_Y_HEAD = 7,          /**< aae_y_head_kind */
    AAE_OPTION_CLASSES = 8,         /**< K of the y head / label one-hot */
    AAE_OPTION_DECODER_INPUT = 9,   /**< aae_decoder_input_kind */
    AAE_OPTION_Z_REGULARIZER = 10,  /**< aae_z_regularizer_kind */
    AAE_OPTION_Z_PRIOR = 11,        /**< aae_prior_kind */
    AAE_OPTION_PRIOR_SIGMA = 12,    /**< Gaussian std / uniform half-width */
    AAE_OPTION_PRIOR_COMPONENTS = 13, /**< mixture components */
    AAE_OPTION_PRIOR_RADIUS = 14,   /**< mixture circle radius / roll scale */
    AAE_OPTION_PRIOR_SPREAD = 15,   /**< mixture component std */
    AAE_OPTION_PRIOR_LABEL_GUIDED = 16, /**< component chosen by the label */
    AAE_OPTION_Y_ADVERSARIAL = 17,  /**< categorical prior on y: 0/1 */
    AAE_OPTION_Y_SUPERVISED = 18,   /**< aae_supervision_kind */
    AAE_OPTION_DETACH_Y = 19,       /**< 1: decoder's gradient stops at y */
    AAE_OPTION_W_REC = 20,          /**< weight of the reconstruction loss */
    AAE_OPTION_W_KL = 21,           /**< beta */
    AAE_OPTION_W_ADV = 22,          /**< generator (adversarial) weight, z and y */
    AAE_OPTION_W_CE = 23,           /**< cross-entropy weight */
    AAE_OPTION_W_DISC = 24,         /**< discriminator loss scale (1: sum of the
                                       real and fake BCE means; 0.5: average) */
    AAE_OPTION_JOINT_GENERATOR = 25, /**< 1: generator term joins reconstruction
                                       (PyTorch-GAN); 0: own phase (paper) */
    AAE_OPTION_DISC_NOISE = 26,     /**< std of Gaussian noise on D's inputs */
    AAE_OPTION_BN_MOMENTUM = 27,
    AAE_OPTION_BN_EPS = 28,
    AAE_OPTION_SEED = 29,           /**< keys init, noise, priors, dropout */
    AAE_OPTION_INPUT_NOISE = 30,    /**< std of Gaussian noise added to the
                                         input of the encoder (and classifier)
                                         in training, drawn afresh for every
                                         phase that encodes x; the
                                         reconstruction target stays clean: 0 */
    AAE_OPTION_INPUT_DROPOUT = 31,  /**< dropout probability on that input
                                         (after the noise), training only: 0 */
    AAE_OPTION_HEAD_BATCHNORM = 32, /**< 1: batch norm after the encoder's (and
                                         classifier's) output layer, on z and
                                         the y logits, as the paper's
                                         clustering recipe: 0 */
    AAE_OPTION_INIT_STD = 33,       /**< 0: PyTorch's default initialization;
                                         > 0: every dense layer's weights
                                         N(0, std^2) and biases 0 (the paper:
                                         0.01) */
    AAE_OPTION_Z_DISC_SEES_Y = 34   /**< 1: the z discriminator reads
                                         [z | one-hot y]: the encoder's rows
                                         pair z with the one-hot of argmax
                                         q(y|x) (a constant: no gradient
                                         reaches y through it), the prior's
                                         rows pair z ~ p(z) with a uniform
                                         one-hot, so p(z) must hold within
                                         each value of y, not only on the
                                         whole. Needs a y head and
                                         Z_REGULARIZER = ADVERSARIAL: 0 */
} aae_option;

/** The networks of a model, for hidden layers and optimizers. */
typedef enum aae_part {
    AAE_PART_ENCODER = 0,
    AAE_PART_DECODER = 1,
    AAE_PART_Z_DISCRIMINATOR = 2,
    AAE_PART_Y_DISCRIMINATOR = 3,
    AAE_PART_CLASSIFIER = 4
} aae_part;

/** The phases of a training step, in the order they run. Each steps its
 * networks with its own optimizer state; by default with the optimizer
 * settings of each network's part (aae_builder_set_optimizer), or with the
 * phase's own (aae_builder_set_phase_optimizer). */
typedef enum aae_phase {
    AAE_PHASE_RECONSTRUCTION = 0,  /**< encoder, decoder, classifier: the
                                        reconstruction (+ KL, joint CE, joint
                                        generator terms) */
    AAE_PHASE_Z_DISCRIMINATOR = 1, /**< the z discriminator */
    AAE_PHASE_Y_DISCRIMINATOR = 2, /**< the y discriminator */
    AAE_PHASE_GENERATOR = 3,       /**< encoder / classifier against the
                                        discriminators (AAE_OPTION_JOINT_GENERATOR 0) */
    AAE_PHASE_SEMI_SUPERVISED = 4  /**< the y head on the labelled batch
                                        (AAE_SUPERVISE_PHASE) */
} aae_phase;

/** Most milestones one phase's schedule holds. */
#define AAE_MAX_MILESTONES 16

/** Creates a builder holding `preset`'s defaults. */
AAE_API aae_status aae_builder_create(aae_builder **builder, aae_preset preset);

/** Frees the builder. NULL is a no-op. Models it built are independent. */
AAE_API void aae_builder_free(aae_builder *builder);

/** Sets one option after checking it against aae_option_bounds (and, for
 * integers and enums, that it is whole). Combinations are checked by
 * aae_builder_build. */
AAE_API aae_status aae_builder_set(aae_builder *builder, aae_option option,
                                   double value);

/** Reads one option. */
AAE_API aae_status aae_builder_get(const aae_builder *builder,
                                   aae_option option, double *value);

/** The inclusive range of `option`. */
AAE_API aae_status aae_option_bounds(aae_option option, double *lo,
                                     double *hi);

/** Removes all hidden layers of `part`. */
AAE_API aae_status aae_builder_clear_layers(aae_builder *builder,
                                            aae_part part);

/** Appends a hidden layer to `part`: dense(width), then batch norm if
 * batchnorm != 0, then the activation (slope is LeakyReLU's), then dropout
 * if dropout > 0. The part's output layer is added by the builder. */
AAE_API aae_status aae_builder_add_layer(aae_builder *builder, aae_part part,
                                         size_t width, aae_activation act,
                                         float slope, int batchnorm,
                                         float dropout);

/** Number of hidden layers of `part`. */
AAE_API aae_status aae_builder_layer_count(const aae_builder *builder,
                                           aae_part part, size_t *count);

/** Reads hidden layer `index` (< aae_builder_layer_count) of `part`; any
 * output pointer may be NULL. */
AAE_API aae_status aae_builder_get_layer(const aae_builder *builder,
                                         aae_part part, size_t index,
                                         size_t *width, aae_activation *act,
                                         float *slope, int *batchnorm,
                                         float *dropout);

/** Optimizer of `part` (the encoder's also serves the generator and
 * semi-supervised phases, with its own state for each), used in every phase
 * that has no optimizer of its own (aae_builder_set_phase_optimizer).
 * Defaults: the preset's. */
AAE_API aae_status aae_builder_set_optimizer(aae_builder *builder,
                                             aae_part part,
                                             aae_optimizer_kind kind);
AAE_API aae_status aae_builder_set_optimizer_param(aae_builder *builder,
                                                   aae_part part,
                                                   aae_optimizer_param param,
                                                   double value);
/** Reads the optimizer kind / one setting of `part` (AAE_ERR_INVALID_ARGUMENT
 * for a setting the kind does not have). */
AAE_API aae_status aae_builder_get_optimizer(const aae_builder *builder,
                                             aae_part part,
                                             aae_optimizer_kind *kind);
AAE_API aae_status aae_builder_get_optimizer_param(const aae_builder *builder,
                                                   aae_part part,
                                                   aae_optimizer_param param,
                                                   double *value);

/** Gives `phase` its own optimizer of `kind` with PyTorch's defaults for
 * the kind (AAE_OPTIMIZER_PART: the phase goes back to each network's part
 * optimizer). Every network the phase steps then uses these settings in
 * that phase, whatever its part's optimizer; the other phases are not
 * affected. The paper's recipes, e.g., use one SGD per cost. A model
 * without the phase refuses a phase optimizer at aae_builder_build. */
AAE_API aae_status aae_builder_set_phase_optimizer(aae_builder *builder,
                                                   aae_phase phase,
                                                   aae_optimizer_kind kind);
/** Sets one setting of the phase's own optimizer (AAE_ERR_INVALID_ARGUMENT
 * if the phase has none: set its kind first). */
AAE_API aae_status aae_builder_set_phase_optimizer_param(aae_builder *builder,
                                                         aae_phase phase,
                                                         aae_optimizer_param param,
                                                         double value);
/** The phase's optimizer kind (AAE_OPTIMIZER_PART if it has none) / one of
 * its settings (AAE_ERR_INVALID_ARGUMENT if it has none). */
AAE_API aae_status aae_builder_get_phase_optimizer(const aae_builder *builder,
                                                   aae_phase phase,
                                                   aae_optimizer_kind *kind);
AAE_API aae_status aae_builder_get_phase_optimizer_param(const aae_builder *builder,
                                                         aae_phase phase,
                                                         aae_optimizer_param param,
                                                         double *value);

/** A milestone schedule for `phase` (PyTorch's MultiStepLR): its learning
 * rates are multiplied by gamma once for each milestone <= the epoch, an
 * epoch counted over the model's whole life (see aae_trainer_epoch), so a
 * resumed run keeps its schedule. epochs: `count` (<= AAE_MAX_MILESTONES)
 * strictly increasing values >= 1; count 0 removes the schedule. gamma in
 * (0, 1000]. Applied by the trainer together with its own schedule
 * (AAE_TRAIN_SCHEDULE) and its learning-rate callback. Saved with the model. */
AAE_API aae_status aae_builder_set_phase_milestones(aae_builder *builder,
                                                    aae_phase phase,
                                                    const uint64_t *epochs,
                                                    size_t count, double gamma);
/** Reads the phase's schedule: *count milestones, of which the first
 * min(count, capacity) are copied to epochs (NULL if capacity is 0). */
AAE_API aae_status aae_builder_get_phase_milestones(const aae_builder *builder,
                                                    aae_phase phase,
                                                    uint64_t *epochs,
                                                    size_t capacity,
                                                    size_t *count,
                                                    double *gamma);

/** A new builder holding the options `model` was built with (a loaded
 * model's too), so the aae_builder_get_* calls read them and a changed copy
 * can build another model. The caller owns it (aae_builder_free); it
 * shares nothing with the model. Reads the model only (may run beside
 * inference). AAE_ERR_NOMEM leaves *builder unset. */
AAE_API aae_status aae_builder_from_model(aae_builder **builder,
                                          const aae_model *model);

/** Builds a model from the options. Conflicting options are refused with
 * AAE_ERR_INVALID_ARGUMENT and a message naming both, e.g. a KL regularizer
 * with a deterministic posterior. The builder is unchanged. */
AAE_API aae_status aae_builder_build(const aae_builder *builder,
                                     aae_model **model);

/** Frees the model. NULL is a no-op. While a training epoch uses it (from
 * that epoch's callbacks, say) nothing is freed and aae_last_error() says
 * so: free it after the epoch returns. */
AAE_API void aae_model_free(aae_model *model);

/** Reads an option the model was built with. */
AAE_API aae_status aae_model_get(const aae_model *model, aae_option option,
                                 double *value);

/** Per-phase losses reported by a training step (unused ones are 0). */
typedef enum aae_loss_slot {
    AAE_SLOT_REC = 0,    /**< reconstruction (unweighted, as configured) */
    AAE_SLOT_KL = 1,     /**< KL nats per row */
    AAE_SLOT_CE = 2,     /**< cross-entropy on labelled rows */
    AAE_SLOT_DISC_Z = 3, /**< z discriminator loss */
    AAE_SLOT_GEN_Z = 4,  /**< encoder's adversarial loss on z */
    AAE_SLOT_DISC_Y = 5,
    AAE_SLOT_GEN_Y = 6,
    /** The capacity of every losses buffer in this API (train step, batch
     * and epoch callbacks), frozen at 7 for SONAME libaae.so.0: these calls
     * never read or write more, whatever later releases add. A loss added
     * later gets a slot numbered from 7 on and is reported only by new calls
     * that take the caller's count. scripts/abi-check.sh guards the value. */
    AAE_SLOT_COUNT = 7
} aae_loss_slot;

/** One training step on a minibatch, in the paper's phase order:
 * reconstruction, regularization (each discriminator, then the generator),
 * semi-supervised. x is rows x input width; labels (rows, -1 = unlabelled)
 * are needed by label-reading options and may be NULL otherwise; xl/yl
 * (rows_l rows, NULL/0 when absent) is the labelled batch of the
 * AAE_SUPERVISE_PHASE phase. `step` keys this step's random draws. losses
 * (AAE_SLOT_COUNT floats) may be NULL.
 *
 * The step is all or nothing. AAE_ERR_DIVERGED if a phase's loss is not
 * finite or its update wrote a non-finite parameter, optimizer moment or
 * batch norm statistic (the message names the phase and the value); any
 * failure leaves the model bit for bit as before the call: parameters,
 * statistics, optimizer moments and step counters (and the step counter
 * of aae_model_steps). A step that returns AAE_OK wrote only finite
 * values. The first training step allocates a spare buffer for every
 * parameter and optimizer moment array (an update that may have to be
 * undone writes there; undoing swaps back, no copy): training holds about
 * twice the memory of parameters plus moments, kept until the model is
 * freed (docs/design.md, "Transactional steps"). */
AAE_API aae_status aae_model_train_step(aae_model *model, const float *x,
                                        const int32_t *labels, size_t rows,
                                        const float *xl, const int32_t *yl,
                                        size_t rows_l, uint64_t step,
                                        float *losses);

/** Floats of scratch the inference functions need for `rows` rows; pass
 * at least this many, or NULL scratch to let the call allocate its own.
 * The inference functions (encode, decode, reconstruct, classify,
 * class_log_probs) refuse a NaN or infinite input with
 * AAE_ERR_INVALID_ARGUMENT naming its row and column, and then write
 * nothing. */
AAE_API size_t aae_model_scratch(const aae_model *model, size_t rows);

/** Encodes x (rows x input width) into z (rows x z width; the mean for a
 * Gaussian posterior) and, unless y is NULL, the class probabilities
 * (rows x classes; needs a y head). */
AAE_API aae_status aae_model_encode(const aae_model *model, const float *x,
                                    size_t rows, float *z, float *y,
                                    float *scratch, size_t scratch_count);

/** Decodes z (rows x z width) with c (rows x classes: one-hot label or y;
 * required exactly when the decoder reads one) into x (rows x input width). */
AAE_API aae_status aae_model_decode(const aae_model *model, const float *z,
                                    const float *c, size_t rows, float *x,
                                    float *scratch, size_t scratch_count);

/** decode(encode(x)); for AAE_DECODE_Z_LABEL the labels are required. */
AAE_API aae_status aae_model_reconstruct(const aae_model *model,
                                         const float *x, const int32_t *labels,
                                         size_t rows, float *out,
                                         float *scratch, size_t scratch_count);

/** Draws n samples: z from the prior (keyed by seed; a label-guided prior
 * takes its component from labels, -1 = any), c from labels (one-hot, each
 * in [0, classes); NULL: uniform classes) when the decoder reads one, then
 * decodes into x. */
AAE_API aae_status aae_model_generate(const aae_model *model, size_t n,
                                      uint64_t seed, const int32_t *labels,
                                      float *x, float *scratch,
                                      size_t scratch_count);

/** Draws n codes z (n x z width) from the z prior exactly as
 * aae_model_generate does for the same seed, so a caller can edit or reuse
 * them before aae_model_decode. labels (n, -1 = any component, may be
 * NULL) choose mixture components when the prior is label-guided. The
 * prior is AAE_OPTION_Z_PRIOR whatever the regularizer (for a VAE, the
 * default Gaussian of sigma 1 is its N(0, I)). */
AAE_API aae_status aae_model_sample_prior(const aae_model *model, size_t n,
                                          uint64_t seed, const int32_t *labels,
                                          float *z);

/** Most probable class of each row (needs a y head); probs may be NULL. */
AAE_API aae_status aae_model_classify(const aae_model *model, const float *x,
                                      size_t rows, int32_t *classes,
                                      float *probs, float *scratch,
                                      size_t scratch_count);

/** log q(y|x) of each row into log_probs (rows x classes; needs a y head),
 * computed from the y logits, not as the log of aae_model_classify's probs:
 * a confident row's largest probability rounds to exactly 1 in float once
 * its logit leads by about 17, so probabilities tie where log-probabilities
 * still order the rows (which row a class is surest of) up to a lead of
 * about 100. Caller-owned buffers; scratch as aae_model_scratch says. An
 * inference call: reads the model only, so any number of threads may call
 * it at once. AAE_ERR_INVALID_ARGUMENT (nothing written) for a NULL model,
 * x or log_probs, a model without a y head, a non-finite x or too small a
 * scratch; AAE_ERR_NOMEM if a NULL scratch cannot be allocated. */
AAE_API aae_status aae_model_class_log_probs(const aae_model *model,
                                             const float *x, size_t rows,
                                             float *log_probs, float *scratch,
                                             size_t scratch_count);

/* ------------------------------------------------------------------ */
/* Parameters as named tensors                                         */
/* ------------------------------------------------------------------ */

/** A model's parameters and BatchNorm statistics as named 2-D tensors, for
 * import from and export to other frameworks. Names follow PyTorch's
 * state_dict: "PART.LAYER.weight" [out x in], ".bias" [1 x out],
 * BatchNorm ".weight"/".bias" (gamma/beta), ".running_mean",
 * ".running_var"; PART is encoder, decoder, classifier,
 * z_discriminator or y_discriminator and LAYER the index of the layer in
 * that network (activations count, as in nn.Sequential). */
AAE_API aae_status aae_model_tensor_count(const aae_model *model,
                                          size_t *count);

/** Name (static storage of the model, valid until it is freed) and shape of
 * tensor `index` (< aae_model_tensor_count). */
AAE_API aae_status aae_model_tensor_info(const aae_model *model, size_t index,
                                         const char **name, size_t *rows,
                                         size_t *cols);

/** Copies tensor `index` out of / into the model; count must be rows*cols.
 * Setting is a training-side call: not concurrently with anything else.
 * Set refuses (AAE_ERR_INVALID_ARGUMENT, naming the tensor and element)
 * values a checkpoint may not hold: NaN or infinite values, or a negative
 * BatchNorm running variance. */
AAE_API aae_status aae_model_tensor_get(const aae_model *model, size_t index,
                                        float *dst, size_t count);
AAE_API aae_status aae_model_tensor_set(aae_model *model, size_t index,
                                        const float *src, size_t count);

/* ------------------------------------------------------------------ */
/* Checkpoints (format: docs/FORMAT.md)                                */
/* ------------------------------------------------------------------ */

/** Saves the whole training state: options, parameters, BatchNorm
 * statistics, optimizer state and step counter, so a loaded model resumes
 * training exactly. Written to a temporary file in the same directory,
 * flushed to disk and renamed over `path`: a crash mid-save leaves the old
 * file intact (docs/FORMAT.md, "Saving"). If `path` is a symbolic link, the
 * link's target is replaced and the link kept; an existing file keeps its
 * permission bits (a new one gets 0666 minus the umask). A successful save
 * removes temporary files that killed saves to the same file left behind.
 * AAE_ERR_IO names the failing operation; AAE_ERR_INVALID_ARGUMENT (nothing
 * written) if a value is NaN or infinite, a running variance or Adam second
 * moment negative, or a step counter above 2^53: such a file would not
 * load. */
AAE_API aae_status aae_model_save(const aae_model *model, const char *path);

/** Loads a checkpoint into a new model. `path` must be a regular file: a
 * directory, FIFO, socket or device is AAE_ERR_IO saying what it is (a FIFO
 * never blocks). The file is read piece by piece; its header, checksum and
 * every size are validated before the model is allocated, and every value
 * before the model is returned: AAE_ERR_IO (cannot read), AAE_ERR_FORMAT
 * (not a checkpoint, bad checksum, malformed, options the builder refuses,
 * values no save writes; the message names the section and offset, or the
 * tensor), AAE_ERR_VERSION (a newer format with a valid checksum: the
 * message names both versions). On failure *model is untouched. */
AAE_API aae_status aae_model_load(aae_model **model, const char *path);

/** The same in memory: with buf NULL, *size receives the bytes needed;
 * otherwise cap must be at least that and *size receives the bytes written
 * (AAE_ERR_INVALID_ARGUMENT for the values aae_model_save refuses).
 * aae_model_load_memory validates exactly as aae_model_load. */
AAE_API aae_status aae_model_save_memory(const aae_model *model, void *buf,
                                         size_t cap, size_t *size);
AAE_API aae_status aae_model_load_memory(aae_model **model, const void *buf,
                                         size_t size);

/** Number of training steps the model has taken (restored by load). */
AAE_API aae_status aae_model_steps(const aae_model *model, uint64_t *steps);

/* ------------------------------------------------------------------ */
/* Datasets                                                            */
/* ------------------------------------------------------------------ */

/** Rows of `width` features with optional int32 labels (-1 = unlabelled).
 * Data loaded from IDX files stays as bytes and is converted to float per
 * batch (a quarter of the memory of float rows).
 *
 * Thread safety: a dataset is immutable after creation; any number of
 * threads may read it at once. */
typedef struct aae_dataset aae_dataset;

/** Whether a dataset copies caller memory or borrows it. */
typedef enum aae_ownership {
    AAE_COPY = 0,  /**< the dataset keeps its own copy */
    AAE_BORROW = 1, /**< caller memory is used in place and must stay valid and
                       unchanged until the dataset (and every dataset made
                       from it) is freed */
    AAE_COPY_FINITE = 2 /**< a copy of only the rows whose values are all
                           finite (with their labels): for data with gaps */
} aae_ownership;

/** How IDX bytes become floats. */
typedef enum aae_scale {
    AAE_SCALE_UNIT = 0,      /**< byte / 255: [0, 1] */
    AAE_SCALE_SYMMETRIC = 1  /**< byte / 127.5 - 1: [-1, 1] */
} aae_scale;

/** A dataset over caller rows x (rows x width floats) and optional labels
 * (rows int32, each -1 or >= 0; NULL = unlabelled). Non-finite values in x
 * are refused with the row index, unless `own` is AAE_COPY_FINITE, which
 * skips those rows (AAE_ERR_INVALID_ARGUMENT if none is left). */
AAE_API aae_status aae_dataset_from_memory(aae_dataset **ds, const float *x,
                                           const int32_t *labels, size_t rows,
                                           size_t width, aae_ownership own);

/** Loads an IDX images file (unsigned byte, 2 or more dimensions: rows x
 * features) and optionally a matching IDX labels file (NULL to skip).
 * Every header field and size is validated against the file's real size
 * before anything is allocated: AAE_ERR_IO if a file cannot be read or is
 * not a regular file (a directory, FIFO or device: refused without
 * blocking, the message says which), AAE_ERR_FORMAT if it is malformed or
 * the two files disagree. */
AAE_API aae_status aae_dataset_load_idx(aae_dataset **ds,
                                        const char *images_path,
                                        const char *labels_path,
                                        aae_scale scale);

/** Frees the dataset. NULL is a no-op. While a training epoch uses it (from
 * that epoch's callbacks, say) nothing is freed and aae_last_error() says
 * so: free it after the epoch returns. */
AAE_API void aae_dataset_free(aae_dataset *ds);

/** Shape: number of rows, features per row, and whether labels exist. */
AAE_API aae_status aae_dataset_shape(const aae_dataset *ds, size_t *rows,
                                     size_t *width, int *has_labels);

/** Gathers rows indices[0..n) as floats into x (n x width) and, unless
 * labels is NULL, their labels (-1 for an unlabelled dataset). */
AAE_API aae_status aae_dataset_get_rows(const aae_dataset *ds,
                                        const size_t *indices, size_t n,
                                        float *x, int32_t *labels);

/** A new dataset holding copies of rows indices[0..n) (bytes stay bytes). */
AAE_API aae_status aae_dataset_subset(const aae_dataset *ds,
                                      const size_t *indices, size_t n,
                                      aae_dataset **out);

/** A deterministic permutation of the row indices for (seed, epoch): the
 * same arguments give the same order on every platform. perm holds rows. */
AAE_API aae_status aae_dataset_shuffle(const aae_dataset *ds, uint64_t seed,
                                       uint64_t epoch, size_t *perm,
                                       size_t rows);

/** Splits off `valid_rows` randomly chosen rows (by seed) as a validation
 * set; the rest, in their original order, become *train. */
AAE_API aae_status aae_dataset_split(const aae_dataset *ds, size_t valid_rows,
                                     uint64_t seed, aae_dataset **train,
                                     aae_dataset **valid);

/** A copy of a labelled dataset in which only `per_class` randomly chosen
 * rows of each class (by seed) keep their label; the others get -1. For
 * semi-supervised runs. The classes are 0 .. the largest label;
 * AAE_ERR_INVALID_ARGUMENT names the first that has fewer rows (or none).
 * Memory grows with the rows, never with a label's value. */
AAE_API aae_status aae_dataset_keep_labels(const aae_dataset *ds,
                                           size_t per_class, uint64_t seed,
                                           aae_dataset **out);

/* ------------------------------------------------------------------ */
/* Evaluation and the trainer                                          */
/* ------------------------------------------------------------------ */

/** Metrics computed by aae_model_evaluate (NaN where they do not apply). */
typedef enum aae_metric {
    AAE_METRIC_MSE = 0,            /**< reconstruction mean squared error */
    AAE_METRIC_L1 = 1,             /**< reconstruction mean absolute error */
    AAE_METRIC_CLASS_ERROR = 2,    /**< y head argmax vs labels (labelled rows) */
    AAE_METRIC_CLUSTER_ACCURACY = 3, /**< y head clusters, majority labels */
    AAE_METRIC_ELBO = 4,           /**< nats per row: Gaussian posterior with a
                                      BCE sum reconstruction; one z sample */
    /** The capacity of every metrics buffer in this API
     * (aae_model_evaluate, the epoch callback), frozen at 5 for SONAME
     * libaae.so.0 as AAE_SLOT_COUNT is: a metric added later is numbered
     * from 5 on and reported only by new calls that take the caller's
     * count. */
    AAE_METRIC_COUNT = 5
} aae_metric;

/** Evaluates the model on a dataset (inference mode; reads the model only,
 * so it may run beside other inference calls). metrics holds
 * AAE_METRIC_COUNT doubles, written only on success. The dataset width
 * must be the model's. */
AAE_API aae_status aae_model_evaluate(const aae_model *model,
                                      const aae_dataset *ds, double *metrics);

/** A trainer drives a model over a dataset: epochs of shuffled minibatches,
 * learning-rate schedules, callbacks, per-epoch evaluation. The model and
 * datasets are borrowed for each call. Thread safety: one thread at a time.
 * Three levels of API: aae_model_train_step (one step), aae_trainer_epoch,
 * aae_trainer_fit. */
typedef struct aae_trainer aae_trainer;

typedef enum aae_schedule_kind {
    AAE_SCHEDULE_CONSTANT = 0,
    AAE_SCHEDULE_STEP = 1,   /**< lr * gamma^floor(epoch / step_epochs) */
    AAE_SCHEDULE_COSINE = 2  /**< lr * (min + (1-min)(1+cos(pi epoch/horizon))/2) */
} aae_schedule_kind;

typedef enum aae_trainer_param {
    AAE_TRAIN_EPOCHS = 1,         /**< epochs per aae_trainer_fit call: 10 */
    AAE_TRAIN_BATCH_SIZE = 2,     /**< 64 */
    AAE_TRAIN_SHUFFLE = 3,        /**< 1: reshuffle every epoch; 0: in order */
    AAE_TRAIN_SEED = 4,           /**< shuffle seed: 0 */
    AAE_TRAIN_DROP_LAST = 5,      /**< 1: skip a final partial batch (default);
                                       0: train it, unless it is too small to
                                       train on (fewer rows than threads or
                                       processes, or 1 row when the model has
                                       batch norm): then it is skipped, on any
                                       thread or process count alike */
    AAE_TRAIN_LABELLED_BATCH = 6, /**< rows of the semi-supervised batch: 64 */
    AAE_TRAIN_SCHEDULE = 7,       /**< aae_schedule_kind: constant */
    AAE_TRAIN_STEP_EPOCHS = 8,    /**< STEP: epochs between decays: 10 */
    AAE_TRAIN_GAMMA = 9,          /**< STEP: decay factor: 0.1 */
    AAE_TRAIN_HORIZON = 10,       /**< COSINE: epochs to the minimum: 100 */
    AAE_TRAIN_MIN_FACTOR = 11,    /**< COSINE: final lr factor: 0 */
    AAE_TRAIN_THREADS = 12        /**< training threads: 1 (default); 0 means
                                       aae_get_num_threads(). With n > 1 each
                                       batch is split over n threads, each on
                                       its own replica of the model, exactly as
                                       over n processes (see
                                       aae_trainer_set_parallel): the same
                                       model up to summation order, BLAS
                                       single-threaded inside each; the
                                       replicas cost n-1 copies of the
                                       model's memory. Not combined with
                                       aae_trainer_set_parallel. */
} aae_trainer_param;

/** Called after every batch: epoch (0-based, counted over the model's whole
 * life), batch index in the epoch, batches per epoch, this step's losses
 * (AAE_SLOT_COUNT floats) and samples/s so far this epoch. Return non-zero
 * to stop training after this batch; a message set with aae_set_error()
 * before returning ends the AAE_ERR_CANCELLED message the epoch returns.
 *
 * While an epoch runs (its callbacks included) its trainer, model and
 * datasets are in use: training the model (aae_model_train_step, an epoch
 * of any trainer) or running this trainer again returns AAE_ERR_BUSY, and
 * aae_model_free, aae_dataset_free and aae_trainer_free on them do nothing
 * but set aae_last_error(). Inference on the model is allowed. */
typedef int (*aae_batch_callback)(void *user, uint64_t epoch, uint64_t batch,
                                  uint64_t batches, const float *losses,
                                  double samples_per_second);

/** Called after every epoch with the epoch's mean losses (AAE_SLOT_COUNT),
 * the evaluation metrics (AAE_METRIC_COUNT doubles, or NULL without an
 * evaluation dataset) and the epoch's samples/s. Non-zero stops training. */
typedef int (*aae_epoch_callback)(void *user, uint64_t epoch,
                                  const float *mean_losses,
                                  const double *metrics,
                                  double samples_per_second);

/** Creates a trainer with the defaults listed at aae_trainer_param. */
AAE_API aae_status aae_trainer_create(aae_trainer **trainer);

/** Frees the trainer. NULL is a no-op. While a training epoch uses it (from
 * that epoch's callbacks, say) nothing is freed and aae_last_error() says
 * so: free it after the epoch returns. */
AAE_API void aae_trainer_free(aae_trainer *trainer);

/** Sets / reads one setting; aae_trainer_bounds gives the range. */
AAE_API aae_status aae_trainer_set(aae_trainer *trainer,
                                   aae_trainer_param param, double value);
AAE_API aae_status aae_trainer_get(const aae_trainer *trainer,
                                   aae_trainer_param param, double *value);
AAE_API aae_status aae_trainer_bounds(aae_trainer_param param, double *lo,
                                      double *hi);

/** Callbacks (NULL to remove); `user` is passed back unchanged. */
AAE_API aae_status aae_trainer_set_callbacks(aae_trainer *trainer,
                                             aae_batch_callback on_batch,
                                             aae_epoch_callback on_epoch,
                                             void *user);

/** Called once per epoch, before its first batch, for each phase the model
 * has: returns the factor (finite, >= 0) that multiplies the phase's
 * learning rates this epoch, on top of the trainer's schedule and the
 * phase's milestones. epoch is counted over the model's whole life. With
 * several processes or threads only rank 0's callback is called, on the
 * thread that called the epoch, and its factors are used by all. */
typedef double (*aae_lr_callback)(void *user, uint64_t epoch, aae_phase phase);

/** Sets the learning-rate callback (NULL to remove). */
AAE_API aae_status aae_trainer_set_lr_callback(aae_trainer *trainer,
                                               aae_lr_callback fn, void *user);

/** A dataset evaluated after every epoch (NULL: none); borrowed until
 * replaced or the trainer is freed. */
AAE_API aae_status aae_trainer_set_eval(aae_trainer *trainer,
                                        const aae_dataset *eval);

/** Trains one epoch of `train` (the model's epoch counter decides the
 * shuffle, so a loaded checkpoint continues the same sequence). `labelled`
 * (NULL if none) feeds the semi-supervised phase with its labelled rows.
 * Every input, the evaluation dataset included, is checked before the
 * first step. AAE_ERR_BUSY if the model is being trained or the trainer is
 * running (see aae_batch_callback).
 * AAE_ERR_CANCELLED if a callback stopped it; AAE_ERR_DIVERGED if a step
 * diverged (see aae_model_train_step: the model is as after the last
 * batch the callback saw, on any number of threads). */
AAE_API aae_status aae_trainer_epoch(aae_trainer *trainer, aae_model *model,
                                     const aae_dataset *train,
                                     const aae_dataset *labelled);

/** Where the model stands in its training on `train` under this trainer's
 * settings (batch size, DROP_LAST, threads or processes): *epoch the
 * epoch (0-based, counted over the model's life) and *batch the batch the
 * next aae_trainer_epoch starts at, *batches the batches of an epoch. So a
 * resumed run knows how many epochs it has done. Outputs may be NULL.
 * Reads its arguments only. AAE_ERR_INVALID_ARGUMENT (outputs unwritten)
 * if an epoch of `train` would refuse to start: fewer rows than a batch
 * with DROP_LAST, or too few rows for one step. */
AAE_API aae_status aae_trainer_position(const aae_trainer *trainer,
                                        const aae_model *model,
                                        const aae_dataset *train,
                                        uint64_t *epoch, uint64_t *batch,
                                        uint64_t *batches);

/** AAE_TRAIN_EPOCHS epochs of aae_trainer_epoch, stopping at the first error. */
AAE_API aae_status aae_trainer_fit(aae_trainer *trainer, aae_model *model,
                                   const aae_dataset *train,
                                   const aae_dataset *labelled);

/* ------------------------------------------------------------------ */
/* Data-parallel training: EXPERIMENTAL tier                           */
/* ------------------------------------------------------------------ */

/* Everything in this section (aae_reduce_kind, aae_allreduce_fn,
 * aae_broadcast_fn, aae_trainer_set_parallel) and libaae-mpi (<aae/mpi.h>)
 * is outside the ABI promise above: what the hooks receive, and when, may
 * change in a minor release. aae_trainer_set_parallel's symbol carries the
 * version node AAE_EXPERIMENTAL_0.1; a release that changes this tier
 * renames the node, so a program built against the old tier fails to load
 * ("version `AAE_EXPERIMENTAL_0.1' not found") instead of misbehaving. The
 * rest of this header is the stable tier (node AAE_0). Threads inside one
 * process (AAE_TRAIN_THREADS) are stable. */

/** What an aae_allreduce_fn call carries. */
typedef enum aae_reduce_kind {
    AAE_REDUCE_GRADIENTS = 1,   /**< one phase's parameter gradients */
    AAE_REDUCE_BATCH_STATS = 2, /**< batch norm sums (synchronized BN) */
    AAE_REDUCE_LOSSES = 3,      /**< one phase's losses, weighted by rows */
    AAE_REDUCE_STATUS = 4       /**< one float per process: 1 if its checks
                                     failed or a callback asked to stop
                                     (so all stop together) */
} aae_reduce_kind;

/** Replaces data[0..n) on every process by its sum over all processes
 * (e.g. MPI_Allreduce with MPI_SUM). A collective: every process makes the
 * same calls in the same order. Return AAE_OK, or an error to stop the step. */
typedef aae_status (*aae_allreduce_fn)(void *user, aae_reduce_kind kind,
                                       float *data, size_t n);

/** Replaces data[0..bytes) on every process by rank 0's (e.g. MPI_Bcast). */
typedef aae_status (*aae_broadcast_fn)(void *user, void *data, size_t bytes);

/** Makes the trainer one of `size` processes training one model on one
 * global batch (data parallelism); `rank` in [0, size) is this process.
 * The library itself does no communication: the hooks do (libaae-mpi
 * implements them with MPI). size 1 switches it off.
 *
 * Every process calls aae_trainer_epoch or aae_trainer_fit with the same
 * settings and datasets (same rows, same order) on a model built from the
 * same options; each epoch call checks this (sizes and settings against
 * rank 0's) and fails on every process with AAE_ERR_INVALID_ARGUMENT if a
 * process differs. Then:
 * - each epoch call broadcasts rank 0's model (parameters, batch norm
 *   statistics, optimizer state, step counter), so all processes start
 *   equal, e.g. after rank 0 alone loaded a checkpoint;
 * - every global batch of AAE_TRAIN_BATCH_SIZE rows (and every labelled
 *   batch) is split into contiguous slices, rows [B*rank/size,
 *   B*(rank+1)/size) going to `rank`; random draws (noise, prior samples,
 *   dropout) are keyed by the global row index, so the result equals one
 *   process training with batch B, up to floating-point summation order;
 * - after each phase's backward pass, before its optimizer step, allreduce
 *   receives that phase's gradients as one contiguous buffer (the networks
 *   the phase updates are adjacent in memory), already weighted by this
 *   process's share of the rows: their sum is the global gradient;
 * - batch norm in training mode is synchronized: per layer two reductions
 *   in the forward pass and one in the backward pass;
 * - each phase's losses are reduced before its divergence check, so every
 *   process reports the global losses and takes the same decision.
 * Callbacks run on every process with the global losses and counts; if a
 * callback stops one process, all stop after the same batch with
 * AAE_ERR_CANCELLED (one more reduction per batch). The
 * batch needs at least `size` rows; a final partial batch with fewer rows
 * than processes is skipped. If a hook fails, the call returns its status
 * and the processes' models may differ: reload a checkpoint.
 * The hooks and `user` are borrowed until replaced or the trainer is freed. */
AAE_API aae_status aae_trainer_set_parallel(aae_trainer *trainer,
                                            unsigned rank, unsigned size,
                                            aae_allreduce_fn allreduce,
                                            aae_broadcast_fn broadcast,
                                            void *user);

/* ------------------------------------------------------------------ */
/* Metrics                                                             */
/* ------------------------------------------------------------------ */

/** Fraction of rows whose predicted class differs from the label; rows with
 * label < 0 are skipped (error 0 if none are left). */
AAE_API aae_status aae_metric_classification_error(const int32_t *predicted,
                                                   const int32_t *labels,
                                                   size_t rows, double *error);

/** Clustering accuracy as in the AAE paper: each of the k clusters takes the
 * majority label of its rows; accuracy = fraction of rows whose cluster's
 * label equals their own. clusters[i] in [0, k); labels[i] in [0, classes)
 * (rows with negative labels are skipped). */
AAE_API aae_status aae_metric_clustering_accuracy(const int32_t *clusters,
                                                  const int32_t *labels,
                                                  size_t rows, size_t k,
                                                  size_t classes,
                                                  double *accuracy);

#ifdef __cplusplus
}
#endif

#endif /**< AAE_AAE_H */
