#!/bin/sh
# SPDX-License-Identifier: MIT
#
# cgroup.sh EXECREC: the cgroup map recorded for real.  A cgroup made while
# recording (a unit-like path under a slice), a process run in it, the
# cgroup removed: the trace names it (CGROUP records: made, removed), the
# process's events carry its path and unit, --unit selects them, and the
# boot view lists the unit.  Skips (77) without root or cgroup v2, and
# without BPF unless EXECREC_REQUIRE_BPF=1.
set -u
exe=${1:?usage: cgroup.sh EXECREC}
require=${EXECREC_REQUIRE_BPF:-0}
[ "$(id -u)" -eq 0 ] || {
	echo "cgroup.sh: skipped: needs root"
	exit 77
}
root=
for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
	[ -e "$d/cgroup.controllers" ] && root=$d && break
done
[ -n "$root" ] || {
	echo "cgroup.sh: skipped: no cgroup v2 hierarchy"
	exit 77
}
work=$(mktemp -d /tmp/execrec-cgroup.XXXXXX)
slice=$root/execrec-test.slice
unit=execrec-test-$$.service
trap 'rmdir "$slice/$unit" "$slice" 2>/dev/null; rm -rf "$work"' EXIT
fail() {
	echo "cgroup.sh: FAIL: $*" >&2
	exit 1
}

"$exe" record -q -o "$work/t.etr" -d 3 2>"$work/err" &
rec=$!
sleep 1.5
if ! kill -0 "$rec" 2>/dev/null; then
	wait "$rec"
	cat "$work/err" >&2
	[ "$require" = 1 ] && fail "the recorder did not start"
	echo "cgroup.sh: skipped: the recorder cannot run here"
	exit 77
fi
mkdir -p "$slice/$unit" || fail "cannot make $slice/$unit"
sh -c "echo \$\$ >'$slice/$unit/cgroup.procs' && exec /bin/true execrec-cgroup-test" ||
	fail "cannot run a process in $slice/$unit"
rmdir "$slice/$unit" "$slice"
wait "$rec" || fail "record failed: $(cat "$work/err")"

t=$work/t.etr
"$exe" dump --type cgroup "$t" >"$work/dump" || fail "dump --type cgroup failed"
grep -q "op=2 id=[0-9]* path=\"/execrec-test.slice/$unit\"" "$work/dump" ||
	fail "no CGROUP record of the made cgroup: $(tail -n 5 "$work/dump")"
grep -q "op=3 id=[0-9]* path=\"/execrec-test.slice/$unit\"" "$work/dump" ||
	fail "no CGROUP record of the removed cgroup"
grep -q 'op=1 id=1 path="/"' "$work/dump" || fail "the walk at start did not name the root"
"$exe" timeline --json --unit "$unit" "$t" >"$work/tl" || fail "timeline --unit failed"
grep -q "\"event\":\"exec\".*\"argv\":\[\"/bin/true\",\"execrec-cgroup-test\"\].*\"cgroup\":\"/execrec-test.slice/$unit\",\"unit\":\"$unit\"" "$work/tl" ||
	fail "the exec in $unit is not shown with its cgroup and unit: $(cat "$work/tl")"
grep -v "\"unit\":\"$unit\"" "$work/tl" | grep -q . && fail "--unit $unit let other events through"
"$exe" boot "$t" | awk -v u="$unit" '$1 == u && $5 >= 1 { ok = 1 } END { exit !ok }' ||
	fail "the boot view does not list $unit with its process"
echo "cgroup.sh: $unit made, used and removed while recording: named in the trace"
