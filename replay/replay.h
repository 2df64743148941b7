/* SPDX-License-Identifier: MIT */
/*
 * replay.h - the offline analyzer of execrec traces
 *
 * Three layers over format/ (etr.h), each usable alone:
 *   rp_trace  - opens a trace, gathers its metadata, and hands out its events
 *               in time order (a bounded reorder window), with every string
 *               owned, plus the processes of the start snapshot;
 *   rp_model  - rebuilds the processes, keyed by (pid, start time), from those
 *               events: exec chains, parents, reparented orphans, recycled
 *               pids, exits of processes whose start was not seen, and which
 *               processes lost events may have touched;
 *   rp_filter - the filters the subcommands share;
 * plus output helpers (JSON, CSV, shell quoting, times, errno and signal
 * names) that write into caller-provided buffers or FILEs.
 *
 * Conventions are format/'s (libbpf's): object__verb names, 0 or -errno
 * returns, constructors return NULL and set errno, destructors accept NULL,
 * and nothing here prints a diagnostic: problems are handed to the caller.
 */
#ifndef EXECREC_REPLAY_H
#define EXECREC_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "etr.h"
#include "common/parse.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * An entry of the start snapshot, handed out as an event of this type (its
 * fields: ts_ns = when /proc was read, filename = exe, argv, cwd, comm,
 * start_ns, pid, ppid, uid, gid, cgroup_id). Beyond the stored event types,
 * so it can never collide with one.
 */
#define RP_EV_PROC 0x100

/*
 * Flag of a LOST event that rp_trace made up where damage cut events out of
 * the file (lost_type 0 = any, lost_count 0 = unknown): what the model does
 * with a real lost marker is right for it too.
 */
#define RP_EVF_DAMAGE 0x80000000u

/* "No such process" as an index. */
#define RP_NONE UINT32_MAX

/* ------------------------------------------------------------------ */
/* Trace                                                               */
/* ------------------------------------------------------------------ */

/* Defaults of the reorder window: the BPF ring buffer is shared by all CPUs
 * and events are stamped before they are reserved, so they arrive out of
 * order by the time between stamp and reserve: microseconds, rarely more. */
#define RP_REORDER_NS_DEFAULT (10ull * 1000 * 1000)
#define RP_REORDER_MAX_DEFAULT 16384u

/* A record handed to rp_trace_opts.record_cb; its strings are valid only
 * during the call. */
typedef int (*rp_trace_record_fn)(void *ctx, const struct etr_walk_item *item);

struct rp_trace_opts {
	size_t sz;
	/* hold an event until one this much later has been read (0 = default) */
	uint64_t reorder_ns;
	/* but never hold more than this many (0 = default) */
	uint32_t reorder_max;
	/* keep the environment blocks of exec events (default: dropped, and
	 * ETR_EVF_ENV cleared) */
	bool keep_env;
	/* hand out ETR_EV_FORK events of new threads (default: dropped) */
	bool keep_threads;
	/* hand out the failed execs of a $PATH search too (default: dropped,
	 * counted in rp_trace_stats.path_misses): ENOENT, ENOTDIR or EACCES,
	 * when the same process then runs a program of the same name */
	bool path_misses;
	/* called with each record the trace does not read itself (TPFORMAT,
	 * BTF, and types this version does not know), for a caller that wants
	 * them from the same pass; with it, TPFORMAT and BTF chunks are
	 * decompressed. Returns 0 or -errno, which stops the reading */
	rp_trace_record_fn record_cb;
	void *record_ctx;
};

struct rp_trace;

/*
 * Open @path ("-" = standard input). NULL + errno on failure: EINVAL for a
 * file that is not a trace, ENOTSUP for a newer major version, EBADMSG for a
 * damaged header, or the errno of open(); etr_reader__open_error() says more.
 */
struct rp_trace *rp_trace__open(const char *path, const struct rp_trace_opts *opts);
/* The same over a memory buffer (not copied), for tests. */
struct rp_trace *rp_trace__open_mem(const void *buf, size_t len, const struct rp_trace_opts *opts);
void rp_trace__free(struct rp_trace *t);

