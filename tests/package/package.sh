#!/bin/bash
# The Debian package, built and used as an administrator would: build it with
# tools/deb.sh (lintian errors fail), install it with apt into a clean Debian
# 12 root, run it there, remove it, and check that nothing of it is left.
#   package.sh SOURCE_DIR WORK_DIR
# The root (debootstrap --variant=minbase bookworm, plus man-db, and sudo with
# a user 'runner' as on a CI runner) is made once and kept in EXECREC_ROOTS (default ~/.cache/execrec/roots); each run works
# on an overlay of it, so the root stays clean and the overlay's upper layer
# is exactly what the package changed. The mirror is the one this machine's
# apt uses for bookworm (or EXECREC_DEBIAN_MIRROR). Needs root.
set -euo pipefail
src=$(cd "$1" && pwd)
work=$2
t0=$(date +%s)

fail() {
	echo "package: $*" >&2
	exit 1
}
step() { echo "package: [$(($(date +%s) - t0))s] $*"; }

# Build-Depends and tools/deps.sh name the same packages (build-essential
# brings gcc, libc6-dev and make; the packaging tools are on a line of their own).
deps=$(sed -n '/^pkgs="/,/"$/{p;/"$/q}' "$src/tools/deps.sh" | sed '1s/^pkgs="//; $s/"$//' | tr -s ' \n' '\n' |
	grep -vxE 'gcc|libc6-dev|make|' | sort -u)
bdeps=$(sed -n '/^Build-Depends:/,/^[^ #]/p' "$src/debian/control" | sed -n 's/^ \([a-z0-9.+-]*\).*/\1/p' |
	grep -vx 'debhelper-compat' | sort -u)
only_deps=$(comm -23 <(echo "$deps") <(echo "$bdeps") | tr '\n' ' ')
only_bdeps=$(comm -13 <(echo "$deps") <(echo "$bdeps") | tr '\n' ' ')
[ -z "$only_deps" ] || fail "tools/deps.sh installs ${only_deps}which debian/control's Build-Depends lacks (<!nocheck> if only tests need it)"
[ -z "$only_bdeps" ] || fail "debian/control's Build-Depends has ${only_bdeps}which tools/deps.sh does not install"

if [ "$(id -u)" -ne 0 ]; then
	echo "package: Build-Depends match tools/deps.sh; the rest skipped: debootstrap and chroot need root"
	exit 77
fi

# 1. Build (the tests ran already: nocheck).
rm -rf "$work"
mkdir -p "$work/out"
step "building the package"
DEB_BUILD_OPTIONS="nocheck parallel=2" "$src/tools/deb.sh" "$work/out" >"$work/deb.log" 2>&1 ||
	{ cat "$work/deb.log" >&2; fail "tools/deb.sh failed"; }
cat "$work/deb.log"
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
deb=$work/out/execrec_${version}_amd64.deb
[ -f "$deb" ] || fail "no $deb"
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
for f in ./usr/bin/execrec ./usr/share/man/man1/execrec.1.gz ./usr/share/bash-completion/completions/execrec \
	./usr/share/execrec/execrec-ci.sh ./lib/systemd/system/execrec-boot.service \
	./usr/libexec/execrec/execrec-boot ./etc/default/execrec; do
	grep -qxF "$f" <<<"$contents" || fail "$deb lacks $f"
done
# Once meson installs systemd units, dh_installsystemd must hook them up.
if grep -q '^\./lib/systemd/system/.' <<<"$contents"; then
	dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./postinst | grep -q deb-systemd-helper ||
		fail "$deb has systemd units but its postinst does not enable them"
fi
grep -q '^\./usr/lib/systemd/system/.' <<<"$contents" && fail "$deb has units in /usr/lib/systemd/system, which bookworm's systemd tools do not manage"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libbpf1 libc6 libelf1 libzstd1; do
	grep -q "\b$lib\b" <<<"$depends" || fail "Depends ($depends) lacks $lib"
done

