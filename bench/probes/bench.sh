#!/bin/sh
# Time 'execrec probes' listing every probe of this machine (target: under
# a second), with and without details, and from a trace.
#
#   bench/probes/bench.sh [BUILD_DIR [OTHER_EXECREC]]    (default: build)
#
# Each case runs RUNS times (default 5); the best and median wall times,
# the best CPU time and the number of lines listed are printed. With
# OTHER_EXECREC (an execrec binary, e.g. one built from an older commit)
# the two run interleaved, run for run, and a last column gives the ratio
# of the median wall times, ours / other (below 1: ours is faster).
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build}
exe=$build/tools/execrec
other=${2:-}
runs=${RUNS:-5}
[ -x "$exe" ] || { echo "bench/probes: no $exe (build first, or pass the build folder)" >&2; exit 1; }
[ -z "$other" ] || [ -x "$other" ] || { echo "bench/probes: no $other" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Wall time in ms, and CPU time (user + sys) in ms when GNU time is there:
# on a loaded machine the CPU time is the steadier figure.
run_once() {
	x=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %U %S' -o "$tmp/t" "$x" "$@" > "$tmp/out" 2>/dev/null || true
		awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' "$tmp/t"
	else
		t0=$(date +%s%N)
		"$x" "$@" > "$tmp/out" 2>/dev/null || true
		t1=$(date +%s%N)
		echo "$(( (t1 - t0) / 1000000 )) -1"
	fi
}

# "best median cpu" of the times in file $1
summary() {
	sort -n "$1" > "$tmp/sorted"
	best=$(head -1 "$tmp/sorted" | cut -d' ' -f1)
	median=$(sed -n "$(( (runs + 1) / 2 ))p" "$tmp/sorted" | cut -d' ' -f1)
	cpu=$(sort -n -k2 "$1" | head -1 | cut -d' ' -f2)
	echo "$best $median $cpu"
}

bench() {
	name=$1
	shift
	: > "$tmp/times"
	: > "$tmp/other"
	for _ in $(seq "$runs"); do
		run_once "$exe" "$@" >> "$tmp/times"
		lines=$(wc -l < "$tmp/out")
		[ -z "$other" ] || run_once "$other" "$@" >> "$tmp/other"
	done
	set -- $(summary "$tmp/times")
	printf '%-44s wall best %5d ms, median %5d ms; cpu best %5d ms; %7d lines' \
		"$name" "$1" "$2" "$3" "$lines"
	if [ -n "$other" ]; then
		ours=$2
		set -- $(summary "$tmp/other")
		printf ' | other: median %5d ms, cpu best %5d ms; ratio %s' "$2" "$3" \
			"$(awk -v a="$ours" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }')"
	fi
	printf '\n'
}

echo "execrec probes, $runs runs each, $(nproc) CPUs, kernel $(uname -r), load $(cut -d" " -f1 /proc/loadavg)"
[ -z "$other" ] || echo "interleaved with $other"
bench "probes (every kernel probe)" probes
bench "probes --all (unsupported types too)" probes --all
bench "probes --count (and /proc/kallsyms)" probes --count
bench "probes -v (fields and prototypes)" probes -v
bench "probes --json -v" probes --json -v
bench "probes '*execve*'" probes '*execve*'
bench "probes uprobe:/bin/bash (and its libraries)" probes uprobe:/bin/bash
if [ -r /sys/kernel/btf/vmlinux ] && "$exe" record --help >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	if "$exe" record -q -o "$tmp/t.etr" --btf=full -- true 2>/dev/null; then
		bench "probes -i trace.etr (full BTF)" probes -i "$tmp/t.etr"
		bench "probes -i trace.etr -v" probes -i "$tmp/t.etr" -v
	fi
fi
