// SPDX-License-Identifier: MIT
/*
 * How a recording starts, stops and talks, end to end with the real
 * `execrec record` (real BPF, as root): --max-size (every event that fits
 * is kept, the rest counted lost, END says so, `info --verify` passes), a
 * limit too small to start, "--" with no command, --print in timeline's
 * format, and -- CMD waiting for what CMD left running.
 *
 * Every recording here follows its own command only, so what it holds is
 * known.  Skipped (77) without BPF unless EXECREC_REQUIRE_BPF=1.
 *
 * Environment: EXECREC (the execrec binary).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "bpf.h"
#include "run.h"
#include "etr.h"

static const char *execrec_bin;
static char tmpdir[] = "/tmp/er-session-test-XXXXXX";

struct run {
	int status;	/* exit status, or 128 + signal */
	char err[8192]; /* stderr */
	double secs;	/* how long it ran */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs argv to completion, stdout to @out_path (NULL: /dev/null); after
 * @limit_s seconds it gets SIGINT (a recording that would not stop). */
static void run_for(struct run *r, char *const argv[], const char *out_path, double limit_s)
{
	char errp[PATH_MAX];
	double t0 = now_s();
	pid_t pid;
	int st;

	snprintf(errp, sizeof(errp), "%s/stderr", tmpdir);
	pid = fork();
	if (pid == 0) {
		int fd =
		    open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd >= 0)
			dup2(fd, 1);
		fd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0)
			dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	for (bool sent = false;;) {
		pid_t got = waitpid(pid, &st, WNOHANG);

		if (got == pid || (got < 0 && errno != EINTR))
			break;
		if (!sent && now_s() - t0 > limit_s) {
			kill(pid, SIGINT);
			sent = true;
		}
		usleep(10000);
	}
	r->secs = now_s() - t0;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	test_slurp(errp, r->err, sizeof(r->err));
}

static void run(struct run *r, char *const argv[], const char *out_path)
{
	run_for(r, argv, out_path, 120);
}

static void path_in(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", tmpdir, name);
}

/* ------------------------------------------------------------------ */
/* What a trace holds                                                  */
/* ------------------------------------------------------------------ */

struct summary {
	bool opened, ended, have_end;
	uint64_t problems;
	struct etr_end end;
	uint64_t records;	  /* event records, LOST ones included */
	uint64_t by_type[6];	  /* event records by type, LOST aside */
	uint64_t lost_by_type[6]; /* LOST records' counts, by lost_type */
	/* pids of up to 64 exec, exit events, and the argv of the execs */
	uint32_t exec_pid[64], exit_pid[64];
	char exec_argv[64][64];
	size_t nexec, nexit;
};

static void on_problem(void *ctx, const struct etr_problem *p)
{
	((struct summary *)ctx)->problems++;
}

static void summarize(const char *path, struct summary *s)
{
	struct etr_reader_opts o = {.sz = sizeof(o), .problem_cb = on_problem, .problem_ctx = s};
	struct etr_reader *r;
	struct etr_chunk c;

	memset(s, 0, sizeof(*s));
	r = etr_reader__open(path, &o);
	if (!r)
		return;
	s->opened = true;
	while (etr_reader__next_chunk(r, &c) > 0) {
		struct etr_record rec;
		struct etr_event e;

		if (c.type == ETR_CHUNK_END) {
			while (etr_chunk__next_record(&c, &rec) > 0)
				if (!etr_record__end(&rec, &s->end))
					s->have_end = true;
			continue;
		}
		if (c.type != ETR_CHUNK_EVENTS)
			continue;
		while (etr_chunk__next_event(&c, &e) > 0) {
			s->records++;
			if (e.type == ETR_EV_LOST) {
				s->lost_by_type[e.lost_type < 6 ? e.lost_type : 0] += e.lost_count;
				continue;
			}
			s->by_type[e.type < 6 ? e.type : 0]++;
			if (e.type == ETR_EV_EXEC && s->nexec < 64) {
				size_t n = e.argv.len < 63 ? e.argv.len : 63;

				memcpy(s->exec_argv[s->nexec], e.argv.ptr, n);
				s->exec_argv[s->nexec][n] = 0;
				for (size_t i = 0; i + 1 < n; i++)
					if (!s->exec_argv[s->nexec][i])
						s->exec_argv[s->nexec][i] = ' ';
				s->exec_pid[s->nexec++] = e.pid;
			}
			if (e.type == ETR_EV_EXIT && s->nexit < 64)
				s->exit_pid[s->nexit++] = e.pid;
		}
	}
	s->ended = etr_reader__ended_cleanly(r);
	etr_reader__free(r);
}

