#!/bin/sh
# The paper's semi-supervised recipe over several seeds on both sides
# (issue 20's final figure): for each seed, libaae's example and PyTorch's
# bench/torch_paper.py --paper 1 train on the same digits (the 5000 held
# out and the labelled ones libaae draws for that seed: --split libaae),
# one core each, side by side; then the two sides' test error is drawn as
# bands (mean, min..max over the seeds) with the paper's points, and the
# mean and spread at the last common epoch are printed. Resumable: run the
# same command again to continue every run from its checkpoint.
#   sh scripts/paper-seeds.sh [EPOCHS] [OUT]   (defaults 15, out/paper-seeds)
#   SEEDS="1 2 3" LABELS=100 EX=lib/examples/semi_supervised_aae DATA=data/mnist
# PyTorch needs AAE_LIBRARY (libaae.so.0 for the Python binding's split)
# when pkg-config does not find libaae.
set -eu
EPOCHS=${1:-15}
OUT=${2:-out/paper-seeds}
SEEDS=${SEEDS:-1 2 3}
LABELS=${LABELS:-100}
EX=${EX:-lib/examples/semi_supervised_aae}
PLOT=${PLOT:-$(dirname "$EX")/plot_curves}
DATA=${DATA:-data/mnist}
PYTHON=${PYTHON:-python3}
case $LABELS in # the paper's points: its curve for 100 labels, its final figures (5000 epochs) else
    100) POINTS=1:16.5,50:3.40,500:2.21,5000:1.80 ;;
    1000) POINTS=5000:1.60 ;;
    0) POINTS=5000:0.85 ;;
    *) POINTS= ;;
esac
mkdir -p "$OUT"
export OPENBLAS_NUM_THREADS=1
libaae= torch=
for s in $SEEDS; do
    a=$OUT/libaae-seed$s t=$OUT/torch-seed$s
    "$EX" --labels "$LABELS" --valid 5000 --seed "$s" --epochs "$EPOCHS" --threads 1 --resume 1 --data "$DATA" \
        --out "$a" > "$a.out" 2>&1 &
    "$PYTHON" bench/torch_paper.py --recipe semi --labels "$LABELS" --valid 5000 --paper 1 --split libaae \
        --seed "$s" --epochs "$EPOCHS" --mnist "$DATA" --out "$t" > "$t.out" 2>&1 ||
        { echo "paper-seeds: PyTorch, seed $s failed: see $t.out" >&2; wait; exit 1; }
    wait $! || { echo "paper-seeds: libaae, seed $s failed: see $a.out" >&2; exit 1; }
    libaae=${libaae:+$libaae,}$a/log.csv torch=${torch:+$torch,}$t/log.csv
done
"$PLOT" --out "$OUT/seeds.png" --title "$LABELS labels, the paper's recipe, seeds $SEEDS" --log-x 1 --log-y 1 \
    --y-scale 100 --y-label "test error (%)" --band "libaae=$libaae:test_class_error" \
    --band "PyTorch=$torch:test_class_error" ${POINTS:+--points "paper=$POINTS"}
