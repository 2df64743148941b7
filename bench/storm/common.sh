# SPDX-License-Identifier: MIT
# Sourced by run.sh and threads.sh: the options they share and what they
# need before they start.
#
#   storm_setup DEFAULT_SECONDS "$@"
#
# sets here, top, build, secs, rounds, workers and execrec; -h (or a wrong
# option) prints the calling script's header comment and exits 2.

storm_setup() {
	local name opt
	name=$(basename "$0")
	here=$(cd "$(dirname "$0")" && pwd)
	top=$(cd "$here/../.." && pwd)
	build=$top/build
	secs=$1
	shift
	rounds=3
	workers=2
	OPTIND=1
	while getopts "b:d:r:w:h" opt; do
		case $opt in
		b) build=$(cd "$OPTARG" && pwd) ;;
		d) secs=$OPTARG ;;
		r) rounds=$OPTARG ;;
		w) workers=$OPTARG ;;
		*) sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//;/^set -e/d'; exit 2 ;;
		esac
	done
	[ "$(id -u)" = 0 ] || { echo "$name: needs root (BPF)" >&2; exit 1; }
	execrec=$build/tools/execrec
	[ -x "$execrec" ] || {
		echo "$name: no $execrec; build first (meson setup $build && ninja -C $build)" >&2
		exit 1
	}
}
