#!/bin/bash
# SPDX-License-Identifier: MIT
#
# root.sh: the path of a minimal Debian 12 root that boots with systemd
# (debootstrap --variant=minbase with systemd-sysv, udev, execrec's
# libraries and Debian's cloud kernel with its initramfs: the cloud kernel
# has virtio-blk and ext4 as modules), made once and kept in EXECREC_ROOTS (default
# ~/.cache/execrec/roots, beside tests/package's root). The mirror is the
# one this machine's apt uses for bookworm (or EXECREC_DEBIAN_MIRROR).
# Prints the path on stdout; one line on stderr and exit 1 if it cannot be
# made. Needs root.
set -euo pipefail
cache=${EXECREC_ROOTS:-$HOME/.cache/execrec/roots}
root=$cache/bookworm-systemd
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$root/.complete" ]; then
	mirror=${EXECREC_DEBIAN_MIRROR:-$(apt-cache policy | awk '$3 == "bookworm/main" && $2 ~ /^(https?|file):/ { print $2; exit }')}
	[ -n "$mirror" ] || {
		echo "root.sh: no bookworm/main source in this machine's apt sources (set EXECREC_DEBIAN_MIRROR)" >&2
		exit 1
	}
	rm -rf "$root" "$root.new"
	log=$cache/bookworm-systemd.log
	debootstrap --variant=minbase --include=systemd-sysv,udev,libbpf1,libelf1,libzstd1,linux-image-cloud-amd64,initramfs-tools \
		bookworm "$root.new" "$mirror" >"$log" 2>&1 || {
		echo "root.sh: debootstrap failed (log: $log)" >&2
		exit 1
	}
	# a machine id made at each boot, a root password-less console: a test VM
	rm -f "$root.new/etc/machine-id"
	: >"$root.new/etc/machine-id"
	echo execrec-boot >"$root.new/etc/hostname"
	printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$root.new/etc/fstab"
	rm -rf "$root.new/var/cache/apt/archives"/*.deb "$root.new/var/lib/apt/lists"/*_Packages
	touch "$root.new/.complete"
	mv "$root.new" "$root"
fi
echo "$root"
