/* SPDX-License-Identifier: MIT */
/* common/utf8.c and common/escape.c: UTF-8, JSON, CSV and shell escaping. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "common/escape.h"
#include "common/macros.h"
#include "common/utf8.h"
#include "test-common.h"

#define U(s) ((const unsigned char *)(s))

/* Known sequences (Unicode 15, table 3-7, and Markus Kuhn's stress
 * test) and the length of the one at their start: 0 if none is valid. */
static const struct {
	const char *s;
	size_t n; /* bytes available */
	size_t want;
	const char *what;
} utf8_cases[] = {
    {"a", 1, 1, "ASCII"},
    {"", 1, 1, "NUL is ASCII"},
    {"\x7f", 1, 1, "U+007F, the last 1-byte"},
    {"a", 0, 0, "nothing available"},
    {"\xc2\x80", 2, 2, "U+0080, the first 2-byte"},
    {"\xc3\xa9", 2, 2, "U+00E9"},
    {"\xdf\xbf", 2, 2, "U+07FF, the last 2-byte"},
    {"\xe0\xa0\x80", 3, 3, "U+0800, the first 3-byte"},
    {"\xe2\x82\xac", 3, 3, "U+20AC"},
    {"\xed\x9f\xbf", 3, 3, "U+D7FF, below the surrogates"},
    {"\xee\x80\x80", 3, 3, "U+E000, above the surrogates"},
    {"\xef\xbf\xbf", 3, 3, "U+FFFF, the last 3-byte"},
    {"\xf0\x90\x80\x80", 4, 4, "U+10000, the first 4-byte"},
    {"\xf0\x9f\x98\x80", 4, 4, "U+1F600"},
    {"\xf4\x8f\xbf\xbf", 4, 4, "U+10FFFF, the last code point"},
    {"\xc3\xa9xyz", 5, 2, "a sequence followed by more"},
    /* overlong forms */
    {"\xc0\x80", 2, 0, "overlong U+0000"},
    {"\xc0\xaf", 2, 0, "overlong '/' in 2"},
    {"\xc1\xbf", 2, 0, "overlong U+007F"},
    {"\xe0\x80\xaf", 3, 0, "overlong '/' in 3"},
    {"\xe0\x9f\xbf", 3, 0, "overlong U+07FF"},
    {"\xf0\x80\x80\xaf", 4, 0, "overlong '/' in 4"},
    {"\xf0\x8f\xbf\xbf", 4, 0, "overlong U+FFFF"},
    /* UTF-16 surrogates */
    {"\xed\xa0\x80", 3, 0, "U+D800, first high surrogate"},
    {"\xed\xaf\xbf", 3, 0, "U+DBFF"},
    {"\xed\xb0\x80", 3, 0, "U+DC00, first low surrogate"},
    {"\xed\xbf\xbf", 3, 0, "U+DFFF, last surrogate"},
    /* beyond U+10FFFF */
    {"\xf4\x90\x80\x80", 4, 0, "U+110000"},
    {"\xf5\x80\x80\x80", 4, 0, "lead F5"},
    {"\xf7\xbf\xbf\xbf", 4, 0, "U+1FFFFF in the old 4-byte form"},
    {"\xf8\x88\x80\x80\x80", 5, 0, "a 5-byte form"},
    {"\xfc\x84\x80\x80\x80\x80", 6, 0, "a 6-byte form"},
    {"\xfe", 1, 0, "FE"},
    {"\xff", 1, 0, "FF"},
    /* cut short */
    {"\xc3\xa9", 1, 0, "2-byte, 1 available"},
    {"\xe2\x82\xac", 2, 0, "3-byte, 2 available"},
    {"\xf0\x9f\x98\x80", 3, 0, "4-byte, 3 available"},
    {"\xf4\x8f\xbf\xbf", 1, 0, "4-byte, 1 available"},
    /* bad continuation bytes */
    {"\x80", 1, 0, "lone continuation 80"},
    {"\xbf", 1, 0, "lone continuation BF"},
    {"\xc3(", 2, 0, "2-byte, second ASCII"},
    {"\xc3\xc3", 2, 0, "2-byte, second a lead"},
    {"\xe2(\xa1", 3, 0, "3-byte, second ASCII"},
    {"\xe2\x82(", 3, 0, "3-byte, third ASCII"},
    {"\xf0(\x8c\xbc", 4, 0, "4-byte, second ASCII"},
    {"\xf0\x90(\xbc", 4, 0, "4-byte, third ASCII"},
    {"\xf0\x90\x8c(", 4, 0, "4-byte, fourth ASCII"},
};

