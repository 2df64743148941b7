/* SPDX-License-Identifier: MIT */
/*
 * execrec dump: every record of a trace as it is stored, in file order, with
 * chunk headers and damage where it was found: a debugging view of the
 * format, not of the processes (no reordering, no model). The dumping is
 * replay/dump.c's; options and the closing warning are here.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "driver.h"
#include "dump.h"
#include "replay.h"

static void usage(FILE *f)
{
	fputs("Usage: execrec dump [OPTIONS] FILE\n"
	      "\n"
	      "Every record as stored, in file order: the file header, each chunk header\n"
	      "(type, offset, sizes, sequence number) and its records with all their\n"
	      "fields, and each problem where it was found. Events are not reordered.\n"
	      "\n"
	      "      --type TYPE[,TYPE]  only chunks of these types (meta, tpformat, btf,\n"
	      "                          procsnap, events, stats, end, cgroup)\n"
	      "      --raw               also each record's bytes in hex\n"
	      "      --tpformat          print stored tracepoint formats in full\n"
	      "      --json              JSON lines: one object per record (events in the\n"
	      "                          event schema, with chunk and offset keys)\n"
	      "  -h, --help              this help\n"
	      "\n",
	      f);
	driver__filter_help(f);
	fputs("  (filters apply to event records; other records are always shown)\n", f);
}

static int dump_option(struct driver *drv, int opt, const char *arg)
{
	struct rp_dump_opts *o = drv->ctx;

	switch (opt) {
	case DRV_OPT_JSON:
		o->json = true;
		return 0;
	case 't':
		if (rp_dump__parse_types(arg, &o->type_mask))
			return driver__err(drv, "--type: unknown chunk type in '%s'", arg);
		return 0;
	case 'r':
		o->raw = true;
		return 0;
	case 'T':
		o->tpformat = true;
		return 0;
	case DRV_OPT_UNIT:
		/* records as stored: the cgroup map is not gathered here */
		return driver__err(drv, "--unit: not for dump, which shows records as stored; "
					"use timeline --unit");
	default:
		return DRV_SHARED;
	}
}

int cmd_dump(int argc, char **argv)
{
	static const struct option longopts[] = {
	    DRV_FILTER_OPTIONS,
	    {"json", no_argument, NULL, DRV_OPT_JSON},
	    {"type", required_argument, NULL, 't'},
	    {"raw", no_argument, NULL, 'r'},
	    {"tpformat", no_argument, NULL, 'T'},
	    DRV_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	static const struct driver_cmd cmd = {
	    .name = "dump",
	    .operands = "FILE",
	    .shortopts = "h",
	    .longopts = longopts,
	    .help = usage,
	    .option = dump_option,
	};
	struct rp_dump_opts dopts = {.sz = sizeof(dopts)};
	struct driver drv = {0};
	struct etr_problem first;
	struct rp_dump *d;
	uint64_t nproblems;
	char err[512];
	int ret;

	if (!driver__parse(&drv, &cmd, &dopts, argc, argv) || !driver__operand(&drv, argc, argv))
		return driver__exit(&drv, 0);
	dopts.filter = drv.filter;
	d = rp_dump__open(drv.path, stdout, &dopts);
	if (!d) {
		rp_open_error_str(err, sizeof(err), drv.path, errno);
		driver__err(&drv, "%s", err);
		return driver__stop(&drv, DRV_EXIT_FAIL);
	}
	ret = rp_dump__run(d);
	fflush(stdout);
	nproblems = rp_dump__problems(d, &first);
	if (ret < 0) {
		driver__err(&drv, "%s: %s", drv.path, strerror(-ret));
		ret = DRV_EXIT_FAIL;
	} else {
		if (nproblems)
			driver__err(&drv,
				    "warning: %s: at byte %" PRIu64 ": %s (%" PRIu64
				    " problem%s in all, shown where found)",
				    drv.path, first.offset, etr_problem__str(first.kind), nproblems,
				    nproblems == 1 ? "" : "s");
		else if (!rp_dump__ended_cleanly(d))
			driver__err(&drv, "warning: %s: no end record", drv.path);
		ret = DRV_EXIT_OK;
	}
	rp_dump__free(d);
	return driver__stop(&drv, ret);
}
