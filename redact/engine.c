// SPDX-License-Identifier: MIT
/*
 * Finding secrets and writing tags. A string is cut into segments (the
 * arguments of an argument block, the entries of an environment); each
 * segment is scanned once by the keyword prefilter, meets the regexes of the
 * rules whose keywords it holds, and collects spans. The spans are sorted,
 * overlaps resolved (first start wins, then the longest), and the output
 * written once. Nothing found: the input comes back as it is, no copy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void *rd_alloc(struct redactor *r, size_t n)
{
	struct rd_block *b = r->blocks;
	size_t size;

	if (b && b->size - b->used >= n) {
		void *p = b->data + b->used;

		b->used += n;
		return p;
	}
	size = b && b->size < (16u << 20) ? b->size * 2 : 64u << 10;
	if (size < n)
		size = n;
	b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->size = size;
	b->used = n;
	b->next = r->blocks;
	r->blocks = b;
	return b->data;
}

void redactor__reset(struct redactor *r)
{
	struct rd_block *b;

	if (!r || !r->blocks)
		return;
	/* keep the newest (largest) block */
	while ((b = r->blocks->next)) {
		r->blocks->next = b->next;
		free(b);
	}
	r->blocks->used = 0;
}

static bool is_tag(const char *s, size_t len)
{
	return len >= sizeof(REDACT_TAG_PREFIX) - 1 &&
	       !memcmp(s, REDACT_TAG_PREFIX, sizeof(REDACT_TAG_PREFIX) - 1);
}

static void span_add(struct redactor *r, const char *base, size_t start, size_t end, int rule)
{
	struct rd_span *s;

	if (end <= start || is_tag(base + start, end - start))
		return;
	if (r->n_spans == r->cap_spans) {
		size_t cap = r->cap_spans ? r->cap_spans * 2 : 16;
		void *p = realloc(r->spans, cap * sizeof(*r->spans));

		if (!p) {
			r->oom = true; /* emit() says so: a span lost is a secret kept */
			return;
		}
		r->spans = p;
		r->cap_spans = cap;
	}
	s = &r->spans[r->n_spans++];
	s->start = start;
	s->end = end;
	s->rule = rule;
}

static bool alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static void find_regex(struct redactor *r, int i, const char *base, size_t off, size_t len)
{
	const struct rd_rule *u = &r->rules[i];
	const char *s = base + off;
	regmatch_t m[10];
	size_t nm = u->re.re_nsub + 1 < 10 ? u->re.re_nsub + 1 : 10;
	size_t pos = 0;

	while (pos < len) {
		size_t so, eo;

		m[0].rm_so = pos;
		m[0].rm_eo = len;
		if (regexec(&u->re, s, nm, m, REG_STARTEND | (pos ? REG_NOTBOL : 0)))
			return;
		so = m[0].rm_so;
		eo = m[0].rm_eo;
		pos = eo > so ? eo : so + 1;
		if (u->bounded && ((so > 0 && alnum(s[so - 1])) || (eo < len && alnum(s[eo]))))
			continue;
		if (m[u->group].rm_so < 0)
			continue;
		span_add(r, base, off + m[u->group].rm_so, off + m[u->group].rm_eo, i);
	}
}

static bool name_char(unsigned char c)
{
	return alnum(c) || c == '_';
}

/* NAME=value where NAME says secret. At the start of a segment (an
 * argument, an environment entry) the value is the rest of it; inside text,
 * up to a blank or the closing quote. */
