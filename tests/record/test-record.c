// SPDX-License-Identifier: MIT
/*
 * The recorder, end to end: run the real `execrec record` (real BPF, as
 * root) over the scripted workload of workload.c, read the trace back with
 * format/'s reader, and check every event against what the workload logged
 * it did.
 *
 * Without BPF (not root, no BTF, ...) the suite is skipped with a message,
 * unless EXECREC_REQUIRE_BPF=1 (CI), which turns that into a failure.
 *
 * Environment: EXECREC (the execrec binary), ER_WORKLOAD (workload.c's).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <bpf/btf.h>

#include "bpf.h"
#include "run.h"
#include "etr.h"

/* ------------------------------------------------------------------ */
/* Running things                                                      */
/* ------------------------------------------------------------------ */

static const char *execrec_bin;
static const char *workload_bin;
static char tmpdir[PATH_MAX] = "/tmp/er-record-test-XXXXXX";
/* ER_CHECK_DIR: check a recording made elsewhere (tests/kernels/: in a VM)
 * instead of making one; paths in the trace are those of that machine. */
static const char *check_dir;
static char check_noise[64]; /* the argv marker of a loop running outside CMD */
static char workdir[PATH_MAX];

struct run {
	pid_t pid;
	int status;	/* exit status, or 128 + signal */
	char err[4096]; /* what it said on stderr */
};

/* A path that would not fit: a test machine's TMPDIR this long is a setup
 * error, not something to test with a cut path. */
static void path_too_long(const char *start)
{
	fprintf(stderr, "test-record: path too long: %.64s...\n", start);
	abort();
}

/* Runs argv to completion; stdout to @out_path. */
static void run(struct run *r, char *const argv[], const char *out_path)
{
	char errp[PATH_MAX];

	if (snprintf(errp, sizeof(errp), "%s/stderr", tmpdir) >= (int)sizeof(errp))
		path_too_long(errp);
	r->pid = test_run__start(argv, NULL, out_path, errp);
	r->status = test_run__wait(r->pid);
	test_slurp(errp, r->err, sizeof(r->err));
}

static void path_in(char *buf, const char *name)
{
	if (snprintf(buf, PATH_MAX, "%s/%s", tmpdir, name) >= (int)PATH_MAX)
		path_too_long(buf);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ------------------------------------------------------------------ */
/* Reading a trace back                                                */
/* ------------------------------------------------------------------ */

struct str {
	char *p;
	uint32_t len;
};

struct ev {
	struct etr_event e; /* the strings in it point into the fields below */
	struct str comm, filename, cwd, argv, env;
};

struct trace {
	bool opened;
	bool ended;
	uint64_t problems;
	struct ev *ev;
	size_t nev;
	struct etr_proc *procs;
	size_t nprocs;
	uint32_t btf_kind;
	size_t btf_len;
	void *btf;
	uint64_t lost_counters;	 /* sum of the last lost.* values */
	uint64_t lost[5];	 /* lost.exec, .exec_fail, .fork, .exit, .follow */
	uint64_t lost_marked[6]; /* lost_count of LOST events, by lost_type */
	bool have_end;
	struct etr_end end;
	char mode[32];
	char programs[96];	 /* meta bpf.programs */
	char failed_exec[192];	 /* meta bpf.failed_exec */
	char limits[96];	 /* meta bpf.limits */
	char btf_file[PATH_MAX]; /* meta btf.file */
};

static struct str dup_str(struct etr_str s)
{
	struct str d = {malloc(s.len + 1), s.len};

	memcpy(d.p, s.ptr, s.len);
	d.p[s.len] = 0;
	return d;
}

static void on_problem(void *ctx, const struct etr_problem *p)
{
	struct trace *t = ctx;

	t->problems++;
}

static void trace_free(struct trace *t)
{
	size_t i;

	for (i = 0; i < t->nev; i++) {
		free(t->ev[i].comm.p);
		free(t->ev[i].filename.p);
		free(t->ev[i].cwd.p);
		free(t->ev[i].argv.p);
		free(t->ev[i].env.p);
	}
	free(t->ev);
	for (i = 0; i < t->nprocs; i++) {
		free((void *)t->procs[i].comm.ptr);
		free((void *)t->procs[i].argv.ptr);
	}
	free(t->procs);
	free(t->btf);
	memset(t, 0, sizeof(*t));
}

/* The value of metadata @key into @buf, when @k is that key. */
static void meta_to(char *buf, size_t size, const char *key, const struct etr_str *k,
		    const struct etr_str *v)
{
	if (k->len != strlen(key) || memcmp(k->ptr, key, k->len) || v->len >= size)
		return;
	memcpy(buf, v->ptr, v->len);
	buf[v->len] = 0;
}

static void load_trace(struct trace *t, const char *path)
{
	struct etr_reader_opts o = {.sz = sizeof(o), .problem_cb = on_problem, .problem_ctx = t};
	struct etr_reader *r;
	struct etr_chunk c;
	uint64_t lost[8] = {0};
	size_t cap = 0;

	memset(t, 0, sizeof(*t));
	r = etr_reader__open(path, &o);
	if (!r)
		return;
	t->opened = true;
	while (etr_reader__next_chunk(r, &c) > 0) {
		struct etr_record rec;
		struct etr_event e;

		if (c.type == ETR_CHUNK_EVENTS) {
			while (etr_chunk__next_event(&c, &e) > 0) {
				struct ev *v;

				if (t->nev == cap) {
					cap = cap ? 2 * cap : 256;
					t->ev = realloc(t->ev, cap * sizeof(*t->ev));
				}
				v = &t->ev[t->nev++];
				v->e = e;
				v->comm = dup_str(e.comm);
				v->filename = dup_str(e.filename);
				v->cwd = dup_str(e.cwd);
				v->argv = dup_str(e.argv);
				v->env = dup_str(e.env);
				v->e.comm.ptr = v->comm.p;
				v->e.filename.ptr = v->filename.p;
				v->e.cwd.ptr = v->cwd.p;
				v->e.argv.ptr = v->argv.p;
				v->e.env.ptr = v->env.p;
			}
			continue;
		}
		while (etr_chunk__next_record(&c, &rec) > 0) {
			if (c.type == ETR_CHUNK_PROCSNAP) {
				struct etr_proc p;

				if (etr_record__proc(&rec, &p))
					continue;
				t->procs = realloc(t->procs, (t->nprocs + 1) * sizeof(*t->procs));
				p.comm.ptr = dup_str(p.comm).p;
				p.argv.ptr = dup_str(p.argv).p;
				p.exe.ptr = p.cwd.ptr = NULL;
				t->procs[t->nprocs++] = p;
			} else if (c.type == ETR_CHUNK_BTF) {
				struct etr_str d;

				if (etr_record__btf(&rec, &t->btf_kind, &d))
					continue;
				free(t->btf);
				t->btf = malloc(d.len);
				memcpy(t->btf, d.ptr, d.len);
				t->btf_len = d.len;
			} else if (c.type == ETR_CHUNK_STATS) {
				struct etr_counter k;
				static const char *const names[] = {"lost.exec", "lost.exec_fail",
								    "lost.fork", "lost.exit",
								    "lost.follow"};
				size_t i;

				if (etr_record__counter(&rec, &k))
					continue;
				for (i = 0; i < 5; i++)
					if (k.name.len == strlen(names[i]) &&
					    !memcmp(k.name.ptr, names[i], k.name.len))
						lost[i] = k.value;
			} else if (c.type == ETR_CHUNK_META && rec.type == ETR_REC_META_KV) {
				struct etr_str k, v;

				if (etr_record__meta(&rec, &k, &v))
					continue;
				meta_to(t->mode, sizeof(t->mode), "mode", &k, &v);
				meta_to(t->programs, sizeof(t->programs), "bpf.programs", &k, &v);
				meta_to(t->failed_exec, sizeof(t->failed_exec), "bpf.failed_exec",
					&k, &v);
				meta_to(t->limits, sizeof(t->limits), "bpf.limits", &k, &v);
				meta_to(t->btf_file, sizeof(t->btf_file), "btf.file", &k, &v);
			} else if (c.type == ETR_CHUNK_END) {
				if (!etr_record__end(&rec, &t->end))
					t->have_end = true;
			}
		}
	}
	t->ended = etr_reader__ended_cleanly(r);
	t->lost_counters = lost[0] + lost[1] + lost[2] + lost[3] + lost[4];
	memcpy(t->lost, lost, sizeof(t->lost));
	for (size_t i = 0; i < t->nev; i++)
		if (t->ev[i].e.type == ETR_EV_LOST && t->ev[i].e.lost_type < 6)
			t->lost_marked[t->ev[i].e.lost_type] += t->ev[i].e.lost_count;
	etr_reader__free(r);
}

static struct ev *find(struct trace *t, uint16_t type, uint32_t pid, size_t nth)
{
	size_t i;

	for (i = 0; i < t->nev; i++)
		if (t->ev[i].e.type == type && t->ev[i].e.pid == pid && !nth--)
			return &t->ev[i];
	return NULL;
}

static size_t count(struct trace *t, uint16_t type, uint32_t pid)
{
	size_t i, n = 0;

	for (i = 0; i < t->nev; i++)
		n += t->ev[i].e.type == type && t->ev[i].e.pid == pid;
	return n;
}

static size_t count_type(struct trace *t, uint16_t type)
{
	size_t i, n = 0;

	for (i = 0; i < t->nev; i++)
		n += t->ev[i].e.type == type;
	return n;
}

static bool has_argv_containing(struct trace *t, const char *needle)
{
	size_t i;

	for (i = 0; i < t->nev; i++)
		if (t->ev[i].e.type == ETR_EV_EXEC &&
		    memmem(t->ev[i].argv.p, t->ev[i].argv.len, needle, strlen(needle)))
			return true;
	return false;
}

static bool str_is(const struct str *s, const char *want, size_t len)
{
	return s->len == len && !memcmp(s->p, want, len);
}
#define STR_IS(s, lit) str_is(&(s), lit, sizeof(lit) - 1)

/* ------------------------------------------------------------------ */
/* The workload log                                                    */
/* ------------------------------------------------------------------ */

struct logent {
	char name[32];
	int pid;
	int status;
	int tid;
};

static struct logent wl[64];
static int nwl;

static void load_log(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];

	nwl = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && nwl < 64) {
		struct logent *l = &wl[nwl];
		char *p;

		memset(l, 0, sizeof(*l));
		sscanf(line, "%31s", l->name);
		if ((p = strstr(line, " pid=")))
			l->pid = atoi(p + 5);
		if ((p = strstr(line, " status=")))
			l->status = atoi(p + 8);
		if ((p = strstr(line, " tid=")))
			l->tid = atoi(p + 5);
		nwl++;
	}
	fclose(f);
}

