#!/bin/sh
# Install the Debian 12 packages execrec builds and tests with, if missing.
set -eu

pkgs="gcc libc6-dev pkg-config meson ninja-build libzstd-dev libcunit1-dev
libbpf-dev libelf-dev zlib1g-dev clang llvm bpftool systemtap-sdt-dev librsvg2-bin graphviz make
qemu-system-x86 busybox-static cpio lz4 binutils"
# Building the Debian package and testing it in a clean root (tests/package).
pkgs="$pkgs build-essential debhelper dpkg-dev lintian debootstrap"
# The boot trace on a real boot (tests/boot): mkfs.ext4 -d for the disk image.
pkgs="$pkgs e2fsprogs"
# What the boot service costs at native speed (bench/boot: systemd-nspawn -b).
pkgs="$pkgs systemd-container"

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "execrec: installing:$missing" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "execrec: need root (or sudo) to install:$missing" >&2
		exit 1
	}
	sudo=sudo
fi
$sudo apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