static void find_assign(struct redactor *r, const char *base, size_t off, size_t len)
{
	const char *s = base + off;

	for (size_t i = 1; i < len; i++) {
		size_t j = i, v = i + 1, e;

		if (s[i] != '=')
			continue;
		while (j > 0 && name_char(s[j - 1]))
			j--;
		/* a compiler's -DNAME=value defines a macro, not a variable
		 * (token shapes in its value are still found by their rules) */
		if (s[j] == 'D' && j >= 1 && s[j - 1] == '-' &&
		    (j == 1 || strchr(" \t\"'", s[j - 2])))
			continue;
		if (j == i || !rd_secret_name(s + j, i - j))
			continue;
		if (j == 0) {
			e = len;
		} else if (v < len && (s[v] == '"' || s[v] == '\'')) {
			char q = s[v++];

			for (e = v; e < len && s[e] != q; e++)
				;
		} else {
			for (e = v; e < len && !strchr(" \t\n\"';&|", s[e]); e++)
				;
		}
		span_add(r, base, off + v, off + e, r->assign_rule);
	}
}

/* A word of the trace (the host name): not inside a longer word. */
static void find_literal(struct redactor *r, int i, const char *base, size_t off, size_t len)
{
	const struct rd_rule *u = &r->rules[i];
	const char *s = base + off, *p = s, *end = s + len;

	if (!u->literal_len)
		return;
	while ((p = memmem(p, end - p, u->literal, u->literal_len))) {
		const char *e = p + u->literal_len;

		if ((p == s || !alnum(p[-1])) && (e == end || !alnum(*e)))
			span_add(r, base, p - base, e - base, i);
		p = e;
	}
}

static void find_segment(struct redactor *r, const char *base, size_t off, size_t len)
{
	uint64_t mask;

	if (!len)
		return;
	mask = rd_prefilter(r, base + off, len);
	while (mask) {
		int i = __builtin_ctzll(mask);

		mask &= mask - 1;
		if (r->rules[i].kind == RD_ASSIGN)
			find_assign(r, base, off, len);
		else if (r->rules[i].kind == RD_LITERAL)
			find_literal(r, i, base, off, len);
		else if (r->rules[i].have_re)
			find_regex(r, i, base, off, len);
	}
}

static void prepare(struct redactor *r)
{
	if (r->dirty)
		rd_prefilter_build(r);
	r->n_spans = 0;
	r->oom = false;
}

static int span_cmp(const void *a, const void *b)
{
	const struct rd_span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return (int)x->rule - (int)y->rule;
}

/* Write @len bytes of @base with the spans found replaced by tags. */
static int emit(struct redactor *r, const char *base, size_t len, struct etr_str *ret)
{
	size_t cap = len, kept = 0, last = 0;
	char *out, *d;

	ret->ptr = base;
	ret->len = len;
	if (r->oom)
		return -ENOMEM;
	if (!r->n_spans)
		return 0;
	if (r->n_spans > 1)
		qsort(r->spans, r->n_spans, sizeof(*r->spans), span_cmp);
	for (size_t i = 0; i < r->n_spans; i++) {
		struct rd_span *s = &r->spans[i];

		if (s->start < last)
			continue;
		r->spans[kept++] = *s;
		last = s->end;
		cap += sizeof(REDACT_TAG_PREFIX) + RD_NAME_MAX + 12;
	}
	if (cap > UINT32_MAX)
		return -E2BIG;
	out = rd_alloc(r, cap);
	if (!out)
		return -ENOMEM;
	d = out;
	last = 0;
	for (size_t i = 0; i < kept; i++) {
		const struct rd_span *s = &r->spans[i];
		struct rd_rule *u = &r->rules[s->rule];
		uint64_t h = rd_siphash(r->k0, r->k1, base + s->start, s->end - s->start);

		memcpy(d, base + last, s->start - last);
		d += s->start - last;
		d += sprintf(d, REDACT_TAG_PREFIX "%s:%08x]", u->name, (unsigned)(h & 0xffffffff));
		last = s->end;
		u->hits++;
	}
	memcpy(d, base + last, len - last);
	d += len - last;
	ret->ptr = out;
	ret->len = d - out;
	return (int)kept;
}

int rd_whole(struct redactor *r, int rule, const char *s, size_t len, struct etr_str *ret)
{
	prepare(r);
	span_add(r, s, 0, len, rule);
	return emit(r, s, len, ret);
}

