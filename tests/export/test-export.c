/* SPDX-License-Identifier: MIT */
/*
 * The exports and the chart: each format of small traces (the analyzer's
 * committed fixtures, a trace of a real build recorded for these tests,
 * synthetic traces with every case that matters) checked for structure;
 * JSON lines and CSV against the analyzer's own --json and --csv; the SVG
 * rendered to a PNG by rsvg-convert and the pixels looked at; a trace of a
 * real C build, recorded here (root and BPF), turned into exactly its
 * compile_commands.json.
 *
 * Environment: EXECREC (the binary), FIXTURES (tests/fixtures),
 * EXPORT_FIXTURES (tests/export). Tests that record skip without root and
 * BPF unless EXECREC_REQUIRE_BPF=1; rendering skips without rsvg-convert
 * unless EXECREC_REQUIRE_BPF=1 (CI, where tools/deps.sh installs it).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "bpf.h"
#include "run.h"
#include "check.h"
#include "export.h"
#include "internal.h"
#include "json.h"
#include "outfile-test.h"
#include "png.h"
#include "synth.h"

static const char *execrec_bin, *fixtures, *export_fixtures;
static char tmpdir[] = "/tmp/er-export-test-XXXXXX";
static bool ci;

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static void path_in(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", tmpdir, name);
}

static bool have_program(const char *name)
{
	char *argv[] = {"sh", "-c", NULL, NULL};
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s", name);
	argv[2] = cmd;
	return test_run(argv, NULL, NULL, "/dev/null") == 0;
}

/* Export @trace with the library into memory. */
static char *export_mem(const char *trace, const struct rx_export_opts *o, size_t *ret_len,
			struct rx_export_stats *ret_stats)
{
	struct rp_trace *t = rp_trace__open(trace, NULL);
	const struct etr_event *ev;
	struct rx_export *x;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int err = 0;

	if (!t)
		return NULL;
	m = open_memstream(&buf, &len);
	x = m ? rx_export__new(t, m, o) : NULL;
	if (!x) {
		if (m)
			fclose(m);
		free(buf);
		rp_trace__free(t);
		return NULL;
	}
	while (!err && (err = rp_trace__next_event(t, &ev)) > 0)
		err = rx_export__add(x, ev);
	if (!err)
		err = rx_export__finish(x);
	if (ret_stats)
		rx_export__stats(x, ret_stats);
	rx_export__free(x);
	rp_trace__free(t);
	fclose(m);
	if (err) {
		free(buf);
		return NULL;
	}
	*ret_len = len;
	return buf;
}

static char *export_fmt(const char *trace, enum rx_format fmt, enum rx_rows rows, size_t *ret_len,
			struct rx_export_stats *ret_stats)
{
	struct rx_export_opts o = {.sz = sizeof(o), .format = fmt, .rows = rows};

	return export_mem(trace, &o, ret_len, ret_stats);
}

