/* SPDX-License-Identifier: MIT */
/*
 * execrec chart: the processes of a trace on a time axis, as a
 * self-contained SVG (bootchart-like): bars nested by the tree, colored by
 * how each process ended, short-lived processes folded into one row per
 * parent, everything else in the hover titles.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common/parse.h"
#include "driver.h"
#include "export.h"
#include "replay.h"

enum {
	OPT_MIN_DURATION = DRV_OPT__LAST + 1,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_WIDTH,
	OPT_TITLE,
	OPT_FORCE,
	OPT_BY_UNIT,
};

static void usage(FILE *f)
{
	fputs("Usage: execrec chart [OPTIONS] FILE [-o OUT.svg]\n"
	      "\n"
	      "Draw the processes of the trace FILE (- for stdin) as bars on a time axis,\n"
	      "nested by the process tree and colored by how each ended (exit 0, non-zero\n"
	      "exit, killed, failed exec, still running). The bar of a process shows its\n"
	      "arguments when they fit and ticks where it exec'd; its hover title holds\n"
	      "the full argv, pid, parent, times, status, cwd and failed execs. Processes\n"
	      "shorter than a threshold are folded into one row per parent, with their\n"
	      "count. The SVG needs no script: open it in a browser.\n"
	      "\n"
	      "  -o, --output OUT        write to OUT (default: standard output)\n"
	      "      --force             replace OUT if it exists (never the input, never\n"
	      "                          through a symbolic link)\n"
	      "  -p, --subtree PID[,PID] only these processes and their descendants\n"
	      "      --min-duration D    fold processes that lived less than D (1.5, 200ms;\n"
	      "                          default: 1/200 of the time shown; 0 draws all)\n"
	      "      --since TIME        start the axis at TIME: seconds from the start\n"
	      "                          (2.5, 300ms) or wall clock (11:43:54, @EPOCH)\n"
	      "      --until TIME        end the axis at TIME, as --since\n"
	      "      --width PX          width of the time axis in pixels (default 1200)\n"
	      "      --title TEXT        heading (default: the recorded command or host)\n"
	      "      --comm GLOB         only processes whose command name matches, with\n"
	      "                          their ancestors (fnmatch)\n"
	      "      --grep REGEX        only processes whose arguments match, with their\n"
	      "                          ancestors (extended regex)\n"
	      "      --uid UID           only processes of this numeric uid, with their\n"
	      "                          ancestors\n"
	      "      --failed            only processes with a failed exec, a non-zero exit\n"
	      "                          or a death by signal, with their ancestors\n"
	      "      --unit GLOB         only processes of the systemd units (or cgroup\n"
	      "                          paths) matching GLOB, with their ancestors\n"
	      "      --by-unit           a lane per systemd unit, in the order of its first\n"
	      "                          process, headed by a row spanning the unit\n"
	      "      --path-misses       mark the failed execs of $PATH searches too (left\n"
	      "                          out by default)\n"
	      "      --reorder-window D  how far events may be out of order (default 10ms)\n"
	      "  -h, --help              this help\n"
	      "\n"
	      "Examples:\n"
	      "  execrec chart build.etr -o build.svg\n"
	      "  execrec chart --min-duration 0 --subtree 4242 boot.etr -o part.svg\n"
	      "  execrec chart --since 2 --until 5 boot.etr > window.svg\n"
	      "  execrec chart --by-unit boot.etr -o units.svg\n",
	      f);
}

struct ctx {
	struct rx_chart_opts copts;
	uint32_t *subtree;
	size_t nsubtree;
	const char *out_path, *since, *until;
	bool force;
};

static int option(struct driver *d, int opt, const char *arg)
{
	struct ctx *c = d->ctx;
	uint64_t w;

	switch (opt) {
	case 'o':
		c->out_path = arg;
		return 0;
	case 'p':
		if (ec_parse_pids(arg, &c->subtree, &c->nsubtree))
			return driver__err(d, "--subtree: '%s' is not a pid list", arg);
		return 0;
	case OPT_MIN_DURATION:
		if (ec_parse_duration(arg, &c->copts.min_duration_ns))
			return driver__err(
			    d, "--min-duration: '%s' is not a duration (1.5, 200ms, 0)", arg);
		c->copts.min_duration_set = true;
		return 0;
	case OPT_SINCE:
		c->since = arg;
		return 0;
	case OPT_UNTIL:
		c->until = arg;
		return 0;
	case OPT_WIDTH:
		if (ec_parse_count(arg, 100000, &w) || w < 100)
			return driver__err(
			    d, "--width: '%s' is not a width from 100 to 100000 pixels", arg);
		c->copts.width = (uint32_t)w;
		return 0;
	case OPT_TITLE:
		c->copts.title = arg;
		return 0;
	case OPT_FORCE:
		c->force = true;
		return 0;
	case OPT_BY_UNIT:
		c->copts.by_unit = true;
		return 0;
	default: /* the filters and the reading options the analyzers share */
		return DRV_SHARED;
	}
}

