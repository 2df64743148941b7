// SPDX-License-Identifier: MIT
/*
 * execrec diff: CUnit suites over replay/diff and the command.
 *
 *   norm       the normalization rules, one argument at a time
 *   classes    synthetic pairs with known changes of every class: the diff
 *              finds exactly those; the same run with other pids, temporary
 *              names, hashes and times finds nothing
 *   options    --map, --ignore, --threshold, several baselines
 *   surround   kernel release, tracepoint formats, BTF layouts
 *   cli        exit status 0/1/2, one-line errors, damaged inputs, the three
 *              output formats
 *   recorded   the real recorder, twice over the same workload and once
 *              with an added, a failing and a slowed command (root + BPF;
 *              skipped without, unless EXECREC_REQUIRE_BPF=1)
 *
 * Environment: EXECREC (the execrec binary), FIXTURES (tests/fixtures);
 * DIFF_TEST_KEEP=1 keeps the traces made; EXECREC_SKIP_RECORDED=1 leaves
 * the recorded suite out (not with EXECREC_REQUIRE_BPF=1).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "bpf.h"
#include "diff.h"
#include "etr.h"
#include "replay.h"
#include "run.h"

#define MS 1000000ull
#define SEC 1000000000ull
#define T0 (5000 * SEC)

static const char *execrec_bin;
static const char *fixtures;
static char tmpdir[] = "/tmp/er-diff-test-XXXXXX";

static void path_in(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", tmpdir, name);
}

/* A run of execrec diff: exit status, standard output and error. */
struct run {
	int status;
	char out[1 << 16];
	char err[8192];
};

static void run_diff(struct run *r, ...);

/* ------------------------------------------------------------------ */
/* Synthetic traces                                                    */
/* ------------------------------------------------------------------ */

/* A process of a scenario. */
struct sp {
	const char *id;	    /* for children to name as parent */
	const char *parent; /* NULL: a root */
	uint32_t start_ms, end_ms;
	const char *argv; /* space-separated; NULL: fork only */
	int exit_code, sig;
	int exec_err;	  /* > 0: exec fails (after a PATH lookup) with it */
	bool path_lookup; /* two ENOENT attempts before the exec */
	bool running;	  /* no exit */
};

/* What else goes into a trace. */
struct extra {
	const char *release;
	const char *tp_name[4], *tp_text[4];
	const void *btf;
	size_t btf_len;
};

struct evl {
	struct etr_event ev;
	char argv[1024];
	char file[256];
	uint32_t seq;
};

static int cmp_evl(const void *a, const void *b)
{
	const struct evl *x = a, *y = b;

	if (x->ev.ts_ns != y->ev.ts_ns)
		return x->ev.ts_ns < y->ev.ts_ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static struct etr_str S(const char *s) {
	return (struct etr_str){s, (uint32_t)strlen(s)};
}

static int
find_id(const struct sp *p, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].id && id && !strcmp(p[i].id, id))
			return (int)i;
	return -1;
}

/* argv text -> a NUL-separated block in @out; its argc */
static uint32_t argv_block(const char *text, char *out, uint32_t *ret_len)
{
	uint32_t n = 0, argc = 0;

	for (const char *s = text; *s;) {
		size_t l = strcspn(s, " ");

		memcpy(out + n, s, l);
		n += (uint32_t)l;
		out[n++] = '\0';
		argc++;
		s += l;
		while (*s == ' ')
			s++;
	}
	*ret_len = n;
	return argc;
}

static void comm_of(const char *argv, char *comm)
{
	const char *a0 = argv ? argv : "sh", *b;
	size_t l = strcspn(a0, " ");

	b = memrchr(a0, '/', l);
	if (b) {
		l -= (size_t)(b + 1 - a0);
		a0 = b + 1;
	}
	snprintf(comm, 16, "%.*s", (int)(l < 15 ? l : 15), a0);
}

