/* Transactional updates of networks and their optimizers: a step that
 * fails can be undone without having copied anything up front.
 *
 * Each parameter array and optimizer moment array has a spare buffer of
 * the same size. The first update of an array in a step writes out of
 * place, from the array into its spare, and swaps the two pointers; later
 * updates of it in that step go in place on the new buffer. The old buffer
 * is not written again in the step, so undoing is swapping back and
 * committing is forgetting the swap. Batch norm statistics are small: the
 * first training forward of a step copies them (net.c), undoing copies
 * them back. Step counters are saved at the start and restored.
 *
 * Moving costs memory traffic (the spare is cold: the Adam pass takes
 * about 60 % longer), so an update after which nothing can fail goes in
 * place instead, with no undo, when aaei_txn_predict_finite proves from
 * bounds that it writes only finite values (model/txn.c decides when).
 *
 * Pointers into a network's parameters must therefore be taken afresh
 * after a step (the model's named tensors resolve theirs on each use).
 * Members of a thread team share one set of parameters and moments and
 * their spares (train/team.c): each swaps its own pointers, in the same
 * order, so they stay in agreement. */
#ifndef AAEI_TXN_H
#define AAEI_TXN_H

#include "nn/net.h"
#include "nn/optim.h"

/* Allocates the spares a transactional step needs (only those missing): the
 * parameters' and statistics' of net; the moments' of o (if its updates
 * write them). On failure what was allocated stays reserved. */
aae_status aaei_net_txn_reserve(aae_net *net);
aae_status aaei_optim_txn_reserve(aaei_optim *o);

/* Start of a step: what an optimizer's undo restores. */
void aaei_optim_txn_begin(aaei_optim *o);

/* o's update of elements [lo, hi) of net's parameters from its gradients,
 * moving each array on its first update in this step (when reserved).
 * Returns 1 if a value it wrote is not finite. */
int aaei_txn_update(aaei_optim *o, aae_net *net, size_t lo, size_t hi);

/* 1 if o's next update of all of net is sure to write only finite values
 * (aaei_optim_predict_finite on the maxima the last updates left and the
 * largest gradient, found by a pass over them); 0 also when unknown. */
int aaei_txn_predict_finite(const aaei_optim *o, const aae_net *net);
/* o's update of all of net in place (nothing to undo: only after a
 * prediction said it is finite), its gradients zeroed on the way.
 * Returns 1 if a value it wrote is not. */
int aaei_txn_update_in_place(aaei_optim *o, aae_net *net);
/* Forgets the maxima (the values were written by something else). */
void aaei_net_txn_forget(aae_net *net);
void aaei_optim_txn_forget(aaei_optim *o);

/* End of a step: keep (commit != 0) or undo what it changed. */
void aaei_net_txn_end(aae_net *net, int commit);
void aaei_optim_txn_end(aaei_optim *o, int commit);

/* 1 if net's running statistics, written in this step, are not all finite. */
int aaei_net_txn_state_bad(const aae_net *net);

#endif
