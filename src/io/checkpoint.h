/* The checkpoint format (docs/FORMAT.md): serialize a model to bytes and
 * back, validating every field and size before use. */
#ifndef AAEI_CHECKPOINT_H
#define AAEI_CHECKPOINT_H

#include "model/model.h"

/* 2: adds PHAS (each phase's own optimizer and milestones). */
#define AAEI_FORMAT_VERSION 2u

/* Bytes of the serialized model. */
size_t aaei_checkpoint_size(const aae_model *m);
/* Writes exactly aaei_checkpoint_size(m) bytes. */
void aaei_checkpoint_write(const aae_model *m, uint8_t *buf);
/* Where a checkpoint is read from: size bytes at mem, or (mem NULL) the
 * regular file open as fd, read piece by piece; name is for messages. */
typedef struct aaei_ckpt_src {
    const uint8_t *mem;
    int fd;
    uint64_t size;
    const char *name;
} aaei_ckpt_src;

/* Parses and builds a new model. The frame (magic, END, CRC, version) and
 * every size are checked before the model is allocated; nothing the file
 * has not proven it holds is allocated. */
aae_status aaei_checkpoint_read_from(const aaei_ckpt_src *src, aae_model **out);
/* The same from memory. */
aae_status aaei_checkpoint_read(const uint8_t *buf, size_t size, aae_model **out);

#endif
