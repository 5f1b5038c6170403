/* Lesson 4: classify with the semi-supervised AAE, which learns from many
 * digits of which only a few keep their label.
 *
 *   04_classify [mnist-dir]      (default data/mnist)
 *
 * Trains one epoch on the first 1000 training digits with 10 labels per
 * class, then classifies the first 500 test digits and prints the error. */
#include <stdio.h>

#include <aae/aae.h>

enum { TRAIN = 1000, TEST = 500 };

static int check(aae_status st)
{
    if (st != AAE_OK) fprintf(stderr, "libaae: %s\n", aae_last_error());
    return st != AAE_OK;
}

/* The first n rows of the IDX pair <dir>/<set>-{images-idx3,labels-idx1}-ubyte. */
static int load(const char *dir, const char *set, size_t n, aae_dataset **out)
{
    char images[512], labels[512];
    snprintf(images, sizeof images, "%s/%s-images-idx3-ubyte", dir, set);
    snprintf(labels, sizeof labels, "%s/%s-labels-idx1-ubyte", dir, set);
    static size_t first[TRAIN];
    for (size_t i = 0; i < n; i++) first[i] = i;
    aae_dataset *all = NULL;
    size_t rows = 0;
    int failed = check(aae_dataset_load_idx(&all, images, labels, AAE_SCALE_UNIT)) ||
                 check(aae_dataset_shape(all, &rows, NULL, NULL)) ||
                 check(aae_dataset_subset(all, first, rows < n ? rows : n, out));
    aae_dataset_free(all);
    return failed;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "data/mnist";
    aae_builder *b = NULL;
    aae_model *model = NULL;
    aae_dataset *train = NULL, *test = NULL, *few = NULL;
    aae_trainer *t = NULL;
    static float x[TEST * 784];
    static int32_t truth[TEST], predicted[TEST];
    static size_t idx[TEST];
    size_t n = 0, width = 0;
    double error = 0;
    /* Every label but 10 per class becomes -1 (unlabelled); the trainer
     * feeds the labelled rows to the semi-supervised phase. */
    int failed = load(dir, "train", TRAIN, &train) || load(dir, "t10k", TEST, &test) ||
                 check(aae_dataset_keep_labels(train, 10, 0, &few)) ||
                 check(aae_builder_create(&b, AAE_PRESET_SEMI_SUPERVISED_AAE)) ||
                 check(aae_builder_build(b, &model)) || check(aae_trainer_create(&t)) ||
                 check(aae_trainer_set(t, AAE_TRAIN_EPOCHS, 1)) || check(aae_trainer_fit(t, model, few, few)) ||
                 check(aae_dataset_shape(test, &n, &width, NULL));
    for (size_t i = 0; i < n; i++) idx[i] = i;
    failed = failed || width != 784 || check(aae_dataset_get_rows(test, idx, n, x, truth)) ||
             check(aae_model_classify(model, x, n, predicted, NULL, NULL, 0)) ||
             check(aae_metric_classification_error(predicted, truth, n, &error));
    if (!failed) printf("test digits: %zu, classification error %.1f %%\n", n, 100.0 * error);
    aae_trainer_free(t);
    aae_model_free(model);
    aae_builder_free(b);
    aae_dataset_free(few);
    aae_dataset_free(test);
    aae_dataset_free(train);
    return failed;
}
