/* SPDX-License-Identifier: MIT */
/*
 * execrec tree: the process tree of a trace, pstree-like, with arguments,
 * duration and exit status. Identical sibling subtrees (same programs, same
 * arguments, same outcome, same children) are printed once as N*[...].
 *
 * The front end: options, the trace, the terminal, diagnostics. Building
 * and drawing the tree are replay/tree.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "common/parse.h"
#include "commands.h"
#include "replay.h"
#include "tree.h"
#include "options.h"

static void usage(FILE *f)
{
	fputs("Usage: execrec tree [OPTIONS] FILE\n"
	      "\n"
	      "The process tree of the trace, each process with its arguments (every\n"
	      "program it exec'd, joined by =>), how long it lived and how it ended.\n"
	      "Identical sibling subtrees are shown once as N*[...]. A process stays under\n"
	      "the process that started it, even if init later adopted it. With filters,\n"
	      "the matching processes are shown with their ancestors.\n"
	      "\n"
	      "  -p, --pid PID[,PID]     only the subtrees of these processes (the same\n"
	      "      --subtree PID[,PID] as --subtree here)\n"
	      "  -d, --depth N           at most N levels below the roots\n"
	      "      --no-compact        one line per process, identical or not\n"
	      "      --max-args N        cut argument lists after N bytes (default: whole)\n"
	      "  -A, --ascii             draw with ASCII (default on a non-UTF-8 locale or\n"
	      "                          when not writing to a terminal)\n"
	      "  -U, --unicode           draw with box-drawing characters\n"
	      "      --stats             figures for benchmarks on stderr\n"
	      "  -h, --help              this help\n"
	      "\n",
	      f);
	fputs("Filters:\n", f);
	rp_cli__filter_help_rest(f);
	fputc('\n', f);
	rp_cli__output_help(f, true);
}

static bool utf8_locale(void)
{
	const char *cs;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

int cmd_tree(int argc, char **argv)
{
	static const struct option longopts[] = {
	    RP_CLI_FILTER_OPTIONS,
	    RP_CLI_OUTPUT_OPTIONS,
	    {"depth", required_argument, NULL, 'd'},
	    {"no-compact", no_argument, NULL, 'n'},
	    {"max-args", required_argument, NULL, 'm'},
	    {"ascii", no_argument, NULL, 'A'},
	    {"unicode", no_argument, NULL, 'U'},
	    {"stats", no_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct rp_tree_opts opts = {.sz = sizeof(opts)};
	struct rp_trace_opts topts = {.sz = sizeof(topts)};
	struct rp_tree_print_opts popts = {.sz = sizeof(popts)};
	struct rp_cli cli = {0};
	struct rp_trace *trace = NULL;
	struct rp_tree *t = NULL;
	uint32_t *pids = NULL;
	size_t npids = 0;
	const struct etr_event *ev;
	int opt, ret = 0, draw = 0;
	bool stats = false;
	char err[512], *end;
	const char *path;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hp:d:AU", longopts, NULL)) != -1) {
		int r, depth;
		long lv;

		switch (opt) {
		case 'h':
			usage(stdout);
			ret = 0;
			goto done;
		case 'p':
		case RP_OPT_PID:
		case RP_OPT_SUBTREE:
			r = ec_parse_pids(optarg, &pids, &npids);
			if (r == -ENOMEM) {
				ret = 1;
				goto done;
			}
			if (r) {
				fprintf(stderr, "execrec tree: --pid: '%s' is not a pid\n", optarg);
				ret = 2;
				goto done;
			}
			continue;
		case 'd':
			errno = 0;
			lv = strtol(optarg, &end, 10);
			depth = lv >= 0 && lv <= INT32_MAX ? (int)lv : -1;
			if (*end || end == optarg || errno || depth < 0) {
				fprintf(stderr, "execrec tree: --depth: '%s' is not a count\n",
					optarg);
				ret = 2;
				goto done;
			}
			popts.limit_depth = true;
			popts.depth = (uint32_t)depth;
			continue;
		case 'n':
			popts.no_compact = true;
			continue;
		case 'm':
			popts.max_args = strtoul(optarg, &end, 10);
			if (*end || end == optarg) {
				fprintf(stderr, "execrec tree: --max-args: '%s' is not a count\n",
					optarg);
				ret = 2;
				goto done;
			}
			continue;
		case 'A':
			draw = 1;
			continue;
		case 'U':
			draw = 2;
			continue;
		case 'S':
			stats = true;
			continue;
		case ':':
		case '?':
			tool__option_error("tree", opt, argv, longopts);
			ret = 2;
			goto done;
		}
		r = rp_cli__option(&cli, opt, optarg, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "execrec tree: %s\n", r == -EINVAL ? err : strerror(-r));
			ret = 2;
			goto done;
		}
	}
	/* the environments, where recorded, go into the JSON records */
	topts.keep_env = cli.format == RP_FMT_JSON;
	trace = tool__open_trace("tree", &cli, argc, argv, &topts, &path, &ret);
	if (!trace)
		goto done;
	opts.filter = cli.filter;
	opts.pids = pids;
	opts.npids = npids;
	if (cli.format == RP_FMT_TEXT) {
		popts.color = rp_want_color(1, cli.color_mode);
		popts.unicode = draw == 2 || (draw == 0 && isatty(1) && utf8_locale());
		opts.text = &popts;
	}
	t = rp_tree__new(trace, &opts);
	if (!t) {
		ret = -ENOMEM;
		goto out;
	}
	while ((ret = rp_trace__next_event(trace, &ev)) > 0) {
		/* processes are judged as they end: the filter is bound first */
		if (rp_cli__bind(&cli, trace, ev, err, sizeof(err))) {
			fprintf(stderr, "execrec tree: %s\n", err);
			ret = -EINVAL;
			goto out;
		}
		ret = rp_tree__add(t, ev);
		if (ret)
			goto out;
	}
	if (ret < 0)
		goto out;
	if (rp_cli__bind(&cli, trace, NULL, err, sizeof(err))) {
		fprintf(stderr, "execrec tree: %s\n", err);
		ret = -EINVAL;
		goto out;
	}
	ret = rp_tree__finish(t);
	if (ret)
		goto out;
	if (cli.format == RP_FMT_TEXT) {
		ret = rp_tree__print_text(t, stdout);
	} else if (cli.format == RP_FMT_JSON) {
		ret = rp_tree__print_json(t, stdout);
	} else {
		ret = rp_tree__print_csv(t, stdout);
	}
	if (fflush(stdout) && errno != EPIPE)
		fprintf(stderr, "execrec tree: writing output: %s\n", strerror(errno));
	if (stats) {
		struct rp_tree_stats st;

		rp_tree__stats(t, &st);
		rp_cli__print_stats(stderr, "tree", trace, st.processes, st.bytes, st.string_bytes);
	}

out:
	ret = tool__end_trace("tree", ret, path, trace);
done:
	rp_tree__free(t);
	rp_trace__free(trace);
	rp_filter__free(cli.filter);
	free(pids);
	return ret;
}
