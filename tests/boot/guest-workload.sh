#!/bin/sh
# The boot test's own unit (execrec-boot-test.service): a few processes, one
# failed exec, one non-zero exit, for the boot view to find.  With
# execrec.test=full on the kernel command line it also puts
# /var/log/execrec on a filesystem that is full (a tmpfs of 32 KiB, filled
# to the last page) before the boot is finished, where the boot service is
# to move its trace: the trace has to stay in /run/execrec, whole, and the
# journal has to say so.  Same unit in both boots, so that diff --by-unit
# of the two finds no new or gone unit.
for _ in 1 2 3; do /bin/true; done
/nonexistent/execrec-test || true
/bin/sh -c 'exit 3' || true
if grep -qw 'execrec.test=full' /proc/cmdline; then
	mkdir -p /var/log/execrec
	mount -t tmpfs -o size=32k,mode=0750 execrec-full /var/log/execrec || exit 1
	# exactly the filesystem's size: it is full, and nothing here fails
	head -c 32768 /dev/zero >/var/log/execrec/fill || exit 1
fi
exit 0
