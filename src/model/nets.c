/* The model's networks by part: their file and gradient pool orders and
 * the walk over them (model.h). */
#include "model/model.h"

const aae_part aaei_file_order[AAEI_PARTS] = {AAE_PART_ENCODER, AAE_PART_DECODER, AAE_PART_CLASSIFIER,
                                              AAE_PART_Z_DISCRIMINATOR, AAE_PART_Y_DISCRIMINATOR};
const aae_part aaei_pool_order[AAEI_PARTS] = {AAE_PART_DECODER, AAE_PART_ENCODER, AAE_PART_CLASSIFIER,
                                              AAE_PART_Z_DISCRIMINATOR, AAE_PART_Y_DISCRIMINATOR};

aae_net *aaei_model_next_net(const aae_model *m, const aae_net *net, int all)
{
    int i = 0;
    if (net) {
        while (&m->nets[aaei_file_order[i]] != net) i++;
        i++;
    }
    for (; i < AAEI_PARTS; i++) {
        aae_part part = aaei_file_order[i];
        if (all || m->has[part]) return (aae_net *)&m->nets[part];
    }
    return NULL;
}
