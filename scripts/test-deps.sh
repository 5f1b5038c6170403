#!/bin/sh
# The README's promise about dependencies, tested as root (CI): with every
# package present, `make check` as an unprivileged user, with no dpkg-query
# on PATH, builds and runs the suite, a line for each test tool it skips;
# with one missing it stops before building and names the Debian and Fedora
# packages; as root with CI=true, `make deps` finds everything without
# dpkg-query. Each run is in a clone of this tree's HEAD.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
user=${AAE_TEST_USER:-aae-test}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
id "$user" >/dev/null 2>&1 || useradd --system --no-create-home "$user"

# nodpkg DIR PATH: DIR holds links to every command on PATH but dpkg-query.
nodpkg() {
    mkdir "$1"
    old_ifs=$IFS; IFS=:
    for d in $2; do
        for f in "$d"/*; do
            n=${f##*/}
            [ -x "$f" ] && [ "$n" != dpkg-query ] && [ ! -e "$1/$n" ] && ln -s "$f" "$1/$n"
        done
    done
    IFS=$old_ifs
}
nodpkg "$tmp/bin" /usr/local/bin:/usr/bin:/bin
nodpkg "$tmp/rootbin" "$PATH"
mkdir "$tmp/home"
git clone -q "$top" "$tmp/tree"
chown -R "$user" "$tmp/home" "$tmp/tree"
# as_user CMD...: CMD as the user, in a clean environment (no CI=true: a
# user's machine) whose PATH has no dpkg-query.
as_user() {
    runuser -u "$user" -- env -i HOME="$tmp/home" USER="$user" LOGNAME="$user" PATH="$tmp/bin" \
        ${OPENBLAS_CORETYPE:+OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE} "$@"
}
! as_user sh -c 'command -v dpkg-query' >/dev/null || { echo "test-deps: dpkg-query still on PATH" >&2; exit 1; }

# A pkg-config that lacks the check module.
cat > "$tmp/bin/pkg-config-nocheck" <<'SH'
#!/bin/sh
for a in "$@"; do [ "$a" = check ] && exit 1; done
exec pkg-config "$@"
SH
chmod 755 "$tmp/bin/pkg-config-nocheck"
echo "test-deps: make check as $user, check's pkg-config module hidden"
if as_user make -C "$tmp/tree" --no-print-directory check PKG_CONFIG=pkg-config-nocheck > "$tmp/out" 2>&1; then
    cat "$tmp/out"; echo "test-deps: make check passed without check" >&2; exit 1
fi
sed 's/^/  | /' "$tmp/out"
grep -q '^deps: not found: check$' "$tmp/out" && grep -q 'apt-get install check\b' "$tmp/out" &&
    grep -q 'dnf install check-devel' "$tmp/out" ||
    { echo "test-deps: no Debian and Fedora names for check" >&2; exit 1; }
[ ! -e "$tmp/tree/lib/obj" ] || { echo "test-deps: it built before stopping" >&2; exit 1; }

# A pkg-config that lacks OpenBLAS: a plain `make` (not only make check)
# stops before compiling and names the package.
cat > "$tmp/bin/pkg-config-noblas" <<'SH'
#!/bin/sh
for a in "$@"; do [ "$a" = openblas ] && exit 1; done
exec pkg-config "$@"
SH
chmod 755 "$tmp/bin/pkg-config-noblas"
echo "test-deps: a plain make as $user, OpenBLAS's pkg-config module hidden"
if as_user make -C "$tmp/tree" --no-print-directory -j2 PKG_CONFIG=pkg-config-noblas > "$tmp/out" 2>&1; then
    cat "$tmp/out"; echo "test-deps: make built without OpenBLAS" >&2; exit 1
fi
sed 's/^/  | /' "$tmp/out"
grep -q '^deps: not found: openblas$' "$tmp/out" && grep -q 'apt-get install libopenblas-dev\b' "$tmp/out" ||
    { echo "test-deps: plain make did not name libopenblas-dev" >&2; exit 1; }
[ ! -e "$tmp/tree/lib/obj/openblas-plain/src" ] || { echo "test-deps: make compiled before stopping" >&2; exit 1; }
rm -rf "$tmp/tree/lib"

echo "test-deps: make -j2 check as $user, without dpkg-query on PATH"
if ! as_user make -C "$tmp/tree" --no-print-directory -j2 check WERROR=1 > "$tmp/out" 2>&1; then
    tail -n 40 "$tmp/out"; echo "test-deps: make check failed as $user" >&2; exit 1
fi
grep -E 'skipped|Checks: |passed|abi-check:|mpi-test: [0-9]|test-consumers:|test-cmake-consumer:|test-python-package:|check-header:' "$tmp/out" | sed 's/^/  | /'
if grep -q 'deps: installing' "$tmp/out"; then echo "test-deps: a user's make check ran apt-get" >&2; exit 1; fi

echo "test-deps: make deps as root with CI=true, without dpkg-query on PATH"
PATH="$tmp/rootbin" CI=true make -C "$tmp/tree" --no-print-directory deps
echo "test-deps: make check needs no dpkg-query and no root; what is missing is named"
