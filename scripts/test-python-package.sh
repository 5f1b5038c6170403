#!/bin/sh
# bindings/python as an installed package, offline: the pip snippet of
# docs/embedding.md runs in a copy of the tree (a fresh venv with the
# system's NumPy, `pip install --no-index --no-build-isolation`), then the
# Python tests and the README's doctest run from outside the tree against
# AAE_LIBRARY. `import aae` must come from the venv's site-packages, and the
# package's version must be the library's.
#   test-python-package.sh LIBRARY   (PYTHON: the interpreter, default python3)
set -eu
[ $# = 1 ] || { echo "usage: test-python-package.sh path/to/libaae.so.0" >&2; exit 2; }
lib=$(cd "$(dirname "$1")" && pwd)/${1##*/}
cd "$(dirname "$0")/.."
top=$(pwd)
python=$(command -v "${PYTHON:-python3}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test-python-package: $*" >&2; exit 1; }

# What the package build reads: bindings/python and the version header.
mkdir -p "$tmp/src/bindings" "$tmp/src/include/aae" "$tmp/bin" "$tmp/run" "$tmp/home"
cp -R bindings/python "$tmp/src/bindings/"
cp include/aae/version.h "$tmp/src/include/aae/"
rm -rf "$tmp/src/bindings/python/build" "$tmp/src/bindings/python"/*.egg-info
ln -s "$python" "$tmp/bin/python3"

# The docs' snippet as written, with `python3` being $PYTHON; offline, no
# cache or configuration of the user's, no bytecode written into the tree.
awk '/^- Python as an installed package/ {f = 1} f && /^  ```sh$/ {c = 1; next} c && /^  ```$/ {exit} c' \
    docs/embedding.md | sed 's/^  //' > "$tmp/snippet.sh"
[ "$(wc -l < "$tmp/snippet.sh")" -ge 3 ] || fail "no pip snippet found in docs/embedding.md"
export PYTHONDONTWRITEBYTECODE=1 HOME="$tmp/home" PIP_NO_INDEX=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_CONFIG_FILE=/dev/null
unset PYTHONPATH PYTHONHOME
out=$(cd "$tmp/src" && PATH="$tmp/bin:$PATH" AAE_LIBRARY="$lib" sh -eu "$tmp/snippet.sh" 2> "$tmp/log") ||
    { cat "$tmp/log"; echo "$out"; fail "the docs' pip snippet failed"; }
venv=$tmp/src/venv
version=$(echo "$out" | tail -n 1)
header=$(sed -n 's/^#define AAE_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' include/aae/version.h | paste -sd.)
[ "$version" = "$header" ] || fail "the snippet printed '$version', not the library's $header"

# The tests (in this tree, for the header they compare with) and the
# README's doctest against the installed package, from outside the tree;
# then the file of the aae module they imported, and the installed
# distribution's version.
(cd "$tmp/run" && AAE_LIBRARY="$lib" "$venv/bin/python" - "$top/bindings/python" > "$tmp/out" 2>&1 <<'PY'
import importlib.metadata, sys
import pytest
rc = pytest.main(["-q", "-p", "no:cacheprovider", "--doctest-glob=README.md",
                  sys.argv[1] + "/tests", sys.argv[1] + "/README.md"])
import aae
print(aae.__file__)
print(importlib.metadata.version("libaae"))
sys.exit(rc)
PY
) || { cat "$tmp/out"; fail "the Python tests failed against the installed package"; }
file=$(tail -n 2 "$tmp/out" | sed -n 1p)
installed=$(tail -n 1 "$tmp/out")
grep -E ' passed' "$tmp/out" | sed 's/^/  /'
case $file in
"$venv"/lib/python3*/site-packages/aae/__init__.py) ;;
*) fail "the tests imported aae from $file, not the venv's site-packages" ;;
esac
[ "$installed" = "$header" ] || fail "the installed libaae is version $installed, not $header"
echo "test-python-package: pip installed libaae $header into a fresh venv offline;" \
    "the tests ran from outside the tree on ${file#"$tmp/src/"}"
