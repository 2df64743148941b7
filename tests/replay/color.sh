#!/bin/sh
# The colour policy of the analyzer subcommands (tools/driver.c): --color
# wins; else NO_COLOR (set and not empty) and TERM=dumb turn colour off;
# else colour exactly when standard output is a terminal. A terminal is a
# pseudo-terminal from script(1).
#   color.sh EXECREC FIXTURES_DIR
set -u
exe=$1 fix=$2
case $exe in /*) ;; *) exe=$(pwd)/$exe ;; esac
cd "$fix" || exit 1
esc=$(printf '\033')
checks=0 fails=0

# has_color WHERE(tty|pipe) ENV... -- ARGS...: 0 when the output holds an
# escape sequence
has_color() {
	where=$1
	shift
	envs=""
	while [ "$1" != "--" ]; do
		envs="$envs $1"
		shift
	done
	shift
	if [ "$where" = tty ]; then
		# script(1) runs a shell command line: the arguments quoted
		cmd="env -u NO_COLOR$envs '$exe'"
		for a in "$@"; do cmd="$cmd '$a'"; done
		out=$(TERM=xterm script -qec "$cmd" /dev/null </dev/null 2>/dev/null)
	else
		out=$(env -u NO_COLOR TERM=xterm $envs "$exe" "$@" 2>/dev/null)
	fi
	case $out in *"$esc["*) return 0 ;; *) return 1 ;; esac
}

want() {
	# want yes|no WHAT WHERE ENV... -- ARGS...
	w=$1 what=$2
	shift 2
	checks=$((checks + 1))
	if has_color "$@"; then got=yes; else got=no; fi
	if [ "$got" != "$w" ]; then
		echo "FAIL: $what: colour $got, expected $w"
		fails=$((fails + 1))
	fi
}

for c in "timeline basic.etr" "tree basic.etr" "report basic.etr" "diff tree.etr basic.etr"; do
	# shellcheck disable=SC2086
	set -- $c
	want yes "$1 on a terminal" tty -- "$@"
	want no "$1 into a pipe" pipe -- "$@"
	want no "$1, NO_COLOR=1" tty NO_COLOR=1 -- "$@"
	want yes "$1, NO_COLOR empty" tty NO_COLOR= -- "$@"
	want no "$1, TERM=dumb" tty TERM=dumb -- "$@"
	want no "$1 --no-color" tty -- "$@" --no-color
	want no "$1 --color=never" tty -- "$@" --color=never
	want yes "$1 --color=always into a pipe, NO_COLOR=1" pipe NO_COLOR=1 -- "$@" --color=always
	want yes "$1 --color into a pipe" pipe -- "$@" --color
	want yes "$1 --color=auto on a terminal" tty -- "$@" --color=auto
done
# JSON and CSV are never coloured
want no "timeline --json --color=always" pipe -- timeline --json --color=always basic.etr
want no "tree --csv --color=always" pipe -- tree --csv --color=always basic.etr
echo "$checks checks, $fails failed"
[ "$fails" = 0 ]
