// SPDX-License-Identifier: MIT
/*
 * A recording session (session.h): the recorder's life from the output
 * file to the moved trace, with the stops a front end or a boot service
 * asks for.  The loop drains the ring buffer and, between drains, looks at
 * the flags the signal handlers set, CMD and its tree, the clock and the
 * caller's condition; nothing here prints.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/macros.h"
#include "common/opts.h"
#include "internal.h"
#include "session.h"

/* After CMD exited, a stop signal leaves what it left running this long to
 * end (a terminal's ^C reached it too) before the recording stops. */
#define GRACE_NS 500000000ull
#define SWEEP_NS 1000000000ull

/* What the handlers saw; one session runs at a time (session.h). */
static volatile sig_atomic_t stop_signal;   /* a signal asked us to stop */
static volatile sig_atomic_t stop_count;    /* how many such signals */
static volatile sig_atomic_t forward_sig;   /* a signal to pass on to CMD */
static volatile sig_atomic_t child_changed; /* SIGCHLD seen */

static const int handled[] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE};
#define NHANDLED ARRAY_SIZE(handled)

struct rec_session {
	struct rec_session_opts o;
	struct recorder_opts ro;
	struct recorder *r;
	int fd;
	bool created; /* the output is ours to remove if nothing is recorded */
	struct sigaction old[NHANDLED];
	bool handlers;
	pid_t child;
	int gate;     /* CMD's start pipe, until it is released */
	int exec_err; /* CMD's exec-failure report */
	bool child_done;
	bool waiting; /* for what CMD left running */
	struct rec_wait wait;
	struct rec_session_result res;
	char *options_text, *target_text; /* made for the metadata */
};

static void on_stop(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	stop_signal = sig;
	stop_count++;
	/* A signal from the terminal reached CMD too (same process group); one
	 * sent to us alone is passed on, so CMD ends and we record its end. */
	if (si && si->si_code == SI_USER)
		forward_sig = sig;
}

static void on_child(int sig)
{
	(void)sig;
	child_changed = 1;
}

static int install_handlers(struct rec_session *s)
{
	struct sigaction sa;
	size_t i;

	stop_signal = stop_count = forward_sig = child_changed = 0;
	for (i = 0; i < NHANDLED; i++) {
		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		if (handled[i] == SIGCHLD) {
			sa.sa_handler = on_child;
			sa.sa_flags = SA_NOCLDSTOP;
		} else if (handled[i] == SIGPIPE) {
			/* a closed stdout pipe is a write error, not a death */
			sa.sa_handler = SIG_IGN;
		} else {
			/* No SA_RESTART: the poll must return to see the flag. */
			sa.sa_sigaction = on_stop;
			sa.sa_flags = SA_SIGINFO;
		}
		if (sigaction(handled[i], &sa, &s->old[i])) {
			int err = -errno;

			while (i--)
				sigaction(handled[i], &s->old[i], NULL);
			return err;
		}
	}
	s->handlers = true;
	return 0;
}

/* The caller's options, of any size it was built with (common/opts.h). */
static int read_opts(struct rec_session *s, const struct rec_session_opts *u)
{
	struct rec_session_opts *o = &s->o;

	if (!u || !EC_OPTS_VALID(u, struct rec_session_opts))
		return -EINVAL;
	o->sz = sizeof(*o);
#define GET(f) o->f = EC_OPTS_GET(u, f, o->f)
	GET(output);
	GET(fd);
	GET(force);
	GET(cmd);
	GET(search_path);
	GET(cmd_stdout_to_stderr);
	GET(pids);
	GET(npids);
	GET(recorder);
	GET(duration_ns);
	GET(stop_on_cmd_exit);
	GET(until);
	GET(until_ctx);
	GET(note);
	GET(note_ctx);
	GET(move_to);
#undef GET
	if (!o->recorder || rec_opts_read(&s->ro, o->recorder))
		return -EINVAL;
	if ((o->cmd && (!o->cmd[0] || o->npids)) || (o->npids && !o->pids) ||
	    (o->move_to && !o->output) || (!o->output && o->fd < 0))
		return -EINVAL;
	return 0;
}

