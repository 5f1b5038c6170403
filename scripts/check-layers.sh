#!/bin/sh
# Fails when an object of the library uses a symbol defined in a higher
# layer (core < nn < model < io < api < train, docs/design.md), or when two
# objects use each other. Usage: check-layers.sh OBJDIR (e.g.
# lib/obj/openblas-plain; its src/<layer>/*.o are read with nm).
set -eu
objdir=$1
nm -A "$objdir"/src/*/*.o | awk '
BEGIN {
    n = split("core nn model io api train", order, " ")
    for (i = 1; i <= n; i++) rank[order[i]] = i
}
{
    file = $1; sub(/:.*/, "", file); sub(/.*\/src\//, "", file); sub(/\.o$/, "", file)
    if ($(NF - 1) == "U") { used[file, $NF] = 1; users[file] = 1; next }
    if ($(NF - 1) ~ /^[TDBRC]$/) def[$NF] = file
}
END {
    bad = 0
    for (key in used) {
        split(key, p, SUBSEP); f = p[1]; s = p[2]
        if (!(s in def) || def[s] == f) continue
        g = def[s]; lf = f; sub(/\/.*/, "", lf); lg = g; sub(/\/.*/, "", lg)
        dep[f, g] = 1
        if (rank[lg] > rank[lf]) { printf "check-layers: %s (%s) uses %s from %s (%s, a higher layer)\n", f, lf, s, g, lg; bad = 1 }
    }
    for (key in dep) {
        split(key, p, SUBSEP)
        if (p[1] < p[2] && ((p[2], p[1]) in dep)) {
            printf "check-layers: %s and %s use each other\n", p[1], p[2]; bad = 1
        }
    }
    if (!bad) printf "check-layers: core < nn < model < io < api < train holds, no file cycles\n"
    exit bad
}'
