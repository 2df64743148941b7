/* SPDX-License-Identifier: MIT */
/*
 * execrec redact: a copy of a trace with its secrets replaced by tags, safe
 * to attach to a bug report. The work is redact/'s; this file is options,
 * the output file's rules (outfile.h) and the lines a user reads.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "etr.h"
#include "options.h"
#include "outfile.h"
#include "redact.h"
#include "replay.h"

#define PROG "execrec redact"
/* zstd's own default: a copy made to be attached, at twice the speed of
 * the recorder's level 6 (bench/redact) */
#define REDACT_LEVEL 3

static void usage(FILE *f)
{
	fprintf(f, "Usage: execrec redact [OPTIONS] IN.etr -o OUT.etr\n"
		   "\n"
		   "Write a copy of a trace in which every secret found in a string (arguments,\n"
		   "environment, file names, working directories, process snapshot, metadata)\n"
		   "is replaced by a tag [redacted:RULE:HASH]. The same secret gets the same tag\n"
		   "everywhere; the hash is keyed, random per run unless --key-file is given.\n"
		   "\n"
		   "  -o, --output OUT       the redacted trace\n"
		   "      --force            replace OUT if it exists (never the input, never\n"
		   "                         through a symbolic link)\n"
		   "      --rule NAME=REGEX  add a rule (POSIX extended regex; the secret is its\n"
		   "                         first group, or the whole match)\n"
		   "      --rules FILE       add the rules of FILE, one NAME=REGEX a line\n"
		   "      --no-rule NAME     drop a rule (repeatable)\n"
		   "      --list-rules       print the rules and exit\n"
		   "      --key-file FILE    key the tags with FILE (>= 16 bytes), so traces\n"
		   "                         redacted with it can be compared with diff\n"
		   "      --level N          zstd level of OUT (default 3; negative = stored)\n"
		   "      --anonymize        also replace user names in /home paths, the host\n"
		   "                         name and the boot id (consistently, as tags)\n"
		   "  -h, --help\n");
}

static void print_problem(void *ctx, const struct etr_problem *p)
{
	const char *in = ctx;

	fprintf(stderr, PROG ": %s: byte %" PRIu64 ": %s%s\n", in, p->offset,
		etr_problem__str(p->kind),
		p->kind == ETR_PROB_TRUNCATED ? "; the copy stops there" : "; skipped");
}

static struct redactor *setup(int argc, char **argv, const char **ret_in, const char **ret_out,
			      bool *ret_force, bool *ret_list, int *ret_level, int *ret_status)
{
	enum { O_RULE = 0x100, O_RULES, O_NO_RULE, O_LIST, O_KEY, O_FORCE, O_LEVEL, O_ANON };
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"force", no_argument, NULL, O_FORCE},
	    {"rule", required_argument, NULL, O_RULE},
	    {"rules", required_argument, NULL, O_RULES},
	    {"no-rule", required_argument, NULL, O_NO_RULE},
	    {"list-rules", no_argument, NULL, O_LIST},
	    {"key-file", required_argument, NULL, O_KEY},
	    {"level", required_argument, NULL, O_LEVEL},
	    {"anonymize", no_argument, NULL, O_ANON},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct {
		const char *arg;
		bool file;
	} adds[64];
	const char *key_file = NULL, *drops[64];
	size_t n_adds = 0, n_drops = 0;
	uint8_t key[REDACT_KEY_SIZE];
	struct redactor_opts ro = {.sz = sizeof(ro)};
	struct redactor *r;
	char err[512], *end;
	int c, rc;

	*ret_status = 2;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			*ret_out = optarg;
			break;
		case O_FORCE:
			*ret_force = true;
			break;
		case O_RULE:
		case O_RULES:
			if (n_adds == 64) {
				fprintf(stderr, PROG ": too many --rule/--rules\n");
				return NULL;
			}
			adds[n_adds].arg = optarg;
			adds[n_adds++].file = c == O_RULES;
			break;
		case O_NO_RULE:
			if (n_drops == 64) {
				fprintf(stderr, PROG ": too many --no-rule\n");
				return NULL;
			}
			drops[n_drops++] = optarg;
			break;
		case O_LIST:
			*ret_list = true;
			break;
		case O_KEY:
			key_file = optarg;
			break;
		case O_ANON:
			ro.anonymize = true;
			break;
		case O_LEVEL:
			*ret_level = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || *ret_level > 22 || !*ret_level) {
				fprintf(stderr, PROG ": --level: '%s' is not a zstd level\n",
					optarg);
				return NULL;
			}
			break;
		case 'h':
			usage(stdout);
			*ret_status = 0;
			return NULL;
		default:
			tool__option_error("redact", c, argv, longopts);
			return NULL;
		}
	}
	if (!*ret_list && (optind + 1 != argc || !*ret_out)) {
		fprintf(stderr, PROG ": %s (see 'execrec redact --help')\n",
			optind >= argc	    ? "no input trace given"
			: optind + 1 < argc ? "one input trace only"
					    : "no output given (-o OUT)");
		return NULL;
	}
	*ret_in = optind < argc ? argv[optind] : NULL;
	if (key_file) {
		if (redact_key__read(key_file, key, err, sizeof(err))) {
			fprintf(stderr, PROG ": %s\n", err);
			return NULL;
		}
		ro.key = key;
	}
	r = redactor__new(&ro);
	if (!r) {
		fprintf(stderr, PROG ": %s\n", strerror(errno));
		return NULL;
	}
	for (size_t i = 0; i < n_adds; i++) {
		if (adds[i].file)
			rc = redactor__add_rules_file(r, adds[i].arg, err, sizeof(err));
		else
			rc = redactor__add_rule(r, adds[i].arg, err, sizeof(err));
		if (rc) {
			fprintf(stderr, PROG ": %s%s; nothing written\n",
				adds[i].file ? "--rules " : "--rule: ", err);
			redactor__free(r);
			return NULL;
		}
	}
	for (size_t i = 0; i < n_drops; i++) {
		if (redactor__drop_rule(r, drops[i])) {
			fprintf(stderr, PROG ": --no-rule %s: no such rule (see --list-rules)\n",
				drops[i]);
			redactor__free(r);
			return NULL;
		}
	}
	*ret_status = 0;
	return r;
}