/* The metadata's "options": the effective settings, as text. */
static char *options_text(const struct rec_session *s)
{
	static const char *const btf[] = {"subset", "full", "none"};
	const struct recorder_opts *o = &s->ro;
	uint32_t args = o->max_args_bytes ? o->max_args_bytes : RECORDER_ARGS_DEFAULT;
	char *t = NULL;

	if (asprintf(&t,
		     "max_args_bytes=%u env=%d threads=%d btf=%s flush_interval_ns=%" PRIu64
		     " max_size=%" PRIu64 " duration_ns=%" PRIu64 " level=%d",
		     args, o->env, o->threads, btf[o->btf <= RECORDER_BTF_NONE ? o->btf : 0],
		     o->flush_interval_ns, o->max_bytes, s->o.duration_ns,
		     o->level ? o->level : ETR_DEFAULT_LEVEL) < 0)
		return NULL;
	return t;
}

/* The metadata's "target": CMD's words joined by spaces, or the pids
 * joined by commas; NULL for the whole system. */
static char *target_text(const struct rec_session *s)
{
	size_t len = 1, i;
	char *t, *p;

	if (s->o.cmd) {
		for (i = 0; s->o.cmd[i]; i++)
			len += strlen(s->o.cmd[i]) + 1;
	} else {
		len += s->o.npids * 12;
	}
	if (!s->o.cmd && !s->o.npids)
		return NULL;
	t = p = malloc(len);
	if (!t)
		return NULL;
	*p = 0;
	for (i = 0; s->o.cmd && s->o.cmd[i]; i++)
		p += sprintf(p, "%s%s", i ? " " : "", s->o.cmd[i]);
	for (i = 0; !s->o.cmd && i < s->o.npids; i++)
		p += sprintf(p, "%s%d", i ? "," : "", (int)s->o.pids[i]);
	return t;
}

static void note(struct rec_session *s, enum rec_session_note what, uint64_t now)
{
	if (s->o.note)
		s->o.note(s->o.note_ctx, s, what, now);
}

static void fail(struct rec_session_failure *f, enum rec_session_step step, int err)
{
	if (f) {
		f->step = step;
		f->err = err;
	}
}

static int spawn(struct rec_session *s, struct rec_session_failure *f)
{
	char prog[PATH_MAX];
	int err;

	err = rec_cmd_find(s->o.cmd[0], s->o.search_path, prog, sizeof(prog));
	if (!err) {
		s->child = rec_cmd_spawn_held(prog, s->o.cmd, s->o.cmd_stdout_to_stderr, &s->gate,
					      &s->exec_err);
		err = s->child < 0 ? -errno : 0;
	}
	if (err)
		fail(f, REC_STEP_CMD, err);
	return err;
}

static int follow(struct rec_session *s, struct rec_session_failure *f)
{
	int err;

	if (s->child > 0) {
		err = recorder__follow(s->r, s->child, false);
		if (err) {
			fail(f, REC_STEP_FOLLOW, err);
			if (f)
				f->pid = s->child;
			return err;
		}
	}
	for (size_t i = 0; i < s->o.npids; i++) {
		err = recorder__follow(s->r, s->o.pids[i], true);
		if (err) {
			fail(f, REC_STEP_FOLLOW, err);
			if (f)
				f->pid = s->o.pids[i];
			return err;
		}
	}
	return 0;
}

struct rec_session *rec_session__start(const struct rec_session_opts *opts,
				       struct rec_session_failure *ret_failure)
{
	struct rec_session_failure *f = ret_failure;
	struct rec_session *s;
	int err;