static struct logent *logged(const char *name)
{
	int i;

	for (i = 0; i < nwl; i++)
		if (!strcmp(wl[i].name, name))
			return &wl[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The main workload, recorded once, checked by several tests          */
/* ------------------------------------------------------------------ */

static struct trace wt;
static struct run wrun;
static char wtrace_path[PATH_MAX];
static char wcwd[PATH_MAX];
static char wlog_path[PATH_MAX];
static int root_pid;

/* @tag: the file names' suffix; @opt1, @opt2: record options, or NULL. */
static int record_workload(const char *tag, const char *opt1, const char *opt2)
{
	char logp[PATH_MAX], name[64];

	snprintf(name, sizeof(name), "workload%s.etr", tag);
	path_in(wtrace_path, name);
	snprintf(name, sizeof(name), "workload%s.log", tag);
	path_in(logp, name);
	snprintf(wlog_path, sizeof(wlog_path), "%s", logp);
	if (snprintf(workdir, sizeof(workdir), "%s/work%s", tmpdir, tag) >= (int)sizeof(workdir))
		path_too_long(workdir);
	mkdir(workdir, 0755);
	{
		char *argv[] = {(char *)execrec_bin,
				"record",
				"-q",
				"-o",
				wtrace_path,
				(char *)(opt1 ? opt1 : "-q"),
				(char *)(opt2 ? opt2 : "-q"),
				"--",
				(char *)workload_bin,
				"all",
				logp,
				workdir,
				NULL};

		run(&wrun, argv, NULL);
	}
	load_log(logp);
	load_trace(&wt, wtrace_path);
	if (!getcwd(wcwd, sizeof(wcwd)))
		wcwd[0] = 0;
	root_pid = logged("root") ? logged("root")->pid : -1;
	return 0;
}

/* The process @pid forked by the workload's root: its FORK, and the same
 * start time on every event of it. */
static void check_child_of_root(int pid)
{
	struct ev *f = find(&wt, ETR_EV_FORK, pid, 0);
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->e.tid, (uint32_t)pid);
	CU_ASSERT_EQUAL(f->e.ppid, (uint32_t)root_pid);
	CU_ASSERT_EQUAL(f->e.parent_tid, (uint32_t)root_pid);
	CU_ASSERT_FALSE(f->e.flags & ETR_EVF_THREAD);
	CU_ASSERT_EQUAL(f->e.uid, getuid());
	CU_ASSERT_EQUAL(f->e.gid, getgid());
	CU_ASSERT(f->e.start_ns > 0 && f->e.start_ns <= f->e.ts_ns);
	CU_ASSERT(STR_IS(f->comm, "er-workload"));
	for (i = 0; i < wt.nev; i++) {
		struct etr_event *e = &wt.ev[i].e;

		if (e->pid != (uint32_t)pid || e->type == ETR_EV_LOST)
			continue;
		/* a recycled pid has two start times; sc_recycle's pids are
		 * checked on their own */
		CU_ASSERT_EQUAL(e->start_ns, f->e.start_ns);
		CU_ASSERT(e->ts_ns >= f->e.ts_ns);
		CU_ASSERT_EQUAL(e->uid, getuid());
		CU_ASSERT_EQUAL(e->cgroup_id, f->e.cgroup_id);
		if (e->type != ETR_EV_FORK)
			CU_ASSERT_EQUAL(e->ppid, (uint32_t)root_pid);
	}
}

static struct ev *check_exit(int pid, int code, int sig, const char *comm)
{
	struct ev *x = find(&wt, ETR_EV_EXIT, pid, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL(count(&wt, ETR_EV_EXIT, pid), 1);
	CU_ASSERT_EQUAL(x->e.exit_code, code);
	CU_ASSERT_EQUAL(x->e.signal, sig);
	CU_ASSERT_FALSE(x->e.flags & ETR_EVF_CORE_DUMPED);
	if (comm)
		CU_ASSERT(str_is(&x->comm, comm, strlen(comm)));
	return x;
}

static struct ev *check_exec(int pid, const char *filename, const char *argv, size_t argv_len,
			     uint32_t argc, const char *comm)
{
	struct ev *e = find(&wt, ETR_EV_EXEC, pid, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->e.ret, 0);
	CU_ASSERT_EQUAL(e->e.tid, (uint32_t)pid);
	CU_ASSERT_EQUAL(e->e.old_tid, (uint32_t)pid);
	if (filename)
		CU_ASSERT(str_is(&e->filename, filename, strlen(filename)));
	CU_ASSERT(str_is(&e->argv, argv, argv_len));
	CU_ASSERT_EQUAL(e->e.argc, argc);
	CU_ASSERT_EQUAL(e->e.argv_orig_len, argv_len);
	CU_ASSERT_FALSE(e->e.flags & (ETR_EVF_ARGV_TRUNC | ETR_EVF_CWD_TRUNC | ETR_EVF_ENV));
	CU_ASSERT(str_is(&e->cwd, wcwd, strlen(wcwd)));
	if (comm)
		CU_ASSERT(str_is(&e->comm, comm, strlen(comm)));
	return e;
}

static void test_workload_ran(void)
{
	struct stat st;

	CU_ASSERT_EQUAL(wrun.status, 0);
	CU_ASSERT_STRING_EQUAL(wrun.err, "");
	CU_ASSERT_TRUE_FATAL(wt.opened);
	CU_ASSERT_TRUE(wt.ended);
	CU_ASSERT_TRUE(wt.have_end);
	CU_ASSERT_EQUAL(wt.end.status, 0);
	CU_ASSERT_EQUAL(wt.problems, 0);
	CU_ASSERT_EQUAL(wt.lost_counters, 0);
	CU_ASSERT_STRING_EQUAL(wt.mode, "command");
	CU_ASSERT_TRUE(logged("done") != NULL);
	CU_ASSERT_TRUE_FATAL(root_pid > 0);
	/* the trace file: 0600 */
	CU_ASSERT_FATAL(stat(wtrace_path, &st) == 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
}

static void test_command_root(void)
{
	char argv[PATH_MAX * 3];
	size_t n = 0, i;
	struct ev *e;
	bool in_snapshot = false;

	/* CMD itself: the recorder's child, held until followed, then exec'd
	 * straight into the workload (PATH was searched beforehand) */
	n += sprintf(argv + n, "%s", workload_bin) + 1;
	n += sprintf(argv + n, "all") + 1;
	n += sprintf(argv + n, "%s", wlog_path) + 1;
	n += sprintf(argv + n, "%s", workdir) + 1;
	e = find(&wt, ETR_EV_EXEC, root_pid, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(str_is(&e->argv, argv, n));
	CU_ASSERT(str_is(&e->filename, workload_bin, strlen(workload_bin)));
	CU_ASSERT_EQUAL(e->e.ppid, (uint32_t)wrun.pid);
	CU_ASSERT(STR_IS(e->comm, "er-workload"));
	CU_ASSERT_EQUAL(count(&wt, ETR_EV_EXEC, root_pid), 1);
	CU_ASSERT_EQUAL(count(&wt, ETR_EV_EXEC_FAIL, root_pid), 0);
	check_exit(root_pid, 0, 0, "er-workload");
	for (i = 0; i < wt.nprocs; i++)
		if (wt.procs[i].pid == (uint32_t)root_pid) {
			in_snapshot = true;
			CU_ASSERT_EQUAL(wt.procs[i].ppid, (uint32_t)wrun.pid);
			/* exact, as the events have it: one identity; without
			 * the task iterator (the raw set) /proc's, in ticks */
			if (strncmp(wt.programs, "raw-", 4)) {
				CU_ASSERT_EQUAL(wt.procs[i].start_ns, e->e.start_ns);
			} else {
				uint64_t tick = 1000000000ull / sysconf(_SC_CLK_TCK);

				CU_ASSERT(e->e.start_ns + tick > wt.procs[i].start_ns &&
					  e->e.start_ns < wt.procs[i].start_ns + 2 * tick);
			}
		}
	CU_ASSERT_TRUE(in_snapshot);
	/* nothing but the command's tree: every pid's FORK leads up to it */
	for (i = 0; i < wt.nev; i++) {
		uint32_t pid = wt.ev[i].e.pid;
		int hops = 0;

		while (pid != (uint32_t)root_pid && hops++ < 10) {
			struct ev *f = find(&wt, ETR_EV_FORK, pid, 0);

			if (!f)
				break;
			pid = f->e.ppid;
		}
		CU_ASSERT_EQUAL(pid, (uint32_t)root_pid);
	}
}

static void test_true_false(void)
{
	static const char args[] = "/bin/true\0hello\0a b";
	struct logent *l = logged("true");
	struct ev *f, *e, *x;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	check_child_of_root(l->pid);
	e = check_exec(l->pid, "/bin/true", args, sizeof(args), 3, "true");
	x = check_exit(l->pid, 0, 0, "true");
	f = find(&wt, ETR_EV_FORK, l->pid, 0);
	CU_ASSERT(f->e.ts_ns <= e->e.ts_ns && e->e.ts_ns <= x->e.ts_ns);
	/* a fork of a process records only its process, not a thread */
	CU_ASSERT_EQUAL(count(&wt, ETR_EV_FORK, l->pid), 1);

	l = logged("false");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	check_child_of_root(l->pid);
	check_exec(l->pid, "/bin/false", "/bin/false", sizeof("/bin/false"), 1, "false");
	check_exit(l->pid, 1, 0, "false");
}

static void test_failed_exec(void)
{
	static const char args[] = "/nonexistent/prog\0x";
	struct logent *l = logged("enoent");
	struct ev *e;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	check_child_of_root(l->pid);
	e = find(&wt, ETR_EV_EXEC_FAIL, l->pid, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->e.ret, -ENOENT);
	CU_ASSERT(STR_IS(e->filename, "/nonexistent/prog"));
	CU_ASSERT(str_is(&e->argv, args, sizeof(args)));
	CU_ASSERT_EQUAL(e->e.argc, 2);
	CU_ASSERT_EQUAL(e->e.argv_orig_len, sizeof(args));
	CU_ASSERT(STR_IS(e->comm, "er-workload"));
	CU_ASSERT_EQUAL(e->e.tid, (uint32_t)l->pid);
	CU_ASSERT(str_is(&e->cwd, wcwd, strlen(wcwd)));
	CU_ASSERT_EQUAL(count(&wt, ETR_EV_EXEC, l->pid), 0);
	check_exit(l->pid, 127, 0, "er-workload");
}

static void test_pipeline(void)
{
	struct logent *l = logged("pipeline");
	size_t i, kids = 0;
	bool cat = false, wc = false;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	check_child_of_root(l->pid);
	CU_ASSERT_PTR_NOT_NULL(find(&wt, ETR_EV_EXEC, l->pid, 0));
	for (i = 0; i < wt.nev; i++) {
		struct etr_event *f = &wt.ev[i].e;
		struct ev *e;

		if (f->type != ETR_EV_FORK || f->ppid != (uint32_t)l->pid)
			continue;
		kids++;
		CU_ASSERT_EQUAL(f->parent_tid, (uint32_t)l->pid);
		e = find(&wt, ETR_EV_EXEC, f->pid, 0);
		if (e && STR_IS(e->argv, "/bin/cat\0"))
			cat = true;
		if (e && STR_IS(e->argv, "/usr/bin/wc\0-c\0"))
			wc = true;
		if (e)
			CU_ASSERT_EQUAL(e->e.ppid, (uint32_t)l->pid);
		CU_ASSERT_PTR_NOT_NULL(find(&wt, ETR_EV_EXIT, f->pid, 0));
	}
	CU_ASSERT(kids >= 2);
	CU_ASSERT_TRUE(cat);
	CU_ASSERT_TRUE(wc);
	check_exit(l->pid, 0, 0, NULL);
}

static void test_script(void)
{
	struct logent *l = logged("script");
	char path[PATH_MAX + 64], args[PATH_MAX * 2 + 64];
	size_t n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	snprintf(path, sizeof(path), "%s/script.sh", workdir);
	/* the program got the interpreter's argv; the filename is the script */
	n += sprintf(args + n, "/bin/sh") + 1;
	n += sprintf(args + n, "%s", path) + 1;
	n += sprintf(args + n, "arg1") + 1;
	check_child_of_root(l->pid);
	check_exec(l->pid, path, args, n, 3, "script.sh");
	check_exit(l->pid, 3, 0, "script.sh");
}

static void test_fexecve(void)
{
	static const char args[] = "fx-name\0fx";
	struct logent *l = logged("fexecve");
	struct ev *e;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	check_child_of_root(l->pid);
	if (check_dir && l->status >> 8 == 121) {
		/* The machine refused the fexecve itself (Debian 11's kernel
		 * in an initramfs answers ENOENT, with or without a recorder
		 * running): then the recording must show that failure. */
		fprintf(stderr, "\n  (fexecve of /bin/true failed on that machine: "
				"checked as a failed exec)\n");
		e = find(&wt, ETR_EV_EXEC_FAIL, l->pid, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		CU_ASSERT(e->e.ret < 0);
		CU_ASSERT(e->filename.len > 8 && !memcmp(e->filename.p, "/dev/fd/", 8));
		CU_ASSERT(str_is(&e->argv, args, sizeof(args)));
		CU_ASSERT_EQUAL(count(&wt, ETR_EV_EXEC, l->pid), 0);
		check_exit(l->pid, 121, 0, NULL);
	} else {
		e = check_exec(l->pid, NULL, args, sizeof(args), 2, NULL);
		CU_ASSERT(e->filename.len > 8 && !memcmp(e->filename.p, "/dev/fd/", 8));
		check_exit(l->pid, 0, 0, NULL);
	}

	/* execveat(fd, "", AT_EMPTY_PATH) of a file that is not executable */
	l = logged("fexecve_fail");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(l->status >> 8, 13);
	e = find(&wt, ETR_EV_EXEC_FAIL, l->pid, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->e.ret, -EACCES);
	CU_ASSERT(e->filename.len > 8 && !memcmp(e->filename.p, "/dev/fd/", 8));
	CU_ASSERT(str_is(&e->argv, args, sizeof(args)));
	check_exit(l->pid, 13, 0, NULL);
}

static void test_thread_exec(void)
{
	static const char args[] = "/bin/true\0from-thread";
	struct logent *l = logged("thread_exec");
	struct ev *e, *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_TRUE_FATAL(l->tid > 0 && l->tid != l->pid);
	check_child_of_root(l->pid);
	f = find(&wt, ETR_EV_FORK, l->pid, 0);
	e = find(&wt, ETR_EV_EXEC, l->pid, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	/* after the exec the thread has the leader's pid; old_tid says who */
	CU_ASSERT_EQUAL(e->e.tid, (uint32_t)l->pid);
	CU_ASSERT_EQUAL(e->e.old_tid, (uint32_t)l->tid);
	CU_ASSERT_EQUAL(e->e.start_ns, f->e.start_ns);
	CU_ASSERT(str_is(&e->argv, args, sizeof(args)));
	CU_ASSERT(STR_IS(e->comm, "true"));
	/* no thread events without --threads */
	CU_ASSERT_PTR_NULL(find(&wt, ETR_EV_FORK, l->pid, 1));
	check_exit(l->pid, 0, 0, "true");
}

static void test_signals(void)
{
	struct logent *l = logged("signal");

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	check_child_of_root(l->pid);
	check_exec(l->pid, "/bin/sleep",
		   "/bin/sleep\0"
		   "30",
		   sizeof("/bin/sleep\0"
			  "30"),
		   2, "sleep");
	check_exit(l->pid, 0, SIGTERM, "sleep");

	l = logged("segv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	check_child_of_root(l->pid);
	check_exit(l->pid, 0, SIGSEGV, "er-workload");
}

/* The argv workload.c's big_args() builds for @bytes. */
static size_t big_argv(char *out, size_t bytes, uint32_t *argc)
{
	size_t n = bytes / 4001 + 1, i, o = 0;

	*argc = 0;
	if (!out)
		return 0;
	o += sprintf(out, "/bin/true") + 1;
	for (i = 1; i <= n; i++) {
		memset(out + o, 'a' + (i % 26), 4000);
		snprintf(out + o, 10, "%07u", (unsigned)(i % 10000000));
		out[o + 7] = '-';
		out[o + 4000] = 0;
		o += 4001;
	}
	*argc = n + 1;
	return o;
}

static void test_big_args(void)
{
	struct logent *l = logged("big");
	char *want = malloc(256 * 1024);
	uint32_t argc;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	len = big_argv(want, 160 * 1024, &argc);

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT(len > 128 * 1024);
	check_child_of_root(l->pid);
	check_exec(l->pid, "/bin/true", want, len, argc, "true");
	free(want);
}

static void test_weird_args(void)
{
	static const char args[] = "/bin/true\0sp ace\0new\nline\0\0\xff\xfe\x80\0tab\there\0";
	struct logent *l = logged("weird");

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	check_child_of_root(l->pid);
	/* the final empty argument included */
	check_exec(l->pid, "/bin/true", args, sizeof(args), 7, "true");
}

static void test_cwd(void)
{
	struct logent *l = logged("cwd");
	char path[PATH_MAX + 64], real[PATH_MAX];
	struct ev *e;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	snprintf(path, sizeof(path), "%s/sub/dir with space", workdir);
	if (check_dir) { /* the VM's /tmp has no symlinks */
		if (snprintf(real, sizeof(real), "%s", path) >= (int)sizeof(real))
			path_too_long(real);
	} else {
		CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(path, real));
	}
	e = find(&wt, ETR_EV_EXEC, l->pid, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(str_is(&e->cwd, real, strlen(real)));
	CU_ASSERT_FALSE(e->e.flags & ETR_EVF_CWD_TRUNC);

	/* deeper than the walk: the last components, flagged */
	l = logged("deep_cwd");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	e = find(&wt, ETR_EV_EXEC, l->pid, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE(e->e.flags & ETR_EVF_CWD_TRUNC);
	CU_ASSERT(e->cwd.len > 0 && e->cwd.p[0] != '/');
	CU_ASSERT(e->cwd.len >= 3 && !memcmp(e->cwd.p + e->cwd.len - 3, "d59", 3));
	CU_ASSERT(strstr(e->cwd.p, "d20/d21") != NULL);
}

static void test_exec_chain(void)
{
	struct logent *l = logged("chain");
	struct ev *a, *b, *c;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	check_child_of_root(l->pid);
	CU_ASSERT_EQUAL(count(&wt, ETR_EV_EXEC, l->pid), 3);
	CU_ASSERT_EQUAL(count(&wt, ETR_EV_FORK, l->pid), 1);
	a = find(&wt, ETR_EV_EXEC, l->pid, 0);
	b = find(&wt, ETR_EV_EXEC, l->pid, 1);
	c = find(&wt, ETR_EV_EXEC, l->pid, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT(STR_IS(a->filename, "/bin/sh"));
	CU_ASSERT(STR_IS(b->argv, "/bin/sh\0-c\0exec /bin/true chain\0"));
	CU_ASSERT(STR_IS(c->argv, "/bin/true\0chain\0"));
	CU_ASSERT(STR_IS(c->comm, "true"));
	CU_ASSERT(a->e.ts_ns < b->e.ts_ns && b->e.ts_ns < c->e.ts_ns);
	check_exit(l->pid, 0, 0, "true");
}

static void test_recycled_pid(void)
{
	struct logent *l = logged("recycle");
	struct ev *f1, *f2, *x1, *x2;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	if (!l->pid) {
		fprintf(stderr,
			"\n  (no pid was recycled in 20 tries: busy machine; not checked)\n");
		return;
	}
	f1 = find(&wt, ETR_EV_FORK, l->pid, 0);
	f2 = find(&wt, ETR_EV_FORK, l->pid, 1);
	x1 = find(&wt, ETR_EV_EXIT, l->pid, 0);
	x2 = find(&wt, ETR_EV_EXIT, l->pid, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x2);
	/* one pid, two processes: told apart by their start times */
	CU_ASSERT_NOT_EQUAL(f1->e.start_ns, f2->e.start_ns);
	CU_ASSERT_EQUAL(x1->e.start_ns, f1->e.start_ns);
	CU_ASSERT_EQUAL(x2->e.start_ns, f2->e.start_ns);
	CU_ASSERT_EQUAL(x1->e.exit_code, 7);
	CU_ASSERT_EQUAL(x2->e.exit_code, 7);
}

static void test_no_thread_events(void)
{
	struct logent *l = logged("threads");

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	check_child_of_root(l->pid);
	CU_ASSERT_EQUAL(count(&wt, ETR_EV_FORK, l->pid), 1);
	check_exit(l->pid, 0, 0, "er-workload");
}

static void test_btf_subset(void)
{
	struct btf *b;
	int id;

	CU_ASSERT_EQUAL(wt.btf_kind, ETR_BTF_SUBSET);
	CU_ASSERT(wt.btf_len > 1000 && wt.btf_len < 1024 * 1024);
	b = btf__new(wt.btf, wt.btf_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	id = btf__find_by_name_kind(b, "task_struct", BTF_KIND_STRUCT);
	CU_ASSERT(id > 0);
	id = btf__find_by_name_kind(b, "linux_binprm", BTF_KIND_STRUCT);
	CU_ASSERT(id > 0);
	btf__free(b);
}

/* ------------------------------------------------------------------ */
/* Other recordings                                                    */
/* ------------------------------------------------------------------ */

static void test_command_excludes_others(void)
{
	char path[PATH_MAX];
	char *noise[] = {(char *)workload_bin, "loop", "er-outside-marker", "3", NULL};
	char *rec[] = {
	    (char *)execrec_bin, "record", "-q", "-o", path, "--", (char *)workload_bin, "loop",
	    "er-inside-marker",	 "1.5",	   NULL};
	struct trace t;
	struct run r;
	pid_t bg;

	path_in(path, "excl.etr");
	bg = test_run__start(noise, NULL, NULL, NULL);
	sleep_ms(200);
	run(&r, rec, NULL);
	kill(bg, SIGTERM);
	test_run__wait(bg);
	CU_ASSERT_EQUAL(r.status, 0);
	load_trace(&t, path);
	CU_ASSERT_TRUE(t.ended);
	CU_ASSERT_TRUE(has_argv_containing(&t, "er-inside-marker"));
	CU_ASSERT_FALSE(has_argv_containing(&t, "er-outside-marker"));
	CU_ASSERT(t.nev > 10);
	trace_free(&t);
}

/* Waits until the recorder started on @path has attached (the writer opens
 * the trace only then) and a little more. */
static void wait_attached(const char *path)
{
	struct stat st;
	int i;

	for (i = 0; i < 1000 && (stat(path, &st) || st.st_size == 0); i++)
		sleep_ms(10);
	sleep_ms(300);
}

/* A recording killed with SIGKILL: every sealed chunk readable. */
static void test_sigkill(void)
{
	char path[PATH_MAX];
	char *rec[] = {(char *)execrec_bin, "record", "-q", "-o", path,
		       "--flush-interval",  "100ms",  NULL};
	char *load[] = {(char *)workload_bin, "loop", "er-killed-marker", "1", NULL};
	struct trace t;
	bool sealed = false;
	pid_t rp;
	int i;

	path_in(path, "killed.etr");
	rp = test_run__start(rec, NULL, NULL, NULL);
	wait_attached(path);
	test_run__wait(test_run__start(load, NULL, NULL, NULL));
	/* killed once a chunk with the load's events is on disk, reading the
	 * file as it grows (the reader takes a file cut anywhere) */
	for (i = 0; i < 100 && !sealed; i++) {
		sleep_ms(100);
		load_trace(&t, path);
		sealed = has_argv_containing(&t, "er-killed-marker");
		trace_free(&t);
	}
	kill(rp, SIGKILL);
	CU_ASSERT_EQUAL(test_run__wait(rp), 128 + SIGKILL);
	CU_ASSERT_TRUE(sealed);
	load_trace(&t, path);
	CU_ASSERT_TRUE_FATAL(t.opened);
	CU_ASSERT_FALSE(t.ended);
	CU_ASSERT_TRUE(has_argv_containing(&t, "er-killed-marker"));
	CU_ASSERT_STRING_EQUAL(t.mode, "system");
	/* the whole system was recorded: pid 1 is in the snapshot */
	CU_ASSERT(t.nprocs > 1 && t.procs[0].pid == 1);
	trace_free(&t);
}

/* A full disk: the recording stops with an error, the file stays readable. */
static void test_full_disk(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], marker[3001];
	char *rec[] = {(char *)execrec_bin, "record", "-q",	    "-o", path, "--level", "-1",
		       "--flush-interval",  "50ms",   "--duration", "60", NULL};
	char *load[] = {(char *)workload_bin, "loop", marker, "60", NULL};
	char errp[PATH_MAX];
	struct trace t;
	struct run r;
	pid_t bg;

	path_in(dir, "small");
	mkdir(dir, 0700);
	if (mount("tmpfs", dir, "tmpfs", 0, "size=1m")) {
		CU_FAIL("cannot mount a small tmpfs");
		return;
	}
	snprintf(path, sizeof(path), "%s/full.etr", dir);
	path_in(errp, "full.err");
	memset(marker, 'F', 3000);
	marker[3000] = 0;
	/* events only once recording: the first events chunk stays small */
	r.pid = test_run__start(rec, NULL, NULL, errp);
	wait_attached(path);
	bg = test_run__start(load, NULL, NULL, NULL);
	r.status = test_run__wait(r.pid);
	test_slurp(errp, r.err, sizeof(r.err));
	kill(bg, SIGTERM);
	test_run__wait(bg);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "No space left on device"));
	load_trace(&t, path);
	CU_ASSERT_TRUE(t.opened);
	CU_ASSERT(t.nev > 0);
	CU_ASSERT_TRUE(has_argv_containing(&t, "FFFFFFFF"));
	trace_free(&t);
	umount2(dir, MNT_DETACH);
}

static void test_pid_mode(void)
{
	char path[PATH_MAX];
	/* the marker well after the recorder is ready, even in a sanitizer build */
	char *target[] = {"/bin/sh", "-c", "sleep 2; /bin/true er-pid-marker; sleep 0.3", NULL};
	char *rec[] = {(char *)execrec_bin, "record", "-q", "-o", path, "-p", NULL, NULL};
	char pidbuf[16];
	struct trace t;
	struct run r;
	pid_t tp;
	struct ev *e = NULL;
	size_t i;

	path_in(path, "pid.etr");
	tp = test_run__start(target, NULL, NULL, NULL);
	snprintf(pidbuf, sizeof(pidbuf), "%d", tp);
	rec[6] = pidbuf;
	/* execrec stops by itself once the followed processes are gone */
	run(&r, rec, NULL);
	test_run__wait(tp);
	CU_ASSERT_EQUAL(r.status, 0);
	load_trace(&t, path);
	CU_ASSERT_TRUE(t.ended);
	CU_ASSERT_STRING_EQUAL(t.mode, "pid");
	for (i = 0; i < t.nev; i++)
		if (t.ev[i].e.type == ETR_EV_EXEC &&
		    STR_IS(t.ev[i].argv, "/bin/true\0er-pid-marker\0"))
			e = &t.ev[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->e.ppid, (uint32_t)tp);
	CU_ASSERT_PTR_NOT_NULL(find(&t, ETR_EV_EXIT, tp, 0));
	/* followed, so only the target's tree */
	for (i = 0; i < t.nev; i++)
		CU_ASSERT(t.ev[i].e.pid == (uint32_t)tp || t.ev[i].e.ppid == (uint32_t)tp);
	trace_free(&t);
}

static void test_truncation_and_env(void)
{
	char path[PATH_MAX], logp[PATH_MAX], *want = malloc(256 * 1024);
	char *rec[] = {(char *)execrec_bin,
		       "record",
		       "-q",
		       "-o",
		       path,
		       "--max-args-bytes",
		       "64K",
		       "--env",
		       "--",
		       (char *)workload_bin,
		       "big",
		       logp,
		       "150000",
		       NULL};
	struct logent *l;
	struct trace t;
	struct ev *e;
	struct run r;
	uint32_t argc;
	size_t len;

	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	path_in(path, "trunc.etr");
	path_in(logp, "trunc.log");
	run(&r, rec, NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	load_log(logp);
	l = logged("big");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	load_trace(&t, path);
	e = find(&t, ETR_EV_EXEC, l->pid, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	len = big_argv(want, 150000, &argc);
	CU_ASSERT_TRUE(e->e.flags & ETR_EVF_ARGV_TRUNC);
	CU_ASSERT_EQUAL(e->argv.len, 64 * 1024);
	CU_ASSERT(!memcmp(e->argv.p, want, 64 * 1024));
	CU_ASSERT_EQUAL(e->e.argv_orig_len, len);
	CU_ASSERT_EQUAL(e->e.argc, argc);
	/* --env: workload.c execs with exactly one variable */
	CU_ASSERT_TRUE(e->e.flags & ETR_EVF_ENV);
	CU_ASSERT(STR_IS(e->env, "PATH=/usr/bin:/bin\0"));
	CU_ASSERT_EQUAL(e->e.envc, 1);
	trace_free(&t);
	free(want);
}

static void test_output_rules(void)
{
	char path[PATH_MAX], link[PATH_MAX], out[PATH_MAX];
	char *rec[] = {(char *)execrec_bin, "record", "-q", "-o", path, "--", "/bin/true", NULL};
	char *pipe_rec[] = {(char *)execrec_bin, "record",    "-q", "--btf=none", "-o", "-", "--",
			    "/bin/true",	 "er-stdout", NULL};
	char *bad[] = {(char *)execrec_bin, "record", "-q", "-o", "/proc/er-nonexistent/x", NULL};
	struct trace t;
	struct run r;
	int fd;

	/* an existing file is kept without --force */
	path_in(path, "exists.etr");
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	close(fd);
	run(&r, rec, NULL);
	CU_ASSERT_NOT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--force"));
	CU_ASSERT_PTR_NULL(strchr(strchr(r.err, '\n') ? strchr(r.err, '\n') + 1 : "", '\n'));

	/* never through a symlink, even with --force */
	path_in(link, "link.etr");
	symlink(path, link);
	{
		char *frec[] = {(char *)execrec_bin, "record", "-q", "-f", "-o", link, "--",
				"/bin/true",	     NULL};

		run(&r, frec, NULL);
	}
	CU_ASSERT_NOT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "symbolic link"));

	/* an unwritable place: one line, non-zero */
	run(&r, bad, NULL);
	CU_ASSERT_NOT_EQUAL(r.status, 0);
	CU_ASSERT(strlen(r.err) > 10 && strchr(r.err, '\n') == r.err + strlen(r.err) - 1);

	/* -o -: the trace on stdout */
	path_in(out, "stdout.etr");
	run(&r, pipe_rec, out);
	CU_ASSERT_EQUAL(r.status, 0);
	load_trace(&t, out);
	CU_ASSERT_TRUE(t.ended);
	CU_ASSERT_TRUE(has_argv_containing(&t, "er-stdout"));
	CU_ASSERT_EQUAL(t.btf_len, 0);
	trace_free(&t);
}

/* --max-size over a command of our own (a whole-system trace would hold
 * whatever else runs): the file fills up to the limit, ends cleanly saying
 * "size limit", and counts what did not fit. */
static void test_max_size(void)
{
	char path[PATH_MAX], marker[1001];
	char *rec[] = {(char *)execrec_bin,
		       "record",
		       "-o",
		       path,
		       "--max-size",
		       "300K",
		       "--level",
		       "-1",
		       "--flush-interval",
		       "20ms",
		       "--",
		       (char *)workload_bin,
		       "loop",
		       marker,
		       "3",
		       NULL};
	struct trace t;
	struct run r;
	struct stat st;

	path_in(path, "maxsize.etr");
	memset(marker, 'M', 1000);
	marker[1000] = 0;
	run(&r, rec, NULL);
	/* reaching the limit is a normal end: the command's status */
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "reached --max-size 300K"));
	CU_ASSERT_FATAL(stat(path, &st) == 0);
	CU_ASSERT(st.st_size <= 300 * 1024);
	CU_ASSERT(st.st_size >= 290 * 1024);
	load_trace(&t, path);
	CU_ASSERT_TRUE(t.opened);
	CU_ASSERT_EQUAL(t.problems, 0);
	CU_ASSERT(t.nev > 0);
	CU_ASSERT_TRUE(has_argv_containing(&t, "MMMMMMMM"));
	/* a clean end, saying "size limit" and counting the file's events;
	 * the execs that did not fit are counted lost */
	CU_ASSERT_TRUE(t.ended);
	CU_ASSERT_TRUE(t.have_end);
	CU_ASSERT_EQUAL(t.end.status, 1);
	CU_ASSERT_EQUAL(t.end.events, t.nev);
	CU_ASSERT(t.lost_marked[ETR_EV_EXEC] > 0);
	trace_free(&t);
}

/* A ring buffer far too small for the load: whatever does not fit is
 * counted, per type, and marked in the stream; recorded plus lost is
 * exactly what ran. */
static void test_loss_counted(void)
{
	char path[PATH_MAX], outp[PATH_MAX], out[256], marker[2501];
	/* exec records of 2.5 KiB, a ring of 4 KiB drained every 100 ms */
	char *rec[] = {
	    (char *)execrec_bin,  "record", "-q",   "-o", path, "--max-args-bytes", "4K", "--",
	    (char *)workload_bin, "loop",   marker, "2",  NULL};
	unsigned long n = 0;
	struct trace t;
	struct run r;
	char *p;

	memset(marker, 'L', 2500);
	marker[2500] = 0;
	path_in(path, "loss.etr");
	path_in(outp, "loss.out");
	setenv("EXECREC_RINGBUF_BYTES", "4096", 1);
	run(&r, rec, outp);
	unsetenv("EXECREC_RINGBUF_BYTES");
	CU_ASSERT_EQUAL(r.status, 0);
	test_slurp(outp, out, sizeof(out));
	p = strstr(out, "count=");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	n = strtoul(p + 6, NULL, 10);
	CU_ASSERT(n > 20);
	load_trace(&t, path);
	CU_ASSERT_TRUE(t.ended);
	/* the ring overflowed ... */
	CU_ASSERT(t.lost[0] + t.lost[2] + t.lost[3] > 0);
	/* ... and nothing went missing unaccounted: the command's own exec and
	 * exit, and n fork+exec+exit of the loop */
	CU_ASSERT_EQUAL(count_type(&t, ETR_EV_EXEC) + t.lost[0], n + 1);
	CU_ASSERT_EQUAL(count_type(&t, ETR_EV_FORK) + t.lost[2], n);
	CU_ASSERT_EQUAL(count_type(&t, ETR_EV_EXIT) + t.lost[3], n + 1);
	/* every loss also stands in the stream where it was noticed */
	CU_ASSERT_EQUAL(t.lost_marked[ETR_EV_EXEC], t.lost[0]);
	CU_ASSERT_EQUAL(t.lost_marked[ETR_EV_FORK], t.lost[2]);
	CU_ASSERT_EQUAL(t.lost_marked[ETR_EV_EXIT], t.lost[3]);
	trace_free(&t);
}

static void test_threads_and_btf_full(void)
{
	char path[PATH_MAX], logp[PATH_MAX];
	char *rec[] = {
	    (char *)execrec_bin,  "record",  "-q", "-o", path, "--threads", "--btf=full", "--",
	    (char *)workload_bin, "threads", logp, "x",	 NULL};
	struct logent *l;
	struct trace t;
	struct run r;
	struct stat st;
	size_t i, threads = 0;

	path_in(path, "threads.etr");
	path_in(logp, "threads.log");
	run(&r, rec, NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	load_log(logp);
	l = logged("threads");
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	load_trace(&t, path);
	for (i = 0; i < t.nev; i++) {
		struct etr_event *e = &t.ev[i].e;

		if (e->type != ETR_EV_FORK || e->pid != (uint32_t)l->pid)
			continue;
		if (e->flags & ETR_EVF_THREAD) {
			threads++;
			/* a thread: its own tid, in the process it joins */
			CU_ASSERT_NOT_EQUAL(e->tid, (uint32_t)l->pid);
			CU_ASSERT_EQUAL(e->parent_tid, (uint32_t)l->pid);
		} else {
			CU_ASSERT_EQUAL(e->tid, (uint32_t)l->pid);
		}
	}
	CU_ASSERT_EQUAL(threads, 2);
	CU_ASSERT_EQUAL(count(&t, ETR_EV_EXIT, l->pid), 1);
	/* --btf=full: the kernel's BTF, whole */
	CU_ASSERT_EQUAL(t.btf_kind, ETR_BTF_FULL);
	CU_ASSERT(stat("/sys/kernel/btf/vmlinux", &st) == 0 && (size_t)st.st_size == t.btf_len);
	trace_free(&t);
}

/* ------------------------------------------------------------------ */

static void cleanup_tmp(void)
{
	test_rm_rf(tmpdir);
}

/*
 * The programs for kernels without bpf_loop(), forced on this one: the
 * same facts, and a failed exec's argv cut at ER_FAIL_ARGC_BOUNDED strings,
 * flagged, with the limit in the metadata.
 */
static void test_bounded_programs(void)
{
	char path[PATH_MAX];
	char *rec[] = {(char *)execrec_bin,
		       "record",
		       "-q",
		       "--programs=bounded",
		       "--failed-exec=tracepoint",
		       "-o",
		       path,
		       "--",
		       "/bin/sh",
		       "-c",
		       "cd /tmp && /bin/true x '' y; /nonexistent/er-many $(seq 1 70) 2>/dev/null; "
		       "/nonexistent/er-few a '' b 2>/dev/null; exit 0",
		       NULL};
	static const char few[] = "/nonexistent/er-few\0a\0\0b";
	struct ev *t = NULL, *many = NULL, *fw = NULL;
	char real[PATH_MAX];
	struct trace tr;
	struct run r;
	size_t i;

	path_in(path, "bounded.etr");
	run(&r, rec, NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_STRING_EQUAL(r.err, "");
	load_trace(&tr, path);
	CU_ASSERT_TRUE_FATAL(tr.opened);
	CU_ASSERT(!strncmp(tr.programs, "bounded", 7));
	CU_ASSERT_PTR_NOT_NULL(strstr(tr.failed_exec, "tracepoint"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tr.limits, "failed_exec_argc=64"));
	CU_ASSERT_EQUAL(tr.lost_counters, 0);
	for (i = 0; i < tr.nev; i++) {
		struct ev *e = &tr.ev[i];

		if (e->e.type == ETR_EV_EXEC && STR_IS(e->filename, "/bin/true"))
			t = e;
		if (e->e.type == ETR_EV_EXEC_FAIL && STR_IS(e->filename, "/nonexistent/er-many"))
			many = e;
		if (e->e.type == ETR_EV_EXEC_FAIL && STR_IS(e->filename, "/nonexistent/er-few"))
			fw = e;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT(STR_IS(t->argv, "/bin/true\0x\0\0y\0"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath("/tmp", real));
	CU_ASSERT(str_is(&t->cwd, real, strlen(real)));
	CU_ASSERT_FALSE(t->e.flags & (ETR_EVF_ARGV_TRUNC | ETR_EVF_CWD_TRUNC));
	CU_ASSERT_PTR_NOT_NULL_FATAL(fw);
	CU_ASSERT_EQUAL(fw->e.ret, -ENOENT);
	CU_ASSERT(str_is(&fw->argv, few, sizeof(few)));
	CU_ASSERT_EQUAL(fw->e.argc, 4);
	CU_ASSERT_FALSE(fw->e.flags & ETR_EVF_ARGV_TRUNC);
	CU_ASSERT(str_is(&fw->cwd, real, strlen(real)));
	/* 71 strings: the first 64 kept, the cut flagged */
	CU_ASSERT_PTR_NOT_NULL_FATAL(many);
	CU_ASSERT_EQUAL(many->e.ret, -ENOENT);
	CU_ASSERT_EQUAL(many->e.argc, 64);
	CU_ASSERT_TRUE(many->e.flags & ETR_EVF_ARGV_TRUNC);
	CU_ASSERT(many->argv.len > 20 && !memcmp(many->argv.p,
						 "/nonexistent/er-many\0"
						 "1\0"
						 "2\0",
						 24));
	CU_ASSERT(many->argv.len >= 3 && !memcmp(many->argv.p + many->argv.len - 3, "63", 3));
	trace_free(&tr);
}

/* Writes @b as raw BTF to tmpdir/@name, the path into @path. */
static void btf_to_file(const struct btf *b, char *path, const char *name)
{
	const void *raw;
	uint32_t len;
	int fd;

	raw = btf__raw_data(b, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	path_in(path, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, raw, len), (ssize_t)len);
	close(fd);
}

/* --btf=FILE that is not BTF, or BTF of another kernel: one line each;
 * this kernel's BTF as a file: recorded. */
static void test_btf_file(void)
{
	char path[PATH_MAX], btfp[PATH_MAX];
	char *rec[] = {(char *)execrec_bin, "record", "-q", "-o", path, NULL, "--",
		       "/bin/true",	    NULL};
	char arg[PATH_MAX + 8];
	struct trace t;
	struct btf *b;
	struct run r;
	int id;

	path_in(path, "btf-file.etr");
	rec[5] = arg;
	/* not BTF: the workload's own binary */
	snprintf(arg, sizeof(arg), "--btf=%s", workload_bin);
	run(&r, rec, NULL);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "cannot be read as BTF"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, workload_bin));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "Linux "));
	CU_ASSERT_PTR_NULL(strchr(r.err, '\n') ? strchr(strchr(r.err, '\n') + 1, '\n') : NULL);

	/* BTF, but a task_struct of no kernel: the CO-RE relocations fail */
	b = btf__new_empty();
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	id = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	btf__add_struct(b, "task_struct", 4);
	btf__add_field(b, "pid", id, 0, 0);
	btf_to_file(b, btfp, "other.btf");
	btf__free(b);
	snprintf(arg, sizeof(arg), "--btf=%s", btfp);
	run(&r, rec, NULL);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "does not match this kernel"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, btfp));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "the verifier rejected the programs"));
	CU_ASSERT_PTR_NULL(strchr(r.err, '\n') ? strchr(strchr(r.err, '\n') + 1, '\n') : NULL);
	CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	/* the same with the raw_tp programs of kernels without BTF */
	{
		char *raw[] = {(char *)execrec_bin, "record", "-q",	   "-o", path, arg,
			       "--programs=raw",    "--",     "/bin/true", NULL};

		run(&r, raw, NULL);
		CU_ASSERT_EQUAL(r.status, 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "does not match this kernel"));
		CU_ASSERT_PTR_NULL(strchr(r.err, '\n') ? strchr(strchr(r.err, '\n') + 1, '\n')
						       : NULL);
		CU_ASSERT_NOT_EQUAL(access(path, F_OK), 0);
	}

