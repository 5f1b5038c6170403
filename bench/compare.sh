#!/bin/sh
# `make bench`: libaae (bench/bench.c) and PyTorch (bench/torch_bench.py,
# skipped with a reason when python3-torch is absent) in one run, with the
# same thread count, printed side by side with ratios and written as JSON.
#   BENCH=path/to/bench  THREADS=1  WINDOWS=9  MNIST_DIR=data/mnist  OUT=bench/results.json
#   EPOCH=1 (or semi, cluster): also time one real MNIST epoch of the
#   paper's recipes on each side (minutes: see README, Speed)
set -eu
cd "$(dirname "$0")/.."
: "${BENCH:?path to the bench binary}" "${THREADS:=1}" "${WINDOWS:=9}" "${MNIST_DIR:=data/mnist}"
: "${OUT:=bench/results.json}" "${PYTHON:=python3}" "${EPOCH:=}"
case "$EPOCH" in
"" | 0) epochs= ;;
1) epochs="semi cluster" ;;
semi | cluster) epochs=$EPOCH ;;
*) echo "bench: EPOCH=$EPOCH: 1, semi or cluster" >&2; exit 2 ;;
esac
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

"$BENCH" --threads "$THREADS" --windows "$WINDOWS" | sed 's/^/libaae./; s/^libaae\.libaae\./libaae./' > "$tmp"
[ -f "$MNIST_DIR/train-images-idx3-ubyte" ] && "$BENCH" --threads "$THREADS" --rss "$MNIST_DIR" | sed 's/^/libaae./' >> "$tmp"
# Scaling: the training and encoding rows again with twice the threads
# (libaae only; the paper's recipes on both sides, below): data-parallel
# training threads (AAE_TRAIN_THREADS) ...
t2=$((THREADS * 2))
rows='$1 ~ /(train|encode)_b[0-9]+$|epoch_projected_s$/'
"$BENCH" --threads "$t2" --windows "$WINDOWS" | awk -v t="$t2" "$rows"' {print "libaae." $1 "." t "threads", $2}' >> "$tmp"
# ... and for the paper's recipes, whose 1000- and 3000-unit products may
# rather want them, BLAS threads under THREADS training threads.
for a in semi cluster; do
    "$BENCH" --arch "$a" --threads "$THREADS" --blas-threads "$t2" --windows "$WINDOWS" |
        awk -v t="$t2" "$rows"' {print "libaae." $1 "." t "blasthreads", $2}' >> "$tmp"
done
# One real MNIST epoch of the paper's recipes (EPOCH=1).
for a in $epochs; do
    "$BENCH" --arch "$a" --threads "$THREADS" --epoch "$MNIST_DIR" | sed 's/^/libaae./' >> "$tmp"
done
# PyTorch's BLAS gets the same thread count as libaae's (left alone, OpenBLAS
# inside torch would use every core while torch itself uses THREADS).
export OPENBLAS_NUM_THREADS="$THREADS" OMP_NUM_THREADS="$THREADS"
if "$PYTHON" -c 'import torch' 2>/dev/null; then
    "$PYTHON" bench/torch_bench.py --threads "$THREADS" --windows "$WINDOWS" >> "$tmp"
    [ -f "$MNIST_DIR/train-images-idx3-ubyte" ] && "$PYTHON" bench/torch_bench.py --threads "$THREADS" --rss "$MNIST_DIR" >> "$tmp"
    [ -n "$epochs" ] && "$PYTHON" bench/torch_bench.py --threads "$THREADS" --arch "$(echo $epochs | tr ' ' ,)" \
        --epoch "$MNIST_DIR" >> "$tmp"
    # The paper's recipes on twice the threads, for libaae's rows on them.
    # OpenMP threads that spin while waiting lose whole scheduler slices on
    # a busy machine (PyTorch ran ten times slower on 2 threads than on 1
    # on a shared 2-core one); passive ones sleep, as libaae's training
    # threads do after a brief spin. Set OMP_WAIT_POLICY to override.
    OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" \
    OPENBLAS_NUM_THREADS="$t2" OMP_NUM_THREADS="$t2" "$PYTHON" bench/torch_bench.py --threads "$t2" \
        --windows "$WINDOWS" --arch semi,cluster | awk -v t="$t2" "$rows"' {print $1 "." t "threads", $2}' >> "$tmp"
