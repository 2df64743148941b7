/* SPDX-License-Identifier: MIT */
/*
 * CUnit tests of replay/: the process model, one test per case it must get
 * right, fed with synthetic event sequences; the trace reader's reorder
 * window and its handling of damaged and foreign files; filters; and the
 * output helpers that must never lose a byte.
 */
#include <CUnit/Basic.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/utf8.h"
#include "replay.h"
#include "tree.h"

#define MS 1000000ull
#define SEC 1000000000ull
#define T0 (1000 * SEC)

/* ---- building events ----------------------------------------------------- */

static struct etr_str S(const char *s) {
	return (struct etr_str){s, (uint32_t)strlen(s)};
}

static struct etr_event
ev_base(uint16_t type, uint64_t ts, uint32_t pid, uint32_t ppid, uint64_t start, const char *comm)
{
	struct etr_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.ts_ns = ts;
	ev.pid = ev.tid = pid;
	ev.ppid = ppid;
	ev.uid = ev.gid = 1000;
	ev.start_ns = start;
	ev.comm = S(comm);
	ev.filename = ev.cwd = ev.argv = ev.env = S("");
	return ev;
}

static struct etr_event ev_fork(uint64_t ts, uint32_t pid, uint32_t ppid)
{
	struct etr_event ev = ev_base(ETR_EV_FORK, ts, pid, ppid, ts, "parent");

	ev.parent_tid = ppid;
	return ev;
}

/* argv given as "a\0b\0" with its length */
static struct etr_event ev_exec(uint64_t ts, uint32_t pid, uint32_t ppid, uint64_t start, int ret,
				const char *file, const char *argv, size_t argv_len)
{
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	struct etr_event ev = ev_base(ret ? ETR_EV_EXEC_FAIL : ETR_EV_EXEC, ts, pid, ppid, start,
				      ret ? "parent" : base);

	ev.ret = ret;
	ev.filename = S(file);
	ev.cwd = S("/tmp");
	ev.argv.ptr = argv;
	ev.argv.len = (uint32_t)argv_len;
	ev.old_tid = pid;
	return ev;
}

static struct etr_event ev_exit(uint64_t ts, uint32_t pid, uint32_t ppid, uint64_t start, int code,
				int sig)
{
	struct etr_event ev = ev_base(ETR_EV_EXIT, ts, pid, ppid, start, "x");

	ev.exit_code = code;
	ev.signal = sig;
	return ev;
}

static struct etr_event ev_lost(uint64_t ts, uint16_t type, uint64_t n)
{
	struct etr_event ev = ev_base(ETR_EV_LOST, ts, 0, 0, 0, "");

	ev.lost_type = type;
	ev.lost_count = n;
	return ev;
}

static struct etr_event ev_proc(uint32_t pid, uint32_t ppid, uint64_t start, const char *exe,
				const char *argv, size_t argv_len)
{
	struct etr_event ev = ev_base(RP_EV_PROC, T0 - MS, pid, ppid, start, "snap");

	ev.filename = S(exe);
	ev.argv.ptr = argv;
	ev.argv.len = (uint32_t)argv_len;
	return ev;
}

#define ARGV(lit) lit, sizeof(lit) - 1

