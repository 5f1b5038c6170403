/* Lesson 3: generate a chosen digit with the supervised AAE, whose decoder
 * reads [z, one-hot label]: the label picks the digit, z the style.
 *
 *   03_generate_digit [mnist-dir] [digit]     (default data/mnist 7)
 *
 * Trains five epochs on the first 2000 training digits (about ten seconds), then
 * prints one sample of the digit as text. */
#include <stdio.h>
#include <stdlib.h>

#include <aae/aae.h>

enum { SIDE = 28, ROWS = 2000 };

static int check(aae_status st)
{
    if (st != AAE_OK) fprintf(stderr, "libaae: %s\n", aae_last_error());
    return st != AAE_OK;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "data/mnist";
    int digit = argc > 2 ? atoi(argv[2]) : 7;
    char images[512], labels[512];
    snprintf(images, sizeof images, "%s/train-images-idx3-ubyte", dir);
    snprintf(labels, sizeof labels, "%s/train-labels-idx1-ubyte", dir);
    aae_builder *b = NULL;
    aae_model *model = NULL;
    aae_dataset *all = NULL, *train = NULL;
    aae_trainer *t = NULL;
    static size_t first[ROWS];
    size_t rows = 0;
    for (size_t i = 0; i < ROWS; i++) first[i] = i;
    /* The supervised preset's decoder is tanh: pixels scaled to [-1, 1]. */
    int failed = check(aae_dataset_load_idx(&all, images, labels, AAE_SCALE_SYMMETRIC)) ||
                 check(aae_dataset_shape(all, &rows, NULL, NULL)) ||
                 check(aae_dataset_subset(all, first, rows < ROWS ? rows : ROWS, &train)) ||
                 check(aae_builder_create(&b, AAE_PRESET_SUPERVISED_AAE)) ||
                 check(aae_builder_build(b, &model)) || check(aae_trainer_create(&t)) ||
                 check(aae_trainer_set(t, AAE_TRAIN_EPOCHS, 5)) || check(aae_trainer_fit(t, model, train, NULL));
    double classes = 0;
    aae_model_get(model, AAE_OPTION_CLASSES, &classes);
    if (!failed && (digit < 0 || digit >= (int)classes)) {
        fprintf(stderr, "the digit must be 0 to %d\n", (int)classes - 1);
        failed = 1;
    }
    float x[SIDE * SIDE];
    int32_t label = digit;
    failed = failed || check(aae_model_generate(model, 1, 42, &label, x, NULL, 0));
    for (int r = 0; !failed && r < SIDE; r++) {
        for (int c = 0; c < SIDE; c++) putchar(" .:*#"[(int)((x[r * SIDE + c] + 1.0f) * 2.49f)]);
        putchar('\n');
    }
    aae_trainer_free(t);
    aae_model_free(model);
    aae_builder_free(b);
    aae_dataset_free(train);
    aae_dataset_free(all);
    return failed;
}
