/*
 * libaae: autoencoder-family generative models (AE, VAE, AAE and their
 * supervised, classifier and clustering variants) as an embeddable C library.
 *
 * ABI promise: every public type is an opaque handle, an enum, a scalar, a
 * C string or a caller-owned float/int32 buffer. No struct layout is shared.
 * Releases with the same AAE_VERSION_MAJOR are ABI compatible (SONAME
 * libaae.so.<major>); a minor release only adds functions and enum values.
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
 */
#ifndef AAE_AAE_H
#define AAE_AAE_H

#include <stddef.h>
#include <stdint.h>

#include "aae/version.h"

#if defined(_WIN32) && defined(AAE_BUILDING)
#define AAE_API __declspec(dllexport)
#elif defined(__GNUC__) && defined(AAE_BUILDING)
#define AAE_API __attribute__((visibility("default")))
#else
#define AAE_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Status and errors                                                   */
/* ------------------------------------------------------------------ */

/* Result of every fallible call. Values are stable across releases. */
typedef enum aae_status {
    AAE_OK = 0,
    AAE_ERR_INVALID_ARGUMENT = 1, /* NULL, zero, out of range, wrong width */
    AAE_ERR_NOMEM = 2,            /* allocation failed or size overflowed */
    AAE_ERR_IO = 3,               /* a file could not be read or written */
    AAE_ERR_FORMAT = 4,           /* a file or buffer is malformed */
    AAE_ERR_VERSION = 5,          /* a file was written by a newer format */
    AAE_ERR_STATE = 6,            /* call not valid in the handle's state */
    AAE_ERR_DIVERGED = 7,         /* a loss or parameter became NaN/Inf */
    AAE_ERR_UNSUPPORTED = 8,      /* valid request this build cannot do */
    AAE_ERR_BUSY = 9,             /* handle in use by another thread */
    AAE_ERR_CANCELLED = 10        /* a user callback asked to stop */
} aae_status;

/* A short English description of `status` ("invalid argument", ...).
 * Never NULL; unknown values give "unknown status". Static storage. */
AAE_API const char *aae_status_string(aae_status status);

/* The enumerator's name ("AAE_ERR_NOMEM"), for logs and bindings.
 * Never NULL; unknown values give "AAE_ERR_UNKNOWN". Static storage. */
AAE_API const char *aae_status_name(aae_status status);

/* The message of the last failed call on this thread ("" if none).
 * Thread-local storage, valid until the next libaae call on this thread. */
AAE_API const char *aae_last_error(void);

/* Empties this thread's last-error message. */
AAE_API void aae_clear_error(void);

/* ------------------------------------------------------------------ */
/* Version and runtime                                                 */
/* ------------------------------------------------------------------ */

/* The runtime library's AAE_VERSION_NUMBER, to compare with the header's. */
AAE_API unsigned aae_version(void);

/* The runtime library's version as "MAJOR.MINOR.PATCH". Static storage. */
AAE_API const char *aae_version_string(void);

/* Name of the BLAS the library was built against ("openblas" or
 * "reference") and, for OpenBLAS, the kernel core in use, e.g.
 * "openblas Haswell". Static storage, never NULL. */
AAE_API const char *aae_blas_info(void);

/* Sets how many threads BLAS may use (process-wide: BLAS has one setting).
 * n >= 1. Returns AAE_ERR_UNSUPPORTED when the BLAS has no such control and
 * n != 1. The library's own element-wise work is single-threaded, so it
 * never competes with BLAS's threads for cores. Call it while no training
 * or inference runs. */
AAE_API aae_status aae_set_num_threads(int n);

/* The number of BLAS threads in effect (1 when the BLAS cannot say). */
AAE_API int aae_get_num_threads(void);

/* ------------------------------------------------------------------ */
/* Networks: sequential stacks of layers                               */
/* ------------------------------------------------------------------ */

/* A sequential network: layers appended one by one, parameters and their
 * gradients stored as two flat float arrays in layer order (dense: weight
 * [out x in] row-major as in PyTorch's Linear, then bias; batch norm: gamma
 * then beta). BatchNorm running statistics are separate "state".
 *
 * Thread safety: a network is not safe to use from two threads at once,
 * except aae_net_infer, which only reads the network and may run on many
 * threads at once as long as nobody modifies it. */
typedef struct aae_net aae_net;

/* Element-wise activations (softmax is row-wise). */
typedef enum aae_activation {
    AAE_ACT_RELU = 1,
    AAE_ACT_LEAKY_RELU = 2, /* slope 0.01 unless aae_net_add_leaky_relu */
    AAE_ACT_SIGMOID = 3,
    AAE_ACT_TANH = 4,
    AAE_ACT_SOFTMAX = 5
} aae_activation;

