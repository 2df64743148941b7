#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The exec-storm benchmark: W workers fork+exec+wait a tiny static program as
# fast as the machine allows, with no tracer, with `execrec record` (and with
# `execrec record --redact`), and, when
# installed, with libbpf-tools' execsnoop and the bpftrace one-liner, the
# tracers interleaved round by round so drift hits them all alike.
#
#   bench/storm/run.sh [-b BUILD_DIR] [-d SECONDS] [-r ROUNDS] [-w WORKERS]
#
# Needs root, a built tree (default BUILD_DIR: build), cc, and for the peers
# `apt-get install libbpf-tools bpftrace`.  Prints one table, medians over the
# rounds:
#   rate      processes/s during the storm, and as a ratio to no tracer
#   captured  exec events of the storm's program the tracer reported / processes run
#   lost      events the tracer says it lost (n/a: it cannot tell)
#   B/proc    bytes of EVENTS chunks on disk per process (fork+exec+exit); in a
#             system-wide trace, the storm's share by its share of the events
#   cpu       the tracer's user+system CPU seconds for the round
#   rss       the tracer's peak RSS
#   ready     seconds from starting the tracer until it records
#   bpf       ns of BPF program run time per storm process (kernel.bpf_stats_enabled)
#   cpu/proc  CPU us per process: the storm's own (BPF run on its behalf included)
#             plus the tracer's while the storm ran
#   projected the rate ratio the CPU cost implies for a CPU-bound storm: none's
#             cpu/proc over the tracer's.  The wall-clock rate swings with
#             whatever else runs on the machine; CPU time per process does not.
set -euo pipefail

. "$(dirname "$0")/common.sh"
storm_setup 5 "$@"
[ -x /usr/bin/time ] || { echo "run.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d /tmp/er-storm-XXXXXX)
tracer_pid=
cleanup() {
	[ -n "$tracer_pid" ] && kill -INT "$tracer_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -static -nostdlib -o "$work/storm-nop" "$here/nop.c"
cc -O2 -o "$work/storm" "$here/storm.c"
cc -O2 -I"$top/format" -o "$work/etr-count" "$here/etr-count.c" "$build/format/libetr.a" \
	-lzstd -lpthread

# execrec-redact: the same with --redact, for what the redaction costs
tracers=(none execrec execrec-redact)
[ -x /usr/sbin/execsnoop ] && tracers+=(execsnoop)
command -v bpftrace >/dev/null && tracers+=(bpftrace)
bt_prog='tracepoint:syscalls:sys_enter_execve,tracepoint:syscalls:sys_enter_execveat { printf("%-6d %-8s", pid, comm); join(args->argv); }'

now() { date +%s.%N; }

# wait until $1 (a test command string) succeeds, at most 30 s
wait_ready() {
	local i
	for ((i = 0; i < 3000; i++)); do
		if eval "$1"; then return 0; fi
		sleep 0.01
	done
	echo "run.sh: tracer never became ready" >&2
	return 1
}

hz=$(getconf CLK_TCK)
# user+system clock ticks of a process so far
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# the tracer process started under /usr/bin/time
child_of() { pgrep -P "$1" | head -1; }

# BPF run time (ns) of all programs loaded: one tracer runs at a time, so the
# difference across a storm is that tracer's
bpf_ns() {
	bpftool -j prog show 2>/dev/null | python3 -c '
import json, sys
print(sum(p.get("run_time_ns", 0) for p in json.load(sys.stdin)))'
}

results=$work/results
: >"$results"
sysctl -qw kernel.bpf_stats_enabled=1

run_one() {
	local t=$1 r=$2 out=$work/$1.$2 t0 t1 ready=- pid= line procs rate
	local captured=- lost=- bytes=- cpu=- rss=- bpf=-

	t0=$(now)
	case $t in
	none) ;;
	execrec | execrec-redact)
		local extra=
		if [ "$t" = execrec-redact ]; then extra=--redact; fi
		/usr/bin/time -f '%U %S %M' -o "$out.time" "$execrec" record -o "$out.etr" \
			$extra 2>"$out.err" &
		tracer_pid=$!
		wait_ready "[ -s '$out.etr' ]"
		;;
	execsnoop)
		/usr/bin/time -f '%U %S %M' -o "$out.time" /usr/sbin/execsnoop >"$out.txt" 2>&1 &
		tracer_pid=$!
		wait_ready "grep -qs PCOMM '$out.txt'"
		;;
	bpftrace)
		/usr/bin/time -f '%U %S %M' -o "$out.time" bpftrace -e "$bt_prog" >"$out.txt" 2>&1 &
		tracer_pid=$!
		wait_ready "grep -qs Attaching '$out.txt'"
		;;
	esac
	t1=$(now)
	[ "$t" != none ] && ready=$(echo "$t1 - $t0" | bc -l)
	[ "$t" != none ] && pid=$(child_of "$tracer_pid")
	local bpf0 tcpu0=0 tcpu=0 scpu
	bpf0=$(bpf_ns)
	[ -n "$pid" ] && tcpu0=$(ticks "$pid")

	line=$("$work/storm" -w "$workers" -d "$secs" "$work/storm-nop")
	procs=$(echo "$line" | sed 's/.*processes=\([0-9]*\).*/\1/')
	scpu=$(echo "$line" | sed 's/.*cpu_us=\([0-9.]*\).*/\1/')
	[ -n "$pid" ] && tcpu=$(( $(ticks "$pid") - tcpu0 ))
	# tracer ticks -> us per process, added to the storm's own
	scpu=$(echo "$scpu + $tcpu * 1000000 / $hz / $procs" | bc -l)
	rate=$(echo "$line" | sed 's/.*rate=\([0-9]*\).*/\1/')

	if [ "$t" != none ]; then
		bpf=$(( $(bpf_ns) - bpf0 ))
		bpf=$(echo "$bpf / $procs" | bc)
		sleep 0.5 # let the tracer drain
		kill -INT "$pid"
		wait "$tracer_pid" || true
		tracer_pid=
		read -r u s m <"$out.time"
		cpu=$(echo "$u + $s" | bc -l)
		rss=$(echo "scale=1; $m / 1024" | bc -l)
	fi
	case $t in
	execrec | execrec-redact)
		line=$("$work/etr-count" "$out.etr" storm-nop storm)
		captured=$(echo "$line" | sed 's/.*execs=\([0-9]*\).*/\1/')
		lost=$(echo "$line" | sed 's/.*lost=\([0-9]*\).*/\1/')
		bytes=$(echo "$line" | sed 's/.*storm_bytes=\([0-9]*\).*/\1/')
		bytes=$(echo "scale=1; $bytes / $procs" | bc -l)
		# the recorder's own measure: from its start to attached
		ready=$(sed -n 's/.*ready \([0-9.]*\) s.*/\1/p' "$out.err")
		;;
	execsnoop)
		# lines whose program is the storm's (not the storm command itself)
		captured=$(grep -c '^storm-nop ' "$out.txt" || true)
		;;
	bpftrace)
		captured=$( (grep -v ' -w ' "$out.txt" || true) | grep -c 'storm-nop *$' || true)
		lost=$( (grep -o 'Lost [0-9]*' "$out.txt" || true) | awk '{s += $2} END {print s + 0}')
		;;
	esac
	echo "$t $r $procs $rate $captured $lost $bytes $cpu $rss $ready $bpf $scpu" >>"$results"
	rm -f "$out".*
}

