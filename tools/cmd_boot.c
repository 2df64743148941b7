/* SPDX-License-Identifier: MIT */
/*
 * execrec boot: a boot trace by systemd unit. The front end: options, the
 * trace, diagnostics; the view is replay/boot.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "boot.h"
#include "cli.h"
#include "commands.h"
#include "options.h"
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
	      "\n"
	      "  -h, --help              this help\n"
	      "\n",
	      f);
	rp_cli__filter_help(f);
	fputs("\nOutput:\n"
	      "      --json              JSON lines: a boot record, then one per unit\n"
	      "                          (schema in replay/README.md)\n",
	      f);
}

int cmd_boot(int argc, char **argv)
{
	static const struct option longopts[] = {
	    RP_CLI_FILTER_OPTIONS,
	    RP_CLI_OUTPUT_OPTIONS,
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct rp_boot_opts bopts = {.sz = sizeof(bopts)};
	struct rp_cli cli = {0};
	struct rp_trace *trace = NULL;
	struct rp_boot *b = NULL;
	const struct etr_event *ev;
	const char *path;
	char err[512];
	int opt, ret = 0;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		int rr;

		switch (opt) {
		case 'h':
			usage(stdout);
			goto done;
		case ':':
		case '?':
			tool__option_error("boot", opt, argv, longopts);
			ret = 2;
			goto done;
		}
		rr = rp_cli__option(&cli, opt, optarg, err, sizeof(err));
		if (rr < 0) {
			fprintf(stderr, "execrec boot: %s\n", rr == -EINVAL ? err : strerror(-rr));
			ret = 2;
			goto done;
		}
	}
	if (cli.format == RP_FMT_CSV) {
		fprintf(stderr, "execrec boot: --csv: not for this view; use --json\n");
		ret = 2;
		goto done;
	}
	trace = tool__open_trace("boot", &cli, argc, argv, NULL, &path, &ret);
	if (!trace)
		goto done;
	bopts.filter = cli.filter;
	b = rp_boot__new(trace, &bopts);
	if (!b) {
		ret = -ENOMEM;
		goto out;
	}
	while ((ret = rp_trace__next_event(trace, &ev)) > 0) {
		if (rp_cli__bind(&cli, trace, ev, err, sizeof(err))) {
			fprintf(stderr, "execrec boot: %s\n", err);
			ret = -EINVAL;
			goto out;
		}
		ret = rp_boot__add(b, ev);
		if (ret)
			break;
	}
	if (ret < 0)
		goto out;
	if (rp_cli__bind(&cli, trace, NULL, err, sizeof(err))) {
		fprintf(stderr, "execrec boot: %s\n", err);
		ret = -EINVAL;
		goto out;
	}
	ret = rp_boot__finish(b);
	if (ret)
		goto out;
	if (!rp_trace__cgroup_count(trace))
		fprintf(stderr,
			"execrec boot: %s names no cgroups (recorded before format 1.1, or "
			"without cgroup v2): no units to show\n",
			path);
	if (cli.format == RP_FMT_JSON)
		rp_boot__print_json(b, stdout, path);
	else
		rp_boot__print_text(b, stdout, path);
	if (fflush(stdout) && errno != EPIPE)
		fprintf(stderr, "execrec boot: writing output: %s\n", strerror(errno));
out:
	ret = tool__end_trace("boot", ret, path, trace);
done:
	rp_boot__free(b);
	rp_trace__free(trace);
	rp_filter__free(cli.filter);
	return ret;
}