	/* BTF that matches, from a file elsewhere (this kernel's, copied):
	 * recorded, and the trace holds the subset made from it */
	b = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	btf_to_file(b, btfp, "vmlinux.btf");
	btf__free(b);
	snprintf(arg, sizeof(arg), "--btf=%s", btfp);
	run(&r, rec, NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(r.err[0], 0);
	load_trace(&t, path);
	CU_ASSERT_EQUAL(count_type(&t, ETR_EV_EXEC), 1);
	CU_ASSERT(has_argv_containing(&t, "/bin/true"));
	CU_ASSERT_EQUAL(t.btf_kind, ETR_BTF_SUBSET);
	CU_ASSERT_STRING_EQUAL(t.btf_file, btfp);
	b = btf__new(t.btf, t.btf_len);
	CU_ASSERT(b && btf__find_by_name_kind(b, "linux_binprm", BTF_KIND_STRUCT) > 0);
	btf__free(b);
	trace_free(&t);
}

/* A loop of er-workload ran outside CMD during the recording: none of it
 * is in the trace. */
static void test_noise_outside(void)
{
	CU_ASSERT_FALSE(has_argv_containing(&wt, check_noise));
}

/*
 * The raw_tp programs of kernels without BTF of their own, forced here with
 * this kernel's BTF copied to a file: the workload recorded again, for the
 * same checks.
 */
static char raw_btf[PATH_MAX];

static int raw_suite_init(void)
{
	char *cp[] = {"/bin/cp", "/sys/kernel/btf/vmlinux", raw_btf, NULL};
	static char arg[PATH_MAX + 8];
	struct run r;

	path_in(raw_btf, "vmlinux-copy.btf");
	run(&r, cp, NULL);
	if (r.status)
		return 1;
	snprintf(arg, sizeof(arg), "--btf=%s", raw_btf);
	trace_free(&wt);
	return record_workload("-raw", "--programs=raw", arg);
}

static void test_raw_programs(void)
{
	CU_ASSERT(!strncmp(wt.programs, "raw-tracepoints", 15));
	CU_ASSERT_STRING_EQUAL(wt.btf_file, raw_btf);
	CU_ASSERT_PTR_NOT_NULL(strstr(wt.limits, "failed_exec_argc=64"));
	CU_ASSERT_EQUAL(wt.btf_kind, ETR_BTF_SUBSET);
}

static void add_workload_tests(const char *name, CU_InitializeFunc init)
{
	CU_pSuite s = CU_add_suite(name, init, NULL);

	CU_add_test(s, "the workload ran and was recorded", test_workload_ran);
	CU_add_test(s, "-- CMD: the command and only its tree", test_command_root);
	CU_add_test(s, "/bin/true and /bin/false", test_true_false);
	CU_add_test(s, "failed exec (ENOENT)", test_failed_exec);
	CU_add_test(s, "a pipeline", test_pipeline);
	CU_add_test(s, "a #! script", test_script);
	CU_add_test(s, "fexecve and a failed execveat", test_fexecve);
	CU_add_test(s, "exec from a non-leader thread", test_thread_exec);
	CU_add_test(s, "killed by signals", test_signals);
	CU_add_test(s, "argv over 128 KiB", test_big_args);
	CU_add_test(s, "spaces, newlines, empty and non-UTF-8 args", test_weird_args);
	CU_add_test(s, "working directories", test_cwd);
	CU_add_test(s, "sh -c exec chain", test_exec_chain);
	CU_add_test(s, "a recycled pid is two processes", test_recycled_pid);
	CU_add_test(s, "no thread events without --threads", test_no_thread_events);
	CU_add_test(s, "BTF subset", test_btf_subset);
	if (check_noise[0])
		CU_add_test(s, "-- CMD: a loop outside is not recorded", test_noise_outside);
	if (init == raw_suite_init)
		CU_add_test(s, "raw_tp programs, types from the --btf file", test_raw_programs);
}

/*
 * ER_CHECK_DIR holds workload.etr, workload.log and stderr of a recording
 * made elsewhere, and "facts": lines key=value naming that machine's
 * tmpdir (where log and work directory were), workload (er-workload's
 * path), cwd (the recorder's), pid and status (of execrec record), noise
 * (a marker, optional).
 */
static int check_only(void)
{
	char path[PATH_MAX], line[PATH_MAX + 32];
	unsigned fails;
	FILE *f;

	snprintf(path, sizeof(path), "%s/facts", check_dir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "record: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, '=');

		if (!v)
			continue;
		*v++ = 0;
		v[strcspn(v, "\n")] = 0;
		if (!strcmp(line, "tmpdir"))
			snprintf(tmpdir, sizeof(tmpdir), "%s", v);
		else if (!strcmp(line, "workload"))
			workload_bin = strdup(v);
		else if (!strcmp(line, "cwd"))
			snprintf(wcwd, sizeof(wcwd), "%s", v);
		else if (!strcmp(line, "pid"))
			wrun.pid = atoi(v);
		else if (!strcmp(line, "status"))
			wrun.status = atoi(v);
		else if (!strcmp(line, "noise"))
			snprintf(check_noise, sizeof(check_noise), "%s", v);
	}
	fclose(f);
	if (!workload_bin || !wcwd[0]) {
		fprintf(stderr, "record: %s/facts names no workload or cwd\n", check_dir);
		return 1;
	}
	if (snprintf(workdir, sizeof(workdir), "%s/work", tmpdir) >= (int)sizeof(workdir))
		path_too_long(workdir);
	if (snprintf(wlog_path, sizeof(wlog_path), "%s/workload.log", tmpdir) >=
	    (int)sizeof(wlog_path))
		path_too_long(wlog_path);
	snprintf(path, sizeof(path), "%s/stderr", check_dir);
	test_slurp(path, wrun.err, sizeof(wrun.err));
	snprintf(path, sizeof(path), "%s/workload.log", check_dir);
	load_log(path);
	snprintf(wtrace_path, sizeof(wtrace_path), "%s/workload.etr", check_dir);
	load_trace(&wt, wtrace_path);
	root_pid = logged("root") ? logged("root")->pid : -1;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	add_workload_tests("record-workload", NULL);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	trace_free(&wt);
	return fails ? 1 : 0;
}

int main(void)
{
	CU_pSuite s;
	char why[4096];
	unsigned fails;

	check_dir = getenv("ER_CHECK_DIR");
	if (check_dir)
		return check_only();
	execrec_bin = getenv("EXECREC");
	workload_bin = getenv("ER_WORKLOAD");
	if (!execrec_bin || !workload_bin) {
		fprintf(stderr, "EXECREC and ER_WORKLOAD must name the binaries\n");
		return 1;
	}
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	chmod(tmpdir, 0755);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (!test_bpf__works(execrec_bin, tmpdir, why, sizeof(why))) {
		if (test_bpf__required()) {
			fprintf(stderr, "record: BPF not available: %s\n", why);
			s = CU_add_suite("record", NULL, NULL);
			CU_add_test(s, "BPF available", test_bpf__missing);
		} else {
			printf("record: SKIPPED, BPF not available: %s\n", why);
			CU_cleanup_registry();
			cleanup_tmp();
			return 77;
		}
	} else {
		record_workload("", NULL, NULL);
		add_workload_tests("record-workload", NULL);
		s = CU_add_suite("record-modes", NULL, NULL);
		CU_add_test(s, "-- CMD excludes a concurrent workload",
			    test_command_excludes_others);
		CU_add_test(s, "-p PID", test_pid_mode);
		CU_add_test(s, "--max-args-bytes cut and --env", test_truncation_and_env);
		CU_add_test(s, "output file rules and -o -", test_output_rules);
		CU_add_test(s, "--max-size", test_max_size);
		CU_add_test(s, "SIGKILL leaves a readable file", test_sigkill);
		CU_add_test(s, "a full disk stops with an error", test_full_disk);
		CU_add_test(s, "an overflowing ring: every loss counted", test_loss_counted);
		CU_add_test(s, "--threads and --btf=full", test_threads_and_btf_full);
		CU_add_test(s, "--programs=bounded: pre-5.17 programs", test_bounded_programs);
		CU_add_test(s, "--btf=FILE: not BTF, not this kernel's, this kernel's",
			    test_btf_file);
		add_workload_tests("record-workload (--programs=raw --btf=FILE)", raw_suite_init);
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	trace_free(&wt);
	cleanup_tmp();
	return fails ? 1 : 0;
}