struct redactor *tool_redact__new(const char *cmd, const char *rules)
{
	struct redactor *r = redactor__new(NULL);
	char err[256];

	if (!r) {
		fprintf(stderr, "execrec %s: --redact: %s\n", cmd, strerror(errno));
		return NULL;
	}
	if (rules && redactor__keep_rules(r, rules, err, sizeof(err))) {
		fprintf(stderr, "execrec %s: --redact: %s\n", cmd, err);
		redactor__free(r);
		return NULL;
	}
	return r;
}

static void list_rules(const struct redactor *r)
{
	for (size_t i = 0; i < redactor__rule_count(r); i++)
		printf("%-18s %s\n", redactor__rule_name(r, i), redactor__rule_desc(r, i));
}

/* The metadata saying what was done, written after the input's own. */
static char *rules_list(const struct redactor *r)
{
	size_t n = 1;
	char *s;

	for (size_t i = 0; i < redactor__rule_count(r); i++)
		n += strlen(redactor__rule_name(r, i)) + 1;
	s = malloc(n);
	if (!s)
		return NULL;
	s[0] = 0;
	for (size_t i = 0; i < redactor__rule_count(r); i++) {
		if (i)
			strcat(s, ",");
		strcat(s, redactor__rule_name(r, i));
	}
	return s;
}

int cmd_redact(int argc, char **argv)
{
	const char *in = NULL, *outp = NULL;
	bool force = false, list = false;
	struct etr_reader_opts rdo = {.sz = sizeof(rdo), .problem_cb = print_problem};
	struct etr_writer_opts wo = {.sz = sizeof(wo)};
	struct redact_copy_stats st;
	struct etr_reader_stats rst;
	struct etr_writer *w = NULL;
	struct etr_reader *rd = NULL;
	struct tool_out out = {0};
	struct redactor *r;
	struct timespec now;
	char when[64], *rules = NULL;
	const char *meta[7];
	int status, err, level = REDACT_LEVEL;

	r = setup(argc, argv, &in, &outp, &force, &list, &level, &status);
	if (!r)
		return status;
	if (list) {
		list_rules(r);
		redactor__free(r);
		return 0;
	}
	rdo.problem_ctx = (void *)in;
	rd = etr_reader__open(in, &rdo);
	if (!rd) {
		err = errno;
		fprintf(stderr, PROG ": %s: %s; nothing written\n", in,
			err == EINVAL	 ? "not an execrec trace"
			: err == ENOTSUP ? "made by a newer execrec (format major version)"
			: err == EBADMSG ? "damaged file header"
					 : strerror(err));
		status = err == ENOENT || err == EACCES ? 2 : 1;
		goto out;
	}
	rules = rules_list(r);
	if (!rules || tool_out__open(&out, "redact", outp, in, force, true)) {
		status = 2;
		goto out;
	}
	wo.created_ns = etr_reader__info(rd)->created_ns;
	wo.level = level;
	w = etr_writer__open_fd(fileno(out.f), &wo);
	if (!w) {
		fprintf(stderr, PROG ": %s: %s\n", outp, strerror(errno));
		tool_out__close(&out, "redact", false);
		status = 2;
		goto out;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	rp_fmt_iso(when, sizeof(when), (uint64_t)now.tv_sec * 1000000000ull + now.tv_nsec);
	meta[0] = "redact.time";
	meta[1] = when;
	meta[2] = "redact.rules";
	meta[3] = rules;
	meta[4] = NULL;
	err = redactor__copy(r, rd, w, meta, &st);
	if (err) {
		fprintf(stderr, PROG ": %s: %s; nothing written\n", err == -EIO ? in : outp,
			strerror(-err));
		tool_out__close(&out, "redact", false);
		status = 2;
		goto out;
	}
	if (tool_out__close(&out, "redact", true)) {
		status = 2;
		goto out;
	}
	etr_reader__stats(rd, &rst);
	fprintf(stderr, PROG ": wrote %s: %" PRIu64 " events, %" PRIu64 " secrets replaced", outp,
		st.events, redactor__hits(r));
	for (size_t i = 0, k = 0; i < redactor__rule_count(r); i++)
		if (redactor__rule_hits(r, i))
			fprintf(stderr, "%s%s %" PRIu64, k++ ? ", " : " (",
				redactor__rule_name(r, i), redactor__rule_hits(r, i));
	fprintf(stderr, "%s\n", redactor__hits(r) ? ")" : "");
	status = 0;
	if (rst.problems || st.dropped_records || st.dropped_chunks || !st.ended) {
		fprintf(stderr,
			PROG ": warning: %s is damaged: %" PRIu64 " chunks skipped, %" PRIu64
			     " records dropped (not decodable, or of a type this execrec does not "
			     "know)%s\n",
			in, rst.bad_chunks + st.dropped_chunks, st.dropped_records,
			st.ended ? "" : "; it has no end record, nor has the copy");
		status = 1;
	}
out:
	etr_writer__free(w);
	etr_reader__free(rd);
	redactor__free(r);
	free(rules);
	return status;
}
