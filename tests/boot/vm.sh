#!/bin/bash
# SPDX-License-Identifier: MIT
#
# vm.sh WORKDIR N [KERNEL ARGS]: boot WORKDIR/root.img (image.sh) once
# under qemu (TCG), with KERNEL ARGS added to the kernel command line (the
# test's own: execrec.test=full), and unpack what the exporter unit wrote to
# the second disk into WORKDIR/outN (the boot traces, systemd-analyze's
# files, "current": the boot id).  Exit 1, with the console's end, if
# nothing came out.
set -uo pipefail
work=${1:?usage: vm.sh WORKDIR N}
n=${2:?usage: vm.sh WORKDIR N [KERNEL ARGS]}
extra=${3:-}
truncate -s 64M "$work/out$n.img"
timeout 300 qemu-system-x86_64 -accel tcg -cpu max -m 1G -smp 2 -nographic -no-reboot \
	-kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
	-drive "file=$work/root.img,format=raw,if=virtio" \
	-drive "file=$work/out$n.img,format=raw,if=virtio" \
	-append "root=/dev/vda rw console=ttyS0 quiet loglevel=3 systemd.show_status=0 panic=-1${extra:+ $extra}" \
	</dev/null >"$work/console$n.log" 2>&1
rm -rf "$work/out$n"
mkdir -p "$work/out$n"
if ! tar xf "$work/out$n.img" -C "$work/out$n" 2>/dev/null || [ ! -f "$work/out$n/current" ]; then
	echo "vm.sh: boot $n brought nothing out; the console's end:" >&2
	tr -d '\r' <"$work/console$n.log" | tail -n 40 >&2
	exit 1
fi
rm -f "$work/out$n.img"
