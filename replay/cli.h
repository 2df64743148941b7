/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the execrec subcommands built on replay/ share: the filter
 * and output options, their help text, and how they are parsed. Parsing
 * never prints: a bad value comes back as -EINVAL and a message.
 */
#ifndef EXECREC_REPLAY_CLI_H
#define EXECREC_REPLAY_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "replay.h"

enum rp_cli_opt {
	RP_OPT_PID = 0x1000,
	RP_OPT_SUBTREE,
	RP_OPT_COMM,
	RP_OPT_GREP,
	RP_OPT_UID,
	RP_OPT_FAILED,
	RP_OPT_SINCE,
	RP_OPT_UNTIL,
	RP_OPT_MIN_DURATION,
	RP_OPT_UNIT,
	RP_OPT_JSON,
	RP_OPT_CSV,
	RP_OPT_COLOR,
	RP_OPT_NO_COLOR,
	RP_OPT_WALLCLOCK,
	RP_OPT_REORDER,
	RP_OPT_PATH_MISSES,
	RP_OPT__LAST,
};

/* The filter options, for a struct option table. */
/* clang-format off */
#define RP_CLI_FILTER_OPTIONS                                                                 \
	{"pid", required_argument, NULL, RP_OPT_PID},                                          \
	{"subtree", required_argument, NULL, RP_OPT_SUBTREE},                                  \
	{"comm", required_argument, NULL, RP_OPT_COMM},                                        \
	{"grep", required_argument, NULL, RP_OPT_GREP},                                        \
	{"uid", required_argument, NULL, RP_OPT_UID},                                          \
	{"failed", no_argument, NULL, RP_OPT_FAILED},                                          \
	{"since", required_argument, NULL, RP_OPT_SINCE},                                      \
	{"until", required_argument, NULL, RP_OPT_UNTIL},                                      \
	{"min-duration", required_argument, NULL, RP_OPT_MIN_DURATION},                        \
	{"unit", required_argument, NULL, RP_OPT_UNIT}

/* The output options. */
#define RP_CLI_OUTPUT_OPTIONS                                                                 \
	{"json", no_argument, NULL, RP_OPT_JSON}, {"csv", no_argument, NULL, RP_OPT_CSV},    \
	{"color", optional_argument, NULL, RP_OPT_COLOR},                                      \
	{"no-color", no_argument, NULL, RP_OPT_NO_COLOR},                                      \
	{"wallclock", no_argument, NULL, RP_OPT_WALLCLOCK},                                    \
	{"reorder-window", required_argument, NULL, RP_OPT_REORDER},                           \
	{"path-misses", no_argument, NULL, RP_OPT_PATH_MISSES}
/* clang-format on */

enum rp_format {
	RP_FMT_TEXT,
	RP_FMT_JSON,
	RP_FMT_CSV,
};

struct rp_cli {
	struct rp_filter *filter;
	enum rp_format format;
	const char *color_mode; /* "always", "never", NULL = auto */
	bool wallclock;
	uint64_t reorder_ns;
	bool path_misses; /* show the failed execs of $PATH searches */
	bool filter_bound;
};

/*
 * Handle one of the shared options (@opt as getopt_long returned it).
 * Returns 1 if it was one, 0 if not, -EINVAL with a message in @err.
 */
int rp_cli__option(struct rp_cli *c, int opt, const char *arg, char *err, size_t err_len);

/*
 * The trace file of a subcommand that takes exactly one: argv[@first] (the
 * first operand, getopt's optind). NULL if there is none or more than one,
 * with two lines in @err, the problem and "Usage: execrec @cmd [OPTIONS]
 * FILE" (no final newline).
 */
const char *rp_cli__trace_path(int argc, char **argv, int first, const char *cmd, char *err,
			       size_t err_len);

/*
 * Open the trace @path with @opts (NULL = defaults) and the shared
 * --reorder-window. NULL, errno kept, and why in @err (one line) if it
 * cannot be opened.
 */
struct rp_trace *rp_cli__open(const struct rp_cli *c, const char *path,
			      const struct rp_trace_opts *opts, char *err, size_t err_len);

/*
 * Bind the filters to the trace (rp_filter__bind) once, at the first event
 * @ev that is not a snapshot entry, or at the end (@ev NULL) if there was
 * none. 0, or -EINVAL with the message in @err.
 */
int rp_cli__bind(struct rp_cli *c, const struct rp_trace *t, const struct etr_event *ev, char *err,
		 size_t err_len);

/* Help text of the shared options, for a --help. */
void rp_cli__filter_help(FILE *f);
/* The filters after --pid and --subtree, for a command that gives those a
 * meaning of its own (tree: both are its subtrees). */
void rp_cli__filter_help_rest(FILE *f);
void rp_cli__output_help(FILE *f, bool csv);

/* The clock time of an event for text output: "+12.345678" (seconds from
 * the first event) or, with wallclock, "11:43:54.123456" (local time). */
void rp_cli__fmt_time(const struct rp_cli *c, const struct rp_trace *t, uint64_t ts_ns, char *buf,
		      size_t len);

/*
 * --stats: one line of figures for benchmarks, written to @f: events read,
 * the most held by the reorder window, processes, the bytes held for them
 * and of those the strings, CPU seconds and peak RSS of this process.
 */
void rp_cli__print_stats(FILE *f, const char *cmd, const struct rp_trace *t, uint64_t processes,
			 size_t bytes, size_t string_bytes);

#endif
