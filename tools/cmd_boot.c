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

/* ---- execrec diff --by-unit BASE NEW --------------------------------- */

/* Read the whole of @path into a boot view. 0, or the exit status after
 * one line on stderr. */
static int load_boot(const struct rp_cli *cli, const char *path, struct rp_trace **ret_t,
		     struct rp_boot **ret_b)
{
	const struct etr_event *ev;
	char err[512];
	int ret;

	*ret_b = NULL;
	*ret_t = rp_cli__open(cli, path, NULL, err, sizeof(err));
	if (!*ret_t) {
		fprintf(stderr, "execrec diff: %s\n", err);
		return 1;
	}
	*ret_b = rp_boot__new(*ret_t, &(struct rp_boot_opts){.sz = sizeof(struct rp_boot_opts),
							     .filter = cli->filter});
	if (!*ret_b)
		return tool__end_trace("diff", -ENOMEM, path, *ret_t) ?: 1;
	while ((ret = rp_trace__next_event(*ret_t, &ev)) > 0) {
		ret = rp_boot__add(*ret_b, ev);
		if (ret)
			break;
	}
	/* the filters apply to each trace in turn: bound to this one, used
	 * by its view at its end */
	if (!ret && rp_filter__bind(cli->filter, *ret_t, err, sizeof(err))) {
		fprintf(stderr, "execrec diff: %s: %s\n", path, err);
		tool__end_trace("diff", 0, path, *ret_t);
		return 2;
	}
	if (!ret)
		ret = rp_boot__finish(*ret_b);
	return tool__end_trace("diff", ret, path, *ret_t);
}

static int parse_classes(const char *list, unsigned *mask)
{
	static const char *const keys[] = {"new", "gone", "fails", "slower"};

	for (const char *s = list; *s;) {
		size_t n = strcspn(s, ",");
		bool ok = n == 3 && !strncmp(s, "all", 3);

		if (ok)
			*mask |= 0xf;
		for (size_t k = 0; k < 4 && !ok; k++)
			if (strlen(keys[k]) == n && !strncmp(s, keys[k], n)) {
				*mask |= 1u << k;
				ok = true;
			}
		if (!ok && n) {
			fprintf(stderr,
				"execrec diff: --fail-on: unknown class '%.*s' with --by-unit "
				"(new, gone, fails, slower, all)\n",
				(int)n, s);
			return -1;
		}
		s += n + (s[n] == ',');
	}
	return *mask ? 0 : -1;
}

int cmd_boot_diff(int argc, char **argv)
{
	enum { OPT_BY_UNIT = 0x2000, OPT_THRESHOLD, OPT_MIN_DELTA, OPT_FAIL_ON, OPT_JSON };
	static const struct option longopts[] = {
	    {"by-unit", no_argument, NULL, OPT_BY_UNIT},
	    {"threshold", required_argument, NULL, OPT_THRESHOLD},
	    {"min-delta", required_argument, NULL, OPT_MIN_DELTA},
	    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"help", no_argument, NULL, 'h'},
	    RP_CLI_FILTER_OPTIONS,
	    {NULL, 0, NULL, 0},
	};
	struct rp_cli cli = {0};
	char err[512];
	struct rp_trace *t[2] = {NULL, NULL};
	struct rp_boot *b[2] = {NULL, NULL};
	double threshold = 1.5;
	uint64_t min_delta = 500ull * 1000 * 1000;
	unsigned fail_mask = 0, changed;
	bool json = false;
	char *end;
	int opt, ret = 0;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(
			    "Usage: execrec diff --by-unit [OPTIONS] BASE.etr NEW.etr\n"
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
			    stdout);
			rp_cli__filter_help(stdout);
			return 0;
		case OPT_BY_UNIT:
			break;
		case OPT_THRESHOLD:
			threshold = strtod(optarg, &end);
			if (*end || end == optarg || !(threshold >= 1.0)) {
				fprintf(stderr,
					"execrec diff: --threshold: '%s' is not a ratio of 1 or "
					"more\n",
					optarg);
				goto usage_error;
			}
			break;
		case OPT_MIN_DELTA:
			if (rp_parse_duration(optarg, &min_delta)) {
				fprintf(stderr,
					"execrec diff: --min-delta: '%s' is not a duration\n",
					optarg);
				goto usage_error;
			}
			break;
		case OPT_FAIL_ON:
			if (parse_classes(optarg, &fail_mask))
				goto usage_error;
			break;
		case OPT_JSON:
			json = true;
			break;
		default: {
			int r = opt == ':' || opt == '?'
				    ? 0
				    : rp_cli__option(&cli, opt, optarg, err, sizeof(err));

			if (r < 0)
				fprintf(stderr, "execrec diff: %s\n",
					r == -EINVAL ? err : strerror(-r));
			else if (!r)
				tool__option_error("diff", opt, argv, longopts);
			if (r <= 0)
				goto usage_error;
			break;
		}
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "execrec diff: --by-unit takes two traces, BASE and NEW\n"
				"Usage: execrec diff --by-unit [OPTIONS] BASE.etr NEW.etr\n");
		goto usage_error;
	}
	for (int i = 0; i < 2 && !ret; i++)
		ret = load_boot(&cli, argv[optind + i], &t[i], &b[i]);
	if (!ret) {
		changed = rp_boot__diff(b[0], b[1], threshold, min_delta, json, stdout);
		if (fflush(stdout) && errno != EPIPE)
			fprintf(stderr, "execrec diff: writing output: %s\n", strerror(errno));
		ret = (changed & fail_mask) ? 1 : 0;
	}
	for (int i = 0; i < 2; i++) {
		rp_boot__free(b[i]);
		rp_trace__free(t[i]);
	}
	rp_filter__free(cli.filter);
	return ret;

usage_error:
	rp_filter__free(cli.filter);
	return 2;
}