/*
 * The next event in time order. Returns 1 and points *ret_ev at it (valid,
 * strings included, until the next call), 0 at the end, -errno on a read
 * error. Damage is not an error: it is recorded (rp_trace__problem) and
 * reading goes on. Snapshot processes (RP_EV_PROC) come as soon as their
 * chunk is read, ahead of the events held in the window.
 */
int rp_trace__next_event(struct rp_trace *t, const struct etr_event **ret_ev);

/* What the trace said about itself; gathered as the chunks are read, so
 * complete only once rp_trace__next_event() has returned 0. */
struct rp_meta {
	const char *key;
	const char *value; /* NUL-terminated copy; may hold NULs of its own */
	size_t value_len;
};
size_t rp_trace__meta_count(const struct rp_trace *t);
const struct rp_meta *rp_trace__meta(const struct rp_trace *t, size_t i);
/* The value of the first of @keys (a NULL-terminated list) present, or NULL. */
const char *rp_trace__meta_get(const struct rp_trace *t, const char *const *keys);

const struct etr_file_info *rp_trace__info(const struct rp_trace *t);
/* The END record, or NULL when the trace did not end cleanly (yet). */
const struct etr_end *rp_trace__end(const struct rp_trace *t);
bool rp_trace__ended_cleanly(const struct rp_trace *t);

/* Boot time of the first event handed out (snapshot entries excluded unless
 * there is no event), the origin of relative times; 0 before any. */
uint64_t rp_trace__first_ns(const struct rp_trace *t);
/* Boot time of the last event handed out. */
/* When the recording started: its first clock anchor (the recorder writes
 * one as it starts, before any event), else the first event. */
uint64_t rp_trace__start_ns(const struct rp_trace *t);
/* The duration of the exit event @ev, handed out by @t: the definition of
 * rp_model__duration, for one event at a time. False if not known. */
bool rp_trace__exit_duration(const struct rp_trace *t, const struct etr_event *ev,
			     uint64_t *ret_ns);
uint64_t rp_trace__last_ns(const struct rp_trace *t);
/* Wall-clock (CLOCK_REALTIME) ns of a boot time, through the last clock
 * anchor at or before it (or the first); 0 if the trace holds no anchor. */
uint64_t rp_trace__realtime(const struct rp_trace *t, uint64_t boottime_ns);
/* The other way; 0 if the trace holds no anchor. */
uint64_t rp_trace__boottime(const struct rp_trace *t, uint64_t realtime_ns);
/* Whether any clock anchor has been read. */
bool rp_trace__has_clock(const struct rp_trace *t);

/* Counts of what was handed out, by event type. */
struct rp_trace_stats {
	uint64_t events; /* stored events read (threads and unknown included) */
	uint64_t by_type[ETR_EV__MAX_KNOWN + 1]; /* index = event type; [0] = unknown */
	uint64_t procs;				 /* snapshot entries */
	uint64_t lost_marked;			 /* sum of lost_count of LOST events */
	uint64_t late;	      /* events that came later than the window allowed */
	uint64_t gaps;	      /* RP_EVF_DAMAGE markers made up */
	uint64_t held_max;    /* most events held at once */
	uint64_t path_misses; /* failed execs of $PATH searches, dropped */
};
void rp_trace__stats(const struct rp_trace *t, struct rp_trace_stats *ret_stats);

/* Sum of the last values of the counters named "lost" or "lost.*" of the
 * STATS chunks (counters are cumulative: the last value of each name). */
uint64_t rp_trace__lost_counted(const struct rp_trace *t);

/* The problems found so far, in file order (capped; the count is not). */
size_t rp_trace__problem_count(const struct rp_trace *t);
const struct etr_problem *rp_trace__problem(const struct rp_trace *t, size_t i);

/* A cgroup the trace names (CGROUP chunks): its path and the systemd unit
 * the path belongs to. Complete for the cgroups of an event once that
 * event has been handed out (the recorder writes a cgroup before any event
 * in it). */
