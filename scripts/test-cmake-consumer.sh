#!/bin/sh
# find_package(aae CONFIG) against a staged `make install DESTDIR=...`:
# test/consumers/cmake (the project docs/embedding.md shows, compared here)
# is configured, built and run, and must load the staged libaae.so.0; the
# version file accepts the installed and older minor versions and refuses a
# newer minor and another major; aae::aae_mpi links and runs on two
# processes when libaae-mpi is installed.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/stage
make -s --no-print-directory install DESTDIR="$stage" PREFIX=/usr/local > /dev/null
major=$(sed -n 's/^#define AAE_VERSION_MAJOR \([0-9]*\)/\1/p' include/aae/version.h)
minor=$(sed -n 's/^#define AAE_VERSION_MINOR \([0-9]*\)/\1/p' include/aae/version.h)
patch=$(sed -n 's/^#define AAE_VERSION_PATCH \([0-9]*\)/\1/p' include/aae/version.h)
version=$major.$minor.$patch
fail() { echo "test-cmake-consumer: $*" >&2; exit 1; }

# The docs show the consumer's CMakeLists.txt as it is.
awk '/^## CMake/ {f = 1} f && /^```cmake$/ {c = 1; next} c && /^```$/ {exit} c' docs/embedding.md > "$tmp/doc.cmake"
diff -u "$tmp/doc.cmake" test/consumers/cmake/CMakeLists.txt ||
    fail "docs/embedding.md's CMake snippet differs from test/consumers/cmake/CMakeLists.txt"

# configure SRC BUILD [ARGS...]: only the stage's prefix, nothing from /usr/local.
configure() {
    src=$1 build=$2; shift 2
    cmake -S "$src" -B "$build" -DCMAKE_PREFIX_PATH="$stage/usr/local" -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_C_FLAGS="-Wall -Wextra -Wpedantic -Werror" "$@"
}
configure test/consumers/cmake "$tmp/build" > "$tmp/log" 2>&1 || { cat "$tmp/log"; fail "configure failed"; }
cmake --build "$tmp/build" > "$tmp/log" 2>&1 || { cat "$tmp/log"; fail "build failed"; }
# The build tree's RUNPATH, nothing else, leads to the staged library.
lib=$(env -u LD_LIBRARY_PATH ldd "$tmp/build/aae_consumer" | awk '$1 == "libaae.so.'"$major"'" {print $3}')
[ "$lib" = "$stage/usr/local/lib/libaae.so.$major" ] || fail "loads libaae from '$lib', not the stage"
out=$(cd "$tmp" && env -u LD_LIBRARY_PATH "$tmp/build/aae_consumer") || fail "the consumer failed"
[ "$out" = "libaae $version" ] || fail "the consumer printed '$out', not 'libaae $version'"

# expect yes|no REQUEST: whether find_package(aae REQUEST CONFIG REQUIRED) succeeds.
n=0
expect() {
    n=$((n + 1)); d=$tmp/v$n
    mkdir -p "$d"
    printf 'cmake_minimum_required(VERSION 3.13)\nproject(v NONE)\nfind_package(aae %s CONFIG REQUIRED)\n' "$2" \
        > "$d/CMakeLists.txt"
    if configure "$d" "$d/build" > "$d/log" 2>&1; then got=yes; else got=no; fi
    [ "$got" = "$1" ] || { cat "$d/log"; fail "find_package(aae $2): expected $1, got $got (installed $version)"; }
    if [ "$got" = no ]; then
        grep -q 'aae/aaeConfig.cmake, version: '"$version"'$' "$d/log" ||
            { cat "$d/log"; fail "find_package(aae $2) failed, but not on the version"; }
    fi
}
expect yes "$major.$minor"
expect yes "$version EXACT"
expect yes "$major.0"
expect yes "$major.$minor...$major.$((minor + 5))"
expect no "$major.$((minor + 1))"
expect no "$major.$minor.$((patch + 1))"
expect no "$((major + 1)).0"
[ "$major" = 0 ] || expect no "$((major - 1)).$minor"
echo "test-cmake-consumer: find_package(aae $version): $major.$minor, $major.0 and $version EXACT accepted;" \
    "$major.$((minor + 1)), $major.$minor.$((patch + 1)) and $((major + 1)).0 refused"

if [ -f "$stage/usr/local/lib/libaae-mpi.so.$version" ]; then
    configure test/consumers/cmake-mpi "$tmp/build-mpi" > "$tmp/log" 2>&1 || { cat "$tmp/log"; fail "configure (mpi) failed"; }
    cmake --build "$tmp/build-mpi" > "$tmp/log" 2>&1 || { cat "$tmp/log"; fail "build (mpi) failed"; }
    for l in libaae-mpi libaae; do
        p=$(env -u LD_LIBRARY_PATH ldd "$tmp/build-mpi/aae_mpi_consumer" | awk '$1 == "'"$l.so.$major"'" {print $3}')
        [ "$p" = "$stage/usr/local/lib/$l.so.$major" ] || fail "the MPI consumer loads $l from '$p', not the stage"
    done
    root=$([ "$(id -u)" = 0 ] && echo --allow-run-as-root || true)
    out=$(cd "$tmp" && env -u LD_LIBRARY_PATH OPENBLAS_NUM_THREADS=1 timeout 300 mpirun --oversubscribe $root \
        --mca btl_vader_single_copy_mechanism none -np 2 "$tmp/build-mpi/aae_mpi_consumer") ||
        fail "the MPI consumer failed"
    [ "$out" = "libaae-mpi $version on 2 processes" ] || fail "the MPI consumer printed '$out'"
    echo "test-cmake-consumer: aae::aae_mpi built and ran on 2 processes"
else
    # Without libaae-mpi, asking for it fails find_package.
    mkdir -p "$tmp/nompi"
    printf 'cmake_minimum_required(VERSION 3.13)\nproject(v NONE)\nfind_package(aae CONFIG REQUIRED COMPONENTS mpi)\n' \
        > "$tmp/nompi/CMakeLists.txt"
    ! configure "$tmp/nompi" "$tmp/nompi/build" > "$tmp/log" 2>&1 || fail "COMPONENTS mpi found without libaae-mpi"
    echo "test-cmake-consumer: no libaae-mpi installed: COMPONENTS mpi refused"
fi
echo "test-cmake-consumer: test/consumers/cmake (docs/embedding.md) built with find_package(aae) and ran against the stage"
