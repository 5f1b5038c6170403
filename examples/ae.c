/* A plain autoencoder on MNIST (the AE preset: 784-1000-1000-2 ReLU,
 * sigmoid output, MSE). Writes the 2-D codes of the test set coloured by
 * digit, and the digits the decoder draws over a 20x20 grid of the code
 * plane spanned by those codes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/draw.h"
#include "common/ex.h"

enum { N_CODES = 10000, SIDE = 20 };

/* Decodes a SIDE x SIDE grid over [lo, hi] of both code axes (top row:
 * highest z1), so the picture lines up with the scatter plot. */
static int write_plane(const ex_args *a, const aae_model *model, const float lo[2], const float hi[2])
{
    float *z = malloc(SIDE * SIDE * 2 * sizeof *z), *x = malloc(SIDE * SIDE * ex_pixels(a) * sizeof *x);
    char path[EX_PATH_MAX];
    int rc = !z || !x;
    for (int r = 0; !rc && r < SIDE; r++)
        for (int c = 0; c < SIDE; c++) {
            z[(r * SIDE + c) * 2] = lo[0] + (hi[0] - lo[0]) * (float)c / (SIDE - 1);
            z[(r * SIDE + c) * 2 + 1] = hi[1] - (hi[1] - lo[1]) * (float)r / (SIDE - 1);
        }
    if (!rc)
        rc = aae_model_decode(model, z, NULL, SIDE * SIDE, x, NULL, 0) != AAE_OK ||
             draw_image_grid(ex_path(path, a, "latent_plane.png"), x, SIDE * SIDE, a->image_h, a->image_w,
                             SIDE, 0.0f, 1.0f);
    free(z);
    free(x);
    return rc;
}

static int cmp_float(const void *p, const void *q)
{
    float a = *(const float *)p, b = *(const float *)q;
    return (a > b) - (a < b);
}

/* The 1st and 99th percentile of one code axis: the plane the data uses. */
static void axis_range(const float *z, size_t n, int axis, float *lo, float *hi, float *tmp)
{
    for (size_t i = 0; i < n; i++) tmp[i] = z[2 * i + (size_t)axis];
    qsort(tmp, n, sizeof *tmp, cmp_float);
    *lo = tmp[n / 100];
    *hi = tmp[n - 1 - n / 100];
}

static int write_latent(const ex_args *a, const aae_model *model, const aae_dataset *test)
{
    float *x = malloc((size_t)N_CODES * ex_pixels(a) * sizeof *x), *z = malloc(N_CODES * 2 * sizeof *z);
    float *tmp = malloc(N_CODES * sizeof *tmp);
    int32_t *labels = malloc(N_CODES * sizeof *labels);
    char path[EX_PATH_MAX];
    int rc = !x || !z || !tmp || !labels;
    if (!rc) {
        size_t n = ex_first_rows(test, N_CODES, x, labels);
        float lo[2], hi[2];
        rc = aae_model_encode(model, x, n, z, NULL, NULL, 0) != AAE_OK ||
             draw_scatter(ex_path(path, a, "latent.png"), "AE codes of the test set", z, labels, n, 10);
        if (!rc) {
            axis_range(z, n, 0, &lo[0], &hi[0], tmp);
            axis_range(z, n, 1, &lo[1], &hi[1], tmp);
            rc = write_plane(a, model, lo, hi);
        }
    }
    free(x);
    free(z);
    free(tmp);
    free(labels);
    return rc;
}

int main(int argc, char **argv)
{
    ex_args a = ex_defaults("ae", 10);
    int p = ex_parse(argc, argv, &a, "Autoencoder with a 2-D code on MNIST (the AE preset).", NULL);
    if (p) return p == 1 ? 0 : 2;
    if (ex_setup_images(&a)) return 1;

    ex_session s = {.a = &a};
    int rc = ex_open(&s, AAE_PRESET_AE, NULL, 0) || ex_train(&s);
    if (!rc && write_latent(&a, s.model, s.eval)) {
        fprintf(stderr, "ae: writing pictures failed: %s\n", aae_last_error());
        rc = 1;
    }
    if (!rc) {
        printf("ae: %d epochs in %.0f s, test MSE %.4f (pixels in [0, 1], as in log.csv)\n", s.epochs_done, s.seconds,
               s.metrics[AAE_METRIC_MSE]);
        printf("ae: pictures in %s (latent.png, latent_plane.png, loss_curves.png), log %s/log.csv, "
               "model %s/ae.model\n", a.out, a.out, a.out);
    }
    ex_close(&s);
    return rc;
}
