// SPDX-License-Identifier: MIT
/*
 * The failed-exec kprobe pair, attached through tracefs's kprobe_events
 * instead of libbpf's perf kprobes, for two things libbpf 1.1 cannot do:
 *
 *  - set the kretprobe's maxactive.  The kernel keeps one instance per call
 *    in flight and drops the return of any call beyond them: by default
 *    max(10, 2 * CPUs) on kernels like Debian's 5.10, which a burst of execs
 *    that sleep in the loader goes past.  "r1024:" keeps 1024.
 *  - count what was missed anyway.  kprobe_profile has each tracefs probe's
 *    nmissed (for a kretprobe, returns missed for want of an instance too);
 *    perf kprobes are not listed there, and their link info has no miss
 *    count before Linux 6.7.  record/ turns the count into LOST records of
 *    failed execs (an upper bound: a missed return may have been a
 *    successful exec's, which loses nothing) and a lost.kprobe_missed
 *    counter, so no miss is silent.
 *
 * The events are named execrec_PID_N, so two recorders never collide, and
 * removed when their links are; a recorder killed with SIGKILL leaves them
 * behind, inert, until removed by hand or a reboot.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include <bpf/libbpf.h>

#include "internal.h"
#include "live.h"

/* Calls in flight the kretprobe keeps an instance for (the kernel's upper
 * limit is 4096); recorder_opts.kretprobe_maxactive: a test knob, to make
 * the kretprobe miss on purpose and check that every miss is counted. */
#define KRETPROBE_MAXACTIVE 1024

static int append(const char *tfs, const char *file, const char *line)
{
	char path[128];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", tfs, file);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, line, strlen(line));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(line))
		err = -EIO;
	close(fd);
	return err;
}

static int event_id(const char *tfs, const char *name)
{
	char path[192], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/events/kprobes/%s/id", tfs, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	return atoi(buf);
}

int rec_kprobe_attach(struct rec_variant *v, struct bpf_program *prog, const char *func,
		      bool retprobe, struct bpf_link **ret_link)
{
	const char *tfs = rec_tracefs();
	char *name, line[160];
	struct bpf_link *link;
	int id, pfd, err;

	if (!tfs)
		return -ENOENT;
	if (v->nkprobes == REC_KPROBES_MAX)
		return -E2BIG;
	name = v->kprobes[v->nkprobes];
	snprintf(name, sizeof(v->kprobes[0]), "execrec_%d_%zu", (int)getpid(), v->nkprobes);
	if (retprobe) {
		if (v->kretprobe_maxactive <= 0)
			v->kretprobe_maxactive = KRETPROBE_MAXACTIVE;
		snprintf(line, sizeof(line), "r%d:kprobes/%s %s\n", v->kretprobe_maxactive, name,
			 func);
	} else
		snprintf(line, sizeof(line), "p:kprobes/%s %s\n", name, func);
	err = append(tfs, "kprobe_events", line);
	if (err)
		return err;
	v->nkprobes++;
	id = event_id(tfs, name);
	if (id < 0)
		return id;
	/* One CPU's event is enough: the program hangs off the probe, which
	 * runs it on every CPU. */
	pfd = live_perf_open(PERF_TYPE_TRACEPOINT, (uint64_t)id, 0, LIVE_PERF_ATTACH);
	if (pfd < 0)
		return pfd;
	link = bpf_program__attach_perf_event(prog, pfd);
	if (!link) {
		err = -errno;
		close(pfd);
		return err;
	}
	*ret_link = link; /* destroying it closes pfd */
	return 0;
}

void rec_kprobe_remove_all(struct rec_variant *v)
{
	const char *tfs = rec_tracefs();
	char line[64];

	while (tfs && v->nkprobes) {
		snprintf(line, sizeof(line), "-:kprobes/%s\n", v->kprobes[--v->nkprobes]);
		append(tfs, "kprobe_events", line);
	}
	v->nkprobes = 0;
}

int rec_kprobe_missed(const struct rec_variant *v, uint64_t *ret_missed)
{
	const char *tfs = rec_tracefs();
	char path[128], line[256], name[64];
	unsigned long long hits, missed;
	uint64_t sum = 0;
	FILE *f;

	if (!tfs || !v->nkprobes)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/kprobe_profile", tfs);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %llu %llu", name, &hits, &missed) != 3)
			continue;
		for (size_t i = 0; i < v->nkprobes; i++)
			if (!strcmp(name, v->kprobes[i]))
				sum += missed;
	}
	fclose(f);
	*ret_missed = sum;
	return 0;
}
