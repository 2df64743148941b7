#!/bin/sh
# Build execrec, record a small demo workload, and print its report.
set -eu
cd "$(dirname "$0")/.."
tools/deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null

# Recording needs tracefs; some machines boot without it mounted.
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing

out=${1:-/tmp/execrec-demo.etr}
rm -f "$out"
# A workload with what the report shows: repeated short commands, a failed
# exec, a non-zero exit, a process killed by a signal, a pipeline.
build/tools/execrec record -q --force -o "$out" -- sh -c '
	for i in 1 2 3 4 5; do date +%s.%N >/dev/null; uname -r >/dev/null; done
	ls / | wc -l >/dev/null
	/no/such/program 2>/dev/null
	false
	sleep 10 & kill -TERM $!; wait
	sh -c "echo nested | tr a-z A-Z >/dev/null"
	true'
build/tools/execrec report "$out"
echo "(trace kept in $out: try 'build/tools/execrec tree $out')" >&2