/* The pid of the exec whose argv (NULs as spaces) is @argv; 0 if none. */
static uint32_t exec_of(const struct summary *s, const char *argv)
{
	for (size_t i = 0; i < s->nexec; i++)
		if (!strcmp(s->exec_argv[i], argv))
			return s->exec_pid[i];
	return 0;
}

static bool exited(const struct summary *s, uint32_t pid)
{
	for (size_t i = 0; i < s->nexit; i++)
		if (s->exit_pid[i] == pid)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* --max-size                                                          */
/* ------------------------------------------------------------------ */

/* What the start of a trace needs here, from the refusal of a 4K limit
 * (which is itself checked: one line, exit 2, no file left). */
static uint64_t start_needs(void)
{
	char path[PATH_MAX];
	char *rec[] = {(char *)execrec_bin, "record", "-o", path, "--max-size", "4K", "--",
		       "/bin/true",	    NULL};
	struct run r;
	struct stat st;
	const char *p;

	path_in(path, "small.etr");
	run(&r, rec, NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	p = strstr(r.err, "--max-size 4K is too small: the start of the trace");
	CU_ASSERT_PTR_NOT_NULL(p);
	/* one line */
	CU_ASSERT(strchr(r.err, '\n') && strchr(r.err, '\n')[1] == 0);
	CU_ASSERT(stat(path, &st) != 0 && errno == ENOENT);
	p = p ? strstr(p, "needs ") : NULL;
	return p ? strtoull(p + 6, NULL, 10) * 1024 : 0;
}

static void test_limit_too_small(void)
{
	CU_ASSERT(start_needs() > 4096);
}

/*
 * The same command recorded without a limit and under @limit_kib: under
 * the limit every event is in the file or counted lost, type by type, END
 * says "size limit" and counts the file, `info --verify` passes and names
 * the status, and the file is filled to near the limit.
 */
static void limit_case(const char *name, const char *script, char *const extra[], bool at_end)
{
	char full[PATH_MAX], lim[PATH_MAX], limit_s[32], out[PATH_MAX], text[16384];
	char *ref[] = {(char *)execrec_bin, "record", "-q",	      "-o", full, "--",
		       "/bin/sh",	    "-c",     (char *)script, NULL};
	char *rec[24] = {(char *)execrec_bin, "record", "-o", lim, "--max-size", limit_s};
	char *info[] = {(char *)execrec_bin, "info", "--verify", lim, NULL};
	char *report[] = {(char *)execrec_bin, "report", "--color=never", lim, NULL};
	char *report_md[] = {(char *)execrec_bin, "report", "--markdown", lim, NULL};
	char *report_json[] = {(char *)execrec_bin, "report", "--json", lim, NULL};
	struct summary a, b;
	struct run r;
	struct stat st;
	uint64_t limit, need = start_needs(), kept = 0, lost = 0;
	char line[160];

	if (!need)
		need = 16384; /* start_needs() failed; the rest is checked anyway */
	int n = 6;

	snprintf(full, sizeof(full), "%s/%s-full.etr", tmpdir, name);
	snprintf(lim, sizeof(lim), "%s/%s-limit.etr", tmpdir, name);
	for (int i = 0; extra[i]; i++)
		rec[n++] = extra[i];
	rec[n++] = "--";
	rec[n++] = "/bin/sh";
	rec[n++] = "-c";
	rec[n++] = (char *)script;
	rec[n] = NULL;

	run(&r, ref, NULL);
	CU_ASSERT_EQUAL_FATAL(r.status, 0);
	/* the limit halfway between the start of the trace and its whole */
	CU_ASSERT_FATAL(stat(full, &st) == 0);
	CU_ASSERT_FATAL((uint64_t)st.st_size > need + 4096);
	limit = (need + (uint64_t)st.st_size) / 2;
	snprintf(limit_s, sizeof(limit_s), "%llu", (unsigned long long)limit);
	summarize(full, &a);
	CU_ASSERT_TRUE(a.ended);
	CU_ASSERT_EQUAL(
	    a.lost_by_type[0] + a.lost_by_type[1] + a.lost_by_type[3] + a.lost_by_type[4], 0);

	run(&r, rec, NULL);
	/* a size limit is a normal end: CMD's status */
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "reached --max-size"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "past --max-size"));
	CU_ASSERT_FATAL(stat(lim, &st) == 0);
	CU_ASSERT((uint64_t)st.st_size <= limit);
	/* every event that fits: not a chunk's worth short of the limit */
	CU_ASSERT((uint64_t)st.st_size + 2048 >= limit);
	summarize(lim, &b);
	CU_ASSERT_TRUE(b.ended);
	CU_ASSERT_EQUAL(b.problems, 0);
	CU_ASSERT_TRUE_FATAL(b.have_end);
	CU_ASSERT_EQUAL(b.end.status, ETR_END_SIZE_LIMIT);
	CU_ASSERT_EQUAL(b.end.events, b.records);
	CU_ASSERT(b.by_type[ETR_EV_EXEC] > 0);
	/* what did not fit is counted, type by type */
	CU_ASSERT(b.lost_by_type[ETR_EV_EXEC] + b.lost_by_type[ETR_EV_EXIT] > 0);
	for (int t = ETR_EV_EXEC; t <= ETR_EV_EXIT; t++) {
		kept += b.by_type[t];
		lost += b.lost_by_type[t];
		/* stopped at the end: all of it, kept or counted; mid-run,
		 * what ran after the stop is not part of the recording */
		if (at_end) {
			CU_ASSERT_EQUAL(b.by_type[t] + b.lost_by_type[t], a.by_type[t]);
		} else {
			CU_ASSERT(b.by_type[t] + b.lost_by_type[t] <= a.by_type[t]);
		}
	}
	/* the summary says what the file holds */
	snprintf(line, sizeof(line),
		 "execrec record: %llu events, %llu lost (%llu past --max-size)",
		 (unsigned long long)kept, (unsigned long long)lost, (unsigned long long)lost);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, line));

	path_in(out, "info.out");
	run(&r, info, out);
	CU_ASSERT_EQUAL(r.status, 0);
	test_slurp(out, text, sizeof(text));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "status 1 (stopped at the size limit"));
	/* whole and readable, but not "ended cleanly" */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "every record good, stopped at the size limit"));
	CU_ASSERT_PTR_NULL(strstr(text, "ended cleanly"));

	/* report says so too, not "ended cleanly" */
	path_in(out, "report.out");
	run(&r, report, out);
	CU_ASSERT_EQUAL(r.status, 0);
	test_slurp(out, text, sizeof(text));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "stopped at the size limit (--max-size)"));
	CU_ASSERT_PTR_NULL(strstr(text, "ended cleanly"));
	/* and its JSON, why it ended */
	path_in(out, "report.json");
	run(&r, report_json, out);
	CU_ASSERT_EQUAL(r.status, 0);
	test_slurp(out, text, sizeof(text));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\"end_status\":\"size_limit\""));
	/* and the report to paste */
	path_in(out, "report.md");
	run(&r, report_md, out);
	CU_ASSERT_EQUAL(r.status, 0);
	test_slurp(out, text, sizeof(text));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "stopped at the size limit (--max-size)"));
	CU_ASSERT_PTR_NULL(strstr(text, "ended cleanly"));
}

