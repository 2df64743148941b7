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

#include "commands.h"
#include "driver.h"
#include "export.h"
#include "replay.h"

enum {
	OPT_ROWS = DRV_OPT__LAST + 1,
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
	driver__filter_help(f);
	fputs("\nExamples:\n"
	      "  execrec export --format=perfetto build.etr -o build.json\n"
	      "  execrec export build.etr -o compile_commands.json\n"
	      "  execrec export -f dot --subtree 4242 boot.etr | dot -Tsvg > tree.svg\n"
	      "  execrec export -f csv --rows processes build.etr -o procs.csv\n",
	      f);
}

struct ctx {
	struct rx_export_opts xopts;
	const char *out_path;
	bool force;
};

static int option(struct driver *d, int opt, const char *arg)
{
	struct ctx *c = d->ctx;

	switch (opt) {
	case 'f':
		if (rx_format__parse(arg, &c->xopts.format))
			return driver__err(
			    d,
			    "--format: '%s' is not one of perfetto, dot, jsonl, csv, "
			    "compile-commands",
			    arg);
		return 0;
	case 'o':
		c->out_path = arg;
		return 0;
	case OPT_ROWS:
		if (!strcmp(arg, "all"))
			c->xopts.rows = RX_ROWS_ALL;
		else if (!strcmp(arg, "events"))
			c->xopts.rows = RX_ROWS_EVENTS;
		else if (!strcmp(arg, "processes"))
			c->xopts.rows = RX_ROWS_PROCESSES;
		else
			return driver__err(d, "--rows: '%s' is not all, events or processes", arg);
		return 0;
	case OPT_SNAPSHOT:
		c->xopts.snapshot = true;
		return 0;
	case OPT_FORCE:
		c->force = true;
		return 0;
	default:
		return DRV_SHARED;
	}
}

int cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
	    DRV_FILTER_OPTIONS,
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {"rows", required_argument, NULL, OPT_ROWS},
	    {"snapshot", no_argument, NULL, OPT_SNAPSHOT},
	    {"force", no_argument, NULL, OPT_FORCE},
	    DRV_READ_OPTIONS,
	    DRV_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	static const struct driver_cmd cmd = {
	    .name = "export",
	    .operands = "FILE [-o OUT]",
	    .shortopts = "hf:o:",
	    .longopts = longopts,
	    .help = usage,
	    .option = option,
	};
	struct rp_trace_opts topts = {.sz = sizeof(topts)};
	struct ctx c = {.xopts = {.sz = sizeof(c.xopts)}};
	struct driver d = {0};
	struct rx_export *x = NULL;
	const struct etr_event *ev;
	int ret;

	if (!driver__parse(&d, &cmd, &c, argc, argv) || !driver__operand(&d, argc, argv))
		return driver__exit(&d, 0);
	if (!c.xopts.format && c.out_path && strcmp(c.out_path, "-"))
		c.xopts.format = rx_format__guess(c.out_path);
	if (!c.xopts.format) {
		driver__err(&d, "which format? --format perfetto, dot, jsonl, csv or "
				"compile-commands");
		return driver__stop(&d, DRV_EXIT_USAGE);
	}
	/* the environments, where recorded, go into the JSON lines */
	topts.keep_env = c.xopts.format == RX_FMT_JSONL;
	if (!driver__open(&d, argc, argv, &topts) ||
	    !driver__out_open(&d, c.out_path, NULL, c.force, false))
		return driver__exit(&d, 0);
	c.xopts.filter = d.filter;
	x = rx_export__new(d.trace, d.out.f, &c.xopts);
	ret = x ? 0 : -errno;
	while (x && (ret = driver__next(&d, &ev)) > 0)
		if ((ret = rx_export__add(x, ev)))
			break;
	if (!ret)
		ret = rx_export__finish(x);
	rx_export__free(x);
	return driver__exit(&d, ret);
}
