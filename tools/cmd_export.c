/* SPDX-License-Identifier: MIT */
/*
 * execrec export: a trace in the forms other tools open: Perfetto / Chrome
 * trace JSON, Graphviz dot, JSON lines, CSV, compile_commands.json. Streams:
 * a process is written as soon as it is over.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "export.h"
#include "replay.h"
#include "options.h"
#include "outfile.h"

enum {
	OPT_ROWS = RP_OPT__LAST + 1,
	OPT_SNAPSHOT,
	OPT_FORCE,
};

static void usage(FILE *f)
{
	fputs("Usage: execrec export [OPTIONS] FILE [-o OUT]\n"
	      "\n"
	      "Write the trace FILE (- for stdin) in a form other tools open:\n"
	      "  perfetto          Chrome trace-event JSON for ui.perfetto.dev and\n"
	      "                    chrome://tracing: a track per process, grouped under\n"
	      "                    its parent, its programs as nested slices, failed execs\n"
	      "                    and lost events as instants, fork arrows\n"
	      "  dot               the process tree for Graphviz (dot -Tsvg)\n"
	      "  jsonl             JSON lines: a row per event and per process, the\n"
	      "                    schema of the analyzer's --json (DuckDB, pandas ...)\n"
	      "  csv               the same rows and columns as CSV\n"
	      "  compile-commands  compile_commands.json of the recorded compiler runs\n"
	      "                    (gcc, g++, cc, c++, clang, clang++, cross compilers)\n"
	      "\n"
	      "  -f, --format FMT        one of the above; by default guessed from the\n"
	      "                          name of OUT (.json, compile_commands.json, .dot,\n"
	      "                          .gv, .jsonl, .ndjson, .csv)\n"
	      "  -o, --output OUT        write to OUT (default: standard output)\n"
	      "      --force             replace OUT if it exists (never the input, never\n"
	      "                          through a symbolic link)\n"
	      "      --rows WHICH        jsonl and csv: all (default), events, processes\n"
	      "      --snapshot          jsonl and csv: also a row per process of the\n"
	      "                          start snapshot (event \"proc\")\n"
	      "      --reorder-window D  how far events may be out of order (default 10ms)\n"
	      "      --path-misses       the failed execs of $PATH searches too (left out\n"
	      "                          by default)\n"
	      "  -h, --help              this help\n"
	      "\n",
	      f);
	rp_cli__filter_help(f);
	fputs("\nExamples:\n"
	      "  execrec export --format=perfetto build.etr -o build.json\n"
	      "  execrec export build.etr -o compile_commands.json\n"
	      "  execrec export -f dot --subtree 4242 boot.etr | dot -Tsvg > tree.svg\n"
	      "  execrec export -f csv --rows processes build.etr -o procs.csv\n",
	      f);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* The format an output file name suggests; 0 if none. */
static enum rx_format guess_format(const char *out)
{
	const char *base = strrchr(out, '/');

