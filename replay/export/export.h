/* SPDX-License-Identifier: MIT */
/*
 * export.h - a trace in the forms other tools open, over replay/.
 *
 *   rx_export - streams a trace out as Chrome/Perfetto trace-event JSON,
 *               Graphviz dot, JSON lines, CSV or a compile_commands.json;
 *               memory grows with the processes alive at once (plus 4 bytes
 *               and the model's process record for each process seen), never
 *               with the strings of processes that are over;
 *   rx_chart  - draws the processes on a time axis as a self-contained SVG
 *               (holds the trace's processes until it is drawn).
 *
 * Both are fed the events of an rp_trace in order (the caller owns the
 * loop, so it can bind its filters after the first event and print what
 * goes wrong); both write only the requested output to the FILE given and
 * never print a diagnostic. Conventions are replay/'s: object__verb names,
 * 0 or -errno, constructors return NULL and set errno, destructors take NULL.
 */
#ifndef EXECREC_REPLAY_EXPORT_H
#define EXECREC_REPLAY_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "replay.h"

#ifdef __cplusplus
extern "C" {
#endif

enum rx_format {
	RX_FMT_PERFETTO = 1,	 /* Chrome trace-event JSON (Perfetto, chrome://tracing) */
	RX_FMT_DOT,		 /* the process tree for Graphviz */
	RX_FMT_JSONL,		 /* JSON lines, the analyzer's --json schema */
	RX_FMT_CSV,		 /* CSV, the analyzer's --csv columns */
	RX_FMT_COMPILE_COMMANDS, /* compile_commands.json of the compiler runs */
};

/* "perfetto" (also "chrome", "json"), "dot", "jsonl" (also "ndjson"),
 * "csv", "compile-commands" (also "compile_commands", "compdb") ->
 * *ret_format. 0 or -EINVAL. */
int rx_format__parse(const char *name, enum rx_format *ret_format);
/* The canonical name of @format, NULL if unknown. */
const char *rx_format__name(enum rx_format format);
/* The format the name of an output file suggests (compile_commands.json,
 * .json, .jsonl, .ndjson, .dot, .gv, .csv); 0 if none. */
enum rx_format rx_format__guess(const char *path);

/* Which rows JSON lines and CSV carry. */
enum rx_rows {
	RX_ROWS_ALL = 0,   /* events as they happen, each process once it is over */
	RX_ROWS_EVENTS,	   /* events only (as timeline --json) */
	RX_ROWS_PROCESSES, /* processes only (as tree --json) */
};

struct rx_export_opts {
	size_t sz;
	enum rx_format format;
	/* processes (and, for rows, events) to keep; NULL = all. Not owned;
	 * bind it (rp_filter__bind) after the first event, before feeding
	 * further. */
	struct rp_filter *filter;
	enum rx_rows rows;
	/* JSON lines and CSV: also the start snapshot's "proc" event rows */
	bool snapshot;
};

struct rx_export;

/* Start an export of @t (its times and metadata are read from it) to @out.
 * Writes the format's header at once. NULL + errno (EINVAL for a bad
 * format, ENOMEM). */
struct rx_export *rx_export__new(struct rp_trace *t, FILE *out, const struct rx_export_opts *opts);
/* Feed the next event of the trace (as rp_trace__next_event handed it
 * out). 0 or -ENOMEM. */
int rx_export__add(struct rx_export *x, const struct etr_event *ev);
/* The trace is over: close every process still open and the document.
 * 0, -ENOMEM, or -EIO if writing @out failed (errno of the FILE lost). */
int rx_export__finish(struct rx_export *x);
void rx_export__free(struct rx_export *x);

/* What an export wrote, for tests and messages. */
struct rx_export_stats {
	uint64_t processes; /* processes written (tracks, nodes, rows) */
	uint64_t events;    /* event rows, exec slices, instants */
	uint64_t entries;   /* compile_commands entries */
	uint64_t compilers; /* compiler runs seen (an entry per source file) */
};
void rx_export__stats(const struct rx_export *x, struct rx_export_stats *ret_stats);

/* The model beneath, for its memory figures. For tests: that a streaming
 * export's model stays bounded while it runs. */
const struct rp_model *rx_export__model(const struct rx_export *x);

/* ------------------------------------------------------------------ */
/* SVG chart                                                           */
/* ------------------------------------------------------------------ */

struct rx_chart_opts {
	size_t sz;
	/* fold processes that lived less than this into one row per parent;
	 * min_duration_set false = automatic (1/200 of the time shown) */
	uint64_t min_duration_ns;
	bool min_duration_set;
	/* only these processes (by pid) and their descendants; NULL = all */
	const uint32_t *subtree;
	size_t nsubtree;
	/* pixels of the time axis (0 = 1200) */
	uint32_t width;
	/* heading; NULL = the trace's command or host */
	const char *title;
	/* the shared filters (bound by the caller): only matching processes
	 * and their ancestors; NULL = all */
	const struct rp_filter *filter;
	/* a lane per systemd unit (or cgroup path where no unit holds it),
	 * the lanes in the order of their first process, each headed by a row
	 * that spans it; within a lane the tree of that unit's processes (a
	 * process whose parent ran in another unit is a root of its lane) */
	bool by_unit;
};

struct rx_chart;

struct rx_chart *rx_chart__new(struct rp_trace *t, const struct rx_chart_opts *opts);
/* Show only the time from @since_ns to @until_ns (boot time; 0 = from the
 * start, to the end); may be called any time before rx_chart__write.
 * 0 or -EINVAL. */
int rx_chart__set_window(struct rx_chart *c, uint64_t since_ns, uint64_t until_ns);
/* The same from the text of --since and --until (NULL: not given): seconds
 * from the start (2.5, 300ms) or wall clock (11:43:54, @EPOCH), read
 * against @t once its start is known. 0, or -EINVAL / -ENOENT (wall clock,
 * a trace without clock anchors) with the message in @err. */
int rx_chart__set_window_str(struct rx_chart *c, const struct rp_trace *t, const char *since,
			     const char *until, char *err, size_t err_len);
/* Feed the next event. 0 or -ENOMEM. */
int rx_chart__add(struct rx_chart *c, const struct etr_event *ev);
/* The trace is over: lay the chart out and write the SVG to @out.
 * 0, -ENOMEM, -ENOENT when no process is left to draw, or -EIO. */
int rx_chart__write(struct rx_chart *c, FILE *out);
void rx_chart__free(struct rx_chart *c);

struct rx_chart_stats {
	uint32_t rows;		  /* rows drawn: processes and folded groups */
	uint32_t processes;	  /* processes drawn as bars of their own */
	uint32_t folded;	  /* processes folded into group rows */
	uint32_t groups;	  /* folded group rows */
	uint64_t min_duration_ns; /* the folding threshold used */
	uint32_t width, height;	  /* of the picture, pixels */
	uint32_t units;		  /* lanes drawn (by_unit) */
};
/* For tests: the layout decided (folding, lanes, size), checked without
 * parsing the SVG. */
void rx_chart__stats(const struct rx_chart *c, struct rx_chart_stats *ret_stats);

#ifdef __cplusplus
}
#endif

#endif /* EXECREC_REPLAY_EXPORT_H */