static struct rp_model *model_new(void)
{
	struct rp_model *m = rp_model__new(NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	return m;
}

static void add(struct rp_model *m, struct etr_event ev)
{
	CU_ASSERT_EQUAL(rp_model__add(m, &ev), 0);
}

static struct rp_proc *find(struct rp_model *m, uint32_t pid, uint64_t start)
{
	struct rp_proc *p = rp_model__find(m, pid, start);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	return p;
}

static struct rp_proc *parent_of(struct rp_model *m, struct rp_proc *p)
{
	return p->parent == RP_NONE ? NULL : rp_model__proc(m, p->parent);
}

/* ---- the process model ----------------------------------------------------- */

/* fork, exec, exit: one process with its parent, time and status */
static void test_model_lifecycle(void)
{
	struct rp_model *m = model_new();
	struct rp_proc *p, *par;
	uint64_t d;

	add(m, ev_fork(T0, 100, 1));
	add(m, ev_fork(T0 + MS, 101, 100));
	add(m, ev_exec(T0 + 2 * MS, 101, 100, T0 + MS, 0, "/bin/ls", ARGV("ls\0-l\0")));
	add(m, ev_exit(T0 + 5 * MS, 101, 100, T0 + MS, 3, 0));
	rp_model__finish(m, T0 + 10 * MS);

	p = find(m, 101, T0 + MS);
	CU_ASSERT(p->flags & RP_PF_FORKED);
	CU_ASSERT(p->flags & RP_PF_EXITED);
	CU_ASSERT_FALSE(p->flags & (RP_PF_NO_START | RP_PF_RUNNING | RP_PF_LOST));
	CU_ASSERT_EQUAL(p->exit_code, 3);
	CU_ASSERT_EQUAL(p->nexec, 1);
	CU_ASSERT_STRING_EQUAL(rp_model__comm(m, p), "ls");
	CU_ASSERT_TRUE(rp_model__duration(m, p, &d));
	CU_ASSERT_EQUAL(d, 4 * MS);
	par = parent_of(m, p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(par);
	CU_ASSERT_EQUAL(par->pid, 100);
	CU_ASSERT_EQUAL(par->nchildren, 1);
	CU_ASSERT(par->flags & RP_PF_RUNNING);
	CU_ASSERT_TRUE(rp_model__duration(m, par, &d));
	CU_ASSERT_EQUAL(d, 10 * MS);
	CU_ASSERT_STRING_EQUAL(rp_proc_status(p), "exited");
	rp_model__free(m);
}

/* sh -c 'exec make': one process, two programs, in order */
static void test_model_exec_chain(void)
{
	struct rp_model *m = model_new();
	const struct rp_exec *x;
	struct rp_proc *p;
	struct etr_event fork_ev;
	uint32_t cwd;

	add(m, ev_fork(T0, 200, 1));
	add(m, ev_exec(T0 + 1, 200, 1, T0, 0, "/bin/sh", ARGV("sh\0-c\0exec make\0")));
	add(m, ev_exec(T0 + 2, 200, 1, T0, -2, "/usr/local/bin/make", ARGV("make\0")));
	add(m, ev_exec(T0 + 3, 200, 1, T0, 0, "/usr/bin/make", ARGV("make\0")));
	add(m, ev_exit(T0 + 4, 200, 1, T0, 0, 0));
	rp_model__finish(m, T0 + 10);

	CU_ASSERT_EQUAL(rp_model__count(m), 2); /* and init, a placeholder */
	p = find(m, 200, T0);
	CU_ASSERT_EQUAL(p->nexec, 2);
	CU_ASSERT_EQUAL(p->nfail, 1);
	x = rp_model__exec(m, p->exec_first);
	CU_ASSERT_EQUAL(x->argv.len, sizeof("sh\0-c\0exec make\0") - 1);
	CU_ASSERT_STRING_EQUAL(rp_model__str(m, x->filename).ptr, "/bin/sh");
	CU_ASSERT_EQUAL(rp_model__str(m, x->filename).len, 7);
	cwd = x->cwd;
	x = rp_model__exec(m, x->next);
	CU_ASSERT_EQUAL(x->ret, -2);
	CU_ASSERT_STRING_EQUAL(rp_model__str(m, x->filename).ptr, "/usr/local/bin/make");
	/* kept once: the same directory is the same id */
	CU_ASSERT_EQUAL(x->cwd, cwd);
	x = rp_model__last_exec(m, p);
	CU_ASSERT_EQUAL(rp_model__str(m, x->filename).len, strlen("/usr/bin/make"));
	CU_ASSERT_EQUAL(x->next, RP_NONE);
	CU_ASSERT_STRING_EQUAL(rp_model__comm(m, p), "make");
	CU_ASSERT_STRING_EQUAL(rp_model__str(m, x->comm).ptr, "make");
	CU_ASSERT_STRING_EQUAL(rp_model__str(m, RP_NONE).ptr, "");

	/* sealed: reading still works, the pid table is gone, adding is refused */
	rp_model__seal(m);
	CU_ASSERT_PTR_EQUAL(rp_model__find(m, 200, 0), p);
	CU_ASSERT_PTR_EQUAL(rp_model__find(m, 200, T0), p);
	CU_ASSERT_PTR_NULL(rp_model__find(m, 200, T0 + 1));
	CU_ASSERT_STRING_EQUAL(rp_model__str(m, x->filename).ptr, "/usr/bin/make");
	fork_ev = ev_fork(T0 + 5, 201, 200);
	CU_ASSERT_EQUAL(rp_model__add(m, &fork_ev), -EINVAL);
	CU_ASSERT_EQUAL(rp_model__finish(m, T0 + 20), -EINVAL);
	rp_model__free(m);
}

/* a daemon: its parent dies, init adopts it; it stays under its creator */
static void test_model_orphan(void)
{
	struct rp_model *m = model_new();
	struct rp_proc *c;

	add(m, ev_fork(T0, 300, 1));
	add(m, ev_fork(T0 + 1, 301, 300));
	add(m, ev_exit(T0 + 2, 300, 1, T0, 0, 0));
	add(m, ev_exec(T0 + 3, 301, 1, T0 + 1, 0, "/usr/sbin/d", ARGV("d\0")));
	rp_model__finish(m, T0 + 10);

	c = find(m, 301, T0 + 1);
	CU_ASSERT(c->flags & RP_PF_REPARENTED);
	CU_ASSERT_EQUAL(c->reparent_pid, 1);
	CU_ASSERT_EQUAL(c->ppid, 300);
	CU_ASSERT_EQUAL(parent_of(m, c)->pid, 300);
	CU_ASSERT(c->flags & RP_PF_RUNNING);
	/* a subreaper, later: the last adopter is kept */
	rp_model__free(m);
}

/* a pid used by two processes: two records, the first closed without exit */
static void test_model_recycled_pid(void)
{
	struct rp_model *m = model_new();
	struct rp_proc *a, *b;
	int ended = 0;

	add(m, ev_fork(T0, 400, 1));
	add(m, ev_exec(T0 + 1, 400, 1, T0, 0, "/bin/a", ARGV("a\0")));
	/* its exit was not recorded; the pid comes back */
	add(m, ev_fork(T0 + 100, 400, 1));
	add(m, ev_exec(T0 + 101, 400, 1, T0 + 100, 0, "/bin/b", ARGV("b\0")));
	add(m, ev_exit(T0 + 102, 400, 1, T0 + 100, 0, 0));
	/* and once more, this time with an exit first in, then a fork */
	add(m, ev_fork(T0 + 200, 400, 1));
	add(m, ev_exit(T0 + 201, 400, 1, T0 + 200, 1, 0));
	rp_model__finish(m, T0 + 300);

	a = find(m, 400, T0);
	b = find(m, 400, T0 + 100);
	CU_ASSERT_PTR_NOT_EQUAL(a, b);
	CU_ASSERT(a->flags & RP_PF_NO_EXIT);
	CU_ASSERT_FALSE(a->flags & (RP_PF_EXITED | RP_PF_RUNNING));
	CU_ASSERT(b->flags & RP_PF_EXITED);
	CU_ASSERT_STRING_EQUAL(rp_proc_status(a), "unknown");
	CU_ASSERT_EQUAL(find(m, 400, 0)->start_ns, T0 + 200); /* newest */
	CU_ASSERT_EQUAL(find(m, 400, T0 + 200)->exit_code, 1);
	for (uint32_t i = 0; i < rp_model__count(m); i++)
		ended += rp_model__proc(m, i)->pid == 400;
	CU_ASSERT_EQUAL(ended, 3);
	rp_model__free(m);
}

/* the start snapshot: parents found whatever the order; events of a
 * snapshot process match it although /proc's start time is in ticks */
static void test_model_snapshot(void)
{
	struct rp_model *m = model_new();
	struct rp_proc *sh, *init, *sleeper;

	add(m, ev_proc(600, 500, 950 * SEC, "/usr/bin/sleep",
		       ARGV("sleep\0"
			    "60\0")));
	add(m, ev_proc(500, 1, 900 * SEC, "/bin/bash", ARGV("-bash\0")));
	add(m, ev_proc(1, 0, 1 * SEC, "/sbin/init", ARGV("/sbin/init\0")));
	add(m, ev_fork(T0, 700, 500));
	/* the exit of the sleep: start in ns, 3 ms after the tick */
	add(m, ev_exit(T0 + MS, 600, 500, 950 * SEC + 3 * MS + 7, 0, 0));
	rp_model__finish(m, T0 + SEC);

	CU_ASSERT_EQUAL(rp_model__count(m), 4);
	sh = find(m, 500, 0);
	init = find(m, 1, 0);
	sleeper = find(m, 600, 0);
	CU_ASSERT(sh->flags & RP_PF_SNAPSHOT);
	CU_ASSERT_FALSE(sh->flags & RP_PF_NO_START);
	CU_ASSERT_PTR_EQUAL(parent_of(m, sh), init);
	CU_ASSERT_PTR_EQUAL(parent_of(m, sleeper), sh);
	CU_ASSERT_EQUAL(parent_of(m, find(m, 700, 0))->pid, 500);
	CU_ASSERT(sleeper->flags & RP_PF_EXITED);
	CU_ASSERT_EQUAL(sleeper->start_ns, 950 * SEC + 3 * MS + 7); /* the precise one */
	CU_ASSERT(rp_model__exec(m, sleeper->exec_first)->flags & RP_XF_SNAPSHOT);
	CU_ASSERT(init->flags & RP_PF_RUNNING);
	CU_ASSERT_EQUAL(init->parent, RP_NONE);
	rp_model__free(m);
}

/* an exit of a process whose start was never seen */
static void test_model_exit_unseen_start(void)
{
	struct rp_model *m = model_new();
	struct rp_proc *p;
	uint64_t d;

	add(m, ev_proc(1, 0, SEC, "/sbin/init", ARGV("init\0")));
	add(m, ev_exit(T0, 900, 1, T0 - 5 * SEC, 0, 0));
	rp_model__finish(m, T0 + SEC);

	p = find(m, 900, T0 - 5 * SEC);
	CU_ASSERT(p->flags & RP_PF_NO_START);
	CU_ASSERT(p->flags & RP_PF_EXITED);
	CU_ASSERT_TRUE(rp_model__duration(m, p, &d));
	CU_ASSERT_EQUAL(d, 5 * SEC);
	CU_ASSERT_EQUAL(parent_of(m, p)->pid, 1);
	rp_model__free(m);
}

/* a parent known only by its pid, who later shows itself */
static void test_model_placeholder_parent(void)
{
	struct rp_model *m = model_new();
	struct rp_proc *par, *a, *b;

	add(m, ev_fork(T0, 801, 800));
	add(m, ev_fork(T0 + 1, 802, 800));
	par = find(m, 800, 0);
	CU_ASSERT(par->flags & RP_PF_PLACEHOLDER);
	CU_ASSERT_EQUAL(par->nchildren, 2);
	/* now an event of 800 itself, with its start */
	add(m, ev_exec(T0 + 2, 800, 1, T0 - SEC, 0, "/bin/p", ARGV("p\0")));
	rp_model__finish(m, T0 + 10);

	par = find(m, 800, T0 - SEC);
	a = find(m, 801, 0);
	b = find(m, 802, 0);
	CU_ASSERT_FALSE(par->flags & RP_PF_PLACEHOLDER);
	CU_ASSERT_PTR_EQUAL(parent_of(m, a), par);
	CU_ASSERT_PTR_EQUAL(parent_of(m, b), par);
	CU_ASSERT_EQUAL(par->ppid, 1);
	rp_model__free(m);
}

/* Every process in exactly the child list of its parent, and every walk
 * up ends at a root: what the tree's walks stand on, whatever the events. */
static void check_links(struct rp_model *m)
{
	uint32_t n = rp_model__count(m);

	for (uint32_t i = 0; i < n; i++) {
		struct rp_proc *p = rp_model__proc(m, i);
		uint32_t seen = 0, steps = 0;

		for (uint32_t c = p->first_child; c != RP_NONE && seen <= n;
		     c = rp_model__proc(m, c)->next_sibling, seen++)
			CU_ASSERT_EQUAL(rp_model__proc(m, c)->parent, i);
		CU_ASSERT(seen <= n); /* no loop in the list */
		CU_ASSERT_EQUAL(seen, p->nchildren);
		for (uint32_t a = p->parent; a != RP_NONE && steps <= n;
		     a = rp_model__proc(m, a)->parent)
			steps++;
		CU_ASSERT(steps <= n); /* no cycle above it */
	}
}

/* Hostile or garbled events: start times of 0 that differ in parent, a
 * pid twice with start 0, two processes each other's parent. */
static void test_model_hostile_links(void)
{
	struct rp_model *m = model_new();

	/* pid 49 with start 0 under 100, then again under 200 */
	add(m, ev_fork(T0, 50, 100));
	add(m, ev_exec(T0 + 1, 49, 100, 0, 0, "/bin/a", ARGV("a\0")));
	add(m, ev_exec(T0 + 2, 49, 200, 0, 0, "/bin/a", ARGV("a\0")));
	/* pid 60 with start 0, twice under the same parent */
	add(m, ev_exec(T0 + 3, 60, 100, 0, 0, "/bin/b", ARGV("b\0")));
	add(m, ev_exec(T0 + 4, 60, 100, 0, 0, "/bin/b", ARGV("b\0")));
	/* 10 forked by 20, then 20 forked by 10 */
	add(m, ev_fork(T0 + 5, 10, 20));
	add(m, ev_fork(T0 + 6, 20, 10));
	rp_model__finish(m, T0 + 10);
	check_links(m);
	/* 100 keeps its children: 50, 49 (once), 60 (once) */
	CU_ASSERT_EQUAL(parent_of(m, find(m, 50, 0))->pid, 100);
	CU_ASSERT_EQUAL(find(m, 100, 0)->nchildren, 3);
	rp_model__free(m);
}

/* lost markers mark who may miss events, and never invent an exit */
static void test_model_lost(void)
{
	struct rp_model *m = model_new();
	struct rp_proc *alive, *done, *seen_after, *late, *before;

	add(m, ev_fork(T0, 2000, 1));	  /* alive across the loss */
	add(m, ev_fork(T0 + 1, 2001, 1)); /* exits after it: its exit is seen */
	add(m, ev_fork(T0 + 2, 2002, 1));
	add(m, ev_exit(T0 + 3, 2002, 1, T0 + 2, 0, 0)); /* over before the loss */
	add(m, ev_lost(T0 + 10, ETR_EV_EXIT, 2));
	add(m, ev_lost(T0 + 10, ETR_EV_FORK, 1));
	add(m, ev_exit(T0 + 20, 2001, 1, T0 + 1, 0, 0));
	/* a child whose fork may be the lost one */
	add(m, ev_exec(T0 + 30, 2003, 1, T0 + 9, 0, "/bin/j", ARGV("j\0")));
	add(m, ev_exit(T0 + 31, 2003, 1, T0 + 9, 0, 0));
	rp_model__finish(m, T0 + 100);

	alive = find(m, 2000, 0);
	done = find(m, 2001, 0);
	before = find(m, 2002, 0);
	late = find(m, 2003, 0);
	CU_ASSERT(alive->flags & RP_PF_LOST);
	CU_ASSERT_FALSE(alive->flags & RP_PF_RUNNING); /* its exit may be lost */
	CU_ASSERT_STRING_EQUAL(rp_proc_status(alive), "unknown");
	CU_ASSERT(done->flags & RP_PF_LOST); /* it may have lost children */
	CU_ASSERT(done->flags & RP_PF_EXITED);
	CU_ASSERT_FALSE(before->flags & RP_PF_LOST);
	CU_ASSERT(late->flags & RP_PF_LOST);
	CU_ASSERT(late->flags & RP_PF_NO_START);
	CU_ASSERT_EQUAL(rp_model__lost_count(m), 2);

	/* seen alive after a lost exit: that exit was not its own */
	rp_model__free(m);
	m = model_new();
	add(m, ev_fork(T0, 3000, 1));
	add(m, ev_lost(T0 + 10, ETR_EV_EXIT, 1));
	add(m, ev_exec(T0 + 20, 3000, 1, T0, 0, "/bin/k", ARGV("k\0")));
	rp_model__finish(m, T0 + 100);
	seen_after = find(m, 3000, 0);
	CU_ASSERT(seen_after->flags & RP_PF_RUNNING);
	CU_ASSERT_FALSE(seen_after->flags & RP_PF_LOST);
	rp_model__free(m);
}

/* threads: their creation is not a process; an exec from one is */
static void test_model_threads(void)
{
	struct rp_model *m = model_new();
	struct etr_event th = ev_fork(T0 + 1, 1000, 1000);
	struct etr_event ex = ev_exec(T0 + 2, 1000, 1, T0, 0, "/bin/x", ARGV("x\0"));
	struct rp_proc *p;

	add(m, ev_fork(T0, 1000, 1));
	th.tid = 1001;
	th.flags = ETR_EVF_THREAD;
	add(m, th);
	ex.old_tid = 1001;
	add(m, ex);
	rp_model__finish(m, T0 + 10);

	p = find(m, 1000, T0);
	CU_ASSERT_EQUAL(p->nchildren, 0);
	CU_ASSERT(p->flags & RP_PF_THREAD_EXEC);
	rp_model__free(m);
}

/* repeats change nothing; a second exit is ignored */
static void test_model_repeats(void)
{
	struct rp_model *m = model_new();
	struct rp_proc *p;

	add(m, ev_fork(T0, 50, 1));
	add(m, ev_fork(T0, 50, 1));
	add(m, ev_exit(T0 + 5, 50, 1, T0, 7, 0));
	add(m, ev_exit(T0 + 9, 50, 1, T0, 8, 0));
	add(m, ev_base(42, T0 + 10, 50, 1, T0, "x")); /* unknown type */
	rp_model__finish(m, T0 + 10);
	p = find(m, 50, T0);
	CU_ASSERT_EQUAL(p->exit_code, 7);
	CU_ASSERT_EQUAL(p->end_ns, T0 + 5);
	CU_ASSERT_EQUAL(find(m, 1, 0)->nchildren, 1);
	rp_model__free(m);
}

struct ends {
	int calls;
	int with_exec;
};

static void count_end(void *ctx, struct rp_model *m, struct rp_proc *p)
{
	struct ends *e = ctx;

	e->calls++;
	e->with_exec += rp_model__last_exec(m, p) != NULL;
}

/* release_ended: each process handed over once, with its execs; then freed */
static void test_model_release(void)
{
	struct ends e = {0};
	struct rp_model_opts o = {
	    .sz = sizeof(o), .on_end = count_end, .ctx = &e, .release_ended = true};
	struct rp_model *m = rp_model__new(&o);
	size_t mem_small, mem_big;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (uint32_t i = 0; i < 100; i++) {
		uint64_t t = T0 + i * 10;

		add(m, ev_fork(t, 5000 + i, 1));
		add(m, ev_exec(t + 1, 5000 + i, 1, t, 0, "/bin/true", ARGV("true\0")));
		add(m, ev_exit(t + 2, 5000 + i, 1, t, 0, 0));
	}
	mem_small = rp_model__mem(m);
	for (uint32_t i = 100; i < 2000; i++) {
		uint64_t t = T0 + i * 10;

		add(m, ev_fork(t, 5000 + i, 1));
		add(m, ev_exec(t + 1, 5000 + i, 1, t, 0, "/bin/true", ARGV("true\0")));
		add(m, ev_exit(t + 2, 5000 + i, 1, t, 0, 0));
	}
	mem_big = rp_model__mem(m);
	rp_model__finish(m, T0 + SEC);
	CU_ASSERT_EQUAL(e.calls, 2001); /* and the placeholder of init */
	CU_ASSERT_EQUAL(e.with_exec, 2000);
	CU_ASSERT_PTR_NULL(rp_model__last_exec(m, find(m, 5000, 0)));
	/* execs and strings do not grow: only the process records do */
	CU_ASSERT(mem_big - mem_small < 1900 * 200);
	rp_model__free(m);
}

struct seen {
	uint32_t pid, nchildren, flags;
	uint64_t start, dur;
	int32_t code;
	bool dur_known;
};

struct seen_list {
	struct seen s[4096];
	size_t n;
	size_t max_held;
};

static void record_end(void *ctx, struct rp_model *m, struct rp_proc *p)
{
	struct seen_list *l = ctx;
	struct seen *s = &l->s[l->n++];

	s->pid = p->pid;
	s->start = p->start_ns;
	s->flags = p->flags;
	s->nchildren = p->nchildren;
	s->code = p->exit_code;
	s->dur_known = rp_model__duration(m, p, &s->dur);
}

/* A made-up workload: nested forks, execs, exits in any order, pids reused. */
static void feed_workload(struct rp_model *m, struct seen_list *l, bool count_held)
{
	uint32_t alive[64], nalive = 0, next = 100;
	uint64_t start[64], t = T0, rng = 12345;

	alive[nalive] = 1;
	start[nalive++] = 0;
	for (int step = 0; step < 3000; step++) {
		uint32_t k;

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		k = (uint32_t)(rng >> 33) % nalive;
		t += 1000;
		if (((rng >> 20) & 3) != 0 && nalive < 64) {
			uint32_t pid;
			bool busy;

			/* pids come back often, but never while in use */
			do {
				pid = 100 + next++ % 200;
				busy = false;
				for (uint32_t j = 0; j < nalive; j++)
					busy |= alive[j] == pid;
			} while (busy);

			add(m, ev_fork(t, pid, alive[k]));
			add(m, ev_exec(t + 1, pid, alive[k], t, 0, "/bin/x", ARGV("x\0")));
			alive[nalive] = pid;
			start[nalive++] = t;
		} else if (k > 0) {
			add(m, ev_exit(t, alive[k], 1, start[k], (int)(k % 3), 0));
			alive[k] = alive[--nalive];
			start[k] = start[nalive];
		}
		if (count_held && rp_model__mem(m) > l->max_held)
			l->max_held = rp_model__mem(m);
	}
	rp_model__finish(m, t + 1000);
}

static int cmp_seen(const void *x, const void *y)
{
	const struct seen *a = x, *b = y;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

/* forget_ended: the same processes come out, memory stays with the living */
static void test_model_forget(void)
{
	static struct seen_list a, b;
	struct rp_model_opts o = {.sz = sizeof(o), .on_end = record_end};
	struct rp_model *m;

	a.n = b.n = 0;
	o.ctx = &a;
	m = rp_model__new(&o);
	feed_workload(m, &a, false);
	rp_model__free(m);
	o.ctx = &b;
	o.forget_ended = true;
	m = rp_model__new(&o);
	feed_workload(m, &b, true);
	CU_ASSERT(rp_model__count(m) < 400); /* slots: not one per process */
	rp_model__free(m);

	CU_ASSERT_EQUAL_FATAL(a.n, b.n);
	CU_ASSERT(a.n > 1000);
	/* at the end, processes are closed in slot order, which differs */
	qsort(a.s, a.n, sizeof(a.s[0]), cmp_seen);
	qsort(b.s, b.n, sizeof(b.s[0]), cmp_seen);
	for (size_t i = 0; i < a.n; i++) {
		CU_ASSERT_EQUAL(a.s[i].pid, b.s[i].pid);
		CU_ASSERT_EQUAL(a.s[i].start, b.s[i].start);
		CU_ASSERT_EQUAL(a.s[i].flags, b.s[i].flags);
		CU_ASSERT_EQUAL(a.s[i].nchildren, b.s[i].nchildren);
		CU_ASSERT_EQUAL(a.s[i].code, b.s[i].code);
		CU_ASSERT_EQUAL(a.s[i].dur_known, b.s[i].dur_known);
		CU_ASSERT_EQUAL(a.s[i].dur, b.s[i].dur);
	}
}

/* ---- the trace reader ------------------------------------------------------- */

struct membuf {
	int fd;
	struct etr_writer *w;
	char *data;
	size_t len;
};

static void mb_open(struct membuf *b, uint32_t chunk_bytes)
{
	struct etr_writer_opts o = {.sz = sizeof(o),
				    .chunk_bytes = chunk_bytes,
				    .flush_interval_ns = 3600 * SEC,
				    .created_ns = 1};

	memset(o.trace_id, 0x5a, sizeof(o.trace_id));
	b->fd = memfd_create("trace", 0);
	CU_ASSERT_FATAL(b->fd >= 0);
	b->w = etr_writer__open_fd(b->fd, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b->w);
}

static void mb_close(struct membuf *b, bool clean)
{
	off_t len;

	if (clean) {
		CU_ASSERT_EQUAL(etr_writer__close(b->w, 0), 0);
	} else {
		CU_ASSERT_EQUAL(etr_writer__flush(b->w), 0);
	}
	etr_writer__free(b->w);
	len = lseek(b->fd, 0, SEEK_END);
	b->len = (size_t)len;
	b->data = malloc(b->len);
	CU_ASSERT_FATAL(b->data != NULL);
	CU_ASSERT_EQUAL(pread(b->fd, b->data, b->len, 0), (ssize_t)b->len);
	close(b->fd);
}

static void mb_event(struct membuf *b, struct etr_event ev)
{
	CU_ASSERT_EQUAL(etr_writer__write_event(b->w, &ev), 0);
}

/* events stored out of order come out in order; one later than the window
 * allowed still comes out (never dropped), and is counted */
static void test_trace_reorder(void)
{
	struct rp_trace_opts o = {.sz = sizeof(o), .reorder_ns = 5 * MS};
	static const uint64_t order[] = {0, 3, 1, 2, 8, 4, 20, 30, 21, 40};
	const struct etr_event *ev;
	struct rp_trace_stats st;
	struct membuf b;
	struct rp_trace *t;
	uint64_t prev = 0, n = 0;

	mb_open(&b, 0);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		mb_event(&b, ev_fork(T0 + order[i] * MS, 100 + (uint32_t)i, 1));
	/* 10 ms late with a 5 ms window */
	mb_event(&b, ev_fork(T0 + 25 * MS, 99, 1));
	mb_close(&b, true);

	t = rp_trace__open_mem(b.data, b.len, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	while (rp_trace__next_event(t, &ev) > 0) {
		if (ev->pid != 99) {
			CU_ASSERT(ev->ts_ns >= prev);
			prev = ev->ts_ns;
		}
		n++;
	}
	rp_trace__stats(t, &st);
	CU_ASSERT_EQUAL(n, 11);
	CU_ASSERT_EQUAL(st.late, 1);
	CU_ASSERT_EQUAL(rp_trace__first_ns(t), T0);
	CU_ASSERT(rp_trace__ended_cleanly(t));
	rp_trace__free(t);
	free(b.data);
}

/* the window starts small and grows as events wait: here after it has
 * turned (the first events went out one by one), so its events must be
 * moved in order; in chunks of a few events, so that they are also moved
 * out of their chunk while it grows */
static void test_trace_window_grows(void)
{
	struct rp_trace_opts o = {.sz = sizeof(o), .reorder_ns = 1 * MS};
	const struct etr_event *ev;
	struct rp_trace_stats st;
	struct membuf b;
	struct rp_trace *t;
	uint64_t prev = 0, n = 0, sum = 0, want = 0;

	mb_open(&b, 512);
	/* 100 in order, a millisecond apart: each goes out as the next comes */
	for (uint32_t i = 0; i < 100; i++) {
		mb_event(&b, ev_fork(T0 + i * MS, 1000 + i, 1));
		want += 1000 + i;
	}
	/* then 700 within half a millisecond, newest first: all wait */
	for (uint32_t i = 0; i < 700; i++) {
		mb_event(&b, ev_fork(T0 + 200 * MS - i * 500, 5000 + i, 1));
		want += 5000 + i;
	}
	mb_close(&b, true);

	t = rp_trace__open_mem(b.data, b.len, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	while (rp_trace__next_event(t, &ev) > 0) {
		CU_ASSERT(ev->ts_ns >= prev);
		prev = ev->ts_ns;
		sum += ev->pid;
		n++;
	}
	rp_trace__stats(t, &st);
	CU_ASSERT_EQUAL(n, 800);
	CU_ASSERT_EQUAL(sum, want);
	CU_ASSERT_EQUAL(st.late, 0);
	CU_ASSERT(st.held_max >= 700);
	rp_trace__free(t);
	free(b.data);
}

/* growing arrays keep every element as they move from the heap to huge
 * pages, whatever their element size */
static void test_mem_grow(void)
{
	struct twelve {
		uint32_t a, b, c;
	} *w = NULL;
	uint32_t *a = NULL;
	size_t cap = 0, wcap = 0, bad = 0;

	for (uint32_t i = 0; i < 300000; i++) {
		if (i == cap) {
			CU_ASSERT_EQUAL_FATAL(ec_mem__grow((void **)&a, &cap, i + 1, sizeof(*a)),
					      0);
			CU_ASSERT_FATAL(cap > i);
		}
		a[i] = i * 2654435761u;
	}
	for (uint32_t i = 0; i < 300000; i++)
		bad += a[i] != i * 2654435761u;
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(cap * sizeof(*a) > EC_MEM_SMALL);
	/* a jump far past twice the room; nothing asked for: nothing done */
	CU_ASSERT_EQUAL(ec_mem__grow((void **)&a, &cap, 3000000, sizeof(*a)), 0);
	CU_ASSERT(cap >= 3000000);
	a[2999999] = 7;
	CU_ASSERT_EQUAL(a[299999], 299999 * 2654435761u);
	CU_ASSERT_EQUAL(ec_mem__grow((void **)&a, &cap, 10, sizeof(*a)), 0);
	CU_ASSERT_EQUAL(a[2999999], 7);
	ec_mem__grow_free(a, cap, sizeof(*a));

	for (uint32_t i = 0; i < 200000; i++) {
		if (i == wcap)
			CU_ASSERT_EQUAL_FATAL(ec_mem__grow((void **)&w, &wcap, i + 1, sizeof(*w)),
					      0);
		w[i] = (struct twelve){i, ~i, i ^ 0x5a5a5a5a};
	}
	bad = 0;
	for (uint32_t i = 0; i < 200000; i++)
		bad += w[i].a != i || w[i].b != ~i || w[i].c != (i ^ 0x5a5a5a5a);
	CU_ASSERT_EQUAL(bad, 0);
	/* the last element of the room is writable */
	w[wcap - 1].c = 1;
	ec_mem__grow_free(w, wcap, sizeof(*w));
	ec_mem__grow_free(NULL, 0, sizeof(*w));
}

/* times relative to the first event, drawn by hand, say what
 * "%c%llu.%06llu" says, cut as snprintf cuts */
static void test_fmt_relative_time(void)
{
	static const int64_t deltas[] = {
	    0, 1, 999, 1000, 1500000000, -2000003000, 999999999, 123456789012345ll, -7};
	const struct etr_event *ev;
	struct membuf b;
	struct rp_trace *t;
	char got[32], want[32];

	mb_open(&b, 0);
	mb_event(&b, ev_fork(T0, 100, 1));
	mb_close(&b, true);
	t = rp_trace__open_mem(b.data, b.len, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	while (rp_trace__next_event(t, &ev) > 0)
		;
	CU_ASSERT_EQUAL_FATAL(rp_trace__first_ns(t), T0);
	for (size_t i = 0; i < sizeof(deltas) / sizeof(deltas[0]); i++) {
		uint64_t ts = T0 + (uint64_t)deltas[i];
		uint64_t d = deltas[i] < 0 ? 0 - (uint64_t)deltas[i] : (uint64_t)deltas[i];

		for (size_t len = 1; len <= sizeof(got); len += len < 6 ? 1 : 13) {
			memset(got, 'x', sizeof(got));
			snprintf(want, len, "%c%llu.%06llu", deltas[i] < 0 ? '-' : '+',
				 (unsigned long long)(d / 1000000000ull),
				 (unsigned long long)(d % 1000000000ull / 1000));
			rp_trace__fmt_time(t, false, ts, got, len);
			CU_ASSERT_STRING_EQUAL(got, want);
		}
	}
	/* no room at all: nothing written */
	got[0] = 'x';
	rp_trace__fmt_time(t, false, T0, got, 0);
	CU_ASSERT_EQUAL(got[0], 'x');
	rp_trace__free(t);
	free(b.data);
}

/* ISO times drawn by hand say what gmtime_r and snprintf say, cut as
 * snprintf cuts */
static void test_fmt_iso(void)
{
	static const uint64_t times[] = {0,
					 1,
					 999999999,
					 1000000000,
					 951782400123456789ull, /* 2000-02-29 */
					 1733300000000000001ull,
					 4102444799999999999ull, /* 2099-12-31 23:59:59 */
					 UINT64_MAX};
	char got[48], want[48];

	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		time_t sec = (time_t)(times[i] / 1000000000ull);
		struct tm tm;

		CU_ASSERT_PTR_NOT_NULL_FATAL(gmtime_r(&sec, &tm));
		for (size_t len = 1; len <= sizeof(got); len += len < 4 ? 1 : 7) {
			memset(got, 'x', sizeof(got));
			snprintf(want, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ",
				 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
				 tm.tm_min, tm.tm_sec,
				 (unsigned long long)(times[i] % 1000000000ull));
			rp_fmt_iso(got, len, times[i]);
			CU_ASSERT_STRING_EQUAL(got, want);
		}
	}
}

/* strings of held events survive the chunk they came from */
static void test_trace_strings_owned(void)
{
	const struct etr_event *ev;
	struct membuf b;
	struct rp_trace *t;
	char arg[64];
	int n = 0;

	mb_open(&b, 256); /* a chunk every few events */
	for (int i = 0; i < 50; i++) {
		int len = snprintf(arg, sizeof(arg), "arg-%d", i) + 1;

		mb_event(&b, ev_exec(T0 + (uint64_t)(50 - i % 3) * 1000, 100, 1, T0, 0, "/bin/x",
				     arg, (size_t)len));
	}
	mb_close(&b, true);
	t = rp_trace__open_mem(b.data, b.len, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	while (rp_trace__next_event(t, &ev) > 0) {
		CU_ASSERT_EQUAL(memcmp(ev->argv.ptr, "arg-", 4), 0);
		CU_ASSERT_EQUAL(memcmp(ev->filename.ptr, "/bin/x", 6), 0);
		n++;
	}
	CU_ASSERT_EQUAL(n, 50);
	rp_trace__free(t);
	free(b.data);
}

static void write_chunks(struct membuf *b)
{
	struct etr_clock clk = {.boottime_ns = T0, .realtime_ns = 1700000000 * SEC};

	mb_open(b, 256);
	CU_ASSERT_EQUAL(etr_writer__write_meta(b->w, "hostname", "h1", 2), 0);
	CU_ASSERT_EQUAL(etr_writer__write_clock(b->w, &clk), 0);
	for (uint32_t i = 0; i < 60; i++)
		mb_event(b, ev_exec(T0 + i * MS, 100 + i, 1, T0, 0, "/bin/some-program",
				    ARGV("some-program\0with\0arguments\0")));
}

/* a file cut inside a chunk: everything before it, one problem at its offset */
static void test_trace_truncated(void)
{
	const struct etr_event *ev;
	struct membuf b;
	struct rp_trace *t;
	char msg[512];
	size_t n = 0, cut;

	write_chunks(&b);
	mb_close(&b, true);
	cut = b.len * 2 / 3;
	t = rp_trace__open_mem(b.data, cut, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	while (rp_trace__next_event(t, &ev) > 0)
		n++;
	CU_ASSERT(n > 10 && n < 60);
	CU_ASSERT_FALSE(rp_trace__ended_cleanly(t));
	CU_ASSERT_EQUAL(rp_trace__problem_count(t), 1);
	CU_ASSERT_EQUAL(rp_trace__problem(t, 0)->kind, ETR_PROB_TRUNCATED);
	CU_ASSERT_TRUE(rp_trace__damage_str(t, msg, sizeof(msg)));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "at byte "));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "truncated"));
	CU_ASSERT_STRING_EQUAL(rp_trace__meta_get(t, (const char *const[]){"hostname", NULL}),
			       "h1");
	rp_trace__free(t);
	free(b.data);
}

/* a file cut exactly after a chunk: no problem, but no end either */
static void test_trace_no_end(void)
{
	const struct etr_event *ev;
	struct membuf b;
	struct rp_trace *t;
	char msg[512];
	size_t n = 0;

	write_chunks(&b);
	mb_close(&b, false);
	t = rp_trace__open_mem(b.data, b.len, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	while (rp_trace__next_event(t, &ev) > 0)
		n++;
	CU_ASSERT_EQUAL(n, 60);
	CU_ASSERT_EQUAL(rp_trace__problem_count(t), 0);
	CU_ASSERT_TRUE(rp_trace__damage_str(t, msg, sizeof(msg)));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "no end record"));
	rp_trace__free(t);
	free(b.data);
}

/* one flipped bit: that chunk is skipped, the others are read, and a
 * marker stands where events went missing */
static void test_trace_bitflip(void)
{
	const struct etr_event *ev;
	struct rp_trace_stats st;
	struct membuf b;
	struct rp_trace *t;
	size_t n = 0, marks = 0;

	write_chunks(&b);
	mb_close(&b, true);
	b.data[b.len / 2] ^= 0x04;
	t = rp_trace__open_mem(b.data, b.len, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	while (rp_trace__next_event(t, &ev) > 0) {
		if (ev->type == ETR_EV_LOST && (ev->flags & RP_EVF_DAMAGE))
			marks++;
		else
			n++;
	}
	rp_trace__stats(t, &st);
	CU_ASSERT(n > 30 && n < 60);
	CU_ASSERT_EQUAL(marks, 1);
	CU_ASSERT_EQUAL(st.gaps, 1);
	CU_ASSERT(rp_trace__problem_count(t) >= 1);
	CU_ASSERT(rp_trace__ended_cleanly(t));
	rp_trace__free(t);
	free(b.data);
}

/* not a trace, and a newer major version: refused with a clear reason */
static void test_trace_refused(void)
{
	static const char text[] = "hello, I am a text file and not a trace at all\n";
	struct membuf b;
	char msg[512];
	uint32_t crc;

	CU_ASSERT_PTR_NULL(rp_trace__open_mem(text, sizeof(text) - 1, NULL));
	CU_ASSERT_EQUAL(errno, EINVAL);
	rp_open_error_str(msg, sizeof(msg), "x.txt", EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "not an execrec trace"));

	write_chunks(&b);
	mb_close(&b, true);
	b.data[8] = 3; /* major */
	crc = etr_crc32c(0, b.data, ETR_FILE_HEADER_SIZE - 4);
	memcpy(b.data + ETR_FILE_HEADER_SIZE - 4, &crc, 4); /* little-endian host */
	CU_ASSERT_PTR_NULL(rp_trace__open_mem(b.data, b.len, NULL));
	CU_ASSERT_EQUAL(errno, ENOTSUP);
	rp_open_error_str(msg, sizeof(msg), "new.etr", ENOTSUP);
	{
		char want[32];

		/* the major version it refuses, the minor this library writes */
		snprintf(want, sizeof(want), "version 3.%d", ETR_VERSION_MINOR);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
	}
	free(b.data);
}

/* the clock anchors turn boot time into wall clock and back */
static void test_trace_clock(void)
{
	const struct etr_event *ev;
	struct membuf b;
	struct rp_trace *t;

	write_chunks(&b);
	mb_close(&b, true);
	t = rp_trace__open_mem(b.data, b.len, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(rp_trace__next_event(t, &ev), 1);
	CU_ASSERT_TRUE(rp_trace__has_clock(t));
	CU_ASSERT_EQUAL(rp_trace__realtime(t, T0 + 5 * SEC), 1700000005 * SEC);
	CU_ASSERT_EQUAL(rp_trace__boottime(t, 1700000005 * SEC), T0 + 5 * SEC);
	rp_trace__free(t);
	free(b.data);
}

/* Output of a tree of the trace in @b: text, or with @json records. */
static char *tree_of(const struct membuf *b, bool json)
{
	struct rp_tree_print_opts po = {.sz = sizeof(po)};
	struct rp_tree_opts o = {.sz = sizeof(o), .text = json ? NULL : &po};
	const struct etr_event *ev;
	struct rp_trace *t = rp_trace__open_mem(b->data, b->len, NULL);
	struct rp_tree *tr;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	tr = rp_tree__new(t, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tr);
	while (rp_trace__next_event(t, &ev) > 0)
		CU_ASSERT_EQUAL(rp_tree__add(tr, ev), 0);
	CU_ASSERT_EQUAL(rp_tree__finish(tr), 0);
	f = open_memstream(&out, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(json ? rp_tree__print_json(tr, f) : rp_tree__print_text(tr, f), 0);
	fclose(f);
	rp_tree__free(tr);
	rp_trace__free(t);
	return out;
}

/* A process whose execs fail more often than 16 bits count (a retry loop
 * left running) and then execs: the count whole in the tree. EPERM, not
 * ENOENT: not a $PATH search, which the reader looks ahead for. */
static void test_trace_many_failed_execs(void)
{
	enum { NFAIL = 70000 };
	struct membuf b;
	char *out;

	mb_open(&b, 0);
	mb_event(&b, ev_fork(T0, 200, 1));
	for (uint32_t i = 0; i < NFAIL; i++)
		mb_event(&b, ev_exec(T0 + MS + i, 200, 1, T0, -EPERM, "/nope", ARGV("nope\0")));
	mb_event(&b, ev_exec(T0 + SEC, 200, 1, T0, 0, "/bin/true", ARGV("true\0")));
	mb_event(&b, ev_exit(T0 + 2 * SEC, 200, 1, T0, 0, 0));
	mb_close(&b, true);

	out = tree_of(&b, false);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "[exec failed: /nope EPERM"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, ", +69997 more"));
	free(out);
	out = tree_of(&b, true);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"nexec\":1,\"nfail\":70000,"));
	free(out);
	free(b.data);
}

