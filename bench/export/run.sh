#!/bin/sh
# Speed and memory of execrec export (every format) and execrec chart on a
# synthetic 1M-event trace (bench/replay's gen-bench: a parallel build),
# with execrec tree, which holds the whole model, for comparison.
#
#   bench/export/run.sh [BUILD_DIR] [EVENTS]
#
# Each command runs once pinned to CPU 0, its output to a file in a
# temporary folder (removed at the end); the table shows wall and CPU time,
# events per CPU second, peak RSS and the size of what it wrote.
set -eu

build=${1:-build}
events=${2:-1000000}
exe=$build/tools/execrec
gen=$build/bench/replay/gen-bench

for f in "$exe" "$gen"; do
	if [ ! -x "$f" ]; then
		echo "run.sh: $f is missing: ninja -C $build first" >&2
		exit 1
	fi
done
if ! [ -x /usr/bin/time ]; then
	echo "run.sh: /usr/bin/time is missing (apt-get install time)" >&2
	exit 1
fi
pin=""
if command -v taskset >/dev/null 2>&1; then
	pin="taskset -c 0"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
"$gen" "$tmp/bench.etr" "$events" 2>/dev/null
procs=$("$exe" export -f csv --rows processes "$tmp/bench.etr" | tail -n +2 | wc -l)
echo "trace: $events events, $procs processes, $(wc -c <"$tmp/bench.etr") bytes"
printf '%-18s %8s %8s %12s %10s %12s\n' what wall_s cpu_s events/cpu_s rss_MiB out_MiB

one() {
	name=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" $pin "$@" >"$tmp/out" 2>/dev/null
	read -r wall user sys rss <"$tmp/time"
	out=$(wc -c <"$tmp/out")
	awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v o="$out" \
		-v e="$events" 'BEGIN {
		cpu = u + s; if (cpu <= 0) cpu = 0.01
		printf "%-18s %8.2f %8.2f %12.0f %10.1f %12.1f\n", n, w, cpu, e / cpu, r / 1024, o / 1048576
	}'
}

for f in perfetto jsonl csv dot compile-commands; do
	one "export $f" "$exe" export -f "$f" "$tmp/bench.etr"
done
one "chart" "$exe" chart "$tmp/bench.etr"
one "tree (reference)" "$exe" tree "$tmp/bench.etr"
