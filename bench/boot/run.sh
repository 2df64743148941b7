#!/bin/bash
# SPDX-License-Identifier: MIT
#
# run.sh BUILDDIR [BOOTS]: what execrec-boot.service costs a boot, and how
# soon it is attached.  ROWS=FILE keeps the figures of every boot there.
# The boot test's Debian 12 root (tests/boot/image.sh) is made three times:
# with the service enabled, with it and EXECREC_BOOT_WAIT=no, and without
# it; each is booted BOOTS times, interleaved (with, with-nowait, without,
# with, ...), in each of MODES
# (default "nspawn qemu"):
#   nspawn  systemd-nspawn -b of the root at native speed (this machine's
#           kernel; --capability=all and the system calls BPF needs; the
#           recorder sees every process of the machine, not only the
#           container's); BOOTS (default 10) boots each;
#   qemu    qemu TCG with Debian's kernel, as the boot test; QEMU_BOOTS
#           (default 3) boots each, about a minute per boot.
# Per boot, systemd's own figures (the test's exporter unit writes them at
# multi-user.target and once the service is done):
#   - userspace start to multi-user.target (ActiveEnterTimestamp of the
#     target minus the manager's UserspaceTimestamp);
#   - busy CPU time to multi-user.target: the root cgroup's cpu.stat (the
#     whole VM, or the container's cgroup);
#   - the service's CPU to multi-user.target (its cgroup's cpu.stat) and over
#     its whole recording (CPUUsageNSec);
#   - attach latency: from the unit's main process start
#     (ExecMainStartTimestampMonotonic) to READY=1 (ActiveEnterTimestamp of
#     the unit: the programs are attached, and the units ordered after it
#     wait until then), and to the recorder's first clock anchor in the
#     trace (written next, with the start of the trace).  With
#     EXECREC_BOOT_WAIT=no READY=1 comes at once and the anchor tells when
#     the recorder was attached.
# Prints a table of medians per mode (spread in brackets).  Needs root;
# nspawn mode needs systemd-container (tools/deps.sh).
set -uo pipefail
build=$(cd "${1:?usage: run.sh BUILDDIR [BOOTS]}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tests=$here/../../tests/boot
execrec=$build/tools/execrec
modes=${MODES:-nspawn qemu}
work=$(mktemp -d /tmp/execrec-bootbench.XXXXXX)
# with-nowait: the service with EXECREC_BOOT_WAIT=no (as in /etc/default/execrec),
# so that the boot does not wait for the recorder to be attached (and the
# processes of that time that end before it are not recorded); NOWAIT=0
# leaves it out
variants="with with-nowait without"
[ "${NOWAIT:-1}" = 0 ] && variants="with without"
cleanup() {
	for v in $variants; do
		mountpoint -q "$work/$v/root" && umount "$work/$v/root"
	done
	rm -rf "$work"
}
trap cleanup EXIT

for v in $variants; do
	"$tests/image.sh" "$build" "$work/$v" "${v%-nowait}" >/dev/null || exit 1
	if [ "$v" = with-nowait ]; then
		mkdir -p "$work/$v/root"
		mount -o loop "$work/$v/root.img" "$work/$v/root" || exit 1
		# a drop-in: the settings file is where the prefix puts it
		mkdir -p "$work/$v/root/etc/systemd/system/execrec-boot.service.d"
		printf '[Service]\nEnvironment=EXECREC_BOOT_WAIT=no\n' \
			>"$work/$v/root/etc/systemd/system/execrec-boot.service.d/nowait.conf"
		umount "$work/$v/root"
	fi
done

# One boot in a container at native speed; what the exporter wrote lands in
# $work/$v/out$n as with vm.sh.
nspawn_boot() {
	local v=$1 n=$2 out=$work/$1/out$2 root=$work/$1/root
	if ! mountpoint -q "$root"; then
		mkdir -p "$root"
		mount -o loop "$work/$v/root.img" "$root" || return 1
	fi
	rm -rf "$out"
	mkdir -p "$out"
	# A cgroup of its own, new at each boot: the container's root cgroup,
	# whose cpu.stat is then the boot's alone.
	# SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: cgroup v2 in the container on a
	# host with the hybrid layout too; --keep-unit, --register=no: no
	# system bus needed on the host
	local cg=$cg2/execrec-bench.$$.$v.$n
	mkdir "$cg" || return 1
	# shellcheck disable=SC2016 # $$ and "$@" are the inner shell's
	SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 timeout 120 sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg" \
		systemd-nspawn -q -D "$root" -b --register=no --keep-unit --capability=all \
		--system-call-filter='bpf perf_event_open' --bind=/sys/kernel/tracing \
		--bind="$out:/run/execrec-test-out" >"$work/$v/console$n.log" 2>&1 </dev/null
	find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null
	if [ ! -f "$out/current" ]; then
		echo "run.sh: nspawn boot $n ($v) brought nothing out; the console's end:" >&2
		tail -n 20 "$work/$v/console$n.log" >&2
		return 1
	fi
}

# key=value of a systemctl show file
prop() { sed -n "s/^$2=//p" "$1" | head -n 1; }
# "all usage_usec N" of a cpu file
cpu() { awk -v w="$2" '$1 == w && $2 == "usage_usec" { print $3 }' "$1"; }

# One row per boot: mode variant n mu_us busy_us svc_mu_us svc_all_us anchor_us ready_us
collect() {
	local mode=$1 v=$2 n=$3 d=$work/$2/out$3 id mu us busy svc svcall start anchor ready trace
	id=$(cat "$d/current")
	mu=$(cat "$d/multi-user-$id.txt")
	us=$(prop "$d/manager-$id.txt" UserspaceTimestampMonotonic)
	busy=$(cpu "$d/cpu-multi-user-$id.txt" all)
	svc=$(cpu "$d/cpu-multi-user-$id.txt" service)
	svcall=$(prop "$d/unit-$id.txt" CPUUsageNSec)
	start=$(prop "$d/unit-$id.txt" ExecMainStartTimestampMonotonic)
	ready=$(prop "$d/unit-$id.txt" ActiveEnterTimestampMonotonic)
	anchor=-
	trace=$(find "$d" -name "boot-*-$id.etr" | head -n 1)
	if [ "$v" != without ]; then
		if [ -z "$trace" ] || [ "$(prop "$d/unit-$id.txt" Result)" != success ]; then
			echo "run.sh: $mode boot $n: the service recorded nothing: $(tr '\n' ' ' <"$d/journal-$id.txt")" >&2
			return 1
		fi
		# the first clock anchor, monotonic ns
		anchor=$("$execrec" dump "$trace" | sed -n 's/.* clock .*monotonic=\([0-9]*\).*/\1/p' | head -n 1)
		anchor=$(((anchor / 1000) - start))
		ready=$((ready - start))
		svcall=$((svcall / 1000))
	else
		svc=- svcall=- ready=-
	fi
	echo "$mode $v $n $((mu - us)) $busy ${svc:-0} $svcall $anchor $ready" >>"$work/rows"
	echo "run.sh: $mode boot $n $v: multi-user.target $(((mu - us) / 1000)) ms after userspace start, busy CPU $((busy / 1000)) ms$([ "$v" != without ] && echo ", service CPU $((svc / 1000)) ms, first anchor $((anchor / 1000)) ms and ready $((ready / 1000)) ms after the unit's start")" >&2
}

for mode in $modes; do
	case $mode in
	nspawn)
		boots=${2:-10}
		command -v systemd-nspawn >/dev/null || {
			echo "run.sh: systemd-nspawn is missing (tools/deps.sh installs systemd-container)" >&2
			exit 1
		}
		# the cgroup v2 hierarchy: all of it, or its part of a hybrid layout
		cg2=/sys/fs/cgroup
		[ -e $cg2/cgroup.controllers ] || cg2=/sys/fs/cgroup/unified
		[ -e $cg2/cgroup.controllers ] || {
			echo "run.sh: no cgroup v2 hierarchy in /sys/fs/cgroup" >&2
			exit 1
		}
		;;
	qemu) boots=${QEMU_BOOTS:-3} ;;
	*)
		echo "run.sh: MODES: '$mode' is not nspawn or qemu" >&2
		exit 2
		;;
	esac
	for i in $(seq 1 "$boots"); do
		for v in $variants; do
			if [ "$mode" = nspawn ]; then
				nspawn_boot "$v" "$i" || exit 1
			else
				"$tests/vm.sh" "$work/$v" "$i" || exit 1
			fi
			collect "$mode" "$v" "$i" || exit 1
		done
	done
	for v in $variants; do
		mountpoint -q "$work/$v/root" && umount "$work/$v/root"
	done