	base = base ? base + 1 : out;
	if (!strcmp(base, "compile_commands.json"))
		return RX_FMT_COMPILE_COMMANDS;
	if (ends_with(base, ".jsonl") || ends_with(base, ".ndjson"))
		return RX_FMT_JSONL;
	if (ends_with(base, ".json"))
		return RX_FMT_PERFETTO;
	if (ends_with(base, ".dot") || ends_with(base, ".gv"))
		return RX_FMT_DOT;
	if (ends_with(base, ".csv"))
		return RX_FMT_CSV;
	return 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
	    RP_CLI_FILTER_OPTIONS,
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {"rows", required_argument, NULL, OPT_ROWS},
	    {"snapshot", no_argument, NULL, OPT_SNAPSHOT},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"reorder-window", required_argument, NULL, RP_OPT_REORDER},
	    {"path-misses", no_argument, NULL, RP_OPT_PATH_MISSES},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct rp_trace_opts topts = {.sz = sizeof(topts)};
	struct rx_export_opts xopts = {.sz = sizeof(xopts)};
	struct rp_cli cli = {0};
	struct rp_trace *t = NULL;
	struct rx_export *x = NULL;
	const struct etr_event *ev;
	const char *path, *out_path = NULL;
	struct tool_out out = {0};
	bool force = false;
	char err[512];
	int opt, ret = 0;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hf:o:", longopts, NULL)) != -1) {
		int r;

		switch (opt) {
		case 'h':
			usage(stdout);
			return 0;
		case 'f':
			if (rx_format__parse(optarg, &xopts.format)) {
				fprintf(
				    stderr,
				    "execrec export: --format: '%s' is not one of perfetto, dot, "
				    "jsonl, csv, compile-commands\n",
				    optarg);
				return 2;
			}
			continue;
		case 'o':
			out_path = optarg;
			continue;
		case OPT_ROWS:
			if (!strcmp(optarg, "all"))
				xopts.rows = RX_ROWS_ALL;
			else if (!strcmp(optarg, "events"))
				xopts.rows = RX_ROWS_EVENTS;
			else if (!strcmp(optarg, "processes"))
				xopts.rows = RX_ROWS_PROCESSES;
			else {
				fprintf(stderr,
					"execrec export: --rows: '%s' is not all, events or "
					"processes\n",
					optarg);
				return 2;
			}
			continue;
		case OPT_SNAPSHOT:
			xopts.snapshot = true;
			continue;
		case OPT_FORCE:
			force = true;
			continue;
		case ':':
		case '?':
			tool__option_error("export", opt, argv, longopts);
			return 2;
		}
		r = rp_cli__option(&cli, opt, optarg, err, sizeof(err));
		if (r < 0) {
			fprintf(stderr, "execrec export: %s\n", r == -EINVAL ? err : strerror(-r));
			rp_filter__free(cli.filter);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr,
			"execrec export: %s\nUsage: execrec export [OPTIONS] FILE [-o OUT]\n",
			optind == argc ? "no trace file given" : "one trace file at a time");
		rp_filter__free(cli.filter);
		return 2;
	}
	if (out_path && !strcmp(out_path, "-"))
		out_path = NULL;
	if (!xopts.format && out_path)
		xopts.format = guess_format(out_path);
	if (!xopts.format) {
		fprintf(stderr,
			"execrec export: which format? --format perfetto, dot, jsonl, csv or "
			"compile-commands\n");
		rp_filter__free(cli.filter);
		return 2;
	}
	path = argv[optind];
	topts.reorder_ns = cli.reorder_ns;
	topts.path_misses = cli.path_misses;
	/* the environments, where recorded, go into the JSON lines */
	topts.keep_env = xopts.format == RX_FMT_JSONL;
	t = rp_trace__open(path, &topts);
	if (!t) {
		rp_open_error_str(err, sizeof(err), path, errno);
		fprintf(stderr, "execrec export: %s\n", err);
		rp_filter__free(cli.filter);
		return 1;
	}
	if (tool_out__open(&out, "export", out_path, path, force, false)) {
		rp_trace__free(t);
		rp_filter__free(cli.filter);
		return 1;
	}
	xopts.filter = cli.filter;
	x = rx_export__new(t, out.f, &xopts);
	if (!x) {
		ret = -errno;
		goto out;
	}
	while ((ret = rp_trace__next_event(t, &ev)) > 0) {
		if (!cli.filter_bound && ev->type != RP_EV_PROC) {
			cli.filter_bound = true;
			if (rp_filter__bind(cli.filter, t, err, sizeof(err))) {
				fprintf(stderr, "execrec export: %s\n", err);
				ret = -EINVAL;
				break;
			}
		}
		ret = rx_export__add(x, ev);
		if (ret)
			break;
	}
	if (!ret && !cli.filter_bound && rp_filter__bind(cli.filter, t, err, sizeof(err))) {
		fprintf(stderr, "execrec export: %s\n", err);
		ret = -EINVAL;
	}
	if (!ret)
		ret = rx_export__finish(x);

out:
	if (ret == -EIO)
		fprintf(stderr, "execrec export: writing %s failed\n",
			out_path ? out_path : "the output");
	else if (ret < 0 && ret != -EINVAL)
		fprintf(stderr, "execrec export: %s: %s\n", path, strerror(-ret));
	else if (!ret && rp_trace__damage_str(t, err, sizeof(err)))
		fprintf(stderr, "execrec export: warning: %s: %s\n", path, err);
	rx_export__free(x);
	rp_trace__free(t);
	rp_filter__free(cli.filter);
	/* half an export is no export: it never gets the wanted name */
	if (tool_out__close(&out, "export", ret >= 0) && ret >= 0)
		ret = -EIO;
	return ret < 0 ? 1 : 0;
}
