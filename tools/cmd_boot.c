/* SPDX-License-Identifier: MIT */
/*
 * execrec boot: a boot trace by systemd unit. The front end: options, the
 * trace, diagnostics; the view is replay/boot.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "commands.h"
#include "common/parse.h"
#include "driver.h"
#include "replay.h"

static void usage(FILE *f)
{
	fputs("Usage: execrec boot [OPTIONS] FILE\n"
	      "\n"
	      "A boot trace (execrec-boot.service, or any trace) by systemd unit: one line\n"
	      "per unit in the order of its first process, with its first start and last\n"
	      "exit (seconds since boot), wall span, processes, execs, failed execs,\n"
	      "non-zero exits, deaths by signal and busiest commands; and how long the\n"
	      "kernel and early boot ran before the recorder's first event. A cgroup\n"
	      "outside any unit is shown by its path.\n"
	      "\n",
	      f);
	driver__help(f, DRV_HELP_FILTERS);
	fputs("\nOutput:\n"
	      "      --json              JSON lines: a boot record, then one per unit\n"
	      "                          (schema in replay/README.md)\n",
	      f);
}

int cmd_boot(int argc, char **argv)
{
	static const struct option longopts[] = {
	    DRV_FILTER_OPTIONS,
	    DRV_OUTPUT_OPTIONS,
	    DRV_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	static const struct driver_cmd cmd = {
	    .name = "boot",
	    .operands = "FILE",
	    .shortopts = "h",
	    .longopts = longopts,
	    .help = usage,
	};
	struct rp_boot_opts bopts = {.sz = sizeof(bopts)};
	struct driver d = {0};
	struct rp_boot *b = NULL;
	const struct etr_event *ev;
	int ret = -ENOMEM;

	if (!driver__parse(&d, &cmd, NULL, argc, argv))
		return driver__exit(&d, 0);
	if (d.format == DRV_FMT_CSV) {
		driver__err(&d, "--csv: not for this view; use --json");
		return driver__stop(&d, DRV_EXIT_USAGE);
	}
	if (!driver__open(&d, argc, argv, NULL))
		return driver__exit(&d, 0);
	bopts.filter = d.filter;
	b = rp_boot__new(d.trace, &bopts);
	if (!b)
		goto out;
	while ((ret = driver__next(&d, &ev)) > 0)
		if ((ret = rp_boot__add(b, ev)))
			break;
	if (!ret)
		ret = rp_boot__finish(b);
	if (ret)
		goto out;
	if (!rp_trace__cgroup_count(d.trace))
		driver__err(&d,
			    "%s names no cgroups (recorded before format 1.1, or without cgroup "
			    "v2): no units to show",
			    d.path);
	if (d.format == DRV_FMT_JSON)
		rp_boot__print_json(b, stdout, d.path);
	else
		rp_boot__print_text(b, stdout, d.path);
	driver__flush(&d);
out:
	rp_boot__free(b);
	return driver__exit(&d, ret);
}

/* ---- execrec diff --by-unit BASE NEW --------------------------------- */

struct diff_ctx {
	double threshold;
	uint64_t min_delta;
	unsigned fail_mask;
	bool json;
};

enum { OPT_BY_UNIT = DRV_OPT__LAST + 1, OPT_THRESHOLD, OPT_MIN_DELTA, OPT_FAIL_ON };

static void diff_usage(FILE *f)
{
	fputs("Usage: execrec diff --by-unit [OPTIONS] BASE.etr NEW.etr\n"
	      "\n"
	      "Two boot traces compared by systemd unit: NEW and GONE units, units\n"
	      "that now fail (failed exec, non-zero exit, signal), units whose wall\n"
	      "span grew beyond the threshold; each with the processes behind it.\n"
	      "\n"
	      "      --threshold R       SLOWER: span ratio (default 1.5) ...\n"
	      "      --min-delta D       ... and at least D longer (default 500ms)\n"
	      "      --fail-on LIST      exit 1 on these changes: new, gone, fails,\n"
	      "                          slower, all\n"
	      "      --json              JSON lines, one per change\n"
	      "\n"
	      "Only the processes the filters keep count, in both traces (e.g.\n"
	      "--unit 'systemd-*' compares those units only):\n",
	      f);
	driver__filter_help(f);
}

