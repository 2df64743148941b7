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

#include "commands.h"
#include "diff.h"
#include "options.h"

#define PROG "execrec diff"
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
	OPT_MAP = 0x100,
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
	OPT_COLOR,
	OPT_NO_COLOR,
	OPT_FAIL_ON,
};

static int parse_fail_on(const char *list, uint32_t *mask, char *err, size_t len)
{
	for (const char *s = list; *s;) {
		size_t n = strcspn(s, ",");
		enum rdiff_class c;

		if (!n) {
			s++;
			continue;
		}
		if ((n == 3 && !strncmp(s, "all", 3)) || (n == 3 && !strncmp(s, "any", 3))) {
			*mask |= (1u << RDIFF_CLASS__NR) - 1;
		} else if (rdiff_class__parse(s, n, &c)) {
			snprintf(
			    err, len,
			    "--fail-on: unknown class '%.*s' (new, gone, fails, passes, slower, "
			    "faster, count, all)",
			    (int)n, s);
			return -EINVAL;
		} else {
			*mask |= 1u << c;
		}
		s += n;
		if (*s == ',')
			s++;
	}
	if (!*mask) {
		snprintf(err, len, "--fail-on: no class given");
		return -EINVAL;
	}
	return 0;
}

static int parse_threshold(const char *s, double *ret)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s)
		return -EINVAL;
	if (*end == '%') {
		v /= 100.0;
		end++;
	} else if (*end == 'x' || *end == 'X') {
		end++;
	}
	if (*end || !(v > 1.0) || v > 1e6)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_count(const char *s, unsigned long *ret)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v > UINT32_MAX)
		return -EINVAL;
	*ret = v;
	return 0;
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
	    {"color", optional_argument, NULL, OPT_COLOR},
	    {"no-color", no_argument, NULL, OPT_NO_COLOR},
	    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};

	/* Two boots by systemd unit: replay/boot_diff.c's report. */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--by-unit"))
			return cmd_boot_diff(argc, argv);
	struct rdiff_opts dopts = {.sz = sizeof(dopts)};
	struct rdiff_print_opts popts = {
	    .sz = sizeof(popts),
	    .max_entries = MAX_ENTRIES_DEFAULT,
	};
	const char **bases = NULL, **maps = NULL, **ignores = NULL;
	size_t nbases = 0, nmaps = 0, nignores = 0;
	const char *color = NULL, *new_path;
	struct rdiff *d = NULL;
	bool quiet = false;
	int opt, ret = EXIT_ERROR, r;
	char err[1024];
	unsigned long n;

	/* every list is at most argc long: no reallocation needed */
	bases = calloc((size_t)argc + 1, sizeof(*bases));
	maps = calloc((size_t)argc + 1, sizeof(*maps));
	ignores = calloc((size_t)argc + 1, sizeof(*ignores));
	if (!bases || !maps || !ignores) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	optind = 1;
	opterr = 0; /* one line of our own, naming the option */
	while ((opt = getopt_long(argc, argv, ":hq", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			ret = 0;
			goto out;
		case 'q':
			quiet = true;
			break;
		case OPT_MAP:
			maps[nmaps++] = optarg;
			break;
		case OPT_IGNORE:
			ignores[nignores++] = optarg;
			break;
		case OPT_EXPLAIN:
			popts.explain = true;
			break;
		case OPT_BASE:
			bases[nbases++] = optarg;
			break;
		case OPT_THRESHOLD:
			if (parse_threshold(optarg, &dopts.threshold)) {
				fprintf(stderr,
					PROG ": --threshold: '%s' is not a ratio above 1 (1.5, 2x, "
					     "150%%)\n",
					optarg);
				goto out;
			}
			break;
		case OPT_MIN_DELTA:
			if (ec_parse_duration(optarg, &dopts.min_delta_ns)) {
				fprintf(stderr,
					PROG ": --min-delta: '%s' is not a duration (50ms, 1s)\n",
					optarg);
				goto out;
			}
			if (!dopts.min_delta_ns)
				dopts.min_delta_ns = 1; /* 0 asks for the ratio alone */
			break;
		case OPT_JSON:
			popts.format = RDIFF_FMT_JSON;
			break;
		case OPT_MARKDOWN:
			popts.format = RDIFF_FMT_MARKDOWN;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				popts.format = RDIFF_FMT_TEXT;
			else if (!strcmp(optarg, "json"))
				popts.format = RDIFF_FMT_JSON;
			else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
				popts.format = RDIFF_FMT_MARKDOWN;
			else {
				fprintf(stderr,
					PROG ": --format: '%s' is not text, json or markdown\n",
					optarg);
				goto out;
			}
			break;
		case OPT_MAX:
			if (parse_count(optarg, &n)) {
				fprintf(stderr, PROG ": --max: '%s' is not a count\n", optarg);
				goto out;
			}
			popts.max_entries = (uint32_t)n;
			break;
		case OPT_MAX_ARGS:
			if (parse_count(optarg, &n)) {
				fprintf(stderr, PROG ": --max-args: '%s' is not a count\n", optarg);
				goto out;
			}
			popts.max_args = n ? n : SIZE_MAX / 2;
			break;
		case OPT_COLOR:
			color = optarg ? optarg : "always";
			if (strcmp(color, "always") && strcmp(color, "never") &&
			    strcmp(color, "auto")) {
				fprintf(stderr,
					PROG ": --color: '%s' is not always, never or auto\n",
					color);
				goto out;
			}
			break;
		case OPT_NO_COLOR:
			color = "never";
			break;
		case OPT_FAIL_ON:
			if (parse_fail_on(optarg, &popts.fail_mask, err, sizeof(err))) {
				fprintf(stderr, PROG ": %s\n", err);
				goto out;
			}
			break;
		default: /* ':' or '?' */
			tool__option_error("diff", opt, argv, longopts);
			goto out;
		}
	}
	/* BASE NEW, or --base ... NEW */
	if (!nbases && argc - optind == 2) {
		bases[nbases++] = argv[optind++];
	} else if (argc - optind != 1 || !nbases) {
		fprintf(stderr, PROG ": %s (usage: execrec diff [OPTIONS] BASE.etr NEW.etr)\n",
			argc == optind		      ? "no traces given"
			: nbases && argc - optind > 1 ? "with --base, give only the NEW trace"
			: argc - optind == 1	      ? "two traces needed: BASE and NEW"
						      : "too many traces: BASE and NEW only "
							"(more baselines with --base)");
		goto out;
	}
	if (nbases > RDIFF_MAX_BASES) {
		fprintf(stderr, PROG ": at most %d baselines\n", RDIFF_MAX_BASES);
		goto out;
	}
	new_path = argv[optind];

	d = rdiff__new(&dopts);
	if (!d) {
		fprintf(stderr, PROG ": %s\n", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < nmaps; i++) {
		r = rdiff__add_map(d, maps[i], err, sizeof(err));
		if (r) {
			fprintf(stderr, PROG ": %s\n", r == -EINVAL ? err : strerror(-r));
			goto out;
		}
	}
	for (size_t i = 0; i < nignores; i++) {
		r = rdiff__add_ignore(d, ignores[i], err, sizeof(err));
		if (r) {
			fprintf(stderr, PROG ": %s\n", r == -EINVAL ? err : strerror(-r));
			goto out;
		}
	}
	for (size_t i = 0; i < nbases; i++) {
		r = rdiff__add_base(d, bases[i], err, sizeof(err));
		if (r) {
			fprintf(stderr, PROG ": %s\n", err);
			goto out;
		}
	}
	r = rdiff__set_new(d, new_path, err, sizeof(err));
	if (r) {
		fprintf(stderr, PROG ": %s\n", err);
		goto out;
	}
	r = rdiff__compute(d);
	if (r) {
		fprintf(stderr, PROG ": comparing: %s\n", strerror(-r));
		goto out;
	}
	for (size_t i = 0; i < rdiff__warning_count(d); i++)
		fprintf(stderr, PROG ": warning: %s\n", rdiff__warning(d, i));
	if (!quiet) {
		popts.color = popts.format == RDIFF_FMT_TEXT && rp_want_color(1, color);
		if (popts.format == RDIFF_FMT_JSON)
			popts.max_entries = 0;
		if (rdiff__print(d, stdout, &popts) || fflush(stdout)) {
			if (errno != EPIPE) {
				fprintf(stderr, PROG ": writing the report: %s\n", strerror(errno));
				goto out;
			}
		}
	}
	ret = rdiff__fails(d, popts.fail_mask) ? EXIT_CHANGED : 0;
out:
	rdiff__free(d);
	free(bases);
	free(maps);
	free(ignores);
	return ret;
}
