#!/bin/bash
# SPDX-License-Identifier: MIT
#
# run.sh BUILDDIR [BOOTS]: what execrec-boot.service costs a boot.  The
# boot test's Debian 12 root (tests/boot/image.sh) is made twice, with the
# service enabled and without it, and each is booted BOOTS times (default
# 3), interleaved, under qemu (TCG); the table gives the median time from
# kernel start to multi-user.target (systemd's own ActiveEnterTimestamp of
# the target) and to the end of the startup (systemd-analyze), and their
# ratio.  Needs root.  Under TCG on a shared machine the spread between
# boots is large: read the ratio with the spread beside it.
set -uo pipefail
build=$(cd "${1:?usage: run.sh BUILDDIR [BOOTS]}" && pwd)
boots=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
tests=$here/../../tests/boot
work=$(mktemp -d /tmp/execrec-bootbench.XXXXXX)
trap 'rm -rf "$work"' EXIT

for v in with without; do
	"$tests/image.sh" "$build" "$work/$v" "$v" >/dev/null || exit 1
done
for i in $(seq 1 "$boots"); do
	for v in with without; do
		"$tests/vm.sh" "$work/$v" "$i" || exit 1
		d=$work/$v/out$i
		id=$(cat "$d/current")
		mu=$(cat "$d/multi-user-$id.txt")
		total=$(sed -n 's/.*= \([0-9.]*\)s *$/\1/p; s/.*= \([0-9]*\)min \([0-9.]*\)s *$/\1 \2/p' "$d/time-$id.txt" |
			awk 'NF == 2 { print $1 * 60 + $2; next } { print $1 }')
		echo "$v $i $mu ${total:-0}" >>"$work/times"
		echo "run.sh: boot $i $v: multi-user.target at $(awk -v u="$mu" 'BEGIN { printf "%.3f", u / 1e6 }') s, startup $total s" >&2
	done
done
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
spread() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f-%.2f", lo, hi }'; }
printf '%-34s %12s %12s %8s %16s\n' "median of $boots boots (s)" "with" "without" "ratio" "spread with"
for col in 3 4; do
	name=$([ $col = 3 ] && echo "kernel start to multi-user.target" || echo "startup finished (systemd-analyze)")
	w=$(awk -v c=$col '$1 == "with" { print (c == 3 ? $c / 1e6 : $c) }' "$work/times" | median)
	wo=$(awk -v c=$col '$1 == "without" { print (c == 3 ? $c / 1e6 : $c) }' "$work/times" | median)
	sp=$(awk -v c=$col '$1 == "with" { print (c == 3 ? $c / 1e6 : $c) }' "$work/times" | spread)
	printf '%-34s %12.3f %12.3f %8.3f %16s\n' "$name" "$w" "$wo" "$(awk -v a="$w" -v b="$wo" 'BEGIN { print a / b }')" "$sp"
done
