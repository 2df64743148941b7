#!/bin/bash
# Record a CI build step with execrec and gate the job on what changed in what
# ran, against the trace of the main branch.
#
#   execrec-ci.sh [OPTIONS] -- BUILD COMMAND [ARGS...]
#
# 1. runs BUILD COMMAND under 'execrec record' (as root: through sudo when the
#    job is not root, with the command itself run as the job's user);
# 2. keeps the new trace in the artifact directory, for the CI to upload (the
#    main branch's upload is the next baseline);
# 3. checks the baseline (BASELINE_DIR/NAME, fetched there by the job: see
#    github-workflow.yml and gitlab-ci.yml) with 'execrec info --verify';
# 4. runs 'execrec diff --fail-on=LIST --markdown' and writes the Markdown
#    where the CI shows it: $GITHUB_STEP_SUMMARY on GitHub Actions, the
#    artifact directory otherwise (GitLab: expose it as an artifact).
#
# Exit status: the build's, if it failed; else 1 when a --fail-on class
# changed, or when the baseline is missing or damaged and --no-baseline=fail;
# 2 on an error of this script or of execrec; else 0.
set -euo pipefail

me='execrec-ci'
baseline_dir=${EXECREC_CI_BASELINE_DIR:-}
artifact_dir=${EXECREC_CI_ARTIFACT_DIR:-execrec-artifacts}
name=${EXECREC_CI_NAME:-execrec.etr}
fail_on=${EXECREC_CI_FAIL_ON:-new,fails}
no_baseline=${EXECREC_CI_NO_BASELINE:-pass}
markdown=${EXECREC_CI_MARKDOWN:-}
execrec=${EXECREC:-execrec}
diff_args=()

usage() {
	cat <<USAGE
Usage: $me [OPTIONS] -- BUILD COMMAND [ARGS...]

  --baseline-dir DIR    where the job put the main branch's trace (DIR/NAME);
                        env EXECREC_CI_BASELINE_DIR
  --artifact-dir DIR    where the new trace and the Markdown go, for the CI to
                        keep (default execrec-artifacts); EXECREC_CI_ARTIFACT_DIR
  --name NAME           the trace's file name in both (default execrec.etr);
                        EXECREC_CI_NAME
  --fail-on LIST        execrec diff's classes that fail the job (default
                        new,fails); EXECREC_CI_FAIL_ON
  --no-baseline pass|fail
                        a missing or damaged baseline passes (default) or fails
                        the job; it is reported either way; EXECREC_CI_NO_BASELINE
  --markdown FILE       write the Markdown there too; EXECREC_CI_MARKDOWN
  --diff-arg ARG        one more argument for execrec diff (e.g. --ignore=RE);
                        repeatable
  --execrec PATH        the execrec command (default execrec); EXECREC
USAGE
}

