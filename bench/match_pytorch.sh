#!/bin/sh
# `make match-pytorch`: the same model trained by libaae (its example
# programs) and by PyTorch (bench/torch_train.py) for the same epochs, batch
# size, optimizer and seeds; test metrics side by side, mean and spread over
# the seeds, and whether libaae is within 3 % of PyTorch (or better).
#   EPOCHS=5  SEEDS="0 1 2"  ARCHS="aae ae vaecls vaecls-grad"
#   EXDIR=lib/examples  MNIST_DIR=data/mnist  OUT=bench/match.json  PYTHON=python3
# vaecls: the decoder's y detached from the classifier (the example's
# default); vaecls-grad: not detached (the DESIGN's reference figures).
# libaae and PyTorch of one seed run at once, one thread each.
set -eu
cd "$(dirname "$0")/.."
: "${EPOCHS:=5}" "${SEEDS:=0 1 2}" "${ARCHS:=aae ae vaecls vaecls-grad}" "${EXDIR:=lib/examples}"
: "${MNIST_DIR:=data/mnist}" "${OUT:=bench/match.json}" "${PYTHON:=python3}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -c 'import torch' 2>/dev/null || { echo "match-pytorch: $PYTHON cannot import torch (Debian python3-torch)" >&2; exit 1; }

# The last row of an example's log.csv as "key value" lines (the examples
# log reconstruction errors on pixels in [0, 1], as torch_train.py).
last_row() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) name[i] = $i; next } { for (i = 1; i <= NF; i++) v[i] = $i }
        END { for (i = 1; i <= NF; i++) {
                  if (v[i] ~ /nan/) continue
                  x = v[i]
                  if (name[i] ~ /^test_/) print name[i], x
                  if (name[i] == "seconds") print "seconds", x } }' "$1"
}

for arch in $ARCHS; do
    case $arch in
    aae) prog=aae; extra=""; tarch=aae; targs="" ;;
    ae) prog=ae; extra=""; tarch=ae; targs="" ;;
    vaecls) prog=vae_classifier; extra="--detach-y 1"; tarch=vaecls; targs="--detach-y 1" ;;
    vaecls-grad) prog=vae_classifier; extra="--detach-y 0"; tarch=vaecls; targs="--detach-y 0" ;;
    *) echo "match-pytorch: unknown architecture $arch" >&2; exit 2 ;;
    esac
    for seed in $SEEDS; do
        echo "match-pytorch: $arch seed $seed ($EPOCHS epochs each side)" >&2
        OPENBLAS_NUM_THREADS=1 "$EXDIR/$prog" --epochs "$EPOCHS" --seed "$seed" --data "$MNIST_DIR" \
            --out "$tmp/$arch-$seed" $extra > "$tmp/$arch-$seed.log" 2>&1 &
        OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$PYTHON" bench/torch_train.py --arch "$tarch" --seed "$seed" \
            --epochs "$EPOCHS" --mnist "$MNIST_DIR" $targs > "$tmp/$arch-$seed.torch"
        wait $! || { cat "$tmp/$arch-$seed.log" >&2; exit 1; }
        last_row "$tmp/$arch-$seed/log.csv" | sed "s/^/$arch libaae $seed /" >> "$tmp/all"
        sed "s/^/$arch pytorch $seed /" "$tmp/$arch-$seed.torch" >> "$tmp/all"
    done
done

# Mean and spread (min-max over seeds) per architecture, side and metric.
awk -v out="$OUT" -v epochs="$EPOCHS" '
{ k = $1 SUBSEP $4; s = $2; n[k, s]++; sum[k, s] += $5
  if (!((k, s) in lo) || $5 < lo[k, s]) lo[k, s] = $5
  if (!((k, s) in hi) || $5 > hi[k, s]) hi[k, s] = $5
  if (!(k in seen)) { seen[k] = 1; order[m++] = k } }
END {
    printf "%-12s %-17s %-26s %-26s %s\n", "model", "metric", "libaae mean [min, max]", "PyTorch mean [min, max]", "within 3 %"
    json = "{\"epochs\": " epochs
    for (i = 0; i < m; i++) {
        k = order[i]; split(k, p, SUBSEP)
        if (!((k, "libaae") in n) || !((k, "pytorch") in n)) continue
        a = sum[k, "libaae"] / n[k, "libaae"]; b = sum[k, "pytorch"] / n[k, "pytorch"]
        if (p[2] == "seconds") ok = "-"
        else if (p[2] == "test_elbo") ok = (a >= b - 0.03 * (b < 0 ? -b : b)) ? "yes" : "no"
        else ok = (a <= 1.03 * b) ? "yes" : "no"
        printf "%-12s %-17s %-26s %-26s %s\n", p[1], p[2],
            sprintf("%.4g [%.4g, %.4g]", a, lo[k, "libaae"], hi[k, "libaae"]),
            sprintf("%.4g [%.4g, %.4g]", b, lo[k, "pytorch"], hi[k, "pytorch"]), ok
        json = json sprintf(", \"%s.%s\": {\"libaae\": %.6g, \"pytorch\": %.6g, \"seeds\": %d}", p[1], p[2], a, b, n[k, "libaae"])
    }
    print json "}" > out
    printf "(errors: lower is better; ELBO: higher is better; written to %s)\n", out
}' "$tmp/all"