/* Write a scenario as a trace at tmpdir/@name; pids start at @pid_base. */
static void write_trace(const char *name, const struct sp *p, size_t n, uint32_t pid_base,
			const struct extra *x)
{
	struct etr_writer_opts o = {.sz = sizeof(o), .created_ns = 1};
	struct evl *ev = calloc(n * 6 + 1, sizeof(*ev));
	char path[PATH_MAX];
	size_t ne = 0;
	struct etr_writer *w;
	int fd;

	path_in(path, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CU_ASSERT_FATAL(fd >= 0 && ev);
	w = etr_writer__open_fd(fd, &o);
	CU_ASSERT_FATAL(w != NULL);
	etr_writer__write_meta(w, "kernel.release", x && x->release ? x->release : "6.1.0-test",
			       strlen(x && x->release ? x->release : "6.1.0-test"));
	for (int i = 0; x && i < 4 && x->tp_name[i]; i++)
		etr_writer__write_tpformat(w, x->tp_name[i], x->tp_text[i], strlen(x->tp_text[i]));
	if (x && x->btf)
		etr_writer__write_btf(w, ETR_BTF_SUBSET, x->btf, x->btf_len);

	for (size_t i = 0; i < n; i++) {
		int par = find_id(p, n, p[i].parent);
		uint32_t pid = pid_base + (uint32_t)i * 7 + 3;
		uint32_t ppid = par < 0 ? pid_base - 1 : pid_base + (uint32_t)par * 7 + 3;
		uint64_t start = T0 + p[i].start_ms * MS;
		char comm[16], pcomm[16];
		struct evl *e;

		comm_of(p[i].argv, comm);
		comm_of(par < 0 ? "init" : p[par].argv, pcomm);
		e = &ev[ne++];
		e->seq = (uint32_t)ne;
		e->ev = (struct etr_event){.type = ETR_EV_FORK,
					   .ts_ns = start,
					   .pid = pid,
					   .tid = pid,
					   .ppid = ppid,
					   .start_ns = start,
					   .parent_tid = ppid,
					   .uid = 1000,
					   .gid = 1000};
		snprintf(e->file, sizeof(e->file), "%s", pcomm);
		if (p[i].argv) {
			const char *a0 = p[i].argv;
			size_t l0 = strcspn(a0, " ");
			int attempts = p[i].path_lookup || p[i].exec_err ? 2 : 0;

			for (int k = 0; k <= attempts; k++) {
				bool last = k == attempts;

				if (last && p[i].exec_err && !p[i].path_lookup)
					break;
				e = &ev[ne++];
				e->seq = (uint32_t)ne;
				e->ev =
				    (struct etr_event){.ts_ns = start + MS / 2 + (uint64_t)k * 1000,
						       .pid = pid,
						       .tid = pid,
						       .ppid = ppid,
						       .start_ns = start,
						       .uid = 1000,
						       .gid = 1000,
						       .old_tid = pid};
				if (memchr(a0, '/', l0))
					snprintf(e->file, sizeof(e->file), "%.*s", (int)l0, a0);
				else
					snprintf(e->file, sizeof(e->file), "%s/%.*s",
						 k == 0	  ? "/usr/local/sbin"
						 : k == 1 ? "/usr/local/bin"
							  : "/usr/bin",
						 (int)l0, a0);
				if (!last || p[i].exec_err) {
					e->ev.type = ETR_EV_EXEC_FAIL;
					e->ev.ret = -(k < attempts ? ENOENT : p[i].exec_err);
				} else {
					e->ev.type = ETR_EV_EXEC;
				}
				e->ev.argc = argv_block(a0, e->argv, &e->ev.argv_orig_len);
			}
			if (p[i].exec_err && p[i].path_lookup) {
				/* the lookup found nothing: all attempts failed */
				ev[ne - 1].ev.type = ETR_EV_EXEC_FAIL;
				ev[ne - 1].ev.ret = -p[i].exec_err;
			}
		}
		if (!p[i].running) {
			e = &ev[ne++];
			e->seq = (uint32_t)ne;
			e->ev = (struct etr_event){.type = ETR_EV_EXIT,
						   .ts_ns = T0 + p[i].end_ms * MS,
						   .pid = pid,
						   .tid = pid,
						   .ppid = ppid,
						   .start_ns = start,
						   .exit_code = p[i].exit_code,
						   .signal = p[i].sig,
						   .uid = 1000,
						   .gid = 1000};
			snprintf(e->file, sizeof(e->file), "%s", comm);
		}
	}
	qsort(ev, ne, sizeof(*ev), cmp_evl);
	for (size_t i = 0; i < ne; i++) {
		struct etr_event *e = &ev[i].ev;
		char comm[16];

		if (e->type == ETR_EV_EXEC || e->type == ETR_EV_EXEC_FAIL) {
			e->filename = S(ev[i].file);
			e->argv = (struct etr_str){ev[i].argv, e->argv_orig_len};
			e->cwd = S("/work");
			comm_of(ev[i].argv, comm);
			e->comm = S(comm);
		} else {
			snprintf(comm, sizeof(comm), "%s", ev[i].file);
			e->comm = S(comm);
			e->filename = e->cwd = e->argv = e->env = S("");
		}
		CU_ASSERT_EQUAL_FATAL(etr_writer__write_event(w, e), 0);
	}
	CU_ASSERT_EQUAL(etr_writer__close(w, 0), 0);
	etr_writer__free(w);
	close(fd);
	free(ev);
}

/* ------------------------------------------------------------------ */
/* Running the diff                                                    */
/* ------------------------------------------------------------------ */

static struct rdiff *diff_of(const char *const *bases, const char *new_name,
			     const struct rdiff_opts *opts, const char *const *maps,
			     const char *const *ignores)
{
	struct rdiff *d = rdiff__new(opts);
	char path[PATH_MAX], err[512];

	CU_ASSERT_FATAL(d != NULL);
	for (int i = 0; maps && maps[i]; i++)
		CU_ASSERT_EQUAL(rdiff__add_map(d, maps[i], err, sizeof(err)), 0);
	for (int i = 0; ignores && ignores[i]; i++)
		CU_ASSERT_EQUAL(rdiff__add_ignore(d, ignores[i], err, sizeof(err)), 0);
	for (int i = 0; bases[i]; i++) {
		path_in(path, bases[i]);
		CU_ASSERT_EQUAL_FATAL(rdiff__add_base(d, path, err, sizeof(err)), 0);
	}
	path_in(path, new_name);
	CU_ASSERT_EQUAL_FATAL(rdiff__set_new(d, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(rdiff__compute(d), 0);
	return d;
}

static struct rdiff *diff2(const char *base, const char *new_name)
{
	return diff_of((const char *const[]){base, NULL}, new_name, NULL, NULL, NULL);
}

/* Print the changes when a test is about to fail, so the log says why. */
static void dump(const struct rdiff *d)
{
	struct rdiff_print_opts po = {.sz = sizeof(po), .explain = true};

	rdiff__print(d, stderr, &po);
}

/* The entry of class @c whose shown process's normalized key contains
 * @needle, or NULL. */
static const struct rdiff_entry *find(const struct rdiff *d, enum rdiff_class c, const char *needle)
{
	for (size_t i = 0; i < rdiff__entry_count(d); i++) {
		const struct rdiff_entry *e = rdiff__entry(d, i);
		const char *k = rdiff__key_str(d, e->proc.side, e->proc.idx);

		if (e->cls == c && k && strstr(k, needle))
			return e;
	}
	return NULL;
}

static bool counts_are(const struct rdiff *d, const size_t want[RDIFF_CLASS__NR])
{
	bool ok = true;

	for (int c = 0; c < RDIFF_CLASS__NR; c++)
		ok = ok && rdiff__class_count(d, c) == want[c];
	if (!ok)
		dump(d);
	return ok;
}

/* ------------------------------------------------------------------ */
/* norm                                                                */
/* ------------------------------------------------------------------ */

static struct rdiff *norm_d;

static const char *N(const char *in)
{
	static char out[1024];

	rdiff__normalize(norm_d, 0, in, strlen(in), out, sizeof(out));
	return out;
}

static void test_norm(void)
{
	/* pids in this trace: 9003 and 9010 (and their parent 8999) */
	static const struct sp p[] = {
	    {"a", NULL, 0, 10, "sh"},
	    {"b", "a", 1, 5, "true"},
	};

	write_trace("norm.etr", p, 2, 9000, NULL);
	norm_d = diff2("norm.etr", "norm.etr");
	CU_ASSERT_STRING_EQUAL(N("/tmp/ccAbc123.o"), "/tmp/XXXXXX.o");
	CU_ASSERT_STRING_EQUAL(N("-o/tmp/ccXyZ987.s"), "-o/tmp/XXXXXX.s");
	CU_ASSERT_STRING_EQUAL(N("/tmp/tmp.AbCdEf1234"), "/tmp/tmp.XXXXXX");
	CU_ASSERT_STRING_EQUAL(N("/var/tmp/build_k3z9a1b/out.txt"), "/var/tmp/XXXXXX/out.txt");
	CU_ASSERT_STRING_EQUAL(N("/dev/shm/sem.abcdef"), "/dev/shm/sem.XXXXXX");
	CU_ASSERT_STRING_EQUAL(N("build/tmp/objXYZ123/a.o"), "build/tmp/XXXXXX/a.o");
	CU_ASSERT_STRING_EQUAL(N("--out=/tmp/x1,/tmp/ccQwErTy.o"), "--out=/tmp/x1,/tmp/XXXXXX.o");
	/* outside temporary folders names stay */
	CU_ASSERT_STRING_EQUAL(N("/usr/bin/python3"), "/usr/bin/python3");
	CU_ASSERT_STRING_EQUAL(N("sha256sum"), "sha256sum");
	CU_ASSERT_STRING_EQUAL(N("x86_64-linux-gnu-gcc-12"), "x86_64-linux-gnu-gcc-12");
	CU_ASSERT_STRING_EQUAL(N("src/compile.c"), "src/compile.c");
	/* hashes, long numbers, timestamps */
	CU_ASSERT_STRING_EQUAL(N("1a2b3c4d5e6f7a8b9c0d"), "<hex>");
	CU_ASSERT_STRING_EQUAL(N("--commit=deadbeef"), "--commit=<hex>");
	CU_ASSERT_STRING_EQUAL(N("abc1234"), "abc1234"); /* 7 digits: too short */
	CU_ASSERT_STRING_EQUAL(N("build-1732533834.123456.log"), "build-<num>.log");
	CU_ASSERT_STRING_EQUAL(N("123e4567-e89b-12d3-a456-426614174000"), "<uuid>");
	CU_ASSERT_STRING_EQUAL(N("log-2026-11-25T11:43:54.123Z"), "log-<date>T<time>Z");
	/* pids of the trace, nothing else */
	CU_ASSERT_STRING_EQUAL(N("/proc/9003/stat"), "/proc/<pid>/stat");
	CU_ASSERT_STRING_EQUAL(N("out.9010"), "out.<pid>");
	CU_ASSERT_STRING_EQUAL(N("--ppid=8999"), "--ppid=<pid>");
	CU_ASSERT_STRING_EQUAL(N("out.9004"), "out.9004");
	CU_ASSERT_STRING_EQUAL(N("-j4"), "-j4");
	CU_ASSERT_STRING_EQUAL(N("-O2"), "-O2");
	rdiff__free(norm_d);
	norm_d = NULL;
}

static void test_map(void)
{
	struct rdiff *d = rdiff__new(NULL);
	char err[256], out[256], path[PATH_MAX];

	CU_ASSERT_EQUAL(rdiff__add_map(d, "/home/ci/b41/=/home/ci/b42", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(rdiff__add_map(d, "nonsense", err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nonsense"));
	path_in(path, "norm.etr");
	CU_ASSERT_EQUAL_FATAL(rdiff__add_base(d, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(rdiff__set_new(d, path, err, sizeof(err)), 0);
	/* baselines are mapped, the new trace is not */
	rdiff__normalize(d, 1, "/home/ci/b41/src/a.c", 20, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "/home/ci/b42/src/a.c");
	rdiff__normalize(d, 1, "-I/home/ci/b41/include", 22, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "-I/home/ci/b42/include");
	rdiff__normalize(d, 1, "--prefix=/home/ci/b41", 21, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "--prefix=/home/ci/b42");
	rdiff__normalize(d, 1, "/home/ci/b410/x", 15, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "/home/ci/b410/x");
	rdiff__normalize(d, 0, "/home/ci/b41/src/a.c", 20, out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "/home/ci/b41/src/a.c");
	rdiff__free(d);
}

/* ------------------------------------------------------------------ */
/* classes                                                             */
/* ------------------------------------------------------------------ */

/*
 * The scenario: a CI script with a make, tests and the rest. The BASE and
 * NEW variants differ by exactly one change of each class; BASE2 is BASE
 * again with other pids, temporary names, hashes and times.
 */
#define H1 "1a2b3c4d5e6f7a8b"
#define H2 "99aa88bb77cc66dd"

static const struct sp scen_base[] = {
    {"ci", NULL, 0, 6000, "sh ci.sh"},
    {"make", "ci", 10, 1000, "make all"},
    {"cc1", "make", 20, 120, "cc -c a.c -o /tmp/ccAbc123.o"},
    {"cc2", "make", 130, 230, "cc -c b.c -o /tmp/ccZzz999.o"},
    {"ld", "make", 300, 400, "ld -o app /tmp/ccAbc123.o /tmp/ccZzz999.o"},
    {"git", "ci", 1010, 1020, "git show " H1},
    {"date", "ci", 1021, 1022, "touch stamp.1732533834"},
    {"h1", "ci", 1100, 1110, "./helper --check"},
    {"h2", "ci", 1120, 1130, "./helper --check"},
    {"tests", "ci", 1200, 1700, "run-tests --all"},
    {"t1", "tests", 1210, 1300, "./t1"},
    {"t2", "tests", 1310, 1400, "./t2"},
    {"lint", "ci", 1800, 1900, "lint src", 1},
    {"bench", "ci", 2000, 2100, "bench --quick"},
    {"benchc", "bench", 2010, 2090, "bench-worker"},
    {"pack", "ci", 2200, 2800, "pack --all"},
    {"old", "ci", 3000, 3300, "old-step --x"},
    {"oldc1", "old", 3010, 3100, "old-child 1"},
    {"oldc2", "old", 3110, 3200, "old-child 2"},
    {"sub", "ci", 3400, 3410, NULL}, /* a subshell: fork only */
    {"tool", "ci", 3500, 3520, "tool --run", .path_lookup = true},
    {"seg", "ci", 3600, 3700, "crashy"},
    {"snap", "ci", 3800, 6000, "daemon", .running = true},
};

static const struct sp scen_new[] = {
    {"ci", NULL, 0, 6000, "sh ci.sh"},
    {"make", "ci", 10, 1000, "make all"},
    {"cc1", "make", 20, 120, "cc -c a.c -o /tmp/ccQQQ111.o"},
    {"cc2", "make", 130, 230, "cc -c b.c -o /tmp/ccRRR222.o"},
    {"ld", "make", 300, 400, "ld -o app /tmp/ccQQQ111.o /tmp/ccRRR222.o"},
    {"git", "ci", 1010, 1020, "git show " H2},
    {"date", "ci", 1021, 1022, "touch stamp.1732599999"},
    /* COUNT: 2 -> 4 */
    {"h1", "ci", 1100, 1110, "./helper --check"},
    {"h2", "ci", 1120, 1130, "./helper --check"},
    {"h3", "ci", 1140, 1150, "./helper --check"},
    {"h4", "ci", 1160, 1170, "./helper --check"},
    /* NOW-FAILS, with the child where it starts: one entry */
    {"tests", "ci", 1200, 1700, "run-tests --all", 2},
    {"t1", "tests", 1210, 1300, "./t1", 1},
    {"t2", "tests", 1310, 1400, "./t2"},
    /* NOW-PASSES */
    {"lint", "ci", 1800, 1900, "lint src"},
    /* SLOWER, parent and child: one entry */
    {"bench", "ci", 2000, 2600, "bench --quick"},
    {"benchc", "bench", 2010, 2590, "bench-worker"},
    /* FASTER */
    {"pack", "ci", 2200, 2300, "pack --all"},
    /* GONE: old-step and its two children */
    /* NEW: new-step and a child */
    {"nw", "ci", 3000, 3100, "new-step"},
    {"nwc", "nw", 3010, 3050, "new-child"},
    {"sub", "ci", 3400, 3410, NULL},
    {"tool", "ci", 3500, 3520, "tool --run", .path_lookup = true},
    {"seg", "ci", 3600, 3700, "crashy"},
    {"snap", "ci", 3800, 6000, "daemon", .running = true},
};

static void write_scenarios(void)
{
	struct sp b2[sizeof(scen_base) / sizeof(scen_base[0])];

	write_trace("base.etr", scen_base, sizeof(scen_base) / sizeof(scen_base[0]), 1000, NULL);
	write_trace("new.etr", scen_new, sizeof(scen_new) / sizeof(scen_new[0]), 20000, NULL);
	/* BASE again: other pids, temporary names, hash and time */
	memcpy(b2, scen_base, sizeof(b2));
	b2[2].argv = "cc -c a.c -o /tmp/ccM0n1x2.o";
	b2[3].argv = "cc -c b.c -o /tmp/ccR4nd0m.o";
	b2[4].argv = "ld -o app /tmp/ccM0n1x2.o /tmp/ccR4nd0m.o";
	b2[5].argv = "git show " H2;
	b2[6].argv = "touch stamp.1800000000";
	b2[1].end_ms = 1050; /* timing noise below the thresholds */
	b2[13].end_ms = 2130;
	write_trace("base2.etr", b2, sizeof(b2) / sizeof(b2[0]), 40000, NULL);
}

static void test_same_run(void)
{
	static const size_t none[RDIFF_CLASS__NR] = {0};
	struct rdiff *d;

	d = diff2("base.etr", "base.etr");
	CU_ASSERT(counts_are(d, none));
	CU_ASSERT_EQUAL(rdiff__entry_count(d), 0);
	rdiff__free(d);
	/* other pids, temporary names, hashes, timestamps: still the same */
	d = diff2("base.etr", "base2.etr");
	CU_ASSERT(counts_are(d, none));
	CU_ASSERT_EQUAL(rdiff__side_procs(d, 0), rdiff__side_procs(d, 1));
	rdiff__free(d);
}

static void test_every_class(void)
{
	static const size_t want[RDIFF_CLASS__NR] = {
	    [RDIFF_NEW] = 1,	[RDIFF_GONE] = 1,   [RDIFF_NOW_FAILS] = 1, [RDIFF_NOW_PASSES] = 1,
	    [RDIFF_SLOWER] = 1, [RDIFF_FASTER] = 1, [RDIFF_COUNT] = 1,
	};
	struct rdiff *d = diff2("base.etr", "new.etr");
	const struct rdiff_entry *e;

	CU_ASSERT(counts_are(d, want));
	CU_ASSERT_EQUAL(rdiff__entry_count(d), 7);

	e = find(d, RDIFF_NEW, "new-step");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->proc.side, 0);
	CU_ASSERT_EQUAL(e->processes, 2); /* with its child, reported once */

	e = find(d, RDIFF_GONE, "old-step");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->proc.side, 1);
	CU_ASSERT_EQUAL(e->processes, 3);

	e = find(d, RDIFF_NOW_FAILS, "run-tests");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->processes, 2); /* ./t1 is covered, not reported */
	CU_ASSERT_EQUAL(e->norigin, 1);
	CU_ASSERT_STRING_EQUAL(rdiff__key_str(d, 0, e->origin[0]), "./t1");

	e = find(d, RDIFF_NOW_PASSES, "lint");
	CU_ASSERT_PTR_NOT_NULL(e);

	e = find(d, RDIFF_SLOWER, "bench --quick");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->processes, 2);
	CU_ASSERT_EQUAL(e->new_ns, 600 * MS);
	CU_ASSERT_EQUAL(e->base_max_ns, 100 * MS);

	e = find(d, RDIFF_FASTER, "pack");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->new_ns, 100 * MS);

	e = find(d, RDIFF_COUNT, "./helper --check");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->base_count, 2);
	CU_ASSERT_EQUAL(e->new_count, 4);
	CU_ASSERT_EQUAL(e->processes, 2);

	/* runs per program: helper 2 -> 4 first (the biggest change) */
	{
		const char *name;
		uint32_t nn, lo, hi;

		CU_ASSERT_EQUAL(rdiff__program_count(d), 5);
		CU_ASSERT_EQUAL_FATAL(rdiff__program(d, 0, &name, &nn, &lo, &hi), 0);
		CU_ASSERT_STRING_EQUAL(name, "helper");
		CU_ASSERT_EQUAL(nn, 4);
		CU_ASSERT_EQUAL(lo, 2);
		CU_ASSERT_EQUAL(hi, 2);
		CU_ASSERT_EQUAL(rdiff__program(d, 5, &name, &nn, &lo, &hi), -ENOENT);
	}
	rdiff__free(d);

	/* the other way round, the classes swap */
	d = diff2("new.etr", "base.etr");
	CU_ASSERT(counts_are(d, want));
	CU_ASSERT_PTR_NOT_NULL(find(d, RDIFF_NEW, "old-step"));
	CU_ASSERT_PTR_NOT_NULL(find(d, RDIFF_GONE, "new-step"));
	CU_ASSERT_PTR_NOT_NULL(find(d, RDIFF_NOW_PASSES, "run-tests"));
	CU_ASSERT_PTR_NOT_NULL(find(d, RDIFF_NOW_FAILS, "lint"));
	CU_ASSERT_PTR_NOT_NULL(find(d, RDIFF_FASTER, "bench"));
	CU_ASSERT_PTR_NOT_NULL(find(d, RDIFF_SLOWER, "pack"));
	rdiff__free(d);
}

/* Failures that are not a plain exit code: a signal, a failed exec. */
static void test_fail_kinds(void)
{
	static const struct sp b[] = {
	    {"r", NULL, 0, 1000, "sh run.sh"},
	    {"a", "r", 10, 20, "crashy"},
	    {"t", "r", 30, 40, "tool --run", .path_lookup = true},
	    {"x", "r", 50, 60, "/opt/x/bin/xtool"},
	    {"k", "r", 70, 80, "killer"},
	};
	struct sp n[5];
	struct rdiff *d;
	const struct rdiff_entry *e;

	memcpy(n, b, sizeof(n));
	n[1].sig = SIGSEGV;	/* death by signal */
	n[2].exec_err = ENOENT; /* the PATH lookup finds nothing */
	n[2].exit_code = 127;
	n[3].exec_err = EACCES; /* exec fails, and the process exits 0 */
	n[4].exit_code = 0;
	write_trace("fk-base.etr", b, 5, 100, NULL);
	write_trace("fk-new.etr", n, 5, 300, NULL);
	d = diff2("fk-base.etr", "fk-new.etr");
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_NOW_FAILS), 3);
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_NEW), 0);
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_GONE), 0);
	CU_ASSERT_PTR_NOT_NULL(find(d, RDIFF_NOW_FAILS, "crashy"));
	e = find(d, RDIFF_NOW_FAILS, "tool --run");
	CU_ASSERT_PTR_NOT_NULL(e);
	CU_ASSERT_PTR_NOT_NULL(find(d, RDIFF_NOW_FAILS, "xtool"));
	if (rdiff__class_count(d, RDIFF_NOW_FAILS) != 3)
		dump(d);
	rdiff__free(d);
}

