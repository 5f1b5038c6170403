#!/bin/sh
# Runs examples/mpi_train under mpirun on a synthetic MNIST-shaped set (256
# training and 64 test images of random bytes): two epochs on 2 processes,
# then one more resumed from rank 0's checkpoint. Usage: MPIRUN="mpirun ..."
# test-mpi-example.sh lib/examples/mpi_train
set -eu
prog=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
idx() { # file rows: IDX images (28x28) or labels, random content
    if [ "$3" = images ]; then
        printf '\000\000\010\003' > "$1"
        printf "$(printf '\\%03o\\%03o\\%03o\\%03o' 0 0 $(($2 / 256)) $(($2 % 256)))" >> "$1"
        printf '\000\000\000\034\000\000\000\034' >> "$1"
        head -c $(($2 * 784)) /dev/urandom >> "$1"
    else
        printf '\000\000\010\001' > "$1"
        printf "$(printf '\\%03o\\%03o\\%03o\\%03o' 0 0 $(($2 / 256)) $(($2 % 256)))" >> "$1"
        head -c "$2" /dev/zero | tr '\000' '\003' >> "$1"
    fi
}
mkdir -p "$tmp/data"
idx "$tmp/data/train-images-idx3-ubyte" 256 images
idx "$tmp/data/train-labels-idx1-ubyte" 256 labels
idx "$tmp/data/t10k-images-idx3-ubyte" 64 images
idx "$tmp/data/t10k-labels-idx1-ubyte" 64 labels
run() { OPENBLAS_NUM_THREADS=1 timeout 300 $MPIRUN -np 2 "$prog" --data "$tmp/data" --out "$tmp/out" "$@"; }
run --epochs 2 > "$tmp/log1"
grep -q "^mpi_train: 2 processes, global batch 64 (32 rows per process)" "$tmp/log1"
test "$(grep -c '^epoch [12]: ' "$tmp/log1")" = 2
test -s "$tmp/out/mpi_train.model"
run --epochs 3 --resume 1 > "$tmp/log2"
# The loaded model continues its own count: one more epoch, its third.
grep -q "^epoch 3: " "$tmp/log2"
test "$(grep -c '^epoch ' "$tmp/log2")" = 1
echo "test-mpi-example: mpi_train trained 2 epochs on 2 processes and resumed a third from rank 0's checkpoint"
