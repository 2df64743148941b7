#!/bin/sh
# In the test VM (tests/boot/run.sh): once execrec-boot.service has ended,
# write what the host checks to the second disk as a tar archive
# (/dev/vdb): the boot traces of /var/log/execrec, and in run/ those that
# stayed in /run/execrec (a full or read-only /var/log/execrec), with
# systemd-analyze's own view of the same boot, and power off.  Gathered in
# /run, not in /var/log/execrec, which may be full.
set -u
out=/run/execrec-test-out
mkdir -p "$out/run"
# At multi-user.target (this unit's start), for bench/boot: the boot's
# uptime and busy CPU time of the whole machine (the root cgroup's cpu.stat:
# all CPUs, kernel threads too) and of the boot service's cgroup.
{
	echo "uptime $(cut -d' ' -f1 /proc/uptime)"
	sed 's/^/all /' /sys/fs/cgroup/cpu.stat
	sed 's/^/service /' /sys/fs/cgroup/system.slice/execrec-boot.service/cpu.stat 2>/dev/null
} >"$out/cpu-multi-user.txt"
i=0
while [ $i -lt 60 ]; do
	case $(systemctl is-active execrec-boot.service) in
	active | activating | deactivating | reloading) ;;
	*) break ;;
	esac
	sleep 2
	i=$((i + 1))
done
id=$(tr -d '-' </proc/sys/kernel/random/boot_id)
cp /var/log/execrec/boot-*.etr "$out"/ 2>/dev/null
cp /run/execrec/boot-*.etr "$out/run"/ 2>/dev/null
# what the boot service left in /var/log/execrec (no partial copy) and how full it is
ls -A /var/log/execrec >"$out/var-log-execrec-$id.txt" 2>&1
df -k /var/log/execrec >>"$out/var-log-execrec-$id.txt" 2>&1
systemctl is-system-running >"$out/state-$id.txt" 2>&1
systemd-analyze >"$out/time-$id.txt" 2>&1
systemd-analyze blame >"$out/blame-$id.txt" 2>&1
systemctl show multi-user.target -p ActiveEnterTimestampMonotonic --value >"$out/multi-user-$id.txt" 2>&1
journalctl -b -u execrec-boot.service --no-pager -o cat >"$out/journal-$id.txt" 2>&1
systemctl show -p UserspaceTimestampMonotonic -p FinishTimestampMonotonic >"$out/manager-$id.txt" 2>&1
systemctl show execrec-boot.service -p Result -p ExecMainStatus -p ActiveEnterTimestampMonotonic \
	-p ExecMainStartTimestampMonotonic -p CPUUsageNSec >"$out/unit-$id.txt" 2>&1
mv "$out/cpu-multi-user.txt" "$out/cpu-multi-user-$id.txt"
echo "$id" >"$out/current"
sync
tar cf /dev/vdb -C "$out" .
sync
poweroff -f
