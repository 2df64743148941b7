#!/bin/sh
# SPDX-License-Identifier: MIT
#
# btf.sh VMLINUZ: the kernel's BTF as a raw BTF file, taken out of its
# vmlinuz (as BTFHub's files are made), for recording that kernel with
# /sys/kernel/btf hidden and --btf=FILE.  Cached next to VMLINUZ as
# vmlinux.btf; prints its path on stdout, one line on stderr and exit 1 if
# it cannot be had.
#
# The payload is found the way the kernel's scripts/extract-vmlinux finds
# it: at each offset where a compressor's magic occurs, decompress and keep
# the first result that is an ELF file; then objcopy takes out its .BTF
# section.
set -eu

vmlinuz=${1:?usage: btf.sh VMLINUZ}
out=$(dirname "$vmlinuz")/vmlinux.btf
if [ -s "$out" ]; then
	echo "$out"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# try MAGIC DECOMPRESSOR...: the decompressed payload in $work/vmlinux
try() {
	magic=$1
	shift
	LC_ALL=C grep -obUaP "$magic" "$vmlinuz" | cut -d: -f1 >"$work/offsets" || true
	while read -r pos; do
		# trailing bytes after the stream make some decompressors
		# fail: the ELF header decides, not their status
		tail -c +$((pos + 1)) "$vmlinuz" | "$@" >"$work/vmlinux" 2>/dev/null || true
		[ "$(head -c 4 "$work/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ] && return 0
	done <"$work/offsets"
	return 1
}

if ! { try '\x02\x21\x4c\x18' lz4 -dc ||
	try '\x28\xb5\x2f\xfd' zstd -dc ||
	try '\xfd\x37\x7a\x58\x5a\x00' xz -dc ||
	try '\x1f\x8b\x08' gzip -dc; }; then
	echo "btf.sh: $vmlinuz: no LZ4, zstd, xz or gzip payload that decompresses to an ELF vmlinux" >&2
	exit 1
fi
if ! objcopy -O binary --only-section=.BTF "$work/vmlinux" "$work/btf" 2>"$work/log" ||
	[ ! -s "$work/btf" ]; then
	echo "btf.sh: $vmlinuz: its vmlinux has no .BTF section (built without CONFIG_DEBUG_INFO_BTF) $(head -n 1 "$work/log")" >&2
	exit 1
fi
mv "$work/btf" "$out.tmp"
mv "$out.tmp" "$out"
echo "$out"
