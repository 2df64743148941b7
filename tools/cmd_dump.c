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

#include "cli.h"
#include "commands.h"
#include "dump.h"
#include "replay.h"
#include "options.h"

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
	rp_cli__filter_help(f);
	fputs("  (filters apply to event records; other records are always shown)\n", f);
}

int cmd_dump(int argc, char **argv)
{
	static const struct option longopts[] = {
	    RP_CLI_FILTER_OPTIONS,
	    {"json", no_argument, NULL, 'j'},
	    {"type", required_argument, NULL, 't'},
	    {"raw", no_argument, NULL, 'r'},
	    {"tpformat", no_argument, NULL, 'T'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct rp_dump_opts dopts = {.sz = sizeof(dopts)};
	struct rp_cli cli = {0};
	struct etr_problem first;
	struct rp_dump *d;
	uint64_t nproblems;
	char err[512];
	const char *path;
	int opt, ret;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		int rr;

		switch (opt) {
		case 'h':
			usage(stdout);
			return 0;
		case 'j':
			dopts.json = true;
			continue;
		case 't':
			if (rp_dump__parse_types(optarg, &dopts.type_mask)) {
				fprintf(stderr,
					"execrec dump: --type: unknown chunk type in '%s'\n",
					optarg);
				return 2;
			}
			continue;
		case 'r':
			dopts.raw = true;
			continue;
		case 'T':
			dopts.tpformat = true;
			continue;
		case ':':
		case '?':
			tool__option_error("dump", opt, argv, longopts);
			return 2;
		}
		rr = rp_cli__option(&cli, opt, optarg, err, sizeof(err));
		if (rr < 0) {
			fprintf(stderr, "execrec dump: %s\n", rr == -EINVAL ? err : strerror(-rr));
			return 2;
		}
		/* records as stored: the cgroup map is not gathered here */
		if (opt == RP_OPT_UNIT) {
			fprintf(stderr, "execrec dump: --unit: not for dump, which shows records "
					"as stored; use timeline --unit\n");
			rp_filter__free(cli.filter);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "execrec dump: %s\nUsage: execrec dump [OPTIONS] FILE\n",
			optind == argc ? "no trace file given" : "one trace file at a time");
		rp_filter__free(cli.filter);
		return 2;
	}
	path = argv[optind];
	dopts.filter = cli.filter;
	d = rp_dump__open(path, stdout, &dopts);
	if (!d) {
		rp_open_error_str(err, sizeof(err), path, errno);
		fprintf(stderr, "execrec dump: %s\n", err);
		rp_filter__free(cli.filter);
		return 1;
	}
	ret = rp_dump__run(d);
	fflush(stdout);
	nproblems = rp_dump__problems(d, &first);
	if (ret < 0) {
		fprintf(stderr, "execrec dump: %s: %s\n", path, strerror(-ret));
		ret = 1;
	} else {
		if (nproblems)
			fprintf(stderr,
				"execrec dump: warning: %s: at byte %" PRIu64 ": %s (%" PRIu64
				" problem%s in all, shown where found)\n",
				path, first.offset, etr_problem__str(first.kind), nproblems,
				nproblems == 1 ? "" : "s");
		else if (!rp_dump__ended_cleanly(d))
			fprintf(stderr, "execrec dump: warning: %s: no end record\n", path);
		ret = 0;
	}
	rp_dump__free(d);
	rp_filter__free(cli.filter);
	return ret;
}