/* The first case: every event still in the open chunk when the
 * command ends, which alone is over the limit. */
static void test_limit_at_the_end(void)
{
	char *extra[] = {"--flush-interval", "1h", NULL};

	limit_case("end", "for i in $(seq 1000); do /bin/echo x; done >/dev/null", extra, true);
}

/* The limit reached while the command runs, chunk after chunk. */
static void test_limit_mid_run(void)
{
	char *extra[] = {"--flush-interval", "100ms", NULL};

	limit_case("mid",
		   "for i in $(seq 200); do /bin/echo x; /bin/echo y; sleep 0.01; done >/dev/null",
		   extra, false);
}

/* ------------------------------------------------------------------ */
/* The command line                                                    */
/* ------------------------------------------------------------------ */

static void test_no_command(void)
{
	char path[PATH_MAX];
	char *rec[] = {(char *)execrec_bin, "record", "-o", path, "--", NULL};
	struct run r;
	struct stat st;

	path_in(path, "nocmd.etr");
	run_for(&r, rec, NULL, 5);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_STRING_EQUAL(r.err, "execrec record: no command after --\n");
	CU_ASSERT(r.secs < 5);
	CU_ASSERT(stat(path, &st) != 0 && errno == ENOENT);
}

/* ------------------------------------------------------------------ */
/* --print                                                             */
/* ------------------------------------------------------------------ */