/* A compiler called for twice as many files: each new file is NEW, and
 * the runs per program say "cc 3 -> 6" */
static void test_program_runs(void)
{
	static const struct sp b[] = {
	    {"r", NULL, 0, 1000, "make"},
	    {"a", "r", 10, 20, "cc -c a.c"},
	    {"b", "r", 30, 40, "cc -c b.c"},
	    {"c", "r", 50, 60, "cc -c c.c"},
	};
	static const struct sp n[] = {
	    {"r", NULL, 0, 1000, "make"},      {"a", "r", 10, 20, "cc -c a.c"},
	    {"b", "r", 30, 40, "cc -c b.c"},   {"c", "r", 50, 60, "cc -c c.c"},
	    {"d", "r", 70, 80, "cc -c d.c"},   {"e", "r", 90, 100, "cc -c e.c"},
	    {"f", "r", 110, 120, "cc -c f.c"},
	};
	struct rdiff *d;
	const char *name;
	uint32_t nn, lo, hi;
	write_trace("pr-base.etr", b, 4, 100, NULL);
	write_trace("pr-new.etr", n, 7, 300, NULL);
	d = diff2("pr-base.etr", "pr-new.etr");
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_NEW), 3);
	CU_ASSERT_EQUAL(rdiff__entry_count(d), 3);
	CU_ASSERT_EQUAL_FATAL(rdiff__program_count(d), 1);
	CU_ASSERT_EQUAL(rdiff__program(d, 0, &name, &nn, &lo, &hi), 0);
	CU_ASSERT_STRING_EQUAL(name, "cc");
	CU_ASSERT_EQUAL(nn, 6);
	CU_ASSERT_EQUAL(lo, 3);
	rdiff__free(d);
}

