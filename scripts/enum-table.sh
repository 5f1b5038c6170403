#!/bin/sh
# Writes the enumerators of every `typedef enum aae_x { ... } aae_x;` block
# of a header as C initializers, in header order:
#     {"aae_x", "AAE_MEMBER", (int)AAE_MEMBER},
# Values come from the compiler (the output is compiled against the header);
# only the names come from here. Sentinels ending in _COUNT are left out.
# Fails, writing nothing, on a block it cannot parse.
# Usage: enum-table.sh include/aae/aae.h > enum_table.inc
set -eu
[ $# -eq 1 ] || { echo "usage: enum-table.sh HEADER" >&2; exit 2; }
awk -v file="$1" '
function fail(msg) { printf "enum-table.sh: %s: %s\n", file, msg > "/dev/stderr"; failed = 1; exit 1 }
{ text = text $0 "\n" }
END {
    if (failed) exit 1
    # Strip /* */ comments, multi-line ones included.
    out = ""
    while ((i = index(text, "/*")) > 0) {
        out = out substr(text, 1, i - 1) " "
        rest = substr(text, i + 2)
        j = index(rest, "*/")
        if (j == 0) fail("unterminated comment")
        text = substr(rest, j + 2)
    }
    text = out text
    gsub(/[ \t\n]+/, " ", text)
    blocks = 0; lines = 0
    while (match(text, /typedef enum [A-Za-z_][A-Za-z0-9_]* *\{/)) {
        head = substr(text, RSTART, RLENGTH)
        text = substr(text, RSTART + RLENGTH)
        name = head; sub(/^typedef enum /, "", name); sub(/ *\{$/, "", name)
        j = index(text, "}")
        if (j == 0) fail(name ": no closing brace")
        body = substr(text, 1, j - 1)
        text = substr(text, j + 1)
        if (!match(text, /^ *[A-Za-z_][A-Za-z0-9_]* *;/)) fail(name ": no typedef name after the closing brace")
        tail = substr(text, RSTART, RLENGTH); gsub(/[ ;]/, "", tail)
        if (tail != name) fail("typedef enum " name " { ... } " tail ": the names differ")
        n = split(body, item, ",")
        members = 0
        for (k = 1; k <= n; k++) {
            it = item[k]; gsub(/^ +| +$/, "", it)
            if (it == "") { if (k == n) continue; fail(name ": empty enumerator") }
            if (!match(it, /^AAE_[A-Z0-9_]+( *=.*)?$/)) fail(name ": cannot parse enumerator \"" it "\"")
            m = it; sub(/ *=.*/, "", m)
            if (m ~ /_COUNT$/) continue
            result = result sprintf("{\"%s\", \"%s\", (int)%s},\n", name, m, m)
            members++; lines++
        }
        if (members == 0) fail(name ": no enumerators")
        blocks++
    }
    if (index(text, "typedef enum")) fail("a typedef enum block not of the form typedef enum NAME { ... } NAME;")
    if (blocks == 0) fail("no typedef enum block")
    printf "%s", result
}' "$1"
