/* SPDX-License-Identifier: MIT */
/*
 * record.h - the recorder: loads execrec's BPF programs, drains their ring
 * buffer and writes every event into an .etr trace through format/.
 *
 * A recording session (session.h) drives it: output, CMD, stops, the move;
 * `execrec record` (tools/cmd_record.c) is a front end over that session.
 * Nothing here prints, reads the environment or sets libbpf's print
 * callback.  Conventions are libbpf's: object__verb
 * names, 0 or -errno from int functions, NULL + errno from constructors,
 * destructors that accept NULL.
 *
 * Life of a recording:
 *   recorder__check()            can this machine record at all?
 *   recorder__new()              load and attach the programs, open the writer
 *   recorder__follow()           (-- CMD, -p PID) the processes to follow
 *   recorder__begin()            metadata, tracepoint formats, BTF, /proc snapshot
 *   recorder__poll() ...         drain events until told to stop
 *   recorder__finish()           last events, statistics, the END chunk
 *   recorder__free()
 */
#ifndef EXECREC_RECORD_H
#define EXECREC_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "etr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Why a recording cannot start; recorder__problem_str() says it in words. */
enum recorder_problem {
	RECORDER_OK = 0,
	RECORDER_NO_PRIV,      /* not root, or lacking CAP_BPF and CAP_PERFMON */
	RECORDER_NO_BPF,       /* no bpf() syscall (CONFIG_BPF_SYSCALL) */
	RECORDER_NO_BTF,       /* no /sys/kernel/btf/vmlinux */
	RECORDER_NO_RINGBUF,   /* no BPF ring buffer: Linux 5.8 or later needed */
	RECORDER_NO_TRACEFS,   /* tracefs not mounted */
	RECORDER_NO_TP,	       /* a sched tracepoint the programs need is missing */
	RECORDER_LOAD,	       /* the kernel refused the programs */
	RECORDER_ATTACH,       /* a program did not attach */
	RECORDER_OUTPUT,       /* the trace could not be started on the output */
	RECORDER_BTF_FILE,     /* the --btf file cannot be read as BTF */
	RECORDER_BTF_MISMATCH, /* programs relocated with the --btf file were refused */
	RECORDER_NO_FEXIT,     /* fexit asked for, but the kernel cannot attach it */
	RECORDER_NO_KPROBE,    /* kprobes asked for, but the kernel cannot attach them */
};

/* A sentence naming the problem, the missing feature and, where one helps,
 * the command that fixes it. */
const char *recorder__problem_str(enum recorder_problem p);
struct recorder_opts;
/* What exactly is wrong, for the end of the line after
 * recorder__problem_str(): the --btf file and what the kernel said of it,
 * the kernel feature the forced failed-exec path lacks, else strerror(@err)
 * (a positive errno, as recorder__new() leaves it). */
void recorder__problem_detail(const struct recorder_opts *o, enum recorder_problem p, int err,
			      char *buf, size_t size);

/* Whether this process can record on this kernel: 0, or -errno with
 * *ret_problem saying why. Cheap; recorder__new() checks again anyway. */
int recorder__check(enum recorder_problem *ret_problem);

enum recorder_mode {
	RECORDER_SYSTEM = 0, /* every process */
	RECORDER_COMMAND,    /* a command the front end started, and its descendants */
	RECORDER_PID,	     /* running processes, and their descendants */
};

enum recorder_btf {
	RECORDER_BTF_SUBSET = 0, /* the kernel types the programs read */
	RECORDER_BTF_FULL,	 /* all of /sys/kernel/btf/vmlinux */
	RECORDER_BTF_NONE,
};

/* Which programs to load; auto picks by the kernel's features. */
enum recorder_programs {
	RECORDER_PROGS_AUTO = 0,
	RECORDER_PROGS_LOOP,	/* bpf_loop() walks: Linux 5.17 or later */
	RECORDER_PROGS_BOUNDED, /* bounded loops, lower limits: any kernel from 5.8 */
	/* raw tracepoints with the bounded loops: load without the kernel's
	 * own BTF (CO-RE from btf_path); auto's choice when it has none */
	RECORDER_PROGS_RAW,
};

/* How failed execs are seen. */
enum recorder_failed_exec {
	RECORDER_FAILED_AUTO = 0,   /* fexit, else kprobes, else tracepoints */
	RECORDER_FAILED_FEXIT,	    /* at the return of the syscall's entry function */
	RECORDER_FAILED_TRACEPOINT, /* syscall tracepoints: every syscall pays */
	RECORDER_FAILED_KPROBE,	    /* kprobe + kretprobe on the same function */
};

typedef void (*recorder_event_fn)(void *ctx, const struct etr_event *ev);

/* argv (and env) bytes kept per exec: the default and the bounds, which
 * are bpf/execrec.h's (recorder.c checks that they agree) */
#define RECORDER_ARGS_DEFAULT (256u << 10)
#define RECORDER_ARGS_MIN 4096u
#define RECORDER_ARGS_MAX (1u << 20)