static int diff_option(struct driver *d, int opt, const char *arg)
{
	struct diff_ctx *c = d->ctx;
	char *end, err[256];

	switch (opt) {
	case OPT_THRESHOLD:
		c->threshold = strtod(arg, &end);
		if (*end || end == arg || !(c->threshold >= 1.0))
			return driver__err(d, "--threshold: '%s' is not a ratio of 1 or more", arg);
		return 0;
	case OPT_MIN_DELTA:
		if (ec_parse_duration(arg, &c->min_delta))
			return driver__err(d, "--min-delta: '%s' is not a duration", arg);
		return 0;
	case OPT_FAIL_ON:
		if (rp_boot__diff_classes(arg, &c->fail_mask, err, sizeof(err)))
			return driver__err(d, "%s", err);
		return 0;
	case DRV_OPT_JSON:
		c->json = true;
		return 0;
	case OPT_BY_UNIT:
		return 0;
	default: /* the filters */
		return DRV_SHARED;
	}
}

/* Read the whole of @path into a boot view. 0, or the exit status after
 * one line on stderr. */
static int load_boot(struct driver *d, const char *path, struct rp_trace **ret_t,
		     struct rp_boot **ret_b)
{
	const struct etr_event *ev;
	int ret = -ENOMEM;
	char err[512];

	*ret_b = NULL;
	*ret_t = driver__open_trace(d, path, NULL);
	if (!*ret_t)
		return DRV_EXIT_FAIL;
	/* driver__end speaks of d->path and d->trace: this one's, for now */
	d->path = path;
	d->trace = *ret_t;
	*ret_b = rp_boot__new(
	    *ret_t, &(struct rp_boot_opts){.sz = sizeof(struct rp_boot_opts), .filter = d->filter});
	if (*ret_b) {
		while ((ret = rp_trace__next_event(*ret_t, &ev)) > 0)
			if ((ret = rp_boot__add(*ret_b, ev)))
				break;
		/* the filters apply to each trace in turn: bound to this one, used
		 * by its view at its end */
		if (!ret && rp_filter__bind(d->filter, *ret_t, err, sizeof(err))) {
			driver__err(d, "%s: %s", path, err);
			driver__end(d, 0);
			d->trace = NULL;
			return DRV_EXIT_USAGE;
		}
		if (!ret)
			ret = rp_boot__finish(*ret_b);
	}
	ret = driver__end(d, ret);
	d->trace = NULL;
	return ret;
}

int cmd_boot_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"by-unit", no_argument, NULL, OPT_BY_UNIT},
	    {"threshold", required_argument, NULL, OPT_THRESHOLD},
	    {"min-delta", required_argument, NULL, OPT_MIN_DELTA},
	    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	    {"json", no_argument, NULL, DRV_OPT_JSON},
	    DRV_HELP_OPTION,
	    DRV_FILTER_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	static const struct driver_cmd cmd = {
	    .name = "diff",
	    .operands = "BASE.etr NEW.etr",
	    .shortopts = "h",
	    .longopts = longopts,
	    .help = diff_usage,
	    .option = diff_option,
	};
	struct diff_ctx c = {.threshold = 1.5, .min_delta = 500ull * 1000 * 1000};
	struct driver d = {0};
	struct rp_trace *t[2] = {NULL, NULL};
	struct rp_boot *b[2] = {NULL, NULL};
	int ret = 0;

	if (!driver__parse(&d, &cmd, &c, argc, argv))
		return driver__exit(&d, 0);
	if (argc - optind != 2) {
		driver__err(&d, "--by-unit takes two traces, BASE and NEW\n"
				"Usage: execrec diff --by-unit [OPTIONS] BASE.etr NEW.etr");
		return driver__stop(&d, DRV_EXIT_USAGE);
	}
	for (int i = 0; i < 2 && !ret; i++)
		ret = load_boot(&d, argv[optind + i], &t[i], &b[i]);
	if (!ret) {
		unsigned changed =
		    rp_boot__diff(b[0], b[1], c.threshold, c.min_delta, c.json, stdout);

		driver__flush(&d);
		ret = (changed & c.fail_mask) ? 1 : 0;
	}
	for (int i = 0; i < 2; i++) {
		rp_boot__free(b[i]);
		rp_trace__free(t[i]);
	}
	driver__free(&d);
	return ret;
}
