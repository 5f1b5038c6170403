#!/bin/sh
# Each public header compiles on its own as C99, C11, C++11 and C++17 with
# every warning an error.
set -eu
cd "$(dirname "$0")/.."
flags="-Wall -Wextra -Wpedantic -Werror -fsyntax-only -Iinclude"
# mpi.h too: without MPI's include path it declares all but aae_mpi_create.
for h in aae.h version.h mpi.h; do
    for std in c99 c11; do
        echo "#include <aae/$h>" | ${CC:-cc} -x c -std=$std $flags -
    done
    for std in c++11 c++17; do
        echo "#include <aae/$h>" | ${CXX:-c++} -x c++ -std=$std $flags -
    done
done
echo "check-header: aae.h, version.h and mpi.h (without MPI's headers) each compile alone as C99, C11, C++11 and C++17"
# libaae-mpi's header, with MPI's include path, when MPI is installed.
if mpi=$(pkg-config --cflags mpi-c 2>/dev/null); then
    echo "#include <aae/mpi.h>" | ${CC:-cc} -x c -std=c11 $flags $mpi -
    # (Open MPI's own C++ bindings warn; C++ programs use its C API.)
    echo "#include <aae/mpi.h>" | ${CXX:-c++} -x c++ -std=c++17 $flags -DOMPI_SKIP_MPICXX $mpi -
    echo "check-header: mpi.h with MPI's headers compiles alone as C11 and C++17"
fi
