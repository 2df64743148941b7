/* SPDX-License-Identifier: MIT */
/*
 * execrec diff: what changed in what two recordings executed, matched
 * without pids (replay/diff). For CI: --fail-on turns chosen classes of
 * change into exit status 1; 2 is kept for errors (a file that cannot be
 * read, a bad option), so a gate can tell "regressed" from "broken".
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common/parse.h"
#include "diff.h"
#include "driver.h"

#define EXIT_CHANGED 1
#define EXIT_ERROR 2
#define MAX_ENTRIES_DEFAULT 50

static void usage(FILE *f)
{
	fputs("Usage: execrec diff [OPTIONS] BASE.etr NEW.etr\n"
	      "       execrec diff [OPTIONS] --base A1.etr [--base A2.etr ...] NEW.etr\n"
	      "\n"
	      "Compare two recordings process by process, without pids: two executions are\n"
	      "the same when their normalized command (executable and argv), the commands of\n"
	      "their ancestors and their rank among identical siblings match. Pids, temporary\n"
	      "names (/tmp/ccAbc123.o, mkstemp's XXXXXX), hex hashes of 8+ digits, long\n"
	      "numbers, dates and times are normalized away.\n"
	      "\n"
	      "Classes of change (a change in a subtree is reported once, at its top):\n"
	      "  NEW         runs only in NEW             GONE        ran only in BASE\n"
	      "  NOW-FAILS   exit 0 before; a non-zero exit, a signal or a failed exec now\n"
	      "  NOW-PASSES  the other way round\n"
	      "  SLOWER      took --threshold times as long and at least --min-delta more\n"
	      "  FASTER      the other way round\n"
	      "  COUNT       the same command run a different number of times\n"
	      "\n"
	      "Matching:\n"
	      "      --map OLD=NEW       read path prefix OLD in BASE as NEW (two checkouts in\n"
	      "                          different folders); repeatable\n"
	      "      --ignore REGEX      leave out commands whose command line matches the POSIX\n"
	      "                          extended REGEX, with all they started; repeatable\n"
	      "      --explain           show the normalized form of each change and its\n"
	      "                          ancestors, and the closest non-matching siblings\n"
	      "      --base FILE         a baseline; several make a noise band: SLOWER only\n"
	      "                          beyond the slowest of them, NEW only if in none, GONE\n"
	      "                          only if in all, COUNT only outside their range\n"
	      "\n"
	      "Thresholds:\n"
	      "      --threshold RATIO   SLOWER/FASTER ratio (default 1.5; also '2x', '150%')\n"
	      "      --min-delta TIME    ... and at least this far apart (default 50ms)\n"
	      "\n"
	      "Output:\n"
	      "      --json              one JSON object (every change, nothing cut)\n"
	      "      --markdown          Markdown for a pull-request comment\n"
	      "      --max N             changes shown per class in text and Markdown\n"
	      "                          (default 50; 0 = all)\n"
	      "      --max-args N        bytes of a command line shown (default 300)\n"
	      "      --color[=WHEN]      always, never or auto (default)\n"
	      "      --no-color\n"
	      "  -q, --quiet             no report; the exit status says it\n"
	      "\n"
	      "CI:\n"
	      "      --by-unit           two boot traces by systemd unit instead (see\n"
	      "                          execrec diff --by-unit --help)\n"
	      "      --fail-on LIST      exit 1 if any of these classes has a change: a comma\n"
	      "                          list of new, gone, fails, passes, slower, faster,\n"
	      "                          count, or all\n"
	      "\n"
	      "Exit status: 0 no chosen change (or no --fail-on), 1 a chosen class changed,\n"
	      "2 an error (a file that cannot be read, a bad option). A damaged trace that\n"
	      "still reads is compared, with a warning.\n"
	      "  -h, --help              this help\n",
	      f);
}

enum {
	OPT_MAP = DRV_OPT__LAST + 1,
	OPT_IGNORE,
	OPT_EXPLAIN,
	OPT_BASE,
	OPT_THRESHOLD,
	OPT_MIN_DELTA,
	OPT_JSON,
	OPT_MARKDOWN,
	OPT_FORMAT,
	OPT_MAX,
	OPT_MAX_ARGS,
	OPT_FAIL_ON
};

struct ctx {
	struct rdiff_opts dopts;
	struct rdiff_print_opts popts;
	/* every list is at most argc long: no reallocation needed */
	const char **bases, **maps, **ignores;
	struct rdiff_inputs in;
	bool quiet;
};