static void test_utf8_len(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(utf8_cases); i++) {
		size_t got = ec_utf8_len(U(utf8_cases[i].s), utf8_cases[i].n);

		if (got != utf8_cases[i].want)
			fprintf(stderr, "ec_utf8_len: %s: %zu, want %zu\n", utf8_cases[i].what, got,
				utf8_cases[i].want);
		CU_ASSERT_EQUAL(got, utf8_cases[i].want);
		if (utf8_cases[i].want == utf8_cases[i].n && utf8_cases[i].n)
			CU_ASSERT(ec_utf8_valid(utf8_cases[i].s, utf8_cases[i].n));
		if (!utf8_cases[i].want && utf8_cases[i].n)
			CU_ASSERT(!ec_utf8_valid(utf8_cases[i].s, utf8_cases[i].n));
	}
}

/* Every 2- and 3-byte string, and every lead and second byte of a 4-byte
 * one: as many valid sequences of each length as the standard has code
 * points there (U+0080..U+07FF; U+0800..U+FFFF less 2048 surrogates;
 * U+10000..U+10FFFF, 64 * 64 per lead and second byte). */
static void test_utf8_counts(void)
{
	unsigned char b[4] = {0, 0, 0x80, 0x80};
	size_t n2 = 0, n3 = 0, n4 = 0;

	for (unsigned x = 0; x < 0x10000; x++) {
		b[0] = (unsigned char)(x >> 8), b[1] = (unsigned char)x;
		n2 += ec_utf8_len(b, 2) == 2;
		n4 += ec_utf8_len(b, 4) == 4;
		for (unsigned y = 0; y < 0x100; y++) {
			b[2] = (unsigned char)y;
			n3 += ec_utf8_len(b, 3) == 3;
		}
		b[2] = 0x80;
	}
	CU_ASSERT_EQUAL(n2, 0x800 - 0x80);
	CU_ASSERT_EQUAL(n3, 0x10000 - 0x800 - 0x800);
	CU_ASSERT_EQUAL(n4, 0x100000 / (64 * 64));
}

static void test_utf8_text(void)
{
	CU_ASSERT(ec_utf8_valid("caf\xc3\xa9 \xe2\x82\xac", 9));
	CU_ASSERT(ec_utf8_valid("", 0));
	CU_ASSERT(ec_utf8_valid("a\0b", 3));
	CU_ASSERT(!ec_utf8_valid("caf\xc3", 4));
	CU_ASSERT(!ec_utf8_valid("\xff", 1));

	/* the ends of each range and their neighbours */
	CU_ASSERT(!ec_utf8_sneaky(U("\x7f"), 1));	  /* DEL: ASCII, escaped as such */
	CU_ASSERT(ec_utf8_sneaky(U("\xc2\x80"), 2));	  /* U+0080, first C1 */
	CU_ASSERT(ec_utf8_sneaky(U("\xc2\x9f"), 2));	  /* U+009F, last C1 */
	CU_ASSERT(ec_utf8_sneaky(U("\xe2\x80\xaa"), 3));  /* U+202A LRE */
	CU_ASSERT(!ec_utf8_sneaky(U("\xe2\x80\xaf"), 3)); /* U+202F */
	CU_ASSERT(!ec_utf8_sneaky(U("\xe2\x81\xa5"), 3)); /* U+2065 */
	CU_ASSERT(ec_utf8_sneaky(U("\xe2\x81\xa9"), 3));  /* U+2069 PDI */
	CU_ASSERT(!ec_utf8_sneaky(U("\xe2\x81\xaa"), 3)); /* U+206A */
	CU_ASSERT(!ec_utf8_sneaky(U("\xe3\x80\xae"), 3)); /* U+302E */
	CU_ASSERT(ec_utf8_sneaky(U("\xc2\x85"), 2));	  /* U+0085, C1 */
	CU_ASSERT(!ec_utf8_sneaky(U("\xc2\xa0"), 2));	  /* U+00A0 */
	CU_ASSERT(ec_utf8_sneaky(U("\xe2\x80\xae"), 3));  /* RLO */
	CU_ASSERT(ec_utf8_sneaky(U("\xe2\x81\xa6"), 3));  /* LRI */
	CU_ASSERT(!ec_utf8_sneaky(U("\xe2\x80\xa9"), 3)); /* U+2029 */
	CU_ASSERT(!ec_utf8_sneaky(U("\xe2\x82\xac"), 3));
}

/* @fn over all of @s into one big buffer. */
static char *esc(ec_escape_fn *fn, const char *s, size_t len)
{
	static char out[4096];
	size_t used, n = fn(out, sizeof(out) - 1, s, len, &used);

	CU_ASSERT_EQUAL(used, len);
	out[n] = '\0';
	return out;
}