/* ---- filters ------------------------------------------------------------------ */

static struct rp_filter *filter(const char *name, const char *value)
{
	struct rp_filter *f = rp_filter__new();
	char err[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(rp_filter__set(f, name, value, err, sizeof(err)), 0);
	return f;
}

static void test_filter_subtree_events(void)
{
	struct rp_filter *f = filter("subtree", "10");
	struct etr_event e;

	e = ev_fork(T0, 10, 1);
	CU_ASSERT_TRUE(rp_filter__match_event(f, &e));
	e = ev_fork(T0 + 1, 11, 10);
	CU_ASSERT_TRUE(rp_filter__match_event(f, &e));
	e = ev_fork(T0 + 2, 12, 11);
	CU_ASSERT_TRUE(rp_filter__match_event(f, &e));
	e = ev_fork(T0 + 3, 20, 1);
	CU_ASSERT_FALSE(rp_filter__match_event(f, &e));
	e = ev_exit(T0 + 4, 12, 11, T0 + 2, 0, 0);
	CU_ASSERT_TRUE(rp_filter__match_event(f, &e));
	/* pid 12 again, now outside the subtree */
	e = ev_fork(T0 + 5, 12, 20);
	CU_ASSERT_FALSE(rp_filter__match_event(f, &e));
	rp_filter__free(f);
}

static void test_filter_grep_follows(void)
{
	struct rp_filter *f = filter("grep", "^gcc .*-O2");
	struct etr_event e;

	e = ev_exec(T0, 30, 1, T0, 0, "/usr/bin/gcc", ARGV("gcc\0-c\0-O2\0x.c\0"));
	CU_ASSERT_TRUE(rp_filter__match_event(f, &e));
	e = ev_exit(T0 + 1, 30, 1, T0, 0, 0);
	CU_ASSERT_TRUE(rp_filter__match_event(f, &e)); /* its exit, too */
	e = ev_exec(T0 + 2, 31, 1, T0 + 2, 0, "/usr/bin/gcc", ARGV("gcc\0-c\0x.c\0"));
	CU_ASSERT_FALSE(rp_filter__match_event(f, &e));
	rp_filter__free(f);
}

static void test_filter_failed_and_duration(void)
{
	struct rp_filter *f = filter("failed", NULL);
	struct rp_filter *g = filter("min-duration", "100ms");
	struct etr_event e;

	e = ev_exit(T0 + 200 * MS, 30, 1, T0, 0, 0);
	CU_ASSERT_FALSE(rp_filter__match_event(f, &e));
	CU_ASSERT_TRUE(rp_filter__match_event(g, &e));
	e = ev_exit(T0 + 2 * MS, 31, 1, T0, 0, 9);
	CU_ASSERT_TRUE(rp_filter__match_event(f, &e));
	CU_ASSERT_FALSE(rp_filter__match_event(g, &e));
	e = ev_exec(T0, 32, 1, T0, -2, "/nope", ARGV("nope\0"));
	CU_ASSERT_TRUE(rp_filter__match_event(f, &e));
	rp_filter__free(f);
	rp_filter__free(g);
}

static void test_filter_proc(void)
{
	struct rp_model *m = model_new();
	struct rp_filter *comm = filter("comm", "c?");
	struct rp_filter *grep = filter("grep", "-o a\\.o");
	struct rp_filter *uid = filter("uid", "0");
	struct rp_filter *sub = filter("subtree", "100");
	struct rp_proc *p;
	char err[256];

	add(m, ev_fork(T0, 100, 1));
	add(m, ev_fork(T0 + 1, 101, 100));
	add(m, ev_exec(T0 + 2, 101, 100, T0 + 1, 0, "/usr/bin/cc", ARGV("cc\0-o\0a.o\0")));
	rp_model__finish(m, T0 + 10);
	p = find(m, 101, 0);
	CU_ASSERT_TRUE(rp_filter__match_proc(comm, m, p));
	CU_ASSERT_TRUE(rp_filter__match_proc(grep, m, p));
	CU_ASSERT_FALSE(rp_filter__match_proc(uid, m, p));
	CU_ASSERT_TRUE(rp_filter__match_proc(sub, m, p));
	CU_ASSERT_FALSE(rp_filter__match_proc(sub, m, find(m, 1, 0)));
	CU_ASSERT_FALSE(rp_filter__match_proc(comm, m, find(m, 100, 0)));
	CU_ASSERT_EQUAL(rp_filter__set(comm, "grep", "(", err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "regular expression"));
	CU_ASSERT_EQUAL(rp_filter__set(comm, "uid", "root", err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(rp_filter__set(comm, "since", "yesterday", err, sizeof(err)), -EINVAL);
	rp_filter__free(comm);
	rp_filter__free(grep);
	rp_filter__free(uid);
	rp_filter__free(sub);
	rp_model__free(m);
}

/* ---- output helpers ------------------------------------------------------------ */

/* What @fn writes for a string, as a C string. */
static char *capture(void (*fn)(FILE *, const char *, size_t), const char *s, size_t len)
{
	static char buf[1024];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	fn(f, s, len);
	fclose(f);
	return buf;
}

static void test_out_json(void)
{
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_json_str, "plain", 5), "\"plain\"");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_json_str, "a\"b\\c\n\t\x01", 8),
			       "\"a\\\"b\\\\c\\n\\t\\u0001\"");
	/* valid UTF-8 stays; each invalid byte becomes a lone surrogate */
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_json_str, "caf\xc3\xa9", 5), "\"caf\xc3\xa9\"");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_json_str, "\xff\xfe", 2), "\"\\udcff\\udcfe\"");
	/* an overlong '/', an encoded surrogate, a cut sequence */
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_json_str, "\xc0\xaf", 2), "\"\\udcc0\\udcaf\"");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_json_str, "\xed\xa0\x80", 3),
			       "\"\\udced\\udca0\\udc80\"");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_json_str, "x\xe2\x82", 3), "\"x\\udce2\\udc82\"");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_json_str, "\xf0\x9f\x98\x80", 4),
			       "\"\xf0\x9f\x98\x80\"");
}

