#!/bin/sh
# SPDX-License-Identifier: MIT
#
# run.sh BUILDDIR: the kernel matrix.  Boots Debian's cloud kernels 5.10
# (bullseye), 6.1 (bookworm) and 6.12 (trixie) under qemu (TCG: no KVM
# needed) with an initramfs holding the built execrec, tests/record's
# er-workload and the real programs the workload execs, records the
# workload there (guest.sh), brings the traces back over the serial console
# and checks every one on this machine with test-record's ER_CHECK_DIR mode;
# the running kernel gets the same recordings and checks.  Prints a table.
#
# On the suites in BTFLESS (default "bullseye") one recording more runs with
# /sys/kernel/btf hidden in the VM and --btf= the BTF btf.sh took out of
# that kernel's vmlinuz (cached next to it): the raw_tp programs.
#
# A kernel that cannot be downloaded fails the run under
# EXECREC_REQUIRE_BPF=1, else it is a skipped row.  KERNELS (default
# "bullseye bookworm trixie") chooses the Debian suites.  On those three the
# program sets and failed-exec paths recorded must be the expected ones: a
# path that stops working fails the run instead of leaving its row out.
set -u

# kept for a look: KEEP=1
build=$(cd "${1:?usage: run.sh BUILDDIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
execrec=$build/tools/execrec
workload=$build/tests/record/er-workload
checker=$build/tests/record/test-record
kernels=${KERNELS:-bullseye bookworm trixie}
btfless=${BTFLESS:-bullseye}
require=${EXECREC_REQUIRE_BPF:-0}

work=$(mktemp -d /tmp/execrec-kernels.XXXXXX)
if [ "${KEEP:-0}" = 1 ]; then
	echo "run.sh: keeping $work" >&2
else
	trap 'rm -rf "$work"' EXIT
fi
status=0
rows=""

# ---- the initramfs, built once for every kernel --------------------------
# Copies each ELF with the libraries ldd names, at their own paths.
copy_elf() {
	for f in "$@"; do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
		ldd "$f" 2>/dev/null | awk '/=> \// { print $3 } /^[ \t]*\// { print $1 }' |
			while read -r lib; do
				[ -e "$root$lib" ] && continue
				mkdir -p "$root$(dirname "$lib")"
				cp -L "$lib" "$root$lib"
			done
	done
}

build_initramfs() {
	root=$work/root
	mkdir -p "$root/usr/bin" "$root/usr/lib" "$root/usr/lib64" "$root/proc" "$root/sys" \
		"$root/dev" "$root/tmp" "$root/out" "$root/usr/local/bin"
	# Debian's merged /usr, as on the host: /bin/true is /usr/bin/true
	for d in bin sbin lib lib64; do
		ln -s "usr/${d#s}" "$root/$d"
	done
	ln -sf bin "$root/usr/sbin"
	cp /bin/busybox "$root/usr/local/bin/busybox"
	# what the workload execs: the system's own programs
	copy_elf /usr/bin/dash /usr/bin/true /usr/bin/false /usr/bin/sleep /usr/bin/cat \
		/usr/bin/wc "$execrec" "$workload"
	ln -s dash "$root/usr/bin/sh"
	cp "$here/guest.sh" "$root/guest.sh"
	# SYSCOST=1: bench/syscost in each VM instead of the recordings
	if [ "${SYSCOST:-0}" = 1 ]; then
		cc -O2 -o "$root/syscost" "$here/../../bench/syscost/syscost.c"
		cp "$here/../../bench/syscost/run.sh" "$root/syscost.sh"
	fi
	cat >"$root/init" <<INIT
#!/usr/local/bin/busybox sh
/usr/local/bin/busybox --install -s /usr/local/bin
export PATH=/usr/bin:/usr/local/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tracefs tracefs /sys/kernel/tracing
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
grep -q execrec.debug /proc/cmdline && export EXECREC_DEBUG=1
echo "==ER-KERNEL \$(uname -r)=="
if [ -x /syscost ]; then
	SYSCOST_BIN=/syscost SYSCOST_CALLS=200000 sh /syscost.sh $build 3
else
	sh /guest.sh $execrec $workload /out
fi
cd /out && for d in run* kpmiss; do
	[ -d "\$d" ] || continue
	echo "==ER-BEGIN \$d=="
	tar cf - "\$d" | gzip -c | base64
	echo "==ER-END \$d=="
done
echo "==ER-DONE=="
poweroff -f
INIT
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$work/root.cpio.gz"
}

# ---- checking a directory of recordings ------------------------------------
# check_runs KERNEL DIR: one table row per recording in DIR
check_runs() {
	kname=$1
	found=0
	got=""
	for d in "$2"/run*; do
		[ -d "$d" ] || continue
		found=1
		info=$("$execrec" info "$d/workload.etr" 2>&1)
		progs=$(echo "$info" | awk '$1 == "bpf.programs" { print $2 }')
		failed=$(echo "$info" | awk '$1 == "bpf.failed_exec" { print $2 }')
		got="$got ${progs:-?}/${failed:-?}"
		res=$(ER_CHECK_DIR=$d "$checker" 2>&1)
		tests=$(echo "$res" | awk '$1 == "tests" { print $4 "/" $2 }')
		asserts=$(echo "$res" | awk '$1 == "asserts" { print $4 "/" $2 }')
		if echo "$res" | grep -q 'Run Summary' && ! echo "$res" | awk '$1 == "tests" || $1 == "asserts" { if ($5 != 0) bad = 1 } END { exit !bad }'; then
			verdict=pass
		else
			verdict=FAIL
			status=1
			echo "$res" | grep -iE 'fail|assert' | head -n 20 >&2
			head -c 2000 "$d/stderr" >&2
		fi
		rows="$rows$(printf '%-28s %-16s %-11s %-8s %-9s %s' "$kname" "${progs:-?}" "${failed:-?}" "${tests:-0/0}" "${asserts:-0/0}" "$verdict")
"
	done
	if [ $found = 0 ]; then
		rows="$rows$(printf '%-28s %-16s %-11s %-8s %-9s %s' "$kname" - - - - FAIL)
"
		status=1
	fi
}

# check_kpmiss KERNEL DIR: guest.sh's recording with a kretprobe of one
# instance; its misses must be in the trace as lost.kprobe_missed and as
# LOST records of failed execs
check_kpmiss() {
	[ -f "$2/workload.etr" ] || return 0
	info=$("$execrec" info "$2/workload.etr" 2>&1)
	missed=$(echo "$info" | awk '$1 == "lost.kprobe_missed" { print $2 }' | tail -n 1)
	markers=$(echo "$info" | sed -n 's/.*lost markers \([0-9]*\).*/\1/p' | head -n 1)
	if [ "${missed:-0}" -gt 0 ] && [ "${markers:-0}" -gt 0 ]; then
		verdict=pass
	else
		verdict=FAIL
		status=1
		head -c 2000 "$2/stderr" >&2
	fi
	rows="$rows$(printf '%-28s %-16s %-11s %-18s %s' "$1" "maxactive=1" kprobe "missed=${missed:-?} lost-markers=${markers:-?}" "$verdict")
"
}

# ---- the host ---------------------------------------------------------------
if [ "${SYSCOST:-0}" != 1 ]; then
	mkdir -p "$work/host"
	"$here/guest.sh" "$execrec" "$workload" "$work/host"
	check_runs "$(uname -r) (host)" "$work/host"
fi

# ---- the VMs ----------------------------------------------------------------
build_initramfs
for suite in $kernels; do
	if ! vmlinuz=$("$here/fetch.sh" "$suite"); then
		if [ "$require" = 1 ]; then
			rows="$rows$(printf '%-28s %s' "$suite" 'FAIL: kernel not downloaded')
"
			status=1
		else
			rows="$rows$(printf '%-28s %s' "$suite" 'skipped: kernel not downloaded')
"
		fi
		continue
	fi
	# Linux unpacks concatenated cpio archives in turn: the BTF file
	# goes in a second one, for this kernel only
	initrd=$work/root.cpio.gz
	case " $btfless " in
	*" $suite "*)
		if ! btf=$("$here/btf.sh" "$vmlinuz"); then
			rows="$rows$(printf '%-28s %s' "$suite" 'FAIL: no BTF file from its vmlinuz')
