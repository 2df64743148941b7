#!/bin/sh
# Golden-output test of one execrec subcommand run on the committed fixtures.
#   golden.sh EXECREC FIXTURES_DIR GOLDEN_DIR NAME ARGS...
# compares stdout, stderr and the exit status with GOLDEN_DIR/NAME.out.
# UPDATE_GOLDEN=1 rewrites the file instead (review the diff before a commit).
set -u
exe=$1 fix=$2 gold=$3 name=$4
shift 4
case $exe in /*) ;; *) exe=$(pwd)/$exe ;; esac
out=$(cd "$fix" && TZ=UTC LC_ALL=C NO_COLOR= TERM=dumb "$exe" "$@" 2>&1; echo "[exit $?]")
if [ -n "${UPDATE_GOLDEN:-}" ]; then
	printf '%s\n' "$out" >"$gold/$name.out"
	exit 0
fi
printf '%s\n' "$out" | diff -u "$gold/$name.out" -
