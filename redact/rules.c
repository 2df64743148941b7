// SPDX-License-Identifier: MIT
/*
 * The rules: the built-in set, rules added from the command line or a file,
 * the keyword prefilter that decides which regexes a string is worth, and
 * the keyed hash of the tags.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "internal.h"

/*
 * The built-in rules. Keywords are lower case and matched without case;
 * a string that holds none of a rule's keywords never meets its regex.
 * Token shapes follow what the issuers document (and what public scanner
 * rule sets match); the regexes are case-sensitive where the shape is.
 */
struct rd_builtin {
	const char *name;
	enum rd_kind kind;
	const char *kw; /* '|'-separated */
	const char *re;
	bool icase;
	int group;
	bool bounded;
	const char *desc;
};

static const struct rd_builtin builtins[] = {
    {"url-userinfo", RD_REGEX, "://",
     "[A-Za-z][A-Za-z0-9+.-]*://[^/?#@[:space:]:]*:([^/?#@[:space:]]+)@", false, 1, false,
     "the password of a URL: scheme://user:PASSWORD@host"},
    {"auth-header", RD_REGEX, "authorization|private-token|api-key|auth-token|access-token",
     "(authorization|private-token|x-api-key|api-key|x-auth-token|x-access-token)[[:space:]]*:"
     "[[:space:]]*((bearer|basic|token|bot|digest|negotiate)[[:space:]]+)?([^[:space:]'\"]+)",
     true, 4, false, "the value of an Authorization (or token) header"},
    {"bearer-token", RD_REGEX, "bearer", "[Bb]earer[[:space:]]+([A-Za-z0-9._~+/-]{16,}=*)", false,
     1, false, "a token after 'Bearer '"},
    {"secret-option", RD_OPTION, "pass|token|secret|key",
     "(^|[[:space:]\"'])--?([a-z0-9]+[-_])*(password|passwd|passphrase|token|secret|"
     "api[-_]?key|access[-_]?key|secret[-_]?key|client[-_]?secret|auth[-_]?token|"
     "access[-_]?token|storepass|keypass)=(\"[^\"]*\"|'[^']*'|[^[:space:]\"']+)",
     false, 4, false,
     "the value of --password, --token, --secret, --api-key ... (same or next argument), "
     "mysql -pSECRET, sshpass -p, redis-cli -a, docker login -p, curl -u user:SECRET, "
     "'set NAME SECRET' for a secret NAME"},
    {"secret-assignment", RD_ASSIGN,
     "token|secret|passw|passphrase|_pass|_pwd|apikey|api_key|access_key|private_key|"
     "credential",
     NULL, false, 0, false,
     "NAME=value (argument or environment) where NAME says secret: *TOKEN, *SECRET*, "
     "*PASSWORD*, *PASSWD*, *_PASS, *API_KEY*, *PRIVATE_KEY*, *CREDENTIAL*, *ACCESS_KEY ..."},
    {"aws-access-key-id", RD_REGEX, "akia|asia|abia|acca|a3t",
     "(A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}", false, 0, true, "an AWS access key id"},
    {"github-token", RD_REGEX, "ghp_|gho_|ghu_|ghs_|ghr_|github_pat_",
     "gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,}", false, 0, true,
     "a GitHub token: ghp_, gho_, ghu_, ghs_, ghr_, github_pat_"},
    {"gitlab-token", RD_REGEX, "glpat-|gldt-|glrt-|glptt-|glcbt-",
     "gl(pat|dt|rt|ptt|cbt)-[A-Za-z0-9_-]{20,}", false, 0, true, "a GitLab token: glpat- ..."},
    {"slack-token", RD_REGEX, "xox", "xox[abposr]-[A-Za-z0-9-]{10,}", false, 0, true,
     "a Slack token: xoxb-, xoxp-, xoxa-, xoxr- ..."},
    {"google-api-key", RD_REGEX, "aiza", "AIza[0-9A-Za-z_-]{35}", false, 0, true,
     "a Google API key: AIza..."},
    {"stripe-key", RD_REGEX, "k_live_|k_test_", "[sr]k_(live|test)_[0-9A-Za-z]{16,}", false, 0,
     true, "a Stripe secret or restricted key: sk_live_ ..."},
    {"npm-token", RD_REGEX, "npm_", "npm_[A-Za-z0-9]{36}", false, 0, true, "an npm token"},
    {"jwt", RD_REGEX, "eyj", "eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*", false,
     0, true, "a JSON Web Token: eyJ....eyJ....sig"},
    {"private-key", RD_REGEX, "private key",
     "-----BEGIN[ A-Z0-9]*PRIVATE KEY( BLOCK)?-----[^-]*(-----END[ A-Z0-9]*PRIVATE KEY( "
     "BLOCK)?-----)?",
     false, 0, false, "a PEM private key block"},
};

