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
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "replay.h"
#include "report.h"
#include "options.h"
#include "redact.h"

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
	      "                          warns when the trace holds what looks like secrets\n"
	      "      --stats             figures for benchmarks on stderr\n"
	      "  -h, --help              this help\n"
	      "\n",
	      f);
	rp_cli__filter_help(f);
	fputc('\n', f);
	rp_cli__output_help(f, true);
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
	    RP_CLI_FILTER_OPTIONS,
	    RP_CLI_OUTPUT_OPTIONS,
	    {"top", required_argument, NULL, 'n'},
	    {"stats", no_argument, NULL, 'S'},
	    {"markdown", no_argument, NULL, 'M'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct rp_report_opts ropts = {.sz = sizeof(ropts), .top = 10};
	struct rp_cli cli = {0};
	struct rp_trace *trace = NULL;
	struct rp_report *r = NULL;
	const struct etr_event *ev;
	int opt, ret = 0;
	char err[512], *end;
	const char *path;
	bool stats = false;
	static const char *const redacted_keys[] = {"redact.rules", NULL};
	struct redactor *scan = NULL;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hn:", longopts, NULL)) != -1) {
		int rr;

		switch (opt) {
		case 'h':
			usage(stdout);
			ret = 0;
			goto done;
		case 'n':
			/* strtoul takes "-1" as ULONG_MAX and saturates what is too
			 * big: only digits, and a count a table can have */
			errno = 0;
			ropts.top = strtoul(optarg, &end, 10);
			if (*end || end == optarg || !isdigit((unsigned char)optarg[0]) || errno ||
			    ropts.top > UINT32_MAX) {
				fprintf(stderr,
					"execrec report: --top: '%s' is not a count (0 to "
					"4294967295)\n",
					optarg);
				ret = 2;
				goto done;
			}
			continue;
		case 'S':
			stats = true;
			continue;
		case 'M':
			ropts.markdown = true;
			continue;
		case ':':
		case '?':
			tool__option_error("report", opt, argv, longopts);
			ret = 2;
			goto done;
		}
		rr = rp_cli__option(&cli, opt, optarg, err, sizeof(err));
		if (rr < 0) {
			fprintf(stderr, "execrec report: %s\n",
				rr == -EINVAL ? err : strerror(-rr));
			ret = 2;
			goto done;
		}
	}
	trace = tool__open_trace("report", &cli, argc, argv, NULL, &path, &ret);
	if (!trace)
		goto done;
	ropts.filter = cli.filter;
	if (ropts.markdown && !(scan = redactor__new(NULL))) {
		ret = -ENOMEM;
		goto out;
	}
	r = rp_report__new(trace, &ropts);
	if (!r) {
		ret = -ENOMEM;
		goto out;
	}
	while ((ret = rp_trace__next_event(trace, &ev)) > 0) {
		if (rp_cli__bind(&cli, trace, ev, err, sizeof(err))) {
			fprintf(stderr, "execrec report: %s\n", err);
			ret = -EINVAL;
			goto out;
		}
		ret = rp_report__add(r, ev);
		if (ret)
			break;
		if (scan && (ev->type == ETR_EV_EXEC || ev->type == ETR_EV_EXEC_FAIL)) {
			struct etr_event copy = *ev;

			if (redactor__event(scan, &copy) < 0) {
				ret = -ENOMEM;
				break;
			}
		}
	}
	if (ret < 0)
		goto out;
	if (rp_cli__bind(&cli, trace, NULL, err, sizeof(err))) {
		fprintf(stderr, "execrec report: %s\n", err);
		ret = -EINVAL;
		goto out;
	}
	ret = rp_report__finish(r);
	if (ret)
		goto out;

	if (ropts.markdown)
		rp_report__print_markdown(r, stdout, path);
	else if (cli.format == RP_FMT_JSON)
		rp_report__print_json(r, stdout, path);
	else if (cli.format == RP_FMT_CSV)
		rp_report__print_csv(r, stdout);
	else
		rp_report__print_text(r, stdout, path, rp_want_color(1, cli.color_mode));
	if (fflush(stdout) && errno != EPIPE)
		fprintf(stderr, "execrec report: writing output: %s\n", strerror(errno));
	if (scan && redactor__hits(scan) && !rp_trace__meta_get(trace, redacted_keys))
		fprintf(stderr,
			"execrec report: warning: %s is not redacted and %" PRIu64
			" strings look like secrets; 'execrec redact %s -o OUT' before sharing\n",
			path, redactor__hits(scan), path);
	if (stats)
		rp_cli__print_stats(stderr, "report", trace, rp_report__processes(r),
				    rp_model__mem(rp_report__model(r)),
				    rp_model__str_bytes(rp_report__model(r)));

out:
	ret = tool__end_trace("report", ret, path, trace);
done:
	redactor__free(scan);
	rp_report__free(r);
	rp_trace__free(trace);
	rp_filter__free(cli.filter);
	return ret;
}
