/* SPDX-License-Identifier: MIT */
/*
 * gen-bench: a synthetic trace shaped like a parallel build, for the
 * analyzer benchmarks.
 *
 *   gen-bench OUT.etr [EVENTS]      (default 1000000 events)
 *
 * make -j8 spawns "sh -c 'cc ...'", the shell execs cc, cc runs cc1 and as;
 * one cc in 50 fails, one exec in 20 fails along PATH first, some shells
 * fork subshells that never exec. Eight jobs run at once, so the events of
 * different processes interleave, and one event in 64 is stored a few
 * microseconds out of order, as the shared ring buffer does. Deterministic.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etr.h"

#define US 1000ull
#define MS 1000000ull
#define SEC 1000000000ull
#define JOBS 8

static struct etr_writer *w;
static uint64_t written, target;

/* A pending event: generated per job in order, merged by time. */
struct pend {
	struct etr_event ev;
	char argv[512];
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static struct etr_str S(const char *s) {
	return (struct etr_str){s, (uint32_t)strlen(s)};
}

static struct pend *
ev_new(struct pend *p, uint16_t type, uint64_t ts, uint32_t pid, uint32_t ppid, uint64_t start,
       const char *comm)
{
	memset(&p->ev, 0, sizeof(p->ev));
	p->ev.type = type;
	p->ev.ts_ns = ts;
	p->ev.pid = p->ev.tid = pid;
	p->ev.ppid = ppid;
	p->ev.uid = p->ev.gid = 1000;
	p->ev.start_ns = start;
	p->ev.cgroup_id = 4242;
	p->ev.comm = S(comm);
	return p;
}

/* The events of one job, in time order, from @t; returns how many. */
static int job(struct pend *out, uint32_t *next_pid, uint64_t t, uint32_t make_pid, uint64_t seq)
{
	static const char *const dirs[] = {"core", "net", "fs", "mm", "drivers/usb", "lib"};
	uint32_t sh = (*next_pid)++, cc, cc1, as;
	char src[96];
	int n = 0;
	bool fail = rnd(50) == 0;
	struct pend *p;

#define EV(type_, ts_, pid_, ppid_, start_, comm_)                                                 \
	(p = ev_new(&out[n++], (type_), (ts_), (pid_), (ppid_), (start_), (comm_)))
#define ARGS(pp, ...)                                                                              \
	do {                                                                                       \
		int l_ = snprintf((pp)->argv, sizeof((pp)->argv), __VA_ARGS__);                    \
		for (int i_ = 0; i_ < l_; i_++)                                                    \
			if ((pp)->argv[i_] == '\x01')                                              \
				(pp)->argv[i_] = '\0';                                             \
		(pp)->ev.argv.ptr = (pp)->argv;                                                    \
		(pp)->ev.argv.len = (uint32_t)l_;                                                  \
		(pp)->ev.argc = 0;                                                                 \
		for (int i_ = 0; i_ < l_; i_++)                                                    \
			(pp)->ev.argc += (pp)->argv[i_] == '\0';                                   \
		(pp)->ev.argv_orig_len = (uint32_t)l_;                                             \
		(pp)->ev.cwd = S("/home/build/src/project");                                       \
	} while (0)

	snprintf(src, sizeof(src), "%s/file%06llu", dirs[seq % 6], (unsigned long long)seq);
	uint64_t s0 = t;
	EV(ETR_EV_FORK, t, sh, make_pid, s0, "make")->ev.parent_tid = make_pid;
	t += 80 * US;
	EV(ETR_EV_EXEC, t, sh, make_pid, s0, "sh");
	p->ev.filename = S("/bin/sh");
	ARGS(p,
	     "/bin/sh\x01-c\x01"
	     "cc -O2 -g -Wall -Wextra -Iinclude -DNDEBUG -c -o %s.o %s.c\x01",
	     src, src);
	if (rnd(20) == 0) {
		t += 20 * US;
		EV(ETR_EV_EXEC_FAIL, t, sh, make_pid, s0, "sh");
		p->ev.ret = -2;
		p->ev.filename = S("/usr/local/bin/cc");
		ARGS(p,
		     "cc\x01-O2\x01-g\x01-Wall\x01-Wextra\x01-Iinclude\x01-DNDEBUG\x01-c\x01-o\x01%"
		     "s.o\x01%s.c\x01",
		     src, src);
	}
	t += 60 * US;
	EV(ETR_EV_EXEC, t, sh, make_pid, s0, "cc");
	p->ev.filename = S("/usr/bin/cc");
	ARGS(p,
	     "cc\x01-O2\x01-g\x01-Wall\x01-Wextra\x01-Iinclude\x01-DNDEBUG\x01-c\x01-o\x01%s.o\x01%"
	     "s.c\x01",
	     src, src);

	cc1 = (*next_pid)++;
	t += 100 * US;
	uint64_t s1 = t;
	EV(ETR_EV_FORK, t, cc1, sh, s1, "cc")->ev.parent_tid = sh;
	t += 50 * US;
	EV(ETR_EV_EXEC, t, cc1, sh, s1, "cc1");
	p->ev.filename = S("/usr/lib/gcc/x86_64-linux-gnu/12/cc1");
	ARGS(p,
	     "/usr/lib/gcc/x86_64-linux-gnu/12/cc1\x01-quiet\x01-Iinclude\x01%s.c\x01-O2\x01-o\x01/"
	     "tmp/cc%05u.s\x01",
	     src, rnd(100000));
	t += (20 + rnd(400)) * MS / 10;
	EV(ETR_EV_EXIT, t, cc1, sh, s1, "cc1")->ev.exit_code = fail;

	if (!fail) {
		as = (*next_pid)++;
		t += 100 * US;
		uint64_t s2 = t;
		EV(ETR_EV_FORK, t, as, sh, s2, "cc")->ev.parent_tid = sh;
		t += 50 * US;
		EV(ETR_EV_EXEC, t, as, sh, s2, "as");
		p->ev.filename = S("/usr/bin/as");
		ARGS(p, "as\x01--64\x01-o\x01%s.o\x01/tmp/cc%05u.s\x01", src, rnd(100000));
		t += (2 + rnd(30)) * MS / 10;
		EV(ETR_EV_EXIT, t, as, sh, s2, "as");
	}
	if (rnd(16) == 0) {
		/* a subshell that never execs */
		cc = (*next_pid)++;
		t += 30 * US;
		EV(ETR_EV_FORK, t, cc, sh, t, "sh")->ev.parent_tid = sh;
		t += 40 * US;
		EV(ETR_EV_EXIT, t, cc, sh, t - 40 * US, "sh");
	}
	t += 50 * US;
	EV(ETR_EV_EXIT, t, sh, make_pid, s0, "cc")->ev.exit_code = fail;
	for (int i = 0; i < n; i++) {
		if (!out[i].ev.filename.ptr)
			out[i].ev.filename = S("");
		if (!out[i].ev.cwd.ptr)
			out[i].ev.cwd = S("");
		if (!out[i].ev.argv.ptr)
			out[i].ev.argv = S("");
		out[i].ev.env = S("");
		out[i].ev.old_tid = out[i].ev.pid;
	}
	return n;
}

static void emit(struct etr_event *ev)
{
	int err = etr_writer__write_event(w, ev);

	if (err) {
		fprintf(stderr, "gen-bench: write: %s\n", strerror(-err));
		exit(1);
	}
	written++;
}

int main(int argc, char **argv)
{
	struct etr_writer_opts o = {.sz = sizeof(o), .created_ns = 1795607034000000000ull};
	struct pend *q[JOBS];
	int len[JOBS], pos[JOBS];
	uint32_t next_pid = 10000, make_pid = 9999;
	uint64_t t0 = 5000 * SEC, seq = 0;
	struct etr_clock clk = {.boottime_ns = t0 - MS, .realtime_ns = o.created_ns - MS};
	struct etr_event ev, held;
	bool have_held = false;
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: gen-bench OUT.etr [EVENTS]\n");
		return 2;
	}
	target = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	memset(o.trace_id, 0xbe, sizeof(o.trace_id));
	w = etr_writer__open_fd(fd, &o);
	if (!w) {
		perror("etr_writer__open_fd");
		return 1;
	}
	etr_writer__write_meta(w, "hostname", "bench", 5);
	etr_writer__write_meta(w, "kernel.release", "6.1.0-18-amd64", 14);
	etr_writer__write_meta(w, "tool.version", "0.1.0", 5);
	etr_writer__write_clock(w, &clk);
	{
		struct etr_proc p = {.ts_ns = t0 - MS,
				     .pid = make_pid,
				     .ppid = 1,
				     .uid = 1000,
				     .gid = 1000,
				     .start_ns = t0 - SEC,
				     .comm = S("make"),
				     .exe = S("/usr/bin/make"),
				     .cwd = S("/home/build/src/project"),
				     .argc = 2,
				     .argv = {"make\0-j8\0", 9}};

		etr_writer__write_proc(w, &p);
	}

