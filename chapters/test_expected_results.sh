#!/bin/sh
# Silent regressions fail: each demo's result must lie in the range written in
# chapters/expected_results.txt.
#   test_expected_results.sh <build-dir>/chapters
set -u
for dir in "$1"/*/; do PATH="$dir:$PATH"; done
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
failures=0
checked=0
while IFS='|' read -r demo flags pattern lo hi; do
  trim() { printf '%s' "$1" | sed 's/^ *//; s/ *$//'; }
  demo=$(trim "$demo")
  case "$demo" in '' | '#'*) continue ;; esac
  flags=$(trim "$flags")
  pattern=$(trim "$pattern")
  lo=$(trim "$lo")
  hi=$(trim "$hi")
  first=${pattern%%...*}  # "a...b": the line holds a, the number follows b
  # One run per demo and flags; the output is reused by the next lines.
  out="$OUT/$(echo "$demo $flags" | tr -c 'A-Za-z0-9\n' '_')"
  if [ ! -f "$out" ]; then
    # shellcheck disable=SC2086
    "$demo" $flags >"$out" 2>"$out.err" || { echo "FAIL: $demo $flags exited with $?"; cat "$out.err"; failures=$((failures + 1)); }
  fi
  checked=$((checked + 1))
  line=$(grep -F -m 1 -- "$first" "$out")
  if [ -z "$line" ]; then
    echo "FAIL: $demo $flags: no line contains '$pattern'"
    failures=$((failures + 1))
    continue
  fi
  if [ "$lo" = "-" ]; then
    echo "ok   $demo $flags: '$pattern'"
    continue
  fi
  value=$(printf '%s\n' "$line" | awk -v first="$first" -v last="${pattern##*...}" '{
    rest = substr($0, index($0, first) + length(first))
    if (last != first) rest = substr(rest, index(rest, last) + length(last))
    if (match(rest, /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) print substr(rest, RSTART, RLENGTH) }')
  if [ -z "$value" ] || ! awk -v v="$value" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(v + 0 >= lo + 0 && v + 0 <= hi + 0) }'; then
    echo "FAIL: $demo $flags: '$pattern' $value, expected $lo..$hi"
    failures=$((failures + 1))
  else
    echo "ok   $demo $flags: '$pattern' $value in $lo..$hi"
  fi
done <"$HERE/expected_results.txt"
echo "$checked results checked, $failures outside their range"
[ "$failures" -eq 0 ]
