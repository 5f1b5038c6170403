/* Public checkpoint functions: memory and files. A file is replaced
 * atomically (io/atomic_file.c) and read piece by piece, never whole. */
#include <stdio.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/file.h"
#include "io/atomic_file.h"
#include "io/checkpoint.h"

AAE_API aae_status aae_model_save_memory(const aae_model *model, void *buf, size_t cap,
                                         size_t *size)
{
    AAEI_REQUIRE(model && size, "aae_model_save_memory: model or size is NULL");
    size_t need = aaei_checkpoint_size(model);
    *size = need;
    if (!buf) return AAE_OK;
    AAEI_REQUIRE(cap >= need, "aae_model_save_memory: buffer holds %zu bytes, %zu needed", cap, need);
    AAEI_TRY(aaei_model_check_values(model, AAE_ERR_INVALID_ARGUMENT, "aae_model_save_memory"));
    aaei_checkpoint_write(model, buf);
    return AAE_OK;
}

AAE_API aae_status aae_model_load_memory(aae_model **model, const void *buf, size_t size)
{
    AAEI_REQUIRE(model && buf, "aae_model_load_memory: model or buf is NULL");
    return aaei_checkpoint_read(buf, size, model);
}

AAE_API aae_status aae_model_save(const aae_model *model, const char *path)
{
    AAEI_REQUIRE(model && path && *path, "aae_model_save: model or path is NULL or empty");
    AAEI_TRY(aaei_model_check_values(model, AAE_ERR_INVALID_ARGUMENT, "aae_model_save"));
    size_t n = aaei_checkpoint_size(model);
    uint8_t *buf = aaei_malloc(n, 1, "checkpoint buffer");
    if (!buf) return AAE_ERR_NOMEM;
    aaei_checkpoint_write(model, buf);
    aae_status st = aaei_write_atomic(path, buf, n, "aae_model_save");
    aaei_free(buf);
    return st;
}

AAE_API aae_status aae_model_load(aae_model **model, const char *path)
{
    AAEI_REQUIRE(model && path, "aae_model_load: model or path is NULL");
    int fd;
    uint64_t size;
    AAEI_TRY(aaei_open_regular(path, "aae_model_load", &fd, &size));
    aaei_ckpt_src src = {NULL, fd, size, path};
    aae_status st = aaei_checkpoint_read_from(&src, model);
    close(fd);
    if (st == AAE_OK) return st;
    char where[320];
    snprintf(where, sizeof where, "aae_model_load: %s", path);
    return aaei_context(st, where);
}
