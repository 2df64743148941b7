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

#include "argmap.h"
#include "commands.h"
#include "driver.h"
#include "line.h"
#include "replay.h"

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
	      "      --threads           also the creation of threads (if recorded)\n",
	      f);
	driver__help(f, DRV_HELP_STATS | DRV_HELP_FILTERS | DRV_HELP_OUTPUT | DRV_HELP_CSV);
}

struct ctx {
	struct driver d;
	struct rp_trace_opts topts;
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

static int option(struct driver *d, int opt, const char *arg)
{
	struct ctx *c = d->ctx;

	switch (opt) {
	case 's':
		c->snapshot = true;
		return 0;
	case 't':
		c->topts.keep_threads = true;
		return 0;
	case DRV_OPT_FAILED:
		c->failed = true;
		return DRV_SHARED; /* and on to the filter */
	default:
		return DRV_SHARED;
	}
}

static void print_text(struct ctx *c, const struct etr_event *ev)
{
	char tb[32];
	const struct etr_str *args = NULL;
	uint64_t dur_ns = UINT64_MAX; /* none known: none shown */

	if (ev->type == ETR_EV_EXIT) {
		if (!rp_trace__exit_duration(c->d.trace, ev, &dur_ns))
			dur_ns = UINT64_MAX;
		if (c->failed)
			args = argmap__get(&c->args, ev->pid, ev->start_ns);
	}
	rp_trace__fmt_time(c->d.trace, c->d.wallclock, ev->ts_ns, tb, sizeof(tb));
	rp_line__event(&c->out, tb, c->d.wallclock ? 15 : 11, c->color, ev, &dur_ns, args);
	if (c->tty)
		rp_out__flush(&c->out);
}

/* One event: 0, or -ENOMEM. */
static int event(struct ctx *c, const struct etr_event *ev)
{
	if (ev->type == RP_EV_PROC && !c->snapshot) {
		/* still seen by the filter: --subtree follows the snapshot */
		rp_filter__match_event(c->d.filter, ev);
		return 0;
	}
	/* before the filter: the exec it hides names the exit it shows */
	if (c->failed && c->d.format == DRV_FMT_TEXT && ev->type == ETR_EV_EXEC &&
	    argmap__set(&c->args, ev->pid, ev->start_ns, &ev->argv))
		return -ENOMEM;
	if (c->d.filter && !rp_filter__match_event(c->d.filter, ev)) {
		if (ev->type == ETR_EV_EXIT)
			argmap__del(&c->args, ev->pid, ev->start_ns);
		return 0;
	}
	switch (c->d.format) {
	case DRV_FMT_JSON:
		rp_print_event_json(stdout, c->d.trace, ev);
		break;
	case DRV_FMT_CSV:
		rp_print_event_csv(stdout, c->d.trace, ev);
		break;
	default:
		print_text(c, ev);
		if (ev->type == ETR_EV_EXIT)
			argmap__del(&c->args, ev->pid, ev->start_ns);
	}
	return 0;
}

/* The text goes out in blocks of this many bytes. */
#define OUT_BUF (64u << 10)

int cmd_timeline(int argc, char **argv)
{
	static const struct option longopts[] = {
	    DRV_FILTER_OPTIONS,
	    DRV_OUTPUT_OPTIONS,
	    {"snapshot", no_argument, NULL, 's'},
	    {"threads", no_argument, NULL, 't'},
	    DRV_STATS_OPTION,
	    DRV_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	static const struct driver_cmd cmd = {
	    .name = "timeline",
	    .operands = "FILE",
	    .shortopts = "h",
	    .longopts = longopts,
	    .help = usage,
	    .option = option,
	};
	static char obuf[OUT_BUF];
	struct ctx c = {.topts = {.sz = sizeof(c.topts)}};
	const struct etr_event *ev;
	int ret;

	if (!driver__parse(&c.d, &cmd, &c, argc, argv))
		return driver__exit(&c.d, 0);
	/* the environments, where recorded, go into the JSON rows */
	c.topts.keep_env = c.d.format == DRV_FMT_JSON;
	if (!driver__open(&c.d, argc, argv, &c.topts))
		return driver__exit(&c.d, 0);
	c.color = c.d.format == DRV_FMT_TEXT && driver__color(&c.d, STDOUT_FILENO);

	if (c.d.format == DRV_FMT_CSV)
		rp_csv_header(stdout);
	else if (c.d.format == DRV_FMT_TEXT)
		rp_line__header(stdout, c.d.wallclock ? "WALLCLOCK" : "TIME",
				c.d.wallclock ? 15 : 11);

	rp_out__init(&c.out, stdout, obuf, sizeof(obuf));
	c.tty = isatty(STDOUT_FILENO);
	while ((ret = driver__next(&c.d, &ev)) > 0)
		if ((ret = event(&c, ev)))
			break;
	rp_out__flush(&c.out);
	driver__flush(&c.d);
	ret = driver__end(&c.d, ret < 0 ? ret : 0);
	if (!ret && c.d.stats)
		driver__print_stats(&c.d, 0, 0, 0);
	argmap__free(&c.args);
	driver__free(&c.d);
	return ret;
}