die() {
	echo "$me: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--baseline-dir) baseline_dir=${2?}; shift 2 ;;
	--baseline-dir=*) baseline_dir=${1#*=}; shift ;;
	--artifact-dir) artifact_dir=${2?}; shift 2 ;;
	--artifact-dir=*) artifact_dir=${1#*=}; shift ;;
	--name) name=${2?}; shift 2 ;;
	--name=*) name=${1#*=}; shift ;;
	--fail-on) fail_on=${2?}; shift 2 ;;
	--fail-on=*) fail_on=${1#*=}; shift ;;
	--no-baseline) no_baseline=${2?}; shift 2 ;;
	--no-baseline=*) no_baseline=${1#*=}; shift ;;
	--markdown) markdown=${2?}; shift 2 ;;
	--markdown=*) markdown=${1#*=}; shift ;;
	--diff-arg) diff_args+=("${2?}"); shift 2 ;;
	--diff-arg=*) diff_args+=("${1#*=}"); shift ;;
	--execrec) execrec=${2?}; shift 2 ;;
	--execrec=*) execrec=${1#*=}; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done
[ $# -gt 0 ] || die "no build command after '--' (see --help)"
case $no_baseline in pass | fail) ;; *) die "--no-baseline must be pass or fail, not '$no_baseline'" ;; esac
case $name in */* | '') die "--name must be a file name, not '$name'" ;; esac
exe=$(command -v "$execrec") || die "no execrec command '$execrec' (install the package, or --execrec PATH)"

mkdir -p "$artifact_dir"
new=$artifact_dir/$name
md=$artifact_dir/${name%.etr}-diff.md

# Where the CI shows Markdown: GitHub's job summary; elsewhere the artifact.
summary() {
	cat >>"$md"
	[ -z "$markdown" ] || cat "$md" >"$markdown"
	[ -z "${GITHUB_STEP_SUMMARY:-}" ] || cat "$md" >>"$GITHUB_STEP_SUMMARY"
}
# One line in the log, as an annotation on GitHub.
notice() {
	if [ -n "${GITHUB_ACTIONS:-}" ]; then
		echo "::$1::$me: $2"
	else
		echo "$me: $2" >&2
	fi
}

# 1. Record the build step.
: >"$md"
build_status=0
if [ "$(id -u)" -eq 0 ]; then
	"$exe" record -q --force -o "$new" -- "$@" || build_status=$?
else
	command -v sudo >/dev/null || die "recording needs root, and there is no sudo"
	# The recorder is root; the build stays the job's user, with its environment.
	# -n: a sudo that wants a password fails at once instead of hanging the job.
	sudo -n --preserve-env "$exe" record -q --force -o "$new" -- \
		setpriv --reuid="$(id -u)" --regid="$(id -g)" --init-groups -- env PATH="$PATH" "$@" ||
		build_status=$?
	# none when the recorder refused to start: said below, exit 2
	[ ! -e "$new" ] || sudo -n chown "$(id -u):$(id -g)" "$new"
fi
if ! [ -s "$new" ]; then
	die "the recording of the build step failed: no trace in $new"
fi
"$exe" info --verify "$new" >/dev/null 2>"$artifact_dir/verify.log" ||
	die "the new trace is damaged: $(tail -n 1 "$artifact_dir/verify.log")"
rm -f "$artifact_dir/verify.log"
[ "$build_status" -eq 0 ] || notice error "the build step exited $build_status"

# 2. The baseline: there and whole, or one line saying what is wrong.
base=${baseline_dir:+$baseline_dir/$name}
problem=
if [ -z "$baseline_dir" ]; then
	problem="no baseline directory given (--baseline-dir or EXECREC_CI_BASELINE_DIR)"
elif ! [ -e "$base" ]; then
	problem="no baseline trace: $base does not exist (not fetched, or the main branch has none yet)"
elif ! "$exe" info --verify "$base" >/dev/null 2>"$artifact_dir/verify.log"; then
	why=$(tail -n 1 "$artifact_dir/verify.log")
	why=${why#execrec info: }
	why=${why#FAILED: }
	problem="baseline $base is damaged: ${why#"$base": }"
fi
rm -f "$artifact_dir/verify.log"
if [ -n "$problem" ]; then
	if [ "$no_baseline" = fail ]; then
		notice error "$problem; failing the job (--no-baseline=fail)"
		printf '### execrec diff: not compared\n\n**Failed:** %s.\n' "$problem" | summary
		[ "$build_status" -eq 0 ] || exit "$build_status"
		exit 1
	fi
	notice warning "$problem; not compared, passing (--no-baseline=pass)"
	printf '### execrec diff: not compared\n\n**Warning:** %s. Nothing was compared.\n' "$problem" | summary
	exit "$build_status"
fi

# 3. Compare.
diff_status=0
"$exe" diff --fail-on="$fail_on" --markdown "${diff_args[@]}" "$base" "$new" >"$md.new" || diff_status=$?
summary <"$md.new"
rm -f "$md.new"
cat "$md"
case $diff_status in
0) echo "$me: no change in ${fail_on//,/, } against the baseline" >&2 ;;
1) notice error "what ran changed against the baseline (${fail_on//,/, }): see the Markdown above or $md" ;;
*) die "execrec diff failed (exit $diff_status)" ;;
esac
[ "$build_status" -eq 0 ] || exit "$build_status"
exit "$diff_status"
