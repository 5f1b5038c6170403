/** @file aae/mpi.h
 * libaae-mpi: data-parallel training over MPI (a companion library; link
 * with `pkg-config --libs aae-mpi`, compile with mpicc or
 * `pkg-config --cflags aae-mpi`).
 *
 * It implements the trainer's hooks (aae_trainer_set_parallel) with
 * MPI_Allreduce and MPI_Bcast on a communicator you supply, and does the
 * I/O of a run from rank 0. Every process runs the same program: opens the
 * same datasets, builds the model from the same options, attaches its
 * trainer and calls aae_trainer_fit. Each global batch is split by rank
 * (see aae_trainer_set_parallel), so N processes with batch B train the
 * model one process trains with batch B, batch norm included (it is
 * synchronized), up to floating-point summation order.
 *
 * Every function here is collective over the communicator unless noted:
 * all processes call it, in the same order. A group is used by one thread
 * at a time (the thread that trains through the attached trainer); MPI's
 * own thread level is whatever the program initialized. Errors are returned as
 * aae_status with aae_last_error() explaining them (MPI's own error string
 * included); MPI errors on the library's communicator are returned, never
 * fatal.
 *
 * EXPERIMENTAL tier: like the hooks it implements, this library is outside
 * libaae's ABI promise and may change in a minor release
 * (docs/embedding.md, "stable and experimental tiers").
 */
#ifndef AAE_MPI_H
#define AAE_MPI_H

#include "aae/aae.h"

/* MPI_Comm is MPI's own type (a pointer in Open MPI, an int in MPICH), so
 * aae_mpi_create needs <mpi.h>. Without MPI's include path (a program that
 * only names the functions, a binding generator) the header still
 * compiles and declares the rest, including aae_mpi_create_f. */
#if defined(__has_include)
#if __has_include(<mpi.h>)
#include <mpi.h>
#endif
#else
#include <mpi.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** A process's membership in a training group. */
typedef struct aae_mpi aae_mpi;

#ifdef MPI_VERSION
/** Joins the processes of `comm` (MPI must be initialized). The library
 * works on its own duplicate of comm, so its messages never meet yours.
 * *out is the caller's, freed by aae_mpi_free. AAE_ERR_INVALID_ARGUMENT
 * for MPI_COMM_NULL or a NULL out, AAE_ERR_STATE before MPI_Init or after
 * MPI_Finalize, MPI's error (returned, never fatal) for an invalid comm;
 * nothing is allocated on failure. */
AAE_API aae_status aae_mpi_create(MPI_Comm comm, aae_mpi **out);
#endif

/** aae_mpi_create with the communicator's Fortran handle (an MPI_Fint, an
 * int in every common MPI: MPI_Comm_c2f(comm) in C, comm.py2f() in
 * mpi4py), for callers that cannot name MPI_Comm: language bindings over
 * FFI, or code compiled without MPI's headers. Ownership and errors as
 * aae_mpi_create; a handle that names no communicator fails with MPI's
 * error (returned, never fatal). */
AAE_API aae_status aae_mpi_create_f(int comm, aae_mpi **out);

/** Leaves the group and frees it (collective: it frees the duplicate
 * communicator). Call before MPI_Finalize. NULL is a no-op. */
AAE_API void aae_mpi_free(aae_mpi *mpi);

/** This process's rank and the group's size (local, not collective). */
AAE_API int aae_mpi_rank(const aae_mpi *mpi);
AAE_API int aae_mpi_size(const aae_mpi *mpi);

/** Makes `trainer` one member of the group: aae_trainer_set_parallel with
 * MPI hooks (local). The group must outlive the trainer's training calls. */
AAE_API aae_status aae_mpi_attach(aae_mpi *mpi, aae_trainer *trainer);

/** Rank 0 saves the model to `path` (aae_model_save: atomic); every process
 * returns rank 0's outcome. Other ranks' models are not read: after
 * training through an attached trainer they equal rank 0's. */
AAE_API aae_status aae_mpi_save(aae_mpi *mpi, const aae_model *model,
                                const char *path);

/** Rank 0 reads the checkpoint at `path` and sends it; every process loads
 * the same model from those bytes (only rank 0 touches the file system).
 * Every process returns the same status. */
AAE_API aae_status aae_mpi_load(aae_mpi *mpi, const char *path,
                                aae_model **model);

#ifdef __cplusplus
}
#endif

#endif
