#!/bin/sh
# Reproducible across thread counts: the same seed gives the same bytes (weights,
# optimizer state, generator) with OMP_NUM_THREADS=1 and 2, because convolutions sum
# their per-chunk partial gradients in chunk order (nn::parallel_chunks).
#   test_threads.sh <resume_worker>
set -u
WORKER=$1
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
OMP_NUM_THREADS=1 "$WORKER" "$DIR/one.ckpt" "$DIR/one.final" || { echo "FAIL: 1 thread"; exit 1; }
OMP_NUM_THREADS=2 "$WORKER" "$DIR/two.ckpt" "$DIR/two.final" || { echo "FAIL: 2 threads"; exit 1; }
cmp "$DIR/one.final" "$DIR/two.final" || { echo "FAIL: 1 and 2 threads trained different weights"; exit 1; }
echo "1 and 2 threads: the same final checkpoint, byte for byte"