# 2. The clean root, made once.
cache=${EXECREC_ROOTS:-$HOME/.cache/execrec/roots}
root=$cache/bookworm-minbase
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
# What the root holds; a root made by another recipe is made again.
recipe="minbase man-db sudo runner 1"
if [ "$(cat "$root/.complete" 2>/dev/null)" != "$recipe" ]; then
	mirror=${EXECREC_DEBIAN_MIRROR:-$(apt-cache policy | awk '$3 == "bookworm/main" && $2 ~ /^(https?|file):/ { print $2; exit }')}
	[ -n "$mirror" ] || fail "no bookworm/main source in this machine's apt sources (set EXECREC_DEBIAN_MIRROR)"
	step "debootstrap bookworm into $root"
	rm -rf "$root" "$root.new"
	debootstrap --variant=minbase --include=man-db,sudo bookworm "$root.new" "$mirror" >"$work/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap failed (log: $work/debootstrap.log)"; }
	cp /etc/resolv.conf "$root.new/etc/resolv.conf"
	chroot "$root.new" apt-get update -q >>"$work/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$work/debootstrap.log" >&2; fail "apt-get update in the new root failed"; }
	chroot "$root.new" useradd -m -s /bin/bash runner
	echo 'runner ALL=(ALL) NOPASSWD: ALL' >"$root.new/etc/sudoers.d/runner"
	chmod 0440 "$root.new/etc/sudoers.d/runner"
	echo "$recipe" >"$root.new/.complete"
	mv "$root.new" "$root"
fi

# 3. An overlay of it for this run; the dependencies apt downloads are kept.
archives=$cache/bookworm-archives
mkdir -p "$archives/partial" "$work/upper" "$work/ovl" "$work/root"
mnt=$work/root
cleanup() {
	mountpoint -q "$mnt/sys" && umount -R "$mnt/sys"
	for m in "$mnt/var/cache/apt/archives" "$mnt/proc" "$mnt"; do
		mountpoint -q "$m" && umount "$m"
	done
	return 0
}
trap cleanup EXIT
mount -t overlay overlay -o "lowerdir=$root,upperdir=$work/upper,workdir=$work/ovl" "$mnt"
mount -t proc proc "$mnt/proc"
mount --bind "$archives" "$mnt/var/cache/apt/archives"
cp /etc/resolv.conf "$mnt/etc/resolv.conf"
# sudo looks the host name up.
echo "127.0.1.1 $(hostname)" >>"$mnt/etc/hosts"
mkdir -p "$mnt/tmp/pkg" "$mnt/tmp/fixtures"
cp "$deb" "$mnt/tmp/pkg/"
cp "$src/tests/fixtures/basic.etr" "$mnt/tmp/fixtures/"
in_root() { chroot "$mnt" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C TZ=UTC TERM=dumb "$@"; }

step "apt install ./$(basename "$deb")"
install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends
	"/tmp/pkg/$(basename "$deb")")
if ! in_root "${install[@]}" >"$work/apt.log" 2>&1; then
	# The stored package lists may be older than the mirror.
	in_root apt-get update -q >>"$work/apt.log" 2>&1
	in_root "${install[@]}" >>"$work/apt.log" 2>&1 ||
		{ tail -n 20 "$work/apt.log" >&2; fail "apt install of the package failed in the clean root"; }
fi

# 4. Use it.
step "execrec --version"
in_root execrec --version | tee "$work/version.txt"
grep -qx "execrec $version" "$work/version.txt" || fail "--version does not say execrec $version"
grep -qx "libbpf: [0-9]*\.[0-9]*" "$work/version.txt" || fail "--version shows no libbpf: the packaged binary has no recorder"
page=$(in_root man -w execrec) || fail "man -w execrec found no page"
[ "$page" = /usr/share/man/man1/execrec.1.gz ] || fail "man -w execrec says $page"
echo "man -w execrec: $page"
in_root sh -c 'cd /tmp/fixtures && execrec report basic.etr 2>&1; echo "[exit $?]"' >"$work/report.out"
diff -u "$src/tests/replay/golden/report-basic.out" "$work/report.out" ||
	fail "execrec report basic.etr in the root differs from tests/replay/golden/report-basic.out"