static void test_out_shell(void)
{
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_shell, "ls", 2), "ls");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_shell, "/usr/bin/a-b_c.d=1,2:3@%+", 25),
			       "/usr/bin/a-b_c.d=1,2:3@%+");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_shell, "", 0), "''");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_shell, "a b", 3), "'a b'");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_shell, "$HOME", 5), "'$HOME'");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_shell, "it's", 4), "$'it\\'s'");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_shell, "a\nb", 3), "$'a\\nb'");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_shell, "\xff", 1), "$'\\xff'");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_shell, "caf\xc3\xa9", 5), "'caf\xc3\xa9'");
	/* a right-to-left override would make the terminal lie */
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_shell, "a\xe2\x80\xae", 4), "$'a\\xe2\\x80\\xae'");
}

static void test_out_csv(void)
{
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_csv_str, "plain", 5), "plain");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_csv_str, "a,b", 3), "\"a,b\"");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_csv_str, "say \"hi\"", 8), "\"say \"\"hi\"\"\"");
	CU_ASSERT_STRING_EQUAL(capture(rp_fput_csv_str, "a\\b\n\xff", 5), "a\\\\b\\x0a\\xff");
}

static void test_out_argv(void)
{
	static char buf[256];
	struct etr_str a = {ARGV("sh\0-c\0echo hi\0\0")};
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	rp_fput_argv(f, &a, 0);
	fputc('|', f);
	rp_fput_json_argv(f, &a);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, "sh -c 'echo hi' ''|[\"sh\",\"-c\",\"echo hi\",\"\"]");
}