/* The processes of a trace as the analyzer counts them (tree --json). */
static size_t count_lines(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

static char *fixture(const char *name)
{
	static char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/%s", fixtures, name);
	return buf;
}

static char *export_fixture(const char *name)
{
	static char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/%s", export_fixtures, name);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Synthetic traces                                                    */
/* ------------------------------------------------------------------ */

#define T0 (500 * SEC)

/* Every case of the model an export must get right, small. */
static void make_cases(const char *path)
{
	static const char nonutf[] = {'\xff', '\xfe', 'x', 0};
	const char *raw_args[] = {"printf", "a b", "", nonutf, "caf\xc3\xa9", "new\nline", NULL};
	const size_t raw_lens[] = {6, 3, 0, 3, 5, 8};
	uint64_t t = T0;

	CU_ASSERT_FATAL(synth_open(path, T0 - 5 * MS) == 0);
	synth_meta("hostname", "testhost");
	synth_meta("kernel.release", "6.1.0-test");
	synth_meta("mode", "command");
	synth_meta("target", "make -j2");
	/* alive before the recording: init and a shell */
	synth_snap(1, 0, 1 * SEC, "systemd", "/usr/lib/systemd/systemd", ARGS("/sbin/init"));
	synth_snap(100, 1, 200 * SEC, "bash", "/usr/bin/bash", ARGS("-bash"));
	/* make, an exec chain: sh -c into make */
	synth_fork(t, 200, 100, "bash");
	synth_exec(t + 1 * MS, 200, 100, t, 0, "/bin/sh", "/src", ARGS("sh", "-c", "make -j2"));
	synth_exec(t + 2 * MS, 200, 100, t, 0, "/usr/bin/make", "/src", ARGS("make", "-j2"));
	/* overlapping children: two compilers at once, one runs cc1 */
	synth_run(t + 10 * MS, 201, 200, "/usr/bin/cc", "/src", ARGS("cc", "-c", "a.c"), 300 * MS,
		  0, 0);
	synth_fork(t + 20 * MS, 202, 200, "make");
	synth_exec(t + 21 * MS, 202, 200, t + 20 * MS, 0, "/usr/bin/cc", "/src",
		   ARGS("cc", "-c", "b.c", "-o", "b.o"));
	synth_run(t + 30 * MS, 203, 202, "/usr/lib/gcc/cc1", "/src", ARGS("cc1", "b.c"), 100 * MS,
		  0, 0);
	synth_exit(t + 250 * MS, 202, 200, t + 20 * MS, "cc", 0, 0);
	/* failed execs, then success; a command not found; a failure */
	synth_fork(t + 320 * MS, 204, 200, "make");
	synth_exec(t + 321 * MS, 204, 200, t + 320 * MS, -2, "/usr/local/bin/ld", "/src",
		   ARGS("ld", "-o", "prog"));
	synth_exec(t + 322 * MS, 204, 200, t + 320 * MS, 0, "/usr/bin/ld", "/src",
		   ARGS("ld", "-o", "prog", "a.o", "b.o"));
	synth_exit(t + 360 * MS, 204, 200, t + 320 * MS, "ld", 0, 0);
	synth_fork(t + 370 * MS, 205, 200, "make");
	synth_exec(t + 371 * MS, 205, 200, t + 370 * MS, -2, "/usr/bin/nosuch", "/src",
		   ARGS("nosuch"));
	synth_exit(t + 372 * MS, 205, 200, t + 370 * MS, "make", 127, 0);
	synth_run(t + 380 * MS, 206, 200, "/bin/false", "/src", ARGS("false"), 2 * MS, 1, 0);
	/* killed; odd bytes in its arguments */
	synth_fork(t + 390 * MS, 207, 200, "make");
	synth_exec_raw(t + 391 * MS, 207, 200, t + 390 * MS, "/usr/bin/printf", "/src/\xff",
		       raw_args, raw_lens);
	synth_exit(t + 395 * MS, 207, 200, t + 390 * MS, "printf", 0, 9);
	/* a recycled pid: 201 again */
	synth_run(t + 400 * MS, 201, 200, "/bin/echo", "/src", ARGS("echo", "again"), 1 * MS, 0, 0);
	/* events lost here */
	synth_lost(t + 410 * MS, ETR_EV_EXEC, 3);
	/* a daemon: its parent exits first, it runs on past the end */
	synth_fork(t + 420 * MS, 208, 200, "make");
	synth_fork(t + 421 * MS, 209, 208, "make");
	synth_exec(t + 422 * MS, 209, 208, t + 421 * MS, 0, "/usr/sbin/daemon", "/",
		   ARGS("daemon"));
	synth_exit(t + 425 * MS, 208, 200, t + 420 * MS, "make", 0, 0);
	synth_exec(t + 430 * MS, 209, 1, t + 421 * MS, 0, "/usr/sbin/daemon", "/",
		   ARGS("daemon", "--foreground"));
	synth_exit(t + 500 * MS, 200, 100, t, "make", 2, 0);
	CU_ASSERT_FATAL(synth_close(t + 600 * MS) == 0);
}

/* What make_cases holds: processes and their tracks. */
#define CASES_PROCS                                                                                \
	13 /* placeholder parent 0 excluded: 1 100 200 201 202 203 204 205                         \
	      206 207 201' 208 209 */

/* ------------------------------------------------------------------ */
/* Unit tests                                                          */
/* ------------------------------------------------------------------ */

static void test_format_names(void)
{
	enum rx_format f;

	CU_ASSERT(rx_format__parse("perfetto", &f) == 0 && f == RX_FMT_PERFETTO);
	CU_ASSERT(rx_format__parse("chrome", &f) == 0 && f == RX_FMT_PERFETTO);
	CU_ASSERT(rx_format__parse("compile-commands", &f) == 0 && f == RX_FMT_COMPILE_COMMANDS);
	CU_ASSERT(rx_format__parse("compile_commands", &f) == 0 && f == RX_FMT_COMPILE_COMMANDS);
	CU_ASSERT(rx_format__parse("dot", &f) == 0 && f == RX_FMT_DOT);
	CU_ASSERT(rx_format__parse("jsonl", &f) == 0 && f == RX_FMT_JSONL);
	CU_ASSERT(rx_format__parse("csv", &f) == 0 && f == RX_FMT_CSV);
	CU_ASSERT(rx_format__parse("xml", &f) == -EINVAL);
	CU_ASSERT(rx_format__parse(NULL, &f) == -EINVAL);
	CU_ASSERT_STRING_EQUAL(rx_format__name(RX_FMT_COMPILE_COMMANDS), "compile-commands");
	CU_ASSERT_PTR_NULL(rx_format__name(0));
	/* constructors refuse bad options; destructors take NULL */
	errno = 0;
	CU_ASSERT_PTR_NULL(rx_export__new(NULL, stdout, NULL));
	CU_ASSERT_EQUAL(errno, EINVAL);
	rx_export__free(NULL);
	rx_chart__free(NULL);
}

static void test_compiler_names(void)
{
	static const char *const yes[] = {
	    "/usr/bin/gcc",
	    "gcc-12",
	    "/usr/bin/g++",
	    "cc",
	    "/usr/bin/c++",
	    "clang",
	    "clang++-16",
	    "clang-14",
	    "x86_64-linux-gnu-gcc-12",
	    "arm-none-eabi-gcc",
	    "aarch64-linux-gnu-g++",
	    "x86_64-w64-mingw32-gcc-posix",
	    "c99",
	    "/opt/cross/bin/mips-linux-gnu-gcc-10.2",
	};
	static const char *const no[] = {
	    "cc1",
	    "cc1plus",
	    "collect2",
	    "ld",
	    "as",
	    "gcc-ar",
	    "gcc-nm",
	    "x86_64-linux-gnu-gcc-ar-12",
	    "clang-tidy",
	    "clang-format-14",
	    "distcc",
	    "ccache",
	    "icc",
	    "cpp",
	    "lto-wrapper",
	    "make",
	    "",
	    "gcc.sh",
	};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		struct etr_str s = {yes[i], (uint32_t)strlen(yes[i])};

		if (!rx_is_compiler(&s))
			fprintf(stderr, "  not taken for a compiler: %s\n", yes[i]);
		CU_ASSERT(rx_is_compiler(&s));
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		struct etr_str s = {no[i], (uint32_t)strlen(no[i])};

		if (rx_is_compiler(&s))
			fprintf(stderr, "  taken for a compiler: %s\n", no[i]);
		CU_ASSERT(!rx_is_compiler(&s));
	}
}

static void test_keys(void)
{
	struct rx_keys k = {0};

	/* the first process of a pid is the pid; a recycled pid differs */
	CU_ASSERT_EQUAL(rx_keys__get(&k, 0, 1234), 1234);
	CU_ASSERT_EQUAL(rx_keys__get(&k, 0, 1234), 1234);
	CU_ASSERT_EQUAL(rx_keys__get(&k, 5, 1234), 1234 + (1u << 22));
	CU_ASSERT_EQUAL(rx_keys__get(&k, 7, 1234), 1234 + 2 * (1u << 22));
	CU_ASSERT_EQUAL(rx_keys__get(&k, 6, 99), 99);
	/* pid 0 never gets the key 0, which means "none" */
	CU_ASSERT_NOT_EQUAL(rx_keys__get(&k, 8, 0), 0);
	for (uint32_t i = 0; i < 5000; i++)
		CU_ASSERT_NOT_EQUAL(rx_keys__get(&k, 100 + i, 7), 0);
	CU_ASSERT(rx_keys__get(&k, 5099, 7) >= 0x80000000u); /* past 512 reuses */
	rx_keys__release(&k);
}

static void test_text_quoting(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	rx_fput_text(m, "a<b&\"c'\xff\n\xc3\xa9", 11, RX_Q_XML);
	fputc('|', m);
	rx_fput_text(m, "q\"b\\\xfe", 5, RX_Q_DOT);
	fclose(m);
	CU_ASSERT_STRING_EQUAL(buf, "a&lt;b&amp;&quot;c&#39;\\xff\\x0a\xc3\xa9|q\\\"b\\\\\\\\xfe");
	free(buf);
}

/* ------------------------------------------------------------------ */
/* Perfetto                                                            */
/* ------------------------------------------------------------------ */

static void perfetto_of(const char *trace, struct pf_summary *sum, size_t *procs)
{
	struct rx_export_stats st;
	size_t len = 0;
	char *out = export_fmt(trace, RX_FMT_PERFETTO, 0, &len, &st);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	if (check_perfetto(out, len, sum))
		fprintf(stderr, "  in the Perfetto export of %s\n", trace);
	CU_ASSERT_EQUAL(check_perfetto(out, len, sum), 0);
	CU_ASSERT_EQUAL(sum->tracks, st.processes);
	*procs = st.processes;
	free(out);
}

static void test_perfetto_cases(void)
{
	char path[PATH_MAX];
	struct pf_summary s;
	size_t procs;

	path_in(path, "cases.etr");
	make_cases(path);
	perfetto_of(path, &s, &procs);
	CU_ASSERT_EQUAL(s.tracks, CASES_PROCS);
	/* execs: 1 snap + sh, make, 2 cc, cc1, ld, false, printf, echo, 2 daemon,
	 * bash's snapshot program */
	CU_ASSERT(s.execs >= 12);
	/* nosuch; ld's failure was its $PATH search, left out */
	CU_ASSERT_EQUAL(s.fails, 1);
	CU_ASSERT_EQUAL(s.lost, 1);
	/* every forked child has an arrow from its parent */
	CU_ASSERT_EQUAL(s.flows, 11);
	CU_ASSERT(s.nested >= 10);
}

static void test_perfetto_fixtures(void)
{
	static const char *const names[] = {"basic.etr", "lossy.etr", "truncated.etr",
					    "bitflip.etr"};
	struct pf_summary s;
	size_t procs;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		perfetto_of(fixture(names[i]), &s, &procs);
		CU_ASSERT(s.tracks > 3);
	}
	perfetto_of(export_fixture("export-build.etr"), &s, &procs);
	CU_ASSERT(s.tracks >= 10);
	CU_ASSERT(s.fails >= 1);
	CU_ASSERT(s.flows >= 8);
}

/* The args of the killed printf: argv bytes exact, through the
 * surrogate escapes. */
