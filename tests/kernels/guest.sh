#!/bin/sh
# SPDX-License-Identifier: MIT
#
# guest.sh EXECREC ER_WORKLOAD OUTDIR: record tests/record's scripted
# workload (er-workload all) under each program variant and failed-exec path
# worth checking on the running kernel, one directory per recording under
# OUTDIR: workload.etr, workload.log, stderr and "facts" (what
# test-record's ER_CHECK_DIR mode needs to check them elsewhere).
#
# Runs as /init's payload inside the VMs of run.sh, and on the host itself.
set -u

execrec=$1
workload=$2
out=$3
n=0

# one recording: $1 = --programs value, $2 = --failed-exec value, $3 = an
# option more (or -q)
record() {
	n=$((n + 1))
	# as long as test-record's own template, which it is written over
	tmp=/tmp/er-record-test-vmrun$n
	dir=$out/run$n
	rm -rf "$tmp" "$dir"
	mkdir -p "$tmp/work" "$dir"
	# a loop of execs outside CMD, which -- CMD must leave out
	"$workload" loop er-noise-marker 600 >/dev/null 2>&1 &
	noise=$!
	cd /
	"$execrec" record -q --programs="$1" --failed-exec="$2" "${3:--q}" -o "$dir/workload.etr" \
		-- "$workload" all "$tmp/workload.log" "$tmp/work" 2>"$dir/stderr" &
	pid=$!
	wait $pid
	status=$?
	kill $noise
	wait $noise 2>/dev/null
	cp "$tmp/workload.log" "$dir/" 2>/dev/null
	cat >"$dir/facts" <<FACTS
tmpdir=$tmp
workload=$workload
cwd=/
pid=$pid
status=$status
noise=er-noise-marker
programs=$1
failed_exec=$2
FACTS
	rm -rf "$tmp"
}

record auto auto
# the other failed-exec paths the kernel has
for p in kprobe tracepoint; do
	if ! "$execrec" info "$out/run1/workload.etr" 2>/dev/null | grep -q "bpf.failed_exec *$p" &&
		"$execrec" record -q -f -o /tmp/probe.etr --failed-exec=$p -- true 2>/dev/null; then
		record auto $p
	fi
done
rm -f /tmp/probe.etr
# the bounded-loop programs too, where auto took the bpf_loop ones
if "$execrec" info "$out/run1/workload.etr" 2>/dev/null | grep -q 'bpf.programs *bpf_loop'; then
	record bounded auto
fi
# The kprobe path with a kretprobe of one instance (a test knob): execs in
# flight beyond it lose their return, which must show as counted losses
# (run.sh checks lost.kprobe_missed), never silently.
if "$execrec" record -q -f -o /tmp/probe.etr --failed-exec=kprobe -- true 2>/dev/null; then
	mkdir -p "$out/kpmiss"
	EXECREC_KRETPROBE_MAXACTIVE=1 "$execrec" record -q --failed-exec=kprobe \
		-o "$out/kpmiss/workload.etr" -- /bin/sh -c \
		"for i in 1 2 3 4 5 6; do $workload loop er-kpmiss 2 >/dev/null & done; wait" \
		2>"$out/kpmiss/stderr"
	rm -f /tmp/probe.etr
fi
# what a forced fexit says where the kernel cannot have it (run.sh shows it)
mkdir -p "$out/kpmiss"
"$execrec" record -q -f -o /tmp/probe.etr --failed-exec=fexit -- true 2>"$out/kpmiss/fexit.stderr"
rm -f /tmp/probe.etr
# every recorder removed the kprobe events it made
for f in /sys/kernel/tracing/kprobe_events /sys/kernel/debug/tracing/kprobe_events; do
	if [ -f "$f" ] && grep -q execrec_ "$f"; then
		echo "guest.sh: kprobe events left behind in $f: $(grep execrec_ "$f" | tr '\n' ' ')" >>"$out/run1/stderr"
	fi
done
# A kernel without BTF of its own, as BTFHub's users have them: run.sh put
# the BTF taken out of this kernel's vmlinuz at /btf/vmlinux.btf; with
# /sys/kernel/btf hidden, auto must choose the raw_tp programs.
if [ -f /btf/vmlinux.btf ] && mount -t tmpfs none /sys/kernel/btf; then
	record auto auto --btf=/btf/vmlinux.btf
	umount /sys/kernel/btf
fi
exit 0