/* Line @i of @text (0-based) into @buf, without its '\n'; false past the end. */
static bool line_at(const char *text, int i, char *buf, size_t len)
{
	const char *p = text, *e;

	while (i-- > 0) {
		p = strchr(p, '\n');
		if (!p)
			return false;
		p++;
	}
	if (!*p)
		return false;
	e = strchr(p, '\n');
	if (!e)
		e = p + strlen(p);
	snprintf(buf, len, "%.*s", (int)(e - p), p);
	return true;
}

/*
 * A program whose name (so its comm) and arguments hold control
 * characters: --print escapes them, names events as timeline does, and
 * prints every line exactly as `timeline --wallclock --path-misses` prints
 * it from the trace (but the time, taken from another clock reading): a
 * failed exec of a $PATH search is printed as it comes, before the search
 * finds the program.
 */
static void test_print_is_timeline(void)
{
	static char evil[] = "\033[2J\033[31mX\nY\tZ";
	char dir[PATH_MAX], link[PATH_MAX + 32], path[PATH_MAX], out[PATH_MAX], tl[PATH_MAX];
	char *rec[] = {
	    (char *)execrec_bin,
	    "record",
	    "-q",
	    "--print",
	    "-o",
	    path,
	    "--",
	    "/bin/sh",
	    "-c",
	    "/nonexistent/er-missing 2>/dev/null; env PATH=/nonexistent-er:/usr/bin:/bin "
	    "true; exec \"$0\" \"$1\"",
	    link,
	    evil,
	    NULL};
	char *timeline[] = {(char *)execrec_bin, "timeline", "--wallclock", "--path-misses",
			    "--color=never",	 path,	     NULL};
	static char printed[65536], shown[65536];
	char a[4096], b[4096];
	struct run r;
	int lines = 0;

	path_in(dir, "print");
	mkdir(dir, 0755);
	snprintf(link, sizeof(link), "%s/%s", dir, evil);
	CU_ASSERT_FATAL(symlink("/bin/true", link) == 0);
	path_in(path, "print.etr");
	path_in(out, "print.out");
	path_in(tl, "timeline.out");
	run(&r, rec, out);
	CU_ASSERT_EQUAL(r.status, 0);
	test_slurp(out, printed, sizeof(printed));
	run(&r, timeline, tl);
	CU_ASSERT_EQUAL(r.status, 0);
	test_slurp(tl, shown, sizeof(shown));

	/* nothing but printable text and line ends reaches the terminal */
	for (const char *p = printed; *p; p++)
		CU_ASSERT_FATAL(*p == '\n' || ((unsigned char)*p >= ' ' && *p != 0x7f));
	CU_ASSERT_PTR_NOT_NULL(strstr(printed, "exec_fail"));
	CU_ASSERT_PTR_NULL(strstr(printed, "exec-fail"));
	CU_ASSERT_PTR_NOT_NULL(strstr(printed, "/nonexistent-er/true"));
	/* line for line the timeline's, time aside (15 columns) */
	for (int i = 0; line_at(printed, i, a, sizeof(a)); i++) {
		CU_ASSERT_TRUE(line_at(shown, i, b, sizeof(b)));
		if (strlen(a) > 15 && strlen(b) > 15) {
			CU_ASSERT_STRING_EQUAL(a + 15, b + 15);
		} else {
			CU_ASSERT_STRING_EQUAL(a, b);
		}
		lines++;
	}
	CU_ASSERT_FALSE(line_at(shown, lines, b, sizeof(b)));
	/* the header; sh's exec, the failed exec, the link's exec, the exit */
	CU_ASSERT(lines >= 5);
	unlink(link);
}

