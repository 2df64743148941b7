// SPDX-License-Identifier: MIT
/*
 * execrec record: the front end of record/'s recording session
 * (record/session.h).  The options are record_args.c's, the talking
 * (errors, the status line, --print, the summary) record_view.c's; the
 * session does the recording.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "commands.h"
#include "common/parse.h"
#include "record_args.h"
#include "record_view.h"
#include "redact.h"
#include "sdstate.h"

#define PROG "execrec record"

/* libbpf's messages (the verifier's log among them) with EXECREC_DEBUG. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

/* With --notify-ready=start nothing waits for the recorder, and nothing
 * should wait behind it for a CPU either: the programs are loaded at idle
 * priority (SCHED_IDLE: only when a CPU has nothing else to run), and every
 * thread goes back to the policy it had once they are attached, so that the
 * ring buffer is drained and written at the usual priority.  (The boot
 * service's EXECREC_BOOT_WAIT=no.) */
static struct {
	bool on;
	int policy;
	struct sched_param param;
} idle_start;

static void idle_start__begin(void)
{
	struct sched_param idle = {0};

	idle_start.policy = sched_getscheduler(0);
	if (idle_start.policy < 0 || sched_getparam(0, &idle_start.param))
		return;
	idle_start.on = !sched_setscheduler(0, SCHED_IDLE, &idle);
}