static void test_out_durations_and_times(void)
{
	char b[64];
	uint64_t ns;
	int64_t t;
	bool rel;

	rp_fmt_duration(b, sizeof(b), 999);
	CU_ASSERT_STRING_EQUAL(b, "999ns");
	rp_fmt_duration(b, sizeof(b), 1500);
	CU_ASSERT_STRING_EQUAL(b, "1.5us");
	rp_fmt_duration(b, sizeof(b), 2 * MS + 340000);
	CU_ASSERT_STRING_EQUAL(b, "2.34ms");
	rp_fmt_duration(b, sizeof(b), 1234 * MS);
	CU_ASSERT_STRING_EQUAL(b, "1.234s");
	rp_fmt_duration(b, sizeof(b), 123 * SEC);
	CU_ASSERT_STRING_EQUAL(b, "2m03s");
	rp_fmt_duration(b, sizeof(b), 3725 * SEC);
	CU_ASSERT_STRING_EQUAL(b, "1h02m");
	rp_fmt_iso(b, sizeof(b), 1795607034000000001ull);
	CU_ASSERT_STRING_EQUAL(b, "2026-11-25T11:43:54.000000001Z");

	CU_ASSERT_EQUAL(ec_parse_duration("200ms", &ns), 0);
	CU_ASSERT_EQUAL(ns, 200 * MS);
	CU_ASSERT_EQUAL(ec_parse_duration("1.5", &ns), 0);
	CU_ASSERT_EQUAL(ns, 1500 * MS);
	CU_ASSERT_EQUAL(ec_parse_duration("2m", &ns), 0);
	CU_ASSERT_EQUAL(ns, 120 * SEC);
	CU_ASSERT_EQUAL(ec_parse_duration("-1", &ns), -EINVAL);
	CU_ASSERT_EQUAL(ec_parse_duration("5 parsecs", &ns), -EINVAL);

	CU_ASSERT_EQUAL(rp_parse_time("+2.5", 0, &rel, &t), 0);
	CU_ASSERT_TRUE(rel);
	CU_ASSERT_EQUAL(t, (int64_t)(2500 * MS));
	CU_ASSERT_EQUAL(rp_parse_time("2026-11-25T11:43:54.5Z", 0, &rel, &t), 0);
	CU_ASSERT_FALSE(rel);
	CU_ASSERT_EQUAL(t, (int64_t)(1795607034500ull * MS));
	CU_ASSERT_EQUAL(rp_parse_time("2026-11-25T12:43:54+01:00", 0, &rel, &t), 0);
	CU_ASSERT_EQUAL(t, (int64_t)(1795607034ull * SEC));
	CU_ASSERT_EQUAL(rp_parse_time("11:43:54Z", 1795600000ull * SEC, &rel, &t), 0);
	CU_ASSERT_EQUAL(t, (int64_t)(1795607034ull * SEC));
	CU_ASSERT_EQUAL(rp_parse_time("@1795607034", 0, &rel, &t), 0);
	CU_ASSERT_EQUAL(t, (int64_t)(1795607034ull * SEC));
	CU_ASSERT_EQUAL(rp_parse_time("25:00", 0, &rel, &t), -EINVAL);
	CU_ASSERT_EQUAL(rp_parse_time("soon", 0, &rel, &t), -EINVAL);
}

