#!/bin/sh
# Chooses the VAE-with-classifier preset's defaults on a validation split
# (issue 20): trains the vae_classifier example under each setting on MNIST
# with 5000 training digits held out, and prints per setting the
# validation classification error after each epoch and how often the
# model's own classifier reads a generated digit as the digit asked for.
#   sh scripts/vae-classifier-sweep.sh [EPOCHS] [OUT]   (defaults 10, out/vae-sweep)
# The classifier alone (--classifier-only 1) is the baseline the preset's
# classifier must come within 10 % of.
set -eu
EPOCHS=${1:-10}
OUT=${2:-out/vae-sweep}
EX=${EX:-lib/examples/vae_classifier}
DATA=${DATA:-data/mnist}
mkdir -p "$OUT"
run() {
    name=$1; shift
    [ -f "$OUT/$name/log.csv" ] && [ "$(($(wc -l < "$OUT/$name/log.csv") - 1))" -ge "$EPOCHS" ] ||
        "$EX" --data "$DATA" --out "$OUT/$name" --epochs "$EPOCHS" --valid 5000 --resume 1 "$@" 2> "$OUT/$name.err" > /dev/null
    # valid_class_error is column 18 of log.csv
    errs=$(awk -F, 'NR > 1 { printf "%s%.2f", (NR > 2 ? " " : ""), 100 * $18 }' "$OUT/$name/log.csv")
    gen=$(grep -o 'read as asked [0-9.]*' "$OUT/$name.err" | tail -1 | awk '{print $4}')
    printf '%-22s valid error %%: %s | generated digits read as asked: %s%%\n' "$name" "$errs" "${gen:-n/a}"
}
run classifier-alone --classifier-only 1
run detach1-ce1 --detach-y 1 --w-ce 1
run detach0-ce1 --detach-y 0 --w-ce 1
run detach0-ce100 --detach-y 0 --w-ce 100
run detach1-ce100 --detach-y 1 --w-ce 100
