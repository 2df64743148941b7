#!/bin/sh
# In the test VM (tests/boot/run.sh): once execrec-boot.service has ended,
# write what the host checks to the second disk as a tar archive
# (/dev/vdb), with systemd-analyze's own view of the same boot, and power off.
set -u
out=/var/log/execrec
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
mkdir -p "$out"
systemctl is-system-running >"$out/state-$id.txt" 2>&1
systemd-analyze >"$out/time-$id.txt" 2>&1
systemd-analyze blame >"$out/blame-$id.txt" 2>&1
systemctl show multi-user.target -p ActiveEnterTimestampMonotonic --value >"$out/multi-user-$id.txt" 2>&1
journalctl -b -u execrec-boot.service --no-pager -o cat >"$out/journal-$id.txt" 2>&1
systemctl show execrec-boot.service -p Result -p ExecMainStatus -p ActiveEnterTimestampMonotonic \
	-p ExecMainStartTimestampMonotonic >"$out/unit-$id.txt" 2>&1
echo "$id" >"$out/current"
sync
tar cf /dev/vdb -C "$out" .
sync
poweroff -f