/* ---- the output buffer against simple references ---------------------------- */

/* bash's printf %q, the obvious way, byte by byte through stdio: what the
 * table-driven quoting must equal. UTF-8 lengths and sneaky characters
 * from common/, which tests/common checks against known sequences. */
static void ref_shell(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	bool plain = len > 0, printable = true;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		n = ec_utf8_len(p + i, len - i);
		if (!n || p[i] < 0x20 || p[i] == 0x7f || ec_utf8_sneaky(p + i, n)) {
			printable = plain = false;
			break;
		}
		if (n > 1 || !(isalnum(p[i]) || strchr("_@%+=:,./-", p[i])))
			plain = false;
		if (p[i] == '\'')
			printable = false;
	}
	if (plain || printable) {
		fprintf(f, plain ? "%.*s" : "'%.*s'", (int)len, s);
		return;
	}
	fputs("$'", f);
	for (i = 0; i < len; i += n) {
		n = ec_utf8_len(p + i, len - i);
		if (n > 1 && !ec_utf8_sneaky(p + i, n)) {
			fwrite(p + i, 1, n, f);
			continue;
		}
		n = n ? n : 1;
		for (size_t k = 0; k < n; k++) {
			unsigned char c = p[i + k];

			if (n == 1 && c == '\n')
				fputs("\\n", f);
			else if (n == 1 && c == '\t')
				fputs("\\t", f);
			else if (n == 1 && c == '\r')
				fputs("\\r", f);
			else if (n == 1 && (c == '\\' || c == '\''))
				fprintf(f, "\\%c", c);
			else if (c < 0x20 || c >= 0x7f)
				fprintf(f, "\\x%02x", c);
			else
				fputc(c, f);
		}
	}
	fputc('\'', f);
}

