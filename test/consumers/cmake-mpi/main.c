/* The CMake consumer of libaae-mpi: find_package(aae CONFIG COMPONENTS mpi)
 * gives <aae/mpi.h>, libaae-mpi, libaae and MPI. Each rank checks that the
 * library sees the whole group. */
#include <aae/mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int size = 0, ok = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    aae_mpi *mpi = NULL;
    if (aae_mpi_create(MPI_COMM_WORLD, &mpi) == AAE_OK) {
        ok = aae_mpi_size(mpi) == size;
        if (ok && aae_mpi_rank(mpi) == 0) printf("libaae-mpi %s on %d processes\n", aae_version_string(), size);
    } else {
        fprintf(stderr, "aae_mpi_create: %s\n", aae_last_error());
    }
    aae_mpi_free(mpi);
    MPI_Finalize();
    return ok ? 0 : 1;
}
