#!/bin/sh
# The chapter's cached choice (results/choose.txt, made by the command on its first line) and
# the choices the book's run reads (results/choices.txt) agree, and the demo accepts them.
#   test_results.sh <build-dir>/chapters/08_regularization
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
failures=0
# The runs marked "<- chosen" in the choice table: the run name fills the first 32 columns.
grep -F -- '<- chosen' "$HERE/results/choose.txt" | cut -c1-32 | sed 's/ *$//' >"${TMPDIR:-/tmp}/chosen.$$"
if ! diff -u "$HERE/results/choices.txt" "${TMPDIR:-/tmp}/chosen.$$"; then
  echo "FAIL: results/choices.txt is not the runs marked chosen in results/choose.txt"
  failures=$((failures + 1))
fi
rm -f "${TMPDIR:-/tmp}/chosen.$$"
# The choice was made on the validation set: its table has no test column.
if sed -n '/^Choosing/,/^$/p' "$HERE/results/choose.txt" | grep -qi 'test acc'; then
  echo "FAIL: the choice table of results/choose.txt shows test accuracies"
  failures=$((failures + 1))
fi
# What the chapter's prose says about the choice run: augmentation beats the unregularized
# network beyond noise; the L2 penalty, AdamW, dropout, early stopping and batch normalization
# do not (batch normalization and early stopping land below it, within noise).
verdict() {  # verdict <run prefix> <text its comparison line must contain>
  line=$(sed -n '/^Test accuracy over/,$p' "$HERE/results/choose.txt" | grep -F -m 1 -- "$1")
  case "$line" in
    *"$2"*) ;;
    *) echo "FAIL: results/choose.txt: the comparison of '$1' does not say '$2': $line"
       failures=$((failures + 1)) ;;
  esac
}
verdict "augmentation" "better (beyond t * SE"
for run in "L2 " "AdamW" "dropout" "early stopping" "batch normalization"; do
  verdict "$run" "no difference beyond noise"
done
verdict "early stopping" " -0."
verdict "batch normalization" " -0."
verdict "augmentation" " +0.0"
# A tiny run of the chosen settings (20 training examples; the run names hold the default
# --epochs): the file parses and every chosen run trains.
if ! "$1/regularization_demo" --choices "$HERE/results/choices.txt" --train-size 40 --val-size 20 \
     --seeds 1 --widths 1 >"${TMPDIR:-/tmp}/run.$$" 2>&1; then
  echo "FAIL: regularization_demo --choices results/choices.txt:"
  cat "${TMPDIR:-/tmp}/run.$$"
  failures=$((failures + 1))
fi
rm -f "${TMPDIR:-/tmp}/run.$$"
[ "$failures" -eq 0 ] && echo "results/choose.txt and results/choices.txt agree; the demo runs them"
[ "$failures" -eq 0 ]
