/* Losses with gradients, reductions as PyTorch's defaults. Each returns the
 * loss; grad may be NULL. Gradients are of the reduced (mean) loss. */
#ifndef AAEI_LOSS_H
#define AAEI_LOSS_H

#include <stddef.h>
#include <stdint.h>

float aaei_loss_mse(const float *p, const float *t, size_t n, float *grad);
float aaei_loss_l1(const float *p, const float *t, size_t n, float *grad);
float aaei_loss_bce(const float *p, const float *t, size_t n, float *grad);
float aaei_loss_bce_logits(const float *z, const float *t, size_t n, float *grad);
/* Labels < 0 are ignored; mean over the others. */
float aaei_loss_cross_entropy(const float *logits, const int32_t *labels,
                              size_t rows, size_t classes, float *grad);
/* Sum over width, mean over rows. */
/* The sum over rows and width of KL(N(mu, exp(logvar)) || N(0, I)), with mu
 * and logvar each `width` floats at row stride ld; with dmu and dlogvar
 * (same layout), adds scale x the gradient to them. The one KL of the
 * library: the loss below, the VAE's reconstruction phase, the ELBO. */
double aaei_kl_gaussian_rows(const float *mu, const float *logvar, size_t ld, size_t rows, size_t width,
                             float scale, float *dmu, float *dlogvar);
float aaei_loss_kl_gaussian(const float *mu, const float *logvar, size_t rows,
                            size_t width, float *dmu, float *dlogvar);

#endif
