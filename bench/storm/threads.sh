#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The recorder's own pipeline at a high event rate: the thread storm
# (threads.c: W workers create and join empty threads) with no tracer and
# under `execrec record --threads`, interleaved round by round. Each thread
# is one fork record, so this drives the ring buffer, the encoder and the
# writer at tens of thousands of events per second, which fork+exec cannot
# reach on a slow virtual machine (bench/storm/run.sh).
#
#   bench/storm/threads.sh [-b BUILD_DIR] [-d SECONDS] [-r ROUNDS] [-w WORKERS]
#
# Needs root and a built tree. Prints one table, medians over the rounds:
#   rate       threads/s, and as a ratio to no tracer
#   events/s   events the recorder wrote per second of the storm
#   lost       events the recorder says it lost
#   rec us/ev  the recorder's CPU (all its threads) per event recorded
#   core %     that CPU as a share of one core during the storm
#   bpf ns/ev  BPF program run time per thread created (kernel.bpf_stats_enabled)
#   B/event    bytes of EVENTS chunks on disk per event
set -euo pipefail

. "$(dirname "$0")/common.sh"
storm_setup 4 "$@"

work=$(mktemp -d /tmp/er-threads-XXXXXX)
rec_pid=
cleanup() {
	[ -n "$rec_pid" ] && kill -INT "$rec_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -pthread -o "$work/threads" "$here/threads.c"
cc -O2 -I"$top/format" -o "$work/etr-count" "$here/etr-count.c" "$build/format/libetr.a" \
	-lzstd -lpthread

# CPU ns of every thread of a process so far
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
bpf_ns() {
	bpftool -j prog show 2>/dev/null | python3 -c '
import json, sys
print(sum(p.get("run_time_ns", 0) for p in json.load(sys.stdin)))'
}

sysctl -qw kernel.bpf_stats_enabled=1
results=$work/results
: >"$results"
echo "thread storm: $workers workers, ${secs}s per run, $rounds rounds" >&2
for ((r = 1; r <= rounds; r++)); do
	for t in none execrec; do
		out=$work/$t.$r
		c0=0 b0=0
		if [ "$t" = execrec ]; then
			"$execrec" record -q --threads -o "$out.etr" 2>"$out.err" &
			rec_pid=$!
			for ((i = 0; i < 3000; i++)); do [ -s "$out.etr" ] && break; sleep 0.01; done
			sleep 0.3 # past the start-up snapshot
			c0=$(cpu_ns "$rec_pid")
			b0=$(bpf_ns)
		fi
		line=$("$work/threads" -w "$workers" -d "$secs")
		n=$(echo "$line" | sed 's/.*threads=\([0-9]*\).*/\1/')
		s=$(echo "$line" | sed 's/.*seconds=\([0-9.]*\).*/\1/')
		rate=$(echo "$line" | sed 's/.*rate=\([0-9]*\).*/\1/')
		ev=- lost=- us=- core=- bpf=- bpe=-
		if [ "$t" = execrec ]; then
			c1=$(cpu_ns "$rec_pid")
			bpf=$(( ($(bpf_ns) - b0) / n ))
			sleep 0.5 # let it drain
			kill -INT "$rec_pid"
			wait "$rec_pid" || true
			rec_pid=
			cl=$("$work/etr-count" "$out.etr" threads threads)
			ev=$(echo "$cl" | sed 's/.*events=\([0-9]*\).*/\1/')
			lost=$(echo "$cl" | sed 's/.*lost=\([0-9]*\).*/\1/')
			bytes=$(echo "$cl" | sed 's/.*event_bytes=\([0-9]*\).*/\1/')
			us=$(echo "($c1 - $c0) / 1000 / $ev" | bc -l)
			core=$(echo "($c1 - $c0) / 10000000 / $s" | bc -l)
			bpe=$(echo "$bytes / $ev" | bc -l)
			ev=$(echo "$ev / $s" | bc -l)
		fi
		echo "$t $r $rate $ev $lost $us $core $bpf $bpe" >>"$results"
		echo "  round $r: $(tail -1 "$results")" >&2
		rm -f "$out".*
	done
done
sysctl -qw kernel.bpf_stats_enabled=0

python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def med(t, i):
    v = [float(r[i]) for r in rows if r[0] == t and r[i] != "-"]
    return statistics.median(v) if v else None
base = med("none", 2)
print("| tracer | threads/s | vs none | events/s | lost | rec us/ev | core % | bpf ns/ev | B/event |")
print("|---|---|---|---|---|---|---|---|---|")
for t in ("none", "execrec"):
    rate = med(t, 2)
    f = lambda x, s: "-" if x is None else s.format(x)
    print("| {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
        t, f(rate, "{:.0f}"), f(rate / base if rate and base else None, "{:.3f}"),
        f(med(t, 3), "{:.0f}"), f(med(t, 4), "{:.0f}"), f(med(t, 5), "{:.2f}"),
        f(med(t, 6), "{:.1f}"), f(med(t, 7), "{:.0f}"), f(med(t, 8), "{:.1f}")))
PY