struct redactor;

/* Extensible (common/opts.h): a caller built against an older, smaller
 * struct is read as defaults past its sz; bytes beyond the fields known
 * here must be zero. */
struct recorder_opts {
	size_t sz; /* sizeof(struct recorder_opts) */
	enum recorder_mode mode;
	/* argv (and env) bytes kept per exec; 0 = the default (256 KiB);
	 * clamped to [RECORDER_ARGS_MIN, RECORDER_ARGS_MAX] */
	uint32_t max_args_bytes;
	bool env;     /* record environments */
	bool threads; /* record thread creation too */
	/* deliver events within milliseconds (for a live view) rather than
	 * in batches, at the price of one wakeup per event */
	bool live;
	enum recorder_btf btf;
	/* format/ writer settings; 0 = the writer's defaults */
	uint64_t flush_interval_ns;
	uint64_t max_bytes;
	int level;
	/* for the metadata: the recorder's command line, the effective
	 * options as text, the followed command or pid as text */
	int argc;
	char *const *argv;
	const char *options_text;
	const char *target;
	/* called with every event after it was written (for --print) */
	recorder_event_fn event_cb;
	void *event_ctx;
	/* kernel BTF from this file (e.g. BTFHub's) for the CO-RE
	 * relocations and the trace, instead of /sys/kernel/btf/vmlinux */
	const char *btf_path;
	enum recorder_programs programs;
	enum recorder_failed_exec failed_exec;
	/* redact every string before it is written (redact/); NULL = off */
	struct redactor *redact;
	/* Test knobs, 0 = the normal behaviour.  ringbuf_bytes: a ring buffer
	 * of this size (rounded up to a power of two, 4 KiB at least) drained
	 * only on recorder__poll()'s timeout, so that it overflows on purpose
	 * and every loss can be checked.  kretprobe_maxactive: the failed-exec
	 * kretprobe's calls in flight (default 1024), so that it misses on
	 * purpose. */
	uint32_t ringbuf_bytes;
	int kretprobe_maxactive;
};

struct recorder;

/*
 * Load and attach the programs and start a trace on @fd (open for writing;
 * not closed by the recorder).  The ring buffer fills from here on.  NULL
 * and errno on failure, with *ret_problem (may be NULL) saying why.
 */
struct recorder *recorder__new(int fd, const struct recorder_opts *opts,
			       enum recorder_problem *ret_problem);

/*
 * Follow @pid (RECORDER_COMMAND and RECORDER_PID): its events and its
 * children's from now on.  With @descendants, also the processes it already
 * started, found in /proc.  0 or -errno (-ESRCH: no such process).
 */
int recorder__follow(struct recorder *r, pid_t pid, bool descendants);

/* Write what precedes the events: metadata, clock anchor, tracepoint formats,
 * BTF, and the processes alive now (the followed ones when following). */
int recorder__begin(struct recorder *r);

/*
 * Wait up to @timeout_ms for events and write what arrived; also seals due
 * chunks and notes lost events.  Returns the number of events written, or
 * -errno: -EINTR when a signal interrupted the wait (the caller decides
 * whether that means stop), a writer error otherwise (-ENOSPC, -EFBIG for
 * the size limit, ...) after which the recording cannot go on.
 */
int recorder__poll(struct recorder *r, int timeout_ms);

/* RECORDER_PID, RECORDER_COMMAND: how many followed processes are still
 * alive (dropping the ones that are gone); 0 means there is nothing left to
 * record.  The follow map is kept by the kernel side, so this holds even
 * when fork or exit events were lost. */
int recorder__followed(struct recorder *r);
/* The same, and the pids of up to @cap of them into @ret_pids. */
int recorder__followed_list(struct recorder *r, pid_t *ret_pids, size_t cap);

/*
 * Drain what is left, write the final statistics and the END chunk with
 * @status (0 normal, 1 size limit, 2 error; see SPEC.md) and flush.  With a
 * writer error pending, writes what can still be written and returns it.
 * At max_bytes (-EFBIG, here or from recorder__poll()), the events that did
 * not fit are counted in LOST records, END says status 1, and -EFBIG is
 * returned: a normal end the caller reports.
 */
int recorder__finish(struct recorder *r, uint32_t status);

void recorder__free(struct recorder *r);

struct recorder_stats {
	uint64_t events; /* events the kernel side handed over */
	uint64_t lost;	 /* events the kernel side could not hand over */
	/* events handed over that did not fit under max_bytes: counted as
	 * lost in the trace; events - dropped are in the file */
	uint64_t dropped;
	/* max_bytes too small for the start of the trace: the size it needed */
	uint64_t size_needed;
	uint64_t bytes_written; /* trace bytes on the output so far */
	uint64_t ready_ns;	/* CLOCK_MONOTONIC when the programs were attached */
};
void recorder__stats(const struct recorder *r, struct recorder_stats *ret_stats);

#ifdef __cplusplus
}
#endif

#endif /* EXECREC_RECORD_H */