	for (int j = 0; j < JOBS; j++) {
		q[j] = calloc(16, sizeof(struct pend));
		len[j] = job(q[j], &next_pid, t0 + (uint64_t)j * 137 * US, make_pid, seq++);
		pos[j] = 0;
	}
	while (written < target) {
		int best = 0;

		for (int j = 1; j < JOBS; j++)
			if (q[j][pos[j]].ev.ts_ns < q[best][pos[best]].ev.ts_ns)
				best = j;
		ev = q[best][pos[best]].ev;
		if (have_held) {
			emit(&ev);
			emit(&held);
			have_held = false;
		} else if (rnd(64) == 0) {
			/* stored after the next one: a little out of order */
			held = ev;
			have_held = true;
		} else {
			emit(&ev);
		}
		if (++pos[best] == len[best]) {
			uint64_t t = q[best][len[best] - 1].ev.ts_ns + 200 * US;

			if (have_held) {
				emit(&held);
				have_held = false;
			}
			len[best] = job(q[best], &next_pid, t, make_pid, seq++);
			pos[best] = 0;
			if (next_pid > 4000000)
				next_pid = 10000; /* pid_max: pids come back */
		}
	}
	if (have_held)
		emit(&held);
	{
		struct etr_counter c = {.ts_ns = ev.ts_ns, .name = S("lost.exec"), .value = 0};

		etr_writer__write_counter(w, &c);
	}
	if (etr_writer__close(w, 0)) {
		fprintf(stderr, "gen-bench: close failed\n");
		return 1;
	}
	etr_writer__free(w);
	close(fd);
	fprintf(stderr, "gen-bench: %llu events, %u processes\n", (unsigned long long)written,
		next_pid - 10000);
	return 0;
}