/* ------------------------------------------------------------------ */
/* -- CMD and what it leaves running                                    */
/* ------------------------------------------------------------------ */

static const char bg_script[] = "(sleep 0.3; /bin/echo late-child) & exit 0";

/* The case: the recording waits for the background job. */
static void test_waits_for_orphans(void)
{
	char path[PATH_MAX], out[PATH_MAX], text[8192];
	char *rec[] = {(char *)execrec_bin, "record", "-o", path, "--", "/bin/sh", "-c",
		       (char *)bg_script,   NULL};
	char *tree[] = {(char *)execrec_bin, "tree", "--color=never", path, NULL};
	struct summary s;
	uint32_t sleep_pid, echo_pid;
	struct run r;

	path_in(path, "bg.etr");
	run(&r, rec, NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	/* it said what it waited for */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "recording until what it left running exits"));
	summarize(path, &s);
	CU_ASSERT_TRUE(s.ended);
	sleep_pid = exec_of(&s, "sleep 0.3");
	echo_pid = exec_of(&s, "/bin/echo late-child");
	CU_ASSERT_NOT_EQUAL(sleep_pid, 0);
	CU_ASSERT_NOT_EQUAL(echo_pid, 0);
	CU_ASSERT_TRUE(exited(&s, sleep_pid));
	CU_ASSERT_TRUE(exited(&s, echo_pid));
	/* and the tree shows them exited, nothing running */
	path_in(out, "tree.out");
	run(&r, tree, out);
	CU_ASSERT_EQUAL(r.status, 0);
	test_slurp(out, text, sizeof(text));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "late-child"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "sleep"));
	CU_ASSERT_PTR_NULL(strstr(text, "running"));
	CU_ASSERT_PTR_NULL(strstr(text, "no exit seen"));
}