/* --anonymize: who and where, not secrets but not for everyone either. */
static const struct rd_builtin anon_rules[] = {
    {"home-user", RD_REGEX, "/home/", "/home/([^/[:space:]'\"]+)", false, 1, false,
     "the user name of a home directory: /home/USER (--anonymize)"},
    {"host", RD_LITERAL, NULL, NULL, false, 0, true,
     "the host name of the trace, wherever it stands as a word (--anonymize)"},
    {"boot-id", RD_WHOLE, NULL, NULL, false, 0, false, "the boot id (--anonymize)"},
};

const unsigned char rd_fold[256] = {
#define F(c) ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
#define F4(c) F(c), F((c) + 1), F((c) + 2), F((c) + 3)
#define F16(c) F4(c), F4((c) + 4), F4((c) + 8), F4((c) + 12)
    F16(0),   F16(16),	F16(32),  F16(48),  F16(64),  F16(80),	F16(96),  F16(112),
    F16(128), F16(144), F16(160), F16(176), F16(192), F16(208), F16(224), F16(240),
#undef F16
#undef F4
#undef F
};

static int rule_add(struct redactor *r, const char *name, size_t name_len, enum rd_kind kind,
		    const char *re, bool icase, int group, bool bounded, const char *desc,
		    bool has_kw, char *err, size_t err_len)
{
	struct rd_rule *u;
	int rc;

	if (!name_len || name_len >= RD_NAME_MAX) {
		snprintf(err, err_len, "rule name must be 1 to %d characters", RD_NAME_MAX - 1);
		return -EINVAL;
	}
	for (size_t i = 0; i < name_len; i++) {
		unsigned char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.')) {
			snprintf(err, err_len,
				 "rule name '%.*s': only letters, digits, '-', '_', '.'",
				 (int)name_len, name);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < r->n_rules; i++) {
		if (strlen(r->rules[i].name) == name_len &&
		    !memcmp(r->rules[i].name, name, name_len)) {
			snprintf(err, err_len, "rule '%.*s' already exists", (int)name_len, name);
			return -EEXIST;
		}
	}
	if (r->n_rules >= REDACT_MAX_RULES) {
		snprintf(err, err_len, "more than %d rules", REDACT_MAX_RULES);
		return -E2BIG;
	}
	u = &r->rules[r->n_rules];
	memset(u, 0, sizeof(*u));
	memcpy(u->name, name, name_len);
	u->kind = kind;
	u->group = group;
	u->bounded = bounded;
	u->has_kw = has_kw;
	if (re) {
		rc = regcomp(&u->re, re, REG_EXTENDED | (icase ? REG_ICASE : 0));
		if (rc) {
			char why[128];

			regerror(rc, &u->re, why, sizeof(why));
			snprintf(err, err_len, "rule '%s': the regex does not compile: %s", u->name,
				 why);
			return -EINVAL;
		}
		u->have_re = true;
		if (group < 0)
			u->group = u->re.re_nsub ? 1 : 0;
		if ((size_t)u->group > u->re.re_nsub || u->group > 9) {
			regfree(&u->re);
			snprintf(err, err_len, "rule '%s': no group %d", u->name, u->group);
			return -EINVAL;
		}
	}
	u->desc = strdup(desc);
	if (!u->desc) {
		if (u->have_re)
			regfree(&u->re);
		return -ENOMEM;
	}
	r->n_rules++;
	r->dirty = true;
	return 0;
}

static void rule_free(struct rd_rule *u)
{
	if (u->have_re)
		regfree(&u->re);
	free(u->desc);
	free(u->literal);
}

static int add_table(struct redactor *r, const struct rd_builtin *t, size_t n)
{
	char err[256];

	for (size_t i = 0; i < n; i++) {
		int rc = rule_add(r, t[i].name, strlen(t[i].name), t[i].kind, t[i].re, t[i].icase,
				  t[i].group, t[i].bounded, t[i].desc, t[i].kw != NULL, err,
				  sizeof(err));

		if (rc)
			return rc;
	}
	return 0;
}