static void test_json(void)
{
	CU_ASSERT_STRING_EQUAL(esc(ec_json_escape, "plain text", 10), "plain text");
	CU_ASSERT_STRING_EQUAL(esc(ec_json_escape, "a\"b\\c\n\t\r\x01", 9),
			       "a\\\"b\\\\c\\n\\t\\r\\u0001");
	CU_ASSERT_STRING_EQUAL(esc(ec_json_escape, "\0", 1), "\\u0000");
	/* DEL is a control character: escaped, as the README says of them */
	CU_ASSERT_STRING_EQUAL(esc(ec_json_escape, "a\x7f", 2), "a\\u007f");
	CU_ASSERT_STRING_EQUAL(esc(ec_json_escape, "caf\xc3\xa9", 5), "caf\xc3\xa9");
	CU_ASSERT_STRING_EQUAL(esc(ec_json_escape, "\xf0\x9f\x98\x80", 4), "\xf0\x9f\x98\x80");
	/* surrogateescape: each byte that is not UTF-8 */
	CU_ASSERT_STRING_EQUAL(esc(ec_json_escape, "\xff\xfe", 2), "\\udcff\\udcfe");
	CU_ASSERT_STRING_EQUAL(esc(ec_json_escape, "x\xe2\x82", 3), "x\\udce2\\udc82");
	CU_ASSERT_STRING_EQUAL(esc(ec_json_escape, "\xed\xa0\x80", 3), "\\udced\\udca0\\udc80");
}

static void test_csv(void)
{
	CU_ASSERT_STRING_EQUAL(esc(ec_csv_escape, "plain", 5), "plain");
	CU_ASSERT_STRING_EQUAL(esc(ec_csv_escape, "say \"hi\"", 8), "say \"\"hi\"\"");
	CU_ASSERT_STRING_EQUAL(esc(ec_csv_escape, "a\\b\n\xff\x7f", 6), "a\\\\b\\x0a\\xff\\x7f");
	CU_ASSERT_STRING_EQUAL(esc(ec_csv_escape, "caf\xc3\xa9", 5), "caf\xc3\xa9");
	CU_ASSERT(ec_csv_needs_quotes("a,b", 3));
	CU_ASSERT(ec_csv_needs_quotes("a b", 3));
	CU_ASSERT(ec_csv_needs_quotes("\"", 1));
	CU_ASSERT(!ec_csv_needs_quotes("a\nb", 3)); /* escaped, not quoted */
	CU_ASSERT(!ec_csv_needs_quotes("", 0));
}

static void test_shell(void)
{
	CU_ASSERT_EQUAL(ec_shell_quote_of("ls", 2), EC_SHELL_PLAIN);
	CU_ASSERT_EQUAL(ec_shell_quote_of("/usr/bin/a-b_c.d=1,2:3@%+", 25), EC_SHELL_PLAIN);
	CU_ASSERT_EQUAL(ec_shell_quote_of("", 0), EC_SHELL_SINGLE);
	CU_ASSERT_EQUAL(ec_shell_quote_of("a b", 3), EC_SHELL_SINGLE);
	CU_ASSERT_EQUAL(ec_shell_quote_of("$HOME", 5), EC_SHELL_SINGLE);
	CU_ASSERT_EQUAL(ec_shell_quote_of("caf\xc3\xa9", 5), EC_SHELL_SINGLE);
	CU_ASSERT_EQUAL(ec_shell_quote_of("it's", 4), EC_SHELL_ANSI_C);
	CU_ASSERT_EQUAL(ec_shell_quote_of("a\nb", 3), EC_SHELL_ANSI_C);
	CU_ASSERT_EQUAL(ec_shell_quote_of("\x7f", 1), EC_SHELL_ANSI_C);
	CU_ASSERT_EQUAL(ec_shell_quote_of("\xff", 1), EC_SHELL_ANSI_C);
	CU_ASSERT_EQUAL(ec_shell_quote_of("a\xe2\x80\xae", 4), EC_SHELL_ANSI_C);

	CU_ASSERT_STRING_EQUAL(esc(ec_shell_escape, "it's\n\t\r\\", 8), "it\\'s\\n\\t\\r\\\\");
	CU_ASSERT_STRING_EQUAL(esc(ec_shell_escape, "\x01\x7f\xff", 3), "\\x01\\x7f\\xff");
	CU_ASSERT_STRING_EQUAL(esc(ec_shell_escape, "\xc3\xa9\n", 3), "\xc3\xa9\\n");
	/* a bidirectional override, all of its bytes */
	CU_ASSERT_STRING_EQUAL(esc(ec_shell_escape, "a\xe2\x80\xae", 4), "a\\xe2\\x80\\xae");
	CU_ASSERT_STRING_EQUAL(esc(ec_shell_escape, "\xc2\x9b", 2), "\\xc2\\x9b");
}

