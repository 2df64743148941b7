/* SPDX-License-Identifier: MIT */
/*
 * What every command says of a real recording. One duration of a process
 * in every command. The command of "record --
 * CMD" is forked before the recorder is ready, so its start (fork) is long
 * before its exec: tree, timeline, report, perfetto and the chart must all
 * count it from its exec (replay/README.md), recorded here for real.
 * A program run through a file descriptor (fexecve: "/dev/fd/3") is named
 * by its comm, not "3".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "json.h"
#include "run.h"
#include "outfile-test.h"
#include "synth.h"

static const char *bin, *dir;
static bool bpf_ok, required;

/* stdout of execrec @args, NUL-terminated, or NULL. */
static char *output_of(char *const args[], int *ret_status)
{
	char path[PATH_MAX];
	char *argv[16] = {(char *)bin};
	size_t i, len;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	snprintf(path, sizeof(path), "%s/durations.out", dir);
	*ret_status = test_run(argv, NULL, path, NULL);
	if (*ret_status < 0)
		return NULL;
	return test_slurp_all(path, &len);
}

/* The JSON line of @text where @key is @value (a number), parsed. */
static struct jval *line_where(const char *text, const char *key, double value, const char *key2,
			       const char *value2)
{
	for (const char *l = text; *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		struct jval *v = json_parse(l, n, NULL);

		if (v && json_num(v, key, -1) == value &&
		    (!key2 || (json_str(v, key2) && !strcmp(json_str(v, key2), value2))))
			return v;
		json_free(v);
		l += n + (e != NULL);
	}
	return NULL;
}