struct rp_cgroup {
	uint64_t id;
	char *path; /* "/system.slice/foo.service" */
	char *unit; /* "foo.service"; the path where no unit holds it */
	size_t unit_len;
	bool is_unit;	     /* unit is a unit's name, not the path */
	uint64_t created_ns; /* 0: there when the recording started */
	uint64_t removed_ns; /* 0: not seen removed */
};
/* The cgroup @id, or NULL if the trace does not name it. */
const struct rp_cgroup *rp_trace__cgroup(const struct rp_trace *t, uint64_t id);
/* How many cgroups the trace names. */
size_t rp_trace__cgroup_count(const struct rp_trace *t);
/* The unit of cgroup @id: its unit's name, its path where no unit holds
 * it, NULL when the trace does not name it. */
const char *rp_trace__unit(const struct rp_trace *t, uint64_t id);
/* The systemd unit a cgroup path (of @len bytes) belongs to, into @buf:
 * the first component below the slices that is a service, scope, socket,
 * mount or swap unit. Returns its length, 0 if there is none. */
size_t rp_cgroup_unit(const char *path, size_t len, char *buf, size_t buf_len);

/* The format reader beneath, for its stats. */
const struct etr_reader *rp_trace__reader(const struct rp_trace *t);

/* ------------------------------------------------------------------ */
/* Process model                                                       */
/* ------------------------------------------------------------------ */

/* Process flags. */
#define RP_PF_SNAPSHOT 0x0001u	  /* alive when the recording started */
#define RP_PF_FORKED 0x0002u	  /* its fork was recorded */
#define RP_PF_EXITED 0x0004u	  /* its exit was recorded */
#define RP_PF_NO_START 0x0008u	  /* neither fork nor snapshot: start not seen */
#define RP_PF_NO_EXIT 0x0010u	  /* gone without a recorded exit (pid reused) */
#define RP_PF_RUNNING 0x0020u	  /* alive, as far as is known, at the end */
#define RP_PF_LOST 0x0040u	  /* events were lost while it was alive */
#define RP_PF_REPARENTED 0x0080u  /* its parent died; adopted by reparent_pid */
#define RP_PF_CORE 0x0100u	  /* dumped core */
#define RP_PF_TRUNC 0x0200u	  /* an argv, filename or cwd of it was cut */
#define RP_PF_PLACEHOLDER 0x0400u /* known only as a parent: no event of its own */
#define RP_PF_THREAD_EXEC 0x0800u /* a thread other than the leader exec'd */
#define RP_PF_ENDED 0x1000u	  /* its record is final (exit, reuse, or end) */
#define RP_PF_FREE 0x80000000u	  /* forget_ended: the slot holds no process */

/* Exec flags (struct rp_exec.flags), besides the ETR_EVF_* of the event. */
#define RP_XF_SNAPSHOT 0x80000000u /* the program it ran at the snapshot */

/*
 * One exec of a process, successful or not (48 bytes: a model of every
 * process holds hundreds of thousands). File names, directories and comms
 * repeat, so the model keeps each once and an exec names it by a 32-bit
 * id: rp_model__str(m, x->filename).
 */
struct rp_exec {
	uint64_t ts_ns;		/* when; for RP_XF_SNAPSHOT the process start */
	struct etr_str argv;	/* owned by the model */
	int32_t ret;		/* 0, or -errno of a failed exec */
	uint32_t flags;		/* ETR_EVF_* | RP_XF_* */
	uint32_t next;		/* next exec of the same process (index), RP_NONE */
	uint32_t comm;		/* string id: comm after it (before it, if failed) */
	uint32_t filename, cwd; /* string ids */
};

/*
 * One process (112 bytes). Read-only for users of the model but 'mark',
 * which is theirs. Indices are stable for the life of the model (but see
 * forget_ended); pointers until the next rp_model__add().
 */
