#include "io/dataset.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

aae_status aaei_dataset_adopt_bytes(aae_dataset **ds, uint8_t *bytes, int32_t *labels,
                                    size_t rows, size_t width, aae_scale scale)
{
    aae_dataset *d = aaei_calloc(1, sizeof *d, "dataset");
    if (!d) return AAE_ERR_NOMEM;
    d->rows = rows;
    d->width = width;
    d->bytes = bytes;
    d->scale = scale;
    d->labels = labels;
    d->owned_x = bytes;
    d->owned_labels = labels;
    *ds = d;
    return AAE_OK;
}

void aaei_dataset_gather(const aae_dataset *ds, const size_t *idx, size_t n, float *x,
                         int32_t *labels)
{
    size_t w = ds->width;
    /* byte / 255 or byte / 127.5 - 1, as torchvision's ToTensor/Normalize. */
    float mul = ds->scale == AAE_SCALE_SYMMETRIC ? 1.0f / 127.5f : 1.0f / 255.0f;
    float add = ds->scale == AAE_SCALE_SYMMETRIC ? -1.0f : 0.0f;
    for (size_t i = 0; i < n; i++) {
        size_t r = idx[i];
        if (x && ds->x) {
            memcpy(x + i * w, ds->x + r * w, w * sizeof *x);
        } else if (x) {
            const uint8_t *b = ds->bytes + r * w;
            for (size_t j = 0; j < w; j++) x[i * w + j] = (float)b[j] * mul + add;
        }
        if (labels) labels[i] = ds->labels ? ds->labels[r] : -1;
    }
}

aae_status aaei_dataset_copy_rows(const aae_dataset *ds, const size_t *idx, size_t n,
                                  const int32_t *new_labels, aae_dataset **out)
{
    size_t w = ds->width, elem = ds->x ? sizeof(float) : 1;
    aae_dataset *d = aaei_calloc(1, sizeof *d, "dataset");
    if (!d) return AAE_ERR_NOMEM;
    d->rows = n;
    d->width = w;
    d->scale = ds->scale;
    uint8_t *data = aaei_malloc(n, w * elem, "dataset rows");
    int32_t *lab = NULL;
    if (data && (ds->labels || new_labels)) lab = aaei_malloc(n, sizeof *lab, "dataset labels");
    if (!data || ((ds->labels || new_labels) && !lab)) {
        aaei_free(data);
        aaei_free(d);
        return AAE_ERR_NOMEM;
    }
    const uint8_t *src = ds->x ? (const uint8_t *)ds->x : ds->bytes;
    for (size_t i = 0; i < n; i++) {
        memcpy(data + i * w * elem, src + idx[i] * w * elem, w * elem);
        if (lab) lab[i] = new_labels ? new_labels[i] : ds->labels[idx[i]];
    }
    if (ds->x) d->x = (const float *)data;
    else d->bytes = data;
    d->owned_x = data;
    d->labels = d->owned_labels = lab;
    *out = d;
    return AAE_OK;
}
