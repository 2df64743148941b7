/* SPDX-License-Identifier: MIT */
/*
 * driver.h - the one command-line driver of the analyzer subcommands
 * (report, timeline, tree, boot, export, chart, diff, redact, btf,
 * probes): the options they share and their help text, the trace they
 * read, the filters bound to it, colour, --stats, the file they write, the
 * lines on stderr and the exit status. It lives in tools/ because it is
 * the command line: the libraries below never print, never read the
 * environment and never see getopt.
 *
 * A subcommand describes itself in a struct driver_cmd, then:
 *
 *	struct driver d = {0};
 *
 *	if (!driver__parse(&d, &cmd, ctx, argc, argv) || !driver__open(&d, argc, argv, NULL))
 *		return driver__exit(&d, 0);
 *	while ((err = driver__next(&d, &ev)) > 0)
 *		... its work on ev ...
 *	... its output ...
 *	return driver__exit(&d, err);
 *
 * Exit status (execrec.1, EXIT STATUS), the same for every subcommand:
 * 0 done (a damaged trace that still reads is a warning, not an error),
 * DRV_EXIT_FAIL a trace that cannot be read, an output file refused or not
 * written, no memory; DRV_EXIT_USAGE a bad option, value or operand. A
 * subcommand that searches (probes) may take grep's instead
 * (driver_cmd.grep_status): DRV_EXIT_NONE when nothing was found, 2 for
 * every error.
 */
#ifndef EXECREC_TOOLS_DRIVER_H
#define EXECREC_TOOLS_DRIVER_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "outfile.h"
#include "replay.h"

enum {
	DRV_EXIT_OK = 0,
	DRV_EXIT_FAIL = 1,
	DRV_EXIT_USAGE = 2,
	DRV_EXIT_NONE = 1, /* grep_status: the run found nothing */
};

/* getopt values of the shared options; a subcommand's own start at
 * DRV_OPT__LAST + 1 or below 0x1000. */
enum driver_opt {
	DRV_OPT_PID = 0x1000,
	DRV_OPT_SUBTREE,
	DRV_OPT_COMM,
	DRV_OPT_GREP,
	DRV_OPT_UID,
	DRV_OPT_FAILED,
	DRV_OPT_SINCE,
	DRV_OPT_UNTIL,
	DRV_OPT_MIN_DURATION,
	DRV_OPT_UNIT,
	DRV_OPT_JSON,
	DRV_OPT_CSV,
	DRV_OPT_COLOR,
	DRV_OPT_NO_COLOR,
	DRV_OPT_WALLCLOCK,
	DRV_OPT_REORDER,
	DRV_OPT_PATH_MISSES,
	DRV_OPT_STATS,
	DRV_OPT__LAST,
};

/* The option table entries, for a subcommand's struct option table: the
 * filters, the output options, and single ones for a subcommand that
 * takes only some. */
/* clang-format off */
#define DRV_FILTER_OPTIONS                                                                    \
	{"pid", required_argument, NULL, DRV_OPT_PID},                                         \
	{"subtree", required_argument, NULL, DRV_OPT_SUBTREE},                                 \
	{"comm", required_argument, NULL, DRV_OPT_COMM},                                       \
	{"grep", required_argument, NULL, DRV_OPT_GREP},                                       \
	{"uid", required_argument, NULL, DRV_OPT_UID},                                         \
	{"failed", no_argument, NULL, DRV_OPT_FAILED},                                         \
	{"since", required_argument, NULL, DRV_OPT_SINCE},                                     \
	{"until", required_argument, NULL, DRV_OPT_UNTIL},                                     \
	{"min-duration", required_argument, NULL, DRV_OPT_MIN_DURATION},                       \
	{"unit", required_argument, NULL, DRV_OPT_UNIT}

#define DRV_OUTPUT_OPTIONS                                                                    \
	{"json", no_argument, NULL, DRV_OPT_JSON}, {"csv", no_argument, NULL, DRV_OPT_CSV},   \
	{"color", optional_argument, NULL, DRV_OPT_COLOR},                                     \
	{"no-color", no_argument, NULL, DRV_OPT_NO_COLOR},                                     \
	{"wallclock", no_argument, NULL, DRV_OPT_WALLCLOCK},                                   \
	DRV_READ_OPTIONS