int redactor__str(struct redactor *r, const char *s, size_t len, struct etr_str *ret)
{
	prepare(r);
	find_segment(r, s, 0, len);
	return emit(r, s, len, ret);
}

int redactor__env(struct redactor *r, const struct etr_str *env, struct etr_str *ret)
{
	uint32_t pos = 0;
	struct etr_str e;

	prepare(r);
	if (!rd_prefilter(r, env->ptr, env->len))
		return emit(r, env->ptr, env->len, ret);
	while (etr_args__next(env, &pos, &e))
		find_segment(r, env->ptr, e.ptr - env->ptr, e.len);
	return emit(r, env->ptr, env->len, ret);
}

/* Programs whose short options carry a password. */
enum prog {
	PROG_OTHER,
	PROG_MYSQL,   /* -pSECRET (a separate -p prompts) */
	PROG_SSHPASS, /* -p SECRET, -pSECRET */
	PROG_REDIS,   /* -a SECRET */
	PROG_LOGIN,   /* docker login -p SECRET */
	PROG_CURL,    /* -u user:SECRET */
};

static enum prog prog_of(const struct etr_str *a0)
{
#define P(s, p)                                                                                    \
	{                                                                                          \
		s, sizeof(s) - 1, p                                                                \
	}
	static const struct {
		const char *name;
		uint8_t len;
		enum prog p;
	} progs[] = {
	    P("mysql", PROG_MYSQL),	    P("mysqldump", PROG_MYSQL),
	    P("mysqladmin", PROG_MYSQL),    P("mysqlimport", PROG_MYSQL),
	    P("mysqlshow", PROG_MYSQL),	    P("mysqlcheck", PROG_MYSQL),
	    P("mariadb", PROG_MYSQL),	    P("mariadb-dump", PROG_MYSQL),
	    P("mariadb-admin", PROG_MYSQL), P("sshpass", PROG_SSHPASS),
	    P("redis-cli", PROG_REDIS),	    P("docker", PROG_LOGIN),
	    P("podman", PROG_LOGIN),	    P("nerdctl", PROG_LOGIN),
	    P("buildah", PROG_LOGIN),	    P("skopeo", PROG_LOGIN),
	    P("helm", PROG_LOGIN),	    P("oras", PROG_LOGIN),
	    P("curl", PROG_CURL),
	};
#undef P
	const char *b = a0->ptr;
	size_t n = a0->len;

	/* the base name: from the last '/', found from the end */
	for (size_t i = n; i-- > 0;) {
		if (b[i] == '/') {
			b += i + 1;
			n -= i + 1;
			break;
		}
	}
	if (n < 4 || n > 13)
		return PROG_OTHER;
	for (size_t i = 0; i < ARRAY_SIZE(progs); i++)
		if (progs[i].len == n && progs[i].name[0] == b[0] && !memcmp(progs[i].name, b, n))
			return progs[i].p;
	return PROG_OTHER;
}

/* Whether option name @s (dashes gone, up to any '=') names a secret. */
static bool secret_option(const char *s, size_t n)
{
#define K(s)                                                                                       \
	{                                                                                          \
		s, sizeof(s) - 1                                                                   \
	}
	static const struct {
		const char *kw;
		uint8_t len;
	} kws[] = {
	    K("password"),	K("passwd"),	 K("passphrase"),   K("token"),
	    K("secret"),	K("apikey"),	 K("api-key"),	    K("api_key"),
	    K("access-key"),	K("access_key"), K("secret-key"),   K("secret_key"),
	    K("client-secret"), K("auth-token"), K("access-token"), K("storepass"),
	    K("keypass"),	K("passin"),	 K("passout"),	    K("pass"),
	};
#undef K

	/* options are lower case; -DNAME=1 defines a macro */
	if (n < 4 || !memcmp(s, "no-", 3) || s[0] == 'D' || !strchr("dentys", s[n - 1]))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(kws); i++) {
		size_t k = kws[i].len;

		if (k > n || memcmp(s + n - k, kws[i].kw, k))
			continue;
		if (k == n || s[n - k - 1] == '-' || s[n - k - 1] == '_')
			return true;
	}
	return false;
}

