/* SPDX-License-Identifier: MIT */
/*
 * report.h - the summary of a trace (execrec report): a header (host,
 * kernel, when and how long, whether the recording ended cleanly, events,
 * losses), then commands by count and by wall time, failed execs, bad exits
 * and deaths by signal, the longest-running processes, the busiest parents
 * and the short-lived processes that top and ps never show.
 *
 * An rp_report owns a process model run with forget_ended: each process is
 * folded into the tables when it ends and then dropped, so memory follows
 * the processes alive at once plus what is printed, not the length of the
 * trace.
 *
 *	r = rp_report__new(trace, &opts);
 *	while (rp_trace__next_event(trace, &ev) > 0)
 *		rp_report__add(r, ev);	(bind the filter at the first event)
 *	rp_report__finish(r);
 *	rp_report__print_text(r, stdout, path, color);
 *	rp_report__free(r);
 *
 * replay/'s conventions: 0 or -errno, NULL + errno from the constructor,
 * nothing printed but the report itself, into the FILE given.
 */
#ifndef EXECREC_REPLAY_REPORT_H
#define EXECREC_REPLAY_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "replay.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rp_report_opts {
	size_t sz;
	/* lines per section (0 = all) */
	size_t top;
	/* only processes matching it are counted (NULL = all); not owned,
	 * and it must be bound (rp_filter__bind) before it is used, that is
	 * before the first process ends */
	const struct rp_filter *filter;
	/* keep what rp_report__print_markdown() needs (the failures' ancestors) */
	bool markdown;
};

struct rp_report;

/* A report of @t (which must outlive it). NULL + errno (ENOMEM). */
struct rp_report *rp_report__new(const struct rp_trace *t, const struct rp_report_opts *opts);
void rp_report__free(struct rp_report *r);

/* Feed one event as rp_trace__next_event() handed it out. 0 or -ENOMEM;
 * after an error the report is unusable. */
int rp_report__add(struct rp_report *r, const struct etr_event *ev);
/* The trace is over: close the processes still alive at its end. 0 or
 * -ENOMEM. */
int rp_report__finish(struct rp_report *r);

/* The report, once finished. @path is the name of the trace shown. */
void rp_report__print_text(struct rp_report *r, FILE *f, const char *path, bool color);
/* JSON lines: one "header" record, then one per table row (README.md). */
void rp_report__print_json(struct rp_report *r, FILE *f, const char *path);
/* CSV: record,name,count,total_ns,pid,start_ns,status,argv. */
void rp_report__print_csv(struct rp_report *r, FILE *f);
/* GitHub/GitLab markdown, to paste into an issue (opts.markdown set). */
void rp_report__print_markdown(struct rp_report *r, FILE *f, const char *path);

/* The model beneath and the processes counted, for --stats. */
const struct rp_model *rp_report__model(const struct rp_report *r);
uint64_t rp_report__processes(const struct rp_report *r);

#ifdef __cplusplus
}
#endif

#endif /* EXECREC_REPLAY_REPORT_H */