struct rp_proc {
	uint64_t start_ns; /* identity with pid; 0 = unknown (placeholder) */
	uint64_t end_ns;   /* exit time; 0 = not exited (see flags) */
	uint64_t last_ns;  /* last time it was seen alive (an event, a child) */
	uint64_t cgroup_id;
	uint32_t pid;
	uint32_t ppid;			    /* parent as first seen */
	uint32_t reparent_pid;		    /* the parent it was handed to, if REPARENTED */
	uint32_t uid, gid;		    /* as of its last event */
	uint32_t parent;		    /* index of the parent, RP_NONE for a root */
	uint32_t first_child, next_sibling; /* in start order */
	uint32_t exec_first;		    /* chain, RP_NONE if none */
	uint32_t nchildren;
	int32_t exit_code;
	uint16_t nexec; /* successful execs (saturating) */
	int16_t signal;
	/* failed execs (saturating): 32 bits, as a retry loop left running
	 * fails more often than 16 count */
	uint32_t nfail;
	uint32_t flags;	     /* RP_PF_* */
	uint32_t mark;	     /* free for the user of the model */
	uint32_t chain;	     /* private: older process of the same pid */
	uint32_t last_child; /* private */
	uint32_t comm;	     /* string id (rp_model__str) of the last known comm; 0 = "" */
	/* the order it came in: of its creation, or once it is linked to a
	 * parent, of that link; siblings (and roots) are listed by it */
	uint32_t seq;
	/* private: the exec chain's last, so that a process that execs
	 * 100,000 times (a retry loop) is not a walk per exec; in what was
	 * padding */
	uint32_t exec_last;
};

/* A lost marker as the model saw it. */
struct rp_lost {
	uint64_t ts_ns;
	uint64_t count;
	uint16_t type; /* event type lost, 0 = any */
};

struct rp_model;

/* Called once per process when its record is final; with release_ended, its
 * exec records and their strings are released right after. */
typedef void (*rp_proc_fn)(void *ctx, struct rp_model *m, struct rp_proc *p);

struct rp_model_opts {
	size_t sz;
	/* called when a process's record is final (exit seen, pid reused, or
	 * rp_model__finish) */
	rp_proc_fn on_end;
	void *ctx;
	/* drop a process's execs after on_end (the process record stays) */
	bool release_ended;
	/* more: drop the whole record of a process once it has ended and so
	 * have all its descendants. Memory then follows the processes alive
	 * at once, not all of them (report does this). Implies release_ended;
	 * indices of dropped processes are reused (rp_model__count() counts
	 * slots, RP_PF_FREE marks empty ones), and children lists
	 * (first_child, next_sibling) are not kept. An event of a process
	 * whose record is gone (a repeat, or one later than the reorder
	 * window allows) then starts a record of its own, start not seen,
	 * where a model that keeps every record would fold it in. */
	bool forget_ended;
	/* with forget_ended: called for a process just before its record is
	 * dropped, once it has ended and so has every descendant (dropped, and
	 * told of, before it); its parent's record is still held */
	rp_proc_fn on_forget;
};

struct rp_model *rp_model__new(const struct rp_model_opts *opts);
void rp_model__free(struct rp_model *m);

/* Feed one event (in time order, as rp_trace hands them out; RP_EV_PROC
 * entries included). 0 or -ENOMEM. Unknown event types are ignored. */
int rp_model__add(struct rp_model *m, const struct etr_event *ev);
/* The trace is over at @end_ns: processes without an exit are closed as
 * running (or unknown, if events were lost), on_end is called for them. */
int rp_model__finish(struct rp_model *m, uint64_t end_ns);

uint32_t rp_model__count(const struct rp_model *m);
struct rp_proc *rp_model__proc(const struct rp_model *m, uint32_t idx);
uint32_t rp_model__index(const struct rp_model *m, const struct rp_proc *p);
/* The process (pid, start_ns), or with start_ns 0 the newest of @pid.
 * For tests: the model's pid table looked up directly, to check what it
 * built event by event. */
struct rp_proc *rp_model__find(const struct rp_model *m, uint32_t pid, uint64_t start_ns);
const struct rp_exec *rp_model__exec(const struct rp_model *m, uint32_t idx);
/* The name of the program @x ran: its file's basename, but for a program
 * run from a file descriptor ("/dev/fd/3": fexecve, execveat) its comm, or
 * argv[0]. Valid while the model is. */
struct etr_str rp_model__exec_name(const struct rp_model *m, const struct rp_exec *x);
/* The environment @x ran with, when the trace recorded it (record --env)
 * and rp_trace kept it (keep_env). */
