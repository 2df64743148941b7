/* SPDX-License-Identifier: MIT */
/*
 * common/'s text handling on any bytes: each escaper gives the same text
 * whole and in pieces of any room, its output decodes back to the input
 * exactly, JSON's output is valid UTF-8 without a control byte; the shell
 * quoting and the plain-argv scan agree; the parsers of durations, sizes
 * and pid lists take any string. Aborts on a broken promise.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "common/macros.h"
#include "common/parse.h"
#include "common/utf8.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Two lowercase hex digits at @p as a byte. */
static unsigned char hex2(const char *p)
{
	int a = hexval(p[0]), b = hexval(p[1]);

	CHECK(a >= 0 && b >= 0);
	return (unsigned char)(a << 4 | b);
}

/* The bytes an escaper's output @e (@n bytes) stands for, into @d. */
static size_t decode(int kind, const char *e, size_t n, unsigned char *d)
{
	size_t i = 0, o = 0;

	while (i < n) {
		char c = e[i];

		if (kind == 1 && c == '"') { /* CSV: "" is a quote */
			CHECK(i + 1 < n && e[i + 1] == '"');
			d[o++] = '"';
			i += 2;
			continue;
		}
		if (c != '\\') {
			d[o++] = (unsigned char)c;
			i++;
			continue;
		}
		CHECK(i + 1 < n);
		c = e[i + 1];
		if (c == 'n' || c == 't' || c == 'r') {
			CHECK(kind != 1);
			d[o++] = c == 'n' ? '\n' : c == 't' ? '\t' : '\r';
			i += 2;
		} else if (c == '\\' || (kind == 0 && c == '"') || (kind == 2 && c == '\'')) {
			d[o++] = (unsigned char)c;
			i += 2;
		} else if (kind == 0 && c == 'u') {
			/* \u00XX below 0x80, \udcXX for a byte that is not UTF-8 */
			CHECK(i + 6 <= n);
			CHECK(!memcmp(e + i + 2, "00", 2) || !memcmp(e + i + 2, "dc", 2));
			d[o] = hex2(e + i + 4);
			CHECK((e[i + 2] == 'd') == (d[o] >= 0x80));
			o++;
			i += 6;
		} else {
			CHECK(kind != 0 && c == 'x' && i + 4 <= n);
			d[o++] = hex2(e + i + 2);
			i += 4;
		}
	}
	return o;
}

static void check_escaper(int kind, ec_escape_fn *fn, const uint8_t *data, size_t size)
{
	size_t cap = size * 6 + 8, used, n, pn = 0, left = size, room;
	char *whole = malloc(cap), *part = malloc(cap), piece[EC_ESCAPE_MAX + 16];
	unsigned char *back = malloc(size + 1);
	const char *p = (const char *)data;

	CHECK(whole && part && back);
	n = fn(whole, cap, (const char *)data, size, &used);
	CHECK(used == size && n <= size * 6);
	room = EC_ESCAPE_MAX + (size ? data[0] % 16 : 0);
	while (left) {
		size_t k = fn(piece, room, p, left, &used);

		CHECK(used && k <= room);
		memcpy(part + pn, piece, k);
		pn += k;
		p += used;
		left -= used;
	}
	CHECK(pn == n && !memcmp(part, whole, n));
	CHECK(decode(kind, whole, n, back) == size && !memcmp(back, data, size));
	if (kind == 0) {
		CHECK(ec_utf8_valid(whole, n));
		for (size_t i = 0; i < n; i++)
			CHECK((unsigned char)whole[i] >= 0x20 && whole[i] != 0x7f);
	}
	free(whole);
	free(part);
	free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *z, *d;
	uint32_t *pids = NULL;
	size_t npids = 0, commas = 0;
	uint64_t v;

	check_escaper(0, ec_json_escape, data, size);
	check_escaper(1, ec_csv_escape, data, size);
	check_escaper(2, ec_shell_escape, data, size);

	switch (ec_shell_quote_of(s, size)) {
	case EC_SHELL_PLAIN:
		CHECK(size);
		for (size_t i = 0; i < size; i++)
			CHECK(strchr("_@%+=:,./-", s[i]) || (s[i] >= '0' && s[i] <= '9') ||
			      ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'));
		break;
	case EC_SHELL_SINGLE:
		CHECK(!memchr(s, '\'', size) && ec_utf8_valid(s, size));
		for (size_t i = 0; i < size; i++)
			CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
		break;
	default:
		break;
	}
	d = malloc(size + 1);
	CHECK(d);
	if (ec_shell_plain_words(d, data, size)) {
		/* every argument plain and none empty: the block with spaces */
		for (size_t i = 0, start = 0; i <= size; i++) {
			if (i < size && data[i]) {
				CHECK(d[i] == s[i]);
				continue;
			}
			if (i < size)
				CHECK(d[i] == ' ');
			if (i > start)
				CHECK(ec_shell_quote_of(s + start, i - start) == EC_SHELL_PLAIN);
			else
				CHECK(i == size); /* only the end may follow a NUL */
			start = i + 1;
		}
	}
	free(d);

	/* the parsers take strings: the input up to its first NUL */
	z = malloc(size + 1);
	CHECK(z);
	memcpy(z, data, size);
	z[size] = '\0';
	(void)ec_parse_duration(z, &v);
	(void)ec_parse_size(z, &v);
	for (const char *c = z; *c; c++)
		commas += *c == ',';
	if (!ec_parse_pids(z, &pids, &npids))
		CHECK(npids == commas + 1);
	else
		CHECK(npids == 0);
	free(pids);
	free(z);
	return 0;
}
