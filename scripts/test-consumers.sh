#!/bin/sh
# Builds the programs in test/consumers out of tree against a staged
# `make install DESTDIR=...`, with nothing but what pkg-config says
# (PKG_CONFIG_SYSROOT_DIR maps the installed paths into the stage): C11 and
# C++17 against the shared library, and C against the static one.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/stage
make -s --no-print-directory install DESTDIR="$stage" PREFIX=/usr/local > /dev/null
export PKG_CONFIG_PATH="$stage/usr/local/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
export LD_LIBRARY_PATH="$stage/usr/local/lib"
flags="-Wall -Wextra -Wpedantic -Werror"

${CC:-cc} -std=c11 $flags test/consumers/consumer.c $(pkg-config --cflags --libs aae) -o "$tmp/c"
mkdir -p "$tmp/run/out/aae"
"$tmp/c" "$tmp/run/out/aae/aae.model"
${CXX:-c++} -std=c++17 $flags test/consumers/consumer.cpp $(pkg-config --cflags --libs aae) -o "$tmp/cpp"
"$tmp/cpp"

# The feature-extraction snippet of docs/embedding.md, on the model above.
awk '/^## Feature extraction/ {f = 1} f && /^```c$/ {c = 1; next} c && /^```$/ {exit} c' docs/embedding.md \
    > "$tmp/snippet.c"
${CC:-cc} -std=c11 $flags "$tmp/snippet.c" $(pkg-config --cflags --libs aae) -o "$tmp/snippet"
(cd "$tmp/run" && "$tmp/snippet")
echo "consumer (docs/embedding.md snippet): ran"

# The MPI snippet of docs/parallel.md against the staged libaae-mpi, with
# only `pkg-config aae-mpi` (it brings MPI's flags), on two processes. A
# sysroot would also move MPI's paths: the staged .pc files get the stage
# written into them instead.
if [ -f "$stage/usr/local/lib/pkgconfig/aae-mpi.pc" ]; then
    mkdir -p "$tmp/pc"
    for pc in aae aae-mpi; do
        sed "s|=/usr/local|=$stage/usr/local|" "$stage/usr/local/lib/pkgconfig/$pc.pc" > "$tmp/pc/$pc.pc"
    done
    awk '/^## Example/ {f = 1} f && /^```c$/ {c = 1; next} c && /^```$/ {exit} c' docs/parallel.md \
        > "$tmp/mpi_snippet.c"
    ${CC:-cc} -std=c11 $flags "$tmp/mpi_snippet.c" \
        $(PKG_CONFIG_SYSROOT_DIR= PKG_CONFIG_PATH="$tmp/pc" pkg-config --cflags --libs aae-mpi) -o "$tmp/mpi_snippet"
    # 256 random 28x28 images in IDX form.
    printf '\000\000\010\003\000\000\001\000\000\000\000\034\000\000\000\034' > "$tmp/images.idx"
    head -c $((256 * 784)) /dev/urandom >> "$tmp/images.idx"
    root=$([ "$(id -u)" = 0 ] && echo --allow-run-as-root || true)
    (cd "$tmp/run" && OPENBLAS_NUM_THREADS=1 timeout 300 mpirun --oversubscribe $root \
        --mca btl_vader_single_copy_mechanism none -np 2 "$tmp/mpi_snippet" "$tmp/images.idx")
    test -s "$tmp/run/aae.model"
    echo "consumer (docs/parallel.md MPI snippet, pkg-config aae-mpi): ran on 2 processes"
fi

# Static: the same flags with --static, asking the linker for the archive.
libs=$(pkg-config --static --libs aae | sed 's/-laae\b/-l:libaae.a/')
${CC:-cc} -std=c11 $flags test/consumers/consumer.c $(pkg-config --cflags aae) $libs -o "$tmp/c-static"
if ldd "$tmp/c-static" | grep -q libaae; then
    echo "test-consumers: the static build still loads libaae.so" >&2
    exit 1
fi
LD_LIBRARY_PATH= "$tmp/c-static" | sed 's/(C)/(C, static)/'
echo "test-consumers: C, C++17, static C and the docs snippet built with pkg-config only"
