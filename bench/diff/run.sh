#!/bin/sh
# Time execrec diff on two runs of the same synthetic build of N processes
# (default 100000): run by hand from a build folder,
#   bench/diff/run.sh [BUILD] [N]
set -eu
build=${1:-build}
n=${2:-100000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/bench/diff/gen-diff-bench" "$tmp/a.etr" "$n" 1
"$build/bench/diff/gen-diff-bench" "$tmp/b.etr" "$n" 2
ls -l "$tmp"/*.etr
/usr/bin/time -v "$build/tools/execrec" diff --fail-on=all "$tmp/a.etr" "$tmp/b.etr" \
	2>"$tmp/time" >"$tmp/out" || true
head -12 "$tmp/out"
grep -E "Elapsed|Maximum resident" "$tmp/time"
