/* SPDX-License-Identifier: MIT */
/* What report.c (the tables) and report_print.c share; not part of the API. */
#ifndef EXECREC_REPLAY_REPORT_INTERNAL_H
#define EXECREC_REPLAY_REPORT_INTERNAL_H

#include "report.h"

#define SHORT_NS 1000000000ull /* "short-lived": under a second */

/* An aggregate keyed by bytes. */
struct agg {
	char *key;
	size_t klen;
	const char *name; /* shown name: key up to its first NUL */
	uint64_t count;
	uint64_t total_ns;
	uint64_t unknown; /* runs whose end is not known: nothing in total_ns */
	uint64_t short_count, short_ns;
	uint64_t failed; /* processes of it with a bad end */
	int32_t ret, exit_code, signal;
	bool core;
	uint32_t pid;	     /* an example */
	char *comm;	     /* an example */
	struct etr_str argv; /* an example, owned */
};

/* A table of them (open addressing). */
struct aggtab {
	struct agg **slot;
	size_t cap, n;
};

/* An entry of a top N by a number. */
struct top {
	uint64_t value;
	uint32_t pid;
	uint64_t start_ns;
	bool running;
	char *name;
	struct etr_str argv; /* owned */
};

struct toplist {
	struct top *e;
	size_t n, cap; /* cap 0 = keep all */
};

struct rp_report {
	const struct rp_trace *trace;
	struct rp_model *model;
	const struct rp_filter *filter;
	size_t top;
	int err;

	/* while printing */
	FILE *f;
	bool color;

	struct aggtab cmds;   /* by program name */
	struct aggtab fails;  /* by filename and errno */
	struct aggtab exits;  /* by program name and status */
	struct aggtab shorts; /* by program name */
	struct toplist longest, parents;

	uint64_t procs, snap_procs, running, unknown_end, lost_procs;
	uint64_t started, short_total;

	/* --markdown: the ancestor chains of the failing processes */
	bool md;
	void *md_fails; /* struct md_fail *[], report_md.c's */
	size_t md_n, md_cap;
	uint64_t md_failures;
};

#define MD_FAIL_MAX 50 /* failures shown in the markdown tree */

/* report_print.c: the entries of a table, unsorted (malloc'ed), and the
 * order by count (then total time, then name) */
struct agg **rp_report_agg_list(const struct aggtab *t);
int rp_report_cmp_count(const void *a, const void *b);

/* report_md.c */
void rp_report_md__capture(struct rp_report *r, const struct rp_model *m, const struct rp_proc *p);
void rp_report_md__free(struct rp_report *r);

struct span {
	uint64_t start, end;
};

/* From the first event to the last, or to the end record if later. */
static inline struct span trace_span(const struct rp_report *r)
{
	/* the recording, from its start (clock anchor) to its END record */
	struct span s = {rp_trace__start_ns(r->trace), rp_trace__last_ns(r->trace)};
	const struct etr_end *e = rp_trace__end(r->trace);

	if (e && e->ts_ns > s.end)
		s.end = e->ts_ns;
	return s;
}

#endif /* EXECREC_REPLAY_REPORT_INTERNAL_H */
