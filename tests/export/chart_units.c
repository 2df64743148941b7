/* SPDX-License-Identifier: MIT */
/*
 * The chart by systemd unit (chart --by-unit) and chart --unit, over a
 * synthetic boot with a cgroup map: lanes in the order of their units'
 * first processes, a heading per lane with its counts, the tree cut where a
 * parent ran in another unit, and the filters; and diff --by-unit of that
 * boot and a next one, with the filters (--unit).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <CUnit/Basic.h>

#include "check.h"
#include "export.h"
#include "outfile-test.h"
#include "synth.h"

static const char *execrec_bin, *tmpdir;
static char trace[PATH_MAX], trace2[PATH_MAX];

/*
 * 10 s from T0: systemd (init.scope) and kthreadd (the root cgroup "/")
 * from the snapshot; b.service from T0+1 s (b-main, its worker, exit 3);
 * a.service from T0+2 s (a-daemon running at the end, a helper, a child
 * whose exec fails); a-daemon's child 103 moved into b.service (b-late);
 * a process in a cgroup the map does not name.  The next boot (@next):
 * b.service's processes exit 0, and c.service is new.
 */
#define T0 (100 * SEC)
static void make_boot(const char *path, bool next)
{
	CU_ASSERT_FATAL(synth_open(path, T0) == 0);
	synth_meta("hostname", "booted");
	synth_cgroup(T0, ETR_CGROUP_PRESENT, 1, "/");
	synth_cgroup(T0, ETR_CGROUP_PRESENT, 10, "/init.scope");
	synth_cgroup(T0, ETR_CGROUP_PRESENT, 30, "/system.slice/b.service");
	synth_in_cgroup(10);
	synth_snap(1, 0, SEC / 2, "systemd", "/usr/lib/systemd/systemd", ARGS("/sbin/init"));
	synth_in_cgroup(1);
	synth_snap(2, 0, SEC / 2, "kthreadd", "", ARGS("kthreadd"));

	/* systemd forks in init.scope, the child execs in its unit */
	synth_in_cgroup(10);
	synth_fork(T0 + 1 * SEC, 200, 1, "systemd");
	synth_in_cgroup(30);
	synth_exec(T0 + 1100 * MS, 200, 1, T0 + 1 * SEC, 0, "/usr/bin/b-main", "/", ARGS("b-main"));
	synth_run(T0 + 1500 * MS, 201, 200, "/bin/b-worker", "/", ARGS("b-worker", "-x"), SEC, 0,
		  0);
	synth_cgroup(T0 + 1900 * MS, ETR_CGROUP_CREATED, 20, "/system.slice/a.service");
	synth_in_cgroup(10);
	synth_fork(T0 + 2 * SEC, 100, 1, "systemd");
	synth_in_cgroup(20);
	synth_exec(T0 + 2100 * MS, 100, 1, T0 + 2 * SEC, 0, "/usr/sbin/a-daemon", "/",
		   ARGS("a-daemon", "--foreground"));
	synth_run(T0 + 3 * SEC, 101, 100, "/bin/a-helper", "/", ARGS("a-helper"), 2 * SEC, 0, 0);
	synth_fork(T0 + 3500 * MS, 102, 100, "a-daemon");
	synth_exec(T0 + 3510 * MS, 102, 100, T0 + 3500 * MS, -2, "/nonexistent", "/",
		   ARGS("nonexistent"));
	synth_exit(T0 + 3600 * MS, 102, 100, T0 + 3500 * MS, "a-daemon", 127, 0);
	synth_in_cgroup(30);
	synth_exit(T0 + 4 * SEC, 200, 1, T0 + 1 * SEC, "b-main", next ? 0 : 3, 0);
	/* forked by a.service's daemon, run in b.service */
	synth_fork(T0 + 6 * SEC, 103, 100, "a-daemon");
	synth_exec(T0 + 6100 * MS, 103, 100, T0 + 6 * SEC, 0, "/bin/b-late", "/", ARGS("b-late"));
	synth_exit(T0 + 8 * SEC, 103, 100, T0 + 6 * SEC, "b-late", 0, 0);
	synth_in_cgroup(99);
	synth_run(T0 + 7 * SEC, 300, 1, "/bin/stray", "/", ARGS("stray"), 2 * SEC, 0, 0);
	if (next) {
		synth_cgroup(T0 + 7 * SEC, ETR_CGROUP_CREATED, 40, "/system.slice/c.service");
		synth_in_cgroup(40);
		synth_run(T0 + 7500 * MS, 400, 1, "/usr/bin/c-once", "/", ARGS("c-once"), SEC, 0,
			  0);
	}
	CU_ASSERT_FATAL(synth_close(T0 + 10 * SEC) == 0);
}