/* --stop-on-cmd-exit: the old behaviour, CMD's end is the recording's. */
static void test_stop_on_cmd_exit(void)
{
	char path[PATH_MAX];
	char *rec[] = {(char *)execrec_bin,
		       "record",
		       "-q",
		       "--stop-on-cmd-exit",
		       "-o",
		       path,
		       "--",
		       "/bin/sh",
		       "-c",
		       (char *)bg_script,
		       NULL};
	struct summary s;
	struct run r;

	path_in(path, "bg-stop.etr");
	run(&r, rec, NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	summarize(path, &s);
	CU_ASSERT_TRUE(s.ended);
	CU_ASSERT_NOT_EQUAL(exec_of(&s, "/bin/sh -c (sleep 0.3; /bin/echo late-child) & exit 0"),
			    0);
	CU_ASSERT_EQUAL(exec_of(&s, "/bin/echo late-child"), 0);
	/* let the job end before the next test */
	usleep(400000);
}

/* --move-to: the ended trace moves (its directory made), the summary
 * names where it is; a place that cannot be written leaves it at -o and
 * says so; with -o - there is no file to move. */
static void test_move_to(void)
{
	char path[PATH_MAX], kept[PATH_MAX], where[PATH_MAX + 32];
	char *rec[] = {(char *)execrec_bin, "record",	"-o", path, "--move-to", kept, "--",
		       "/bin/true",	    "er-moved", NULL};
	char *bad[] = {(char *)execrec_bin,	     "record", "-q",	    "-o", path, "--move-to",
		       "/proc/er-nonexistent/m.etr", "--",     "/bin/true", NULL};
	char *piped[] = {(char *)execrec_bin, "record", "-o", "-", "--move-to", kept, "--",
			 "/bin/true",	      NULL};
	struct summary s;
	struct run r;
	struct stat st;

	path_in(path, "move.etr");
	path_in(kept, "boots/moved.etr");
	run(&r, rec, NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT(stat(path, &st) != 0 && errno == ENOENT);
	snprintf(where, sizeof(where), "written to %s (", kept);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, where));
	summarize(kept, &s);
	CU_ASSERT_TRUE(s.ended);
	CU_ASSERT_NOT_EQUAL(exec_of(&s, "/bin/true er-moved"), 0);

	/* cannot be moved: kept where it was recorded, one line */
	run(&r, bad, NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "cannot move"));
	CU_ASSERT(strchr(r.err, '\n') && strchr(r.err, '\n')[1] == 0);
	summarize(path, &s);
	CU_ASSERT_TRUE(s.ended);

	run(&r, piped, NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--move-to"));
}

/* The datagrams a service manager got on @fd, in order, into @buf ("|"
 * between two); how many. */
static int notify_messages(int fd, char *buf, size_t len)
{
	int n = 0;

	buf[0] = 0;
	for (;;) {
		char m[512];
		ssize_t got = recv(fd, m, sizeof(m) - 1, MSG_DONTWAIT);

		if (got < 0)
			return n;
		m[got] = 0;
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", n++ ? "|" : "", m);
	}
}

/* Whether every thread of @pid has scheduling policy @policy. */
static bool threads_policy(pid_t pid, int policy)
{
	char dir[64];
	struct dirent *e;
	bool all = true;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	d = opendir(dir);
	if (!d)
		return false;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			n++;
			all &= sched_getscheduler((pid_t)atoi(e->d_name)) == policy;
		}
	closedir(d);
	return all && n > 0;
}

/* --notify-ready=start without CMD (here -p, as the boot service records
 * the whole system): ready at once, the programs loaded at idle priority,
 * and every thread back to the usual policy once they are attached. */
