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

#include "cli.h"
#include "common/parse.h"
#include "commands.h"
#include "export.h"
#include "replay.h"
#include "options.h"
#include "outfile.h"

enum {
	OPT_SUBTREE = 0x2000,
	OPT_MIN_DURATION,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_WIDTH,
	OPT_TITLE,
	OPT_REORDER,
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

/* --since / --until against the trace: boot-time ns (0 = not given). */
static int resolve_time(struct rp_trace *t, const char *opt, const char *s, uint64_t *ret_ns)
{
	uint64_t first = rp_trace__first_ns(t);
	bool rel;
	int64_t v;

	if (!s) {
		*ret_ns = 0;
		return 0;
	}
	if (rp_parse_time(s, rp_trace__has_clock(t) ? rp_trace__realtime(t, first) : 0, &rel, &v)) {
		fprintf(stderr, "execrec chart: %s: '%s' is not a time (2.5, 300ms, 11:43:54)\n",
			opt, s);
		return -EINVAL;
	}
	if (rel) {
		*ret_ns = v < 0 && (uint64_t)-v > first ? 1 : first + (uint64_t)v;
		return 0;
	}
	if (!rp_trace__has_clock(t)) {
		fprintf(stderr,
			"execrec chart: %s: the trace has no clock anchors: give seconds "
			"from the start\n",
			opt);
		return -ENOENT;
	}
	*ret_ns = rp_trace__boottime(t, (uint64_t)v);
	return 0;
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
	    {"reorder-window", required_argument, NULL, OPT_REORDER},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"comm", required_argument, NULL, RP_OPT_COMM},
	    {"grep", required_argument, NULL, RP_OPT_GREP},
	    {"uid", required_argument, NULL, RP_OPT_UID},
	    {"failed", no_argument, NULL, RP_OPT_FAILED},
	    {"unit", required_argument, NULL, RP_OPT_UNIT},
	    {"by-unit", no_argument, NULL, OPT_BY_UNIT},
	    {"path-misses", no_argument, NULL, RP_OPT_PATH_MISSES},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct rp_trace_opts topts = {.sz = sizeof(topts)};
	struct rx_chart_opts copts = {.sz = sizeof(copts)};
	struct rx_chart *c = NULL;
	struct rp_trace *t = NULL;
	const struct etr_event *ev;
	const char *path, *out_path = NULL, *since = NULL, *until = NULL;
	uint32_t *subtree = NULL;
	size_t nsubtree = 0;
	uint64_t since_ns = 0, until_ns = 0;
	struct tool_out out = {0};
	struct rp_cli cli = {0};
	char err[512], *end;
	int opt, ret = 0;
	bool bad_opt = false, force = false;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":ho:p:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return 0;
		case 'o':
			out_path = optarg;
			break;
		case 'p':
			ret = ec_parse_pids(optarg, &subtree, &nsubtree);
			if (ret) {
				fprintf(stderr,
					"execrec chart: --subtree: '%s' is not a pid list\n",
					optarg);
				free(subtree);
				return 2;
			}
			break;
		case OPT_MIN_DURATION:
			if (rp_parse_duration(optarg, &copts.min_duration_ns)) {
				fprintf(stderr,
					"execrec chart: --min-duration: '%s' is not a "
					"duration (1.5, 200ms, 0)\n",
					optarg);
				free(subtree);
				return 2;
			}
			copts.min_duration_set = true;
			break;
		case OPT_SINCE:
			since = optarg;
			break;
		case OPT_UNTIL:
			until = optarg;
			break;
		case OPT_WIDTH: {
			unsigned long w = strtoul(optarg, &end, 10);

			if (*end || end == optarg || w < 100 || w > 100000) {
				fprintf(stderr,
					"execrec chart: --width: '%s' is not a width from 100 "
					"to 100000 pixels\n",
					optarg);
				free(subtree);
				return 2;
			}
			copts.width = (uint32_t)w;
			break;
		}
		case OPT_TITLE:
			copts.title = optarg;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_BY_UNIT:
			copts.by_unit = true;
			break;
		case OPT_REORDER:
			if (rp_parse_duration(optarg, &topts.reorder_ns) || !topts.reorder_ns) {
				fprintf(stderr,
					"execrec chart: --reorder-window: '%s' is not a "
					"duration (10ms)\n",
					optarg);
				free(subtree);
				return 2;
			}
			break;
		case RP_OPT_PATH_MISSES:
			topts.path_misses = true;
			break;
		case RP_OPT_COMM:
		case RP_OPT_GREP:
		case RP_OPT_UID:
		case RP_OPT_UNIT:
		case RP_OPT_FAILED: {
			/* the filters the analyzers share */
			int r = rp_cli__option(&cli, opt, optarg, err, sizeof(err));

			if (r < 0) {
				fprintf(stderr, "execrec chart: %s\n",
					r == -EINVAL ? err : strerror(-r));
				rp_filter__free(cli.filter);
				free(subtree);
				return 2;
			}
			break;
		}
		default:
			tool__option_error("chart", opt, argv, longopts);
			rp_filter__free(cli.filter);
			free(subtree);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr,
			"execrec chart: %s\nUsage: execrec chart [OPTIONS] FILE [-o OUT.svg]\n",
			optind == argc ? "no trace file given" : "one trace file at a time");
		rp_filter__free(cli.filter);
		free(subtree);
		return 2;
	}
	if (out_path && !strcmp(out_path, "-"))
		out_path = NULL;
	path = argv[optind];
	t = rp_trace__open(path, &topts);
	if (!t) {
		rp_open_error_str(err, sizeof(err), path, errno);
		fprintf(stderr, "execrec chart: %s\n", err);
		rp_filter__free(cli.filter);
		free(subtree);
		return 1;
	}
	/* before the work: a refused output is known at once */
	if (tool_out__open(&out, "chart", out_path, path, force, false)) {
		rp_trace__free(t);
		rp_filter__free(cli.filter);
		free(subtree);
		return 1;
	}
	copts.subtree = subtree;
	copts.nsubtree = nsubtree;
	copts.filter = cli.filter;
	c = rx_chart__new(t, &copts);
	if (!c) {
		ret = -errno;
		goto out;
	}
	while ((ret = rp_trace__next_event(t, &ev)) > 0) {
		ret = rx_chart__add(c, ev);
		if (ret)
			break;
	}
	if (ret)
		goto out;
	if (rp_filter__bind(cli.filter, t, err, sizeof(err))) {
		fprintf(stderr, "execrec chart: %s\n", err);
		bad_opt = true;
		ret = -EINVAL;
		goto out;
	}
	if (resolve_time(t, "--since", since, &since_ns) ||
	    resolve_time(t, "--until", until, &until_ns)) {
		bad_opt = true;
		ret = -EINVAL;
		goto out;
	}
	if (rx_chart__set_window(c, since_ns, until_ns)) {
		fprintf(stderr, "execrec chart: --until is not after --since\n");
		bad_opt = true;
		ret = -EINVAL;
		goto out;
	}
	ret = rx_chart__write(c, out.f);
	if (ret == -ENOENT) {
		fprintf(stderr, "execrec chart: %s: no process to draw%s\n", path,
			nsubtree || since || until || cli.filter ? " (with these options)" : "");
		ret = -EINVAL;
	}

out:
	if (ret == -EIO)
		fprintf(stderr, "execrec chart: writing %s failed\n",
			out_path ? out_path : "the output");
	else if (ret < 0 && ret != -EINVAL)
		fprintf(stderr, "execrec chart: %s: %s\n", path, strerror(-ret));
	else if (!ret && rp_trace__damage_str(t, err, sizeof(err)))
		fprintf(stderr, "execrec chart: warning: %s: %s\n", path, err);
	rx_chart__free(c);
	rp_trace__free(t);
	rp_filter__free(cli.filter);
	free(subtree);
	if (tool_out__close(&out, "chart", ret >= 0) && ret >= 0)
		ret = -EIO;
	return ret < 0 ? (bad_opt ? 2 : 1) : 0;
}
