#!/bin/sh
# 'execrec --version' against what the binary really runs with: the project
# version, the format version in format/etr.h, and the libbpf and libzstd the
# dynamic loader resolves for it (read from the library file names, not from
# the headers the build saw).
# Usage: version.sh EXECREC VERSION ETR_H
set -eu
exe=$1 want_version=$2 etr_h=$3

fail() {
	echo "version: $*" >&2
	exit 1
}

out=$("$exe" --version) || fail "'execrec --version' exited $?"
[ "$("$exe" -V)" = "$out" ] || fail "'-V' and '--version' differ"
printf '%s\n' "$out"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 4 ] || fail "expected 4 lines"

line() { printf '%s\n' "$out" | sed -n "$1p"; }

[ "$(line 1)" = "execrec $want_version" ] || fail "line 1 is '$(line 1)', not 'execrec $want_version'"

major=$(sed -n 's/^#define ETR_VERSION_MAJOR \([0-9]*\)$/\1/p' "$etr_h")
minor=$(sed -n 's/^#define ETR_VERSION_MINOR \([0-9]*\)$/\1/p' "$etr_h")
[ -n "$major" ] && [ -n "$minor" ] || fail "no ETR_VERSION_MAJOR/MINOR in $etr_h"
want="trace format: writes $major.$minor, reads $major.x"
[ "$(line 2)" = "$want" ] || fail "line 2 is '$(line 2)', not '$want'"

# The version in a shared library's real file name: libzstd.so.1.5.4 -> 1.5.4.
libversion() {
	path=$(ldd "$exe" | awk -v lib="$1" 'index($1, lib ".so.") == 1 { print $3 }')
	[ -n "$path" ] || return 0
	basename "$(readlink -f "$path")" | sed "s/^$1\.so\.//"
}

bpf=$(libversion libbpf)
if [ -n "$bpf" ]; then
	want="libbpf: ${bpf%.*}"
else
	want="libbpf: none (analyzer-only build, no recorder)"
fi
[ "$(line 3)" = "$want" ] || fail "line 3 is '$(line 3)', not '$want'"

zstd=$(libversion libzstd)
[ -n "$zstd" ] || fail "ldd shows no libzstd for $exe"
[ "$(line 4)" = "zstd: $zstd" ] || fail "line 4 is '$(line 4)', not 'zstd: $zstd'"
echo "version: ok"
