/* info: a saved model's options by name, hidden layers of each network,
 * and its parameters counted per network. */
#include <string.h>

#include "cli.h"

static const char *const part_names[] = {"encoder", "decoder", "z_discriminator", "y_discriminator",
                                         "classifier"};
static const char *const act_names[] = {"none", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"};

static void print_layers(const aae_builder *b)
{
    for (int p = 0; p < 5; p++) {
        size_t n = 0;
        if (aae_builder_layer_count(b, (aae_part)p, &n) != AAE_OK || !n) continue;
        printf("  %-16s", part_names[p]);
        for (size_t i = 0; i < n; i++) {
            size_t w = 0;
            aae_activation act = AAE_ACT_NONE;
            float slope = 0, dropout = 0;
            int bn = 0;
            aae_builder_get_layer(b, (aae_part)p, i, &w, &act, &slope, &bn, &dropout);
            printf(" %zu%s %s", w, bn ? " bn" : "", (unsigned)act < 6 ? act_names[act] : "?");
            if (dropout > 0) printf(" dropout %g", (double)dropout);
            if (i + 1 < n) printf(",");
        }
        printf("\n");
    }
}

static void print_params(const aae_model *m)
{
    size_t count = 0, per[5] = {0}, total = 0;
    aae_model_tensor_count(m, &count);
    for (size_t t = 0; t < count; t++) {
        const char *name = NULL;
        size_t r = 0, c = 0;
        if (aae_model_tensor_info(m, t, &name, &r, &c) != AAE_OK) continue;
        if (strstr(name, ".running_")) continue; /* statistics, not parameters */
        for (int p = 0; p < 5; p++) {
            size_t len = strlen(part_names[p]);
            if (!strncmp(name, part_names[p], len) && name[len] == '.') per[p] += r * c;
        }
        total += r * c;
    }
    for (int p = 0; p < 5; p++)
        if (per[p]) printf("  %-16s %zu\n", part_names[p], per[p]);
    printf("  %-16s %zu\n", "total", total);
}

int cli_info(cli *c)
{
    aae_model *m = cli_load_model(c);
    aae_builder *b = NULL;
    if (!m) return 1;
    uint64_t steps = 0;
    aae_model_steps(m, &steps);
    printf("%s: %llu training steps\noptions:\n", c->model, (unsigned long long)steps);
    for (size_t i = 0; i < ex_option_count(); i++) {
        double v = 0;
        char name[64], value[64];
        aae_option o = ex_option_at(i);
        if (aae_model_get(m, o, &v) != AAE_OK) continue;
        const char *vn = ex_value_name(o, v, value, sizeof value);
        printf("  %-19s %.9g%s%s%s\n", ex_option_name(o, name, sizeof name), v, vn ? " (" : "", vn ? vn : "",
               vn ? ")" : "");
    }
    aae_status st = aae_builder_from_model(&b, m);
    if (st == AAE_OK) {
        printf("hidden layers (width, batch norm, activation):\n");
        print_layers(b);
    }
    printf("parameters:\n");
    print_params(m);
    aae_builder_free(b);
    aae_model_free(m);
    if (st != AAE_OK) fprintf(stderr, CLI_PROG ": %s\n", aae_last_error());
    return st == AAE_OK ? 0 : 1;
}