static void test_record_cmd(void)
{
	char trace[PATH_MAX], *text;
	char *rec[] = {
	    "record", "-q", "-o", trace, "--", "sh", "-c", "/bin/true; exec /bin/sleep 0.05", NULL};
	char *tl[] = {"timeline", "--json", trace, NULL};
	char *tree[] = {"tree", "--json", trace, NULL};
	char *rep[] = {"report", "--json", "--top", "0", trace, NULL};
	char *pf[] = {"export", "-f", "perfetto", trace, NULL};
	struct jval *first, *exit_ev, *proc;
	double pid, exec_ts, want, start;
	int st;

	if (!bpf_ok) {
		if (required)
			CU_FAIL("BPF is not available, and EXECREC_REQUIRE_BPF=1 says it must be");
		return;
	}
	snprintf(trace, sizeof(trace), "%s/durations.etr", dir);
	unlink(trace);
	text = output_of(rec, &st);
	CU_ASSERT_EQUAL_FATAL(st, 0);
	free(text);

	/* the root: the first exec of the recording, and its exit */
	text = output_of(tl, &st);
	CU_ASSERT_FATAL(text && st == 0);
	first = json_parse(text, strcspn(text, "\n"), NULL);
	CU_ASSERT_FATAL(first && !strcmp(json_str(first, "event"), "exec"));
	pid = json_num(first, "pid", -1);
	exec_ts = json_num(first, "ts_ns", -1);
	start = json_num(first, "start_ns", -1);
	exit_ev = line_where(text, "pid", pid, "event", "exit");
	CU_ASSERT_PTR_NOT_NULL_FATAL(exit_ev);
	want = json_num(exit_ev, "ts_ns", 0) - exec_ts;
	/* the point of the test: its fork is well before its exec */
	CU_ASSERT(start > 0 && start < exec_ts);
	CU_ASSERT(want > 50e6 - 1 && want < 10e9);
	CU_ASSERT_EQUAL(json_num(exit_ev, "duration_ns", -1), want);
	json_free(first);
	json_free(exit_ev);
	free(text);

	/* the text says both: the duration, and the fork before it */
	{
		char *tree_text[] = {"tree", trace, NULL};

		text = output_of(tree_text, &st);
		CU_ASSERT(text && st == 0 && strstr(text, " before its exec]"));
		free(text);
	}
	text = output_of(tree, &st);
	CU_ASSERT_FATAL(text && st == 0);
	proc = line_where(text, "pid", pid, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(proc);
	CU_ASSERT_EQUAL(json_num(proc, "duration_ns", -1), want);
	json_free(proc);
	free(text);

	/* report: sh ran from its exec to its exec of sleep, sleep on */
	text = output_of(rep, &st);
	CU_ASSERT_FATAL(text && st == 0);
	{
		struct jval *sh = NULL, *sl = NULL;

		for (const char *l = text; *l;) {
			size_t n = strcspn(l, "\n");
			struct jval *v = json_parse(l, n, NULL);
			const char *rec_kind = v ? json_str(v, "record") : NULL;
			const char *name = v ? json_str(v, "name") : NULL;

			if (rec_kind && name && !strcmp(rec_kind, "command") && !strcmp(name, "sh"))
				sh = v;
			else if (rec_kind && name && !strcmp(rec_kind, "command") &&
				 !strcmp(name, "sleep"))
				sl = v;
			else
				json_free(v);
			l += n + (l[n] == '\n');
		}
		CU_ASSERT_FATAL(sh && sl);
		CU_ASSERT_EQUAL(json_num(sh, "total_ns", 0) + json_num(sl, "total_ns", 0), want);
		json_free(sh);
		json_free(sl);
	}
	free(text);

	/* perfetto: the process slice, in microseconds */
	text = output_of(pf, &st);
	CU_ASSERT_FATAL(text && st == 0);
	{
		struct jval *doc = json_parse(text, strlen(text), NULL);
		const struct jval *evs = doc ? json_get(doc, "traceEvents") : NULL;
		bool found = false;

		CU_ASSERT_PTR_NOT_NULL_FATAL(evs);
		for (size_t i = 0; i < evs->n; i++) {
			const struct jval *e = &evs->items[i];
			const struct jval *args = json_get(e, "args");
			const char *cat = json_str(e, "cat");

			if (!cat || strcmp(cat, "process") || !args ||
			    json_num(args, "pid", -1) != pid)
				continue;
			found = true;
			CU_ASSERT(json_num(e, "dur", -1) * 1000 > want - 1000 &&
				  json_num(e, "dur", -1) * 1000 < want + 1000);
		}
		CU_ASSERT(found);
		json_free(doc);
	}
	free(text);
}

static void test_fexecve(void)
{
	char trace[PATH_MAX], *text;
	const char *fexec = getenv("FEXEC");
	char *rec[] = {"record",      "-q",	   "-o",     trace, "--",
		       (char *)fexec, "/bin/echo", "myecho", "hi",  NULL};
	char *tree[] = {"tree", trace, NULL};
	char *rep[] = {"report", "--csv", trace, NULL};
	char *pf[] = {"export", "-f", "perfetto", trace, NULL};
	int st;

	if (!bpf_ok) {
		if (required)
			CU_FAIL("BPF is not available, and EXECREC_REQUIRE_BPF=1 says it must be");
		return;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(fexec);
	snprintf(trace, sizeof(trace), "%s/fexecve.etr", dir);
	unlink(trace);
	text = output_of(rec, &st);
	CU_ASSERT_EQUAL_FATAL(st, 0);
	CU_ASSERT(text && !strcmp(text, "hi\n"));
	free(text);
	text = output_of(tree, &st);
	CU_ASSERT(text && st == 0);
	CU_ASSERT(text && strstr(text, " => echo hi ") && !strstr(text, "=> 3"));
	free(text);
	text = output_of(rep, &st);
	CU_ASSERT(text && st == 0);
	CU_ASSERT(text && strstr(text, "command,echo,1,") && !strstr(text, "command,3,"));
	free(text);
	text = output_of(pf, &st);
	CU_ASSERT(text && st == 0);
	CU_ASSERT(text && strstr(text, "\"cat\":\"exec\",\"name\":\"echo\"") &&
		  !strstr(text, "\"name\":\"3\""));
	free(text);
}

/* execvp's tries of each $PATH directory are left out, counted apart,
 * and shown with --path-misses; a program found nowhere stays a failure */
static void test_path_misses(void)
{
	char trace[PATH_MAX], *text;
	char *rec[] = {
	    "record",
	    "-q",
	    "-o",
	    trace,
	    "--",
	    "sh",
	    "-c",
	    "env PATH=/nope1:/nope2:/usr/bin:/bin printf x; /no/such/cmd 2>/dev/null; exit 0",
	    NULL};
	char *tree[] = {"tree", trace, NULL};
	char *tree_all[] = {"tree", "--path-misses", trace, NULL};
	char *tl[] = {"timeline", "--failed", trace, NULL};
	char *tl_all[] = {"timeline", "--failed", "--path-misses", trace, NULL};
	char *rep[] = {"report", trace, NULL};
	char *rep_json[] = {"report", "--json", trace, NULL};
	int st;

	if (!bpf_ok) {
		if (required)
			CU_FAIL("BPF is not available, and EXECREC_REQUIRE_BPF=1 says it must be");
		return;
	}
	snprintf(trace, sizeof(trace), "%s/path.etr", dir);
	unlink(trace);
	text = output_of(rec, &st);
	CU_ASSERT_EQUAL_FATAL(st, 0);
	free(text);
	text = output_of(tree, &st);
	CU_ASSERT(text && strstr(text, "printf x") && !strstr(text, "/nope1/printf") &&
		  strstr(text, "/no/such/cmd ENOENT"));
	free(text);
	text = output_of(tree_all, &st);
	CU_ASSERT(text && strstr(text, "/nope1/printf ENOENT, /nope2/printf ENOENT"));
	free(text);
	text = output_of(tl, &st);
	CU_ASSERT(text && !strstr(text, "/nope") && strstr(text, "/no/such/cmd"));
	free(text);
	text = output_of(tl_all, &st);
	CU_ASSERT(text && strstr(text, "/nope1/printf") && strstr(text, "/nope2/printf"));
	free(text);
	text = output_of(rep, &st);
	CU_ASSERT(text && strstr(text, "2 failed execs of $PATH searches") &&
		  strstr(text, "/no/such/cmd") && !strstr(text, "/nope1/printf"));
	free(text);
	text = output_of(rep_json, &st);
	CU_ASSERT(text && strstr(text, "\"path_misses\":2,"));
	free(text);
}

/* What the recorder's limits cut, and the environment: keys of the JSON
 * rows (timeline, export -f jsonl, tree) */
static void test_cut_and_env(void)
{
	char trace[PATH_MAX], deep[PATH_MAX], big[5001], *text;
	char *rec[] = {"record",
		       "-q",
		       "--env",
		       "--max-args-bytes",
		       "4K",
		       "-o",
		       trace,
		       "--",
		       "sh",
		       "-c",
		       "cd \"$1\" && exec /bin/echo \"$2\"",
		       "sh",
		       deep,
		       big,
		       NULL};
	char *tl[] = {"timeline", "--json", trace, NULL};
	char *xp[] = {"export", "-f", "jsonl", trace, NULL};
	char *tree[] = {"tree", "--json", trace, NULL};
	char *plain[] = {"timeline", "--json", NULL, NULL};
	char plain_trace[PATH_MAX];
	size_t n;
	int st;

	if (!bpf_ok) {
		if (required)
			CU_FAIL("BPF is not available, and EXECREC_REQUIRE_BPF=1 says it must be");
		return;
	}
	/* deeper than the recorder walks (48 directories) */
	n = (size_t)snprintf(deep, sizeof(deep), "%s/deep", dir);
	mkdir(deep, 0755);
	for (int i = 0; i < 60 && n + 4 < sizeof(deep); i++) {
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "/d%d", i % 10);
		mkdir(deep, 0755);
	}
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(trace, sizeof(trace), "%s/cut.etr", dir);
	unlink(trace);
	setenv("EXECREC_TEST_MARK", "env-is-there", 1);
	text = output_of(rec, &st);
	unsetenv("EXECREC_TEST_MARK");
	CU_ASSERT_EQUAL_FATAL(st, 0);
	free(text);
	for (int k = 0; k < 2; k++) {
		struct jval *ev;

		text = output_of(k ? xp : tl, &st);
		CU_ASSERT_FATAL(text && st == 0);
		/* the exec of echo: argv cut (10 + 5001 bytes before), cwd cut */
		ev = line_where(text, "ret", 0, "filename", "/bin/echo");
		CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
		{
			const struct jval *cut = json_get(ev, "cut"), *env = json_get(ev, "env");
			const char *cwd = json_str(ev, "cwd");
			bool mark = false;

			CU_ASSERT_FATAL(cut && cut->type == J_OBJ);
			CU_ASSERT_EQUAL(json_num(cut, "argv", -1), 10 + 5001);
			CU_ASSERT_PTR_NOT_NULL(json_get(cut, "cwd"));
			CU_ASSERT(cwd && !strncmp(cwd, ".../", 4) && strstr(cwd, "/d9/d0/"));
			CU_ASSERT_FATAL(env && env->type == J_ARR);
			for (size_t i = 0; i < env->n; i++)
				mark |=
				    !strcmp(env->items[i].str, "EXECREC_TEST_MARK=env-is-there");
			CU_ASSERT(mark);
		}
		json_free(ev);
		free(text);
	}
	text = output_of(tree, &st);
	CU_ASSERT(text && st == 0 && strstr(text, "\"cwd\":\".../") &&
		  strstr(text, "\"cut\":{\"argv\":null,\"cwd\":null}") &&
		  strstr(text, "\"env\":[") && strstr(text, "\"EXECREC_TEST_MARK=env-is-there\""));
	free(text);
	/* recorded without --env: no such key */
	snprintf(plain_trace, sizeof(plain_trace), "%s/durations.etr", dir);
	plain[2] = plain_trace;
	text = output_of(plain, &st);
	CU_ASSERT(text && st == 0 && strstr(text, "\"event\":\"exec\"") &&
		  !strstr(text, "\"env\":"));
	free(text);
}

/* tree's "[args cut]" is for what its line shows: a process whose only cut
 * is its cwd (deeper than the recorder walks) has its arguments whole. */
static void test_tree_cut_cwd(void)
{
	char trace[PATH_MAX], deep[PATH_MAX], big[5001], *text, *line, *eol;
	char *rec[] = {"record",
		       "-q",
		       "--max-args-bytes",
		       "4K",
		       "-o",
		       trace,
		       "--",
		       "sh",
		       "-c",
		       "cd \"$1\" && /bin/true whole && exec /bin/echo \"$2\"",
		       "sh",
		       deep,
		       big,
		       NULL};
	char *tree[] = {"tree", "--ascii", trace, NULL};
	size_t n;
	int st;

	if (!bpf_ok) {
		if (required)
			CU_FAIL("BPF is not available, and EXECREC_REQUIRE_BPF=1 says it must be");
		return;
	}
	n = (size_t)snprintf(deep, sizeof(deep), "%s/deep", dir);
	mkdir(deep, 0755);
	for (int i = 0; i < 60 && n + 4 < sizeof(deep); i++) {
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "/d%d", i % 10);
		mkdir(deep, 0755);
	}
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(trace, sizeof(trace), "%s/cutcwd.etr", dir);
	unlink(trace);
	text = output_of(rec, &st);
	CU_ASSERT_EQUAL_FATAL(st, 0);
	free(text);
	text = output_of(tree, &st);
	CU_ASSERT_FATAL(text && st == 0);
	/* true: its cwd cut, its arguments whole */
	line = strstr(text, "-true,");
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	eol = strchr(line, '\n');
	if (eol)
		*eol = '\0';
	CU_ASSERT_PTR_NOT_NULL(strstr(line, " whole"));
	CU_ASSERT_PTR_NULL(strstr(line, "[args cut]"));
	/* the echo, its argument cut: said on the root's line */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "[args cut]"));
	free(text);
}