int redactor__set_host(struct redactor *r, const char *name, size_t len)
{
	char *copy;

	if (r->dirty)
		rd_prefilter_build(r);
	if (r->host_rule < 0 || !len)
		return 0;
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, len);
	free(r->rules[r->host_rule].literal);
	r->rules[r->host_rule].literal = copy;
	r->rules[r->host_rule].literal_len = len;
	return 0;
}

struct redactor *redactor__new(const struct redactor_opts *opts)
{
	struct redactor *r = calloc(1, sizeof(*r));
	int rc;

	if (!r)
		return NULL;
	if (!EC_OPTS_VALID(opts, struct redactor_opts)) {
		free(r);
		errno = EINVAL;
		return NULL;
	}
	if (EC_OPTS_GET(opts, key, NULL)) {
		r->k0 = rd_siphash(0x736f6d6570736575ull, 1, opts->key, REDACT_KEY_SIZE);
		r->k1 = rd_siphash(0x646f72616e646f6dull, 2, opts->key, REDACT_KEY_SIZE);
	} else {
		uint64_t k[2];

		if (getrandom(k, sizeof(k), 0) != sizeof(k)) {
			free(r);
			return NULL;
		}
		r->k0 = k[0];
		r->k1 = k[1];
	}
	rc = 0;
	if (!EC_OPTS_GET(opts, no_builtin, false))
		rc = add_table(r, builtins, ARRAY_SIZE(builtins));
	if (!rc && EC_OPTS_GET(opts, anonymize, false))
		rc = add_table(r, anon_rules, ARRAY_SIZE(anon_rules));
	if (rc) {
		redactor__free(r);
		errno = -rc;
		return NULL;
	}
	return r;
}

void redactor__free(struct redactor *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_rules; i++)
		rule_free(&r->rules[i]);
	while (r->blocks) {
		struct rd_block *b = r->blocks;

		r->blocks = b->next;
		free(b);
	}
	free(r->spans);
	free(r);
}

int redactor__add_rule(struct redactor *r, const char *spec, char *err, size_t err_len)
{
	const char *eq = strchr(spec, '=');

	if (!eq || !eq[1]) {
		snprintf(err, err_len, "rule '%s': expected NAME=REGEX", spec);
		return -EINVAL;
	}
	return rule_add(r, spec, eq - spec, RD_REGEX, eq + 1, false, -1, false, eq + 1, false, err,
			err_len);
}

int redactor__add_rules_file(struct redactor *r, const char *path, char *err, size_t err_len)
{
	FILE *f = fopen(path, "re");
	char *line = NULL, why[256];
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		rc = -errno;
		snprintf(err, err_len, "%s: %s", path, strerror(errno));
		return rc;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *s = line;

		lineno++;
		while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
			s[--n] = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		rc = redactor__add_rule(r, s, why, sizeof(why));
		if (rc) {
			snprintf(err, err_len, "%s:%zu: %s", path, lineno, why);
			break;
		}
	}
	if (!rc && ferror(f)) {
		rc = -EIO;
		snprintf(err, err_len, "%s: read error", path);
	}
	free(line);
	fclose(f);
	return rc;
}

int redactor__drop_rule(struct redactor *r, const char *name)
{
	for (size_t i = 0; i < r->n_rules; i++) {
		if (strcmp(r->rules[i].name, name))
			continue;
		rule_free(&r->rules[i]);
		memmove(&r->rules[i], &r->rules[i + 1], (r->n_rules - i - 1) * sizeof(*r->rules));
		r->n_rules--;
		r->dirty = true;
		return 0;
	}
	return -ENOENT;
}

int redactor__keep_rules(struct redactor *r, const char *list, char *err, size_t err_len)
{
	uint64_t keep = 0;

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		size_t i;

		for (i = 0; i < r->n_rules; i++)
			if (strlen(r->rules[i].name) == n && !memcmp(r->rules[i].name, p, n))
				break;
		if (n && i == r->n_rules) {
			snprintf(err, err_len, "no rule named '%.*s' (see --list-rules)", (int)n,
				 p);
			return -ENOENT;
		}
		if (n)
			keep |= 1ull << i;
		p += n + (p[n] == ',');
	}
	for (size_t i = r->n_rules; i-- > 0;)
		if (!(keep & (1ull << i)))
			redactor__drop_rule(r, r->rules[i].name);
	return 0;
}