static void test_out_shell_random(void)
{
	/* bytes of every kind: plain, quotable, quote, controls, UTF-8 leads and
	 * continuations, the bytes of C1 controls and bidi overrides */
	static const unsigned char pick[] = "aZ0_/.- $'\"\\\n\t\r\x01\x7f\xc2\x85\xa9\xc3\xe2\x80"
					    "\xae\x81\xa6\xed\xa0\xf0\x9f\x98\xf4\x90\xff";
	static char want[4096], got[4096];
	uint64_t r = 0x9e3779b97f4a7c15ull;
	int same = 0, shown = 0;

	for (int round = 0; round < 20000; round++) {
		char s[40];
		size_t len;
		FILE *a = fmemopen(want, sizeof(want), "w"), *b = fmemopen(got, sizeof(got), "w");

		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		len = r % sizeof(s);
		for (size_t i = 0; i < len; i++) {
			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			/* mostly plain runs, so that every way of quoting comes up */
			s[i] = (char)(r % 4 ? pick[r % 7] : pick[(r >> 8) % (sizeof(pick) - 1)]);
		}
		ref_shell(a, s, len);
		rp_fput_shell(b, s, len);
		fclose(a);
		fclose(b);
		if (!strcmp(want, got))
			same++;
		else if (!shown++)
			CU_ASSERT_STRING_EQUAL(got, want); /* the first difference */
	}
	CU_ASSERT_EQUAL(same, 20000);
}

/* rp_fput_argv as the reference would do it: each argument (to its NUL, the
 * last one maybe without) quoted, spaces between, "..." past @max. */
static void ref_argv(FILE *f, const char *b, size_t len, size_t max)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nul = memchr(b + pos, '\0', len - pos);
		size_t end = nul ? (size_t)(nul - b) : len;

		if (pos) {
			fputc(' ', f);
			if (max && pos >= max) {
				fputs("...", f);
				return;
			}
		}
		ref_shell(f, b + pos, end - pos);
		pos = nul ? end + 1 : end;
	}
}

static void test_out_argv_random(void)
{
	static char want[8192], got[8192];
	uint64_t r = 0x2545f4914f6cdd1dull;
	int same = 0, shown = 0;

	for (int round = 0; round < 20000; round++) {
		char blk[120];
		struct etr_str a = {blk, 0};
		size_t max;
		FILE *fa = fmemopen(want, sizeof(want), "w"), *fb = fmemopen(got, sizeof(got), "w");

		bool plain;

		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		a.len = (uint32_t)(r % sizeof(blk));
		max = r >> 32 & 1 ? (r >> 40) % 64 : 0;
		/* a third of the lists all plain words and NULs: the fast way */
		plain = round % 3 == 0;
		for (size_t i = 0; i < a.len; i++) {
			unsigned k;

			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			k = (unsigned)(r >> 24) % 16;
			if (plain) {
				blk[i] = k < 2 ? '\0' : "aZz09_=-./+,:AM@%"[(r >> 8) % 17];
				continue;
			}
			/* long plain runs (the words of eight bytes), the bytes at the
			 * edges of the plain ranges, NULs, and any byte at all */
			if (k < 9)
				blk[i] = "aZz09_=-./+,:AM"[(r >> 8) % 15];
			else if (k < 12)
				blk[i] = "%@*;<>?[]^`{|}~ \"'$\\\x7f\x01\n"[(r >> 8) % 24];
			else if (k < 14)
				blk[i] = '\0';
			else
				blk[i] = (char)(r >> 8);
		}
		/* and in half of those, one byte just outside a plain range, for
		 * the vector and word steps to catch wherever it is */
		if (plain && round % 6 == 3 && a.len) {
			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			blk[r % a.len] = "*;`{[\x80\xc1\xda\x5e\x7f\x01 "[(r >> 32) % 12];
		}
		ref_argv(fa, blk, a.len, max);
		rp_fput_argv(fb, &a, max);
		fclose(fa);
		fclose(fb);
		if (!strcmp(want, got))
			same++;
		else if (!shown++)
			CU_ASSERT_STRING_EQUAL(got, want); /* the first difference */
	}
	CU_ASSERT_EQUAL(same, 20000);
}

/* An rp_out gathering in memory grows: the same text as through a FILE. */
static void test_out_buffer_mem(void)
{
	static char want[16384];
	char blk[300];
	FILE *f = fmemopen(want, sizeof(want), "w");
	struct etr_str a = {blk, sizeof(blk)};
	struct rp_out o;

	for (size_t i = 0; i < sizeof(blk); i++)
		blk[i] = i % 7 == 6 ? '\0' : (char)('a' + i % 26);
	rp_out__init_mem(&o);
	for (int i = 0; i < 20; i++) {
		rp_out__argv(&o, &a, 0);
		rp_out__printf(&o, "|%d|", i);
		rp_out__shell(&o, "a b", 3);
		rp_fput_argv(f, &a, 0);
		fprintf(f, "|%d|'a b'", i);
	}
	fclose(f);
	CU_ASSERT_EQUAL(o.err, 0);
	CU_ASSERT_EQUAL(o.len, strlen(want));
	CU_ASSERT(o.buf && o.len == strlen(want) && !memcmp(o.buf, want, o.len));
	CU_ASSERT(o.cap >= o.len);
	free(o.buf);

	/* the first piece a printf */
	rp_out__init_mem(&o);
	rp_out__printf(&o, "%s-%d", "x", 7);
	CU_ASSERT(o.len == 3 && !memcmp(o.buf, "x-7", 3));
	free(o.buf);
}

