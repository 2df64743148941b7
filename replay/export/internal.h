/* SPDX-License-Identifier: MIT */
/* What the exporters and the chart share; not installed, not API. */
#ifndef EXECREC_REPLAY_EXPORT_INTERNAL_H
#define EXECREC_REPLAY_EXPORT_INTERNAL_H

#include "common/opts.h"
#include "common/utf8.h"
#include "export.h"

/* How a process ended, for colors and categories. */
enum rx_outcome {
	RX_OK,		/* exit 0 */
	RX_EXIT,	/* non-zero exit */
	RX_KILLED,	/* death by signal */
	RX_EXEC_FAILED, /* every exec it tried failed */
	RX_RUNNING,	/* still alive when the recording stopped */
	RX_UNKNOWN,	/* its end was not seen (lost, or its pid reused) */
	RX_PLACEHOLDER, /* known only as a parent */
	RX__OUTCOMES,
};

enum rx_outcome rx_outcome(const struct rp_proc *p);
/* "ok", "exit", "killed", "exec_failed", "running", "unknown", "placeholder" */
const char *rx_outcome_name(enum rx_outcome o);
/* Fill color of an outcome, "#rrggbb" (Okabe-Ito, safe for color blindness). */
const char *rx_outcome_color(enum rx_outcome o);

/* What a process is called: its last program's file name, else the one it
 * last failed to run, else its comm, else "?". Points into the model (or @p). */
struct etr_str rx_proc_name(const struct rp_model *m, const struct rp_proc *p);

/* The time span drawn for @p, [*ret_s, *ret_e], the same in every
 * export: from where its duration counts (as in every command) but not
 * before the recording's window start @w0, nothing was seen there; to its
 * exit, the trace's end if running, else when last seen alive. */
void rx_proc_span(const struct rp_model *m, const struct rp_proc *p, uint64_t w0, uint64_t *ret_s,
		  uint64_t *ret_e);

/* How it ended in words: "exit 0", "exit 2", "SIGKILL (core dumped)",
 * "running", "no exit seen", "not recorded". */
void rx_fmt_status(char *buf, size_t len, const struct rp_proc *p);

/*
 * Unique small numbers for processes, readable as pids: the first process
 * of a pid is known by the pid itself, the n-th later one by
 * pid + n * 2^22 (above any pid_max), so a recycled pid never merges two
 * processes in a viewer that identifies them by number.
 */
struct rx_keys {
	uint32_t *key; /* by model index; 0 = not given yet */
	uint32_t cap;
	uint32_t *gen_pid; /* pid + 1 -> processes of that pid so far */
	uint32_t *gen_cnt;
	uint32_t gen_cap, gen_used;
};
/* The key of process @idx, given on first use; 0 if out of memory. */
uint32_t rx_keys__get(struct rx_keys *k, uint32_t idx, uint32_t pid);
void rx_keys__release(struct rx_keys *k);

/* Quoting for text that may hold any byte: valid UTF-8 goes as it is,
 * other bytes (and control bytes) become the four characters \xNN. */
enum rx_quote {
	RX_Q_XML, /* &, <, >, " and ' as entities */
	RX_Q_DOT, /* inside "...": \ and " escaped, so \xNN is written \\xNN */
};
void rx_fput_text(FILE *f, const char *s, size_t len, enum rx_quote q);

/* An argv block quoted as a shell would need it, into a malloc'd string
 * (*ret_len bytes, NUL-terminated); NULL if out of memory. */
char *rx_argv_str(const struct etr_str *argv, size_t max_bytes, size_t *ret_len);

/* Boot-time ns as Chrome trace microseconds with ns precision ("12.345678"
 * style: integer part, '.', three digits). */
void rx_fmt_us(char *buf, size_t len, uint64_t ns);

/* p->mark bits the exporters use */
#define RX_M_EMITTED 1u	   /* written (track, node, row) */
#define RX_M_GROUP_USED 2u /* a written child refers to it */
#define RX_M_NAMED 4u	   /* its group (or node) name is written */

struct rx_export {
	struct rp_trace *t;
	FILE *out;
	enum rx_format format;
	struct rp_filter *filter;
	enum rx_rows rows;
	bool snapshot;
	struct rp_model *m;
	struct rx_keys keys;
	bool first; /* no element written yet: no comma before the next */
	bool finished;
	int err;	/* sticky error of the on_end callback */
	uint64_t flows; /* flow ids given */
	struct rx_export_stats stats;
};

/* The window the trace covers: processes that started earlier are drawn
 * from its start; those still open end at its end. */
uint64_t rx_window_start(const struct rp_trace *t);

/* Per format: a process whose record is final, and the end of the trace. */
void rx_perfetto_begin(struct rx_export *x);
void rx_perfetto_event(struct rx_export *x, const struct etr_event *ev);
int rx_perfetto_proc(struct rx_export *x, struct rp_proc *p);
int rx_perfetto_finish(struct rx_export *x);

void rx_dot_begin(struct rx_export *x);
int rx_dot_proc(struct rx_export *x, struct rp_proc *p);
int rx_dot_finish(struct rx_export *x);

void rx_compdb_begin(struct rx_export *x);
int rx_compdb_proc(struct rx_export *x, struct rp_proc *p);
int rx_compdb_finish(struct rx_export *x);

/* Whether the file name of an exec names a C/C++ compiler driver:
 * gcc, g++, cc, c++, clang, clang++, c89, c99, with a target prefix
 * (aarch64-linux-gnu-gcc) or a version suffix (gcc-12, clang++-16). */
bool rx_is_compiler(const struct etr_str *filename);

#endif
