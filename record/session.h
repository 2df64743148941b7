/* SPDX-License-Identifier: MIT */
/*
 * session.h - a recording session over the recorder (record.h): open the
 * output, load and attach, follow a command (started held until it is
 * followed) or running processes, drain until a stop (a signal, a
 * duration, the size limit, the end of what is followed, or the caller's
 * condition), end the trace cleanly, and move it where it belongs.
 *
 * `execrec record` (tools/cmd_record.c) is a front end over it: it parses
 * options and prints; nothing here prints.  A boot service drives it the
 * same way, with its boot-complete check as the condition.
 *
 *   s = rec_session__start(&opts, &failure);   NULL: failure says where
 *   err = rec_session__run(s);                  until a stop; END written
 *   rec_session__result(s, &res);               why it stopped, CMD's status
 *   rec_session__free(s);
 *
 * Signals: from rec_session__start() to rec_session__free(), the session
 * handles SIGINT, SIGTERM and SIGHUP (stop; with a command, the first one is
 * CMD's), SIGCHLD, and ignores SIGPIPE; the previous dispositions come back
 * at rec_session__free().  So one session runs at a time in a process.
 */
#ifndef EXECREC_RECORD_SESSION_H
#define EXECREC_RECORD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rec_session;

/* Points of a session's life the caller may want to show. */
enum rec_session_note {
	/* attached, the start of the trace written, CMD released */
	REC_SESSION_READY = 1,
	/* after each drain of the ring buffer: every 100 ms or sooner */
	REC_SESSION_TICK,
	/* CMD exited and left processes of its tree running, which the
	 * session waits for (rec_session__waiting() names them) */
	REC_SESSION_CMD_EXITED,
	/* from rec_session__start(): the programs are attached, every process
	 * started from now on is recorded; the start of the trace (metadata,
	 * the snapshot of the processes already running) is written next.
	 * What waits for the recorder (a boot's early units) need not wait
	 * for that: a process running now is in the trace through the
	 * snapshot or, if it ends first, through its exit event. */
	REC_SESSION_ATTACHED,
};

typedef void (*rec_session_note_fn)(void *ctx, struct rec_session *s, enum rec_session_note note,
				    uint64_t now_ns);
/* A stop condition, asked after every drain (@now_ns: CLOCK_MONOTONIC):
 * true stops the recording. */
typedef bool (*rec_session_until_fn)(void *ctx, uint64_t now_ns);

/* Extensible as recorder_opts is (common/opts.h). */
struct rec_session_opts {
	size_t sz; /* sizeof(struct rec_session_opts) */
	/* The output: the file @output, created mode 0600, never through a
	 * symbolic link, never over an existing file unless @force; or, with
	 * @output NULL, @fd (open for writing, not closed).  A file this
	 * session created is removed again if the recording never starts. */
	const char *output;
	int fd;
	bool force;
	/* What to record: the command @cmd (argv, NULL-terminated; found in
	 * @search_path, a PATH, as execvp(3) would; NULL: /usr/local/bin,
	 * /usr/bin, /bin), started held until it is followed; or the processes
	 * @pids and their descendants; or, without either, every process.
	 * @cmd_stdout_to_stderr: CMD's standard output goes to standard error
	 * (the trace is on standard output). */
	char *const *cmd;
	const char *search_path;
	bool cmd_stdout_to_stderr;
	const pid_t *pids;
	size_t npids;
	/* The recorder's options (mode is set from @cmd and @pids; without
	 * options_text or target, the session writes its own: the effective
	 * settings, and CMD's words or the pids). */
	const struct recorder_opts *recorder;
	/* Stop after this long; 0 = no bound. */
	uint64_t duration_ns;
	/* Stop when CMD exits, not when the last process of its tree does. */
	bool stop_on_cmd_exit;
	rec_session_until_fn until;
	void *until_ctx;
	rec_session_note_fn note;
	void *note_ctx;
	/* Once the trace has ended, move it to this path (a copy, then a
	 * rename, when it is on another file system; its directory is made,
	 * mode 0750, with its parents, if missing).  If that fails the trace stays at @output
	 * and rec_session_result.move_err says why.  Needs @output. */
	const char *move_to;
};