static int option(struct driver *d, int opt, const char *arg)
{
	struct ctx *c = d->ctx;
	uint64_t n;
	char err[256];

	switch (opt) {
	case 'q':
		c->quiet = true;
		return 0;
	case OPT_MAP:
		c->maps[c->in.nmaps++] = arg;
		return 0;
	case OPT_IGNORE:
		c->ignores[c->in.nignores++] = arg;
		return 0;
	case OPT_EXPLAIN:
		c->popts.explain = true;
		return 0;
	case OPT_BASE:
		c->bases[c->in.nbases++] = arg;
		return 0;
	case OPT_THRESHOLD:
		if (rdiff_threshold__parse(arg, &c->dopts.threshold))
			return driver__err(
			    d, "--threshold: '%s' is not a ratio above 1 (1.5, 2x, 150%%)", arg);
		return 0;
	case OPT_MIN_DELTA:
		if (ec_parse_duration(arg, &c->dopts.min_delta_ns))
			return driver__err(d, "--min-delta: '%s' is not a duration (50ms, 1s)",
					   arg);
		if (!c->dopts.min_delta_ns)
			c->dopts.min_delta_ns = 1; /* 0 asks for the ratio alone */
		return 0;
	case OPT_JSON:
	case OPT_MARKDOWN:
		c->popts.format = opt == OPT_JSON ? RDIFF_FMT_JSON : RDIFF_FMT_MARKDOWN;
		return 0;
	case OPT_FORMAT:
		if (rdiff_format__parse(arg, &c->popts.format))
			return driver__err(d, "--format: '%s' is not text, json or markdown", arg);
		return 0;
	case OPT_MAX:
	case OPT_MAX_ARGS:
		if (ec_parse_count(arg, UINT32_MAX, &n))
			return driver__err(d, "%s: '%s' is not a count",
					   opt == OPT_MAX ? "--max" : "--max-args", arg);
		if (opt == OPT_MAX)
			c->popts.max_entries = (uint32_t)n;
		else
			c->popts.max_args = n ? n : SIZE_MAX / 2;
		return 0;
	case OPT_FAIL_ON:
		if (rdiff_fail_on__parse(arg, &c->popts.fail_mask, err, sizeof(err)))
			return driver__err(d, "%s", err);
		return 0;
	default: /* --color, --no-color */
		return DRV_SHARED;
	}
}

/* BASE NEW, or --base ... NEW: the new trace, or NULL after one line. */
static const char *operands(struct driver *d, struct ctx *c, int argc, char **argv)
{
	if (!c->in.nbases && argc - optind == 2)
		c->bases[c->in.nbases++] = argv[optind++];
	else if (argc - optind != 1 || !c->in.nbases) {
		driver__err(d, "%s (usage: execrec diff [OPTIONS] BASE.etr NEW.etr)",
			    argc == optind ? "no traces given"
			    : c->in.nbases && argc - optind > 1
				? "with --base, give only the NEW trace"
			    : argc - optind == 1 ? "two traces needed: BASE and NEW"
						 : "too many traces: BASE and NEW only "
						   "(more baselines with --base)");
		return NULL;
	}
	if (c->in.nbases > RDIFF_MAX_BASES) {
		driver__err(d, "at most %d baselines", RDIFF_MAX_BASES);
		return NULL;
	}
	return argv[optind];
}

int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"map", required_argument, NULL, OPT_MAP},
	    {"ignore", required_argument, NULL, OPT_IGNORE},
	    {"explain", no_argument, NULL, OPT_EXPLAIN},
	    {"base", required_argument, NULL, OPT_BASE},
	    {"threshold", required_argument, NULL, OPT_THRESHOLD},
	    {"min-delta", required_argument, NULL, OPT_MIN_DELTA},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"markdown", no_argument, NULL, OPT_MARKDOWN},
	    {"md", no_argument, NULL, OPT_MARKDOWN},
	    {"format", required_argument, NULL, OPT_FORMAT},
	    {"max", required_argument, NULL, OPT_MAX},
	    {"max-args", required_argument, NULL, OPT_MAX_ARGS},
	    {"color", optional_argument, NULL, DRV_OPT_COLOR},
	    {"no-color", no_argument, NULL, DRV_OPT_NO_COLOR},
	    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	    {"quiet", no_argument, NULL, 'q'},
	    DRV_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	static const struct driver_cmd cmd = {
	    .name = "diff",
	    .operands = "BASE.etr NEW.etr",
	    .shortopts = "hq",
	    .longopts = longopts,
	    .help = usage,
	    .option = option,
	};
	struct ctx c = {
	    .dopts = {.sz = sizeof(c.dopts)},
	    .popts = {.sz = sizeof(c.popts), .max_entries = MAX_ENTRIES_DEFAULT},
	};
	struct driver d = {.cmd = &cmd};
	struct rdiff *rd = NULL;
	const char *new_path;
	int ret = EXIT_ERROR;
	char err[1024];

	/* Two boots by systemd unit: replay/boot_diff.c's report. */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--by-unit"))
			return cmd_boot_diff(argc, argv);
	c.bases = calloc(3 * ((size_t)argc + 1), sizeof(*c.bases));
	if (!c.bases) {
		driver__err(&d, "out of memory");
		return ret;
	}
	c.in.bases = c.bases;
	c.in.maps = c.maps = c.bases + argc + 1;
	c.in.ignores = c.ignores = c.maps + argc + 1;
	if (!driver__parse(&d, &cmd, &c, argc, argv)) {
		ret = d.status;
		goto out;
	}
	new_path = operands(&d, &c, argc, argv);
	if (!new_path)
		goto out;
	rd = rdiff__new(&c.dopts);
	if (!rd) {
		driver__err(&d, "%s", strerror(errno));
		goto out;
	}
	c.in.new_path = new_path;
	if (rdiff__load(rd, &c.in, err, sizeof(err))) {
		driver__err(&d, "%s", err);
		goto out;
	}
	for (size_t i = 0; i < rdiff__warning_count(rd); i++)
		driver__err(&d, "warning: %s", rdiff__warning(rd, i));
	if (!c.quiet) {
		c.popts.color =
		    c.popts.format == RDIFF_FMT_TEXT && driver__color(&d, STDOUT_FILENO);
		if (c.popts.format == RDIFF_FMT_JSON)
			c.popts.max_entries = 0;
		if ((rdiff__print(rd, stdout, &c.popts) || fflush(stdout)) && errno != EPIPE) {
			driver__err(&d, "writing the report: %s", strerror(errno));
			goto out;
		}
	}
	ret = rdiff__fails(rd, c.popts.fail_mask) ? EXIT_CHANGED : 0;
out:
	rdiff__free(rd);
	driver__free(&d);
	free(c.bases);
	return ret;
}
