#!/bin/sh
# The constants that size caller buffers (abi/frozen.txt) must keep their
# values for the life of the SONAME: a binary built against an older header
# passes buffers of that size (include/aae/aae.h, AAE_SLOT_COUNT). The
# values are read by compiling against the header, not by parsing it.
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
{
    echo '#include <stdio.h>'
    echo '#include "aae/aae.h"'
    echo 'int main(void) {'
    while read -r name _; do
        printf '    printf("%s %%ld\\n", (long)%s);\n' "$name" "$name"
    done < abi/frozen.txt
    echo '    return 0;'
    echo '}'
} > "$dir/frozen.c"
${CC:-cc} -std=c11 -Iinclude "$dir/frozen.c" -o "$dir/frozen"
"$dir/frozen" > "$dir/now"
if ! cmp -s abi/frozen.txt "$dir/now"; then
    echo "abi-check: a frozen buffer capacity changed (abi/frozen.txt, then the header):" >&2
    diff abi/frozen.txt "$dir/now" >&2 || true
    echo "  (callers built against the old header pass buffers of the old size: add calls that take a count instead)" >&2
    exit 1
fi
echo "abi-check: the frozen buffer capacities match abi/frozen.txt ($(wc -l < abi/frozen.txt) constants)"