bool rp_model__exec_env(const struct rp_model *m, const struct rp_exec *x, struct etr_str *ret_env);
/* The last successful exec of @p (the program it ran last), or NULL. */
const struct rp_exec *rp_model__last_exec(const struct rp_model *m, const struct rp_proc *p);
/* Duration in ns, one definition for every command (replay/README.md):
 * from the fork when the recording saw the process start, else from its
 * first exec in the recording, else from its start; to its exit, or for a
 * process running at the end to the end of the trace. False if unknown (no
 * start, or no end and not running). Needs the process's execs: call it
 * before they are released (on_end). */
bool rp_model__duration(const struct rp_model *m, const struct rp_proc *p, uint64_t *ret_ns);
/* The instant that duration counts from. */
uint64_t rp_model__dur_start(const struct rp_model *m, const struct rp_proc *p);
/* Time of the end given to rp_model__finish (0 before). */
uint64_t rp_model__end_ns(const struct rp_model *m);

/* Lost markers the model saw. For tests: no output counts LOST records
 * (they flag processes), the test checks the model took each one. */
size_t rp_model__lost_count(const struct rp_model *m);

/* A string the model keeps once (file names, directories, comms) by its id:
 * NUL-terminated after its len bytes; id 0 is "". Valid while the model is. */
struct etr_str rp_model__str(const struct rp_model *m, uint32_t id);
/* The comm of @p, NUL-terminated ("" if none was seen). */
static inline const char *rp_model__comm(const struct rp_model *m, const struct rp_proc *p)
{
	return rp_model__str(m, p->comm).ptr;
}

/*
 * Once finished, when only reading is left: give back what only adding
 * events needs (the pid table, the index of strings). rp_model__find()
 * then searches every process; rp_model__add() and rp_model__finish() are
 * no longer allowed (-EINVAL).
 */
void rp_model__seal(struct rp_model *m);

/* Bytes the model holds (structures and strings), for benchmarks. */
size_t rp_model__mem(const struct rp_model *m);
/* Of which strings (argv, interned file names, directories, comms). */
size_t rp_model__str_bytes(const struct rp_model *m);

/* ------------------------------------------------------------------ */
/* Filters                                                             */
/* ------------------------------------------------------------------ */

struct rp_filter;

struct rp_filter *rp_filter__new(void);
void rp_filter__free(struct rp_filter *f);

/*
 * Set one filter from a command-line option: "pid", "subtree", "comm",
 * "grep", "uid", "failed" (value ignored), "since", "until",
 * "min-duration". 0, or -EINVAL with a message in @err (one line, no
 * newline) for a bad value.
 */
int rp_filter__set(struct rp_filter *f, const char *name, const char *value, char *err,
		   size_t err_len);
/* Whether any filter is set. */
bool rp_filter__active(const struct rp_filter *f);

/*
 * Resolve --since and --until against a trace (relative to its first event,
 * or wall-clock through its clock anchors). Call once the first event has
 * been read. -ENOENT (message in @err) for a wall-clock time in a trace
 * without clock anchors.
 */
int rp_filter__bind(struct rp_filter *f, const struct rp_trace *t, char *err, size_t err_len);

/* Whether the whole process passes (report, tree). The model must have its
 * execs (not yet released). */
bool rp_filter__match_proc(const struct rp_filter *f, const struct rp_model *m,
			   const struct rp_proc *p);

/*
 * Whether one event passes (timeline): pid and subtree follow forks, grep
 * and comm match the event itself (an exec's argv), and a process matched
 * by grep at its exec keeps its later events; failed keeps failed execs
 * and failed exits; min-duration keeps exits of processes that lived long
 * enough. Feed every event, in order, even those not shown: the state of
 * pid, subtree and grep is updated here.
 */
bool rp_filter__match_event(struct rp_filter *f, const struct etr_event *ev);

/* ------------------------------------------------------------------ */
/* Parsing and formatting helpers                                     */
/* ------------------------------------------------------------------ */

/*
 * A time: seconds from the start ("+2.5", "2.5", "200ms") sets
 * *ret_relative; wall clock ("2026-11-25 11:43:54[.frac]", ISO 8601 with T
 * and optional Z or +hh:mm, "11:43:54" on the day the trace started, "@epoch")
 * gives CLOCK_REALTIME ns. @day_realtime_ns is the trace's start (for a bare
 * time of day), 0 = today. 0 or -EINVAL.
 */
