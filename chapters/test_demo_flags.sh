#!/bin/sh
# Every demo, every class of bad flag: one line "error: <flag>: got '<value>'; allowed: ...",
# nothing on standard output, exit code 2. Library errors: one line "error: ...", exit code 1.
#   test_demo_flags.sh <build-dir>/chapters
set -u
for dir in "$1"/*/; do PATH="$dir:$PATH"; done
FIXTURES=$(cd "$(dirname "$0")/../datasets/fixtures" && pwd)
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
: >"$SCRATCH/not-a-checkpoint"
mkdir "$SCRATCH/empty-data" "$SCRATCH/tiny-data"
# Six 28x28 images as a training and a test set.
for set in train t10k; do
  ln -s "$FIXTURES/tiny-images-idx3-ubyte" "$SCRATCH/tiny-data/$set-images-idx3-ubyte"
  ln -s "$FIXTURES/tiny-labels-idx1-ubyte" "$SCRATCH/tiny-data/$set-labels-idx1-ubyte"
done
failures=0
checked=0

# expect <exit code> <text the one line must contain> <demo> [flags...]
expect() {
  code=$1 text=$2 demo=$3
  shift 3
  checked=$((checked + 1))
  "$demo" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" </dev/null
  got=$?
  lines=$(wc -l <"$SCRATCH/err")
  why=""
  [ "$got" -eq "$code" ] || why="exit code $got, expected $code"
  [ "$lines" -eq 1 ] || why="$why; $lines lines on stderr, expected 1"
  head -n 1 "$SCRATCH/err" | grep -q "^error: " || why="$why; the line does not start with 'error: '"
  grep -qF -- "$text" "$SCRATCH/err" || why="$why; the line does not contain '$text'"
  if [ "$code" -eq 2 ] && [ -s "$SCRATCH/out" ]; then why="$why; it printed to stdout first"; fi
  if [ -n "$why" ]; then
    failures=$((failures + 1))
    echo "FAIL: $demo $*: ${why#; }"
    sed 's/^/  stderr: /' "$SCRATCH/err" | head -n 5
  fi
}

# expect_bad_flag <demo> <flag> <value>: exit 2, the line names the flag and the value
expect_bad_flag() {
  expect 2 "$2: got '$3'; allowed: " "$1" "$2" "$3"
}

# The classes of bad flag, for each demo that has the flag.
for demo in neuron_demo mlp_demo gd_demo mlp_mnist mnist_cnn; do
  expect_bad_flag $demo --epochs -3                      # negative count (no unsigned wrap)
  expect_bad_flag $demo --epochs 99999999999999999999    # beyond 64 bits
  expect_bad_flag $demo --epochs 2.5                     # not a whole number
  expect_bad_flag $demo --epochs abc                     # not a number
  expect_bad_flag $demo --seed -1                        # a negative seed
done
expect_bad_flag neuron_demo --epochs 0                   # no steps: nothing to report
for demo in mlp_demo mlp_mnist mnist_cnn; do
  expect_bad_flag $demo --batch-size 0
  expect_bad_flag $demo --batch-size -1
done
for demo in neuron_demo mlp_demo mlp_mnist; do
  for lr in nan inf -1 0 1e9 0.1x; do expect_bad_flag $demo --lr $lr; done
done
for demo in neuron_demo mlp_demo gd_demo conv_demo mnist_cnn; do
  expect_bad_flag $demo --out /proc/nn-missing/out       # a directory that cannot be created
  expect_bad_flag $demo --out /dev/null                  # not a directory
done
for flag in --out --bench-json; do
  expect_bad_flag mlp_mnist $flag /proc/nn-missing/history.csv   # a file in an unwritable place
  expect_bad_flag mlp_mnist $flag "$SCRATCH"                     # a directory, not a file
done
expect_bad_flag mnist_cnn --bench-json /proc/nn-missing/run.json
expect_bad_flag mnist_cnn --save /proc/nn-missing/model.ckpt
expect_bad_flag mnist_cnn --load "$SCRATCH/no-such.ckpt"
for demo in mlp_demo mlp_mnist mnist_cnn; do
  expect 2 "--resume requires --checkpoint" $demo --resume
  expect_bad_flag $demo --checkpoint /proc/nn-missing/run.ckpt
done
expect 1 "no such checkpoint file" mnist_cnn --data "$SCRATCH/tiny-data" --resume --checkpoint "$SCRATCH/none.ckpt"
for demo in mlp_mnist mnist_cnn; do
  expect_bad_flag $demo --limit -5
  expect_bad_flag $demo --data no-such-set
done
expect_bad_flag backprop_demo --seed -1
expect_bad_flag backprop_demo --seed x
expect 2 "repeats: got '-3'" conv_bench -3
expect 2 "repeats: got '0'" conv_bench 0
expect 2 "repeats: got '-3'" speed_bench -3
expect 2 "repeats: got '0'" speed_bench 0
for demo in neuron_demo mlp_demo backprop_demo gd_demo mlp_mnist conv_demo conv_bench speed_bench pool_demo mnist_cnn; do
  expect 2 "--no-such-flag" $demo --no-such-flag          # an unknown flag
done

# Chapters 7 and 8.
for demo in sine_demo memory_demo regularization_demo; do
  expect_bad_flag $demo --epochs -3
  expect_bad_flag $demo --epochs 99999999999999999999
  expect_bad_flag $demo --epochs 2.5
  expect_bad_flag $demo --epochs abc
done
for demo in sine_demo memory_demo char_lstm regularization_demo; do
  expect_bad_flag $demo --seed -1
  expect_bad_flag $demo --out /proc/nn-missing/out       # a directory that cannot be created
  expect_bad_flag $demo --out /dev/null                  # not a directory
  expect 2 "--no-such-flag" $demo --no-such-flag
done
expect_bad_flag sine_demo --epochs 0
expect_bad_flag regularization_demo --epochs 1           # early stopping needs two epochs
for flag in --steps --train --test; do
  expect_bad_flag sine_demo $flag 0
  expect_bad_flag sine_demo $flag -2
done
for noise in nan inf -0.1 x; do expect_bad_flag sine_demo --noise $noise; done
for flag in --units --train; do expect_bad_flag memory_demo $flag 0; done
expect_bad_flag memory_demo --lengths 1                  # one step: no two halves to mark
expect_bad_flag memory_demo --lengths x
expect 2 "--lengths: got '-4'; allowed: " memory_demo --lengths 5,-4
for lr in nan inf -1 0 1e9 0.1x; do
  expect_bad_flag char_lstm --lr $lr
  expect_bad_flag memory_demo --rnn-lr $lr
  expect_bad_flag memory_demo --lstm-lr $lr
done
for flag in --steps --units --seq --batch --sample-every --sample-length; do
  expect_bad_flag char_lstm $flag 0
  expect_bad_flag char_lstm $flag -1
done
for v in -1 nan inf; do expect_bad_flag char_lstm --clipnorm $v; done
for v in 0 0.7 -0.1 nan; do expect_bad_flag char_lstm --heldout $v; done
expect_bad_flag char_lstm --data "$SCRATCH/no-such-dir"
expect_bad_flag char_lstm --bench-json /proc/nn-missing/run.json
expect_bad_flag char_lstm --bench-json "$SCRATCH"
expect_bad_flag char_lstm --seq 99999                    # longer than the held-out text
for flag in --train-size --val-size --batch-size; do
  expect_bad_flag regularization_demo $flag 0
  expect_bad_flag regularization_demo $flag -1
done
expect_bad_flag regularization_demo --widths 0
expect 2 "--widths: got 'x'; allowed: " regularization_demo --widths 4,x
expect_bad_flag regularization_demo --data no-such-set
expect 2 "--val-size: got '600'; allowed: less than --train-size (500)" \
  regularization_demo --train-size 500 --val-size 600
expect_bad_flag regularization_demo --seeds 0
expect_bad_flag regularization_demo --seeds 101
expect_bad_flag regularization_demo --choices "$SCRATCH/no-such-file"
printf 'none\nL2 1e-4\n' >"$SCRATCH/choices"
expect 2 "excludes" regularization_demo --choose --choices "$SCRATCH/choices"
printf 'none\nL2 0.5\n' >"$SCRATCH/bad-choices"
expect 2 "--choices: got 'L2 0.5' in $SCRATCH/bad-choices; allowed: runs of the grid (none, " \
  regularization_demo --choices "$SCRATCH/bad-choices"
printf 'L2 1e-4\nnone\n' >"$SCRATCH/bad-choices"
expect 2 "--choices: got 'L2 1e-4' first in $SCRATCH/bad-choices; allowed: " \
  regularization_demo --choices "$SCRATCH/bad-choices"
: >"$SCRATCH/bad-choices"
expect 2 "--choices: got '$SCRATCH/bad-choices' (no runs); allowed: " \
  regularization_demo --choices "$SCRATCH/bad-choices"
expect 2 "--no-such-flag" rnn_io --no-such-flag

# Library errors: one line, exit code 1.
expect 1 "no such file" regularization_demo --data "$SCRATCH/empty-data"
expect 1 "fewer than 1000 characters" char_lstm --data "$SCRATCH/empty-data"
expect 1 "no header" rnn_io
expect 1 "no such file" mnist_cnn --data "$SCRATCH/empty-data"
expect 1 "no such file" mlp_mnist --data "$SCRATCH/empty-data"
expect 1 "not a checkpoint" mnist_cnn --data "$SCRATCH/tiny-data" --load "$SCRATCH/not-a-checkpoint"

echo "$checked cases, $failures failed"
[ "$failures" -eq 0 ]