/* report's Commands tables: a run whose end is not known (its exit lost)
 * adds nothing and says so: "+" beside the runs measured, "?" alone. */
static void test_report_unknown_end(void)
{
	char trace[PATH_MAX], *text;
	char *report[] = {"report", trace, NULL};
	const uint64_t t = 100 * SEC;
	int st;

	snprintf(trace, sizeof(trace), "%s/unknown-end.etr", dir);
	unlink(trace);
	CU_ASSERT_FATAL(synth_open(trace, t) == 0);
	synth_fork(t + 1 * MS, 10, 1, "sh");
	synth_exec(t + 2 * MS, 10, 1, t + 1 * MS, 0, "/usr/bin/w1", "/", ARGS("w1"));
	synth_exit(t + 7 * MS, 10, 1, t + 1 * MS, "w1", 0, 0);
	synth_fork(t + 8 * MS, 11, 1, "sh");
	synth_exec(t + 9 * MS, 11, 1, t + 8 * MS, 0, "/usr/bin/w1", "/", ARGS("w1"));
	synth_fork(t + 10 * MS, 12, 1, "sh");
	synth_exec(t + 11 * MS, 12, 1, t + 10 * MS, 0, "/usr/bin/w2", "/", ARGS("w2"));
	synth_lost(t + 20 * MS, ETR_EV_EXIT, 2);
	CU_ASSERT_FATAL(synth_close(t + 30 * MS) == 0);
	text = output_of(report, &st);
	CU_ASSERT_FATAL(text && st == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "         2    5.00ms+      0  w1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "         1          ?      0  w2\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "0ns"));
	free(text);
}

void durations_tests__register(const char *execrec, const char *tmpdir, bool bpf, bool ci)
{
	CU_pSuite s = CU_add_suite("durations", NULL, NULL);

	bin = execrec;
	dir = tmpdir;
	bpf_ok = bpf;
	required = ci;
	CU_add_test(s, "record -- CMD: one duration everywhere (root, BPF)", test_record_cmd);
	CU_add_test(s, "fexecve: named by comm, not '3' (root, BPF)", test_fexecve);
	CU_add_test(s, "$PATH search misses folded (root, BPF)", test_path_misses);
	CU_add_test(s, "JSON: what was cut, and --env (root, BPF)", test_cut_and_env);
	CU_add_test(s, "tree: a cut cwd is not '[args cut]' (root, BPF)", test_tree_cut_cwd);
	CU_add_test(s, "report: a run with no end seen is '?', not 0ns", test_report_unknown_end);
}