int rp_parse_time(const char *s, uint64_t day_realtime_ns, bool *ret_relative, int64_t *ret_ns);

/* "ENOENT" for 2 (Linux numbering), NULL if unknown. */
const char *rp_errno_name(int err);
/* "SIGKILL" for 9, "SIGRTMIN+2" ..., NULL if unknown. */
const char *rp_signal_name(int sig);

/* Why a recording whose END record has @status stopped, as the text outputs
 * say it ("stopped at the size limit (--max-size)"); NULL for a normal stop. */
const char *rp_end_reason(uint32_t status);
/* The same as one word for JSON: "normal", "size_limit", "error", "unknown". */
const char *rp_end_status_name(uint32_t status);

/*
 * An output buffer: text gathered in memory and handed to its FILE in large
 * blocks. stdio takes a lock and a call per piece, and a line of the tree
 * is dozens of pieces. The caller owns the memory (a few hundred bytes on
 * the stack for a line, more for a whole tree) and flushes at the end; a
 * write error stays in the FILE (ferror), as with stdio.
 */
struct rp_out {
	FILE *f;
	char *buf;
	size_t len, cap;
	int err; /* in memory: -ENOMEM once text had to be dropped */
};

void rp_out__init(struct rp_out *o, FILE *f, char *buf, size_t cap);
/* Text gathered in memory instead (no FILE): the buffer is malloc'd and
 * grows as needed; o->buf and o->len are the text, the caller frees
 * o->buf (and may set o->len back to 0 to start over). */
void rp_out__init_mem(struct rp_out *o);
/* Write what is gathered to the FILE (not fflush). */
void rp_out__flush(struct rp_out *o);
void rp_out__write_slow(struct rp_out *o, const void *p, size_t n);