echo "execrec report basic.etr: same as tests/replay/golden/report-basic.out"
in_root bash -c '. /usr/share/bash-completion/completions/execrec && complete -p execrec' ||
	fail "the bash completion does not load"
# The recorder's options for the kernel it runs on, in the page and the completion.
for opt in --btf=FILE --failed-exec= --programs=; do
	in_root man execrec 2>/dev/null | grep -qF -- "$opt" || fail "man execrec does not describe $opt"
done
# shellcheck disable=SC2016 # expanded by the bash in the root
words=$(in_root bash -c '. /usr/share/bash-completion/completions/execrec &&
	COMP_WORDS=(execrec record --failed-exec=) COMP_CWORD=2 && _execrec && echo "${COMPREPLY[*]}"')
[ "$words" = "auto fexit kprobe tracepoint" ] || fail "execrec record --failed-exec=<TAB> offers '$words'"
in_root /usr/share/execrec/execrec-ci.sh --help | grep -q -- --baseline-dir ||
	fail "/usr/share/execrec/execrec-ci.sh --help does not run"

# The CI recipe on a runner where the recorder refuses to start (no /sys
# yet: no BTF): one line, exit 2, not a diff's or a baseline's exit 1.
mkdir -p "$mnt/tmp/nojob"
chown "$(stat -c %u:%g "$mnt/home/runner")" "$mnt/tmp/nojob"
rc=0
in_root su runner -c 'cd /tmp/nojob && /usr/share/execrec/execrec-ci.sh -- true' >"$work/ci-norec.log" 2>&1 || rc=$?
[ $rc -eq 2 ] || { cat "$work/ci-norec.log" >&2; fail "execrec-ci.sh with a recorder that cannot start: exit $rc, not 2"; }
grep -qx 'execrec-ci: the recording of the build step failed: no trace in execrec-artifacts/execrec.etr' "$work/ci-norec.log" ||
	{ cat "$work/ci-norec.log" >&2; fail "execrec-ci.sh with a recorder that cannot start does not say so"; }
echo "execrec-ci.sh, recorder refused: $(grep -c . "$work/ci-norec.log") lines, exit 2"
# A job user that sudo does not let in: sudo -n says so, the recipe too, exit 2.
mkdir -p "$mnt/tmp/nosudo"
chown nobody "$mnt/tmp/nosudo"
rc=0
in_root timeout 60 su -s /bin/sh nobody -c 'cd /tmp/nosudo && /usr/share/execrec/execrec-ci.sh -- true' \
	</dev/null >"$work/ci-nosudo.log" 2>&1 || rc=$?
if [ $rc -ne 2 ] || ! grep -q '^execrec-ci: the recording of the build step failed' "$work/ci-nosudo.log"; then
	cat "$work/ci-nosudo.log" >&2
	fail "execrec-ci.sh as a user without sudo: exit $rc, not 2 with one line"
fi
echo "execrec-ci.sh, no sudo rights: $(tr '\n' ' ' <"$work/ci-nosudo.log")"

# The CI recipe as a CI job runs it: the job's user, sudo, the packaged
# recorder (BPF reaches the root through /sys).
mount --rbind /sys "$mnt/sys"
if ! in_root execrec record -q -o /tmp/probe.etr -- true >"$work/probe.log" 2>&1; then
	[ "${EXECREC_REQUIRE_BPF:-}" = 1 ] && fail "BPF required, and recording in the root does not work: $(head -n 1 "$work/probe.log")"
	echo "package: not recording in the root (no BPF: $(head -n 1 "$work/probe.log")); the CI recipe is not run there"
else
	mkdir -p "$mnt/tmp/job"
	chown "$(stat -c %u:%g "$mnt/home/runner")" "$mnt/tmp/job"
	step "execrec-ci.sh as user runner, twice"
	job='cd /tmp/job && export GITHUB_ACTIONS=true GITHUB_STEP_SUMMARY=/tmp/job/summary.md &&
		/usr/share/execrec/execrec-ci.sh --artifact-dir main -- sh -c "ls / >/dev/null; id -u >uid" &&
		mkdir base && cp main/execrec.etr base/ &&
		/usr/share/execrec/execrec-ci.sh --baseline-dir base --artifact-dir pr -- sh -c "ls / >/dev/null; id -u >uid"'
	in_root su runner -c "$job" >"$work/ci.log" 2>&1 || { cat "$work/ci.log" >&2; fail "execrec-ci.sh as user runner failed"; }
	uid=$(in_root id -u runner)
	[ "$(cat "$mnt/tmp/job/uid")" = "$uid" ] || fail "the recorded build did not run as user runner (uid $uid)"
	[ "$(stat -c %u "$mnt/tmp/job/pr/execrec.etr")" = "$uid" ] || fail "the kept trace is not the job user's"
	grep -q '^### execrec diff: .* passed' "$mnt/tmp/job/summary.md" || fail "no passed diff in the job summary"
	in_root execrec timeline --json /tmp/job/pr/execrec.etr | grep '"comm":"ls"' | grep -q "\"uid\":$uid," ||
		fail "the trace does not hold the build's ls, run as uid $uid"
	echo "execrec-ci.sh as user runner: recorded through sudo, build ran as uid $uid, diff passed"
fi
umount -R "$mnt/sys"

# 5. Remove it: no file of it, and nothing unowned, may stay.
in_root dpkg -L execrec >"$work/files.txt"
step "dpkg -r execrec"
in_root dpkg -r execrec >>"$work/apt.log" 2>&1 || fail "dpkg -r execrec failed"
# Not installed, or (once there are systemd units) configuration only: their
# enablement stays until a purge, as Debian does it; then purge, and what is
# left below must be nothing.
status=$(in_root dpkg-query -W -f '${db:Status-Abbrev}' execrec 2>/dev/null || true)
case ${status:0:2} in
'' | un) ;;
rc)
	echo "dpkg -r execrec: configuration left (status rc), as Debian keeps it until a purge: dpkg -P"
	in_root dpkg -P execrec >>"$work/apt.log" 2>&1 || fail "dpkg -P execrec failed"
	status=$(in_root dpkg-query -W -f '${db:Status-Abbrev}' execrec 2>/dev/null || true)
	[ -z "$status" ] || [ "${status:0:2}" = un ] || fail "after dpkg -P the package is still '$status'"
	;;
