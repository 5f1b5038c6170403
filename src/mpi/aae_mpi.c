/* libaae-mpi: the trainer's data-parallel hooks over MPI, and checkpoint
 * I/O done by rank 0 for the whole group. Only MPI and libaae's public API. */
#include "aae/mpi.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct aae_mpi {
    MPI_Comm comm; /* our duplicate, errors returned instead of fatal */
    int rank, size;
};

enum { MSG = 512 };

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static aae_status fail(aae_status st, const char *fmt, ...)
{
    char msg[MSG];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap); /* a long path may be cut short */
    va_end(ap);
    return aae_set_error(st, msg);
}

static aae_status mpi_fail(int rc, const char *call)
{
    char err[MPI_MAX_ERROR_STRING] = "";
    int len = 0;
    MPI_Error_string(rc, err, &len);
    return fail(AAE_ERR_IO, "%s: %s", call, err);
}

/* MPI counts are int: larger buffers go in chunks. */
enum { CHUNK = INT_MAX / 8 };

static aae_status hook_allreduce(void *user, aae_reduce_kind kind, float *data, size_t n)
{
    (void)kind; /* every kind is a plain sum */
    aae_mpi *mpi = user;
    for (size_t i = 0; i < n; i += CHUNK) {
        int count = (int)(n - i < CHUNK ? n - i : CHUNK);
        int rc = MPI_Allreduce(MPI_IN_PLACE, data + i, count, MPI_FLOAT, MPI_SUM, mpi->comm);
        if (rc != MPI_SUCCESS) return mpi_fail(rc, "MPI_Allreduce");
    }
    return AAE_OK;
}

static aae_status bcast(aae_mpi *mpi, void *data, size_t bytes)
{
    unsigned char *p = data;
    for (size_t i = 0; i < bytes; i += CHUNK) {
        int count = (int)(bytes - i < CHUNK ? bytes - i : CHUNK);
        int rc = MPI_Bcast(p + i, count, MPI_BYTE, 0, mpi->comm);
        if (rc != MPI_SUCCESS) return mpi_fail(rc, "MPI_Bcast");
    }
    return AAE_OK;
}

static aae_status hook_broadcast(void *user, void *data, size_t bytes)
{
    return bcast(user, data, bytes);
}

/* Every MPI call but these few is erroneous outside MPI_Init..Finalize. */
static aae_status mpi_running(const char *fn)
{
    int ready = 0, done = 0;
    MPI_Initialized(&ready);
    MPI_Finalized(&done);
    if (!ready || done) return fail(AAE_ERR_STATE, "%s: MPI is not initialized (or already finalized)", fn);
    return AAE_OK;
}

AAE_API aae_status aae_mpi_create(MPI_Comm comm, aae_mpi **out)
{
    static const char fn[] = "aae_mpi_create";
    if (!out) return fail(AAE_ERR_INVALID_ARGUMENT, "%s: out is NULL", fn);
    aae_status st = mpi_running(fn);
    if (st != AAE_OK) return st;
    if (comm == MPI_COMM_NULL) return fail(AAE_ERR_INVALID_ARGUMENT, "%s: comm is MPI_COMM_NULL", fn);
    aae_mpi *mpi = calloc(1, sizeof *mpi);
    if (!mpi) return fail(AAE_ERR_NOMEM, "%s: no memory for the group", fn);
    /* An invalid comm is reported to MPI_COMM_WORLD's error handler, fatal
     * by default: have it returned for this one call instead. */
    MPI_Errhandler world;
    MPI_Comm_get_errhandler(MPI_COMM_WORLD, &world);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int rc = MPI_Comm_dup(comm, &mpi->comm);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, world);
    MPI_Errhandler_free(&world);
    if (rc != MPI_SUCCESS) {
        free(mpi);
        return mpi_fail(rc, "aae_mpi_create: MPI_Comm_dup");
    }
    MPI_Comm_set_errhandler(mpi->comm, MPI_ERRORS_RETURN);
    MPI_Comm_rank(mpi->comm, &mpi->rank);
    MPI_Comm_size(mpi->comm, &mpi->size);
    *out = mpi;
    return AAE_OK;
}

AAE_API aae_status aae_mpi_create_f(int comm, aae_mpi **out)
{
    /* MPI_Comm_f2c too needs a running MPI. */
    aae_status st = mpi_running("aae_mpi_create_f");
    if (st != AAE_OK) return st;
    /* A handle that names nothing converts to an invalid MPI_Comm, which
     * aae_mpi_create reports. */
    return aae_mpi_create(MPI_Comm_f2c((MPI_Fint)comm), out);
}

