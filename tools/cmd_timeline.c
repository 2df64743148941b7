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

#include "cli.h"
#include "commands.h"
#include "replay.h"
#include "options.h"

#define C_RESET "\033[0m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_DIM "\033[2m"
#define C_BOLDRED "\033[1;31m"

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
};

static const char *event_color(const struct etr_event *ev)
{
	switch (ev->type) {
	case ETR_EV_EXEC:
		return C_GREEN;
	case ETR_EV_EXEC_FAIL:
		return C_RED;
	case ETR_EV_EXIT:
		return ev->signal ? C_BOLDRED : ev->exit_code ? C_RED : "";
	case ETR_EV_LOST:
		return C_YELLOW;
	case ETR_EV_FORK:
	case RP_EV_PROC:
		return C_DIM;
	default:
		return "";
	}
}

static void print_text(struct ctx *c, const struct etr_event *ev)
{
	char tb[32], ret[40] = "", dur[24] = "";
	int tw = c->cli.wallclock ? 15 : 11;
	const char *col = c->color ? event_color(ev) : "";
	const char *name = rp_event_name(ev);
	FILE *f = stdout;

	rp_cli__fmt_time(&c->cli, c->trace, ev->ts_ns, tb, sizeof(tb));
	switch (ev->type) {
	case ETR_EV_EXEC:
		snprintf(ret, sizeof(ret), "0");
		break;
	case ETR_EV_EXEC_FAIL: {
		const char *en = rp_errno_name(ev->ret);

		if (en)
			snprintf(ret, sizeof(ret), "%s", en);
		else
			snprintf(ret, sizeof(ret), "%d", ev->ret);
		break;
	}
	case ETR_EV_EXIT:
		if (ev->signal) {
			const char *sn = rp_signal_name(ev->signal);

			if (sn)
				snprintf(ret, sizeof(ret), "%s%s", sn,
					 ev->flags & ETR_EVF_CORE_DUMPED ? "+core" : "");
			else
				snprintf(ret, sizeof(ret), "sig%d%s", ev->signal,
					 ev->flags & ETR_EVF_CORE_DUMPED ? "+core" : "");
		} else {
			snprintf(ret, sizeof(ret), "%d", ev->exit_code);
		}
		if (ev->start_ns && ev->ts_ns >= ev->start_ns)
			rp_fmt_duration(dur, sizeof(dur), ev->ts_ns - ev->start_ns);
		break;
	default:
		break;
	}

	if (ev->type == ETR_EV_LOST && (ev->flags & RP_EVF_DAMAGE)) {
		fprintf(f, "%-*s %s%-9s%s %7s %7s  events missing here: the file is damaged\n", tw,
			tb, col, name, c->color ? C_RESET : "", "-", "-");
		return;
	}
	if (ev->type == ETR_EV_LOST) {
		fprintf(f, "%-*s %s%-9s%s %7s %7s  %" PRIu64 " %s event%s lost here\n", tw, tb, col,
			name, c->color ? C_RESET : "", "-", "-", ev->lost_count,
			ev->lost_type ? rp_event_name(&(struct etr_event){.type = ev->lost_type})
				      : "",
			ev->lost_count == 1 ? "" : "s");
		return;
	}
	fprintf(f, "%-*s %s%-9s%s %7" PRIu32 " %7" PRIu32 " %-13s %8s  ", tw, tb, col, name,
		c->color && *col ? C_RESET : "", ev->pid, ev->ppid, ret, dur);
	switch (ev->type) {
	case ETR_EV_EXEC_FAIL:
		rp_fput_shell(f, ev->filename.ptr, ev->filename.len);
		fputs(": ", f);
		/* fall through */
	case ETR_EV_EXEC:
	case RP_EV_PROC:
		rp_fput_argv(f, &ev->argv, 0);
		if (ev->flags & ETR_EVF_ARGV_TRUNC)
			fprintf(f, " ...[cut, %" PRIu32 " bytes in all]", ev->argv_orig_len);
		if (ev->type == ETR_EV_EXEC && ev->old_tid && ev->old_tid != ev->pid)
			fprintf(f, "  (exec from thread %" PRIu32 ")", ev->old_tid);
		break;
	default:
		rp_fput_shell(f, ev->comm.ptr, ev->comm.len);
		if (ev->type == ETR_EV_FORK && (ev->flags & ETR_EVF_THREAD))
			fprintf(f, "  (thread %" PRIu32 ")", ev->tid);
		if (ev->type > ETR_EV__MAX_KNOWN && ev->type != RP_EV_PROC)
			fprintf(f, "  (event type %u)", ev->type);
		break;
	}
	putc('\n', f);
}

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
	c.trace = tool__open_trace("timeline", &c.cli, argc, argv, &topts, &path, &ret);
	if (!c.trace)
		goto done;
	c.color = c.cli.format == RP_FMT_TEXT && rp_want_color(1, c.cli.color_mode);

	if (c.cli.format == RP_FMT_CSV)
		rp_csv_header(stdout);
	else if (c.cli.format == RP_FMT_TEXT)
		printf("%-*s %-9s %7s %7s %-13s %8s  %s\n", c.cli.wallclock ? 15 : 11,
		       c.cli.wallclock ? "WALLCLOCK" : "TIME", "EVENT", "PID", "PPID", "RET",
		       "DURATION", "ARGS");

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
		if (c.cli.filter && !rp_filter__match_event(c.cli.filter, ev))
			continue;
		switch (c.cli.format) {
		case RP_FMT_JSON:
			rp_print_event_json(stdout, c.trace, ev);
			break;
		case RP_FMT_CSV:
			rp_print_event_csv(stdout, c.trace, ev);
			break;
		default:
			print_text(&c, ev);
		}
	}
	if (fflush(stdout) && errno != EPIPE)
		fprintf(stderr, "execrec timeline: writing output: %s\n", strerror(errno));
	ret = tool__end_trace("timeline", ret < 0 ? ret : 0, path, c.trace);
	if (!ret && stats)
		rp_cli__print_stats(stderr, "timeline", c.trace, 0, 0, 0);
done:
	rp_trace__free(c.trace);
	rp_filter__free(c.cli.filter);
	return ret;
}