static void notify_idle_load(int fd, const char *path)
{
	char pidarg[16], msgs[2048], all[4096] = "";
	char *follow[] = {(char *)execrec_bin,	  "record", "-q",   "-f", "-o", (char *)path,
			  "--notify-ready=start", "-p",	    pidarg, NULL};
	bool saw_idle = false, attached = false;
	pid_t sleeper, rec;
	int st = -1;

	sleeper = fork();
	if (sleeper == 0) {
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	CU_ASSERT_FATAL(sleeper > 0);
	snprintf(pidarg, sizeof(pidarg), "%d", (int)sleeper);
	rec = fork();
	if (rec == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execv(follow[0], follow);
		_exit(127);
	}
	CU_ASSERT_FATAL(rec > 0);
	/* the load takes tens of milliseconds: polled every millisecond */
	for (int i = 0; i < 30000 && !attached; i++) {
		if (sched_getscheduler(rec) == SCHED_IDLE)
			saw_idle = true;
		if (notify_messages(fd, msgs, sizeof(msgs)))
			snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s",
				 all[0] ? "|" : "", msgs);
		attached = strstr(all, "STATUS=recording") != NULL;
		usleep(1000);
	}
	CU_ASSERT_TRUE(saw_idle);
	CU_ASSERT_STRING_EQUAL(all, "READY=1\nSTATUS=starting|READY=1\nSTATUS=recording");
	CU_ASSERT_TRUE(threads_policy(rec, SCHED_OTHER));
	/* the followed process ends: so does the recording */
	kill(sleeper, SIGKILL);
	waitpid(sleeper, NULL, 0);
	waitpid(rec, &st, 0);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* --notify-ready, as the main process of a Type=notify service (what the
 * boot service is): READY=1 once the programs are attached by default, so
 * a recorder that cannot load them sends none; with "start" at once, even
 * then, and "recording" follows as the status once attached. */
static void test_notify_ready(void)
{
	char path[PATH_MAX], sock[PATH_MAX], msgs[2048];
	char *att[] = {(char *)execrec_bin, "record", "-q", "-f", "-o", path, "--",
		       "/bin/true",	    NULL};
	char *start[] = {(char *)execrec_bin,	 "record", "-q",	"-f", "-o", path,
			 "--notify-ready=start", "--",	   "/bin/true", NULL};
	char *att_bad[] = {(char *)execrec_bin, "record", "-q",	       "-f", "-o", path,
			   "--btf=/dev/null",	"--",	  "/bin/true", NULL};
	char *start_bad[] = {
	    (char *)execrec_bin,    "record", "-q",	   "-f", "-o", path, "--btf=/dev/null",
	    "--notify-ready=start", "--",     "/bin/true", NULL};
	char *bogus[] = {(char *)execrec_bin,	"record", "-q",	       "-o", path,
			 "--notify-ready=soon", "--",	  "/bin/true", NULL};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct summary s;
	struct run r;
	int fd;

	path_in(path, "notify.etr");
	path_in(sock, "notify.sock");
	CU_ASSERT_FATAL(strlen(sock) < sizeof(sa.sun_path));
	strcpy(sa.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	setenv("NOTIFY_SOCKET", sock, 1);

	/* the programs not loaded (--btf=/dev/null is not BTF): never ready
	 * by default, ready all the same with "start" */
	const struct {
		char **argv;
		int status;
		const char *msgs;
	} cases[] = {
	    {att, 0, "READY=1\nSTATUS=recording"},
	    {start, 0, "READY=1\nSTATUS=starting|READY=1\nSTATUS=recording"},
	    {att_bad, 1, ""},
	    {start_bad, 1, "READY=1\nSTATUS=starting"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(&r, cases[i].argv, NULL);
		CU_ASSERT_EQUAL(r.status, cases[i].status);
		notify_messages(fd, msgs, sizeof(msgs));
		CU_ASSERT_STRING_EQUAL(msgs, cases[i].msgs);
		if (cases[i].status)
			continue;
		summarize(path, &s);
		CU_ASSERT_TRUE(s.ended);
		CU_ASSERT_NOT_EQUAL(exec_of(&s, "/bin/true"), 0);
	}

	run(&r, bogus, NULL);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "--notify-ready: 'soon' is not attached or start"));
	CU_ASSERT_EQUAL(notify_messages(fd, msgs, sizeof(msgs)), 0);

	notify_idle_load(fd, path);

	unsetenv("NOTIFY_SOCKET");
	close(fd);
	unlink(sock);
}

/* CMD that cannot be run: one line naming it and why, exit 126 as a shell
 * gives, and the failed exec is in the trace; CMD not found: 127, no file. */
static void test_cmd_not_run(void)
{
	char path[PATH_MAX];
	char *rec[] = {(char *)execrec_bin, "record", "-q", "-o", path, "--", "/etc/passwd", NULL};
	char *missing[] = {(char *)execrec_bin,	 "record", "-q", "-o", path, "--",
			   "er-no-such-command", NULL};
	struct summary s;
	struct run r;
	struct stat st;

	path_in(path, "not-run.etr");
	run(&r, rec, NULL);
	CU_ASSERT_EQUAL(r.status, 126);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "cannot run /etc/passwd: Permission denied"));
	CU_ASSERT(strchr(r.err, '\n') && strchr(r.err, '\n')[1] == 0);
	summarize(path, &s);
	CU_ASSERT_TRUE(s.ended);
	CU_ASSERT(s.by_type[ETR_EV_EXEC_FAIL] > 0);
	unlink(path);
	run(&r, missing, NULL);
	CU_ASSERT_EQUAL(r.status, 127);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "er-no-such-command: command not found"));
	CU_ASSERT(stat(path, &st) != 0 && errno == ENOENT);
}