/* Forward mode: training uses batch statistics and dropout; inference uses
 * running statistics and no dropout (PyTorch's train() / eval()). */
typedef enum aae_mode {
    AAE_MODE_INFERENCE = 0,
    AAE_MODE_TRAINING = 1
} aae_mode;

/* Creates an empty network reading rows of `in_width` floats. `seed` keys
 * the parameter initialization (PyTorch's Linear default: kaiming-uniform
 * with a = sqrt(5), bias U(+-1/sqrt(fan_in))) and dropout masks.
 * On success *net owns the network; free it with aae_net_free. */
AAE_API aae_status aae_net_create(aae_net **net, size_t in_width,
                                  uint64_t seed);

/* Frees the network and everything it owns. NULL is a no-op. */
AAE_API void aae_net_free(aae_net *net);

/* Appends a fully connected layer with `width` outputs (y = x W^T + b). */
AAE_API aae_status aae_net_add_dense(aae_net *net, size_t width);

/* Appends an activation (AAE_ACT_LEAKY_RELU gets slope 0.01). */
AAE_API aae_status aae_net_add_activation(aae_net *net, aae_activation act);

/* Appends a LeakyReLU with the given negative slope (finite, >= 0). */
AAE_API aae_status aae_net_add_leaky_relu(aae_net *net, float slope);

/* Appends BatchNorm1d over the current width, as PyTorch's: gamma = 1,
 * beta = 0, running mean 0 / var 1, momentum in (0, 1] (PyTorch: 0.1),
 * eps > 0 (PyTorch: 1e-5). Training needs batches of at least 2 rows. */
AAE_API aae_status aae_net_add_batchnorm(aae_net *net, float momentum,
                                         float eps);

/* Appends inverted dropout with drop probability p in [0, 1). */
AAE_API aae_status aae_net_add_dropout(aae_net *net, float p);

/* Input and output widths (out == in for a network with no layers). */
AAE_API aae_status aae_net_widths(const aae_net *net, size_t *in_width,
                                  size_t *out_width);

/* Number of parameters (and of gradients: the same). */
AAE_API aae_status aae_net_param_count(const aae_net *net, size_t *count);

/* Copies all `count` parameters (count must equal aae_net_param_count)
 * out of / into the network, in the layout described at aae_net. */
AAE_API aae_status aae_net_get_params(const aae_net *net, float *dst,
                                      size_t count);
AAE_API aae_status aae_net_set_params(aae_net *net, const float *src,
                                      size_t count);

/* Copies the accumulated gradients out (count = aae_net_param_count). */
AAE_API aae_status aae_net_get_grads(const aae_net *net, float *dst,
                                     size_t count);

/* Sets all gradients to zero (PyTorch's zero_grad with set_to_none=False). */
AAE_API aae_status aae_net_zero_grad(aae_net *net);

/* Runs `rows` rows of x (rows x in_width) through the network and writes
 * y (rows x out_width). In training mode the network keeps what backward
 * needs and updates BatchNorm running statistics; `step` keys this batch's
 * dropout masks (rows are keyed by their index in x). Buffers grow on the
 * first call with a larger batch; after that no memory is allocated. */
AAE_API aae_status aae_net_forward(aae_net *net, const float *x, size_t rows,
                                   aae_mode mode, uint64_t step, float *y);

/* Back-propagates dy (rows x out_width, for the rows of the last training
 * forward) and adds the parameter gradients to the accumulated ones, as
 * PyTorch's backward() does. Writes dx (rows x in_width) unless dx is NULL.
 * AAE_ERR_STATE if the last forward was not in training mode. */
AAE_API aae_status aae_net_backward(aae_net *net, const float *dy, float *dx);

/* Inference forward that reads the network only, so many threads may call
 * it at once on one network. `scratch` must hold at least
 * aae_net_infer_scratch(net, rows) floats; it is caller-owned. */
AAE_API aae_status aae_net_infer(const aae_net *net, const float *x,
                                 size_t rows, float *y, float *scratch,
                                 size_t scratch_count);

/* Floats of scratch aae_net_infer needs for `rows` rows (0 on bad input). */
AAE_API size_t aae_net_infer_scratch(const aae_net *net, size_t rows);

/* ------------------------------------------------------------------ */
/* Losses (reductions as PyTorch's defaults)                           */
/* ------------------------------------------------------------------ */