/* Where rec_session__start() failed. */
enum rec_session_step {
	REC_STEP_OUTPUT = 1, /* opening @output: -EEXIST, -ELOOP (a symlink), ... */
	REC_STEP_SIGNALS,    /* installing the signal handlers */
	REC_STEP_CMD,	     /* CMD not found (-ENOENT) or not started */
	REC_STEP_RECORDER,   /* recorder__new(): see problem */
	REC_STEP_FOLLOW,     /* following pid (-ESRCH: no such process) */
	REC_STEP_BEGIN,	     /* the start of the trace: -EFBIG = over max_bytes */
	REC_STEP_RELEASE,    /* CMD could not be released */
};

struct rec_session_failure {
	enum rec_session_step step;
	int err;		       /* -errno */
	enum recorder_problem problem; /* REC_STEP_RECORDER */
	pid_t pid;		       /* REC_STEP_FOLLOW */
	/* REC_STEP_BEGIN with -EFBIG: the bytes the start of the trace needs */
	uint64_t size_needed;
};

/*
 * Open the output, start CMD held, load and attach the programs, follow,
 * write the start of the trace and release CMD.  NULL and errno on
 * failure, with *ret_failure (may be NULL) saying where; nothing is left
 * behind (the file made, CMD, the handlers).
 */
struct rec_session *rec_session__start(const struct rec_session_opts *opts,
				       struct rec_session_failure *ret_failure);

/*
 * Record until a stop, then end the trace (recorder__finish()), wait for
 * CMD if it is still running (passing on stop signals), and move the trace
 * (move_to).  0, or the -errno that ended or spoiled the recording (the
 * trace is readable up to its last complete chunk); reaching max_bytes is
 * a normal end (0, stop REC_STOP_SIZE).
 */
int rec_session__run(struct rec_session *s);

enum rec_session_stop {
	REC_STOP_NONE = 0, /* still running */
	REC_STOP_SIGNAL,   /* SIGINT, SIGTERM or SIGHUP */
	REC_STOP_DURATION, /* duration_ns */
	REC_STOP_SIZE,	   /* the recorder's max_bytes */
	REC_STOP_UNTIL,	   /* the caller's condition */
	REC_STOP_FOLLOWED, /* every followed process has exited */
	REC_STOP_CMD_EXIT, /* CMD exited (stop_on_cmd_exit) */
	REC_STOP_ERROR,	   /* writing the trace failed */
};

struct rec_session_result {
	enum rec_session_stop stop;
	/* -errno: writing failed while recording (stop REC_STOP_ERROR), or
	 * ending the trace failed (finish_err) */
	int write_err;
	int finish_err;
	bool have_cmd;
	int cmd_status;	  /* CMD's wait(2) status */
	int cmd_exec_err; /* -errno: CMD could not be executed (exit 126/127) */
	/* processes of CMD's tree still running when the recording stopped
	 * while waiting for them; rec_session__waiting() names them */
	int left_running;
	int output_mode_err; /* -errno: an existing output not made 0600 */
	bool moved;	     /* the trace is at move_to */
	int move_err;	     /* -errno when it could not be moved there */
};
void rec_session__result(const struct rec_session *s, struct rec_session_result *ret);

/* The recorder, for recorder__stats(). */
const struct recorder *rec_session__recorder(const struct rec_session *s);

/* While waiting for what CMD left running: how many are left, and "sleep
 * (1234), sh (1233) and 2 more" into @buf (names with control characters
 * and bytes beyond ASCII shown as '?').  0 (and "") when not waiting. */
int rec_session__waiting(const struct rec_session *s, char *buf, size_t len);

/* Stops the session's CMD if still running, restores the signal
 * dispositions, frees.  NULL is fine. */
void rec_session__free(struct rec_session *s);

/*
 * The output file rules on their own (rec_session__start() uses them):
 * create @path mode 0600, not through a symbolic link, not over an
 * existing file unless @force.  The fd, or -errno; *ret_created says
 * whether this call made the file (to remove it if nothing is recorded),
 * *ret_mode_err why an existing file (--force) could not be made 0600
 * (it is written all the same).
 */
int rec_output__open(const char *path, bool force, bool *ret_created, int *ret_mode_err);
/*
 * Move the file @from to @to: a rename, or on another file system a copy
 * beside @to (synced), a rename over @to, and @from removed.  @to's
 * directory is made, with its parents (mode 0750), if missing.  Without @force an existing
 * @to is -EEXIST.  0 or -errno; on failure @from is untouched and no
 * partial @to is left.
 */
int rec_output__move(const char *from, const char *to, bool force);

#ifdef __cplusplus
}
#endif

#endif /* EXECREC_RECORD_SESSION_H */
