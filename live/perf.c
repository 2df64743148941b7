/* SPDX-License-Identifier: MIT */
/*
 * perf_event_open() with the attributes execrec uses, in one place: the
 * probes listing asks whether a generic event exists, the recorder hangs a
 * BPF program off a tracefs kprobe event.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "live.h"

int live_perf_open(uint32_t type, uint64_t config, int cpu, unsigned how)
{
	struct perf_event_attr attr;
	pid_t pid;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = config;
	if (how & LIVE_PERF_ATTACH) {
		attr.sample_period = 1;
		attr.wakeup_events = 1;
		pid = -1;
	} else if (how & LIVE_PERF_QUERY) {
		attr.disabled = 1;
		attr.exclude_kernel = 1;
		attr.exclude_hv = 1;
		pid = 0;
		cpu = -1;
	} else {
		return -EINVAL;
	}
	fd = syscall(SYS_perf_event_open, &attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

bool live_perf_supported(uint32_t type, uint64_t config)
{
	int fd = live_perf_open(type, config, -1, LIVE_PERF_QUERY);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	/* no PMU (a VM without one) gives ENOENT or EOPNOTSUPP */
	return fd == -EACCES || fd == -EPERM || fd == -EBUSY;
}