AAE_API void aae_mpi_free(aae_mpi *mpi)
{
    if (!mpi) return;
    MPI_Comm_free(&mpi->comm);
    free(mpi);
}

AAE_API int aae_mpi_rank(const aae_mpi *mpi) { return mpi ? mpi->rank : -1; }

AAE_API int aae_mpi_size(const aae_mpi *mpi) { return mpi ? mpi->size : 0; }

AAE_API aae_status aae_mpi_attach(aae_mpi *mpi, aae_trainer *trainer)
{
    if (!mpi || !trainer) return fail(AAE_ERR_INVALID_ARGUMENT, "aae_mpi_attach: mpi or trainer is NULL");
    return aae_trainer_set_parallel(trainer, (unsigned)mpi->rank, (unsigned)mpi->size,
                                    hook_allreduce, hook_broadcast, mpi);
}

/* Rank 0's outcome of an operation, with its message, on every rank. */
static aae_status share_outcome(aae_mpi *mpi, aae_status st)
{
    struct {
        int32_t status;
        char msg[MSG];
    } o = {(int32_t)st, ""};
    if (mpi->rank == 0 && st != AAE_OK) snprintf(o.msg, sizeof o.msg, "%s", aae_last_error());
    aae_status bs = bcast(mpi, &o, sizeof o);
    if (bs != AAE_OK) return bs;
    if (o.status == AAE_OK) return AAE_OK;
    o.msg[MSG - 1] = '\0';
    return aae_set_error((aae_status)o.status, o.msg);
}

AAE_API aae_status aae_mpi_save(aae_mpi *mpi, const aae_model *model, const char *path)
{
    if (!mpi) return fail(AAE_ERR_INVALID_ARGUMENT, "aae_mpi_save: mpi is NULL");
    aae_status st = AAE_OK;
    if (mpi->rank == 0) st = aae_model_save(model, path);
    return share_outcome(mpi, st);
}

/* The whole file at path (rank 0 only). */
static aae_status read_file(const char *path, unsigned char **buf, uint64_t *size)
{
    static const char fn[] = "aae_mpi_load";
    if (!path) return fail(AAE_ERR_INVALID_ARGUMENT, "%s: path is NULL", fn);
    FILE *f = fopen(path, "rb");
    if (!f) return fail(AAE_ERR_IO, "%s: cannot open %s", fn, path);
    long len = -1;
    if (fseek(f, 0, SEEK_END) == 0) len = ftell(f);
    aae_status st = AAE_OK;
    if (len < 0 || fseek(f, 0, SEEK_SET) != 0)
        st = fail(AAE_ERR_IO, "%s: cannot seek in %s", fn, path);
    else if (!(*buf = malloc(len ? (size_t)len : 1)))
        st = fail(AAE_ERR_NOMEM, "%s: no memory for the checkpoint", fn);
    else if (fread(*buf, 1, (size_t)len, f) != (size_t)len)
        st = fail(AAE_ERR_IO, "%s: cannot read %s", fn, path);
    fclose(f);
    *size = (uint64_t)len;
    return st;
}

AAE_API aae_status aae_mpi_load(aae_mpi *mpi, const char *path, aae_model **model)
{
    if (!mpi) return fail(AAE_ERR_INVALID_ARGUMENT, "aae_mpi_load: mpi is NULL");
    unsigned char *buf = NULL;
    uint64_t size = 0;
    aae_status st = AAE_OK;
    if (mpi->rank == 0) st = read_file(path, &buf, &size);
    st = share_outcome(mpi, st);
    if (st == AAE_OK) st = bcast(mpi, &size, sizeof size);
    if (st == AAE_OK && mpi->rank != 0 && !(buf = malloc(size ? (size_t)size : 1)))
        st = fail(AAE_ERR_NOMEM, "aae_mpi_load: no memory for the checkpoint");
    /* A rank without memory must not leave the others waiting. */
    int failed = st != AAE_OK, any = 0;
    if (MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, mpi->comm) != MPI_SUCCESS && st == AAE_OK)
        st = fail(AAE_ERR_IO, "aae_mpi_load: MPI_Allreduce failed");
    if (st == AAE_OK && any) st = fail(AAE_ERR_NOMEM, "aae_mpi_load: another process could not hold the checkpoint");
    if (st == AAE_OK) st = bcast(mpi, buf, (size_t)size);
    if (st == AAE_OK) st = aae_model_load_memory(model, buf, (size_t)size);
    free(buf);
    return st;
}
