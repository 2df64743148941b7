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
#include "replay.h"
#include "argmap.h"
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
	struct rp_out out; /* the text lines: stdio's lock and a call per
			    * piece were most of the time */
	bool tty;	   /* a line at a time, as stdio would: a live
			    * recording may be read from a pipe */
	/* --failed shows exits of processes whose exec it did not show: the
	 * arguments they ran, for those lines */
	bool failed;
	struct argmap args;
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

static void put_spaces(struct rp_out *o, size_t n)
{
	static const char sp[] = "                ";

	for (size_t k; n; n -= k) {
		k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
		rp_out__write(o, sp, k);
	}
}

/* @s, then spaces up to @width columns (printf's %-*s). */
static void put_left(struct rp_out *o, const char *s, size_t len, size_t width)
{
	rp_out__write(o, s, len);
	if (len < width)
		put_spaces(o, width - len);
}

/* Spaces, then @s, to end at @width columns (printf's %*s). */
static void put_right(struct rp_out *o, const char *s, size_t len, size_t width)
{
	if (len < width)
		put_spaces(o, width - len);
	rp_out__write(o, s, len);
}

static void put_num_right(struct rp_out *o, int64_t v, size_t width)
{
	char b[24];

	put_right(o, b, rp_fmt_i64(b, v), width);
}

/* What the RET column says of @ev, into @ret (at least 40 bytes). */
static size_t fmt_ret(const struct etr_event *ev, char *ret, size_t len)
{
	switch (ev->type) {
	case ETR_EV_EXEC:
		ret[0] = '0';
		return 1;
	case ETR_EV_EXEC_FAIL: {
		const char *en = rp_errno_name(ev->ret);

		if (en)
			return (size_t)snprintf(ret, len, "%s", en);
		return (size_t)snprintf(ret, len, "%d", ev->ret);
	}
	case ETR_EV_EXIT:
		if (ev->signal) {
			const char *sn = rp_signal_name(ev->signal);
			const char *core = ev->flags & ETR_EVF_CORE_DUMPED ? "+core" : "";

			if (sn)
				return (size_t)snprintf(ret, len, "%s%s", sn, core);
			return (size_t)snprintf(ret, len, "sig%d%s", ev->signal, core);
		}
		return rp_fmt_i64(ret, ev->exit_code);
	default:
		return 0;
	}
}

static void print_text(struct ctx *c, const struct etr_event *ev)
{
	char tb[32], ret[40], dur[24] = "";
	const struct etr_str *args;
	uint64_t dur_ns;
	size_t tw = c->cli.wallclock ? 15 : 11, nret;
	const char *col = c->color ? event_color(ev) : "";
	const char *name = rp_event_name(ev);
	struct rp_out *o = &c->out;

	rp_cli__fmt_time(&c->cli, c->trace, ev->ts_ns, tb, sizeof(tb));
	nret = fmt_ret(ev, ret, sizeof(ret));
	if (nret >= sizeof(ret))
		nret = sizeof(ret) - 1; /* snprintf's cut */
	if (ev->type == ETR_EV_EXIT && rp_trace__exit_duration(c->trace, ev, &dur_ns))
		rp_fmt_duration(dur, sizeof(dur), dur_ns);

	put_left(o, tb, strlen(tb), tw);
	rp_out__putc(o, ' ');
	rp_out__puts(o, col);
	put_left(o, name, strlen(name), 9);
	if (ev->type == ETR_EV_LOST) {
		rp_out__puts(o, c->color ? C_RESET : "");
		rp_out__write(o, "       -       -  ", 18);
		if (ev->flags & RP_EVF_DAMAGE)
			rp_out__puts(o, "events missing here: the file is damaged\n");
		else
			rp_out__printf(o, "%" PRIu64 " %s event%s lost here\n", ev->lost_count,
				       ev->lost_type ? rp_event_name(&(struct etr_event){
							   .type = ev->lost_type})
						     : "",
				       ev->lost_count == 1 ? "" : "s");
		if (c->tty)
			rp_out__flush(o);
		return;
	}
	rp_out__puts(o, c->color && *col ? C_RESET : "");
	rp_out__putc(o, ' ');
	put_num_right(o, ev->pid, 7);
	rp_out__putc(o, ' ');
	put_num_right(o, ev->ppid, 7);
	rp_out__putc(o, ' ');
	put_left(o, ret, nret, 13);
	rp_out__putc(o, ' ');
	put_right(o, dur, strlen(dur), 8);
	rp_out__write(o, "  ", 2);
	switch (ev->type) {
	case ETR_EV_EXEC_FAIL:
		rp_out__shell(o, ev->filename.ptr, ev->filename.len);
		rp_out__write(o, ": ", 2);
		/* fall through */
	case ETR_EV_EXEC:
	case RP_EV_PROC:
		rp_out__argv(o, &ev->argv, 0);
		if (ev->flags & ETR_EVF_ARGV_TRUNC)
			rp_out__printf(o, " ...[cut, %" PRIu32 " bytes in all]", ev->argv_orig_len);
		if (ev->type == ETR_EV_EXEC && ev->old_tid && ev->old_tid != ev->pid)
			rp_out__printf(o, "  (exec from thread %" PRIu32 ")", ev->old_tid);
		break;
	default:
		if (ev->type == ETR_EV_EXIT && c->failed &&
		    (args = argmap__get(&c->args, ev->pid, ev->start_ns)) && args->len) {
			rp_out__argv(o, args, 0);
			break;
		}
		rp_out__shell(o, ev->comm.ptr, ev->comm.len);
		if (ev->type == ETR_EV_FORK && (ev->flags & ETR_EVF_THREAD))
			rp_out__printf(o, "  (thread %" PRIu32 ")", ev->tid);
		if (ev->type > ETR_EV__MAX_KNOWN && ev->type != RP_EV_PROC)
			rp_out__printf(o, "  (event type %u)", ev->type);
		break;
	}
	rp_out__putc(o, '\n');
	if (c->tty)
		rp_out__flush(o);
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
		printf("%-*s %-9s %7s %7s %-13s %8s  %s\n", c.cli.wallclock ? 15 : 11,
		       c.cli.wallclock ? "WALLCLOCK" : "TIME", "EVENT", "PID", "PPID", "RET",
		       "DURATION", "ARGS");

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