done

[ -n "${ROWS:-}" ] && cp "$work/rows" "$ROWS"

# the median and the spread of column $3 of variant $2 in mode $1, in ms
summary() {
	awk -v m="$1" -v v="$2" -v c="$3" '$1 == m && $2 == v && $c != "-" { print $c / 1000 }' "$work/rows" |
		sort -n | awk '{ x[NR] = $1 } END {
			if (!NR) { print "- - -"; exit }
			med = NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
			printf "%.1f %.1f %.1f\n", med, x[1], x[NR] }'
}
for mode in $modes; do
	n=$(awk -v m="$mode" '$1 == m && $2 == "with"' "$work/rows" | wc -l)
	echo
	echo "$mode: median of $n boots each, interleaved (spread); times in ms"
	printf '%-46s %24s %24s %8s\n' "" "with" "without" "ratio"
	read -r mw lw hw <<<"$(summary "$mode" with 4)"
	read -r mo lo ho <<<"$(summary "$mode" without 4)"
	printf '%-46s %24s %24s %8.3f\n' "userspace start to multi-user.target" "$mw ($lw-$hw)" \
		"$mo ($lo-$ho)" "$(awk -v a="$mw" -v b="$mo" 'BEGIN { print a / b }')"
	read -r bw lbw hbw <<<"$(summary "$mode" with 5)"
	read -r bo lbo hbo <<<"$(summary "$mode" without 5)"
	printf '%-46s %24s %24s %8.3f\n' "busy CPU to multi-user.target" "$bw ($lbw-$hbw)" \
		"$bo ($lbo-$hbo)" "$(awk -v a="$bw" -v b="$bo" 'BEGIN { print a / b }')"
	printf '%-46s %24s %24s %8s   %s\n' "cost: with - without" "" "" "" \
		"$(awk -v a="$mw" -v b="$mo" 'BEGIN { printf "%+.1f ms to multi-user = %+.1f%% of the time without", a - b, 100 * (a - b) / b }')"
	read -r s ls hs <<<"$(summary "$mode" with 6)"
	printf '%-46s %24s %24s %8s   %s\n' "execrec-boot.service CPU to multi-user.target" "$s ($ls-$hs)" "" "" \
		"$(awk -v s="$s" -v b="$bw" -v m="$mo" 'BEGIN { printf "%.1f%% of the busy CPU, %.1f%% of the time to multi-user without", 100 * s / b, 100 * s / m }')"
	read -r s ls hs <<<"$(summary "$mode" with 7)"
	printf '%-46s %24s\n' "execrec-boot.service CPU, whole recording" "$s ($ls-$hs)"
	read -r s ls hs <<<"$(summary "$mode" with 9)"
	printf '%-46s %24s %24s %8s   %s\n' "unit start to READY=1 (attached; units wait)" "$s ($ls-$hs)" "" "" \
		"$(awk -v s="$s" -v m="$mo" 'BEGIN { printf "%.1f%% of the time to multi-user without", 100 * s / m }')"
	read -r s ls hs <<<"$(summary "$mode" with 8)"
	printf '%-46s %24s\n' "unit start to the first clock anchor" "$s ($ls-$hs)"
	read -r s ls hs <<<"$(summary "$mode" with-nowait 4)"
	[ "$s" = - ] && continue
	printf '%-46s %24s %24s %8.3f   %s\n' "EXECREC_BOOT_WAIT=no: to multi-user.target" \
		"$s ($ls-$hs)" "$mo ($lo-$ho)" "$(awk -v a="$s" -v b="$mo" 'BEGIN { print a / b }')" \
		"$(awk -v a="$s" -v b="$mo" 'BEGIN { printf "%+.1f ms = %+.1f%% of the time without", a - b, 100 * (a - b) / b }')"
	read -r s ls hs <<<"$(summary "$mode" with-nowait 5)"
	printf '%-46s %24s %24s %8.3f\n' "EXECREC_BOOT_WAIT=no: busy CPU to multi-user" \
		"$s ($ls-$hs)" "$bo ($lbo-$hbo)" "$(awk -v a="$s" -v b="$bo" 'BEGIN { print a / b }')"
	read -r s ls hs <<<"$(summary "$mode" with-nowait 8)"
	printf '%-46s %24s\n' "EXECREC_BOOT_WAIT=no: unit start to first anchor" "$s ($ls-$hs)"
done
