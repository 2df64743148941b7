/* SPDX-License-Identifier: MIT */
/*
 * redact.h - find secrets in the strings of a trace and replace them by tags
 *
 * One engine for `execrec redact` (a trace rewritten offline) and for
 * `execrec record --redact` (events redacted before they reach the disk).
 *
 * A rule has a name and finds secrets of one kind: a regex (POSIX ERE,
 * <regex.h>) behind a keyword prefilter, so the regex runs only on strings
 * that hold one of the rule's keywords, or a piece of C where a regex cannot
 * say it (an option whose value is the next argument). A secret becomes
 *
 *	[redacted:RULE:xxxxxxxx]
 *
 * where xxxxxxxx is a hash of the secret keyed with the redactor's key: the
 * same secret gives the same tag everywhere, so processes that used it still
 * match in a diff, and without the key the tag says nothing of the secret.
 * A string that already holds tags keeps them (redacting twice is harmless).
 *
 * Conventions are libbpf's (object__verb, -errno, NULL + errno from
 * constructors, NULL-safe destructor). Nothing here prints or reads the
 * environment. Depends on libc and, for the event helpers, format/'s types.
 */
#ifndef EXECREC_REDACT_H
#define EXECREC_REDACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "etr.h"

#ifdef __cplusplus
extern "C" {
#endif

#define REDACT_KEY_SIZE 16
#define REDACT_MAX_RULES 64
#define REDACT_TAG_PREFIX "[redacted:"

struct redactor;

struct redactor_opts {
	size_t sz; /* sizeof(struct redactor_opts) */
	/* the hash key; NULL = random (getrandom) */
	const uint8_t *key;
	/* start with no built-in rule */
	bool no_builtin;
	/* also the rules "home-user" (the user name of /home/USER), "host"
	 * (the host name, from the trace's metadata) and "boot-id" */
	bool anonymize;
};

/* A redactor with the built-in rules. NULL + errno. */
struct redactor *redactor__new(const struct redactor_opts *opts);
void redactor__free(struct redactor *r);

/* Add a rule: @spec is "NAME=REGEX" (POSIX extended, case-sensitive; the
 * secret is the first parenthesized group if there is one, else the whole
 * match). -EINVAL (bad name, regex that does not compile: why in @err),
 * -EEXIST (the name is taken), -E2BIG (too many rules). */
int redactor__add_rule(struct redactor *r, const char *spec, char *err, size_t err_len);
/* Add the rules of a file: one NAME=REGEX a line; blank lines and lines
 * starting with '#' are skipped. -errno with "PATH:LINE: why" in @err. */
int redactor__add_rules_file(struct redactor *r, const char *path, char *err, size_t err_len);
/* Drop the rule @name. -ENOENT if there is none. */
int redactor__drop_rule(struct redactor *r, const char *name);
/* Keep only the rules named in @list ("a,b,c"). -ENOENT + the name in @err. */
int redactor__keep_rules(struct redactor *r, const char *list, char *err, size_t err_len);

/* Anonymize: the host name to replace wherever it stands as a word (the
 * value of the metadata key "hostname"; redactor__meta sets it itself). */
int redactor__set_host(struct redactor *r, const char *name, size_t len);

/* The key from a file: its bytes hashed down to REDACT_KEY_SIZE; it must
 * hold at least REDACT_KEY_SIZE bytes (-EINVAL). Why in @err. */
int redact_key__read(const char *path, uint8_t ret_key[REDACT_KEY_SIZE], char *err, size_t err_len);

/* The rules, for --list-rules and the metadata. */
size_t redactor__rule_count(const struct redactor *r);
const char *redactor__rule_name(const struct redactor *r, size_t i);
/* What the rule finds, one line (the regex for rules from the command line). */
const char *redactor__rule_desc(const struct redactor *r, size_t i);
/* Secrets the rule replaced so far. */
uint64_t redactor__rule_hits(const struct redactor *r, size_t i);
/* All secrets replaced so far. */
uint64_t redactor__hits(const struct redactor *r);
/* The names of the rules, "a,b,c", as the metadata key redact.rules holds
 * them: a string to free(), or NULL + errno. */
char *redactor__rule_list(const struct redactor *r);

/*
 * Redact one string (no context: the rules that look at whole strings).
 * *@ret is @s itself when nothing was found, else the redacted copy, held by
 * the redactor until redactor__reset(). Returns the number of secrets
 * replaced, or -ENOMEM.
 */
int redactor__str(struct redactor *r, const char *s, size_t len, struct etr_str *ret);
/* An argument block ("a\0b\0"), with the rules that look at the argument
 * before (an option whose value is the next argument, a database client's
 * -pSECRET). */
int redactor__argv(struct redactor *r, const struct etr_str *argv, struct etr_str *ret);
/* An environment block ("NAME=value\0..."). */
int redactor__env(struct redactor *r, const struct etr_str *env, struct etr_str *ret);

/* Every string of an event, a snapshot process, a metadata value: fields
 * changed in place point into the redactor until redactor__reset() (which
 * the event and process calls make first: one record at a time). */
int redactor__event(struct redactor *r, struct etr_event *ev);
int redactor__proc(struct redactor *r, struct etr_proc *p);
int redactor__meta(struct redactor *r, const char *key, size_t key_len, struct etr_str *value);

/* Forget the strings returned so far (their memory is reused). */
void redactor__reset(struct redactor *r);

/* What a copy did. */
struct redact_copy_stats {
	uint64_t events;	  /* event records written */
	uint64_t records;	  /* records written, events included */
	uint64_t dropped_records; /* not written: undecodable, or of a type not known here */
	uint64_t dropped_chunks;  /* chunks of a type not known here */
	bool ended;		  /* the input had its END chunk (so has the output) */
};

/*
 * Copy the trace read by @in to @out with every string redacted: events,
 * snapshot processes, metadata values, counter names. Times, pids, the
 * tracepoint formats and BTF go over as they are. A record that does not
 * decode, or whose type this build does not know (it may hold strings),
 * is dropped and counted, never copied blind. After the input's first META
 * chunk the pairs of @meta (key, value, ..., NULL) are written; at the end
 * "redact.counts" (replacements per rule) and, if any, "redact.dropped".
 * The output ends with END only if the input did. 0 or -errno (a read or
 * write error; damage is the reader's problem_cb's to report).
 */
int redactor__copy(struct redactor *r, struct etr_reader *in, struct etr_writer *out,
		   const char *const *meta, struct redact_copy_stats *ret_stats);

/*
 * redactor__copy into a new trace written on @out_fd (left open): zstd
 * level @level, the input's creation time, and the metadata redact.time
 * (@when, the time of the copy as text; NULL for none) and redact.rules
 * (redactor__rule_list). 0 or -errno as redactor__copy, or the writer's.
 */
int redactor__copy_fd(struct redactor *r, struct etr_reader *in, int out_fd, int level,
		      const char *when, struct redact_copy_stats *ret_stats);

/* A rule change a command line asks for. */
struct redact_rule_arg {
	const char *arg;
	enum {
		REDACT_ARG_RULE,  /* NAME=REGEX, redactor__add_rule */
		REDACT_ARG_RULES, /* a file of them, redactor__add_rules_file */
		REDACT_ARG_DROP,  /* a rule's name, redactor__drop_rule */
	} kind;
};

/* The additions of @args in their order, then the drops. 0, or -errno with
 * why in @err (a drop: -ENOENT, nothing in @err) and in *ret_bad the index
 * of the one that failed. */
int redactor__apply(struct redactor *r, const struct redact_rule_arg *args, size_t n,
		    size_t *ret_bad, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif /* EXECREC_REDACT_H */