/* A chain 3000 deep (a recursive script), and traces with no process. */
static void test_deep_and_empty(void)
{
	enum { DEPTH = 3000 };
	struct sp *p = calloc(DEPTH + 1, sizeof(*p));
	static char ids[DEPTH + 1][8];
	static struct run r;
	struct rdiff *d;
	const struct rdiff_entry *e;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (int i = 0; i <= DEPTH; i++) {
		snprintf(ids[i], sizeof(ids[i]), "p%d", i);
		p[i] =
		    (struct sp){ids[i], i ? ids[i - 1] : NULL, (uint32_t)i,
				(uint32_t)(2 * DEPTH + 10 - i), i == DEPTH ? "leaf" : "sh rec.sh"};
	}
	write_trace("deep-base.etr", p, DEPTH, 100, NULL);
	write_trace("deep-new.etr", p, DEPTH + 1, 9000, NULL);
	write_trace("empty.etr", p, 0, 100, NULL);
	d = diff2("deep-base.etr", "deep-new.etr");
	e = find(d, RDIFF_NEW, "leaf");
	CU_ASSERT_PTR_NOT_NULL(e);
	CU_ASSERT_EQUAL(rdiff__entry_count(d), 1);
	rdiff__free(d);
	run_diff(&r, "--explain", "deep-base.etr", "deep-new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "[2994 more]"));
	run_diff(&r, "--json", "deep-base.etr", "deep-new.etr", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"ancestry_depth\":3000"));

	d = diff2("empty.etr", "empty.etr");
	CU_ASSERT_EQUAL(rdiff__entry_count(d), 0);
	CU_ASSERT_EQUAL(rdiff__side_procs(d, 0), 0);
	rdiff__free(d);
	d = diff2("empty.etr", "deep-base.etr");
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_NEW), 1);
	CU_ASSERT_EQUAL(rdiff__entry(d, 0)->processes, DEPTH);
	rdiff__free(d);
	run_diff(&r, "--fail-on=gone", "--markdown", "deep-base.etr", "empty.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 1);
	free(p);
}

/* Siblings with the same command pair up in start order; a wrapper
 * inserted above a subtree makes it NEW once. */
static void test_ordinals_and_wrappers(void)
{
	static const struct sp b[] = {
	    {"r", NULL, 0, 2000, "make -j2"},
	    {"s1", "r", 10, 100, "sh -c step"},
	    {"c1", "s1", 20, 90, "cc -c x.c"},
	    {"s2", "r", 110, 800, "sh -c step"}, /* the second one is slow */
	    {"c2", "s2", 120, 790, "cc -c y.c"},
	};
	static const struct sp n[] = {
	    {"r", NULL, 0, 2000, "make -j2"},	     {"s1", "r", 10, 100, "sh -c step"},
	    {"w", "s1", 15, 95, "ccache cc -c x.c"}, {"c1", "w", 20, 90, "cc -c x.c"},
	    {"s2", "r", 110, 800, "sh -c step"},     {"c2", "s2", 120, 790, "cc -c y.c"},
	};
	struct rdiff *d;
	const struct rdiff_entry *e;

	write_trace("ord-base.etr", b, 5, 100, NULL);
	write_trace("ord-new.etr", n, 6, 700, NULL);
	d = diff2("ord-base.etr", "ord-new.etr");
	e = find(d, RDIFF_NEW, "ccache");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->processes, 2);
	e = find(d, RDIFF_GONE, "cc -c x.c");
	CU_ASSERT_PTR_NOT_NULL(e);
	/* nothing about the slow second step: it matched the slow one */
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_SLOWER), 0);
	CU_ASSERT_EQUAL(rdiff__entry_count(d), 2);
	if (rdiff__entry_count(d) != 2)
		dump(d);
	rdiff__free(d);
}

/* ------------------------------------------------------------------ */
/* options                                                             */
/* ------------------------------------------------------------------ */

