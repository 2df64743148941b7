#!/bin/sh
# Whether two execrec binaries print the same for 'execrec probes': stdout,
# stderr and exit status of each invocation below (live lists, --all,
# --json, -v, counts, traces with a BTF subset and full BTF, uprobe and
# usdt on a binary and a process, errors). For a change that must not
# change the output, e.g. between a build of main and one of a branch:
#
#   tests/probes/compare-builds.sh OLD/tools/execrec NEW/tools/execrec [PROBES_TARGET]
#
# Prints the differences and exits 1 if there are any. /proc/kallsyms
# counts (-c) move when BPF programs or modules come and go between the
# two runs; run again before blaming the change.
set -u
cd "$(dirname "$0")/../.."
old=$1
new=$2
target=${3:-${PROBES_TARGET:-build/tests/probes/probes-target}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sub=tests/fixtures/real-command.etr
full=$tmp/full.etr
"$new" record -q --btf=full -o "$full" -- true 2>/dev/null || full=$sub

# Each invocation with the old binary, then at once with the new one, so
# that what changes on the machine in between (kallsyms) changes little.
run_all() {
	i=0
	mkdir -p "$tmp/old" "$tmp/new"
	while IFS= read -r line; do
		i=$((i + 1))
		eval "set -- $line"
		for v in old new; do
			[ $v = old ] && x=$old || x=$new
			"$x" probes "$@" > "$tmp/$v/$i.out" 2> "$tmp/$v/$i.err"
			echo "$? $line" > "$tmp/$v/$i.rc"
		done
	done <<EOF2

--all
-c
-c --all
-c -j
--json
--json --all
-v 'tracepoint:syscalls:sys_enter_exec*'
-v -j 'tracepoint:sched:*'
-v 'rawtracepoint:sched_*'
'kprobe:vfs_*'
-v 'kfunc:vfs_read'
-a -v 'kfunc:vfs_read' 'kprobe:do_nanosleep'
-v 'software:*' 'hardware:*'
-j -v 's:cs'
'*execve*'
-i $sub
-i $sub -v
-i $sub -j -v
-i $sub -c
-i $full -c
-i $full 'kprobe:vfs_r*'
-i $full -v -j 'kfunc:vfs_read' 'rawtracepoint:sched_switch'
-i $full -v 'tracepoint:*'
-i tests/fixtures/notatrace.etr
-i /nonexistent.etr
-i $sub 'uprobe:/bin/true:*'
'uprobe:$target:*'
-v 'uprobe:$target:*'
-v -j 'usdt:$target:*'
-v 'usdt:$target'
--no-libs 'uprobe:/bin/true:*'
-c 'uprobe:/bin/true' 'usdt:/bin/true'
-j 'uprobe:libc:malloc'
'uprobe:true:main'
'uprobe:/usr/lib/x86_64-linux-gnu/libc.so*:free'
'u:*:foo'
-p 1 'uprobe:*:malloc'
-p 1 -v 'usdt:*'
-p 999999999
-p abc
-p 1 -i $sub
'bogus:x'
''
'nothing_matches_this_*'
-x
-h
-c 'kprobe:*'
-j -c 'k:*' 'f:*'
EOF2
}

run_all
echo "compare-builds: $(ls "$tmp/new"/*.rc | wc -l) invocations of 'probes'"
diff -r "$tmp/old" "$tmp/new" && echo "compare-builds: no difference"