static void idle_start__end(void)
{
	struct dirent *e;
	DIR *d;

	if (!idle_start.on)
		return;
	idle_start.on = false;
	/* the trace writer's thread started meanwhile, idle too (a thread
	 * inherits its creator's policy) */
	d = opendir("/proc/self/task");
	if (!d) {
		sched_setscheduler(0, idle_start.policy, &idle_start.param);
		return;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			sched_setscheduler((pid_t)atoi(e->d_name), idle_start.policy,
					   &idle_start.param);
	closedir(d);
}

static void on_note(void *ctx, struct rec_session *s, enum rec_session_note note, uint64_t now)
{
	struct record_view *v = ctx;
	char what[160];

	if (note == REC_SESSION_ATTACHED) {
		/* Under systemd (Type=notify): ready once attached, so units
		 * ordered after this one are recorded whole, and wait no
		 * longer than that (the snapshot is written meanwhile).  With
		 * --notify-ready=start this only updates the status. */
		sd_notify_ready("recording");
		idle_start__end();
	} else if (note == REC_SESSION_READY) {
		v->start_ns = v->prev_ns = now;
	} else if (note == REC_SESSION_TICK) {
		record_view__status(v, s, now);
	} else if (note == REC_SESSION_CMD_EXITED && !v->quiet) {
		rec_session__waiting(s, what, sizeof(what));
		record_view__clear(v);
		fprintf(stderr,
			PROG ": %s exited; recording until what it left running exits: %s\n",
			v->cmd, what);
	}
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A count from the environment variable @name (unset: 0); one line and
 * -EINVAL if it is not one. */
static int env_count(const char *name, uint64_t max, uint64_t *ret)
{
	const char *s = getenv(name);

	*ret = 0;
	if (!s || !*s)
		return 0;
	if (ec_parse_count(s, max, ret)) {
		fprintf(stderr, PROG ": %s: '%s' is not a count from 0 to %" PRIu64 "\n", name, s,
			max);
		return -EINVAL;
	}
	return 0;
}

/* The session's and the recorder's options beyond the command line's. */
static int setup(struct record_args *a, struct record_view *v, int argc, char **argv)
{
	uint64_t n;

	libbpf_set_print(getenv("EXECREC_DEBUG") ? libbpf_log : NULL);
	/* test knobs: a ring that overflows, a kretprobe that misses */
	if (env_count("EXECREC_RINGBUF_BYTES", UINT32_MAX, &n))
		return -1;
	a->ro.ringbuf_bytes = (uint32_t)n;
	if (env_count("EXECREC_KRETPROBE_MAXACTIVE", 4096, &n))
		return -1;
	a->ro.kretprobe_maxactive = (int)n;
	if (strcmp(a->output, "-")) {
		a->so.output = a->output;
	} else if (isatty(STDOUT_FILENO)) {
		fprintf(stderr, PROG ": refusing to write a binary trace to a terminal; redirect "
				     "standard output or use -o FILE\n");
		return -1;
	} else {
		a->so.fd = STDOUT_FILENO;
		a->so.cmd_stdout_to_stderr = true;
	}
	a->so.pids = a->pids;
	a->so.search_path = getenv("PATH");
	a->so.recorder = &a->ro;
	a->so.note = on_note;
	a->so.note_ctx = v;
	if (a->until_boot) {
		a->boot.quiet = a->quiet;
		a->so.until = boot_check;
		a->so.until_ctx = &a->boot;
	}
	/* the recorder's own command line, as the dispatcher got it */
	a->ro.argc = argc + 1;
	a->ro.argv = argv - 1;
	v->output = a->output;
	v->cmd = a->so.cmd ? a->so.cmd[0] : NULL;
	v->max_size_arg = a->max_size_arg;
	v->move_to = a->so.move_to;
	v->quiet = a->quiet;
	v->status = !a->quiet && isatty(STDERR_FILENO);
	v->out = a->so.output ? stdout : stderr;
	v->boot_to_real_ns = (int64_t)now_ns(CLOCK_REALTIME) - (int64_t)now_ns(CLOCK_BOOTTIME);
	if (a->print) {
		a->ro.event_cb = record_view__event;
		a->ro.event_ctx = v;
		record_view__print_header(v);
	}
	return 0;
}

/* With CMD, its status; a recording that failed is never a success. */
static int exit_status(const struct rec_session_result *res, int err)
{
	int st = res->cmd_status;

	if (!res->have_cmd)
		return err ? 1 : 0;
	if (WIFEXITED(st))
		return WEXITSTATUS(st) ? WEXITSTATUS(st) : err ? 1 : 0;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
}

int cmd_record(int argc, char **argv)
{
	struct record_args a = {.so = {.sz = sizeof(a.so)}, .ro = {.sz = sizeof(a.ro)}};
	uint64_t t_start = now_ns(CLOCK_MONOTONIC);
	struct record_view v = {0};
	struct rec_session_failure f;
	struct rec_session_result res;
	enum recorder_problem problem;
	struct rec_session *s;
	struct utsname u;
	int ret = 2, err;

	if (record_args__parse(&a, argc, argv))
		goto out;
	/* Before anything that takes time: the programs' load is what the
	 * units ordered after a boot service would wait for. */
	if (a.ready_at_start) {
		sd_notify_ready("starting");
		/* not with CMD: forked before the programs load, it would
		 * inherit the idle policy */
		if (!a.so.cmd)
			idle_start__begin();
	}
	ret = 1;
	if (recorder__check(&problem) && !(problem == RECORDER_NO_BTF && a.ro.btf_path)) {
		fprintf(stderr, PROG ": Linux %s: %s\n",
			uname(&u) ? "(unknown release)" : u.release,
			recorder__problem_str(problem));
		goto out;
	}
	if (setup(&a, &v, argc, argv))
		goto out;
	s = rec_session__start(&a.so, &f);
	if (!s) {
		ret = record_view__failure(&v, &f, &a.ro);
		goto out;
	}
	rec_session__result(s, &res);
	if (res.output_mode_err)
		fprintf(stderr, PROG ": warning: cannot make %s mode 0600: %s\n", a.output,
			strerror(-res.output_mode_err));
	err = rec_session__run(s);
	record_view__summary(&v, s, t_start);
	rec_session__result(s, &res);
	ret = exit_status(&res, err);
	rec_session__free(s);
out:
	record_view__free(&v);
	redactor__free(a.ro.redact);
	return ret;
}