"
			status=1
		else
			mkdir -p "$work/btf-$suite/btf"
			cp "$btf" "$work/btf-$suite/btf/vmlinux.btf"
			initrd=$work/$suite.cpio.gz
			(cd "$work/btf-$suite" && find . | cpio -o -H newc --quiet) | gzip -1 |
				cat "$work/root.cpio.gz" - >"$initrd"
		fi
		;;
	esac
	log=$work/$suite.console
	t0=$(date +%s)
	timeout 150 qemu-system-x86_64 -accel tcg -cpu max -m 1G -smp 1 -nographic -no-reboot \
		-kernel "$vmlinuz" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 quiet loglevel=1${EXECREC_DEBUG:+ execrec.debug}" </dev/null >"$log" 2>&1
	t1=$(date +%s)
	kname=$(tr -d '\r' <"$log" | sed -n 's/.*==ER-KERNEL \(.*\)==$/\1/p' | head -n 1)
	kname=${kname:-$suite}
	mkdir -p "$work/$suite"
	tr -d '\r' <"$log" | awk -v dir="$work/$suite" '
		/^==ER-BEGIN / { name = $2; sub(/==$/, "", name); f = dir "/" name ".b64"; next }
		/^==ER-END / { close(f); f = ""; next }
		f != "" { print > f }'
	for b in "$work/$suite"/*.b64; do
		[ -f "$b" ] && base64 -d "$b" | tar xzf - -C "$work/$suite"
	done
	if ! grep -q '==ER-DONE==' "$log"; then
		echo "run.sh: $suite: the VM did not finish (console below)" >&2
		tr -d '\r' <"$log" | tail -n 30 >&2
	fi
	echo "run.sh: $suite ($kname): VM ran $((t1 - t0)) s" >&2
	if [ "${SYSCOST:-0}" = 1 ]; then
		tr -d '\r' <"$log" | sed -n '/^kernel /,/^==ER-DONE/p' | grep -v '^==' >&2
		continue
	fi
	check_runs "$kname" "$work/$suite"
	check_kpmiss "$kname" "$work/$suite/kpmiss"
	if [ -s "$work/$suite/kpmiss/fexit.stderr" ]; then
		echo "run.sh: $suite: --failed-exec=fexit: $(cat "$work/$suite/kpmiss/fexit.stderr")" >&2
	fi
	# What guest.sh must have recorded there (auto's choice first): a
	# path that stops working must fail the run, not drop its row.
	case $suite in
	bullseye) want="bounded-loops/kprobe bounded-loops/tracepoint" ;;
	bookworm | trixie) want="bpf_loop/fexit bpf_loop/kprobe bpf_loop/tracepoint bounded-loops/fexit" ;;
	*) want="" ;;
	esac
	case " $btfless " in
	*" $suite "*) [ -n "$want" ] && want="$want raw-tracepoints/kprobe" ;;
	esac
	if [ -n "$want" ] && [ "${got# }" != "$want" ]; then
		rows="$rows$(printf '%-28s %s' "$kname" "FAIL: recorded ${got# }, expected $want")
"
		status=1
	fi
done

printf '%-28s %-16s %-11s %-8s %-9s %s\n' kernel programs failed-exec tests asserts result
printf '%s' "$rows"
exit $status