/* how the trace is read: for subcommands that have no output options */
#define DRV_READ_OPTIONS                                                                      \
	{"reorder-window", required_argument, NULL, DRV_OPT_REORDER},                          \
	{"path-misses", no_argument, NULL, DRV_OPT_PATH_MISSES}

#define DRV_STATS_OPTION {"stats", no_argument, NULL, DRV_OPT_STATS}
#define DRV_HELP_OPTION {"help", no_argument, NULL, 'h'}
/* clang-format on */

enum driver_format {
	DRV_FMT_TEXT,
	DRV_FMT_JSON,
	DRV_FMT_CSV,
};

enum driver_color {
	DRV_COLOR_AUTO, /* a terminal, without NO_COLOR or TERM=dumb */
	DRV_COLOR_ALWAYS,
	DRV_COLOR_NEVER,
};

struct driver;

/* Returned by a subcommand's option callback for an option the driver is
 * to handle (a shared one the subcommand wanted to see first). */
#define DRV_SHARED 1

struct driver_cmd {
	const char *name;      /* "tree": messages read "execrec tree: ..." */
	const char *operands;  /* after "[OPTIONS]" in a usage line: "FILE" */
	const char *shortopts; /* getopt's short options, 'h' included */
	const struct option *longopts;
	void (*help)(FILE *f); /* --help, to stdout */
	/*
	 * Each option getopt returns, but -h and errors: 0 when taken,
	 * DRV_SHARED to leave it to the driver, or a negative errno after
	 * one line (driver__err): the run stops with DRV_EXIT_USAGE
	 * (DRV_EXIT_FAIL for -ENOMEM). NULL: the shared options only.
	 */
	int (*option)(struct driver *d, int opt, const char *arg);
	/*
	 * Exit statuses as grep's, where 1 means "nothing found": at
	 * driver__end DRV_EXIT_NONE unless the subcommand set d->found, and
	 * every error DRV_EXIT_USAGE (2) where others say DRV_EXIT_FAIL.
	 */
	bool grep_status;
};

struct driver {
	const struct driver_cmd *cmd;
	void *ctx;    /* the subcommand's, for its option callback */
	int status;   /* the exit status, once parse or open said stop */
	bool stopped; /* parse or open said stop */
	bool found;   /* grep_status: the run found something */

	/* the shared options, as given */
	struct rp_filter *filter; /* NULL: none given */
	enum driver_format format;
	enum driver_color color;
	bool wallclock;
	bool path_misses; /* show the failed execs of $PATH searches */
	bool stats;
	uint64_t reorder_ns; /* 0: the reader's default */

	/* the run */
	const char *path; /* the trace, as named on the command line */
	struct rp_trace *trace;
	bool filter_bound;
	struct tool_out out; /* driver__out_open's file */
	const char *out_name;
	bool out_open;
};

/*
 * Parse the command line of @cmd (argv[0] is the subcommand). true to go
 * on (optind at the first operand); false to stop, with d->status the
 * exit status (0 after --help) and any message said.
 */
bool driver__parse(struct driver *d, const struct driver_cmd *cmd, void *ctx, int argc,
		   char **argv);

/*
 * One of the shared options (@opt as getopt_long returned it) into @d.
 * 1 if it was one, 0 if not, -EINVAL with a message in @err, -ENOMEM.
 */
int driver__option(struct driver *d, int opt, const char *arg, char *err, size_t err_len);

/*
 * After getopt_long() returned ':' or '?' (optstring starting with ':',
 * opterr 0): one line on stderr naming the option and what is wrong with
 * it -- unknown, missing its value, or given a value it does not take.
 */
void driver__option_error(const char *cmd, int opt, char **argv, const struct option *longopts);

/* "execrec NAME: " + the message + "\n" on stderr. Returns -EINVAL, what
 * an option callback returns after it. */
__attribute__((format(printf, 2, 3))) int driver__err(const struct driver *d, const char *fmt, ...);

/* The single trace operand (argv[optind]) into d->path. false, with the
 * problem and the usage line said and d->status DRV_EXIT_USAGE, if there
 * is none or more than one. */
bool driver__operand(struct driver *d, int argc, char **argv);

