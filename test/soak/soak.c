/* `make soak`: trains an AAE and checkpoints it in a loop for SOAK_MINUTES,
 * reloading every checkpoint and training on from the loaded model, while
 * sampling the resident set size. Fails if a checkpoint does not load or
 * memory grows beyond noise (10 % + 4 MiB over the size after warm-up).
 *
 *   soak MINUTES DIR */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "aae/aae.h"

static double rss_mib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        fclose(f);
    }
    return (double)resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define TRY(call)                                                                            \
    do {                                                                                     \
        aae_status st_ = (call);                                                             \
        if (st_ != AAE_OK) {                                                                 \
            fprintf(stderr, "soak: %s: %s (%s)\n", #call, aae_last_error(), aae_status_name(st_)); \
            return 1;                                                                        \
        }                                                                                    \
    } while (0)

int main(int argc, char **argv)
{
    double minutes = argc > 1 ? atof(argv[1]) : 1.0;
    const char *dir = argc > 2 ? argv[2] : "/tmp";
    char path[1024];
    snprintf(path, sizeof path, "%s/soak.aae", dir);
    enum { ROWS = 64, WIDTH = 784 };
    static float x[ROWS * WIDTH];
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) x[i] = (float)((i * 2654435761u) % 1000) / 500.0f - 1.0f;
    aae_builder *b;
    aae_model *m;
    TRY(aae_builder_create(&b, AAE_PRESET_AAE));
    TRY(aae_builder_build(b, &m));
    aae_builder_free(b);
    double t0 = now(), start_rss = 0, peak = 0, last = 0;
    unsigned long rounds = 0, steps = 0;
    while (now() - t0 < minutes * 60.0) {
        for (int i = 0; i < 20; i++) TRY(aae_model_train_step(m, x, NULL, ROWS, NULL, NULL, 0, steps++, NULL));
        TRY(aae_model_save(m, path));
        aae_model *loaded;
        TRY(aae_model_load(&loaded, path)); /* every checkpoint must load ... */
        aae_model_free(m);
        m = loaded; /* ... and training goes on from it */
        rounds++;
        last = rss_mib();
        if (rounds == 5) start_rss = last; /* after warm-up */
        if (last > peak) peak = last;
    }
    aae_model_free(m);
    unlink(path);
    printf("soak: %.1f min, %lu checkpoints saved and reloaded, %lu steps; RSS %.1f MiB after warm-up, "
           "%.1f MiB at the end, peak %.1f MiB\n", minutes, rounds, steps, start_rss, last, peak);
    if (rounds < 5 || last > start_rss * 1.1 + 4.0) {
        fprintf(stderr, "soak: memory grew (or too few rounds to tell)\n");
        return 1;
    }
    return 0;
}
