#!/bin/sh
# Build everything and run the whole test suite twice: an optimized build,
# and one with AddressSanitizer and UndefinedBehaviorSanitizer; then the
# recorder in Debian's kernels under qemu (tests/kernels) and on a real
# Debian 12 boot (tests/boot).
# Tests that need BPF skip when it is not there, unless EXECREC_REQUIRE_BPF=1
# (CI sets it): then they fail.
set -eu
cd "$(dirname "$0")/.."
tools/deps.sh
# The recorder's tests need tracefs; some machines boot without it mounted.
if [ "$(id -u)" -eq 0 ] && ! mountpoint -q /sys/kernel/tracing; then
	mount -t tracefs nodev /sys/kernel/tracing
fi

setup() {
	dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson configure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}

setup build -Dtests=enabled
setup build-san -Dtests=enabled -Db_sanitize=address,undefined -Db_lundef=false -Db_lto=false

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

status=0
for dir in build build-san; do
	echo "== $dir" >&2
	ninja -C "$dir"
	meson test -C "$dir" --print-errorlogs --num-processes 1 || status=1
done

# A script's exit status as meson's testlog.json words it (77: skipped).
result() {
	case $1 in
	0) echo OK ;;
	77) echo SKIP ;;
	*) echo FAIL ;;
	esac
}

# The recorder on Debian's 5.10, 6.1 and 6.12 kernels, booted under qemu
# (tests/kernels/run.sh prints its table); one test in the count below, as
# is the boot trace's.
echo "== kernels" >&2
rc=0
tests/kernels/run.sh build || rc=$?
kernels=$(result $rc)
# The boot trace on a real Debian 12 boot, twice, under qemu (tests/boot).
echo "== boot" >&2
rc=0
tests/boot/run.sh build || rc=$?
boot=$(result $rc)

# One closing line over all runs.
{
	for dir in build build-san; do
		cat "$dir/meson-logs/testlog.json"
	done
	echo "\"result\": \"$kernels\""
	echo "\"result\": \"$boot\""
} | awk '/"result": "(OK|EXPECTEDFAIL)"/ { ok++ } /"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"/ { bad++ }
	/"result": "SKIP"/ { skip++ }
	END { printf "tests: %d passed, %d failed, %d skipped\n", ok, bad, skip }'
[ "$kernels" != FAIL ] && [ "$boot" != FAIL ] || status=1
exit $status
