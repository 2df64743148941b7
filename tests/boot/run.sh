#!/bin/bash
# SPDX-License-Identifier: MIT
#
# run.sh BUILDDIR: the boot trace on a real Debian 12 boot.  A minimal
# bookworm root with systemd, udev and Debian's 6.1 cloud kernel (root.sh,
# cached) gets the built execrec as a user installs it (meson install with
# DESTDIR, then systemctl enable execrec-boot.service), plus a workload unit
# of the test's own and an exporter unit that writes the finished trace to
# a second disk.  The root is booted twice under qemu (TCG), and the traces
# are checked on this machine:
#   - info --verify is clean and the trace ended cleanly (END), stopped on
#     its own at boot complete (the service's journal says so);
#   - systemd-journald.service and systemd-udevd.service ran their first
#     process after the recording started (not in the snapshot);
#   - at least 10 units are named with processes; the boot view lists
#     systemd-udevd.service and the test's unit with theirs;
#   - chart --by-unit draws a lane for each unit of the boot view;
#   - diff --by-unit of the two boots finds no new or gone unit.
# The second boot has /var/log/execrec on a full filesystem (the test's
# unit mounts a filled 32 KiB tmpfs there before the boot is finished): the
# service must leave the trace in /run/execrec, whole (the checks above
# hold for it), leave no partial copy behind, and say so in the journal.
# OUT=DIR keeps the traces and systemd-analyze's files there.  Needs root.
set -uo pipefail
build=$(cd "${1:?usage: run.sh BUILDDIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
execrec=$build/tools/execrec
require=${EXECREC_REQUIRE_BPF:-0}
t0=$(date +%s)
step() { echo "boot: [$(($(date +%s) - t0))s] $*"; }
fail() {
	echo "boot: FAIL: $*" >&2
	status=1
}
status=0

if [ "$(id -u)" -ne 0 ]; then
	echo "boot: skipped: debootstrap, mounts and qemu's disk images need root"
	exit 77
fi
for tool in qemu-system-x86_64 mkfs.ext4 debootstrap; do
	if ! command -v "$tool" >/dev/null; then
		echo "boot: $tool is missing (tools/deps.sh installs it)" >&2
		[ "$require" = 1 ] && exit 1
		exit 77
	fi
done
if [ ! -x "$build/tools/boot/execrec-boot" ] && [ ! -f "$build/tools/boot/execrec-boot" ]; then
	echo "boot: $build has no recorder (execrec-boot not built)" >&2
	[ "$require" = 1 ] && exit 1
	exit 77
fi

work=$(mktemp -d /tmp/execrec-boot.XXXXXX)
cleanup() {
	mountpoint -q "$work/mnt" && umount "$work/mnt"
	[ "${KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

# 1-2. The disk: the root with execrec installed and the unit enabled.
step "image"
"$here/image.sh" "$build" "$work" with || exit 1

# 3. Boot it twice, the second time with a full /var/log/execrec.
for n in 1 2; do
	step "boot $n$([ $n = 2 ] && echo ', /var/log/execrec full')"
	"$here/vm.sh" "$work" "$n" "$([ $n = 2 ] && echo execrec.test=full)" || {
		fail "boot $n brought no trace out"
		exit 1
	}
done
step "booted twice"

# 4. Check each boot.
units_of() { "$execrec" boot --json "$1" | sed -n 's/^{"record":"unit","unit":"\([^"]*\)".*/\1/p' | sort; }
for n in 1 2; do
	d=$work/out$n
	id=$(cat "$d/current")
	# boot 1: moved to /var/log/execrec; boot 2 (full): kept in /run/execrec
	where=$([ $n = 1 ] && echo "$d" || echo "$d/run")
	trace=$(find "$where" -maxdepth 1 -name "boot-*-$id.etr" | head -n 1)
	if [ -z "$trace" ]; then
		fail "boot $n: no boot-*-$id.etr in $([ $n = 1 ] && echo /var/log/execrec || echo /run/execrec) (journal: $(tr '\n' ' ' <"$d/journal-$id.txt"))"
		continue
	fi
	cp "$trace" "$work/boot$n.etr"
	echo "boot $n: $(basename "$trace"), $(stat -c %s "$trace") bytes"
	if ! "$execrec" info --verify "$trace" >"$work/verify$n.txt" 2>&1; then
		fail "boot $n: info --verify: $(cat "$work/verify$n.txt")"
	fi
	grep -q 'boot complete (system \(running\|degraded\))' "$d/journal-$id.txt" ||
		fail "boot $n: the recorder did not stop at boot complete: $(cat "$d/journal-$id.txt")"
	if [ $n = 1 ]; then
		grep -q "trace: /var/log/execrec/boot-" "$d/journal-$id.txt" ||
			fail "boot $n: the service did not move the trace to /var/log/execrec"
	else
		# the full disk: said in the journal, the trace whole in /run, no
		# partial copy left in /var/log/execrec (only the test's filler)
		line=$(grep "cannot write /var/log/execrec" "$d/journal-$id.txt")
		echo "boot $n: journal: $line"
		case $line in
		*"the trace stays in /run/execrec/$(basename "$trace")") ;;
		*) fail "boot $n: the journal does not say the trace stays in /run/execrec: $(cat "$d/journal-$id.txt")" ;;
		esac
		[ -n "$(find "$d" -maxdepth 1 -name 'boot-*.etr')" ] &&
			fail "boot $n: a trace was written to the full /var/log/execrec"
		left=$(sed -n '1,/^Filesystem/p' "$d/var-log-execrec-$id.txt" | grep -v '^Filesystem' | tr '\n' ' ')
		[ "$left" = "fill " ] ||
			fail "boot $n: /var/log/execrec holds '$left', not only the test's filler"
		grep -q ' 100% /var/log/execrec$' "$d/var-log-execrec-$id.txt" ||
			fail "boot $n: /var/log/execrec was not full: $(cat "$d/var-log-execrec-$id.txt")"
		"$execrec" info "$trace" | grep -q 'ended cleanly' ||
			fail "boot $n: the trace in /run/execrec did not end cleanly: $("$execrec" info "$trace" 2>&1 | grep -i integ)"
	fi
	# first processes of journald and udevd: recorded, not in the snapshot
	for u in systemd-journald.service systemd-udevd.service; do
		first=$("$execrec" timeline --json --snapshot --unit "$u" "$trace" | head -n 1 |
			sed -n 's/.*"event":"\([a-z_]*\)".*/\1/p')
		case $first in
		fork | exec) echo "boot $n: $u: first process recorded from its $first" ;;
		*) fail "boot $n: $u: first record is '${first:-none}', not a recorded fork or exec" ;;
		esac
	done
	"$execrec" boot "$trace" >"$work/bootview$n.txt" || fail "boot $n: execrec boot failed"
	units_of "$trace" >"$work/units$n.txt"
	nunits=$(wc -l <"$work/units$n.txt")
	echo "boot $n: $nunits units named with processes"
	[ "$nunits" -ge 10 ] || fail "boot $n: only $nunits units named"
	for u in systemd-udevd.service execrec-boot-test.service; do
		line=$(awk -v u="$u" '$1 == u' "$work/bootview$n.txt")
		procs=$(echo "$line" | awk '{ print $5 }')
		[ -n "$line" ] && [ "${procs:-0}" -gt 0 ] || fail "boot $n: the boot view has no $u with processes"
	done
	tu=$(awk '$1 == "execrec-boot-test.service"' "$work/bootview$n.txt")
	# 3 x true, the failed exec, sh -c 'exit 3'
	echo "$tu" | awk '{ exit !($7 >= 1 && $8 >= 1) }' ||
		fail "boot $n: the test unit's failed exec and exit 3 are not counted: $tu"
	# the chart by unit: a lane for each unit of the boot view, udevd's too
	if "$execrec" chart --by-unit --min-duration 0 "$trace" -o "$work/units$n.svg" --force; then
		lanes=$(grep -c '<text class="u" ' "$work/units$n.svg")
		all=$("$execrec" boot --json "$trace" | sed -n '1s/.*"units":\([0-9]*\)}.*/\1/p')
		echo "boot $n: chart --by-unit: $lanes lanes"
		[ "$lanes" = "$all" ] || fail "boot $n: chart --by-unit drew $lanes lanes, the boot view has $all units"
		grep -q '<text class="u" [^>]*>systemd-udevd.service</text>' "$work/units$n.svg" ||
			fail "boot $n: chart --by-unit has no systemd-udevd.service lane"
	else
		fail "boot $n: chart --by-unit failed"
	fi
	echo "systemd-analyze: $(head -n 1 "$d/time-$id.txt")"
	end_ns=$("$execrec" boot --json "$trace" | sed -n '1s/.*"end_ns":\([0-9]*\).*/\1/p')
	first_ns=$("$execrec" boot --json "$trace" | sed -n '1s/.*"before_recorder_ns":\([0-9]*\).*/\1/p')
	echo "boot $n: recorded from $(awk -v n="$first_ns" 'BEGIN { printf "%.3f", n / 1e9 }') s to $(awk -v n="$end_ns" 'BEGIN { printf "%.3f", n / 1e9 }') s after kernel start; $(grep -h 'ready' "$d/journal-$id.txt" | sed 's/.*(\(ready [^)]*\)).*/\1/')"
done
if [ -f "$work/boot1.etr" ] && [ -f "$work/boot2.etr" ]; then
	"$execrec" diff --by-unit --fail-on new,gone "$work/boot1.etr" "$work/boot2.etr" >"$work/diff.txt" 2>&1
	rc=$?
	sed 's/^/diff --by-unit: /' "$work/diff.txt"
	[ $rc = 0 ] || fail "boot: diff --by-unit of the two boots found new or gone units (exit $rc)"
fi
if [ -n "${OUT:-}" ]; then
	mkdir -p "$OUT"
	cp -r "$work"/out1 "$work"/out2 "$work"/bootview*.txt "$OUT"/ 2>/dev/null
	cp "$work"/boot*.etr "$OUT"/ 2>/dev/null
fi
[ -f "$work/bootview1.txt" ] && cat "$work/bootview1.txt"
step "done: $([ $status = 0 ] && echo pass || echo FAIL)"
exit $status
