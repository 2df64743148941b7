#!/bin/sh
# Speed and memory of the analyzer: report, tree and timeline on a
# synthetic 1M-event trace (gen-bench: a parallel build), on one core.
#
#   bench/replay/run.sh [BUILD_DIR] [EVENTS] [RUNS]
#
# BUILD_DIR defaults to build (configured with the default buildtype,
# debugoptimized); EVENTS to 1000000; RUNS to 5. Each command runs RUNS
# times pinned to CPU 0 (BENCH_CPU=N for another: on a virtual machine one
# may be busier) with its output sent to /dev/null; the table shows
# the run with the least CPU time (user + system, from the command's own
# --stats line), which is the figure least disturbed by other load; the
# commands take turns.
# Memory: peak RSS, and per process tracked the RSS above the same command
# on a 100-event trace, with and without the strings the model keeps
# (arguments, interned file names, directories and comms).
set -eu

build=${1:-build}
events=${2:-1000000}
runs=${3:-5}
exe=$build/tools/execrec
gen=$build/bench/replay/gen-bench

for f in "$exe" "$gen"; do
	if [ ! -x "$f" ]; then
		echo "run.sh: $f is missing: ninja -C $build first" >&2
		exit 1
	fi
done
pin=""
if command -v taskset >/dev/null 2>&1; then
	pin="taskset -c ${BENCH_CPU:-0}"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
"$gen" "$tmp/bench.etr" "$events" 2>"$tmp/gen.txt"
"$gen" "$tmp/tiny.etr" 100 2>/dev/null
size=$(wc -c <"$tmp/bench.etr")

# One --stats line: "stats CMD: events N ... cpu_s S maxrss_kb K"
field() {
	tr ' ' '\n' <"$1" | awk -v k="$2" 'prev == k { print; exit } { prev = $0 }'
}

# One run of CMD on FILE, kept in $tmp/best.CMD.TAG if it took the least
# CPU so far: the figure least disturbed by other load.
run_once() {
	cmd=$1 file=$2 tag=$3
	$pin "$exe" "$cmd" --stats "$file" >/dev/null 2>"$tmp/run"
	grep '^stats' "$tmp/run" >"$tmp/line"
	if [ ! -s "$tmp/best.$cmd.$tag" ] ||
		awk -v a="$(field "$tmp/line" cpu_s)" -v b="$(field "$tmp/best.$cmd.$tag" cpu_s)" \
			'BEGIN { exit !(a < b) }'; then
		cp "$tmp/line" "$tmp/best.$cmd.$tag"
	fi
}

echo "trace: $(cat "$tmp/gen.txt" | sed 's/^gen-bench: //'), $size bytes"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs: best of $runs, pinned: ${pin:-no}"
echo
printf '| %-8s | %9s | %7s | %10s | %9s | %12s | %12s |\n' command events "CPU s" "events/s" "peak RSS" "B/process" "w/o strings"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' ---------- ----------- --------- ------------ ----------- -------------- --------------
# the commands take turns, so that a slow spell of the machine falls on
# all of them alike
i=0
while [ "$i" -lt "$runs" ]; do
	for cmd in report tree timeline; do
		run_once "$cmd" "$tmp/tiny.etr" base
		run_once "$cmd" "$tmp/bench.etr" full
	done
	i=$((i + 1))
done
for cmd in report tree timeline; do
	cp "$tmp/best.$cmd.base" "$tmp/base"
	cp "$tmp/best.$cmd.full" "$tmp/full"
	ev=$(field "$tmp/full" events)
	cpu=$(field "$tmp/full" cpu_s)
	rss=$(field "$tmp/full" maxrss_kb)
	base=$(field "$tmp/base" maxrss_kb)
	procs=$(field "$tmp/full" processes)
	strs=$(field "$tmp/full" string_bytes)
	awk -v c="$cmd" -v ev="$ev" -v cpu="$cpu" -v rss="$rss" -v base="$base" \
		-v procs="$procs" -v strs="$strs" 'BEGIN {
		rate = cpu > 0 ? ev / cpu : 0
		if (procs > 0) {
			per = (rss - base) * 1024 / procs
			pers = ((rss - base) * 1024 - strs) / procs
			bp = sprintf("%12.0f", per); bs = sprintf("%12.0f", pers)
		} else {
			bp = sprintf("%12s", "(streams)"); bs = sprintf("%12s", "")
		}
		printf "| %-8s | %9d | %7.3f | %10.0f | %6.1f MB | %s | %s |\n",
			c, ev, cpu, rate, rss / 1024, bp, bs
	}'
done