static void test_perfetto_args(void)
{
	char path[PATH_MAX];
	size_t len = 0;
	char *out;
	struct jval *doc;
	const struct jval *evs;
	bool found = false;

	path_in(path, "cases.etr");
	out = export_fmt(path, RX_FMT_PERFETTO, 0, &len, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	doc = json_parse(out, len, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	evs = json_get(doc, "traceEvents");
	for (size_t i = 0; evs && i < evs->n; i++) {
		const struct jval *e = &evs->items[i], *args = json_get(e, "args"), *argv;

		if (strcmp(json_str(e, "ph"), "X") || strcmp(json_str(e, "cat"), "process") ||
		    json_num(args, "pid", 0) != 207)
			continue;
		found = true;
		CU_ASSERT_STRING_EQUAL(json_str(args, "status"), "SIGKILL");
		CU_ASSERT_STRING_EQUAL(json_str(args, "outcome"), "killed");
		CU_ASSERT_STRING_EQUAL(json_str(e, "name"), "printf");
		argv = json_get(args, "argv");
		CU_ASSERT_FATAL(argv && argv->type == J_ARR && argv->n == 6);
		CU_ASSERT(argv->items[2].len == 0);
		CU_ASSERT(argv->items[3].len == 3 && !memcmp(argv->items[3].str, "\xff\xfex", 3));
		CU_ASSERT_STRING_EQUAL(argv->items[4].str, "caf\xc3\xa9");
		CU_ASSERT_STRING_EQUAL(argv->items[5].str, "new\nline");
		CU_ASSERT_STRING_EQUAL(json_str(args, "cwd"), "/src/\xff");
		/* a recycled pid is a track of its own: 201 twice */
	}
	CU_ASSERT(found);
	{
		size_t n201 = 0;

		for (size_t i = 0; evs && i < evs->n; i++) {
			const struct jval *e = &evs->items[i];

			if (!strcmp(json_str(e, "ph"), "X") &&
			    !strcmp(json_str(e, "cat"), "process") &&
			    json_num(json_get(e, "args"), "pid", 0) == 201) {
				n201++;
				CU_ASSERT(json_num(e, "tid", 0) == 201 ||
					  json_num(e, "tid", 0) == 201 + (1 << 22));
			}
		}
		CU_ASSERT_EQUAL(n201, 2);
	}
	/* the snapshot's init is drawn from the recording's start */
	for (size_t i = 0; evs && i < evs->n; i++) {
		const struct jval *e = &evs->items[i], *args = json_get(e, "args");

		if (!strcmp(json_str(e, "ph"), "X") && !strcmp(json_str(e, "cat"), "process") &&
		    json_num(args, "pid", 0) == 1) {
			CU_ASSERT(json_num(e, "ts", 0) >= (T0 - 5 * MS) / 1000.0);
			CU_ASSERT(json_get(args, "started_before_recording") != NULL);
			CU_ASSERT_STRING_EQUAL(json_str(args, "status"), "running");
		}
	}
	CU_ASSERT_STRING_EQUAL(json_str(json_get(doc, "metadata"), "trace.hostname"), "testhost");
	json_free(doc);
	free(out);
}

/* Perfetto through the command, with a filter: one subtree. */
static void test_perfetto_cli_subtree(void)
{
	char path[PATH_MAX], out[PATH_MAX];
	char *argv[] = {(char *)execrec_bin, "export", "--subtree", "202", path, "-o", out, NULL};
	struct pf_summary s;
	size_t len;
	char *text;

	path_in(path, "cases.etr");
	path_in(out, "sub.json");
	CU_ASSERT_EQUAL_FATAL(test_run(argv, NULL, NULL, NULL), 0);
	text = test_slurp_all(out, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(check_perfetto(text, len, &s), 0);
	CU_ASSERT_EQUAL(s.tracks, 2); /* cc 202 and its cc1 */
	CU_ASSERT_EQUAL(s.flows, 1);
	free(text);
}

/* ------------------------------------------------------------------ */
/* JSON lines and CSV: the analyzer's schema                           */
/* ------------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lines of a text, sorted (modifies @text). */
static char **sorted_lines(char *text, size_t len, size_t *ret_n)
{
	size_t n = count_lines(text, len), k = 0;
	char **l = calloc(n + 1, sizeof(*l));

	for (char *p = text; l && *p && k < n;) {
		char *nl = strchr(p, '\n');

		l[k++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	if (l)
		qsort(l, k, sizeof(*l), cmp_str);
	*ret_n = k;
	return l;
}

/* Export rows of @trace and compare with the analyzer's command output. */
static void rows_match_analyzer(const char *trace, bool csv)
{
	char tl[PATH_MAX], tr[PATH_MAX];
	char *targv[] = {(char *)execrec_bin, "timeline", csv ? "--csv" : "--json", (char *)trace,
			 NULL};
	char *rargv[] = {(char *)execrec_bin, "tree", csv ? "--csv" : "--json", (char *)trace,
			 NULL};
	struct rows_summary rs;
	size_t elen, plen, alen, tlen, trlen, na, nb;
	char *ev, *pr, *all, *want_ev, *want_pr, **la, **lb;
	enum rx_format fmt = csv ? RX_FMT_CSV : RX_FMT_JSONL;

	path_in(tl, "timeline.out");
	path_in(tr, "tree.out");
	CU_ASSERT_EQUAL_FATAL(test_run(targv, NULL, tl, "/dev/null"), 0);
	CU_ASSERT_EQUAL_FATAL(test_run(rargv, NULL, tr, "/dev/null"), 0);
	want_ev = test_slurp_all(tl, &tlen);
	want_pr = test_slurp_all(tr, &trlen);
	ev = export_fmt(trace, fmt, RX_ROWS_EVENTS, &elen, NULL);
	pr = export_fmt(trace, fmt, RX_ROWS_PROCESSES, &plen, NULL);
	all = export_fmt(trace, fmt, RX_ROWS_ALL, &alen, NULL);
	CU_ASSERT_FATAL(want_ev && want_pr && ev && pr && all);

	/* events: byte for byte what timeline writes */
	CU_ASSERT(elen == tlen && !memcmp(ev, want_ev, elen));
	if (elen != tlen || memcmp(ev, want_ev, elen))
		fprintf(stderr, "  %s: event rows differ from timeline's\n", trace);
	/* processes: the rows tree writes, in the order they ended */
	la = sorted_lines(pr, plen, &na);
	lb = sorted_lines(want_pr, trlen, &nb);
	CU_ASSERT_EQUAL(na, nb);
	for (size_t i = 0; i < na && i < nb; i++) {
		if (strcmp(la[i], lb[i])) {
			fprintf(stderr, "  %s: process row differs:\n  %s\n  %s\n", trace, la[i],
				lb[i]);
			CU_FAIL("a process row differs from tree's");
			break;
		}
	}
	free(la);
	free(lb);
	/* both kinds together, and well-formed */
	CU_ASSERT_EQUAL(csv ? check_csv(all, alen, &rs) : check_jsonl(all, alen, &rs), 0);
	CU_ASSERT_EQUAL(rs.processes, nb - (csv ? 1 : 0));
	CU_ASSERT_EQUAL(rs.events, count_lines(want_ev, tlen) - (csv ? 1 : 0));
	free(ev);
	free(pr);
	free(all);
	free(want_ev);
	free(want_pr);
}

static void test_jsonl_schema(void)
{
	char path[PATH_MAX];

	path_in(path, "cases.etr");
	rows_match_analyzer(path, false);
	rows_match_analyzer(fixture("basic.etr"), false);
	rows_match_analyzer(fixture("lossy.etr"), false);
	rows_match_analyzer(export_fixture("export-build.etr"), false);
}

static void test_csv_schema(void)
{
	char path[PATH_MAX];

	path_in(path, "cases.etr");
	rows_match_analyzer(path, true);
	rows_match_analyzer(fixture("basic.etr"), true);
	rows_match_analyzer(export_fixture("export-build.etr"), true);
}

/* The README's DuckDB example, when DuckDB is there; the schema checks
 * above stand in for it otherwise. */
static void test_duckdb_example(void)
{
	char jl[PATH_MAX], cv[PATH_MAX], out[PATH_MAX], q[2 * PATH_MAX + 512];
	char *argv[] = {"duckdb", "-csv", "-c", q, NULL};
	char *xa[] = {(char *)execrec_bin,
		      "export",
		      (char *)export_fixture("export-build.etr"),
		      "-o",
		      jl,
		      NULL};
	char *xb[] = {(char *)execrec_bin,
		      "export",
		      (char *)export_fixture("export-build.etr"),
		      "-o",
		      cv,
		      NULL};
	size_t len;
	char *text;

	if (!have_program("duckdb")) {
		printf("\n  duckdb not installed: the CSV and JSON lines schema checks stand in "
		       "for the example query ");
		return;
	}
	path_in(jl, "build.jsonl");
	path_in(cv, "build.csv");
	path_in(out, "duck.out");
	CU_ASSERT_EQUAL_FATAL(test_run(xa, NULL, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(test_run(xb, NULL, NULL, NULL), 0);
	snprintf(q, sizeof(q),
		 "SELECT comm, count(*) AS runs, sum(duration_ns) / 1e6 AS total_ms "
		 "FROM read_json_auto('%s') WHERE event = 'process' GROUP BY comm "
		 "ORDER BY total_ms DESC LIMIT 5; "
		 "SELECT count(*) AS failed FROM read_csv_auto('%s') "
		 "WHERE event = 'process' AND (exit_code <> 0 OR signal <> 0);",
		 jl, cv);
	CU_ASSERT_EQUAL(test_run(argv, NULL, out, NULL), 0);
	text = test_slurp_all(out, &len);
	CU_ASSERT(text && strstr(text, "comm,runs,total_ms") && strstr(text, "cc"));
	free(text);
}

/* ------------------------------------------------------------------ */
/* dot                                                                 */
/* ------------------------------------------------------------------ */

static void test_dot(void)
{
	char path[PATH_MAX], dotf[PATH_MAX], svg[PATH_MAX];
	char *dargv[] = {"dot", "-Tsvg", "-o", svg, dotf, NULL};
	struct rx_export_stats st;
	size_t len, nodes, edges, xl, el;
	char *out, *x;
	FILE *f;

	path_in(path, "cases.etr");
	out = export_fmt(path, RX_FMT_DOT, 0, &len, &st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_EQUAL(check_dot(out, len, &nodes, &edges), 0);
	/* a node per process, the parent (not recorded) of bash's init too;
	 * an edge per process with a parent */
	CU_ASSERT_EQUAL(st.processes, CASES_PROCS);
	CU_ASSERT_EQUAL(nodes, CASES_PROCS);
	CU_ASSERT_EQUAL(edges, CASES_PROCS - 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "p207 [label=\"printf 'a b' '' $'\\\\xff\\\\xfex'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "SIGKILL"));
	/* Graphviz itself reads it, when it is installed */
	path_in(dotf, "cases.dot");
	path_in(svg, "cases-dot.svg");
	f = fopen(dotf, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fwrite(out, 1, len, f);
	fclose(f);
	if (have_program("dot")) {
		CU_ASSERT_EQUAL(test_run(dargv, NULL, NULL, NULL), 0);
		x = test_slurp_all(svg, &xl);
		CU_ASSERT(x && check_xml(x, xl, &el) == 0 && strstr(x, "printf"));
		free(x);
	} else {
		printf("\n  dot not installed: structure checked only ");
	}
	free(out);

	/* the fixtures too, and a filter that leaves parents out */
	out = export_fmt(fixture("basic.etr"), RX_FMT_DOT, 0, &len, &st);
	CU_ASSERT(out && check_dot(out, len, &nodes, &edges) == 0 && nodes > 10);
	free(out);
	{
		struct rp_filter *flt = rp_filter__new();
		char err[256];
		struct rx_export_opts o = {.sz = sizeof(o), .format = RX_FMT_DOT, .filter = flt};

		CU_ASSERT_FATAL(flt && rp_filter__set(flt, "comm", "cc*", err, sizeof(err)) == 0);
		out = export_mem(path, &o, &len, &st);
		CU_ASSERT(out && check_dot(out, len, &nodes, &edges) == 0);
		/* cc 201, cc 202, cc1 203, and the parents not shown: make, cc */
		CU_ASSERT_EQUAL(st.processes, 3);
		CU_ASSERT_EQUAL(edges, 3);
		CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "not shown") : NULL);
		free(out);
		rp_filter__free(flt);
	}
}

/* ------------------------------------------------------------------ */
/* compile_commands.json                                               */
/* ------------------------------------------------------------------ */

struct entry {
	const char *file, *output, *dir, *arg0;
	size_t nargs;
};

static size_t read_compdb(const char *text, size_t len, struct entry *e, size_t max,
			  struct jval **ret_doc)
{
	struct jval *doc = json_parse(text, len, NULL);
	size_t n = 0;

	*ret_doc = doc;
	CU_ASSERT_FATAL(doc && doc->type == J_ARR);
	for (size_t i = 0; i < doc->n && n < max; i++) {
		const struct jval *o = &doc->items[i], *a = json_get(o, "arguments");

		CU_ASSERT(o->type == J_OBJ && json_str(o, "directory") && json_str(o, "file") &&
			  a && a->type == J_ARR);
		if (!a || a->type != J_ARR || !a->n)
			continue;
		e[n++] = (struct entry){json_str(o, "file"), json_str(o, "output"),
					json_str(o, "directory"), a->items[0].str, a->n};
	}
	return n;
}

static const struct entry *find_entry(const struct entry *e, size_t n, const char *file)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(e[i].file, file))
			return &e[i];
	return NULL;
}

static void test_compdb_synthetic(void)
{
	char path[PATH_MAX];
	struct rx_export_stats st;
	struct entry e[32];
	const struct entry *x;
	struct jval *doc;
	uint64_t t = T0;
	size_t len, n;
	char *out;

	path_in(path, "compile.etr");
	CU_ASSERT_FATAL(synth_open(path, t) == 0);
	synth_fork(t, 300, 1, "make");
	synth_exec(t + 1 * MS, 300, 1, t, 0, "/usr/bin/make", "/p", ARGS("make"));
	/* plain, with -o, with includes taking a value */
	synth_run(t + 10 * MS, 301, 300, "/usr/bin/gcc", "/p",
		  ARGS("gcc", "-I", "inc", "-DX=1", "-c", "src/a.c"), 10 * MS, 0, 0);
	synth_run(t + 30 * MS, 302, 300, "/usr/bin/cc", "/p",
		  ARGS("cc", "-c", "-o", "out/b.o", "-include", "conf.h", "./b.c"), 10 * MS, 0, 0);
	/* compile and link two files: two entries, a.out */
	synth_run(t + 50 * MS, 303, 300, "/usr/bin/clang", "/p/sub", ARGS("clang", "m1.c", "m2.c"),
		  10 * MS, 0, 0);
	/* C++, cross, versioned; a language forced with -x */
	synth_run(t + 70 * MS, 304, 300, "/usr/bin/clang++-16", "/p",
		  ARGS("clang++", "-c", "z.cpp", "-o", "z.o"), 10 * MS, 0, 0);
	synth_run(t + 90 * MS, 305, 300, "/opt/x/bin/arm-none-eabi-gcc-12", "/p",
		  ARGS("arm-none-eabi-gcc", "-mthumb", "-c", "fw.c"), 10 * MS, 1, 0);
	synth_run(t + 110 * MS, 306, 300, "/usr/bin/gcc", "/p",
		  ARGS("gcc", "-x", "c", "-c", "gen.txt", "-o", "/abs/gen.o"), 10 * MS, 0, 0);
	/* not compilations: link only, preprocess only, version, cc1 */
	synth_run(t + 130 * MS, 307, 300, "/usr/bin/cc", "/p",
		  ARGS("cc", "a.o", "b.o", "-o", "prog"), 10 * MS, 0, 0);
	synth_run(t + 150 * MS, 308, 300, "/usr/bin/gcc", "/p", ARGS("gcc", "-E", "pp.c"), 10 * MS,
		  0, 0);
	synth_run(t + 170 * MS, 309, 300, "/usr/bin/gcc", "/p", ARGS("gcc", "--version"), 10 * MS,
		  0, 0);
	synth_run(t + 190 * MS, 310, 300, "/usr/lib/gcc/cc1", "/p", ARGS("cc1", "x.c"), 10 * MS, 0,
		  0);
	/* a wrapper: "gcc" that runs the real gcc in a child: one entry */
	synth_fork(t + 210 * MS, 311, 300, "make");
	synth_exec(t + 211 * MS, 311, 300, t + 210 * MS, 0, "/usr/lib/ccache/gcc", "/p",
		   ARGS("gcc", "-c", "w.c"));
	synth_run(t + 212 * MS, 312, 311, "/usr/bin/gcc", "/p", ARGS("gcc", "-c", "w.c"), 5 * MS, 0,
		  0);
	synth_exit(t + 220 * MS, 311, 300, t + 210 * MS, "gcc", 0, 0);
	/* a failed exec of a compiler is no compilation */
	synth_fork(t + 230 * MS, 313, 300, "make");
	synth_exec(t + 231 * MS, 313, 300, t + 230 * MS, -2, "/usr/local/bin/gcc", "/p",
		   ARGS("gcc", "-c", "nf.c"));
	synth_exit(t + 232 * MS, 313, 300, t + 230 * MS, "make", 127, 0);
	/* two sources compiled at once: an entry each, compiling only it */
	synth_run(t + 240 * MS, 314, 300, "/usr/bin/cc", "/p",
		  ARGS("cc", "-O2", "-c", "ma.c", "mb.c"), 10 * MS, 0, 0);
	synth_exit(t + 300 * MS, 300, 1, t, "make", 0, 0);
	CU_ASSERT_FATAL(synth_close(t + 400 * MS) == 0);

	out = export_fmt(path, RX_FMT_COMPILE_COMMANDS, 0, &len, &st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	n = read_compdb(out, len, e, 32, &doc);
	CU_ASSERT_EQUAL(n, 10);
	CU_ASSERT_EQUAL(st.entries, 10);
	CU_ASSERT_EQUAL(st.compilers, 11); /* 301..306, 307, 308, 309, 311, 314 */
	x = find_entry(e, n, "/p/src/a.c");
	CU_ASSERT(x && !strcmp(x->output, "/p/a.o") && !strcmp(x->dir, "/p") &&
		  !strcmp(x->arg0, "/usr/bin/gcc") && x->nargs == 6);
	x = find_entry(e, n, "/p/b.c");
	CU_ASSERT(x && !strcmp(x->output, "/p/out/b.o"));
	x = find_entry(e, n, "/p/sub/m1.c");
	CU_ASSERT(x && !strcmp(x->output, "/p/sub/a.out") && !strcmp(x->dir, "/p/sub"));
	CU_ASSERT_PTR_NOT_NULL(find_entry(e, n, "/p/sub/m2.c"));
	x = find_entry(e, n, "/p/z.cpp");
	CU_ASSERT(x && !strcmp(x->arg0, "/usr/bin/clang++-16") && !strcmp(x->output, "/p/z.o"));
	CU_ASSERT_PTR_NOT_NULL(find_entry(e, n, "/p/fw.c"));
	x = find_entry(e, n, "/p/gen.txt");
	CU_ASSERT(x && !strcmp(x->output, "/abs/gen.o"));
	x = find_entry(e, n, "/p/w.c");
	CU_ASSERT(x && !strcmp(x->arg0, "/usr/lib/ccache/gcc"));
	CU_ASSERT_PTR_NULL(find_entry(e, n, "/p/pp.c"));
	CU_ASSERT_PTR_NULL(find_entry(e, n, "/p/x.c"));
	CU_ASSERT_PTR_NULL(find_entry(e, n, "/p/nf.c"));
	x = find_entry(e, n, "/p/sub/m1.c");
	CU_ASSERT(x && x->nargs == 2); /* clang m1.c */
	for (size_t i = 0; i < doc->n; i++) {
		const struct jval *o = &doc->items[i], *a = json_get(o, "arguments");
		const char *file = json_str(o, "file");
		bool ma = file && !strcmp(file, "/p/ma.c"), mb = file && !strcmp(file, "/p/mb.c");

		if (!ma && !mb)
			continue;
		CU_ASSERT_FATAL(a && a->n == 4);
		CU_ASSERT_STRING_EQUAL(a->items[0].str, "/usr/bin/cc");
		CU_ASSERT_STRING_EQUAL(a->items[1].str, "-O2");
		CU_ASSERT_STRING_EQUAL(a->items[2].str, "-c");
		CU_ASSERT_STRING_EQUAL(a->items[3].str, ma ? "ma.c" : "mb.c");
		CU_ASSERT_STRING_EQUAL(json_str(o, "output"), ma ? "/p/ma.o" : "/p/mb.o");
	}
	CU_ASSERT(find_entry(e, n, "/p/ma.c") && find_entry(e, n, "/p/mb.c"));
	json_free(doc);
	free(out);

	/* nothing compiled: still a JSON array */
	out = export_fmt(fixture("lossy.etr"), RX_FMT_COMPILE_COMMANDS, 0, &len, NULL);
	CU_ASSERT(out && len == 3 && !memcmp(out, "[]\n", 3));
	free(out);
}

/* The committed trace of a real build: exactly its two sources. */
static void test_compdb_fixture(void)
{
	struct entry e[8];
	struct jval *doc;
	size_t len, n;
	char *out =
	    export_fmt(export_fixture("export-build.etr"), RX_FMT_COMPILE_COMMANDS, 0, &len, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	n = read_compdb(out, len, e, 8, &doc);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT(n == 2 && find_entry(e, n, "/tmp/execrec-export-fixture/a.c") &&
		  find_entry(e, n, "/tmp/execrec-export-fixture/b.c"));
	json_free(doc);
	free(out);
}

/* Record a small C build with the real recorder: its compile_commands.json
 * lists exactly its compiled files. */
static bool bpf_ok;
static char bpf_why[512];

static void test_compdb_recorded(void)
{
	char dir[PATH_MAX], trace[PATH_MAX], cdb[PATH_MAX], err[PATH_MAX];
	char a[PATH_MAX + 16], b[PATH_MAX + 16], c[PATH_MAX + 16], mk[PATH_MAX + 16];
	char *rec[] = {
	    (char *)execrec_bin, "record", "-q", "-o", trace, "--", "make", "-s", "-C", dir, NULL};
	char *exp[] = {(char *)execrec_bin, "export", trace, "-o", cdb, NULL};
	struct entry e[16];
	struct jval *doc;
	size_t len, n;
	char *text;
	FILE *f;

	if (!bpf_ok) {
		if (ci) {
			CU_FAIL("BPF is not available, and EXECREC_REQUIRE_BPF=1 says it must be");
		} else {
			printf("\n  SKIPPED (%s) ", bpf_why);
		}
		return;
	}
	if (!have_program("make") || !have_program("cc")) {
		CU_FAIL("make and cc are needed to record a build");
		return;
	}
	path_in(dir, "build");
	mkdir(dir, 0755);
	snprintf(a, sizeof(a), "%s/main.c", dir);
	snprintf(b, sizeof(b), "%s/util.c", dir);
	snprintf(c, sizeof(c), "%s/util.h", dir);
	snprintf(mk, sizeof(mk), "%s/Makefile", dir);
	f = fopen(a, "w");
	fputs("#include \"util.h\"\nint main(void) { return util(); }\n", f);
	fclose(f);
	f = fopen(b, "w");
	fputs("#include \"util.h\"\nint util(void) { return 0; }\n", f);
	fclose(f);
	f = fopen(c, "w");
	fputs("int util(void);\n", f);
	fclose(f);
	f = fopen(mk, "w");
	fputs("prog: main.o util.o\n\tcc -o prog main.o util.o\n"
	      "main.o: main.c util.h\n\tcc -O2 -Wall -c main.c -o main.o\n"
	      "util.o: util.c util.h\n\tcc -O2 -Wall -c util.c -o util.o\n",
	      f);
	fclose(f);
	path_in(trace, "build.etr");
	path_in(cdb, "compile_commands.json");
	path_in(err, "record.err");
	CU_ASSERT_EQUAL_FATAL(test_run(rec, NULL, NULL, err), 0);
	CU_ASSERT_EQUAL_FATAL(test_run(exp, NULL, NULL, NULL), 0);
	text = test_slurp_all(cdb, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	n = read_compdb(text, len, e, 16, &doc);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_PTR_NOT_NULL(find_entry(e, n, a));
	CU_ASSERT_PTR_NOT_NULL(find_entry(e, n, b));
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_STRING_EQUAL(e[i].dir, dir);
		CU_ASSERT(e[i].output && strstr(e[i].output, ".o"));
		CU_ASSERT(e[i].nargs == 7);
	}
	json_free(doc);
	free(text);
}

/* ------------------------------------------------------------------ */
/* The chart                                                           */
/* ------------------------------------------------------------------ */

/* A build: make with 400 short compilers, a few long ones, one of each
 * outcome, a deep chain, something running at the end. 10 s long. */
static void make_build(const char *path)
{
	uint64_t t = T0;
	char file[64];
	uint32_t pid = 1000;

	CU_ASSERT_FATAL(synth_open(path, t) == 0);
	synth_meta("hostname", "builder");
	synth_meta("mode", "command");
	synth_meta("target", "make -j4 <all> & \"more\"");
	synth_fork(t, 500, 1, "sh");
	synth_exec(t + 1 * MS, 500, 1, t, 0, "/usr/bin/make", "/w", ARGS("make", "-j4", "all"));
	for (int i = 0; i < 400; i++) {
		uint64_t s = t + 10 * MS + (uint64_t)i * 20 * MS;

		snprintf(file, sizeof(file), "f%03d.c", i);
		synth_run(s, pid++, 500, i % 3 ? "/usr/bin/cc" : "/usr/bin/as", "/w",
			  ARGS("cc", "-c", file), (5 + i % 7) * MS, i == 123 ? 1 : 0, 0);
	}
	synth_run(t + 100 * MS, 600, 500, "/usr/bin/ld", "/w", ARGS("ld", "-o", "big"), 3 * SEC, 0,
		  0);
	synth_run(t + 2 * SEC, 601, 500, "/usr/bin/test-suite", "/w", ARGS("test-suite", "--all"),
		  2 * SEC, 2, 0);
	synth_run(t + 3 * SEC, 602, 500, "/usr/bin/flaky", "/w", ARGS("flaky"), 1500 * MS, 0, 9);
	synth_fork(t + 4 * SEC, 603, 500, "make");
	synth_exec(t + 4 * SEC + 1 * MS, 603, 500, t + 4 * SEC, -2, "/usr/bin/missing", "/w",
		   ARGS("missing"));
	synth_exit(t + 5 * SEC, 603, 500, t + 4 * SEC, "make", 127, 0);
	/* a chain 8 deep */
	for (uint32_t d = 0; d < 8; d++) {
		uint32_t p = 700 + d, pp = d ? 700 + d - 1 : 500;

		synth_fork(t + 5 * SEC + d * 10 * MS, p, pp, "sh");
		synth_exec(t + 5 * SEC + d * 10 * MS + 1 * MS, p, pp, t + 5 * SEC + d * 10 * MS, 0,
			   "/bin/sh", "/w", ARGS("sh", "-c", "deeper"));
	}
	for (uint32_t d = 8; d-- > 0;)
		synth_exit(t + 8 * SEC - d * 10 * MS, 700 + d, d ? 700 + d - 1 : 500,
			   t + 5 * SEC + d * 10 * MS, "sh", 0, 0);
	/* still running when the recording stops */
	synth_fork(t + 9 * SEC, 800, 500, "make");
	synth_exec(t + 9 * SEC + 1 * MS, 800, 500, t + 9 * SEC, 0, "/usr/bin/sleep", "/w",
		   ARGS("sleep", "100"));
	CU_ASSERT_FATAL(synth_close(t + 10 * SEC) == 0);
}

static bool near(uint8_t a, uint8_t b)
{
	return a > b ? a - b <= 2 : b - a <= 2;
}

static bool pixel_is(const struct png *p, uint32_t x, uint32_t y, const char *hex)
{
	unsigned r, g, b;
	const uint8_t *px;

	if (x >= p->width || y >= p->height || sscanf(hex, "#%02x%02x%02x", &r, &g, &b) != 3)
		return false;
	px = p->rgba + ((size_t)y * p->width + x) * 4;
	return near(px[0], r) && near(px[1], g) && near(px[2], b) && px[3] == 255;
}

static size_t count_color(const struct png *p, const char *hex)
{
	size_t n = 0;

	for (uint32_t y = 0; y < p->height; y++)
		for (uint32_t x = 0; x < p->width; x++)
			n += pixel_is(p, x, y, hex);
	return n;
}

/* Each <rect class="CLASS" x= y= width= height=> of the SVG: its middle. */
static size_t rects_of(const char *svg, const char *cls, double *mx, double *my, double *w,
		       size_t max)
{
	char pat[64];
	size_t n = 0;

	snprintf(pat, sizeof(pat), "<rect class=\"%s\" x=\"", cls);
	for (const char *p = strstr(svg, pat); p && n < max; p = strstr(p + 1, pat)) {
		double x, y, wd, h;

		if (sscanf(p + strlen(pat), "%lf\" y=\"%lf\" width=\"%lf\" height=\"%lf\"", &x, &y,
			   &wd, &h) != 4)
			continue;
		mx[n] = x + wd / 2;
		my[n] = y + h / 2;
		w[n] = wd;
		n++;
	}
	return n;
}

static char *chart_of(const char *trace, const struct rx_chart_opts *o, size_t *ret_len,
		      struct rx_chart_stats *st)
{
	struct rp_trace *t = rp_trace__open(trace, NULL);
	const struct etr_event *ev;
	struct rx_chart *c;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int err = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	c = rx_chart__new(t, o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	while ((err = rp_trace__next_event(t, &ev)) > 0)
		CU_ASSERT_EQUAL(rx_chart__add(c, ev), 0);
	m = open_memstream(&buf, &len);
	err = rx_chart__write(c, m);
	fclose(m);
	rx_chart__stats(c, st);
	rx_chart__free(c);
	rp_trace__free(t);
	if (err) {
		free(buf);
		return NULL;
	}
	*ret_len = len;
	return buf;
}

static void test_chart_layout(void)
{
	char path[PATH_MAX];
	struct rx_chart_opts o = {.sz = sizeof(o)};
	struct rx_chart_stats st;
	size_t len, el;
	char *svg;

	path_in(path, "build.etr");
	make_build(path);
	svg = chart_of(path, &o, &len, &st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
	CU_ASSERT_EQUAL(check_xml(svg, len, &el), 0);
	/* 10 s shown: shorter than 50 ms is folded, into make's row */
	CU_ASSERT_EQUAL(st.min_duration_ns, 50 * MS);
	CU_ASSERT_EQUAL(st.folded, 400);
	CU_ASSERT_EQUAL(st.groups, 1);
	/* make, ld, test-suite, flaky, missing, 8 sh, sleep */
	CU_ASSERT_EQUAL(st.processes, 14);
	CU_ASSERT_EQUAL(st.rows, 15);
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "+400 short: cc \xc3\x97"
					   "266, as \xc3\x97"
					   "134"));
	/* escaped: the title given by the trace */
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "make -j4 &lt;all&gt; &amp; &quot;more&quot;"));
	/* the folded failure is drawn in its color */
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "1 exit"));
	free(svg);

	/* all of them, when asked */
	o.min_duration_set = true;
	o.min_duration_ns = 0;
	svg = chart_of(path, &o, &len, &st);
	CU_ASSERT(svg && st.folded == 0 && st.processes == 414 && st.rows == 414);
	free(svg);

	/* one subtree: the chain */
	{
		uint32_t sub[] = {703};

		o.min_duration_set = false;
		o.subtree = sub;
		o.nsubtree = 1;
		svg = chart_of(path, &o, &len, &st);
		CU_ASSERT(svg && st.processes == 5 && st.folded == 0);
		free(svg);
	}
	/* a subtree that is not there: nothing to draw */
	{
		uint32_t sub[] = {4242};
		struct rp_trace *t = rp_trace__open(path, NULL);
		struct rx_chart *c;
		const struct etr_event *ev;
		FILE *devnull = fopen("/dev/null", "w");

		o.subtree = sub;
		c = rx_chart__new(t, &o);
		while (rp_trace__next_event(t, &ev) > 0)
			rx_chart__add(c, ev);
		CU_ASSERT_EQUAL(rx_chart__write(c, devnull), -ENOENT);
		fclose(devnull);
		rx_chart__free(c);
		rp_trace__free(t);
	}
}

static bool render_ok(bool *skip)
{
	*skip = false;
	if (have_program("rsvg-convert"))
		return true;
	if (ci) {
		CU_FAIL("rsvg-convert is missing: tools/deps.sh installs librsvg2-bin");
	} else {
		printf("\n  SKIPPED: rsvg-convert not installed (apt-get install librsvg2-bin) ");
		*skip = true;
	}
	return false;
}

/* Render with rsvg-convert and look at the picture. */
static void test_chart_render(void)
{
	char trace[PATH_MAX], svgp[PATH_MAX], pngp[PATH_MAX], why[256];
	char *cargv[] = {(char *)execrec_bin, "chart", trace, "-o", svgp, NULL};
	char *rargv[] = {"rsvg-convert", svgp, "-o", pngp, NULL};
	struct rx_chart_stats st;
	struct rx_chart_opts o = {.sz = sizeof(o)};
	double mx[16], my[16], w[16];
	struct png png;
	size_t len, white = 0, dark = 0, n;
	char *svg;
	bool skip;

	if (!render_ok(&skip))
		return;
	path_in(trace, "build.etr");
	path_in(svgp, "build.svg");
	path_in(pngp, "build.png");
	CU_ASSERT_EQUAL_FATAL(test_run(cargv, NULL, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(test_run(rargv, NULL, NULL, NULL), 0);
	svg = test_slurp_all(svgp, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
	free(chart_of(trace, &o, &len, &st));
	CU_ASSERT_EQUAL_FATAL(png_read(pngp, &png, why, sizeof(why)), 0);

	/* the size the chart says it has */
	CU_ASSERT_EQUAL(png.width, st.width);
	CU_ASSERT_EQUAL(png.height, st.height);
	/* mostly background, and text was drawn (dark pixels) */
	for (size_t i = 0; i < (size_t)png.width * png.height; i++) {
		const uint8_t *px = png.rgba + i * 4;

		white += px[0] > 245 && px[1] > 245 && px[2] > 245;
		dark += px[0] < 90 && px[1] < 90 && px[2] < 90;
	}
	CU_ASSERT(white > (size_t)png.width * png.height / 2);
	CU_ASSERT(dark > 2000);
	/* every outcome is there in its color */
	CU_ASSERT(count_color(&png, rx_outcome_color(RX_OK)) > 5000);
	CU_ASSERT(count_color(&png, rx_outcome_color(RX_EXIT)) > 500);
	CU_ASSERT(count_color(&png, rx_outcome_color(RX_KILLED)) > 500);
	CU_ASSERT(count_color(&png, rx_outcome_color(RX_EXEC_FAILED)) > 500);
	CU_ASSERT(count_color(&png, rx_outcome_color(RX_RUNNING)) > 50);
	/* and where the SVG put each bar, the picture has its color */
	n = rects_of(svg, "killed", mx, my, w, 16);
	CU_ASSERT(n == 1 && w[0] > 100);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT(pixel_is(&png, (uint32_t)mx[i], (uint32_t)my[i] - 3,
				   rx_outcome_color(RX_KILLED)));
	n = rects_of(svg, "exec_failed", mx, my, w, 16);
	CU_ASSERT(n == 1);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT(pixel_is(&png, (uint32_t)mx[i], (uint32_t)my[i] - 3,
				   rx_outcome_color(RX_EXEC_FAILED)));
	/* make (no exit recorded) and sleep */
	n = rects_of(svg, "running", mx, my, w, 16);
	CU_ASSERT(n == 2);
	/* the running bar reaches the right end of the axis */
	for (size_t i = 0; i < n; i++)
		CU_ASSERT(pixel_is(&png, (uint32_t)(mx[i] + w[i] / 2 - 2), (uint32_t)my[i] + 3,
				   rx_outcome_color(RX_RUNNING)));
	/* the folded row: grey where its processes ran */
	n = rects_of(svg, "fold", mx, my, w, 16);
	CU_ASSERT(n >= 1);
	if (n) {
		const uint8_t *px = png.rgba + ((size_t)my[0] * png.width + (size_t)mx[0]) * 4;

		CU_ASSERT(px[0] == px[1] && px[1] == px[2] && px[0] > 150 && px[0] < 220);
	}
	png_release(&png);
	free(svg);
}

/* The chart of a real recording and of the fixtures renders too. */
static void test_chart_fixtures(void)
{
	static const char *const traces[] = {"basic.etr", "lossy.etr"};
	char svgp[PATH_MAX], pngp[PATH_MAX], why[256], trace[PATH_MAX];
	/* one output name for all: --force replaces it */
	char *cargv[] = {(char *)execrec_bin, "chart", trace, "-o", svgp, "--force", NULL};
	char *rargv[] = {"rsvg-convert", svgp, "-o", pngp, NULL};
	struct png png;
	size_t len, el;
	char *svg;
	bool skip, render = render_ok(&skip);

	if (!render && !skip)
		return;
	path_in(svgp, "fx.svg");
	path_in(pngp, "fx.png");
	for (size_t i = 0; i <= sizeof(traces) / sizeof(traces[0]); i++) {
		snprintf(trace, sizeof(trace), "%s",
			 i < 2 ? fixture(traces[i]) : export_fixture("export-build.etr"));
		CU_ASSERT_EQUAL_FATAL(test_run(cargv, NULL, NULL, NULL), 0);
		svg = test_slurp_all(svgp, &len);
		CU_ASSERT(svg && check_xml(svg, len, &el) == 0 && el > 20);
		free(svg);
		if (!render)
			continue;
		CU_ASSERT_EQUAL(test_run(rargv, NULL, NULL, NULL), 0);
		CU_ASSERT_EQUAL(png_read(pngp, &png, why, sizeof(why)), 0);
		CU_ASSERT(png.width > 1000 && png.height > 100);
		CU_ASSERT(count_color(&png, rx_outcome_color(RX_OK)) > 100);
		png_release(&png);
	}
}

/* ------------------------------------------------------------------ */
/* Streaming                                                           */
/* ------------------------------------------------------------------ */

static ssize_t count_write(void *cookie, const char *buf, size_t n)
{
	(void)buf;
	*(uint64_t *)cookie += n;
	return (ssize_t)n;
}

/* 100,000 processes (300,000 events, 40 MB of argv) export with memory
 * that follows the processes alive at once, not the strings of all. */
static void test_streaming(void)
{
	char path[PATH_MAX], arg[400];
	uint64_t t = T0, bytes = 0;
	const uint32_t nproc = 100000;
	struct rp_trace *tr;
	struct rx_export *x;
	const struct etr_event *ev;
	size_t peak = 0, n = 0;
	FILE *sink;
	int err;

	memset(arg, 'a', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	path_in(path, "big.etr");
	CU_ASSERT_FATAL(synth_open(path, t) == 0);
	synth_fork(t, 2, 1, "init");
	for (uint32_t i = 0; i < nproc; i++) {
		uint32_t pid = 10 + i % 30000; /* pids recycled, like a busy machine */
		uint64_t s = t + 1000 + (uint64_t)i * 10000;

		synth_fork(s, pid, 2, "spawner");
		synth_exec(s + 2000, pid, 2, s, 0, "/usr/bin/worker", "/", ARGS("worker", arg));
		synth_exit(s + 9000, pid, 2, s, "worker", 0, 0);
	}
	CU_ASSERT_FATAL(synth_close(t + (uint64_t)nproc * 10000 + SEC) == 0);

	sink = fopencookie(&bytes, "w", (cookie_io_functions_t){.write = count_write});
	tr = rp_trace__open(path, NULL);
	CU_ASSERT_FATAL(sink && tr);
	x = rx_export__new(tr, sink,
			   &(struct rx_export_opts){.sz = sizeof(struct rx_export_opts),
						    .format = RX_FMT_PERFETTO});
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	while ((err = rp_trace__next_event(tr, &ev)) > 0) {
		CU_ASSERT_EQUAL_FATAL(rx_export__add(x, ev), 0);
		if (++n % 1000 == 0 && rp_model__mem(rx_export__model(x)) > peak)
			peak = rp_model__mem(rx_export__model(x));
	}
	CU_ASSERT_EQUAL(err, 0);
	CU_ASSERT_EQUAL(rx_export__finish(x), 0);
	fflush(sink);
	/* the model's process records (120 bytes each, kept for the tree) and
	 * its hash; never the 40 MB of arguments */
	printf("\n  %zu events, %" PRIu64 " bytes out, model peak %zu bytes ", n, bytes, peak);
	CU_ASSERT(n >= 3 * (size_t)nproc);
	CU_ASSERT(bytes > (uint64_t)nproc * 400);
	CU_ASSERT(peak < (size_t)nproc * 200);
	rx_export__free(x);
	rp_trace__free(tr);
	fclose(sink);
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */
/* ------------------------------------------------------------------ */

static void test_cli(void)
{
	char path[PATH_MAX], out[PATH_MAX], err[PATH_MAX], nat[PATH_MAX], cut[PATH_MAX];
	char *help[] = {(char *)execrec_bin, "export", "--help", NULL};
	char *chelp[] = {(char *)execrec_bin, "chart", "--help", NULL};
	char *nofmt[] = {(char *)execrec_bin, "export", path, NULL};
	char *badfmt[] = {(char *)execrec_bin, "export", "-f", "xml", path, NULL};
	char *notrace[] = {(char *)execrec_bin, "export", "-f", "dot", nat, NULL};
	char *guess[] = {(char *)execrec_bin, "export", path, "-o", out, "--force", NULL};
	char *trunc[] = {(char *)execrec_bin, "export", "-f", "jsonl", cut, NULL};
	char *badwidth[] = {(char *)execrec_bin, "chart", "--width", "7", path, NULL};
	char *badtime[] = {(char *)execrec_bin, "chart", "--since", "yesterday", path, NULL};
	size_t len;
	char *text;

	snprintf(nat, sizeof(nat), "%s", fixture("notatrace.etr"));
	snprintf(cut, sizeof(cut), "%s", fixture("truncated.etr"));
	path_in(path, "cases.etr");
	path_in(err, "cli.err");
	CU_ASSERT_EQUAL(test_run(help, NULL, NULL, NULL), 0);
	CU_ASSERT_EQUAL(test_run(chelp, NULL, NULL, NULL), 0);
	CU_ASSERT_EQUAL(test_run(nofmt, NULL, NULL, err), 2);
	text = test_slurp_all(err, &len);
	CU_ASSERT(text && strstr(text, "which format?"));
	free(text);
	CU_ASSERT_EQUAL(test_run(badfmt, NULL, NULL, "/dev/null"), 2);
	CU_ASSERT_EQUAL(test_run(notrace, NULL, NULL, err), 1);
	text = test_slurp_all(err, &len);
	CU_ASSERT(text && strstr(text, "not an execrec trace") && count_lines(text, len) == 1);
	free(text);
	/* the format from the name of the output */
	path_in(out, "guess.dot");
	CU_ASSERT_EQUAL(test_run(guess, NULL, NULL, NULL), 0);
	text = test_slurp_all(out, &len);
	CU_ASSERT(text && !strncmp(text, "digraph", 7));
	free(text);
	path_in(out, "compile_commands.json");
	CU_ASSERT_EQUAL(test_run(guess, NULL, NULL, NULL), 0);
	text = test_slurp_all(out, &len);
	CU_ASSERT(text && text[0] == '[');
	free(text);
	/* a cut trace: everything readable, one warning, exit 0 */
	CU_ASSERT_EQUAL(test_run(trunc, NULL, NULL, err), 0);
	text = test_slurp_all(err, &len);
	CU_ASSERT(text && strstr(text, "warning") && count_lines(text, len) == 1);
	free(text);
	CU_ASSERT_EQUAL(test_run(badwidth, NULL, NULL, "/dev/null"), 2);
	CU_ASSERT_EQUAL(test_run(badtime, NULL, NULL, "/dev/null"), 2);

	/* chart takes the filters the analyzers share: the matches and their
	 * ancestors are drawn, nothing else */
	{
		char basic[PATH_MAX];
		char *failed[] = {(char *)execrec_bin, "chart", "--failed", basic, NULL};
		char *comm[] = {(char *)execrec_bin, "chart", "--comm", "c?", basic, NULL};
		char *grep[] = {(char *)execrec_bin, "chart", "--grep", "^java", basic, NULL};
		char *none[] = {(char *)execrec_bin, "chart", "--uid", "4242", basic, NULL};

		snprintf(basic, sizeof(basic), "%s", fixture("basic.etr"));
		path_in(out, "filtered.svg");
		CU_ASSERT_EQUAL(test_run(failed, NULL, out, NULL), 0);
		text = test_slurp_all(out, &len);
		/* ld's failed execs were its $PATH search: no failure */
		CU_ASSERT(text && strstr(text, "./crash") && strstr(text, "<title>sh -c ") &&
			  !strstr(text, "<title>ld -o prog") && !strstr(text, "<title>java") &&
			  !strstr(text, "<title>cc -c"));
		free(text);
		CU_ASSERT_EQUAL(test_run(comm, NULL, out, NULL), 0);
		text = test_slurp_all(out, &len);
		CU_ASSERT(text && strstr(text, "<title>cc -c -o a.o a.c") &&
			  strstr(text, "<title>cc -c -o b.o b.c") &&
			  !strstr(text, "<title>ld -o") && !strstr(text, "<title>java"));
		free(text);
		CU_ASSERT_EQUAL(test_run(grep, NULL, out, NULL), 0);
		text = test_slurp_all(out, &len);
		CU_ASSERT(text && strstr(text, "java -version") && !strstr(text, "<title>cc -c"));
		free(text);
		CU_ASSERT_EQUAL(test_run(none, NULL, NULL, err), 1);
		text = test_slurp_all(err, &len);
		CU_ASSERT(text && strstr(text, "no process to draw (with these options)") &&
			  count_lines(text, len) == 1);
		free(text);
	}
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	execrec_bin = getenv("EXECREC");
	fixtures = getenv("FIXTURES");
	export_fixtures = getenv("EXPORT_FIXTURES");
	if (!execrec_bin || !fixtures || !export_fixtures) {
		fprintf(stderr, "EXECREC, FIXTURES and EXPORT_FIXTURES must be set\n");
		return 1;
	}
	ci = test_bpf__required();
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	chmod(tmpdir, 0755);
	bpf_ok = test_bpf__works(execrec_bin, tmpdir, bpf_why, sizeof(bpf_why));

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("export-units", NULL, NULL);
	CU_add_test(s, "format names, constructors", test_format_names);
	CU_add_test(s, "compiler driver names", test_compiler_names);
	CU_add_test(s, "process keys", test_keys);
	CU_add_test(s, "XML and dot quoting", test_text_quoting);
	s = CU_add_suite("export-perfetto", NULL, NULL);
	CU_add_test(s, "synthetic cases: tracks, nesting, flows", test_perfetto_cases);
	CU_add_test(s, "argv bytes, recycled pids, snapshot", test_perfetto_args);
	CU_add_test(s, "fixtures and a recorded build", test_perfetto_fixtures);
	CU_add_test(s, "execrec export --subtree", test_perfetto_cli_subtree);
	s = CU_add_suite("export-rows", NULL, NULL);
	CU_add_test(s, "JSON lines = the analyzer's --json", test_jsonl_schema);
	CU_add_test(s, "CSV = the analyzer's --csv", test_csv_schema);
	CU_add_test(s, "the DuckDB example query", test_duckdb_example);
	s = CU_add_suite("export-dot", NULL, NULL);
	CU_add_test(s, "dot: nodes, edges, Graphviz", test_dot);
	s = CU_add_suite("export-compile-commands", NULL, NULL);
	CU_add_test(s, "compilers, sources, outputs", test_compdb_synthetic);
	CU_add_test(s, "the committed build trace", test_compdb_fixture);
	CU_add_test(s, "a build recorded now (root, BPF)", test_compdb_recorded);
	s = CU_add_suite("chart", NULL, NULL);
	CU_add_test(s, "layout: folding, subtree", test_chart_layout);
	CU_add_test(s, "rendered with rsvg-convert", test_chart_render);
	CU_add_test(s, "fixtures render", test_chart_fixtures);
	s = CU_add_suite("export-stream", NULL, NULL);
	CU_add_test(s, "300,000 events in bounded memory", test_streaming);
	s = CU_add_suite("export-cli", NULL, NULL);
	CU_add_test(s, "options, errors, damaged traces", test_cli);
	outfile_tests__register(execrec_bin, tmpdir, fixtures);
	durations_tests__register(execrec_bin, tmpdir, bpf_ok, ci);
	chart_units_tests__register(execrec_bin, tmpdir);

	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	if (!fails) {
		test_rm_rf(tmpdir);
	} else {
		fprintf(stderr, "files kept in %s\n", tmpdir);
	}
	return fails ? 1 : 0;
}
