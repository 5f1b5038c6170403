/* Lesson 1: train a VAE on a float array in memory and save it.
 *
 *   01_train_vae [model-file]      (default vae.model)
 *
 * The data: 512 rows of 16 values in [0, 1] (a VAE's sigmoid output and
 * BCE loss want that range), two kinds of row the 2-D code can tell apart. */
#include <stdio.h>
#include <stdlib.h>

#include <aae/aae.h>

enum { ROWS = 512, WIDTH = 16 };

static int on_epoch(void *user, uint64_t epoch, const float *losses, const double *metrics, double rate)
{
    (void)user, (void)metrics, (void)rate;
    printf("epoch %d: reconstruction %.3f, KL %.3f\n", (int)epoch + 1, losses[AAE_SLOT_REC],
           losses[AAE_SLOT_KL]);
    return 0; /* non-zero would stop training */
}

static int check(aae_status st)
{
    if (st != AAE_OK) fprintf(stderr, "libaae: %s\n", aae_last_error());
    return st != AAE_OK;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "vae.model";
    static float x[ROWS * WIDTH];
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < WIDTH; j++) /* odd rows bright on the left, even on the right */
            x[i * WIDTH + j] = ((j < WIDTH / 2) == (i % 2)) ? 0.9f : 0.1f * (float)(j % 3);

    aae_builder *b = NULL;
    aae_model *model = NULL;
    aae_dataset *data = NULL;
    aae_trainer *t = NULL;
    int failed = check(aae_builder_create(&b, AAE_PRESET_VAE)) ||
                 check(aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, WIDTH)) ||
                 check(aae_builder_set(b, AAE_OPTION_Z_WIDTH, 2));
    /* Small hidden layers for small data: one of 32 units in each network. */
    for (int p = 0; !failed && p < 2; p++) {
        aae_part part = p ? AAE_PART_DECODER : AAE_PART_ENCODER;
        failed = check(aae_builder_clear_layers(b, part)) ||
                 check(aae_builder_add_layer(b, part, 32, AAE_ACT_RELU, 0.0f, 0, 0.0f));
    }
    failed = failed || check(aae_builder_build(b, &model)) ||
             check(aae_dataset_from_memory(&data, x, NULL, ROWS, WIDTH, AAE_BORROW)) ||
             check(aae_trainer_create(&t)) || check(aae_trainer_set(t, AAE_TRAIN_EPOCHS, 5)) ||
             check(aae_trainer_set_callbacks(t, NULL, on_epoch, NULL)) ||
             check(aae_trainer_fit(t, model, data, NULL)) || check(aae_model_save(model, path));
    if (!failed) printf("saved %s\n", path);
    aae_trainer_free(t);
    aae_dataset_free(data); /* before x goes: the dataset borrowed it */
    aae_model_free(model);
    aae_builder_free(b);
    return failed;
}
