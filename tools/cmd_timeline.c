/* SPDX-License-Identifier: MIT */
/*
 * execrec timeline: one line per event, in time order. Streams: it holds
 * the reorder window and, with --subtree or --grep, the live processes
 * those follow; nothing grows with the length of the trace.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "line.h"
#include "replay.h"
#include "argmap.h"
#include "options.h"

static void usage(FILE *f)
{
	fputs("Usage: execrec timeline [OPTIONS] FILE\n"
	      "\n"
	      "One line per event in time order: time, event, pid, parent pid, return\n"
	      "value or exit status, how long the process lived (on exits), and the\n"
	      "arguments quoted as a shell would need them. FILE may be - (stdin).\n"
	      "\n"
	      "      --wallclock         wall-clock times instead of seconds from the start\n"
	      "      --snapshot          also the processes alive when the recording started\n"
	      "      --threads           also the creation of threads (if recorded)\n"
	      "      --stats             figures for benchmarks on stderr\n"
	      "  -h, --help              this help\n"
	      "\n",
	      f);
	rp_cli__filter_help(f);
	fputc('\n', f);
	rp_cli__output_help(f, true);
}

struct ctx {
	struct rp_cli cli;
	struct rp_trace *trace;
	bool color;
	bool snapshot;
	struct rp_out out; /* the text lines: stdio's lock and a call per
			    * piece were most of the time */
	bool tty;	   /* a line at a time, as stdio would: a live
			    * recording may be read from a pipe */
	/* --failed shows exits of processes whose exec it did not show: the
	 * arguments they ran, for those lines */
	bool failed;
	struct argmap args;
};

static void print_text(struct ctx *c, const struct etr_event *ev)
{
	char tb[32];
	const struct etr_str *args = NULL;
	uint64_t dur_ns = UINT64_MAX; /* none known: none shown */

	if (ev->type == ETR_EV_EXIT) {
		if (!rp_trace__exit_duration(c->trace, ev, &dur_ns))
			dur_ns = UINT64_MAX;
		if (c->failed)
			args = argmap__get(&c->args, ev->pid, ev->start_ns);
	}
	rp_cli__fmt_time(&c->cli, c->trace, ev->ts_ns, tb, sizeof(tb));
	rp_line__event(&c->out, tb, c->cli.wallclock ? 15 : 11, c->color, ev, &dur_ns, args);
	if (c->tty)
		rp_out__flush(&c->out);
}

/* The text goes out in blocks of this many bytes. */
#define OUT_BUF (64u << 10)

int cmd_timeline(int argc, char **argv)
{
	static const struct option longopts[] = {
	    RP_CLI_FILTER_OPTIONS,
	    RP_CLI_OUTPUT_OPTIONS,
	    {"snapshot", no_argument, NULL, 's'},
	    {"threads", no_argument, NULL, 't'},
	    {"stats", no_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	static char obuf[OUT_BUF];
	struct rp_trace_opts topts = {.sz = sizeof(topts)};
	struct ctx c = {0};
	const struct etr_event *ev;
	char err[512];
	const char *path;
	int opt, ret = 0;
	bool stats = false;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		int r;

		switch (opt) {
		case 'h':
			usage(stdout);
			ret = 0;
			goto done;
		case 's':
			c.snapshot = true;
			continue;
		case 't':
			topts.keep_threads = true;
			continue;
		case 'S':
			stats = true;
			continue;
		case RP_OPT_FAILED:
			c.failed = true;
			break; /* and on to the filter */
		case ':':
		case '?':
			tool__option_error("timeline", opt, argv, longopts);
			ret = 2;
			goto done;
		}
		r = rp_cli__option(&c.cli, opt, optarg, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "execrec timeline: %s\n",
				r == -EINVAL ? err : strerror(-r));
			ret = 2;
			goto done;
		}
	}
	/* the environments, where recorded, go into the JSON rows */
	topts.keep_env = c.cli.format == RP_FMT_JSON;
	c.trace = tool__open_trace("timeline", &c.cli, argc, argv, &topts, &path, &ret);
	if (!c.trace)
		goto done;
	c.color = c.cli.format == RP_FMT_TEXT && rp_want_color(1, c.cli.color_mode);

	if (c.cli.format == RP_FMT_CSV)
		rp_csv_header(stdout);
	else if (c.cli.format == RP_FMT_TEXT)
		rp_line__header(stdout, c.cli.wallclock ? "WALLCLOCK" : "TIME",
				c.cli.wallclock ? 15 : 11);

	rp_out__init(&c.out, stdout, obuf, sizeof(obuf));
	c.tty = isatty(STDOUT_FILENO);
	while ((ret = rp_trace__next_event(c.trace, &ev)) > 0) {
		if (rp_cli__bind(&c.cli, c.trace, ev, err, sizeof(err))) {
			fprintf(stderr, "execrec timeline: %s\n", err);
			ret = -EINVAL;
			break;
		}
		if (ev->type == RP_EV_PROC && !c.snapshot) {
			/* still seen by the filter: --subtree follows the snapshot */
			rp_filter__match_event(c.cli.filter, ev);
			continue;
		}
		/* before the filter: the exec it hides names the exit it shows */
		if (c.failed && c.cli.format == RP_FMT_TEXT && ev->type == ETR_EV_EXEC &&
		    argmap__set(&c.args, ev->pid, ev->start_ns, &ev->argv)) {
			ret = -ENOMEM;
			break;
		}
		if (c.cli.filter && !rp_filter__match_event(c.cli.filter, ev)) {
			if (ev->type == ETR_EV_EXIT)
				argmap__del(&c.args, ev->pid, ev->start_ns);
			continue;
		}
		switch (c.cli.format) {
		case RP_FMT_JSON:
			rp_print_event_json(stdout, c.trace, ev);
			break;
		case RP_FMT_CSV:
			rp_print_event_csv(stdout, c.trace, ev);
			break;
		default:
			print_text(&c, ev);
			if (ev->type == ETR_EV_EXIT)
				argmap__del(&c.args, ev->pid, ev->start_ns);
		}
	}
	rp_out__flush(&c.out);
	if (fflush(stdout) && errno != EPIPE)
		fprintf(stderr, "execrec timeline: writing output: %s\n", strerror(errno));
	ret = tool__end_trace("timeline", ret < 0 ? ret : 0, path, c.trace);
	if (!ret && stats)
		rp_cli__print_stats(stderr, "timeline", c.trace, 0, 0, 0);
done:
	argmap__free(&c.args);
	rp_trace__free(c.trace);
	rp_filter__free(c.cli.filter);
	return ret;
}
