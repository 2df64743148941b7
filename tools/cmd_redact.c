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
#include "driver.h"
#include "etr.h"
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

enum { O_RULE = DRV_OPT__LAST + 1, O_RULES, O_NO_RULE, O_LIST, O_KEY, O_FORCE, O_LEVEL, O_ANON };

struct ctx {
	struct redact_rule_arg args[128]; /* --rule, --rules, --no-rule */
	size_t nargs;
	const char *out, *key_file;
	struct redactor_opts ro;
	int level;
	bool force, list;
};

static int option(struct driver *d, int opt, const char *arg)
{
	struct ctx *c = d->ctx;
	char *end;

	switch (opt) {
	case 'o':
		c->out = arg;
		return 0;
	case O_FORCE:
		c->force = true;
		return 0;
	case O_RULE:
	case O_RULES:
	case O_NO_RULE:
		if (c->nargs == 128)
			return driver__err(d, "too many --rule, --rules or --no-rule");
		c->args[c->nargs].arg = arg;
		c->args[c->nargs++].kind = opt == O_RULE    ? REDACT_ARG_RULE
					   : opt == O_RULES ? REDACT_ARG_RULES
							    : REDACT_ARG_DROP;
		return 0;
	case O_LIST:
		c->list = true;
		return 0;
	case O_KEY:
		c->key_file = arg;
		return 0;
	case O_ANON:
		c->ro.anonymize = true;
		return 0;
	case O_LEVEL:
		c->level = (int)strtol(arg, &end, 10);
		if (*end || end == arg || c->level > 22 || !c->level)
			return driver__err(d, "--level: '%s' is not a zstd level", arg);
		return 0;
	default:
		return driver__err(d, "option %d is not handled", opt);
	}
}

/* The redactor the options ask for: NULL after one line. */
static struct redactor *setup(struct driver *d, struct ctx *c)
{
	uint8_t key[REDACT_KEY_SIZE];
	struct redactor *r;
	char err[512];
	size_t bad;

	if (c->key_file) {
		if (redact_key__read(c->key_file, key, err, sizeof(err))) {
			driver__err(d, "%s", err);
			return NULL;
		}
		c->ro.key = key;
	}
	r = redactor__new(&c->ro);
	c->ro.key = NULL;
	if (!r) {
		driver__err(d, "%s", strerror(errno));
		return NULL;
	}
	if (redactor__apply(r, c->args, c->nargs, &bad, err, sizeof(err))) {
		if (c->args[bad].kind == REDACT_ARG_DROP)
			driver__err(d, "--no-rule %s: no such rule (see --list-rules)",
				    c->args[bad].arg);
		else
			driver__err(
			    d, "%s%s; nothing written",
			    c->args[bad].kind == REDACT_ARG_RULES ? "--rules " : "--rule: ", err);
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

/* The input, for the copy: NULL after one line, with the exit status in
 * d->status. */
static struct etr_reader *open_input(struct driver *d, struct etr_reader_opts *o)
{
	struct etr_reader *rd;
	int err;

	o->problem_ctx = (void *)d->path;
	rd = etr_reader__open(d->path, o);
	if (rd)
		return rd;
	err = errno;
	driver__err(d, "%s: %s; nothing written", d->path, driver__open_why(err));
	/* missing or not a trace alike: 1, as for the other analyzers */
	d->status = DRV_EXIT_FAIL;
	return NULL;
}

/* The copy into d->out: 0, or the exit status after one line. */
static int copy(struct driver *d, struct redactor *r, struct etr_reader *rd,
		struct redact_copy_stats *st)
{
	const struct ctx *c = d->ctx;
	struct timespec now;
	char when[64];
	int err;

	clock_gettime(CLOCK_REALTIME, &now);
	rp_fmt_iso(when, sizeof(when),
		   (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec);
	err = redactor__copy_fd(r, rd, fileno(d->out.f), c->level, when, st);
	if (err)
		driver__err(d, "%s: %s; nothing written", err == -EIO ? d->path : c->out,
			    strerror(-err));
	return err ? DRV_EXIT_FAIL : 0;
}

static void summary(struct driver *d, struct redactor *r, struct etr_reader *rd,
		    const struct redact_copy_stats *st)
{
	const struct ctx *c = d->ctx;
	struct etr_reader_stats rst;

	fprintf(stderr, PROG ": wrote %s: %" PRIu64 " events, %" PRIu64 " secrets replaced", c->out,
		st->events, redactor__hits(r));
	for (size_t i = 0, k = 0; i < redactor__rule_count(r); i++)
		if (redactor__rule_hits(r, i))
			fprintf(stderr, "%s%s %" PRIu64, k++ ? ", " : " (",
				redactor__rule_name(r, i), redactor__rule_hits(r, i));
	fprintf(stderr, "%s\n", redactor__hits(r) ? ")" : "");
	etr_reader__stats(rd, &rst);
	if (rst.problems || st->dropped_records || st->dropped_chunks || !st->ended) {
		driver__err(d,
			    "warning: %s is damaged: %" PRIu64 " chunks skipped, %" PRIu64
			    " records dropped (not decodable, or of a type this execrec does not "
			    "know)%s",
			    d->path, rst.bad_chunks + st->dropped_chunks, st->dropped_records,
			    st->ended ? "" : "; it has no end record, nor has the copy");
		d->status = DRV_EXIT_FAIL;
	}
}

int cmd_redact(int argc, char **argv)
{
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
	    DRV_HELP_OPTION,
	    {NULL, 0, NULL, 0},
	};
	static const struct driver_cmd cmd = {
	    .name = "redact",
	    .operands = "IN.etr -o OUT.etr",
	    .shortopts = "o:h",
	    .longopts = longopts,
	    .help = usage,
	    .option = option,
	};
	struct ctx c = {.ro = {.sz = sizeof(c.ro)}, .level = REDACT_LEVEL};
	struct etr_reader_opts rdo = {.sz = sizeof(rdo), .problem_cb = print_problem};
	struct redact_copy_stats st;
	struct etr_reader *rd = NULL;
	struct driver d = {0};
	struct redactor *r = NULL;

	if (!driver__parse(&d, &cmd, &c, argc, argv))
		return driver__exit(&d, 0);
	if (!c.list && (optind + 1 != argc || !c.out)) {
		driver__err(&d, "%s (see 'execrec redact --help')",
			    optind >= argc	? "no input trace given"
			    : optind + 1 < argc ? "one input trace only"
						: "no output given (-o OUT)");
		return driver__stop(&d, DRV_EXIT_USAGE);
	}
	d.path = optind < argc ? argv[optind] : NULL;
	d.status = DRV_EXIT_USAGE;
	r = setup(&d, &c);
	if (r && c.list) {
		list_rules(r);
		d.status = 0;
	} else if (r && (rd = open_input(&d, &rdo)) &&
		   driver__out_open(&d, c.out, NULL, c.force, true)) {
		/* half a copy is no copy: it never gets the wanted name */
		d.status = copy(&d, r, rd, &st);
		d.status = driver__out_close(&d, !d.status) ?: d.status;
		if (!d.status)
			summary(&d, r, rd, &st);
	}
	etr_reader__free(rd);
	redactor__free(r);
	return driver__stop(&d, d.status);
}