int redact_key__read(const char *path, uint8_t ret_key[REDACT_KEY_SIZE], char *err, size_t err_len)
{
	uint8_t buf[4096];
	uint64_t h0, h1;
	size_t total = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0) {
		rc = -errno;
		snprintf(err, err_len, "key file %s: %s", path, strerror(errno));
		return rc;
	}
	/* the first 4 KiB are plenty of key */
	while (total < sizeof(buf) && (n = read(fd, buf + total, sizeof(buf) - total)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			snprintf(err, err_len, "key file %s: %s", path, strerror(errno));
			close(fd);
			return rc;
		}
		total += n;
	}
	close(fd);
	if (total < REDACT_KEY_SIZE) {
		snprintf(err, err_len, "key file %s: %zu bytes, at least %d needed", path, total,
			 REDACT_KEY_SIZE);
		return -EINVAL;
	}
	h0 = rd_siphash(0x6b65792066696c65ull, 3, buf, total);
	h1 = rd_siphash(0x6b65792066696c65ull, 4, buf, total);
	memcpy(ret_key, &h0, 8);
	memcpy(ret_key + 8, &h1, 8);
	return 0;
}

size_t redactor__rule_count(const struct redactor *r)
{
	return r ? r->n_rules : 0;
}

const char *redactor__rule_name(const struct redactor *r, size_t i)
{
	return r && i < r->n_rules ? r->rules[i].name : NULL;
}

int redactor__apply(struct redactor *r, const struct redact_rule_arg *args, size_t n,
		    size_t *ret_bad, char *err, size_t err_len)
{
	int rc = 0;

	/* every addition first: a drop may name a rule a file adds */
	for (size_t i = 0; i < n && !rc; i++) {
		*ret_bad = i;
		if (args[i].kind == REDACT_ARG_RULE)
			rc = redactor__add_rule(r, args[i].arg, err, err_len);
		else if (args[i].kind == REDACT_ARG_RULES)
			rc = redactor__add_rules_file(r, args[i].arg, err, err_len);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		*ret_bad = i;
		if (args[i].kind == REDACT_ARG_DROP)
			rc = redactor__drop_rule(r, args[i].arg);
	}
	return rc;
}

char *redactor__rule_list(const struct redactor *r)
{
	size_t n = 1, off = 0;
	char *s;

	for (size_t i = 0; i < redactor__rule_count(r); i++)
		n += strlen(r->rules[i].name) + 1;
	s = malloc(n);
	if (!s)
		return NULL;
	s[0] = 0;
	for (size_t i = 0; i < redactor__rule_count(r); i++)
		off += (size_t)snprintf(s + off, n - off, "%s%s", i ? "," : "", r->rules[i].name);
	return s;
}

const char *redactor__rule_desc(const struct redactor *r, size_t i)
{
	return r && i < r->n_rules ? r->rules[i].desc : NULL;
}

uint64_t redactor__rule_hits(const struct redactor *r, size_t i)
{
	return r && i < r->n_rules ? r->rules[i].hits : 0;
}

uint64_t redactor__hits(const struct redactor *r)
{
	uint64_t n = 0;

	for (size_t i = 0; r && i < r->n_rules; i++)
		n += r->rules[i].hits;
	return n;
}

/* The keywords of the built-in rules, indexed by their first folded byte
 * and their first two, so that a string costs one table look-up a byte. */
void rd_prefilter_build(struct redactor *r)
{
	r->n_kw = 0;
	r->always = 0;
	r->ctx_opt = 0;
	r->opt_rule = r->assign_rule = r->host_rule = r->boot_rule = -1;
	memset(r->first, 0, sizeof(r->first));
	memset(r->bigram, 0, sizeof(r->bigram));
	for (size_t i = 0; i < r->n_rules; i++) {
		const struct rd_rule *u = &r->rules[i];
		const struct rd_builtin *b = NULL;

		if (u->kind == RD_OPTION) {
			r->opt_rule = i;
			r->ctx_opt = 1ull << i;
		}
		if (u->kind == RD_ASSIGN)
			r->assign_rule = i;
		if (u->kind == RD_LITERAL)
			r->host_rule = i;
		if (u->kind == RD_WHOLE)
			r->boot_rule = i;
		for (size_t j = 0; u->has_kw && j < ARRAY_SIZE(builtins); j++)
			if (!strcmp(builtins[j].name, u->name))
				b = &builtins[j];
		for (size_t j = 0; u->has_kw && j < ARRAY_SIZE(anon_rules); j++)
			if (!strcmp(anon_rules[j].name, u->name))
				b = &anon_rules[j];
		if (u->kind == RD_WHOLE)
			continue; /* never runs on a string */
		if (!b) {
			r->always |= 1ull << i;
			continue;
		}
		for (const char *p = b->kw; *p && r->n_kw < RD_MAX_KEYWORDS;) {
			size_t n = strcspn(p, "|");
			struct rd_keyword *k = &r->kw[r->n_kw];
			unsigned c0 = (unsigned char)p[0], c1 = (unsigned char)p[1];

			memcpy(k->text, p, n);
			k->len = n;
			k->rule = i;
			r->kw_next[r->n_kw] = r->first[c0];
			r->first[c0] = ++r->n_kw;
			r->bigram[(c0 << 5) | (c1 >> 3)] |= 1u << (c1 & 7);
			p += n + (p[n] == '|');
		}
	}
	r->dirty = false;
}