static void test_map_ignore(void)
{
	static const struct sp b[] = {
	    {"r", NULL, 0, 1000, "make -C /home/ci/build-41"},
	    {"c", "r", 10, 20, "cc -I/home/ci/build-41/include -c /home/ci/build-41/src/a.c"},
	    {"d", "r", 30, 40, "date +%s"},
	};
	static const struct sp n[] = {
	    {"r", NULL, 0, 1000, "make -C /home/ci/build-42"},
	    {"c", "r", 10, 20, "cc -I/home/ci/build-42/include -c /home/ci/build-42/src/a.c"},
	    {"d", "r", 30, 40, "date +%Y"},
	};
	struct rdiff *d;

	write_trace("map-base.etr", b, 3, 100, NULL);
	write_trace("map-new.etr", n, 3, 200, NULL);
	d = diff2("map-base.etr", "map-new.etr");
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_NEW), 1); /* the whole make */
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_GONE), 1);
	rdiff__free(d);
	d = diff_of((const char *const[]){"map-base.etr", NULL}, "map-new.etr", NULL,
		    (const char *const[]){"/home/ci/build-41=/home/ci/build-42", NULL},
		    (const char *const[]){"^date ", NULL});
	CU_ASSERT_EQUAL(rdiff__entry_count(d), 0);
	CU_ASSERT_EQUAL(rdiff__side_procs(d, 0), 2); /* date left out */
	if (rdiff__entry_count(d))
		dump(d);
	rdiff__free(d);
	/* without --ignore, the date differs */
	d = diff_of((const char *const[]){"map-base.etr", NULL}, "map-new.etr", NULL,
		    (const char *const[]){"/home/ci/build-41=/home/ci/build-42", NULL}, NULL);
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_NEW), 1);
	CU_ASSERT_PTR_NOT_NULL(find(d, RDIFF_NEW, "date +%Y"));
	CU_ASSERT_EQUAL(rdiff__entry_count(d), 2);
	rdiff__free(d);
}

static void test_threshold(void)
{
	static const struct sp b[] = {
	    {"r", NULL, 0, 5000, "sh x"},
	    {"a", "r", 10, 110, "step a"},   /* 100 -> 140 ms: 1.4x */
	    {"b", "r", 200, 210, "step b"},  /* 10 -> 50 ms: 5x but 40 ms */
	    {"c", "r", 300, 1300, "step c"}, /* 1 s -> 1.6 s */
	};
	struct sp n[4];
	struct rdiff_opts o = {.sz = sizeof(o), .threshold = 1.3, .min_delta_ns = 30 * MS};
	struct rdiff *d;

	memcpy(n, b, sizeof(n));
	n[1].end_ms = 150;
	n[2].end_ms = 250;
	n[3].end_ms = 1900;
	write_trace("thr-base.etr", b, 4, 100, NULL);
	write_trace("thr-new.etr", n, 4, 200, NULL);
	d = diff2("thr-base.etr", "thr-new.etr");
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_SLOWER), 1);
	CU_ASSERT_PTR_NOT_NULL(find(d, RDIFF_SLOWER, "step c"));
	rdiff__free(d);
	d = diff_of((const char *const[]){"thr-base.etr", NULL}, "thr-new.etr", &o, NULL, NULL);
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_SLOWER), 3);
	rdiff__free(d);
}

static void test_baselines(void)
{
	static const struct sp b1[] = {
	    {"r", NULL, 0, 5000, "sh ci"},	   {"a", "r", 10, 110, "bench a"}, /* 100 ms */
	    {"f", "r", 200, 210, "flaky-only-b1"}, {"h", "r", 300, 310, "./h"},
	    {"h2", "r", 320, 330, "./h"},	   {"g", "r", 400, 410, "gone-in-new"},
	};
	static const struct sp b2[] = {
	    {"r", NULL, 0, 5000, "sh ci"},     {"a", "r", 10, 310, "bench a"}, /* 300 ms: noisy */
	    {"h", "r", 300, 310, "./h"},       {"h2", "r", 320, 330, "./h"},
	    {"h3", "r", 340, 350, "./h"},      {"g", "r", 400, 410, "gone-in-new"},
	    {"n", "r", 500, 510, "flaky-new"},
	};
	static const struct sp n1[] = {
	    {"r", NULL, 0, 5000, "sh ci"},
	    {"a", "r", 10, 410, "bench a"}, /* 400 ms: within 1.5x of 300 */
	    {"h", "r", 300, 310, "./h"},
	    {"h2", "r", 320, 330, "./h"},
	    {"h3", "r", 340, 350, "./h"},
	    {"n", "r", 500, 510, "flaky-new"},
	};
	struct sp n2[6];
	struct rdiff *d;

	memcpy(n2, n1, sizeof(n2));
	n2[1].end_ms = 510; /* 500 ms: beyond 1.5 x 300 */
	write_trace("mb-b1.etr", b1, 6, 100, NULL);
	write_trace("mb-b2.etr", b2, 7, 300, NULL);
	write_trace("mb-n1.etr", n1, 6, 500, NULL);
	write_trace("mb-n2.etr", n2, 6, 700, NULL);

	/* against B1 alone, everything shows */
	d = diff2("mb-b1.etr", "mb-n1.etr");
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_SLOWER), 1);
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_NEW), 1);
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_GONE), 2);
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_COUNT), 1);
	rdiff__free(d);

	/* against both: the noise is gone; what all baselines agree on is not */
	d = diff_of((const char *const[]){"mb-b1.etr", "mb-b2.etr", NULL}, "mb-n1.etr", NULL, NULL,
		    NULL);
	CU_ASSERT_EQUAL(rdiff__base_count(d), 2);
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_SLOWER), 0);
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_NEW), 0);	/* flaky-new was in B2 */
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_COUNT), 0); /* 3 is within 2..3 */
	CU_ASSERT_EQUAL(rdiff__class_count(d, RDIFF_GONE), 1);	/* in both, not in NEW */
	CU_ASSERT_PTR_NOT_NULL(find(d, RDIFF_GONE, "gone-in-new"));
	if (rdiff__entry_count(d) != 1)
		dump(d);
	rdiff__free(d);

	d = diff_of((const char *const[]){"mb-b1.etr", "mb-b2.etr", NULL}, "mb-n2.etr", NULL, NULL,
		    NULL);
	{
		const struct rdiff_entry *e = find(d, RDIFF_SLOWER, "bench a");

		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		CU_ASSERT_EQUAL(e->base_min_ns, 100 * MS);
		CU_ASSERT_EQUAL(e->base_max_ns, 300 * MS);
		CU_ASSERT_EQUAL(e->new_ns, 500 * MS);
	}
	rdiff__free(d);
}

/* ------------------------------------------------------------------ */
/* surround                                                            */
/* ------------------------------------------------------------------ */

static const char tp_exec_a[] =
    "name: sched_process_exec\n"
    "ID: 314\n"
    "format:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
    "\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"
    "\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;\n"
    "\n"
    "print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid, "
    "REC->old_pid\n";
/* another ID (boot-dependent: not a change), old_pid moved, a new field */
static const char tp_exec_b[] =
    "name: sched_process_exec\n"
    "ID: 999\n"
    "format:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
    "\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"
    "\tfield:pid_t old_pid;\toffset:20;\tsize:4;\tsigned:1;\n"
    "\tfield:u32 flags;\toffset:24;\tsize:4;\tsigned:0;\n"
    "\n"
    "print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid, "
    "REC->old_pid\n";
static const char tp_fork[] =
    "name: sched_process_fork\n"
    "ID: 315\n"
    "format:\n"
    "\tfield:__data_loc char[] parent_comm;\toffset:8;\tsize:4;\tsigned:0;\n"
    "\tfield:__data_loc char[] child_comm;\toffset:16;\tsize:4;\tsigned:0;\n"
    "\tfield:char comm[16];\toffset:20;\tsize:16;\tsigned:0;\n"
    "\n"
    "print fmt: \"x\"\n";

/* A minimal BTF: int, long, and task_struct { int pid; int tgid; } or,
 * changed, { long pid; int extra; int tgid; } */
static size_t make_btf(uint8_t *buf, bool changed)
{
	static const char strs[] = "\0int\0task_struct\0pid\0tgid\0extra\0long";
	uint32_t t[64], n = 0, str_len = sizeof(strs);
	uint32_t hdr[6];

	/* [1] int */
	t[n++] = 1;
	t[n++] = 1u << 24; /* INT */
	t[n++] = 4;
	t[n++] = (1u << 24) | 32;
	/* [2] struct task_struct */
	t[n++] = 5;
	t[n++] = (4u << 24) | (changed ? 3 : 2);
	t[n++] = changed ? 24 : 16;
	t[n++] = 17; /* pid */
	t[n++] = changed ? 3 : 1;
	t[n++] = 0;
	if (changed) {
		t[n++] = 26; /* extra */
		t[n++] = 1;
		t[n++] = 64;
	}
	t[n++] = 21; /* tgid */
	t[n++] = 1;
	t[n++] = changed ? 96 : 32;
	/* [3] long */
	t[n++] = 32;
	t[n++] = 1u << 24;
	t[n++] = 8;
	t[n++] = (1u << 24) | 64;
	hdr[0] = 0xeB9F | (1u << 16); /* magic, version 1, flags 0 */
	hdr[1] = 24;		      /* hdr_len */
	hdr[2] = 0;		      /* type_off */
	hdr[3] = n * 4;		      /* type_len */
	hdr[4] = n * 4;		      /* str_off */
	hdr[5] = str_len;
	memcpy(buf, hdr, sizeof(hdr));
	memcpy(buf + 24, t, n * 4);
	memcpy(buf + 24 + n * 4, strs, str_len);
	return 24 + n * 4 + str_len;
}