	if (f)
		memset(f, 0, sizeof(*f));
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	s->fd = s->gate = s->exec_err = -1;
	s->child = -1;
	err = read_opts(s, opts);
	if (err) {
		fail(f, REC_STEP_OUTPUT, err);
		goto err_out;
	}
	s->ro.mode = s->o.cmd ? RECORDER_COMMAND : s->o.npids ? RECORDER_PID : RECORDER_SYSTEM;
	if (!s->ro.options_text)
		s->ro.options_text = s->options_text = options_text(s);
	if (!s->ro.target)
		s->ro.target = s->target_text = target_text(s);

	if (s->o.output) {
		s->fd =
		    rec_output__open(s->o.output, s->o.force, &s->created, &s->res.output_mode_err);
		if (s->fd < 0) {
			err = s->fd;
			fail(f, REC_STEP_OUTPUT, err);
			goto err_out;
		}
	}
	err = install_handlers(s);
	if (err) {
		fail(f, REC_STEP_SIGNALS, err);
		goto err_out;
	}
	/* CMD first, held: it must exist to be followed, and runs nothing
	 * until it is */
	if (s->o.cmd && (err = spawn(s, f)))
		goto err_out;
	s->r = recorder__new(s->o.output ? s->fd : s->o.fd, &s->ro, f ? &f->problem : NULL);
	if (!s->r) {
		err = -errno;
		fail(f, REC_STEP_RECORDER, err);
		goto err_out;
	}
	err = follow(s, f);
	if (err)
		goto err_out;
	note(s, REC_SESSION_ATTACHED, rec_now(CLOCK_MONOTONIC));
	err = recorder__begin(s->r);
	if (err) {
		struct recorder_stats st;

		recorder__stats(s->r, &st);
		fail(f, REC_STEP_BEGIN, err);
		if (f)
			f->size_needed = st.size_needed;
		goto err_out;
	}
	if (s->child > 0) {
		if (write(s->gate, "g", 1) != 1) {
			err = -errno;
			fail(f, REC_STEP_RELEASE, err);
			goto err_out;
		}
		close(s->gate);
		s->gate = -1;
		s->res.have_cmd = true;
	}
	/* a trace was started: kept, whatever happens */
	s->created = false;
	return s;

err_out:
	rec_session__free(s);
	errno = -err;
	return NULL;
}

/* CMD exited (SIGCHLD seen and reaped)? */
static bool reap_child(struct rec_session *s)
{
	int st;

	if (s->child <= 0 || s->child_done || !child_changed)
		return false;
	child_changed = 0;
	if (waitpid(s->child, &st, WNOHANG) != s->child)
		return false;
	s->child_done = true;
	s->res.cmd_status = st;
	return true;
}

/* Drain until a stop; returns why. */
static enum rec_session_stop record(struct rec_session *s)
{
	uint64_t start = rec_now(CLOCK_MONOTONIC), deadline = 0, grace_deadline = 0;
	uint64_t next_sweep = 0;
	bool told = false;