typedef enum aae_loss_kind {
    AAE_LOSS_MSE = 1,             /* mean((p - t)^2) over all elements */
    AAE_LOSS_L1 = 2,              /* mean(|p - t|) */
    AAE_LOSS_BCE = 3,             /* p in [0,1]; logs clamped at -100 */
    AAE_LOSS_BCE_WITH_LOGITS = 4  /* p are logits; numerically stable */
} aae_loss_kind;

/* Element-wise loss of prediction p against target t (rows x width each),
 * mean over all elements. Writes the loss to *loss and, unless grad is NULL,
 * d loss / d p (rows x width) to grad. */
AAE_API aae_status aae_loss(aae_loss_kind kind, const float *p, const float *t,
                            size_t rows, size_t width, float *loss,
                            float *grad);

/* Cross-entropy of logits (rows x classes) against int32 labels. Rows whose
 * label is negative are ignored (unlabelled); the mean is over the others
 * (PyTorch's ignore_index rule; 0 if none). Labels >= classes are invalid.
 * grad (rows x classes) may be NULL. */
AAE_API aae_status aae_loss_cross_entropy(const float *logits,
                                          const int32_t *labels, size_t rows,
                                          size_t classes, float *loss,
                                          float *grad);

/* KL(N(mu, exp(logvar)) || N(0, I)), summed over the `width` latent
 * dimensions and averaged over rows (nats per row). dmu and dlogvar
 * (rows x width) may be NULL. */
AAE_API aae_status aae_loss_kl_gaussian(const float *mu, const float *logvar,
                                        size_t rows, size_t width, float *loss,
                                        float *dmu, float *dlogvar);

/* ------------------------------------------------------------------ */
/* Optimizers                                                          */
/* ------------------------------------------------------------------ */

/* An optimizer bound to one network's parameters, as PyTorch's SGD / Adam.
 * The network must outlive the optimizer and must not gain layers after the
 * optimizer is created. Not thread-safe; use it from the thread that trains
 * its network. */
typedef struct aae_optimizer aae_optimizer;

typedef enum aae_optimizer_kind {
    AAE_OPTIMIZER_SGD = 1,
    AAE_OPTIMIZER_ADAM = 2
} aae_optimizer_kind;

/* Numbered settings (zstd-style: new ones are new values, never a struct
 * change). Defaults are PyTorch's; aae_optimizer_bounds gives the range. */
typedef enum aae_optimizer_param {
    AAE_OPT_LR = 1,           /* SGD default 0.01, Adam 0.001 */
    AAE_OPT_MOMENTUM = 2,     /* SGD: 0 */
    AAE_OPT_DAMPENING = 3,    /* SGD: 0 */
    AAE_OPT_NESTEROV = 4,     /* SGD: 0 or 1; needs momentum > 0, dampening 0 */
    AAE_OPT_WEIGHT_DECAY = 5, /* both: 0 (L2 added to the gradient) */
    AAE_OPT_BETA1 = 6,        /* Adam: 0.9 */
    AAE_OPT_BETA2 = 7,        /* Adam: 0.999 */
    AAE_OPT_EPS = 8           /* Adam: 1e-8 */
} aae_optimizer_param;

/* Creates an optimizer of `kind` for `net` (borrowed until the optimizer
 * is freed). */
AAE_API aae_status aae_optimizer_create(aae_optimizer **opt,
                                        aae_optimizer_kind kind, aae_net *net);

/* Frees the optimizer and its state. NULL is a no-op. */
AAE_API void aae_optimizer_free(aae_optimizer *opt);

/* Sets one setting. AAE_ERR_INVALID_ARGUMENT for a value out of bounds or a
 * setting the kind does not have. */
AAE_API aae_status aae_optimizer_set(aae_optimizer *opt,
                                     aae_optimizer_param param, double value);

/* Reads one setting. */
AAE_API aae_status aae_optimizer_get(const aae_optimizer *opt,
                                     aae_optimizer_param param, double *value);

/* The inclusive range of valid values for `param`. */
AAE_API aae_status aae_optimizer_bounds(aae_optimizer_param param, double *lo,
                                        double *hi);

/* Applies one update from the network's accumulated gradients (it does not
 * zero them: call aae_net_zero_grad, as in PyTorch). */
AAE_API aae_status aae_optimizer_step(aae_optimizer *opt);

/* Number of steps taken so far. */
AAE_API aae_status aae_optimizer_steps(const aae_optimizer *opt,
                                       uint64_t *steps);

#ifdef __cplusplus
}
#endif

#endif /* AAE_AAE_H */
