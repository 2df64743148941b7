#!/bin/bash
# contrib/ci/execrec-ci.sh in a simulated CI run, with the real recorder: the
# environment GitHub Actions (then GitLab CI) sets, a local directory as the
# artifact store, a small C build as the build step.
#   ci.sh EXECREC CI_SCRIPT WORK_DIR
# Needs root and BPF; skips without them, unless EXECREC_REQUIRE_BPF=1.
set -uo pipefail
exe=$1 ci=$2 work=$3
case $exe in /*) ;; *) exe=$(pwd)/$exe ;; esac
case $ci in /*) ;; *) ci=$(pwd)/$ci ;; esac
nfail=0
fail() {
	echo "FAIL: $*"
	nfail=$((nfail + 1))
}
ok() { echo "ok: $*"; }

rm -rf "$work"
mkdir -p "$work/repo" "$work/store"
cd "$work/repo" || exit 1
if [ "$(id -u)" -ne 0 ] || ! "$exe" record -q -o "$work/probe.etr" -- true >"$work/probe.log" 2>&1; then
	why=$(head -n 1 "$work/probe.log" 2>/dev/null || echo "not root")
	[ "${EXECREC_REQUIRE_BPF:-}" = 1 ] && { echo "FAIL: BPF required, and recording does not work: $why"; exit 1; }
	echo "skipped: recording does not work here: $why"
	exit 77
fi

# The project being built, at three commits.
cat >hello.c <<'C'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
C
v1='set -e
cc -c -o hello.o hello.c
cc -o hello hello.o
./hello >out.txt
grep -q hello out.txt'
v2="$v1"'
grep -q missing out.txt || echo "no missing, going on"'
v3="$v1"'
exit 3'

# One CI job: the build step under execrec-ci.sh, as GitHub Actions runs it.
# run NAME BUILD_SCRIPT [OPTIONS...]: sets $rc, $out (log), $sum (summary).
run() {
	local name=$1 script=$2
	shift 2
	printf '%s\n' "$script" >build.sh
	sum=$work/$name.summary.md
	: >"$sum"
	out=$(env CI=true GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY="$sum" GITHUB_REF_NAME="$name" \
		GITHUB_WORKSPACE="$work/repo" EXECREC_CI_BASELINE_DIR="$work/baseline" \
		"$ci" --execrec "$exe" --artifact-dir "$work/artifacts-$name" "$@" -- sh build.sh 2>&1)
	rc=$?
	printf '%s\n' "--- $name (exit $rc)" "$out" >>"$work/log.txt"
}
# The main branch's trace, uploaded by its job and fetched by the next.
upload() { cp "$work/artifacts-$1/execrec.etr" "$work/store/main.etr"; }
fetch() { mkdir -p "$work/baseline" && cp "$work/store/main.etr" "$work/baseline/execrec.etr"; }
lines() { printf '%s\n' "$out" | grep -c -- "$1"; }
# An unchanged build: a passed diff with nothing new, gone, failing or counted
# differently (the times of a run vary: SLOWER and FASTER may show).
unchanged() { # MARKDOWN
	grep -q '^### execrec diff: .* passed$' "$1" || return 1
	local class
	for class in NEW GONE NOW-FAILS COUNT; do
		grep -qx "| $class | 0 |" "$1" || return 1
	done
}

# 1. The main branch, first run: no baseline yet. It passes, and says so.
run main "$v1"
[ "$rc" -eq 0 ] || fail "first main run: exit $rc"
[ "$(lines '::warning::execrec-ci: no baseline trace')" -eq 1 ] || fail "first main run: no one-line warning: $out"
grep -q 'not compared' "$sum" || fail "first main run: the summary does not say the trace was not compared"
"$exe" info --verify "$work/artifacts-main/execrec.etr" >/dev/null 2>&1 || fail "first main run: no whole trace kept"
"$exe" report "$work/artifacts-main/execrec.etr" | grep -q 'cc ' || fail "first main run: the trace does not hold the build's cc"
[ $nfail -eq 0 ] && ok "main, no baseline: passes with one warning line, trace kept"
upload main

# 2. A pull request that changes nothing that runs: passes.
fetch
before=$nfail
run unchanged "$v1"
[ "$rc" -eq 0 ] || fail "unchanged rerun: exit $rc: $out"
unchanged "$sum" || fail "unchanged rerun: the summary shows a change: $(cat "$sum")"
[ -s "$work/artifacts-unchanged/execrec.etr" ] || fail "unchanged rerun: no trace kept"
[ $nfail -eq $before ] && ok "unchanged rerun: passes, nothing new, gone, failing or counted differently"

# 3. A pull request that adds a failing command (the build still passes).
before=$nfail
run changed "$v2"
[ "$rc" -eq 1 ] || fail "added failing command: exit $rc, not 1"
line=$(grep -F 'grep -q missing out.txt' "$sum")
[ -n "$line" ] || fail "added failing command: the summary does not name it: $(cat "$sum")"
grep -q 'exit 1' <<<"$line" || fail "added failing command: its line does not show exit 1: $line"
sed -n '/^#### NEW/,/^####/p' "$sum" | grep -qF 'grep -q missing out.txt' || fail "added failing command: not under NEW"
[ "$(lines '::error::execrec-ci: what ran changed')" -eq 1 ] || fail "added failing command: no error annotation"
grep -qF 'grep -q missing out.txt' "$work/artifacts-changed/execrec-diff.md" || fail "added failing command: not in the artifact's Markdown"
[ $nfail -eq $before ] && ok "added failing command: fails, the summary names '$(grep -o '` grep[^`]*`' <<<"$line")' under NEW with exit 1"

# 4. A build that fails: its status, and still a trace and a summary.
before=$nfail
run broken "$v3"
[ "$rc" -eq 3 ] || fail "failing build: exit $rc, not the build's 3"
[ -s "$work/artifacts-broken/execrec.etr" ] || fail "failing build: no trace kept"
grep -q '^### execrec diff' "$sum" || fail "failing build: no summary"
[ $nfail -eq $before ] && ok "failing build: exit 3, trace and summary kept"

# 5. Missing, cut and damaged baselines: one line, pass or fail by option.
check_bad() { # NAME WHAT_THE_LINE_SAYS
	local name=$1 says=$2 policy before=$nfail
	for policy in pass fail; do
		run "$name-$policy" "$v1" --no-baseline="$policy"
		local want=0 kind=warning
		[ $policy = fail ] && want=1 kind=error
		[ "$rc" -eq $want ] || fail "$name, --no-baseline=$policy: exit $rc, not $want"
		[ "$(lines 'baseline')" -eq 1 ] || fail "$name, --no-baseline=$policy: not one line: $out"
		[ "$(lines "::$kind::execrec-ci: .*$says")" -eq 1 ] || fail "$name, --no-baseline=$policy: the line does not say '$says': $out"
		grep -q 'not compared' "$sum" || fail "$name, --no-baseline=$policy: the summary is silent"
	done
	[ $nfail -eq $before ] && ok "$name: '$(printf '%s\n' "$out" | grep baseline)' (pass: exit 0, fail: exit 1)"
}
rm -rf "$work/baseline"
check_bad missing 'no baseline trace'
fetch
size=$(stat -c %s "$work/baseline/execrec.etr")
truncate -s $((size / 2)) "$work/baseline/execrec.etr"
check_bad truncated 'is damaged: .*at byte [0-9]*'
fetch
# One bit in the middle of the file: inside a compressed chunk.
off=$((size / 2))
byte=$(od -An -tu1 -j $off -N1 "$work/baseline/execrec.etr" | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 0x10)))" | dd of="$work/baseline/execrec.etr" bs=1 seek=$off conv=notrunc status=none
cmp -s "$work/baseline/execrec.etr" "$work/store/main.etr" && fail "the bit flip did not change the file"
check_bad bitflip 'is damaged: .*at byte [0-9]*'
head -c 4096 /dev/urandom >"$work/baseline/execrec.etr"
check_bad garbage 'not an execrec trace'

# 6. The same unchanged run as GitLab CI runs it: Markdown in the artifacts.
fetch
before=$nfail
printf '%s\n' "$v1" >build.sh
out=$(env -u GITHUB_ACTIONS -u GITHUB_STEP_SUMMARY CI=true GITLAB_CI=true CI_COMMIT_REF_NAME=feature \
	"$ci" --execrec "$exe" --baseline-dir "$work/baseline" --artifact-dir "$work/artifacts-gitlab" -- sh build.sh 2>&1)
rc=$?
[ "$rc" -eq 0 ] || fail "GitLab unchanged run: exit $rc: $out"
unchanged "$work/artifacts-gitlab/execrec-diff.md" || fail "GitLab: no unchanged diff's Markdown in the artifacts"
grep -q '::' <<<"$out" && fail "GitLab: GitHub annotations in the log"
[ $nfail -eq $before ] && ok "GitLab unchanged run: passes, Markdown in artifacts-gitlab/execrec-diff.md"

echo "log of every run: $work/log.txt"
[ $nfail -eq 0 ] || { echo "$nfail failures"; exit 1; }
echo "ci: all passed"
