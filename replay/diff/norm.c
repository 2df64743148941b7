/* SPDX-License-Identifier: MIT */
/*
 * Normalization: rewrite what differs between two runs of the same
 * command, so that equal commands compare equal. Every rule looks at one
 * argument alone and at the trace it came from (its pids), never at the
 * other trace: a rule that depended on both could match A with B and B
 * with C but not A with C.
 *
 * The rules lean towards rewriting too much inside temporary folders (a
 * missed random name there turns one unchanged command into a NEW and a
 * GONE in every run, which is what makes CI gates flaky) and too little
 * elsewhere (python3, sha256sum, x86_64 must survive).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/macros.h"
#include "internal.h"

static bool is_alnum(char c)
{
	return isalnum((unsigned char)c);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_word(char c)
{
	return is_alnum(c) || c == '_';
}

/* What may be part of a file name in an argument. */
static bool is_path_char(char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '~' || c == '+' ||
	       (unsigned char)c >= 0x80;
}

/* Where a path ends inside an argument ("-o=/tmp/x,y:z"). */
static bool is_path_end(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ',' || c == ';' || c == ':' || c == '=' ||
	       c == '"' || c == '\'' || c == '(' || c == ')';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* ---- --map --------------------------------------------------------------- */

static bool map_starts_here(const char *p, size_t i)
{
	if (i == 0)
		return true;
	/* -I/path, -L/path, -o/path */
	if (i == 2 && p[0] == '-' && is_alnum(p[1]))
		return true;
	return !is_path_char(p[i - 1]) && p[i - 1] != '/';
}

/* Apply the maps to @in; false if none applied (out untouched). */
static bool apply_maps(const struct rdiff *d, const char *in, size_t len, struct ec_sbuf *out)
{
	bool any = false;
	size_t i = 0, done = 0;

	while (i < len) {
		const struct map *best = NULL;

		if (map_starts_here(in, i)) {
			for (size_t k = 0; k < d->nmaps; k++) {
				const struct map *m = &d->maps[k];
				size_t e = i + m->from_len;

				if (e > len || memcmp(in + i, m->from, m->from_len))
					continue;
				/* whole components only: /a/b maps /a/b/c, not /a/bc */
				if (e < len && in[e] != '/' && is_path_char(in[e]) &&
				    m->from[m->from_len - 1] != '/')
					continue;
				if (!best || m->from_len > best->from_len)
					best = m;
			}
		}
		if (!best) {
			i++;
			continue;
		}
		ec_sbuf__put(out, in + done, i - done);
		ec_sbuf__put(out, best->to, best->to_len);
		i += best->from_len;
		done = i;
		any = true;
	}
	if (any)
		ec_sbuf__put(out, in + done, len - done);
	return any;
}

/* ---- the rules ------------------------------------------------------------ */

static bool digits_at(const char *p, size_t len, size_t i, size_t n)
{
	if (i + n > len)
		return false;
	for (size_t k = 0; k < n; k++)
		if (!is_digit(p[i + k]))
			return false;
	return true;
}

/* YYYY-MM-DD at @i: its length, or 0. */
static size_t date_at(const char *p, size_t len, size_t i)
{
	if (!digits_at(p, len, i, 4) || i + 10 > len || p[i + 4] != '-' || p[i + 7] != '-' ||
	    !digits_at(p, len, i + 5, 2) || !digits_at(p, len, i + 8, 2))
		return 0;
	if (i + 10 < len && is_digit(p[i + 10]))
		return 0;
	return 10;
}

/* HH:MM:SS[.frac] at @i: its length, or 0. */
static size_t time_at(const char *p, size_t len, size_t i)
{
	size_t e = i + 8;

	if (!digits_at(p, len, i, 2) || e > len || p[i + 2] != ':' || p[i + 5] != ':' ||
	    !digits_at(p, len, i + 3, 2) || !digits_at(p, len, i + 6, 2))
		return 0;
	if (e + 1 < len && (p[e] == '.' || p[e] == ',') && is_digit(p[e + 1]))
		for (e++; e < len && is_digit(p[e]); e++)
			;
	if (e < len && is_digit(p[e]))
		return 0;
	return e - i;
}

/* 8-4-4-4-12 hex digits at @i: its length, or 0. */
static size_t uuid_at(const char *p, size_t len, size_t i)
{
	static const int parts[] = {8, 4, 4, 4, 12};
	size_t e = i;

	for (int k = 0; k < 5; k++) {
		for (int c = 0; c < parts[k]; c++, e++)
			if (e >= len || !is_hex(p[e]))
				return 0;
		if (k < 4) {
			if (e >= len || p[e] != '-')
				return 0;
			e++;
		}
	}
	if (e < len && is_alnum(p[e]))
		return 0;
	return e - i;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool is_pid(const struct side *s, const char *p, size_t n)
{
	uint32_t v = 0;

	if (n < 3 || n > 7 || p[0] == '0')
		return false;
	for (size_t k = 0; k < n; k++)
		v = v * 10 + (uint32_t)(p[k] - '0');
	return s->pids && bsearch(&v, s->pids, s->npids, sizeof(v), cmp_u32);
}

/* One alphanumeric token outside the temporary-name rule. */
static void put_token(const struct side *s, const char *p, size_t n, struct ec_sbuf *out)
{
	bool hex = true, dec = true;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		hex = hex && is_hex(p[i]);
		dec = dec && is_digit(p[i]);
	}
	if (n >= 8 && dec) {
		ec_sbuf__puts(out, "<num>");
		return;
	}
	if (n >= 8 && hex) {
		ec_sbuf__puts(out, "<hex>");
		return;
	}
	/* pids among its digit runs ("foo.1234", "out1234") */
	while (k < n) {
		size_t e = k;

		if (!is_digit(p[k])) {
			ec_sbuf__putc(out, p[k++]);
			continue;
		}
		while (e < n && is_digit(p[e]))
			e++;
		if (is_pid(s, p + k, e - k))
			ec_sbuf__puts(out, "<pid>");
		else
			ec_sbuf__put(out, p + k, e - k);
		k = e;
	}
}

/* Whether the path component at @i names a temporary folder ("tmp/"):
 * its length with the slash, or 0. */
static size_t temp_dir_at(const char *p, size_t len, size_t i)
{
	static const char *const names[] = {"tmp", "temp", ".tmp", "TMP", "TEMP", "Temp"};
	size_t e = i;

	while (e < len && p[e] != '/' && !is_path_end(p[e]))
		e++;
	if (e >= len || p[e] != '/')
		return 0;
	for (size_t k = 0; k < ARRAY_SIZE(names); k++)
		if (strlen(names[k]) == e - i && !memcmp(p + i, names[k], e - i))
			return e - i + 1;
	/* /dev/shm/ */
	if (e - i == 3 && !memcmp(p + i, "shm", 3) && i >= 5 && !memcmp(p + i - 5, "/dev/", 5))
		return 4;
	return 0;
}

size_t rdiff_norm_arg(const struct rdiff *d, const struct side *s, const char *in, size_t len,
		      struct ec_sbuf *out)
{
	struct ec_sbuf mapped = {0};
	const char *p = in;
	size_t start = out->len, i = 0;
	bool temp = false;

	if (s->is_base && d->nmaps && apply_maps(d, in, len, &mapped) && !mapped.err) {
		p = mapped.p;
		len = mapped.len;
	}
	while (i < len) {
		char c = p[i];
		bool comp_start = i == 0 || p[i - 1] == '/' || is_path_end(p[i - 1]);
		size_t n;

		if (is_path_end(c))
			temp = false;
		if (comp_start && !temp && (n = temp_dir_at(p, len, i))) {
			ec_sbuf__put(out, p + i, n);
			i += n;
			temp = true;
			continue;
		}
		if (is_digit(c) && (i == 0 || !is_alnum(p[i - 1]))) {
			if ((n = date_at(p, len, i))) {
				size_t t;

				ec_sbuf__puts(out, "<date>");
				i += n;
				/* ISO 8601: 2026-11-25T11:43:54 */
				if (i < len && p[i] == 'T' && (t = time_at(p, len, i + 1))) {
					ec_sbuf__puts(out, "T<time>");
					i += 1 + t;
				}
				continue;
			}
			if ((n = time_at(p, len, i))) {
				ec_sbuf__puts(out, "<time>");
				i += n;
				continue;
			}
		}
		if (is_hex(c) && (i == 0 || !is_alnum(p[i - 1])) && (n = uuid_at(p, len, i))) {
			ec_sbuf__puts(out, "<uuid>");
			i += n;
			continue;
		}
		if (temp && is_word(c) && (i == 0 || !is_word(p[i - 1]))) {
			for (n = i; n < len && is_word(p[n]); n++)
				;
			if (n - i >= 6) {
				/* mkstemp's XXXXXX, gcc's ccAbc123, mktemp's tmp.Abc123XyZ */
				ec_sbuf__puts(out, "XXXXXX");
				i = n;
				continue;
			}
		}
		if (is_alnum(c) && (i == 0 || !is_alnum(p[i - 1]))) {
			for (n = i; n < len && is_alnum(p[n]); n++)
				;
			put_token(s, p + i, n - i, out);
			i = n;
			/* a timestamp's fraction: 1732533834.123456 */
			if (out->len >= 5 && !memcmp(out->p + out->len - 5, "<num>", 5) &&
			    i + 1 < len && p[i] == '.' && is_digit(p[i + 1]))
				for (i++; i < len && is_digit(p[i]); i++)
					;
			continue;
		}
		ec_sbuf__putc(out, c);
		i++;
	}
	ec_sbuf__free(&mapped);
	return out->len - start;
}

size_t rdiff__normalize(const struct rdiff *d, uint32_t side, const char *s, size_t len, char *out,
			size_t size)
{
	const struct side *sd = rdiff_side(d, side);
	struct ec_sbuf b = {0};
	size_t n;

	if (!size)
		return 0;
	out[0] = '\0';
	if (!sd)
		return 0;
	rdiff_norm_arg(d, sd, s, len, &b);
	if (b.err) {
		ec_sbuf__free(&b);
		return 0;
	}
	n = b.len < size - 1 ? b.len : size - 1;
	if (n)
		memcpy(out, b.p, n);
	out[n] = '\0';
	ec_sbuf__free(&b);
	return n;
}
