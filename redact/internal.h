/* SPDX-License-Identifier: MIT */
/* What the files of redact/ share. */
#ifndef EXECREC_REDACT_INTERNAL_H
#define EXECREC_REDACT_INTERNAL_H

#include <regex.h>

#include "common/macros.h"
#include "common/opts.h"
#include "redact.h"

#define RD_NAME_MAX 48
#define RD_MAX_KEYWORDS 192
#define RD_KEYWORD_MAX 24

enum rd_kind {
	RD_REGEX,   /* a regex, after a keyword prefilter (or always, without keywords) */
	RD_OPTION,  /* options whose value is a secret; the regex is for text */
	RD_ASSIGN,  /* NAME=value where NAME says secret */
	RD_LITERAL, /* a word of the trace itself (--anonymize: the host name) */
	RD_WHOLE,   /* nothing by itself: whole metadata values (the boot id) */
};

struct rd_rule {
	char name[RD_NAME_MAX];
	char *desc;
	enum rd_kind kind;
	regex_t re;
	bool have_re;
	int group;     /* the group that is the secret; 0 = the whole match */
	bool bounded;  /* the whole match must not touch a letter or digit */
	bool has_kw;   /* false: runs on every string */
	char *literal; /* RD_LITERAL */
	size_t literal_len;
	uint64_t hits;
};

struct rd_keyword {
	char text[RD_KEYWORD_MAX]; /* lower case */
	uint8_t len;
	uint8_t rule;
};

struct rd_span {
	uint32_t start, end;
	uint8_t rule;
};

struct rd_block {
	struct rd_block *next;
	size_t size, used;
	char data[];
};

struct redactor {
	struct rd_rule rules[REDACT_MAX_RULES];
	size_t n_rules;

	/* the prefilter, rebuilt when the rules change */
	bool dirty;
	uint64_t always;  /* rules without keywords */
	uint64_t ctx_opt; /* bit of the option rule, for argument context */
	int opt_rule, assign_rule, host_rule, boot_rule;
	struct rd_keyword kw[RD_MAX_KEYWORDS];
	size_t n_kw;
	uint8_t first[256];   /* folded byte: 1 + index of its first keyword, 0 = none */
	uint8_t bigram[8192]; /* folded byte pairs that start a keyword */
	uint8_t kw_next[RD_MAX_KEYWORDS]; /* 1 + next keyword of that first byte */

	uint64_t k0, k1; /* hash key */

	struct rd_span *spans;
	size_t n_spans, cap_spans;
	bool oom;

	struct rd_block *blocks;
};

extern const unsigned char rd_fold[256];

/* rules.c */
void rd_prefilter_build(struct redactor *r);
uint64_t rd_prefilter(const struct redactor *r, const char *s, size_t len);
bool rd_secret_name(const char *name, size_t len);
uint64_t rd_siphash(uint64_t k0, uint64_t k1, const void *p, size_t len);
/* engine.c: the whole of @s is the secret of @rule */
int rd_whole(struct redactor *r, int rule, const char *s, size_t len, struct etr_str *ret);

#endif
