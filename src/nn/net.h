/* Sequential network: layers, flat parameter/gradient/state arrays and the
 * training workspace. The public aae_net handle is this struct. */
#ifndef AAEI_NET_H
#define AAEI_NET_H

#include "aae/aae.h"
#include "nn/layer.h"

struct aae_net {
    size_t in_width, out_width, max_width;
    aaei_layer *layers;
    size_t nlayers, layer_cap;
    float *params, *grads; /* nparams each, layer order */
    size_t nparams;
    float *state;          /* BN running statistics */
    size_t nstate;
    uint64_t seed;

    /* Training workspace, sized for ws_rows rows; grows, never shrinks. */
    float *ws;
    size_t ws_rows;
    float *input;          /* copy of x for aae_net_forward */
    float **outs, **auxs;  /* per layer: output, cache */
    float *grad_a, *grad_b;/* ping-pong input gradients, rows x max_width */
    const float *x;        /* input of the last training forward */
    size_t rows;           /* rows of the last forward */
    int trained;           /* last forward was in training mode */

    /* Transactional steps (nn/txn.c), NULL until reserved: the other half
     * of the parameters' double buffer, and the running statistics as they
     * were before this step's first training forward; whether this step
     * has moved the parameters or saved the statistics. */
    float *params_spare;
    float *state_saved;
    int params_moved, state_is_saved;
    /* The largest |parameter| as the last update over all of them left it
     * (params_max_known 0: unknown, e.g. after the parameters were set). */
    float params_max;
    int params_max_known;
};

/* Initializes an empty network in caller storage (used by models that embed
 * several networks). */
aae_status aaei_net_init(aae_net *net, size_t in_width, uint64_t seed);
/* Frees what the network owns, not the struct itself. */
void aaei_net_release(aae_net *net);

/* Appends a layer; width is used by dense only; a and eps as in aaei_layer. */
aae_status aaei_net_add(aae_net *net, aaei_layer_kind kind, size_t width,
                        float a, float eps);

/* Makes the training workspace hold `rows` rows (allocates only if larger). */
aae_status aaei_net_reserve(aae_net *net, size_t rows);

/* Training or inference forward through the net's own workspace. x is
 * borrowed until the matching backward. *y points into the workspace.
 * keys give each row's global index for random draws (NULL: its index).
 * reduce: the member sums of a data-parallel step (layer.h), else NULL. */
aae_status aaei_net_forward(aae_net *net, const float *x, size_t rows,
                            int training, uint64_t step, const aaei_row_keys *keys,
                            aaei_reduce *reduce, const float **y);

/* Backward of the last training forward (with the forward's reduce):
 * accumulates parameter gradients; if dx is not NULL, *dx points to the
 * input gradient (in the workspace). */
aae_status aaei_net_backward(aae_net *net, const float *dy, aaei_reduce *reduce, const float **dx);

/* Read-only inference with caller scratch of aaei_net_infer_scratch floats. */
void aaei_net_infer(const aae_net *net, const float *x, size_t rows, float *y,
                    float *scratch);
/* Scratch floats for `rows` rows; 0 on overflow. */
size_t aaei_net_infer_scratch(const aae_net *net, size_t rows);

void aaei_net_zero_grad(aae_net *net);

/* Re-initializes every dense layer: weights N(0, std^2), biases 0. */
void aaei_net_init_normal(aae_net *net, float std);

/* 1 if a layer of net is batch norm (training then needs 2 rows or more). */
int aaei_net_has_batchnorm(const aae_net *net);

#endif
