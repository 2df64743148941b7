#!/bin/sh
# SPDX-License-Identifier: MIT
# Speed of `execrec redact` on one core, on the analyzer benchmark's
# synthetic build trace (bench/replay's gen-bench, 1M events by default):
#
#   bench/redact/run.sh [BUILD_DIR] [EVENTS] [RUNS]
#
# Rows, taking turns RUNS times (best CPU time of each kept, pinned to
# CPU 0, BENCH_CPU=N for another):
#   redact       the built-in rules, output at zstd level 3 (the default)
#   redact -l6   the same at the recorder's level 6
#   copy         every rule dropped: decoding, re-encoding and compressing
#                alone, the floor under redact
# events/s is events over user+system CPU seconds; "vs copy" the share of
# copy's rate redact keeps. Target: redact >= 2M events/s.
set -eu

build=${1:-build}
events=${2:-1000000}
runs=${3:-5}
exe=$build/tools/execrec
gen=$build/bench/replay/gen-bench
for f in "$exe" "$gen" /usr/bin/time; do
	if [ ! -x "$f" ]; then
		echo "run.sh: $f is missing (ninja -C $build; apt-get install time)" >&2
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
nonrules=$("$exe" redact --list-rules | awk '{ printf "--no-rule %s ", $1 }')

# run NAME ARGS...: one run, the CPU time kept in $tmp/best.NAME if least
run() {
	name=$1
	shift
	/usr/bin/time -f '%U %S' -o "$tmp/time" $pin "$exe" redact --force "$@" "$tmp/bench.etr" \
		-o "$tmp/out.etr" 2>"$tmp/err"
	cpu=$(awk '{ print $1 + $2 }' "$tmp/time")
	if [ ! -s "$tmp/best.$name" ] || awk -v a="$cpu" -v b="$(cat "$tmp/best.$name")" \
		'BEGIN { exit !(a < b) }'; then
		echo "$cpu" >"$tmp/best.$name"
		wc -c <"$tmp/out.etr" >"$tmp/size.$name"
	fi
}

echo "trace: $(sed 's/^gen-bench: //' "$tmp/gen.txt"), $(wc -c <"$tmp/bench.etr") bytes"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs: best of $runs, pinned: ${pin:-no}"
echo
i=0
while [ "$i" -lt "$runs" ]; do
	run redact
	run redact-l6 --level 6
	# shellcheck disable=SC2086
	run copy $nonrules
	i=$((i + 1))
done
copy=$(cat "$tmp/best.copy")
printf '| %-10s | %7s | %10s | %7s | %11s |\n' run "CPU s" "events/s" "vs copy" "out bytes"
printf '|%s|%s|%s|%s|%s|\n' ------------ --------- ------------ --------- -------------
for name in redact redact-l6 copy; do
	awk -v n="$name" -v cpu="$(cat "$tmp/best.$name")" -v copy="$copy" -v ev="$events" \
		-v sz="$(cat "$tmp/size.$name")" 'BEGIN {
		rate = cpu > 0 ? ev / cpu : 0
		share = cpu > 0 ? copy / cpu : 0
		printf "| %-10s | %7.3f | %10.0f | %7.2f | %11d |\n", n, cpu, rate, share, sz }'
done