static void test_plain_words(void)
{
	static const char ok[] = "cc\0-O2\0-c\0a.c\0-o\0a.o\0-DX=1\0user@host:/p%2b,x";
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
	    {" ", 1},  {"\0\0", 2}, {"$", 1},	 {"'", 1}, {"\xc3\xa9", 2},
	    {"\n", 1}, {"*", 1},    {"\x7f", 1}, {"~", 1}, {"\\", 1},
	};
	char d[64], b[64];

	/* long enough for the 16- and 8-byte steps and the tail */
	CU_ASSERT_FATAL(ec_shell_plain_words(d, ok, sizeof(ok)));
	CU_ASSERT(!memcmp(d, "cc -O2 -c a.c -o a.o -DX=1 user@host:/p%2b,x ", sizeof(ok)));
	CU_ASSERT(ec_shell_plain_words(d, "a", 1));
	/* an empty argument: first, or between two NULs */
	CU_ASSERT(!ec_shell_plain_words(d, "\0a", 2));
	/* each bad byte at each offset, so every step of the scan meets it */
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		for (size_t at = 1; at + bad[i].n + 3 <= sizeof(b); at++) {
			memset(b, 'x', sizeof(b));
			memcpy(b + at, bad[i].s, bad[i].n);
			CU_ASSERT(!ec_shell_plain_words(d, b, at + bad[i].n + 3));
		}
	}
}

/* Each byte value at each place of a plain string is found by the
 * eight-bytes-a-step scan as the byte-by-byte one (strings of one byte)
 * finds it. */
static void test_every_byte(void)
{
	ec_escape_fn *fns[] = {ec_json_escape, ec_csv_escape};
	int same = 0, total = 0;

	for (size_t f = 0; f < ARRAY_SIZE(fns); f++) {
		for (unsigned c = 0; c < 256; c++) {
			char one[8], s[24], want[64], got[64];
			size_t used, n1 = fns[f](one, sizeof(one),
						 (const char *)&(unsigned char){c}, 1, &used);

			for (size_t at = 0; at < sizeof(s); at++) {
				size_t n;

				memset(s, 'a', sizeof(s));
				s[at] = (char)c;
				memset(want, 'a', sizeof(s) - 1 + n1);
				memcpy(want + at, one, n1);
				n = fns[f](got, sizeof(got), s, sizeof(s), &used);
				total++;
				same += used == sizeof(s) && n == sizeof(s) - 1 + n1 &&
					!memcmp(got, want, n);
			}
		}
	}
	CU_ASSERT_EQUAL(same, total);
}

/* Every escaper gives the same text however small the room it is given
 * (down to EC_ESCAPE_MAX), and takes something each call. */
static void test_chunked(void)
{
	static const char pick[] = "ab \"\\'\n\x01\x7f\xc3\xa9\xe2\x80\xae\xf0\x9f\x98\x80\xff,";
	ec_escape_fn *fns[] = {ec_json_escape, ec_csv_escape, ec_shell_escape};
	uint64_t r = 88172645463325252ull;
	int same = 0, total = 0;

	for (int round = 0; round < 3000; round++) {
		char s[64], whole[512], part[512], room[16];
		size_t len, wn, pn = 0;

		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		len = r % sizeof(s);
		for (size_t i = 0; i < len; i++) {
			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			s[i] = pick[r % (sizeof(pick) - 1)];
		}
		for (size_t f = 0; f < ARRAY_SIZE(fns); f++) {
			size_t used, cap = EC_ESCAPE_MAX + r % (sizeof(room) - EC_ESCAPE_MAX + 1);
			const char *p = s;
			size_t left = len;
			bool stuck = false;

			wn = fns[f](whole, sizeof(whole), s, len, &used);
			pn = 0;
			while (left && !stuck) {
				size_t n = fns[f](room, cap, p, left, &used);

				stuck = !used;
				memcpy(part + pn, room, n);
				pn += n;
				p += used;
				left -= used;
			}
			total++;
			same += !stuck && pn == wn && !memcmp(part, whole, wn);
		}
	}
	CU_ASSERT_EQUAL(same, total);
}

void test_common_add_text(void)
{
	CU_pSuite s = CU_add_suite("common: UTF-8 and escaping", NULL, NULL);

	CU_add_test(s, "UTF-8 sequences: a table of known ones", test_utf8_len);
	CU_add_test(s, "UTF-8: valid sequences of each length", test_utf8_counts);
	CU_add_test(s, "UTF-8 text, sneaky characters", test_utf8_text);
	CU_add_test(s, "JSON strings", test_json);
	CU_add_test(s, "CSV cells", test_csv);
	CU_add_test(s, "shell words", test_shell);
	CU_add_test(s, "plain argv fast path", test_plain_words);
	CU_add_test(s, "every byte at every place", test_every_byte);
	CU_add_test(s, "escaping in small pieces", test_chunked);
}