	if (s->o.duration_ns)
		deadline = start + s->o.duration_ns;
	for (;;) {
		uint64_t now;
		int n;

		n = recorder__poll(s->r, s->wait.settling ? 10 : s->ro.live ? 20 : 100);
		if (n < 0 && n != -EINTR) {
			if (n == -EFBIG)
				return REC_STOP_SIZE;
			s->res.write_err = n;
			return REC_STOP_ERROR;
		}
		if (forward_sig && s->child > 0 && !s->child_done) {
			kill(s->child, forward_sig);
			forward_sig = 0;
		}
		now = rec_now(CLOCK_MONOTONIC);
		if (reap_child(s)) {
			if (s->o.stop_on_cmd_exit)
				return REC_STOP_CMD_EXIT;
			/* what CMD left running is still its tree */
			s->waiting = true;
		}
		if (s->waiting && rec_wait_done(&s->wait, s->r, now))
			return REC_STOP_FOLLOWED;
		if (s->waiting && s->wait.alive > 0 && !told) {
			note(s, REC_SESSION_CMD_EXITED, now);
			told = true;
		}
		/* Following a command, the first stop signal is for CMD (passed
		 * on or sent to it by the terminal): keep recording its end.  A
		 * second one stops at once.  Once CMD is gone, what it left
		 * running gets a moment to end (a terminal's ^C reached it). */
		if (stop_signal && (s->child < 0 || stop_count > 1))
			return REC_STOP_SIGNAL;
		if (stop_signal && s->child_done && !grace_deadline)
			grace_deadline = now + GRACE_NS;
		if (grace_deadline && now >= grace_deadline)
			return REC_STOP_SIGNAL;
		if (deadline && now >= deadline)
			return REC_STOP_DURATION;
		if (s->o.until && s->o.until(s->o.until_ctx, now))
			return REC_STOP_UNTIL;
		if (s->o.npids && now >= next_sweep) {
			if (recorder__followed(s->r) == 0)
				return REC_STOP_FOLLOWED;
			next_sweep = now + SWEEP_NS;
		}
		note(s, REC_SESSION_TICK, now);
	}
}

int rec_session__run(struct rec_session *s)
{
	struct rec_session_result *res;
	int err;

	if (!s || !s->r || s->res.stop)
		return -EINVAL;
	res = &s->res;
	note(s, REC_SESSION_READY, rec_now(CLOCK_MONOTONIC));
	res->stop = record(s);
	err = recorder__finish(s->r, res->stop == REC_STOP_ERROR ? ETR_END_ERROR : ETR_END_NORMAL);
	/* the limit reached while finishing: a normal end all the same */
	if (err == -EFBIG)
		res->stop = REC_STOP_SIZE;
	else if (err && res->stop != REC_STOP_ERROR)
		res->finish_err = err;
	if (s->waiting && !s->wait.settling && s->wait.alive > 0)
		res->left_running = s->wait.alive;
	if (s->child > 0 && !s->child_done) {
		/* the recording ended early (error, size limit, second signal):
		 * CMD still has to finish, and its status is the caller's */
		while (waitpid(s->child, &res->cmd_status, 0) < 0 && errno == EINTR) {
			if (forward_sig) {
				kill(s->child, forward_sig);
				forward_sig = 0;
			}
		}
		s->child_done = true;
	}
	if (s->exec_err >= 0)
		res->cmd_exec_err = rec_cmd_exec_error(s->exec_err);
	if (s->o.move_to) {
		res->move_err = rec_output__move(s->o.output, s->o.move_to, s->o.force);
		res->moved = !res->move_err;
	}
	return res->write_err ? res->write_err : res->finish_err;
}

void rec_session__result(const struct rec_session *s, struct rec_session_result *ret)
{
	if (s)
		*ret = s->res;
	else
		memset(ret, 0, sizeof(*ret));
}

const struct recorder *rec_session__recorder(const struct rec_session *s)
{
	return s ? s->r : NULL;
}

int rec_session__waiting(const struct rec_session *s, char *buf, size_t len)
{
	if (len)
		buf[0] = 0;
	if (!s || !s->waiting || s->wait.settling || s->wait.alive <= 0)
		return 0;
	rec_wait_describe(&s->wait, buf, len);
	return s->wait.alive;
}

void rec_session__free(struct rec_session *s)
{
	if (!s)
		return;
	if (s->gate >= 0)
		close(s->gate); /* CMD, never released, exits */
	if (s->child > 0 && !s->child_done)
		waitpid(s->child, NULL, 0);
	recorder__free(s->r);
	if (s->created)
		unlink(s->o.output);
	if (s->o.output && s->fd >= 0)
		close(s->fd);
	if (s->exec_err >= 0)
		close(s->exec_err);
	if (s->handlers)
		for (size_t i = 0; i < NHANDLED; i++)
			sigaction(handled[i], &s->old[i], NULL);
	free(s->options_text);
	free(s->target_text);
	free(s);
}