uint64_t rd_prefilter(const struct redactor *r, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t mask = r->always;

	for (size_t i = 0; i + 1 < len; i++) {
		unsigned c0 = rd_fold[p[i]], c1 = rd_fold[p[i + 1]];

		if (!(r->bigram[(c0 << 5) | (c1 >> 3)] & (1u << (c1 & 7))))
			continue;
		for (unsigned k = r->first[c0]; k; k = r->kw_next[k - 1]) {
			const struct rd_keyword *w = &r->kw[k - 1];
			size_t j;

			if (w->len > len - i || (mask & (1ull << w->rule)))
				continue;
			for (j = 1; j < w->len && rd_fold[p[i + j]] == (unsigned char)w->text[j];
			     j++)
				;
			if (j == w->len)
				mask |= 1ull << w->rule;
		}
	}
	return mask;
}

static bool has_suffix(const char *s, size_t n, const char *suf)
{
	size_t m = strlen(suf);

	return n >= m && !memcmp(s + n - m, suf, m);
}

/* Whether an (environment) variable named @name holds a secret, by the
 * words its name ends in or holds. Names of paths and sizes do not. */
bool rd_secret_name(const char *name, size_t len)
{
	static const char *const ends[] = {
	    "TOKEN",	  "SECRET",	 "PASSWORD", "PASSWD",	   "PASSPHRASE",  "_PASS",
	    "_PWD",	  "APIKEY",	 "API_KEY",  "ACCESS_KEY", "PRIVATE_KEY", "SECRET_KEY",
	    "CREDENTIAL", "CREDENTIALS", "TOKENS",   "SECRETS",	   "PASSWORDS"};
	static const char *const holds[] = {"SECRET",	   "PASSWORD", "PASSWD",
					    "PRIVATE_KEY", "API_KEY",  "CREDENTIAL"};
	static const char *const not_ends[] = {"_FILE", "_PATH", "_DIR",     "_LEN", "_LENGTH",
					       "_SIZE", "_TYPE", "_MAX",     "_MIN", "_COUNT",
					       "_H",	"_URL",	 "_ENABLED", "_NAME"};
	char up[128];

	if (!len || len >= sizeof(up))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = name[i];

		up[i] = c >= 'a' && c <= 'z' ? c - 32 : c == '-' ? '_' : c;
	}
	up[len] = 0;
	if (!strncmp(up, "HAVE_", 5))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(ends); i++)
		if (has_suffix(up, len, ends[i]))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(not_ends); i++)
		if (has_suffix(up, len, not_ends[i]))
			return false;
	for (size_t i = 0; i < ARRAY_SIZE(holds); i++)
		if (strstr(up, holds[i]))
			return true;
	return false;
}

/* SipHash-2-4 (Aumasson and Bernstein), the keyed hash of the tags. */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = ROTL(v1, 13);                                                                 \
		v1 ^= v0;                                                                          \
		v0 = ROTL(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = ROTL(v3, 16);                                                                 \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = ROTL(v3, 21);                                                                 \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = ROTL(v1, 17);                                                                 \
		v1 ^= v2;                                                                          \
		v2 = ROTL(v2, 32);                                                                 \
	} while (0)

uint64_t rd_siphash(uint64_t k0, uint64_t k1, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
	uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
	uint64_t b = (uint64_t)len << 56, m;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		m = 0;
		for (int j = 7; j >= 0; j--)
			m = m << 8 | p[i + j];
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t j = 0; i + j < len; j++)
		b |= (uint64_t)p[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}
