#!/bin/sh
# Every global symbol a library defines carries that library's prefix, so
# linking two of them (or one of them and libbpf, libelf, libzstd) into one
# program can never clash. The table of libraries and prefixes is in
# meson.build next to this file.
#
# usage: check-symbols.sh NM NAME LIB 'PREFIX...' [NAME LIB 'PREFIX...']...
# Exits 1 listing each global without its library's prefix, or when NM reads
# no global from a library (a check that saw nothing proves nothing).
set -u
nm_prog=$1
shift
status=0
while [ $# -ge 3 ]; do
	name=$1 lib=$2 prefixes=$3
	shift 3
	syms=$("$nm_prog" --defined-only --extern-only "$lib") || {
		echo "$name: $nm_prog could not read $lib"
		status=1
		continue
	}
	# "ADDRESS TYPE NAME" per symbol; the compiler's own globals (LTO and
	# ASan markers) are not ours to name.
	syms=$(printf '%s\n' "$syms" | awk 'NF == 3 { print $3 }' |
		grep -v -e '^__gnu_lto' -e '^__odr_asan' | sort -u)
	if [ -z "$syms" ]; then
		echo "$name: no global symbol read from $lib"
		status=1
		continue
	fi
	bad=
	for sym in $syms; do
		ok=0
		for p in $prefixes; do
			case $sym in "$p"*) ok=1 ;; esac
		done
		[ $ok = 1 ] || bad="$bad $sym"
	done
	count=$(printf '%s\n' "$syms" | wc -l)
	if [ -n "$bad" ]; then
		echo "$name ($lib): globals without a prefix of '$prefixes':"
		for sym in $bad; do
			echo "  $sym"
		done
		status=1
	else
		echo "$name: $count globals, all prefixed '$prefixes'"
	fi
done
if [ $# -ne 0 ]; then
	echo "check-symbols.sh: arguments come in threes (NAME LIB PREFIXES), $# left over"
	status=1
fi
exit $status
