#!/bin/sh
# The chapter's cached choices (results/choose.txt on clean labels, results/label_noise/choose.txt
# with 30% of the labels wrong, each made by the command on its first line) and the choices the
# book reads (choices.txt beside each) agree, their verdicts are the ones the prose reports, and
# the demo accepts the choices.
#   test_results.sh <build-dir>/chapters/08_regularization
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
agree() {  # agree <results dir>: choices.txt is what choose.txt marked, chosen on validation only
  # The runs marked "<- chosen" in the choice table: the run name fills the first 32 columns.
  grep -F -- '<- chosen' "$1/choose.txt" | cut -c1-32 | sed 's/ *$//' >"${TMPDIR:-/tmp}/chosen.$$"
  diff -u "$1/choices.txt" "${TMPDIR:-/tmp}/chosen.$$" ||
    fail "$1/choices.txt is not the runs marked chosen in $1/choose.txt"
  rm -f "${TMPDIR:-/tmp}/chosen.$$"
  # The choice was made on the validation set: its table has no test column.
  if sed -n '/^Choosing/,/^$/p' "$1/choose.txt" | grep -qi 'test acc'; then
    fail "the choice table of $1/choose.txt shows test accuracies"
  fi
}
verdict() {  # verdict <choose.txt> <run prefix> <text its comparison line must contain>
  line=$(sed -n '/^Test accuracy over/,$p' "$1" | grep -F -m 1 -- "$2")
  case "$line" in
    *"$3"*) ;;
    *) fail "$1: the comparison of '$2' does not say '$3': $line" ;;
  esac
}
gain_at_least() {  # gain_at_least <choose.txt> <run prefix> <least difference from the baseline>
  line=$(sed -n '/^Test accuracy over/,$p' "$1" | grep -F -m 1 -- "$2")
  d=$(printf '%s\n' "$line" | cut -c33- | awk '{print $3}')
  awk -v d="$d" -v x="$3" 'BEGIN { exit !(d != "" && d + 0 >= x + 0) }' ||
    fail "$1: '$2' gains '$d' over the baseline, less than $3: $line"
}
clean="$HERE/results"
noisy="$HERE/results/label_noise"
agree "$clean"
agree "$noisy"

# What the chapter's prose says about the clean choice run: augmentation beats the unregularized
# network beyond noise; the L2 penalty, AdamW, dropout, early stopping and batch normalization
# do not (batch normalization and early stopping land below it, within noise).
verdict "$clean/choose.txt" "augmentation" "better (beyond t * SE"
for run in "L2 " "AdamW" "dropout" "early stopping" "batch normalization"; do
  verdict "$clean/choose.txt" "$run" "no difference beyond noise"
done
verdict "$clean/choose.txt" "early stopping" " -0."
verdict "$clean/choose.txt" "batch normalization" " -0."
verdict "$clean/choose.txt" "augmentation" " +0.0"

# With 30% of the labels wrong, what the prose says: the unregularized network learns the wrong
# labels (on the first seed, training accuracy against the noisy labels above 0.95, where the
# right ones are 0.7); each of the five chosen regularizers beats it beyond noise, by at least
# 0.03, early stopping and augmentation by at least 0.1; batch normalization does worse, beyond
# noise.
grep -q "^Label noise: 300 of the 1000 training labels and 150 of the 500 validation labels" \
  "$noisy/choose.txt" || fail "$noisy/choose.txt: not 30% of the labels wrong"
train=$(sed -n '/^Overfitting and the regularizers/,/^$/p' "$noisy/choose.txt" | grep -m 1 '^none ' |
  cut -c33- | awk '{print $3}')
awk -v a="$train" 'BEGIN { exit !(a != "" && a + 0 > 0.95) }' ||
  fail "$noisy/choose.txt: the unregularized network's training accuracy '$train' is not above 0.95"
for run in "L2 " "AdamW" "dropout" "early stopping" "augmentation"; do
  verdict "$noisy/choose.txt" "$run" "better (beyond t * SE"
  gain_at_least "$noisy/choose.txt" "$run" 0.03
done
gain_at_least "$noisy/choose.txt" "early stopping" 0.1
gain_at_least "$noisy/choose.txt" "augmentation" 0.1
verdict "$noisy/choose.txt" "batch normalization" "worse (beyond t * SE"

# A tiny run of each choice file (20 training examples; the run names hold the default
# --epochs): the file parses and every chosen run trains.
tiny_run() {  # tiny_run <choices.txt> [more flags]
  if ! "$BUILD/regularization_demo" --choices "$@" --train-size 40 --val-size 20 --seeds 1 \
       --widths 1 >"${TMPDIR:-/tmp}/run.$$" 2>&1; then
    fail "regularization_demo --choices $*:"
    cat "${TMPDIR:-/tmp}/run.$$"
  fi
}
BUILD=$1
tiny_run "$clean/choices.txt"
tiny_run "$noisy/choices.txt" --label-noise 0.3
# ... and 30% of 20 labels are 6, each changed to another class.
grep -q "^Label noise: 6 of the 20 training labels and 6 of the 20 validation labels" \
  "${TMPDIR:-/tmp}/run.$$" || fail "--label-noise 0.3 on 20 + 20 examples did not change 6 + 6 labels"
rm -f "${TMPDIR:-/tmp}/run.$$"
[ "$failures" -eq 0 ] && echo "the cached choices and the book's choices agree; the demo runs them"
[ "$failures" -eq 0 ]