static char *chart(bool by_unit, struct rx_chart_stats *st, size_t *ret_len)
{
	struct rx_chart_opts o = {.sz = sizeof(o), .min_duration_set = true, .by_unit = by_unit};
	struct rp_trace *t = rp_trace__open(trace, NULL);
	const struct etr_event *ev;
	struct rx_chart *c;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	c = rx_chart__new(t, &o);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	while (rp_trace__next_event(t, &ev) > 0)
		CU_ASSERT_EQUAL(rx_chart__add(c, ev), 0);
	m = open_memstream(&buf, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	err = rx_chart__write(c, m);
	fclose(m);
	CU_ASSERT_EQUAL(err, 0);
	rx_chart__stats(c, st);
	rx_chart__free(c);
	rp_trace__free(t);
	*ret_len = len;
	return buf;
}

/* The x of the label whose text is exactly @text; -1 if there is none. */
static int label_x(const char *svg, const char *text)
{
	char pat[160];
	const char *p, *x;

	snprintf(pat, sizeof(pat), ">%s</text>", text);
	p = strstr(svg, pat);
	if (!p)
		return -1;
	for (x = p; x > svg && strncmp(x, "<text ", 6); x--)
		;
	x = strstr(x, " x=\"");
	return x && x < p ? atoi(x + 4) : -1;
}

/* The lane headings, in order, joined by '|'. */
static void headings(const char *svg, char *buf, size_t len)
{
	const char *pat = "<text class=\"u\" x=\"";
	size_t n = 0;

	buf[0] = '\0';
	for (const char *p = strstr(svg, pat); p; p = strstr(p + 1, pat)) {
		const char *s = strchr(p, '>') + 1, *e = strstr(s, "</text>");

		if (!e || n + (size_t)(e - s) + 2 > len)
			break;
		if (n)
			buf[n++] = '|';
		memcpy(buf + n, s, (size_t)(e - s));
		n += (size_t)(e - s);
		buf[n] = '\0';
	}
}

static void test_lanes(void)
{
	struct rx_chart_stats st;
	char lanes[512];
	size_t len, el;
	char *svg;

	make_boot(trace, false);
	make_boot(trace2, true);

	/* the whole tree: 103 under a-daemon, no lanes */
	svg = chart(false, &st, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
	CU_ASSERT_EQUAL(check_xml(svg, len, &el), 0);
	CU_ASSERT_EQUAL(st.units, 0);
	CU_ASSERT_EQUAL(st.processes, 9);
	CU_ASSERT_PTR_NULL(strstr(svg, "class=\"u\""));
	CU_ASSERT_PTR_NULL(strstr(svg, ".lane{"));
	CU_ASSERT_EQUAL(label_x(svg, "a-daemon 100"), 22);
	CU_ASSERT_EQUAL(label_x(svg, "b-late 103"), 34);
	free(svg);

	svg = chart(true, &st, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(svg);
	CU_ASSERT_EQUAL(check_xml(svg, len, &el), 0);
	/* lanes by first process, ties by name; the cgroup the map does not
	 * name is a lane of its own */
	headings(svg, lanes, sizeof(lanes));
	CU_ASSERT_STRING_EQUAL(lanes, "/|init.scope|b.service|a.service|(unknown cgroup)");
	CU_ASSERT_EQUAL(st.units, 5);
	CU_ASSERT_EQUAL(st.processes, 9);
	CU_ASSERT_EQUAL(st.rows, 14);
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "5 units  \xc2\xb7  "));
	/* a lane's roots one level in; systemd's children and a process
	 * whose parent ran in another unit are roots of their lane */
	CU_ASSERT_EQUAL(label_x(svg, "systemd 1"), 22);
	CU_ASSERT_EQUAL(label_x(svg, "b-main 200"), 22);
	CU_ASSERT_EQUAL(label_x(svg, "b-worker 201"), 34);
	CU_ASSERT_EQUAL(label_x(svg, "b-late 103"), 22);
	CU_ASSERT_EQUAL(label_x(svg, "a-daemon 100"), 22);
	CU_ASSERT_EQUAL(label_x(svg, "a-helper 101"), 34);
	/* b-late comes in b.service's lane, after b-main's tree */
	CU_ASSERT(strstr(svg, ">b-late 103<") > strstr(svg, ">b-worker 201<") &&
		  strstr(svg, ">b-late 103<") < strstr(svg, ">a-daemon 100<"));
	/* what a heading says, from the start of the axis (the first event,
	 * b-main's fork); a process's title names its real parent still */
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "<title>b.service (unit)\n3 processes, 3 execs, 1 "
					   "non-zero exit\nfirst process +0.000s, last exit "
					   "+7.000s</title>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "<title>a.service (unit)\n3 processes, 2 execs, 1 "
					   "failed, 1 non-zero exit\nfirst process +1.000s, 1 "
					   "still running at the end</title>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "<title>/ (cgroup, no unit)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(svg, "pid 103, parent 100 (a-daemon)"));
	free(svg);
}

