/* SPDX-License-Identifier: MIT */
/* The synthetic trace writer of synth.h: one trace at a time. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synth.h"

static struct etr_writer *w;
static int fd = -1;
static int werr;
static uint64_t cgroup = 77;	 /* of the events written next */
static uint64_t snap_cgroup = 0; /* and snapshot entries */

static void check(int err)
{
	if (err && !werr)
		werr = err;
}

static struct etr_str S(const char *s) {
	return (struct etr_str){s, (uint32_t)strlen(s)};
}

static struct etr_str
A(char *buf, size_t cap, const char *const *args, const size_t *lens, uint32_t *ret_argc) {
	size_t n = 0;

	*ret_argc = 0;
	for (size_t i = 0; args[i]; i++) {
		size_t l = lens ? lens[i] : strlen(args[i]);

		if (n + l + 1 > cap) {
			check(-E2BIG);
			break;
		}
		memcpy(buf + n, args[i], l);
		n += l;
		buf[n++] = '\0';
		(*ret_argc)++;
	}
	return (struct etr_str){buf, (uint32_t)n};
}

int synth_open(const char *path, uint64_t t0)
{
	struct etr_writer_opts o = {.sz = sizeof(o)};
	struct etr_clock clk = {
	    .boottime_ns = t0, .realtime_ns = 1795607034000000000ull, .monotonic_ns = t0};

	werr = 0;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -errno;
	o.trace_id[0] = 0xe8;
	o.trace_id[1] = 0x01;
	o.created_ns = 1795607034000000000ull;
	o.flush_interval_ns = 3600 * SEC;
	w = etr_writer__open_fd(fd, &o);
	if (!w) {
		close(fd);
		return -errno;
	}
	check(etr_writer__write_clock(w, &clk));
	return 0;
}

void synth_meta(const char *key, const char *value)
{
	check(etr_writer__write_meta(w, key, value, strlen(value)));
}

void synth_snap(uint32_t pid, uint32_t ppid, uint64_t start, const char *comm, const char *exe,
		const char *const *args)
{
	char buf[4096];
	struct etr_proc p = {
	    .ts_ns = start,
	    .pid = pid,
	    .ppid = ppid,
	    .start_ns = start,
	    .comm = S(comm),
	    .exe = S(exe),
	    .cwd = S("/"),
	    .cgroup_id = snap_cgroup,
	};

	p.argv = A(buf, sizeof(buf), args, NULL, &p.argc);
	check(etr_writer__write_proc(w, &p));
}

static struct etr_event base(uint16_t type, uint64_t ts, uint32_t pid, uint32_t ppid,
			     uint64_t start, const char *comm)
{
	struct etr_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.ts_ns = ts;
	ev.pid = ev.tid = pid;
	ev.ppid = ppid;
	ev.uid = ev.gid = 1000;
	ev.start_ns = start;
	ev.cgroup_id = cgroup;
	ev.comm = S(comm);
	ev.filename = ev.cwd = ev.argv = ev.env = S("");
	return ev;
}

void synth_cgroup(uint64_t ts, uint32_t op, uint64_t id, const char *path)
{
	struct etr_cgroup c = {.ts_ns = ts, .op = op, .id = id, .path = S(path)};

	check(etr_writer__write_cgroup(w, &c));
}

void synth_in_cgroup(uint64_t id)
{
	cgroup = snap_cgroup = id;
}

void synth_fork(uint64_t ts, uint32_t pid, uint32_t ppid, const char *comm)
{
	struct etr_event ev = base(ETR_EV_FORK, ts, pid, ppid, ts, comm);

	ev.parent_tid = ppid;
	check(etr_writer__write_event(w, &ev));
}

void synth_exec_raw(uint64_t ts, uint32_t pid, uint32_t ppid, uint64_t start, const char *file,
		    const char *cwd, const char *const *args, const size_t *lens)
{
	char buf[8192];
	const char *comm = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	struct etr_event ev = base(ETR_EV_EXEC, ts, pid, ppid, start, comm);

	ev.filename = S(file);
	ev.cwd = S(cwd);
	ev.argv = A(buf, sizeof(buf), args, lens, &ev.argc);
	ev.argv_orig_len = ev.argv.len;
	ev.old_tid = pid;
	check(etr_writer__write_event(w, &ev));
}

void synth_exec(uint64_t ts, uint32_t pid, uint32_t ppid, uint64_t start, int ret, const char *file,
		const char *cwd, const char *const *args)
{
	if (!ret) {
		synth_exec_raw(ts, pid, ppid, start, file, cwd, args, NULL);
	} else {
		char buf[8192];
		struct etr_event ev = base(ETR_EV_EXEC_FAIL, ts, pid, ppid, start, "sh");

		ev.ret = ret;
		ev.filename = S(file);
		ev.cwd = S(cwd);
		ev.argv = A(buf, sizeof(buf), args, NULL, &ev.argc);
		ev.argv_orig_len = ev.argv.len;
		check(etr_writer__write_event(w, &ev));
	}
}

void synth_exit(uint64_t ts, uint32_t pid, uint32_t ppid, uint64_t start, const char *comm,
		int code, int sig)
{
	struct etr_event ev = base(ETR_EV_EXIT, ts, pid, ppid, start, comm);

	ev.exit_code = code;
	ev.signal = sig;
	check(etr_writer__write_event(w, &ev));
}

void synth_lost(uint64_t ts, uint16_t type, uint64_t count)
{
	struct etr_event ev = base(ETR_EV_LOST, ts, 0, 0, 0, "");

	ev.lost_type = type;
	ev.lost_count = count;
	check(etr_writer__write_event(w, &ev));
}

void synth_run(uint64_t ts, uint32_t pid, uint32_t ppid, const char *file, const char *cwd,
	       const char *const *args, uint64_t dur, int code, int sig)
{
	const char *comm = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;

	synth_fork(ts, pid, ppid, "parent");
	synth_exec(ts + dur / 10, pid, ppid, ts, 0, file, cwd, args);
	synth_exit(ts + dur, pid, ppid, ts, comm, code, sig);
}

int synth_close(uint64_t end_ts)
{
	int err;

	/* the END record at a time of the test's choosing */
	check(etr_writer__close_at(w, 0, end_ts));
	etr_writer__free(w);
	w = NULL;
	cgroup = 77;
	snap_cgroup = 0;
	err = close(fd) ? -errno : 0;
	fd = -1;
	return werr ? werr : err;
}
