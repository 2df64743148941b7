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

#include "commands.h"
#include "common/parse.h"
#include "driver.h"
#include "replay.h"
#include "tree.h"

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
	      "  -U, --unicode           draw with box-drawing characters\n",
	      f);
	driver__help(f, DRV_HELP_STATS | DRV_HELP_FILTERS_REST | DRV_HELP_OUTPUT | DRV_HELP_CSV);
}

static bool utf8_locale(void)
{
	const char *cs;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

struct ctx {
	struct rp_tree_print_opts popts;
	uint32_t *pids; /* -p, --pid, --subtree: the roots shown */
	size_t npids;
	int draw; /* 0 as the terminal says, 1 ASCII, 2 Unicode */
};

static int option(struct driver *d, int opt, const char *arg)
{
	struct ctx *c = d->ctx;
	uint64_t n;
	int r;

	switch (opt) {
	case 'p':
	case DRV_OPT_PID:
	case DRV_OPT_SUBTREE:
		r = ec_parse_pids(arg, &c->pids, &c->npids);
		if (r && r != -ENOMEM)
			return driver__err(d, "--pid: '%s' is not a pid", arg);
		return r;
	case 'd':
		if (ec_parse_count(arg, INT32_MAX, &n))
			return driver__err(d, "--depth: '%s' is not a count", arg);
		c->popts.limit_depth = true;
		c->popts.depth = (uint32_t)n;
		return 0;
	case 'n':
		c->popts.no_compact = true;
		return 0;
	case 'm':
		if (ec_parse_count(arg, SIZE_MAX, &n))
			return driver__err(d, "--max-args: '%s' is not a count", arg);
		c->popts.max_args = (size_t)n;
		return 0;
	case 'A':
	case 'U':
		c->draw = opt == 'A' ? 1 : 2;
		return 0;
	default:
		return DRV_SHARED;
	}
}

static int print(struct driver *d, struct rp_tree *t)
{
	if (d->format == DRV_FMT_JSON)
		return rp_tree__print_json(t, stdout);
	if (d->format == DRV_FMT_CSV)
		return rp_tree__print_csv(t, stdout);
	return rp_tree__print_text(t, stdout);
}

int cmd_tree(int argc, char **argv)
{
	static const struct option longopts[] = {
	    DRV_FILTER_OPTIONS,
	    DRV_OUTPUT_OPTIONS,
	    {"depth", required_argument, NULL, 'd'},
	    {"no-compact", no_argument, NULL, 'n'},
	    {"max-args", required_argument, NULL, 'm'},
	    {"ascii", no_argument, NULL, 'A'},
	    {"unicode", no_argument, NULL, 'U'},
	    DRV_STATS_OPTION,
	    DRV_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	static const struct driver_cmd cmd = {
	    .name = "tree",
	    .operands = "FILE",
	    .shortopts = "hp:d:AU",
	    .longopts = longopts,
	    .help = usage,
	    .option = option,
	};
	struct rp_tree_opts opts = {.sz = sizeof(opts)};
	struct rp_trace_opts topts = {.sz = sizeof(topts)};
	struct ctx c = {.popts = {.sz = sizeof(c.popts)}};
	struct driver d = {0};
	struct rp_tree *t = NULL;
	const struct etr_event *ev;
	int ret = -ENOMEM;

	if (!driver__parse(&d, &cmd, &c, argc, argv))
		goto out;
	/* the environments, where recorded, go into the JSON records */
	topts.keep_env = d.format == DRV_FMT_JSON;
	if (!driver__open(&d, argc, argv, &topts))
		goto out;
	opts.filter = d.filter;
	opts.pids = c.pids;
	opts.npids = c.npids;
	if (d.format == DRV_FMT_TEXT) {
		c.popts.color = driver__color(&d, STDOUT_FILENO);
		c.popts.unicode = c.draw == 2 || (c.draw == 0 && isatty(1) && utf8_locale());
		opts.text = &c.popts;
	}
	t = rp_tree__new(d.trace, &opts);
	if (!t)
		goto out;
	/* processes are judged as they end: the filter is bound first */
	while ((ret = driver__next(&d, &ev)) > 0)
		if ((ret = rp_tree__add(t, ev)))
			break;
	if (!ret)
		ret = rp_tree__finish(t);
	if (ret)
		goto out;
	ret = print(&d, t);
	driver__flush(&d);
	if (d.stats) {
		struct rp_tree_stats st;

		rp_tree__stats(t, &st);
		driver__print_stats(&d, st.processes, st.bytes, st.string_bytes);
	}
out:
	rp_tree__free(t);
	free(c.pids);
	return driver__exit(&d, ret);
}