static char *run_cmd(const char *cmd_opts, int *ret_status, size_t *ret_len)
{
	char cmd[PATH_MAX * 4 + 256], out[PATH_MAX];
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f;
	int st;

	snprintf(out, sizeof(out), "%s/units-cli.out", tmpdir);
	snprintf(cmd, sizeof(cmd), "'%s' %s >'%s' 2>&1", execrec_bin, cmd_opts, out);
	st = system(cmd);
	*ret_status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	f = fopen(out, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	do {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n);
	fclose(f);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

static char *run_chart(const char *opts, int *ret_status, size_t *ret_len)
{
	char cmd[PATH_MAX * 2 + 256];

	snprintf(cmd, sizeof(cmd), "chart %s '%s'", opts, trace);
	return run_cmd(cmd, ret_status, ret_len);
}

/* diff --by-unit OPTS BASE NEW, the two boots in the order given */
static char *run_diff(const char *opts, bool swap, int *ret_status, size_t *ret_len)
{
	char cmd[PATH_MAX * 3 + 256];

	snprintf(cmd, sizeof(cmd), "diff --by-unit %s '%s' '%s'", opts, swap ? trace2 : trace,
		 swap ? trace : trace2);
	return run_cmd(cmd, ret_status, ret_len);
}

static void test_diff(void)
{
	size_t len;
	int st;
	char *text;

	/* the whole boots: c.service new; the other way, gone, and b.service
	 * now fails, with the process behind it */
	text = run_diff("--fail-on new", false, &st, &len);
	CU_ASSERT_EQUAL(st, 1);
	CU_ASSERT(strstr(text, "NEW        c.service\n  1 process: c-once(1)\n") &&
		  !strstr(text, "NOW-FAILS") &&
		  strstr(text, "1 change by unit (5 units before, 6 now)"));
	free(text);
	text = run_diff("", true, &st, &len);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT(strstr(text, "NOW-FAILS  b.service\n") &&
		  strstr(text, "b-main (pid 200): exit 3") &&
		  strstr(text, "GONE       c.service") &&
		  strstr(text, "2 changes by unit (6 units before, 5 now)"));
	free(text);
	/* --unit: those units only, in both boots */
	text = run_diff("--unit 'b.*' --fail-on all", true, &st, &len);
	CU_ASSERT_EQUAL(st, 1);
	CU_ASSERT(strstr(text, "NOW-FAILS  b.service") && !strstr(text, "c.service") &&
		  strstr(text, "1 change by unit (1 units before, 1 now)"));
	free(text);
	text = run_diff("--unit 'c.*' --json", false, &st, &len);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT(text && text == strstr(text, "{\"change\":\"new\",\"unit\":\"c.service\",") &&
		  !strchr(text, '\n')[1]);
	free(text);
	/* the other filters pick the processes first: only the failed ones
	 * count, so b.service, whose processes all exit 0 in the base, is new */
	text = run_diff("--failed", true, &st, &len);
	CU_ASSERT(st == 0 && strstr(text, "NEW        b.service") && !strstr(text, "a.service") &&
		  strstr(text, "(1 units before, 2 now)"));
	free(text);
	/* a bad value: one line */
	text = run_diff("--since soon", false, &st, &len);
	CU_ASSERT(st == 2 && strstr(text, "--since: 'soon'") && !strchr(text, '\n')[1]);
	free(text);
	text = run_diff("--help", false, &st, &len);
	CU_ASSERT(st == 0 && strstr(text, "--unit GLOB"));
	free(text);
}

static void test_cli(void)
{
	char lanes[512];
	size_t len;
	int st;
	char *text;

	/* --unit: the unit's processes with their ancestors, in the tree */
	text = run_chart("--min-duration 0 --unit 'b.*'", &st, &len);
	CU_ASSERT_EQUAL(st, 0);
	CU_ASSERT(strstr(text, ">b-main 200<") && strstr(text, ">b-worker 201<") &&
		  strstr(text, ">b-late 103<") && strstr(text, ">a-daemon 100<") &&
		  strstr(text, ">systemd 1<") && !strstr(text, ">a-helper 101<") &&
		  !strstr(text, ">stray 300<") && !strstr(text, "class=\"u\""));
	free(text);
	/* with --by-unit, the unit's lane alone: ancestors in other units are
	 * not drawn */
	text = run_chart("--by-unit --min-duration 0 --unit 'b.*'", &st, &len);
	CU_ASSERT_EQUAL(st, 0);
	headings(text, lanes, sizeof(lanes));
	CU_ASSERT_STRING_EQUAL(lanes, "b.service");
	CU_ASSERT(strstr(text, ">b-late 103<") && !strstr(text, ">a-daemon 100<") &&
		  !strstr(text, ">systemd 1<"));
	free(text);
	/* --by-unit with the other filters */
	text = run_chart("--by-unit --min-duration 0 --failed", &st, &len);
	CU_ASSERT_EQUAL(st, 0);
	headings(text, lanes, sizeof(lanes));
	CU_ASSERT_STRING_EQUAL(lanes, "b.service|a.service");
	free(text);
	/* no unit matches: one line, and nothing written */
	text = run_chart("--by-unit --unit 'nothing*'", &st, &len);
	CU_ASSERT_EQUAL(st, 1);
	CU_ASSERT(strstr(text, "no process to draw (with these options)") &&
		  !strchr(text, '\n')[1]);
	free(text);
	text = run_chart("--help", &st, &len);
	CU_ASSERT(st == 0 && strstr(text, "--by-unit") && strstr(text, "--unit GLOB"));
	free(text);
}

void chart_units_tests__register(const char *execrec, const char *dir)
{
	CU_pSuite s = CU_add_suite("units", NULL, NULL);

	execrec_bin = execrec;
	tmpdir = dir;
	snprintf(trace, sizeof(trace), "%s/units.etr", dir);
	snprintf(trace2, sizeof(trace2), "%s/units-next.etr", dir);
	CU_add_test(s, "lanes by unit: order, headings, the tree cut", test_lanes);
	CU_add_test(s, "execrec chart --unit, --by-unit", test_cli);
	CU_add_test(s, "execrec diff --by-unit, with --unit", test_diff);
}