else
    echo "bench: PyTorch side skipped: $PYTHON cannot import torch (Debian python3-torch)" >&2
fi

awk -v out="$OUT" '
function num(v) { return v ~ /^-?[0-9.]+$/ }
{ v[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; order[n++] = $1 } }
END {
    # The metric column: 34 wide, or as wide as the longest key.
    w = 34
    for (i = 0; i < n; i++) if (order[i] ~ /^libaae\./ && length(order[i]) - 7 > w) w = length(order[i]) - 7
    printf "libaae %s on %s, %s thread(s); PyTorch %s, %s thread(s)\n", v["libaae.version"], v["libaae.blas"],
        v["libaae.threads"], ("torch.version" in v) ? v["torch.version"] : "(skipped)", v["torch.threads"]
    printf "%-" w "s %12s %12s %8s\n", "metric (samples/s unless noted)", "libaae", "PyTorch", "ratio"
    json = "{"
    for (i = 0; i < n; i++) {
        k = order[i]
        if (k !~ /^libaae\./ || k ~ /\.(version|blas|threads)$/ || !num(v[k])) continue
        key = substr(k, 8); t = "torch." key
        # libaae on N training (or BLAS) threads against PyTorch on N threads
        # where it ran on them (the paper'"'"'s recipes), else as run (its best
        # for the small shapes: 1 thread).
        if (key ~ /\.[0-9]+(blas)?threads$/) {
            t = "torch." key; sub(/\.[0-9]+(blas)?threads$/, "", t)
            tn = "torch." key; sub(/blasthreads$/, "threads", tn)
            if (tn in v) t = tn
        }
        # A floor row: the share of the floor each side reaches, and the
        # floor over PyTorch (the most any library on these kernels and this
        # memory could beat PyTorch by).
        if (key ~ /_floor$/) {
            if (v[k] <= 0) continue   # not measured (out of memory)
            base = key; sub(/\.[a-z]+_floor$/, "", base); floor_of = key; sub(/^.*\./, "", floor_of)
            lf = v["libaae." base] / v[k]; tb = "torch." base
            printf "%-" w "s %12.2f %12s %8s\n", base " / " floor_of, lf, (tb in v) ? sprintf("%.2f", v[tb] / v[k]) : "-",
                (tb in v) ? sprintf("<=%.2fx", v[k] / v[tb]) : "-"
            json = json sprintf(", \"%s\": {\"libaae\": %s}", key, v[k])
            continue
        }
        ratio = ""
        if ((t in v) && v[t] > 0) {
            ratio = v[k] / v[t]
            if (key ~ /rss|_s(\.|$)/) ratio = v[t] / v[k]   # smaller is better: PyTorch / libaae
        }
        printf "%-" w "s %12s %12s %8s\n", key, v[k], (t in v) ? v[t] : "-", ratio == "" ? "-" : sprintf("%.2fx", ratio)
        json = json sprintf("%s\"%s\": {\"libaae\": %s%s}", (json == "{") ? "" : ", ", key, v[k],
                            (t in v) ? sprintf(", \"pytorch\": %s", v[t]) : "")
    }
    printf "%s, \"blas\": \"%s\", \"threads\": %s}\n", json, v["libaae.blas"], v["libaae.threads"] > out
    printf "(rss, *_s (seconds) ratio: PyTorch / libaae; *.Nthreads rows: libaae on N training threads,\n"
    printf " *.Nblasthreads: on %s training thread(s) with N BLAS threads, against PyTorch on N threads for\n", v["libaae.threads"]
    printf " semi and cluster (the paper'"'"'s recipes, batch 100), else as run above; epoch_projected_s: an MNIST\n"
    printf " epoch'"'"'s steps at the measured rate, epoch_measured_s: one timed (EPOCH=1);\n"
    printf " X / sgemm_floor: share of the rate of X'"'"'s GEMMs timed alone that each side reaches, read_floor: of\n"
    printf " reading the weights once; ratio <=Nx: the floor over PyTorch, the most it can be beaten by; written to %s)\n", out
}' "$tmp"