enum pending { P_NONE, P_WHOLE, P_AFTER_COLON };

int redactor__argv(struct redactor *r, const struct etr_str *argv, struct etr_str *ret)
{
	enum pending pend = P_NONE;
	bool login = false, prev_set = false, any;
	enum prog prog = PROG_OTHER;
	int opt = -1;
	uint32_t pos = 0;
	struct etr_str a;

	prepare(r);
	if (r->opt_rule >= 0)
		opt = r->opt_rule;
	/* most argument lists hold no keyword at all: one scan of the block
	 * says so, and then only the option context is left to look at */
	any = rd_prefilter(r, argv->ptr, argv->len) != 0;
	for (unsigned i = 0; etr_args__next(argv, &pos, &a); i++) {
		size_t off = a.ptr - argv->ptr, n = a.len;
		const char *s = a.ptr;

		if (opt < 0)
			goto rules;
		/* the program, also behind sudo, env, timeout, execrec record -- */
		if (prog == PROG_OTHER && n && s[0] != '-')
			prog = prog_of(&a);
		if (pend != P_NONE) {
			const char *colon = pend == P_AFTER_COLON ? memchr(s, ':', n) : NULL;

			if (pend == P_WHOLE)
				span_add(r, argv->ptr, off, off + n, opt);
			else if (colon)
				span_add(r, argv->ptr, off + (colon + 1 - s), off + n, opt);
			pend = P_NONE;
			prev_set = false;
			continue;
		}
		if (prev_set && rd_secret_name(s, n))
			pend = P_WHOLE;
		prev_set = n == 3 && !memcmp(s, "set", 3);
		if (prog == PROG_LOGIN && n == 5 && !memcmp(s, "login", 5))
			login = true;
		if (n > 1 && s[0] == '-' && i > 0) {
			size_t d = s[1] == '-' ? 2 : 1;
			const char *eq = memchr(s + d, '=', n - d);
			size_t name_len = eq ? (size_t)(eq - s - d) : n - d;

			if (d == 1 && n >= 2) {
				char c = s[1];
				bool p = (prog == PROG_MYSQL && c == 'p') ||
					 (prog == PROG_SSHPASS && c == 'p') ||
					 (prog == PROG_REDIS && c == 'a') ||
					 (prog == PROG_LOGIN && login && c == 'p');

				if (prog == PROG_CURL && c == 'u')
					pend = n == 2 ? P_AFTER_COLON : P_NONE;
				if (prog == PROG_CURL && c == 'u' && n > 2 && memchr(s, ':', n))
					span_add(r, argv->ptr,
						 off + ((char *)memchr(s, ':', n) + 1 - s), off + n,
						 opt);
				if (p && n > 2)
					span_add(r, argv->ptr, off + 2, off + n, opt);
				else if (p && prog != PROG_MYSQL)
					pend = P_WHOLE;
			}
			if (prog == PROG_CURL && d == 2 && name_len == 4 &&
			    !memcmp(s + 2, "user", 4)) {
				if (!eq)
					pend = P_AFTER_COLON;
				else if (memchr(eq, ':', n - (eq - s)))
					span_add(
					    r, argv->ptr,
					    off + ((char *)memchr(eq, ':', n - (eq - s)) + 1 - s),
					    off + n, opt);
			}
			if (secret_option(s + d, name_len)) {
				if (eq)
					span_add(r, argv->ptr, off + (eq + 1 - s), off + n, opt);
				else
					pend = P_WHOLE;
			}
		}
	rules:
		if (any)
			find_segment(r, argv->ptr, off, n);
	}
	return emit(r, argv->ptr, argv->len, ret);
}