static inline void rp_out__write(struct rp_out *o, const void *p, size_t n)
{
	if (n > o->cap - o->len) {
		rp_out__write_slow(o, p, n);
		return;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

static inline void rp_out__putc(struct rp_out *o, char c)
{
	if (o->len == o->cap) {
		rp_out__write_slow(o, &c, 1);
		return;
	}
	o->buf[o->len++] = c;
}

static inline void rp_out__puts(struct rp_out *o, const char *s)
{
	rp_out__write(o, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) void rp_out__printf(struct rp_out *o, const char *fmt, ...);
void rp_out__u64(struct rp_out *o, uint64_t v);
void rp_out__i64(struct rp_out *o, int64_t v);
/* rp_fmt_duration's text. */
void rp_out__duration(struct rp_out *o, uint64_t ns);
/* rp_fput_shell and rp_fput_argv into the buffer. */
void rp_out__shell(struct rp_out *o, const char *s, size_t len);
void rp_out__argv(struct rp_out *o, const struct etr_str *argv, size_t max_bytes);
/* rp_fput_json_str, rp_fput_json_argv, rp_fput_csv_str and rp_fput_csv_argv
 * into the buffer. */
void rp_out__json_str(struct rp_out *o, const char *s, size_t len);
void rp_out__json_argv(struct rp_out *o, const struct etr_str *argv);
void rp_out__csv_str(struct rp_out *o, const char *s, size_t len);
void rp_out__csv_argv(struct rp_out *o, const struct etr_str *argv);

/* Shell quoting, bash's printf %q style: plain words as they are,
 * '...' for printable text, $'...' with \n, \t, \xNN escapes for control
 * bytes and bytes that are not UTF-8. */
void rp_fput_shell(FILE *f, const char *s, size_t len);
/* The arguments of an argv block, each quoted, separated by spaces; at
 * most @max_bytes of output (0 = no limit), then "...". */
void rp_fput_argv(FILE *f, const struct etr_str *argv, size_t max_bytes);

/*
 * A JSON string, quoted. Valid UTF-8 goes as it is (control characters, "
 * and \ escaped); each byte that is not part of valid UTF-8 becomes the lone
 * surrogate \udc80..\udcff (Python's "surrogateescape"), so the exact bytes
 * can be recovered: json.loads(s).encode("utf-8", "surrogateescape").
 */
void rp_fput_json_str(FILE *f, const char *s, size_t len);
/* An argv block as a JSON array of such strings. */
void rp_fput_json_argv(FILE *f, const struct etr_str *argv);
/* A CSV cell (RFC 4180 quoting when needed). Bytes that are not UTF-8 and
 * control bytes are written \xNN, a backslash \\, so nothing is lost. */
void rp_fput_csv_str(FILE *f, const char *s, size_t len);
/* An argv block as one CSV cell: its JSON array (rp_fput_json_argv),
 * quoted, so it stays exact and one column. */
void rp_fput_csv_argv(FILE *f, const struct etr_str *argv);

/* "2026-11-25T11:43:54.123456789Z" (UTC) into @buf. */
void rp_fmt_iso(char *buf, size_t len, uint64_t realtime_ns);
/* "1.234s", "12.3ms", "950us", "2m03s", "1h02m" into @buf. */
void rp_fmt_duration(char *buf, size_t len, uint64_t ns);
/* "+1.500000": seconds from @first_ns to @ts_ns (a '-' before it), to the
 * microsecond, into @buf as snprintf would. */
void rp_fmt_reltime(char *buf, size_t len, uint64_t ts_ns, uint64_t first_ns);
/* @v in decimal at @buf (room for 20 bytes; no NUL); returns its length. */
size_t rp_fmt_i64(char *buf, int64_t v);

/* Whether @s (of @len bytes) matches the glob @pattern (fnmatch rules). */
bool rp_glob_match(const char *pattern, const char *s, size_t len);

/* Last path component of a byte string. */
struct etr_str rp_basename(struct etr_str path);

/* A copy of the @n bytes at @p (they may hold NULs: an argv) with a NUL
 * after them, to free(); NULL. */
char *rp_memdup0(const void *p, size_t n);

/* ------------------------------------------------------------------ */
/* Records for machines: JSON lines and CSV                           */
/* ------------------------------------------------------------------ */

/*
 * One schema for events (timeline, dump) and processes (tree, report),
 * every key always present (null where it does not apply), in this order;
 * CSV has the same columns (but cgroup and unit, JSON only), argv as a JSON
 * array in its cell:
 *   ts_ns time event pid tid ppid uid gid comm filename argv cwd ret errno
 *   exit_code signal core_dumped duration_ns start_ns cgroup_id truncated
 *   lost_type lost_count
 * JSON process objects add: end_ns status flags nexec nfail children execs.
 */
void rp_csv_header(FILE *f);
void rp_print_event_json(FILE *f, const struct rp_trace *t, const struct etr_event *ev);
void rp_print_event_csv(FILE *f, const struct rp_trace *t, const struct etr_event *ev);
void rp_print_proc_json(FILE *f, const struct rp_trace *t, const struct rp_model *m,
			const struct rp_proc *p);
void rp_print_proc_csv(FILE *f, const struct rp_trace *t, const struct rp_model *m,
		       const struct rp_proc *p);
/* "exec", "exec_fail", "fork", "thread", "exit", "lost", "proc", "unknown". */
const char *rp_event_name(const struct etr_event *ev);
/* "exited", "killed", "running", "unknown" (no exit seen), "placeholder". */
const char *rp_proc_status(const struct rp_proc *p);

/* ------------------------------------------------------------------ */
/* Messages for the tools (composed here, printed by them)            */
/* ------------------------------------------------------------------ */

/* Why rp_trace__open(@path) failed with @err (an errno), in one line. */
void rp_open_error_str(char *buf, size_t len, const char *path, int err);
/*
 * One line naming the first damage (byte offset, what is wrong) and how
 * much else there was, or that the trace has no end record; false if the
 * trace was read whole and clean.
 */
bool rp_trace__damage_str(const struct rp_trace *t, char *buf, size_t len);

/*
 * The clock time of an event for text output, into @buf as snprintf would:
 * "+12.345678" (seconds from the first event) or, with @wallclock and a
 * trace that has clock anchors, "11:43:54.123456" (local time).
 */
void rp_trace__fmt_time(const struct rp_trace *t, bool wallclock, uint64_t ts_ns, char *buf,
			size_t len);

#ifdef __cplusplus
}
#endif

#endif /* EXECREC_REPLAY_H */