/*
 * Open the trace (the operand, if driver__operand has not taken it yet)
 * with @opts (NULL = defaults) and the shared --reorder-window and
 * --path-misses. false after one line, with d->status set.
 */
bool driver__open(struct driver *d, int argc, char **argv, const struct rp_trace_opts *opts);

/* Why a trace file could not be opened by format/'s reader (errno @err),
 * in a few words: "not an execrec trace", ..., else strerror. */
const char *driver__open_why(int err);

/* Open @path as driver__open does, for a subcommand that reads several.
 * NULL after one line on stderr. */
struct rp_trace *driver__open_trace(const struct driver *d, const char *path,
				    const struct rp_trace_opts *opts);

/*
 * The next event of the trace, with the filters bound to it before the
 * first event that is not a snapshot entry (or at the end, if none).
 * 1 with *ret_ev, 0 at the end, -errno; -EINVAL when a filter does not fit
 * the trace, after one line.
 */
int driver__next(struct driver *d, const struct etr_event **ret_ev);

/* Bind the filters now, if not yet (driver__next does it). 0, or -EINVAL
 * after one line. */
int driver__bind(struct driver *d);

/* Whether to colour what goes to @fd: --color, else NO_COLOR (set and not
 * empty: no), TERM=dumb (no), else whether @fd is a terminal. */
bool driver__color(const struct driver *d, int fd);
bool driver__want_color(enum driver_color mode, int fd);

/* What driver__help writes. */
enum {
	DRV_HELP_STATS = 1 << 0,	/* the --stats line */
	DRV_HELP_FILTERS = 1 << 1,	/* the filters */
	DRV_HELP_FILTERS_REST = 1 << 2, /* the filters but --pid and --subtree */
	DRV_HELP_OUTPUT = 1 << 3,	/* the output options */
	DRV_HELP_CSV = 1 << 4,		/* ... with --csv */
};

/* The end of a --help: the --stats line (DRV_HELP_STATS), -h, a blank
 * line, then the filters and, after another blank line, the output
 * options, as @what says. */
void driver__help(FILE *f, unsigned what);

/* Help text of the shared options, for a --help. */
void driver__filter_help(FILE *f);
/* The filters after --pid and --subtree, for a subcommand that gives those
 * a meaning of its own. */
void driver__filter_help_rest(FILE *f);
void driver__output_help(FILE *f, bool csv);

/* Flush standard output; a failure but a closed pipe gets one line. */
void driver__flush(const struct driver *d);

/*
 * --stats: one line of figures for benchmarks on stderr: events read, the
 * most held by the reorder window, processes, the bytes held for them and
 * of those the strings, CPU seconds and peak RSS of this process.
 */
void driver__print_stats(const struct driver *d, uint64_t processes, size_t bytes,
			 size_t string_bytes);

/*
 * The file a subcommand writes, d->out.f: @path ("-", NULL: standard
 * output) under outfile.h's rules, protecting the trace read (@input,
 * NULL: d->path). false after one line naming the option or the path, with
 * d->status DRV_EXIT_FAIL (DRV_EXIT_USAGE for an empty name).
 */
bool driver__out_open(struct driver *d, const char *path, const char *input, bool force,
		      bool binary);

/* Keep the output file (@ok: flushed, synced, renamed into place) or
 * remove it. 0, or DRV_EXIT_FAIL after one line. */
int driver__out_close(struct driver *d, bool ok);

/*
 * The end of a run: for @err (-errno; -EINVAL means already said) its one
 * line, else the warning about a damaged trace, if any; then the output
 * file kept (@err >= 0) or removed. The exit status: 0, or DRV_EXIT_FAIL
 * after an error (grep_status: DRV_EXIT_NONE when nothing was found, 2
 * after an error).
 */
int driver__end(struct driver *d, int err);

/* Release what the driver holds (NULL-safe, idempotent). */
void driver__free(struct driver *d);

/* Stop before the work with exit status @status (its line said): frees,
 * returns @status. */
int driver__stop(struct driver *d, int status);

/* The exit status of an error that is not a bad command line:
 * DRV_EXIT_FAIL, or DRV_EXIT_USAGE for a subcommand with grep_status. */
int driver__fail_status(const struct driver *d);

/* driver__end then driver__free; d->status instead when parse or open
 * said stop. */
int driver__exit(struct driver *d, int err);

#endif
