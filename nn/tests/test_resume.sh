#!/bin/sh
# Kill and resume: a training run killed with SIGKILL after epoch 3 and resumed from
# its checkpoint ends with the same bytes (weights, optimizer state, generator) as a
# run never stopped, with the same seed and thread count.
#   test_resume.sh <resume_worker>
set -u
WORKER=$1
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$WORKER" "$DIR/whole.ckpt" "$DIR/whole.final" || fail "the uninterrupted run failed"

"$WORKER" "$DIR/killed.ckpt" "$DIR/killed.final" --pause-before-epoch 4 2>"$DIR/log" &
pid=$!
tries=0
until grep -q "paused before epoch 4" "$DIR/log" 2>/dev/null; do
  tries=$((tries + 1))
  [ $tries -le 600 ] || { kill -KILL $pid; fail "the run never reached epoch 4"; }
  kill -0 $pid 2>/dev/null || fail "the run ended before epoch 4: $(cat "$DIR/log")"
  sleep 0.1
done
kill -KILL $pid
wait $pid
status=$?
[ $status -eq 137 ] || fail "exit status $status after SIGKILL, expected 137 (128 + 9)"
[ ! -e "$DIR/killed.final" ] || fail "the killed run wrote its final checkpoint"
echo "killed with SIGKILL before epoch 4 (epochs 1-3 checkpointed)"

"$WORKER" "$DIR/killed.ckpt" "$DIR/killed.final" --resume || fail "the resumed run failed"
cmp "$DIR/whole.final" "$DIR/killed.final" || fail "the resumed run ended with other bytes"
echo "resumed: the final checkpoint is byte for byte the uninterrupted run's"
