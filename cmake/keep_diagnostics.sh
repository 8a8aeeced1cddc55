#!/bin/sh
# A compiler launcher for the learner's exercise files: runs the compile command (after any
# other launcher, e.g. ccache), shows its messages as usual, and keeps a copy in
# <dir>/<chapter>/<file>.log, so that `nnbook exercise` and `nnbook progress` can show the
# warnings and errors of your file again without compiling it again.
#   keep_diagnostics.sh <dir> [launcher] <compiler> <args...>
dir=$1
shift
[ -n "${1:-}" ] || shift  # an empty launcher
src=""
prev=""
for arg in "$@"; do
  [ "$prev" = "-c" ] && src=$arg
  prev=$arg
done
log="$dir/$(basename "$(dirname "$src")")/$(basename "$src").log"
mkdir -p "$(dirname "$log")"
"$@" 2>"$log.tmp"
rc=$?
mv "$log.tmp" "$log"
cat "$log" >&2
exit $rc
