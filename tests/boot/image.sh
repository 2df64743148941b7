#!/bin/bash
# SPDX-License-Identifier: MIT
#
# image.sh BUILDDIR WORKDIR [with|without]: the disk of the boot test and the
# boot benchmark.  An overlay of the cached root (root.sh) gets the built
# execrec as a user installs it (meson install with DESTDIR), the test's
# workload and exporter units, and with "with" (the default) `systemctl
# enable execrec-boot.service` run in the root; it becomes WORKDIR/root.img
# (ext4), with the root's kernel and initramfs beside it (vmlinuz,
# initrd.img).  Needs root.
set -uo pipefail
build=$(cd "${1:?usage: image.sh BUILDDIR WORKDIR [with|without]}" && pwd)
work=${2:?usage: image.sh BUILDDIR WORKDIR [with|without]}
service=${3:-with}
here=$(cd "$(dirname "$0")" && pwd)
mnt=$work/mnt

root=$("$here/root.sh") || exit 1
mkdir -p "$work"
meson install -C "$build" --destdir "$work/dest" --quiet >"$work/install.log" 2>&1 || {
	cat "$work/install.log" >&2
	echo "image.sh: meson install failed" >&2
	exit 1
}
rm -rf "$work/upper" "$work/ovl"
mkdir -p "$work/upper" "$work/ovl" "$mnt"
mount -t overlay overlay -o "lowerdir=$root,upperdir=$work/upper,workdir=$work/ovl" "$mnt" || exit 1
trap 'mountpoint -q "$mnt" && umount "$mnt"' EXIT
cp -a "$work/dest/." "$mnt/"
# not a first boot: systemd-firstboot would ask on the console
printf '%s\n' 0123456789abcdef0123456789abcdef >"$mnt/etc/machine-id"
install -m 0755 "$here/guest-export.sh" "$mnt/usr/local/sbin/execrec-test-export"
install -m 0755 "$here/guest-workload.sh" "$mnt/usr/local/sbin/execrec-test-workload"
install -m 0644 "$here/boot-test.service" "$mnt/etc/systemd/system/execrec-boot-test.service"
install -m 0644 "$here/boot-export.service" "$mnt/etc/systemd/system/execrec-boot-export.service"
units="execrec-boot-test.service execrec-boot-export.service"
[ "$service" = with ] && units="execrec-boot.service $units"
# shellcheck disable=SC2086 # a list of units
chroot "$mnt" systemctl enable $units >"$work/enable.log" 2>&1 || {
	cat "$work/enable.log" >&2
	echo "image.sh: systemctl enable failed in the root" >&2
	exit 1
}
kernel=$(find "$mnt/boot" -name 'vmlinuz-*' | sort | tail -n 1)
initrd=$(find "$mnt/boot" -name 'initrd.img-*' | sort | tail -n 1)
if [ ! -f "$kernel" ] || [ ! -f "$initrd" ]; then
	echo "image.sh: the root has no kernel and initramfs in /boot" >&2
	exit 1
fi
cp "$kernel" "$work/vmlinuz"
cp "$initrd" "$work/initrd.img"
rm -f "$work/root.img"
truncate -s 2G "$work/root.img"
mkfs.ext4 -q -F -L root -d "$mnt" "$work/root.img" || exit 1
echo "image.sh: $work/root.img, $(basename "$kernel"), execrec-boot.service $service"