*) fail "after dpkg -r the package is still '$status'" ;;
esac
in_root man -w execrec >/dev/null 2>&1 && fail "man -w execrec still finds a page after dpkg -r"
in_root sh -c 'command -v execrec' && fail "execrec is still on PATH after dpkg -r"
while IFS= read -r f; do
	[ "$f" = /. ] && continue
	if [ -e "$mnt$f" ] && ! [ -d "$mnt$f" ]; then
		fail "dpkg -r left $f"
	fi
done <"$work/files.txt"
# What the overlay holds now is what install and removal changed; apart from
# package-manager state, logs and caches it must belong to the dependencies
# apt installed.
changed=$(cd "$work/upper" && find . -mindepth 1 \( -type c -o -type f -o -type l -o -type d \) -printf '%P\n' |
	grep -vE '^(tmp|proc|var/lib/dpkg|var/lib/apt|var/cache|var/log|root|run)(/|$)' |
	grep -vxE 'etc/resolv.conf|etc/hosts|etc/ld.so.cache' || true)
unowned=()
for f in $changed; do
	# Overlay whiteouts (character devices) mark deletions, not leftovers.
	[ -c "$work/upper/$f" ] && continue
	# Directories of the root that were only copied up.
	[ -d "$work/upper/$f" ] && [ -d "$root/$f" ] && continue
	in_root dpkg -S "/$f" >/dev/null 2>&1 || unowned+=("/$f")
done
[ ${#unowned[@]} -eq 0 ] || fail "after dpkg -r these are left and belong to no package: ${unowned[*]}"
echo "dpkg -r execrec: none of its $(wc -l <"$work/files.txt") paths left; $(wc -w <<<"$changed") other changed paths all belong to the dependencies"
step "passed"