/* On a terminal (script(1) gives one), the status line names what the
 * recording still waits for. */
static void test_status_line_waiting(void)
{
	char path[PATH_MAX], out[PATH_MAX], line[2 * PATH_MAX + 128];
	static char text[65536];
	char *script[] = {"/usr/bin/script", "-qec", line, "/dev/null", NULL};
	struct run r;

	path_in(path, "bg-status.etr");
	path_in(out, "status.out");
	snprintf(line, sizeof(line), "%s record -o %s -- /bin/sh -c '/bin/sleep 1 & exit 0'",
		 execrec_bin, path);
	run(&r, script, out);
	CU_ASSERT_EQUAL(r.status, 0);
	test_slurp(out, text, sizeof(text));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "lost  waiting for sleep ("));
}

/* What CMD leaves running is waited for only until --duration. */
static void test_orphans_bounded(void)
{
	char path[PATH_MAX];
	char *rec[] = {
	    (char *)execrec_bin,      "record", "-o", path, "-d", "1", "--", "/bin/sh", "-c",
	    "/bin/sleep 30 & exit 0", NULL};
	struct summary s;
	uint32_t pid;
	struct run r;

	path_in(path, "bg-bounded.etr");
	run(&r, rec, NULL);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT(r.secs < 10);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "stopped while sleep ("));
	summarize(path, &s);
	CU_ASSERT_TRUE(s.ended);
	pid = exec_of(&s, "/bin/sleep 30");
	CU_ASSERT_NOT_EQUAL_FATAL(pid, 0);
	CU_ASSERT_FALSE(exited(&s, pid));
	kill((pid_t)pid, SIGKILL);
}

/* ------------------------------------------------------------------ */

int main(void)
{
	CU_pSuite s;
	char why[4096];
	unsigned fails;

	execrec_bin = getenv("EXECREC");
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
	if (!test_bpf__works(execrec_bin, tmpdir, why, sizeof(why))) {
		if (!test_bpf__required()) {
			printf("record-session: SKIPPED, BPF not available: %s\n", why);
			CU_cleanup_registry();
			return test_rm_rf(tmpdir) ? 1 : 77;
		}
		fprintf(stderr, "record-session: BPF not available: %s\n", why);
		s = CU_add_suite("record-session", NULL, NULL);
		CU_add_test(s, "BPF available", test_bpf__missing);
	} else {
		s = CU_add_suite("record-session", NULL, NULL);
		CU_add_test(s, "--max-size below the start of the trace", test_limit_too_small);
		CU_add_test(s, "--max-size reached by the last chunk", test_limit_at_the_end);
		CU_add_test(s, "--max-size reached mid-run", test_limit_mid_run);
		CU_add_test(s, "-- with no command", test_no_command);
		CU_add_test(s, "--print is timeline's format", test_print_is_timeline);
		CU_add_test(s, "-- CMD waits for what CMD left running", test_waits_for_orphans);
		CU_add_test(s, "the status line says what it waits for", test_status_line_waiting);
		CU_add_test(s, "--stop-on-cmd-exit", test_stop_on_cmd_exit);
		CU_add_test(s, "waiting is bounded by --duration", test_orphans_bounded);
		CU_add_test(s, "--move-to", test_move_to);
		CU_add_test(s, "--notify-ready", test_notify_ready);
		CU_add_test(s, "CMD that cannot be run, or found", test_cmd_not_run);
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	test_rm_rf(tmpdir);
	return fails ? 1 : 0;
}
