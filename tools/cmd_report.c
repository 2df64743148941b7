/* SPDX-License-Identifier: MIT */
/*
 * execrec report: what a person asks of a trace first. A header (host,
 * kernel, when and how long, whether the recording ended cleanly, events,
 * losses), then commands by count and by wall time, failed execs, bad exits
 * and deaths by signal, the longest-running processes, the busiest parents
 * and the short-lived processes that top and ps never show.
 *
 * The front end: options, the trace, diagnostics. The tables and their
 * output are replay/report.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common/parse.h"
#include "driver.h"
#include "redact.h"
#include "replay.h"
#include "report.h"

static void usage(FILE *f)
{
	fputs("Usage: execrec report [OPTIONS] FILE\n"
	      "\n"
	      "A summary of the trace: where and when it was recorded and whether the\n"
	      "recording ended cleanly; then commands by count and by total wall time,\n"
	      "failed execs, non-zero exits and deaths by signal, the longest-running\n"
	      "processes, the busiest parents, and the short-lived processes (under 1 s).\n"
	      "Processes already running when the recording started (the snapshot) are\n"
	      "counted in the header and as parents, not as commands run.\n"
	      "\n"
	      "  -n, --top N             lines per section (default 10, 0 = all)\n"
	      "      --markdown          GitHub/GitLab markdown, to paste into an issue: the\n"
	      "                          tables and a collapsed process tree of the failures;\n"
	      "                          warns when the trace holds what looks like secrets\n",
	      f);
	driver__help(f, DRV_HELP_STATS | DRV_HELP_FILTERS | DRV_HELP_OUTPUT | DRV_HELP_CSV);
}

static int option(struct driver *d, int opt, const char *arg)
{
	struct rp_report_opts *o = d->ctx;
	uint64_t top;

	switch (opt) {
	case 'n':
		if (ec_parse_count(arg, UINT32_MAX, &top))
			return driver__err(d, "--top: '%s' is not a count (0 to 4294967295)", arg);
		o->top = top;
		return 0;
	case 'M':
		o->markdown = true;
		return 0;
	default:
		return DRV_SHARED;
	}
}

/* Before sharing a trace: what looks like a secret, counted on the way. */
static int scan(struct redactor *r, const struct etr_event *ev)
{
	struct etr_event copy;

	if (!r || (ev->type != ETR_EV_EXEC && ev->type != ETR_EV_EXEC_FAIL))
		return 0;
	/* the redactor may rewrite what it scans: never the trace's own */
	copy = *ev;
	return redactor__event(r, &copy) < 0 ? -ENOMEM : 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
	    DRV_FILTER_OPTIONS,
	    DRV_OUTPUT_OPTIONS,
	    {"top", required_argument, NULL, 'n'},
	    DRV_STATS_OPTION,
	    {"markdown", no_argument, NULL, 'M'},
	    DRV_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	static const struct driver_cmd cmd = {
	    .name = "report",
	    .operands = "FILE",
	    .shortopts = "hn:",
	    .longopts = longopts,
	    .help = usage,
	    .option = option,
	};
	static const char *const redacted_keys[] = {"redact.rules", NULL};
	struct rp_report_opts ropts = {.sz = sizeof(ropts), .top = 10};
	struct driver d = {0};
	struct rp_report *r = NULL;
	struct redactor *secrets = NULL;
	const struct etr_event *ev;
	int ret = -ENOMEM;

	if (!driver__parse(&d, &cmd, &ropts, argc, argv) || !driver__open(&d, argc, argv, NULL))
		return driver__exit(&d, 0);
	ropts.filter = d.filter;
	if (ropts.markdown && !(secrets = redactor__new(NULL)))
		goto out;
	r = rp_report__new(d.trace, &ropts);
	if (!r)
		goto out;
	while ((ret = driver__next(&d, &ev)) > 0) {
		ret = rp_report__add(r, ev) ?: scan(secrets, ev);
		if (ret)
			break;
	}
	if (!ret)
		ret = rp_report__finish(r);
	if (ret)
		goto out;

	if (ropts.markdown)
		rp_report__print_markdown(r, stdout, d.path);
	else if (d.format == DRV_FMT_JSON)
		rp_report__print_json(r, stdout, d.path);
	else if (d.format == DRV_FMT_CSV)
		rp_report__print_csv(r, stdout);
	else
		rp_report__print_text(r, stdout, d.path, driver__color(&d, STDOUT_FILENO));
	driver__flush(&d);
	if (secrets && redactor__hits(secrets) && !rp_trace__meta_get(d.trace, redacted_keys))
		driver__err(&d,
			    "warning: %s is not redacted and %" PRIu64
			    " strings look like secrets; 'execrec redact %s -o OUT' before sharing",
			    d.path, redactor__hits(secrets), d.path);
	if (d.stats)
		driver__print_stats(&d, rp_report__processes(r), rp_model__mem(rp_report__model(r)),
				    rp_model__str_bytes(rp_report__model(r)));
out:
	redactor__free(secrets);
	rp_report__free(r);
	return driver__exit(&d, ret);
}