static void test_out_buffer(void)
{
	static char res[8192];
	char small[8], arg[3000];
	const char *head;
	struct etr_str a = {ARGV("cc\0-o\0a b.o\0x.c\0")};
	FILE *f = fmemopen(res, sizeof(res), "w");
	struct rp_out o;

	/* a buffer smaller than most pieces: every flush path is taken */
	rp_out__init(&o, f, small, sizeof(small));
	rp_out__puts(&o, "pid ");
	rp_out__u64(&o, 18446744073709551615ull);
	rp_out__putc(&o, ' ');
	rp_out__i64(&o, -9223372036854775807ll - 1);
	rp_out__printf(&o, " %s=%d;", "a-long-key", 42);
	rp_out__argv(&o, &a, 0);
	rp_out__putc(&o, '|');
	rp_out__argv(&o, &a, 5); /* cut after the argument that starts past 5 bytes */
	rp_out__putc(&o, '|');
	memset(arg, 'x', sizeof(arg));
	arg[1500] = '\n';
	rp_out__shell(&o, arg, sizeof(arg));
	rp_out__flush(&o);
	fclose(f);
	/* the cut comes before the first argument starting at byte 5 or later */
	head = "pid 18446744073709551615 -9223372036854775808 a-long-key=42;"
	       "cc -o 'a b.o' x.c|cc -o ...|$'";
	CU_ASSERT_EQUAL(strncmp(res, head, strlen(head)), 0);
	/* 1500 x, \n, 1499 x, the closing quote */
	CU_ASSERT_EQUAL(strlen(res), strlen(head) + 1500 + 2 + 1499 + 1);
	CU_ASSERT_EQUAL(memcmp(res + strlen(head) + 1499, "x\\nx", 4), 0);
	CU_ASSERT_EQUAL(res[strlen(res) - 1], '\'');

	/* plain words filling the buffer exactly, and then one more */
	f = fmemopen(res, sizeof(res), "w");
	rp_out__init(&o, f, small, sizeof(small));
	a = (struct etr_str){ARGV("cc\0-c\0x\0")};
	rp_out__argv(&o, &a, 0);
	rp_out__putc(&o, '|');
	rp_out__argv(&o, &a, 0);
	rp_out__flush(&o);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(res, "cc -c x|cc -c x");
}

static void test_out_duration_boundaries(void)
{
	/* clang-format off */
	static const uint64_t edge[] = {
		0, 1, 999, 1000, 1099, 1100, 999999, 1000000, 1009999, 9999999, 10000000,
		10099999, 99999999, 100000000, 999999999, 1000000000, 59999999999ull,
		60000000000ull, 3599999999999ull, 3600000000000ull, UINT64_MAX,
	};
	/* clang-format on */

	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		unsigned long long v = edge[i];
		char want[32], got[32], cut[4];

		/* the formats the snprintf version used */
		if (v < 1000)
			snprintf(want, sizeof(want), "%lluns", v);
		else if (v < 1000000)
			snprintf(want, sizeof(want), "%llu.%lluus", v / 1000, v % 1000 / 100);
		else if (v < 10000000)
			snprintf(want, sizeof(want), "%llu.%02llums", v / 1000000,
				 v % 1000000 / 10000);
		else if (v < 100000000)
			snprintf(want, sizeof(want), "%llu.%llums", v / 1000000,
				 v % 1000000 / 100000);
		else if (v < 1000000000)
			snprintf(want, sizeof(want), "%llums", v / 1000000);
		else if (v < 60000000000ull)
			snprintf(want, sizeof(want), "%llu.%03llus", v / 1000000000,
				 v % 1000000000 / 1000000);
		else if (v < 3600000000000ull)
			snprintf(want, sizeof(want), "%llum%02llus", v / 60000000000ull,
				 v / 1000000000 % 60);
		else
			snprintf(want, sizeof(want), "%lluh%02llum", v / 3600000000000ull,
				 v / 60000000000ull % 60);
		rp_fmt_duration(got, sizeof(got), v);
		CU_ASSERT_STRING_EQUAL(got, want);
		rp_fmt_duration(cut, sizeof(cut), v);
		CU_ASSERT_EQUAL(strncmp(cut, want, 3), 0);
		CU_ASSERT_EQUAL(strlen(cut), strlen(want) < 3 ? strlen(want) : 3);
	}
}

static void test_out_names(void)
{
	struct etr_str b = rp_basename(S("/usr/bin/cc"));

	CU_ASSERT_STRING_EQUAL(rp_errno_name(-2), "ENOENT");
	CU_ASSERT_STRING_EQUAL(rp_errno_name(13), "EACCES");
	CU_ASSERT_PTR_NULL(rp_errno_name(4000));
	CU_ASSERT_STRING_EQUAL(rp_signal_name(9), "SIGKILL");
	/* every signal has its name, the first five too */
	for (int sig = 1; sig <= 64; sig++)
		CU_ASSERT_PTR_NOT_NULL(rp_signal_name(sig));
	CU_ASSERT_STRING_EQUAL(rp_signal_name(1), "SIGHUP");
	CU_ASSERT_STRING_EQUAL(rp_signal_name(2), "SIGINT");
	CU_ASSERT_STRING_EQUAL(rp_signal_name(5), "SIGTRAP");
	CU_ASSERT_STRING_EQUAL(rp_signal_name(34), "SIGRTMIN+2");
	CU_ASSERT_PTR_NULL(rp_signal_name(0));
	CU_ASSERT_EQUAL(b.len, 2);
	CU_ASSERT_EQUAL(memcmp(b.ptr, "cc", 2), 0);
	CU_ASSERT_TRUE(rp_glob_match("c?", "cc", 2));
	CU_ASSERT_TRUE(rp_glob_match("*sh", "bash", 4));
	CU_ASSERT_FALSE(rp_glob_match("sh", "bash", 4));
}

/* ---- runner --------------------------------------------------------------------- */

struct test {
	const char *name;
	CU_TestFunc fn;
};

static int add_suite(const char *name, const struct test *tests)
{
	CU_pSuite s = CU_add_suite(name, NULL, NULL);

	if (!s)
		return -1;
	for (; tests->name; tests++)
		if (!CU_add_test(s, tests->name, tests->fn))
			return -1;
	return 0;
}

int main(void)
{
	static const struct test model[] = {
	    {"fork, exec, exit", test_model_lifecycle},
	    {"exec chain (sh -c into the command)", test_model_exec_chain},
	    {"orphan reparented to init", test_model_orphan},
	    {"recycled pid", test_model_recycled_pid},
	    {"processes from the snapshot", test_model_snapshot},
	    {"exit of an unseen start", test_model_exit_unseen_start},
	    {"parent known only by pid", test_model_placeholder_parent},
	    {"hostile parent links", test_model_hostile_links},
	    {"lost markers mark affected processes", test_model_lost},
	    {"threads", test_model_threads},
	    {"repeated and unknown events", test_model_repeats},
	    {"release_ended", test_model_release},
	    {"forget_ended gives the same processes", test_model_forget},
	    {NULL, NULL},
	};
	static const struct test trace[] = {
	    {"bounded reorder window", test_trace_reorder},
	    {"the window grows as events wait", test_trace_window_grows},
	    {"growing arrays", test_mem_grow},
	    {"relative times", test_fmt_relative_time},
	    {"ISO times", test_fmt_iso},
	    {"strings outlive their chunk", test_trace_strings_owned},
	    {"truncated file", test_trace_truncated},
	    {"no end record", test_trace_no_end},
	    {"bit flip", test_trace_bitflip},
	    {"not a trace, newer major version", test_trace_refused},
	    {"clock anchors", test_trace_clock},
	    {"more failed execs than 16 bits count", test_trace_many_failed_execs},
	    {NULL, NULL},
	};
	static const struct test filters[] = {
	    {"subtree follows forks", test_filter_subtree_events},
	    {"grep follows the matched process", test_filter_grep_follows},
	    {"failed and min-duration", test_filter_failed_and_duration},
	    {"whole processes", test_filter_proc},
	    {NULL, NULL},
	};
	static const struct test out[] = {
	    {"JSON strings keep every byte", test_out_json},
	    {"shell quoting", test_out_shell},
	    {"shell quoting against a reference", test_out_shell_random},
	    {"argument lists against a reference", test_out_argv_random},
	    {"output buffer", test_out_buffer},
	    {"output buffer in memory", test_out_buffer_mem},
	    {"duration boundaries", test_out_duration_boundaries},
	    {"CSV cells", test_out_csv},
	    {"argv blocks", test_out_argv},
	    {"durations and times", test_out_durations_and_times},
	    {"names", test_out_names},
	    {NULL, NULL},
	};
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (add_suite("model", model) || add_suite("trace", trace) ||
	    add_suite("filter", filters) || add_suite("output", out)) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