static void test_surroundings(void)
{
	static const struct sp p[] = {{"r", NULL, 0, 100, "true"}};
	uint8_t ba[512], bb[512];
	struct extra xa = {.release = "6.1.0-18-amd64",
			   .tp_name = {"sched:sched_process_exec", "sched:sched_process_fork"},
			   .tp_text = {tp_exec_a, tp_fork}};
	struct extra xb = {.release = "6.5.0-1-amd64",
			   .tp_name = {"sched:sched_process_exec", "syscalls:sys_enter_execve"},
			   .tp_text = {tp_exec_b, tp_fork}};
	const struct rdiff_surroundings *s;
	struct rdiff *d;
	bool saw_tgid = false, saw_size = false, saw_other = false, saw_pid = false;

	xa.btf = ba;
	xa.btf_len = make_btf(ba, false);
	xb.btf = bb;
	xb.btf_len = make_btf(bb, true);
	write_trace("sur-a.etr", p, 1, 100, &xa);
	write_trace("sur-b.etr", p, 1, 200, &xb);
	write_trace("sur-none.etr", p, 1, 300, NULL);

	d = diff2("sur-a.etr", "sur-a.etr");
	s = rdiff__surroundings(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_FALSE(s->release_changed);
	CU_ASSERT_TRUE(s->tp_compared);
	CU_ASSERT_EQUAL(s->ntp, 0);
	CU_ASSERT_EQUAL(s->nbtf, 0);
	rdiff__free(d);

	d = diff2("sur-a.etr", "sur-b.etr");
	s = rdiff__surroundings(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(s->release_changed);
	CU_ASSERT_STRING_EQUAL(s->base_release, "6.1.0-18-amd64");
	CU_ASSERT_STRING_EQUAL(s->new_release, "6.5.0-1-amd64");
	CU_ASSERT_EQUAL_FATAL(s->ntp, 3);
	for (size_t i = 0; i < s->ntp; i++) {
		const struct rdiff_tp_change *c = &s->tp[i];

		if (!strcmp(c->name, "sched:sched_process_exec")) {
			CU_ASSERT_EQUAL(c->state, 0);
			CU_ASSERT_PTR_NOT_NULL_FATAL(c->lines);
			CU_ASSERT_PTR_NOT_NULL(
			    strstr(c->lines, "- field:pid_t old_pid;\toffset:16"));
			CU_ASSERT_PTR_NOT_NULL(
			    strstr(c->lines, "+ field:pid_t old_pid;\toffset:20"));
			CU_ASSERT_PTR_NOT_NULL(strstr(c->lines, "+ field:u32 flags;"));
			CU_ASSERT_PTR_NULL(strstr(c->lines, "ID:"));
			CU_ASSERT_PTR_NULL(strstr(c->lines, "filename"));
		} else if (!strcmp(c->name, "sched:sched_process_fork")) {
			CU_ASSERT_EQUAL(c->state, -1);
		} else {
			CU_ASSERT_STRING_EQUAL(c->name, "syscalls:sys_enter_execve");
			CU_ASSERT_EQUAL(c->state, 1);
		}
	}
	CU_ASSERT_TRUE(s->btf_compared);
	for (size_t i = 0; i < s->nbtf; i++) {
		const struct rdiff_btf_change *c = &s->btf[i];

		CU_ASSERT_STRING_EQUAL(c->type, "task_struct");
		if (c->member && !strcmp(c->member, "tgid")) {
			saw_tgid = true;
			CU_ASSERT_TRUE(c->read);
			CU_ASSERT_STRING_EQUAL(c->what, "offset 4 -> 12");
		} else if (c->member && !strcmp(c->member, "pid")) {
			saw_pid = true;
			CU_ASSERT_TRUE(c->read);
			CU_ASSERT_STRING_EQUAL(c->what, "type int -> long");
		} else if (!c->member && strstr(c->what, "size")) {
			saw_size = true;
			CU_ASSERT_STRING_EQUAL(c->what, "size 16 -> 24 bytes");
		} else if (!c->member) {
			saw_other = true;
			CU_ASSERT_PTR_NOT_NULL(strstr(c->what, "1 added"));
		}
	}
	CU_ASSERT_TRUE(saw_tgid && saw_size && saw_other && saw_pid);
	CU_ASSERT_EQUAL(s->nbtf, 4);
	rdiff__free(d);

	d = diff2("sur-a.etr", "sur-none.etr");
	s = rdiff__surroundings(d);
	CU_ASSERT_FALSE(s->tp_compared);
	CU_ASSERT_FALSE(s->btf_compared);
	CU_ASSERT_PTR_NOT_NULL(s->tp_reason);
	CU_ASSERT_PTR_NOT_NULL(s->btf_reason);
	rdiff__free(d);

	/* a BTF that does not parse is a reason, not an error */
	xb.btf_len = 30;
	write_trace("sur-bad.etr", p, 1, 400, &xb);
	d = diff2("sur-a.etr", "sur-bad.etr");
	s = rdiff__surroundings(d);
	CU_ASSERT_FALSE(s->btf_compared);
	rdiff__free(d);
}

/* ------------------------------------------------------------------ */
/* cli                                                                 */
/* ------------------------------------------------------------------ */

/* Run execrec diff ARGS... (NULL-terminated) in tmpdir. */
static void run_diff(struct run *r, ...)
{
	char *argv[64], outp[PATH_MAX], errp[PATH_MAX];
	va_list ap;
	int n = 0;

	argv[n++] = (char *)execrec_bin;
	argv[n++] = "diff";
	va_start(ap, r);
	while (n < 63 && (argv[n] = va_arg(ap, char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	path_in(outp, "cli.out");
	path_in(errp, "cli.err");
	r->status = test_run(argv, tmpdir, outp, errp);
	test_slurp(outp, r->out, sizeof(r->out));
	test_slurp(errp, r->err, sizeof(r->err));
}

/* Run "sh -c SCRIPT" in tmpdir, with $EXECREC set: for standard input. */
static void run_sh(struct run *r, const char *script)
{
	char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
	char outp[PATH_MAX], errp[PATH_MAX];

	path_in(outp, "cli.out");
	path_in(errp, "cli.err");
	r->status = test_run(argv, tmpdir, outp, errp);
	test_slurp(outp, r->out, sizeof(r->out));
	test_slurp(errp, r->err, sizeof(r->err));
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_cli_exit(void)
{
	static struct run r;

	run_diff(&r, "base.etr", "base2.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "execrec diff: 0 changes"));
	CU_ASSERT_STRING_EQUAL(r.err, "");

	run_diff(&r, "--fail-on=new,gone,fails,slower,count", "base.etr", "base2.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "passed"));

	run_diff(&r, "base.etr", "new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 0); /* no --fail-on: a report, not a verdict */
	run_diff(&r, "--fail-on=new,gone,fails,slower,count", "base.etr", "new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "FAILED"));
	run_diff(&r, "--fail-on", "passes", "base.etr", "new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 1);
	run_diff(&r, "-q", "--fail-on=count", "base.etr", "new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	/* a class with no change does not fail */
	run_diff(&r, "--fail-on=new", "ord-base.etr", "ord-base.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 0);

	/* errors: 2, one line naming the culprit */
	run_diff(&r, "--fail-on=newer", "base.etr", "new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_EQUAL(lines(r.err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "newer"));
	run_diff(&r, "--threshold", "0.5", "base.etr", "new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_EQUAL(lines(r.err), 1);
	run_diff(&r, "--ignore", "(unclosed", "base.etr", "new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_EQUAL(lines(r.err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "(unclosed"));
	run_diff(&r, "--map", "nonsense", "base.etr", "new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	run_diff(&r, "--bogus", "base.etr", "new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_EQUAL(lines(r.err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--bogus"));
	run_diff(&r, "-x", "base.etr", "new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_EQUAL(lines(r.err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "'-x'"));
	run_diff(&r, "base.etr", "new.etr", "--fail-on", NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_EQUAL(lines(r.err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "option '--fail-on' needs a value"));
	run_diff(&r, "base.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "two traces needed"));
	run_diff(&r, "base.etr", "missing.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_EQUAL(lines(r.err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "missing.etr"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "No such file"));
	run_diff(&r, "--fail-on=new", "cli.err", "base.etr", NULL); /* not a trace */
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_EQUAL(lines(r.err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "cli.err"));
	run_diff(&r, "--help", NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "--fail-on"));
}

/* "-" is standard input, a pipe read once as it streams, on either side;
 * the same report as from the file. Twice is refused in one line. */
static void test_cli_stdin(void)
{
	static struct run want, r;

	CU_ASSERT_EQUAL_FATAL(setenv("EXECREC", execrec_bin, 1), 0);
	run_diff(&want, "base.etr", "new.etr", NULL);
	CU_ASSERT_EQUAL(want.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(want.out, "changes"));

	run_sh(&r, "cat base.etr | \"$EXECREC\" diff - new.etr");
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_STRING_EQUAL(r.err, "");
	/* the name differs: "(standard input)" for base.etr */
	CU_ASSERT_EQUAL(lines(r.out), lines(want.out));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "(standard input)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "new.etr"));

	run_sh(&r, "cat new.etr | \"$EXECREC\" diff base.etr -");
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_STRING_EQUAL(r.err, "");
	CU_ASSERT_EQUAL(lines(r.out), lines(want.out));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "(standard input)"));

	/* the same changes, whichever side streams */
	run_sh(&r, "cat new.etr | \"$EXECREC\" diff --json base.etr - | "
		   "sed 's/(standard input)/new.etr/g'");
	run_diff(&want, "--json", "base.etr", "new.etr", NULL);
	CU_ASSERT_STRING_EQUAL(r.out, want.out);

	run_sh(&r, "cat base.etr | \"$EXECREC\" diff - -");
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_EQUAL(lines(r.err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "'-' given twice"));
	CU_ASSERT_STRING_EQUAL(r.out, "");
}

/* A recording's length is the same in diff as in report: from its start
 * (the first clock anchor, written before any event) to END. */
static void test_wall_from_start(void)
{
	char path[PATH_MAX], err[512];
	const struct etr_event *ev;
	struct rp_trace *t;
	struct rdiff *d;
	uint64_t start, end;

	if (!fixtures)
		return;
	snprintf(path, sizeof(path), "%s/real-command.etr", fixtures);
	t = rp_trace__open(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	while (rp_trace__next_event(t, &ev) > 0)
		;
	CU_ASSERT_PTR_NOT_NULL_FATAL(rp_trace__end(t));
	start = rp_trace__start_ns(t);
	end = rp_trace__end(t)->ts_ns;
	/* the case this is about: the recording began before its first event */
	CU_ASSERT(start < rp_trace__first_ns(t));
	rp_trace__free(t);

	d = rdiff__new(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL_FATAL(rdiff__add_base(d, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(rdiff__set_new(d, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(rdiff__compute(d), 0);
	CU_ASSERT_EQUAL(rdiff__side_wall_ns(d, 0), end - start);
	rdiff__free(d);
}

static void test_cli_fixtures(void)
{
	static struct run r;
	char a[PATH_MAX], b[PATH_MAX];

	if (!fixtures)
		return;
	snprintf(a, sizeof(a), "%s/basic.etr", fixtures);
	run_diff(&r, "--fail-on=all", a, a, NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_STRING_EQUAL(r.err, "");
	/* damaged but readable: compared, one warning */
	snprintf(b, sizeof(b), "%s/truncated.etr", fixtures);
	run_diff(&r, a, b, NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(lines(r.err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "warning"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "truncated.etr"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "execrec diff:"));
	snprintf(b, sizeof(b), "%s/bitflip.etr", fixtures);
	run_diff(&r, a, b, NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "bitflip.etr"));
	/* unreadable: an error */
	snprintf(b, sizeof(b), "%s/notatrace.etr", fixtures);
	run_diff(&r, a, b, NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_EQUAL(lines(r.err), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "not an execrec trace"));
	snprintf(b, sizeof(b), "%s/future.etr", fixtures);
	run_diff(&r, a, b, NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_EQUAL(lines(r.err), 1);
}

/* Whether python3 says the file is JSON (true when there is no python3). */
static bool json_valid(const char *path)
{
	char cmd[PATH_MAX + 128];
	int st;

	if (system("command -v python3 >/dev/null 2>&1"))
		return true;
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' '%s'", path);
	st = system(cmd);
	return st == 0;
}

static void test_cli_formats(void)
{
	static struct run r;
	char p[PATH_MAX];

	run_diff(&r, "--json", "--fail-on=new", "base.etr", "new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 1);
	path_in(p, "cli.out");
	CU_ASSERT(json_valid(p));
	CU_ASSERT_EQUAL(r.out[0], '{');
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out,
				      "\"summary\":{\"new\":1,\"gone\":1,\"fails\":1,"
				      "\"passes\":1,\"slower\":1,\"faster\":1,\"count\":1}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"failed\":true"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"class\":\"count\""));
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(r.out, "{\"program\":\"helper\",\"new\":4,\"base_min\":2,\"base_max\":2}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"argv\":[\"new-step\"]"));

	run_diff(&r, "--json", "--explain", "sur-a.etr", "sur-b.etr", NULL);
	CU_ASSERT(json_valid(p));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"kernel_release\":{\"base\":\"6.1.0-18-amd64\""));

	run_diff(&r, "--markdown", "base.etr", "new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "### execrec diff: 7 changes"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "| NOW-FAILS | 1 |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "#### COUNT (1)"));

	run_diff(&r, "--explain", "--no-color", "base.etr", "new.etr", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "key: new-step"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "under: sh ci.sh"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "starts at: ./t1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "ran 2 times, now 4"));
	CU_ASSERT_PTR_NULL(strstr(r.out, "\033["));

	/* several baselines on the command line */
	run_diff(&r, "--base", "mb-b1.etr", "--base", "mb-b2.etr", "--fail-on=slower", "mb-n1.etr",
		 NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	run_diff(&r, "--base", "mb-b1.etr", "--base", "mb-b2.etr", "--fail-on=slower", "mb-n2.etr",
		 NULL);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "BASE2"));
	run_diff(&r, "--base", "mb-b1.etr", "mb-b2.etr", "mb-n2.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 2);

	/* --map and --ignore from the command line */
	run_diff(&r, "--fail-on=all", "--map", "/home/ci/build-41=/home/ci/build-42", "--ignore",
		 "^date ", "map-base.etr", "map-new.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 0);
}

/* ------------------------------------------------------------------ */
/* recorded                                                            */
/* ------------------------------------------------------------------ */

/*
 * The workload: a compile (cc and its helpers write /tmp/ccXXXXXX files),
 * a mktemp folder, its own pid and a timestamp and a random hash in
 * arguments, a loop, a pipeline. WL_MODE=changed adds a command, makes one
 * fail and one slow, without changing any command line: the environment
 * is not part of the recording.
 */
static const char workload[] = "#!/bin/sh\n"
			       "work=$(mktemp -d /tmp/er-wl.XXXXXX)\n"
			       "cd \"$work\"\n"
			       "printf 'int main(void) { return 0; }\\n' > x.c\n"
			       "if command -v cc >/dev/null; then cc -c x.c -o \"$work/x.o\"; fi\n"
			       "touch \"$work/pid.$$\"\n"
			       "touch \"$work/ts.$(date +%s%N)\"\n"
			       "ls \"$work\" | sort > /dev/null\n"
			       "for i in 1 2 3; do sh -c 'echo \"$1\" > out' step \"$i\"; done\n"
			       "if [ \"$WL_MODE\" = changed ]; then touch \"$work/added\"; fi\n"
			       "sh -c '[ \"$WL_MODE\" != changed ]'\n"
			       "perl -e 'select(undef, undef, undef, $ENV{WL_DELAY})'\n"
			       "sleep 3\n"
			       "cd /\n"
			       "rm -rf \"$work\"\n"
			       "exit 0\n";

static bool bpf_ok;
static char rec_err[1024]; /* what the last failed execrec record said */

/*
 * Timing of real runs on a shared 2-core machine: a 100 ms compile may
 * take 300 ms the next time. The recorded tests judge time with a floor
 * of 250 ms (the slowed command gains ~850 ms) and the default ratio; the
 * synthetic suites test the default thresholds exactly.
 */
static const struct rdiff_opts rec_opts = {.sz = sizeof(rec_opts), .min_delta_ns = 250 * MS};

static struct rdiff *diff_rec(const char *base, const char *new_name)
{
	return diff_of((const char *const[]){base, NULL}, new_name, &rec_opts, NULL, NULL);
}
static char bpf_why[1024];

static int record(const char *name, bool changed)
{
	char out[PATH_MAX], script[PATH_MAX], errp[PATH_MAX];
	char *argv[] = {"env",
			changed ? "WL_MODE=changed" : "WL_MODE=base",
			changed ? "WL_DELAY=0.9" : "WL_DELAY=0.05",
			(char *)execrec_bin,
			"record",
			"-q",
			"-f",
			"-o",
			out,
			"--",
			"/bin/sh",
			script,
			NULL};

	path_in(out, name);
	path_in(script, "workload.sh");
	path_in(errp, "record.err");
	if (test_run(argv, NULL, NULL, errp)) {
		test_slurp(errp, rec_err, sizeof(rec_err));
		return -1;
	}
	return 0;
}

/* BPF works (bpf.h), and so does the workload. */
static bool bpf_works(char *why, size_t len)
{
	char script[PATH_MAX];
	FILE *f;

	if (!test_bpf__works(execrec_bin, tmpdir, why, len))
		return false;
	path_in(script, "workload.sh");
	f = fopen(script, "w");
	if (!f || fputs(workload, f) < 0 || fclose(f)) {
		snprintf(why, len, "cannot write the workload script");
		return false;
	}
	if (system("command -v perl >/dev/null 2>&1")) {
		snprintf(why, len, "the workload needs perl");
		return false;
	}
	/* also warms the caches: a cold first compile would be SLOWER */
	if (record("rec-warm.etr", false)) {
		char *nl = strchr(rec_err, '\n');

		if (nl)
			*nl = '\0';
		snprintf(why, len, "%s", rec_err[0] ? rec_err : "execrec record failed");
		return false;
	}
	return true;
}

static void test_recorded_same(void)
{
	static const size_t none[RDIFF_CLASS__NR] = {0};
	struct rdiff *d;
	bool ok = false;

	/* the same workload again: other pids, temporary names, timings.
	 * Timing alone may differ on a loaded machine: one more try then */
	for (int attempt = 0; attempt < 2 && !ok; attempt++) {
		CU_ASSERT_EQUAL_FATAL(record("rec-a.etr", false), 0);
		CU_ASSERT_EQUAL_FATAL(record("rec-b.etr", false), 0);
		d = diff_rec("rec-a.etr", "rec-b.etr");
		ok = rdiff__entry_count(d) == 0;
		if (!ok &&
		    (rdiff__class_count(d, RDIFF_SLOWER) + rdiff__class_count(d, RDIFF_FASTER) !=
			 rdiff__entry_count(d) ||
		     attempt == 1))
			CU_ASSERT(counts_are(d, none));
		CU_ASSERT(rdiff__side_procs(d, 0) >= 15);
		CU_ASSERT_EQUAL(rdiff__side_procs(d, 0), rdiff__side_procs(d, 1));
		rdiff__free(d);
		if (!ok && attempt == 0)
			fprintf(stderr, "recorded: timing differences only, recording again\n");
	}
}

static void test_recorded_changed(void)
{
	static const size_t want[RDIFF_CLASS__NR] = {
	    [RDIFF_NEW] = 1,
	    [RDIFF_NOW_FAILS] = 1,
	    [RDIFF_SLOWER] = 1,
	};
	struct rdiff *d = NULL;
	const struct rdiff_entry *e;
	static struct run r;

	for (int attempt = 0; attempt < 2; attempt++) {
		size_t timing = 0;

		rdiff__free(d);
		CU_ASSERT_EQUAL_FATAL(record("rec-c.etr", true), 0);
		d = diff_rec("rec-a.etr", "rec-c.etr");
		/* timing noise on other commands: one more try */
		for (size_t i = 0; i < rdiff__entry_count(d); i++) {
			e = rdiff__entry(d, i);
			if ((e->cls == RDIFF_SLOWER || e->cls == RDIFF_FASTER) &&
			    !strstr(rdiff__key_str(d, 0, e->proc.idx), "perl"))
				timing++;
		}
		if (!timing || attempt == 1)
			break;
		fprintf(stderr, "recorded: timing differences, recording again\n");
	}
	CU_ASSERT(counts_are(d, want));
	e = find(d, RDIFF_NEW, "touch /tmp/er-wl.XXXXXX/added");
	CU_ASSERT_PTR_NOT_NULL(e);
	e = find(d, RDIFF_NOW_FAILS, "!= changed");
	CU_ASSERT_PTR_NOT_NULL(e);
	if (e)
		CU_ASSERT_EQUAL(e->processes, 1);
	e = find(d, RDIFF_SLOWER, "perl");
	CU_ASSERT_PTR_NOT_NULL(e);
	rdiff__free(d);

	run_diff(&r, "--fail-on=new,gone,fails,slower,count", "rec-a.etr", "rec-c.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 1);
	run_diff(&r, "--fail-on=gone,count", "--min-delta=250ms", "rec-a.etr", "rec-c.etr", NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	/* the surroundings of one machine: the same */
	run_diff(&r, "rec-a.etr", "rec-c.etr", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "(same)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "tracepoints: formats unchanged"));
}

/* ------------------------------------------------------------------ */

static void cleanup_tmp(void)
{
	test_rm_rf(tmpdir);
}

int main(void)
{
	/* CI's EXECREC_REQUIRE_BPF=1 wins: the recorded suite is never left out there */
	bool skip_bpf = getenv("EXECREC_SKIP_RECORDED") != NULL && !test_bpf__required();
	CU_pSuite s;
	unsigned fails;

	execrec_bin = getenv("EXECREC");
	fixtures = getenv("FIXTURES");
	if (!execrec_bin) {
		fprintf(stderr, "EXECREC must name the execrec binary\n");
		return 1;
	}
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	chmod(tmpdir, 0755);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;

	s = CU_add_suite("norm", NULL, NULL);
	CU_add_test(s, "rules", test_norm);
	CU_add_test(s, "--map", test_map);

	s = CU_add_suite("classes", NULL, NULL);
	CU_add_test(s, "write the scenarios", write_scenarios);
	CU_add_test(s, "the same run twice: nothing", test_same_run);
	CU_add_test(s, "one change of every class: exactly those", test_every_class);
	CU_add_test(s, "signal, failed exec", test_fail_kinds);
	CU_add_test(s, "ordinals, a new wrapper", test_ordinals_and_wrappers);
	CU_add_test(s, "runs per program", test_program_runs);
	CU_add_test(s, "3000 deep, and empty traces", test_deep_and_empty);

	s = CU_add_suite("options", NULL, NULL);
	CU_add_test(s, "--map, --ignore", test_map_ignore);
	CU_add_test(s, "--threshold, min delta", test_threshold);
	CU_add_test(s, "several baselines", test_baselines);

	s = CU_add_suite("surround", NULL, NULL);
	CU_add_test(s, "kernel, tracepoints, BTF", test_surroundings);

	s = CU_add_suite("cli", NULL, NULL);
	CU_add_test(s, "exit status and errors", test_cli_exit);
	CU_add_test(s, "fixtures: damaged, foreign", test_cli_fixtures);
	CU_add_test(s, "- is standard input, once", test_cli_stdin);
	CU_add_test(s, "a recording's length: start to END, as report", test_wall_from_start);
	CU_add_test(s, "JSON, Markdown, --explain, --base", test_cli_formats);

	if (skip_bpf) {
		printf("diff: recorded suite left out (EXECREC_SKIP_RECORDED)\n");
	} else if ((bpf_ok = bpf_works(bpf_why, sizeof(bpf_why)))) {
		s = CU_add_suite("recorded", NULL, NULL);
		CU_add_test(s, "the same workload twice: nothing", test_recorded_same);
		CU_add_test(s, "added, failing, slowed: exactly those", test_recorded_changed);
	} else if (test_bpf__required()) {
		fprintf(stderr, "diff: BPF not available: %s\n", bpf_why);
		s = CU_add_suite("recorded", NULL, NULL);
		CU_add_test(s, "BPF available", test_bpf__missing);
	} else {
		printf("diff: recorded suite SKIPPED, BPF not available: %s\n", bpf_why);
	}

	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	if (!fails && !getenv("DIFF_TEST_KEEP"))
		cleanup_tmp();
	else
		fprintf(stderr, "diff: files left in %s\n", tmpdir);
	return fails ? 1 : 0;
}
