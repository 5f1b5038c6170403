/* Writes the fuzzers' seed corpora: a small checkpoint of every preset
 * (trained one step, so optimizer state is present) and a few IDX files.
 * Run from the repository root after `make`:
 *   cc -Iinclude test/fuzz/make_corpus.c lib/libaae.a $(pkg-config --libs openblas) -lm \
 *      -o /tmp/make_corpus && /tmp/make_corpus test/fuzz/corpus */
#include <stdio.h>
#include <stdlib.h>

#include "aae/aae.h"

static void write_file(const char *dir, const char *name, const void *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : "test/fuzz/corpus";
    char dir[512];
    snprintf(dir, sizeof dir, "%s/checkpoint", root);
    for (int p = AAE_PRESET_AE; p <= AAE_PRESET_SEMI_SUPERVISED_AAE; p++) {
        aae_builder *b;
        aae_model *m;
        aae_builder_create(&b, (aae_preset)p);
        aae_builder_set(b, AAE_OPTION_INPUT_WIDTH, 6);
        aae_builder_set(b, AAE_OPTION_CLASSES, 3);
        if (p != AAE_PRESET_AE) aae_builder_set(b, AAE_OPTION_Z_WIDTH, 2);
        for (int part = 0; part < 5; part++) {
            size_t n;
            aae_builder_layer_count(b, (aae_part)part, &n);
            if (!n) continue;
            aae_builder_clear_layers(b, (aae_part)part);
            aae_builder_add_layer(b, (aae_part)part, 4, AAE_ACT_LEAKY_RELU, 0.2f, part < 2, 0.0f);
        }
        if (aae_builder_build(b, &m) != AAE_OK) {
            fprintf(stderr, "preset %d: %s\n", p, aae_last_error());
            return 1;
        }
        float x[4 * 6];
        int32_t labels[4] = {0, 1, 2, 0};
        for (int i = 0; i < 24; i++) x[i] = (float)(i % 5) / 5.0f;
        aae_model_train_step(m, x, labels, 4, x, labels, 4, 0, NULL);
        size_t need;
        aae_model_save_memory(m, NULL, 0, &need);
        void *buf = malloc(need);
        aae_model_save_memory(m, buf, need, &need);
        char name[32];
        snprintf(name, sizeof name, "preset%d.aae", p);
        write_file(dir, name, buf, need);
        free(buf);
        aae_model_free(m);
        aae_builder_free(b);
    }
    snprintf(dir, sizeof dir, "%s/idx", root);
    static const unsigned char images[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2,
                                           1, 2, 3, 4, 5, 6, 7, 8};
    static const unsigned char labels[] = {0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9};
    static const unsigned char flat[] = {0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 3, 9, 9, 9};
    static const unsigned char wrong_type[] = {0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0};
    write_file(dir, "images_2x2x2", images, sizeof images);
    write_file(dir, "labels_3", labels, sizeof labels);
    write_file(dir, "images_1x3", flat, sizeof flat);
    write_file(dir, "float_type", wrong_type, sizeof wrong_type);
    return 0;
}