echo "storm: $workers workers, ${secs}s per run, $rounds rounds, tracers: ${tracers[*]}" >&2
for ((r = 1; r <= rounds; r++)); do
	for t in "${tracers[@]}"; do
		run_one "$t" "$r"
		echo "  round $r: $(tail -1 "$results")" >&2
	done
done
sysctl -qw kernel.bpf_stats_enabled=0

python3 - "$results" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def med(vals):
    v = [float(x) for x in vals if x not in ("-", "")]
    return statistics.median(v) if v else None
order = []
for r in rows:
    if r[0] not in order:
        order.append(r[0])
base = med(r[3] for r in rows if r[0] == "none")
def fmt(x, f):
    return "-" if x is None else f.format(x)
base_cpu = med(r[11] for r in rows if r[0] == "none")
print("| tracer | processes/s | vs none | captured | lost | B/proc | cpu s | rss MiB | ready s | bpf ns/proc | cpu us/proc | projected |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for t in order:
    rs = [r for r in rows if r[0] == t]
    rate = med(r[3] for r in rs)
    cap = None
    if rs[0][4] != "-":
        cap = statistics.median(float(r[4]) / float(r[2]) for r in rs)
    lost = "n/a" if t == "execsnoop" else ("-" if t == "none" else fmt(med(r[5] for r in rs), "{:.0f}"))
    cpu = med(r[11] for r in rs)
    print("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
        t, fmt(rate, "{:.0f}"), fmt(rate / base if base and rate else None, "{:.3f}"),
        fmt(cap, "{:.4f}"), lost, fmt(med(r[6] for r in rs), "{:.1f}"),
        fmt(med(r[7] for r in rs), "{:.2f}"), fmt(med(r[8] for r in rs), "{:.1f}"),
        fmt(med(r[9] for r in rs), "{:.2f}"), fmt(med(r[10] for r in rs), "{:.0f}"),
        fmt(cpu, "{:.0f}"), fmt(base_cpu / cpu if base_cpu and cpu else None, "{:.3f}")))
EOF
