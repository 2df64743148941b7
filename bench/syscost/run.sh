#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run.sh BUILDDIR [ROUNDS]: what recording costs the system calls of a
# process that never execs.  syscost (getppid() in a loop, ns per call)
# runs with no tracer, then as the command of `execrec record` with each
# failed-exec path this kernel can attach, interleaved, ROUNDS times
# (default 5); prints the median of each and its ratio to no tracer.
set -eu
build=$(cd "${1:?usage: run.sh BUILDDIR [ROUNDS]}" && pwd)
rounds=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
execrec=$build/tools/execrec
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# SYSCOST_BIN: a syscost built beforehand (in a VM without a compiler)
if [ -n "${SYSCOST_BIN:-}" ]; then
	cp "$SYSCOST_BIN" "$tmp/syscost"
else
	cc -O2 -o "$tmp/syscost" "$here/syscost.c"
fi
n=${SYSCOST_CALLS:-2000000}

# the paths this kernel attaches
paths=""
for p in fexit kprobe tracepoint; do
	"$execrec" record -q -f -o "$tmp/probe.etr" --failed-exec=$p -- true 2>/dev/null &&
		paths="$paths $p"
done

for _ in $(seq "$rounds"); do
	"$tmp/syscost" "$n" >>"$tmp/none"
	for p in $paths; do
		"$execrec" record -q -f -o "$tmp/t.etr" --failed-exec="$p" -- "$tmp/syscost" "$n" >>"$tmp/$p"
	done
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
base=$(median "$tmp/none")
echo "kernel $(uname -r), getppid() ns/call, median of $rounds rounds"
printf '%-32s %8s %8s\n' "" "ns/call" "ratio"
printf '%-32s %8s %8s\n' "no tracer" "$base" "1.00"
for p in $paths; do
	m=$(median "$tmp/$p")
	printf '%-32s %8s %8s\n' "record, failed-exec=$p" "$m" "$(echo "$m $base" | awk '{ printf "%.2f", $1 / $2 }')"
done
