/* The builder handle: options only; src/model builds the graph. */
#ifndef AAEI_BUILDER_H
#define AAEI_BUILDER_H

#include "model/options.h"

struct aae_builder {
    aaei_options opt;
};

#endif