int cmd_chart(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"subtree", required_argument, NULL, 'p'},
	    {"pid", required_argument, NULL, 'p'},
	    {"min-duration", required_argument, NULL, OPT_MIN_DURATION},
	    {"since", required_argument, NULL, OPT_SINCE},
	    {"until", required_argument, NULL, OPT_UNTIL},
	    {"width", required_argument, NULL, OPT_WIDTH},
	    {"title", required_argument, NULL, OPT_TITLE},
	    {"reorder-window", required_argument, NULL, DRV_OPT_REORDER},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"comm", required_argument, NULL, DRV_OPT_COMM},
	    {"grep", required_argument, NULL, DRV_OPT_GREP},
	    {"uid", required_argument, NULL, DRV_OPT_UID},
	    {"failed", no_argument, NULL, DRV_OPT_FAILED},
	    {"unit", required_argument, NULL, DRV_OPT_UNIT},
	    {"by-unit", no_argument, NULL, OPT_BY_UNIT},
	    {"path-misses", no_argument, NULL, DRV_OPT_PATH_MISSES},
	    DRV_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	static const struct driver_cmd cmd = {
	    .name = "chart",
	    .operands = "FILE [-o OUT.svg]",
	    .shortopts = "ho:p:",
	    .longopts = longopts,
	    .help = usage,
	    .option = option,
	};
	struct ctx c = {.copts = {.sz = sizeof(c.copts)}};
	struct driver d = {0};
	struct rx_chart *ch = NULL;
	const struct etr_event *ev;
	char err[512];
	int ret, status;
	bool bad_opt = false;

	/* before the work: a refused output is known at once */
	if (!driver__parse(&d, &cmd, &c, argc, argv) || !driver__open(&d, argc, argv, NULL) ||
	    !driver__out_open(&d, c.out_path, NULL, c.force, false)) {
		free(c.subtree);
		return driver__exit(&d, 0);
	}
	c.copts.subtree = c.subtree;
	c.copts.nsubtree = c.nsubtree;
	c.copts.filter = d.filter;
	ch = rx_chart__new(d.trace, &c.copts);
	ret = ch ? 0 : -errno;
	while (ch && (ret = rp_trace__next_event(d.trace, &ev)) > 0)
		if ((ret = rx_chart__add(ch, ev)))
			break;
	/* what the options say of the trace is known once it is read */
	if (!ret && driver__bind(&d))
		bad_opt = true;
	else if (!ret && rx_chart__set_window_str(ch, d.trace, c.since, c.until, err, sizeof(err)))
		bad_opt = driver__err(&d, "%s", err);
	if (bad_opt)
		ret = -EINVAL;
	if (!ret)
		ret = rx_chart__write(ch, d.out.f);
	if (ret == -ENOENT) {
		driver__err(&d, "%s: no process to draw%s", d.path,
			    c.nsubtree || c.since || c.until || d.filter ? " (with these options)"
									 : "");
		ret = -EINVAL;
	}
	rx_chart__free(ch);
	free(c.subtree);
	status = driver__exit(&d, ret);
	return status && bad_opt ? DRV_EXIT_USAGE : status;
}
