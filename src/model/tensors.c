/* The model's parameters and BatchNorm statistics as named tensors, named
 * like PyTorch's state_dict of an nn.Sequential per part. */
#include <stdio.h>

#include "core/alloc.h"
#include "model/model.h"

typedef struct view {
    const char *what;
    size_t rows, cols;
    float *data;
} view;

/* Tensors of one network; only counts when out is NULL. */
static size_t index_net(aae_net *net, const char *part, aaei_tensor *out)
{
    size_t n = 0;
    for (size_t i = 0; i < net->nlayers; i++) {
        const aaei_layer *L = &net->layers[i];
        view t[4];
        size_t k = 0;
        if (L->kind == AAEI_DENSE) {
            float *p = net->params + L->param_off;
            t[k++] = (view){"weight", L->out, L->in, p};
            t[k++] = (view){"bias", 1, L->out, p + L->out * L->in};
        } else if (L->kind == AAEI_BATCHNORM) {
            float *p = net->params + L->param_off, *s = net->state + L->state_off;
            t[k++] = (view){"weight", 1, L->out, p};
            t[k++] = (view){"bias", 1, L->out, p + L->out};
            t[k++] = (view){"running_mean", 1, L->out, s};
            t[k++] = (view){"running_var", 1, L->out, s + L->out};
        }
        for (size_t j = 0; j < k; j++, n++) {
            if (!out) continue;
            snprintf(out[n].name, sizeof out[n].name, "%s.%zu.%s", part, i, t[j].what);
            out[n].rows = t[j].rows;
            out[n].cols = t[j].cols;
            out[n].data = t[j].data;
        }
    }
    return n;
}

aae_status aaei_model_index_tensors(aae_model *m)
{
    aae_net *nets[5] = {&m->enc, &m->dec, m->has_cls ? &m->cls : NULL,
                        m->has_zdisc ? &m->zdisc : NULL, m->has_ydisc ? &m->ydisc : NULL};
    static const char *names[5] = {"encoder", "decoder", "classifier", "z_discriminator",
                                   "y_discriminator"};
    size_t n = 0;
    for (int i = 0; i < 5; i++)
        if (nets[i]) n += index_net(nets[i], names[i], NULL);
    m->tensors = aaei_malloc(n, sizeof *m->tensors, "tensor index");
    if (!m->tensors) return AAE_ERR_NOMEM;
    m->ntensors = 0;
    for (int i = 0; i < 5; i++)
        if (nets[i]) m->ntensors += index_net(nets[i], names[i], m->tensors + m->ntensors);
    return AAE_OK;
}
