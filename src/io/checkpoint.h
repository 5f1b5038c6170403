/* The checkpoint format (docs/FORMAT.md): serialize a model to bytes and
 * back, validating every field and size before use. */
#ifndef AAEI_CHECKPOINT_H
#define AAEI_CHECKPOINT_H

#include "model/model.h"

#define AAEI_FORMAT_VERSION 1u

/* Bytes of the serialized model. */
size_t aaei_checkpoint_size(const aae_model *m);
/* Writes exactly aaei_checkpoint_size(m) bytes. */
void aaei_checkpoint_write(const aae_model *m, uint8_t *buf);
/* Parses and builds a new model. */
aae_status aaei_checkpoint_read(const uint8_t *buf, size_t size, aae_model **out);

#endif
